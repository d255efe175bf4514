package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
)

// WriteHTML writes r as a self-contained HTML print view to w: one file
// with no external assets (styles inline, charts as inline SVG), laid out
// on A4 with the GB/T 9704 margins by print CSS, so that printing it from a
// browser gives pages like the DOCX. All text goes through html/template.
//
// A chart's SVG is inlined only when it parses as a single well-formed
// <svg> element without scripts, event handlers, foreign objects or
// external references (what internal/chart produces); otherwise the chart's
// table is shown, or just its caption.
func WriteHTML(w io.Writer, r Report) error {
	v := htmlView{
		Title:  r.Title,
		Issuer: r.Issuer,
		Date:   formatDate(r.Date),
	}
	if len(r.Headline) > 0 {
		t := htmlTableOf(r.headlineTable())
		v.Headline = &t
	}
	for _, s := range r.Sections {
		hs := htmlSection{Heading: s.Heading}
		for _, p := range s.Paragraphs {
			lead, rest := splitLead(p)
			hs.Paragraphs = append(hs.Paragraphs, htmlPara{Lead: lead, Lines: lines(rest)})
		}
		for _, t := range s.Tables {
			hs.Tables = append(hs.Tables, htmlTableOf(t))
		}
		for _, c := range s.Charts {
			hc := htmlChart{Caption: c.Caption}
			if svg, err := inlineSVG(c.SVG); err == nil {
				hc.SVG = svg
			} else if c.Table != nil {
				t := htmlTableOf(*c.Table)
				if strings.TrimSpace(c.Caption) != "" {
					t.Caption = "" // the figcaption already says it
				}
				hc.Table = &t
			}
			hs.Charts = append(hs.Charts, hc)
		}
		v.Sections = append(v.Sections, hs)
	}
	// Render into a buffer so a template error never leaves half a page.
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, v); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// htmlView is the template's data: the report with its tables normalised
// and its paragraphs split, so the template needs no logic.
type htmlView struct {
	Title, Issuer, Date string
	Headline            *htmlTable
	Sections            []htmlSection
}

type htmlSection struct {
	Heading    string
	Paragraphs []htmlPara
	Tables     []htmlTable
	Charts     []htmlChart
}

// htmlPara is a paragraph: Lead is a second-level heading part (楷体),
// Lines the rest split at "\n".
type htmlPara struct {
	Lead  string
	Lines []string
}

type htmlTable struct {
	Caption string
	Widths  []template.CSS // per column, e.g. "width:25.00%"
	Header  []string
	Rows    [][]string
	Cols    int
}

type htmlChart struct {
	Caption string
	SVG     template.HTML
	Table   *htmlTable
}

// htmlTableOf pads rows to a rectangle and turns widths into percentages.
func htmlTableOf(t Table) htmlTable {
	n := t.columns()
	h := htmlTable{Caption: t.Caption, Cols: n}
	for _, f := range t.fractions() {
		// Built from a float, so it is safe to mark as CSS.
		h.Widths = append(h.Widths, template.CSS("width:"+strconv.FormatFloat(f*100, 'f', 2, 64)+"%"))
	}
	if len(t.Header) > 0 {
		h.Header = pad(t.Header, n)
	}
	for _, r := range t.Rows {
		h.Rows = append(h.Rows, pad(r, n))
	}
	return h
}

func pad(row []string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = cell(row, i)
	}
	return out
}

// lines splits text at line breaks; an empty text gives no lines.
func lines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// errUnsafeSVG reports SVG that is not inlined.
var errUnsafeSVG = errors.New("svg not inlined")

// inlineSVG checks that b is one well-formed <svg> element with nothing
// that could run script or load anything from outside, and returns it
// without any XML declaration or doctype, ready to inline. Inlining means
// trusting the markup, so anything unexpected is refused rather than
// cleaned: the chart's table is a fine substitute.
func inlineSVG(b []byte) (template.HTML, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return "", errUnsafeSVG
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	depth := 0
	var start, end int64 = -1, -1
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%w: %v", errUnsafeSVG, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if start >= 0 || t.Name.Local != "svg" {
					return "", errUnsafeSVG // a second root, or not SVG
				}
				start = off
			}
			switch strings.ToLower(t.Name.Local) {
			case "script", "foreignobject", "iframe", "object", "embed", "image", "use", "style":
				// image/use could fetch external files; style could
				// import them; internal/chart uses none of these.
				return "", errUnsafeSVG
			}
			for _, a := range t.Attr {
				name := strings.ToLower(a.Name.Local)
				if strings.HasPrefix(name, "on") || name == "href" || name == "src" ||
					strings.Contains(strings.ToLower(a.Value), "url(") && !strings.Contains(a.Value, "url(#") {
					return "", errUnsafeSVG
				}
			}
			depth++
		case xml.EndElement:
			depth--
			if depth == 0 {
				end = d.InputOffset()
			}
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return "", errUnsafeSVG
			}
		case xml.Directive:
			if depth > 0 {
				return "", errUnsafeSVG // DOCTYPE or entity inside the element
			}
		case xml.ProcInst:
			if depth > 0 {
				return "", errUnsafeSVG
			}
		}
	}
	if start < 0 || end < 0 {
		return "", errUnsafeSVG
	}
	return template.HTML(b[start:end]), nil
}

