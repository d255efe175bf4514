package catalogio

import (
	"fmt"
	"regexp"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// The most data rows a sheet or CSV file may hold. A province has about a thousand apps and
// accounts and twenty thousand groups; members are many more (twenty per group is typical).
// The limits keep a wrong file from tying up the server.
const (
	MaxAssetRows  = 100_000
	MaxMemberRows = 200_000
)

// titleRows is how many rows above the header a sheet may use for a title (台账 often start
// with a merged "XX支队政务应用程序清单" line).
const titleRows = 5

func maxRows(s Sheet) int {
	if s == Members {
		return MaxMemberRows
	}
	return MaxAssetRows
}

// AssetRow is one row of an asset sheet as text; checking and converting happen in Import, so
// that every problem is reported with its row.
type AssetRow struct {
	Row   int      // 1-based sheet row; the header is usually row 1
	cells []string // by the sheet's columns
}

// Get returns the row's cell in the column with header col ("" if the file had no such column).
func (r AssetRow) Get(s Sheet, col string) string {
	i, ok := lookupColumn(s, col)
	if !ok || i >= len(r.cells) {
		return ""
	}
	return r.cells[i]
}

// MemberRow is one row of the member sheet as text.
type MemberRow struct {
	Row          int
	GroupCode    string
	PersonCode   string
	ExternalName string
	Role         string
}

// Workbook is a parsed file: the rows of each sheet it held, and the problems that stop it from
// being imported at all (headers that are missing, unknown or repeated).
type Workbook struct {
	Apps     []AssetRow
	Accounts []AssetRow
	Groups   []AssetRow
	Members  []MemberRow
	Errors   []RowError

	// headers records which columns each sheet had, because an optional column that is absent
	// keeps the stored value while an empty cell in a present column clears it.
	headers map[Sheet][]bool
}

// Assets returns the rows of an asset sheet.
func (wb *Workbook) Assets(s Sheet) []AssetRow {
	switch s {
	case Apps:
		return wb.Apps
	case Accounts:
		return wb.Accounts
	case Groups:
		return wb.Groups
	}
	return nil
}

func (wb *Workbook) assetRows(s Sheet) *[]AssetRow {
	switch s {
	case Apps:
		return &wb.Apps
	case Accounts:
		return &wb.Accounts
	}
	return &wb.Groups
}

// Has reports whether the file held sheet s.
func (wb *Workbook) Has(s Sheet) bool {
	_, ok := wb.headers[s]
	return ok || len(wb.Assets(s)) > 0 || s == Members && len(wb.Members) > 0
}

// HasColumn reports whether the file's sheet s had the column col. A sheet built in code,
// without headers, has every column.
func (wb *Workbook) HasColumn(s Sheet, col string) bool {
	i, ok := lookupColumn(s, col)
	if !ok {
		return false
	}
	h, ok := wb.headers[s]
	return !ok || h[i]
}

// RowError is one problem with one cell, row or header of a file.
type RowError struct {
	Sheet   Sheet  `json:"sheet"`
	Row     int    `json:"row"`    // 1-based sheet row, 0 when the problem is not in one row
	Column  string `json:"column"` // the Chinese header, "" when the problem is the whole row
	Value   string `json:"value"`  // the cell's content, as read
	Message string `json:"message"`
}

// Location says where the problem is, in the words a user looks for it: "群成员表第 3 行 工号".
func (e RowError) Location() string {
	s := e.Sheet.Label() + "表"
	if e.Row > 0 {
		s += fmt.Sprintf("第 %d 行", e.Row)
	}
	if e.Column != "" {
		s += " " + e.Column
	}
	return s
}

func (e RowError) Error() string { return e.Location() + ": " + e.Message }

// record is one row of a sheet as read.
type record struct {
	row   int
	cells []sheet.Cell
}

func (r record) blank() bool { return sheet.Blank(r.cells) }

func headerNames(r record) []string {
	out := make([]string, len(r.cells))
	for i, c := range r.cells {
		out[i] = sheet.HeaderName(c)
	}
	return out
}

// tableReader turns the rows of one worksheet or CSV file, fed one at a time, into a sheet of
// the workbook, so that a large file is never held as rows of text twice. It finds the header
// among the first rows, checks it, and converts each data row as it comes.
type tableReader struct {
	wb       *Workbook
	sheet    Sheet  // "" while a worksheet is not yet recognised
	name     string // the worksheet's name, for messages; "" for CSV
	date1904 bool

	pending []record // the first rows, until the header is found
	found   bool     // the header has been read
	done    bool     // nothing more to read: not our sheet, or its header is unusable
	at      []int    // cell index → column index, -1 where the header is blank
	present []bool
	blankAt map[int]bool // columns with data but no header, already reported
	rows    int
	err     error // a problem that stops the whole file

	// raw says the rows come from an XLSX sheet read as displayed, whose number and date cells
	// may need their stored value too (see needsRaw); fixups lists those cells.
	raw    bool
	fixups map[int][]fixup // by sheet row
}

// fixup is a cell read as displayed that must be read again with its stored value.
type fixup struct {
	index int // the row's index in its sheet's rows
	cell  int // the cell's index in the sheet row
	col   int // the column
	text  string
}

// needsRaw reports whether a cell of a column of type t, displayed as text, may read
// differently with its stored value (see sheet.Cell.Value): a code or count that Excel shows with an
// exponent or separators (5.1E+07, 1,200), or a date shown in a format the date parser does not
// read (01-15-24). Text codes, plain digits and dates written as dates need nothing more, so a
// typical file is read in one pass.
func needsRaw(t cellType, text string) bool {
	switch t {
	case codeCell, numberCell:
		return text != "" && numeric.MatchString(text) && !sheet.IsDigits(text)
	case dateCell:
		if text == "" {
			return false
		}
		_, ok := sheet.ParseDate(sheet.ExcelSerialDate(text, false))
		return !ok
	}
	return false
}

var numeric = regexp.MustCompile(`^[-+]?[0-9][0-9,]*(\.[0-9]*)?([eE][-+]?[0-9]+)?$`)

// feed reads one row. It returns false once the rest of the sheet does not matter.
func (t *tableReader) feed(r record) bool {
	if t.done || t.err != nil {
		return false
	}
	if r.blank() {
		return true
	}
	if !t.found {
		t.pending = append(t.pending, r)
		if t.isHeader(r) || len(t.pending) >= titleRows {
			t.decide()
		}
		return !t.done && t.err == nil
	}
	t.data(r)
	return !t.done && t.err == nil
}

// finish ends the sheet, deciding its header if fewer than titleRows rows came.
func (t *tableReader) finish() error {
	if !t.found && !t.done && len(t.pending) > 0 {
		t.decide()
	}
	return t.err
}

// isHeader reports whether r is the header row of a known sheet, or makes an unknown
// worksheet recognisable.
func (t *tableReader) isHeader(r record) bool {
	names := headerNames(r)
	if t.sheet == "" {
		s, ambiguous := sheetByHeader(names)
		return s != "" || ambiguous
	}
	key := columns[t.sheet][0].name
	for _, n := range names {
		if headerKey(n) == headerKey(key) {
			return true
		}
	}
	return false
}

// decide picks the header among the pending rows and reads the rows after it.
func (t *tableReader) decide() {
	h := -1
	for i, r := range t.pending {
		if t.isHeader(r) {
			h = i
			break
		}
	}
	if t.sheet == "" {
		if h < 0 {
			t.done = true // not a sheet of ours (填表说明, a chart's data …)
			return
		}
		s, ambiguous := sheetByHeader(headerNames(t.pending[h]))
		if ambiguous {
			t.err = errs.E(errs.Invalid, "无法判断工作表“"+t.name+"”是应用、公众号还是群组:请把工作表命名为“应用”“公众号”或“群组”")
			return
		}
		t.sheet = s
	}
	if h < 0 {
		h = 0
	}
	if t.wb.headers == nil {
		t.wb.headers = map[Sheet][]bool{}
	}
	if _, dup := t.wb.headers[t.sheet]; dup {
		t.err = errs.E(errs.Invalid, "文件中有两张"+t.sheet.Label()+"表,请只保留一张")
		return
	}
	t.found = true
	t.header(t.pending[h])
	rest := t.pending[h+1:]
	t.pending = nil
	for _, r := range rest {
		if t.done || t.err != nil {
			return
		}
		t.data(r)
	}
}

// header reads the header row. Header problems go to wb.Errors, and then no rows are read,
// since the cells cannot be trusted to mean what their column says.
func (t *tableReader) header(r record) {
	s := t.sheet
	cols := columns[s]
	t.present = make([]bool, len(cols))
	t.wb.headers[s] = t.present
	t.at = make([]int, len(r.cells))
	first := map[int]int{} // column → cell index
	bad := len(t.wb.Errors)
	for i, c := range r.cells {
		t.at[i] = -1
		name := sheet.HeaderName(c)
		if name == "" {
			continue
		}
		j, ok := lookupColumn(s, name)
		switch {
		case !ok:
			t.fail(r.row, name, name, fmt.Sprintf("未知的列“%s”(%s列),%s表的列为:%s", name, sheet.ColumnLetter(i), s.Label(), columnNames(s)))
		case t.present[j]:
			t.fail(r.row, name, name, fmt.Sprintf("列“%s”出现了两次(%s列和%s列)", name, sheet.ColumnLetter(first[j]), sheet.ColumnLetter(i)))
		default:
			t.present[j] = true
			first[j] = i
			t.at[i] = j
		}
	}
	for j, c := range cols {
		if c.required && !t.present[j] {
			t.fail(r.row, c.name, "", "缺少必填列“"+c.name+"”")
		}
	}
	if s == Members {
		pi, _ := lookupColumn(s, ColPersonCode)
		xi, _ := lookupColumn(s, ColExternalName)
		if !t.present[pi] && !t.present[xi] {
			t.fail(r.row, ColPersonCode, "", "缺少列“工号”(本单位人员)或“外部成员姓名”(外部成员),至少要有其中一列")
		}
	}
	if len(t.wb.Errors) > bad {
		t.done = true
	}
}

func (t *tableReader) fail(row int, col, value, msg string) {
	t.wb.Errors = append(t.wb.Errors, RowError{Sheet: t.sheet, Row: row, Column: col, Value: value, Message: msg})
}

// data converts one data row.
func (t *tableReader) data(r record) {
	s := t.sheet
	t.rows++
	if t.rows > maxRows(s) {
		t.err = errs.E(errs.TooLarge, fmt.Sprintf("%s表超过 %d 行,请分成几个文件导入", s.Label(), maxRows(s)))
		return
	}
	cols := columns[s]
	values := make([]string, len(cols))
	for i, c := range r.cells {
		j := -1
		if i < len(t.at) {
			j = t.at[i]
		}
		if j < 0 {
			// Data under a blank header is a column the reader would silently drop.
			if v := sheet.Clean(c.Text); v != "" && !t.blankAt[i] {
				if t.blankAt == nil {
					t.blankAt = map[int]bool{}
				}
				t.blankAt[i] = true
				t.fail(r.row, sheet.ColumnLetter(i)+"列", v, fmt.Sprintf("%s列有数据但没有表头", sheet.ColumnLetter(i)))
			}
			continue
		}
		values[j] = c.Value(cols[j].typ, t.date1904)
		if t.raw && c.Raw == "" && needsRaw(cols[j].typ, values[j]) {
			if t.fixups == nil {
				t.fixups = map[int][]fixup{}
			}
			t.fixups[r.row] = append(t.fixups[r.row], fixup{index: t.rows - 1, cell: i, col: j, text: c.Text})
		}
	}
	if s == Members {
		t.wb.Members = append(t.wb.Members, MemberRow{Row: r.row, GroupCode: values[0], PersonCode: values[1],
			ExternalName: values[2], Role: values[3]})
		return
	}
	rows := t.wb.assetRows(s)
	*rows = append(*rows, AssetRow{Row: r.row, cells: values})
}

// fix reads again, with their stored values, the cells of row that needed them.
func (t *tableReader) fix(row int, raw []string) {
	for _, f := range t.fixups[row] {
		if f.cell >= len(raw) {
			continue
		}
		v := sheet.Cell{Text: f.text, Raw: raw[f.cell]}.Value(columns[t.sheet][f.col].typ, t.date1904)
		if t.sheet == Members {
			m := &t.wb.Members[f.index]
			switch columns[Members][f.col].name {
			case ColGroupCode:
				m.GroupCode = v
			case ColPersonCode:
				m.PersonCode = v
			}
			continue
		}
		(*t.wb.assetRows(t.sheet))[f.index].cells[f.col] = v
	}
}
