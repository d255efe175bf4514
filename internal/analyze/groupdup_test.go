package analyze_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestGroupDupAtThreshold builds pairs of groups with chosen overlaps and checks which GRP-DUP
// reports: Jaccard 0.8 exactly fires, 0.75 does not; a group wholly inside another fires by
// containment; groups below the minimum size are not compared.
func TestGroupDupAtThreshold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		root, _ := f.unit("R", "总队", org.Corps, 0)
		var people []int64
		for i := 0; i < 30; i++ {
			people = append(people, f.person(fmt.Sprintf("P%02d", i), root, false))
		}
		group := func(code string, members ...int) {
			g := f.group(code, root, 0, nil)
			for _, m := range members {
				f.member(g, people[m])
			}
		}
		seq := func(from, to int) []int {
			var out []int
			for i := from; i < to; i++ {
				out = append(out, i)
			}
			return out
		}
		// 8 shared of a union of 10: Jaccard 0.80 (containment 8/9 below 0.9).
		group("J80-A", seq(0, 9)...)
		group("J80-B", append(seq(0, 8), 9)...)
		// 6 shared of a union of 8: Jaccard 0.75, containment 6/7: neither fires.
		group("J75-A", seq(10, 17)...)
		group("J75-B", append(seq(10, 16), 17)...)
		// 4 members wholly inside a group of 8: containment 1.0.
		group("IN-BIG", seq(20, 28)...)
		group("IN-SMALL", seq(20, 24)...)
		// 2 members inside a group of 3: below the minimum size of 3.
		group("TINY-A", 28, 29)
		group("TINY-B", 27, 28, 29)
		got, err := analyze.Run(f.ctx, db, office, at)
		if err != nil {
			t.Fatal(err)
		}
		subjects := f.subjects("GRP-DUP")
		want := []string{"IN-BIG,IN-SMALL", "J80-A,J80-B"}
		if !slices.Equal(subjects, want) || got.Counts["GRP-DUP"].Firing != 2 {
			t.Fatalf("GRP-DUP reported %v, want %v", subjects, want)
		}
		keep := find(t, f, "GRP-DUP", "IN-BIG,IN-SMALL")
		if len(keep.Assets) != 2 || keep.Assets[0].Code != "IN-BIG" {
			t.Fatalf("suggested to keep %+v, want the larger group first", keep.Assets)
		}
		// Raising the Jaccard threshold drops the 0.8 pair; containment still holds the other.
		cfg, err := analyze.ParseConfigs(map[string]string{analyze.SettingKey("GRP-DUP", "jaccard"): "0.85"})
		if err != nil {
			t.Fatal(err)
		}
		if got := f.check(cfg, at)["GRP-DUP"]; !slices.Equal(got, []string{"IN-BIG,IN-SMALL"}) {
			t.Fatalf("at Jaccard 0.85: %v", got)
		}
	})
}
