package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/demo"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestDemoBureauScopes runs every demo login against the synthetic bureau, which is larger and
// more irregular than the fixture: each one's unit and people lists must be exactly its subtree
// (nothing outside, nothing missing), and the two liaisons of different 大队 share nothing.
func TestDemoBureauScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		res, err := demo.Build(ctx, db, demo.Options{Preset: demo.Small, Seed: 1})
		storetest.Must(t, err)
		a := &API{DB: db, Org: &org.Store{DB: db}, Auth: &auth.Service{DB: db}}
		h := httpx.Identify(a.Auth, a.Handler())

		// The truth, read as the system: every unit's parent, and every person's unit.
		units, err := a.Org.AllUnits(ctx, org.System)
		storetest.Must(t, err)
		parent := map[int64]int64{}
		for _, u := range units {
			parent[u.ID] = u.ParentID
		}
		within := func(id, root int64) bool {
			for ; id != 0; id = parent[id] {
				if id == root {
					return true
				}
			}
			return false
		}
		people, _, err := a.Org.People(ctx, org.System, org.PersonFilter{Page: org.Page{Limit: org.MaxPage}})
		storetest.Must(t, err)
		if len(people) == org.MaxPage {
			t.Fatalf("the small bureau has more than %d people; page through them", org.MaxPage)
		}

		get := func(token, path string, v any) int {
			r := httptest.NewRequest("GET", path, nil)
			r.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code == 200 && v != nil {
				if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			}
			return rec.Code
		}
		seen := map[string]map[int64]bool{}
		for _, l := range res.Logins {
			u, err := org.LoadUserByName(ctx, db, l.Username)
			storetest.Must(t, err)
			_, token, err := a.Auth.CreateToken(ctx, u, "demo", 0)
			storetest.Must(t, err)
			var me meBody
			if code := get(token, "/api/v1/me", &me); code != 200 {
				t.Fatalf("%s: me %d", l.Username, code)
			}
			root := me.Scope.UnitID
			p := u.Principal()

			var ul listBody[org.Unit]
			code := get(token, "/api/v1/units?limit=500", &ul)
			if want := statusFor(p, org.PermUnitsRead); code != want {
				t.Errorf("%s (%s): units %d, want %d", l.Username, l.Role, code, want)
			}
			if code == 200 {
				want := 0
				for _, x := range units {
					if within(x.ID, root) {
						want++
					}
				}
				seen[l.Username] = map[int64]bool{}
				for _, x := range ul.Items {
					seen[l.Username][x.ID] = true
					if !within(x.ID, root) {
						t.Errorf("%s (%s) sees unit %s outside its scope", l.Username, l.Role, x.Name)
					}
				}
				if ul.Total != want || len(ul.Items) != want {
					t.Errorf("%s (%s): %d units of %d listed, want %d", l.Username, l.Role, len(ul.Items), ul.Total, want)
				}
			}

			var pl listBody[org.Person]
			code = get(token, "/api/v1/people?limit=500", &pl)
			if want := statusFor(p, org.PermPeopleRead); code != want {
				t.Errorf("%s (%s): people %d, want %d", l.Username, l.Role, code, want)
			}
			if code == 200 {
				want := 0
				for _, x := range people {
					if within(x.UnitID, root) {
						want++
					}
				}
				for _, x := range pl.Items {
					if !within(x.UnitID, root) {
						t.Errorf("%s (%s) sees %s of %s, outside its scope", l.Username, l.Role, x.Name, x.UnitName)
					}
				}
				if pl.Total != want || len(pl.Items) != want {
					t.Errorf("%s (%s): %d people of %d listed, want %d", l.Username, l.Role, len(pl.Items), pl.Total, want)
				}
			}
		}
		a1, a2 := seen["liaison"], seen["liaison2"]
		if len(a1) == 0 || len(a2) == 0 {
			t.Fatalf("demo logins liaison and liaison2 not found or see nothing: %d, %d units", len(a1), len(a2))
		}
		for id := range a1 {
			if a2[id] {
				t.Errorf("liaison and liaison2 both see unit %d", id)
			}
		}
		t.Logf("%d logins, %d units, %d people", len(res.Logins), len(units), len(people))
	})
}

func statusFor(p org.Principal, perm org.Perm) int {
	if p.Can(perm) {
		return http.StatusOK
	}
	return http.StatusForbidden
}
