package catalog

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

// Asset is one app, public account or work group.
type Asset struct {
	ID             int64     `json:"id"`
	Code           string    `json:"code"`
	Kind           Kind      `json:"kind"`
	Name           string    `json:"name"`
	Platform       string    `json:"platform"`
	UnitID         int64     `json:"unit_id"`
	UnitCode       string    `json:"unit_code"`
	UnitName       string    `json:"unit_name"`
	UnitPath       string    `json:"-"`
	LeadUnitID     int64     `json:"lead_unit_id,omitempty"`
	LeadUnitName   string    `json:"lead_unit_name,omitempty"`
	OwnerPersonID  int64     `json:"owner_person_id,omitempty"`
	OwnerCode      string    `json:"owner_code,omitempty"`
	OwnerName      string    `json:"owner_name,omitempty"`
	Purpose        string    `json:"purpose"`
	Functions      []string  `json:"functions"`
	Status         Status    `json:"status"`
	MergedIntoID   int64     `json:"merged_into_id,omitempty"`
	MergedIntoName string    `json:"merged_into_name,omitempty"`
	OpenedOn       Date      `json:"opened_on"`
	ClosedOn       Date      `json:"closed_on"`
	Notes          string    `json:"notes"`
	NeedsAttest    bool      `json:"needs_attest"`
	AttestedAt     time.Time `json:"attested_at,omitzero"`
	AttestedBy     string    `json:"attested_by,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`

	App     *AppDetails     `json:"app,omitempty"`
	Account *AccountDetails `json:"account,omitempty"`
	Group   *GroupDetails   `json:"group,omitempty"`
}

// StatusLabel is the asset's status in Chinese.
func (a Asset) StatusLabel() string { return a.Status.Label(a.Kind) }

// AppDetails are the fields only apps have; the rules APP-* read them.
type AppDetails struct {
	TargetUsers     string   `json:"target_users"`
	TargetCount     int      `json:"target_count"`
	Mandatory       bool     `json:"mandatory"`
	ForcedFeatures  []string `json:"forced_features"`
	EmergencyUse    bool     `json:"emergency_use"`
	FeedbackChannel bool     `json:"feedback_channel"`
	DataCollected   string   `json:"data_collected"`
	MLPSLevel       int      `json:"mlps_level"`
	MLPSAssessedOn  Date     `json:"mlps_assessed_on"`
	Vendor          string   `json:"vendor"`
	YearlyCost      int64    `json:"yearly_cost"`
	UnifiedLogin    bool     `json:"unified_login"`
	SharesWith      []string `json:"shares_with"`
	Forms           []string `json:"forms"`
}

// AccountDetails are the fields only public accounts have.
type AccountDetails struct {
	Handle      string `json:"handle"`
	FilingNo    string `json:"filing_no"`
	Operator    string `json:"operator"`
	Followers   int    `json:"followers"`
	Interaction bool   `json:"interaction"`
	LastPostOn  Date   `json:"last_post_on"`
}

// GroupDetails are the fields only work groups have. The owner (群主) is the asset's
// responsible person; MemberCount is kept up to date with the member list.
type GroupDetails struct {
	Temporary   bool   `json:"temporary"`
	TaskEndOn   Date   `json:"task_end_on"`
	ApprovalRef string `json:"approval_ref"`
	MemberCount int    `json:"member_count"`
}

// Input is what a caller may set on an asset. Units and people may be named by id or code
// (imports speak in codes). Status is set only at creation (default 在用 for records of
// existing assets; filings start 申请中) and afterwards only through Transition and Merge.
type Input struct {
	Code          string          `json:"code"`
	Kind          Kind            `json:"kind"`
	Name          string          `json:"name"`
	Platform      string          `json:"platform"`
	UnitID        int64           `json:"unit_id"`
	UnitCode      string          `json:"unit_code,omitempty"`
	LeadUnitID    int64           `json:"lead_unit_id"`
	LeadUnitCode  string          `json:"lead_unit_code,omitempty"`
	OwnerPersonID int64           `json:"owner_person_id"`
	OwnerCode     string          `json:"owner_code,omitempty"`
	Purpose       string          `json:"purpose"`
	Functions     []string        `json:"functions"`
	Status        Status          `json:"status,omitempty"`
	OpenedOn      Date            `json:"opened_on"`
	Notes         string          `json:"notes"`
	App           *AppDetails     `json:"app,omitempty"`
	Account       *AccountDetails `json:"account,omitempty"`
	Group         *GroupDetails   `json:"group,omitempty"`
}

// Limits on free text, generous for real descriptions, small enough to keep pages and exports
// sane.
const (
	maxName    = 100
	maxText    = 2000
	maxListLen = 100
)

func (in *Input) normalize() error {
	in.Code = strings.TrimSpace(in.Code)
	in.Name = strings.TrimSpace(in.Name)
	in.Purpose = strings.TrimSpace(in.Purpose)
	in.Notes = strings.TrimSpace(in.Notes)
	k, err := ParseKind(string(in.Kind))
	if err != nil {
		return err
	}
	in.Kind = k
	if err := checkCode(in.Code); err != nil {
		return err
	}
	if in.Platform, err = checkPlatform(k, in.Platform); err != nil {
		return err
	}
	for _, f := range []struct {
		field, label, v string
		max             int
		required        bool
	}{
		{"name", "名称", in.Name, maxName, true},
		{"purpose", "用途", in.Purpose, maxText, false},
		{"notes", "备注", in.Notes, maxText, false},
	} {
		if err := checkText(f.field, f.label, f.v, f.max, f.required, f.field != "name"); err != nil {
			return err
		}
	}
	if in.Functions, err = cleanList("functions", "功能", in.Functions); err != nil {
		return err
	}
	if in.Status == "" {
		in.Status = Active
	}
	if in.Status, err = ParseStatus(string(in.Status)); err != nil {
		return err
	}
	if in.Status != Active && in.Status != Applying {
		return errs.Field("status", "新登记的资产只能是 在用 或 申请中;其他状态请通过状态变更")
	}
	if err := in.OpenedOn.check("opened_on"); err != nil {
		return err
	}
	switch k {
	case App:
		in.Account, in.Group = nil, nil
		if in.App == nil {
			in.App = &AppDetails{}
		}
		return in.App.normalize()
	case Account:
		in.App, in.Group = nil, nil
		if in.Account == nil {
			in.Account = &AccountDetails{Interaction: true}
		}
		return in.Account.normalize()
	default:
		in.App, in.Account = nil, nil
		if in.Group == nil {
			in.Group = &GroupDetails{}
		}
		return in.Group.normalize()
	}
}

