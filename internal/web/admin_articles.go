package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/newsroom"
)

type articleRow struct {
	newsroom.Row
	Edition, Section, Modified, Publish string
}

type dashboardView struct {
	adminPage
	Submitted, Scheduled, Mine []articleRow
	MostRead                   []card
	CanReview                  bool
}

func (a *admin) rows(rs []newsroom.Row) []articleRow {
	s := a.h.site.Load()
	out := make([]articleRow, 0, len(rs))
	for _, r := range rs {
		x := articleRow{Row: r, Modified: r.ModifiedAt.Format("2006-01-02 15:04 UTC"), Publish: r.PublishedAt.Format("2006-01-02 15:04 UTC")}
		if e := s.byID(r.EditionID); e != nil {
			x.Edition = e.Code
			if sec := e.sectionsID[r.SectionID]; sec != nil {
				x.Section = sec.Name
			}
		}
		out = append(out, x)
	}
	return out
}

func (a *admin) dashboard(w http.ResponseWriter, r *http.Request, u *account.User) error {
	ctx := r.Context()
	v := dashboardView{adminPage: adminPage{Title: "Newsroom", User: u}, CanReview: account.Can(u.Role, account.ArticleReturn, false)}
	if v.CanReview {
		sub, err := a.Newsroom.List(ctx, newsroom.Filter{Status: article.StatusSubmitted, Limit: 20})
		if err != nil {
			return err
		}
		v.Submitted = a.rows(sub)
	}
	sched, err := a.Newsroom.List(ctx, newsroom.Filter{Status: article.StatusScheduled, Order: "publish", Limit: 20, CreatedBy: a.scope(u)})
	if err != nil {
		return err
	}
	mine, err := a.Newsroom.List(ctx, newsroom.Filter{CreatedBy: u.ID, Limit: 10})
	if err != nil {
		return err
	}
	v.Scheduled, v.Mine = a.rows(sched), a.rows(mine)
	for _, e := range a.h.site.Load().editions {
		top, err := a.h.mostRead(ctx, e, 0)
		if err != nil {
			return err
		}
		v.MostRead = append(v.MostRead, top...)
	}
	a.render(w, http.StatusOK, "dashboard", v)
	return nil
}

// scope limits lists to the user's own articles when their role sees only
// those.
func (a *admin) scope(u *account.User) int64 {
	if account.Can(u.Role, account.ArticleView, false) {
		return 0
	}
	return u.ID
}

type listAdminView struct {
	adminPage
	Rows                           []articleRow
	Status, Text                   string
	EditionID, SectionID, AuthorID int64
	Statuses                       []string
	Editions                       []*ed
	Sections, Authors              []option
}

func (a *admin) articles(w http.ResponseWriter, r *http.Request, u *account.User) error {
	q := r.URL.Query()
	f := newsroom.Filter{Status: q.Get("status"), Text: q.Get("q"), CreatedBy: a.scope(u), Limit: 100}
	if f.Status != "" && !validStatus(f.Status) {
		return errBadRequest
	}
	if v := q.Get("edition"); v != "" {
		e := a.h.site.Load().byCode[v]
		if e == nil {
			return errBadRequest
		}
		f.EditionID = e.ID
	}
	if len(f.Text) > 200 {
		return errBadRequest
	}
	for key, dst := range map[string]*int64{"section": &f.SectionID, "author": &f.AuthorID} {
		if v := q.Get(key); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return errBadRequest
			}
			*dst = id
		}
	}
	rs, err := a.Newsroom.List(r.Context(), f)
	if err != nil {
		return err
	}
	v := listAdminView{adminPage: adminPage{Title: "Articles", User: u}, Rows: a.rows(rs), Status: f.Status, Text: f.Text,
		EditionID: f.EditionID, SectionID: f.SectionID, AuthorID: f.AuthorID, Statuses: article.Statuses(), Editions: a.h.site.Load().editions}
	for _, e := range v.Editions {
		for _, sec := range e.Sections {
			v.Sections = append(v.Sections, option{sec.ID, e.Code + " / " + sec.Name, sec.ID == f.SectionID})
		}
	}
	authors, err := a.h.authors.All(r.Context())
	if err != nil {
		return err
	}
	for _, au := range authors {
		v.Authors = append(v.Authors, option{au.ID, au.Name, au.ID == f.AuthorID})
	}
	a.render(w, http.StatusOK, "articles", v)
	return nil
}

func validStatus(s string) bool {
	for _, x := range article.Statuses() {
		if x == s {
			return true
		}
	}
	return false
}

// editView is the article editor.
type editView struct {
	adminPage
	newsroom.Draft
	Status    string
	Tags      string
	PublishAt string
	Errors    map[string]string
	Authors   []option
	Sections  []option
	TagNames  []string
	Actions   []article.Action
	Preview   template.HTML
	PublicURL string
	Conflict  bool
}

type option struct {
	ID       int64
	Name     string
	Selected bool
}

