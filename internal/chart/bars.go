package chart

import (
	"math"
	"strconv"
)

// Bars draws a horizontal bar ranking: labels from top to bottom (pass them
// already sorted), each bar the sum of the series values for that row, so
// several series stack as components (e.g. 会议/发文/检查 parts of a burden
// index) with a legend. The total is printed at the end of each bar.
//
// Default size is 720 wide and tall enough for 24 px per row. Long labels
// (unit names such as "成都市消防救援支队锦江区大队") are cut with "…" to at
// most 35% of the width and keep the full name as a hover tooltip. Missing,
// negative, NaN and ±Inf values count as 0; input with no positive value
// yields a chart showing "暂无数据". The error is always nil today.
func Bars(title string, labels []string, series []Series, opt Options) ([]byte, error) {
	title = clean(title)
	n := len(labels)
	for _, s := range series {
		n = max(n, len(s.Values))
	}
	val := func(k, i int) float64 {
		if i < len(series[k].Values) {
			if v := series[k].Values[i]; finite(v) && v > 0 {
				return v
			}
		}
		return 0
	}
	totals := make([]float64, n)
	var maxTotal float64
	for i := range totals {
		for k := range series {
			totals[i] += val(k, i)
		}
		maxTotal = math.Max(maxTotal, totals[i])
	}

	names := make([]string, len(series))
	for i, s := range series {
		names[i] = s.Name
	}
	headH := 8.0
	if title != "" {
		headH = 32
	}
	if len(series) > 1 {
		headH += 22
	}
	defH := int(headH) + 10 + 24*max(n, 1) + 30
	width, height := size(opt, 720, defH)
	if maxTotal <= 0 || !finite(maxTotal) {
		return empty(title, width, height), nil
	}

	var w svgWriter
	w.start(width, height, title)
	top := header(&w, width, title, names, false)

	_, xmax, step := niceScale(0, maxTotal, 5)
	dec := stepDecimals(step)

	// Label column: as wide as the longest label, capped so bars keep most of the width.
	labelCap := float64(width) * 0.35
	var labelW float64
	shown := make([]string, n)
	tips := make([]string, n)
	for i := 0; i < n; i++ {
		if i >= len(labels) {
			continue
		}
		full := clean(labels[i])
		s, cut := fit(full, labelCap, labelSize)
		shown[i] = s
		if cut {
			tips[i] = full
		}
		labelW = math.Max(labelW, textWidth(s, labelSize))
	}
	var valueW float64
	for _, t := range totals {
		valueW = math.Max(valueW, textWidth(fmtNum(t, valueDecimals(t)), tickSize))
	}
	plotLeft := 12 + labelW + 8
	plotRight := float64(width) - 12 - valueW - 6
	// Leave half of the last tick label inside the canvas.
	plotRight = math.Min(plotRight, float64(width)-6-textWidth(fmtNum(xmax, dec), tickSize)/2)
	plotTop := top + 10
	plotBottom := float64(height) - 30
	plotW := plotRight - plotLeft
	plotH := math.Max(plotBottom-plotTop, float64(n))
	xAt := func(v float64) float64 { return plotLeft + v/xmax*plotW }

	// Value grid and axis labels along the bottom.
	for i, v := 0, 0.0; v <= xmax+step/2 && i < 20; i, v = i+1, v+step { // capped like Line's ticks
		x := xAt(v)
		w.line(x, plotTop, x, plotBottom, `stroke="`+colGrid+`"`)
		w.text(x, plotBottom+16, `text-anchor="middle" font-size="`+strconv.Itoa(tickSize)+`" fill="`+colMuted+`"`, fmtNum(v, dec), "")
	}
	w.line(plotLeft, plotTop, plotLeft, plotBottom, `stroke="`+colAxis+`"`)

	rowH := plotH / float64(n)
	barH := math.Max(rowH*0.64, 1)
	// When rows are thinner than a line of text, label every k-th row only.
	every := 1
	if rowH < labelSize+1 {
		every = int(math.Ceil((labelSize + 1) / rowH))
	}
	stacked := len(series) > 1
	for i := 0; i < n; i++ {
		cy := plotTop + (float64(i)+0.5)*rowH
		if i%every == 0 && shown[i] != "" {
			w.text(plotLeft-8, cy+4, `text-anchor="end" fill="`+colText+`"`, shown[i], tips[i])
		}
		acc := 0.0
		for k := range series {
			v := val(k, i)
			if v <= 0 {
				continue
			}
			x0, x1 := xAt(acc), xAt(acc+v)
			acc += v
			attrs := `fill="` + color(k) + `"/>`
			if stacked {
				// Segment tooltips tell the components apart; a single series has its total printed.
				attrs = `fill="` + color(k) + `">`
			}
			w.rect(x0, cy-barH/2, x1-x0, barH, attrs)
			if stacked {
				name := clean(series[k].Name)
				if name == "" {
					name = "系列" + strconv.Itoa(k+1)
				}
				w.raw(`<title>`)
				w.esc(name + "：" + fmtNum(v, valueDecimals(v)))
				w.raw(`</title></rect>`)
			}
		}
		if totals[i] > 0 && (i%every == 0 || barH >= 8) {
			w.text(xAt(totals[i])+4, cy+4, `font-size="`+strconv.Itoa(tickSize)+`" fill="`+colMuted+`"`, fmtNum(totals[i], valueDecimals(totals[i])), "")
		}
	}
	return w.end(), nil
}
