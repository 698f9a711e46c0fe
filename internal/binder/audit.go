package binder

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"ernstfall/internal/handbook"
)

// Audit is the document control evidence to print: the events of a
// period (handbook.AuditEvents) and the names of the laptops.
type Audit struct {
	Events   []handbook.AuditEvent
	From, To time.Time
	// Laptops names the laptops by device ID.
	Laptops map[string]string
}

// auditTexts are the audit's words in one language.
type auditTexts struct {
	title, subtitle, period, all, from, to, none string
	cols                                         []string
	release, review, printout, exchange          string
	keyAdmit, keyRevoke, signedBy, withdrawal    string
	binder, drafts, copy, holder, printedOn      string
	results                                      map[handbook.ReviewResult]string
	counts                                       string
	matrix                                       string
}

var auditDE = auditTexts{
	title: "Nachweis der Dokumentenlenkung", subtitle: "Freigaben, Prüfungen, Ausdrucke und Austausch gedruckter Exemplare (ISO 22301, Abschnitt 7.5.3)",
	period: "Zeitraum: %s", all: "alle Einträge", from: "ab %s", to: "bis %s", none: "Im Zeitraum wurde nichts erfasst.",
	cols:    []string{"Zeitpunkt", "Vorgang", "Dokument", "Version", "Person", "Rolle", "Exemplar", "Ergebnis / Angaben", "Notiz", "Laptop"},
	release: "Freigabe", review: "Prüfung", printout: "Ausdruck", exchange: "Austausch bestätigt",
	keyAdmit: "Schlüssel erteilt", keyRevoke: "Schlüssel entzogen", signedBy: "unterschrieben von %s",
	withdrawal: "Rücknahme des gelöschten Dokuments",
	binder:     "Notfallhandbuch (freigegebene Fassungen)", drafts: "Entwürfe (ENTWURF)", copy: "Exemplar %d von %d",
	holder: "Inhaber: %s", printedOn: "gedruckt am %s",
	results: map[handbook.ReviewResult]string{handbook.ReviewUnchanged: "unverändert", handbook.ReviewChanged: "geändert", handbook.ReviewReplaced: "ersetzt"},
	counts:  "%d Freigaben, %d Prüfungen, %d Ausdrucke, %d bestätigte Austausche",
	matrix:  "Eskalationsmatrix und Rollen",
}

var auditEN = auditTexts{
	title: "Document control record", subtitle: "Releases, reviews, printouts and exchanges of printed copies (ISO 22301, clause 7.5.3)",
	period: "Period: %s", all: "all entries", from: "from %s", to: "to %s", none: "Nothing was recorded in the period.",
	cols:    []string{"Time", "Event", "Document", "Version", "Person", "Role", "Copy", "Result / details", "Note", "Laptop"},
	release: "Release", review: "Review", printout: "Printout", exchange: "Exchange confirmed",
	keyAdmit: "Key admitted", keyRevoke: "Key revoked", signedBy: "signed by %s",
	withdrawal: "withdrawal of the deleted document",
	binder:     "Emergency binder (released versions)", drafts: "Drafts (DRAFT)", copy: "Copy %d of %d",
	holder: "holder: %s", printedOn: "printed on %s",
	results: map[handbook.ReviewResult]string{handbook.ReviewUnchanged: "unchanged", handbook.ReviewChanged: "changed", handbook.ReviewReplaced: "replaced"},
	counts:  "%d releases, %d reviews, %d printouts, %d confirmed exchanges",
	matrix:  "Escalation matrix and roles",
}

func auditTextsFor(lang string) (auditTexts, texts, error) {
	switch strings.ToLower(lang) {
	case "", "de":
		return auditDE, textsDE, nil
	case "en":
		return auditEN, textsEN, nil
	}
	return auditTexts{}, texts{}, fmt.Errorf("%w: language %q (use de or en)", ErrBadOption, lang)
}

// AuditTable writes the events as a table in the language lang: the
// header and one row of text per event, the same for the CSV and the PDF.
func AuditTable(a Audit, lang string) ([]string, [][]string, error) {
	at, t, err := auditTextsFor(lang)
	if err != nil {
		return nil, nil, err
	}
	var rows [][]string
	for _, e := range a.Events {
		kind, details := "", ""
		copyText := ""
		if e.Copy > 0 {
			copyText = fmt.Sprintf(at.copy, e.Copy, e.CopyOf)
			if e.CopyOf == 0 {
				copyText = strconv.Itoa(e.Copy)
			}
		}
		place := strings.Join(nonEmpty(e.Place, holderText(at, e.Holder)), " · ")
		switch e.Kind {
		case handbook.AuditRelease:
			kind = at.release
			if e.Result == handbook.AuditWithdrawal {
				details = at.withdrawal
			}
		case handbook.AuditKeyAdmit, handbook.AuditKeyRevoke:
			kind = at.keyAdmit
			if e.Kind == handbook.AuditKeyRevoke {
				kind = at.keyRevoke
			}
			details = e.Result + " · " + fmt.Sprintf(at.signedBy, e.Note)
			rows = append(rows, []string{e.At.Local().Format(t.dateTimeFormat), kind, "", "", e.Person, e.Role, "", details, "", laptopName(a, e.Device)})
			continue
		case handbook.AuditReview:
			kind, details = at.review, at.results[handbook.ReviewResult(e.Result)]
		case handbook.AuditPrintout:
			kind = at.printout
			switch e.Result {
			case handbook.PrintDrafts:
				details = at.drafts
			case handbook.PrintCopy:
				details = place
			default:
				details = at.binder
			}
		case handbook.AuditExchange:
			kind = at.exchange
			details = strings.Join(nonEmpty(place, printedText(at, t, e.Printed)), " · ")
		}
		title := e.Title
		if e.Doc.Kind == handbook.EntityMatrix {
			title = at.matrix
		}
		rows = append(rows, []string{e.At.Local().Format(t.dateTimeFormat), kind, title, e.Version, e.Person, e.Role,
			copyText, details, e.Note, laptopName(a, e.Device)})
	}
	return at.cols, rows, nil
}

