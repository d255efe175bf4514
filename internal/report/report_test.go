package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/jianfu-gov/jianfu/internal/chart"
)

const wordNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// testPNG makes a small valid PNG.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testSVG makes a chart the way the dashboards do.
func testSVG(t *testing.T) []byte {
	t.Helper()
	svg, err := chart.Bars("各支队填报负担", []string{"成都市消防救援支队", "绵阳市消防救援支队"},
		[]chart.Series{{Name: "填报", Values: []float64{12, 7}}}, chart.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return svg
}

// fullReport is a realistic report touching every feature.
func fullReport(t *testing.T) Report {
	return Report{
		Title:  "四川省消防救援总队“指尖上的形式主义”专项整治工作总结",
		Issuer: "四川省消防救援总队减负工作领导小组办公室",
		Date:   time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
		Headline: []Figure{
			{Label: "清理政务应用程序", Value: "128 个", Note: "较整治前减少 41.2%"},
			{Label: "压减填报事项", Value: "1,034 项", Note: "涉及 21 个支队"},
			{Label: "基层减负满意度", Value: "96.5%"},
		},
		Sections: []Section{
			{
				Heading: "一、基本情况",
				Paragraphs: []string{
					"按照应急管理部消防救援局统一部署，总队自2026年3月起开展专项整治。",
					"（一）加强组织领导。总队成立领导小组，下设办公室。",
					"（二）摸清底数",
				},
				Tables: []Table{{
					Caption: "表1　各支队整治情况",
					Header:  []string{"支队", "应用数", "压减数"},
					Rows:    [][]string{{"成都市消防救援支队", "23", "11"}, {"绵阳市消防救援支队", "9", "4"}},
					Widths:  []float64{3, 1, 1},
				}},
			},
			{
				Heading:    "二、主要成效",
				Paragraphs: []string{"基层填报负担明显减轻。\n第二行。"},
				Charts: []Chart{{
					Caption: "图1　各支队填报负担",
					SVG:     testSVG(t),
					PNG:     testPNG(t, 1200, 500),
					Table:   &Table{Header: []string{"支队", "填报"}, Rows: [][]string{{"成都", "12"}, {"绵阳", "7"}}},
				}},
			},
			{
				Heading: "三、下一步工作",
				Charts: []Chart{{
					Caption: "图2　月度趋势",
					SVG:     testSVG(t),
					Table:   &Table{Header: []string{"月份", "件数"}, Rows: [][]string{{"10月", "88"}, {"11月", "52"}}},
				}},
			},
		},
	}
}

// docxParts opens a DOCX and returns its parts by name.
func docxParts(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		parts[f.Name] = data
	}
	return parts
}

// wellFormed fails the test unless data is well-formed XML.
func wellFormed(t *testing.T, name string, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
	}
}

// docText concatenates the w:t text of document.xml, with a newline after
// each paragraph so that neighbouring cells do not run together.
func docText(t *testing.T, data []byte) string {
	t.Helper()
	var sb strings.Builder
	d := xml.NewDecoder(bytes.NewReader(data))
	inText := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return sb.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Space == wordNS && e.Name.Local == "t" {
				inText = true
			}
		case xml.EndElement:
			if e.Name.Space == wordNS && e.Name.Local == "t" {
				inText = false
			}
			if e.Name.Space == wordNS && e.Name.Local == "p" {
				sb.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				sb.Write(e)
			}
		}
	}
}

// inOrder fails unless every want occurs in text, each after the previous.
func inOrder(t *testing.T, text string, want []string) {
	t.Helper()
	pos := 0
	for _, w := range want {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			t.Errorf("%q missing or out of order (searched from byte %d) in:\n%s", w, pos, text)
			return
		}
		pos += i + len(w)
	}
}

// expected lists what must appear, in order, for a report: title,
// headline figures, then per section heading, paragraphs, table cells and
// chart tables (DOCX shows a chart's table only without PNG).
func expected(r Report, docx bool) []string {
	var out []string
	add := func(s ...string) {
		for _, x := range s {
			for _, line := range lines(x) {
				if strings.TrimSpace(line) != "" {
					out = append(out, line)
				}
			}
		}
	}
	addTable := func(tb Table) {
		add(tb.Caption)
		add(tb.Header...)
		for _, row := range tb.Rows {
			add(row...)
		}
	}
	add(r.Title)
	for _, f := range r.Headline {
		add(f.Label, f.Value, f.Note)
	}
	for _, s := range r.Sections {
		add(s.Heading)
		add(s.Paragraphs...)
		for _, tb := range s.Tables {
			addTable(tb)
		}
		for _, c := range s.Charts {
			if docx && c.PNG == nil && c.Table != nil {
				tb := *c.Table
				if c.Caption != "" {
					tb.Caption = c.Caption
				}
				addTable(tb)
				continue
			}
			add(c.Caption)
		}
	}
	add(r.Issuer, formatDate(r.Date))
	return out
}

