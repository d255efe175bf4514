package web_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/orgio"
	"github.com/jianfu-gov/jianfu/internal/store"
)

// workbook builds an XLSX the way the bureau's 台账 look: a 单位 sheet and a 人员 sheet with
// orgio's Chinese headers, and the given people rows under the header.
func workbook(t *testing.T, people ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "单位"))
	must(f.SetSheetRow("单位", "A1", &[]any{orgio.ColUnitCode, orgio.ColUnitName, orgio.ColUnitKind, orgio.ColParentCode, orgio.ColSortOrder}))
	_, err := f.NewSheet("人员")
	must(err)
	must(f.SetSheetRow("人员", "A1", &[]any{orgio.ColPersonCode, orgio.ColPersonName, orgio.ColPersonUnit, orgio.ColPost, orgio.ColStatus, orgio.ColLeftOn}))
	for i, row := range people {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		must(err)
		must(f.SetSheetRow("人员", cell, &row))
	}
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

var stagingRE = regexp.MustCompile(`name="staging" value="([0-9a-f]+)"`)

func (fx *fixture) personExists(t *testing.T, code string) (org.Person, bool) {
	t.Helper()
	p, err := fx.st.PersonByCode(context.Background(), org.System, code)
	return p, err == nil
}

func (fx *fixture) testImport(t *testing.T) {
	admin, office := fx.as(t, "admin"), fx.as(t, "office")
	file := workbook(t,
		[]any{"T-IMP-001", "导入甲", fx.stationC.Code, "消防员", "在职", ""},
		[]any{"T-IMP-002", "导入乙", "NO-SUCH-UNIT", "消防员", "在职", ""},
	)

	var staging string
	t.Run("a file with a bad row is checked, listed by row and staged", func(t *testing.T) {
		before := fx.tally(t)
		r := admin.upload(t, map[string]string{"kind": ""}, "花名册.xlsx", file)
		if r.Status != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", r.Status, text(r.Body))
		}
		for _, want := range []string{"检查结果(尚未写入)", "人员表第 3 行", "NO-SUCH-UNIT", `id="valid_only"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("report lacks %q: %s", want, text(r.Body))
			}
		}
		if strings.Contains(r.Body, "人员表第 2 行") {
			t.Errorf("the good row 2 is reported as an error: %s", text(r.Body))
		}
		m := stagingRE.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no staging form: %s", text(r.Body))
		}
		staging = m[1]
		if after := fx.tally(t); after != before {
			t.Errorf("the check wrote: before %+v, after %+v", before, after)
		}
	})
	if staging == "" {
		t.FailNow()
	}

	t.Run("another user cannot apply the staged file", func(t *testing.T) {
		before := fx.tally(t)
		r := office.upload(t, map[string]string{"staging": staging, "valid_only": "on"}, "", nil)
		if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "已过期") {
			t.Errorf("status %d, want 404 with 已过期: %s", r.Status, text(r.Body))
		}
		if after := fx.tally(t); after != before {
			t.Errorf("wrote: before %+v, after %+v", before, after)
		}
	})

	t.Run("confirming without valid_only writes nothing", func(t *testing.T) {
		before := fx.tally(t)
		r := admin.upload(t, map[string]string{"staging": staging}, "", nil)
		if r.Status != http.StatusBadRequest {
			t.Errorf("status %d, want 400: %s", r.Status, text(r.Body))
		}
		if !strings.Contains(r.Body, "人员表第 3 行") {
			t.Errorf("the refusal does not name the bad row: %s", text(r.Body))
		}
		if after := fx.tally(t); after != before {
			t.Errorf("wrote: before %+v, after %+v", before, after)
		}
		if _, ok := fx.personExists(t, "T-IMP-001"); ok {
			t.Error("the good row was written although the file has an error")
		}
		// The file stays staged, so the user can still choose to import the valid rows.
		if !strings.Contains(r.Body, `name="staging" value="`+staging+`"`) {
			t.Errorf("the staging form is gone after a refused confirmation")
		}
	})

	t.Run("confirming with valid_only writes the good row only", func(t *testing.T) {
		before := fx.tally(t)
		r := admin.upload(t, map[string]string{"staging": staging, "valid_only": "on"}, "", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("status %d, want 200: %s", r.Status, text(r.Body))
		}
		if !strings.Contains(r.Body, "导入结果(已写入)") {
			t.Errorf("page does not say the import was written: %s", text(r.Body))
		}
		p, ok := fx.personExists(t, "T-IMP-001")
		if !ok {
			t.Fatal("the good row was not written")
		}
		if p.UnitID != fx.stationC.ID || p.Name != "导入甲" || p.Post != "消防员" || p.Status != org.Active {
			t.Errorf("imported as %+v", p)
		}
		if _, ok := fx.personExists(t, "T-IMP-002"); ok {
			t.Error("the bad row was written")
		}
		after := fx.tally(t)
		if after.People != before.People+1 || after.Units != before.Units || after.Audit <= before.Audit {
			t.Errorf("before %+v, after %+v: want one more person and its audit entry", before, after)
		}
		// Applied files leave staging: confirming again finds nothing.
		r = admin.upload(t, map[string]string{"staging": staging, "valid_only": "on"}, "", nil)
		if r.Status != http.StatusNotFound {
			t.Errorf("second confirmation: status %d, want 404", r.Status)
		}
	})

	t.Run("a file staged more than a day ago has expired", func(t *testing.T) {
		r := admin.upload(t, nil, "花名册.xlsx", workbook(t, []any{"T-IMP-OLD", "过期", fx.stationC.Code, "消防员", "在职", ""}))
		m := stagingRE.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no staging form: %d %s", r.Status, text(r.Body))
		}
		if _, err := fx.db.ExecContext(context.Background(), `UPDATE import_staging SET created_at = $1 WHERE id = $2`,
			store.Now().Add(-25*time.Hour), m[1]); err != nil {
			t.Fatal(err)
		}
		before := fx.tally(t)
		r = admin.upload(t, map[string]string{"staging": m[1]}, "", nil)
		if _, ok := fx.personExists(t, "T-IMP-OLD"); ok && r.Status == http.StatusOK {
			t.Fatal("a staged file older than a day was applied")
		}
		if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "已过期") {
			t.Errorf("status %d, want 404 with 已过期: %s", r.Status, text(r.Body))
		}
		if after := fx.tally(t); after != before {
			t.Errorf("wrote: before %+v, after %+v", before, after)
		}
	})

	t.Run("a text file named .xlsx is refused as not Excel", func(t *testing.T) {
		content, err := os.ReadFile(filepath.Join("testdata", "not_excel.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		before := fx.tally(t)
		r := admin.upload(t, nil, "人员名单.xlsx", content)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "不是有效的 Excel") {
			t.Errorf("status %d, want 400 with 不是有效的 Excel: %s", r.Status, text(r.Body))
		}
		if after := fx.tally(t); after != before {
			t.Errorf("wrote: before %+v, after %+v", before, after)
		}
	})

	t.Run("a file of another type is refused", func(t *testing.T) {
		r := admin.upload(t, nil, "名单.pdf", []byte("%PDF-1.4"))
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "只支持 .xlsx 或 .csv 文件") {
			t.Errorf("status %d, want 400 with 只支持 .xlsx 或 .csv 文件: %s", r.Status, text(r.Body))
		}
	})

	t.Run("a CSV without its kind is refused", func(t *testing.T) {
		r := admin.upload(t, map[string]string{"kind": ""}, "名单.csv", []byte("工号,姓名,所属单位编码\n"))
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "CSV 文件请选择内容类型") {
			t.Errorf("status %d, want 400 with CSV 文件请选择内容类型: %s", r.Status, text(r.Body))
		}
	})

	t.Run("a post without a file is refused", func(t *testing.T) {
		r := admin.upload(t, nil, "", nil)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "请选择要上传的文件") {
			t.Errorf("status %d, want 400 with 请选择要上传的文件: %s", r.Status, text(r.Body))
		}
	})

	t.Run("a 21 MiB upload is refused with 413", func(t *testing.T) {
		before := fx.tally(t)
		staged := fx.count(t, `SELECT count(*) FROM import_staging`)
		r := admin.upload(t, nil, "big.xlsx", bytes.Repeat([]byte("x"), 21<<20))
		if r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413: %s", r.Status, text(r.Body))
		}
		if after := fx.tally(t); after != before {
			t.Errorf("wrote: before %+v, after %+v", before, after)
		}
		if n := fx.count(t, `SELECT count(*) FROM import_staging`); n != staged {
			t.Errorf("an oversized upload was staged")
		}
	})

	t.Run("a liaison's import of another 大队's person is an error row", func(t *testing.T) {
		liaison := fx.as(t, "liaison")
		before := fx.tally(t)
		r := liaison.upload(t, nil, "花名册.xlsx", workbook(t, []any{"T-IMP-003", "越界", fx.stationB.Code, "消防员", "在职", ""}))
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "人员表第 2 行") {
			t.Errorf("status %d, want 200 listing 人员表第 2 行: %s", r.Status, text(r.Body))
		}
		// The code is the user's own input; nothing else of the other 大队 may show, such as
		// the name of the unit the code belongs to.
		for _, l := range leaks(r.Body, fx.subtree(t, fx.brigadeB), fx.subtree(t, fx.brigadeA), fx.users["liaison"].DisplayName) {
			if l != "code "+fx.stationB.Code {
				t.Errorf("the report shows the other 大队's %s", l)
			}
		}
		if after := fx.tally(t); after != before {
			t.Errorf("wrote: before %+v, after %+v", before, after)
		}
	})
}
