package binder

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"

	"ernstfall/assets"
)

// Font families registered with the PDF.
const (
	famSans = "dejavu"
	famMono = "dejavumono"
)

// Sizes in points and line heights in millimetres.
const (
	sizeBody  = 10.0
	sizeSmall = 8.0
	sizeTable = 8.5
	sizeCode  = 8.5
	margin    = 18.0
	topMargin = 20.0
	bottomGap = 18.0
)

// lineHeight is the line height in millimetres for a font size in points.
func lineHeight(size float64) float64 { return size * 0.46 }

// style is how a run of text looks.
type style struct {
	bold, italic, mono, strike bool
	// size in points; 0 is the body size.
	size  float64
	color color
}

type color int

const (
	colorText color = iota
	colorGray
	colorLink
	colorRed
)

// run is text in one style, optionally linking to a URL.
type run struct {
	text string
	st   style
	url  string
}

// piece is a measured part of a line.
type piece struct {
	text string
	st   style
	url  string
	w    float64
}

type line struct {
	pieces []piece
	w      float64
}

// pos is where a table-of-contents entry landed.
type pos struct {
	page int
	y    float64
}

// doc is the binder (or report) being drawn. It is laid out in one pass;
// what needs page numbers that are known only at the end (the footers'
// "page x of y", the table of contents, page references) is drawn onto
// its page afterwards, by finish.
type doc struct {
	p     *plan
	t     texts
	pdf   *gofpdf.Fpdf
	ctx   context.Context
	pageW float64
	pageH float64
	// left and right are the x of the content's edges, bottom the lowest y.
	left, right, bottom float64
	y                   float64
	section             string
	// noChrome is the page without header and footer (the cover).
	noChrome int
	marks    map[string]pos
	// later draws, once every page exists, what needs page numbers.
	later  []func()
	glyphs *glyphs
	spaceW map[style]float64
	// curFont and curColor mirror what the PDF has selected.
	curFont  fontKey
	curColor color
	colorSet bool
}

// render draws the binder's sections in one pass and closes the PDF.
func (p *plan) render(ctx context.Context) (*doc, error) {
	d, err := p.newDoc(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range p.sections {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("render binder: %w", err)
		}
		sections[s](d)
		if err := d.pdf.Error(); err != nil {
			return nil, fmt.Errorf("render binder section %s: %w", s, err)
		}
	}
	if err := d.close(); err != nil {
		return nil, fmt.Errorf("render binder: %w", err)
	}
	return d, nil
}

// close finishes the pages. The PDF itself is assembled by Output, as it
// is written.
func (d *doc) close() error {
	if err := d.ctx.Err(); err != nil {
		return err
	}
	if d.pdf.PageCount() == 0 {
		d.newPage("")
	}
	d.finish()
	return d.pdf.Error()
}

// finish draws what waited for the page numbers, then every page's
// number in its footer.
func (d *doc) finish() {
	for _, f := range d.later {
		f()
	}
	total := d.pdf.PageCount()
	for n := 1; n <= total; n++ {
		if n != d.noChrome {
			d.onPage(n)
			d.pageNumber(n, total)
		}
	}
	d.onPage(total)
}

// onPage goes back to page n to draw on it. What the page's own drawing
// left selected is not what gofpdf last selected, so font and colours are
// selected anew, the fill colour too (see fillRect).
func (d *doc) onPage(n int) {
	d.pdf.SetPage(n)
	d.forget()
	d.pdf.SetFillColor(0, 0, 0)
}

// fillRect draws a rectangle filled with the colour r, g, b (style "F" or
// "FD"), then selects black to fill with again. Text takes the fill colour
// unless its own differs, so black text, most of a binder, needs no
// colour of its own: pages get shorter and quicker to write.
func (d *doc) fillRect(x, y, w, h float64, style string, r, g, b int) {
	d.pdf.SetFillColor(r, g, b)
	d.pdf.Rect(x, y, w, h, style)
	d.pdf.SetFillColor(0, 0, 0)
}