func longTable(n int) Table {
	tb := Table{Caption: "表2　问题清单", Header: []string{"序号", "单位", "问题"}}
	for i := 1; i <= n; i++ {
		tb.Rows = append(tb.Rows, []string{fmt.Sprint(i), fmt.Sprintf("第%d大队", i), fmt.Sprintf("问题描述%d", i)})
	}
	return tb
}

// cases are the reports both renderers must handle.
func cases(t *testing.T) []struct {
	name string
	r    Report
} {
	long := strings.Repeat("超长单元格文本", 300) + strings.Repeat("x", 2000)
	return []struct {
		name string
		r    Report
	}{
		{"full", fullReport(t)},
		{"empty report", Report{}},
		{"special characters", Report{
			Title:    `关于<script>alert("x")</script> & 'quotes' 的总结`,
			Headline: []Figure{{Label: `A<B & "C"`, Value: `'5' > 3`, Note: "]]> <![CDATA["}},
			Sections: []Section{{
				Heading:    `一、"引号"与<标签>&符号`,
				Paragraphs: []string{`正文包含 <b>粗体</b> &amp; &lt; 字样`},
				Tables:     []Table{{Caption: "表<1>", Header: []string{"<h>", "&"}, Rows: [][]string{{`"q"`, "'s'"}}}},
			}},
		}},
		{"60-row table", Report{
			Title:    "长表测试",
			Sections: []Section{{Heading: "一、问题清单", Tables: []Table{longTable(60)}}},
		}},
		{"degenerate content", Report{
			Title: "边界情况",
			Sections: []Section{
				{},                // empty section
				{Heading: "一、空表"}, // heading only
				{Heading: "二、各种表", Tables: []Table{
					{Caption: "表1　只有表头", Header: []string{"单位", "数量"}},
					{Caption: "表2　什么都没有"},
					{Caption: "表3　参差行", Header: []string{"a"}, Rows: [][]string{{"1", "2", "3"}, {}}, Widths: []float64{1, -2}},
					{Caption: "表4　超长文本", Header: []string{"说明"}, Rows: [][]string{{long}}},
				}},
				{Heading: "三、空图", Charts: []Chart{{Caption: "图1　无数据"}}},
			},
		}},
	}
}

func TestWriteDOCX(t *testing.T) {
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDOCX(&buf, tc.r); err != nil {
				t.Fatal(err)
			}
			parts := docxParts(t, buf.Bytes())
			for _, name := range []string{"[Content_Types].xml", "word/document.xml", "word/footer1.xml", "word/_rels/document.xml.rels", "word/styles.xml", "word/fontTable.xml"} {
				data, ok := parts[name]
				if !ok {
					t.Fatalf("part %s missing", name)
				}
				wellFormed(t, name, data)
			}
			doc := parts["word/document.xml"]
			inOrder(t, docText(t, doc), expected(tc.r, true))

			// The GB/T 9704 page set-up and fonts.
			for _, want := range []string{
				`<w:pgSz w:w="11906" w:h="16838">`,
				`w:left="1587" w:right="1474"`, `w:top="2098"`, `w:bottom="1984"`,
				`<w:footerReference w:type="default" r:id="`,
			} {
				if !bytes.Contains(doc, []byte(want)) {
					t.Errorf("document.xml lacks %s", want)
				}
			}
			if tc.r.Title != "" && !bytes.Contains(doc, []byte(`w:eastAsia="方正小标宋简体"`)) {
				t.Error("title font missing")
			}
			if !bytes.Contains(parts["word/footer1.xml"], []byte("PAGE")) {
				t.Error("footer has no PAGE field")
			}
			if !bytes.Contains(parts["word/fontTable.xml"], []byte(`<w:altName w:val="仿宋"/>`)) {
				t.Error("font fallback missing")
			}
			if !bytes.Contains(parts["word/_rels/document.xml.rels"], []byte(`Target="footer1.xml"`)) {
				t.Error("footer relationship missing")
			}
		})
	}
}

