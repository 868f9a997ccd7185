package web

import (
	"net/http"
	"net/url"
)

func (a *admin) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /admin/signin", a.signinForm)
	m.HandleFunc("POST /admin/signin", a.signin)
	m.HandleFunc("GET /admin/signin/code", a.totpForm)
	m.HandleFunc("POST /admin/signin/code", a.totp)
	m.HandleFunc("POST /admin/signout", a.auth(a.signout))
	m.HandleFunc("GET /admin/reset", a.resetForm)
	m.HandleFunc("POST /admin/reset", a.resetRequest)
	m.HandleFunc("GET /admin/reset/{token}", a.resetPasswordForm)
	m.HandleFunc("POST /admin/reset/{token}", a.resetPassword)
	m.HandleFunc("GET /admin/setup", a.setupForm)
	m.HandleFunc("POST /admin/setup", a.setup)
	m.HandleFunc("GET /admin/{$}", a.auth(a.dashboard))
	m.HandleFunc("GET /admin/articles", a.auth(a.articles))
	m.HandleFunc("GET /admin/articles/new", a.auth(a.newArticle))
	m.HandleFunc("POST /admin/articles/new", a.auth(a.saveArticle))
	m.HandleFunc("GET /admin/articles/{id}", a.auth(a.editArticle))
	m.HandleFunc("POST /admin/articles/{id}", a.auth(a.saveArticle))
	m.HandleFunc("GET /admin/articles/{id}/revisions", a.auth(a.revisions))
	m.HandleFunc("GET /admin/articles/{id}/diff", a.auth(a.diff))
	m.HandleFunc("POST /admin/articles/{id}/restore", a.auth(a.restore))
	m.HandleFunc("POST /admin/preview", a.auth(a.preview))
	m.HandleFunc("POST /admin/media", a.auth(a.upload))
	m.HandleFunc("GET /admin/audit", a.auth(a.audit))
	m.HandleFunc("GET /admin/tags", a.auth(a.tagsPage))
	m.HandleFunc("GET /admin/site", a.auth(a.sitePage))
	m.HandleFunc("POST /admin/site/section", a.auth(a.saveSection))
	m.HandleFunc("POST /admin/site/author", a.auth(a.saveAuthor))
	m.HandleFunc("POST /admin/site/edition", a.auth(a.saveEdition))
	m.HandleFunc("POST /admin/site/user", a.auth(a.saveUser))
	m.HandleFunc("POST /admin/tags/update", a.auth(a.tagUpdate))
	m.HandleFunc("POST /admin/tags/merge", a.auth(a.tagMerge))
	m.HandleFunc("GET /admin/account", a.auth(a.accountPage))
	m.HandleFunc("POST /admin/account/totp", a.auth(a.totpBegin))
	m.HandleFunc("POST /admin/account/totp/confirm", a.auth(a.totpConfirm))
	m.HandleFunc("POST /admin/account/totp/off", a.auth(a.totpOff))
	m.HandleFunc("POST /admin/account/tokens", a.auth(a.tokenCreate))
	m.HandleFunc("POST /admin/account/tokens/revoke", a.auth(a.tokenRevoke))
	m.HandleFunc("GET /admin/webhooks", a.auth(a.webhooksPage))
	m.HandleFunc("POST /admin/webhooks", a.auth(a.webhookCreate))
	m.HandleFunc("GET /admin/webhooks/{id}", a.auth(a.webhookPage))
	m.HandleFunc("POST /admin/webhooks/{id}", a.auth(a.webhookUpdate))
	m.HandleFunc("POST /admin/webhooks/{id}/test", a.auth(a.webhookTest))
	m.HandleFunc("POST /admin/webhooks/{id}/secret", a.auth(a.webhookRotate))
	m.HandleFunc("POST /admin/webhooks/{id}/delete", a.auth(a.webhookDelete))
	m.HandleFunc("POST /admin/webhooks/{id}/deliveries/{delivery}/redeliver", a.auth(a.webhookRedeliver))
	a.newsletterRoutes(m)

	a.commentRoutes(m)
	m.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) { a.message(w, http.StatusNotFound, nil, "Not found.") })
	return m
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext keeps a post-sign-in redirect on the admin pages.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" || len(next) < 7 || next[:7] != "/admin/" || (len(next) > 1 && next[1] == '/') {
		return "/admin/"
	}
	return next
}
