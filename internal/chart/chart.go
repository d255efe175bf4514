// Package chart turns already-aggregated numbers into small, self-contained
// SVG charts (line, horizontal bar ranking, weekday×hour heat map) that page
// templates inline into the burden dashboards.
//
// Every chart is drawn here as plain SVG rather than through
// github.com/go-analyze/charts, which DESIGN proposed. The library (v0.6.4)
// was tried first, and three things ruled it out for these pages:
//
//   - It styles every element with style="…" attributes. The server sends
//     Content-Security-Policy "style-src 'self'", which makes the browser
//     drop inline style attributes, so an inlined library chart renders as
//     a solid black rectangle. This package uses only presentation
//     attributes (fill=, stroke=, font-size=), which CSP does not govern.
//   - It measures text with its embedded Latin font, which has no CJK
//     glyphs, so Chinese text is measured at about half its real width:
//     long unit names such as "成都市消防救援支队锦江区大队" ran under the
//     bars and were cut off, with no way to truncate them with an ellipsis.
//   - It has no vertical marker at an x index for line charts (its mark
//     lines are min/max/average on the value axis) and does not expose the
//     plot geometry, so the "整治开始" marker could not be placed reliably.
//
// The output is deterministic (same input, same bytes), references no fonts
// or URLs beyond generic local font-family names, escapes every piece of
// caller text with encoding/xml, and never fails on empty or degenerate data:
// such charts show a "暂无数据" note instead.
package chart

import (
	"bytes"
	"encoding/xml"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Series is one named line or bar series. Values line up with the x labels
// (Line) or the row labels (Bars); NaN and ±Inf mark missing values.
type Series struct {
	Name   string
	Values []float64
}

// Options sets the size of a chart. Zero fields take each chart kind's
// default (Line 720×300, Bars 720×auto from the row count, Heatmap 720×260);
// sizes below a usable minimum are raised to it so layout never inverts.
type Options struct {
	Width, Height int
	// WorkHours, if set, marks the working hours for Heatmap: non-empty
	// cells outside them get an orange outline, so after-hours burden
	// stands out. OfficeHours gives the usual government schedule.
	WorkHours *[7][24]bool
}

// OfficeHours returns the usual office schedule, Monday to Friday
// 09:00–12:00 and 13:00–18:00 (hour cells 9–11 and 13–17), for
// Options.WorkHours. Callers with another schedule build their own mask.
func OfficeHours() *[7][24]bool {
	var m [7][24]bool
	for d := 0; d < 5; d++ {
		for h := 9; h < 18; h++ {
			m[d][h] = h != 12
		}
	}
	return &m
}

// HTML marks chart output as safe for html/template. It is only correct for
// bytes produced by this package, whose text is all XML-escaped; never pass
// other data through it.
func HTML(svg []byte) template.HTML {
	return template.HTML(svg) //nolint:gosec // output of this package only; all caller text is escaped
}

// Minimum sizes: below these the axes and labels would overlap or invert.
const (
	minWidth  = 240
	minHeight = 120
)

// fontFamily names local fonts only (no web fonts: the app loads nothing from
// outside). CJK faces come first so Chinese text does not fall back to a
// Latin font's notdef boxes on systems that have them.
const fontFamily = `'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei',sans-serif`

// palette is a colour-blind-friendly set (Tableau 10 order); series beyond it wrap.
var palette = []string{"#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"}

func color(i int) string { return palette[i%len(palette)] }

const (
	colText    = "#333"
	colMuted   = "#666"
	colGrid    = "#e6e6e6"
	colAxis    = "#999"
	colMarker  = "#c0392b"
	titleSize  = 15
	labelSize  = 12
	tickSize   = 11
	noDataText = "暂无数据"
)

// svgWriter accumulates SVG markup. Errors cannot occur on a bytes.Buffer, so
// its methods return nothing.
type svgWriter struct {
	b bytes.Buffer
}

// esc writes s as XML character data or attribute content. xml.EscapeText
// escapes quotes too and replaces characters XML forbids with U+FFFD, so the
// result is safe in both places.
func (w *svgWriter) esc(s string) {
	_ = xml.EscapeText(&w.b, []byte(s))
}

func (w *svgWriter) raw(parts ...string) {
	for _, p := range parts {
		w.b.WriteString(p)
	}
}

// start opens the root element. width/height give the natural size;
// viewBox lets page CSS scale it (svg{max-width:100%;height:auto}).
func (w *svgWriter) start(width, height int, title string) {
	ws, hs := strconv.Itoa(width), strconv.Itoa(height)
	w.raw(`<svg xmlns="http://www.w3.org/2000/svg" width="`, ws, `" height="`, hs, `" viewBox="0 0 `, ws, ` `, hs,
		`" role="img" font-family="`, fontFamily, `" font-size="`, strconv.Itoa(labelSize), `"`)
	if title != "" {
		w.raw(` aria-label="`)
		w.esc(title)
		w.raw(`"`)
	}
	w.raw(`>`)
	if title != "" {
		// <title> gives screen readers and hover tooltips the full title even if the drawn one is truncated.
		w.raw(`<title>`)
		w.esc(title)
		w.raw(`</title>`)
	}
	w.raw(`<rect width="`, ws, `" height="`, hs, `" fill="#fff"/>`)
}

func (w *svgWriter) end() []byte {
	w.raw(`</svg>`)
	return w.b.Bytes()
}

// text draws one text element. attrs is trusted markup written by this
// package; s is caller text and is escaped. If tip is non-empty it becomes a
// <title> child, used to show the full text of a truncated label on hover.
func (w *svgWriter) text(x, y float64, attrs, s, tip string) {
	w.raw(`<text x="`, num(x), `" y="`, num(y), `"`)
	if attrs != "" {
		w.raw(" ", attrs)
	}
	w.raw(`>`)
	if tip != "" {
		w.raw(`<title>`)
		w.esc(tip)
		w.raw(`</title>`)
	}
	w.esc(s)
	w.raw(`</text>`)
}

func (w *svgWriter) line(x1, y1, x2, y2 float64, attrs string) {
	w.raw(`<line x1="`, num(x1), `" y1="`, num(y1), `" x2="`, num(x2), `" y2="`, num(y2), `" `, attrs, `/>`)
}

// rect opens a rect element; attrs is trusted markup and must close the
// element ("…/>"), or end with ">" when the caller adds children and "</rect>".
func (w *svgWriter) rect(x, y, width, height float64, attrs string) {
	w.raw(`<rect x="`, num(x), `" y="`, num(y), `" width="`, num(width), `" height="`, num(height), `" `, attrs)
}

// num formats a coordinate with at most one decimal: finer precision is
// invisible at page size and would only bloat the output.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		return "0"
	}
	return s
}

