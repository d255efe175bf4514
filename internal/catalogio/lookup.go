package catalogio

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// dbUnit is a stored unit the file names.
type dbUnit struct {
	id      int64
	inScope bool
}

// dbPerson is a stored person the file names (as a responsible person or a member).
type dbPerson struct {
	id     int64
	active bool
}

// dbAsset is a stored asset in the caller's scope, as much of it as an import compares: its
// fields in the form of an input, with units and people named by code.
type dbAsset struct {
	id      int64
	status  catalog.Status
	owner   int64 // owner_person_id, 0 when none
	members int   // member_count of a group
	in      catalog.Input
	row     int // the row of the file that created it, 0 if it was stored before
}

// dbMember is one stored member of a group.
type dbMember struct {
	key  string // "p:<person id>" or "x:<external name>"
	role string
}

// existing is what the database holds under the codes a file mentions, loaded once per import
// so that checking a row needs no query. Assets outside the caller's scope are absent from
// assets, exactly as if they did not exist; taken still knows their codes, since catalog
// refuses to reuse a code anywhere in the bureau.
type existing struct {
	units   map[string]dbUnit
	people  map[string]dbPerson
	assets  map[string]*dbAsset
	taken   map[string]catalog.Kind // every stored asset code the file names, bureau-wide
	members map[int64][]dbMember    // stored member lists of the groups the member sheet names
	self    int64                   // the person linked to the caller's login, 0 if none
}

// codeChunk keeps IN lists well under SQLite's and PostgreSQL's parameter limits.
const codeChunk = 500

