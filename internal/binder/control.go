package binder

import (
	"fmt"
	"math"
	"time"

	"ernstfall/internal/handbook"
)

// SectionChanges is the change log (Änderungsverzeichnis): the releases
// since the previous printed binder and the state of every document. It
// is printed when Options.Control is set.
const SectionChanges = "changes"

// Control is what document control adds to a binder: which release of
// each document it prints, the change log, and the copy of the
// distribution list it is.
type Control struct {
	// Drafts: the binder prints the current drafts; every page is marked.
	Drafts bool
	// Docs says, per document ("kind/id"), what is printed of it.
	Docs map[string]DocMark
	// Changes are the releases made since the previous printed binder
	// (Since; zero when none was printed before), oldest first.
	Changes []ChangeEntry
	Since   time.Time
	// Documents lists every document for the table of their state, in
	// the order of the binder.
	Documents []DocLine
	// Copy names the copy of the distribution list this print is; nil
	// for a binder off the list.
	Copy *CopyMark
}

// DocMark is the release printed of a document: In, the release in force
// (nil: never released); Changed: what is printed (a draft) differs from
// it.
type DocMark struct {
	In      *handbook.Release
	Changed bool
	// Withdrawn: deleted since, the withdrawal not released: the release
	// is printed until it is.
	Withdrawn bool
}

// ChangeEntry is one line of the change log. An empty Title names the
// escalation matrix and roles.
type ChangeEntry struct {
	Title    string
	Release  handbook.Release
	NotInUse bool // released at the same time as another release, not in force
}

// DocLine is one document in the table of the documents' state; an empty
// Title names the escalation matrix and roles.
type DocLine struct {
	Title string
	Mark  DocMark
}

// CopyMark is a numbered copy: "Exemplar 3 von 5 · Tresor GF".
type CopyMark struct {
	Number, Of    int
	Holder, Place string
}

// controlTexts are the words of document control in one language.
type controlTexts struct {
	changes, since, all, noneSince, noneAtAll, docState  string
	document, version, releasedOn, releasedBy, note      string
	state, released, draft, draftNever, draftChanged     string
	line, draftLine, neverLine, changedLine, notInForce  string
	watermark, draftFooter, copyOf, copyHolder, copyKept string
	matrix, withdrawnLine, withdrawn                     string
}

var controlDE = controlTexts{
	changes: "Änderungsverzeichnis", since: "Freigaben seit dem letzten Ausdruck vom %s:", all: "Alle Freigaben:",
	noneSince: "Keine Freigaben seit dem letzten Ausdruck vom %s.", noneAtAll: "Noch keine Freigaben.",
	docState: "Stand der Dokumente", document: "Dokument", version: "Version", releasedOn: "Freigegeben am",
	releasedBy: "Freigegeben von", note: "Änderung", state: "Stand", released: "freigegeben",
	draft: "Entwurf", draftNever: "Entwurf, nie freigegeben", draftChanged: "Entwurf, geändert seit %s",
	line: "Version %s · freigegeben von %s am %s", draftLine: "ENTWURF · Änderungen seit Version %s vom %s",
	neverLine: "ENTWURF · nicht freigegeben", changedLine: "Version %s · freigegeben von %s am %s · seitdem geändert (Entwurf nicht gedruckt)",
	notInForce: "gleichzeitig freigegeben, nicht in Kraft",
	watermark:  "ENTWURF", draftFooter: "ENTWURF – nicht freigegebene Fassung",
	copyOf: "Exemplar %d von %d", copyHolder: "Inhaber", copyKept: "Aufbewahrung",
	matrix:        "Eskalationsmatrix und Rollen",
	withdrawnLine: "Version %s · freigegeben von %s am %s · gelöscht, Rücknahme noch nicht freigegeben",
	withdrawn:     "gelöscht, Rücknahme nicht freigegeben",
}

var controlEN = controlTexts{
	changes: "Change log", since: "Releases since the previous printout of %s:", all: "All releases:",
	noneSince: "No releases since the previous printout of %s.", noneAtAll: "No releases yet.",
	docState: "State of the documents", document: "Document", version: "Version", releasedOn: "Released on",
	releasedBy: "Released by", note: "Change", state: "State", released: "released",
	draft: "Draft", draftNever: "draft, never released", draftChanged: "draft, changed since %s",
	line: "Version %s · released by %s on %s", draftLine: "DRAFT · changes since version %s of %s",
	neverLine: "DRAFT · not released", changedLine: "Version %s · released by %s on %s · changed since (draft not printed)",
	notInForce: "released at the same time, not in force",
	watermark:  "DRAFT", draftFooter: "DRAFT – not a released version",
	copyOf: "Copy %d of %d", copyHolder: "Holder", copyKept: "Kept at",
	matrix:        "Escalation matrix and roles",
	withdrawnLine: "Version %s · released by %s on %s · deleted, withdrawal not released yet",
	withdrawn:     "deleted, withdrawal not released",
}

