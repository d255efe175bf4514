// Package storetest gives tests a fresh, migrated database on each engine, so that the same test
// body runs against a real SQLite file and a real PostgreSQL server.
//
// PostgreSQL is found through JIANFU_TEST_PG (default postgres://postgres@127.0.0.1:5432/postgres).
// Each test gets its own schema, dropped afterwards. When the server cannot be reached the
// PostgreSQL half is skipped, except with CI=true, where that is a failure.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/store"
)

// DefaultPG is used when JIANFU_TEST_PG is not set.
const DefaultPG = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// PGURL returns the admin connection URL for the test server.
func PGURL() string {
	if u := os.Getenv("JIANFU_TEST_PG"); u != "" {
		return u
	}
	return DefaultPG
}

var (
	pgOnce sync.Once
	pgErr  error
)

func pgAvailable() error {
	pgOnce.Do(func() {
		db, err := sql.Open("pgx", PGURL())
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		pgErr = db.PingContext(context.Background())
	})
	return pgErr
}

// Each runs fn once on a fresh SQLite database and once on a fresh PostgreSQL schema, as subtests
// named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated database in a file under t.TempDir.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// Postgres returns a migrated database in a new schema of the test server.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	dsn := PostgresDSN(t)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresDSN creates an empty schema on the test server and returns a DSN whose search_path is
// that schema; the schema is dropped when the test ends. It skips (or fails under CI=true) when
// the server is not reachable.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	if err := pgAvailable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is required under CI=true: %v", redact(PGURL()), err)
		}
		t.Skipf("PostgreSQL not reachable (%v); set JIANFU_TEST_PG", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", PGURL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(PGURL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// Must fails the test on err; for setup steps.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(fmt.Errorf("setup: %w", err))
	}
}
