package ops

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

const ransomID = "01a0f6b1-26b6-7ccc-ac1f-78cefcf63f58"

// pdfPages is the text of each page of a PDF, by pdftotext.
func pdfPages(t *testing.T, path string) []string {
	t.Helper()
	pages := strings.Split(pdfText(t, path), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check %s: %v\n%s", path, err, out)
	}
	return pages
}

// pageOf is the text of the page whose text holds title after a page
// break, i.e. where the document starts.
func pageWith(pages []string, s string) string {
	for _, p := range pages {
		if strings.Contains(p, s) {
			return p
		}
	}
	return ""
}

// squeezed joins a text's runs of white space, so that words wrapped
// differently still match.
func squeezed(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestBinderPrintsReleasedVersions: the binder prints the release in
// force with its line under the title; the draft's changes are not in it;
// --drafts prints them with ENTWURF on every page. The change log lists
// the releases since the previous printout.
func TestBinderPrintsReleasedVersions(t *testing.T) {
	ctx := context.Background()
	clock := &movingClock{now: t0}
	// The demo with its history, as a laptop loads it.
	path := filepath.Join(t.TempDir(), "hb.db")
	o := New(openStore(t, path, clock.read), Config{Now: clock.read})
	if err := o.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	approverKey(t, o, "Dr. Katrin Albers", "")
	dir := t.TempDir()
	released := filepath.Join(dir, "released.pdf")
	if _, err := o.PrintBinder(ctx, PrintBinder{Path: released, Options: binder.Options{Lang: "de", PrintedBy: "Thomas Fischer"}}, nil); err != nil {
		t.Fatal(err)
	}
	pages := pdfPages(t, released)
	ransom := squeezed(pageWith(pages, "Playbooks – Ransomware-Angriff"))
	if !strings.Contains(ransom, "Version 1.1 · freigegeben von Dr. Katrin Albers am 12.11.2026 · seitdem geändert") {
		t.Errorf("the ransomware playbook's page lacks its release line:\n%s", ransom)
	}
	all := squeezed(strings.Join(pages, "\n"))
	// Revision 3 added the status page step and cut the alarm to 30 min;
	// the binder prints 1.1, which has neither.
	if strings.Contains(all, "Statusseite auf „Störung") || strings.Contains(all, "Eskalationsstufe 3 alarmieren @Incident-Owner (30 min)") {
		t.Error("the binder prints the draft of the ransomware playbook, not its release")
	}
	if !strings.Contains(all, "Cyberversicherung über die Schadenhotline informieren") {
		t.Error("the binder lacks the released text of 1.1")
	}
	if !strings.Contains(all, "Version 1.0 · freigegeben von Dr. Katrin Albers am 08.10.2026") {
		t.Error("the other documents lack their release line")
	}
	for i, p := range pages {
		if strings.Contains(p, "ENTWURF –") {
			t.Errorf("page %d of the released binder is marked as a draft", i+1)
		}
	}
	changes := squeezed(strings.Join(pages[2:], "\n"))
	if !strings.Contains(changes, "Freigaben seit dem letzten Ausdruck vom 13.11.2026") || !strings.Contains(changes, "Stand der Dokumente") ||
		!strings.Contains(changes, "Entwurf, geändert seit 1.1") {
		t.Error("the change log lacks the releases since the printout of 13.11.2026 or the state of the documents")
	}

	// A new release after this printout shows in the next change log.
	if _, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: handbook.DocRef{Kind: handbook.EntityPlaybook, ID: ransomID},
		As: "Dr. Katrin Albers", Major: true, Note: "Statusseite ergänzt, Alarmierung in 30 min"}); err != nil {
		t.Fatal(err)
	}
	next := filepath.Join(dir, "next.pdf")
	if _, err := o.PrintBinder(ctx, PrintBinder{Path: next, Options: binder.Options{Lang: "de"}}, nil); err != nil {
		t.Fatal(err)
	}
	pages = pdfPages(t, next)
	changes = squeezed(strings.Join(pages[2:], "\n"))
	if !strings.Contains(changes, "Ransomware-Angriff 2.0") || !strings.Contains(changes, "Statusseite ergänzt") {
		t.Error("the change log lacks the release 2.0")
	}
	if !strings.Contains(squeezed(strings.Join(pages, "\n")), "Statusseite auf „Störung") {
		t.Error("the binder does not print the release 2.0")
	}

	// Drafts: the current text, ENTWURF on every page.
	p, err := store.Get[handbook.Playbook](ctx, o.st, ransomID)
	if err != nil {
		t.Fatal(err)
	}
	editBody(t, o, &p, p.Body+"\n\nNeuer Absatz nur im Entwurf.")
	drafts := filepath.Join(dir, "drafts.pdf")
	if _, err := o.PrintBinder(ctx, PrintBinder{Path: drafts, Drafts: true, Options: binder.Options{Lang: "de"}}, nil); err != nil {
		t.Fatal(err)
	}
	pages = pdfPages(t, drafts)
	for i, pg := range pages {
		if !strings.Contains(pg, "ENTWURF") {
			t.Errorf("page %d of the drafts has no ENTWURF mark", i+1)
		}
	}
	all = squeezed(strings.Join(pages, "\n"))
	if !strings.Contains(all, "Neuer Absatz nur im Entwurf.") || !strings.Contains(all, "ENTWURF · Änderungen seit Version 2.0") {
		t.Error("the drafts lack the draft's text or its mark")
	}
	// The printouts are recorded for the audit, the drafts as drafts.
	hb, err := o.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, pr := range hb.Printouts {
		if pr.PrintedAt.After(t0) {
			kinds = append(kinds, pr.Kind)
		}
	}
	if strings.Join(kinds, ",") != "binder,binder,drafts" {
		t.Errorf("printouts recorded: %v", kinds)
	}
}

