package chart

import (
	"math"
	"strconv"
	"strings"
)

// Line draws a line chart over the x labels (dates such as "10-01") with one
// line per series, default size 720×300. If 0 <= marker < number of points,
// a dashed vertical line is drawn at that index and labelled markerLabel
// (e.g. "整治开始") to separate before from after the campaign start; a
// negative or out-of-range marker draws none.
//
// The number of points is the longer of x and the longest series; missing,
// NaN and ±Inf values leave gaps in the line. Input with no finite non-zero
// value yields a chart showing "暂无数据". The error is reserved for future
// use and is always nil today.
func Line(title string, x []string, series []Series, marker int, markerLabel string, opt Options) ([]byte, error) {
	width, height := size(opt, 720, 300)
	title = clean(title)
	n := len(x)
	lo, hi := math.Inf(1), math.Inf(-1)
	hasData := false
	for _, s := range series {
		n = max(n, len(s.Values))
		for _, v := range s.Values {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
				hasData = hasData || v != 0
			}
		}
	}
	if !hasData || len(series) == 0 || n == 0 {
		return empty(title, width, height), nil
	}

	var w svgWriter
	w.start(width, height, title)
	names := make([]string, len(series))
	for i, s := range series {
		names[i] = s.Name
	}
	// A single named series still gets a legend so the reader knows what the line counts.
	top := header(&w, width, title, names, len(series) == 1 && clean(series[0].Name) != "")

	// Value axis always includes 0: these are counts and indices, and a
	// baseline above zero would exaggerate small changes.
	ymin, ymax, step := niceScale(math.Min(lo, 0), math.Max(hi, 0), 5)
	dec := stepDecimals(step)
	var ticks []string
	var tickW float64
	// The count cap guards against a non-advancing step with extreme values.
	for v := ymin; v <= ymax+step/2 && len(ticks) < 20; v += step {
		s := fmtNum(v, dec)
		ticks = append(ticks, s)
		tickW = math.Max(tickW, textWidth(s, tickSize))
	}

	showMarker := marker >= 0 && marker < n
	markerLabel = clean(markerLabel)
	plotTop := top + 10
	if showMarker && markerLabel != "" {
		plotTop += 14 // room for the marker label above the plot, so it never covers data
	}
	plotLeft := 12 + tickW + 6
	plotRight := float64(width) - 16
	plotBottom := float64(height) - 26
	plotW, plotH := plotRight-plotLeft, plotBottom-plotTop
	if plotH < 20 {
		// Very short charts with a tall legend: squeeze the header gap rather than invert the plot.
		plotTop, plotH = plotBottom-20, 20
	}
	yAt := func(v float64) float64 { return plotBottom - (v-ymin)/(ymax-ymin)*plotH }
	xAt := func(i int) float64 {
		if n == 1 {
			return plotLeft + plotW/2
		}
		return plotLeft + float64(i)*plotW/float64(n-1)
	}

	// Grid and value axis labels.
	for i, s := range ticks {
		y := yAt(ymin + float64(i)*step)
		w.line(plotLeft, y, plotRight, y, `stroke="`+colGrid+`"`)
		w.text(plotLeft-6, y+4, `text-anchor="end" font-size="`+strconv.Itoa(tickSize)+`" fill="`+colMuted+`"`, s, "")
	}
	w.line(plotLeft, plotBottom, plotRight, plotBottom, `stroke="`+colAxis+`"`)

	// X labels: show every k-th label so none overlap; clamp the first and
	// last inside the canvas so long date labels are not clipped at the edge.
	var labelW float64
	for _, s := range x {
		labelW = math.Max(labelW, textWidth(clean(s), tickSize))
	}
	if labelW > 0 {
		every := 1
		if slots := int(plotW / (labelW + 10)); slots > 0 && n > slots {
			every = (n + slots - 1) / slots
		} else if slots == 0 {
			every = n
		}
		for i := 0; i < len(x); i += every {
			s := clean(x[i])
			cx := xAt(i)
			half := textWidth(s, tickSize) / 2
			cx = math.Max(cx, half+2)
			cx = math.Min(cx, float64(width)-half-2)
			w.line(xAt(i), plotBottom, xAt(i), plotBottom+4, `stroke="`+colAxis+`"`)
			w.text(cx, plotBottom+17, `text-anchor="middle" font-size="`+strconv.Itoa(tickSize)+`" fill="`+colMuted+`"`, s, "")
		}
	}

	var mx float64
	if showMarker {
		mx = xAt(marker)
		w.line(mx, plotTop-4, mx, plotBottom, `class="marker" data-index="`+strconv.Itoa(marker)+`" stroke="`+colMarker+`" stroke-width="1.5" stroke-dasharray="5 4"`)
	}

	// Series: one path each, broken at missing values. Dots mark points when
	// there are few enough to tell apart, and always mark isolated points,
	// which a path alone would not show.
	dots := n <= 31
	for k, s := range series {
		col := color(k)
		var d strings.Builder
		var lone []int
		run := 0
		for i := 0; i < n; i++ {
			v := math.NaN()
			if i < len(s.Values) {
				v = s.Values[i]
			}
			if !finite(v) {
				if run == 1 && !dots {
					lone = append(lone, i-1)
				}
				run = 0
				continue
			}
			if run == 0 {
				d.WriteString("M")
			} else {
				d.WriteString("L")
			}
			d.WriteString(num(xAt(i)) + " " + num(yAt(v)))
			run++
			if dots {
				lone = append(lone, i)
			}
		}
		if run == 1 && !dots {
			lone = append(lone, n-1)
		}
		if d.Len() > 0 {
			w.raw(`<path class="series" data-series="`, strconv.Itoa(k), `" d="`, d.String(),
				`" fill="none" stroke="`, col, `" stroke-width="2" stroke-linejoin="round" stroke-linecap="round">`)
			if name := clean(s.Name); name != "" {
				w.raw(`<title>`)
				w.esc(name)
				w.raw(`</title>`)
			}
			w.raw(`</path>`)
		}
		for _, i := range lone {
			w.raw(`<circle cx="`, num(xAt(i)), `" cy="`, num(yAt(s.Values[i])), `" r="2.5" fill="`, col, `"/>`)
		}
	}

	// Marker label last so it sits on top; right of the line unless that
	// would run off the plot, then left of it.
	if showMarker && markerLabel != "" {
		lbl, cut := fit(markerLabel, math.Max(plotW/2, 60), labelSize)
		tip := ""
		if cut {
			tip = markerLabel
		}
		lw := textWidth(lbl, labelSize)
		attrs := `class="marker-label" fill="` + colMarker + `" font-weight="bold"`
		tx := mx + 4
		if tx+lw > float64(width)-4 {
			tx = mx - 4
			attrs += ` text-anchor="end"`
		}
		w.text(tx, plotTop-6, attrs, lbl, tip)
	}
	return w.end(), nil
}