// newDoc sets up a PDF with the fonts, page chrome and metadata.
func (p *plan) newDoc(ctx context.Context) (*doc, error) {
	orientation := "P"
	if p.landscape {
		orientation = "L"
	}
	pdf := gofpdf.New(orientation, "mm", p.paper, "")
	// A page is compressed as soon as the next begins; what finish draws
	// on it later (footer, page numbers) becomes a second content stream.
	pdf.SetCompressEarly(true)
	// The fonts in a fixed order: the same handbook printed at the same
	// time gives the same bytes.
	pdf.SetCatalogSort(true)
	for _, f := range []struct {
		fam, style string
		data       []byte
	}{
		{famSans, "", assets.FontRegular},
		{famSans, "B", assets.FontBold},
		{famSans, "I", assets.FontItalic},
		{famMono, "", assets.FontMono},
	} {
		pdf.AddUTF8FontFromBytes(f.fam, f.style, f.data)
	}
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("load binder fonts: %w", err)
	}
	w, h := pdf.GetPageSize()
	d := &doc{p: p, t: p.t, pdf: pdf, ctx: ctx, pageW: w, pageH: h,
		left: margin, right: w - margin, bottom: h - bottomGap,
		marks: map[string]pos{}, glyphs: &glyphs{other: map[glyphKey]int{}}, spaceW: map[style]float64{}}
	pdf.SetMargins(margin, topMargin, margin)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	pdf.SetCreationDate(p.printed)
	pdf.SetModificationDate(p.printed)
	pdf.SetTitle(p.t.handbook+" "+p.hb.Settings.Organisation, true)
	pdf.SetAuthor(p.hb.Settings.Organisation, true)
	pdf.SetCreator("Ernstfall", true)
	pdf.SetSubject(fmt.Sprintf("%s %s", p.t.version, p.version), true)
	pdf.SetHeaderFunc(d.header)
	pdf.SetLineWidth(0.2)
	return d, nil
}

// sections maps each section key to what draws it.
var sections = map[string]func(*doc){
	SectionCover:      (*doc).cover,
	SectionTOC:        (*doc).tocSection,
	SectionChanges:    (*doc).changeLog,
	SectionAlarm:      (*doc).alarmCard,
	SectionEscalation: (*doc).escalation,
	SectionCallTree:   (*doc).callTree,
	SectionContacts:   (*doc).contacts,
	SectionPlaybooks:  (*doc).playbooks,
	SectionRecovery:   (*doc).recovery,
	SectionContinuity: (*doc).continuityPlans,
	SectionSites:      (*doc).sitesSection,
	SectionSuppliers:  (*doc).suppliersSection,
	SectionBIA:        (*doc).biaOverview,
	SectionTemplates:  (*doc).templates,
	SectionReporting:  (*doc).reporting,
	SectionForms:      (*doc).forms,
}

// newPage starts a page whose header names section.
func (d *doc) newPage(section string) {
	d.section = section
	d.pdf.AddPage()
	d.forget()
	d.y = topMargin
}

// ensure starts a new page unless h millimetres fit below the current line.
func (d *doc) ensure(h float64) {
	if d.y+h > d.bottom {
		d.newPage(d.section)
	}
}

func (d *doc) chrome() bool { return d.pdf.PageNo() != d.noChrome }

// forget drops the mirrored font and colour: gofpdf resets them around
// the header and footer of a new page.
func (d *doc) forget() {
	d.curFont, d.colorSet = fontKey{}, false
}

func (d *doc) header() {
	d.forget()
	d.watermark()
	if !d.chrome() {
		return
	}
	d.font(style{size: sizeSmall, color: colorGray})
	d.pdf.SetXY(d.left, 9)
	d.pdf.CellFormat(d.right-d.left, 4, d.section, "", 0, "L", false, 0, "")
	d.pdf.SetXY(d.left, 9)
	d.pdf.CellFormat(d.right-d.left, 4, d.p.hb.Settings.Organisation, "", 0, "R", false, 0, "")
	d.rule(d.left, d.right, 14, 0.2)
	d.footer()
}

