package demo

import (
	"regexp"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/org"
)

// codeRE is org's rule for unit codes and 工号.
var codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$`)

// TestGenerateLarge checks the big presets in memory only: writing them belongs to benchmarks.
func TestGenerateLarge(t *testing.T) {
	for _, p := range []Preset{Small, Province, National} {
		t.Run(string(p), func(t *testing.T) {
			b, err := generate(p, 1)
			if err != nil {
				t.Fatal(err)
			}
			wantU, wantP := Sizes(p)
			if d := len(b.units) - wantU; d*20 > wantU || -d*20 > wantU {
				t.Errorf("%d units, Sizes says %d", len(b.units), wantU)
			}
			if d := len(b.people) - wantP; d*20 > wantP || -d*20 > wantP {
				t.Errorf("%d people, Sizes says %d", len(b.people), wantP)
			}
			codes := map[string]bool{}
			names := map[string]bool{}
			for _, u := range b.units {
				if !codeRE.MatchString(u.Code) || codes[u.Code] {
					t.Fatalf("bad or repeated unit code %q", u.Code)
				}
				codes[u.Code] = true
				if u.Parent >= 0 {
					key := b.units[u.Parent].Code + "/" + u.Name
					if names[key] {
						t.Fatalf("two units named %s", key)
					}
					names[key] = true
				}
			}
			for _, x := range b.people {
				if !codeRE.MatchString(x.Code) || codes[x.Code] {
					t.Fatalf("bad or repeated 工号 %q", x.Code)
				}
				codes[x.Code] = true
			}
			if p == Province && (len(b.detachments) != 21 || len(b.brigades) != 183) {
				t.Errorf("province has %d 支队 and %d 大队, want 21 and 183", len(b.detachments), len(b.brigades))
			}
			kinds := map[org.UnitKind]int{}
			for _, u := range b.units {
				kinds[u.Kind]++
			}
			t.Logf("%s: %d units %v, %d people", p, len(b.units), kinds, len(b.people))
		})
	}
}

func TestPlaceLists(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range stationPlaces {
		if seen[s] {
			t.Errorf("station place %s listed twice", s)
		}
		seen[s] = true
	}
	for _, pl := range plans {
		if pl.stations.Max > len(stationPlaces) {
			t.Errorf("plan wants %d stations per brigade, only %d place names", pl.stations.Max, len(stationPlaces))
		}
	}
	counties, codes := 0, map[string]bool{}
	for _, c := range cities {
		counties += len(c.Counties)
		if codes[c.Code] {
			t.Errorf("city code %s twice", c.Code)
		}
		codes[c.Code] = true
	}
	if len(cities) != 21 || counties != 183 {
		t.Errorf("%d cities, %d counties; Sichuan has 21 and 183", len(cities), counties)
	}
}
