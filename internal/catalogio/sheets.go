package catalogio

import (
	"strings"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// Sheet names one table of an inventory file: a worksheet of an XLSX workbook, or one CSV file.
type Sheet string

// The four tables. The asset sheets come in import order; members last, because they name
// groups that the file may create.
const (
	Apps     Sheet = "apps"     // 应用
	Accounts Sheet = "accounts" // 公众号
	Groups   Sheet = "groups"   // 群组
	Members  Sheet = "members"  // 群成员
)

// Sheets lists the tables in import and export order.
var Sheets = []Sheet{Apps, Accounts, Groups, Members}

// assetSheets are the sheets that hold assets, in import order.
var assetSheets = []Sheet{Apps, Accounts, Groups}

// Label is the sheet's Chinese name, which is also its XLSX worksheet name.
func (s Sheet) Label() string {
	switch s {
	case Apps:
		return "应用"
	case Accounts:
		return "公众号"
	case Groups:
		return "群组"
	case Members:
		return "群成员"
	}
	return string(s)
}

// Kind is the kind of asset the sheet holds, "" for the member sheet.
func (s Sheet) Kind() catalog.Kind {
	switch s {
	case Apps:
		return catalog.App
	case Accounts:
		return catalog.Account
	case Groups:
		return catalog.Group
	}
	return ""
}

// SheetOf is the sheet that holds assets of kind k.
func SheetOf(k catalog.Kind) Sheet {
	switch k {
	case catalog.App:
		return Apps
	case catalog.Account:
		return Accounts
	}
	return Groups
}

// ParseSheet accepts a sheet's code, its Chinese name, or any name catalog.ParseKind accepts
// for the asset sheets.
func ParseSheet(s string) (Sheet, error) {
	s = strings.TrimSpace(s)
	for _, sh := range Sheets {
		if s == string(sh) || s == sh.Label() {
			return sh, nil
		}
	}
	switch s {
	case "member", "群组成员", "成员":
		return Members, nil
	}
	if k, err := catalog.ParseKind(s); err == nil {
		return SheetOf(k), nil
	}
	return "", errs.Field("sheet", "未知的表“"+s+"”,应为 应用、公众号、群组 或 群成员")
}

// sheetByName recognises a worksheet by its name: the sheet's own name, or a name that says
// what it holds, as 台账 name them ("政务应用程序清单", "工作群成员名单").
func sheetByName(name string) Sheet {
	name = sheet.Clean(name)
	for _, s := range Sheets {
		if name == s.Label() {
			return s
		}
	}
	switch {
	case strings.Contains(name, "成员"):
		return Members
	case strings.Contains(name, "公众号"), strings.Contains(name, "公众账号"), strings.Contains(name, "新媒体"):
		return Accounts
	case strings.Contains(name, "群"):
		return Groups
	case strings.Contains(name, "应用"):
		return Apps
	}
	return ""
}

// sheetByHeader recognises a worksheet by its header row: 群组编码 makes a member sheet; an
// asset sheet (编码) is told apart by the columns only its kind has. It returns "" when the row
// is not a header of ours, and ambiguous when it is an asset header with common columns only.
func sheetByHeader(header []string) (s Sheet, ambiguous bool) {
	has := map[string]bool{}
	for _, h := range header {
		has[headerKey(h)] = true
	}
	if has[headerKey(ColGroupCode)] {
		return Members, false
	}
	if !has[headerKey(ColCode)] {
		return "", false
	}
	for _, sh := range assetSheets {
		for _, c := range columns[sh] {
			if has[headerKey(c.name)] && !isCommon(c.name) {
				return sh, false
			}
		}
	}
	return "", true
}

func isCommon(name string) bool {
	for _, c := range common {
		if c.name == name {
			return true
		}
	}
	return false
}

// The column headers, as the bureau's 台账 name the fields. Files must use them (see
// headerKey for the spellings that count as the same).
const (
	ColCode      = "编码"
	ColName      = "名称"
	ColPlatform  = "平台"
	ColUnit      = "所属单位编码"
	ColLead      = "牵头处室编码"
	ColOwner     = "责任人工号"
	ColPurpose   = "用途"
	ColFunctions = "主要功能"
	ColStatus    = "状态"
	ColOpenedOn  = "启用日期"
	ColNotes     = "备注"

	ColTargetUsers  = "目标用户"
	ColTargetCount  = "目标用户数"
	ColMandatory    = "是否强制使用"
	ColForced       = "强制使用功能"
	ColEmergency    = "安保应急用途"
	ColFeedback     = "投诉建议渠道"
	ColData         = "收集的数据"
	ColMLPS         = "等保级别"
	ColMLPSOn       = "等保测评日期"
	ColVendor       = "开发运维单位"
	ColCost         = "年度费用(元)"
	ColUnifiedLogin = "统一身份认证"
	ColSharesWith   = "共享数据的应用"
	ColForms        = "填报表单"

	ColHandle      = "账号ID"
	ColFilingNo    = "备案号"
	ColOperator    = "注册运营主体"
	ColFollowers   = "粉丝数"
	ColInteraction = "互动功能"
	ColLastPost    = "最近发布日期"

	ColTemporary   = "临时群组"
	ColTaskEnd     = "任务结束日期"
	ColApproval    = "审批备案文号"
	ColMemberCount = "成员数"

	ColGroupCode    = "群组编码"
	ColPersonCode   = "工号"
	ColExternalName = "外部成员姓名"
	ColRole         = "角色"
)

// column describes one header of a table. get and set convert between a cell's text and the
// catalog.Input field the column stands for: get is what the export writes, set parses what the
// import reads (returning a message when the cell is invalid). Importing what get wrote gives
// the same input back, which is what makes an export re-import unchanged.
type column struct {
	name      string
	field     string // the catalog field whose errors concern this column
	required  bool   // the header must be present
	typ       cellType
	multiline bool // line breaks allowed (descriptions and lists)
	width     float64
	get       func(in *catalog.Input) string
	set       func(in *catalog.Input, v string) string
	// exportOnly columns (成员数) are written by the export and ignored by the import.
	exportOnly bool
}

// common are the columns every asset sheet has, in export order; 状态 is read and written
// apart from the other fields (see Import).
var common = []column{
	{name: ColCode, field: "code", required: true, typ: codeCell, width: 16,
		get: func(in *catalog.Input) string { return in.Code }, set: setCode},
	{name: ColName, field: "name", required: true, width: 28,
		get: func(in *catalog.Input) string { return in.Name },
		set: func(in *catalog.Input, v string) string { in.Name = v; return checkLen(ColName, v, maxName, true) }},
	{name: ColPlatform, field: "platform", required: true, width: 12,
		get: func(in *catalog.Input) string { return in.Platform }, set: setPlatform},
	{name: ColUnit, field: "unit_id", required: true, typ: codeCell, width: 14,
		get: func(in *catalog.Input) string { return in.UnitCode },
		set: func(in *catalog.Input, v string) string { in.UnitCode = v; return checkRef(ColUnit, v, true) }},
	{name: ColLead, field: "lead_unit_id", typ: codeCell, width: 14,
		get: func(in *catalog.Input) string { return in.LeadUnitCode },
		set: func(in *catalog.Input, v string) string { in.LeadUnitCode = v; return checkRef(ColLead, v, false) }},
	{name: ColOwner, field: "owner_person_id", typ: codeCell, width: 12,
		get: func(in *catalog.Input) string { return in.OwnerCode },
		set: func(in *catalog.Input, v string) string { in.OwnerCode = v; return checkRef(ColOwner, v, false) }},
	textColumn(ColPurpose, "purpose", 30, maxText, true, func(in *catalog.Input) *string { return &in.Purpose }),
	listColumn(ColFunctions, "functions", 30, func(in *catalog.Input) *[]string { return &in.Functions }),
	{name: ColStatus, field: "status", width: 10},
	dateColumn(ColOpenedOn, "opened_on", func(in *catalog.Input) *catalog.Date { return &in.OpenedOn }),
	textColumn(ColNotes, "notes", 24, maxText, true, func(in *catalog.Input) *string { return &in.Notes }),
}

func app(in *catalog.Input) *catalog.AppDetails         { return in.App }
func account(in *catalog.Input) *catalog.AccountDetails { return in.Account }
func group(in *catalog.Input) *catalog.GroupDetails     { return in.Group }

var appColumns = []column{
	textColumn(ColTargetUsers, "target_users", 20, maxText, true, func(in *catalog.Input) *string { return &app(in).TargetUsers }),
	intColumn(ColTargetCount, "target_count", 10_000_000,
		func(in *catalog.Input) int64 { return int64(app(in).TargetCount) }, func(in *catalog.Input, n int64) { app(in).TargetCount = int(n) }),
	boolColumn(ColMandatory, "mandatory", false, func(in *catalog.Input) *bool { return &app(in).Mandatory }),
	{name: ColForced, field: "forced_features", typ: listCell, multiline: true, width: 20, get: getFeatures, set: setFeatures},
	boolColumn(ColEmergency, "emergency_use", false, func(in *catalog.Input) *bool { return &app(in).EmergencyUse }),
	boolColumn(ColFeedback, "feedback_channel", false, func(in *catalog.Input) *bool { return &app(in).FeedbackChannel }),
	textColumn(ColData, "data_collected", 20, maxText, true, func(in *catalog.Input) *string { return &app(in).DataCollected }),
	{name: ColMLPS, field: "mlps_level", width: 10, get: getMLPS, set: setMLPS},
	dateColumn(ColMLPSOn, "mlps_assessed_on", func(in *catalog.Input) *catalog.Date { return &app(in).MLPSAssessedOn }),
	textColumn(ColVendor, "vendor", 20, maxText, true, func(in *catalog.Input) *string { return &app(in).Vendor }),
	intColumn(ColCost, "yearly_cost", 1_000_000_000,
		func(in *catalog.Input) int64 { return app(in).YearlyCost }, func(in *catalog.Input, n int64) { app(in).YearlyCost = n }),
	boolColumn(ColUnifiedLogin, "unified_login", false, func(in *catalog.Input) *bool { return &app(in).UnifiedLogin }),
	listColumn(ColSharesWith, "shares_with", 20, func(in *catalog.Input) *[]string { return &app(in).SharesWith }),
	listColumn(ColForms, "forms", 20, func(in *catalog.Input) *[]string { return &app(in).Forms }),
}

var accountColumns = []column{
	textColumn(ColHandle, "handle", 18, maxName, false, func(in *catalog.Input) *string { return &account(in).Handle }),
	textColumn(ColFilingNo, "filing_no", 18, maxName, false, func(in *catalog.Input) *string { return &account(in).FilingNo }),
	textColumn(ColOperator, "operator", 24, maxName, false, func(in *catalog.Input) *string { return &account(in).Operator }),
	intColumn(ColFollowers, "followers", 2_000_000_000,
		func(in *catalog.Input) int64 { return int64(account(in).Followers) }, func(in *catalog.Input, n int64) { account(in).Followers = int(n) }),
	boolColumn(ColInteraction, "interaction", true, func(in *catalog.Input) *bool { return &account(in).Interaction }),
	dateColumn(ColLastPost, "last_post_on", func(in *catalog.Input) *catalog.Date { return &account(in).LastPostOn }),
}

var groupColumns = []column{
	boolColumn(ColTemporary, "temporary", false, func(in *catalog.Input) *bool { return &group(in).Temporary }),
	dateColumn(ColTaskEnd, "task_end_on", func(in *catalog.Input) *catalog.Date { return &group(in).TaskEndOn }),
	textColumn(ColApproval, "approval_ref", 18, maxName, false, func(in *catalog.Input) *string { return &group(in).ApprovalRef }),
	{name: ColMemberCount, typ: numberCell, width: 8, exportOnly: true},
}

var memberColumns = []column{
	{name: ColGroupCode, required: true, typ: codeCell, width: 16},
	{name: ColPersonCode, typ: codeCell, width: 12},
	{name: ColExternalName, width: 14},
	{name: ColRole, width: 8},
}

// columns lists each sheet's columns in export order.
var columns = map[Sheet][]column{
	Apps:     concat(common, appColumns),
	Accounts: concat(common, accountColumns),
	Groups:   concat(common, groupColumns),
	Members:  memberColumns,
}

func concat(a, b []column) []column { return append(append([]column(nil), a...), b...) }

// columnIndex maps each sheet's header keys to column positions.
var columnIndex = func() map[Sheet]map[string]int {
	out := map[Sheet]map[string]int{}
	for s, cols := range columns {
		out[s] = map[string]int{}
		for i, c := range cols {
			out[s][headerKey(c.name)] = i
		}
	}
	return out
}()

// headerAliases are other spellings of a header that files in the wild use, by key.
var headerAliases = map[string]string{
	"帐号id": ColHandle, "年度费用": ColCost, "年度费用元": ColCost, "审批/备案文号": ColApproval, "审批文号": ColApproval,
	"成员工号": ColPersonCode, "外部成员": ColExternalName, "成员角色": ColRole,
}

// headerKey is how headers are compared: without spaces, with full-width brackets as ASCII and
// Latin letters in lower case, so "账号 ID", "账号id" and "年度费用(元)" all match.
func headerKey(s string) string {
	s = strings.ToLower(strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u3000', '\t':
			return -1
		case '（':
			return '('
		case '）':
			return ')'
		}
		return r
	}, s))
	if a, ok := headerAliases[s]; ok {
		return strings.ToLower(a)
	}
	return s
}

// lookupColumn finds a sheet's column by header.
func lookupColumn(s Sheet, header string) (int, bool) {
	i, ok := columnIndex[s][headerKey(header)]
	return i, ok
}

// columnNames lists a sheet's headers in their canonical order, for messages.
func columnNames(s Sheet) string {
	var out []string
	for _, c := range columns[s] {
		out = append(out, c.name)
	}
	return strings.Join(out, "、")
}

// columnForField names the column a catalog error about field concerns, or "" if none does.
func columnForField(s Sheet, field string) string {
	switch field {
	case "":
		return ""
	case "kind":
		return ColCode
	}
	for _, c := range columns[s] {
		if c.field == field {
			return c.name
		}
	}
	return ""
}
