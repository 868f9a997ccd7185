package newsletter

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/lede-news/lede/internal/db"
	"github.com/lede-news/lede/internal/testdb"
)

// BenchmarkSend measures delivery throughput to a local SMTP server (one
// SMTP conversation per message, as in production), one node with its
// default concurrency and no rate limit: go test -bench Send -run '^$'
// ./internal/newsletter (PostgreSQL too when LEDE_TEST_POSTGRES is set).
func BenchmarkSend(b *testing.B) {
	engines := map[string]func(testing.TB) *db.DB{"sqlite": testdb.SQLite}
	if os.Getenv(testdb.EnvPostgres) != "" {
		engines["postgres"] = testdb.Postgres
	}
	for name, open := range engines {
		b.Run(name, func(b *testing.B) {
			d := open(b)
			f := newBenchFixture(b, d)
			const n = 2000
			f.subscribersB(b, n)
			b.ResetTimer()
			start := time.Now()
			total := 0
			for range b.N {
				before := f.smtp.Count()
				if _, _, err := f.s.Breaking(f.ctx, f.arts["sommet"], "bench", true); err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				w := &Worker{Service: f.s}
				done := make(chan struct{})
				go func() { w.Run(ctx, 5*time.Millisecond); close(done) }()
				if !f.smtp.WaitCount(before+n, 5*time.Minute) {
					b.Fatal("send did not finish")
				}
				cancel()
				<-done
				total += n
			}
			b.ReportMetric(float64(total)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}