// footerY is the top of the footer's rule.
func (d *doc) footerY() float64 { return d.pageH - 13 }

// footer draws the foot of the page but its number, which is known only
// at the end (pageNumber). It is drawn with the header, so that the page
// is finished when the next begins.
func (d *doc) footer() {
	y := d.footerY()
	d.rule(d.left, d.right, y, 0.2)
	d.font(style{size: sizeSmall, color: colorGray})
	left := fmt.Sprintf("%s · %s %s · %s %s", d.docName(), d.t.version, d.p.version,
		d.t.printedShort, d.t.dateTime(d.p.printed))
	d.pdf.SetXY(d.left, y+1.5)
	d.pdf.CellFormat(d.right-d.left-30, 4, left, "", 0, "L", false, 0, "")
	d.controlFooter(y + 5.5)
}

// pageNumber draws "page n of total" into the footer of page n.
func (d *doc) pageNumber(n, total int) {
	d.font(style{size: sizeSmall, color: colorGray})
	d.pdf.SetXY(d.left, d.footerY()+1.5)
	d.pdf.CellFormat(d.right-d.left, 4, fmt.Sprintf(d.t.pageOf, n, total), "", 0, "R", false, 0, "")
}

// docName is the handbook's name as the footer prints it.
func (d *doc) docName() string {
	if org := d.p.hb.Settings.Organisation; org != "" {
		return org + " – " + d.t.handbook
	}
	return d.t.handbook
}

func (d *doc) rule(x0, x1, y, width float64) {
	d.pdf.SetDrawColor(150, 150, 150)
	d.pdf.SetLineWidth(width)
	d.pdf.Line(x0, y, x1, y)
	d.pdf.SetLineWidth(0.2)
}

// fontKey is a font as gofpdf selects it.
type fontKey struct {
	family, style string
	size          float64
}

// fontOf is the font text in style st is set in.
func fontOf(st style) fontKey {
	k := fontKey{family: famSans, size: st.size}
	if k.size == 0 {
		k.size = sizeBody
	}
	switch {
	case st.mono:
		k.family = famMono
	case st.bold:
		k.style = "B"
	case st.italic:
		k.style = "I"
	}
	return k
}

// setFont selects the font of st, skipping the call when it is current.
func (d *doc) setFont(st style) {
	if k := fontOf(st); k != d.curFont {
		d.pdf.SetFont(k.family, k.style, k.size)
		d.curFont = k
	}
}

// font selects the font of st and its colour.
func (d *doc) font(st style) {
	d.setFont(st)
	if d.colorSet && st.color == d.curColor {
		return
	}
	d.curColor, d.colorSet = st.color, true
	switch st.color {
	case colorGray:
		d.pdf.SetTextColor(90, 90, 90)
	case colorLink:
		d.pdf.SetTextColor(20, 60, 160)
	case colorRed:
		d.pdf.SetTextColor(180, 0, 0)
	default:
		d.pdf.SetTextColor(0, 0, 0)
	}
}

// glyphs caches character widths per font, as gofpdf measures them, in
// thousandths of the font size. Selecting a font in the PDF to measure
// with would write to the page, so each character is measured once.
type glyphs struct {
	// latin holds width+1 of the first characters, 0 for not yet measured.
	latin [4][0x250]int32
	other map[glyphKey]int
}

// glyphKey is a character in a font, whatever its size.
type glyphKey struct {
	font int
	r    rune
}

// fontIndex numbers the four fonts the binder uses.
func fontIndex(k fontKey) int {
	switch {
	case k.family == famMono:
		return 3
	case k.style == "B":
		return 1
	case k.style == "I":
		return 2
	}
	return 0
}

