package catalogio

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// catalog's limits on free text and lists (internal/catalog/asset.go), checked here too so
// that a file's problems are all reported before anything is written.
const (
	maxName    = 100
	maxText    = 2000
	maxListLen = 100
	maxPerson  = 50 // an outsider's name (catalog.SetMembersTx)
)

// codeRE is the shape of every code: asset codes (catalog), unit codes and 工号 (org).
var codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$`)

// checkLen reports an empty required value or one longer than max characters.
func checkLen(label, v string, max int, required bool) string {
	if v == "" {
		if required {
			return label + "不能为空"
		}
		return ""
	}
	if utf8.RuneCountInString(v) > max {
		return fmt.Sprintf("%s过长(不超过 %d 个字)", label, max)
	}
	return ""
}

// checkRef checks a cell that names something by code (a unit, a person, an asset).
func checkRef(label, v string, required bool) string {
	switch {
	case v == "":
		if required {
			return label + "不能为空"
		}
		return ""
	case sheet.LooksScientific(v):
		return "编码 " + v + " 是科学计数法,Excel 已截去其中的数字;请把该列设为“文本”格式,重新填写后再导入"
	case !codeRE.MatchString(v):
		return label + "“" + v + "”无效:编码只能由字母、数字和 _ . - 组成,以字母或数字开头,不超过 64 个字符"
	}
	return ""
}

func setCode(in *catalog.Input, v string) string {
	in.Code = v
	return checkRef(ColCode, v, true)
}

func setPlatform(in *catalog.Input, v string) string {
	if v == "" {
		in.Platform = ""
		return "平台不能为空"
	}
	for _, p := range catalog.Platforms[in.Kind] {
		if strings.EqualFold(v, p) {
			in.Platform = p
			return ""
		}
	}
	in.Platform = v
	return "平台“" + v + "”不在" + in.Kind.Short() + "的可选平台中:" + strings.Join(catalog.Platforms[in.Kind], "、")
}

func textColumn(name, field string, width float64, max int, multiline bool, ptr func(*catalog.Input) *string) column {
	return column{name: name, field: field, multiline: multiline, width: width,
		get: func(in *catalog.Input) string { return *ptr(in) },
		set: func(in *catalog.Input, v string) string { *ptr(in) = v; return checkLen(name, v, max, false) }}
}

func dateColumn(name, field string, ptr func(*catalog.Input) *catalog.Date) column {
	return column{name: name, field: field, typ: dateCell, width: 12,
		get: func(in *catalog.Input) string { return ptr(in).String() },
		set: func(in *catalog.Input, v string) string {
			*ptr(in) = catalog.Date{}
			if v == "" {
				return ""
			}
			s, ok := sheet.ParseDate(v)
			if !ok {
				return name + "“" + v + "”无效,应写成 2024-03-01 这样的日期(1949 至 2100 年)"
			}
			d, err := catalog.ParseDate(field, s)
			if err != nil {
				return name + "“" + v + "”无效,应写成 2024-03-01 这样的日期(1949 至 2100 年)"
			}
			*ptr(in) = d
			return ""
		}}
}

// boolColumn is a 是/否 column; an empty cell is the default, which is 否 except where catalog
// defaults otherwise (互动功能).
func boolColumn(name, field string, def bool, ptr func(*catalog.Input) *bool) column {
	return column{name: name, field: field, typ: boolCell, width: 10,
		get: func(in *catalog.Input) string { return yesNo(*ptr(in)) },
		set: func(in *catalog.Input, v string) string {
			b, ok := parseBool(v, def)
			*ptr(in) = b
			if !ok {
				return name + "“" + v + "”无效,应填 是 或 否"
			}
			return ""
		}}
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// parseBool reads 是/否 and the other ways a spreadsheet says yes or no; empty is def.
func parseBool(s string, def bool) (bool, bool) {
	switch strings.ToLower(s) {
	case "":
		return def, true
	case "是", "y", "yes", "true", "1", "√", "有":
		return true, true
	case "否", "n", "no", "false", "0", "×", "无":
		return false, true
	}
	return def, false
}

func intColumn(name, field string, max int64, get func(*catalog.Input) int64, set func(*catalog.Input, int64)) column {
	return column{name: name, field: field, typ: numberCell, width: 12,
		get: func(in *catalog.Input) string { return strconv.FormatInt(get(in), 10) },
		set: func(in *catalog.Input, v string) string {
			set(in, 0)
			if v == "" {
				return ""
			}
			n, ok := sheet.ParseInt(v)
			if !ok || n < 0 || n > max {
				return fmt.Sprintf("%s“%s”无效,应为 0 到 %d 之间的整数", name, v, max)
			}
			set(in, n)
			return ""
		}}
}

func listColumn(name, field string, width float64, ptr func(*catalog.Input) *[]string) column {
	return column{name: name, field: field, typ: listCell, multiline: true, width: width,
		get: func(in *catalog.Input) string { return joinList(*ptr(in)) },
		set: func(in *catalog.Input, v string) string {
			items, msg := parseList(name, v)
			*ptr(in) = items
			return msg
		}}
}

// joinList writes a list one item per line. A single item that holds a separator (a function
// named "统计、分析") gets a line break after it, so that it reads back as one item.
func joinList(items []string) string {
	s := strings.Join(items, "\n")
	if len(items) == 1 && len(catalog.SplitList(s)) != 1 {
		s += "\n"
	}
	return s
}

// splitCell splits a list cell. A cell with line breaks holds one item per line (so an item
// may itself contain 、 or a comma, as the export writes it); otherwise items are separated by
// 、,; as catalog.SplitList reads them.
func splitCell(v string) []string {
	if strings.ContainsAny(v, "\r\n") {
		return strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' })
	}
	return catalog.SplitList(v)
}

// parseList splits a list cell and cleans it the way catalog stores lists: items trimmed,
// empty items and repeats dropped, order kept.
func parseList(label, v string) ([]string, string) {
	var out []string
	seen := map[string]bool{}
	for _, s := range splitCell(v) {
		s = sheet.Clean(s)
		if s == "" || seen[s] {
			continue
		}
		if utf8.RuneCountInString(s) > maxName {
			return out, fmt.Sprintf("%s的“%s…”过长(每项不超过 %d 个字)", label, string([]rune(s)[:10]), maxName)
		}
		seen[s] = true
		out = append(out, s)
	}
	if len(out) > maxListLen {
		return out, fmt.Sprintf("%s最多 %d 项", label, maxListLen)
	}
	return out, ""
}

func getFeatures(in *catalog.Input) string {
	var labels []string
	for _, code := range in.App.ForcedFeatures {
		labels = append(labels, catalog.FeatureLabel(code))
	}
	return strings.Join(labels, "\n")
}

func setFeatures(in *catalog.Input, v string) string {
	items, msg := parseList(ColForced, v)
	in.App.ForcedFeatures = nil
	if msg != "" {
		return msg
	}
	seen := map[string]bool{}
	for _, s := range items {
		code, ok := featureCode(s)
		if !ok {
			var labels []string
			for _, f := range catalog.Features {
				labels = append(labels, f.Label)
			}
			return "未知的强制使用功能“" + s + "”,可选:" + strings.Join(labels, "、")
		}
		if !seen[code] {
			seen[code] = true
			in.App.ForcedFeatures = append(in.App.ForcedFeatures, code)
		}
	}
	return ""
}

func featureCode(s string) (string, bool) {
	for _, f := range catalog.Features {
		if s == f.Code || s == f.Label {
			return f.Code, true
		}
	}
	return "", false
}

// mlpsLabels are the 等保 levels as the export writes them; index is the level.
var mlpsLabels = []string{"未定级", "一级", "二级", "三级", "四级"}

func getMLPS(in *catalog.Input) string {
	if l := in.App.MLPSLevel; l >= 0 && l < len(mlpsLabels) {
		return mlpsLabels[l]
	}
	return strconv.Itoa(in.App.MLPSLevel)
}

func setMLPS(in *catalog.Input, v string) string {
	in.App.MLPSLevel = 0
	s := strings.TrimSuffix(strings.TrimPrefix(v, "第"), "等保")
	switch s {
	case "", "无", "未定级", "不定级":
		return ""
	}
	for i, l := range mlpsLabels {
		if s == l || s == strconv.Itoa(i) || s == strconv.Itoa(i)+"级" {
			in.App.MLPSLevel = i
			return ""
		}
	}
	return "等保级别“" + v + "”无效,应为 未定级、一级、二级、三级、四级(或 0 到 4)"
}
