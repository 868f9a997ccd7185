package comment

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseConfig reads the operator's comment settings, written as
// "max-length=5000,edit-minutes=15,depth=3,flags=3,first-held=1,close-days=0,
// reader-limit=5,addr-limit=20,rate-minutes=10,page-size=50"; missing keys
// keep their defaults, and "" is all defaults.
func ParseConfig(s string) (Config, error) {
	c := DefaultConfig
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil || n < 0 {
			return c, fmt.Errorf("comments %q: each setting is name=number (0 or more), e.g. max-length=5000", kv)
		}
		switch strings.TrimSpace(k) {
		case "max-length":
			c.MaxLength = max(n, 1)
		case "edit-minutes":
			c.EditWindow = time.Duration(n) * time.Minute
			if n == 0 {
				c.EditWindow = -1 // no editing
			}
		case "depth":
			c.MaxDepth = max(n, 1)
		case "flags":
			c.FlagThreshold = max(n, 1)
		case "first-held":
			c.FirstHeld = n
			if n == 0 {
				c.FirstHeld = -1
			}
		case "close-days":
			c.CloseAfterDays = n
		case "reader-limit":
			c.ReaderLimit = max(n, 1)
		case "addr-limit":
			c.AddrLimit = max(n, 1)
		case "rate-minutes":
			c.RateWindow = time.Duration(max(n, 1)) * time.Minute
		case "page-size":
			c.PageSize = max(n, 1)
		default:
			return c, fmt.Errorf("comments: unknown setting %q (max-length, edit-minutes, depth, flags, first-held, close-days, reader-limit, addr-limit, rate-minutes, page-size)", k)
		}
	}
	return c, nil
}
