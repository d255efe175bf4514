package notify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/notify"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// outbox is a Sender that keeps what it was given.
type outbox struct {
	mu   sync.Mutex
	sent []notify.Digest
	fail error
}

func (o *outbox) Send(_ context.Context, d notify.Digest) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	o.sent = append(o.sent, d)
	return nil
}

func (o *outbox) take() []notify.Digest {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.sent
	o.sent = nil
	return s
}

func TestRunDigestWorkingTimeOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := seed(t, db, 3)
		alice, bob, carol := b.people[0], b.people[1], b.people[2]
		cal, err := calendar.Load(ctx, db)
		storetest.Must(t, err)
		notes := func(round string) {
			storetest.Must(t, notify.Notify(ctx, db, alice, "r:"+round+":a1", "甲"+round+"一", "正文", "/ledger/1"))
			storetest.Must(t, notify.Notify(ctx, db, alice, "r:"+round+":a2", "甲"+round+"二", "", ""))
			storetest.Must(t, notify.Notify(ctx, db, bob, "r:"+round+":b1", "乙"+round, "", ""))
			// carol reads hers in the app before the digest: no reminder needed.
			storetest.Must(t, notify.Notify(ctx, db, carol, "r:"+round+":c1", "丙"+round, "", ""))
			_, err := notify.MarkAllRead(ctx, db, carol)
			storetest.Must(t, err)
		}
		box := &outbox{}
		// Steps run in order on one database; "new" adds a fresh round of notifications first.
		steps := []struct {
			name  string
			new   string
			now   string
			sent  map[int64]int // person → items
			wtime bool
		}{
			{"before hours", "1", "2026-10-12 07:00", nil, false},
			{"lunch break", "", "2026-10-12 12:30", nil, false},
			{"working morning", "", "2026-10-12 09:00", map[int64]int{alice: 2, bob: 1}, true},
			{"again the same day", "", "2026-10-12 10:00", nil, true},
			{"same day after new events", "2", "2026-10-12 15:00", nil, true},
			{"after hours", "", "2026-10-13 18:30", nil, false},
			{"national day holiday", "", "2026-10-05 09:00", nil, false},
			{"ordinary weekend", "", "2026-10-17 09:00", nil, false},
			{"调休 Saturday", "", "2026-10-10 09:00", map[int64]int{alice: 2, bob: 1}, true},
			{"next working day, nothing new", "", "2026-10-13 09:00", nil, true},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				if s.new != "" {
					notes(s.new)
				}
				res, err := notify.RunDigest(ctx, db, at(t, s.now), cal, box)
				storetest.Must(t, err)
				got := box.take()
				if res.WorkingTime != s.wtime || res.Sent != len(got) || res.Sent != len(s.sent) {
					t.Fatalf("result %+v with %d sent; want working time %v and %d digests", res, len(got), s.wtime, len(s.sent))
				}
				if want := calendar.DateOf(at(t, s.now)); !res.Day.Equal(want) {
					t.Errorf("day %v, want %v", res.Day, want)
				}
				for _, d := range got {
					want, ok := s.sent[d.PersonID]
					if !ok || len(d.Items) != want {
						t.Errorf("person %d got %d items, want %d", d.PersonID, len(d.Items), want)
					}
					if d.Title != fmt.Sprintf("减负平台每日提醒(%d 条)", want) {
						t.Errorf("title %q", d.Title)
					}
					if d.UnitID != b.unit || d.PersonName == "" || !d.Day.Equal(res.Day) {
						t.Errorf("digest header %+v", d)
					}
					for i, n := range d.Items {
						if n.PersonID != d.PersonID || n.ReadAt != nil || (i > 0 && n.ID < d.Items[i-1].ID) {
							t.Errorf("item %+v in digest of %d", n, d.PersonID)
						}
					}
				}
			})
		}
		if n := count(t, db, `SELECT count(*) FROM notification_digests`); n != 4 {
			t.Errorf("%d digest rows, want 4 (two people on two days)", n)
		}
		// The digest does not mark anything read: the items stay unread in the app.
		if u, _ := notify.Unread(ctx, db, alice); u != 4 {
			t.Errorf("alice has %d unread, want 4", u)
		}
	})
}

func TestRunDigestRetriesFailedDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := seed(t, db, 1).people[0]
		cal := calendar.Default()
		storetest.Must(t, notify.Notify(ctx, db, p, "k:1", "标题", "", ""))
		box := &outbox{fail: errors.New("robot down")}
		res, err := notify.RunDigest(ctx, db, at(t, "2026-10-12 09:00"), cal, box)
		if err == nil || !strings.Contains(err.Error(), "robot down") || res.Failed != 1 || res.Sent != 0 {
			t.Fatalf("failed delivery: %+v, %v", res, err)
		}
		if n := count(t, db, `SELECT count(*) FROM notification_digests`); n != 0 {
			t.Errorf("a failed delivery left its claim (%d rows)", n)
		}
		box.fail = nil
		res, err = notify.RunDigest(ctx, db, at(t, "2026-10-12 10:00"), cal, box)
		storetest.Must(t, err)
		if res.Sent != 1 || len(box.take()) != 1 {
			t.Errorf("retry sent %d", res.Sent)
		}
	})
}

