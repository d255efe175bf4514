package report

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // registers the PNG decoder for image.DecodeConfig
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/gomutex/godocx"
	"github.com/gomutex/godocx/common/units"
	"github.com/gomutex/godocx/docx"
	"github.com/gomutex/godocx/wml/ctypes"
	"github.com/gomutex/godocx/wml/stypes"
)

// Page geometry in twips (1/20 pt, 1440 per inch), from GB/T 9704-2012 §5.2:
// A4, 天头 37 mm, 订口 28 mm, and a 156 × 225 mm type area, which leaves
// 26 mm on the right and 35 mm at the bottom.
const (
	pageWidth    = 11906 // 210 mm
	pageHeight   = 16838 // 297 mm
	marginTop    = 2098  // 37 mm
	marginBottom = 1984  // 35 mm
	marginLeft   = 1587  // 28 mm
	marginRight  = 1474  // 26 mm
	// footerDist puts the page number about 7 mm below the type area, as
	// §7.5 asks: 35 mm bottom margin − 7 mm − one 14 pt line ≈ 23 mm.
	footerDist = 1304
	headerDist = 851 // 15 mm; there is no header, Word just needs a value
	textWidth  = pageWidth - marginLeft - marginRight

	// linePitch is 28.95 pt: 22 lines of it fill the 225 mm type area
	// exactly, which is how §5.2.2 gets 22 lines per page.
	linePitch = 579
	// tableLine is the line height inside tables (小四 needs less).
	tableLine = 360
)

// Font names. The GB2312 variants are the ones GB/T 9704 names and that
// government PCs carry; fontFallbacks maps each to the stock Windows font
// Word should use when it is missing.
const (
	fontTitle = "方正小标宋简体"
	fontBody  = "仿宋_GB2312"
	fontHei   = "黑体"
	fontKai   = "楷体_GB2312"
	fontSong  = "宋体"
	// fontLatin sets digits and Latin letters, as is usual in 公文 practice.
	fontLatin = "Times New Roman"
)

// fontFallbacks are declared in word/fontTable.xml as w:altName, the only
// place OOXML has for a substitute font.
var fontFallbacks = []struct{ name, alt, family, pitch string }{
	{fontTitle, fontSong, "roman", "variable"},
	{fontBody, "仿宋", "modern", "fixed"},
	{fontKai, "楷体", "modern", "fixed"},
	{fontHei, "SimHei", "modern", "fixed"},
	{fontSong, "SimSun", "auto", "variable"},
}

// Font sizes in points (GB/T 9704 uses the Chinese 号 sizes).
const (
	size2    = 22 // 二号
	size3    = 16 // 三号
	size4    = 14 // 四号
	sizeS4   = 12 // 小四
	charsTwo = 200
)

// runStyle is how a run of text looks.
type runStyle struct {
	font string
	pt   uint64
	bold bool
}

var (
	styleTitle    = runStyle{font: fontTitle, pt: size2}
	styleBody     = runStyle{font: fontBody, pt: size3}
	styleHeading1 = runStyle{font: fontHei, pt: size3}
	styleHeading2 = runStyle{font: fontKai, pt: size3}
	styleCaption  = runStyle{font: fontHei, pt: size4}
	styleCell     = runStyle{font: fontBody, pt: sizeS4}
	styleCellHead = runStyle{font: fontBody, pt: sizeS4, bold: true}
)

