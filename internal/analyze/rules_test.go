package analyze_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// bureau is the hand-built inventory of the rule tests: a 总队 with a 支队 and, under it, a 大队
// and a 站. Each asset sits just on one side of one rule's threshold; the names say which.
type bureau struct {
	corps, det, brigade, station int64
	detName                      string
	active, left, left2          int64
}

func buildBureau(f *fx) bureau {
	var b bureau
	b.corps, _ = f.unit("C", "四川省消防救援总队", org.Corps, 0)
	b.detName = "成都市消防救援支队"
	b.det, _ = f.unit("D", b.detName, org.Detachment, b.corps)
	b.brigade, _ = f.unit("B", "锦江区消防救援大队", org.Brigade, b.det)
	b.station, _ = f.unit("S", "春熙路消防救援站", org.Station, b.brigade)
	b.active = f.person("P1", b.det, false)
	b.left = f.person("P2", b.det, true)
	b.left2 = f.person("P3", b.det, true)
	d, n := b.det, b.detName

	// Accounts.
	f.account("A-STALE14", d, n, map[string]any{"last_post_on": daysAgo(14)})
	f.account("A-STALE15", d, n, map[string]any{"last_post_on": daysAgo(15)})
	f.account("A-STALE59", d, n, map[string]any{"last_post_on": daysAgo(59)})
	f.account("A-ZOMBIE60", d, n, map[string]any{"last_post_on": daysAgo(60)})
	f.account("A-NEVER", d, n, map[string]any{"last_post_on": nil})
	f.account("A-NOINTERACT", d, n, map[string]any{"interaction": false})
	f.account("A-DUP1", d, n, map[string]any{"platform": "微博"})
	f.account("A-DUP2", d, n, map[string]any{"platform": "微博"})
	f.account("A-DUP3-RETIRED", d, n, map[string]any{"platform": "抖音", "status": "retired", "filing_no": ""})
	f.account("A-ONE", d, n, map[string]any{"platform": "抖音"})
	f.account("A-NOFILING", d, n, map[string]any{"filing_no": "  "})
	f.account("A-SAMENAME", d, n, map[string]any{"operator": " 成都市消防救援支队\u3000"})
	f.account("A-MISMATCH", d, n, map[string]any{"operator": "成都市公安消防支队"})

	// Apps.
	f.app("P-CHECKIN", d, map[string]any{"forced_features": "checkin\nupload_photo"})
	f.app("P-UPLOAD", d, map[string]any{"forced_features": "upload_location"})
	f.app("P-EMERGENCY", d, map[string]any{"forced_features": "checkin\nupload_video", "emergency_use": true})
	f.app("P-NOFEEDBACK", d, map[string]any{"feedback_channel": false})
	f.app("P-BRIGADE", b.brigade, nil)
	f.app("P-STATION", b.station, nil)
	f.app("P-CORPS", b.corps, nil)
	f.app("P-L3-365", d, map[string]any{"mlps_level": 3, "mlps_assessed_on": daysAgo(365)})
	f.app("P-L3-366", d, map[string]any{"mlps_level": 3, "mlps_assessed_on": daysAgo(366)})
	f.app("P-L3-NEVER", d, map[string]any{"mlps_level": 3})
	f.app("P-L4-182", d, map[string]any{"mlps_level": 4, "mlps_assessed_on": daysAgo(182)})
	f.app("P-L4-183", d, map[string]any{"mlps_level": 4, "mlps_assessed_on": daysAgo(183)})
	f.app("P-L2-NEVER", d, map[string]any{"mlps_level": 2})
	f.app("P-FORM1", d, map[string]any{"forms": "人员信息表\n车辆台账"})
	f.app("P-FORM2", b.corps, map[string]any{"forms": "人员信息表\n人员信息表"})
	f.app("P-FORM3-RETIRED", d, map[string]any{"forms": "车辆台账", "status": "retired", "feedback_channel": false})

	// Groups.
	a := b.active
	f.group("G-TEMP-TODAY", d, a, map[string]any{"temporary": true, "task_end_on": at})
	f.group("G-TEMP-ENDED", d, a, map[string]any{"temporary": true, "task_end_on": daysAgo(1)})
	f.group("G-STANDING", d, a, map[string]any{"task_end_on": daysAgo(100)})
	f.group("G-NOOWNER", d, 0, nil)
	f.group("G-UNFILED", d, a, map[string]any{"approval_ref": ""})
	g := f.group("G-LEFT", d, a, nil)
	f.member(g, b.left)
	f.member(g, b.left2)
	g = f.group("G-EXTERNAL", d, a, nil)
	f.external(g, "王外援")
	g = f.group("G-OWNERLEFT", d, b.left, nil)
	f.member(g, a)
	// The fixture's apps are named by code ("名称P-L3-365"), which text similarity rightly finds
	// alike; APP-SIMILAR is measured on the demo's realistic apps instead (TestDemoPrecisionRecall).
	f.exec(`INSERT INTO settings (key, value, updated_at) VALUES ($1, '0', $2)`, analyze.EnabledKey("APP-SIMILAR"), time.Now().UTC())
	return b
}

