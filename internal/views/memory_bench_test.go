package views

import (
	"fmt"
	"log/slog"
	"runtime"
	"testing"
)

// BenchmarkSeenMemory measures what the per-day seen set costs: the heap
// held per distinct (reader, article) of the day, after a million of them
// (docs/scaling.md). Each op is one new reader's read.
func BenchmarkSeenMemory(b *testing.B) {
	const readers = 1_000_000
	c := New(nil, slog.Default()) // no flush: the database is not used
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := range readers {
		c.Count(int64(i%2000), "192.0.2.1", fmt.Sprint("reader ", i), nil)
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/readers, "B/reader")
	b.ReportMetric(float64(readers)/b.Elapsed().Seconds(), "reads/s")
	runtime.KeepAlive(c)
}