// pageTmpl is the print view. Sizes are in pt so they match the DOCX; the
// font stacks put the GB/T 9704 fonts first and common fallbacks after.
var pageTmpl = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
@page {
  size: A4;
  margin: 37mm 26mm 35mm 28mm;
  @bottom-center {
    content: "— " counter(page) " —";
    font-family: "宋体", SimSun, "Songti SC", "Noto Serif CJK SC", serif;
    font-size: 14pt;
    vertical-align: top;
    padding-top: 7mm;
  }
}
:root {
  --song: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "宋体", SimSun, "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif;
  --fang: "Times New Roman", "仿宋_GB2312", "仿宋", FangSong, STFangsong, "Noto Serif CJK SC", serif;
  --hei: "Times New Roman", "黑体", SimHei, "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
  --kai: "Times New Roman", "楷体_GB2312", "楷体", KaiTi, STKaiti, "Noto Serif CJK SC", serif;
}
html { background: #e8e8e8; }
body { margin: 0; font-family: var(--fang); font-size: 16pt; line-height: 28.95pt; color: #000; }
.page {
  box-sizing: border-box; width: 210mm; min-height: 297mm; margin: 10mm auto;
  padding: 37mm 26mm 35mm 28mm; background: #fff; box-shadow: 0 0 4mm rgba(0,0,0,.25);
}
h1 { font-family: var(--song); font-size: 22pt; line-height: 35pt; font-weight: normal; text-align: center; margin: 0 0 28.95pt; }
h2 { font-family: var(--hei); font-size: 16pt; line-height: 28.95pt; font-weight: normal; text-indent: 2em; margin: 0; break-after: avoid; }
p { margin: 0; text-indent: 2em; text-align: justify; overflow-wrap: anywhere; }
.lead { font-family: var(--kai); }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 0 0 28.95pt; font-size: 12pt; line-height: 1.5; }
caption { caption-side: top; font-family: var(--hei); font-size: 14pt; line-height: 28.95pt; }
th, td { border: 0.75pt solid #000; padding: 1pt 4pt; text-align: center; vertical-align: middle; overflow-wrap: anywhere; word-break: break-all; }
th { font-weight: bold; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
figure { margin: 0 0 28.95pt; text-align: center; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-family: var(--hei); font-size: 14pt; }
.nodata { text-indent: 0; text-align: center; }
.sign { margin-top: 57.9pt; text-align: right; break-inside: avoid; }
.sign p { text-indent: 0; text-align: right; }
.sign .issuer { padding-right: 2em; }
.sign .date { padding-right: 4em; }
@media print {
  html { background: none; }
  .page { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
}
</style>
</head>
<body>
<main class="page">
{{with .Title}}<h1>{{.}}</h1>{{end}}
{{with .Headline}}{{template "table" .}}{{end}}
{{range .Sections}}<section>
{{with .Heading}}<h2>{{.}}</h2>{{end}}
{{range .Paragraphs}}<p>{{with .Lead}}<span class="lead">{{.}}</span>{{end}}{{range $i, $l := .Lines}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
{{end}}{{range .Tables}}{{template "table" .}}{{end}}
{{range .Charts}}<figure>
{{if .SVG}}{{.SVG}}{{else if .Table}}{{template "table" .Table}}{{end}}
{{with .Caption}}<figcaption>{{.}}</figcaption>{{end}}
</figure>
{{end}}</section>
{{end}}
{{if or .Issuer .Date}}<div class="sign">{{with .Issuer}}<p class="issuer">{{.}}</p>{{end}}{{with .Date}}<p class="date">{{.}}</p>{{end}}</div>{{end}}
</main>
</body>
</html>
{{define "table"}}{{if .Cols}}<table>
{{with .Caption}}<caption>{{.}}</caption>{{end}}
<colgroup>{{range .Widths}}<col style="{{.}}">{{end}}</colgroup>
{{with .Header}}<thead><tr>{{range .}}<th>{{.}}</th>{{end}}</tr></thead>{{end}}
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{else}}<tr><td colspan="{{.Cols}}">（无数据）</td></tr>{{end}}</tbody>
</table>
{{else}}{{with .Caption}}<p class="nodata">{{.}}</p>{{end}}<p class="nodata">（无数据）</p>
{{end}}{{end}}`))
