package analyze_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestProvincePrecisionRecall checks the inventory rules whose planted cases grow with the bureau
// (duplicate and similar accounts, similar apps, overlapping groups) on the province preset: 300
// apps, about 900 accounts and 20,000 groups, where chance likeness has room to show. Similarity
// rules must reach the 0.95 precision and recall, the exact ones 1.0. SQLite only: the
// engines are compared on the small bureau (TestDemoPrecisionRecall); this is about scale.
func TestProvincePrecisionRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the province bureau (about 20 s)")
	}
	db := storetest.SQLite(t)
	ctx := context.Background()
	res, err := demo.Build(ctx, db, demo.Options{Preset: demo.Province, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := analyze.Run(ctx, db, org.System, demo.ReferenceDate); err != nil {
		t.Fatal(err)
	}
	tr := res.Truth
	join := func(l [][]string) (out []string) {
		for _, g := range sortedClusters(l) {
			out = append(out, strings.Join(g, ","))
		}
		return out
	}
	cases := []struct {
		rule  string
		truth []string
		min   float64
	}{
		{"ACC-DUP", join(tr.DupAccounts), 1},
		{"ACC-SIMILAR", join(tr.SimilarAccounts), 0.95},
		{"APP-SIMILAR", join(tr.SimilarApps), 0.95},
		{"GRP-DUP", join(tr.DupGroups), 0.95},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			var got []string
			list, _, err := analyze.List(ctx, db, org.System, analyze.Filter{RuleID: c.rule, Page: org.Page{Limit: org.MaxPage}})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range list {
				got = append(got, key(f))
			}
			p, r, fp, fn := score(got, c.truth)
			t.Logf("%-12s findings %4d truth %4d precision %.3f recall %.3f", c.rule, len(got), len(c.truth), p, r)
			if p < c.min || r < c.min {
				t.Errorf("precision %.3f recall %.3f, want at least %.2f; false positives %v; missed %v", p, r, c.min, first(fp), first(fn))
			}
			if len(c.truth) < 5 {
				t.Errorf("the province plants only %d cases", len(c.truth))
			}
		})
	}
}
