package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/orgio"
	"github.com/jianfu-gov/jianfu/internal/store"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// MaxUpload is the largest spreadsheet accepted.
const MaxUpload = 20 << 20

// stagingTTL is how long a checked upload waits for the user's confirmation.
const stagingTTL = 24 * time.Hour

type importData struct {
	Report   *orgio.Report
	Staging  string
	Filename string
	Applied  bool
	HasError bool
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "import", view{Title: "导入单位与人员", Active: "people", Data: importData{}})
}

// importUpload handles both steps: a new file is checked (a dry run inside a rolled-back
// transaction) and kept in staging; a confirmation applies the staged file.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) {
	// The body is already limited and parsed by the server's middleware and the CSRF check.
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.importError(w, r, errs.E(errs.TooLarge, fmt.Sprintf("文件超过 %d MB", MaxUpload>>20)))
			return
		}
		s.importError(w, r, errs.E(errs.Invalid, "请选择要上传的文件"))
		return
	}
	c := httpx.CallerFrom(r.Context())
	if id := r.PostFormValue("staging"); id != "" {
		s.importApply(w, r, c, id, r.PostFormValue("valid_only") == "on")
		return
	}
	filename, content, err := readUpload(r)
	if err != nil {
		s.importError(w, r, err)
		return
	}
	kind := r.PostFormValue("kind")
	report, err := s.runImport(r.Context(), c.Principal(), filename, kind, content, orgio.Options{DryRun: true})
	if report == nil || (err != nil && !errs.Is(err, errs.Invalid)) {
		s.importError(w, r, err)
		return
	}
	staging, serr := s.stage(r.Context(), c.User.ID, filename, kind, content)
	if serr != nil {
		s.fail(w, r, serr)
		return
	}
	s.render(w, r, http.StatusOK, "import", view{Title: "导入单位与人员", Active: "people",
		Data: importData{Report: report, Staging: staging, Filename: filename, HasError: len(report.Errors) > 0}})
}

func (s *Server) importApply(w http.ResponseWriter, r *http.Request, c *httpx.Caller, id string, validOnly bool) {
	filename, kind, content, err := s.staged(r.Context(), id, c.User.ID)
	if err != nil {
		s.importError(w, r, err)
		return
	}
	report, err := s.runImport(r.Context(), c.Principal(), filename, kind, content, orgio.Options{ValidOnly: validOnly})
	if err != nil && report == nil {
		s.importError(w, r, err)
		return
	}
	status := http.StatusOK
	if err != nil {
		status = httpx.Status(err)
	} else {
		s.DB.ExecContext(r.Context(), `DELETE FROM import_staging WHERE id = $1`, id)
	}
	s.render(w, r, status, "import", view{Title: "导入单位与人员", Active: "people", Error: errText(err),
		Data: importData{Report: report, Filename: filename, Applied: err == nil, Staging: stagingIf(err, id), HasError: len(report.Errors) > 0}})
}

func stagingIf(err error, id string) string {
	if err != nil {
		return id
	}
	return ""
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return httpx.Message(err)
}

// runImport parses content by its file name (.xlsx, or .csv with the kind the user chose) and
// imports it.
func (s *Server) runImport(ctx context.Context, p org.Principal, filename, kind string, content []byte, opt orgio.Options) (*orgio.Report, error) {
	var wb *orgio.Workbook
	var err error
	switch strings.ToLower(path.Ext(filename)) {
	case ".xlsx":
		wb, err = orgio.ParseXLSX(bytes.NewReader(content), MaxUpload)
	case ".csv":
		if kind != string(orgio.Units) && kind != string(orgio.People) {
			return nil, errs.Field("kind", "CSV 文件请选择内容类型:单位或人员")
		}
		wb, err = orgio.ParseCSV(bytes.NewReader(content), orgio.Kind(kind), MaxUpload)
	default:
		return nil, errs.Field("file", "只支持 .xlsx 或 .csv 文件")
	}
	if err != nil {
		return nil, err
	}
	return orgio.Import(ctx, s.DB, p, wb, opt)
}

func (s *Server) stage(ctx context.Context, userID int64, filename, kind string, content []byte) (string, error) {
	b := make([]byte, 16)
	rand.Read(b)
	id := hex.EncodeToString(b)
	now := store.Now()
	// Purging here keeps the table small without a separate job.
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM import_staging WHERE created_at < $1`, now.Add(-stagingTTL)); err != nil {
		return "", fmt.Errorf("web: purge staging: %w", err)
	}
	if _, err := s.DB.ExecContext(ctx, `INSERT INTO import_staging (id, user_id, filename, kind, content, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, userID, filename, kind, content, now); err != nil {
		return "", fmt.Errorf("web: stage import: %w", err)
	}
	return id, nil
}

// staged reads back a file the user uploaded and checked, while it has not expired.
func (s *Server) staged(ctx context.Context, id string, userID int64) (filename, kind string, content []byte, err error) {
	err = s.DB.QueryRowContext(ctx, `SELECT filename, kind, content FROM import_staging WHERE id = $1 AND user_id = $2 AND created_at >= $3`,
		id, userID, store.Now().Add(-stagingTTL)).Scan(&filename, &kind, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil, errs.E(errs.NotFound, "待导入的文件已过期,请重新上传")
	}
	if err != nil {
		return "", "", nil, fmt.Errorf("web: read staged import: %w", err)
	}
	return filename, kind, content, nil
}

// readUpload reads the uploaded file of a multipart form, refusing one over MaxUpload.
func readUpload(r *http.Request) (string, []byte, error) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, errs.Field("file", "请选择要上传的文件")
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, MaxUpload+1))
	if err != nil {
		return "", nil, errs.Wrap(errs.Invalid, "读取上传文件失败", err)
	}
	if len(content) > MaxUpload {
		return "", nil, errs.E(errs.TooLarge, fmt.Sprintf("文件超过 %d MB", MaxUpload>>20))
	}
	return hdr.Filename, content, nil
}

func (s *Server) importError(w http.ResponseWriter, r *http.Request, err error) {
	s.formError(w, r, "import", view{Title: "导入单位与人员", Active: "people", Data: importData{}}, err)
}

// export sends the units or people in the caller's scope as XLSX or CSV.
func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	kind := orgio.Kind(r.URL.Query().Get("kind"))
	if kind != orgio.Units && kind != orgio.People {
		s.fail(w, r, errs.Field("kind", "导出类型应为 units 或 people"))
		return
	}
	if kind == orgio.People && !p.Can(org.PermPeopleRead) {
		s.fail(w, r, errs.E(errs.Forbidden, "没有权限导出人员"))
		return
	}
	name := map[orgio.Kind]string{orgio.Units: "单位", orgio.People: "人员"}[kind] + "_" + time.Now().In(tz.Shanghai).Format("20060102")
	var buf bytes.Buffer
	var err error
	switch format := r.URL.Query().Get("format"); format {
	case "", "xlsx":
		err = orgio.ExportXLSX(r.Context(), s.DB, p, &buf, kind)
		name += ".xlsx"
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	case "csv":
		err = orgio.ExportCSV(r.Context(), s.DB, p, &buf, kind)
		name += ".csv"
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	default:
		err = errs.Field("format", "导出格式应为 xlsx 或 csv")
	}
	if err != nil {
		w.Header().Del("Content-Type")
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(buf.Bytes())
}
