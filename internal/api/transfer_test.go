package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/store/storetest"
)

// TestImport checks the import's promises: a dry run by default that writes nothing, all or
// nothing unless valid_only, idempotence, and only the sheet the path names.
func TestImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fx := newFixture(t, db)
		ctx := context.Background()
		exists := func(code string) bool {
			var n int
			storetest.Must(t, db.QueryRowContext(ctx, `SELECT count(*) FROM people WHERE code = $1`, code).Scan(&n))
			return n > 0
		}
		upload := func(key, path, file, ct string) (*importReport, int) {
			t.Helper()
			rec := fx.do(t, key, bySession, req{method: "POST", path: path, body: testdata(file)(fx, key), contentType: ct})
			var rep importReport
			if rec.Code == 200 || strings.Contains(rec.Body.String(), `"errors"`) {
				decode(t, rec, &rep)
			}
			return &rep, rec.Code
		}

		before := auditLen(t, db)
		rep, code := upload("liaisonA", "/api/v1/import/people", "people.csv", "text/csv; charset=utf-8")
		if code != 200 || !rep.DryRun || rep.Written || rep.Created != 1 || exists("P-A1-8") || auditLen(t, db) != before {
			t.Fatalf("default dry run: %d %+v", code, rep)
		}
		rep, code = upload("liaisonA", "/api/v1/import/people?dry_run=false", "people.csv", "text/csv")
		if code != 200 || rep.DryRun || !rep.Written || rep.Created != 1 || rep.Updated != 1 || !exists("P-A1-8") {
			t.Fatalf("import: %d %+v", code, rep)
		}
		rep, code = upload("liaisonA", "/api/v1/import/people?dry_run=false", "people.csv", "text/csv")
		if code != 200 || rep.Unchanged != 2 || rep.Created+rep.Updated != 0 {
			t.Errorf("same file again: %d %+v", code, rep)
		}

		// A file with bad rows: nothing is written, and every problem is reported with its row.
		before = auditLen(t, db)
		rep, code = upload("liaisonA", "/api/v1/import/people?dry_run=false", "people_bad.csv", "text/csv")
		if code != http.StatusBadRequest || rep.Written || rep.Error == nil || rep.Error.Code != "invalid" || len(rep.Errors) < 2 || rep.Failed != 2 {
			t.Fatalf("bad file: %d %+v", code, rep)
		}
		for _, e := range rep.Errors {
			if e.Row < 2 || e.Message == "" || e.Kind != "people" {
				t.Errorf("row error without place or reason: %+v", e)
			}
		}
		if exists("P-A1-7") || auditLen(t, db) != before {
			t.Errorf("a file with errors wrote something")
		}
		// valid_only imports the good row and reports the rest.
		rep, code = upload("liaisonA", "/api/v1/import/people?dry_run=false&valid_only=true", "people_bad.csv", "text/csv")
		if code != 200 || !rep.Written || rep.Created != 1 || rep.Failed != 2 || len(rep.Errors) < 2 || !exists("P-A1-7") {
			t.Errorf("valid rows only: %d %+v", code, rep)
		}

		// A units import reads only the units sheet of a workbook that also has people.
		rep, code = upload("admin", "/api/v1/import/units?dry_run=false", "units.xlsx", xlsxType)
		if code != 200 || rep.Kind != "units" || rep.Created != 1 || rep.Unchanged != 1 || exists("P-XL-1") {
			t.Errorf("units workbook: %d %+v", code, rep)
		}
		if _, err := fx.api.Org.UnitByCode(ctx, org.System, "ZA-2"); err != nil {
			t.Errorf("imported unit: %v", err)
		}
		// …and a people import of that workbook reads its people sheet.
		rep, code = upload("admin", "/api/v1/import/people", "units.xlsx", xlsxType)
		if code != 200 || rep.Kind != "people" || rep.Rows != 1 || rep.Created != 1 {
			t.Errorf("people sheet of the workbook: %d %+v", code, rep)
		}
		// A CSV of units is not a people file.
		if _, code = upload("admin", "/api/v1/import/units", "people.csv", "text/csv"); code != http.StatusBadRequest {
			t.Errorf("people CSV imported as units: %d", code)
		}
	})
}

// TestTransferBadInput checks the import's and export's own parameters and limits.
func TestTransferBadInput(t *testing.T) {
	fx := newFixture(t, storetest.SQLite(t))
	big := make([]byte, MaxUpload+10)
	cases := []struct {
		name   string
		r      req
		status int
		field  string
	}{
		{"unknown kind", req{method: "POST", path: "/api/v1/import/cars", body: "x", contentType: "text/csv"}, 400, "kind"},
		{"dry_run not a boolean", req{method: "POST", path: "/api/v1/import/people?dry_run=maybe", body: "x", contentType: "text/csv"}, 400, "dry_run"},
		{"valid_only not a boolean", req{method: "POST", path: "/api/v1/import/people?valid_only=2", body: "x", contentType: "text/csv"}, 400, "valid_only"},
		{"JSON body", req{method: "POST", path: "/api/v1/import/people", body: map[string]string{"a": "b"}}, 400, "Content-Type"},
		{"no content type", req{method: "POST", path: "/api/v1/import/people", body: "工号,姓名"}, 400, "Content-Type"},
		{"not a workbook", req{method: "POST", path: "/api/v1/import/units", body: "PK not really", contentType: xlsxType}, 400, ""},
		{"empty CSV", req{method: "POST", path: "/api/v1/import/people", body: "", contentType: "text/csv"}, 400, ""},
		{"over 20 MiB", req{method: "POST", path: "/api/v1/import/people", body: big, contentType: "text/csv"}, 413, ""},
		{"export format pdf", req{method: "GET", path: "/api/v1/export/units?format=pdf"}, 400, "format"},
		{"export unknown kind", req{method: "GET", path: "/api/v1/export/cars"}, 400, "kind"},
	}
	for _, c := range cases {
		before := auditLen(t, fx.db)
		rec := fx.do(t, "admin", bySession, c.r)
		if rec.Code != c.status {
			t.Errorf("%s: %d, want %d: %.300s", c.name, rec.Code, c.status, rec.Body)
			continue
		}
		if e := errorOf(t, rec); e.Field != c.field {
			t.Errorf("%s: field %q, want %q (%s)", c.name, e.Field, c.field, e.Message)
		}
		if auditLen(t, fx.db) != before {
			t.Errorf("%s: something was written", c.name)
		}
	}
	// The default export is a workbook named in Chinese.
	rec := fx.do(t, "admin", bySession, req{method: "GET", path: "/api/v1/export/people"})
	if rec.Header().Get("Content-Type") != xlsxType || !strings.Contains(rec.Header().Get("Content-Disposition"), `filename="people-`) {
		t.Errorf("export headers: %v", rec.Header())
	}
	if got := encodeRFC5987("人员-20260102.xlsx"); got != "%E4%BA%BA%E5%91%98-20260102.xlsx" {
		t.Errorf("encodeRFC5987 = %s", got)
	}
}
