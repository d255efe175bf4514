package api

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jianfu-gov/jianfu/internal/auth"
	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/httpx"
	"github.com/jianfu-gov/jianfu/internal/org"
	"github.com/jianfu-gov/jianfu/internal/orgio"
)

// The media types of the two file formats.
const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	csvType  = "text/csv"
)

// importReport is orgio's report narrowed to the kind the path names, so that a client reads
// one set of counts. When rows have errors and nothing was written it also carries the uniform
// error member, so a client that only looks for "error" still sees the failure.
type importReport struct {
	Kind      orgio.Kind         `json:"kind"`
	Rows      int                `json:"rows"`
	Created   int                `json:"created"`
	Updated   int                `json:"updated"`
	Unchanged int                `json:"unchanged"`
	Failed    int                `json:"failed"`
	Errors    []orgio.RowError   `json:"errors"`
	DryRun    bool               `json:"dry_run"`
	Written   bool               `json:"written"`
	Error     *httpx.ErrorDetail `json:"error,omitempty"`
}

// pathKind reads {kind}: units or people.
func pathKind(r *http.Request) (orgio.Kind, error) {
	switch k := orgio.Kind(r.PathValue("kind")); k {
	case orgio.Units, orgio.People:
		return k, nil
	}
	return "", errs.Field("kind", "数据类型应为 units(单位)或 people(人员)")
}

// queryBool reads an optional boolean query parameter.
func queryBool(r *http.Request, name string, def bool) (bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, errs.Field(name, "参数 "+name+" 应为 true 或 false")
	}
	return b, nil
}

// writePerm is the permission an import of kind needs.
func writePerm(k orgio.Kind) org.Perm {
	if k == orgio.Units {
		return org.PermUnitsWrite
	}
	return org.PermPeopleWrite
}

func (a *API) importOrg(w http.ResponseWriter, r *http.Request) error {
	kind, err := pathKind(r)
	if err != nil {
		return err
	}
	// Imports write; a client must ask for it explicitly, so that a forgotten parameter only
	// ever checks a file.
	dryRun, err := queryBool(r, "dry_run", true)
	if err != nil {
		return err
	}
	validOnly, err := queryBool(r, "valid_only", false)
	if err != nil {
		return err
	}
	p := principal(r)
	// org refuses each row without the permission too, but then the caller would get one row
	// error per row after the server had parsed up to 20 MiB for nothing.
	if err := p.Require(writePerm(kind)); err != nil {
		return err
	}
	wb, err := parseUpload(r, kind)
	if err != nil {
		return err
	}
	rep, err := orgio.Import(r.Context(), a.DB, p, wb, orgio.Options{DryRun: dryRun, ValidOnly: validOnly})
	if err != nil && (rep == nil || !errs.Is(err, errs.Invalid)) {
		return err
	}
	out := narrowReport(rep, kind)
	if err != nil {
		// Rows have errors and nothing was written: the report is the answer, with the
		// uniform error member beside it.
		out.Error = &httpx.ErrorDetail{Code: "invalid", Message: fmt.Sprintf("文件中有 %d 处错误,未导入任何数据", len(out.Errors))}
		httpx.WriteJSON(w, http.StatusBadRequest, out)
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// parseUpload reads the request body as the file it says it is. For a workbook only the sheet of
// kind is kept: the path names what is imported, and people of a units sheet in the same file
// must not be written by a units import (nor the reverse).
func parseUpload(r *http.Request, kind orgio.Kind) (*orgio.Workbook, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		mt = ""
	}
	var wb *orgio.Workbook
	switch mt {
	case xlsxType:
		wb, err = orgio.ParseXLSX(r.Body, MaxUpload)
	case csvType:
		wb, err = orgio.ParseCSV(r.Body, kind, MaxUpload)
	default:
		return nil, errs.Field("Content-Type", "请求体应为 Excel 文件("+xlsxType+")或 CSV 文件("+csvType+"),直接作为请求体上传")
	}
	if err != nil {
		return nil, err
	}
	if !wb.Has(kind) {
		return nil, errs.Field("file", "文件中没有"+kind.Label()+"表(工作表名应为“"+kind.Label()+"”)")
	}
	var keep []orgio.RowError
	for _, e := range wb.Errors {
		if e.Kind == kind {
			keep = append(keep, e)
		}
	}
	wb.Errors = keep
	if kind == orgio.Units {
		wb.People = nil
	} else {
		wb.Units = nil
	}
	return wb, nil
}

func narrowReport(rep *orgio.Report, kind orgio.Kind) importReport {
	c := rep.Units
	if kind == orgio.People {
		c = rep.People
	}
	out := importReport{Kind: kind, Rows: c.Rows, Created: c.Created, Updated: c.Updated, Unchanged: c.Unchanged,
		Failed: c.Failed, Errors: []orgio.RowError{}, DryRun: rep.DryRun, Written: rep.Written}
	for _, e := range rep.Errors {
		if e.Kind == kind {
			out.Errors = append(out.Errors, e)
		}
	}
	return out
}

func (a *API) exportOrg(w http.ResponseWriter, r *http.Request) error {
	kind, err := pathKind(r)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "xlsx"
	}
	// The file is built in memory first, so that a failure half-way is still a JSON error and
	// not a truncated download.
	var buf bytes.Buffer
	var ctype string
	switch format {
	case "xlsx":
		ctype = xlsxType
		err = orgio.ExportXLSX(r.Context(), a.DB, principal(r), &buf, kind)
	case "csv":
		ctype = csvType + "; charset=utf-8"
		err = orgio.ExportCSV(r.Context(), a.DB, principal(r), &buf, kind)
	default:
		return errs.Field("format", "参数 format 应为 xlsx 或 csv")
	}
	if err != nil {
		return err
	}
	day := time.Now().In(auth.Shanghai).Format("20060102")
	name := fmt.Sprintf("%s-%s.%s", kind.Label(), day, format) // 单位-20260102.xlsx
	ascii := fmt.Sprintf("%s-%s.%s", kind, day, format)        // for clients that ignore filename*
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, encodeRFC5987(name)))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	buf.WriteTo(w)
	return nil
}

// encodeRFC5987 percent-encodes s for a filename* parameter: every byte but RFC 5987's
// attr-chars.
func encodeRFC5987(s string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attr, c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
