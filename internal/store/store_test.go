package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v1, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		v2, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v1 != v2 || v1 < 1 {
			t.Fatalf("versions %d then %d", v1, v2)
		}
	})
}

func TestSharedSQLSubset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := store.Now()
		var id int64
		err := db.QueryRowContext(ctx, `INSERT INTO units (code, name, kind, path, created_at, updated_at)
			VALUES ($1, $2, 'corps', '/', $3, $3) RETURNING id`, "A_1%", "总队", now).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO units (code, name, kind, path, created_at, updated_at)
			VALUES ($1, $2, 'corps', '/', $3, $3)`, "A_1%", "重复", now)
		if !store.IsUnique(err) {
			t.Fatalf("duplicate code: got %v, want unique violation", err)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO people (code, name, unit_id, created_at, updated_at)
			VALUES ('p1', '张三', 99999, $1, $1)`, now)
		if !store.IsForeignKey(err) {
			t.Fatalf("dangling unit: got %v, want foreign key violation", err)
		}
		var got time.Time
		var name string
		if err := db.QueryRowContext(ctx, `SELECT name, created_at FROM units WHERE code LIKE $1 ESCAPE '\'`,
			store.Like("_1%")).Scan(&name, &got); err != nil {
			t.Fatal(err)
		}
		if name != "总队" || !got.Equal(now) {
			t.Fatalf("read back %q %v, want 总队 %v", name, got, now)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE code LIKE $1 ESCAPE '\'`, store.Like("X_")).Scan(&n)
		if n != 0 {
			t.Fatalf("escaped LIKE matched %d rows", n)
		}
	})
}

func TestTxRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO units (code, name, kind, path, created_at, updated_at)
				VALUES ('x', 'x', 'corps', '/', $1, $1)`, store.Now()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT count(*) FROM units`).Scan(&n)
		if n != 0 {
			t.Fatalf("rolled back insert left %d rows", n)
		}
	})
}
