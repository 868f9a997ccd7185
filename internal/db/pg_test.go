package db_test

import (
	"os"
	"testing"

	"github.com/lede-news/lede/internal/testdb"
)

func pgDSN(t *testing.T) string {
	if os.Getenv(testdb.EnvPostgres) == "" {
		t.Skip(testdb.EnvPostgres + " not set")
	}
	return testdb.PostgresDSN(t)
}
