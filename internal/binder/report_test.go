package binder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"ernstfall/internal/handbook"
	"ernstfall/internal/markdown"
)

// reportPrinted is when the test reports are printed, in local time like
// every time the report shows.
var reportPrinted = time.Date(2026, 11, 26, 14, 30, 0, 0, time.Local)

const reportBody = `Gilt bei verschlüsselten Dateien oder einer Erpressernachricht.

## Sofortmaßnahmen

- [ ] Betroffene Dateiserver vom Netz trennen @IT-Lead (15 min)
- [ ] Krisenstab alarmieren @Incident-Owner (30 min)
- [ ] Firewall-Regel zwischen Büro- und Produktionsnetz aktivieren @IT-Lead (1 h)

## Meldungen

- [ ] Meldung an die Datenschutzaufsicht vorbereiten @Datenschutz (48 h)
- [ ] Cyberversicherung über die Schadenhotline informieren (2 h)

## Wiederanlauf

- [ ] Saubere Sicherung auswählen und prüfen @IT-Lead
- [ ] Dateiserver aus der Sicherung neu aufsetzen (1 d)
`

const longEntry = "Lagebild um 10:30: Die Verschlüsselung betrifft ausschließlich die Freigaben der Buchhaltung und " +
	"des Einkaufs auf fs01 und fs02; das ERP läuft weiter, die Lagerverwaltung ist nicht betroffen. Der Dienstleister " +
	"vermutet einen Zugang über ein kompromittiertes VPN-Konto eines Außendienstmitarbeiters, das seit Montag ungewöhnlich " +
	"viele Anmeldungen aus dem Ausland zeigt. Nächste Schritte: Konto sperren, Protokolle sichern, Forensik beauftragen."

