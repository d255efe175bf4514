package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
)

// The inventory (清单): apps, public accounts and work groups, their members, lifecycle,
// merges, history and the owners' attestation. catalog checks permissions and scope; the
// handlers here read and validate the request and shape the answer.

// assetFlags are the list's quick filters, each setting one catalog.Filter field (the same
// keys as the web page's).
var assetFlags = map[string]func(f *catalog.Filter){
	"attest":    func(f *catalog.Filter) { f.NeedsAttest = true },
	"forced":    func(f *catalog.Filter) { f.Forced = true },
	"temporary": func(f *catalog.Filter) { f.Temporary = true },
	"noowner":   func(f *catalog.Filter) { f.NoOwner = true },
}

var assetSorts = map[string]bool{"": true, "code": true, "name": true, "unit": true, "updated": true}

func (a *API) listAssets(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	q, err := queryText(r, "q", 100)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	f := catalog.Filter{Q: q, Page: pg}
	if s := v.Get("kind"); s != "" {
		if f.Kind, err = catalog.ParseKind(s); err != nil {
			return errs.Field("kind", "参数 kind 应为 app(应用)、account(公众号)或 group(群组)")
		}
	}
	if f.Platform, err = queryPlatform(r, f.Kind); err != nil {
		return err
	}
	switch s := v.Get("status"); s {
	case "":
	case "live":
		f.LiveOnly = true
	default:
		if f.Status, err = catalog.ParseStatus(s); err != nil {
			return errs.Field("status", "参数 status 应为 live(在用和整改中)或 applying、active、rectifying、merged、retired、rejected")
		}
	}
	if s := v.Get("flag"); s != "" {
		set, ok := assetFlags[s]
		if !ok {
			return errs.Field("flag", "参数 flag 应为 attest(待确认)、forced(有强制使用功能)、temporary(临时群组)或 noowner(无责任人)")
		}
		set(&f)
	}
	if f.Sort = v.Get("sort"); !assetSorts[f.Sort] {
		return errs.Field("sort", "参数 sort 应为 code、name、unit 或 updated")
	}
	for _, id := range []struct {
		name string
		to   *int64
	}{{"unit_id", &f.UnitID}, {"lead_unit_id", &f.LeadUnitID}, {"owner_person_id", &f.OwnerPersonID}} {
		if *id.to, err = httpx.QueryID(r, id.name); err != nil {
			return err
		}
	}
	list, total, err := a.Catalog.List(r.Context(), principal(r), f)
	if err != nil {
		return err // an out-of-scope unit_id is already a 400 naming unit_id
	}
	writeList(w, list, total, pg)
	return nil
}

// queryPlatform reads the platform filter: one of the kind's platforms, or of any kind's when
// no kind is given, in its canonical spelling.
func queryPlatform(r *http.Request, k catalog.Kind) (string, error) {
	s := strings.TrimSpace(r.URL.Query().Get("platform"))
	if s == "" {
		return "", nil
	}
	kinds := catalog.Kinds
	if k != "" {
		kinds = []catalog.Kind{k}
	}
	var all []string
	for _, k := range kinds {
		for _, p := range catalog.Platforms[k] {
			if strings.EqualFold(s, p) {
				return p, nil
			}
			all = append(all, p)
		}
	}
	return "", errs.Field("platform", "参数 platform 不是可选平台:"+strings.Join(all, "、"))
}

func (a *API) getAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	as, err := a.Catalog.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, as)
	return nil
}

func (a *API) createAsset(w http.ResponseWriter, r *http.Request) error {
	var in catalog.Input
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	as, err := a.Catalog.Create(r.Context(), principal(r), in)
	if err != nil {
		return byCode(err, in)
	}
	writeCreated(w, fmt.Sprintf("%sassets/%d", Prefix, as.ID), as)
	return nil
}

func (a *API) updateAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in catalog.Input
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	// catalog keeps the stored status on update; a status in the body would be dropped without
	// a word, so it is refused instead.
	if in.Status != "" {
		return errs.Field("status", "修改时不能设置状态;请使用 POST /api/v1/assets/{id}/transition")
	}
	as, err := a.Catalog.Update(r.Context(), principal(r), id, in)
	if err != nil {
		return byCode(err, in)
	}
	httpx.WriteJSON(w, http.StatusOK, as)
	return nil
}

// byCode names the field the body used: catalog reports a bad unit or person under its id field
// also when the body named it by code.
func byCode(err error, in catalog.Input) error {
	for _, f := range []struct {
		id                       int64
		code, idField, codeField string
	}{
		{in.UnitID, in.UnitCode, "unit_id", "unit_code"},
		{in.LeadUnitID, in.LeadUnitCode, "lead_unit_id", "lead_unit_code"},
		{in.OwnerPersonID, in.OwnerCode, "owner_person_id", "owner_code"},
	} {
		if f.id == 0 && strings.TrimSpace(f.code) != "" {
			err = renameField(err, f.idField, f.codeField)
		}
	}
	return err
}

// transitionBody moves an asset along the state machine.
type transitionBody struct {
	To     string `json:"to"`
	Reason string `json:"reason"`
}

func (a *API) transitionAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in transitionBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	as, err := a.Catalog.Transition(r.Context(), principal(r), id, catalog.Status(in.To), in.Reason)
	if err != nil {
		// catalog calls the target status "status"; this body calls it "to".
		return renameField(err, "status", "to")
	}
	httpx.WriteJSON(w, http.StatusOK, as)
	return nil
}

