package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/jianfu-gov/jianfu/internal/errs"
	"github.com/jianfu-gov/jianfu/internal/sheet"
)

// Options choose how a file is read.
type Options struct {
	// Kind is the kind of record the file holds. "" takes it from the header (CSV, XLSX) or
	// from each line (NDJSON, see ParseLine).
	Kind Kind
	// MaxLineBytes bounds a line (NDJSON) or a record (CSV, over all its lines). A longer one is
	// skipped, without being held in memory, and reported as a RowError with Reason "too_long".
	// 0 means 1 MiB.
	MaxLineBytes int
	// Sheet is the XLSX worksheet to read; "" reads the first.
	Sheet string
	// MaxXLSXBytes bounds an XLSX file that is not an *os.File and so must be copied to a
	// temporary file (excelize needs random access). 0 means 1 GiB.
	MaxXLSXBytes int64
}

const (
	defaultMaxLine = 1 << 20
	defaultMaxXLSX = 1 << 30
	bufSize        = 64 << 10 // the read buffer; also how much of a CSV is sniffed for its encoding
)

// Reader reads the records of one file, one row at a time, in constant memory: a row is read,
// checked and handed out before the next is read.
type Reader struct {
	format Format
	opt    Options
	rows   int
	err    error // sticky: once fatal, always fatal

	lines *lineReader // NDJSON
	csv   *csvRecords // CSV
	xlsx  *xlsxRows   // XLSX
	hdr   *header     // CSV and XLSX
	names [nFields]string
}

// NewReader starts reading r, in format f. For CSV and XLSX it reads the header row at once, so
// a file without a recognisable header (no key column, the key columns of several kinds, a
// missing required column) fails here with an errs.Invalid error in Chinese naming the columns
// found. The caller calls Close.
func NewReader(r io.Reader, f Format, opt Options) (*Reader, error) {
	if opt.MaxLineBytes <= 0 {
		opt.MaxLineBytes = defaultMaxLine
	}
	if opt.MaxXLSXBytes <= 0 {
		opt.MaxXLSXBytes = defaultMaxXLSX
	}
	if opt.Kind != "" {
		if _, ok := kindFields[opt.Kind]; !ok {
			return nil, invalidf("未知的数据类型“%s”,应为 message、app 或 account", opt.Kind)
		}
	}
	rd := &Reader{format: f, opt: opt}
	switch f {
	case FormatNDJSON:
		rd.lines = &lineReader{br: bufio.NewReaderSize(r, bufSize), max: opt.MaxLineBytes}
		return rd, nil
	case FormatCSV:
		c, err := newCSV(r, opt.MaxLineBytes)
		if err != nil {
			return nil, err
		}
		rd.csv = c
	case FormatXLSX:
		x, err := openXLSX(r, opt)
		if err != nil {
			return nil, err
		}
		rd.xlsx = x
	default:
		return nil, invalidf("不支持的文件格式“%s”", f)
	}
	cells, _, err := rd.tabularRow(true)
	if errors.Is(err, io.EOF) {
		_ = rd.Close()
		return nil, errs.E(errs.Invalid, "文件是空的:第一行应为表头")
	}
	if err == nil {
		rd.hdr, err = parseHeader(cells, opt.Kind)
	}
	if err != nil {
		_ = rd.Close()
		return nil, err
	}
	return rd, nil
}

// Kind is the kind of record the file holds, from Options or the header; "" for NDJSON read
// without Options.Kind, whose lines may mix kinds.
func (r *Reader) Kind() Kind {
	if r.hdr != nil {
		return r.hdr.kind
	}
	return r.opt.Kind
}

// Rows is the number of rows handed out so far, records and row errors alike. Blank lines and
// the header are not counted.
func (r *Reader) Rows() int { return r.rows }

// Next returns the next row: a record, or a RowError saying why the row was rejected (the
// following call goes on with the next row). At the end it returns io.EOF; any other error is
// fatal (reading failed, or the XLSX is broken) and is returned again by later calls.
func (r *Reader) Next() (Record, *RowError, error) {
	if r.err != nil {
		return Record{}, nil, r.err
	}
	rec, rowErr, err := r.next()
	if err != nil {
		r.err = err
	}
	return rec, rowErr, err
}

func (r *Reader) next() (Record, *RowError, error) {
	if r.lines != nil {
		for {
			line, tooLong, err := r.lines.next()
			if err != nil {
				return Record{}, nil, err
			}
			if r.lines.line == 1 {
				line = bytes.TrimPrefix(line, []byte("\xEF\xBB\xBF"))
			}
			if tooLong {
				r.rows++
				return Record{}, r.tooLong(r.lines.line), nil
			}
			if len(bytes.TrimLeft(line, " \t\r")) == 0 {
				continue
			}
			r.rows++
			rec, rowErr := ParseLine(line, r.lines.line, r.opt.Kind)
			return rec, rowErr, nil
		}
	}
	for {
		cells, row, err := r.tabularRow(false)
		if errors.Is(err, errTooLong) {
			r.rows++
			return Record{}, r.tooLong(row), nil
		}
		if err != nil {
			return Record{}, nil, err
		}
		r.rows++
		rv := rowVals{row: row, names: &r.names, tabular: true}
		r.names = [nFields]string{}
		if r.xlsx != nil {
			rv.xlsx, rv.d1904 = true, r.xlsx.date1904
		}
		r.hdr.fill(cells, &rv)
		rec, rowErr := rv.build(r.hdr.kind)
		return rec, rowErr, nil
	}
}

func (r *Reader) tooLong(row int) *RowError {
	return &RowError{Row: row, Reason: ReasonTooLong,
		Msg: fmt.Sprintf("这一行超过 %d 字节,已跳过", r.opt.MaxLineBytes)}
}

// errTooLong is tabularRow's word for a CSV record over MaxLineBytes.
var errTooLong = errors.New("ingest: record too long")

// tabularRow returns the next non-blank CSV record or XLSX row and its row number.
func (r *Reader) tabularRow(header bool) (cells []string, row int, err error) {
	for {
		if r.csv != nil {
			cells, row, err = r.csv.next()
		} else {
			cells, row, err = r.xlsx.next()
		}
		if errors.Is(err, errTooLong) && header {
			return nil, row, errs.E(errs.Invalid, fmt.Sprintf("表头(第 %d 行)过长", row))
		}
		if err != nil {
			return nil, row, err
		}
		if !blank(cells) {
			return cells, row, nil
		}
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if sheet.Clean(c) != "" {
			return false
		}
	}
	return true
}

// Close releases the reader: for XLSX, the workbook and any temporary file.
func (r *Reader) Close() error {
	if r.xlsx != nil {
		err := r.xlsx.close()
		r.xlsx = nil
		return err
	}
	return nil
}

// lineReader reads lines of at most max bytes through a bufio.Reader. A longer line is
// discarded chunk by chunk as it is read, so its length costs no memory.
type lineReader struct {
	br   *bufio.Reader
	max  int
	buf  []byte
	line int // the number of the last line read, from 1
}

// next returns the next line without its line break. tooLong says the line was over max and
// skipped. The line is valid until the next call.
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	n := 0
	for {
		chunk, err := lr.br.ReadSlice('\n')
		n += len(chunk)
		if errors.Is(err, bufio.ErrBufferFull) {
			if !tooLong {
				if len(lr.buf)+len(chunk) > lr.max+2 { // +2: the \r\n is not part of the line
					tooLong, lr.buf = true, lr.buf[:0]
				} else {
					lr.buf = append(lr.buf, chunk...)
				}
			}
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, fmt.Errorf("ingest: read line %d: %w", lr.line+1, err)
		}
		if n == 0 {
			return nil, false, io.EOF
		}
		lr.line++
		if tooLong {
			return nil, true, nil
		}
		line = chunk
		if len(lr.buf) > 0 {
			lr.buf = append(lr.buf, chunk...)
			line = lr.buf
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > lr.max {
			return nil, true, nil
		}
		return line, false, nil
	}
}

// csvRecords splits CSV text into records. It is written here rather than taken from
// encoding/csv because that reads a whole record into memory however long it is; this one
// works on lines of bounded length. It is lenient as Excel is: a quote inside an unquoted cell,
// or text after a closing quote, is kept as written.
type csvRecords struct {
	lr     *lineReader
	comma  byte
	rec    []byte
	ends   []int
	fields []string
}

