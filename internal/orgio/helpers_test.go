package orgio

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/sheet"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// seedOrg builds a small bureau through org, as the application would, and returns unit ids by
// code.
func seedOrg(t *testing.T, db *store.DB) map[string]org.Unit {
	t.Helper()
	ctx := context.Background()
	s := &org.Store{DB: db}
	units := []org.UnitInput{
		{Code: "510000", Name: "四川省消防救援总队", Kind: org.Corps},
		{Code: "510001", Name: "办公室", Kind: org.Department, ParentCode: "510000", SortOrder: 1},
		{Code: "510100", Name: "成都市消防救援支队", Kind: org.Detachment, ParentCode: "510000", SortOrder: 2},
		{Code: "510101", Name: "锦江区大队", Kind: org.Brigade, ParentCode: "510100"},
		{Code: "51010101", Name: "春熙路消防救援站", Kind: org.Station, ParentCode: "510101"},
		{Code: "510200", Name: "绵阳市消防救援支队", Kind: org.Detachment, ParentCode: "510000", SortOrder: 3},
	}
	out := map[string]org.Unit{}
	for _, in := range units {
		u, err := s.CreateUnit(ctx, org.System, in)
		storetest.Must(t, err)
		out[u.Code] = u
	}
	people := []org.PersonInput{
		{Code: "1001", Name: "张伟", UnitCode: "510001", Post: "主任"},
		{Code: "1002", Name: "李娜", UnitCode: "510100", Post: "支队长"},
		{Code: "1003", Name: "王强", UnitCode: "51010101", Post: "站长", Status: org.Left, LeftOn: "2023-06-30"},
		{Code: "0042", Name: "陈静", UnitCode: "510101"},
		{Code: "2001", Name: "刘洋", UnitCode: "510200", Post: "=SUM(1,2)"},
	}
	for _, in := range people {
		_, err := s.CreatePerson(ctx, org.System, in)
		storetest.Must(t, err)
	}
	return out
}

// liaison is a 单位联络员 whose scope is the subtree of u.
func liaison(u org.Unit) org.Principal {
	return org.Principal{UserID: 0, Name: "联络员", Roles: []org.Role{org.RoleLiaison}, Scope: org.Scope{UnitID: u.ID, Path: u.Path}}
}

// freshDB is another empty database on the same engine as db.
func freshDB(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	if db.Engine == store.Postgres {
		return storetest.Postgres(t)
	}
	return storetest.SQLite(t)
}

// dump is the organisation as stable text, one line per unit and person, for comparing two
// databases whose ids differ.
func dump(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	rows, err := db.QueryContext(ctx, `SELECT u.code, u.name, u.kind, COALESCE(p.code, ''), u.sort_order
		FROM units u LEFT JOIN units p ON p.id = u.parent_id`)
	storetest.Must(t, err)
	for rows.Next() {
		var code, name, kind, parent string
		var sortOrder int
		storetest.Must(t, rows.Scan(&code, &name, &kind, &parent, &sortOrder))
		lines = append(lines, fmt.Sprintf("unit %s %s %s parent=%s sort=%d", code, name, kind, parent, sortOrder))
	}
	storetest.Must(t, rows.Err())
	rows.Close()
	people, _, err := (&org.Store{DB: db}).People(ctx, org.System, org.PersonFilter{Page: org.Page{Limit: org.MaxPage}})
	storetest.Must(t, err)
	for _, x := range people {
		left := ""
		if x.LeftOn != nil {
			left = x.LeftOn.Format("2006-01-02")
		}
		lines = append(lines, fmt.Sprintf("person %s %s unit=%s post=%s %s %s", x.Code, x.Name, x.UnitCode, x.Post, x.Status, left))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// counts is how many units, people and audit entries the database holds: what "nothing was
// written" is checked against.
type counts struct{ units, people, audit int }

func count(t *testing.T, db *store.DB) counts {
	t.Helper()
	var c counts
	err := db.QueryRowContext(context.Background(), `SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM people),
		(SELECT count(*) FROM audit_log)`).Scan(&c.units, &c.people, &c.audit)
	storetest.Must(t, err)
	return c
}

func exportXLSX(t *testing.T, db *store.DB, p org.Principal, kinds ...Kind) []byte {
	t.Helper()
	var b bytes.Buffer
	storetest.Must(t, ExportXLSX(context.Background(), db, p, &b, kinds...))
	return b.Bytes()
}

func parseXLSX(t *testing.T, data []byte) *Workbook {
	t.Helper()
	wb, err := ParseXLSX(bytes.NewReader(data), DefaultMaxBytes)
	if err != nil {
		t.Fatalf("ParseXLSX: %v", err)
	}
	return wb
}

func parseCSV(t *testing.T, kind Kind, text string) *Workbook {
	t.Helper()
	wb, err := ParseCSV(strings.NewReader(text), kind, DefaultMaxBytes)
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	return wb
}

// rawSheet is a worksheet written as XML by hand, for cells that excelize itself would not
// produce: formulas with cached values, numbers stored in exponent form, odd date formats.
type rawSheet struct {
	name string
	rows string // the <row> elements of <sheetData>
}

// buildXLSX assembles a minimal workbook. Style 1 is a date (numFmt 14), style 2 shows numbers
// with five digits ("00000"), style 3 is General.
func buildXLSX(t testing.TB, date1904 bool, sheets ...rawSheet) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	put := func(name, body string) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + body))
	}
	var overrides, wbSheets, rels strings.Builder
	for i, s := range sheets {
		n := i + 1
		fmt.Fprintf(&overrides, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&wbSheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, s.name, n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", n), `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+s.rows+`</sheetData></worksheet>`)
	}
	put("[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
		`<Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`+
		overrides.String()+`</Types>`)
	put("_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	put("xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
		pr+`<sheets>`+wbSheets.String()+`</sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels.String()+
		fmt.Sprintf(`<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, len(sheets)+1)+
		`</Relationships>`)
	put("xl/styles.xml", `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+
		`<numFmts count="1"><numFmt numFmtId="164" formatCode="00000"/></numFmts>`+
		`<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>`+
		`<fills count="1"><fill><patternFill patternType="none"/></fill></fills>`+
		`<borders count="1"><border/></borders>`+
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>`+
		`<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>`+
		`<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`+
		`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`+
		`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>`)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// row writes one <row> of inline-string cells; cells may be given raw with a leading "<".
func row(n int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		ref := fmt.Sprintf("%s%d", sheet.ColumnLetter(i), n)
		switch {
		case c == "":
		case strings.HasPrefix(c, "<"):
			b.WriteString(strings.ReplaceAll(c, "REF", ref))
		default:
			fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, xmlEscape(c))
		}
	}
	b.WriteString(`</row>`)
	return b.String()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// wantRowError fails unless errs holds a problem at (kind, row, column).
func wantRowError(t *testing.T, list []RowError, kind Kind, row int, column string) {
	t.Helper()
	for _, e := range list {
		if e.Kind == kind && e.Row == row && e.Column == column {
			return
		}
	}
	t.Errorf("no error at %s row %d column %q; got %v", kind, row, column, list)
}
