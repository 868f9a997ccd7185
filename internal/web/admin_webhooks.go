package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/webhook"
)

func init() { adminViews = append(adminViews, "webhooks") }

// webhooksView is the list of endpoints with the form to add one, or one
// endpoint with its settings and delivery log.
type webhooksView struct {
	adminPage
	Events    []string
	Endpoints []webhook.Endpoint
	Endpoint  *webhook.Endpoint // the endpoint page
	Form      webhook.Input     // what was typed, kept after a refusal
	Secret    string            // shown once, after creation or rotation
	Log       []webhook.Delivery
}

func (v webhooksView) Checked(event string) bool {
	for _, e := range v.Form.Events {
		if e == event {
			return true
		}
	}
	return false
}

// webhooksAllowed checks the role and that webhooks are set up.
func (a *admin) webhooksAllowed(u *account.User) error {
	if !account.Can(u.Role, account.WebhookManage, false) {
		return errForbidden
	}
	if a.Webhooks == nil {
		return errNotFound
	}
	return nil
}

func webhookInput(r *http.Request) webhook.Input {
	r.ParseForm()
	return webhook.Input{URL: r.PostFormValue("url"), Description: r.PostFormValue("description"),
		Events: r.PostForm["events"], Active: r.PostFormValue("active") != ""}
}

func webhookError(err error) string {
	if errors.Is(err, webhook.ErrInvalid) {
		msg := strings.TrimPrefix(err.Error(), webhook.ErrInvalid.Error()+": ")
		return strings.ToUpper(msg[:1]) + msg[1:] + "."
	}
	return ""
}

func (a *admin) webhooksPage(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if err := a.webhooksAllowed(u); err != nil {
		return err
	}
	note := ""
	if r.URL.Query().Get("deleted") != "" {
		note = "Endpoint deleted."
	}
	return a.renderWebhooks(w, r, u, http.StatusOK, "", note, webhook.Input{Active: true, Events: webhook.Events})
}

func (a *admin) renderWebhooks(w http.ResponseWriter, r *http.Request, u *account.User, code int, errText, note string, form webhook.Input) error {
	eps, err := a.Webhooks.List(r.Context())
	if err != nil {
		return err
	}
	a.render(w, code, "webhooks", webhooksView{adminPage: adminPage{Title: "Webhooks", User: u, Error: errText, Note: note},
		Events: webhook.Events, Endpoints: eps, Form: form})
	return nil
}

func (a *admin) webhookCreate(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if err := a.webhooksAllowed(u); err != nil {
		return err
	}
	in := webhookInput(r)
	e, secret, err := a.Webhooks.Create(r.Context(), in, u.ID)
	if msg := webhookError(err); msg != "" {
		return a.renderWebhooks(w, r, u, http.StatusUnprocessableEntity, msg, "", in)
	} else if err != nil {
		return err
	}
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, "webhook.create", "webhook:"+itoa(e.ID), e.URL); err != nil {
		return err
	}
	// The secret is shown in this answer only: it is not put in a URL.
	return a.renderWebhook(w, r, u, http.StatusCreated, e.ID, "", "Endpoint added. Copy its secret now: it will not be shown again.", secret, nil)
}

func (a *admin) webhookID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

func (a *admin) webhookPage(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if err := a.webhooksAllowed(u); err != nil {
		return err
	}
	id, err := a.webhookID(r)
	if err != nil {
		return err
	}
	note := map[string]string{"saved": "Saved.", "test": "Test event queued: its result appears in the log below within seconds.",
		"redeliver": "Delivery queued again: its result appears in the log below."}[r.URL.Query().Get("done")]
	return a.renderWebhook(w, r, u, http.StatusOK, id, "", note, "", nil)
}