// wantHits is what buildBureau fires with the default configuration at the check date.
var wantHits = map[string][]string{
	"ACC-STALE":       {"A-STALE15", "A-STALE59"},
	"ACC-ZOMBIE":      {"A-NEVER", "A-ZOMBIE60"},
	"ACC-NOINTERACT":  {"A-NOINTERACT"},
	"ACC-DUP":         {"D:微博"},
	"ACC-FILING":      {"A-NOFILING"},
	"ACC-MISMATCH":    {"A-MISMATCH"},
	"APP-FORCED":      {"P-CHECKIN"},
	"APP-UPLOADS":     {"P-CHECKIN", "P-UPLOAD"},
	"APP-NOFEEDBACK":  {"P-NOFEEDBACK"},
	"APP-LEVEL":       {"P-BRIGADE", "P-STATION"},
	"APP-MLPS":        {"P-L3-366", "P-L3-NEVER", "P-L4-183"},
	"APP-REPEATFORMS": {"人员信息表"},
	"GRP-TEMP":        {"G-TEMP-ENDED"},
	"GRP-NOOWNER":     {"G-NOOWNER"},
	"GRP-UNFILED":     {"G-UNFILED"},
	"GRP-LEFT":        {"G-LEFT", "G-OWNERLEFT"},
	"GRP-EXTERNAL":    {"G-EXTERNAL"},
	"GRP-OWNERLEFT":   {"G-OWNERLEFT"},
}

func TestRulesAtThreshold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		buildBureau(f)
		cfg := analyze.Defaults()
		cfg["APP-SIMILAR"] = analyze.Config{Enabled: false, Params: cfg["APP-SIMILAR"].Params}
		got := f.check(cfg, at)
		for _, r := range analyze.Rules() {
			id := r.Def().ID
			t.Run(id, func(t *testing.T) {
				if !slices.Equal(got[id], wantHits[id]) {
					t.Errorf("fires on %v, want %v", got[id], wantHits[id])
				}
			})
		}
	})
}

// The thresholds come from the configuration, not constants: moving them moves the cut.
func TestRulesFollowConfig(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		buildBureau(f)
		cfg, err := analyze.ParseConfigs(map[string]string{
			"rule.ACC-STALE.days": "15", "rule.ACC-ZOMBIE.days": "59", "rule.ACC-DUP.max": "2",
			"rule.APP-MLPS.level3_days": "366", "rule.APP-MLPS.level4_days": "30", "rule.APP-REPEATFORMS.min_apps": "3",
			"rule.GRP-TEMP.grace_days": "1", "rule.GRP-EXTERNAL.enabled": "0",
		})
		if err != nil {
			t.Fatal(err)
		}
		got := f.check(cfg, at)
		want := map[string][]string{
			"ACC-STALE":  nil, // 15 days is no longer over; 59 is now a zombie
			"ACC-ZOMBIE": {"A-NEVER", "A-STALE59", "A-ZOMBIE60"},
			"ACC-DUP":    nil,
			"APP-MLPS":   {"P-L3-NEVER", "P-L4-182", "P-L4-183"},
			// P-FORM2 lists its form twice: still one app.
			"APP-REPEATFORMS": nil,
			"GRP-TEMP":        nil,
			"GRP-EXTERNAL":    nil,
		}
		for id, w := range want {
			if !slices.Equal(got[id], w) {
				t.Errorf("%s fires on %v, want %v", id, got[id], w)
			}
		}
		// With ACC-ZOMBIE off, ACC-STALE reports every account over its threshold, never-posted too.
		cfg, _ = analyze.ParseConfigs(map[string]string{"rule.ACC-ZOMBIE.enabled": "0"})
		if got := f.check(cfg, at)["ACC-STALE"]; !slices.Equal(got, []string{"A-NEVER", "A-STALE15", "A-STALE59", "A-ZOMBIE60"}) {
			t.Errorf("ACC-STALE without ACC-ZOMBIE fires on %v", got)
		}
	})
}

