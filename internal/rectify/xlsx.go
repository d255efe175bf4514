package rectify

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/calendar"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// SheetName is the name of the ledger's worksheet in an export.
const SheetName = "整改台账"

// The columns of the 台账, in the order the bureau's ledgers have them; 编号 and 状态 come last
// so that a ledger kept by hand, which has neither, lines up with an export.
const (
	ColSeq         = "序号"
	ColSource      = "问题来源"
	ColDescription = "问题描述"
	ColUnit        = "责任单位"
	ColPerson      = "责任人"
	ColMeasures    = "整改措施"
	ColDeadline    = "整改时限"
	ColProgress    = "整改进展"
	ColCompletion  = "完成情况"
	ColNumber      = "编号"
	ColStatus      = "状态"
)

// Columns lists the 台账 columns in order.
var Columns = []string{ColSeq, ColSource, ColDescription, ColUnit, ColPerson, ColMeasures, ColDeadline, ColProgress, ColCompletion, ColNumber, ColStatus}

var required = []string{ColSource, ColDescription, ColUnit, ColPerson, ColDeadline}

var widths = map[string]float64{ColSeq: 6, ColSource: 10, ColDescription: 40, ColUnit: 20, ColPerson: 14, ColMeasures: 36,
	ColDeadline: 12, ColProgress: 30, ColCompletion: 30, ColNumber: 16, ColStatus: 12}

// describe writes an item's title and description as one 问题描述 cell: the title on the first
// line, the description below it. Import splits them the same way.
func describe(it Item) string {
	if it.Description == "" || it.Description == it.Title {
		return it.Title
	}
	return it.Title + "\n" + it.Description
}

// splitDescription is describe's inverse. A first line too long for a title is cut, and the
// whole text kept as the description.
func splitDescription(s string) (title, desc string) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	title, desc, _ = strings.Cut(s, "\n")
	title, desc = strings.TrimSpace(title), strings.TrimSpace(desc)
	if utf8.RuneCountInString(title) > MaxTitle {
		r := []rune(title)
		return string(r[:60]) + "…", strings.TrimSpace(s)
	}
	return title, desc
}

// personCell names a person as 姓名(工号), which import reads back unambiguously.
func personCell(name, code string) string { return name + "(" + code + ")" }

