package catalogio

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// The benchmark's inventory: a province's worth (DESIGN.md: 300 apps, 1k accounts, many
// groups), 10,000 assets in all, and 200,000 group members.
const (
	benchApps     = 300
	benchAccounts = 1_000
	benchGroups   = 8_700
	benchMembers  = 200_000
)

// BenchmarkImport10kAssets200kMembers measures the issue's case: "Import of 10k assets and 200k
// memberships from XLSX", into an empty inventory of a province-sized organisation (~700
// units, 10,000 people, written by benchOrg), parse included. It also reports the import of the same file
// again (everything unchanged) and the peak Go heap. Run it with -benchtime=1x.
func BenchmarkImport10kAssets200kMembers(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				var db *store.DB
				if engine == "sqlite" {
					db = storetest.SQLite(b)
				} else {
					db = storetest.Postgres(b)
				}
				ctx := context.Background()
				benchOrg(b, db)
				data := benchFile(b, db)
				runtime.GC()
				peak := watchHeap()
				b.StartTimer()

				start := time.Now()
				wb, err := ParseXLSX(bytes.NewReader(data), 50<<20)
				if err != nil {
					b.Fatal(err)
				}
				parsed := time.Since(start)
				rep, err := Import(ctx, db, org.System, wb, Options{})
				if err != nil {
					b.Fatalf("Import: %v", err)
				}
				imported := time.Since(start)

				b.StopTimer()
				heap := peak()
				if rep.Apps.Created+rep.Accounts.Created+rep.Groups.Created != benchApps+benchAccounts+benchGroups ||
					rep.Members.Created != benchMembers {
					b.Fatalf("report %+v", rep)
				}
				start = time.Now()
				again, err := Import(ctx, db, org.System, parseXLSX(b, data), Options{})
				if err != nil || again.Members.Unchanged != benchMembers || again.Groups.Unchanged != benchGroups {
					b.Fatalf("again: %v %+v", err, again)
				}
				b.ReportMetric(parsed.Seconds(), "parse-s")
				b.ReportMetric(imported.Seconds(), "import-s")
				b.ReportMetric(time.Since(start).Seconds(), "reimport-s")
				b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(len(data))/(1<<20), "file-MB")
				b.StartTimer()
			}
		})
	}
}

