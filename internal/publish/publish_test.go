package publish_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/article"
	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/importer"
	"github.com/lede-news/lede/internal/jobs"
	"github.com/lede-news/lede/internal/publish"
	"github.com/lede-news/lede/internal/related"
	"github.com/lede-news/lede/internal/testdb"
)

const site = `{"type":"edition","code":"fr","name":"Lede","lang":"fr","timezone":"Europe/Paris"}
{"type":"section","edition":"fr","slug":"defense","name":"Défense"}
{"type":"author","slug":"claire","name":"Claire"}
`

func article_(id, at string) string {
	return fmt.Sprintf(`{"type":"article","id":%q,"edition":"fr","section":"defense","slug":%q,"headline":"Sous embargo","body":"Texte sur le traité.","authors":["claire"],"published_at":%q}`+"\n", id, id, at)
}

// An embargoed article is invisible until its time, then published once
// although several nodes run the queue.
func TestScheduledPublication(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		at := time.Now().Add(1500 * time.Millisecond).UTC().Truncate(time.Second).Add(time.Second)
		rel := related.New(d)
		res, err := (&importer.Importer{DB: d, Related: rel}).Import(ctx, strings.NewReader(site+article_("emb", at.Format(time.RFC3339))))
		if err != nil || len(res.Errors) > 0 {
			t.Fatalf("%+v %v", res, err)
		}
		store := &article.Store{DB: d}
		var edID int64
		d.QueryRow(ctx, `SELECT id FROM editions WHERE code = 'fr'`).Scan(&edID)
		if _, err := store.Published(ctx, edID, "emb"); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("embargoed article visible: %v", err)
		}
		if list, _ := store.List(ctx, article.Query{EditionID: edID}); len(list) != 0 {
			t.Fatal("embargoed article listed")
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		runOnce := func() {
			var wg sync.WaitGroup
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := &jobs.Runner{DB: d, Log: log, Handlers: map[string]jobs.Handler{publish.JobKind: (&publish.Publisher{Related: rel}).Job}}
					for {
						ran, err := r.RunOne(ctx)
						if err != nil {
							t.Error(err)
						}
						if !ran {
							return
						}
					}
				}()
			}
			wg.Wait()
		}
		runOnce() // too early: nothing happens
		if _, err := store.Published(ctx, edID, "emb"); err == nil {
			t.Fatal("published before its time")
		}
		time.Sleep(time.Until(at) + 100*time.Millisecond)
		var before int
		d.QueryRow(ctx, `SELECT count(*) FROM changes WHERE tag LIKE 'article:%'`).Scan(&before)
		runOnce()
		if _, err := store.Published(ctx, edID, "emb"); err != nil {
			t.Fatalf("not published after its time: %v", err)
		}
		var after, done int
		d.QueryRow(ctx, `SELECT count(*) FROM changes WHERE tag LIKE 'article:%'`).Scan(&after)
		d.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE done_at IS NOT NULL`).Scan(&done)
		if after-before != 1 || done != 1 {
			t.Fatalf("publication recorded %d times, %d jobs done; want once", after-before, done)
		}
	})
}
