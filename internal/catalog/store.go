package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/audit"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// Store is the inventory's data access.
type Store struct {
	DB *store.DB
}

const assetCols = `a.id, a.code, a.kind, a.name, a.platform, a.unit_id, u.code, u.name, u.path,
	COALESCE(a.lead_unit_id, 0), COALESCE(l.name, ''), COALESCE(a.owner_person_id, 0), COALESCE(p.code, ''), COALESCE(p.name, ''),
	a.purpose, a.functions, a.status, COALESCE(a.merged_into_id, 0), COALESCE(m.name, ''), a.opened_on, a.closed_on, a.notes,
	a.needs_attest, a.attested_at, a.attested_by, a.created_at, a.updated_at`

const assetFrom = ` FROM assets a JOIN units u ON u.id = a.unit_id LEFT JOIN units l ON l.id = a.lead_unit_id
	LEFT JOIN people p ON p.id = a.owner_person_id LEFT JOIN assets m ON m.id = a.merged_into_id`

func scanAsset(s interface{ Scan(...any) error }) (Asset, error) {
	var a Asset
	var functions string
	var opened, closed, attested sql.NullTime
	err := s.Scan(&a.ID, &a.Code, &a.Kind, &a.Name, &a.Platform, &a.UnitID, &a.UnitCode, &a.UnitName, &a.UnitPath,
		&a.LeadUnitID, &a.LeadUnitName, &a.OwnerPersonID, &a.OwnerCode, &a.OwnerName,
		&a.Purpose, &functions, &a.Status, &a.MergedIntoID, &a.MergedIntoName, &opened, &closed, &a.Notes,
		&a.NeedsAttest, &attested, &a.AttestedBy, &a.CreatedAt, &a.UpdatedAt)
	a.Functions = splitStored(functions)
	a.OpenedOn, a.ClosedOn = dateOf(opened), dateOf(closed)
	if attested.Valid {
		a.AttestedAt = attested.Time.UTC()
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

// page reads one page of assets and the total. A text search cannot use an index, so its total
// comes with the page (a window count) and the table is scanned once rather than twice; without
// one, the list walks the sort index and stops at the page, and a separate count is cheaper than
// the window count, which would visit every row.
func (s *Store) page(ctx context.Context, w *store.Where, order string, pg org.Page, search bool) ([]Asset, int, error) {
	countArgs := append([]any(nil), w.Args...)
	cols := assetCols
	if search {
		cols += ", count(*) OVER ()"
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+cols+assetFrom+w.String()+` ORDER BY `+order+w.Page(pg.Limit, pg.Offset), w.Args...)
	if err != nil {
		return nil, 0, fmt.Errorf("catalog: list assets: %w", err)
	}
	var out []Asset
	total := 0
	for rows.Next() {
		var sc interface{ Scan(...any) error } = rows
		if search {
			sc = withTotal{rows, &total}
		}
		a, err := scanAsset(sc)
		if err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("catalog: read asset: %w", err)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if !search || len(out) == 0 {
		if err := s.DB.QueryRowContext(ctx, `SELECT count(*)`+assetFrom+w.String(), countArgs...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("catalog: count assets: %w", err)
		}
	}
	return out, total, nil
}

// withTotal scans an asset row that ends with a window count into the asset and the total.
type withTotal struct {
	rows  *sql.Rows
	total *int
}

func (w withTotal) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.total)...) }

