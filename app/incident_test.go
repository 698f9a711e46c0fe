package app

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/person"
	"ernstfall/internal/store"
)

const testAuthor = "Erika Einsatz"

// newIncidentUI is newTestUI with a fixed author and no ticking clock.
func newIncidentUI(t *testing.T) *ui {
	t.Helper()
	prev := tickEvery
	tickEvery = 0
	t.Cleanup(func() { tickEvery = prev })
	u := newTestUI(t)
	u.who = person.Person{Name: testAuthor, Initials: "EE"}
	return u
}

// find returns the first object below o of type T that ok accepts.
func find[T fyne.CanvasObject](t *testing.T, o fyne.CanvasObject, what string, ok func(T) bool) T {
	t.Helper()
	var found T
	done := false
	walk(o, func(c fyne.CanvasObject) {
		if v, is := c.(T); is && !done && ok(v) {
			found, done = v, true
		}
	})
	if !done {
		t.Fatalf("no %s among %q", what, texts(o))
	}
	return found
}

func entryWithPlaceholder(t *testing.T, o fyne.CanvasObject, ph string) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	walk(o, func(c fyne.CanvasObject) {
		switch e := c.(type) {
		case *widget.Entry:
			if found == nil && e.PlaceHolder == ph {
				found = e
			}
		case *formEntry: // a list's filter
			if found == nil && e.PlaceHolder == ph {
				found = &e.Entry
			}
		}
	})
	if found == nil {
		t.Fatalf("no entry %s among %q", ph, texts(o))
	}
	return found
}

func checkLabelled(t *testing.T, o fyne.CanvasObject, text string) *widget.Check {
	t.Helper()
	return find(t, o, "check "+text, func(c *widget.Check) bool { return c.Text == text })
}

// stepCheck is the tick box of the checklist step with that text.
func stepCheck(t *testing.T, o fyne.CanvasObject, text string) *widget.Check {
	t.Helper()
	row := find(t, o, "step "+text, func(c *fyne.Container) bool {
		if len(c.Objects) != 2 {
			return false
		}
		body, ok1 := c.Objects[0].(*fyne.Container)
		box, ok2 := c.Objects[1].(*fyne.Container)
		if !ok1 || !ok2 || len(body.Objects) == 0 || len(box.Objects) != 1 {
			return false
		}
		l, ok := body.Objects[0].(*widget.Label)
		_, isCheck := box.Objects[0].(*widget.Check)
		return ok && isCheck && l.Text == text
	})
	return row.Objects[1].(*fyne.Container).Objects[0].(*widget.Check)
}