// docMark is what the binder prints of a document ("kind/id").
func (p *plan) docMark(kind handbook.Entity, id string) (DocMark, bool) {
	if p.opt.Control == nil {
		return DocMark{}, false
	}
	m, ok := p.opt.Control.Docs[handbook.DocRef{Kind: kind, ID: id}.String()]
	return m, ok
}

// markLine is the line under a document's title: its release, or that it
// is a draft.
func (p *plan) markLine(m DocMark) (string, bool) {
	ct, t := p.ct, p.t
	in := m.In
	switch {
	case in == nil:
		return ct.neverLine, true
	case m.Withdrawn:
		return fmt.Sprintf(ct.withdrawnLine, in.Version(), in.Approver, t.date(in.ReleasedAt.Local())), true
	case m.Changed && p.opt.Control.Drafts:
		return fmt.Sprintf(ct.draftLine, in.Version(), t.date(in.ReleasedAt.Local())), true
	case m.Changed:
		return fmt.Sprintf(ct.changedLine, in.Version(), in.Approver, t.date(in.ReleasedAt.Local())), false
	}
	return fmt.Sprintf(ct.line, in.Version(), in.Approver, t.date(in.ReleasedAt.Local())), false
}

// docStatus prints the release line under a document's title.
func (d *doc) docStatus(kind handbook.Entity, id string) {
	m, ok := d.p.docMark(kind, id)
	if !ok {
		return
	}
	s, draft := d.p.markLine(m)
	st := style{size: sizeSmall + 1, color: colorGray}
	if draft {
		st = style{size: sizeSmall + 1, bold: true, color: colorRed}
	}
	d.flow([]run{{text: s, st: st}}, d.left, d.contentWidth(), lineHeight(sizeSmall+1))
	d.y += 1.5
}

// changeLog prints the releases since the previous printout and the state
// of every document.
func (d *doc) changeLog() {
	ct, t, c := d.p.ct, d.t, d.p.opt.Control
	d.startSection(SectionChanges, ct.changes)
	switch {
	case len(c.Changes) == 0 && c.Since.IsZero():
		d.text(ct.noneAtAll, style{italic: true})
	case len(c.Changes) == 0:
		d.text(fmt.Sprintf(ct.noneSince, t.dateTime(c.Since.Local())), style{italic: true})
	default:
		intro := ct.all
		if !c.Since.IsZero() {
			intro = fmt.Sprintf(ct.since, t.dateTime(c.Since.Local()))
		}
		d.text(intro, style{bold: true})
		d.y += 1
		var rows [][]cell
		for _, e := range c.Changes {
			version := txt(e.Release.Version(), style{bold: true})
			if e.NotInUse {
				version = append(version, run{text: "\n" + ct.notInForce, st: style{size: sizeSmall, color: colorRed}})
			}
			rows = append(rows, []cell{txt(d.p.docTitle(e.Title), style{}), version, txt(t.date(e.Release.ReleasedAt.Local()), style{}),
				txt(e.Release.Approver, style{}), txt(e.Release.Note, style{})})
		}
		d.table(table{header: []cell{txt(ct.document, style{}), txt(ct.version, style{}), txt(ct.releasedOn, style{}),
			txt(ct.releasedBy, style{}), txt(ct.note, style{})},
			rows: rows, widths: []float64{26, 10, 14, 18, 32}}, d.left, d.contentWidth())
	}
	if len(c.Documents) == 0 {
		return
	}
	d.heading(ct.docState, 2)
	var rows [][]cell
	for _, l := range c.Documents {
		in := l.Mark.In
		state := txt(ct.released, style{})
		switch {
		case in == nil:
			state = txt(ct.draftNever, style{bold: true, color: colorRed})
		case l.Mark.Withdrawn:
			state = txt(ct.withdrawn, style{color: colorRed})
		case l.Mark.Changed:
			state = txt(fmt.Sprintf(ct.draftChanged, in.Version()), style{color: colorRed})
		}
		version, on, by := "–", "", ""
		if in != nil {
			version, on, by = in.Version(), t.date(in.ReleasedAt.Local()), in.Approver
		}
		rows = append(rows, []cell{txt(d.p.docTitle(l.Title), style{}), txt(version, style{bold: true}), txt(on, style{}), txt(by, style{}), state})
	}
	d.table(table{header: []cell{txt(ct.document, style{}), txt(ct.version, style{}), txt(ct.releasedOn, style{}),
		txt(ct.releasedBy, style{}), txt(ct.state, style{})},
		rows: rows, widths: []float64{36, 10, 14, 20, 20}}, d.left, d.contentWidth())
}

