package ingest

import (
	"bytes"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/jianfu-gov/jianfu/internal/errs"
)

// Format is the file format of an activity data file.
type Format string

// The formats Reader reads.
const (
	FormatNDJSON Format = "ndjson" // one JSON object a line
	FormatCSV    Format = "csv"    // comma- or tab-separated, with a header row
	FormatXLSX   Format = "xlsx"   // an Excel workbook, one sheet with a header row
)

// DetectFormat tells the format from the file name's extension, or, for a name without a known
// one (an HTTP body, a file called "export"), from its first bytes head: a zip is a workbook, a
// '{' starts NDJSON, other text is CSV. Binary data, an old .xls and UTF-16 text fail with
// errs.Invalid and a Chinese message.
func DetectFormat(filename string, head []byte) (Format, error) {
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".ndjson", ".jsonl", ".json":
		return FormatNDJSON, nil
	case ".csv", ".txt", ".tsv":
		return FormatCSV, nil
	case ".xlsx":
		return FormatXLSX, nil
	case ".xls":
		return "", errs.E(errs.Invalid, "不支持旧版 Excel(.xls)文件,请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return FormatXLSX, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", errs.E(errs.Invalid, "这是旧版 Excel(.xls)文件或加密的文件,请另存为不加密的 .xlsx 文件后再导入")
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return "", errs.E(errs.Invalid, "不支持 UTF-16 编码的文件,请另存为 UTF-8 编码")
	}
	text := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	if looksBinary(text) {
		return "", errs.E(errs.Invalid, "无法识别的文件格式:请上传 NDJSON(.ndjson)、CSV(.csv)或 Excel(.xlsx)文件")
	}
	if t := bytes.TrimLeft(text, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return FormatNDJSON, nil
	}
	return FormatCSV, nil
}

// looksBinary reports whether head holds bytes no text file has: NUL and other C0 controls
// apart from tab, CR, LF and form feed. GBK text is not binary, so invalid UTF-8 alone is not
// taken as a sign; empty data is text (an empty CSV fails later, on its header).
func looksBinary(head []byte) bool {
	ctl := 0
	for _, b := range head {
		if b == 0 {
			return true
		}
		if b < 0x20 && b != '\t' && b != '\r' && b != '\n' && b != '\f' && b != 0x1b {
			ctl++
		}
	}
	// A few stray controls occur in pasted chat text; a binary file has many.
	return ctl > 8 && ctl*100 > len(head) && !utf8.Valid(head)
}