func incidentLog(t *testing.T, u *ui, id string) []handbook.LogEntry {
	t.Helper()
	all, err := store.List[handbook.LogEntry](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	return handbook.Timeline(handbook.Incident{Record: handbook.Record{ID: id}}, all)
}

func onlyIncident(t *testing.T, u *ui) handbook.Incident {
	t.Helper()
	all, err := store.List[handbook.Incident](u.ctx, u.st)
	incs := handbook.RealIncidents(all) // the demo holds an alarm test's drill
	if err != nil || len(incs) != 1 {
		t.Fatalf("%d incidents stored, want 1 (%v)", len(incs), err)
	}
	return incs[0]
}

func ransomware(t *testing.T, u *ui) handbook.Playbook {
	t.Helper()
	pbs, err := store.List[handbook.Playbook](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(pbs, func(p handbook.Playbook) bool { return p.IncidentType == handbook.TypeRansomware })
	if i < 0 {
		t.Fatal("demo has no ransomware playbook")
	}
	return pbs[i]
}

// startFromPlaybook starts the ransomware incident through the playbook's
// start button and the start dialog; a level other than "" replaces the
// escalation level the dialog suggests.
func startFromPlaybook(t *testing.T, u *ui, date, clock, level string) {
	t.Helper()
	u.open(handbook.EntityPlaybook, ransomware(t, u).ID)
	test.Tap(findButton(t, u.body, "Vorfall starten"))
	d := u.dialogTop()
	if d == nil || !hasText(d, "Ransomware-Angriff") {
		t.Fatal("start dialog not shown with the playbook chosen")
	}
	entryWithPlaceholder(t, d, "TT.MM.JJJJ").SetText(date)
	entryWithPlaceholder(t, d, "14:30").SetText(clock)
	if level != "" {
		find(t, d, "level select", func(s *widget.Select) bool { return slices.Contains(s.Options, level) }).SetSelected(level)
	}
	test.Tap(checkLabelled(t, d, "Personenbezogene Daten betroffen (DSGVO Art. 33)"))
	test.Tap(checkLabelled(t, d, "Erheblicher Vorfall nach NIS2 / §32 BSIG"))
	test.Tap(findButton(t, d, "Vorfall starten"))
}

func TestStartIncidentRefused(t *testing.T) {
	tests := []struct {
		name, date, clock, want string
	}{
		{"future awareness", "2026-11-26", "10:00", "liegt in der Zukunft"},
		{"bad date", "26.11.26", "08:00", "TT.MM.JJJJ"},
		{"no such day", "31.11.2026", "08:00", "TT.MM.JJJJ"},
		{"bad time", "2026-11-26", "8 Uhr", "HH:MM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newIncidentUI(t)
			startFromPlaybook(t, u, tt.date, tt.clock, "")
			d := u.dialogTop()
			if d == nil || !hasText(d, tt.want) {
				t.Fatalf("no problem %q shown", tt.want)
			}
			all, err := store.List[handbook.Incident](u.ctx, u.st)
			if incs := handbook.RealIncidents(all); err != nil || len(incs) != 0 {
				t.Fatalf("%d incidents stored despite the problem", len(incs))
			}
		})
	}
}

func TestIncidentLifecycle(t *testing.T) {
	u := newIncidentUI(t)
	startFromPlaybook(t, u, "25.11.2026", "12:00", "Stufe 2 – Schwerer Vorfall")
	inc := onlyIncident(t, u)
	pb := ransomware(t, u)
	var steps []handbook.ChecklistItem

	t.Run("start", func(t *testing.T) {
		wantClocks := append(handbook.RegimeClocks(handbook.RegimeGDPR), handbook.RegimeClocks(handbook.RegimeNIS2)...)
		if inc.PlaybookID != pb.ID || inc.PlaybookSnapshot != pb.Body || !slices.Equal(inc.Clocks, wantClocks) {
			t.Fatalf("incident = playbook %q, clocks %v", inc.PlaybookID, inc.Clocks)
		}
		if want := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC); !inc.AwareAt.Equal(want) || !inc.StartedAt.Equal(testNow) {
			t.Fatalf("aware %v, started %v", inc.AwareAt, inc.StartedAt)
		}
		if u.current != u.screenIndex(t, "incidents") || !hasText(u.body, "NIS2 Erstmeldung") || !hasText(u.body, "noch 3 h") {
			t.Fatalf("running incident not shown with its clocks: %q", texts(u.body))
		}
		if !u.badge.Visible() || u.badge.Text != "1 laufender Vorfall" {
			t.Fatalf("badge = %q visible %v", u.badge.Text, u.badge.Visible())
		}
		log := incidentLog(t, u, inc.ID)
		if len(log) != 2 || log[0].Kind != handbook.LogStart || log[0].Author != testAuthor ||
			log[1].Kind != handbook.LogEscalation || log[1].Level != 2 || inc.Level != 2 {
			t.Fatalf("log after start = %+v, level %d", log, inc.Level)
		}
		steps = handbook.Checklist(inc, nil)
		if len(steps) < 2 {
			t.Fatal("ransomware checklist too short")
		}
	})

	t.Run("tick two steps, untick one", func(t *testing.T) {
		test.Tap(stepCheck(t, u.body, steps[0].Text))
		test.Tap(stepCheck(t, u.body, steps[1].Text))
		test.Tap(stepCheck(t, u.body, steps[0].Text))
		var kinds []string
		for _, e := range incidentLog(t, u, inc.ID)[2:] {
			kinds = append(kinds, e.Kind+":"+e.StepKey)
		}
		want := []string{handbook.LogStep + ":" + steps[0].Key, handbook.LogStep + ":" + steps[1].Key, handbook.LogUnstep + ":" + steps[0].Key}
		if !slices.Equal(kinds, want) {
			t.Fatalf("log = %q, want %q", kinds, want)
		}
		state := handbook.Checklist(inc, incidentLog(t, u, inc.ID))
		if state[0].Done || !state[1].Done || state[1].By != testAuthor {
			t.Fatalf("checklist = %v/%v by %q", state[0].Done, state[1].Done, state[1].By)
		}
		if stepCheck(t, u.body, steps[0].Text).Checked || !stepCheck(t, u.body, steps[1].Text).Checked {
			t.Fatal("tick boxes do not show the log's state")
		}
		if !hasText(u.body, "✓ 09:00:00 · "+testAuthor) {
			t.Fatal("ticked step does not show time and author")
		}
	})

	t.Run("note and decision", func(t *testing.T) {
		note := entryWithPlaceholder(t, u.body, "Was ist passiert, was wurde entschieden, wer wurde angerufen …")
		kind := find(t, u.body, "kind select", func(s *widget.Select) bool { return slices.Contains(s.Options, "Entscheidung") })
		test.Type(note, "Erpressernachricht auf Fileserver entdeckt")
		test.Tap(findButton(t, u.body, "Eintragen"))
		kind.SetSelected("Entscheidung")
		test.Type(note, "Kein Lösegeld ohne Krisenstab")
		test.Tap(findButton(t, u.body, "Eintragen"))
		log := incidentLog(t, u, inc.ID)
		n := len(log)
		if log[n-2].Kind != handbook.LogNote || log[n-1].Kind != handbook.LogDecision || log[n-1].Text != "Kein Lösegeld ohne Krisenstab" {
			t.Fatalf("last entries = %+v", log[n-2:])
		}
		if note.Text != "" || !hasText(u.body, "Kein Lösegeld ohne Krisenstab") {
			t.Fatal("entry not cleared or decision not shown")
		}
	})

	t.Run("correct an entry", func(t *testing.T) {
		before := incidentLog(t, u, inc.ID)
		decision := before[len(before)-1]
		test.Tap(findButton(t, u.body, "Korrigieren"))
		d := u.dialogTop()
		in := find(t, d, "correction entry", func(e *widget.Entry) bool { return e.MultiLine })
		in.SetText("Kein Lösegeld – Entscheidung der Geschäftsführung")
		test.Tap(findButton(t, d, "Korrektur eintragen"))
		after := incidentLog(t, u, inc.ID)
		last := after[len(after)-1]
		if len(after) != len(before)+1 || last.Kind != handbook.LogCorrection || last.Corrects != decision.ID {
			t.Fatalf("correction entry = %+v", last)
		}
		if orig := after[len(after)-2]; orig.Text != decision.Text {
			t.Fatalf("corrected entry changed to %q", orig.Text)
		}
		if !hasText(u.body, "durch einen späteren Eintrag korrigiert") {
			t.Fatal("corrected entry not marked")
		}
	})

	t.Run("escalate to level 3", func(t *testing.T) {
		test.Tap(findButton(t, u.body, "Eskalation …"))
		d := u.dialogTop()
		find(t, d, "level select", func(s *widget.Select) bool { return slices.Contains(s.Options, "Stufe 3 – Krise") }).SetSelected("Stufe 3 – Krise")
		test.Tap(findButton(t, d, "Stufe setzen"))
		log := incidentLog(t, u, inc.ID)
		if got := handbook.CurrentLevel(onlyIncident(t, u), log); got != 3 {
			t.Fatalf("incident level = %d, want 3", got)
		}
		if !hasText(u.body, "Stufe 3 – Krise") {
			t.Error("the incident header does not show the new level")
		}
		if last := log[len(log)-1]; last.Kind != handbook.LogEscalation || last.Level != 3 {
			t.Fatalf("last entry = %+v", last)
		}
		notify := u.dialogTop()
		shown := texts(notify)
		for _, role := range []string{"Krisenstab-Leitung", "Incident-Owner", "Datenschutz", "Recht"} {
			if !slices.Contains(shown, role) {
				t.Errorf("role %s not among those to inform: %q", role, shown)
			}
		}
		if slices.Contains(shown, "HR") {
			t.Error("HR is informed only from level 4")
		}
		test.Tap(findButton(t, notify, "Schließen"))
	})

	t.Run("message from a template", func(t *testing.T) {
		test.Tap(findButton(t, u.body, "Nachricht …"))
		d := u.dialogTop()
		find(t, d, "template select", func(s *widget.Select) bool { return s.PlaceHolder == "Vorlage wählen …" }).SetSelected("Lagebild für die Geschäftsführung")
		body := find(t, d, "message body", func(e *widget.Entry) bool { return e.MultiLine })
		if !strings.Contains(body.Text, "{{") || strings.Contains(body.Text, "{{incident.title}}") {
			t.Fatalf("template not filled with missing fields left visible: %q", body.Text)
		}
		test.Tap(findButton(t, d, "In Zwischenablage kopieren"))
		if clip := u.app.Clipboard().Content(); !strings.Contains(clip, "Ransomware-Angriff") {
			t.Fatalf("clipboard = %q", clip)
		}
		test.Tap(findButton(t, d, "Als gesendet protokollieren"))
		log := incidentLog(t, u, inc.ID)
		if last := log[len(log)-1]; last.Kind != handbook.LogMessage || !strings.HasPrefix(last.Text, "Lagebild für die Geschäftsführung") {
			t.Fatalf("last entry = %+v", last)
		}
	})

	t.Run("close with an action", func(t *testing.T) {
		test.Tap(findButton(t, u.body, "Vorfall abschließen …"))
		d := u.dialogTop()
		entryWithPlaceholder(t, d, "Was ist passiert, was wurde getan, wie ist der Stand jetzt?").SetText("Angriff eingedämmt, Systeme aus Backup wiederhergestellt.")
		entryWithPlaceholder(t, d, "Was hat funktioniert, was nicht, was muss sich ändern?").SetText("Backup-Isolierung dauerte zu lange.")
		entryWithPlaceholder(t, d, "z. B. Wiederherstellung aus dem Offline-Backup testen").SetText("Offline-Backup quartalsweise testen")
		find(t, d, "owner select", func(s *widget.Select) bool { return len(s.Options) > 10 }).SetSelectedIndex(1)
		entryWithPlaceholder(t, d, "TT.MM.JJJJ").SetText("15.12.2026")
		// The reports are open: closing needs the decision.
		test.Tap(findButton(t, d, "Vorfall abschließen"))
		if !onlyIncident(t, u).Open() || !hasText(d, "Meldungen sind noch offen") {
			t.Fatal("closed with open reports without a decision")
		}
		test.Tap(checkLabelled(t, d, "Trotzdem abschließen: die offenen Meldungen bleiben offen (wird als Entscheidung protokolliert)"))
		test.Tap(findButton(t, d, "Vorfall abschließen"))
		closed := onlyIncident(t, u)
		if !closed.ClosedAt.Equal(testNow) || !strings.HasPrefix(closed.Summary, "Angriff eingedämmt") {
			t.Fatalf("incident closed %v with %q", closed.ClosedAt, closed.Summary)
		}
		actions, _ := store.List[handbook.Action](u.ctx, u.st)
		i := slices.IndexFunc(actions, func(a handbook.Action) bool { return a.SourceID == inc.ID })
		if i < 0 {
			t.Fatal("no action stored for the incident")
		}
		a := actions[i]
		if a.Title != "Offline-Backup quartalsweise testen" || a.SourceKind != "incident" || a.Owner == "" ||
			!a.Due.Equal(time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)) || a.Finding != "Backup-Isolierung dauerte zu lange." {
			t.Fatalf("action = %+v", a)
		}
		log := incidentLog(t, u, inc.ID)
		if last := log[len(log)-1]; last.Kind != handbook.LogClose {
			t.Fatalf("last entry = %+v", last)
		}
		if u.badge.Visible() {
			t.Fatal("badge still shows a running incident")
		}
		u.showScreen("dashboard")
		u.tasks.Wait()
		if !hasText(u.body, "Playbook-Review empfohlen nach Vorfall") || !hasText(u.body, pb.Title) {
			t.Fatalf("dashboard does not suggest the review: %q", texts(u.body))
		}
	})

	t.Run("report", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "bericht.pdf")
		u.writeReport(path, u.incidentReport(inc.ID))
		u.tasks.Wait()
		raw, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(raw, []byte("%PDF")) {
			t.Fatalf("report is no PDF: %v", err)
		}
	})
}