// ExportXLSX writes the items in the caller's scope that match f (all of them, not one page) as
// a 台账 workbook. Imported again, it changes nothing: rows are matched by 编号.
func ExportXLSX(ctx context.Context, db *store.DB, p org.Principal, f Filter, w io.Writer) error {
	if err := requireRead(p); err != nil {
		return err
	}
	wh, err := f.where(ctx, db, p)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT `+itemCols+itemFrom+wh.String()+` ORDER BY i.number`, wh.Args...)
	if err != nil {
		return fmt.Errorf("rectify: export: %w", err)
	}
	day := today()
	var items []Item
	for rows.Next() {
		x, err := scanItem(rows, day)
		if err != nil {
			rows.Close()
			return fmt.Errorf("rectify: export: %w", err)
		}
		items = append(items, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rectify: export: %w", err)
	}
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName(x.GetSheetName(0), SheetName); err != nil {
		return fmt.Errorf("rectify: export: %w", err)
	}
	st, err := sheet.NewStyles(x, false)
	if err != nil {
		return err
	}
	wrap, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("rectify: export: %w", err)
	}
	sw, err := x.NewStreamWriter(SheetName)
	if err != nil {
		return fmt.Errorf("rectify: export: %w", err)
	}
	for i, c := range Columns {
		if err := sw.SetColWidth(i+1, i+1, widths[c]); err != nil {
			return fmt.Errorf("rectify: export: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("rectify: export: %w", err)
	}
	if err := sheet.WriteHeader(sw, st.Header, Columns); err != nil {
		return fmt.Errorf("rectify: export: %w", err)
	}
	for n, it := range items {
		text := func(s string) excelize.Cell { return excelize.Cell{StyleID: wrap, Value: s} }
		row := []any{n + 1, it.Source.Label(), text(describe(it)), it.UnitName, personCell(it.ResponsibleName, it.ResponsibleCode),
			text(it.Measures), excelize.Cell{StyleID: st.Date, Value: it.Deadline}, text(it.Progress), text(it.Completion),
			excelize.Cell{StyleID: st.Text, Value: it.Number}, it.StatusLabel()}
		axis, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(axis, row); err != nil {
			return fmt.Errorf("rectify: export row %d: %w", n+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("rectify: export: %w", err)
	}
	if _, err := x.WriteTo(w); err != nil {
		return fmt.Errorf("rectify: write xlsx: %w", err)
	}
	return nil
}

// ImportOptions choose how ImportXLSX treats a file. There is no "valid rows only": a ledger is
// imported whole or not at all, so that no problem is silently left out of it.
type ImportOptions struct {
	DryRun bool // check everything, write nothing
}

// RowError is one problem of an imported file, located the way Excel shows it.
type RowError struct {
	Row     int    `json:"row"`    // the worksheet row, 1-based; 0 for the file as a whole
	Column  string `json:"column"` // the column letter, "" when it concerns the whole row
	Header  string `json:"header"` // the column's header
	Value   string `json:"value"`
	Message string `json:"message"` // why, in Chinese
}

// Location is "第3行 B列(问题来源)" style.
func (e RowError) Location() string {
	s := ""
	if e.Row > 0 {
		s = fmt.Sprintf("第%d行", e.Row)
	}
	if e.Column != "" {
		s += " " + e.Column + "列"
		if e.Header != "" {
			s += "(" + e.Header + ")"
		}
	}
	return strings.TrimSpace(s)
}

// ImportReport is the outcome of ImportXLSX.
type ImportReport struct {
	DryRun    bool       `json:"dry_run"`
	Written   bool       `json:"written"`
	Rows      int        `json:"rows"`
	Created   int        `json:"created"`
	Unchanged int        `json:"unchanged"` // rows whose 编号 is already in the ledger
	Errors    []RowError `json:"errors"`
}

func (r *ImportReport) err() error {
	var l errs.List
	for _, e := range r.Errors {
		l.Add(e.Location(), e.Message+valueText(e.Value))
	}
	return l.Err()
}

func valueText(v string) string {
	if v == "" {
		return ""
	}
	if utf8.RuneCountInString(v) > 30 {
		v = string([]rune(v)[:30]) + "…"
	}
	return "(填写的是“" + v + "”)"
}

// importRow is one data row, read and resolved.
type importRow struct {
	row    int
	in     Input
	number string
	status Status
	prog   string
	compl  string
	exists bool // the 编号 is already in the ledger: nothing to do
}

var numberRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$`)

// ImportXLSX reads a 台账 workbook and adds its rows to the ledger as p, in one transaction.
// The whole file is checked first, against the database too (units by code or name, people
// by 工号 or unique name, in the caller's scope); if any row has a problem nothing is written
// and the error is errs.Invalid listing every problem. Rows whose 编号 already exists are left
// as they are, so the same file imported twice adds nothing the second time; rows without a
// 编号 are numbered. An imported ledger describes the past, so deadlines already passed are
// accepted (those items show as overdue) and the 状态 column is taken as it is.
func ImportXLSX(ctx context.Context, db *store.DB, p org.Principal, r io.Reader, opt ImportOptions) (*ImportReport, error) {
	if err := requireWrite(p); err != nil {
		return nil, err
	}
	data, err := sheet.ReadLimited(r, 0)
	if err != nil {
		return nil, err
	}
	if err := sheet.CheckXLSX(data); err != nil {
		return nil, err
	}
	recs, date1904, err := readLedger(data)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{DryRun: opt.DryRun, Errors: []RowError{}}
	rows, err := checkRows(ctx, db, p, recs, date1904, rep)
	if err != nil {
		return nil, err
	}
	rep.Rows = len(recs.recs)
	for _, r := range rows {
		if r.exists {
			rep.Unchanged++
		}
	}
	if len(rep.Errors) > 0 {
		return rep, rep.err()
	}
	if opt.DryRun {
		rep.Created = rep.Rows - rep.Unchanged
		return rep, nil
	}
	var rowErr *RowError
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		cal, err := calendar.Load(ctx, tx)
		if err != nil {
			return fmt.Errorf("rectify: import: load calendar: %w", err)
		}
		for _, r := range rows {
			if r.exists {
				continue
			}
			_, err := createTx(ctx, tx, p, r.in, createOpts{number: r.number, status: r.status, progress: r.prog, completion: r.compl,
				allowPast: true, cal: cal, action: "import"})
			if e, ok := errs.As(err); ok && e.Kind != errs.Other {
				// Checked above, so only a concurrent change gets here; the row says which.
				rowErr = &RowError{Row: r.row, Message: e.Msg}
				return err
			}
			if err != nil {
				return fmt.Errorf("rectify: import row %d: %w", r.row, err)
			}
			rep.Created++
		}
		return nil
	})
	if rowErr != nil {
		rep.Created = 0
		rep.Errors = append(rep.Errors, *rowErr)
		return rep, rep.err()
	}
	if err != nil {
		return nil, err
	}
	rep.Written = true
	return rep, nil
}

