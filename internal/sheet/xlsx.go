package sheet

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

// CheckXLSX refuses, with errs.Invalid, data that does not start like an XLSX file (a zip):
// an old .xls or an encrypted workbook gets a message of its own.
func CheckXLSX(data []byte) error {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return errs.E(errs.Invalid, "这是旧版 Excel(.xls)文件或加密的文件,请在 Excel 中另存为不加密的 .xlsx 文件后再导入")
	}
	return NotXLSX(nil)
}

// NotXLSX is the errs.Invalid error for a file that cannot be read as a workbook.
func NotXLSX(cause error) error {
	return errs.Wrap(errs.Invalid, "文件不是有效的 Excel(.xlsx)文件", cause)
}

// unzipLimit bounds what a workbook may expand to in memory. Sheet XML compresses about tenfold,
// so this admits any honest file under maxBytes and stops a zip bomb early.
func unzipLimit(maxBytes int64) int64 {
	return min(max(10*maxBytes, 16<<20), 512<<20)
}

// OpenXLSX opens a workbook uploaded with the limit maxBytes (0 or less for DefaultMaxBytes),
// held in memory, and says whether its dates count from 1904. A workbook that would expand
// beyond what such an upload honestly holds fails with errs.TooLarge, one that is not a
// workbook with errs.Invalid. The caller closes f. excelize is a large parser fed untrusted
// uploads: callers recover from its panics around OpenXLSX and their reading of f.
func OpenXLSX(data []byte, maxBytes int64) (f *excelize.File, date1904 bool, err error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	limit := unzipLimit(maxBytes)
	// Both limits equal keeps every part in memory: no temporary files to clean up.
	f, err = excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: limit})
	if err != nil {
		// excelize has no sentinel for this one; its message is the only way to tell a zip
		// bomb from a broken file.
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, false, errs.Wrap(errs.TooLarge, "Excel 文件解压后过大", err)
		}
		return nil, false, NotXLSX(err)
	}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	return f, date1904, nil
}

// Styles are the cell styles of an export.
type Styles struct {
	Header int // bold on a light fill, bordered, centred
	Text   int // "@" (text) format, so Excel keeps codes like 00123 as typed
	Date   int // yyyy-mm-dd
}

// NewStyles adds the export styles to f. wrapHeader wraps long header names within their
// column instead of letting them run over.
func NewStyles(f *excelize.File, wrapHeader bool) (Styles, error) {
	var st Styles
	var err error
	border := []excelize.Border{{Type: "left", Color: "9BC2E6", Style: 1}, {Type: "right", Color: "9BC2E6", Style: 1},
		{Type: "top", Color: "9BC2E6", Style: 1}, {Type: "bottom", Color: "9BC2E6", Style: 1}}
	if st.Header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: wrapHeader},
	}); err != nil {
		return st, fmt.Errorf("sheet: header style: %w", err)
	}
	if st.Text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return st, fmt.Errorf("sheet: text style: %w", err)
	}
	dateFmt := "yyyy-mm-dd"
	if st.Date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return st, fmt.Errorf("sheet: date style: %w", err)
	}
	return st, nil
}

// WriteHeader writes the header row names, in style, as row 1 of a streamed sheet.
func WriteHeader(sw *excelize.StreamWriter, style int, names []string) error {
	header := make([]any, len(names))
	for i, n := range names {
		header[i] = excelize.Cell{StyleID: style, Value: n}
	}
	return sw.SetRow("A1", header, excelize.RowOpts{Height: 20})
}