// WriteDOCX writes r as a Word document to w.
//
// The document is built with github.com/gomutex/godocx. What the library
// does not model is filled in on its public types and file map: East Asian
// font attributes (Run.Font sets only ascii/hAnsi), exact line spacing and
// character-based indents (set on ctypes.ParagraphProp), the A4 section
// with GB/T 9704 margins, a footer part with a PAGE field for "— 1 —" page
// numbers (godocx has no footer API nor complex fields), and font
// fallbacks in the font table. Nothing is written to w when an error occurs
// before the archive is produced.
func WriteDOCX(w io.Writer, r Report) error {
	rd, err := godocx.NewDocument()
	if err != nil {
		return fmt.Errorf("report: new docx: %w", err)
	}
	b := &docxBuilder{rd: rd}

	b.setDefaults()
	b.setSection()
	if err := b.addFooter(); err != nil {
		return err
	}
	b.addFontFallbacks()

	b.title(r.Title)
	if len(r.Headline) > 0 {
		b.table(r.headlineTable())
	}
	for _, s := range r.Sections {
		if strings.TrimSpace(s.Heading) != "" {
			b.heading1(s.Heading)
		}
		for _, p := range s.Paragraphs {
			b.body(p)
		}
		for _, t := range s.Tables {
			b.table(t)
		}
		for _, c := range s.Charts {
			if err := b.chart(c); err != nil {
				return err
			}
		}
	}
	b.signature(r.Issuer, formatDate(r.Date))

	b.dedupeContentTypes()
	// Buffer the archive so a failure half-way leaves w untouched.
	var buf bytes.Buffer
	if err := rd.Write(&buf); err != nil {
		return fmt.Errorf("report: write docx: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// docxBuilder appends report content to a godocx document.
type docxBuilder struct {
	rd *docx.RootDoc
}

// setDefaults makes 仿宋 三号 the document default, so that text the
// office types in Word later looks like the body rather than Calibri.
func (b *docxBuilder) setDefaults() {
	st := b.rd.DocStyles
	if st == nil {
		return
	}
	if st.DocDefaults == nil {
		st.DocDefaults = &ctypes.DocDefault{}
	}
	if st.DocDefaults.RunProp == nil {
		st.DocDefaults.RunProp = &ctypes.RunPropDefault{}
	}
	st.DocDefaults.RunProp.RunProp = runProps(styleBody)
}

// setSection replaces the template's US Letter section with A4 and the
// GB/T 9704 margins, and sets the line grid to the body line pitch.
func (b *docxBuilder) setSection() {
	body := b.rd.Document.Body
	w, h := uint64(pageWidth), uint64(pageHeight)
	body.SectPr = &ctypes.SectionProp{
		PageSize: &ctypes.PageSize{Width: &w, Height: &h},
		PageMargin: &ctypes.PageMargin{
			Top: intp(marginTop), Bottom: intp(marginBottom),
			Left: intp(marginLeft), Right: intp(marginRight),
			Header: intp(headerDist), Footer: intp(footerDist), Gutter: intp(0),
		},
		DocGrid: &ctypes.DocGrid{Type: stypes.DocGridLines, LinePitch: intp(linePitch)},
	}
}

// footerXML is the footer part: "— PAGE —" centred in 宋体 四号.
//
// godocx models the w:footerReference in the section but has neither a
// footer part type nor w:fldChar, so this small, fixed part is written by
// hand. GB/T 9704 §7.5 puts odd page numbers right and even ones left; that
// needs even-and-odd footers in settings.xml, which the library cannot set,
// so the number is centred, as most offices' report templates do.
const footerXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
	`<w:p><w:pPr><w:jc w:val="center"/></w:pPr>` +
	footerRun + `<w:t xml:space="preserve">— </w:t></w:r>` +
	footerRun + `<w:fldChar w:fldCharType="begin"/></w:r>` +
	footerRun + `<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
	footerRun + `<w:fldChar w:fldCharType="separate"/></w:r>` +
	footerRun + `<w:t>1</w:t></w:r>` +
	footerRun + `<w:fldChar w:fldCharType="end"/></w:r>` +
	footerRun + `<w:t xml:space="preserve"> —</w:t></w:r>` +
	`</w:p></w:ftr>`

const footerRun = `<w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>`

const (
	footerPart    = "word/footer1.xml"
	relFooter     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
	ctFooter      = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
	fontTablePart = "word/fontTable.xml"
)

// addFooter adds the page-number footer through the library's file map,
// relationships and content types, and references it from the section.
func (b *docxBuilder) addFooter() error {
	doc := b.rd.Document
	id := "rId" + strconv.Itoa(doc.IncRelationID())
	doc.DocRels.Relationships = append(doc.DocRels.Relationships, &docx.Relationship{
		ID: id, Type: relFooter, Target: "footer1.xml",
	})
	if err := b.rd.ContentType.AddOverride("/"+footerPart, ctFooter); err != nil {
		return fmt.Errorf("report: footer content type: %w", err)
	}
	b.rd.FileMap.Store(footerPart, []byte(footerXML))
	doc.Body.SectPr.FooterReference = &ctypes.FooterReference{Type: stypes.HdrFtrDefault, ID: id}
	return nil
}

// addFontFallbacks declares the GB/T 9704 fonts in the font table with a
// w:altName, so Word and WPS substitute 仿宋/楷体/宋体 rather than a Latin
// font where the GB2312 fonts are not installed. godocx keeps the font
// table as raw bytes, so the entries are spliced in before </w:fonts>.
func (b *docxBuilder) addFontFallbacks() {
	v, ok := b.rd.FileMap.Load(fontTablePart)
	if !ok {
		return
	}
	raw, ok := v.([]byte)
	if !ok {
		return
	}
	end := bytes.LastIndex(raw, []byte("</w:fonts>"))
	if end < 0 {
		return
	}
	var add strings.Builder
	for _, f := range fontFallbacks {
		fmt.Fprintf(&add, `<w:font w:name="%s"><w:altName w:val="%s"/><w:charset w:val="86"/><w:family w:val="%s"/><w:pitch w:val="%s"/></w:font>`,
			f.name, f.alt, f.family, f.pitch)
	}
	out := make([]byte, 0, len(raw)+add.Len())
	out = append(out, raw[:end]...)
	out = append(out, add.String()...)
	out = append(out, raw[end:]...)
	b.rd.FileMap.Store(fontTablePart, out)
}

// dedupeContentTypes drops repeated Default entries: godocx's AddPicture
// appends a "png" Default for every picture, and Word rejects a package
// whose [Content_Types].xml names an extension twice.
func (b *docxBuilder) dedupeContentTypes() {
	ct := &b.rd.ContentType
	seen := map[string]bool{}
	out := ct.Default[:0]
	for _, d := range ct.Default {
		k := strings.ToLower(d.Extension)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	ct.Default = out
}

// paraOpts describes a paragraph's layout.
type paraOpts struct {
	jc        stypes.Justification
	indent    bool // two-character first-line indent
	line      int  // exact line height in twips; 0 = single
	before    uint64
	after     uint64
	keepNext  bool
	outline   *int // outline level, so headings show in Word's navigation pane
	rightChar int  // right indent in hundredths of a character
}

// newPara appends an empty paragraph to the body with the given layout.
func (b *docxBuilder) newPara(o paraOpts) *docx.Paragraph {
	p := b.rd.AddEmptyParagraph()
	setPara(p, o, size3)
	return p
}

// setPara sets a paragraph's properties. pt is the font size, needed for
// the twip form of the first-line indent.
func setPara(p *docx.Paragraph, o paraOpts, pt int) {
	pp := &ctypes.ParagraphProp{}
	if o.jc != "" {
		pp.Justification = ctypes.NewGenSingleStrVal(o.jc)
	}
	sp := &ctypes.Spacing{Before: &o.before, After: &o.after}
	if o.line > 0 {
		rule := stypes.LineSpacingRuleExact
		sp.Line, sp.LineRule = intp(o.line), &rule
	} else {
		rule := stypes.LineSpacingRuleAuto
		sp.Line, sp.LineRule = intp(240), &rule
	}
	pp.Spacing = sp
	ind := &ctypes.Indent{}
	if o.indent {
		// firstLineChars is what Word and WPS use; firstLine (2 × the font
		// size) is for readers that ignore character units.
		ind.FirstLineChars = intp(charsTwo)
		fl := uint64(2 * pt * 20)
		ind.FirstLine = &fl
	} else {
		var zero uint64
		ind.FirstLine = &zero
		ind.FirstLineChars = intp(0)
	}
	if o.rightChar > 0 {
		ind.RightChars = intp(o.rightChar)
		ind.Right = intp(o.rightChar * pt * 20 / 100)
	}
	pp.Indent = ind
	if o.keepNext {
		pp.KeepNext = ctypes.OnOffFromBool(true)
	}
	if o.outline != nil {
		pp.OutlineLvl = ctypes.NewDecimalNum(*o.outline)
	}
	p.GetCT().Property = pp
}

// runProps returns run properties for a style, with the East Asian font
// set: godocx's Run.Font only sets ascii/hAnsi, which would leave Chinese
// text in the template's default font.
func runProps(s runStyle) *ctypes.RunProperty {
	rp := &ctypes.RunProperty{
		Fonts: &ctypes.RunFonts{
			Ascii: fontLatin, HAnsi: fontLatin, EastAsia: s.font, CS: fontLatin,
			Hint: stypes.FontTypeHintEastAsia,
		},
		Size:   ctypes.NewFontSize(s.pt * 2),
		SizeCs: ctypes.NewFontSizeCS(s.pt * 2),
	}
	if s.font == fontTitle {
		// The title is all 小标宋, Latin included, as in printed 公文.
		rp.Fonts.Ascii, rp.Fonts.HAnsi = s.font, s.font
	}
	if s.bold {
		rp.Bold = ctypes.OnOffFromBool(true)
		rp.BoldCS = ctypes.OnOffFromBool(true)
	}
	return rp
}

// addRun appends text to p in style s. Line breaks in text become w:br;
// the text itself goes through ctypes.Text, whose encoder escapes it.
func addRun(p *docx.Paragraph, text string, s runStyle) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	run := &ctypes.Run{Property: runProps(s)}
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			run.Children = append(run.Children, ctypes.RunChild{Break: &ctypes.Break{}})
		}
		if line != "" {
			run.Children = append(run.Children, ctypes.RunChild{Text: ctypes.TextFromString(line)})
		}
	}
	ct := p.GetCT()
	ct.Children = append(ct.Children, ctypes.ParagraphChild{Run: run})
}

// title writes the centred title and the blank line GB/T 9704 leaves
// below it.
func (b *docxBuilder) title(t string) {
	if strings.TrimSpace(t) == "" {
		return
	}
	// 二号 needs more than the 28.95 pt body pitch; two grid lines (about
	// 35 pt exact here) keep multi-line titles readable.
	p := b.newPara(paraOpts{jc: stypes.JustificationCenter, line: 700})
	addRun(p, t, styleTitle)
	b.newPara(paraOpts{line: linePitch})
}

// heading1 writes a first-level heading "一、…" in 黑体.
func (b *docxBuilder) heading1(h string) {
	lvl := 0
	p := b.newPara(paraOpts{jc: stypes.JustificationBoth, indent: true, line: linePitch, keepNext: true, outline: &lvl})
	addRun(p, h, styleHeading1)
}

// body writes a body paragraph; one that opens with "（一）" gets its
// heading part in 楷体 (see splitLead).
func (b *docxBuilder) body(text string) {
	lead, rest := splitLead(text)
	o := paraOpts{jc: stypes.JustificationBoth, indent: true, line: linePitch}
	if lead != "" {
		lvl := 1
		o.outline = &lvl
		o.keepNext = rest == ""
	}
	p := b.newPara(o)
	if lead != "" {
		addRun(p, lead, styleHeading2)
	}
	if rest != "" || lead == "" {
		addRun(p, rest, styleBody)
	}
}

// caption writes a centred 黑体 caption.
func (b *docxBuilder) caption(text string, keepNext bool) {
	if strings.TrimSpace(text) == "" {
		return
	}
	p := b.newPara(paraOpts{jc: stypes.JustificationCenter, line: linePitch, keepNext: keepNext})
	addRun(p, text, styleCaption)
}

// table writes a captioned, fully bordered table filling the text width.
// A table with neither header nor rows is reduced to its caption and a
// "（无数据）" line, since Word rejects a w:tbl without rows.
func (b *docxBuilder) table(t Table) {
	b.caption(t.Caption, true)
	cols := t.columns()
	if cols == 0 {
		p := b.newPara(paraOpts{jc: stypes.JustificationCenter, line: linePitch})
		addRun(p, "（无数据）", styleBody)
		return
	}
	widths := make([]int, cols)
	grid := make([]uint64, cols)
	used := 0
	for i, f := range t.fractions() {
		widths[i] = int(f * textWidth)
		if i == cols-1 {
			widths[i] = textWidth - used // absorb rounding so the table fits exactly
		}
		used += widths[i]
		grid[i] = uint64(max(widths[i], 1))
	}

	tbl := b.rd.AddTable()
	tbl.Grid(grid...)
	border := func() *ctypes.Border { return ctypes.NewCellBorder(stypes.BorderStyleSingle, "000000", "0", 4) }
	tp := &tbl.GetCT().TableProp
	tp.Width = ctypes.NewTableWidth(textWidth, stypes.TableWidthDxa)
	tp.Justification = ctypes.NewGenSingleStrVal(stypes.JustificationCenter)
	tp.Borders = &ctypes.TableBorders{
		Top: border(), Left: border(), Bottom: border(), Right: border(),
		InsideH: border(), InsideV: border(),
	}
	// Fixed layout keeps the given widths even when a cell holds a very
	// long unbroken string (a URL, an ID), which would otherwise push the
	// table past the margin.
	tp.Layout = ctypes.NewTableLayout(stypes.TableLayoutFixed)
	tp.CellMargin = &ctypes.CellMargins{
		Left:  ctypes.NewTableWidth(85, stypes.TableWidthDxa),
		Right: ctypes.NewTableWidth(85, stypes.TableWidthDxa),
	}

	addRow := func(cells []string, head bool) {
		row := tbl.AddRow()
		for i := 0; i < cols; i++ {
			c := row.AddCell()
			c.Width(widths[i], stypes.TableWidthDxa)
			c.VerticalAlign("center")
			p := c.AddEmptyPara()
			o := paraOpts{jc: stypes.JustificationCenter, line: tableLine}
			st := styleCell
			if head {
				st = styleCellHead
			}
			setPara(p, o, sizeS4)
			addRun(p, cell(cells, i), st)
		}
	}
	if len(t.Header) > 0 {
		addRow(t.Header, true)
		// Repeat the header on every page a long table spans, and keep
		// it from splitting.
		rp := tbl.GetCT().RowContents[0].Row.Property
		rp.Header = ctypes.OnOffFromBool(true)
		rp.CantSplit = ctypes.OnOffFromBool(true)
	}
	for _, r := range t.Rows {
		addRow(r, false)
	}
	if len(t.Rows) == 0 {
		// A header with no rows: say so inside the table, under it.
		row := tbl.AddRow()
		c := row.AddCell()
		c.Width(textWidth, stypes.TableWidthDxa)
		c.ColSpan(cols)
		p := c.AddEmptyPara()
		setPara(p, paraOpts{jc: stypes.JustificationCenter, line: tableLine}, sizeS4)
		addRun(p, "（无数据）", styleCell)
	}
	// A paragraph after each table: Word merges adjacent tables, and a
	// table may not be the last thing before the section properties.
	b.newPara(paraOpts{line: linePitch})
}

// maxPictureWidth is the widest a chart may be, in inches: the 156 mm
// text width.
const maxPictureWidth = 156 / 25.4

// chart writes a chart: its PNG when given (caption below, as Chinese
// practice puts 图题 under the figure), else its table, so the figures are
// always in the document. A PNG that does not decode falls back to the
// table; with no table either, that is an error rather than a silent gap.
func (b *docxBuilder) chart(c Chart) error {
	if len(c.PNG) > 0 {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(c.PNG))
		switch {
		case err == nil && cfg.Width > 0 && cfg.Height > 0:
			return b.picture(c, cfg)
		case c.Table == nil:
			return fmt.Errorf("report: chart %q: PNG does not decode (%v) and there is no table to show instead", c.Caption, err)
		}
	}
	if c.Table != nil {
		// The table stands in for the figure, so it takes the figure's
		// caption when there is one.
		t := *c.Table
		if strings.TrimSpace(c.Caption) != "" {
			t.Caption = c.Caption
		}
		b.table(t)
		return nil
	}
	// Neither picture nor data: keep the caption so the gap is visible to
	// the editor rather than silently dropped.
	b.caption(c.Caption, false)
	return nil
}

// picture embeds a PNG chart. godocx's AddPicture reads from a path only,
// so the bytes go through a temporary file that is removed at once; the
// library copies them into the package.
func (b *docxBuilder) picture(c Chart, cfg image.Config) error {
	f, err := os.CreateTemp("", "report-chart-*.png")
	if err != nil {
		return fmt.Errorf("report: chart %q: %w", c.Caption, err)
	}
	name := f.Name()
	defer os.Remove(name)
	if _, err := f.Write(c.PNG); err != nil {
		f.Close()
		return fmt.Errorf("report: chart %q: %w", c.Caption, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("report: chart %q: %w", c.Caption, err)
	}

	// Size at 96 dpi, shrunk to the text width if wider, aspect kept.
	wIn := float64(cfg.Width) / 96
	hIn := float64(cfg.Height) / 96
	if wIn > maxPictureWidth {
		hIn *= maxPictureWidth / wIn
		wIn = maxPictureWidth
	}
	pm, err := b.rd.AddPicture(name, units.Inch(wIn), units.Inch(hIn))
	if err != nil {
		return fmt.Errorf("report: chart %q: %w", c.Caption, err)
	}
	// A single line of the exact body pitch would clip the picture, so
	// its paragraph uses single (auto) spacing.
	setPara(pm.Para, paraOpts{jc: stypes.JustificationCenter, keepNext: strings.TrimSpace(c.Caption) != ""}, size3)
	b.caption(c.Caption, false)
	return nil
}

// signature writes the issuer and date at the end, right-aligned, the date
// four characters in from the right margin and the issuer above it, which
// approximates GB/T 9704 §7.3.5.2 (issuer centred over the date).
func (b *docxBuilder) signature(issuer, date string) {
	if issuer == "" && date == "" {
		return
	}
	b.newPara(paraOpts{line: linePitch})
	b.newPara(paraOpts{line: linePitch})
	if strings.TrimSpace(issuer) != "" {
		p := b.newPara(paraOpts{jc: stypes.JustificationRight, line: linePitch, rightChar: 200, keepNext: date != ""})
		addRun(p, issuer, styleBody)
	}
	if date != "" {
		p := b.newPara(paraOpts{jc: stypes.JustificationRight, line: linePitch, rightChar: 400})
		addRun(p, date, styleBody)
	}
}

func intp(v int) *int { return &v }
