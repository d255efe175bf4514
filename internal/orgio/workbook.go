package orgio

import (
	"fmt"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// MaxRows is the most data rows a sheet or CSV file may hold. A province has about ten thousand
// people; the limit keeps a wrong file (a whole HR system dump) from tying up the server.
const MaxRows = 100_000

// titleRows is how many rows above the header a sheet may use for a title (台账 often start
// with a merged "XX支队人员台账" line).
const titleRows = 5

// UnitRow is one row of the units sheet, as text: checking and converting happen in Import so
// that every problem is reported with its row.
type UnitRow struct {
	Row        int // 1-based sheet row; the header is usually row 1
	Code       string
	Name       string
	Kind       string
	ParentCode string
	SortOrder  string
}

// PersonRow is one row of the people sheet, as text. LeftOn is YYYY-MM-DD when the cell held an
// Excel date.
type PersonRow struct {
	Row      int
	Code     string
	Name     string
	UnitCode string
	Post     string
	Status   string
	LeftOn   string
}

// Workbook is a parsed file: the rows of each kind it held, and the problems that stop it from
// being imported at all (headers that are missing, unknown or repeated).
type Workbook struct {
	Units  []UnitRow
	People []PersonRow
	Errors []RowError

	// headers records which columns each sheet had, because an optional column that is absent
	// keeps the stored value while an empty cell in a present column clears it. A Workbook
	// built in code, without headers, has every column.
	headers map[Kind]map[string]bool
}

// HasColumn reports whether the file's sheet of kind k had the column named col.
func (wb *Workbook) HasColumn(k Kind, col string) bool {
	h, ok := wb.headers[k]
	return !ok || h[col]
}

// Has reports whether the file held a sheet of kind k.
func (wb *Workbook) Has(k Kind) bool {
	if _, ok := wb.headers[k]; ok {
		return true
	}
	return k == Units && len(wb.Units) > 0 || k == People && len(wb.People) > 0
}

// RowError is one problem with one cell, row or header of a file.
type RowError struct {
	Kind    Kind   `json:"kind"`
	Row     int    `json:"row"`    // 1-based sheet row, 0 when the problem is not in one row
	Column  string `json:"column"` // the Chinese header, "" when the problem is the whole row
	Value   string `json:"value"`  // the cell's content, as read
	Message string `json:"message"`
}

// Location says where the problem is, in the words a user looks for it: "人员表第 3 行 工号".
func (e RowError) Location() string {
	s := e.Kind.Label() + "表"
	if e.Row > 0 {
		s += fmt.Sprintf("第 %d 行", e.Row)
	}
	if e.Column != "" {
		s += " " + e.Column
	}
	return s
}

func (e RowError) Error() string { return e.Location() + ": " + e.Message }

// record is one non-blank row of a sheet as read.
type record struct {
	row   int
	cells []sheet.Cell
}

func (r record) blank() bool { return sheet.Blank(r.cells) }

// findHeader returns the index in recs of the header row: the first of the first few rows that
// holds the kind's key column, or else the first row.
func findHeader(k Kind, recs []record) int {
	key := columns[k][0].name
	for i := 0; i < len(recs) && i < titleRows; i++ {
		for _, c := range recs[i].cells {
			if sheet.HeaderName(c) == key {
				return i
			}
		}
	}
	return 0
}

// addTable reads the records of one sheet of kind k into wb. Header problems go to wb.Errors,
// and then no rows are read, since the cells cannot be trusted to mean what their column says.
func (wb *Workbook) addTable(k Kind, recs []record, date1904 bool) error {
	if wb.headers == nil {
		wb.headers = map[Kind]map[string]bool{}
	}
	if _, dup := wb.headers[k]; dup {
		return errs.E(errs.Invalid, "文件中有两张"+k.Label()+"表,请只保留一张")
	}
	present := map[string]bool{}
	wb.headers[k] = present
	if len(recs) == 0 {
		return nil
	}
	h := findHeader(k, recs)
	header, data := recs[h], recs[h+1:]
	if len(data) > MaxRows {
		return errs.E(errs.TooLarge, fmt.Sprintf("%s表超过 %d 行,请分成几个文件导入", k.Label(), MaxRows))
	}
	at := map[string]int{} // header → cell index
	bad := len(wb.Errors)
	for i, c := range header.cells {
		name := sheet.HeaderName(c)
		if name == "" {
			continue
		}
		col, ok := lookupColumn(k, name)
		switch {
		case !ok:
			wb.Errors = append(wb.Errors, RowError{Kind: k, Row: header.row, Column: name, Value: name,
				Message: fmt.Sprintf("未知的列“%s”(%s列),%s表的列为:%s", name, sheet.ColumnLetter(i), k.Label(), columnNames(k))})
		case present[col.name]:
			wb.Errors = append(wb.Errors, RowError{Kind: k, Row: header.row, Column: name, Value: name,
				Message: fmt.Sprintf("列“%s”出现了两次(%s列和%s列)", name, sheet.ColumnLetter(at[name]), sheet.ColumnLetter(i))})
		default:
			present[col.name] = true
			at[col.name] = i
		}
	}
	for _, col := range columns[k] {
		if col.required && !present[col.name] {
			wb.Errors = append(wb.Errors, RowError{Kind: k, Row: header.row, Column: col.name,
				Message: "缺少必填列“" + col.name + "”"})
		}
	}
	// Data under a blank header is a column the reader would silently drop.
	reported := map[int]bool{}
	for _, r := range data {
		for i, c := range r.cells {
			if (i >= len(header.cells) || sheet.HeaderName(header.cells[i]) == "") && !reported[i] && sheet.Clean(c.Text) != "" {
				reported[i] = true
				wb.Errors = append(wb.Errors, RowError{Kind: k, Row: r.row, Column: sheet.ColumnLetter(i) + "列", Value: sheet.Clean(c.Text),
					Message: fmt.Sprintf("%s列有数据但没有表头", sheet.ColumnLetter(i))})
			}
		}
	}
	if len(wb.Errors) > bad {
		return nil
	}
	get := func(r record, name string) string {
		i, ok := at[name]
		if !ok || i >= len(r.cells) {
			return ""
		}
		col, _ := lookupColumn(k, name)
		return r.cells[i].Value(col.typ, date1904)
	}
	for _, r := range data {
		switch k {
		case Units:
			wb.Units = append(wb.Units, UnitRow{Row: r.row, Code: get(r, ColUnitCode), Name: get(r, ColUnitName),
				Kind: get(r, ColUnitKind), ParentCode: get(r, ColParentCode), SortOrder: get(r, ColSortOrder)})
		case People:
			wb.People = append(wb.People, PersonRow{Row: r.row, Code: get(r, ColPersonCode), Name: get(r, ColPersonName),
				UnitCode: get(r, ColPersonUnit), Post: get(r, ColPost), Status: get(r, ColStatus), LeftOn: get(r, ColLeftOn)})
		}
	}
	return nil
}