// record is one non-blank worksheet row: its number and its cells by column index.
type record struct {
	row   int
	cells []sheet.Cell
}

type ledgerSheet struct {
	header map[string]int // column name → index
	recs   []record
}

// readLedger finds the ledger's worksheet (the one named 整改台账, else the first whose header
// row, within the first five rows so that a title row is allowed, names 问题描述) and reads its
// rows as displayed and as stored.
func readLedger(data []byte) (ls ledgerSheet, date1904 bool, err error) {
	defer func() {
		// excelize parses untrusted uploads; a panic rejects the file rather than the server.
		if r := recover(); r != nil {
			err = sheet.NotXLSX(fmt.Errorf("excelize panic: %v", r))
		}
	}()
	f, date1904, err := sheet.OpenXLSX(data, 0)
	if err != nil {
		return ls, false, err
	}
	defer f.Close()
	names := f.GetSheetList()
	for i, n := range names {
		if n == SheetName && i > 0 {
			names[0], names[i] = names[i], names[0]
		}
	}
	for _, name := range names {
		shown, err := f.GetRows(name)
		if err != nil {
			continue // a chart sheet or the like
		}
		headerRow := -1
		for i := 0; i < len(shown) && i < 5; i++ {
			for _, c := range shown[i] {
				if sheet.HeaderName(sheet.Cell{Text: c}) == ColDescription {
					headerRow = i
				}
			}
			if headerRow >= 0 {
				break
			}
		}
		if headerRow < 0 {
			continue
		}
		raw, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return ls, false, sheet.NotXLSX(err)
		}
		ls.header = map[string]int{}
		for j, c := range shown[headerRow] {
			if h := sheet.HeaderName(sheet.Cell{Text: c}); h != "" {
				if _, dup := ls.header[h]; !dup {
					ls.header[h] = j
				}
			}
		}
		for i := headerRow + 1; i < len(shown); i++ {
			cells := make([]sheet.Cell, len(shown[i]))
			for j, c := range shown[i] {
				cells[j].Text = c
				if i < len(raw) && j < len(raw[i]) {
					cells[j].Raw = raw[i][j]
				}
			}
			if sheet.Blank(cells) {
				continue
			}
			ls.recs = append(ls.recs, record{row: i + 1, cells: cells})
		}
		return ls, date1904, nil
	}
	return ls, false, errs.E(errs.Invalid, "工作簿中没有找到整改台账:表头应含有“问题描述”等列")
}

// directory is what the check needs from the database: the units and people in scope, and the
// numbers already taken.
type directory struct {
	units   []unitRef
	people  []personRef
	numbers map[string]string // number → unit path
}

type personRef struct {
	id               int64
	code, name, path string
	status           string
}