// width is the width of s in style st, as gofpdf's GetStringWidth gives it.
func (d *doc) width(s string, st style) float64 {
	k := fontOf(st)
	f := fontIndex(k)
	w := 0
	for _, r := range s {
		if r >= 0 && int(r) < len(d.glyphs.latin[f]) {
			if gw := d.glyphs.latin[f][r]; gw > 0 {
				w += int(gw) - 1
				continue
			}
			gw := d.measure(st, r)
			d.glyphs.latin[f][r] = int32(gw) + 1
			w += gw
			continue
		}
		g := glyphKey{font: f, r: r}
		gw, ok := d.glyphs.other[g]
		if !ok {
			gw = d.measure(st, r)
			d.glyphs.other[g] = gw
		}
		w += gw
	}
	return float64(w) * (k.size / d.pdf.GetConversionRatio()) / 1000
}

// measure asks the PDF for the width of r in the font of st.
func (d *doc) measure(st style, r rune) int {
	d.setFont(st)
	return d.pdf.GetStringSymbolWidth(string(r))
}

func (d *doc) space(st style) float64 {
	st.strike = false
	if w, ok := d.spaceW[st]; ok {
		return w
	}
	w := d.width(" ", st)
	d.spaceW[st] = w
	return w
}

// lines collects the lines of a paragraph: the pieces of all lines in one
// slice, cut into lines at the end, instead of a slice grown per line.
type lines struct {
	all   []piece
	out   []line
	ends  []int
	start int
	// w is the width of the line being filled.
	w float64
}

func (b *lines) add(p piece) {
	b.all = append(b.all, p)
	b.w += p.w
}

// empty reports whether the line being filled has no piece yet.
func (b *lines) empty() bool { return len(b.all) == b.start }

// flush ends the line being filled.
func (b *lines) flush() {
	b.out = append(b.out, line{w: b.w})
	b.ends = append(b.ends, len(b.all))
	b.start, b.w = len(b.all), 0
}

func (b *lines) done() []line {
	from := 0
	for i, to := range b.ends {
		b.out[i].pieces = b.all[from:to:to]
		from = to
	}
	return b.out
}

// layout breaks runs into lines no wider than width. Words break at spaces
// and line breaks; a word wider than a line (a long URL) breaks between
// letters, so nothing runs off the page.
func (d *doc) layout(runs []run, width float64) []line {
	var (
		cur    lines
		word   []piece
		wordW  float64
		gap    piece
		hasGap bool
	)
	place := func() {
		if len(word) == 0 {
			return
		}
		if hasGap && !cur.empty() {
			if cur.w+gap.w+wordW <= width {
				cur.add(gap)
			} else {
				cur.flush()
			}
		}
		hasGap = false
		switch {
		case cur.w+wordW <= width:
			for _, p := range word {
				cur.add(p)
			}
		case wordW <= width:
			cur.flush()
			for _, p := range word {
				cur.add(p)
			}
		default:
			for _, p := range word {
				d.breakPiece(p, width, &cur)
			}
		}
		word, wordW = word[:0], 0
	}
	for _, r := range runs {
		text := strings.ReplaceAll(r.text, "\t", " ")
		for text != "" {
			i := strings.IndexAny(text, " \n")
			if i < 0 {
				i = len(text)
			}
			if i > 0 {
				p := piece{text: text[:i], st: r.st, url: r.url}
				p.w = d.width(p.text, r.st)
				word = append(word, p)
				wordW += p.w
			}
			if i == len(text) {
				break
			}
			if text[i] == '\n' {
				place()
				hasGap = false
				cur.flush()
			} else {
				place()
				if !hasGap {
					gap = piece{text: " ", st: r.st, url: r.url, w: d.space(r.st)}
					hasGap = true
				}
			}
			text = text[i+1:]
		}
	}
	place()
	if !cur.empty() {
		cur.flush()
	}
	return cur.done()
}

