package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			return audit.Record(ctx, tx, audit.Actor{ID: 0, Name: "测试"}, "update", "unit", "7",
				map[string]any{"name": "旧", "i": i}, map[string]any{"name": "新", "i": i})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	cases := []struct {
		name   string
		tamper string
		broken int64
	}{
		{"untouched", ``, 0},
		{"edited after", `UPDATE audit_log SET after_json = '{"name":"改"}' WHERE seq = 3`, 3},
		{"edited actor", `UPDATE audit_log SET actor = '别人' WHERE seq = 1`, 1},
		{"rehashed entry breaks the next link", `UPDATE audit_log SET hash = 'x' WHERE seq = 2`, 2},
		{"deleted middle", `DELETE FROM audit_log WHERE seq = 4`, 4},
		{"deleted last", `DELETE FROM audit_log WHERE seq = 5`, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				appendN(t, db, 5)
				if c.tamper != "" {
					if _, err := db.Exec(c.tamper); err != nil {
						t.Fatal(err)
					}
				}
				r, err := audit.Verify(context.Background(), db)
				if err != nil {
					t.Fatal(err)
				}
				if r.BrokenAt != c.broken {
					t.Fatalf("broken at %d (%s), want %d", r.BrokenAt, r.Reason, c.broken)
				}
			})
		})
	}
}

func TestRolledBackChangeLeavesNoEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendN(t, db, 2)
		db.Tx(ctx, func(tx *sql.Tx) error {
			audit.Record(ctx, tx, audit.System, "create", "unit", "9", nil, map[string]string{"a": "b"})
			return sql.ErrNoRows // any error rolls back
		})
		appendN(t, db, 1)
		r, err := audit.Verify(ctx, db)
		if err != nil || !r.OK() || r.Checked != 3 {
			t.Fatalf("verify = %+v, %v; want 3 entries, intact", r, err)
		}
	})
}

func TestListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		appendN(t, db, 3)
		db.Tx(ctx, func(tx *sql.Tx) error {
			return audit.Record(ctx, tx, audit.Actor{ID: 0, Name: "管理员"}, "create", "person", "P1", nil, map[string]string{"name": "李四"})
		})
		got, total, err := audit.List(ctx, db, audit.Filter{ObjectType: "person"})
		if err != nil || total != 1 || len(got) != 1 || got[0].ObjectID != "P1" || got[0].Before != "" {
			t.Fatalf("person filter: %v %d %+v", err, total, got)
		}
		got, total, _ = audit.List(ctx, db, audit.Filter{Actor: "测", Limit: 2})
		if total != 3 || len(got) != 2 || got[0].Seq != 3 {
			t.Fatalf("actor filter paged: total %d, %+v", total, got)
		}
	})
}

// TestConcurrentAppends: several instances (pools) appending at once keep one unbroken chain.
func TestConcurrentAppends(t *testing.T) {
	ctx := context.Background()
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			var dsn string
			if engine == "sqlite" {
				dsn = filepath.Join(t.TempDir(), "a.db")
			} else {
				dsn = storetest.PostgresDSN(t)
			}
			var dbs []*store.DB
			for i := 0; i < 2; i++ {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				dbs = append(dbs, db)
			}
			var wg sync.WaitGroup
			errc := make(chan error, 80)
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db := dbs[g%2]
					for i := 0; i < 10; i++ {
						errc <- db.Tx(ctx, func(tx *sql.Tx) error {
							return audit.Record(ctx, tx, audit.System, "update", "unit", fmt.Sprint(g), nil, map[string]int{"i": i})
						})
					}
				}()
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				if err != nil {
					t.Fatal(err)
				}
			}
			r, err := audit.Verify(ctx, dbs[0])
			if err != nil || !r.OK() || r.Checked != 80 {
				t.Fatalf("after 80 concurrent appends: %+v, %v", r, err)
			}
		})
	}
}
