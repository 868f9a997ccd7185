package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/lede-news/lede/internal/account"
	"github.com/lede-news/lede/internal/media"
)

type mediaView struct {
	adminPage
	Snippet string
	Back    string
}

// upload stores an image and shows the Markdown that places it in an
// article (the editor's script inserts it at the cursor).
func (a *admin) upload(w http.ResponseWriter, r *http.Request, u *account.User) error {
	if !account.Can(u.Role, account.ArticleCreate, true) {
		return errForbidden
	}
	r.Body = http.MaxBytesReader(w, r.Body, media.MaxBytes+64<<10)
	back := safeNext(r.URL.Query().Get("back"))
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		a.render(w, http.StatusRequestEntityTooLarge, "media", mediaView{adminPage: adminPage{Title: "Image", User: u,
			Error: "The file could not be read, or is larger than 15 MiB."}, Back: back})
		return nil
	}
	defer r.MultipartForm.RemoveAll()
	f, _, err := r.FormFile("file")
	if err != nil {
		a.render(w, http.StatusBadRequest, "media", mediaView{adminPage: adminPage{Title: "Image", User: u, Error: "Choose a file."}, Back: back})
		return nil
	}
	defer f.Close()
	m, err := a.media.Upload(r.Context(), f, media.Meta{Alt: r.FormValue("alt"), Caption: r.FormValue("caption"), Credit: r.FormValue("credit")}, u.ID)
	if errors.Is(err, media.ErrInvalid) {
		a.render(w, http.StatusUnprocessableEntity, "media", mediaView{adminPage: adminPage{Title: "Image", User: u,
			Error: strings.TrimPrefix(err.Error(), "media: invalid image: ")}, Back: back})
		return nil
	}
	if err != nil {
		return err
	}
	title := m.Caption
	if m.Credit != "" {
		title = strings.TrimSpace(title + " — " + m.Credit)
	}
	snippet := "![" + strings.NewReplacer("[", "(", "]", ")").Replace(m.Alt) + "](/media/" + itoa(m.ID) + "/1024"
	if title != "" {
		snippet += ` "` + strings.ReplaceAll(title, `"`, "’") + `"`
	}
	snippet += ")"
	a.render(w, http.StatusOK, "media", mediaView{adminPage: adminPage{Title: "Image", User: u,
		Note: "Image stored. Put this line in the article's body where it belongs:"}, Snippet: snippet, Back: back})
	return nil
}
