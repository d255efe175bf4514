package notify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

var ctx = context.Background()

// bureau is a root unit with people in it.
type bureau struct {
	unit   int64
	people []int64
}

// seed creates one unit and n people, through org so that the rows are what org writes.
func seed(t testing.TB, db *store.DB, n int) bureau {
	t.Helper()
	s := &org.Store{DB: db}
	u, err := s.CreateUnit(ctx, org.System, org.UnitInput{Code: "ZD", Name: "某省消防救援总队", Kind: org.Corps})
	storetest.Must(t, err)
	b := bureau{unit: u.ID}
	for i := range n {
		p, err := s.CreatePerson(ctx, org.System, org.PersonInput{Code: fmt.Sprintf("P%03d", i), Name: fmt.Sprintf("张%d", i), UnitID: u.ID})
		storetest.Must(t, err)
		b.people = append(b.people, p.ID)
	}
	return b
}

// verifyAudit registers the check that the audit chain is intact when the test ends.
func verifyAudit(t *testing.T, db *store.DB) {
	t.Cleanup(func() {
		r, err := audit.Verify(ctx, db)
		if err != nil || !r.OK() {
			t.Errorf("audit chain: %v %+v", err, r)
		}
	})
}

// at is a Shanghai wall-clock time, "2026-10-12 09:00".
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, tz.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func count(t testing.TB, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	storetest.Must(t, db.QueryRowContext(ctx, query, args...).Scan(&n))
	return n
}