func loadDirectory(ctx context.Context, db *store.DB, p org.Principal) (*directory, error) {
	d := &directory{numbers: map[string]string{}}
	w := &store.Where{}
	p.Scope.Filter(w, "path")
	if err := eachArgs(ctx, db, `SELECT id, code, name, path FROM units`+w.String()+` ORDER BY path`, w.Args, func(s scanner) error {
		var u unitRef
		err := s.Scan(&u.id, &u.code, &u.name, &u.path)
		d.units = append(d.units, u)
		return err
	}); err != nil {
		return nil, fmt.Errorf("rectify: import: read units: %w", err)
	}
	w = &store.Where{}
	p.Scope.Filter(w, "u.path")
	if err := eachArgs(ctx, db, `SELECT p.id, p.code, p.name, u.path, p.status FROM people p JOIN units u ON u.id = p.unit_id`+w.String(), w.Args, func(s scanner) error {
		var x personRef
		err := s.Scan(&x.id, &x.code, &x.name, &x.path, &x.status)
		d.people = append(d.people, x)
		return err
	}); err != nil {
		return nil, fmt.Errorf("rectify: import: read people: %w", err)
	}
	if err := eachArgs(ctx, db, `SELECT i.number, u.path FROM ledger_items i JOIN units u ON u.id = i.unit_id`, nil, func(s scanner) error {
		var n, path string
		err := s.Scan(&n, &path)
		d.numbers[n] = path
		return err
	}); err != nil {
		return nil, fmt.Errorf("rectify: import: read numbers: %w", err)
	}
	return d, nil
}

