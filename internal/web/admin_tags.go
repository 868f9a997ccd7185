package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/tag"
)

type tagsView struct {
	adminPage
	Edition  *ed
	Editions []*ed
	Tags     []tag.Counted
}

func (a *admin) tagEdition(r *http.Request) *ed {
	s := a.h.site.Load()
	if e := s.byCode[r.FormValue("edition")]; e != nil {
		return e
	}
	return s.editions[0]
}

// tagsPage lists an edition's tags with their article counts, to rename
// or merge them.
func (a *admin) tagsPage(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.TagManage, false) {
		return errForbidden
	}
	return a.renderTags(w, r, u, http.StatusOK, "")
}

func (a *admin) renderTags(w http.ResponseWriter, r *http.Request, u *account.User, code int, errText string) error {
	e := a.tagEdition(r)
	tags, err := a.h.tags.WithCounts(r.Context(), e.ID)
	if err != nil {
		return err
	}
	v := tagsView{adminPage: adminPage{Title: "Tags", User: u, Error: errText}, Edition: e, Editions: a.h.site.Load().editions, Tags: tags}
	if r.URL.Query().Get("done") != "" {
		v.Note = "Saved."
	}
	a.render(w, code, "tags", v)
	return nil
}

func (a *admin) tagUpdate(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.TagManage, false) {
		return errForbidden
	}
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil {
		return errBadRequest
	}
	if err := a.h.tags.Update(r.Context(), id, r.PostFormValue("name"), r.PostFormValue("long_name"), r.PostFormValue("description")); err != nil {
		return a.renderTags(w, r, u, http.StatusUnprocessableEntity, err.Error())
	}
	return a.tagsDone(w, r, u, "tag.update", id)
}

func (a *admin) tagMerge(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.TagManage, false) {
		return errForbidden
	}
	from, err1 := strconv.ParseInt(r.PostFormValue("from"), 10, 64)
	into, err2 := strconv.ParseInt(r.PostFormValue("into"), 10, 64)
	if err1 != nil || err2 != nil {
		return a.renderTags(w, r, u, http.StatusUnprocessableEntity, "Choose the tag to merge and the tag to keep.")
	}
	if err := a.h.tags.Merge(r.Context(), from, into); errors.Is(err, tag.ErrSameTag) {
		return a.renderTags(w, r, u, http.StatusUnprocessableEntity, "Choose two different tags of this edition.")
	} else if err != nil {
		return err
	}
	return a.tagsDone(w, r, u, "tag.merge", into)
}

func (a *admin) tagsDone(w http.ResponseWriter, r *http.Request, u *account.User, action string, id int64) error {
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, action, "tag:"+itoa(id), ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/tags?done=1&edition="+a.tagEdition(r).Code, http.StatusSeeOther)
	return nil
}