func (a *admin) newArticle(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.ArticleCreate, true) {
		return errForbidden
	}
	s := a.h.site.Load()
	e := s.byCode[r.URL.Query().Get("edition")]
	if e == nil {
		e = s.editions[0]
	}
	d := newsroom.Draft{EditionID: e.ID}
	if len(e.Sections) > 0 {
		d.SectionID = e.Sections[0].ID
	}
	return a.showEditor(w, r, u, http.StatusOK, d, article.StatusDraft, nil, "")
}

func (a *admin) articleID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// may checks an action on an existing article against the user's role.
func (a *admin) may(ctx context.Context, u *account.User, id int64, act account.Action) (bool, error) {
	owner, err := a.Newsroom.Owner(ctx, id)
	if err != nil {
		return false, err
	}
	return account.Can(u.Role, act, owner == u.ID), nil
}

func (a *admin) editArticle(w http.ResponseWriter, r *http.Request, u *account.User) error {
	id, err := a.articleID(r)
	if err != nil {
		return err
	}
	if err := a.mayView(r, u, id); err != nil {
		return err
	}
	d, status, err := a.Newsroom.Load(r.Context(), id)
	if err != nil {
		return err
	}
	note := ""
	if r.URL.Query().Get("saved") != "" {
		note = "Saved."
	}
	return a.showEditor(w, r, u, http.StatusOK, d, status, nil, note)
}

func (a *admin) showEditor(w http.ResponseWriter, r *http.Request, u *account.User, code int, d newsroom.Draft, status string, errs map[string]string, note string) error {
	ctx := r.Context()
	s := a.h.site.Load()
	e := s.byID(d.EditionID)
	if e == nil {
		return errBadRequest
	}
	v := editView{adminPage: adminPage{Title: "Edit", User: u, Note: note}, Draft: d, Status: status, Errors: errs}
	if d.ID == 0 {
		v.Title = "New article"
	}
	if !d.PublishAt.IsZero() {
		v.PublishAt = d.PublishAt.In(e.Loc).Format("2006-01-02T15:04:05")
	}
	authors, err := a.h.authors.All(ctx)
	if err != nil {
		return err
	}
	for _, au := range authors {
		v.Authors = append(v.Authors, option{au.ID, au.Name, contains(d.AuthorIDs, au.ID)})
	}
	for _, x := range s.editions {
		for _, sec := range x.Sections {
			v.Sections = append(v.Sections, option{sec.ID, x.Code + " / " + sec.Name, sec.ID == d.SectionID})
		}
	}
	tags, err := a.h.tags.All(ctx, d.EditionID)
	if err != nil {
		return err
	}
	var chosen []string
	for _, t := range tags {
		v.TagNames = append(v.TagNames, t.Name)
		if contains(d.TagIDs, t.ID) {
			chosen = append(chosen, t.Name)
		}
	}
	if v.Tags == "" {
		v.Tags = strings.Join(chosen, ", ")
	}
	owns := d.ID == 0
	if !owns {
		owner, err := a.Newsroom.Owner(ctx, d.ID)
		if err != nil {
			return err
		}
		owns = owner == u.ID
	}
	for _, act := range []article.Action{article.ActSave, article.ActSubmit, article.ActReturn, article.ActPublish,
		article.ActSchedule, article.ActUnpublish} {
		if _, err := article.Next(status, act); err == nil && account.CanStep(u.Role, act, status, owns) {
			v.Actions = append(v.Actions, act)
		}
	}
	if status == article.StatusPublished && d.ID != 0 {
		if sec := e.sectionsID[d.SectionID]; sec != nil {
			v.PublicURL = "/" + e.Code + "/" + sec.Slug + "/" + d.Slug
		}
	}
	if html, err := article.RenderBody(e.Lang, d.BodyMD); err == nil && r.Method == http.MethodPost && d.BodyMD != "" {
		v.Preview = template.HTML(html) // sanitised by RenderBody
	}
	a.render(w, code, "edit", v)
	return nil
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// saveArticle applies the button the editor pressed. Whatever goes wrong,
// the form comes back with the editor's text in it: nothing typed is lost.
func (a *admin) saveArticle(w http.ResponseWriter, r *http.Request, u *account.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, 2<<20)
	if err := r.ParseForm(); err != nil {
		a.message(w, http.StatusRequestEntityTooLarge, u, "The article is too large to save (2 MiB at most).")
		return nil
	}
	ctx := r.Context()
	d, status, tagNames, errs := a.readDraft(r)
	if r.PathValue("id") != "" {
		id, err := a.articleID(r)
		if err != nil {
			return err
		}
		_, cur, err := a.Newsroom.Load(ctx, id)
		if err != nil {
			return err
		}
		d.ID, status = id, cur
	}
	actName := r.PostFormValue("action")
	if actName == "preview" {
		return a.showEditor(w, r, u, http.StatusOK, d, status, errs, "Preview below; not saved yet.")
	}
	act := article.Action(actName)
	owns := d.ID == 0
	if !owns {
		owner, err := a.Newsroom.Owner(ctx, d.ID)
		if err != nil {
			return err
		}
		owns = owner == u.ID
	}
	if d.ID == 0 && !account.Can(u.Role, account.ArticleCreate, true) {
		return errForbidden
	}
	if _, err := article.Next(status, act); err != nil {
		return a.showEditor(w, r, u, http.StatusConflict, d, status, errs, "")
	}
	if !account.CanStep(u.Role, act, status, owns) {
		return errForbidden
	}
	if len(errs) == 0 {
		ids, err := a.h.tags.Ensure(ctx, d.EditionID, tagNames, account.Can(u.Role, account.TagCreate, true))
		if err != nil {
			errs = map[string]string{"tags": err.Error()}
		}
		d.TagIDs = ids
	}
	if len(errs) > 0 {
		return a.showEditor(w, r, u, http.StatusUnprocessableEntity, d, status, errs, "")
	}
	id, _, err := a.Newsroom.Save(ctx, u.ID, d, act)
	var verrs article.Errors
	switch {
	case errors.Is(err, newsroom.ErrConflict):
		return a.showEditor(w, r, u, http.StatusConflict, d, status, map[string]string{"version": "Someone else saved this article " +
			"after you opened it. Your text is kept below and was not saved; open the article again in another tab, then merge your changes."}, "")
	case errors.As(err, &verrs):
		return a.showEditor(w, r, u, http.StatusUnprocessableEntity, d, status, verrs, "")
	case errors.Is(err, article.ErrIllegalTransition):
		return a.showEditor(w, r, u, http.StatusConflict, d, status, map[string]string{"action": err.Error()}, "")
	case err != nil:
		return err
	}
	http.Redirect(w, r, "/admin/articles/"+itoa(id)+"?saved=1", http.StatusSeeOther)
	return nil
}