func TestIncidentBadgeAndDashboard(t *testing.T) {
	tests := []struct {
		name      string
		running   int
		wantBadge string
		wantCard  bool
	}{
		{"none", 0, "", false},
		{"one", 1, "1 laufender Vorfall", true},
		{"two", 2, "2 laufende Vorfälle", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newIncidentUI(t)
			for i := range tt.running {
				inc, start := handbook.StartIncident(nil, "Vorfall "+string(rune('A'+i)), testNow, testNow, testAuthor)
				if err := store.Put(u.ctx, u.st, &inc); err != nil {
					t.Fatal(err)
				}
				if err := store.Put(u.ctx, u.st, &start); err != nil {
					t.Fatal(err)
				}
			}
			u.refreshBadge()
			if got := u.badge.Visible(); got != (tt.wantBadge != "") || (got && u.badge.Text != tt.wantBadge) {
				t.Fatalf("badge %q visible %v, want %q", u.badge.Text, got, tt.wantBadge)
			}
			u.show(0)
			u.tasks.Wait()
			if got := hasText(u.body, "Laufende Vorfälle"); got != tt.wantCard {
				t.Fatalf("dashboard card shown = %v, want %v", got, tt.wantCard)
			}
			if tt.running == 0 {
				return
			}
			test.Tap(u.badge)
			if u.current != u.screenIndex(t, "incidents") {
				t.Fatal("badge did not open the incidents")
			}
			if opened := hasText(u.body, "Protokoll"); opened != (tt.running == 1) {
				t.Fatalf("running incident opened = %v with %d running", opened, tt.running)
			}
		})
	}
}

