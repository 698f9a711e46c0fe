package app

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/person"
	"ernstfall/internal/store"
)

// startGDPR starts an incident with the GDPR clocks through ops, as the
// start dialog would, and opens it.
func startGDPR(t *testing.T, u *ui, title string) handbook.Incident {
	t.Helper()
	inc, err := u.ops.StartIncident(u.ctx, ops.StartIncident{Title: title, AwareAt: testNow.Add(-80 * time.Hour),
		Regimes: []string{handbook.RegimeGDPR}, By: testAuthor, OwnerRole: "Incident-Owner"})
	if err != nil {
		t.Fatal(err)
	}
	u.openIncident(inc.ID)
	return inc
}

// TestEntryKindReturnsToNote is defect 8: after a decision, the next entry
// is a note again.
func TestEntryKindReturnsToNote(t *testing.T) {
	u := newIncidentUI(t)
	inc := putIncident(t, u, nil)
	note := entryWithPlaceholder(t, u.body, "Was ist passiert, was wurde entschieden, wer wurde angerufen …")
	kind := find(t, u.body, "kind select", func(s *widget.Select) bool { return slices.Contains(s.Options, "Entscheidung") })
	kind.SetSelected("Entscheidung")
	test.Type(note, "Kein Lösegeld")
	test.Tap(findButton(t, u.body, "Eintragen"))
	if kind.Selected != "Notiz" {
		t.Errorf("entry kind after logging a decision: %q, want Notiz", kind.Selected)
	}
	test.Type(note, "Polizei informiert")
	test.Tap(findButton(t, u.body, "Eintragen"))
	log := incidentLog(t, u, inc.ID)
	n := len(log)
	if log[n-2].Kind != handbook.LogDecision || log[n-1].Kind != handbook.LogNote || log[n-1].Initials != "EE" {
		t.Errorf("last entries %+v", log[n-2:])
	}
}

// TestCloseDialogShowsOpenReports is defect 5: the close dialog names the
// open reports and closes only after the decision, which is logged; the
// closed incident's deadline stays on the dashboard until sent or
// declared not needed.
func TestCloseDialogShowsOpenReports(t *testing.T) {
	u := newIncidentUI(t)
	inc := startGDPR(t, u, "Datenpanne im Kundenportal")
	test.Tap(findButton(t, u.body, "Vorfall abschließen …"))
	d := u.dialogTop()
	for _, want := range []string{"Diese Meldungen sind weder versandt noch für nicht erforderlich erklärt:",
		"DSGVO Art. 33: Meldung an die Aufsichtsbehörde – überfällig seit", "DSGVO Art. 34: über Benachrichtigung der Betroffenen entscheiden"} {
		if !hasText(d, want) {
			t.Fatalf("close dialog lacks %q: %q", want, texts(d))
		}
	}
	test.Tap(findButton(t, d, "Vorfall abschließen"))
	if !onlyIncident(t, u).Open() || !hasText(d, "Meldungen sind noch offen") {
		t.Fatal("closed without the decision")
	}
	test.Tap(checkLabelled(t, d, "Trotzdem abschließen: die offenen Meldungen bleiben offen (wird als Entscheidung protokolliert)"))
	entryWithPlaceholder(t, d, "Warum? (optional, kommt ins Protokoll)").SetText("DSB prüft noch")
	test.Tap(findButton(t, d, "Vorfall abschließen"))
	if onlyIncident(t, u).Open() {
		t.Fatal("not closed after the decision")
	}
	decided := 0
	for _, e := range incidentLog(t, u, inc.ID) {
		if e.Kind == handbook.LogReportsOpen && e.Text == "DSB prüft noch" && e.Author == testAuthor {
			decided++
		}
	}
	if decided != 2 {
		t.Errorf("%d decisions logged, want 2", decided)
	}

	u.showScreen("dashboard")
	u.tasks.Wait()
	for _, want := range []string{"Offene Meldungen (2)", "DSGVO Art. 33 · ⚠ überfällig seit", "Datenpanne im Kundenportal (abgeschlossen)"} {
		if !hasText(u.body, want) {
			t.Fatalf("dashboard lacks %q: %q", want, texts(u.body))
		}
	}
	// Sent and not needed: the card goes.
	if _, err := u.ops.Log(u.ctx, handbook.LogEntry{IncidentID: inc.ID, Kind: handbook.LogReport, Clock: handbook.ClockGDPR33, Text: "gemeldet", Author: testAuthor}); err != nil {
		t.Fatal(err)
	}
	u.openIncident(inc.ID)
	test.Tap(findButton(t, u.body, "Nicht nötig …"))
	w := u.dialogTop()
	test.Tap(findButton(t, w, "Für nicht erforderlich erklären"))
	if !hasText(w, "Begründen Sie") {
		t.Fatal("a waiver without reason was taken")
	}
	find(t, w, "reason", func(e *widget.Entry) bool { return e.MultiLine }).SetText("kein hohes Risiko für die Betroffenen")
	test.Tap(findButton(t, w, "Für nicht erforderlich erklären"))
	u.showScreen("dashboard")
	u.tasks.Wait()
	if hasText(u.body, "Offene Meldungen") {
		t.Errorf("the card stays after the reports were done: %q", texts(u.body))
	}
}

// TestAddRegimeAndFacts: GDPR turns out to apply on day 2 (defect 5), the
// impact and the next update change (defect 3); every change is logged and
// messages use it.
func TestAddRegimeAndFacts(t *testing.T) {
	u := newIncidentUI(t)
	inc := putIncident(t, u, nil)
	test.Tap(findButton(t, u.body, "Meldepflicht …"))
	d := u.dialogTop()
	find(t, d, "regime", func(s *widget.Select) bool { return slices.Contains(s.Options, "DSGVO (personenbezogene Daten)") }).SetSelected("DSGVO (personenbezogene Daten)")
	dates := find(t, d, "aware date", func(e *widget.Entry) bool { return e.PlaceHolder == "TT.MM.JJJJ" && !e.Disabled() })
	dates.SetText("26.11.2026")
	find(t, d, "aware time", func(e *widget.Entry) bool { return e.PlaceHolder == "HH:MM" && !e.Disabled() }).SetText("07:30")
	test.Tap(findButton(t, d, "Hinzufügen"))
	if !hasText(u.body, "DSGVO Art. 33") || !hasText(u.body, "fällig 29.11. 07:30") {
		t.Fatalf("GDPR clock not shown from its own awareness: %q", texts(u.body))
	}
	test.Tap(findButton(t, u.body, "Auswirkungen, Update …"))
	f := u.dialogTop()
	find(t, f, "impact", func(e *widget.Entry) bool { return e.MultiLine }).SetText("Kundendaten einsehbar")
	find(t, f, "next date", func(e *widget.Entry) bool { return e.PlaceHolder == "TT.MM.JJJJ" }).SetText("26.11.2026")
	find(t, f, "next time", func(e *widget.Entry) bool { return e.PlaceHolder == "HH:MM" }).SetText("12:00")
	test.Tap(findButton(t, f, "Änderung protokollieren"))
	if !hasText(u.body, "Auswirkungen: Kundendaten einsehbar") || !hasText(u.body, "Nächstes Update: 26.11.2026 12:00") {
		t.Fatalf("facts not shown: %q", texts(u.body))
	}
	kinds := map[string]int{}
	for _, e := range incidentLog(t, u, inc.ID) {
		kinds[e.Kind]++
	}
	if kinds[handbook.LogRegime] != 1 || kinds[handbook.LogImpact] != 1 || kinds[handbook.LogNextUpdate] != 1 {
		t.Errorf("log kinds %v", kinds)
	}

	// The message fills them, and the clipboard takes plain text (defect 4).
	test.Tap(findButton(t, u.body, "Nachricht …"))
	m := u.dialogTop()
	find(t, m, "template select", func(s *widget.Select) bool { return s.PlaceHolder == "Vorlage wählen …" }).SetSelected("Meldung an die Datenschutzaufsicht (Art. 33 DSGVO)")
	body := find(t, m, "message body", func(e *widget.Entry) bool { return e.MultiLine })
	for _, want := range []string{"Dr. Henrik Lange", "+49 171 39200 51", "Kundendaten einsehbar", "26.11.2026 12:00"} {
		if !strings.Contains(body.Text, want) {
			t.Errorf("message lacks %q: %s", want, body.Text)
		}
	}
	test.Tap(findButton(t, m, "In Zwischenablage kopieren"))
	clip := u.app.Clipboard().Content()
	if strings.Contains(clip, "**") || !strings.Contains(clip, "Datenschutzbeauftragter: Dr. Henrik Lange") {
		t.Errorf("clipboard is not plain text: %q", clip)
	}
	test.Tap(findButton(t, m, "Als Markdown kopieren"))
	if !strings.Contains(u.app.Clipboard().Content(), "**Datenschutzbeauftragter:**") {
		t.Error("Markdown copy lost the markers")
	}
}

