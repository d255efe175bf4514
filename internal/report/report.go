// Package report renders the campaign's summary report (工作总结报告) in two
// forms: a DOCX that the office goes on editing in Word or WPS, and a
// self-contained HTML print view for reading in a browser and printing.
//
// Both follow the layout of GB/T 9704-2012 党政机关公文格式 as far as each
// medium allows: A4 with margins 37/35/28/26 mm (top/bottom/left/right),
// the title in 方正小标宋简体 二号, body text in 仿宋_GB2312 三号 with a
// two-character first-line indent and a fixed 28.95 pt line pitch (22 lines
// per page), first-level headings "一、" in 黑体, second-level "（一）" in
// 楷体_GB2312, and page numbers "— 1 —" at the foot of each page. The
// GB2312-named fonts are what government machines have installed; where they
// are missing, the DOCX declares 仿宋/楷体/宋体 as alternates in its font
// table and the HTML lists fallbacks in its font stacks.
//
// The data model is plain values so that the caller (the analysis step that
// knows the figures) builds a Report once and hands it to either renderer.
package report

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Report is the whole summary report, in reading order: title, headline
// figures, sections, then the issuer and date as signature.
type Report struct {
	// Title is the document title, e.g.
	// 四川省消防救援总队“指尖上的形式主义”专项整治工作总结.
	Title string
	// Issuer is the issuing office, e.g. 四川省消防救援总队减负工作领导小组办公室.
	Issuer string
	// Date is the date of the report, shown as 2026年11月30日; the zero
	// time leaves it out.
	Date time.Time
	// Headline lists the headline figures, shown as a table right after the
	// title so that a reader who stops there still has the numbers.
	Headline []Figure
	// HeadlineCaption captions the headline table; empty means "主要数据".
	HeadlineCaption string
	// Sections are the report's parts, in order.
	Sections []Section
}

// Figure is one headline figure. Value is already formatted by the caller
// (e.g. "1,234 项" or "下降 37.5%") because only the caller knows the unit
// and the precision that reads right.
type Figure struct {
	Label string
	Value string
	Note  string
}

// Section is one first-level part of the report. Its content is rendered in
// the order Paragraphs, Tables, Charts.
//
// A paragraph that starts with a second-level ordinal such as "（一）" is
// treated as a second-level heading: in the GB/T 9704 manner the ordinal and
// the heading up to the first "。" are set in 楷体 and the rest, if any,
// runs on in body type. A paragraph may contain "\n" for a line break.
type Section struct {
	Heading    string // e.g. 一、基本情况; empty leaves the heading out
	Paragraphs []string
	Tables     []Table
	Charts     []Chart
}

// Table is a captioned table. Rows may be ragged; short rows are padded with
// empty cells so that the grid stays rectangular.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
	// Widths are optional relative column widths (e.g. 1, 3, 1); when their
	// count does not match the column count, or one is not positive, all
	// columns get the same width.
	Widths []float64
}

// Chart is a captioned chart. SVG is inlined in the HTML view; PNG, when
// given, is embedded in the DOCX. When PNG is nil the DOCX shows Table
// instead, so the figures are always in the editable document; the HTML
// view also falls back to Table when SVG is missing or unusable.
type Chart struct {
	Caption string
	SVG     []byte
	PNG     []byte
	Table   *Table
}

// defaultHeadlineCaption is the caption of the headline table when the
// report does not set one.
const defaultHeadlineCaption = "主要数据"

// headlineCaption returns the caption to use for the headline table.
func (r Report) headlineCaption() string {
	if strings.TrimSpace(r.HeadlineCaption) != "" {
		return r.HeadlineCaption
	}
	return defaultHeadlineCaption
}

// headlineTable turns the headline figures into a table. The note column is
// left out when no figure has a note, so it does not print as an empty strip.
func (r Report) headlineTable() Table {
	withNote := false
	for _, f := range r.Headline {
		if strings.TrimSpace(f.Note) != "" {
			withNote = true
			break
		}
	}
	t := Table{Caption: r.headlineCaption(), Header: []string{"指标", "数值"}, Widths: []float64{3, 2}}
	if withNote {
		t.Header = append(t.Header, "说明")
		t.Widths = []float64{3, 2, 3}
	}
	for _, f := range r.Headline {
		row := []string{f.Label, f.Value}
		if withNote {
			row = append(row, f.Note)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// formatDate writes a date the way GB/T 9704 prescribes for 成文日期: Arabic
// numerals, year in full, month and day without leading zeros.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// columns returns the number of columns of t: the widest of the header and
// the rows.
func (t Table) columns() int {
	n := len(t.Header)
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	return n
}

// cell returns row[i], or "" past the end of a short row.
func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// fractions returns the relative column widths of t normalised to sum to 1,
// falling back to equal widths when Widths does not fit the columns.
func (t Table) fractions() []float64 {
	n := t.columns()
	if n == 0 {
		return nil
	}
	out := make([]float64, n)
	var sum float64
	ok := len(t.Widths) == n
	if ok {
		for _, w := range t.Widths {
			// !(w > 0) also rejects NaN, and the upper bound +Inf, either
			// of which would poison the sum.
			if !(w > 0) || w > 1e9 {
				ok = false
				break
			}
			sum += w
		}
	}
	for i := range out {
		if ok {
			out[i] = t.Widths[i] / sum
		} else {
			out[i] = 1 / float64(n)
		}
	}
	return out
}

// secondLevelOrdinals are the numerals that may appear in "（一）" … "（二十九）".
const secondLevelOrdinals = "一二三四五六七八九十"

// splitLead splits a paragraph that opens with a second-level ordinal such
// as "（三）" into the heading part (up to and including the first "。", or
// the whole paragraph when there is none) and the run-on text. For any other
// paragraph lead is "".
func splitLead(p string) (lead, rest string) {
	s := strings.TrimLeft(p, " \t\u3000")
	if !strings.HasPrefix(s, "（") && !strings.HasPrefix(s, "(") {
		return "", p
	}
	_, size := utf8.DecodeRuneInString(s)
	i := size
	n := 0
	for i < len(s) {
		r, sz := utf8.DecodeRuneInString(s[i:])
		if !strings.ContainsRune(secondLevelOrdinals, r) {
			break
		}
		i += sz
		n++
	}
	if n == 0 || n > 3 {
		return "", p
	}
	r, sz := utf8.DecodeRuneInString(s[i:])
	if r != '）' && r != ')' {
		return "", p
	}
	i += sz
	if j := strings.Index(s[i:], "。"); j >= 0 {
		end := i + j + len("。")
		return s[:end], s[end:]
	}
	return s, ""
}