// finite reports whether v is a usable value.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// clean trims caller text and folds line breaks and tabs to spaces, since an
// SVG <text> is one line.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// wide reports whether r is drawn full-width (about 1em) in CJK fonts.
func wide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hangul, r),
		unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
		return true
	case r >= 0x2010 && r <= 0x2027: // dashes, quotes and ellipsis are full-width in CJK fonts
		return true
	case r >= 0x2E80 && r <= 0x33FF, // CJK radicals, symbols and punctuation, bopomofo…
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, // full-width forms (，（）：)
		r >= 0xFFE0 && r <= 0xFFE6:
		return true
	}
	return false
}

// textWidth estimates the rendered width in px of s at font size px. There
// is no font to measure with on the server (the browser picks one), so it
// uses per-class advances that slightly overestimate common sans-serif
// faces: overestimating costs a little space, underestimating causes overlap.
func textWidth(s string, px float64) float64 {
	var em float64
	for _, r := range s {
		switch {
		case wide(r):
			em += 1
		case r == ' ':
			em += 0.3
		case r >= '0' && r <= '9', r == '.' || r == ',' || r == ':' || r == '-':
			em += 0.58
		case r >= 'A' && r <= 'Z', r == 'm' || r == 'w' || r == 'M' || r == 'W':
			em += 0.7
		case r < 0x80:
			em += 0.56
		default:
			em += 0.7
		}
	}
	return em * px
}

// fit shortens s with a trailing "…" so it fits maxW px at font size px. It
// reports whether it shortened s, so callers can keep the full text as a tip.
func fit(s string, maxW, px float64) (string, bool) {
	if textWidth(s, px) <= maxW {
		return s, false
	}
	budget := maxW - textWidth("…", px)
	var b strings.Builder
	var w float64
	for _, r := range s {
		rw := textWidth(string(r), px)
		if w+rw > budget {
			break
		}
		w += rw
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String()) + "…", true
}