// reportHandbook is a handbook with one closed incident whose log holds
// every kind of entry, and a second incident whose log must not leak.
func reportHandbook(t *testing.T) (handbook.Handbook, handbook.Incident) {
	t.Helper()
	steps := markdown.Steps(reportBody)
	if len(steps) != 7 {
		t.Fatalf("test playbook has %d steps, want 7", len(steps))
	}
	hb := handbook.Handbook{
		Settings: handbook.Settings{Organisation: "Bäckerei Müller & Söhne GmbH"},
		Contacts: []handbook.Contact{
			{Record: handbook.Record{ID: "c-joerg"}, Name: "Jörg Weiß", PhoneMobile: "+49 170 1234567"},
			{Record: handbook.Record{ID: "c-anna"}, Name: "Anna Schröder", PhoneOffice: "+49 911 98765-12"},
			{Record: handbook.Record{ID: "c-ole"}, Name: "Ole Dietrich"},
		},
		Roles: []handbook.Role{
			{Record: handbook.Record{ID: "r-owner"}, Name: "Incident Owner", Holders: []string{"c-ole", "c-joerg"}},
			{Record: handbook.Record{ID: "r-it"}, Name: "IT-Lead", Holders: []string{"c-ole"}},
			{Record: handbook.Record{ID: "r-dsb"}, Name: "Datenschutz", Holders: []string{"c-anna"}},
		},
		Escalation: []handbook.EscalationLevel{
			{Record: handbook.Record{ID: "e1"}, Level: 1, Name: "Beobachtung", DecidedBy: "r-it"},
			{Record: handbook.Record{ID: "e3"}, Level: 3, Name: "Krisenstab", DecidedBy: "r-owner", Notify: []string{"r-it", "r-dsb"}},
		},
		Playbooks: []handbook.Playbook{{Record: handbook.Record{ID: "pb-ransom"},
			Title: "Ransomware – Verschlüsselung auf Dateiservern", Severity: handbook.SeverityCritical, Body: reportBody}},
	}
	aware := time.Date(2026, 11, 20, 7, 58, 41, 0, time.Local)
	start := time.Date(2026, 11, 20, 8, 15, 7, 0, time.Local)
	inc := handbook.Incident{Record: handbook.Record{ID: "inc-fuerth"}, Title: "Verschlüsselte Dateiserver in Fürth",
		PlaybookID: "pb-ransom", Severity: handbook.SeverityCritical, Level: 3, OwnerRole: "r-owner",
		AwareAt: aware, StartedAt: start, ClosedAt: time.Date(2026, 11, 24, 17, 45, 12, 0, time.Local),
		Summary: "Angriff über ein kompromittiertes VPN-Konto; zwei Dateiserver aus der Sicherung vom 19.11. " +
			"wiederhergestellt, kein Lösegeld gezahlt, Meldungen an BayLDA und BSI fristgerecht.",
		Clocks:           []string{handbook.ClockGDPR33, handbook.ClockNIS2Early, handbook.ClockNIS2Notify, handbook.ClockNIS2Final},
		PlaybookSnapshot: reportBody}
	hb.Incidents = []handbook.Incident{inc,
		{Record: handbook.Record{ID: "inc-other"}, Title: "Anderer Vorfall", StartedAt: start}}

	at := start
	n := 0
	add := func(gap time.Duration, kind, author, text string, set func(*handbook.LogEntry)) {
		at = at.Add(gap)
		n++
		e := handbook.LogEntry{Record: handbook.Record{ID: fmt.Sprintf("l%02d", n)}, IncidentID: inc.ID,
			At: at, Author: author, Kind: kind, Text: text}
		if set != nil {
			set(&e)
		}
		hb.LogEntries = append(hb.LogEntries, e)
	}
	step := func(i int) func(*handbook.LogEntry) {
		return func(e *handbook.LogEntry) { e.StepKey = steps[i].Key }
	}
	add(0, handbook.LogStart, "Jörg Weiß", inc.Title, nil)
	add(2*time.Minute+13*time.Second, handbook.LogNote, "Jörg Weiß",
		`Helpdesk meldet: Dateien auf \\fs01\Buchhaltung enden auf .lockbit – niemand kann sie öffnen.`, nil)
	add(3*time.Minute, handbook.LogCall, "Ole Dietrich", "Anruf bei Schütz IT-Service: Bereitschaft alarmiert, Rückruf in 15 min.", nil)
	add(4*time.Minute+1*time.Second, handbook.LogDecision, "Jörg Weiß", "Dateiserver fs01 und fs02 sofort vom Netz trennen.", nil)
	add(5*time.Minute, handbook.LogStep, "Ole Dietrich", steps[0].Text, step(0))
	add(7*time.Minute, handbook.LogEscalation, "Jörg Weiß", "Krisenstab einberufen, Geschäftsführung informiert.",
		func(e *handbook.LogEntry) { e.Level = 3 })
	add(1*time.Minute, handbook.LogStep, "Anna Schröder", "Krisenstab per Telefonkette erreicht (5 von 6).", step(1))
	add(6*time.Minute, handbook.LogMessage, "Anna Schröder", "Rundmail an alle: Bitte keine Dateien auf Laufwerk S: öffnen, Rechner anlassen.", nil)
	add(9*time.Minute, handbook.LogNote, "Ole Dietrich", longEntry, nil)
	add(4*time.Minute, handbook.LogNote, "Ole Dietrich", "Sicherungsserver bk01 ist nicht betroffen.", nil)
	corrected := hb.LogEntries[len(hb.LogEntries)-1]
	add(12*time.Minute, handbook.LogCorrection, "Ole Dietrich", "bk01 ist doch betroffen; die Snapshots von 22:00 sind intakt.",
		func(e *handbook.LogEntry) { e.Corrects = corrected.ID })
	add(3*time.Minute, handbook.LogStep, "Ole Dietrich", steps[2].Text, step(2))
	add(2*time.Minute, handbook.LogUnstep, "Anna Schröder", "Haken zurück: Regel greift noch nicht für VLAN 40.", step(2))
	add(20*time.Minute, handbook.LogCall, "Anna Schröder", "Schadenhotline der Versicherung: Fall Nr. CY-2026-0815 angelegt.", nil)
	add(1*time.Minute, handbook.LogStep, "Anna Schröder", steps[4].Text, step(4))
	add(30*time.Minute, handbook.LogDecision, "Jörg Weiß", "Kein Lösegeld zahlen – Beschluss der Geschäftsführung.", nil)
	add(15*time.Minute, handbook.LogMessage, "Sören Kühn", "Statusseite: Störung der Dateiablage, Kundenaufträge laufen weiter.", nil)
	add(40*time.Minute, handbook.LogReport, "Sören Kühn", "Frühwarnung über das BSI-Meldeportal abgegeben.",
		func(e *handbook.LogEntry) { e.Clock = handbook.ClockNIS2Early })
	for i := range 16 {
		who := []string{"Jörg Weiß", "Anna Schröder", "Ole Dietrich", "Sören Kühn"}[i%4]
		add(47*time.Minute+17*time.Second, handbook.LogNote, who,
			fmt.Sprintf("Lagebesprechung Nr. %d: Wiederherstellung zu %d %% abgeschlossen, Übergabe an Schicht %c.", i+1, (i+1)*7, 'A'+i%3), nil)
		if i == 6 {
			add(5*time.Minute, handbook.LogReport, "Anna Schröder", "Meldung an das BayLDA über das Online-Portal, Aktenzeichen LDA-1085.1-4711/26.",
				func(e *handbook.LogEntry) { e.Clock = handbook.ClockGDPR33 })
			add(3*time.Minute, handbook.LogStep, "Anna Schröder", steps[3].Text, step(3))
		}
	}
	add(20*time.Minute, handbook.LogStep, "Ole Dietrich", "Sicherung vom 19.11. 23:00 geprüft, Prüfsummen stimmen.", step(5))
	add(5*time.Minute, handbook.LogMessage, "Sören Kühn", "Kundeninfo per E-Mail: Lieferungen pünktlich, keine Kundendaten abgeflossen.", nil)
	add(25*time.Minute, handbook.LogReport, "Sören Kühn", "Meldung an das BSI mit erster Bewertung und IOC-Liste.",
		func(e *handbook.LogEntry) { e.Clock = handbook.ClockNIS2Notify })
	add(inc.ClosedAt.Sub(at), handbook.LogClose, "Jörg Weiß", inc.Summary, nil)

	hb.LogEntries = append(hb.LogEntries,
		handbook.LogEntry{Record: handbook.Record{ID: "x-deleted", Deleted: true}, IncidentID: inc.ID, At: start.Add(time.Hour),
			Author: "Gelöscht", Kind: handbook.LogNote, Text: "Dieser Eintrag wurde gelöscht."},
		handbook.LogEntry{Record: handbook.Record{ID: "x-other"}, IncidentID: "inc-other", At: start.Add(time.Hour),
			Author: "Fremde Person", Kind: handbook.LogNote, Text: "Eintrag eines anderen Vorfalls."})
	return hb, inc
}