// TestCopiesOfTheDistributionList: numbering, printing for the list
// (number and holder on the cover, number and place in every footer),
// outdated copies after a release, and the exchange that closes them.
func TestCopiesOfTheDistributionList(t *testing.T) {
	ctx := context.Background()
	o, _ := controlOps(t)
	hb, err := o.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(hb.Copies); n != 4 {
		t.Fatalf("the demo has %d copies, want 4", n)
	}
	jonas, err := o.st.FindRecords(ctx, handbook.EntityContact, "Jonas Petersen")
	if err != nil || len(jonas) != 1 {
		t.Fatalf("find Jonas Petersen: %v", err)
	}
	c5, err := o.AddCopy(ctx, CopyInput{Holder: jonas[0].ID, Place: "Notfallkoffer Standort Kiel"})
	if err != nil || c5.Number != 5 {
		t.Fatalf("new copy: %+v, %v", c5, err)
	}
	for _, bad := range []struct {
		in   CopyInput
		code Code
	}{
		{CopyInput{Number: 2, Place: "Tresor"}, CodeCopyNumberTaken},
		{CopyInput{Place: "  "}, CodeNoPlace},
		{CopyInput{Place: "Tresor", Holder: "nobody"}, CodeUnknownHolder},
	} {
		if _, err := o.AddCopy(ctx, bad.in); codeOf(err) != bad.code {
			t.Errorf("add %+v: %v, want %q", bad.in, err, bad.code)
		}
	}
	if _, err := o.ConfirmExchange(ctx, ConfirmExchange{CopyID: c5.ID, By: "Jonas Petersen"}); codeOf(err) != CodeNotPrinted {
		t.Errorf("confirm a copy never printed: %v", err)
	}
	status := func() []handbook.CopyStatus {
		t.Helper()
		hb, err := o.st.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		live := hb.Live()
		return handbook.CopyStatuses(&live, handbook.InForce(&live))
	}
	outdated := func() []int {
		var out []int
		for _, s := range status() {
			if s.Outdated {
				out = append(out, s.Copy.Number)
			}
		}
		return out
	}
	if got := outdated(); len(got) != 1 || got[0] != 4 {
		t.Errorf("outdated copies in the demo: %v, want [4]", got)
	}
	// Print copies 4 and 5 for the list.
	dir := t.TempDir()
	all := status()
	printed, err := o.PrintCopies(ctx, PrintCopies{Dir: dir, CopyIDs: []string{all[3].Copy.ID, c5.ID},
		Options: binder.Options{Lang: "de", PrintedBy: "Thomas Fischer"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(printed) != 2 || filepath.Base(printed[0].Path) != "notfallhandbuch-exemplar-04-von-05.pdf" {
		t.Fatalf("printed %+v", printed)
	}
	pages := pdfPages(t, printed[0].Path)
	cover := squeezed(pages[0])
	if !strings.Contains(cover, "Exemplar 4 von 5") || !strings.Contains(cover, "Inhaber: Sabine Köhler") ||
		!strings.Contains(cover, "Aufbewahrung: Home-Office Stellvertretung Krisenstab-Leitung") {
		t.Errorf("cover of copy 4:\n%s", cover)
	}
	footer := regexp.MustCompile(`Exemplar 4 von 5 · Home-Office Stellvertretung Krisenstab-Leitung`)
	for i, pg := range pages[1:] {
		if !footer.MatchString(squeezed(pg)) {
			t.Errorf("page %d of copy 4 lacks the copy's footer", i+2)
		}
	}
	// Copy 4 held 1.0 of the ransomware playbook: its change log lists 1.1.
	if changes := squeezed(strings.Join(pages[2:], "\n")); !strings.Contains(changes, "Freigaben seit dem letzten Ausdruck vom 09.10.2026") ||
		!strings.Contains(changes, "Ransomware-Angriff 1.1") {
		t.Error("the change log of copy 4 lacks the releases since its print of 09.10.2026")
	}
	st := status()
	if st[3].Pending == nil || !st[3].Outdated || st[4].Pending == nil || st[4].InPlace != nil {
		t.Errorf("after printing: copy 4 %+v, copy 5 %+v", st[3], st[4])
	}
	// Confirming the exchange closes copy 4.
	x, err := o.ConfirmExchange(ctx, ConfirmExchange{CopyID: st[3].Copy.ID, By: "Sabine Köhler", Note: "Altes Exemplar vernichtet"})
	if err != nil {
		t.Fatal(err)
	}
	if got := outdated(); len(got) != 0 {
		t.Errorf("outdated after the exchange: %v", got)
	}
	if st := status(); !current(st[3]) || st[3].Exchange.ID != x.ID {
		t.Errorf("copy 4 after the exchange: %+v", st[3])
	}
	if _, err := o.ConfirmExchange(ctx, ConfirmExchange{CopyID: st[3].Copy.ID, By: "Sabine Köhler"}); codeOf(err) != CodeNothingToExchange {
		t.Errorf("confirm again: %v", err)
	}
	// A release makes every copy in place outdated.
	if _, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: handbook.DocRef{Kind: handbook.EntityPlaybook, ID: ransomID}, As: "Dr. Katrin Albers", Note: "Neu"}); err != nil {
		t.Fatal(err)
	}
	if got := outdated(); len(got) != 4 {
		t.Errorf("outdated after a release: %v, want copies 1 to 4 (5 is not in place yet)", got)
	}
}

// TestAuditExport: every release, review, printout and exchange of the
// period, in a spreadsheet-safe CSV and in a PDF.
func TestAuditExport(t *testing.T) {
	ctx := context.Background()
	o, _ := controlOps(t)
	// A note that a spreadsheet would run as a formula.
	p := newPlaybook(t, o, "=HYPERLINK(\"http://example.com\")")
	if _, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: handbook.DocRef{Kind: handbook.EntityPlaybook, ID: p.ID}, As: "Markus Oberländer",
		Note: "@SUM(A1:A2) Erstfreigabe"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	csvPath := filepath.Join(dir, "audit.csv")
	res, err := o.ExportAudit(ctx, ExportAudit{Path: csvPath, From: from, Options: binder.Options{Lang: "de"}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != res.Events+1 {
		t.Fatalf("%d rows for %d events", len(rows), res.Events)
	}
	// In November: the release 1.1, the review, three copies printed and
	// exchanged, the binder printed, and the release just made.
	count := map[string]int{}
	for _, r := range rows[1:] {
		count[r[1]]++
		for _, cell := range r {
			if cell != "" && strings.ContainsAny(cell[:1], "=+-@") {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	// The keys of Dr. Katrin Albers and Markus Oberländer, admitted.
	if count["Freigabe"] != 2 || count["Prüfung"] != 1 || count["Ausdruck"] != 4 || count["Austausch bestätigt"] != 3 || count["Schlüssel erteilt"] != 2 {
		t.Errorf("events by kind: %v", count)
	}
	joined := strings.Join(rows[len(rows)-1], "|")
	if !strings.Contains(joined, "'=HYPERLINK") || !strings.Contains(joined, "'@SUM(A1:A2) Erstfreigabe") || !strings.Contains(joined, "Markus Oberländer|Krisenstab-Leitung") {
		t.Errorf("last row: %s", joined)
	}
	for _, r := range rows[1:] {
		if r[1] == "Austausch bestätigt" && (!strings.HasPrefix(r[6], "Exemplar ") || !strings.Contains(r[7], "gedruckt am 13.11.2026")) {
			t.Errorf("exchange row: %v", r)
		}
	}
	before := filepath.Join(dir, "october.csv")
	res2, err := o.ExportAudit(ctx, ExportAudit{Path: before, To: from, Options: binder.Options{Lang: "en"}})
	if err != nil || res2.Events+res.Events < 40 {
		t.Errorf("October: %+v, %v", res2, err)
	}
	// The PDF: the same events, in the binder's fonts.
	pdfPath := filepath.Join(dir, "audit.pdf")
	if _, err := o.ExportAudit(ctx, ExportAudit{Path: pdfPath, From: from, Options: binder.Options{Lang: "de"}}); err != nil {
		t.Fatal(err)
	}
	text := squeezed(strings.Join(pdfPages(t, pdfPath), "\n"))
	for _, want := range []string{"Nachweis der Dokumentenlenkung", "ISO 22301", "Ransomware-Angriff", "Dr. Katrin Albers",
		"2 Freigaben, 1 Prüfungen, 4 Ausdrucke, 3 bestätigte Austausche", "=HYPERLINK"} {
		if !strings.Contains(text, want) {
			t.Errorf("audit PDF lacks %q", want)
		}
	}
	if _, err := o.ExportAudit(ctx, ExportAudit{Path: filepath.Join(dir, "audit.txt")}); codeOf(err) != CodeAuditFormat {
		t.Errorf("audit to .txt: %v", err)
	}
}

// current reports a copy in place that holds the releases in force, with
// no print waiting: what the window and the command line show as nothing
// to do (not NeedsReplacing, nothing pending).
func current(s handbook.CopyStatus) bool { return !s.NeedsReplacing() && s.Pending == nil }