// readDraft reads the editor's form; field errors are those the form
// alone can tell (a date that does not parse, an unknown section).
func (a *admin) readDraft(r *http.Request) (newsroom.Draft, string, []string, map[string]string) {
	f := r.PostForm
	errs := map[string]string{}
	d := newsroom.Draft{Slug: strings.TrimSpace(f.Get("slug")), Headline: f.Get("headline"), Standfirst: f.Get("standfirst"),
		BodyMD: strings.ReplaceAll(f.Get("body"), "\r\n", "\n"), Dateline: f.Get("dateline"), Correction: strings.TrimSpace(f.Get("correction")),
		Top: f.Get("top") != ""}
	d.Version, _ = strconv.Atoi(f.Get("version"))
	s := a.h.site.Load()
	secID, _ := strconv.ParseInt(f.Get("section"), 10, 64)
	for _, e := range s.editions {
		if sec := e.sectionsID[secID]; sec != nil {
			d.EditionID, d.SectionID = e.ID, sec.ID
		}
	}
	if d.SectionID == 0 {
		errs["section"] = "choose a section"
		d.EditionID = s.editions[0].ID
	}
	for _, v := range f["authors"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			d.AuthorIDs = append(d.AuthorIDs, id)
		}
	}
	if v := strings.TrimSpace(f.Get("publish_at")); v != "" {
		loc := time.UTC
		if e := s.byID(d.EditionID); e != nil {
			loc = e.Loc
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", v, loc)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02T15:04:05", v, loc)
		}
		if err != nil {
			errs["publish_at"] = "is not a date and time"
		}
		d.PublishAt = t
	}
	if d.Slug == "" {
		d.Slug = slugFromHeadline(d.Headline)
	}
	d.Alias, d.SEOTitle, d.SEODescription = strings.TrimSpace(f.Get("alias")), f.Get("seo_title"), f.Get("seo_description")
	if v := strings.TrimSpace(f.Get("translation_of")); v != "" {
		if ids, ok := parseIDs(v); ok && len(ids) == 1 {
			d.TranslationOf = ids[0]
		} else {
			errs["translation_of"] = "is one article number"
		}
	}
	var ok bool
	if d.Pins, ok = parseIDs(f.Get("pins")); !ok {
		errs["pins"] = "are article numbers separated by commas"
	}
	if d.Excludes, ok = parseIDs(f.Get("excludes")); !ok {
		errs["excludes"] = "are article numbers separated by commas"
	}
	var tags []string
	for _, t := range strings.Split(f.Get("tags"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	if len(tags) > 20 {
		errs["tags"] = "20 tags at most"
	}
	return d, article.StatusDraft, tags, errs
}

func (a *admin) preview(w http.ResponseWriter, r *http.Request, u *account.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, 2<<20)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the article is larger than 2 MiB", http.StatusRequestEntityTooLarge)
		return nil
	}
	lang := "en"
	secID, _ := strconv.ParseInt(r.PostFormValue("section"), 10, 64)
	for _, e := range a.h.site.Load().editions {
		if e.sectionsID[secID] != nil {
			lang = e.Lang
		}
	}
	html, err := article.RenderBody(lang, r.PostFormValue("body"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return nil
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(html))
	return nil
}
