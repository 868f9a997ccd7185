package shortlink

import "testing"

func TestCodesAreUniqueAndCompact(t *testing.T) {
	seen := map[string]int64{}
	for id := int64(1); id <= 200000; id++ {
		c := Code(id)
		if other, ok := seen[c]; ok {
			t.Fatalf("ids %d and %d share code %q", other, id, c)
		}
		if !ValidCode(c) || len(c) > 6 {
			t.Fatalf("code %q of %d is not a valid compact code", c, id)
		}
		seen[c] = id
	}
	if Code(1) == "" || Code(2)[:2] == Code(1)[:2] && Code(3)[:2] == Code(1)[:2] {
		t.Fatalf("consecutive ids give look-alike codes: %s %s %s", Code(1), Code(2), Code(3))
	}
}

func TestTargetStaysOnSite(t *testing.T) {
	for _, bad := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "evil.example", "/a\r\nLocation: x", ""} {
		if _, ok := Target(bad); ok {
			t.Errorf("Target(%q) allowed", bad)
		}
	}
	if p, ok := Target("/fr/defense/new-start"); !ok || p != "/fr/defense/new-start" {
		t.Errorf("a site path was refused")
	}
}

func FuzzTarget(f *testing.F) {
	for _, s := range []string{"/fr/a", "//x", "https://x", "/\\x", "/%2F%2Fx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := Target(s)
		if !ok {
			return
		}
		if len(p) < 1 || p[0] != '/' || (len(p) > 1 && (p[1] == '/' || p[1] == '\\')) {
			t.Fatalf("Target(%q) = %q escapes the site", s, p)
		}
	})
}
