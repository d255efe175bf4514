package demo_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/campaign"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/inspect"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/rectify"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// supervised builds the small bureau with its activity and supervision.
func supervised(t *testing.T, db *store.DB, seed int64) *demo.SupervisionResult {
	t.Helper()
	ctx := context.Background()
	opt := demo.Options{Preset: demo.Small, Seed: seed}
	if _, err := demo.Build(ctx, db, opt); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadActivity(ctx, db, opt, demo.ActivityDays(demo.Small)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := demo.LoadSupervision(ctx, db, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: supervision loaded in %v: %d findings, %d items %v (%d overdue), %d submissions, %d notes, %d targets, %d results (%d failed)",
		db.Engine, time.Since(start), res.Findings, res.Items, res.ByStatus, res.Overdue, res.Submissions, res.Notes, res.Targets, res.Results, res.Failed)
	return res
}

func login(t *testing.T, db *store.DB, username string) org.Principal {
	t.Helper()
	u, err := org.LoadUserByName(context.Background(), db, username)
	if err != nil {
		t.Fatal(err)
	}
	return u.Principal()
}

func TestSupervision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if testing.Short() && db.Engine != store.SQLite {
			t.Skip("short: loading 90 days of activity into PostgreSQL takes about ten seconds")
		}
		ctx := context.Background()
		res := supervised(t, db, 1)
		office := login(t, db, "office")

		t.Run("clock restored", func(t *testing.T) {
			if d := time.Since(rectify.Clock()); d < -time.Minute || d > time.Minute {
				t.Errorf("rectify.Clock is %v off the real clock after the load", d)
			}
		})

		items, total, err := rectify.List(ctx, db, office, rectify.Filter{Page: org.Page{Limit: org.MaxPage}})
		if err != nil {
			t.Fatal(err)
		}
		t.Run("ledger", func(t *testing.T) {
			if total != res.Items || total < 18 {
				t.Fatalf("ledger has %d items, result says %d; want about 20", total, res.Items)
			}
			for _, st := range rectify.Statuses {
				if res.ByStatus[st] == 0 {
					t.Errorf("no item is %s", st.Label())
				}
			}
			if res.Overdue != 5 {
				t.Errorf("%d items overdue on %v, want a few", res.Overdue, demo.SupervisionDate.Format(time.DateOnly))
			}
			sources := map[rectify.Source]int{}
			rules := map[string]bool{}
			units := map[int64]bool{}
			first, last := time.Date(2026, 10, 8, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
			for _, it := range items {
				sources[it.Source]++
				units[it.UnitID] = true
				if it.Source == rectify.SourceFinding {
					rules[it.Title] = true
				}
				if it.CreatedAt.Before(first) || !it.CreatedAt.Before(last) {
					t.Errorf("%s created %v, want between 2026-10-08 and 2026-11-20", it.Number, it.CreatedAt)
				}
				if !it.Deadline.After(it.CreatedAt) {
					t.Errorf("%s: deadline %v not after creation %v", it.Number, it.Deadline, it.CreatedAt)
				}
			}
			if sources[rectify.SourceFinding] != 15 || sources[rectify.SourceSelfCheck] != 2 || sources[rectify.SourceReport] != 2 || sources[rectify.SourceRating] != 1 {
				t.Errorf("sources %v, want 15 findings, 2 self-checks, 2 reports, 1 rating", sources)
			}
			if len(rules) < 12 || len(units) < 12 {
				t.Errorf("items concern %d rules and %d units, want a spread", len(rules), len(units))
			}
		})

		t.Run("four eyes", func(t *testing.T) {
			verifiers := map[int64]bool{login(t, db, "office").UserID: true, login(t, db, "lead_office").UserID: true}
			closed := 0
			for _, it := range items {
				if it.Status != rectify.Closed {
					continue
				}
				closed++
				if it.VerifiedByID == 0 || it.VerifiedByID == it.FixedByID {
					t.Errorf("%s verified by %q, fixed by %q", it.Number, it.VerifiedBy, it.FixedBy)
				}
				if !verifiers[it.VerifiedByID] {
					t.Errorf("%s verified by %q, want office or lead_office", it.Number, it.VerifiedBy)
				}
			}
			if closed == 0 {
				t.Error("no closed item")
			}
			// Nobody who submitted a fix accepted it, at any time in the history either.
			var n int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM ledger_history v JOIN ledger_history s ON s.item_id = v.item_id
				WHERE v.action = 'verify' AND s.action = 'submit' AND s.actor_id = v.actor_id`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d acceptances by the submitter", n)
			}
		})

		t.Run("story", func(t *testing.T) {
			var rejected, attached, liaisonFixes, comments, progress int
			liaison, liaison2 := login(t, db, "liaison"), login(t, db, "liaison2")
			for _, it := range items {
				d, err := rectify.Get(ctx, db, office, it.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range d.History {
					if e.At.Before(time.Date(2026, 10, 8, 0, 0, 0, 0, time.UTC)) || !e.At.Before(demo.SupervisionDate) {
						t.Errorf("%s: %s at %v, outside the story", it.Number, e.Action, e.At)
					}
					switch e.Action {
					case "reject":
						rejected++
						if it.Status != rectify.Closed {
							t.Errorf("rejected item %s is %s, want closed after resubmission", it.Number, it.Status)
						}
					case "progress":
						progress++
					}
				}
				for range d.Attachments {
					attached++
					if it.Status != rectify.Closed {
						t.Errorf("evidence on %s, which is %s", it.Number, it.Status)
					}
				}
				comments += len(d.Comments)
				if it.FixedByID != 0 && (it.FixedByID == liaison.UserID || it.FixedByID == liaison2.UserID) {
					liaisonFixes++
				}
			}
			if rejected != 1 || attached != 1 || liaisonFixes < 3 || comments < 3 || progress < 8 {
				t.Errorf("%d rejections, %d attachments, %d fixes submitted by liaisons, %d comments, %d progress notes", rejected, attached, liaisonFixes, comments, progress)
			}
		})

		t.Run("campaign board", func(t *testing.T) {
			b, err := campaign.Board(ctx, db, office, res.CampaignID, demo.SupervisionDate)
			if err != nil {
				t.Fatal(err)
			}
			if b.Campaign.Name != demo.CampaignName || len(b.Tasks) != 4 {
				t.Fatalf("campaign %q with %d tasks", b.Campaign.Name, len(b.Tasks))
			}
			plan, self := b.Tasks[0].Counts, b.Tasks[1].Counts
			if plan.Submitted == 0 || plan.Late != 1 || plan.Missing != 1 {
				t.Errorf("实施方案: %+v, want on time, one late, one missing", plan)
			}
			if self.Submitted == 0 || self.Late == 0 || self.Missing == 0 {
				t.Errorf("自查报告: %+v, want submitted, late and missing", self)
			}
			if p := b.Tasks[2].Counts; p.Submitted != 1 || p.Pending == 0 {
				t.Errorf("整改进展 on its due date: %+v, want one submitted, the rest pending", p)
			}
			var problems, filed int
			for _, r := range b.Tasks[1].Rows {
				if r.SubmissionID == 0 {
					continue
				}
				ps, err := campaign.SelfCheckProblems(ctx, db, office, r.SubmissionID)
				if err != nil {
					t.Fatal(err)
				}
				problems += len(ps)
				for _, p := range ps {
					if p.LedgerRef != "" {
						filed++
					}
				}
			}
			if problems != 3 || filed != 1 {
				t.Errorf("self-check reports list %d problems, %d filed in the ledger; want 3 and 1", problems, filed)
			}
			if res.Notes != 2 {
				t.Errorf("%d 督导 notes, want 2", res.Notes)
			}
		})

		t.Run("draw", func(t *testing.T) {
			v, err := inspect.CheckStored(ctx, db, res.DrawID)
			if err != nil {
				t.Fatal(err)
			}
			if !v.Same {
				t.Errorf("draw does not verify: %s", v.Diff)
			}
			targets, err := inspect.Targets(ctx, db, office, res.PlanID)
			if err != nil {
				t.Fatal(err)
			}
			if len(targets) != res.Targets || len(targets) == 0 {
				t.Fatalf("%d targets, result says %d", len(targets), res.Targets)
			}
			for _, tg := range targets {
				if len(tg.Inspectors) < 2 {
					t.Errorf("target %s has %d inspectors", tg.AssetCode, len(tg.Inspectors))
				}
			}
			rs, err := inspect.Results(ctx, db, office, res.PlanID)
			if err != nil {
				t.Fatal(err)
			}
			failed := 0
			for _, r := range rs {
				if r.Outcome == inspect.Fail {
					failed++
					if r.Note == "" {
						t.Errorf("failure without a note: %+v", r)
					}
				}
			}
			if len(rs) != res.Results || failed != res.Failed || failed == 0 {
				t.Errorf("%d results, %d failed; result says %d, %d", len(rs), failed, res.Results, res.Failed)
			}
			if len(res.Logins) != 3 {
				t.Fatalf("logins %+v, want inspector2…4", res.Logins)
			}
			for _, l := range res.Logins {
				p := login(t, db, l.Username)
				if !p.Has(org.RoleInspector) {
					t.Errorf("%s is not an inspector", l.Username)
				}
			}
		})

		t.Run("audit chain", func(t *testing.T) {
			r, err := audit.Verify(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() {
				t.Errorf("audit chain broken: %+v", r)
			}
		})

		t.Run("once", func(t *testing.T) {
			_, err := demo.LoadSupervision(ctx, db, demo.Options{Preset: demo.Small, Seed: 1})
			if !errs.Is(err, errs.Conflict) {
				t.Errorf("second load: %v, want a conflict", err)
			}
		})
	})
}

// ledgerSummary is what two builds must agree on.
func ledgerSummary(t *testing.T, db *store.DB, res *demo.SupervisionResult) (string, string) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT i.number, i.source, i.title, u.code, i.status, i.deadline, i.fixed_by, i.verified_by, i.created_at
		FROM ledger_items i JOIN units u ON u.id = i.unit_id ORDER BY i.number`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var num, src, title, unit, status, fixed, verified string
		var deadline, created time.Time
		if err := rows.Scan(&num, &src, &title, &unit, &status, &deadline, &fixed, &verified, &created); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%s %s %s %s %s %s %s %s %s", num, src, title, unit, status, deadline.Format(time.DateOnly), fixed, verified, created.UTC().Format(time.RFC3339)))
	}
	sd, err := inspect.LoadDraw(ctx, db, res.DrawID)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n"), sd.InputsJSON + "\n" + sd.ResultJSON
}

func TestSupervisionDeterministic(t *testing.T) {
	db1, db2 := storetest.SQLite(t), storetest.SQLite(t)
	r1, r2 := supervised(t, db1, 7), supervised(t, db2, 7)
	l1, d1 := ledgerSummary(t, db1, r1)
	l2, d2 := ledgerSummary(t, db2, r2)
	if l1 != l2 {
		t.Errorf("ledgers differ:\n%s\n---\n%s", l1, l2)
	}
	if d1 != d2 {
		t.Error("draws differ")
	}
	if !slices.Equal(r1.Numbers, r2.Numbers) || fmt.Sprint(r1.ByStatus) != fmt.Sprint(r2.ByStatus) || r1.Overdue != r2.Overdue ||
		r1.Submissions != r2.Submissions || r1.Targets != r2.Targets || fmt.Sprint(r1.Logins) != fmt.Sprint(r2.Logins) {
		t.Errorf("results differ:\n%+v\n%+v", r1, r2)
	}
	t.Logf("ledger of seed 7:\n%s", l1)
}
