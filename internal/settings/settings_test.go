package settings_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/analyze"
	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/intake"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/settings"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

func value(t *testing.T, db *store.DB, key string) settings.Value {
	t.Helper()
	list, err := settings.List(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range list {
		if v.Key == key {
			return v
		}
	}
	t.Fatalf("no setting %s", key)
	return settings.Value{}
}

func TestSetAndList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if v := value(t, db, "catalog.attest_months"); !v.IsDefault || v.Value != catalog.DefaultAttestMonths {
			t.Fatalf("default: %+v", v)
		}
		bad := []struct {
			name string
			in   map[string]string
		}{
			{"below range", map[string]string{"catalog.attest_months": "0"}},
			{"not an integer", map[string]string{intake.KeyQuotaCorps: "2.5"}},
			{"not a number", map[string]string{intake.KeySimilarBlock: "高"}},
			{"above range", map[string]string{intake.KeySimilarMin: "1.5"}},
			{"unknown key", map[string]string{"colour": "red"}},
			{"one bad among good", map[string]string{"catalog.attest_months": "3", intake.KeyQuotaCorps: "-1"}},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				if err := settings.Set(ctx, db, org.System, c.in); errs.KindOf(err) != errs.Invalid {
					t.Fatalf("Set(%v) = %v, want Invalid", c.in, err)
				}
				if v := value(t, db, "catalog.attest_months"); !v.IsDefault {
					t.Fatal("a refused form wrote a value")
				}
			})
		}
		if err := settings.Set(ctx, db, org.Principal{Name: "办公室", Roles: []org.Role{org.RoleOffice}, Scope: org.Scope{All: true}},
			map[string]string{"catalog.attest_months": "3"}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("office changing settings: %v", err)
		}
		if err := settings.Set(ctx, db, org.System, map[string]string{"catalog.attest_months": "3", intake.KeySimilarBlock: "0.5"}); err != nil {
			t.Fatal(err)
		}
		if n, _ := catalog.AttestMonths(ctx, db); n != 3 {
			t.Fatalf("catalog reads %d months, want 3", n)
		}
		if v := value(t, db, intake.KeySimilarBlock); v.IsDefault || v.Value != 0.5 || v.UpdatedBy != org.System.Name {
			t.Fatalf("after set: %+v", v)
		}
		if err := settings.Set(ctx, db, org.System, map[string]string{"catalog.attest_months": ""}); err != nil {
			t.Fatal(err)
		}
		if v := value(t, db, "catalog.attest_months"); !v.IsDefault {
			t.Fatal("empty value did not restore the default")
		}
		entries, total, _ := audit.List(ctx, db, audit.Filter{ObjectType: "setting"})
		if total != 3 || len(entries) != 3 {
			t.Fatalf("%d audit entries for settings, want 3 (two set, one reset)", total)
		}
	})
}

// TestRuleSettings checks that the health-check rules' thresholds are settings like the others,
// that the checks between rules apply to the configuration as it would stand, and that a run
// reads what was saved.
func TestRuleSettings(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	admin := org.Principal{UserID: 1, Name: "管理员", Roles: []org.Role{org.RoleAdmin}, Scope: org.Scope{All: true}}
	for _, c := range []struct {
		name  string
		in    map[string]string
		field string
	}{
		{"out of range", map[string]string{"rule.GRP-IDLE.days": "3"}, "rule.GRP-IDLE.days"},
		{"switch not 0/1", map[string]string{"rule.GRP-IDLE.enabled": "2"}, "rule.GRP-IDLE.enabled"},
		{"stale not below zombie", map[string]string{"rule.ACC-STALE.days": "60"}, "rule.ACC-STALE.days"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := settings.Set(ctx, db, admin, c.in)
			var list *errs.List
			if !errs.Is(err, errs.Invalid) || !errors.As(err, &list) || len(list.Items) == 0 || list.Items[0].Field != c.field {
				t.Errorf("Set(%v) = %v, want an error on %s", c.in, err, c.field)
			}
		})
	}
	if err := settings.Set(ctx, db, admin, map[string]string{"rule.GRP-IDLE.days": "90", "rule.ACC-ZOMBIE.days": "100",
		"rule.ACC-STALE.days": "60"}); err != nil {
		t.Fatalf("a consistent change refused: %v", err)
	}
	cfg, err := analyze.LoadConfigs(ctx, db)
	if err != nil || cfg.Int("GRP-IDLE", "days") != 90 || cfg.Int("ACC-STALE", "days") != 60 {
		t.Errorf("a run would read GRP-IDLE %d, ACC-STALE %d (%v)", cfg.Int("GRP-IDLE", "days"), cfg.Int("ACC-STALE", "days"), err)
	}
	if v := value(t, db, "rule.GRP-IDLE.days"); v.IsDefault || v.Value != 90 || v.Group != "体检规则" {
		t.Errorf("listed as %+v", v)
	}
}
