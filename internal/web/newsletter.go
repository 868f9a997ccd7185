package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/lede-news/lede/internal/newsletter"
	"github.com/lede-news/lede/internal/pagecache"
)

func init() { viewNames = append(viewNames, "newsletter") }

type nlOption struct {
	Key, Name string
	Checked   bool
}

type nlGroup struct {
	Title string
	Lists []nlOption
}

type nlForm struct {
	Action, Email, Submit, Note string
	NoEmail                     bool // the preference centre: the address is in the text
	Groups                      []nlGroup
	Extra                       *nlButton
}

type nlButton struct{ Action, Label string }

type nlView struct {
	page
	Heading, Text, Error string
	Form                 *nlForm
	Button               *nlButton
	FeedsHeading         string
	FeedsText            string
	Links                []link
}

// nlGroups arranges an edition's lists for the form, ticking chosen ones.
func nlGroups(e *ed, lists []newsletter.List, chosen []string) []nlGroup {
	on := map[string]bool{}
	for _, c := range chosen {
		on[c] = true
	}
	titles := map[string]string{newsletter.Daily: "nl_group_general", newsletter.Breaking: "nl_group_general",
		"section": "nl_group_sections", "tag": "nl_group_tags", "author": "nl_group_authors"}
	var out []nlGroup
	idx := map[string]int{}
	for _, l := range lists {
		t := e.T.T(titles[l.Kind])
		i, ok := idx[t]
		if !ok {
			i = len(out)
			idx[t] = i
			out = append(out, nlGroup{Title: t})
		}
		out[i].Lists = append(out[i].Lists, nlOption{Key: l.Key, Name: l.Name, Checked: on[l.Key]})
	}
	return out
}

func (h *Handler) nlEdition(e *ed) newsletter.Edition {
	return newsletter.Edition{Edition: e.Edition, T: e.T}
}

// subscribeView is the subscribe page: the newsletter form, then the
// feeds. The cached version carries nothing about a reader.
func (h *Handler) subscribeView(ctx context.Context, e *ed, email string, chosen []string) (nlView, error) {
	v := nlView{page: h.base(e, e.T.T("subscribe_title"), "/"+e.Code+"/subscribe"), Heading: e.T.T("subscribe_title"),
		Text: e.T.T("nl_form_text"), FeedsHeading: e.T.T("nl_feeds_title"), FeedsText: e.T.T("nl_feeds_text")}
	v.Feeds = []feedLink{}
	if h.Newsletter != nil {
		lists, err := h.Newsletter.Lists(ctx, h.nlEdition(e))
		if err != nil {
			return v, err
		}
		if chosen == nil {
			chosen = []string{newsletter.Daily}
		}
		v.Form = &nlForm{Action: "/" + e.Code + "/subscribe", Email: email, Submit: e.T.T("subscribe"), Note: e.T.T("nl_privacy"),
			Groups: nlGroups(e, lists, chosen)}
	} else {
		v.Text = ""
	}
	add := func(name, path string) {
		v.Links = append(v.Links, link{name, path},
			link{name + " – RSS", path + "/feed.xml"}, link{name + " – Atom", path + "/atom.xml"},
			link{name + " – JSON Feed", path + "/feed.json"})
	}
	add(e.Name, "/"+e.Code)
	for _, s := range e.Sections {
		add(s.Name, "/"+e.Code+"/"+s.Slug)
	}
	return v, nil
}

// subscribe lists what a reader can follow: the newsletters and the feeds
// of the edition and of each section (tags and authors have theirs on their
// pages).
func (h *Handler) subscribe(w http.ResponseWriter, r *http.Request, e *ed) error {
	return h.cached(w, r, "/"+e.Code+"/subscribe", func(ctx context.Context) (*pagecache.Page, error) {
		v, err := h.subscribeView(ctx, e, "", nil)
		if err != nil {
			return nil, err
		}
		body, err := h.tmpl.render("newsletter", v)
		if err != nil {
			return nil, err
		}
		return pagecache.Prepare(body, pagecache.Options{Tags: []string{"site"}, Header: pageHeader}), nil
	})
}

// nlRender writes a private newsletter page (never cached: it may hold an
// address or a token).
func (h *Handler) nlRender(w http.ResponseWriter, r *http.Request, status int, v nlView) error {
	v.Robots = "noindex"
	body, err := h.tmpl.render("newsletter", v)
	if err != nil {
		return err
	}
	pagecache.Prepare(body, pagecache.Options{Status: status, NoStore: true, Header: pageHeader}).Write(w, r)
	return nil
}

// nlPost guards the newsletter's form posts with the same cross-origin
// protection as the newsroom. The one-click unsubscribe is exempt: mail
// providers POST it from their servers or their webmail's origin (RFC
// 8058), and the secret token in its URL is what authorises it.
func (h *Handler) nlPost(fn handlerFunc) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.AddInsecureBypassPattern("POST /newsletter/unsubscribe/{token}")
	return cop.Handler(h.wrap(fn))
}