func (a *admin) renderWebhook(w http.ResponseWriter, r *http.Request, u *account.User, code int, id int64, errText, note, secret string, form *webhook.Input) error {
	e, err := a.Webhooks.Get(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	} else if err != nil {
		return err
	}
	log, err := a.Webhooks.Deliveries(r.Context(), id, 50)
	if err != nil {
		return err
	}
	v := webhooksView{adminPage: adminPage{Title: "Webhook " + e.URL, User: u, Error: errText, Note: note},
		Events: webhook.Events, Endpoint: &e, Secret: secret, Log: log,
		Form: webhook.Input{URL: e.URL, Description: e.Description, Events: e.Events, Active: e.Active}}
	if form != nil {
		v.Form = *form
	}
	a.render(w, code, "webhooks", v)
	return nil
}

func (a *admin) webhookUpdate(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if err := a.webhooksAllowed(u); err != nil {
		return err
	}
	id, err := a.webhookID(r)
	if err != nil {
		return err
	}
	in := webhookInput(r)
	err = a.Webhooks.Update(r.Context(), id, in)
	if msg := webhookError(err); msg != "" {
		return a.renderWebhook(w, r, u, http.StatusUnprocessableEntity, id, msg, "", "", &in)
	} else if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	} else if err != nil {
		return err
	}
	return a.webhookDone(w, r, u, "webhook.update", id, "saved")
}

func (a *admin) webhookDone(w http.ResponseWriter, r *http.Request, u *account.User, action string, id int64, done string) error {
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, action, "webhook:"+itoa(id), ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/webhooks/"+itoa(id)+"?done="+done, http.StatusSeeOther)
	return nil
}

func (a *admin) webhookTest(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if err := a.webhooksAllowed(u); err != nil {
		return err
	}
	id, err := a.webhookID(r)
	if err != nil {
		return err
	}
	if err := a.Webhooks.SendTest(r.Context(), id); errors.Is(err, db.ErrNotFound) {
		return errNotFound
	} else if err != nil {
		return err
	}
	return a.webhookDone(w, r, u, "webhook.test", id, "test")
}

func (a *admin) webhookRedeliver(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if err := a.webhooksAllowed(u); err != nil {
		return err
	}
	id, err := a.webhookID(r)
	if err != nil {
		return err
	}
	did, err := strconv.ParseInt(r.PathValue("delivery"), 10, 64)
	if err != nil {
		return errNotFound
	}
	err = a.Webhooks.Redeliver(r.Context(), id, did)
	switch {
	case errors.Is(err, webhook.ErrPending):
		return a.renderWebhook(w, r, u, http.StatusConflict, id, "This delivery is still being tried; wait for its result before sending it again.", "", "", nil)
	case errors.Is(err, db.ErrNotFound):
		return errNotFound
	case err != nil:
		return err
	}
	return a.webhookDone(w, r, u, "webhook.redeliver", id, "redeliver")
}

func (a *admin) webhookRotate(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if err := a.webhooksAllowed(u); err != nil {
		return err
	}
	id, err := a.webhookID(r)
	if err != nil {
		return err
	}
	secret, err := a.Webhooks.RotateSecret(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	} else if err != nil {
		return err
	}
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, "webhook.secret", "webhook:"+itoa(id), ""); err != nil {
		return err
	}
	return a.renderWebhook(w, r, u, http.StatusOK, id, "", "New secret made; the old one no longer signs. Copy it now: it will not be shown again.", secret, nil)
}

func (a *admin) webhookDelete(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if err := a.webhooksAllowed(u); err != nil {
		return err
	}
	id, err := a.webhookID(r)
	if err != nil {
		return err
	}
	if r.PostFormValue("confirm") == "" {
		return a.renderWebhook(w, r, u, http.StatusUnprocessableEntity, id, "Tick the box to confirm the deletion; nothing was deleted.", "", "", nil)
	}
	if err := a.Webhooks.Delete(r.Context(), id); errors.Is(err, db.ErrNotFound) {
		return errNotFound
	} else if err != nil {
		return err
	}
	if err := a.Newsroom.AuditEvent(r.Context(), u.ID, "webhook.delete", "webhook:"+itoa(id), ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/webhooks?deleted=1", http.StatusSeeOther)
	return nil
}