func TestIncidentGolden(t *testing.T) {
	u := newIncidentUI(t)
	pb := ransomware(t, u)
	aware := testNow.Add(-21 * time.Hour)
	inc, start := handbook.StartIncident(&pb, "", testNow.Add(-40*time.Minute), aware, testAuthor)
	inc.Clocks = append(handbook.RegimeClocks(handbook.RegimeGDPR), handbook.RegimeClocks(handbook.RegimeNIS2)...)
	inc.Level = 2
	steps := handbook.Checklist(inc, nil)
	entries := []handbook.LogEntry{start,
		{IncidentID: inc.ID, At: testNow.Add(-30 * time.Minute), Author: testAuthor, Kind: handbook.LogStep, StepKey: steps[0].Key, Text: steps[0].Text},
		{IncidentID: inc.ID, At: testNow.Add(-10 * time.Minute), Author: "Jonas Weber", Kind: handbook.LogDecision, Text: "Kein Kontakt zu den Angreifern ohne IR-Dienstleister"},
	}
	if err := store.Put(u.ctx, u.st, &inc); err != nil {
		t.Fatal(err)
	}
	for i := range entries {
		if err := store.Put(u.ctx, u.st, &entries[i]); err != nil {
			t.Fatal(err)
		}
	}
	u.refreshBadge()
	u.openIncident(inc.ID)
	if *update {
		if err := os.WriteFile(filepath.Join("testdata", "incident.xml"), []byte(test.RenderToMarkup(u.win.Canvas())), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	test.AssertRendersToMarkup(t, "incident.xml", u.win.Canvas())
}

func TestAuthorSetting(t *testing.T) {
	tests := []struct {
		name, typed, want string
		initials          string
	}{
		{"own name, initials from it", "Jonas Weber", "Jonas Weber", "JW"},
		{"a title is no initial", "Dr. Henrik Lange", "Dr. Henrik Lange", "HL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newIncidentUI(t)
			u.who = person.Person{}
			u.configDir = t.TempDir()
			u.nav.Select(u.screenIndex(t, "settings"))
			if !hasText(u.body, "Steht bei jedem Protokolleintrag") {
				t.Fatalf("no name setting: %q", texts(u.body))
			}
			name := entryWithPlaceholder(t, u.body, "Vor- und Nachname")
			name.SetText("")
			test.Type(name, tt.typed)
			test.Tap(findButton(t, find(t, u.body, "name card", func(c *widget.Card) bool { return c.Title == "Mein Name" }), "Speichern"))
			if got := u.author(); got != tt.want || u.initials() != tt.initials {
				t.Fatalf("author = %q (%q), want %q (%q)", got, u.initials(), tt.want, tt.initials)
			}
			saved, err := person.Load(u.configDir)
			if err != nil || saved.Name != tt.want {
				t.Fatalf("saved %+v, %v", saved, err)
			}
		})
	}
}
