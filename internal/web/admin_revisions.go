package web

import (
	"net/http"
	"strconv"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/newsroom"
	"github.com/lede-news/lede/internal/tag"
)

type revisionsView struct {
	adminPage
	ArticleID int64
	Current   int
	Revisions []newsroom.Revision
	CanEdit   bool
}

func (a *admin) revisions(w http.ResponseWriter, r *http.Request, u *account.User) error {
	id, err := a.articleID(r)
	if err != nil {
		return err
	}
	if err := a.mayView(r, u, id); err != nil {
		return err
	}
	revs, err := a.Newsroom.Revisions(r.Context(), id)
	if err != nil {
		return err
	}
	d, _, err := a.Newsroom.Load(r.Context(), id)
	if err != nil {
		return err
	}
	canEdit, _ := a.may(r.Context(), u, id, account.ArticleEdit)
	a.render(w, http.StatusOK, "revisions", revisionsView{adminPage: adminPage{Title: "Revisions", User: u},
		ArticleID: id, Current: d.Version, Revisions: revs, CanEdit: canEdit})
	return nil
}

type diffView struct {
	adminPage
	ArticleID int64
	A, B      int
	Fields    []newsroom.FieldDiff
}

func (a *admin) diff(w http.ResponseWriter, r *http.Request, u *account.User) error {
	id, err := a.articleID(r)
	if err != nil {
		return err
	}
	if err := a.mayView(r, u, id); err != nil {
		return err
	}
	va, errA := strconv.Atoi(r.URL.Query().Get("a"))
	vb, errB := strconv.Atoi(r.URL.Query().Get("b"))
	if errA != nil || errB != nil {
		return errBadRequest
	}
	ra, err := a.Newsroom.Revision(r.Context(), id, va)
	if err != nil {
		return err
	}
	rb, err := a.Newsroom.Revision(r.Context(), id, vb)
	if err != nil {
		return err
	}
	a.render(w, http.StatusOK, "diff", diffView{adminPage: adminPage{Title: "Changes", User: u}, ArticleID: id, A: va, B: vb,
		Fields: newsroom.Diff(ra, rb)})
	return nil
}

func (a *admin) restore(w http.ResponseWriter, r *http.Request, u *account.User) error {
	id, err := a.articleID(r)
	if err != nil {
		return err
	}
	d, status, err := a.Newsroom.Load(r.Context(), id)
	if err != nil {
		return err
	}
	owner, err := a.Newsroom.Owner(r.Context(), id)
	if err != nil {
		return err
	}
	if !account.CanStep(u.Role, "save", status, owner == u.ID) {
		return errForbidden
	}
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		return errBadRequest
	}
	current, _ := strconv.Atoi(r.PostFormValue("current"))
	if current != d.Version {
		a.message(w, http.StatusConflict, u, "The article changed since you opened its revisions; nothing was restored.")
		return nil
	}
	if _, err := a.Newsroom.Restore(r.Context(), u.ID, id, version, current); err != nil {
		return err
	}
	a.record(r, u.ID, "article.restore", "article:"+itoa(id), "version "+itoa(int64(version)))
	http.Redirect(w, r, "/admin/articles/"+itoa(id)+"?saved=1", http.StatusSeeOther)
	return nil
}

type auditView struct {
	adminPage
	Entries []newsroom.Entry
	Names   map[int64]string
}

func (a *admin) audit(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.AuditView, false) {
		return errForbidden
	}
	entries, err := a.Newsroom.AuditLog(r.Context(), 200)
	if err != nil {
		return err
	}
	users, err := a.Users.List(r.Context())
	if err != nil {
		return err
	}
	names := map[int64]string{0: "import"}
	for _, x := range users {
		names[x.ID] = x.Name + " <" + x.Email + ">"
	}
	a.render(w, http.StatusOK, "audit", auditView{adminPage: adminPage{Title: "Audit log", User: u}, Entries: entries, Names: names})
	return nil
}

// slugFromHeadline proposes a slug when the editor leaves it empty.
func slugFromHeadline(h string) string {
	s := tag.Slugify(h)
	if len(s) > 80 {
		s = s[:80]
		for len(s) > 0 && s[len(s)-1] == '-' {
			s = s[:len(s)-1]
		}
	}
	return s
}

// mayView refuses users whose role does not let them open the article.
func (a *admin) mayView(r *http.Request, u *account.User, id int64) error {
	ok, err := a.may(r.Context(), u, id, account.ArticleView)
	if err != nil {
		return err
	}
	if !ok {
		return errForbidden
	}
	return nil
}
