package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/author"
	"github.com/lede-news/lede/internal/changes"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
)

// The newsroom's structure: editions, sections, authors and people. Each
// change goes through the same validation as an import record, and is
// recorded in the change log so every node reloads it.

type siteView struct {
	adminPage
	Editions []*ed
	Authors  []author.Author
	Users    []account.User
	Roles    []account.Role
	Langs    []string
}

func (a *admin) sitePage(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.SectionManage, false) {
		return errForbidden
	}
	return a.renderSite(w, r, u, http.StatusOK, "")
}

func (a *admin) renderSite(w http.ResponseWriter, r *http.Request, u *account.User, code int, errText string) error {
	v := siteView{adminPage: adminPage{Title: "Site", User: u, Error: errText}, Editions: a.h.site.Load().editions,
		Roles: account.Roles()}
	if r.URL.Query().Get("done") != "" {
		v.Note = "Saved. Every node shows it within a second."
	}
	var err error
	if v.Authors, err = a.h.authors.All(r.Context()); err != nil {
		return err
	}
	if account.Can(u.Role, account.UserManage, false) {
		if v.Users, err = a.Users.List(r.Context()); err != nil {
			return err
		}
	}
	a.render(w, code, "site", v)
	return nil
}

// saveRecord validates a record like an import line and writes it.
func (a *admin) saveRecord(w http.ResponseWriter, r *http.Request, u *account.User, rec importer.Record, perm account.Action) error {
	if !account.Can(u.Role, perm, false) {
		return errForbidden
	}
	line, _ := json.Marshal(rec)
	res, err := (&importer.Importer{DB: a.h.DB}).Import(r.Context(), strings.NewReader(string(line)))
	if err == nil && len(res.Errors) > 0 {
		err = res.Errors[0].Err
	}
	var fields article.Errors
	if errors.As(err, &fields) {
		return a.renderSite(w, r, u, http.StatusUnprocessableEntity, fields.Error())
	}
	if err != nil {
		return err
	}
	if err := a.h.DB.InTx(r.Context(), func(tx *db.Tx) error { return changes.Record(r.Context(), tx, "site") }); err != nil {
		return err
	}
	a.h.Invalidate(r.Context(), []string{"site"}) // this node at once; the others through the change log
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, rec.Type+".save", rec.Type+":"+firstNonEmpty(rec.Code, rec.Slug), ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/site?done=1", http.StatusSeeOther)
	return nil
}

func (a *admin) saveSection(w http.ResponseWriter, r *http.Request, u *account.User) error {
	pos, err := strconv.Atoi(strings.TrimSpace(cmp.Or(r.PostFormValue("position"), "0")))
	if err != nil || pos < 0 {
		return a.renderSite(w, r, u, http.StatusUnprocessableEntity, "position: a whole number, 0 or more")
	}
	return a.saveRecord(w, r, u, importer.Record{Type: "section", Edition: r.PostFormValue("edition"),
		Slug: strings.TrimSpace(r.PostFormValue("slug")), Name: strings.TrimSpace(r.PostFormValue("name")), Position: pos}, account.SectionManage)
}

func (a *admin) saveAuthor(w http.ResponseWriter, r *http.Request, u *account.User) error {
	bio := map[string]string{}
	for _, l := range []string{"fr", "en"} {
		if b := strings.TrimSpace(r.PostFormValue("bio_" + l)); b != "" {
			bio[l] = b
		}
	}
	return a.saveRecord(w, r, u, importer.Record{Type: "author", Slug: strings.TrimSpace(r.PostFormValue("slug")),
		Name: strings.TrimSpace(r.PostFormValue("name")), Bio: bio, Agency: r.PostFormValue("agency") != ""}, account.AuthorManage)
}

func (a *admin) saveEdition(w http.ResponseWriter, r *http.Request, u *account.User) error {
	return a.saveRecord(w, r, u, importer.Record{Type: "edition", Code: strings.TrimSpace(r.PostFormValue("code")),
		Name: strings.TrimSpace(r.PostFormValue("name")), Lang: strings.TrimSpace(r.PostFormValue("lang")),
		Timezone: strings.TrimSpace(r.PostFormValue("timezone")), Tagline: r.PostFormValue("tagline"),
		Conduct: strings.ReplaceAll(r.PostFormValue("conduct"), "\r\n", "\n"), Default: r.PostFormValue("default") != ""}, account.EditionManage)
}

// saveUser changes a person's role or turns the account off or on.
func (a *admin) saveUser(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.UserManage, false) {
		return errForbidden
	}
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil {
		return errBadRequest
	}
	role := account.Role(r.PostFormValue("role"))
	switch {
	case r.PostFormValue("disable") != "":
		err = a.Users.Disable(r.Context(), id)
	case r.PostFormValue("enable") != "":
		err = a.Users.Enable(r.Context(), id)
	case role.Valid():
		err = a.Users.SetRole(r.Context(), id, role)
	default:
		return errBadRequest
	}
	if errors.Is(err, account.ErrLastAdmin) {
		return a.renderSite(w, r, u, http.StatusConflict, "There must stay at least one active admin.")
	}
	if err != nil {
		return err
	}
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, "user.update", "user:"+itoa(id), string(role)); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/site?done=1", http.StatusSeeOther)
	return nil
}