func (h *Handler) nlSubscribe(w http.ResponseWriter, r *http.Request) error {
	e, err := h.edition(r)
	if err != nil {
		return err
	}
	if h.Newsletter == nil {
		return errNotFound
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	email, lists := strings.TrimSpace(r.PostFormValue("email")), r.PostForm["list"]
	_, err = h.Newsletter.Subscribe(r.Context(), newsletter.SubscribeRequest{Edition: h.nlEdition(e), Email: email, Lists: lists,
		Client: h.Proxies.ClientAddr(r)})
	if err == nil {
		v := nlView{page: h.base(e, e.T.T("nl_check_inbox_title"), "/"+e.Code+"/subscribe"), Heading: e.T.T("nl_check_inbox_title"),
			Text: e.T.T("nl_check_inbox_text", email)}
		return h.nlRender(w, r, http.StatusOK, v)
	}
	status, key := http.StatusUnprocessableEntity, ""
	switch {
	case errors.Is(err, newsletter.ErrInvalidEmail):
		key = "nl_err_invalid"
	case errors.Is(err, newsletter.ErrDisposable):
		key = "nl_err_disposable"
	case errors.Is(err, newsletter.ErrNoList):
		key = "nl_err_no_list"
	case errors.Is(err, newsletter.ErrUnknownList):
		key = "nl_err_unknown_list"
	case errors.Is(err, newsletter.ErrRateLimited):
		status, key = http.StatusTooManyRequests, "nl_err_rate"
		w.Header().Set("Retry-After", "3600")
	default:
		h.Log.Error("web: newsletter subscribe", "err", err)
		status, key = http.StatusServiceUnavailable, "nl_err_send"
	}
	v, verr := h.subscribeView(r.Context(), e, email, lists)
	if verr != nil {
		return verr
	}
	v.Error = e.T.T(key)
	return h.nlRender(w, r, status, v)
}

// nlBadLink answers a forged, used or expired token: a clear page in the
// reader's language, and nothing changed.
func (h *Handler) nlBadLink(w http.ResponseWriter, r *http.Request, err error) error {
	e := h.site.Load().preferred(r.Header.Get("Accept-Language"))
	if e == nil {
		return errNotFound
	}
	text, status := "nl_bad_link_text", http.StatusNotFound
	if errors.Is(err, newsletter.ErrExpired) {
		text, status = "nl_expired_text", http.StatusGone
	}
	v := nlView{page: h.base(e, e.T.T("nl_bad_link_title"), "/"+e.Code+"/subscribe"), Heading: e.T.T("nl_bad_link_title"), Text: e.T.T(text),
		Links: []link{{e.T.T("subscribe_title"), "/" + e.Code + "/subscribe"}}}
	return h.nlRender(w, r, status, v)
}

func (h *Handler) nlEd(id int64) *ed {
	if e := h.site.Load().byID(id); e != nil {
		return e
	}
	return h.site.Load().editions[0]
}

// nlPage answers the links of the mails: /newsletter/confirm/{token},
// /newsletter/preferences/{token} and /newsletter/unsubscribe/{token}.
// Each GET shows a page with a button; only the POST changes anything, so
// link scanners that open every URL of a mail change nothing.
func (h *Handler) nlPage(w http.ResponseWriter, r *http.Request) error {
	if h.Newsletter == nil {
		return errNotFound
	}
	tok := r.PathValue("token")
	ctx := r.Context()
	switch r.PathValue("action") {
	case "confirm":
		sub, err := h.Newsletter.PeekConfirm(ctx, tok)
		if errors.Is(err, newsletter.ErrBadToken) || errors.Is(err, newsletter.ErrExpired) {
			return h.nlBadLink(w, r, err)
		} else if err != nil {
			return err
		}
		e := h.nlEd(sub.EditionID)
		v := nlView{page: h.base(e, e.T.T("nl_confirm_title"), "/"+e.Code+"/subscribe"), Heading: e.T.T("nl_confirm_title"),
			Text: e.T.T("nl_confirm_text", sub.Email), Button: &nlButton{Action: r.URL.Path, Label: e.T.T("nl_confirm_button")}}
		return h.nlRender(w, r, http.StatusOK, v)
	case "preferences":
		sub, err := h.Newsletter.ByManageToken(ctx, tok)
		if errors.Is(err, newsletter.ErrBadToken) {
			return h.nlBadLink(w, r, err)
		} else if err != nil {
			return err
		}
		return h.nlPreferences(w, r, sub, http.StatusOK, "", "")
	case "unsubscribe":
		sub, err := h.Newsletter.ByManageToken(ctx, tok)
		if errors.Is(err, newsletter.ErrBadToken) {
			return h.nlBadLink(w, r, err)
		} else if err != nil {
			return err
		}
		e := h.nlEd(sub.EditionID)
		action := r.URL.Path
		if l := r.URL.Query().Get("list"); l != "" {
			action += "?list=" + urlQueryEscape(l)
		}
		v := nlView{page: h.base(e, e.T.T("nl_unsubscribe"), "/"+e.Code+"/subscribe"), Heading: e.T.T("nl_unsubscribe"),
			Text: e.T.T("nl_unsubscribe_confirm_text", sub.Email), Button: &nlButton{Action: action, Label: e.T.T("nl_unsubscribe")}}
		return h.nlRender(w, r, http.StatusOK, v)
	}
	return errNotFound
}

func (h *Handler) nlPreferences(w http.ResponseWriter, r *http.Request, sub newsletter.Subscriber, status int, note, errText string) error {
	e := h.nlEd(sub.EditionID)
	lists, err := h.Newsletter.Lists(r.Context(), h.nlEdition(e))
	if err != nil {
		return err
	}
	// A list the subscriber has but the form no longer offers (a tag now
	// rarely used) stays visible, so saving keeps it.
	known := map[string]bool{}
	for _, l := range lists {
		known[l.Key] = true
	}
	for _, l := range sub.Lists {
		if !known[l] {
			kind, _, _ := strings.Cut(l, ":")
			lists = append(lists, newsletter.List{Key: l, Name: h.Newsletter.ListName(h.nlEdition(e), l), Kind: kind})
		}
	}
	text := e.T.T("nl_preferences_text", sub.Email)
	if note != "" {
		text = note
	}
	path := "/newsletter/preferences/" + sub.ManageToken
	v := nlView{page: h.base(e, e.T.T("nl_preferences_title"), "/"+e.Code+"/subscribe"), Heading: e.T.T("nl_preferences_title"),
		Text: text, Error: errText,
		Form: &nlForm{Action: path, NoEmail: true, Submit: e.T.T("nl_save"), Groups: nlGroups(e, lists, sub.Lists),
			Extra: &nlButton{Action: "/newsletter/unsubscribe/" + sub.ManageToken, Label: e.T.T("nl_unsubscribe_all")}}}
	return h.nlRender(w, r, status, v)
}

func (h *Handler) nlAction(w http.ResponseWriter, r *http.Request) error {
	if h.Newsletter == nil {
		return errNotFound
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	tok := r.PathValue("token")
	ctx := r.Context()
	switch r.PathValue("action") {
	case "confirm":
		sub, err := h.Newsletter.Confirm(ctx, tok)
		if errors.Is(err, newsletter.ErrBadToken) || errors.Is(err, newsletter.ErrExpired) {
			return h.nlBadLink(w, r, err)
		} else if err != nil {
			return err
		}
		sub, err = h.Newsletter.ByManageToken(ctx, sub.ManageToken)
		if err != nil {
			return err
		}
		e := h.nlEd(sub.EditionID)
		return h.nlPreferences(w, r, sub, http.StatusOK, e.T.T("nl_confirmed_text", sub.Email), "")
	case "preferences":
		sub, err := h.Newsletter.SetLists(ctx, tok, r.PostForm["list"])
		switch {
		case errors.Is(err, newsletter.ErrBadToken):
			return h.nlBadLink(w, r, err)
		case errors.Is(err, newsletter.ErrUnknownList):
			sub, err = h.Newsletter.ByManageToken(ctx, tok)
			if err != nil {
				return err
			}
			return h.nlPreferences(w, r, sub, http.StatusUnprocessableEntity, "", h.nlEd(sub.EditionID).T.T("nl_err_unknown_list"))
		case err != nil:
			return err
		}
		e := h.nlEd(sub.EditionID)
		note := e.T.T("nl_saved")
		if len(sub.Lists) == 0 {
			note = e.T.T("nl_unsubscribed_text", sub.Email)
		}
		return h.nlPreferences(w, r, sub, http.StatusOK, note, "")
	case "unsubscribe":
		// RFC 8058: the body is "List-Unsubscribe=One-Click"; the page's
		// own button posts nothing. Either way the token decides.
		sub, err := h.Newsletter.Unsubscribe(ctx, tok, r.URL.Query().Get("list"))
		if errors.Is(err, newsletter.ErrBadToken) {
			return h.nlBadLink(w, r, err)
		} else if err != nil {
			return err
		}
		e := h.nlEd(sub.EditionID)
		v := nlView{page: h.base(e, e.T.T("nl_unsubscribed_title"), "/"+e.Code+"/subscribe"), Heading: e.T.T("nl_unsubscribed_title"),
			Text: e.T.T("nl_unsubscribed_text", sub.Email), Links: []link{{e.T.T("nl_preferences_title"), "/newsletter/preferences/" + sub.ManageToken}}}
		if len(sub.Lists) > 0 {
			v.Text = e.T.T("nl_unsubscribed_list_text", sub.Email)
		}
		return h.nlRender(w, r, http.StatusOK, v)
	}
	return errNotFound
}