// loadExisting reads the stored units, people and assets whose codes wb mentions, and the
// member lists of the groups its member sheet names. catalog offers no lookup by code inside a
// transaction, so this reads the tables directly: assets through org's scope condition like
// every other list of unit data, units and people bureau-wide as catalog looks them up (the
// lead department and a group's members may be anywhere in the bureau).
func loadExisting(ctx context.Context, q store.Querier, p org.Principal, wb *Workbook) (*existing, error) {
	scope := p.Scope
	ex := &existing{units: map[string]dbUnit{}, people: map[string]dbPerson{}, assets: map[string]*dbAsset{},
		taken: map[string]catalog.Kind{}, members: map[int64][]dbMember{}}
	var unitCodes, personCodes, assetCodes []string
	for _, s := range assetSheets {
		for _, r := range wb.Assets(s) {
			unitCodes = append(unitCodes, r.Get(s, ColUnit), r.Get(s, ColLead))
			personCodes = append(personCodes, r.Get(s, ColOwner))
			assetCodes = append(assetCodes, r.Get(s, ColCode))
			if s == Apps {
				for _, c := range splitCell(r.Get(s, ColSharesWith)) {
					assetCodes = append(assetCodes, sheet.Clean(c))
				}
			}
		}
	}
	for _, r := range wb.Members {
		personCodes = append(personCodes, r.PersonCode)
		assetCodes = append(assetCodes, r.GroupCode)
	}
	err := inChunks(unitCodes, func(in string, args []any) error {
		return query(ctx, q, `SELECT id, code, path FROM units WHERE code IN (`+in+`)`, args, func(rows *sql.Rows) error {
			var u dbUnit
			var code, path string
			if err := rows.Scan(&u.id, &code, &path); err != nil {
				return err
			}
			u.inScope = scope.Contains(path)
			ex.units[code] = u
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("catalogio: read units: %w", err)
	}
	err = inChunks(personCodes, func(in string, args []any) error {
		return query(ctx, q, `SELECT id, code, status FROM people WHERE code IN (`+in+`)`, args, func(rows *sql.Rows) error {
			var x dbPerson
			var code, status string
			if err := rows.Scan(&x.id, &code, &status); err != nil {
				return err
			}
			x.active = status == org.Active
			ex.people[code] = x
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("catalogio: read people: %w", err)
	}
	err = inChunks(assetCodes, func(in string, args []any) error {
		return query(ctx, q, `SELECT code, kind FROM assets WHERE code IN (`+in+`)`, args, func(rows *sql.Rows) error {
			var code string
			var kind catalog.Kind
			if err := rows.Scan(&code, &kind); err != nil {
				return err
			}
			ex.taken[code] = kind
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("catalogio: read asset codes: %w", err)
	}
	if err := ex.loadAssets(ctx, q, scope); err != nil {
		return nil, err
	}
	if p.UserID != 0 {
		err := q.QueryRowContext(ctx, `SELECT COALESCE(person_id, 0) FROM users WHERE id = $1`, p.UserID).Scan(&ex.self)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("catalogio: read user: %w", err)
		}
	}
	if err := ex.loadMembers(ctx, q, wb); err != nil {
		return nil, err
	}
	return ex, nil
}

// loadAssets reads, within scope, the stored assets among the codes taken.
func (ex *existing) loadAssets(ctx context.Context, q store.Querier, scope org.Scope) error {
	var codes []string
	for c := range ex.taken {
		codes = append(codes, c)
	}
	byID := map[int64]*dbAsset{}
	err := inChunks(codes, func(in string, args []any) error {
		w := &store.Where{}
		w.Add("a.code IN (?"+strings.Repeat(", ?", len(args)-1)+")", args...)
		scope.Filter(w, "u.path")
		return query(ctx, q, `SELECT a.id, a.code, a.kind, a.name, a.platform, u.code, COALESCE(l.code, ''), COALESCE(p.code, ''),
			COALESCE(a.owner_person_id, 0), a.purpose, a.functions, a.status, a.opened_on, a.notes
			FROM assets a JOIN units u ON u.id = a.unit_id LEFT JOIN units l ON l.id = a.lead_unit_id
			LEFT JOIN people p ON p.id = a.owner_person_id`+w.String(), w.Args, func(rows *sql.Rows) error {
			a := &dbAsset{}
			var functions string
			var opened sql.NullTime
			in := &a.in
			if err := rows.Scan(&a.id, &in.Code, &in.Kind, &in.Name, &in.Platform, &in.UnitCode, &in.LeadUnitCode, &in.OwnerCode,
				&a.owner, &in.Purpose, &functions, &a.status, &opened, &in.Notes); err != nil {
				return err
			}
			in.Functions = splitStored(functions)
			in.OpenedOn = dateOf(opened)
			in.Status = a.status
			switch in.Kind {
			case catalog.App:
				in.App = &catalog.AppDetails{}
			case catalog.Account:
				in.Account = &catalog.AccountDetails{}
			default:
				in.Group = &catalog.GroupDetails{}
			}
			ex.assets[in.Code] = a
			byID[a.id] = a
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("catalogio: read assets: %w", err)
	}
	ids := map[catalog.Kind][]int64{}
	for id, a := range byID {
		ids[a.in.Kind] = append(ids[a.in.Kind], id)
	}
	if err := idChunks(ids[catalog.App], func(in string, args []any) error {
		return query(ctx, q, `SELECT asset_id, target_users, target_count, mandatory, forced_features, emergency_use, feedback_channel,
			data_collected, mlps_level, mlps_assessed_on, vendor, yearly_cost, unified_login, shares_with, forms
			FROM app_details WHERE asset_id IN (`+in+`)`, args, func(rows *sql.Rows) error {
			var id int64
			var d catalog.AppDetails
			var feats, shares, forms string
			var assessed sql.NullTime
			if err := rows.Scan(&id, &d.TargetUsers, &d.TargetCount, &d.Mandatory, &feats, &d.EmergencyUse, &d.FeedbackChannel,
				&d.DataCollected, &d.MLPSLevel, &assessed, &d.Vendor, &d.YearlyCost, &d.UnifiedLogin, &shares, &forms); err != nil {
				return err
			}
			d.ForcedFeatures, d.SharesWith, d.Forms = splitStored(feats), splitStored(shares), splitStored(forms)
			d.MLPSAssessedOn = dateOf(assessed)
			*byID[id].in.App = d
			return nil
		})
	}); err != nil {
		return fmt.Errorf("catalogio: read app details: %w", err)
	}
	if err := idChunks(ids[catalog.Account], func(in string, args []any) error {
		return query(ctx, q, `SELECT asset_id, handle, filing_no, operator, followers, interaction, last_post_on
			FROM account_details WHERE asset_id IN (`+in+`)`, args, func(rows *sql.Rows) error {
			var id int64
			var d catalog.AccountDetails
			var last sql.NullTime
			if err := rows.Scan(&id, &d.Handle, &d.FilingNo, &d.Operator, &d.Followers, &d.Interaction, &last); err != nil {
				return err
			}
			d.LastPostOn = dateOf(last)
			*byID[id].in.Account = d
			return nil
		})
	}); err != nil {
		return fmt.Errorf("catalogio: read account details: %w", err)
	}
	if err := idChunks(ids[catalog.Group], func(in string, args []any) error {
		return query(ctx, q, `SELECT asset_id, temporary, task_end_on, approval_ref, member_count
			FROM group_details WHERE asset_id IN (`+in+`)`, args, func(rows *sql.Rows) error {
			var id int64
			var d catalog.GroupDetails
			var end sql.NullTime
			if err := rows.Scan(&id, &d.Temporary, &end, &d.ApprovalRef, &d.MemberCount); err != nil {
				return err
			}
			d.TaskEndOn = dateOf(end)
			*byID[id].in.Group = d
			byID[id].members = d.MemberCount
			return nil
		})
	}); err != nil {
		return fmt.Errorf("catalogio: read group details: %w", err)
	}
	return nil
}

// loadMembers reads the stored member lists of the in-scope groups the member sheet names.
func (ex *existing) loadMembers(ctx context.Context, q store.Querier, wb *Workbook) error {
	var ids []int64
	seen := map[int64]bool{}
	for _, r := range wb.Members {
		if a, ok := ex.assets[r.GroupCode]; ok && a.in.Kind == catalog.Group && !seen[a.id] {
			seen[a.id] = true
			ids = append(ids, a.id)
		}
	}
	err := idChunks(ids, func(in string, args []any) error {
		return query(ctx, q, `SELECT group_id, COALESCE(person_id, 0), external_name, role FROM group_members WHERE group_id IN (`+in+`)`,
			args, func(rows *sql.Rows) error {
				var g, person int64
				var name, role string
				if err := rows.Scan(&g, &person, &name, &role); err != nil {
					return err
				}
				key := externalKey(name)
				if person != 0 {
					key = personKey(person)
				}
				ex.members[g] = append(ex.members[g], dbMember{key: key, role: role})
				return nil
			})
	})
	if err != nil {
		return fmt.Errorf("catalogio: read members: %w", err)
	}
	return nil
}

func personKey(id int64) string      { return fmt.Sprintf("p:%d", id) }
func externalKey(name string) string { return "x:" + name }

// query runs a query and calls scan for each row.
func query(ctx context.Context, q store.Querier, sql string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// inChunks calls fn with placeholders ($1, $2, …) and arguments for each chunk of the distinct,
// non-empty codes. Codes that are not codes are left out: their rows fail the checks anyway,
// and PostgreSQL would reject a NUL byte with an error that aborts the import.
func inChunks(codes []string, fn func(placeholders string, args []any) error) error {
	seen := map[string]bool{}
	var list []any
	for _, c := range codes {
		if c == "" || seen[c] || !codeRE.MatchString(c) {
			continue
		}
		seen[c] = true
		list = append(list, c)
	}
	return chunks(list, fn)
}

func idChunks(ids []int64, fn func(placeholders string, args []any) error) error {
	list := make([]any, len(ids))
	for i, id := range ids {
		list[i] = id
	}
	return chunks(list, fn)
}

func chunks(list []any, fn func(placeholders string, args []any) error) error {
	for len(list) > 0 {
		n := min(len(list), codeChunk)
		ph := make([]string, n)
		for i := range ph {
			ph[i] = fmt.Sprintf("$%d", i+1)
		}
		if err := fn(strings.Join(ph, ","), list[:n]); err != nil {
			return err
		}
		list = list[n:]
	}
	return nil
}

// splitStored and dateOf read lists and dates as catalog stores them (one item per line; a
// DATE at midnight UTC).
func splitStored(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func dateOf(n sql.NullTime) catalog.Date {
	if !n.Valid {
		return catalog.Date{}
	}
	t := n.Time.UTC()
	return catalog.Date{Time: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
}