func TestWriteDOCXBodyLayout(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, fullReport(t)); err != nil {
		t.Fatal(err)
	}
	doc := docxParts(t, buf.Bytes())["word/document.xml"]
	for _, want := range []string{
		`w:line="579" w:lineRule="exact"`, // fixed 28.95 pt pitch
		`w:firstLineChars="200"`,          // two-character indent
		`w:eastAsia="仿宋_GB2312"`, `w:eastAsia="黑体"`, `w:eastAsia="楷体_GB2312"`,
		`<w:sz w:val="44">`, `<w:sz w:val="32">`, `<w:sz w:val="24">`, // 二号, 三号, 小四
		`<w:tblHeader`, `<w:tblBorders>`, `<w:tblLayout w:type="fixed">`,
	} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
}

func TestWriteDOCXCharts(t *testing.T) {
	pic := testPNG(t, 300, 150)
	tbl := &Table{Header: []string{"月份", "件数"}, Rows: [][]string{{"九月", "31"}}}
	tests := []struct {
		name      string
		charts    []Chart
		media     int
		wantText  []string
		wantError bool
	}{
		{"png", []Chart{{Caption: "图1", PNG: pic, Table: tbl}}, 1, []string{"图1"}, false},
		{"two pngs", []Chart{{Caption: "图1", PNG: pic}, {Caption: "图2", PNG: testPNG(t, 2000, 800)}}, 2, []string{"图1", "图2"}, false},
		{"table fallback", []Chart{{Caption: "图1", SVG: []byte("<svg/>"), Table: tbl}}, 0, []string{"图1", "月份", "件数", "九月", "31"}, false},
		{"bad png falls back to table", []Chart{{Caption: "图1", PNG: []byte("not a png"), Table: tbl}}, 0, []string{"九月", "31"}, false},
		{"bad png without table", []Chart{{Caption: "图1", PNG: []byte("not a png")}}, 0, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteDOCX(&buf, Report{Title: "图表", Sections: []Section{{Heading: "一、图", Charts: tc.charts}}})
			if tc.wantError {
				if err == nil {
					t.Fatal("want an error")
				}
				if buf.Len() != 0 {
					t.Error("output written despite the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			parts := docxParts(t, buf.Bytes())
			media := 0
			for name, data := range parts {
				if strings.HasPrefix(name, "word/media/") {
					media++
					if _, err := png.DecodeConfig(bytes.NewReader(data)); err != nil {
						t.Errorf("%s is not a PNG: %v", name, err)
					}
				}
			}
			if media != tc.media {
				t.Errorf("media parts = %d, want %d", media, tc.media)
			}
			ct := parts["[Content_Types].xml"]
			wellFormed(t, "[Content_Types].xml", ct)
			if n := bytes.Count(ct, []byte(`Extension="png"`)); tc.media > 0 && n != 1 {
				t.Errorf("png Default declared %d times", n)
			}
			doc := parts["word/document.xml"]
			wellFormed(t, "document.xml", doc)
			if got := bytes.Count(doc, []byte("<w:drawing>")); got != tc.media {
				t.Errorf("drawings = %d, want %d", got, tc.media)
			}
			inOrder(t, docText(t, doc), tc.wantText)
		})
	}
}

// htmlDoc parses the print view and returns its text, in document order,
// and the root node.
func htmlDoc(t *testing.T, b []byte) (string, *html.Node) {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.ElementNode && (n.Data == "style" || n.Data == "svg" || n.Data == "title" && n.Parent != nil && n.Parent.Data == "head"):
			return // not body text
		case n.Type == html.TextNode:
			sb.WriteString(n.Data)
		case n.Type == html.ElementNode && (n.Data == "br" || n.Data == "p" || n.Data == "td" || n.Data == "th"):
			sb.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return sb.String(), root
}

func findAll(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	if n.Type == html.ElementNode && n.Data == tag {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, findAll(c, tag)...)
	}
	return out
}

func TestWriteHTML(t *testing.T) {
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteHTML(&buf, tc.r); err != nil {
				t.Fatal(err)
			}
			text, root := htmlDoc(t, buf.Bytes())
			// The HTML has the SVG, so a chart's table is not expected.
			inOrder(t, text, expected(tc.r, false))

			styles := findAll(root, "style")
			if len(styles) != 1 || !strings.Contains(styles[0].FirstChild.Data, "@page") ||
				!strings.Contains(styles[0].FirstChild.Data, "size: A4") {
				t.Error("no @page A4 rule")
			}
			if n := len(findAll(root, "script")); n != 0 {
				t.Errorf("%d script elements", n)
			}
			for _, tag := range []string{"link", "img", "iframe"} {
				if n := len(findAll(root, tag)); n != 0 {
					t.Errorf("%d <%s> elements: not self-contained", n, tag)
				}
			}
			charts := 0
			for _, s := range tc.r.Sections {
				charts += len(s.Charts)
			}
			svgs := findAll(root, "svg")
			if tc.name == "full" && len(svgs) != charts {
				t.Errorf("%d inline svg, want %d", len(svgs), charts)
			}
		})
	}
}