// newCSV sniffs the encoding and separator from the first 64 KiB: UTF-8 (a BOM is dropped) or,
// when that is not UTF-8, GB18030 (a superset of GBK) decoded as a stream.
func newCSV(r io.Reader, max int) (*csvRecords, error) {
	br := bufio.NewReaderSize(r, bufSize)
	head, err := br.Peek(bufSize)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("ingest: read csv: %w", err)
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return nil, errs.E(errs.Invalid, "不支持 UTF-16 编码的文件,请在 Excel 中另存为“CSV UTF-8(逗号分隔)”")
	}
	if bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")) {
		if _, err := br.Discard(3); err != nil {
			return nil, fmt.Errorf("ingest: read csv: %w", err)
		}
		head = head[3:]
	}
	c := &csvRecords{comma: ','}
	if sheet.TabSeparated(string(head), 10) {
		c.comma = '\t'
	}
	src := br
	if !isUTF8(head, len(head) < bufSize) {
		src = bufio.NewReaderSize(transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), bufSize)
	}
	c.lr = &lineReader{br: src, max: max}
	return c, nil
}

// isUTF8 reports whether head reads as UTF-8: it is valid (a character cut at the end of the
// sniffed part does not count), or it has more well-formed multi-byte characters than broken
// bytes, as a UTF-8 file with a few damaged bytes has and GBK text never has.
func isUTF8(head []byte, complete bool) bool {
	if !complete {
		for i := 1; i <= 3 && i <= len(head); i++ {
			if utf8.RuneStart(head[len(head)-i]) {
				if !utf8.FullRune(head[len(head)-i:]) {
					head = head[:len(head)-i]
				}
				break
			}
		}
	}
	if utf8.Valid(head) {
		return true
	}
	good, bad := 0, 0
	for len(head) > 0 {
		r, n := utf8.DecodeRune(head)
		if r == utf8.RuneError && n == 1 {
			bad++
		} else if n > 1 {
			good++
		}
		head = head[n:]
	}
	return good > bad
}

const (
	stStart  = iota // at the start of a cell
	stPlain         // in an unquoted cell
	stQuoted        // in a quoted cell
	stQuote         // just after a quote inside a quoted cell
)

// next returns the next record's cells and the line it starts on; errTooLong when it was over
// max bytes (the rest of its last line is skipped and reading resumes after it).
func (c *csvRecords) next() ([]string, int, error) {
	c.rec, c.ends = c.rec[:0], c.ends[:0]
	line, tooLong, err := c.lr.next()
	if err != nil {
		return nil, 0, err
	}
	start := c.lr.line
	if tooLong {
		return nil, start, errTooLong
	}
	st := stStart
	for {
		for _, b := range line {
			switch st {
			case stStart:
				switch b {
				case '"':
					st = stQuoted
				case c.comma:
					c.ends = append(c.ends, len(c.rec))
				default:
					c.rec = append(c.rec, b)
					st = stPlain
				}
			case stPlain:
				if b == c.comma {
					c.ends = append(c.ends, len(c.rec))
					st = stStart
				} else {
					c.rec = append(c.rec, b)
				}
			case stQuoted:
				if b == '"' {
					st = stQuote
				} else {
					c.rec = append(c.rec, b)
				}
			case stQuote:
				switch b {
				case '"':
					c.rec = append(c.rec, '"')
					st = stQuoted
				case c.comma:
					c.ends = append(c.ends, len(c.rec))
					st = stStart
				default:
					c.rec = append(c.rec, '"', b)
					st = stPlain
				}
			}
		}
		if st != stQuoted {
			break
		}
		// A quoted cell goes on over a line break.
		line, tooLong, err = c.lr.next()
		if errors.Is(err, io.EOF) {
			break // an unclosed quote ends with the file
		}
		if err != nil {
			return nil, start, err
		}
		if tooLong || len(c.rec)+len(line) > c.lr.max {
			return nil, start, errTooLong
		}
		c.rec = append(c.rec, '\n')
	}
	c.ends = append(c.ends, len(c.rec))
	// One string for the record, cells as substrings of it: one allocation a row.
	s := string(c.rec)
	c.fields = c.fields[:0]
	prev := 0
	for _, e := range c.ends {
		c.fields = append(c.fields, s[prev:e])
		prev = e
	}
	return c.fields, start, nil
}

// xlsxRows reads a worksheet's rows with excelize's streaming iterator.
type xlsxRows struct {
	f        *excelize.File
	rows     *excelize.Rows
	row      int
	tmp      string // the spooled copy, removed by close
	date1904 bool
}