// niceScale picks about n round tick steps (1, 2 or 5 ×10^k) covering
// [lo, hi], so axis labels read "0 50 100" rather than "0 33.3 66.7".
func niceScale(lo, hi float64, n int) (min, max, step float64) {
	if !(hi > lo) {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / mag; {
	case f <= 1:
		step = mag
	case f <= 2:
		step = 2 * mag
	case f <= 5:
		step = 5 * mag
	default:
		step = 10 * mag
	}
	min = math.Floor(lo/step) * step
	max = math.Ceil(hi/step) * step
	return min, max, step
}

// stepDecimals is the number of decimals needed to print multiples of step.
func stepDecimals(step float64) int {
	if step >= 1 {
		return 0
	}
	return int(math.Ceil(-math.Log10(step) - 1e-9))
}

// fmtNum prints v with at most dec decimals, trailing zeros dropped, and
// switches to 万 above 100 000 so large counts stay short on the axis.
func fmtNum(v float64, dec int) string {
	if !finite(v) {
		return ""
	}
	if math.Abs(v) >= 1e5 {
		return trimZeros(strconv.FormatFloat(v/1e4, 'f', 1, 64)) + "万"
	}
	s := trimZeros(strconv.FormatFloat(v, 'f', dec, 64))
	if s == "-0" {
		return "0"
	}
	return s
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// valueDecimals picks decimals for a data value label: none for whole
// numbers (counts), one for indices.
func valueDecimals(v float64) int {
	if v == math.Trunc(v) {
		return 0
	}
	return 1
}

// header draws the title (left) and, if names has more than one entry or
// forceLegend is set, a legend of colour swatches (right of the title when
// it fits, otherwise on its own row). It returns the y below the header.
func header(w *svgWriter, width int, title string, names []string, forceLegend bool) float64 {
	y := 8.0
	titleW := 0.0
	if title != "" {
		t, cut := fit(title, float64(width)-24, titleSize)
		tip := ""
		if cut {
			tip = title
		}
		w.text(12, 24, `font-size="`+strconv.Itoa(titleSize)+`" font-weight="bold" fill="#222"`, t, tip)
		titleW = textWidth(t, titleSize)
		y = 32
	}
	if len(names) < 2 && !forceLegend {
		return y
	}
	type item struct {
		name, tip string
		w         float64
	}
	items := make([]item, len(names))
	var legendW float64
	for i, n := range names {
		n = clean(n)
		if n == "" {
			n = "系列" + strconv.Itoa(i+1)
		}
		s, cut := fit(n, 8*labelSize, labelSize)
		it := item{name: s, w: 14 + textWidth(s, labelSize)}
		if cut {
			it.tip = n
		}
		items[i] = it
		legendW += it.w + 14
	}
	legendW -= 14
	var x, ly float64
	if title != "" && titleW+32+legendW <= float64(width)-24 {
		x, ly = float64(width)-12-legendW, 24 // beside the title
	} else {
		x, ly = 12, y+16 // own row; wraps below when wider than the chart
		y += 22
	}
	for i, it := range items {
		if x+it.w > float64(width)-8 && x > 12 {
			x, ly = 12, ly+18
			y += 18
		}
		w.rect(x, ly-9, 10, 10, `fill="`+color(i)+`"/>`)
		w.text(x+14, ly, `fill="`+colText+`"`, it.name, it.tip)
		x += it.w + 14
	}
	return y
}

// empty draws the title and a centred "暂无数据" note; it is what every chart
// kind returns for input with nothing to draw, instead of an error.
func empty(title string, width, height int) []byte {
	var w svgWriter
	w.start(width, height, title)
	top := header(&w, width, title, nil, false)
	w.text(float64(width)/2, top+(float64(height)-top)/2+5,
		`text-anchor="middle" font-size="14" fill="#999" class="no-data"`, noDataText, "")
	return w.end()
}

// size applies defaults and minimums.
func size(opt Options, defW, defH int) (int, int) {
	w, h := opt.Width, opt.Height
	if w <= 0 {
		w = defW
	}
	if h <= 0 {
		h = defH
	}
	return max(w, minWidth), max(h, minHeight)
}
