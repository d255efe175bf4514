package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// node is a generic XML element, enough to walk any SVG this package writes.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Content  string     `xml:",chardata"`
	Children []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// walk calls f for n and every descendant, depth first in document order.
func (n node) walk(f func(node)) {
	f(n)
	for _, c := range n.Children {
		c.walk(f)
	}
}

// text returns all character data under n, which is what a reader sees.
func (n node) text() string {
	var b strings.Builder
	n.walk(func(c node) { b.WriteString(c.Content) })
	return b.String()
}

// parse checks that svg is one well-formed XML document rooted at <svg> and returns it.
func parse(t *testing.T, svg []byte) node {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
	}
	var root node
	if err := xml.Unmarshal(svg, &root); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is %v, want svg in the SVG namespace", root.XMLName)
	}
	return root
}

// checkSafe asserts the properties every chart must have whatever its input.
func checkSafe(t *testing.T, svg []byte) node {
	t.Helper()
	root := parse(t, svg)
	s := string(svg)
	for _, bad := range []string{"<script", "style=", "<style", "url(", "@font-face", "href", "NaN", "Inf"} {
		if strings.Contains(s, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	// The only URL allowed is the namespace name, which is never fetched.
	if strings.Count(s, "http") != 1 {
		t.Errorf("output references a URL beyond the SVG namespace")
	}
	return root
}

var (
	longUnit = "成都市消防救援支队锦江区大队"
	evil     = `<script>alert(1)</script>&"`
)

func dates(n int) []string {
	x := make([]string, n)
	for i := range x {
		x[i] = fmt.Sprintf("%02d-%02d", 10+i/30, i%30+1)
	}
	return x
}

func wave(n, seed int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(10+seed*8) + 6*math.Sin(float64(i+seed)/5) + float64((i*7+seed*3)%5)
		if i >= n/2 {
			v[i] *= 0.6 // the campaign works
		}
	}
	return v
}

func sampleHeat() [7][24]float64 {
	var c [7][24]float64
	for d := 0; d < 7; d++ {
		for h := 0; h < 24; h++ {
			if d < 5 && h >= 8 && h <= 18 {
				c[d][h] = float64((d*3+h*5)%11 + 2)
			}
		}
	}
	c[1][21] = 4 // after hours
	c[5][10] = 3 // Saturday
	c[2][15] = 30
	return c
}

// kinds renders one typical chart of each kind from the given label text.
func kinds(label string) map[string]func() ([]byte, error) {
	return map[string]func() ([]byte, error){
		"line": func() ([]byte, error) {
			return Line(label+"每日发文", dates(90), []Series{{label + "发文", wave(90, 0)}, {"会议", wave(90, 1)}, {"检查", wave(90, 2)}}, 45, label+"整治开始", Options{})
		},
		"bars": func() ([]byte, error) {
			return Bars(label+"负担指数", []string{label + longUnit, "武侯区大队", "青羊区大队"},
				[]Series{{label + "会议", []float64{30, 20, 10}}, {"文件", []float64{12.5, 8, 4}}}, Options{})
		},
		"heatmap": func() ([]byte, error) {
			return Heatmap(label+"填报时段分布", sampleHeat(), Options{WorkHours: OfficeHours()})
		},
	}
}

func TestChartsParseAndContainLabels(t *testing.T) {
	tests := []struct {
		name string
		svg  func() ([]byte, error)
		want []string
	}{
		{"line", kinds("")["line"], []string{"每日发文", "发文", "会议", "检查", "10-01", "整治开始"}},
		{"bars", kinds("")["bars"], []string{"负担指数", "武侯区大队", "青羊区大队", "会议", "文件", "42.5", longUnit}},
		{"heatmap", kinds("")["heatmap"], []string{"填报时段分布", "周一", "周日", "23", "30（最大）", "工作时间外有数据"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, err := tt.svg()
			if err != nil {
				t.Fatal(err)
			}
			text := checkSafe(t, svg).text()
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			if strings.Contains(text, noDataText) {
				t.Errorf("chart with data says %s", noDataText)
			}
		})
	}
}

func TestEscaping(t *testing.T) {
	for name, render := range kinds(evil) {
		t.Run(name, func(t *testing.T) {
			svg, err := render()
			if err != nil {
				t.Fatal(err)
			}
			root := checkSafe(t, svg)
			if !strings.Contains(string(svg), "&lt;script&gt;") {
				t.Errorf("escaped label missing from output")
			}
			// Decoded, the label reads back exactly as given.
			if !strings.Contains(root.text(), evil) {
				t.Errorf("decoded text lacks %q", evil)
			}
			if got := root.attr("aria-label"); !strings.HasPrefix(got, evil) {
				t.Errorf("aria-label = %q", got)
			}
		})
	}
	t.Run("marker label and empty chart title", func(t *testing.T) {
		svg, _ := Line(evil, nil, nil, 0, evil, Options{})
		checkSafe(t, svg)
		svg, _ = Line("t", []string{evil, "b"}, []Series{{evil, []float64{1, 2}}}, 0, evil, Options{})
		if root := checkSafe(t, svg); strings.Count(root.text(), evil) < 3 {
			t.Errorf("x label, series name and marker label should all read back")
		}
	})
}

func TestEmptyAndDegenerate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	var zeroHeat, nanHeat [7][24]float64
	for d := range nanHeat {
		for h := range nanHeat[d] {
			nanHeat[d][h] = []float64{nan, inf, -inf, -3}[h%4]
		}
	}
	one := [7][24]float64{}
	one[6][23] = 1e-9
	tests := []struct {
		name   string
		svg    func() ([]byte, error)
		noData bool
	}{
		{"line no series", func() ([]byte, error) { return Line("趋势", dates(5), nil, 2, "整治开始", Options{}) }, true},
		{"line nothing at all", func() ([]byte, error) { return Line("", nil, nil, -1, "", Options{}) }, true},
		{"line empty series", func() ([]byte, error) { return Line("趋势", nil, []Series{{"a", nil}}, -1, "", Options{}) }, true},
		{"line all zeros", func() ([]byte, error) {
			return Line("趋势", dates(3), []Series{{"a", []float64{0, 0, 0}}}, 1, "m", Options{})
		}, true},
		{"line NaN and Inf", func() ([]byte, error) {
			return Line("趋势", dates(3), []Series{{"a", []float64{nan, inf, -inf}}}, 1, "m", Options{})
		}, true},
		{"line one point", func() ([]byte, error) {
			return Line("趋势", []string{"10-01"}, []Series{{"a", []float64{5}}}, 0, "整治开始", Options{})
		}, false},
		{"line gaps and lone points", func() ([]byte, error) {
			v := wave(60, 1)
			v[3], v[5], v[6] = nan, inf, nan // leaves v[4] alone
			return Line("趋势", dates(60), []Series{{"a", v}}, 59, "整治开始", Options{})
		}, false},
		{"line more values than labels", func() ([]byte, error) {
			return Line("趋势", []string{"a"}, []Series{{"a", []float64{1, 2, 3}}}, 2, "m", Options{})
		}, false},
		{"line more labels than values", func() ([]byte, error) {
			return Line("趋势", dates(10), []Series{{"a", []float64{1, 2}}}, 9, "m", Options{})
		}, false},
		{"line marker out of range", func() ([]byte, error) {
			return Line("趋势", dates(3), []Series{{"a", []float64{1, 2, 3}}}, 7, "m", Options{})
		}, false},
		{"line negative and huge", func() ([]byte, error) {
			return Line("趋势", dates(3), []Series{{"a", []float64{-1e308, math.MaxFloat64, 0}}}, 1, "m", Options{})
		}, false},
		{"line tiny size", func() ([]byte, error) {
			return Line(longUnit+longUnit, dates(90), []Series{{"a", wave(90, 0)}}, 45, "m", Options{Width: 1, Height: 1})
		}, false},
		{"bars no series", func() ([]byte, error) { return Bars("排名", []string{"a", "b"}, nil, Options{}) }, true},
		{"bars no labels", func() ([]byte, error) { return Bars("排名", nil, nil, Options{}) }, true},
		{"bars all zeros", func() ([]byte, error) { return Bars("排名", []string{"a"}, []Series{{"x", []float64{0}}}, Options{}) }, true},
		{"bars NaN Inf negative", func() ([]byte, error) {
			return Bars("排名", []string{"a", "b", "c"}, []Series{{"x", []float64{nan, inf, -2}}}, Options{})
		}, true},
		{"bars values without labels", func() ([]byte, error) { return Bars("排名", nil, []Series{{"x", []float64{1, 2}}}, Options{}) }, false},
		{"bars many rows in small height", func() ([]byte, error) {
			labels := make([]string, 200)
			vals := make([]float64, 200)
			for i := range labels {
				labels[i], vals[i] = longUnit+strconv.Itoa(i), float64(200-i)
			}
			return Bars("排名", labels, []Series{{"x", vals}}, Options{Height: 200})
		}, false},
		{"heatmap zeros", func() ([]byte, error) { return Heatmap("分布", zeroHeat, Options{}) }, true},
		{"heatmap NaN Inf negative", func() ([]byte, error) { return Heatmap("分布", nanHeat, Options{WorkHours: OfficeHours()}) }, true},
		{"heatmap one tiny value", func() ([]byte, error) {
			return Heatmap("分布", one, Options{WorkHours: OfficeHours(), Width: 10, Height: 10})
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, err := tt.svg()
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			root := checkSafe(t, svg)
			if got := strings.Contains(root.text(), noDataText); got != tt.noData {
				t.Errorf("shows %s = %v, want %v", noDataText, got, tt.noData)
			}
			w, _ := strconv.Atoi(root.attr("width"))
			h, _ := strconv.Atoi(root.attr("height"))
			if w < minWidth || h < minHeight {
				t.Errorf("size %dx%d below minimum", w, h)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for name, render := range kinds("") {
		t.Run(name, func(t *testing.T) {
			a, _ := render()
			for i := 0; i < 3; i++ {
				if b, _ := render(); !bytes.Equal(a, b) {
					t.Fatal("same input gave different bytes")
				}
			}
		})
	}
}

// pathPoints returns the vertices of an SVG path made of M and L commands.
func pathPoints(t *testing.T, d string) [][2]float64 {
	t.Helper()
	var pts [][2]float64
	for _, seg := range strings.FieldsFunc(d, func(r rune) bool { return r == 'M' || r == 'L' }) {
		f := strings.Fields(seg)
		if len(f) != 2 {
			t.Fatalf("bad segment %q", seg)
		}
		x, _ := strconv.ParseFloat(f[0], 64)
		y, _ := strconv.ParseFloat(f[1], 64)
		pts = append(pts, [2]float64{x, y})
	}
	return pts
}

func TestLineMarkerPosition(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		marker int
		width  int
	}{
		{"middle of 90", 90, 45, 0},
		{"first", 30, 0, 0},
		{"last, label flips left", 30, 29, 0},
		{"narrow chart", 14, 7, 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, _ := Line("趋势", dates(tt.n), []Series{{"发文", wave(tt.n, 0)}}, tt.marker, "整治开始", Options{Width: tt.width})
			root := checkSafe(t, svg)
			var markers, labels []node
			var pts [][2]float64
			root.walk(func(n node) {
				switch n.attr("class") {
				case "marker":
					markers = append(markers, n)
				case "marker-label":
					labels = append(labels, n)
				case "series":
					pts = pathPoints(t, n.attr("d"))
				}
			})
			if len(markers) != 1 || len(labels) != 1 {
				t.Fatalf("got %d markers, %d labels", len(markers), len(labels))
			}
			if len(pts) != tt.n {
				t.Fatalf("path has %d points, want %d", len(pts), tt.n)
			}
			x1, _ := strconv.ParseFloat(markers[0].attr("x1"), 64)
			x2, _ := strconv.ParseFloat(markers[0].attr("x2"), 64)
			if x1 != pts[tt.marker][0] || x2 != x1 {
				t.Errorf("marker at x=%v..%v, point %d at x=%v", x1, x2, tt.marker, pts[tt.marker][0])
			}
			if markers[0].attr("data-index") != strconv.Itoa(tt.marker) {
				t.Errorf("data-index = %q", markers[0].attr("data-index"))
			}
			// The label sits beside the line and inside the canvas.
			lx, _ := strconv.ParseFloat(labels[0].attr("x"), 64)
			if math.Abs(lx-x1) > 5 {
				t.Errorf("label at x=%v, marker at %v", lx, x1)
			}
			w, _ := strconv.ParseFloat(root.attr("width"), 64)
			lw := textWidth("整治开始", labelSize)
			if labels[0].attr("text-anchor") == "end" {
				lx -= lw
			}
			if lx < 0 || lx+lw > w {
				t.Errorf("label [%v,%v] outside canvas width %v", lx, lx+lw, w)
			}
		})
	}
	t.Run("no marker when negative", func(t *testing.T) {
		svg, _ := Line("趋势", dates(5), []Series{{"a", wave(5, 0)}}, -1, "整治开始", Options{})
		if strings.Contains(string(svg), `class="marker`) || strings.Contains(string(svg), "整治开始") {
			t.Error("marker drawn for index -1")
		}
	})
}

// luminance of a #rrggbb fill, for comparing shades.
func luminance(t *testing.T, fill string) float64 {
	t.Helper()
	if len(fill) != 7 || fill[0] != '#' {
		t.Fatalf("fill %q is not #rrggbb", fill)
	}
	c := make([]float64, 3)
	for i := range c {
		v, err := strconv.ParseUint(fill[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatal(err)
		}
		c[i] = float64(v)
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func TestHeatmapShading(t *testing.T) {
	tests := []struct {
		name      string
		day, hour int
		v         float64
	}{
		{"Wednesday 15h", 2, 15, 30},
		{"Sunday 23h", 6, 23, 99.5},
		{"Monday 0h", 0, 0, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cells := sampleHeat()
			cells[2][15] = 10
			cells[tt.day][tt.hour] = tt.v
			svg, _ := Heatmap("分布", cells, Options{})
			root := checkSafe(t, svg)
			var count int
			darkest, dl := node{}, math.Inf(1)
			lum := map[[2]string]float64{}
			root.walk(func(n node) {
				if n.attr("class") != "cell" {
					return
				}
				count++
				l := luminance(t, n.attr("fill"))
				lum[[2]string{n.attr("data-day"), n.attr("data-hour")}] = l
				if l < dl {
					darkest, dl = n, l
				}
			})
			if count != 7*24 {
				t.Fatalf("%d cells, want 168", count)
			}
			if d, h := darkest.attr("data-day"), darkest.attr("data-hour"); d != strconv.Itoa(tt.day) || h != strconv.Itoa(tt.hour) {
				t.Errorf("darkest cell is day %s hour %s, want %d %d", d, h, tt.day, tt.hour)
			}
			// Shading is monotonic: a larger value is never lighter.
			for d := 0; d < 7; d++ {
				for h := 0; h < 24; h++ {
					for d2 := 0; d2 < 7; d2++ {
						for h2 := 0; h2 < 24; h2++ {
							if cells[d][h] > cells[d2][h2] && lum[key(d, h)] > lum[key(d2, h2)] {
								t.Fatalf("cell %d/%d (%v) lighter than %d/%d (%v)", d, h, cells[d][h], d2, h2, cells[d2][h2])
							}
						}
					}
				}
			}
			if !strings.Contains(root.text(), fmtNum(tt.v, valueDecimals(tt.v))+"（最大）") {
				t.Error("legend lacks the maximum")
			}
		})
	}
}

func key(d, h int) [2]string { return [2]string{strconv.Itoa(d), strconv.Itoa(h)} }

func TestHeatmapOffHoursOutline(t *testing.T) {
	cells := sampleHeat() // after-hours data at Tuesday 21h and Saturday 10h, plus weekday 8h and 18h
	for _, tt := range []struct {
		name string
		opt  Options
		want int
	}{
		{"no work hours given", Options{}, 0},
		{"office hours", Options{WorkHours: OfficeHours()}, 5 + 5 + 1 + 1 + 5}, // 8h, 18h, 12h ×5 days, Tue 21h, Sat 10h
	} {
		t.Run(tt.name, func(t *testing.T) {
			svg, _ := Heatmap("分布", cells, tt.opt)
			if got := strings.Count(string(svg), `class="off-hours"`); got != tt.want {
				t.Errorf("%d outlined cells, want %d", got, tt.want)
			}
		})
	}
}

func TestLongLabelsTruncated(t *testing.T) {
	labels := []string{longUnit + longUnit, "高新区"}
	svg, _ := Bars("排名", labels, []Series{{"指数", []float64{3, 2}}}, Options{Width: 400})
	root := checkSafe(t, svg)
	var found bool
	root.walk(func(n node) {
		if n.XMLName.Local != "text" || !strings.HasSuffix(n.Content, "…") {
			return
		}
		found = true
		x, _ := strconv.ParseFloat(n.attr("x"), 64)
		if w := textWidth(n.Content, labelSize); x-w < 0 {
			t.Errorf("label %q starts left of the canvas (%v)", n.Content, x-w)
		}
		if len(n.Children) != 1 || n.Children[0].Content != longUnit+longUnit {
			t.Errorf("truncated label lacks full-name tooltip")
		}
	})
	if !found {
		t.Fatal("long label was not truncated")
	}
	// A name that fits is drawn whole.
	svg, _ = Bars("排名", []string{longUnit}, []Series{{"指数", []float64{3}}}, Options{})
	if !strings.Contains(string(svg), ">"+longUnit+"</text>") {
		t.Error("14-character unit name should fit at 720 px")
	}
}

func TestTextWidthAndFit(t *testing.T) {
	tests := []struct {
		s    string
		maxW float64
		want string
	}{
		{"整治开始", 100, "整治开始"},
		{longUnit, 12 * 6, "成都市消防…"},
		{"10-01", 100, "10-01"},
		{"abcdefghijklmnopqrstuvwxyz", 60, "abcdefg…"},
		{"", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			got, _ := fit(tt.s, tt.maxW, 12)
			if got != tt.want {
				t.Errorf("fit = %q, want %q", got, tt.want)
			}
			if textWidth(got, 12) > tt.maxW {
				t.Errorf("%q is wider than %v", got, tt.maxW)
			}
		})
	}
	if w := textWidth(longUnit, 12); w != 14*12 {
		t.Errorf("CJK width = %v, want one em per character", w)
	}
}

func TestSize(t *testing.T) {
	svg, _ := kinds("")["line"]()
	t.Logf("90-point 3-series line chart: %d bytes", len(svg))
	if len(svg) > 30_000 {
		t.Errorf("line chart is %d bytes, want well under 100 KB", len(svg))
	}
	for name, render := range kinds("") {
		b, _ := render()
		t.Logf("%s: %d bytes", name, len(b))
	}
}

// TestWriteSamples writes one sample of each chart to $CHART_SAMPLES, for
// looking at them in a browser; it does nothing when the variable is unset.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("CHART_SAMPLES")
	if dir == "" {
		t.Skip("set CHART_SAMPLES=dir to write sample SVGs")
	}
	samples := kinds("")
	samples["bars_single"] = func() ([]byte, error) {
		return Bars("单位负担指数排名（前10）", []string{longUnit, "成都市武侯区人民政府办公室", "青羊区大队", "高新区大队", "天府新区应急管理局", "金牛区大队", "成华区大队", "双流区大队", "郫都区大队", "新都区大队"},
			[]Series{{"负担指数", []float64{92.5, 80.1, 75, 66.3, 60, 51.2, 40, 33.3, 21, 8.5}}}, Options{})
	}
	samples["empty"] = func() ([]byte, error) { return Line("每日发文量", nil, nil, -1, "", Options{}) }
	samples["escape"] = kinds(evil)["bars"]
	samples["line_narrow"] = func() ([]byte, error) {
		return Line("近两周趋势（单系列）", dates(14), []Series{{"发文", wave(14, 0)}}, 12, "整治开始", Options{Width: 320, Height: 200})
	}
	samples["bars_crowded"] = func() ([]byte, error) {
		labels := make([]string, 60)
		vals := make([]float64, 60)
		for i := range labels {
			labels[i], vals[i] = longUnit+strconv.Itoa(i), float64(600-i*9)
		}
		return Bars("全部单位", labels, []Series{{"x", vals}}, Options{Height: 300})
	}
	for name, render := range samples {
		b, err := render()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".svg"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