// unit finds a unit by code, else by name; a name shared by several units must be given as a code.
func (d *directory) unit(s string) (unitRef, string) {
	for _, u := range d.units {
		if u.code == s {
			return u, ""
		}
	}
	var found []unitRef
	for _, u := range d.units {
		if u.name == s {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		return unitRef{}, "责任单位不存在或不在您的管辖范围内,请填写单位名称或单位编码"
	}
	return unitRef{}, fmt.Sprintf("有 %d 个单位名为“%s”,请改填单位编码", len(found), s)
}

var withCode = regexp.MustCompile(`^(.+?)\s*[((]\s*([A-Za-z0-9][A-Za-z0-9_.\-]*)\s*[))]$`)

// person finds a person by 工号, by 姓名(工号), or by a name unique in the unit's subtree (or,
// failing that, in the whole scope).
func (d *directory) person(s string, unit unitRef) (personRef, string) {
	code := s
	if m := withCode.FindStringSubmatch(s); m != nil {
		code = m[2]
	}
	for _, x := range d.people {
		if x.code == code {
			return x, ""
		}
	}
	if code != s {
		return personRef{}, "工号 " + code + " 的人员不存在或不在您的管辖范围内"
	}
	var inUnit, all []personRef
	for _, x := range d.people {
		if x.name == s {
			all = append(all, x)
			if unit.path != "" && strings.HasPrefix(x.path, unit.path) {
				inUnit = append(inUnit, x)
			}
		}
	}
	switch {
	case len(inUnit) == 1:
		return inUnit[0], ""
	case len(inUnit) > 1:
		return personRef{}, fmt.Sprintf("%s有 %d 人名为“%s”,请改填工号", unit.name, len(inUnit), s)
	case len(all) == 1:
		return all[0], ""
	case len(all) > 1:
		return personRef{}, fmt.Sprintf("有 %d 人名为“%s”,请改填工号", len(all), s)
	}
	return personRef{}, "责任人不存在或不在您的管辖范围内,请填写姓名或工号"
}

// checkRows reads and resolves every row, adding every problem to rep.
func checkRows(ctx context.Context, db *store.DB, p org.Principal, ls ledgerSheet, date1904 bool, rep *ImportReport) ([]importRow, error) {
	var missing []string
	for _, h := range required {
		if _, ok := ls.header[h]; !ok {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		rep.Errors = append(rep.Errors, RowError{Message: "表头缺少必填列:" + strings.Join(missing, "、")})
		return nil, nil
	}
	dir, err := loadDirectory(ctx, db, p)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	var out []importRow
	for _, rec := range ls.recs {
		bad := false
		fail := func(col, value, msg string) {
			bad = true
			e := RowError{Row: rec.row, Header: col, Value: value, Message: msg}
			if j, ok := ls.header[col]; ok {
				e.Column = sheet.ColumnLetter(j)
			}
			rep.Errors = append(rep.Errors, e)
		}
		get := func(col string, t sheet.Type) string {
			j, ok := ls.header[col]
			if !ok || j >= len(rec.cells) {
				return ""
			}
			return sheet.Clean(rec.cells[j].Value(t, date1904))
		}
		text := func(col string, multiline bool, max int) string {
			v := get(col, sheet.Text)
			if why := sheet.BadText(v, multiline); why != "" {
				fail(col, v, why)
			} else if utf8.RuneCountInString(v) > max {
				fail(col, "", fmt.Sprintf("过长(最多 %d 个字)", max))
			}
			return v
		}
		r := importRow{row: rec.row, status: Pending}
		if v := get(ColSource, sheet.Text); v == "" {
			fail(ColSource, "", "问题来源不能为空")
		} else if src, ok := ParseSource(v); !ok {
			fail(ColSource, v, "问题来源应为 自查、检查、体检、抽查、评价 或 举报")
		} else {
			r.in.Source = src
		}
		desc := text(ColDescription, true, MaxText)
		if desc == "" {
			fail(ColDescription, "", "问题描述不能为空")
		}
		r.in.Title, r.in.Description = splitDescription(desc)
		var unit unitRef
		if v := get(ColUnit, sheet.Code); v == "" {
			fail(ColUnit, "", "责任单位不能为空")
		} else if u, why := dir.unit(v); why != "" {
			fail(ColUnit, v, why)
		} else {
			unit, r.in.UnitID = u, u.id
		}
		if v := get(ColPerson, sheet.Code); v == "" {
			fail(ColPerson, "", "责任人不能为空")
		} else if x, why := dir.person(v, unit); why != "" {
			fail(ColPerson, v, why)
		} else if x.status != org.Active {
			fail(ColPerson, v, "责任人已调离,请另填责任人")
		} else if unit.id != 0 && !strings.HasPrefix(x.path, unit.path) {
			fail(ColPerson, v, "责任人应是"+unit.name+"或其下属单位的人员")
		} else {
			r.in.ResponsiblePersonID = x.id
		}
		r.in.Measures = text(ColMeasures, true, MaxText)
		r.prog = text(ColProgress, true, MaxText)
		r.compl = text(ColCompletion, true, MaxText)
		if v := get(ColDeadline, sheet.Date); v == "" {
			fail(ColDeadline, "", "整改时限不能为空")
		} else if d, ok := sheet.ParseDate(v); !ok {
			fail(ColDeadline, v, "整改时限应为日期,如 2026-10-09")
		} else {
			r.in.Deadline, _ = time.Parse(time.DateOnly, d)
		}
		if v := get(ColStatus, sheet.Text); v != "" {
			s := strings.NewReplacer("(逾期)", "", "(逾期)", "", "逾期", "").Replace(v)
			if st, ok := ParseStatus(s); ok {
				r.status = st
			} else {
				fail(ColStatus, v, "状态应为 待整改、整改中、待验收 或 已销号")
			}
		}
		if v := get(ColNumber, sheet.Code); v != "" {
			switch path, taken := dir.numbers[v]; {
			case !numberRE.MatchString(v):
				fail(ColNumber, v, "编号只能由字母、数字和 _ . - 组成,且不超过 64 个字符")
			case seen[v] != 0:
				fail(ColNumber, v, fmt.Sprintf("编号与第%d行重复", seen[v]))
			case taken && !p.Scope.Contains(path):
				fail(ColNumber, v, "编号已被您管辖范围以外的整改事项使用")
			case taken:
				r.exists = true
			}
			if seen[v] == 0 {
				seen[v] = rec.row
			}
			r.number = v
		}
		if !bad {
			out = append(out, r)
		}
	}
	if len(ls.recs) == 0 {
		rep.Errors = append(rep.Errors, RowError{Message: "整改台账中没有数据行"})
	}
	return out, nil
}
