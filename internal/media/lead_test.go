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

func TestImages(t *testing.T) {
	body := `<p><img src="https://elsewhere.example/x.jpg"><img src="/media/12/640" alt="a"> &lt;img src="/media/9/320"&gt;</p>
<figure><img src="/media/13/1024"><img src="/media/12/320"><img src="/media/x/1"><img src="/media/14/480"/></figure>`
	got := Images(body, 0)
	want := []Ref{{12, 640}, {13, 1024}, {14, 480}}
	if len(got) != len(want) {
		t.Fatalf("Images = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Images = %v, want %v", got, want)
		}
	}
	if got := Images(body, 2); len(got) != 2 || got[1] != (Ref{13, 1024}) {
		t.Errorf("Images(2) = %v", got)
	}
	if got := Images(`<p>Texte.</p>`, 0); got != nil {
		t.Errorf("Images of a body without images = %v", got)
	}
}
