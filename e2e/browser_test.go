package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// EnvBrowser names the Chromium binary; when set, browser tests must run.
const EnvBrowser = "LEDE_TEST_BROWSER"

const desktopUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"

// newBrowser starts headless Chromium with its own profile and user agent
// (the site counts a reader by address and user agent) and returns a
// context for its first tab.
func newBrowser(t *testing.T, ua string) context.Context {
	t.Helper()
	path := os.Getenv(EnvBrowser)
	if path == "" {
		t.Skip(EnvBrowser + " not set")
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("%s=%s: %v", EnvBrowser, path, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserAgent(ua), chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	if _, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// grantClipboard lets pages of origin write and read the clipboard without
// a prompt, as a reader who allows it would.
func grantClipboard(t *testing.T, ctx context.Context, origin string) {
	t.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true},
			Setting:    browser.PermissionSettingGranted, Origin: origin,
		})
		if err != nil {
			t.Fatalf("grant %s: %v", name, err)
		}
	}
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
