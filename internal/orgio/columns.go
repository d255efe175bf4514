package orgio

import (
	"strings"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

// Kind says which table a sheet or a CSV file holds.
type Kind string

// The two kinds of table.
const (
	Units  Kind = "units"
	People Kind = "people"
)

// Kinds lists the kinds in the order they are imported and exported: units first, because
// people refer to them.
var Kinds = []Kind{Units, People}

// Label is the kind's Chinese name, which is also its XLSX sheet name.
func (k Kind) Label() string {
	switch k {
	case Units:
		return "单位"
	case People:
		return "人员"
	}
	return string(k)
}

// ParseKind accepts a kind's code or its Chinese name.
func ParseKind(s string) (Kind, error) {
	s = strings.TrimSpace(s)
	for _, k := range Kinds {
		if s == string(k) || s == k.Label() {
			return k, nil
		}
	}
	return "", errs.Field("kind", "未知的数据类型“"+s+"”,应为 单位 或 人员")
}

// The column headers. They are what the bureau's 台账 call the fields, and what a file must use.
const (
	ColUnitCode   = "单位编码"
	ColUnitName   = "单位名称"
	ColUnitKind   = "单位类型"
	ColParentCode = "上级单位编码"
	ColSortOrder  = "排序号"

	ColPersonCode = "工号"
	ColPersonName = "姓名"
	ColPersonUnit = "所属单位编码"
	ColPost       = "职务"
	ColStatus     = "状态"
	ColLeftOn     = "调离日期"
)

// column describes one header of a table.
type column struct {
	name     string
	field    string // the org input field whose errors concern this column
	required bool   // the header must be present (cells may still be optional, see Import)
	typ      cellType
	width    float64 // XLSX column width on export
}

var columns = map[Kind][]column{
	Units: {
		{ColUnitCode, "code", true, codeCell, 14},
		{ColUnitName, "name", true, textCell, 32},
		{ColUnitKind, "kind", true, textCell, 10},
		{ColParentCode, "parent_id", true, codeCell, 14},
		{ColSortOrder, "sort_order", false, numberCell, 8},
	},
	People: {
		{ColPersonCode, "code", true, codeCell, 12},
		{ColPersonName, "name", true, textCell, 12},
		{ColPersonUnit, "unit_id", true, codeCell, 14},
		{ColPost, "post", false, textCell, 20},
		{ColStatus, "status", false, textCell, 8},
		{ColLeftOn, "left_on", false, dateCell, 12},
	},
}

// columnNames lists a kind's headers in their canonical order, for messages.
func columnNames(k Kind) string {
	var s []string
	for _, c := range columns[k] {
		s = append(s, c.name)
	}
	return strings.Join(s, "、")
}

// lookupColumn finds a kind's column by header.
func lookupColumn(k Kind, name string) (column, bool) {
	for _, c := range columns[k] {
		if c.name == name {
			return c, true
		}
	}
	return column{}, false
}

// columnForField names the column an org error about field concerns, or "" if none does.
func columnForField(k Kind, field string) string {
	for _, c := range columns[k] {
		if c.field == field {
			return c.name
		}
	}
	return ""
}
