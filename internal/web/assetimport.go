package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/catalog"
	"github.com/jianfu-gov/jianfu/internal/catalogio"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/tz"
)

// catalogStaging marks staged inventory files apart from organisation files.
const catalogStaging = "catalog:"

type assetImportData struct {
	Report   *catalogio.Report
	Staging  string
	Filename string
	HasError bool
	Sheets   []catalogio.Sheet
}

func (s *Server) assetImportForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "assets_import", view{Title: "导入清单", Active: "assets", Data: assetImportData{Sheets: catalogio.Sheets}})
}

// assetImportUpload checks a new file in a rolled-back transaction and stages it, or applies a
// staged file the user confirmed; the same two steps as the organisation import.
func (s *Server) assetImportUpload(w http.ResponseWriter, r *http.Request) {
	c := httpx.CallerFrom(r.Context())
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		s.assetImportError(w, r, errs.E(errs.Invalid, "请选择要上传的文件"))
		return
	}
	id := r.PostFormValue("staging")
	var filename, sheet string
	var content []byte
	var err error
	if id != "" {
		var kind string
		filename, kind, content, err = s.staged(r.Context(), id, c.User.ID)
		if err == nil && !strings.HasPrefix(kind, catalogStaging) {
			err = errs.E(errs.NotFound, "待导入的文件已过期,请重新上传")
		}
		sheet = strings.TrimPrefix(kind, catalogStaging)
	} else {
		filename, content, err = readUpload(r)
		sheet = r.PostFormValue("sheet")
	}
	if err != nil {
		s.assetImportError(w, r, err)
		return
	}
	opt := catalogio.Options{DryRun: id == "", ValidOnly: r.PostFormValue("valid_only") == "on"}
	report, err := s.runAssetImport(r.Context(), c.Principal(), filename, sheet, content, opt)
	if report == nil || err != nil && !errs.Is(err, errs.Invalid) {
		s.assetImportError(w, r, err)
		return
	}
	d := assetImportData{Report: report, Filename: filename, HasError: len(report.Errors) > 0}
	status := http.StatusOK
	switch {
	case id == "":
		if d.Staging, err = s.stage(r.Context(), c.User.ID, filename, catalogStaging+sheet, content); err != nil {
			s.fail(w, r, err)
			return
		}
	case err != nil:
		d.Staging, status = id, httpx.Status(err)
	default:
		s.DB.ExecContext(r.Context(), `DELETE FROM import_staging WHERE id = $1`, id)
	}
	s.render(w, r, status, "assets_import", view{Title: "导入清单", Active: "assets", Error: errText(err), Data: d})
}

func (s *Server) runAssetImport(ctx context.Context, p org.Principal, filename, sheet string, content []byte, opt catalogio.Options) (*catalogio.Report, error) {
	var wb *catalogio.Workbook
	var err error
	switch strings.ToLower(path.Ext(filename)) {
	case ".xlsx":
		wb, err = catalogio.ParseXLSX(bytes.NewReader(content), MaxUpload)
	case ".csv":
		sh, serr := catalogio.ParseSheet(sheet)
		if serr != nil || sheet == "" {
			return nil, errs.Field("sheet", "CSV 文件请选择内容:应用、公众号、群组或群成员")
		}
		wb, err = catalogio.ParseCSV(bytes.NewReader(content), sh, MaxUpload)
	default:
		return nil, errs.Field("file", "只支持 .xlsx 或 .csv 文件")
	}
	if err != nil {
		return nil, err
	}
	return catalogio.Import(ctx, s.DB, p, wb, opt)
}

func (s *Server) assetImportError(w http.ResponseWriter, r *http.Request, err error) {
	s.formError(w, r, "assets_import", view{Title: "导入清单", Active: "assets", Data: assetImportData{Sheets: catalogio.Sheets}}, err)
}

// assetExport sends the inventory in the caller's scope: a workbook of the chosen kinds (all by
// default, with the member sheet when groups are in it) or one sheet as CSV.
func (s *Server) assetExport(w http.ResponseWriter, r *http.Request) {
	p := httpx.CallerFrom(r.Context()).Principal()
	q := r.URL.Query()
	var kinds []catalog.Kind
	if k := q.Get("kind"); k != "" {
		kind, err := catalog.ParseKind(k)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		kinds = []catalog.Kind{kind}
	}
	name := "清单_" + time.Now().In(tz.Shanghai).Format("20060102")
	var buf bytes.Buffer
	var err error
	switch q.Get("format") {
	case "", "xlsx":
		err = catalogio.ExportXLSX(r.Context(), s.DB, p, &buf, kinds...)
		name += ".xlsx"
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	case "csv":
		var sheet catalogio.Sheet
		if sheet, err = catalogio.ParseSheet(q.Get("sheet")); err == nil {
			err = catalogio.ExportCSV(r.Context(), s.DB, p, &buf, sheet)
			name = sheet.Label() + "_" + time.Now().In(tz.Shanghai).Format("20060102") + ".csv"
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		}
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
