package analyze_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestDemoPrecisionRecall runs the check on the small demo bureau as of demo.ReferenceDate and
// compares each rule with the planted truth. Findings are compared as keys that include what
// they are about (the accounts of an ACC-DUP, the apps of a repeated form, the members who left),
// so a finding on the right subject with the wrong evidence counts as wrong.
func TestDemoPrecisionRecall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		res, err := demo.Build(ctx, db, demo.Options{Preset: demo.Small, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		tr := res.Truth
		act, err := demo.LoadActivity(ctx, db, demo.Options{Preset: demo.Small, Seed: 1}, demo.ActivityDays(demo.Small))
		if err != nil {
			t.Fatal(err)
		}
		// The activity truth defines after-hours and demand-heavy groups over the whole window
		// it generated, with no minimum count: the rules are set to the same.
		for k, v := range map[string]int{"rule.GRP-AFTERHOURS.days": 90, "rule.GRP-AFTERHOURS.min_messages": 1, "rule.GRP-FORCED.days": 90} {
			if _, err := db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)`, k, fmt.Sprint(v), time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := analyze.Run(ctx, db, org.System, demo.ReferenceDate); err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		list, _, err := analyze.List(ctx, db, org.System, analyze.Filter{Page: org.Page{Limit: org.MaxPage}})
		for off := 0; err == nil && len(list) > 0; {
			for _, f := range list {
				got[f.RuleID] = append(got[f.RuleID], key(f))
			}
			off += len(list)
			list, _, err = analyze.List(ctx, db, org.System, analyze.Filter{Page: org.Page{Limit: org.MaxPage, Offset: off}})
		}
		if err != nil {
			t.Fatal(err)
		}
		join := func(s []string) string { return strings.Join(s, ",") }
		groups := func(l [][]string) (out []string) {
			for _, g := range l {
				out = append(out, join(g))
			}
			return out
		}
		keyed := func(m map[string][]string) (out []string) {
			for k, v := range m {
				if len(v) > 0 {
					out = append(out, k+"="+join(v))
				}
			}
			return out
		}
		// APP-FORCED covers the forced features other than uploads and APP-UPLOADS the uploads;
		// the truth's ForcedApps is their union (an app with only upload features is in it).
		forcedOrUploads := func() []string {
			set := map[string]bool{}
			for _, k := range append(slices.Clone(got["APP-FORCED"]), got["APP-UPLOADS"]...) {
				set[k] = true
			}
			return slices.Collect(maps.Keys(set))
		}()
		cases := []struct {
			rule  string
			got   []string
			truth []string
		}{
			{"ACC-STALE", got["ACC-STALE"], tr.StaleAccounts},
			{"ACC-ZOMBIE", got["ACC-ZOMBIE"], tr.ZombieAccounts},
			{"ACC-NOINTERACT", got["ACC-NOINTERACT"], tr.NoInteractAccounts},
			{"ACC-DUP", got["ACC-DUP"], groups(tr.DupAccounts)},
			{"ACC-FILING", got["ACC-FILING"], tr.UnfiledAccounts},
			{"ACC-MISMATCH", got["ACC-MISMATCH"], tr.MismatchAccounts},
			{"APP-FORCED∪APP-UPLOADS", forcedOrUploads, tr.ForcedApps},
			{"APP-UPLOADS", got["APP-UPLOADS"], tr.UploadApps},
			{"APP-NOFEEDBACK", got["APP-NOFEEDBACK"], tr.NoFeedbackApps},
			{"APP-LEVEL", got["APP-LEVEL"], tr.LowLevelApps},
			{"APP-MLPS", got["APP-MLPS"], tr.MLPSOverdueApps},
			{"APP-REPEATFORMS", got["APP-REPEATFORMS"], keyed(tr.RepeatForms)},
			{"GRP-TEMP", got["GRP-TEMP"], tr.ExpiredTempGroups},
			{"GRP-NOOWNER", got["GRP-NOOWNER"], tr.NoOwnerGroups},
			{"GRP-UNFILED", got["GRP-UNFILED"], tr.UnfiledGroups},
			{"GRP-LEFT", got["GRP-LEFT"], keyed(tr.LeftMembers)},
			{"GRP-EXTERNAL", got["GRP-EXTERNAL"], keyed(tr.ExternalMembers)},
			{"GRP-OWNERLEFT", got["GRP-OWNERLEFT"], tr.LeftOwnerGroups},
			{"GRP-DUP", got["GRP-DUP"], groups(sortedClusters(tr.DupGroups))},
			{"APP-SIMILAR", got["APP-SIMILAR"], groups(sortedClusters(tr.SimilarApps))},
			{"GRP-IDLE", got["GRP-IDLE"], act.IdleGroups},
			{"GRP-AFTERHOURS", got["GRP-AFTERHOURS"], act.AfterHoursGroups},
			{"GRP-FORCED", got["GRP-FORCED"], act.DemandGroups},
			{"APP-LOWUSE", got["APP-LOWUSE"], tr.LowUseApps},
			{"ACC-LOWUSE", got["ACC-LOWUSE"], tr.LowUseAccounts},
			{"ACC-SIMILAR", got["ACC-SIMILAR"], groups(tr.SimilarAccounts)},
		}
		for _, c := range cases {
			p, r, fp, fn := score(c.got, c.truth)
			t.Logf("%-24s findings %4d truth %4d precision %.3f recall %.3f", c.rule, len(c.got), len(c.truth), p, r)
			if p != 1 || r != 1 {
				t.Errorf("%s: precision %.3f recall %.3f; false positives %v; missed %v", c.rule, p, r, first(fp), first(fn))
			}
			if len(c.truth) == 0 {
				t.Errorf("%s: the demo plants nothing, so the test proves nothing", c.rule)
			}
		}
		// APP-FORCED alone never fires on an exempt (安保/应急) app or outside the truth.
		if p, _, fp, _ := score(got["APP-FORCED"], tr.ForcedApps); p != 1 || len(got["APP-FORCED"]) == 0 {
			t.Errorf("APP-FORCED precision %.3f: %v", p, fp)
		}
		for _, e := range tr.ExemptApps {
			if slices.Contains(forcedOrUploads, e) {
				t.Errorf("exempt app %s reported", e)
			}
		}
	})
}

// sortedClusters sorts the codes inside each cluster, as GRP-DUP's subject lists them.
func sortedClusters(in [][]string) [][]string {
	var out [][]string
	for _, c := range in {
		c = slices.Clone(c)
		sort.Strings(c)
		out = append(out, c)
	}
	return out
}

// key is how a finding compares with the truth.
func key(f analyze.Finding) string {
	var codes []string
	for _, a := range f.Assets {
		codes = append(codes, a.Code)
	}
	sort.Strings(codes)
	switch f.RuleID {
	case "ACC-DUP":
		return strings.Join(codes, ",")
	case "APP-REPEATFORMS":
		return f.Subject + "=" + strings.Join(codes, ",")
	case "GRP-LEFT", "GRP-EXTERNAL":
		var ev struct {
			Members   []string `json:"members"`
			Externals []string `json:"externals"`
		}
		_ = json.Unmarshal(f.Evidence, &ev)
		return f.Subject + "=" + strings.Join(append(ev.Members, ev.Externals...), ",")
	}
	return f.Subject
}

func score(got, truth []string) (precision, recall float64, fp, fn []string) {
	in := map[string]bool{}
	for _, x := range truth {
		in[x] = true
	}
	hit := 0
	seen := map[string]bool{}
	for _, x := range got {
		seen[x] = true
		if in[x] {
			hit++
		} else {
			fp = append(fp, x)
		}
	}
	for _, x := range truth {
		if !seen[x] {
			fn = append(fn, x)
		}
	}
	precision, recall = 1, 1
	if len(got) > 0 {
		precision = float64(hit) / float64(len(got))
	}
	if len(truth) > 0 {
		recall = float64(hit) / float64(len(truth))
	}
	return precision, recall, fp, fn
}

func first(s []string) []string {
	sort.Strings(s)
	if len(s) > 5 {
		return s[:5]
	}
	return s
}
