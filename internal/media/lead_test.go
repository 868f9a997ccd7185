package media

import "testing"

func TestLead(t *testing.T) {
	for _, c := range []struct {
		html  string
		id    int64
		width int
		ok    bool
	}{
		{`<p>Texte.</p>`, 0, 0, false},
		{`<p><img src="https://elsewhere.example/x.jpg"><img src="/media/12/640" alt="a"> <img src="/media/13/1024"></p>`, 12, 640, true},
		{`<p><img src="/media/x/640"><img alt="b" src="/media/7/1024" srcset="/media/7/320 320w"></p>`, 7, 1024, true},
		{`<p>&lt;img src="/media/9/320"&gt;</p>`, 0, 0, false},
	} {
		id, w, ok := Lead(c.html)
		if id != c.id || w != c.width || ok != c.ok {
			t.Errorf("%s: %d %d %v", c.html, id, w, ok)
		}
	}
}