// laptopName names a laptop by its name, or the end of its ID.
func laptopName(a Audit, device string) string {
	laptop := a.Laptops[device]
	if laptop == "" && len(device) > 8 {
		laptop = "…" + device[len(device)-8:]
	}
	return laptop
}

func holderText(at auditTexts, holder string) string {
	if holder == "" {
		return ""
	}
	return fmt.Sprintf(at.holder, holder)
}

func printedText(at auditTexts, t texts, printed time.Time) string {
	if printed.IsZero() {
		return ""
	}
	return fmt.Sprintf(at.printedOn, t.date(printed.Local()))
}

// WriteAudit prints the audit into a PDF file, as safely as WriteFile
// writes the binder, in the binder's fonts and page style: title, period,
// counts, then one table row per event. Of opt, Lang, Paper,
// Classification, PrintedAt and PrintedBy apply.
func WriteAudit(ctx context.Context, path string, hb handbook.Handbook, a Audit, opt Options) (Result, error) {
	at, _, err := auditTextsFor(opt.Lang)
	if err != nil {
		return Result{}, err
	}
	header, rows, err := AuditTable(a, opt.Lang)
	if err != nil {
		return Result{}, err
	}
	p, err := newPlan(hb, Options{Lang: opt.Lang, Paper: opt.Paper, Classification: opt.Classification,
		PrintedAt: opt.PrintedAt, PrintedBy: opt.PrintedBy})
	if err != nil {
		return Result{}, err
	}
	p.sections = nil
	p.landscape = true
	p.t.handbook = at.title
	p.toc = []tocEntry{{key: "audit", title: at.title}}
	return writeAtomic(path, "nachweis.pdf", func(w io.Writer) (Result, error) {
		d, err := p.newDoc(ctx)
		if err != nil {
			return Result{}, err
		}
		d.pdf.SetTitle(at.title+" – "+hb.Settings.Organisation, true)
		d.newPage(at.title)
		d.mark("audit")
		d.heading(at.title, 0)
		d.text(at.subtitle, style{italic: true})
		d.y += 2
		if org := hb.Settings.Organisation; org != "" {
			d.text(org, style{bold: true})
		}
		period := at.all
		switch {
		case !a.From.IsZero() && !a.To.IsZero():
			period = fmt.Sprintf(at.from, p.t.dateTime(a.From.Local())) + " " + fmt.Sprintf(at.to, p.t.dateTime(a.To.Local()))
		case !a.From.IsZero():
			period = fmt.Sprintf(at.from, p.t.dateTime(a.From.Local()))
		case !a.To.IsZero():
			period = fmt.Sprintf(at.to, p.t.dateTime(a.To.Local()))
		}
		d.text(fmt.Sprintf(at.period, period), style{})
		counts := map[string]int{}
		for _, e := range a.Events {
			counts[e.Kind]++
		}
		d.text(fmt.Sprintf(at.counts, counts[handbook.AuditRelease], counts[handbook.AuditReview],
			counts[handbook.AuditPrintout], counts[handbook.AuditExchange]), style{})
		d.text(fmt.Sprintf(p.t.printedAt, p.t.dateTime(p.printed)), style{size: sizeSmall, color: colorGray})
		d.y += 3
		if len(rows) == 0 {
			d.text(at.none, style{italic: true})
		} else {
			head := make([]cell, len(header))
			for i, h := range header {
				head[i] = txt(h, style{})
			}
			var body [][]cell
			for _, r := range rows {
				row := make([]cell, len(r))
				for i, v := range r {
					st := style{size: sizeSmall}
					if i == 1 {
						st.bold = true
					}
					row[i] = txt(v, st)
				}
				body = append(body, row)
			}
			d.table(table{header: head, rows: body, widths: []float64{9, 8, 14, 6, 11, 13, 8, 12, 12, 8}}, d.left, d.contentWidth())
		}
		if err := d.close(); err != nil {
			return Result{}, fmt.Errorf("render audit: %w", err)
		}
		pages := d.pdf.PageCount()
		if err := d.pdf.Output(w); err != nil {
			return Result{}, fmt.Errorf("write audit PDF: %w", err)
		}
		return Result{Pages: pages}, nil
	})
}
