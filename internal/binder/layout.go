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
	famSans = "go"
	famMono = "gomono"
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

// doc is one rendering pass.
type doc struct {
	p     *plan
	t     texts
	pdf   *gofpdf.Fpdf
	prev  *doc // the first pass, nil while rendering it
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
	spaceW   map[style]float64
	// curFont and curColor mirror what the PDF has selected.
	curFont  fontKey
	curColor color
	colorSet bool
}

func (p *plan) render(ctx context.Context, prev *doc) (*doc, error) {
	d, err := p.newDoc(ctx, prev)
	if err != nil {
		return nil, err
	}
	pdf := d.pdf
	for _, s := range p.sections {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("render binder: %w", err)
		}
		sections[s](d)
		if err := pdf.Error(); err != nil {
			return nil, fmt.Errorf("render binder section %s: %w", s, err)
		}
	}
	if pdf.PageCount() == 0 {
		d.newPage("")
	}
	if prev == nil {
		// The first pass only measures; closing would compress every page.
		return d, nil
	}
	pdf.Close()
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("render binder: %w", err)
	}
	return d, nil
}

// newDoc sets up a PDF with the fonts, page chrome and metadata.
func (p *plan) newDoc(ctx context.Context, prev *doc) (*doc, error) {
	pdf := gofpdf.New("P", "mm", p.paper, "")
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
	d := &doc{p: p, t: p.t, pdf: pdf, prev: prev, ctx: ctx, pageW: w, pageH: h,
		left: margin, right: w - margin, bottom: h - bottomGap,
		marks: map[string]pos{}, spaceW: map[style]float64{}}
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
	pdf.SetFooterFunc(d.footer)
	pdf.SetLineWidth(0.2)
	return d, nil
}

// sections maps each section key to what draws it.
var sections = map[string]func(*doc){
	SectionCover:      (*doc).cover,
	SectionTOC:        (*doc).tocSection,
	SectionAlarm:      (*doc).alarmCard,
	SectionEscalation: (*doc).escalation,
	SectionCallTree:   (*doc).callTree,
	SectionContacts:   (*doc).contacts,
	SectionPlaybooks:  (*doc).playbooks,
	SectionRecovery:   (*doc).recovery,
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
	if !d.chrome() {
		return
	}
	d.font(style{size: sizeSmall, color: colorGray})
	d.pdf.SetXY(d.left, 9)
	d.pdf.CellFormat(d.right-d.left, 4, d.section, "", 0, "L", false, 0, "")
	d.pdf.SetXY(d.left, 9)
	d.pdf.CellFormat(d.right-d.left, 4, d.p.hb.Settings.Organisation, "", 0, "R", false, 0, "")
	d.rule(d.left, d.right, 14, 0.2)
}

func (d *doc) footer() {
	d.forget()
	if !d.chrome() {
		return
	}
	y := d.pageH - 13
	d.rule(d.left, d.right, y, 0.2)
	total := "…"
	if d.prev != nil {
		total = fmt.Sprint(d.prev.pdf.PageCount())
	}
	d.font(style{size: sizeSmall, color: colorGray})
	left := fmt.Sprintf("%s · %s %s · %s %s", d.docName(), d.t.version, d.p.version,
		d.t.printedShort, d.t.dateTime(d.p.printed))
	d.pdf.SetXY(d.left, y+1.5)
	d.pdf.CellFormat(d.right-d.left-30, 4, left, "", 0, "L", false, 0, "")
	d.pdf.SetXY(d.left, y+1.5)
	d.pdf.CellFormat(d.right-d.left, 4, fmt.Sprintf(d.t.pageOf, d.pdf.PageNo(), total), "", 0, "R", false, 0, "")
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

// setFont selects the font of st, skipping the call when it is current.
func (d *doc) setFont(st style) {
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
	if k != d.curFont {
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

func (d *doc) width(s string, st style) float64 {
	d.setFont(st)
	return d.pdf.GetStringWidth(s)
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

// layout breaks runs into lines no wider than width. Words break at spaces
// and line breaks; a word wider than a line (a long URL) breaks between
// letters, so nothing runs off the page.
func (d *doc) layout(runs []run, width float64) []line {
	var (
		lines  []line
		cur    line
		word   []piece
		wordW  float64
		gap    piece
		hasGap bool
	)
	flush := func() {
		lines = append(lines, cur)
		cur = line{}
	}
	add := func(p piece) {
		cur.pieces = append(cur.pieces, p)
		cur.w += p.w
	}
	place := func() {
		if len(word) == 0 {
			return
		}
		if hasGap && len(cur.pieces) > 0 {
			if cur.w+gap.w+wordW <= width {
				add(gap)
			} else {
				flush()
			}
		}
		hasGap = false
		switch {
		case cur.w+wordW <= width:
			for _, p := range word {
				add(p)
			}
		case wordW <= width:
			flush()
			for _, p := range word {
				add(p)
			}
		default:
			for _, p := range word {
				d.breakPiece(p, width, &cur, flush, add)
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
				flush()
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
	if len(cur.pieces) > 0 {
		flush()
	}
	return lines
}

// breakPiece adds p to the current line letter by letter, starting new
// lines where it does not fit.
func (d *doc) breakPiece(p piece, width float64, cur *line, flush func(), add func(piece)) {
	rest := p.text
	for rest != "" {
		if cur.w+d.width(rest, p.st) <= width {
			add(piece{text: rest, st: p.st, url: p.url, w: d.width(rest, p.st)})
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
			if len(cur.pieces) > 0 {
				flush()
				continue
			}
			_, n = utf8.DecodeRuneInString(rest)
			w = d.width(rest[:n], p.st)
		}
		add(piece{text: rest[:n], st: p.st, url: p.url, w: w})
		flush()
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
		d.font(st)
		fill := st.mono
		if fill {
			d.pdf.SetFillColor(236, 236, 236)
		}
		d.pdf.SetXY(x, y)
		d.pdf.CellFormat(w, lh, text, "", 0, "L", fill, 0, ps[i].url)
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
