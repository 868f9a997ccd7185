package comment

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lede-news/lede/internal/testdb"
)

// BenchmarkList measures what a cache miss of an article page costs in
// comments: loading and threading 500 comments, 50 of them per page.
func BenchmarkList(b *testing.B) {
	f := newFixture(b, testdb.SQLite(b))
	f.s.Limiter = nil
	ids := []int64{0}
	for i := range 500 {
		parent := int64(0)
		if i%3 != 0 {
			parent = ids[len(ids)-1]
		}
		c, err := f.s.Post(f.ctx, f.alice, NewComment{ArticleID: f.art, ParentID: parent, Body: fmt.Sprint("comment ", i)})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.s.List(f.ctx, f.art, "oldest", 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRender measures the markup of a typical comment.
func BenchmarkRender(b *testing.B) {
	body := strings.Repeat("Un paragraphe avec de l'*emphase*, un [lien](https://example.org/a) et du texte.\n\n> une citation\n\n", 5)
	for b.Loop() {
		Render(body)
	}
}
