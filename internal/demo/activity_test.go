package demo

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/classify"
	"github.com/jianfu-gov/jianfu/internal/ingest"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// activityRun is one generated window with everything a test may look at.
type activityRun struct {
	truth    *ActivityTruth
	records  []ingest.Record
	elapsed  time.Duration
	b        *bureau
	inv      *inventory
	msgCount int
}

// smallRun generates the small preset's default window once per seed, shared by the tests.
var smallRuns sync.Map // seed → func() (*activityRun, error)

func smallRun(t testing.TB, seed int64) *activityRun {
	t.Helper()
	f, _ := smallRuns.LoadOrStore(seed, sync.OnceValues(func() (*activityRun, error) {
		run := &activityRun{}
		start := time.Now()
		tr, err := Activity(Options{Preset: Small, Seed: seed}, ActivityDays(Small), func(r ingest.Record) error {
			run.records = append(run.records, r)
			return nil
		})
		run.elapsed = time.Since(start)
		if err != nil {
			return nil, err
		}
		run.truth = tr
		run.b, err = generate(Small, seed)
		if err != nil {
			return nil, err
		}
		run.inv, err = run.b.genInventory()
		return run, err
	}))
	run, err := f.(func() (*activityRun, error))()
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// recordKey is a record as a comparable string.
func recordKey(r ingest.Record) string {
	switch {
	case r.Message != nil:
		return fmt.Sprintf("%d %+v", r.Row, *r.Message)
	case r.App != nil:
		return fmt.Sprintf("%d %+v", r.Row, *r.App)
	case r.Account != nil:
		return fmt.Sprintf("%d %+v", r.Row, *r.Account)
	}
	return "?"
}

func TestActivityDeterministic(t *testing.T) {
	base := smallRun(t, 1)
	for _, tc := range []struct {
		name string
		seed int64
		same bool
	}{
		{"same seed", 1, true},
		{"other seed", 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var first []string
			tr, err := Activity(Options{Preset: Small, Seed: tc.seed}, ActivityDays(Small), func(r ingest.Record) error {
				if len(first) < 1000 {
					first = append(first, recordKey(r))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			same := tr.Messages == base.truth.Messages && tr.AppDays == base.truth.AppDays && tr.AccountDays == base.truth.AccountDays
			for i := range first {
				if first[i] != recordKey(base.records[i]) {
					same = false
					if tc.same {
						t.Fatalf("record %d differs:\n%s\n%s", i, first[i], recordKey(base.records[i]))
					}
					break
				}
			}
			if same != tc.same {
				t.Errorf("same = %v, want %v (messages %d vs %d)", same, tc.same, tr.Messages, base.truth.Messages)
			}
			if tc.same && fmt.Sprint(tr) != fmt.Sprint(base.truth) {
				t.Errorf("truth differs:\n%+v\n%+v", tr, base.truth)
			}
		})
	}
}

// TestActivityWindow checks that a day's records do not depend on the window: the last week of
// a 7-day run is the last week of the 90-day run, ids included.
func TestActivityWindow(t *testing.T) {
	base := smallRun(t, 1)
	var week []string
	tr, err := Activity(Options{Preset: Small, Seed: 1}, 7, func(r ingest.Record) error {
		r.Row = 0
		week = append(week, recordKey(r))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tail := base.records[len(base.records)-len(week):]
	for i := range week {
		r := tail[i]
		r.Row = 0
		if week[i] != recordKey(r) {
			t.Fatalf("record %d of the week differs:\n%s\n%s", i, week[i], recordKey(r))
		}
	}
	if !tr.First.Equal(ReferenceDate.AddDate(0, 0, -6)) || !tr.Last.Equal(ReferenceDate) {
		t.Errorf("window %v–%v", tr.First, tr.Last)
	}
}

func TestActivityArguments(t *testing.T) {
	stop := errors.New("stop")
	for _, tc := range []struct {
		name    string
		opt     Options
		days    int
		emitErr error
		want    error
	}{
		{"no days", Options{}, 0, nil, nil},
		{"too many days", Options{}, 401, nil, nil},
		{"unknown preset", Options{Preset: "huge"}, 1, nil, nil},
		{"emit fails", Options{}, 1, stop, stop},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			_, err := Activity(tc.opt, tc.days, func(ingest.Record) error { calls++; return tc.emitErr })
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if tc.emitErr != nil && calls != 1 {
				t.Errorf("emit called %d times after failing", calls)
			}
		})
	}
	if ActivityDays(Small) != 90 || ActivityDays(Province) != 30 || ActivityDays(National) != 7 || ActivityDays("huge") != 0 {
		t.Error("ActivityDays")
	}
}

// groupStats are what the tests recompute per group from the records.
type groupStats struct {
	n, onWork, outside, demands int
}

func TestActivitySmall(t *testing.T) {
	run := smallRun(t, 1)
	tr := run.truth
	cal := calendar.Default()
	cls := classify.Default()
	var msgs []*ingest.Message
	for _, r := range run.records {
		if r.Message != nil {
			msgs = append(msgs, r.Message)
		}
	}
	days := int(tr.Last.Sub(tr.First).Hours()/24) + 1
	workDays := cal.WorkdaysBetween(tr.First.AddDate(0, 0, -1), tr.Last)
	t.Logf("small: %d days (%d working), %d messages (%d a day), %d app days, %d account days in %v; flags %v",
		days, workDays, tr.Messages, tr.Messages/days, tr.AppDays, tr.AccountDays, run.elapsed, tr.Flags)
	t.Logf("planted: %d noisy, %d after hours, %d demand, %d idle groups, %d low-use apps",
		len(tr.NoisyGroups), len(tr.AfterHoursGroups), len(tr.DemandGroups), len(tr.IdleGroups), len(tr.LowUseApps))

	groups := map[string]*group{}
	for i := range run.inv.groups {
		groups[run.inv.groups[i].Code] = &run.inv.groups[i]
	}
	masks := make([]classify.Mask, len(msgs))
	stats := map[string]*groupStats{}
	for i, m := range msgs {
		masks[i] = cls.Scan(m.Text, classify.Meta{AtAll: m.AtAll, Forwarded: m.Forwarded}).Mask
		s := stats[m.Group]
		if s == nil {
			s = &groupStats{}
			stats[m.Group] = s
		}
		s.n++
		if cal.IsWorkday(m.At) {
			s.onWork++
		}
		if !cal.IsWorkingTime(m.At) {
			s.outside++
		}
		if masks[i]&demandMask != 0 {
			s.demands++
		}
	}

	t.Run("volumes", func(t *testing.T) {
		if days != 90 || tr.Messages != len(msgs) {
			t.Errorf("%d days, %d messages counted, %d emitted", days, tr.Messages, len(msgs))
		}
		if perDay := tr.Messages / days; perDay < 1000 || perDay > 2000 {
			t.Errorf("%d messages a day, want 1000–2000", perDay)
		}
		if run.elapsed > 2*time.Second {
			t.Errorf("generation took %v, want under 2 s", run.elapsed)
		}
		if tr.AppDays == 0 || tr.AccountDays == 0 {
			t.Error("no app or account records")
		}
	})

	t.Run("senders are members", func(t *testing.T) {
		bad := 0
		outsiders := 0
		for _, m := range msgs {
			g := groups[m.Group]
			if g == nil {
				t.Fatalf("unknown group %s", m.Group)
			}
			ok := slices.ContainsFunc(g.Members, func(p int32) bool { return run.b.people[p].Code == m.Sender })
			if !ok && slices.Contains(g.Externals, m.Sender) {
				ok = true
				outsiders++
			}
			if !ok {
				if bad++; bad < 5 {
					t.Errorf("%s: sender %q is not a member of %s", m.ID, m.Sender, m.Group)
				}
			}
		}
		if outsiders == 0 || outsiders > len(msgs)/10 {
			t.Errorf("%d messages from outsiders, want a few", outsiders)
		}
	})

	t.Run("idle groups", func(t *testing.T) {
		if !slices.Equal(tr.IdleGroups, run.inv.truth.IdleGroups) {
			t.Errorf("idle groups %v, inventory's %v", tr.IdleGroups, run.inv.truth.IdleGroups)
		}
		for _, c := range tr.IdleGroups {
			if stats[c] != nil {
				t.Errorf("idle group %s has %d messages", c, stats[c].n)
			}
		}
		// Every other group live over the whole window talks: GRP-IDLE must find only the plants.
		for _, g := range run.inv.groups {
			if g.Status == "active" && !g.idle && !g.Opened.After(tr.First) && stats[g.Code] == nil {
				t.Errorf("group %s (%d members) is silent but not planted idle", g.Code, len(g.Members))
			}
		}
	})

	// The planted group behaviours, recomputed from the records by their definitions.
	plan, err := newActivity(Options{Preset: Small, Seed: 1}, days)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		listed  []string
		planted []string
		is      func(s *groupStats) bool
	}{
		{"noisy", tr.NoisyGroups, plan.planted[0], func(s *groupStats) bool { return s.onWork >= 100*workDays }},
		{"after hours", tr.AfterHoursGroups, plan.planted[1], func(s *groupStats) bool { return float64(s.outside) > 0.3*float64(s.n) }},
		{"demand", tr.DemandGroups, plan.planted[2], func(s *groupStats) bool {
			return float64(s.demands) >= 0.10*float64(s.n) && s.demands >= workDays
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for code, s := range stats {
				if tc.is(s) {
					got = append(got, code)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.listed) {
				t.Errorf("recomputed %v, truth %v", got, tc.listed)
			}
			if len(tc.planted) < 2 {
				t.Errorf("only %d planted", len(tc.planted))
			}
			for _, c := range tc.planted {
				if !slices.Contains(tc.listed, c) {
					t.Errorf("planted %s (%+v) is not listed", c, *stats[c])
				}
			}
			if extra := len(tc.listed) - len(tc.planted); extra > len(tc.planted)/2 {
				t.Errorf("%d listed by accident, %d planted", extra, len(tc.planted))
			}
		})
	}

	t.Run("order and times", func(t *testing.T) {
		end := tr.Last.AddDate(0, 0, 1)
		var cur time.Time // the day of the last record
		var last time.Time
		phase := 0 // 0 messages, 1 apps, 2 accounts within a day
		ids := map[string]bool{}
		for i, r := range run.records {
			if r.Row != i+1 {
				t.Fatalf("record %d has row %d", i, r.Row)
			}
			switch {
			case r.Message != nil:
				m := r.Message
				day := calendar.DateOf(m.At)
				if m.At.Location() != time.UTC || day.Before(tr.First) || !day.Before(end) {
					t.Fatalf("%s at %v outside [%v, %v)", m.ID, m.At.In(tz.Shanghai), tr.First, end)
				}
				if day.Equal(cur) && (phase > 0 || m.At.Before(last)) || day.Before(cur) {
					t.Fatalf("%s at %v out of order", m.ID, m.At.In(tz.Shanghai))
				}
				if !day.Equal(cur) {
					cur, phase = day, 0
				}
				last = m.At
				if ids[m.ID] || len(m.ID) < 2 || m.ID[0] != 'm' {
					t.Fatalf("bad or repeated id %q", m.ID)
				}
				ids[m.ID] = true
			case r.App != nil:
				if r.App.Day.Before(cur) || phase > 1 {
					t.Fatalf("app record for %v after %v", r.App.Day, cur)
				}
				cur, phase = r.App.Day, 1
			case r.Account != nil:
				if r.Account.Day.Before(cur) {
					t.Fatalf("account record for %v after %v", r.Account.Day, cur)
				}
				cur, phase = r.Account.Day, 2
			}
		}
	})

	t.Run("campaign effect", func(t *testing.T) {
		perWorkDay := func(from, to time.Time) float64 {
			n := 0
			for i, m := range msgs {
				if d := calendar.DateOf(m.At); !d.Before(from) && d.Before(to) && masks[i]&demandMask != 0 && cal.IsWorkday(d) {
					n++
				}
			}
			return float64(n) / float64(cal.WorkdaysBetween(from.AddDate(0, 0, -1), to.AddDate(0, 0, -1)))
		}
		early := perWorkDay(tr.First, tr.First.AddDate(0, 0, 14))
		late := perWorkDay(tr.Last.AddDate(0, 0, -13), tr.Last.AddDate(0, 0, 1))
		t.Logf("demands per working day: first 14 days %.1f, last 14 days %.1f", early, late)
		if late >= 0.8*early {
			t.Errorf("demands per working day fell from %.1f to %.1f only", early, late)
		}
	})

	t.Run("classifier agrees", func(t *testing.T) {
		pool := texts()
		intended := make(map[string]classify.Mask, len(pool.entries))
		for _, e := range pool.entries {
			intended[e.Text] = e.Mask
		}
		var tp, fp, fn [classify.NumFlags]int
		for i, m := range msgs {
			want := intended[m.Text]
			if m.AtAll {
				want |= flagBit(classify.AtAll)
			}
			if m.Forwarded {
				want |= flagBit(classify.Forwarded)
			}
			for k := range classify.NumFlags {
				w, g := want&(1<<k) != 0, masks[i]&(1<<k) != 0
				switch {
				case w && g:
					tp[k]++
				case g:
					fp[k]++
				case w:
					fn[k]++
				}
			}
		}
		for k, f := range classify.Flags {
			if tr.Flags[f] != tp[k]+fn[k] {
				t.Errorf("%s: truth counts %d, intended %d", f, tr.Flags[f], tp[k]+fn[k])
			}
			if tp[k] == 0 {
				t.Errorf("%s: never generated", f)
				continue
			}
			p, r := float64(tp[k])/float64(tp[k]+fp[k]), float64(tp[k])/float64(tp[k]+fn[k])
			if p < 0.9 || r < 0.9 {
				t.Errorf("%s: precision %.3f recall %.3f", f, p, r)
			}
		}
	})

	t.Run("apps", func(t *testing.T) {
		apps := map[string]*app{}
		for i := range run.inv.apps {
			apps[run.inv.apps[i].Code] = &run.inv.apps[i]
		}
		for _, r := range run.records {
			if r.App == nil {
				continue
			}
			d, a := r.App, apps[r.App.App]
			share := float64(d.ActiveUsers) / float64(max(a.TargetCount, 1))
			switch {
			case a.Status != "active" && !d.Day.Before(a.Closed):
				t.Fatalf("%s is closed on %v but has usage", a.Code, a.Closed)
			case a.lowUse && share >= 0.15, !a.lowUse && a.TargetCount >= 20 && (share < 0.29 || share > 0.91):
				t.Fatalf("%s (low use %v) has %d of %d users", a.Code, a.lowUse, d.ActiveUsers, a.TargetCount)
			case (d.CheckinsRequired > 0) != (slices.Contains(a.Features, "checkin") && cal.IsWorkday(d.Day) && d.ActiveUsers > 0):
				t.Fatalf("%s on %v requires %d check-ins", a.Code, d.Day, d.CheckinsRequired)
			case d.CheckinsDone > d.CheckinsRequired || d.Sessions < d.ActiveUsers:
				t.Fatalf("%s: inconsistent %+v", a.Code, *d)
			}
		}
		for _, c := range tr.LowUseApps {
			if !apps[c].lowUse {
				t.Errorf("%s listed as low use", c)
			}
		}
	})

	t.Run("accounts", func(t *testing.T) {
		accts := map[string]*account{}
		for i := range run.inv.accounts {
			accts[run.inv.accounts[i].Code] = &run.inv.accounts[i]
		}
		lastPost := map[string]time.Time{}
		for _, r := range run.records {
			if r.Account == nil {
				continue
			}
			d, a := r.Account, accts[r.Account.Account]
			if a.Status != "active" && !d.Day.Before(a.Closed) {
				t.Fatalf("%s is closed on %v but has statistics", a.Code, a.Closed)
			}
			if d.Posts > 0 {
				lastPost[a.Code] = d.Day
			}
			if d.Day.Equal(tr.Last) && d.Followers != int64(a.Followers) {
				t.Errorf("%s has %d followers, inventory %d", a.Code, d.Followers, a.Followers)
			}
			if !a.Interaction && (d.Comments != 0 || d.AnswerMinutes != -1) || d.CommentsAnswered == 0 && d.AnswerMinutes != -1 ||
				d.CommentsAnswered > d.Comments {
				t.Fatalf("%s: inconsistent %+v", a.Code, *d)
			}
		}
		for _, a := range run.inv.accounts {
			want := a.LastPost
			if want.Before(tr.First) {
				want = time.Time{}
			}
			if !lastPost[a.Code].Equal(want) {
				t.Errorf("%s: last post in activity %v, inventory %v", a.Code, lastPost[a.Code], a.LastPost)
			}
		}
	})
}

// BenchmarkActivityProvince generates the province's default 30 days and reports records/s.
func BenchmarkActivityProvince(b *testing.B) {
	for b.Loop() {
		n := 0
		start := time.Now()
		tr, err := Activity(Options{Preset: Province, Seed: 1}, ActivityDays(Province), func(ingest.Record) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		b.ReportMetric(float64(n)/el.Seconds(), "records/s")
		b.ReportMetric(float64(tr.Messages), "messages")
		b.Logf("province: %d messages, %d app days, %d account days in %v; noisy %d, after hours %d, demand %d, idle %d",
			tr.Messages, tr.AppDays, tr.AccountDays, el, len(tr.NoisyGroups), len(tr.AfterHoursGroups), len(tr.DemandGroups), len(tr.IdleGroups))
	}
}

// TestActivityProvince checks the province's volume and that every planted group behaviour
// survives the campaign's fall (its whole window lies after CampaignStart).
func TestActivityProvince(t *testing.T) {
	if testing.Short() {
		t.Skip("generates ten million messages")
	}
	opt := Options{Preset: Province, Seed: 1}
	plan, err := newActivity(opt, ActivityDays(Province))
	if err != nil {
		t.Fatal(err)
	}
	perDay := map[time.Time]int{}
	start := time.Now()
	tr, err := Activity(opt, ActivityDays(Province), func(r ingest.Record) error {
		if r.Message != nil {
			perDay[calendar.DateOf(r.Message.At)]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("province: %d messages, %d app days, %d account days in %v; 10-08 %d, 10-04 (国庆) %d, 10-18 (Sunday) %d, 10-20 %d",
		tr.Messages, tr.AppDays, tr.AccountDays, time.Since(start), perDay[day(2026, 10, 8)], perDay[day(2026, 10, 4)],
		perDay[day(2026, 10, 18)], perDay[day(2026, 10, 20)])
	if tr.Messages < 8_000_000 || tr.Messages > 12_000_000 {
		t.Errorf("%d messages, want about 10 million", tr.Messages)
	}
	if perDay[day(2026, 10, 4)]*2 > perDay[day(2026, 10, 20)] || perDay[day(2026, 10, 18)]*2 > perDay[day(2026, 10, 20)] {
		t.Error("rest days are not much lighter than working days")
	}
	for _, tc := range []struct {
		name            string
		listed, planted []string
	}{
		{"noisy", tr.NoisyGroups, plan.planted[0]},
		{"after hours", tr.AfterHoursGroups, plan.planted[1]},
		{"demand", tr.DemandGroups, plan.planted[2]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			missing := 0
			for _, c := range tc.planted {
				if !slices.Contains(tc.listed, c) {
					missing++
				}
			}
			t.Logf("%d planted, %d listed", len(tc.planted), len(tc.listed))
			if missing > 0 || len(tc.listed) > len(tc.planted)*5/4 {
				t.Errorf("%d planted, %d listed, %d planted missing", len(tc.planted), len(tc.listed), missing)
			}
		})
	}
}