// breakPiece adds p to the current line letter by letter, starting new
// lines where it does not fit.
func (d *doc) breakPiece(p piece, width float64, cur *lines) {
	rest := p.text
	for rest != "" {
		if cur.w+d.width(rest, p.st) <= width {
			cur.add(piece{text: rest, st: p.st, url: p.url, w: d.width(rest, p.st)})
			return
		}
		n, w := 0, 0.0
		for i, r := range rest {
			rw := d.width(string(r), p.st)
			if cur.w+w+rw > width {
				break
			}
			n, w = i+utf8.RuneLen(r), w+rw
		}
		if n == 0 {
			if !cur.empty() {
				cur.flush()
				continue
			}
			_, n = utf8.DecodeRuneInString(rest)
			w = d.width(rest[:n], p.st)
		}
		cur.add(piece{text: rest[:n], st: p.st, url: p.url, w: w})
		cur.flush()
		rest = rest[n:]
	}
}

// drawLine draws ln with its top-left corner at x, y.
func (d *doc) drawLine(ln line, x, y, lh float64) {
	ps := ln.pieces
	for i := 0; i < len(ps); {
		j := i + 1
		text, w := ps[i].text, ps[i].w
		for j < len(ps) && ps[j].st == ps[i].st && ps[j].url == ps[i].url {
			text += ps[j].text
			w += ps[j].w
			j++
		}
		st := ps[i].st
		if st.mono {
			d.fillRect(x, y, w, lh, "F", 236, 236, 236)
		}
		d.font(st)
		d.pdf.SetXY(x, y)
		d.pdf.CellFormat(w, lh, text, "", 0, "L", false, 0, ps[i].url)
		if st.strike {
			d.pdf.SetDrawColor(0, 0, 0)
			d.pdf.Line(x, y+lh/2, x+w, y+lh/2)
		}
		if ps[i].url != "" && st.color == colorLink {
			d.pdf.SetDrawColor(20, 60, 160)
			d.pdf.Line(x, y+lh*0.85, x+w, y+lh*0.85)
		}
		x += w
		i = j
	}
}

// flow draws runs as a paragraph from the current line, between x and
// x+width, breaking pages as needed.
func (d *doc) flow(runs []run, x, width, lh float64) {
	for _, ln := range d.layout(runs, width) {
		d.ensure(lh)
		d.drawLine(ln, x, d.y, lh)
		d.y += lh
	}
}

// text draws one paragraph in one style across the content width.
func (d *doc) text(s string, st style) {
	d.flow([]run{{text: s, st: st}}, d.left, d.right-d.left, lineHeight(sizeOf(st)))
}

func sizeOf(st style) float64 {
	if st.size == 0 {
		return sizeBody
	}
	return st.size
}

// heading draws a heading; level 0 is a section title, 1 a record title
// (a playbook), 2 and deeper are parts. It never stands alone at the foot
// of a page.
func (d *doc) heading(s string, level int) {
	size := [...]float64{18, 15, 12.5, 11}[min(level, 3)]
	lh := lineHeight(size)
	lines := d.layout([]run{{text: s, st: style{bold: true, size: size}}}, d.right-d.left)
	d.y += [...]float64{0, 2, 3, 2}[min(level, 3)]
	d.ensure(float64(len(lines))*lh + 3*lineHeight(sizeBody))
	for _, ln := range lines {
		d.drawLine(ln, d.left, d.y, lh)
		d.y += lh
	}
	if level <= 2 {
		d.rule(d.left, d.right, d.y+0.5, 0.3)
	}
	d.y += 2.5
}

// mark records where a table-of-contents entry starts and bookmarks it.
func (d *doc) mark(key string) {
	for _, e := range d.p.toc {
		if e.key == key {
			d.marks[key] = pos{page: d.pdf.PageNo(), y: d.y}
			d.pdf.Bookmark(e.title, e.level, d.y)
			return
		}
	}
}

// startSection begins a section on a new page with its title.
func (d *doc) startSection(key, title string) {
	d.newPage(title)
	d.mark("sec:" + key)
	d.heading(title, 0)
}
