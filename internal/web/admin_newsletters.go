package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/newsletter"
)

func init() { adminViews = append(adminViews, "newsletters") }

func (a *admin) newsletterRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /admin/newsletters", a.auth(a.newslettersPage))
	m.HandleFunc("POST /admin/newsletters/breaking", a.auth(a.newsletterBreaking))
	m.HandleFunc("POST /admin/newsletters/digest", a.auth(a.newsletterDigest))
	m.HandleFunc("GET /admin/newsletters/subscribers.csv", a.auth(a.newsletterExport))
	m.HandleFunc("POST /admin/newsletters/import", a.auth(a.newsletterImport))
}

type nlListRow struct {
	Edition, Key, Name string
	Subscribers        int
	Digest             bool
}

type nlSendRow struct {
	newsletter.Send
	Created           string
	Done              int
	Percent           int
	Finished, Running bool
}

type nlArticle struct {
	ID                         int64
	Headline, Edition, Publish string
}

type newslettersView struct {
	adminPage
	Lists      []nlListRow
	Articles   []nlArticle
	Sends      []nlSendRow
	CanManage  bool
	Running    bool
	ImportErrs []string
}

func (a *admin) newslettersPage(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.NewsletterSend, false) {
		return errForbidden
	}
	v := newslettersView{adminPage: adminPage{Title: "Newsletters", User: u}}
	if id := r.URL.Query().Get("queued"); id != "" {
		v.Note = "Send " + id + " queued: every node's worker is delivering it; this page refreshes until it is done."
	}
	if n := r.URL.Query().Get("imported"); n != "" {
		v.Note = "Imported: " + n + "."
	}
	return a.renderNewsletters(w, r, u, http.StatusOK, v)
}

func (a *admin) renderNewsletters(w http.ResponseWriter, r *http.Request, u *account.User, status int, v newslettersView) error {
	ctx := r.Context()
	nl := a.h.Newsletter
	if nl == nil {
		return errNotFound
	}
	v.User, v.Title = u, "Newsletters"
	v.CanManage = account.Can(u.Role, account.NewsletterManage, false)
	for _, e := range a.h.site.Load().editions {
		ne := a.h.nlEdition(e)
		lists, err := nl.Lists(ctx, ne)
		if err != nil {
			return err
		}
		counts, err := nl.Counts(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, l := range lists {
			if counts[l.Key] == 0 && l.Kind != newsletter.Daily && l.Kind != newsletter.Breaking {
				continue
			}
			v.Lists = append(v.Lists, nlListRow{Edition: e.Code, Key: l.Key, Name: l.Name, Subscribers: counts[l.Key], Digest: l.Key != newsletter.Breaking})
		}
	}
	arts, err := a.h.articles.List(ctx, article.Query{Limit: 30})
	if err != nil {
		return err
	}
	for _, art := range arts {
		code := ""
		if e := a.h.site.Load().byID(art.EditionID); e != nil {
			code = e.Code
		}
		v.Articles = append(v.Articles, nlArticle{ID: art.ID, Headline: art.Headline, Edition: code, Publish: art.PublishedAt.Format("2006-01-02 15:04")})
	}
	sends, err := nl.Sends(ctx, 30)
	if err != nil {
		return err
	}
	for _, s := range sends {
		row := nlSendRow{Send: s, Created: s.CreatedAt.Format("2006-01-02 15:04:05"), Done: s.Sent + s.Failed + s.Skipped, Finished: s.Done()}
		if s.Total > 0 {
			row.Percent = row.Done * 100 / s.Total
		} else {
			row.Percent = 100
		}
		row.Running = !row.Finished
		v.Running = v.Running || row.Running
		v.Sends = append(v.Sends, row)
	}
	if v.Running {
		w.Header().Set("Refresh", "3") // progress: the page reloads while a send is under way
	}
	a.render(w, status, "newsletters", v)
	return nil
}

func (a *admin) newsletterBreaking(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.NewsletterSend, false) {
		return errForbidden
	}
	id, err := strconv.ParseInt(r.PostFormValue("article"), 10, 64)
	if err != nil {
		return a.renderNewsletters(w, r, u, http.StatusUnprocessableEntity, newslettersView{adminPage: adminPage{Error: "Choose an article to send."}})
	}
	sendID, n, err := a.h.Newsletter.Breaking(r.Context(), id, u.Email, r.PostFormValue("again") == "1")
	var msg string
	switch {
	case errors.Is(err, newsletter.ErrAlreadySent):
		msg = "This article went to the breaking-news list less than an hour ago. Tick “Send again” to send it once more."
	case errors.Is(err, newsletter.ErrNotPublished):
		msg = "Only a published article can be sent."
	case errors.Is(err, db.ErrNotFound):
		msg = "No such article."
	case err != nil:
		return err
	}
	if msg != "" {
		return a.renderNewsletters(w, r, u, http.StatusUnprocessableEntity, newslettersView{adminPage: adminPage{Error: msg}})
	}
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, "newsletter.breaking", "article:"+itoa(id), fmt.Sprintf("send %d to %d recipients", sendID, n)); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/newsletters?queued="+itoa(sendID), http.StatusSeeOther)
	return nil
}

