// Package bench measures jianfu on the synthetic bureau: the pages and queries officials use
// most, at province scale, on SQLite and PostgreSQL side by side. Nothing here runs in the normal
// test run; use
//
//	go test -run '^$' -bench . -benchtime 200x ./bench/
//
// and record the figures in bench/RESULTS.md with the machine and date. The machines are shared
// and noisy, so compare engines and variants within one run (ratios), not across runs.
package bench

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/server"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// bureau is the province-scale demo on one engine, served, with a logged-in session per login.
type bureau struct {
	db      *store.DB
	h       http.Handler
	cookies map[string]*http.Cookie
}

var (
	mu       sync.Mutex
	bureaus  = map[store.Engine]*bureau{}
	engines  = []store.Engine{store.SQLite, store.Postgres}
	benchTmp string
)

// province builds (once per engine and process) the province preset. The databases live for the
// whole run, so they are created outside b.TempDir and never cleaned up by a single benchmark.
func province(b *testing.B, e store.Engine) *bureau {
	b.Helper()
	mu.Lock()
	defer mu.Unlock()
	if bu, ok := bureaus[e]; ok {
		return bu
	}
	auth.Cost = auth.Cheap
	var db *store.DB
	if e == store.SQLite {
		db = storetest.SQLite(&keep{b})
	} else {
		db = storetest.Postgres(&keep{b})
	}
	ctx := context.Background()
	if _, err := demo.Build(ctx, db, demo.Options{Preset: demo.Province, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	svc := &auth.Service{DB: db}
	h, err := server.Handler(db, svc, server.Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	bu := &bureau{db: db, h: h, cookies: map[string]*http.Cookie{}}
	for _, name := range []string{"office", "liaison", "admin", "staff"} {
		_, secret, err := svc.Login(ctx, name, demo.DefaultPassword)
		if err != nil {
			b.Fatal(err)
		}
		bu.cookies[name] = &http.Cookie{Name: httpx.SessionCookie, Value: secret}
	}
	bureaus[e] = bu
	return bu
}

// keep hands storetest a testing.TB whose cleanups never run, so the database outlives the
// benchmark that happened to build it.
type keep struct{ *testing.B }

func (k *keep) Cleanup(func()) {}

// get serves one request as login and fails on any status but 200.
func (bu *bureau) get(b *testing.B, login, path string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(bu.cookies[login])
	rec := httptest.NewRecorder()
	bu.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s as %s = %d: %.300s", path, login, rec.Code, rec.Body.String())
	}
}

// pages are the requests measured: the pages people open most, with realistic filters.
var pages = []struct{ name, login, path string }{
	{"home/office", "office", "/"},
	{"home/liaison", "liaison", "/"},
	{"units/all", "office", "/units"},
	{"people/page1", "office", "/people"},
	{"people/search", "office", "/people?q=%E5%BC%A0"},     // 张
	{"people/page100", "office", "/people?offset=5000"},    // deep paging
	{"people/liaison", "liaison", "/people?status=active"}, // a 大队's people
	{"audit/page1", "admin", "/audit"},
	{"api/people", "office", "/api/v1/people?limit=100&q=%E7%AB%99"}, // 站
	// The inventory at province scale: ~20k groups, ~1k accounts, 300 apps.
	{"assets/groups", "office", "/assets?kind=group"},
	{"assets/groups-search", "office", "/assets?kind=group&q=%E5%80%BC%E7%8F%AD"}, // 值班
	{"assets/groups-flag", "office", "/assets?kind=group&flag=temporary&status=live"},
	{"assets/groups-deep", "office", "/assets?kind=group&offset=15000"},
	{"assets/liaison", "liaison", "/assets?kind=group"},
	{"assets/apps", "office", "/assets?kind=app&sort=name"},
	{"api/assets", "office", "/api/v1/assets?kind=group&limit=100"},
}

func BenchmarkPages(b *testing.B) {
	for _, e := range engines {
		for _, p := range pages {
			b.Run(string(e)+"/"+p.name, func(b *testing.B) {
				bu := province(b, e)
				bu.get(b, p.login, p.path) // warm caches and check the page works
				b.ResetTimer()
				for b.Loop() {
					bu.get(b, p.login, p.path)
				}
			})
		}
	}
}

// BenchmarkScopedCount isolates the scoped count every list runs: the price of scoping by a path
// prefix in SQL.
func BenchmarkScopedCount(b *testing.B) {
	for _, e := range engines {
		b.Run(string(e), func(b *testing.B) {
			bu := province(b, e)
			u, err := org.LoadUserByName(context.Background(), bu.db, "liaison")
			if err != nil {
				b.Fatal(err)
			}
			st := &org.Store{DB: bu.db}
			for b.Loop() {
				if _, _, err := st.People(context.Background(), u.Principal(), org.PersonFilter{Page: org.Page{Limit: 1}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPasswordHash measures one argon2id hash at the production cost: the floor of a login.
func BenchmarkPasswordHash(b *testing.B) {
	saved := auth.Cost
	auth.Cost = auth.Default
	defer func() { auth.Cost = saved }()
	for b.Loop() {
		if _, err := auth.HashPassword("Benchmark-Pass-2026"); err != nil {
			b.Fatal(err)
		}
	}
}