// reportPDF is a rendered report as pdftotext reads it.
type reportPDF struct {
	pages []string // -layout, one string per page
	raw   string   // -raw: text in drawing order, a table row's cells one after another
}

// readReport checks the PDF with qpdf when it is installed and extracts
// its text.
func readReport(t *testing.T, path string) reportPDF {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (Debian: poppler-utils; run make deps)")
	}
	if _, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
			t.Fatalf("qpdf --check %s: %v\n%s", path, err, out)
		}
	}
	layout, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -layout %s: %v", path, err)
	}
	raw, err := exec.Command("pdftotext", "-raw", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -raw %s: %v", path, err)
	}
	return reportPDF{pages: strings.Split(strings.TrimSuffix(string(layout), "\f"), "\f"), raw: string(raw)}
}

// noSpace drops all white space, so that text wrapped in a cell still matches.
func noSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestIncidentReport(t *testing.T) {
	hb, inc := reportHandbook(t)
	timeline := handbook.Timeline(inc, hb.LogEntries)
	if len(timeline) < 40 {
		t.Fatalf("test log has %d entries, want at least 40", len(timeline))
	}
	entry := map[string]handbook.LogEntry{}
	for _, e := range timeline {
		entry[e.ID] = e
	}
	// l08 is a message, l11 corrects l10.
	message, corrected, correction := entry["l08"], entry["l10"], entry["l11"]
	if message.Kind != handbook.LogMessage || correction.Corrects != corrected.ID {
		t.Fatalf("test log changed: l08 %s, l11 corrects %q", message.Kind, correction.Corrects)
	}
	gdprDue := inc.AwareAt.Add(72 * time.Hour)
	for _, tc := range []struct {
		name, lang string
		// want are texts the report must hold, ignoring white space.
		want []string
		// clock is the GDPR clock's name, followed by its due time.
		clock, due                 string
		footer, printed, header    string
		timelineHead               *regexp.Regexp
		timelineStart, timelineEnd string
	}{
		{name: "German", lang: "de",
			want: []string{"Vorfallbericht", "Status abgeschlossen", "Schweregrad kritisch", "Stufe 3 – Krisenstab",
				"Incident Owner", "im Dienst: Jörg Weiß · +49 170 1234567", "Informiert auf Stufe 3",
				"Kenntnis seit 20.11.2026 07:58:41", "Begonnen 20.11.2026 08:15:07", "Abgeschlossen 24.11.2026 17:45:12",
				"Dauer 4 d 9 h 30 min", "Ransomware – Verschlüsselung auf Dateiservern",
				"VERTRAULICH – nur für den Krisenstab", "Gedruckt 26.11.2026 14:30:00",
				"Stufe 3 – Krisenstab", "korrigiert den Eintrag von " + corrected.At.Format("15:04:05"),
				"korrigiert um " + correction.At.Format("15:04:05"),
				"Schritt zurückgenommen", "Meldung versandt", "rechtzeitig", "ÜBERFÄLLIG", "■ erledigt", "□ offen",
				"Versandte Nachrichten", "Zeitleiste", "Checkliste", "Meldefristen"},
			clock: "DSGVO Art. 33 – Meldung an die Aufsichtsbehörde (72 h)", due: gdprDue.Format("02.01.2006 15:04:05"),
			footer: "Seite %d von %d", printed: "gedruckt 26.11.2026 14:30",
			header:       "Vorfallbericht – Verschlüsselte Dateiserver in Fürth",
			timelineHead: regexp.MustCompile(`Zeit\s+Art\s+Wer\s+Eintrag`), timelineStart: "Zeitleiste", timelineEnd: "Checkliste"},
		{name: "English", lang: "en",
			want: []string{"Incident report", "Status closed", "Severity critical", "Level 3 – Krisenstab",
				"on duty: Jörg Weiß", "Notified at level 3", "Aware since 2026-11-20 07:58:41", "Duration 4 d 9 h 30 min",
				"CONFIDENTIAL – crisis team only", "corrects entry of " + corrected.At.Format("15:04:05"),
				"Step taken back", "Report sent", "on time", "OVERDUE", "Messages sent"},
			clock: "GDPR Art. 33 – notification to the supervisory authority (72 h)", due: gdprDue.Format("2006-01-02 15:04:05"),
			footer: "Page %d of %d", printed: "printed 2026-11-26 14:30",
			header:       "Incident report – Verschlüsselte Dateiserver in Fürth",
			timelineHead: regexp.MustCompile(`Time\s+Kind\s+Who\s+Entry`), timelineStart: "Timeline", timelineEnd: "Checklist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bericht.pdf")
			res, err := WriteIncidentReport(context.Background(), path, hb, inc.ID,
				Options{Lang: tc.lang, PrintedAt: reportPrinted, PrintedBy: "Jörg Weiß"})
			if err != nil {
				t.Fatalf("WriteIncidentReport: %v", err)
			}
			pdf := readReport(t, path)
			if res.Pages == 0 || len(pdf.pages) != res.Pages {
				t.Fatalf("pdftotext found %d pages, the result says %d", len(pdf.pages), res.Pages)
			}
			if res.Version != hb.Version() {
				t.Errorf("version %q, want the handbook's %q", res.Version, hb.Version())
			}
			flat := noSpace(pdf.raw)
			if !strings.Contains(pdf.pages[0], hb.Settings.Organisation) || !strings.Contains(pdf.pages[0], inc.Title) {
				t.Errorf("first page lacks the organisation or the title:\n%s", pdf.pages[0])
			}
			for _, w := range tc.want {
				if !strings.Contains(flat, noSpace(w)) {
					t.Errorf("%q missing", w)
				}
			}
			if !strings.Contains(flat, noSpace(tc.clock+tc.due)) {
				t.Errorf("clock %q with due time %s missing", tc.clock, tc.due)
			}
			for _, e := range timeline {
				if !strings.Contains(flat, noSpace(e.Text)) {
					t.Errorf("entry %s (%s) missing: %q", e.ID, e.Kind, e.Text)
				}
				if !strings.Contains(flat, noSpace(e.Author)) {
					t.Errorf("author %q missing", e.Author)
				}
			}
			for _, s := range []string{"Dieser Eintrag wurde gelöscht.", "Eintrag eines anderen Vorfalls.", "Fremde Person"} {
				if strings.Contains(flat, noSpace(s)) {
					t.Errorf("%q belongs to no entry of this incident but is printed", s)
				}
			}
			for i, p := range pdf.pages {
				footer := fmt.Sprintf(tc.footer, i+1, res.Pages)
				if !strings.Contains(p, footer) || !strings.Contains(p, tc.printed) {
					t.Errorf("page %d: footer %q with the print time missing", i+1, footer)
				}
				if !strings.Contains(p, tc.header) {
					t.Errorf("page %d: header %q missing", i+1, tc.header)
				}
			}

			// The timeline lists every entry in time order; its header
			// row repeats on every page it continues on.
			from := strings.Index(flat, tc.timelineStart)
			to := strings.Index(flat[max(from, 0):], tc.timelineEnd)
			if from < 0 || to < 0 {
				t.Fatalf("timeline not found")
			}
			to += from
			section, pos := flat[from:to], 0
			for _, e := range timeline {
				i := strings.Index(section[pos:], noSpace(e.Text))
				if i < 0 {
					t.Errorf("entry %s at %s not in time order", e.ID, e.At.Format("15:04:05"))
					continue
				}
				pos += i + 1
			}
			for i, p := range pdf.pages {
				if strings.Contains(p, "Lagebesprechung Nr.") && !tc.timelineHead.MatchString(p) {
					t.Errorf("page %d continues the timeline without its header row", i+1)
				}
			}
			if n := strings.Count(flat, noSpace(message.Text)); n != 2 {
				t.Errorf("message %q printed %d times, want 2 (timeline and messages)", message.Text, n)
			}
		})
	}
}