func TestRunDigestSkipsPeopleWhoLeft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := seed(t, db, 2)
		for _, p := range b.people {
			storetest.Must(t, notify.Notify(ctx, db, p, fmt.Sprintf("k:%d", p), "标题", "", ""))
		}
		s := &org.Store{DB: db}
		_, err := s.UpdatePerson(ctx, org.System, b.people[1], org.PersonInput{Code: "P001", Name: "张1", UnitID: b.unit, Status: "left", LeftOn: "2026-10-09"})
		storetest.Must(t, err)
		box := &outbox{}
		res, err := notify.RunDigest(ctx, db, at(t, "2026-10-12 09:00"), calendar.Default(), box)
		storetest.Must(t, err)
		if got := box.take(); res.Sent != 1 || len(got) != 1 || got[0].PersonID != b.people[0] {
			t.Errorf("sent %+v", got)
		}
	})
}

// TestRunDigestConcurrent runs the digest from several "instances" (separate connection pools
// on one database) at once: every person gets exactly one digest.
func TestRunDigestConcurrent(t *testing.T) {
	open := map[string]func(t *testing.T) (string, func(t *testing.T, dsn string) *store.DB){
		"postgres": func(t *testing.T) (string, func(t *testing.T, dsn string) *store.DB) {
			return storetest.PostgresDSN(t), openDB
		},
		"sqlite": func(t *testing.T) (string, func(t *testing.T, dsn string) *store.DB) {
			return t.TempDir() + "/test.db", openDB
		},
	}
	for name, setup := range open {
		t.Run(name, func(t *testing.T) {
			dsn, openFn := setup(t)
			const instances, people = 4, 30
			dbs := make([]*store.DB, instances)
			for i := range dbs {
				dbs[i] = openFn(t, dsn)
			}
			_, err := dbs[0].Migrate(ctx)
			storetest.Must(t, err)
			b := seed(t, dbs[0], people)
			for _, p := range b.people {
				for j := range 3 {
					storetest.Must(t, notify.Notify(ctx, dbs[0], p, fmt.Sprintf("c:%d:%d", p, j), "并发", "", ""))
				}
			}
			cal := calendar.Default()
			box := &outbox{}
			now := at(t, "2026-10-12 09:00")
			var wg sync.WaitGroup
			results := make([]notify.DigestResult, instances)
			errs := make([]error, instances)
			start := make(chan struct{})
			for i := range instances {
				wg.Go(func() {
					<-start
					results[i], errs[i] = notify.RunDigest(ctx, dbs[i], now, cal, box)
				})
			}
			close(start)
			wg.Wait()
			sent, items := 0, 0
			for i := range instances {
				storetest.Must(t, errs[i])
				sent += results[i].Sent
				items += results[i].Items
			}
			per := map[int64]int{}
			for _, d := range box.take() {
				per[d.PersonID]++
				if len(d.Items) != 3 {
					t.Errorf("person %d got %d items, want 3", d.PersonID, len(d.Items))
				}
			}
			if sent != people || items != 3*people || len(per) != people {
				t.Errorf("%d digests with %d items to %d people; want %d, %d, %d", sent, items, len(per), people, 3*people, people)
			}
			for p, n := range per {
				if n != 1 {
					t.Errorf("person %d got %d digests", p, n)
				}
			}
		})
	}
}

func openDB(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(ctx, dsn)
	storetest.Must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestDigestMarkdown(t *testing.T) {
	d := notify.Digest{PersonName: "张三", Title: notify.DigestTitle(2), Items: []notify.Notification{
		{Title: "整改待办", Body: "请处理", Link: "/ledger/1"},
		{Title: "检查通知"},
	}}
	tests := []struct {
		base string
		want []string
		not  []string
	}{
		{"https://jf.example.gov.cn/", []string{"张三", "1. **整改待办** 请处理 [查看](https://jf.example.gov.cn/ledger/1)", "2. **检查通知**"}, nil},
		{"", []string{"1. **整改待办** 请处理\n"}, []string{"查看"}},
	}
	for _, tc := range tests {
		t.Run("base="+tc.base, func(t *testing.T) {
			md := d.Markdown(tc.base)
			for _, w := range tc.want {
				if !strings.Contains(md, w) {
					t.Errorf("markdown lacks %q:\n%s", w, md)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(md, w) {
					t.Errorf("markdown has %q:\n%s", w, md)
				}
			}
		})
	}
}