func TestConfigValidation(t *testing.T) {
	for _, c := range []struct {
		name   string
		values map[string]string
		field  string // "" means valid
	}{
		{"defaults", nil, ""},
		{"other settings ignored", map[string]string{"catalog.attest_months": "12"}, ""},
		{"in range", map[string]string{"rule.ACC-STALE.days": "30", "rule.ACC-ZOMBIE.days": "90"}, ""},
		{"bounds inclusive", map[string]string{"rule.ACC-STALE.days": "1", "rule.APP-MLPS.level4_days": "730"}, ""},
		{"below minimum", map[string]string{"rule.ACC-STALE.days": "0"}, "rule.ACC-STALE.days"},
		{"above maximum", map[string]string{"rule.APP-MLPS.level3_days": "1096"}, "rule.APP-MLPS.level3_days"},
		{"not a number", map[string]string{"rule.ACC-ZOMBIE.days": "六十"}, "rule.ACC-ZOMBIE.days"},
		{"not an integer", map[string]string{"rule.GRP-TEMP.grace_days": "1.5"}, "rule.GRP-TEMP.grace_days"},
		{"unknown rule", map[string]string{"rule.ACC-NOPE.days": "3"}, "rule.ACC-NOPE.days"},
		{"unknown parameter", map[string]string{"rule.ACC-STALE.weeks": "3"}, "rule.ACC-STALE.weeks"},
		{"bad switch", map[string]string{"rule.APP-LEVEL.enabled": "2"}, "rule.APP-LEVEL.enabled"},
		{"stale not below zombie", map[string]string{"rule.ACC-STALE.days": "60"}, "rule.ACC-STALE.days"},
		{"stale above zombie ok when zombie off", map[string]string{"rule.ACC-STALE.days": "90", "rule.ACC-ZOMBIE.enabled": "0"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := analyze.ParseConfigs(c.values)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if len(cfg) != len(analyze.Rules()) {
					t.Fatalf("%d configs for %d rules", len(cfg), len(analyze.Rules()))
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			l, ok := errs.ListOf(err)
			if !ok || len(l.Items) != 1 || l.Items[0].Field != c.field {
				t.Fatalf("error %v, want one problem naming %s", err, c.field)
			}
			if !hasHan(l.Items[0].Msg) {
				t.Fatalf("message %q is not Chinese", l.Items[0].Msg)
			}
		})
	}
}

// Every rule is documented: title, severity, basis with its mark, disposition, defaults in range.
func TestRuleDefs(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range analyze.Rules() {
		d := r.Def()
		if seen[d.ID] {
			t.Errorf("%s twice", d.ID)
		}
		seen[d.ID] = true
		if !hasHan(d.Title) || d.Severity.Label() == string(d.Severity) || d.Disposition == "" || d.Version < 1 {
			t.Errorf("%s: incomplete definition %+v", d.ID, d)
		}
		if !strings.HasPrefix(d.Basis, "[N]") && !strings.HasPrefix(d.Basis, "[L]") {
			t.Errorf("%s: basis %q has no [N]/[L] mark", d.ID, d.Basis)
		}
		for _, p := range d.Params {
			if p.Default < p.Min || p.Default > p.Max || !hasHan(p.Label) {
				t.Errorf("%s.%s: default %v outside [%v, %v] or no label", d.ID, p.Name, p.Default, p.Min, p.Max)
			}
		}
	}
	if len(seen) != 26 {
		t.Errorf("%d rules, want 26", len(seen))
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// Every listed setting is accepted by the parser at its default and its bounds.
func TestSettingsRoundTrip(t *testing.T) {
	for _, s := range analyze.Settings() {
		for _, v := range []float64{s.Default, s.Min, s.Max} {
			vals := map[string]string{s.Key: strconv.FormatFloat(v, 'f', -1, 64)}
			if strings.HasPrefix(s.Key, "rule.ACC-STALE.") || strings.HasPrefix(s.Key, "rule.ACC-ZOMBIE.") {
				vals["rule.ACC-ZOMBIE.enabled"] = "0" // the stale < zombie check is tested on its own
			}
			if _, err := analyze.ParseConfigs(vals); err != nil {
				t.Errorf("%s = %v refused: %v", s.Key, v, err)
			}
		}
	}
}
