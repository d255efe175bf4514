package intake

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/textsim"
)

// Match is an existing asset similar to the one applied for, with the evidence a reviewer needs
// to judge it.
type Match struct {
	AssetID  int64          `json:"asset_id"`
	Code     string         `json:"code"`
	Name     string         `json:"name"`
	Kind     catalog.Kind   `json:"kind"`
	Platform string         `json:"platform"`
	UnitName string         `json:"unit_name"`
	Status   catalog.Status `json:"status"`
	// Score is the similarity in [0, 1]: the text similarity for apps; for accounts 1 when the
	// same unit already has an account on the platform, else the name similarity; for groups the
	// larger of member overlap and name/purpose similarity.
	Score float64 `json:"score"`
	// Blocking marks a likely duplicate (疑似重复): the score reaches intake.similar.block, or a
	// rule fires (ACC-DUP: same unit, same platform; GRP-DUP: Jaccard ≥ 0.8 or containment ≥
	// 0.9). Submitting is still allowed, since a human decides, but the request is flagged.
	Blocking bool `json:"blocking"`
	// Addressed reports that the applicant's answers on duplicates name this asset.
	Addressed bool     `json:"addressed"`
	Reasons   []string `json:"reasons"` // in Chinese, one finding each
	Evidence  Evidence `json:"evidence"`
	// Redacted is set when the matched group lies outside the caller's scope: its score and
	// overlap are shown, its name and unit are not.
	Redacted bool `json:"redacted,omitempty"`

	unitPath string
}

// Percent is the score as a whole percentage, for pages.
func (m Match) Percent() int { return int(m.Score*100 + 0.5) }

// StatusLabel is the matched asset's status in Chinese.
func (m Match) StatusLabel() string { return m.Status.Label(m.Kind) }

// Evidence is what a match rests on, as numbers and words.
type Evidence struct {
	// Apps: per-field text similarity and the words and forms both share.
	Name        float64  `json:"name,omitempty"`
	Purpose     float64  `json:"purpose,omitempty"`
	Functions   float64  `json:"functions,omitempty"`
	Forms       float64  `json:"forms,omitempty"`
	SharedTerms []string `json:"shared_terms,omitempty"`
	SharedForms []string `json:"shared_forms,omitempty"`
	// Accounts.
	SameUnit     bool `json:"same_unit,omitempty"`
	SamePlatform bool `json:"same_platform,omitempty"`
	SameHandle   bool `json:"same_handle,omitempty"`
	// Groups: members in common, the sizes of both groups, and the overlap measures of GRP-DUP.
	SharedMembers int     `json:"shared_members,omitempty"`
	Members       int     `json:"members,omitempty"`
	TheirMembers  int     `json:"their_members,omitempty"`
	Jaccard       float64 `json:"jaccard,omitempty"`
	Containment   float64 `json:"containment,omitempty"`
	Text          float64 `json:"text,omitempty"` // groups, accounts: name (and purpose) similarity
}

// MaxMatches is how many similar assets a search returns at most.
const MaxMatches = 10

// GRP-DUP thresholds (reference/rules.md): two groups are duplicates when their Jaccard index
// reaches GroupJaccard, or when the members of one (with at least minContained members; a
// two-person chat inside a large group is not a duplicate group) are GroupContainment inside the
// other.
const (
	GroupJaccard     = 0.8
	GroupContainment = 0.9
	minContained     = 3
)

// probe is what a search compares: the asset applied for, from a form or from the database.
type probe struct {
	kind      catalog.Kind
	self      int64 // the asset itself when it exists (resubmission), left out of the results
	doc       textsim.Doc
	platform  string
	unitID    int64
	handle    string
	persons   []int64
	externals []string
}

func (pr *probe) members() int { return len(pr.persons) + len(pr.externals) }