// TestStartDialogAsksImpactAndDORA: impact, next update and DORA are
// asked at the start.
func TestStartDialogAsksImpactAndDORA(t *testing.T) {
	u := newIncidentUI(t)
	u.startIncidentDialog("")
	d := u.dialogTop()
	find(t, d, "title", func(e *widget.Entry) bool { return e.PlaceHolder == "" && !e.MultiLine }).SetText("Kernbank gestört")
	find(t, d, "impact", func(e *widget.Entry) bool { return e.MultiLine }).SetText("Keine Überweisungen")
	entries := []*widget.Entry{}
	walk(d, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && (e.PlaceHolder == "TT.MM.JJJJ" || e.PlaceHolder == "HH:MM") {
			entries = append(entries, e)
		}
	})
	if len(entries) != 3 {
		t.Fatalf("%d date and time inputs, want awareness date and next update", len(entries))
	}
	entries[1].SetText("26.11.2026")
	entries[2].SetText("11:00")
	test.Tap(checkLabelled(t, d, "Schwerwiegender IKT-Vorfall nach DORA (jetzt eingestuft)"))
	test.Tap(findButton(t, d, "Vorfall starten"))
	inc := onlyIncident(t, u)
	if inc.Impact != "Keine Überweisungen" || !inc.NextUpdate.Equal(time.Date(2026, 11, 26, 11, 0, 0, 0, time.UTC)) ||
		!slices.Equal(inc.Clocks, handbook.RegimeClocks(handbook.RegimeDORA)) {
		t.Fatalf("started %+v", inc)
	}
	if !hasText(u.body, "DORA Erstmeldung") || !hasText(u.body, "fällig 26.11. 13:00") {
		t.Errorf("DORA clock not shown 4 h after the start: %q", texts(u.body))
	}
}

// TestTemplateSaveListsUnknownPlaceholders: saving a template names the
// placeholders no message can fill.
func TestTemplateSaveListsUnknownPlaceholders(t *testing.T) {
	u := newIncidentUI(t)
	u.showScreen("templates")
	u.create()
	f := u.editor
	f.input(t, "title").SetText("Test")
	i := slices.IndexFunc(f.fields, func(fl *field) bool { return fl.name == "body" })
	body := find(t, f.fields[i].input, "body", func(e *formEntry) bool { return e.MultiLine })
	body.SetText("Hallo {{role:Datenschutz.name}}, {{role:Hausmeister.phone}} {{incident.impakt}}")
	if !f.save() {
		t.Fatal("template not saved")
	}
	d := u.dialogTop()
	if d == nil || !hasText(d, "{{role:Hausmeister.phone}}, {{incident.impakt}}") || hasText(d, "Datenschutz.name") {
		t.Fatalf("unknown placeholders not listed: %v", d)
	}
	tpls, err := store.List[handbook.CommTemplate](u.ctx, u.st)
	if err != nil || !slices.ContainsFunc(tpls, func(x handbook.CommTemplate) bool { return x.Title == "Test" }) {
		t.Fatal("the template must be saved all the same")
	}
}