// mergeBody names the target by id or by code, not both.
type mergeBody struct {
	Into     int64  `json:"into"`
	IntoCode string `json:"into_code"`
	Reason   string `json:"reason"`
}

// mergeView is catalog.MergeResult as the API writes it.
type mergeView struct {
	From         catalog.Asset `json:"from"`
	Into         catalog.Asset `json:"into"`
	MovedMembers int           `json:"moved_members"`
}

func (a *API) mergeAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in mergeBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	code := strings.TrimSpace(in.IntoCode)
	switch {
	case in.Into != 0 && code != "":
		return errs.Field("into", "into 与 into_code 只能填一个")
	case in.Into < 0:
		return errs.Field("into", "合并目标编号应为正整数")
	case in.Into == 0 && code == "":
		return errs.Field("into", "请指定合并目标:into(编号)或 into_code(编码)")
	}
	p := principal(r)
	into, field := in.Into, "into"
	if code != "" {
		// Merge checks this too, but only after the code has been looked up; checking first
		// keeps the answer 403 whatever the code names.
		if err := p.Require(org.PermCatalogReview); err != nil {
			return err
		}
		target, err := a.Catalog.GetByCode(r.Context(), p, code)
		if errs.Is(err, errs.NotFound) {
			return errs.Field("into_code", "合并目标 "+code+" 不存在或不在您的管辖范围内")
		}
		if err != nil {
			return err
		}
		into, field = target.ID, "into_code"
	}
	res, err := a.Catalog.Merge(r.Context(), p, id, into, in.Reason)
	if err != nil {
		return renameField(err, "into", field)
	}
	httpx.WriteJSON(w, http.StatusOK, mergeView{From: res.From, Into: res.Into, MovedMembers: res.MovedMembers})
	return nil
}

func (a *API) listMembers(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	members, total, err := a.Catalog.Members(r.Context(), principal(r), id, pg)
	if err != nil {
		return err
	}
	writeList(w, members, total, pg)
	return nil
}

// membersBody replaces a group's member list. Members is a pointer so that a body without it is
// refused rather than taken as "no members".
type membersBody struct {
	Members *[]catalog.MemberInput `json:"members"`
}

// countView answers SetMembers.
type countView struct {
	Count int `json:"count"`
}

func (a *API) setMembers(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in membersBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Members == nil {
		return errs.Field("members", "请提供成员名单 members(清空成员请传空数组)")
	}
	n, err := a.Catalog.SetMembers(r.Context(), principal(r), id, *in.Members)
	if err != nil {
		// A list of problems (第 N 项 …) concerns the members field; the items go to details.
		if l, ok := errs.ListOf(err); ok {
			msg := "成员名单有误"
			if e, ok := errs.As(err); ok {
				msg = e.Msg
			}
			return &errs.Error{Kind: errs.Invalid, Field: "members", Msg: msg, Err: l}
		}
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, countView{Count: n})
	return nil
}

// assetHistory lists the asset's events, newest first. catalog returns the whole history; it is
// paged here so that the answer has the shape of every other list.
func (a *API) assetHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	events, err := a.Catalog.Events(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	writeList(w, pageOf(events, pg), len(events), pg)
	return nil
}

// pageOf is the slice of all that pg selects.
func pageOf[T any](all []T, pg org.Page) []T {
	if pg.Offset >= len(all) {
		return nil
	}
	return all[pg.Offset:min(pg.Offset+pg.Limit, len(all))]
}

// pendingAttest lists the assets waiting for the caller's confirmation as their responsible
// person, whatever the caller's role or scope; a login linked to no person has none.
func (a *API) pendingAttest(w http.ResponseWriter, r *http.Request) error {
	pg, err := readPage(r)
	if err != nil {
		return err
	}
	c := caller(r)
	list, err := a.Catalog.Pending(r.Context(), c.Principal(), c.User.PersonID)
	if err != nil {
		return err
	}
	writeList(w, pageOf(list, pg), len(list), pg)
	return nil
}

// attestBody lists the assets to confirm.
type attestBody struct {
	IDs []int64 `json:"ids"`
}

// attestView answers Attest.
type attestView struct {
	Confirmed int `json:"confirmed"`
}

func (a *API) attest(w http.ResponseWriter, r *http.Request) error {
	var in attestBody
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	switch {
	case len(in.IDs) == 0:
		return errs.Field("ids", "请选择要确认的资产(ids 不能为空)")
	case len(in.IDs) > org.MaxPage:
		return errs.Field("ids", fmt.Sprintf("一次最多确认 %d 项", org.MaxPage))
	}
	seen := map[int64]int{}
	for i, id := range in.IDs {
		if id <= 0 {
			return errs.Field("ids", fmt.Sprintf("第 %d 项编号无效", i+1))
		}
		if j, dup := seen[id]; dup {
			return errs.Field("ids", fmt.Sprintf("第 %d 项与第 %d 项重复", i+1, j))
		}
		seen[id] = i + 1
	}
	c := caller(r)
	n, err := a.Catalog.Attest(r.Context(), c.Principal(), c.User.PersonID, in.IDs)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, attestView{Confirmed: n})
	return nil
}