func (d *AppDetails) normalize() error {
	var err error
	if d.TargetCount < 0 || d.TargetCount > 10_000_000 {
		return errs.Field("target_count", "目标用户数应在 0 到 10000000 之间")
	}
	if d.MLPSLevel < 0 || d.MLPSLevel > 4 {
		return errs.Field("mlps_level", "等保级别应为 0(未定级)到 4")
	}
	if d.YearlyCost < 0 || d.YearlyCost > 1_000_000_000 {
		return errs.Field("yearly_cost", "年度费用应在 0 到 10 亿元之间")
	}
	if err := d.MLPSAssessedOn.check("mlps_assessed_on"); err != nil {
		return err
	}
	var feats []string
	seen := map[string]bool{}
	for _, f := range d.ForcedFeatures {
		if strings.TrimSpace(f) == "" {
			continue
		}
		code, ok := parseFeature(f)
		if !ok {
			return errs.Field("forced_features", "未知的强制使用功能:"+f)
		}
		if !seen[code] {
			seen[code] = true
			feats = append(feats, code)
		}
	}
	d.ForcedFeatures = feats
	for _, f := range []struct {
		field, label string
		v            *string
	}{
		{"target_users", "目标用户", &d.TargetUsers}, {"data_collected", "收集的数据", &d.DataCollected}, {"vendor", "开发运维单位", &d.Vendor},
	} {
		*f.v = strings.TrimSpace(*f.v)
		if err := checkText(f.field, f.label, *f.v, maxText, false, true); err != nil {
			return err
		}
	}
	if d.SharesWith, err = cleanList("shares_with", "共享数据的应用", d.SharesWith); err != nil {
		return err
	}
	for _, code := range d.SharesWith {
		if checkCode(code) != nil {
			return errs.Field("shares_with", "共享数据的应用请填写资产编码:“"+code+"”不是编码")
		}
	}
	d.Forms, err = cleanList("forms", "填报表单", d.Forms)
	return err
}

func (d *AccountDetails) normalize() error {
	if d.Followers < 0 || d.Followers > 2_000_000_000 {
		return errs.Field("followers", "粉丝数应为非负整数")
	}
	if err := d.LastPostOn.check("last_post_on"); err != nil {
		return err
	}
	for _, f := range []struct {
		field, label string
		v            *string
	}{
		{"handle", "账号 ID", &d.Handle}, {"filing_no", "备案号", &d.FilingNo}, {"operator", "注册运营主体", &d.Operator},
	} {
		*f.v = strings.TrimSpace(*f.v)
		if err := checkText(f.field, f.label, *f.v, maxName, false, false); err != nil {
			return err
		}
	}
	return nil
}

func (d *GroupDetails) normalize() error {
	d.ApprovalRef = strings.TrimSpace(d.ApprovalRef)
	if err := checkText("approval_ref", "审批/备案文号", d.ApprovalRef, maxName, false, false); err != nil {
		return err
	}
	if !d.Temporary && !d.TaskEndOn.IsZero() {
		return errs.Field("task_end_on", "只有临时群组才有任务结束日期")
	}
	return d.TaskEndOn.check("task_end_on")
}

func checkCode(code string) error {
	if code == "" {
		return errs.Field("code", "编码不能为空")
	}
	if len(code) > 64 {
		return errs.Field("code", "编码不超过 64 个字符")
	}
	for i, r := range code {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || i > 0 && (r == '-' || r == '_' || r == '.')
		if !ok {
			return errs.Field("code", "编码只能由字母、数字和 _ . - 组成,且以字母或数字开头")
		}
	}
	return nil
}

// checkText validates free text; multiline allows line breaks (descriptions), never other
// control characters.
func checkText(field, label, s string, max int, required, multiline bool) error {
	if !utf8.ValidString(s) {
		return errs.Field(field, label+"含有无效字符")
	}
	if required && s == "" {
		return errs.Field(field, label+"不能为空")
	}
	if utf8.RuneCountInString(s) > max {
		return errs.Field(field, label+"过长")
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r')) }) >= 0 {
		return errs.Field(field, label+"含有控制字符")
	}
	return nil
}

// cleanList trims the items, drops empty ones and duplicates, and checks each.
func cleanList(field, label string, in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		if err := checkText(field, label, s, maxName, false, false); err != nil {
			return nil, err
		}
		seen[s] = true
		out = append(out, s)
	}
	if len(out) > maxListLen {
		return nil, errs.Field(field, label+"最多 100 项")
	}
	return out, nil
}

// SplitList splits a cell or form field holding a list: one item per line, or separated by
// 、,,;; — how officials write lists in spreadsheets.
func SplitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == '、' || r == ',' || r == '\uff0c' || r == ';' || r == '\uff1b'
	})
}

func joinList(l []string) string { return strings.Join(l, "\n") }

func splitStored(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}
