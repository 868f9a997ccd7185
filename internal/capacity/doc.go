// Package capacity holds the PostgreSQL write benchmarks behind
// docs/scaling.md: how many view-count flushes, comment-shaped writes and
// newsletter-shaped sends one PostgreSQL takes here. Run:
//
//	LEDE_TEST_POSTGRES=… go test ./internal/capacity -run '^$' -bench . -benchtime 5s
//
// The comment and newsletter benchmarks are stand-ins of the same shape
// (marked below) until those features land; replace them then.
package capacity