func TestWriteHTMLSpecialCharactersEscaped(t *testing.T) {
	var buf bytes.Buffer
	r := cases(t)[2].r
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "<script>") || strings.Contains(out, "<b>粗体") {
		t.Error("raw markup from report text reached the HTML")
	}
	if !strings.Contains(out, "&lt;script&gt;") {
		t.Error("title not escaped as expected")
	}
}

func TestInlineSVG(t *testing.T) {
	good := testSVG(t)
	tests := []struct {
		name string
		svg  string
		ok   bool
	}{
		{"chart package output", string(good), true},
		{"xml declaration stripped", `<?xml version="1.0"?>` + "\n" + `<svg xmlns="http://www.w3.org/2000/svg"><text>a &amp; b</text></svg>`, true},
		{"empty", "", false},
		{"not svg", `<div>x</div>`, false},
		{"script", `<svg><script>alert(1)</script></svg>`, false},
		{"event handler", `<svg onload="alert(1)"></svg>`, false},
		{"external image", `<svg><image href="http://example.invalid/x.png"/></svg>`, false},
		{"foreign object", `<svg><foreignObject><div/></foreignObject></svg>`, false},
		{"css url", `<svg><rect fill="url(http://x/y)"/></svg>`, false},
		{"malformed", `<svg><g></svg>`, false},
		{"two roots", `<svg></svg><svg></svg>`, false},
		{"trailing text", `<svg></svg></body>`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := inlineSVG([]byte(tc.svg))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if tc.ok && !strings.HasPrefix(string(got), "<svg") {
				t.Errorf("inlined SVG starts %q", string(got)[:min(20, len(got))])
			}
		})
	}
}

func TestWriteHTMLChartFallback(t *testing.T) {
	r := Report{Sections: []Section{{Charts: []Chart{
		{Caption: "图1", SVG: []byte(`<svg onload="x()"/>`), Table: &Table{Header: []string{"月份"}, Rows: [][]string{{"十月"}}}},
		{Caption: "图2"},
	}}}}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	text, root := htmlDoc(t, buf.Bytes())
	if n := len(findAll(root, "svg")); n != 0 {
		t.Errorf("unsafe svg inlined (%d)", n)
	}
	inOrder(t, text, []string{"月份", "十月", "图1", "图2"})
}

func TestSplitLead(t *testing.T) {
	tests := []struct{ in, lead, rest string }{
		{"（一）加强组织领导。总队成立领导小组。", "（一）加强组织领导。", "总队成立领导小组。"},
		{"（十二）标题", "（十二）标题", ""},
		{"正文（一）不是标题", "", "正文（一）不是标题"},
		{"（注）说明", "", "（注）说明"},
		{"(三)半角括号。后文", "(三)半角括号。", "后文"},
		{"（", "", "（"},
		{"", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			lead, rest := splitLead(tc.in)
			if lead != tc.lead || rest != tc.rest {
				t.Errorf("splitLead(%q) = %q, %q; want %q, %q", tc.in, lead, rest, tc.lead, tc.rest)
			}
		})
	}
}

func TestFractions(t *testing.T) {
	tests := []struct {
		name string
		tb   Table
		want []float64
	}{
		{"given", Table{Header: []string{"a", "b"}, Widths: []float64{3, 1}}, []float64{0.75, 0.25}},
		{"count mismatch", Table{Header: []string{"a", "b"}, Widths: []float64{1}}, []float64{0.5, 0.5}},
		{"non-positive", Table{Header: []string{"a", "b"}, Widths: []float64{1, 0}}, []float64{0.5, 0.5}},
		{"no columns", Table{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.tb.fractions()
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDOCXOpensInLibreOffice converts the DOCX to PDF with LibreOffice,
// when it is installed, to prove a real word processor opens the file.
func TestDOCXOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed")
	}
	if testing.Short() {
		t.Skip("slow")
	}
	dir := t.TempDir()
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			name := strings.ReplaceAll(tc.name, " ", "_")
			in := filepath.Join(dir, name+".docx")
			var buf bytes.Buffer
			if err := WriteDOCX(&buf, tc.r); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
				"--convert-to", "pdf", "--outdir", dir, in)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("soffice: %v\n%s", err, out)
			}
			pdf, err := os.ReadFile(filepath.Join(dir, name+".pdf"))
			if err != nil {
				t.Fatalf("no PDF produced: %v", err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF")) {
				t.Error("output is not a PDF")
			}
		})
	}
}