func TestIncidentReportErrors(t *testing.T) {
	hb, inc := reportHandbook(t)
	deleted := hb
	deleted.Incidents = []handbook.Incident{inc}
	deleted.Incidents[0].Deleted = true
	for _, tc := range []struct {
		name string
		hb   handbook.Handbook
		id   string
		opt  Options
		want error
	}{
		{name: "unknown ID", hb: hb, id: "inc-nope", want: ErrUnknownIncident},
		{name: "empty ID", hb: hb, id: "", want: ErrUnknownIncident},
		{name: "deleted incident", hb: deleted, id: inc.ID, want: ErrUnknownIncident},
		{name: "unknown language", hb: hb, id: inc.ID, opt: Options{Lang: "fr"}, want: ErrBadOption},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bericht.pdf")
			if _, err := WriteIncidentReport(context.Background(), path, tc.hb, tc.id, tc.opt); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a file was written despite the error: %v", err)
			}
		})
	}
}

func TestWriteIncidentReport(t *testing.T) {
	hb, inc := reportHandbook(t)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		id   string
		// folder writes to the folder itself instead of a file in it.
		folder bool
		want   error
	}{
		{name: "written", ctx: context.Background(), id: inc.ID},
		{name: "canceled", ctx: canceled, id: inc.ID, want: context.Canceled},
		{name: "unknown incident", ctx: context.Background(), id: "inc-nope", want: ErrUnknownIncident},
		{name: "folder as target", ctx: context.Background(), id: inc.ID, folder: true, want: ErrNotWritable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "bericht.pdf")
			if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.folder {
				path = dir
			}
			res, err := WriteIncidentReport(tc.ctx, path, hb, tc.id, Options{PrintedAt: reportPrinted})
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "bericht.pdf" {
					t.Errorf("%s left behind", e.Name())
				}
			}
			data, _ := os.ReadFile(filepath.Join(dir, "bericht.pdf"))
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				if string(data) != "old" {
					t.Errorf("the old file changed to %d bytes", len(data))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("%PDF-")) || res.Pages < 1 {
				t.Errorf("%d bytes, %d pages; want a PDF", len(data), res.Pages)
			}
		})
	}
}
