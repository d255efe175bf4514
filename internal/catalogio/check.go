package catalogio

import (
	"fmt"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// assetItem is an asset row on its way into the database.
type assetItem struct {
	sheet Sheet
	AssetRow
	in     catalog.Input // the row's fields, absent columns filled from the stored asset
	status catalog.Status
	have   *dbAsset // the stored asset of this code, in scope; nil for a new one
	bad    bool     // an error was reported; the row is not applied
}

// memberItem is a member row on its way into the database.
type memberItem struct {
	MemberRow
	role   string
	person int64  // the member's person id, 0 for an outsider
	key    string // who the member is, for duplicates: "工号 1001" or "外部成员 张三"
	bad    bool
}

// storeKey is who the member is as group_members stores them.
func (it *memberItem) storeKey() string {
	if it.person != 0 {
		return personKey(it.person)
	}
	return externalKey(it.ExternalName)
}

func (it *memberItem) value(col string) string {
	switch col {
	case ColGroupCode:
		return it.GroupCode
	case ColPersonCode:
		return it.PersonCode
	case ColExternalName:
		return it.ExternalName
	case ColRole:
		return it.Role
	}
	return ""
}

// groupPlan is the member rows of one group, whose list the import replaces as a whole.
type groupPlan struct {
	code  string
	items []int // indexes into plan.members, in file order
	bad   int   // the first row with an error, 0 if none: then the list is not applied
	// changed: the rows differ from the stored list (always, for a group not stored yet).
	changed bool
}

// plan is a checked file: its rows with their inputs, and every problem found so far.
type plan struct {
	wb      *Workbook
	assets  []assetItem     // apps, accounts, then groups, each in file order
	byCode  map[string]int  // asset code → index, for codes that occur once in the file
	dups    map[string]bool // asset codes that occur more than once
	members []memberItem
	groups  []*groupPlan // in order of first appearance
	errors  []RowError
}

func (p *plan) failAsset(it *assetItem, col, msg string) {
	it.bad = true
	p.errors = append(p.errors, RowError{Sheet: it.sheet, Row: it.Row, Column: col, Value: it.Get(it.sheet, col), Message: msg})
}

func (p *plan) failMember(it *memberItem, col, msg string) {
	it.bad = true
	p.errors = append(p.errors, RowError{Sheet: Members, Row: it.Row, Column: col, Value: it.value(col), Message: msg})
}

// check validates the whole file against itself and against what the database holds (ex):
// fields, duplicate codes, references, statuses and member lists. It writes nothing; catalog
// checks again, and checks more, when the rows are applied.
func check(wb *Workbook, ex *existing) *plan {
	p := &plan{wb: wb, byCode: map[string]int{}}
	for _, s := range assetSheets {
		for _, r := range wb.Assets(s) {
			p.assets = append(p.assets, assetItem{sheet: s, AssetRow: r})
			p.checkAsset(&p.assets[len(p.assets)-1])
		}
	}
	p.dups = sheet.Duplicates(len(p.assets), func(i int) string { return p.assets[i].in.Code }, func(i, other int, first bool) {
		it, o := &p.assets[i], &p.assets[other]
		where := fmt.Sprintf("第 %d 行", o.Row)
		if o.sheet != it.sheet {
			where = o.sheet.Label() + "表" + where
		}
		if first {
			p.failAsset(it, ColCode, "编码 "+it.in.Code+" 在文件中重复,另见"+where)
		} else {
			p.failAsset(it, ColCode, "编码 "+it.in.Code+" 与"+where+"重复")
		}
	})
	for i, it := range p.assets {
		if it.in.Code != "" && !p.dups[it.in.Code] {
			p.byCode[it.in.Code] = i
		}
	}
	for i := range p.assets {
		p.checkRefs(&p.assets[i], ex)
	}
	p.groupBy(wb, ex)
	for i := range p.assets {
		p.complete(&p.assets[i])
	}
	return p
}

// checkAsset checks one asset row by itself and builds its input.
func (p *plan) checkAsset(it *assetItem) {
	s := it.sheet
	it.in = catalog.Input{Kind: s.Kind()}
	switch s {
	case Apps:
		it.in.App = &catalog.AppDetails{}
	case Accounts:
		it.in.Account = &catalog.AccountDetails{Interaction: true}
	case Groups:
		it.in.Group = &catalog.GroupDetails{}
	}
	for j, col := range columns[s] {
		if col.exportOnly || !p.wb.HasColumn(s, col.name) {
			continue
		}
		v := it.cells[j]
		if msg := sheet.BadText(v, col.multiline); msg != "" {
			p.failAsset(it, col.name, col.name+msg)
			continue
		}
		if col.name == ColStatus {
			if v != "" {
				st, err := catalog.ParseStatus(v)
				if err != nil {
					p.failAsset(it, ColStatus, "状态“"+v+"”无效,新登记的资产应填 在用 或 申请中,已有资产请留空或填写其当前状态")
				}
				it.status = st
			}
			continue
		}
		if msg := col.set(&it.in, v); msg != "" {
			p.failAsset(it, col.name, msg)
		}
	}
}

// checkRefs checks what one asset row names against the file and the database.
func (p *plan) checkRefs(it *assetItem, ex *existing) {
	s, in := it.sheet, &it.in
	if codeRE.MatchString(in.Code) {
		if kind, ok := ex.taken[in.Code]; ok {
			have, inScope := ex.assets[in.Code]
			switch {
			case !inScope:
				p.failAsset(it, ColCode, "编码 "+in.Code+" 已被其他资产使用(或该资产不在您的管辖范围内)")
			case kind != s.Kind():
				p.failAsset(it, ColCode, "编码 "+in.Code+" 在系统中是"+kind.Short()+",不能作为"+s.Label()+"导入(资产类型不能修改)")
			default:
				it.have = have
			}
		}
	}
	if c := in.UnitCode; codeRE.MatchString(c) {
		if u, ok := ex.units[c]; !ok || !u.inScope {
			p.failAsset(it, ColUnit, "所属单位编码 "+c+" 不存在或不在您的管辖范围内")
		}
	}
	if c := in.LeadUnitCode; codeRE.MatchString(c) {
		if _, ok := ex.units[c]; !ok {
			p.failAsset(it, ColLead, "牵头处室编码 "+c+" 不存在")
		}
	}
	if c := in.OwnerCode; codeRE.MatchString(c) {
		p.checkOwner(it, ex, ColOwner, c)
	}
	if it.have != nil {
		if it.status != "" && it.status != it.have.status {
			p.failAsset(it, ColStatus, fmt.Sprintf("状态不能通过导入修改(系统中为“%s”,文件中为“%s”):启用、整改、下线、合并请在资产页面通过状态变更办理;导入时此列请留空或填写当前状态",
				it.have.status.Label(s.Kind()), it.Get(s, ColStatus)))
		}
	} else if it.status != "" && it.status != catalog.Active && it.status != catalog.Applying {
		p.failAsset(it, ColStatus, "新登记的资产状态只能是 在用 或 申请中;其他状态请登记后在资产页面通过状态变更办理")
	}
	if s == Apps {
		for _, c := range in.App.SharesWith {
			if msg := checkRef(ColSharesWith, c, false); msg != "" {
				p.failAsset(it, ColSharesWith, msg)
				continue
			}
			if c == in.Code {
				p.failAsset(it, ColSharesWith, "共享数据的应用不能是本应用自己("+c+")")
				continue
			}
			if i, ok := p.byCode[c]; ok && p.assets[i].sheet == Apps || ex.taken[c] == catalog.App {
				continue
			}
			p.failAsset(it, ColSharesWith, "共享数据的应用 "+c+" 不在清单中(应填应用的编码)")
		}
	}
}

// checkOwner checks a responsible person: they must exist, and be in post unless they already
// are this asset's responsible person.
func (p *plan) checkOwner(it *assetItem, ex *existing, col, code string) {
	x, ok := ex.people[code]
	switch {
	case !ok:
		p.failAsset(it, col, "责任人工号 "+code+" 不在人员名录中")
	case !x.active && (it.have == nil || it.have.in.OwnerCode != code):
		p.failAsset(it, col, "责任人 "+code+" 已调离,请指定在职人员")
	}
}

// complete fills the columns the file does not have: a stored asset keeps its values, a new one
// gets the defaults. An existing asset also keeps its lead department when the cell is empty,
// since that assignment is the bureau's and a blank in a unit's file should not undo it.
func (p *plan) complete(it *assetItem) {
	s := it.sheet
	for _, col := range columns[s] {
		if col.exportOnly || col.name == ColStatus || p.wb.HasColumn(s, col.name) {
			continue
		}
		v := ""
		if it.have != nil {
			v = col.get(&it.have.in)
		}
		col.set(&it.in, v)
	}
	if it.have != nil && it.in.LeadUnitCode == "" {
		it.in.LeadUnitCode = it.have.in.LeadUnitCode
	}
	if it.status == "" {
		it.status = catalog.Active
		if it.have != nil {
			it.status = it.have.status
		}
	}
	it.in.Status = it.status
	if g := it.in.Group; g != nil && !g.Temporary && !g.TaskEndOn.IsZero() && !it.bad {
		p.failAsset(it, ColTaskEnd, "只有临时群组才有任务结束日期;请把“临时群组”填为 是,或清空任务结束日期")
	}
}

// groupBy checks the member rows, each by itself and against the others of its group.
func (p *plan) groupBy(wb *Workbook, ex *existing) {
	byGroup := map[string]*groupPlan{}
	for _, r := range wb.Members {
		p.members = append(p.members, memberItem{MemberRow: r})
		i := len(p.members) - 1
		it := &p.members[i]
		p.checkMember(it, ex)
		if it.GroupCode == "" {
			continue
		}
		g := byGroup[it.GroupCode]
		if g == nil {
			g = &groupPlan{code: it.GroupCode}
			byGroup[it.GroupCode] = g
			p.groups = append(p.groups, g)
		}
		g.items = append(g.items, i)
	}
	for _, g := range p.groups {
		p.checkGroup(g, ex)
	}
}

// checkMember checks one member row by itself and the group and person it names.
func (p *plan) checkMember(it *memberItem, ex *existing) {
	for _, col := range memberColumns {
		if msg := sheet.BadText(it.value(col.name), false); msg != "" {
			p.failMember(it, col.name, col.name+msg)
		}
	}
	if it.bad {
		return
	}
	if msg := checkRef(ColGroupCode, it.GroupCode, true); msg != "" {
		p.failMember(it, ColGroupCode, msg)
	} else {
		p.checkGroupRef(it, ex)
	}
	role, err := catalog.ParseMemberRole(it.Role)
	if err != nil {
		p.failMember(it, ColRole, "角色“"+it.Role+"”无效,应为 群主、管理员 或 成员(留空为成员)")
	}
	it.role = role
	code, name := it.PersonCode, it.ExternalName
	switch {
	case code == "" && name == "":
		p.failMember(it, ColPersonCode, "请填写工号(本单位人员)或外部成员姓名(外部成员)")
	case code != "" && name != "":
		p.failMember(it, ColExternalName, "工号和外部成员姓名只能填一个:本单位人员填工号,外部成员只填姓名")
	case code != "":
		it.key = "工号 " + code
		if msg := checkRef(ColPersonCode, code, true); msg != "" {
			p.failMember(it, ColPersonCode, msg)
		} else if x, ok := ex.people[code]; ok {
			it.person = x.id
		} else {
			p.failMember(it, ColPersonCode, "工号 "+code+" 不在人员名录中;外部成员请只填外部成员姓名")
		}
	default:
		it.key = "外部成员 " + name
		if msg := checkLen(ColExternalName, name, maxPerson, true); msg != "" {
			p.failMember(it, ColExternalName, msg)
		}
		if role == catalog.RoleOwner {
			p.failMember(it, ColRole, "群主须是本单位人员(谁建群谁负责),外部成员不能做群主")
		}
	}
}

// checkGroupRef checks that a member row's group is a group of the file or of the caller's
// scope.
func (p *plan) checkGroupRef(it *memberItem, ex *existing) {
	c := it.GroupCode
	if i, ok := p.byCode[c]; ok {
		if g := p.assets[i]; g.sheet != Groups {
			p.failMember(it, ColGroupCode, fmt.Sprintf("编码 %s 是%s表第 %d 行的%s,不是群组", c, g.sheet.Label(), g.Row, g.sheet.Label()))
		}
		return
	}
	if p.dups[c] {
		return // a code repeated in the file: its rows are refused, and these rows with them
	}
	if a, ok := ex.assets[c]; ok {
		if a.in.Kind != catalog.Group {
			p.failMember(it, ColGroupCode, "编码 "+c+" 是"+a.in.Kind.Short()+",不是群组")
		}
		return
	}
	p.failMember(it, ColGroupCode, "群组编码 "+c+" 在本文件和系统中都不存在,或不在您的管辖范围内")
}

// checkGroup checks a group's rows against each other, as catalog.SetMembersTx checks a list:
// no member twice, at most one 群主, at most catalog.MaxMembers. It then compares the rows with
// the stored list and matches the 群主 with the group row's 责任人工号 (see matchOwner).
func (p *plan) checkGroup(g *groupPlan, ex *existing) {
	if len(g.items) > catalog.MaxMembers {
		it := &p.members[g.items[catalog.MaxMembers]]
		p.failMember(it, ColGroupCode, fmt.Sprintf("群组 %s 的成员超过 %d 人", g.code, catalog.MaxMembers))
	}
	sheet.Duplicates(len(g.items), func(i int) string { return p.members[g.items[i]].key }, func(i, other int, first bool) {
		it, o := &p.members[g.items[i]], &p.members[g.items[other]]
		col := ColPersonCode
		if it.PersonCode == "" {
			col = ColExternalName
		}
		if first {
			p.failMember(it, col, fmt.Sprintf("%s在群组 %s 中重复,另见第 %d 行", it.key, g.code, o.Row))
		} else {
			p.failMember(it, col, fmt.Sprintf("%s在群组 %s 中与第 %d 行重复", it.key, g.code, o.Row))
		}
	})
	var owners []*memberItem
	for _, i := range g.items {
		if it := &p.members[i]; it.role == catalog.RoleOwner && it.PersonCode != "" {
			owners = append(owners, it)
		}
	}
	if len(owners) > 1 {
		var rows []string
		for _, o := range owners {
			rows = append(rows, fmt.Sprint(o.Row))
		}
		for _, o := range owners {
			p.failMember(o, ColRole, "一个群组只能有一位群主:第 "+strings.Join(rows, "、")+" 行都填了群主")
		}
	}
	for _, i := range g.items {
		if p.members[i].bad {
			g.bad = p.members[i].Row
			break
		}
	}
	if g.bad == 0 {
		g.changed = p.listChanged(g, ex)
	}
	if len(owners) == 1 && !owners[0].bad {
		o := owners[0]
		if g.changed && !ex.people[o.PersonCode].active {
			// As catalog.SetMembersTx, and as for any responsible person.
			p.failMember(o, ColRole, "群主 "+o.PersonCode+" 已调离,请指定在职人员")
		} else if i, ok := p.byCode[g.code]; ok && p.assets[i].sheet == Groups {
			p.matchOwner(&p.assets[i], o, ex, g.changed)
		}
		if o.bad {
			g.bad = o.Row
		}
	}
}

// listChanged reports whether a group's rows differ from its stored member list (a group not
// stored yet has none).
func (p *plan) listChanged(g *groupPlan, ex *existing) bool {
	a, ok := ex.assets[g.code]
	if !ok || a.in.Kind != catalog.Group {
		return true
	}
	old := ex.members[a.id]
	if len(old) != len(g.items) {
		return true
	}
	roles := make(map[string]string, len(old))
	for _, m := range old {
		roles[m.key] = m.role
	}
	for _, i := range g.items {
		it := &p.members[i]
		if r, ok := roles[it.storeKey()]; !ok || r != it.role {
			return true
		}
	}
	return false
}

// matchOwner reconciles a group row's 责任人工号 with its 群主. An empty 责任人工号 is taken
// from the 群主 (otherwise importing the file again would clear the owner each time and the
// member list set it back). The two may differ while the list stays as stored (catalog lets the
// responsible person change without touching member roles, and an export shows both), but a
// list that is written makes its 群主 the responsible person, so then the row must agree.
func (p *plan) matchOwner(it *assetItem, owner *memberItem, ex *existing, listChanges bool) {
	code := owner.PersonCode
	switch {
	case !p.wb.HasColumn(Groups, ColOwner):
		// The stored responsible person is kept, and the member list then sets the owner.
	case it.in.OwnerCode == "":
		it.in.OwnerCode = code
		if x := ex.people[code]; !x.active && (it.have == nil || it.have.in.OwnerCode != code) {
			p.failMember(owner, ColRole, "群主 "+code+" 已调离,请指定在职人员")
		}
	case it.in.OwnerCode != code && listChanges:
		p.failMember(owner, ColRole, fmt.Sprintf("群主 %s 与群组表第 %d 行的责任人工号 %s 不一致;群主就是群组的责任人", code, it.Row, it.in.OwnerCode))
	}
}