func (a *admin) newsletterDigest(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.NewsletterSend, false) {
		return errForbidden
	}
	e := a.h.site.Load().byCode[r.PostFormValue("edition")]
	if e == nil {
		return errBadRequest
	}
	list := r.PostFormValue("list")
	var sendID int64
	err := a.h.DB.InTx(r.Context(), func(tx *db.Tx) error {
		var err error
		sendID, _, err = a.h.Newsletter.Digest(r.Context(), tx, a.h.nlEdition(e), list, u.Email, time.Now())
		return err
	})
	switch {
	case errors.Is(err, newsletter.ErrNothingNew):
		return a.renderNewsletters(w, r, u, http.StatusUnprocessableEntity, newslettersView{adminPage: adminPage{Error: "Nothing was published for this list since its last digest: nothing to send."}})
	case errors.Is(err, newsletter.ErrUnknownList):
		return a.renderNewsletters(w, r, u, http.StatusUnprocessableEntity, newslettersView{adminPage: adminPage{Error: "No such list in this edition."}})
	case err != nil:
		return err
	}
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, "newsletter.digest", "list:"+e.Code+":"+list, fmt.Sprintf("send %d", sendID)); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/newsletters?queued="+itoa(sendID), http.StatusSeeOther)
	return nil
}

func (a *admin) newsletterExport(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.NewsletterManage, false) {
		return errForbidden
	}
	code := r.URL.Query().Get("edition")
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, "newsletter.export", "edition:"+code, ""); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="subscribers.csv"`)
	return a.h.Newsletter.Export(r.Context(), w, code)
}

// maxImport bounds an uploaded subscribers file.
const maxImport = 64 << 20

func (a *admin) newsletterImport(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.NewsletterManage, false) {
		return errForbidden
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImport)
	f, _, err := r.FormFile("file")
	if err != nil {
		return a.renderNewsletters(w, r, u, http.StatusUnprocessableEntity, newslettersView{adminPage: adminPage{Error: "Choose a CSV file of at most 64 MB."}})
	}
	defer f.Close()
	res, err := a.h.Newsletter.Import(r.Context(), f)
	if errors.Is(err, newsletter.ErrRefused) {
		v := newslettersView{adminPage: adminPage{Error: fmt.Sprintf("The file was refused and nothing was imported: %d bad rows. Fix them and import the file again.", len(res.Errors))}}
		for i, e := range res.Errors {
			if i == 200 {
				v.ImportErrs = append(v.ImportErrs, fmt.Sprintf("… and %d more", len(res.Errors)-200))
				break
			}
			v.ImportErrs = append(v.ImportErrs, e.Error())
		}
		return a.renderNewsletters(w, r, u, http.StatusUnprocessableEntity, v)
	} else if err != nil {
		return err
	}
	detail := fmt.Sprintf("%d rows: %d new, %d updated", res.Rows, res.Created, res.Updated)
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, "newsletter.import", "subscribers", detail); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/newsletters?imported="+urlQueryEscape(detail), http.StatusSeeOther)
	return nil
}
