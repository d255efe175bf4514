package orgio

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// unitItem is a units row on its way into the database.
type unitItem struct {
	UnitRow
	in       org.UnitInput
	keepSort bool // 排序号 left empty: an existing unit keeps its order
	bad      bool // an error was reported; the row is not applied
}

func (it *unitItem) value(col string) string {
	switch col {
	case ColUnitCode:
		return it.Code
	case ColUnitName:
		return it.Name
	case ColUnitKind:
		return it.Kind
	case ColParentCode:
		return it.ParentCode
	case ColSortOrder:
		return it.SortOrder
	}
	return ""
}

// personItem is a people row on its way into the database.
type personItem struct {
	PersonRow
	in         org.PersonInput
	keepPost   bool // no 职务 column: an existing person keeps theirs
	keepStatus bool // no 状态 column and no 调离日期: an existing person keeps theirs
	bad        bool
}

func (it *personItem) value(col string) string {
	switch col {
	case ColPersonCode:
		return it.Code
	case ColPersonName:
		return it.Name
	case ColPersonUnit:
		return it.UnitCode
	case ColPost:
		return it.Post
	case ColStatus:
		return it.Status
	case ColLeftOn:
		return it.LeftOn
	}
	return ""
}

// plan is a checked file: its rows with their inputs, the order to apply units in, and every
// problem found so far.
type plan struct {
	units  []unitItem
	order  []int          // indexes into units, each parent before its children
	byCode map[string]int // unit code → index, for codes that occur once in the file
	people []personItem
	errors []RowError
}

func (p *plan) failUnit(it *unitItem, col, msg string) {
	it.bad = true
	p.errors = append(p.errors, RowError{Kind: Units, Row: it.Row, Column: col, Value: it.value(col), Message: msg})
}

func (p *plan) failPerson(it *personItem, col, msg string) {
	it.bad = true
	p.errors = append(p.errors, RowError{Kind: People, Row: it.Row, Column: col, Value: it.value(col), Message: msg})
}

// check validates the whole file against itself and against what the database holds in the
// caller's scope (ex): fields, duplicate codes, references and cycles. It writes nothing; org
// checks again, and checks more, when the rows are applied.
func check(wb *Workbook, ex *existing) *plan {
	p := &plan{byCode: map[string]int{}}
	for _, r := range wb.Units {
		p.units = append(p.units, unitItem{UnitRow: r})
		p.checkUnit(&p.units[len(p.units)-1])
	}
	for _, r := range wb.People {
		p.people = append(p.people, personItem{PersonRow: r})
		p.checkPerson(wb, &p.people[len(p.people)-1])
	}
	unitDups := sheet.Duplicates(len(p.units), func(i int) string { return p.units[i].Code }, func(i, other int, first bool) {
		p.failUnit(&p.units[i], ColUnitCode, dupMessage(ColUnitCode, p.units[i].Code, p.units[other].Row, first))
	})
	sheet.Duplicates(len(p.people), func(i int) string { return p.people[i].Code }, func(i, other int, first bool) {
		p.failPerson(&p.people[i], ColPersonCode, dupMessage(ColPersonCode, p.people[i].Code, p.people[other].Row, first))
	})
	for i, it := range p.units {
		if it.Code != "" && !unitDups[it.Code] {
			p.byCode[it.Code] = i
		}
	}
	inFile := func(code string) bool { _, ok := p.byCode[code]; return ok || unitDups[code] }
	for i := range p.units {
		it := &p.units[i]
		pc := it.ParentCode
		if pc == "" || pc == it.Code || inFile(pc) {
			continue
		}
		if _, ok := ex.units[pc]; ok {
			continue
		}
		// A liaison's own unit hangs under a unit outside their scope; naming that parent
		// unchanged is how their export reads, and must import again.
		if have, ok := ex.units[it.Code]; ok && have.parentCode == pc {
			continue
		}
		p.failUnit(it, ColParentCode, "上级单位编码 "+pc+" 在本文件和系统中都不存在,或不在您的管辖范围内")
	}
	p.orderUnits()
	for i := range p.people {
		it := &p.people[i]
		if uc := it.UnitCode; uc != "" && !inFile(uc) {
			if _, ok := ex.units[uc]; !ok {
				p.failPerson(it, ColPersonUnit, "所属单位编码 "+uc+" 在本文件和系统中都不存在,或不在您的管辖范围内")
			}
		}
	}
	return p
}

// checkUnit checks one units row by itself and builds its input for org.
func (p *plan) checkUnit(it *unitItem) {
	for _, col := range columns[Units] {
		if msg := sheet.BadText(it.value(col.name), false); msg != "" {
			p.failUnit(it, col.name, col.name+msg)
		}
	}
	if it.bad {
		return
	}
	p.checkCode(it.Code, ColUnitCode, func(msg string) { p.failUnit(it, ColUnitCode, msg) })
	p.checkCode(it.ParentCode, "", func(msg string) { p.failUnit(it, ColParentCode, msg) })
	if it.Name == "" {
		p.failUnit(it, ColUnitName, "单位名称不能为空")
	}
	kind, ok := org.ParseUnitKind(it.Kind)
	switch {
	case it.Kind == "":
		p.failUnit(it, ColUnitKind, "单位类型不能为空")
	case !ok:
		p.failUnit(it, ColUnitKind, "单位类型“"+it.Kind+"”无效,应为 总队、支队、大队、站(消防救援站)或 处室(科室)")
	}
	if it.ParentCode != "" && it.ParentCode == it.Code {
		p.failUnit(it, ColParentCode, "上级单位不能是本单位")
	}
	sort := 0
	if it.SortOrder == "" {
		it.keepSort = true
	} else if n, ok := parseInt(it.SortOrder); ok {
		sort = n
	} else {
		p.failUnit(it, ColSortOrder, "排序号应为整数")
	}
	it.in = org.UnitInput{Code: it.Code, Name: it.Name, Kind: kind, ParentCode: it.ParentCode, SortOrder: sort}
}