// get reads one asset with its details, inside scope s; outside it the asset does not exist.
func get(ctx context.Context, q store.Querier, s org.Scope, col string, key any) (Asset, error) {
	w := &store.Where{}
	w.Add("a."+col+" = ?", key)
	s.Filter(w, "u.path")
	a, err := scanAsset(q.QueryRowContext(ctx, `SELECT `+assetCols+assetFrom+w.String(), w.Args...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.E(errs.NotFound, "资产不存在或不在您的管辖范围内")
	}
	if err != nil {
		return a, fmt.Errorf("catalog: read asset: %w", err)
	}
	list := []Asset{a}
	if err := loadDetails(ctx, q, list); err != nil {
		return a, err
	}
	return list[0], nil
}

// Get returns one asset by id.
func (s *Store) Get(ctx context.Context, p org.Principal, id int64) (Asset, error) {
	if err := p.Require(org.PermCatalogRead); err != nil {
		return Asset{}, err
	}
	return get(ctx, s.DB, p.Scope, "id", id)
}

// GetByCode returns one asset by its code.
func (s *Store) GetByCode(ctx context.Context, p org.Principal, code string) (Asset, error) {
	if err := p.Require(org.PermCatalogRead); err != nil {
		return Asset{}, err
	}
	return get(ctx, s.DB, p.Scope, "code", strings.TrimSpace(code))
}

// Filter selects assets for a list. Zero fields do not filter.
type Filter struct {
	Kind          Kind
	Platform      string
	Status        Status
	LiveOnly      bool   // 在用 and 整改中 only
	UnitID        int64  // the owning unit's subtree
	LeadUnitID    int64  // 牵头处室
	OwnerPersonID int64  // 责任人
	Q             string // substring of name, code, purpose or functions
	NeedsAttest   bool   // 待确认 only
	Forced        bool   // apps with forced-use features
	Temporary     bool   // temporary groups only
	NoOwner       bool   // no responsible person
	Sort          string // "name", "code", "unit", "updated" (newest first); default code
	org.Page
}

var sorts = map[string]string{
	"":        "a.code",
	"code":    "a.code",
	"name":    "a.name, a.code",
	"unit":    "u.path, a.code",
	"updated": "a.updated_at DESC, a.id DESC",
}

// List returns the assets in the caller's scope matching f, and how many match in all.
func (s *Store) List(ctx context.Context, p org.Principal, f Filter) ([]Asset, int, error) {
	if err := p.Require(org.PermCatalogRead); err != nil {
		return nil, 0, err
	}
	order, ok := sorts[f.Sort]
	if !ok {
		return nil, 0, errs.Field("sort", "排序方式无效")
	}
	w, err := s.where(ctx, p, f)
	if err != nil {
		return nil, 0, err
	}
	pg := f.Page.Norm()
	out, total, err := s.page(ctx, w, order, pg, f.Q != "")
	if err != nil {
		return nil, 0, err
	}
	return out, total, loadDetails(ctx, s.DB, out)
}

func (s *Store) where(ctx context.Context, p org.Principal, f Filter) (*store.Where, error) {
	w := &store.Where{}
	p.Scope.Filter(w, "u.path")
	if f.Kind != "" {
		w.Add("a.kind = ?", string(f.Kind))
	}
	if f.Platform != "" {
		w.Add("a.platform = ?", f.Platform)
	}
	if f.Status != "" {
		w.Add("a.status = ?", string(f.Status))
	}
	if f.LiveOnly {
		w.Add("a.status IN ('active', 'rectifying')")
	}
	if f.UnitID != 0 {
		var path string
		err := s.DB.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, f.UnitID).Scan(&path)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !p.Scope.Contains(path) {
			return nil, errs.Field("unit_id", "单位不存在或不在您的管辖范围内")
		}
		if err != nil {
			return nil, fmt.Errorf("catalog: read unit: %w", err)
		}
		w.Add(`u.path LIKE ? ESCAPE '\'`, store.EscapeLike(path)+"%")
	}
	if f.LeadUnitID != 0 {
		w.Add("a.lead_unit_id = ?", f.LeadUnitID)
	}
	if f.OwnerPersonID != 0 {
		w.Add("a.owner_person_id = ?", f.OwnerPersonID)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := store.Like(q)
		// lower() on every column: PostgreSQL's LIKE is case-sensitive, SQLite's is not for ASCII.
		w.Add(`(lower(a.name) LIKE lower(?) ESCAPE '\' OR lower(a.code) LIKE lower(?) ESCAPE '\'
			OR lower(a.purpose) LIKE lower(?) ESCAPE '\' OR lower(a.functions) LIKE lower(?) ESCAPE '\')`,
			like, like, like, like)
	}
	if f.NeedsAttest {
		w.Add("a.needs_attest = ?", true)
	}
	if f.Forced {
		w.Add("EXISTS (SELECT 1 FROM app_details d WHERE d.asset_id = a.id AND d.forced_features <> '')")
	}
	if f.Temporary {
		w.Add("EXISTS (SELECT 1 FROM group_details d WHERE d.asset_id = a.id AND d.temporary = ?)", true)
	}
	if f.NoOwner {
		w.Add("a.owner_person_id IS NULL")
	}
	return w, nil
}

