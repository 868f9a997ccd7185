package e2e

import (
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
)

// addUsers migrates a fresh data folder and creates one user per role.
func addUsers(t *testing.T, dir string) {
	t.Helper()
	if code, out, errs := lede(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s %s", out, errs)
	}
	d, err := db.Open(context.Background(), filepath.Join(dir, "lede.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	users := &account.Store{DB: d}
	for _, r := range account.Roles() {
		if _, err := users.Create(context.Background(), account.NewUser{Email: string(r) + "@lede.test", Name: "Test " + string(r),
			Role: r, Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
	}
}

func signIn(t *testing.T, ctx context.Context, base string, role account.Role) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(base+"/admin/"))
	run(t, ctx, chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), string(role)+"@lede.test"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.signout`)),
	))
}

// A contributor writes and submits; an editor schedules it; it appears on
// the site at its time with its short link; a second editor's conflicting
// save is refused and keeps their text.
func TestNewsroomInBrowser(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir)
	s := start(t, dir)

	contrib := newBrowser(t, desktopUA+" contributor")
	signIn(t, contrib, s.URL, account.RoleContributor)
	run(t, contrib, chromedp.Navigate(s.URL+"/admin/articles/new?edition=fr"))
	run(t, contrib, chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS(`input[name=headline]`), "Un brouillon venu du navigateur"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=standfirst]`), "Chapeau : il est court."),
		chromedp.SendKeys(chromedp.CSS(`#body`), "Premier paragraphe.\n\n## Suite\n\nDeuxième paragraphe."),
		chromedp.SendKeys(chromedp.CSS(`input[name=tags]`), "Russie, Essai navigateur"),
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("section");
			s.value = [...s.options].find(o => o.text === "fr / Défense").value; })()`),
		chromedp.Click(chromedp.CSS(`fieldset input[name=authors]`)),
	))
	// An image, uploaded from the editor: its Markdown lands in the body.
	photo := filepath.Join(dir, "photo.jpg")
	writeJPEG(t, photo)
	run(t, contrib, chromedp.Steps(
		chromedp.SetUploadFiles(chromedp.CSS(`#upload input[type=file]`), []string{photo}),
		chromedp.SendKeys(chromedp.CSS(`#upload input[name=alt]`), "Une bande rouge sur fond blanc"),
		chromedp.SendKeys(chromedp.CSS(`#upload input[name=credit]`), "Photo : Lede"),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
	))
	for i := 0; ; i++ {
		if body := run(t, contrib, chromedp.Value(chromedp.CSS(`#body`))); strings.Contains(body, "](/media/") {
			break
		}
		if i > 50 {
			t.Fatal("the uploaded image's Markdown never reached the body")
		}
		time.Sleep(100 * time.Millisecond)
	}
	run(t, contrib, chromedp.Steps(
		chromedp.Click(chromedp.CSS(`button[value=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.note`)),
	))
	editURL, _, _ := strings.Cut(run(t, contrib, chromedp.Location()), "?") // without ?saved=1, so a new note means a new save
	if st := run(t, contrib, chromedp.Text(chromedp.CSS(`h1 .status`))); st != "submitted" {
		t.Fatalf("status after submit: %q", st)
	}
	if n := run(t, contrib, chromedp.Evaluate[int](`document.querySelectorAll("button[value=publish]").length`)); n != 0 {
		t.Fatal("a contributor is offered Publish")
	}

	editor := newBrowser(t, desktopUA+" editor")
	signIn(t, editor, s.URL, account.RoleEditor)
	run(t, editor, chromedp.Navigate(s.URL+"/admin/"))
	if body := run(t, editor, chromedp.Text(chromedp.CSS(`main`))); !strings.Contains(body, "Un brouillon venu du navigateur") {
		t.Fatal("the submitted draft is not waiting for review")
	}
	run(t, editor, chromedp.Navigate(editURL))
	paris, _ := time.LoadLocation("Europe/Paris")
	at := time.Now().Add(20 * time.Second).In(paris).Truncate(time.Second)
	run(t, editor, chromedp.SetValue(chromedp.CSS(`input[name=publish_at]`), at.Format("2006-01-02T15:04:05")))
	run(t, editor, chromedp.Steps(chromedp.Click(chromedp.CSS(`button[value=schedule]`)), chromedp.WaitVisible(chromedp.CSS(`.note`))))
	if st := run(t, editor, chromedp.Text(chromedp.CSS(`h1 .status`))); st != "scheduled" {
		t.Fatalf("status after schedule: %q", st)
	}
	if dir := os.Getenv("LEDE_E2E_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "editor.png"), run(t, editor, chromedp.CaptureScreenshot()), 0o644)
	}
	public := s.URL + "/fr/defense/un-brouillon-venu-du-navigateur"
	if code, _ := get(t, public, readerUA); code != 404 {
		t.Fatalf("scheduled article answered %d before its time", code)
	}

	// Conflict: the admin opens the article, the editor saves, the admin's save is refused.
	adminB := newBrowser(t, desktopUA+" admin")
	signIn(t, adminB, s.URL, account.RoleAdmin)
	run(t, adminB, chromedp.Navigate(editURL))
	run(t, editor, chromedp.Navigate(editURL))
	run(t, editor, chromedp.Steps(chromedp.SendKeys(chromedp.CSS(`input[name=dateline]`), "Genève"),
		chromedp.Click(chromedp.CSS(`button[value=save]`)), chromedp.WaitVisible(chromedp.CSS(`.note`))))
	run(t, adminB, chromedp.Steps(chromedp.SendKeys(chromedp.CSS(`#body`), "\n\nAjout qui ne doit pas se perdre."),
		chromedp.Click(chromedp.CSS(`button[value=save]`)), chromedp.WaitVisible(chromedp.CSS(`ul.error`))))
	if body := run(t, adminB, chromedp.Value(chromedp.CSS(`#body`))); !strings.Contains(body, "Ajout qui ne doit pas se perdre.") {
		t.Fatal("the refused save lost the admin's text")
	}

	time.Sleep(time.Until(at) + 2*time.Second)
	code, page := get(t, public, readerUA)
	if code != 200 || !strings.Contains(page, "Genève") {
		t.Fatalf("article at its time: %d", code)
	}
	reader := newBrowser(t, desktopUA+" reader")
	run(t, reader, chromedp.Navigate(public))
	run(t, reader, chromedp.Evaluate[chromedp.Void](`document.querySelector(".article-body img[srcset]").scrollIntoView()`)) // it loads lazily
	for i := 0; ; i++ {
		w := run(t, reader, chromedp.Evaluate[int](`(() => { const i = document.querySelector(".article-body img[srcset]"); return i.complete ? i.naturalWidth : 0; })()`))
		if w > 0 {
			break
		}
		if i > 50 {
			t.Fatal("the article's image does not load")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, home := get(t, s.URL+"/fr/", readerUA); !strings.Contains(home, "Un brouillon venu du navigateur") {
		t.Fatal("not in the latest list")
	}
	m := regexpShort.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no short link")
	}
	if res, _ := noRedirect.Get(m[1]); res.StatusCode != 301 || res.Header.Get("Location") != "/fr/defense/un-brouillon-venu-du-navigateur" {
		t.Fatalf("short link: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func writeJPEG(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 900, 600))
	for y := 250; y < 350; y++ {
		for x := range 900 {
			img.Set(x, y, color.RGBA{200, 20, 20, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := jpeg.Encode(f, img, nil); err != nil {
		t.Fatal(err)
	}
}
