package chart

import (
	"fmt"
	"math"
	"strconv"
)

// weekdays labels the heat map rows, Monday first as in Chinese calendars.
var weekdays = [7]string{"周一", "周二", "周三", "周四", "周五", "周六", "周日"}

// Heat map colours: zero cells are a neutral grey so "nothing" differs from
// "a little"; non-zero cells run from light to dark blue. Every channel falls
// monotonically from low to high, so a darker cell always means a larger
// value and the darkest cell is the maximum.
var (
	heatZero = [3]float64{0xf2, 0xf2, 0xf2}
	heatLow  = [3]float64{0xd6, 0xe4, 0xf4}
	heatHigh = [3]float64{0x08, 0x30, 0x6b}
)

const colOffHours = "#e8590c"

// heatColor maps t in [0,1] to a fill; t <= 0 is the zero colour.
func heatColor(t float64) string {
	if !(t > 0) {
		return rgb(heatZero)
	}
	t = math.Min(t, 1)
	var c [3]float64
	for i := range c {
		c[i] = heatLow[i] + (heatHigh[i]-heatLow[i])*t
	}
	return rgb(c)
}

func rgb(c [3]float64) string {
	return fmt.Sprintf("#%02x%02x%02x", int(math.Round(c[0])), int(math.Round(c[1])), int(math.Round(c[2])))
}

// Heatmap draws a 7×24 grid, rows 周一..周日 and columns hours 0..23, each
// cell shaded by its value relative to the largest (shading is linear from
// zero), with a legend of the scale underneath. Every non-empty cell carries
// a hover tooltip such as "周三 14:00–15:00：12". Default size is 720×260.
//
// If opt.WorkHours is set, non-empty cells outside working hours get an
// orange outline. Only non-empty ones: outlining all ~128 off-hours cells
// would drown the signal, which is after-hours activity.
//
// Negative, NaN and ±Inf values count as 0; a grid with no positive value
// yields a chart showing "暂无数据". The error is always nil today.
func Heatmap(title string, cells [7][24]float64, opt Options) ([]byte, error) {
	width, height := size(opt, 720, 260)
	title = clean(title)
	var maxV float64
	for d := range cells {
		for h := range cells[d] {
			if v := cells[d][h]; finite(v) && v > maxV {
				maxV = v
			}
		}
	}
	if maxV <= 0 {
		return empty(title, width, height), nil
	}
	val := func(d, h int) float64 {
		if v := cells[d][h]; finite(v) && v > 0 {
			return v
		}
		return 0
	}

	var w svgWriter
	w.start(width, height, title)
	top := header(&w, width, title, nil, false)

	const legendH = 30
	gridLeft := 12 + textWidth("周一", labelSize) + 8
	gridTop := top + 22 // room for the hour labels
	cellW := (float64(width) - 12 - gridLeft) / 24
	cellH := (float64(height) - legendH - 8 - gridTop) / 7
	cellH = math.Max(cellH, 4)
	gap := math.Min(1, cellW/10) // white gutters keep neighbouring cells distinct

	// Hour labels: every hour when wide enough for "23", else every 2 or 3.
	every := 1
	if need := textWidth("23", tickSize) + 4; cellW < need {
		every = int(math.Ceil(need / cellW))
	}
	for h := 0; h < 24; h += every {
		w.text(gridLeft+(float64(h)+0.5)*cellW, gridTop-6,
			`text-anchor="middle" font-size="`+strconv.Itoa(tickSize)+`" fill="`+colMuted+`"`, strconv.Itoa(h), "")
	}
	dec := 1
	if maxV == math.Trunc(maxV) {
		dec = 0
	}
	for d := 0; d < 7; d++ {
		y := gridTop + float64(d)*cellH
		w.text(gridLeft-8, y+cellH/2+4, `text-anchor="end" fill="`+colText+`"`, weekdays[d], "")
		for h := 0; h < 24; h++ {
			v := val(d, h)
			x := gridLeft + float64(h)*cellW
			attrs := `class="cell" data-day="` + strconv.Itoa(d) + `" data-hour="` + strconv.Itoa(h) + `" fill="` + heatColor(v/maxV) + `"`
			if v <= 0 {
				// Empty cells get no tooltip: it would say only "0" and would double the output size.
				w.rect(x, y, cellW-gap, cellH-gap, attrs+`/>`)
				continue
			}
			w.rect(x, y, cellW-gap, cellH-gap, attrs+`>`)
			w.raw(`<title>`)
			w.esc(fmt.Sprintf("%s %02d:00–%02d:00：%s", weekdays[d], h, h+1, fmtNum(v, valueDecimals(v))))
			w.raw(`</title></rect>`)
		}
	}
	// Outlines after all cells, so a neighbour's fill cannot paint over them.
	anyOff := false
	if opt.WorkHours != nil {
		for d := 0; d < 7; d++ {
			for h := 0; h < 24; h++ {
				if opt.WorkHours[d][h] || val(d, h) <= 0 {
					continue
				}
				anyOff = true
				x := gridLeft + float64(h)*cellW
				y := gridTop + float64(d)*cellH
				w.rect(x+0.75, y+0.75, cellW-gap-1.5, cellH-gap-1.5, `class="off-hours" fill="none" stroke="`+colOffHours+`" stroke-width="1.5"/>`)
			}
		}
	}

	// Legend: discrete swatches rather than a gradient, because a
	// <linearGradient> needs an id and two charts inlined on one page would
	// share (and fight over) it.
	ly := float64(height) - legendH + 10
	x := gridLeft
	w.text(x, ly+10, `fill="`+colMuted+`" font-size="`+strconv.Itoa(tickSize)+`"`, "0", "")
	x += textWidth("0", tickSize) + 4
	w.rect(x, ly, 14, 12, `fill="`+heatColor(0)+`" stroke="#ccc" stroke-width="0.5"/>`)
	x += 18
	const steps = 8
	for i := 1; i <= steps; i++ {
		w.rect(x, ly, 14, 12, `class="legend-step" fill="`+heatColor(float64(i)/steps)+`"/>`)
		x += 14
	}
	x += 4
	maxLabel := fmtNum(maxV, dec)
	w.text(x, ly+10, `fill="`+colMuted+`" font-size="`+strconv.Itoa(tickSize)+`"`, maxLabel+"（最大）", "")
	x += textWidth(maxLabel+"（最大）", tickSize) + 20
	if anyOff {
		w.rect(x, ly, 14, 12, `fill="none" stroke="`+colOffHours+`" stroke-width="1.5"/>`)
		w.text(x+18, ly+10, `fill="`+colMuted+`" font-size="`+strconv.Itoa(tickSize)+`"`, "工作时间外有数据", "")
	}
	return w.end(), nil
}
