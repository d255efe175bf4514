// Package store opens jianfu's database, SQLite (the embedded default) or PostgreSQL, applies the
// migrations for that engine and runs transactions.
//
// Queries elsewhere are hand-written in the SQL subset both engines share ($1 placeholders,
// RETURNING, ON CONFLICT, LIMIT/OFFSET); only DDL differs, so each engine has its own migration
// files under migrations/.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

//go:embed migrations
var migrations embed.FS

// DB is an open database with its engine.
type DB struct {
	*sql.DB
	Engine Engine
}

// Querier is what both *sql.DB and *sql.Tx offer, so a query function can run inside or outside a
// transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// IsPostgresDSN reports whether dsn names a PostgreSQL server rather than an SQLite file.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn: a postgres:// URL, or else the path of an SQLite file (created if missing).
// It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgresDSN(dsn) {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: connect to postgres: %w", err)
		}
		return &DB{DB: db, Engine: Postgres}, nil
	}
	db, err := sql.Open("sqlite", sqliteDSN(dsn))
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %s: %w", dsn, err)
	}
	// WAL lets readers run beside the one writer; busy_timeout makes a second writer wait
	// instead of failing; _txlock=immediate takes the write lock at BEGIN so two transactions
	// never deadlock upgrading read locks.
	db.SetMaxOpenConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", dsn, err)
	}
	return &DB{DB: db, Engine: SQLite}, nil
}

func sqliteDSN(path string) string {
	path = strings.TrimPrefix(path, "sqlite:")
	path = strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(ON)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return "file:" + path + "?" + q.Encode()
}

// Migrate applies every pending migration for the engine and returns the schema version reached.
// On PostgreSQL a session lock makes concurrent instances apply them once.
func (db *DB) Migrate(ctx context.Context) (int64, error) {
	p, err := db.migrator()
	if err != nil {
		return 0, err
	}
	_, err = p.Up(ctx)
	// SQLite has no session lock: when two processes migrate one file at once, the loser's
	// transaction fails on a table the winner just made. Its migration is then applied; a
	// retry finds nothing left to do.
	for try := 0; err != nil && db.Engine == SQLite && try < 3; try++ {
		time.Sleep(time.Duration(200*(try+1)) * time.Millisecond)
		_, err = p.Up(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return v, nil
}

// MigrationStatus lists each known migration and whether it is applied.
func (db *DB) MigrationStatus(ctx context.Context) ([]*goose.MigrationStatus, error) {
	p, err := db.migrator()
	if err != nil {
		return nil, err
	}
	return p.Status(ctx)
}

func (db *DB) migrator() (*goose.Provider, error) {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	var opts []goose.ProviderOption
	if db.Engine == Postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("store: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(dialect, db.DB, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// Tx runs fn in a transaction, committing if it returns nil and rolling back otherwise (also on
// panic, which is re-raised).
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Analyze refreshes the planner's statistics, for use after bulk writes (the demo, large
// imports): the planner otherwise estimates from empty tables until autovacuum analyzes them.
func (db *DB) Analyze(ctx context.Context) error {
	q := "ANALYZE"
	if db.Engine == SQLite {
		q = "PRAGMA optimize=0x10002" // analyze every table that needs it, even on a fresh connection
	}
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("store: analyze: %w", err)
	}
	return nil
}

// IsUnique reports whether err is a unique-constraint violation on either engine.
func IsUnique(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// IsForeignKey reports whether err is a foreign-key violation on either engine.
func IsForeignKey(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23503"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// Like escapes s for use as a LIKE pattern with ESCAPE '\' and wraps it in %…% for a substring
// search.
func Like(s string) string { return "%" + EscapeLike(s) + "%" }

// Prefix escapes s for a LIKE prefix match with ESCAPE '\'.
func Prefix(s string) string { return EscapeLike(s) + "%" }

// Now is the current time as stored: UTC, truncated to microseconds (PostgreSQL's precision), so
// that values read back compare equal to values written.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// NullID is id as a query argument for a nullable reference: NULL for 0, which no row has.
func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
