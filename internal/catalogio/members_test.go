package catalogio

import (
	"context"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestMembersLikeSetMembers checks that the import's bulk path leaves the database exactly as
// catalog.SetMembersTx does: the same members, count, owner, history event and audit entry.
func TestMembersLikeSetMembers(t *testing.T) {
	list := []catalog.MemberInput{
		{PersonCode: "1003", Role: catalog.RoleOwner},
		{PersonCode: "0042", Role: catalog.RoleAdmin},
		{ExternalName: "李四"},
		{PersonCode: "2001", Role: "成员"},
	}
	storetest.Each(t, func(t *testing.T, viaCatalog *store.DB) {
		viaImport := freshDB(t, viaCatalog)
		for _, db := range []*store.DB{viaCatalog, viaImport} {
			seedOrg(t, db)
			seedCatalog(t, db)
		}
		ctx := context.Background()
		s := &catalog.Store{DB: viaCatalog}
		g, err := s.GetByCode(ctx, org.System, "G-001")
		storetest.Must(t, err)
		_, err = s.SetMembers(ctx, org.System, g.ID, list)
		storetest.Must(t, err)

		wb := &Workbook{}
		for i, m := range list {
			role := catalog.MemberRoleLabel(m.Role)
			wb.Members = append(wb.Members, MemberRow{Row: i + 2, GroupCode: "G-001", PersonCode: m.PersonCode, ExternalName: m.ExternalName, Role: role})
		}
		rep := importOK(t, viaImport, org.System, wb, Options{})
		if rep.Members.Lists != 1 || rep.Members.Created != 2 || rep.Members.Updated != 2 || rep.Members.Removed != 3 {
			t.Errorf("report %+v", rep.Members)
		}

		if a, b := dump(t, viaCatalog), dump(t, viaImport); a != b {
			t.Errorf("inventories differ\ncatalog:\n%s\nimport:\n%s", a, b)
		}
		if a, b := lastChange(t, viaCatalog), lastChange(t, viaImport); a != b {
			t.Errorf("history differs\ncatalog: %+v\nimport:  %+v", a, b)
		}
		verifyAudit(t, viaImport)
	})
}

// change is the newest history event and audit entry, without times.
type change struct {
	assetID                        int64
	action, from, to, reason       string
	auditAction, object, id        string
	before, after, actor, eventFor string
}

func lastChange(t *testing.T, db *store.DB) change {
	t.Helper()
	var c change
	ctx := context.Background()
	storetest.Must(t, db.QueryRowContext(ctx, `SELECT asset_id, action, from_status, to_status, reason, actor FROM asset_events ORDER BY id DESC LIMIT 1`).
		Scan(&c.assetID, &c.action, &c.from, &c.to, &c.reason, &c.eventFor))
	storetest.Must(t, db.QueryRowContext(ctx, `SELECT action, object_type, object_id, before_json, after_json, actor FROM audit_log ORDER BY seq DESC LIMIT 1`).
		Scan(&c.auditAction, &c.object, &c.id, &c.before, &c.after, &c.actor))
	return c
}
