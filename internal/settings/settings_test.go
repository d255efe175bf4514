package settings_test

import (
	"context"
	"testing"

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