// Similar searches the inventory for assets like in, for the 查重 button before submitting; Submit
// runs the same search and keeps its result with the request.
//
//   - Apps are compared by text (name, purpose, functions, forms; internal/textsim) with every
//     live or applying app of the whole bureau, not only those in the caller's scope: the point of
//     the check is to stop a 支队 building what another 支队 already has. This is a deliberate
//     exception to scoping; a match shows only code, name, owning unit, status, score and the
//     shared words, never the rest of the record.
//   - Accounts: any live or applying account of the same unit on the same platform (ACC-DUP: 一个
//     单位原则上在同一平台只开设一个账号) or with the same account ID, and accounts on that platform
//     with a similar name. Public accounts are public, so the whole bureau is searched.
//   - Groups: live or applying groups that share members with the proposed list (Jaccard and
//     containment, GRP-DUP), bureau-wide because the same people are the point; and groups of the
//     same unit with a similar name or purpose. A matched group outside the caller's scope is
//     shown with its numbers but without its name or unit.
//
// Matches scoring at least intake.similar.min (default textsim.DefaultMin), and every rule hit,
// are returned best first, at most MaxMatches.
func (s *Service) Similar(ctx context.Context, p org.Principal, in catalog.Input, members []catalog.MemberInput) ([]Match, error) {
	if err := p.Require(org.PermCatalogRead); err != nil {
		return nil, err
	}
	c, err := loadConfig(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	pr, err := inputProbe(ctx, s.DB, p, in, members)
	if err != nil {
		return nil, err
	}
	ms, err := s.search(ctx, s.DB, pr, c)
	if err != nil {
		return nil, err
	}
	redact(p, ms)
	return ms, nil
}

func (s *Service) search(ctx context.Context, q store.Querier, pr probe, c config) ([]Match, error) {
	var ms []Match
	var err error
	switch pr.kind {
	case catalog.App:
		ms, err = s.similarApps(ctx, pr, c)
	case catalog.Account:
		ms, err = similarAccounts(ctx, q, pr, c)
	case catalog.Group:
		ms, err = similarGroups(ctx, q, pr, c)
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ms, func(a, b Match) int {
		if a.Blocking != b.Blocking {
			if a.Blocking {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.AssetID, b.AssetID)
	})
	if len(ms) > MaxMatches {
		ms = ms[:MaxMatches]
	}
	return ms, nil
}

// redact hides the identity of matched groups outside the caller's scope (DESIGN: nothing outside
// the scope may leak); apps and public accounts are the documented exception.
func redact(p org.Principal, ms []Match) {
	for i := range ms {
		m := &ms[i]
		if m.Kind == catalog.Group && !p.Scope.Contains(m.unitPath) {
			m.Code, m.Name, m.UnitName, m.Platform, m.Redacted = "", "管辖范围外的群组", "", "", true
			m.AssetID = 0
		}
	}
}

// inputProbe reads a form's input as a probe without validating it as catalog.CreateTx would:
// the 查重 button must work on a half-filled form. The unit, when given, must be in scope.
func inputProbe(ctx context.Context, q store.Querier, p org.Principal, in catalog.Input, members []catalog.MemberInput) (probe, error) {
	k, err := catalog.ParseKind(string(in.Kind))
	if err != nil {
		return probe{}, err
	}
	pr := probe{kind: k, platform: strings.TrimSpace(in.Platform)}
	for _, x := range catalog.Platforms[k] {
		if strings.EqualFold(pr.platform, x) {
			pr.platform = x
		}
	}
	pr.doc = textsim.Doc{Name: strings.TrimSpace(in.Name), Purpose: strings.TrimSpace(in.Purpose), Functions: in.Functions}
	if k == catalog.App && in.App != nil {
		pr.doc.Forms = in.App.Forms
	}
	if k == catalog.Account && in.Account != nil {
		pr.handle = strings.TrimSpace(in.Account.Handle)
	}
	if in.UnitID != 0 || strings.TrimSpace(in.UnitCode) != "" {
		w := &store.Where{}
		if in.UnitID != 0 {
			w.Add("id = ?", in.UnitID)
		} else {
			w.Add("code = ?", strings.TrimSpace(in.UnitCode))
		}
		p.Scope.Filter(w, "path")
		err := q.QueryRowContext(ctx, `SELECT id FROM units`+w.String(), w.Args...).Scan(&pr.unitID)
		if errors.Is(err, sql.ErrNoRows) {
			return pr, errs.Field("unit_id", "所属单位不存在或不在您的管辖范围内")
		}
		if err != nil {
			return pr, fmt.Errorf("intake: read unit: %w", err)
		}
	}
	if k == catalog.Group {
		if pr.persons, pr.externals, err = resolveMembers(ctx, q, members); err != nil {
			return pr, err
		}
	}
	return pr, nil
}

// assetProbe reads a stored asset (inside the caller's transaction) as a probe.
func assetProbe(ctx context.Context, q store.Querier, id int64) (probe, error) {
	pr := probe{self: id}
	var functions, forms string
	err := q.QueryRowContext(ctx, `SELECT a.kind, a.name, a.purpose, a.functions, a.platform, a.unit_id, COALESCE(d.forms, ''), COALESCE(c.handle, '')
		FROM assets a LEFT JOIN app_details d ON d.asset_id = a.id LEFT JOIN account_details c ON c.asset_id = a.id WHERE a.id = $1`, id).
		Scan(&pr.kind, &pr.doc.Name, &pr.doc.Purpose, &functions, &pr.platform, &pr.unitID, &forms, &pr.handle)
	if err != nil {
		return pr, fmt.Errorf("intake: read asset: %w", err)
	}
	pr.doc.ID, pr.doc.Functions, pr.doc.Forms = id, lines(functions), lines(forms)
	if pr.kind != catalog.Group {
		return pr, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(person_id, 0), external_name FROM group_members WHERE group_id = $1`, id)
	if err != nil {
		return pr, fmt.Errorf("intake: read members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var ext string
		if err := rows.Scan(&pid, &ext); err != nil {
			return pr, fmt.Errorf("intake: read members: %w", err)
		}
		if pid != 0 {
			pr.persons = append(pr.persons, pid)
		} else {
			pr.externals = append(pr.externals, ext)
		}
	}
	return pr, rows.Err()
}

// lines splits a list as the catalog stores it (one item per line).
func lines(s string) []string {
	var out []string
	for _, x := range strings.Split(s, "\n") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// chunk is how many values go into one IN list: well below both engines' parameter limits.
const chunk = 500

func placeholders(from, n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	b.WriteByte(')')
	return b.String()
}

// resolveMembers turns a member list into person ids (by 工号; unknown codes are skipped: the
// search is advisory, and SetMembers names them on submission) and outsiders' names.
func resolveMembers(ctx context.Context, q store.Querier, ms []catalog.MemberInput) ([]int64, []string, error) {
	var codes []any
	var exts []string
	seenC, seenX := map[string]bool{}, map[string]bool{}
	for _, m := range ms {
		code, ext := strings.TrimSpace(m.PersonCode), strings.TrimSpace(m.ExternalName)
		switch {
		case code != "" && !seenC[code]:
			seenC[code] = true
			codes = append(codes, code)
		case code == "" && ext != "" && !seenX[ext]:
			seenX[ext] = true
			exts = append(exts, ext)
		}
	}
	var ids []int64
	for len(codes) > 0 {
		part := codes[:min(chunk, len(codes))]
		codes = codes[len(part):]
		rows, err := q.QueryContext(ctx, `SELECT id FROM people WHERE code IN `+placeholders(1, len(part)), part...)
		if err != nil {
			return nil, nil, fmt.Errorf("intake: read people: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("intake: read people: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return ids, exts, nil
}

// appCache is the text index of the bureau's live and applying apps, with what a match shows.
type appCache struct {
	version string
	built   time.Time
	ix      *textsim.Index
	meta    map[int64]assetMeta
}

type assetMeta struct {
	code, name, platform, unitName, unitPath string
	status                                   catalog.Status
}

// cacheMaxAge bounds how long an index is trusted on its version alone: the version compares
// timestamps, and instances whose clocks disagree could write an older-looking change; a renamed
// unit, which the version does not see, shows under its new name after this long at most.
const cacheMaxAge = 5 * time.Minute

// appVersion is the newest updated_at of any app, live or not. Every catalog write to an app
// (create, edit, status change, merge) sets it to the time of the write, so any change to what
// the index holds moves it; assets are never deleted. With the index assets_kind_updated it is
// one seek (about 25 µs on SQLite) where counting the apps as well cost 20 times more.
func appVersion(ctx context.Context, q store.Querier) (string, error) {
	var at any
	if err := q.QueryRowContext(ctx, `SELECT max(updated_at) FROM assets WHERE kind = 'app'`).Scan(&at); err != nil {
		return "", fmt.Errorf("intake: read inventory version: %w", err)
	}
	if t, ok := at.(time.Time); ok {
		return t.UTC().Format(time.RFC3339Nano), nil
	}
	return fmt.Sprint(at), nil
}

// appIndex returns the cached index, rebuilding it when the inventory changed. It reads committed
// data through s.DB, never a caller's transaction, so an index can never hold a write that is
// later rolled back.
func (s *Service) appIndex(ctx context.Context) (*appCache, error) {
	v, err := appVersion(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.apps; c != nil && c.version == v && time.Since(c.built) < cacheMaxAge {
		return c, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT a.id, a.code, a.name, a.platform, a.purpose, a.functions, a.status, u.name, u.path, COALESCE(d.forms, '')
		FROM assets a JOIN units u ON u.id = a.unit_id LEFT JOIN app_details d ON d.asset_id = a.id
		WHERE a.kind = 'app' AND a.status IN ('active', 'rectifying', 'applying') ORDER BY a.id`)
	if err != nil {
		return nil, fmt.Errorf("intake: read apps: %w", err)
	}
	defer rows.Close()
	c := &appCache{version: v, built: time.Now(), meta: map[int64]assetMeta{}}
	var docs []textsim.Doc
	for rows.Next() {
		var d textsim.Doc
		var m assetMeta
		var functions, forms string
		if err := rows.Scan(&d.ID, &m.code, &d.Name, &m.platform, &d.Purpose, &functions, &m.status, &m.unitName, &m.unitPath, &forms); err != nil {
			return nil, fmt.Errorf("intake: read apps: %w", err)
		}
		d.Functions, d.Forms = lines(functions), lines(forms)
		m.name = d.Name
		docs = append(docs, d)
		c.meta[d.ID] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("intake: read apps: %w", err)
	}
	c.ix = textsim.NewIndex(docs)
	s.apps = c
	return c, nil
}

func (s *Service) similarApps(ctx context.Context, pr probe, c config) ([]Match, error) {
	ac, err := s.appIndex(ctx)
	if err != nil {
		return nil, err
	}
	q := pr.doc
	q.ID = pr.self // 0 for a new app: no indexed app has it
	var out []Match
	for _, t := range ac.ix.Search(q, MaxMatches, c.min) {
		meta := ac.meta[t.ID]
		m := Match{AssetID: t.ID, Code: meta.code, Name: meta.name, Kind: catalog.App, Platform: meta.platform, UnitName: meta.unitName,
			Status: meta.status, Score: t.Score, Blocking: t.Score >= c.block, unitPath: meta.unitPath,
			Evidence: Evidence{Name: t.Name, Purpose: t.Purpose, Functions: t.Functions, Forms: t.Forms,
				SharedTerms: t.SharedTerms, SharedForms: t.SharedForms}}
		var fields []string
		for _, f := range []struct {
			label string
			v     float64
		}{{"名称", t.Name}, {"用途", t.Purpose}, {"功能", t.Functions}, {"表单", t.Forms}} {
			if f.v > 0 {
				fields = append(fields, fmt.Sprintf("%s %s", f.label, pct(f.v)))
			}
		}
		r := "文本相似度 " + pct(t.Score)
		if len(fields) > 0 {
			r += "(" + strings.Join(fields, "、") + ")"
		}
		m.Reasons = append(m.Reasons, r)
		if len(t.SharedTerms) > 0 {
			m.Reasons = append(m.Reasons, "共同词语:"+strings.Join(t.SharedTerms, "、"))
		}
		if len(t.SharedForms) > 0 {
			m.Reasons = append(m.Reasons, "相同填报表单:"+strings.Join(t.SharedForms, "、")+"(重复填表报数,APP-REPEATFORMS)")
		}
		if m.Blocking {
			m.Reasons = append(m.Reasons, "达到疑似重复线 "+pct(c.block)+"(APP-SIMILAR:功能相似的应用应整合)")
		}
		out = append(out, m)
	}
	return out, nil
}

func pct(f float64) string { return fmt.Sprintf("%d%%", int(f*100+0.5)) }

// live is the statuses a duplicate may have: in use, or itself applying.
const live = `('active', 'rectifying', 'applying')`

func similarAccounts(ctx context.Context, q store.Querier, pr probe, c config) ([]Match, error) {
	w := &store.Where{}
	w.Add("a.kind = 'account' AND a.status IN " + live)
	w.Add("a.id <> ?", pr.self)
	if pr.platform != "" {
		w.Add("a.platform = ?", pr.platform)
	} else if pr.unitID != 0 {
		w.Add("a.unit_id = ?", pr.unitID)
	} else {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.code, a.name, a.platform, a.unit_id, u.name, u.path, a.status, COALESCE(d.handle, '')
		FROM assets a JOIN units u ON u.id = a.unit_id LEFT JOIN account_details d ON d.asset_id = a.id`+w.String()+` ORDER BY a.id`, w.Args...)
	if err != nil {
		return nil, fmt.Errorf("intake: read accounts: %w", err)
	}
	type cand struct {
		Match
		unitID int64
		handle string
	}
	var cs []cand
	var docs []textsim.Doc
	for rows.Next() {
		var x cand
		x.Kind = catalog.Account
		if err := rows.Scan(&x.AssetID, &x.Code, &x.Name, &x.Platform, &x.unitID, &x.UnitName, &x.unitPath, &x.Status, &x.handle); err != nil {
			rows.Close()
			return nil, fmt.Errorf("intake: read accounts: %w", err)
		}
		cs = append(cs, x)
		docs = append(docs, textsim.Doc{ID: x.AssetID, Name: x.Name})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("intake: read accounts: %w", err)
	}
	names := map[int64]textsim.Match{}
	if pr.doc.Name != "" && len(docs) > 0 {
		for _, t := range textsim.NewIndex(docs).Search(textsim.Doc{Name: pr.doc.Name}, 0, c.min) {
			names[t.ID] = t
		}
	}
	var out []Match
	for _, x := range cs {
		m := x.Match
		ev := &m.Evidence
		ev.SamePlatform = pr.platform != "" && x.Platform == pr.platform
		ev.SameUnit = pr.unitID != 0 && x.unitID == pr.unitID
		ev.SameHandle = ev.SamePlatform && pr.handle != "" && strings.EqualFold(x.handle, pr.handle)
		if t, ok := names[x.AssetID]; ok {
			ev.Text, ev.SharedTerms = t.Score, t.SharedTerms
			m.Score = t.Score
			m.Reasons = append(m.Reasons, "名称相似度 "+pct(t.Score))
		}
		if ev.SameUnit && ev.SamePlatform {
			m.Score, m.Blocking = 1, true
			m.Reasons = append([]string{"本单位在" + x.Platform + "已有账号(ACC-DUP:一个单位原则上在同一平台只开设一个账号)"}, m.Reasons...)
		}
		if ev.SameHandle {
			m.Score, m.Blocking = 1, true
			m.Reasons = append([]string{"账号 ID“" + x.handle + "”已登记"}, m.Reasons...)
		}
		if ev.Text >= c.block {
			m.Blocking = true
		}
		if m.Blocking || m.Score >= c.min {
			out = append(out, m)
		}
	}
	return out, nil
}

func similarGroups(ctx context.Context, q store.Querier, pr probe, c config) ([]Match, error) {
	shared := map[int64]int{}
	count := func(cond string, vals []any) error {
		for len(vals) > 0 {
			part := vals[:min(chunk, len(vals))]
			vals = vals[len(part):]
			args := append([]any{pr.self}, part...)
			rows, err := q.QueryContext(ctx, `SELECT m.group_id, count(*) FROM group_members m JOIN assets a ON a.id = m.group_id
				WHERE a.kind = 'group' AND a.status IN `+live+` AND a.id <> $1 AND `+cond+placeholders(2, len(part))+` GROUP BY m.group_id`, args...)
			if err != nil {
				return fmt.Errorf("intake: count shared members: %w", err)
			}
			for rows.Next() {
				var g int64
				var n int
				if err := rows.Scan(&g, &n); err != nil {
					rows.Close()
					return fmt.Errorf("intake: count shared members: %w", err)
				}
				shared[g] += n
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	}
	var ids, names []any
	for _, id := range pr.persons {
		ids = append(ids, id)
	}
	for _, n := range pr.externals {
		names = append(names, n)
	}
	if err := count("m.person_id IN ", ids); err != nil {
		return nil, err
	}
	if err := count("m.person_id IS NULL AND m.external_name IN ", names); err != nil {
		return nil, err
	}

	// Name and purpose: groups of the same unit ("因同一工作重复组建"); across units, group names
	// follow one pattern (XX大队值班群) and their likeness means nothing.
	text := map[int64]textsim.Match{}
	if pr.unitID != 0 && (pr.doc.Name != "" || pr.doc.Purpose != "") {
		rows, err := q.QueryContext(ctx, `SELECT id, name, purpose FROM assets WHERE kind = 'group' AND status IN `+live+` AND id <> $1 AND unit_id = $2`,
			pr.self, pr.unitID)
		if err != nil {
			return nil, fmt.Errorf("intake: read groups: %w", err)
		}
		var docs []textsim.Doc
		for rows.Next() {
			var d textsim.Doc
			if err := rows.Scan(&d.ID, &d.Name, &d.Purpose); err != nil {
				rows.Close()
				return nil, fmt.Errorf("intake: read groups: %w", err)
			}
			docs = append(docs, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(docs) > 0 {
			for _, t := range textsim.NewIndex(docs).Search(textsim.Doc{Name: pr.doc.Name, Purpose: pr.doc.Purpose}, 0, c.min) {
				text[t.ID] = t
			}
		}
	}

	n := pr.members()
	var cand []any
	for g := range shared {
		cand = append(cand, g)
	}
	for g := range text {
		if _, ok := shared[g]; !ok {
			cand = append(cand, g)
		}
	}
	slices.SortFunc(cand, func(a, b any) int { return cmp.Compare(a.(int64), b.(int64)) })
	metas := map[int64]assetMeta{}
	sizes := map[int64]int{}
	for len(cand) > 0 {
		part := cand[:min(chunk, len(cand))]
		cand = cand[len(part):]
		rows, err := q.QueryContext(ctx, `SELECT a.id, a.code, a.name, a.platform, u.name, u.path, a.status, COALESCE(d.member_count, 0)
			FROM assets a JOIN units u ON u.id = a.unit_id LEFT JOIN group_details d ON d.asset_id = a.id WHERE a.id IN `+placeholders(1, len(part)), part...)
		if err != nil {
			return nil, fmt.Errorf("intake: read groups: %w", err)
		}
		for rows.Next() {
			var id int64
			var m assetMeta
			var size int
			if err := rows.Scan(&id, &m.code, &m.name, &m.platform, &m.unitName, &m.unitPath, &m.status, &size); err != nil {
				rows.Close()
				return nil, fmt.Errorf("intake: read groups: %w", err)
			}
			metas[id], sizes[id] = m, size
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var out []Match
	for id, meta := range metas {
		ev := Evidence{SharedMembers: shared[id], Members: n, TheirMembers: sizes[id]}
		if ev.SharedMembers > 0 {
			ev.Jaccard = min(1, float64(ev.SharedMembers)/float64(max(1, n+ev.TheirMembers-ev.SharedMembers)))
			if small := min(n, ev.TheirMembers); small >= minContained {
				ev.Containment = min(1, float64(ev.SharedMembers)/float64(small))
			}
		}
		if t, ok := text[id]; ok {
			ev.Text, ev.SharedTerms = t.Score, t.SharedTerms
		}
		m := Match{AssetID: id, Code: meta.code, Name: meta.name, Kind: catalog.Group, Platform: meta.platform, UnitName: meta.unitName,
			Status: meta.status, Evidence: ev, unitPath: meta.unitPath}
		// The overlap score is the Jaccard index, or the containment once it reaches the rule's
		// threshold (a small group wholly inside a big one has a low Jaccard and is still a
		// duplicate).
		overlap := ev.Jaccard
		if ev.Containment >= GroupContainment {
			overlap = max(overlap, ev.Containment)
		}
		m.Score = max(overlap, ev.Text)
		if ev.SharedMembers > 0 {
			m.Reasons = append(m.Reasons, fmt.Sprintf("共同成员 %d 人(本群 %d 人,该群 %d 人):Jaccard %s,包含度 %s",
				ev.SharedMembers, ev.Members, ev.TheirMembers, pct(ev.Jaccard), pct(ev.Containment)))
		}
		if ev.Jaccard >= GroupJaccard || ev.Containment >= GroupContainment {
			m.Blocking = true
			m.Reasons = append(m.Reasons, "成员高度重合(GRP-DUP:Jaccard ≥ 80%,或一个群 ≥ 90% 的成员在另一个群中)")
		}
		if ev.Text > 0 {
			r := "本单位群组名称/用途相似度 " + pct(ev.Text)
			if len(ev.SharedTerms) > 0 {
				r += ",共同词语:" + strings.Join(ev.SharedTerms, "、")
			}
			m.Reasons = append(m.Reasons, r)
			if ev.Text >= c.block {
				m.Blocking = true
			}
		}
		if m.Blocking || m.Score >= c.min {
			out = append(out, m)
		}
	}
	return out, nil
}