// checkCode reports an empty required code (when label is not "") and a code that Excel has
// already turned into scientific notation, whose lost digits no import can restore.
func (p *plan) checkCode(code, label string, fail func(string)) {
	switch {
	case code == "" && label != "":
		fail(label + "不能为空")
	case sheet.LooksScientific(code):
		fail("编码 " + code + " 是科学计数法,Excel 已截去其中的数字;请把该列设为“文本”格式,重新填写后再导入")
	}
}

// checkPerson checks one people row by itself and builds its input for org.
func (p *plan) checkPerson(wb *Workbook, it *personItem) {
	for _, col := range columns[People] {
		if msg := sheet.BadText(it.value(col.name), false); msg != "" {
			p.failPerson(it, col.name, col.name+msg)
		}
	}
	if it.bad {
		return
	}
	p.checkCode(it.Code, ColPersonCode, func(msg string) { p.failPerson(it, ColPersonCode, msg) })
	p.checkCode(it.UnitCode, ColPersonUnit, func(msg string) { p.failPerson(it, ColPersonUnit, msg) })
	if it.Name == "" {
		p.failPerson(it, ColPersonName, "姓名不能为空")
	}
	it.in = org.PersonInput{Code: it.Code, Name: it.Name, UnitCode: it.UnitCode, Post: it.Post, Status: org.Active}
	it.keepPost = !wb.HasColumn(People, ColPost)
	it.keepStatus = !wb.HasColumn(People, ColStatus)
	statusOK := true
	if !it.keepStatus {
		status, ok := parseStatus(it.Status)
		if statusOK = ok; !ok {
			p.failPerson(it, ColStatus, "状态“"+it.Status+"”无效,应为 在职 或 已调离")
		}
		it.in.Status = status
	}
	if it.LeftOn == "" {
		return
	}
	d, ok := sheet.ParseDate(it.LeftOn)
	if !ok {
		p.failPerson(it, ColLeftOn, "调离日期“"+it.LeftOn+"”无效,应写成 2024-03-01 这样的日期")
		return
	}
	it.in.LeftOn = d
	switch {
	case it.keepStatus:
		// A date of leaving without a 状态 column says the person left.
		it.keepStatus, it.in.Status = false, org.Left
	case it.in.Status == org.Active && statusOK:
		p.failPerson(it, ColLeftOn, "状态为在职时不应填写调离日期;已调离的人员请把状态填为“已调离”")
	}
}

// parseStatus accepts the names people write for the two statuses.
func parseStatus(s string) (string, bool) {
	switch s {
	case "", "在职", "在岗", org.Active:
		return org.Active, true
	case "已调离", "调离", "离职", "已离职", "退出", org.Left:
		return org.Left, true
	}
	return org.Active, false
}

// parseInt reads an integer, also as Excel stores one ("3.0"). It is not sheet.ParseInt:
// 排序号 has always refused thousands separators ("1,200") and stored floats beyond 1e9, and
// an import must go on reading the files it read before.
func parseInt(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, false
	}
	return int(f), true
}

func dupMessage(col, code string, otherRow int, first bool) string {
	if first {
		return fmt.Sprintf("%s %s 在文件中重复,另见第 %d 行", col, code, otherRow)
	}
	return fmt.Sprintf("%s %s 与第 %d 行重复", col, code, otherRow)
}

// orderUnits sorts the units so that a parent in the file comes before its children, whatever
// order the file lists them in, and reports cycles. Each unit has at most one parent, so
// walking up from each unit finds both.
func (p *plan) orderUnits() {
	const (
		unseen = iota
		walking
		done
	)
	state := make([]int, len(p.units))
	parent := func(i int) int {
		it := p.units[i]
		if j, ok := p.byCode[it.ParentCode]; ok && it.ParentCode != it.Code {
			return j
		}
		return -1
	}
	for i := range p.units {
		var path []int
		j := i
		for j >= 0 && state[j] == unseen {
			state[j] = walking
			path = append(path, j)
			j = parent(j)
		}
		if j >= 0 && state[j] == walking {
			p.reportCycle(path, j)
		}
		for k := len(path) - 1; k >= 0; k-- {
			state[path[k]] = done
			p.order = append(p.order, path[k])
		}
	}
}

// reportCycle marks the units of the cycle that path (child to parent) ran into at index start.
func (p *plan) reportCycle(path []int, start int) {
	k := 0
	for path[k] != start {
		k++
	}
	cycle := path[k:]
	var codes []string
	for _, i := range cycle {
		codes = append(codes, p.units[i].Code)
	}
	codes = append(codes, p.units[cycle[0]].Code)
	msg := "上级单位关系形成循环:" + strings.Join(codes, " → ")
	for _, i := range cycle {
		p.failUnit(&p.units[i], ColParentCode, msg)
	}
}