// openXLSX opens the workbook in r: by its path when r is a regular *os.File, else from a
// temporary copy of at most opt.MaxXLSXBytes. Large worksheets are unzipped to temporary
// files by excelize rather than into memory; the shared string table is held in memory.
func openXLSX(r io.Reader, opt Options) (_ *xlsxRows, err error) {
	x := &xlsxRows{}
	defer func() {
		// excelize is a large parser fed untrusted files: a panic rejects the file.
		if p := recover(); p != nil {
			err = sheet.NotXLSX(fmt.Errorf("excelize panic: %v", p))
		}
		if err != nil {
			_ = x.close()
		}
	}()
	path := ""
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if fi.Size() > opt.MaxXLSXBytes {
				return nil, tooLarge(opt.MaxXLSXBytes)
			}
			if fi2, err := os.Stat(f.Name()); err == nil && os.SameFile(fi, fi2) {
				path = f.Name()
			}
		}
	}
	if path == "" {
		tmp, err := os.CreateTemp("", "jianfu-ingest-*.xlsx")
		if err != nil {
			return nil, fmt.Errorf("ingest: spool xlsx: %w", err)
		}
		x.tmp = tmp.Name()
		n, err := io.Copy(tmp, io.LimitReader(r, opt.MaxXLSXBytes+1))
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("ingest: spool xlsx: %w", err)
		}
		if n > opt.MaxXLSXBytes {
			return nil, tooLarge(opt.MaxXLSXBytes)
		}
		path = x.tmp
	}
	head := make([]byte, 4)
	if f, err := os.Open(path); err == nil {
		_, _ = io.ReadFull(f, head)
		f.Close()
	}
	if err := sheet.CheckXLSX(head); err != nil {
		return nil, err
	}
	// Worksheets over 16 MiB unzipped go to temporary files, and the whole may unzip to 20
	// times the file's limit before it is taken for a zip bomb.
	x.f, err = excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: 20 * opt.MaxXLSXBytes, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, errs.Wrap(errs.TooLarge, "Excel 文件解压后过大", err)
		}
		return nil, sheet.NotXLSX(err)
	}
	if props, err := x.f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		x.date1904 = *props.Date1904
	}
	list := x.f.GetSheetList()
	name := opt.Sheet
	if name == "" {
		if len(list) == 0 {
			return nil, errs.E(errs.Invalid, "工作簿中没有工作表")
		}
		name = list[0]
	} else if idx, err := x.f.GetSheetIndex(name); err != nil || idx < 0 {
		return nil, invalidf("工作簿中没有名为“%s”的工作表,现有:%s", name, strings.Join(list, "、"))
	}
	if x.rows, err = x.f.Rows(name); err != nil {
		return nil, sheet.NotXLSX(err)
	}
	return x, nil
}

func tooLarge(n int64) error {
	return errs.E(errs.TooLarge, fmt.Sprintf("Excel 文件超过 %d MB,请分成几个文件或改用 CSV", n>>20))
}

// next returns the next row's cells, raw (numbers and dates as stored, not as displayed), and
// its row number in the sheet. Rows missing from the sheet's XML come back empty, so numbers
// are those Excel shows.
func (x *xlsxRows) next() (cells []string, row int, err error) {
	defer func() {
		if p := recover(); p != nil {
			cells, err = nil, sheet.NotXLSX(fmt.Errorf("excelize panic: %v", p))
		}
	}()
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return nil, x.row, sheet.NotXLSX(err)
		}
		return nil, x.row, io.EOF
	}
	x.row++
	cells, err = x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, x.row, sheet.NotXLSX(err)
	}
	return cells, x.row, nil
}

func (x *xlsxRows) close() error {
	var err error
	if x.rows != nil {
		err = x.rows.Close()
		x.rows = nil
	}
	if x.f != nil {
		if cerr := x.f.Close(); err == nil {
			err = cerr
		}
		x.f = nil
	}
	if x.tmp != "" {
		if rerr := os.Remove(x.tmp); err == nil && !os.IsNotExist(rerr) {
			err = rerr
		}
		x.tmp = ""
	}
	if err != nil {
		return fmt.Errorf("ingest: close xlsx: %w", err)
	}
	return nil
}