// watermark draws "ENTWURF" large and light across the page, beneath what
// the page shows; drafts only.
func (d *doc) watermark() {
	c := d.p.opt.Control
	if c == nil || !c.Drafts {
		return
	}
	d.font(style{bold: true, size: 96})
	d.pdf.SetTextColor(225, 225, 225)
	d.colorSet = false
	text := d.p.ct.watermark
	w := d.pdf.GetStringWidth(text)
	cx, cy := d.pageW/2, d.pageH/2
	angle := math.Atan2(d.pageH, d.pageW) * 180 / math.Pi
	d.pdf.TransformBegin()
	d.pdf.TransformRotate(angle, cx, cy)
	d.pdf.Text(cx-w/2, cy+12, text)
	d.pdf.TransformEnd()
	d.forget()
}

// controlFooter prints the second line of a page's footer: the copy's
// number and place, or the draft's mark.
func (d *doc) controlFooter(y float64) {
	c := d.p.opt.Control
	if c == nil {
		return
	}
	var s string
	st := style{size: sizeSmall, bold: true}
	switch {
	case c.Copy != nil:
		s = fmt.Sprintf(d.p.ct.copyOf, c.Copy.Number, c.Copy.Of)
		if c.Copy.Place != "" {
			s += " · " + c.Copy.Place
		}
	case c.Drafts:
		s, st.color = d.p.ct.draftFooter, colorRed
	default:
		return
	}
	d.font(st)
	d.pdf.SetXY(d.left, y)
	d.pdf.CellFormat(d.right-d.left, 4, s, "", 0, "L", false, 0, "")
}

// copyCover prints the copy's number, holder and place on the cover.
func (d *doc) copyCover() {
	c := d.p.opt.Control
	if c == nil || c.Copy == nil {
		return
	}
	ct := d.p.ct
	w := d.contentWidth()
	type part struct {
		runs []run
		size float64
	}
	parts := []part{{[]run{{text: fmt.Sprintf(ct.copyOf, c.Copy.Number, c.Copy.Of), st: style{bold: true, size: 16}}}, 16}}
	if c.Copy.Holder != "" {
		parts = append(parts, part{[]run{{text: ct.copyHolder + ": ", st: style{bold: true, size: 12}}, {text: c.Copy.Holder, st: style{size: 12}}}, 12})
	}
	if c.Copy.Place != "" {
		parts = append(parts, part{[]run{{text: ct.copyKept + ": ", st: style{bold: true, size: 12}}, {text: c.Copy.Place, st: style{size: 12}}}, 12})
	}
	h := 6.0
	laid := make([][]line, len(parts))
	for i, pt := range parts {
		laid[i] = d.layout(pt.runs, w-8)
		h += float64(len(laid[i])) * lineHeight(pt.size)
	}
	d.pdf.SetDrawColor(0, 0, 0)
	d.pdf.SetLineWidth(0.6)
	d.pdf.Rect(d.left, d.y, w, h, "D")
	d.pdf.SetLineWidth(0.2)
	y := d.y + 3
	for i, lines := range laid {
		for _, ln := range lines {
			d.drawLine(ln, d.left+4, y, lineHeight(parts[i].size))
			y += lineHeight(parts[i].size)
		}
	}
	d.y += h + 6
}

// draftCover says on the cover that the binder holds drafts.
func (d *doc) draftCover() {
	c := d.p.opt.Control
	if c == nil || !c.Drafts {
		return
	}
	d.text(d.p.ct.draftFooter, style{bold: true, size: 14, color: colorRed})
	d.y += 4
}

// docTitle is a document's title, or the matrix's in the binder's
// language when it has none.
func (p *plan) docTitle(title string) string {
	if title == "" {
		return p.ct.matrix
	}
	return title
}
