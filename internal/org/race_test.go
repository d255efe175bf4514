package org_test

import (
	"database/sql"
	"strconv"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// interleave runs first in a transaction and, while that transaction is still open, starts
// second in another; first commits only once second is waiting on a lock it holds (on
// PostgreSQL, where several instances write at once) or has had the chance to start (on SQLite,
// which takes the write lock at BEGIN, so second simply runs after first). second commits if it
// returns nil. It returns second's error.
//
// This is what two jianfu instances sharing one PostgreSQL do when two administrators save at
// the same moment.
func interleave(t *testing.T, e *env, first, second func(tx *sql.Tx) error) error {
	t.Helper()
	tx1, err := e.db.BeginTx(e.ctx, nil)
	must(t, err)
	defer tx1.Rollback()
	must(t, first(tx1))

	pg := e.db.Engine == store.Postgres
	pid := make(chan int, 1)
	done := make(chan error, 1)
	go func() {
		tx2, err := e.db.BeginTx(e.ctx, nil)
		if err != nil {
			pid <- 0
			done <- err
			return
		}
		defer tx2.Rollback()
		if pg {
			n := 0
			err := tx2.QueryRowContext(e.ctx, `SELECT pg_backend_pid()`).Scan(&n)
			pid <- n
			if err != nil {
				done <- err
				return
			}
		}
		if err := second(tx2); err != nil {
			done <- err
			return
		}
		done <- tx2.Commit()
	}()

	if pg {
		// Wait until second is blocked behind first (or has finished without blocking).
		p := <-pid
		deadline := time.Now().Add(20 * time.Second)
		for p != 0 && len(done) == 0 {
			var waiting bool
			must(t, e.db.QueryRowContext(e.ctx, `SELECT COALESCE(bool_or(wait_event_type = 'Lock'), false) FROM pg_stat_activity WHERE pid = $1`, p).Scan(&waiting))
			if waiting {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the second transaction neither finished nor waited on a lock")
			}
			time.Sleep(10 * time.Millisecond)
		}
	} else {
		// SQLite's BEGIN IMMEDIATE waits for first's commit; give it time to start waiting.
		time.Sleep(100 * time.Millisecond)
	}
	must(t, tx1.Commit())
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the second transaction did not finish")
		return nil
	}
}

// Two administrators creating the root at the same moment must not both succeed: the count of
// roots that CreateUnitTx checks is read before either insert is committed.
func TestConcurrentRootCreation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		err := interleave(t, e,
			func(tx *sql.Tx) error {
				_, err := org.CreateUnitTx(e.ctx, tx, org.System, org.UnitInput{Code: "ROOT1", Name: "总队", Kind: org.Corps})
				return err
			},
			func(tx *sql.Tx) error {
				_, err := org.CreateUnitTx(e.ctx, tx, org.System, org.UnitInput{Code: "ROOT2", Name: "另一个总队", Kind: org.Corps})
				return err
			})
		var roots int
		must(t, db.QueryRowContext(e.ctx, `SELECT count(*) FROM units WHERE parent_id IS NULL`).Scan(&roots))
		if roots != 1 || err == nil {
			t.Fatalf("%d roots after two concurrent creations, second returned %v; want 1 root and an error", roots, err)
		}
	})
}

// A unit created under a 大队 while another administrator moves that 大队 must end up inside
// the moved subtree; a stale path would put it (and its people) in the old 支队's scope.
func TestCreateUnderUnitBeingMoved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tr := e.tree(t)
		var created org.Unit
		err := interleave(t, e,
			func(tx *sql.Tx) error {
				_, err := org.UpdateUnitTx(e.ctx, tx, org.System, tr.brigA.ID, move(tr.brigA, tr.detB.ID))
				return err
			},
			func(tx *sql.Tx) error {
				var err error
				created, err = org.CreateUnitTx(e.ctx, tx, org.System, org.UnitInput{Code: "ST-NEW", Name: "新站", Kind: org.Station, ParentID: tr.brigA.ID})
				return err
			})
		if err != nil {
			// Refusing the create is also safe; the tree must still be consistent (checked at cleanup).
			t.Logf("the concurrent create was refused: %v", err)
			return
		}
		brig, err := e.s.Unit(e.ctx, org.System, tr.brigA.ID)
		must(t, err)
		got, err := e.s.Unit(e.ctx, org.System, created.ID)
		must(t, err)
		oldDet := e.principal(t, tr.user[org.RoleReviewer].ID) // scope DET-A, the 大队's old 支队
		_, leak := e.s.Unit(e.ctx, oldDet, created.ID)
		if want := brig.Path + itoa(created.ID) + "/"; got.Path != want || leak == nil {
			t.Fatalf("new unit has path %q, want %q; visible to DET-A's scope: %v", got.Path, want, leak == nil)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