// watchHeap samples the live heap until the returned function is called, which returns the
// largest value seen. runtime/metrics reads it without stopping the world.
func watchHeap() func() uint64 {
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() {
		metrics.Read(sample)
		mu.Lock()
		peak = max(peak, sample[0].Value.Uint64())
		mu.Unlock()
	}
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(done)
		read()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// benchFile writes the benchmark's workbook, in the export's own format, from the units and
// people of db: every asset with its details, every group with a 群主 (its responsible person),
// an admin and ordinary members, some of them outsiders.
func benchFile(b *testing.B, db *store.DB) []byte {
	b.Helper()
	ctx := context.Background()
	var units, people []string
	storetest.Must(b, query(ctx, db, `SELECT code FROM units WHERE kind <> 'department' ORDER BY code`, nil, func(rows *sql.Rows) error {
		var c string
		units = append(units, c)
		return rows.Scan(&units[len(units)-1])
	}))
	storetest.Must(b, query(ctx, db, `SELECT code FROM people WHERE status = 'active' ORDER BY code`, nil, func(rows *sql.Rows) error {
		var c string
		people = append(people, c)
		return rows.Scan(&people[len(people)-1])
	}))
	if len(people) < 100 || len(units) < 10 {
		b.Fatalf("%d units, %d people", len(units), len(people))
	}
	r := rand.New(rand.NewSource(1))
	pick := func(list []string) string { return list[r.Intn(len(list))] }
	input := func(k catalog.Kind, n int, code string) catalog.Input {
		in := catalog.Input{Code: code, Kind: k, Name: fmt.Sprintf("%s%05d", k.Short(), n), Platform: catalog.Platforms[k][n%len(catalog.Platforms[k])],
			UnitCode: pick(units), OwnerCode: pick(people), Purpose: "日常工作:通知、报送与查询", Functions: []string{"通知", "报送", "查询"},
			OpenedOn: date(fmt.Sprintf("20%02d-%02d-01", 15+n%10, 1+n%12)), App: &catalog.AppDetails{}, Account: &catalog.AccountDetails{}, Group: &catalog.GroupDetails{}}
		switch k {
		case catalog.App:
			*in.App = catalog.AppDetails{TargetUsers: "全体指战员", TargetCount: 100 + n, Mandatory: n%3 == 0, ForcedFeatures: []string{"checkin"},
				MLPSLevel: n % 5, Vendor: "某科技公司", YearlyCost: int64(n) * 1000, UnifiedLogin: n%2 == 0, Forms: []string{"日报"}}
		case catalog.Account:
			*in.Account = catalog.AccountDetails{Handle: fmt.Sprintf("xf%05d", n), Operator: "消防救援支队", Followers: n * 100, Interaction: n%4 != 0}
		}
		return in
	}
	rows := map[Sheet][][]string{}
	for n := range benchApps {
		in := input(catalog.App, n, fmt.Sprintf("APP%05d", n))
		rows[Apps] = append(rows[Apps], inputRow(Apps, &in))
	}
	for n := range benchAccounts {
		in := input(catalog.Account, n, fmt.Sprintf("ACC%05d", n))
		rows[Accounts] = append(rows[Accounts], inputRow(Accounts, &in))
	}
	perGroup := benchMembers / benchGroups
	extra := benchMembers - perGroup*benchGroups
	for n := range benchGroups {
		code := fmt.Sprintf("GRP%05d", n)
		size := perGroup
		if n < extra {
			size++
		}
		seen := map[string]bool{}
		var owner string
		for m := 0; m < size; m++ {
			role := "成员"
			switch m {
			case 0:
				role = "群主"
			case 1:
				role = "管理员"
			}
			if m == size-1 && n%10 == 0 {
				rows[Members] = append(rows[Members], []string{code, "", fmt.Sprintf("外部联络人%d", n), role})
				continue
			}
			p := pick(people)
			for seen[p] {
				p = pick(people)
			}
			seen[p] = true
			if m == 0 {
				owner = p
			}
			rows[Members] = append(rows[Members], []string{code, p, "", role})
		}
		in := input(catalog.Group, n, code)
		in.OwnerCode = owner
		rows[Groups] = append(rows[Groups], inputRow(Groups, &in))
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	storetest.Must(b, err)
	for i, s := range Sheets {
		if i == 0 {
			storetest.Must(b, f.SetSheetName(f.GetSheetName(0), s.Label()))
		} else if _, err := f.NewSheet(s.Label()); err != nil {
			b.Fatal(err)
		}
		list := rows[s]
		storetest.Must(b, writeSheet(f, table{sheet: s, rows: func(emit func([]string) error) error {
			for _, r := range list {
				if err := emit(r); err != nil {
					return err
				}
			}
			return nil
		}}, st))
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}

// inputRow is an input as the export writes it.
func inputRow(s Sheet, in *catalog.Input) []string {
	cols := columns[s]
	row := make([]string, len(cols))
	for i, c := range cols {
		switch {
		case c.name == ColStatus:
			row[i] = "在用"
		case c.get != nil:
			row[i] = c.get(in)
		}
	}
	return row
}

// benchOrg writes a province-sized organisation with plain SQL, which takes a second where org's
// audited functions would take a minute: a 总队 with the three lead departments, 21 支队 of 8
// 大队 with 3 站 each, and 10,000 people spread over them.
func benchOrg(b *testing.B, db *store.DB) {
	b.Helper()
	ctx := context.Background()
	now := store.Now()
	type unit struct {
		code, name, kind string
		parent           int // index, -1 for the root
		id               int64
		path             string
	}
	units := []unit{{code: "510000", name: "四川省消防救援总队", kind: "corps", parent: -1}}
	for i, d := range []string{"办公室", "信息通信处", "新闻宣传处"} {
		units = append(units, unit{code: fmt.Sprintf("5100%02d", i+1), name: d, kind: "department", parent: 0})
	}
	for d := 1; d <= 21; d++ {
		units = append(units, unit{code: fmt.Sprintf("51%02d00", d), name: fmt.Sprintf("第%d支队", d), kind: "detachment", parent: 0})
		det := len(units) - 1
		for br := 1; br <= 8; br++ {
			units = append(units, unit{code: fmt.Sprintf("51%02d%02d", d, br), name: fmt.Sprintf("第%d支队第%d大队", d, br), kind: "brigade", parent: det})
			bri := len(units) - 1
			for st := 1; st <= 3; st++ {
				units = append(units, unit{code: fmt.Sprintf("51%02d%02d%02d", d, br, st), name: fmt.Sprintf("第%d支队第%d大队%d站", d, br, st), kind: "station", parent: bri})
			}
		}
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		for i := range units {
			u := &units[i]
			var parent any
			prefix := "/"
			if u.parent >= 0 {
				parent, prefix = units[u.parent].id, units[u.parent].path
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO units (code, name, kind, parent_id, path, sort_order, created_at, updated_at)
				VALUES ($1, $2, $3, $4, '', 0, $5, $5) RETURNING id`, u.code, u.name, u.kind, parent, now).Scan(&u.id); err != nil {
				return err
			}
			u.path = prefix + fmt.Sprint(u.id) + "/"
			if _, err := tx.ExecContext(ctx, `UPDATE units SET path = $1 WHERE id = $2`, u.path, u.id); err != nil {
				return err
			}
		}
		const batch = 100
		var args []any
		var values []string
		flush := func() error {
			if len(values) == 0 {
				return nil
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO people (code, name, unit_id, post, status, created_at, updated_at) VALUES `+
				strings.Join(values, ", "), args...)
			args, values = nil, nil
			return err
		}
		for n := range 10_000 {
			u := units[4+n%(len(units)-4)]
			k := len(args)
			values = append(values, fmt.Sprintf("($%d, $%d, $%d, $%d, 'active', $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+5))
			args = append(args, fmt.Sprintf("P%05d", n), fmt.Sprintf("队员%d", n), u.id, "消防员", now)
			if len(values) == batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	})
	storetest.Must(b, err)
}
