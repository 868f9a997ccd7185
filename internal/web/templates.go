package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"os"
)

//go:embed templates/*.html templates/admin/*.html
var templateFS embed.FS

// views are the page templates; each is parsed together with the layout.
var viewNames = []string{"home", "list", "article", "text", "error", "search"}

type templates struct {
	dev    bool
	assets *assets

	set map[string]*template.Template
}

func parseTemplates(dev bool, a *assets) (*templates, error) {
	t := &templates{dev: dev, assets: a}
	set, err := t.parse()
	if err != nil {
		return nil, err
	}
	t.set = set
	return t, nil
}

func (t *templates) parse() (map[string]*template.Template, error) {
	var fsys fs.FS = templateFS
	if t.dev {
		fsys = os.DirFS("internal/web")
	}
	funcs := template.FuncMap{"asset": t.assets.URL}
	set := map[string]*template.Template{}
	for _, name := range viewNames {
		tm, err := template.New(name).Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		if tm.Lookup("content") == nil {
			return nil, fmt.Errorf("web: template %s defines no content", name)
		}
		set[name] = tm
	}
	return set, nil
}

// render executes a view with data into a new buffer.
func (t *templates) render(name string, data any) ([]byte, error) {
	set := t.set
	if t.dev {
		var err error
		if set, err = t.parse(); err != nil {
			return nil, err
		}
	}
	tm, ok := set[name]
	if !ok {
		return nil, fmt.Errorf("web: no view %q", name)
	}
	var buf bytes.Buffer
	buf.Grow(32 << 10)
	if err := tm.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}