// loadDetails reads the kind-specific fields of the listed assets, one query per kind.
func loadDetails(ctx context.Context, q store.Querier, list []Asset) error {
	idx := map[int64]int{}
	ids := map[Kind][]any{}
	for i, a := range list {
		idx[a.ID] = i
		ids[a.Kind] = append(ids[a.Kind], a.ID)
	}
	for kind, keys := range ids {
		ph := make([]string, len(keys))
		for i := range keys {
			ph[i] = fmt.Sprintf("$%d", i+1)
		}
		in := "(" + strings.Join(ph, ",") + ")"
		var query string
		switch kind {
		case App:
			query = `SELECT asset_id, target_users, target_count, mandatory, forced_features, emergency_use, feedback_channel, data_collected,
				mlps_level, mlps_assessed_on, vendor, yearly_cost, unified_login, shares_with, forms FROM app_details WHERE asset_id IN ` + in
		case Account:
			query = `SELECT asset_id, handle, filing_no, operator, followers, interaction, last_post_on FROM account_details WHERE asset_id IN ` + in
		case Group:
			query = `SELECT asset_id, temporary, task_end_on, approval_ref, member_count FROM group_details WHERE asset_id IN ` + in
		}
		rows, err := q.QueryContext(ctx, query, keys...)
		if err != nil {
			return fmt.Errorf("catalog: read %s details: %w", kind, err)
		}
		for rows.Next() {
			var id int64
			if err := scanDetails(rows, kind, &id, list, idx); err != nil {
				rows.Close()
				return fmt.Errorf("catalog: read %s details: %w", kind, err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func scanDetails(rows *sql.Rows, kind Kind, id *int64, list []Asset, idx map[int64]int) error {
	switch kind {
	case App:
		var d AppDetails
		var feats, shares, forms string
		var assessed sql.NullTime
		if err := rows.Scan(id, &d.TargetUsers, &d.TargetCount, &d.Mandatory, &feats, &d.EmergencyUse, &d.FeedbackChannel, &d.DataCollected,
			&d.MLPSLevel, &assessed, &d.Vendor, &d.YearlyCost, &d.UnifiedLogin, &shares, &forms); err != nil {
			return err
		}
		d.ForcedFeatures, d.SharesWith, d.Forms = splitStored(feats), splitStored(shares), splitStored(forms)
		d.MLPSAssessedOn = dateOf(assessed)
		list[idx[*id]].App = &d
	case Account:
		var d AccountDetails
		var last sql.NullTime
		if err := rows.Scan(id, &d.Handle, &d.FilingNo, &d.Operator, &d.Followers, &d.Interaction, &last); err != nil {
			return err
		}
		d.LastPostOn = dateOf(last)
		list[idx[*id]].Account = &d
	case Group:
		var d GroupDetails
		var end sql.NullTime
		if err := rows.Scan(id, &d.Temporary, &end, &d.ApprovalRef, &d.MemberCount); err != nil {
			return err
		}
		d.TaskEndOn = dateOf(end)
		list[idx[*id]].Group = &d
	}
	return nil
}

// Create records an asset in a unit of the caller's scope.
func (s *Store) Create(ctx context.Context, p org.Principal, in Input) (Asset, error) {
	var a Asset
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = CreateTx(ctx, tx, p, in)
		return err
	})
	return a, err
}

// CreateTx is Create inside the caller's transaction (imports, filings).
func CreateTx(ctx context.Context, tx store.Querier, p org.Principal, in Input) (Asset, error) {
	if err := p.Require(org.PermCatalogWrite); err != nil {
		return Asset{}, err
	}
	if err := in.normalize(); err != nil {
		return Asset{}, err
	}
	refs, err := resolveRefs(ctx, tx, p, &in)
	if err != nil {
		return Asset{}, err
	}
	now := store.Now()
	attestedAt, attestedBy := refs.attested(now, p)
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO assets (code, kind, name, platform, unit_id, lead_unit_id, owner_person_id, purpose, functions,
		status, opened_on, notes, needs_attest, attested_at, attested_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, COALESCE($15, ''), $16, $16) RETURNING id`,
		in.Code, string(in.Kind), in.Name, in.Platform, in.UnitID, store.NullID(in.LeadUnitID), store.NullID(in.OwnerPersonID), in.Purpose,
		joinList(in.Functions), string(in.Status), in.OpenedOn.value(), in.Notes, !refs.callerIsOwner, attestedAt, attestedBy, now).Scan(&id)
	if store.IsUnique(err) {
		return Asset{}, errs.Field("code", "编码 "+in.Code+" 已被其他资产使用")
	}
	if err != nil {
		return Asset{}, fmt.Errorf("catalog: insert asset: %w", err)
	}
	if err := writeDetails(ctx, tx, id, in, true); err != nil {
		return Asset{}, err
	}
	a, err := get(ctx, tx, org.Scope{All: true}, "id", id)
	if err != nil {
		return a, err
	}
	if err := event(ctx, tx, p, id, "create", "", string(a.Status), ""); err != nil {
		return a, err
	}
	return a, audit.Record(ctx, tx, p.Actor(), "create", "asset", fmt.Sprint(id), nil, a)
}

type refs struct {
	callerIsOwner bool
}

// attested is what a write records as the last confirmation: the owner entering or editing
// their own record confirms it (else the next MarkDue would flag it at once); anyone else's
// write keeps the previous one (nil, nil).
func (r refs) attested(now time.Time, p org.Principal) (at, by any) {
	if r.callerIsOwner {
		return now, p.Name
	}
	return nil, nil
}

// resolveRefs turns codes into ids, checks that the owning unit is in scope and that the people
// exist, and fills the lead department from the kind when not given (群组 → 办公室, 应用 →
// 信息通信处, 公众号 → 新闻宣传处, as the seed plan assigns them).
func resolveRefs(ctx context.Context, q store.Querier, p org.Principal, in *Input) (refs, error) {
	var r refs
	unit, err := unitRef(ctx, q, p.Scope, "unit_id", "所属单位", in.UnitID, in.UnitCode, true)
	if err != nil {
		return r, err
	}
	in.UnitID = unit
	lead, err := unitRef(ctx, q, org.Scope{All: true}, "lead_unit_id", "牵头处室", in.LeadUnitID, in.LeadUnitCode, false)
	if err != nil {
		return r, err
	}
	if lead == 0 {
		lead, err = defaultLead(ctx, q, in.Kind)
		if err != nil {
			return r, err
		}
	}
	in.LeadUnitID = lead
	if in.OwnerPersonID != 0 || strings.TrimSpace(in.OwnerCode) != "" {
		col, key := "id", any(in.OwnerPersonID)
		if in.OwnerPersonID == 0 {
			col, key = "code", strings.TrimSpace(in.OwnerCode)
		}
		// The responsible person may belong to another unit (a 支队 officer owning a 大队's
		// group), so people are looked up bureau-wide; only the asset's unit is scoped.
		var status string
		err := q.QueryRowContext(ctx, `SELECT id, status FROM people WHERE `+col+` = $1`, key).Scan(&in.OwnerPersonID, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return r, errs.Field("owner_person_id", "责任人不存在")
		}
		if err != nil {
			return r, fmt.Errorf("catalog: read person: %w", err)
		}
		if status != org.Active {
			return r, errs.Field("owner_person_id", "责任人已调离,请指定在职人员")
		}
	}
	r.callerIsOwner, err = callerIs(ctx, q, p, in.OwnerPersonID)
	return r, err
}

// callerIs reports whether p's login is linked to person.
func callerIs(ctx context.Context, q store.Querier, p org.Principal, person int64) (bool, error) {
	if person == 0 || p.UserID == 0 {
		return false, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = $1 AND person_id = $2`, p.UserID, person).Scan(&n); err != nil {
		return false, fmt.Errorf("catalog: check owner: %w", err)
	}
	return n > 0, nil
}

func unitRef(ctx context.Context, q store.Querier, s org.Scope, field, label string, id int64, code string, required bool) (int64, error) {
	code = strings.TrimSpace(code)
	if id == 0 && code == "" {
		if required {
			return 0, errs.Field(field, "请选择"+label)
		}
		return 0, nil
	}
	w := &store.Where{}
	if id != 0 {
		w.Add("id = ?", id)
	} else {
		w.Add("code = ?", code)
	}
	s.Filter(w, "path")
	var got int64
	err := q.QueryRowContext(ctx, `SELECT id FROM units`+w.String(), w.Args...).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.Field(field, label+"不存在或不在您的管辖范围内")
	}
	if err != nil {
		return 0, fmt.Errorf("catalog: read unit: %w", err)
	}
	return got, nil
}

var leadByKind = map[Kind]string{Group: "办公室", App: "信息通信处", Account: "新闻宣传处"}

func defaultLead(ctx context.Context, q store.Querier, k Kind) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT d.id FROM units d JOIN units r ON r.id = d.parent_id
		WHERE r.parent_id IS NULL AND d.kind = 'department' AND d.name = $1 ORDER BY d.id LIMIT 1`, leadByKind[k]).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("catalog: find lead department: %w", err)
	}
	return id, nil
}

func writeDetails(ctx context.Context, q store.Querier, id int64, in Input, insert bool) error {
	var err error
	switch in.Kind {
	case App:
		d := in.App
		if insert {
			_, err = q.ExecContext(ctx, `INSERT INTO app_details (asset_id) VALUES ($1)`, id)
			if err != nil {
				break
			}
		}
		_, err = q.ExecContext(ctx, `UPDATE app_details SET target_users = $1, target_count = $2, mandatory = $3, forced_features = $4,
			emergency_use = $5, feedback_channel = $6, data_collected = $7, mlps_level = $8, mlps_assessed_on = $9, vendor = $10,
			yearly_cost = $11, unified_login = $12, shares_with = $13, forms = $14 WHERE asset_id = $15`,
			d.TargetUsers, d.TargetCount, d.Mandatory, joinList(d.ForcedFeatures), d.EmergencyUse, d.FeedbackChannel, d.DataCollected,
			d.MLPSLevel, d.MLPSAssessedOn.value(), d.Vendor, d.YearlyCost, d.UnifiedLogin, joinList(d.SharesWith), joinList(d.Forms), id)
	case Account:
		d := in.Account
		if insert {
			_, err = q.ExecContext(ctx, `INSERT INTO account_details (asset_id) VALUES ($1)`, id)
			if err != nil {
				break
			}
		}
		_, err = q.ExecContext(ctx, `UPDATE account_details SET handle = $1, filing_no = $2, operator = $3, followers = $4, interaction = $5,
			last_post_on = $6 WHERE asset_id = $7`, d.Handle, d.FilingNo, d.Operator, d.Followers, d.Interaction, d.LastPostOn.value(), id)
	case Group:
		d := in.Group
		if insert {
			_, err = q.ExecContext(ctx, `INSERT INTO group_details (asset_id) VALUES ($1)`, id)
			if err != nil {
				break
			}
		}
		// member_count is maintained by the member functions, never set from input.
		_, err = q.ExecContext(ctx, `UPDATE group_details SET temporary = $1, task_end_on = $2, approval_ref = $3 WHERE asset_id = $4`,
			d.Temporary, d.TaskEndOn.value(), d.ApprovalRef, id)
	}
	if err != nil {
		return fmt.Errorf("catalog: write %s details: %w", in.Kind, err)
	}
	return nil
}

// Update changes an asset's fields (not its kind or status). An edit by anyone other than the
// responsible person marks the record 待确认 for the owner.
func (s *Store) Update(ctx context.Context, p org.Principal, id int64, in Input) (Asset, error) {
	var a Asset
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = UpdateTx(ctx, tx, p, id, in)
		return err
	})
	return a, err
}

// UpdateTx is Update inside the caller's transaction.
func UpdateTx(ctx context.Context, tx store.Querier, p org.Principal, id int64, in Input) (Asset, error) {
	if err := p.Require(org.PermCatalogWrite); err != nil {
		return Asset{}, err
	}
	before, err := get(ctx, tx, p.Scope, "id", id)
	if err != nil {
		return Asset{}, err
	}
	if in.Kind == "" {
		in.Kind = before.Kind
	}
	// Compare kinds, not spellings: imports say 群组 for group.
	if k, err := ParseKind(string(in.Kind)); err != nil || k != before.Kind {
		return Asset{}, errs.Field("kind", "资产类型不能修改")
	}
	in.Status = Active // normalize checks creation statuses; the stored status is kept below
	if err := in.normalize(); err != nil {
		return Asset{}, err
	}
	if before.Status == Applying {
		if busy, err := underReview(ctx, tx, id); err != nil || busy {
			return Asset{}, first(err, errUnderReview)
		}
	}
	if !before.Status.Live() && before.Status != Applying {
		return Asset{}, errs.E(errs.Conflict, "该资产"+before.StatusLabel()+",不能再修改")
	}
	r, err := resolveRefs(ctx, tx, p, &in)
	if err != nil {
		return Asset{}, err
	}
	if err := lock(ctx, tx, before); err != nil {
		return Asset{}, err
	}
	now := store.Now()
	attestedAt, attestedBy := r.attested(now, p)
	_, err = tx.ExecContext(ctx, `UPDATE assets SET code = $1, name = $2, platform = $3, unit_id = $4, lead_unit_id = $5, owner_person_id = $6,
		purpose = $7, functions = $8, opened_on = $9, notes = $10, needs_attest = $11, updated_at = $12,
		attested_at = COALESCE($13, attested_at), attested_by = COALESCE($14, attested_by) WHERE id = $15`,
		in.Code, in.Name, in.Platform, in.UnitID, store.NullID(in.LeadUnitID), store.NullID(in.OwnerPersonID), in.Purpose, joinList(in.Functions),
		in.OpenedOn.value(), in.Notes, !r.callerIsOwner, now, attestedAt, attestedBy, id)
	if store.IsUnique(err) {
		return Asset{}, errs.Field("code", "编码 "+in.Code+" 已被其他资产使用")
	}
	if err != nil {
		return Asset{}, fmt.Errorf("catalog: update asset: %w", err)
	}
	if err := writeDetails(ctx, tx, id, in, false); err != nil {
		return Asset{}, err
	}
	after, err := get(ctx, tx, org.Scope{All: true}, "id", id)
	if err != nil {
		return after, err
	}
	if err := event(ctx, tx, p, id, "update", "", "", ""); err != nil {
		return after, err
	}
	return after, audit.Record(ctx, tx, p.Actor(), "update", "asset", fmt.Sprint(id), before, after)
}

func event(ctx context.Context, q store.Querier, p org.Principal, id int64, action, from, to, reason string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO asset_events (asset_id, at, actor, action, from_status, to_status, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		id, store.Now(), p.Name, action, from, to, reason)
	if err != nil {
		return fmt.Errorf("catalog: record event: %w", err)
	}
	return nil
}