// TestOnCallScreen: the roster at a glance, and an edit through the
// generic record save.
func TestOnCallScreen(t *testing.T) {
	u := newIncidentUI(t)
	u.showScreen("oncall")
	for _, want := range []string{"IT-Rufbereitschaft", "Jetzt im Dienst:", "Felix Brandt", "+49 171 39200 32",
		// The tests run in UTC: 09:00 in Berlin is 08:00 here.
		"Nächste Übergabe Mo 30.11.2026 08:00 an Tobias Wendt", "Tausch: Aylin Demir statt Felix Brandt"} {
		if !hasText(u.body, want) {
			t.Fatalf("on-call screen lacks %q: %q", want, texts(u.body))
		}
	}
	test.Tap(findButton(t, u.body, "Plan bearbeiten"))
	f := u.editor
	if f == nil {
		t.Fatal("no roster form")
	}
	handover := find(t, u.body, "hand-over", func(e *formEntry) bool { return e.Text == "09:00" })
	handover.SetText("8 Uhr")
	if f.save() {
		t.Fatal("a bad hand-over time was saved")
	}
	handover.SetText("08:00")
	if !f.save() {
		t.Fatalf("roster not saved: %q", texts(u.body))
	}
	roles, err := store.List[handbook.Role](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(roles, func(r handbook.Role) bool { return r.Name == "IT-Rufbereitschaft" })
	if i < 0 || roles[i].OnCall.Handover != "08:00" || len(roles[i].OnCall.Exceptions) != 2 || len(roles[i].OnCall.People) != 4 {
		t.Fatalf("saved roster %+v", roles[i].OnCall)
	}
	if !hasText(u.body, "Nächste Übergabe Mo 30.11.2026 07:00 an Tobias Wendt") {
		t.Errorf("overview not updated: %q", texts(u.body))
	}
}

// TestFirstStartAsksForTheName is defect 7: the app asks who works at this
// computer, keeps it in the settings folder, and the log names that person.
func TestFirstStartAsksForTheName(t *testing.T) {
	u := newIncidentUI(t)
	u.who = person.Person{}
	u.configDir = t.TempDir()
	u.askPerson()
	d := u.dialogTop()
	if d == nil || !hasText(d, "Wer arbeitet an diesem Rechner?") {
		t.Fatal("no question for the name")
	}
	name := entryWithPlaceholder(t, d, "Vor- und Nachname")
	name.SetText("")
	test.Tap(findButton(t, d, "Speichern"))
	if !hasText(d, "Geben Sie Ihren Namen ein") {
		t.Fatal("an empty name was taken")
	}
	test.Type(name, "Aylin Demir")
	test.Tap(findButton(t, d, "Speichern"))
	saved, err := person.Load(u.configDir)
	if err != nil || saved.Name != "Aylin Demir" || saved.Initials != "AD" {
		t.Fatalf("saved %+v, %v", saved, err)
	}
	inc := putIncident(t, u, nil)
	test.Type(entryWithPlaceholder(t, u.body, "Was ist passiert, was wurde entschieden, wer wurde angerufen …"), "Lage erfasst")
	test.Tap(findButton(t, u.body, "Eintragen"))
	log := incidentLog(t, u, inc.ID)
	if last := log[len(log)-1]; last.Author != "Aylin Demir" || last.Initials != "AD" {
		t.Errorf("logged by %q (%q)", last.Author, last.Initials)
	}
}
