package analyze_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
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

// TestGroupDupLoad checks the merge prediction: what members read today (the groups they are
// in) against after the merge (everything), and the flag when most members would read more.
func TestGroupDupLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		root, _ := f.unit("R", "总队", org.Corps, 0)
		var people []int64
		for i := 0; i < 30; i++ {
			people = append(people, f.person(fmt.Sprintf("P%02d", i), root, false))
		}
		// 2026-10-02..10-31 has 18 working days: 180 messages are 10 a working day.
		group := func(code string, perWorkday int, members ...int) {
			g := f.group(code, root, 0, nil)
			for _, m := range members {
				f.member(g, people[m])
			}
			f.exec(`INSERT INTO act_group_days (group_id, day, messages) VALUES ($1, $2, $3)`, g, at.AddDate(0, 0, -1), perWorkday*18)
		}
		// Eight members in both, one in each alone: merging adds the other group's messages for
		// two members of ten.
		group("A", 10, 0, 1, 2, 3, 4, 5, 6, 7, 8)
		group("B", 10, 0, 1, 2, 3, 4, 5, 6, 7, 9)
		// A busy group of three inside a quiet group of eight: five members would read 30 more.
		group("BIG", 5, 20, 21, 22, 23, 24, 25, 26, 27)
		group("SMALL", 30, 20, 21, 22)
		if _, err := analyze.Run(f.ctx, db, office, at); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			subject       string
			today, after  float64
			raised, total int
			raises        bool
		}{
			{"A,B", 18, 20, 2, 10, false},
			{"BIG,SMALL", (3*35 + 5*5) / 8.0, 35, 5, 8, true},
		} {
			fd := find(t, f, "GRP-DUP", c.subject)
			var ev struct {
				Load struct {
					Today  float64 `json:"today_per_member"`
					After  float64 `json:"after_per_member"`
					Raised int     `json:"members_raised"`
					Total  int     `json:"members"`
					Raises bool    `json:"raises_load"`
				} `json:"load"`
			}
			if err := json.Unmarshal(fd.Evidence, &ev); err != nil {
				t.Fatal(err)
			}
			l := ev.Load
			if l.Today != round2(c.today) || l.After != c.after || l.Raised != c.raised || l.Total != c.total || l.Raises != c.raises {
				t.Errorf("%s: load %+v, want today %.2f after %.0f raised %d/%d raises %v", c.subject, l, c.today, c.after, c.raised, c.total, c.raises)
			}
			if c.raises != strings.Contains(fd.Summary, "多数成员") {
				t.Errorf("%s: summary %q", c.subject, fd.Summary)
			}
		}
	})
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }
