package app

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// planDatenleck plans a tabletop with two injects, at T+10 and T+30, for
// the fixed now of the tests.
func planDatenleck(t *testing.T, u *ui) handbook.Exercise {
	t.Helper()
	x, err := u.ops.PlanExercise(u.ctx, ops.PlanExercise{Title: "Planspiel Datenleck", Kind: handbook.ExerciseTabletop, Date: testNow,
		Playbooks: []string{"Ransomware-Angriff"}, Objectives: []string{"Presse binnen 30 Minuten beantwortet"},
		Injects: []handbook.Inject{{At: 10, From: "Presse", Text: "Ein Journalist ruft an und fragt nach dem Datenleck"},
			{At: 30, Text: "Der Shop antwortet nicht mehr"}}})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// startFromScreen opens the exercise and starts its drill with the
// button, as a facilitator does; it returns the drill.
func startFromScreen(t *testing.T, u *ui, x handbook.Exercise, button string) handbook.Incident {
	t.Helper()
	u.showScreen("exercises")
	u.tasks.Wait() // the year view reads the handbook off the UI thread
	u.open(handbook.EntityExercise, x.ID)
	test.Tap(findButton(t, u.body, button))
	all, err := store.List[handbook.Incident](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(all, func(inc handbook.Incident) bool { return inc.ExerciseID == x.ID && inc.Open() })
	if i < 0 {
		t.Fatalf("no drill of %s started: %q", x.Title, texts(u.body))
	}
	return all[i]
}

func TestExerciseYearView(t *testing.T) {
	u := newIncidentUI(t)
	u.showScreen("exercises")
	u.tasks.Wait() // the year view reads the handbook off the UI thread
	for _, want := range []string{"Übungsprogramm 2026", "September", "17. Planspiel Ransomware 2026", "12. Alarmierungstest November 2026",
		"Versand ist kritisch und wurde nie geübt", "Abdeckung: wann jedes Playbook, jeder kritische Dienst und jeder kritische Prozess zuletzt geübt wurde",
		"Prozess", "⚠ nie", "17.09.2026"} {
		if !hasText(u.body, want) {
			t.Errorf("year view lacks %q", want)
		}
	}
	// The year view leaves the exercise list beside it its share of the
	// width: on a 1366-pixel screen the list showed a few letters a title.
	year := find(t, u.body, "year view", func(s *container.Scroll) bool { return hasText(s, "Januar") })
	if w := year.Content.MinSize().Width; w > 700 {
		t.Errorf("the year view needs %.0f pixels; beside the list on a 1366-pixel screen it has about 700", w)
	}
	next := find(t, u.body, "next year", func(b *widget.Button) bool {
		return b.Text == "" && b.Icon != nil && b.Icon.Name() == theme.NavigateNextIcon().Name()
	})
	test.Tap(next)
	u.tasks.Wait()
	for _, want := range []string{"Übungsprogramm 2027", "18. Funktionstest Wiederherstellung ERP und Datenbank", "23. Vollübung Ausfall der SaaS-Händlerplattform"} {
		if !hasText(u.body, want) {
			t.Errorf("2027 lacks %q: %q", want, texts(u.body))
		}
	}
	if hasText(u.body, "Planspiel Ransomware 2026") && !hasText(u.body, "Zuletzt geübt") {
		t.Error("2027 lists an exercise of 2026 in its months")
	}

	t.Run("in English", func(t *testing.T) {
		if err := useLanguage("en"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = useLanguage("de") })
		u.show(0)
		u.showScreen("exercises")
		u.tasks.Wait() // the year view reads the handbook off the UI thread
		for _, want := range []string{"Exercise programme 2026", "September", "Plan exercise", "Alarm test now",
			"Versand is critical and was never exercised", "⚠ never"} {
			if !hasText(u.body, want) {
				t.Errorf("English year view lacks %q", want)
			}
		}
	})
}

// The year view reads the handbook off the UI thread: a moving bar shows
// until the read is handed back to the UI thread, then the year view.
func TestExerciseYearViewLoadsInTheBackground(t *testing.T) {
	u := newIncidentUI(t)
	u.inline = false // as in the window, not as in the other tests
	var mu sync.Mutex
	var held []func()
	u.do = func(f func()) { mu.Lock(); held = append(held, f); mu.Unlock() }
	u.showScreen("exercises")
	u.tasks.Wait()
	if hasText(u.body, "Übungsprogramm 2026") {
		t.Fatal("the year view was drawn before its read was handed to the UI thread")
	}
	find(t, u.body, "loading bar", func(*widget.ProgressBarInfinite) bool { return true })
	// The list is read first; the year view's read starts when it is
	// shown and hands its result back in turn.
	for round := 0; ; round++ {
		mu.Lock()
		run := held
		held = nil
		mu.Unlock()
		if len(run) == 0 {
			break
		}
		if round > 10 {
			t.Fatal("the reads keep handing work to the UI thread")
		}
		for _, f := range run {
			f()
		}
		u.tasks.Wait()
	}
	for _, want := range []string{"Übungsprogramm 2026", "17. Planspiel Ransomware 2026", "Versand ist kritisch und wurde nie geübt", "⚠ nie"} {
		if !hasText(u.body, want) {
			t.Errorf("after the read the year view lacks %q: %q", want, texts(u.body))
		}
	}
}

// A drill is marked as exercise everywhere and never counts as an
// incident: the banner, the badge, the incidents screen, the dashboard.
func TestDrillIsMarkedAndNoIncident(t *testing.T) {
	u := newIncidentUI(t)
	real, err := u.ops.StartIncident(u.ctx, ops.StartIncident{Playbook: "Datenverlust", Level: ops.LevelFromSeverity, By: testAuthor})
	if err != nil {
		t.Fatal(err)
	}
	x := planDatenleck(t, u)
	drill := startFromScreen(t, u, x, "Übungslauf beginnen")
	if !hasText(u.body, "ÜBUNG – Planspiel: kein echter Vorfall, keine echten Fristen") {
		t.Fatalf("no exercise banner: %q", texts(u.body))
	}
	for _, want := range []string{"Einspielungen", "Noch keine Einspielung. Vorbereitete Einspielungen erscheinen hier zu ihrer Zeit.",
		"2 weitere vorbereitet", "Übung auswerten …"} {
		if !hasText(u.body, want) {
			t.Errorf("drill lacks %q", want)
		}
	}
	if hasText(u.body, "Vorfall abschließen …") {
		t.Error("a drill offers to close an incident")
	}
	u.refreshBadge()
	if u.badge.Text != "1 laufender Vorfall" || !u.drillBadge.Visible() || u.drillBadge.Text != "ÜBUNG läuft" {
		t.Errorf("badges %q / %q (%v); want the real incident counted alone and the drill apart", u.badge.Text, u.drillBadge.Text, u.drillBadge.Visible())
	}

	u.showScreen("incidents")
	if hasText(u.body, drill.Title) && drill.Title != real.Title {
		t.Errorf("incidents screen lists the drill %q", drill.Title)
	}
	if !hasText(u.body, real.Title) {
		t.Errorf("incidents screen lacks the real incident %q", real.Title)
	}

	u.show(0)
	u.tasks.Wait()
	if !hasText(u.body, "Laufende Übungen (keine Vorfälle)") || !hasText(u.body, "ÜBUNG: Planspiel Datenleck – läuft seit") {
		t.Errorf("dashboard lacks the running drill: %q", texts(u.body))
	}
	running := find(t, u.body, "running incidents card", func(l *widget.Hyperlink) bool {
		return strings.Contains(l.Text, "läuft seit") && !strings.HasPrefix(l.Text, "ÜBUNG")
	})
	if !strings.HasPrefix(running.Text, real.Title) {
		t.Errorf("running incidents card shows %q", running.Text)
	}
	n := 0
	walk(u.body, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Hyperlink); ok && strings.Contains(l.Text, "Planspiel Datenleck") && !strings.HasPrefix(l.Text, "ÜBUNG") {
			n++
		}
	})
	if n != 0 {
		t.Errorf("the drill shows %d times on the dashboard without its mark", n)
	}
}

// Injects appear at their time, on a clock the test moves; the team's
// reaction is logged against the inject.
func TestDrillInjectsAppearAtTheirTime(t *testing.T) {
	u := newIncidentUI(t)
	x := planDatenleck(t, u)
	drill := startFromScreen(t, u, x, "Übungslauf beginnen")
	clock := testNow
	u.now = func() time.Time { return clock }
	r := newRunView(u, drill.ID, func() bool { return true })
	obj, err := r.object()
	if err != nil {
		t.Fatal(err)
	}
	u.win.SetContent(obj)
	const journalist = "Ein Journalist ruft an und fragt nach dem Datenleck"

	clock = testNow.Add(9*time.Minute + 59*time.Second)
	r.tick(clock)
	if hasText(obj, journalist) {
		t.Fatal("the inject of T+10 shows at T+9:59")
	}
	clock = testNow.Add(10 * time.Minute)
	r.tick(clock)
	if !hasText(obj, journalist) || !hasText(obj, "NEU · 09:10 · T+10 min · Presse") || !hasText(obj, "1 weitere vorbereitet") {
		t.Fatalf("at T+10 the inject is not there, marked new: %q", texts(obj))
	}
	clock = testNow.Add(14 * time.Minute)
	r.tick(clock)
	if hasText(obj, "NEU · 09:10") {
		t.Error("the inject is still marked new after three minutes")
	}

	test.Tap(findButton(t, obj, "Was hat das Team getan? …"))
	d := u.dialogTop()
	if d == nil || !hasText(d, journalist) {
		t.Fatal("no reaction dialog quoting the inject")
	}
	find(t, d, "reaction entry", func(e *widget.Entry) bool { return e.MultiLine }).SetText("Pressesprecherin gibt Holding-Statement")
	test.Tap(findButton(t, d, "Eintragen"))
	r.refresh() // what the store's notice does for the view on screen
	log := incidentLog(t, u, drill.ID)
	i := slices.IndexFunc(log, func(e handbook.LogEntry) bool { return e.Text == "Pressesprecherin gibt Holding-Statement" })
	if i < 0 || log[i].Inject != x.Injects[0].Key {
		t.Fatalf("reaction not logged against the inject: %+v", log)
	}
	if !hasText(obj, "Pressesprecherin gibt Holding-Statement") {
		t.Error("the inject's card does not show what the team did")
	}

	t.Run("the facilitator brings the next one in early", func(t *testing.T) {
		// SetChecked, as a tap on the box does: the test window lays the
		// injects pane out too small for a tap to land inside the box.
		checkLabelled(t, obj, "Übungsleitung: Kommendes zeigen").SetChecked(true)
		if !hasText(obj, "um 09:30 (T+30 min): Der Shop antwortet nicht mehr") {
			t.Fatalf("the facilitator does not see what comes: %q", texts(obj))
		}
		test.Tap(findButton(t, obj, "Jetzt einspielen"))
		r.refresh()
		log := incidentLog(t, u, drill.ID)
		if !slices.ContainsFunc(log, func(e handbook.LogEntry) bool {
			return e.Kind == handbook.LogInject && e.Inject == x.Injects[1].Key
		}) {
			t.Fatalf("the early inject is not logged: %+v", log)
		}
		r.tick(clock)
		if !hasText(obj, "Der Shop antwortet nicht mehr") || hasText(obj, "weitere vorbereitet") {
			t.Errorf("the early inject does not show: %q", texts(obj))
		}
	})
}

// The guided alarm test walks the call tree; a reached number verifies
// the contact, a wrong one puts it on the verify list.
func TestAlarmTestScreen(t *testing.T) {
	u := newIncidentUI(t)
	u.showScreen("exercises")
	u.tasks.Wait() // the year view reads the handbook off the UI thread
	test.Tap(findButton(t, u.body, "Alarmierungstest jetzt"))
	if !hasText(u.body, "ÜBUNG – Alarmierungstest: anrufen wie im Ernstfall, aber sagen, dass es ein Test ist") {
		t.Fatalf("no alarm test banner: %q", texts(u.body))
	}
	for _, want := range []string{"Rollen in Anrufreihenfolge", "Nächster Anruf", "noch nicht angerufen"} {
		if !hasText(u.body, want) {
			t.Fatalf("alarm test lacks %q: %q", want, texts(u.body))
		}
	}
	person := find(t, u.body, "person to call", func(s *widget.Select) bool { return s.Selected != "" })
	first := person.Selected
	find(t, u.body, "minutes since the start", func(e *widget.Entry) bool { return e.PlaceHolder == "" && e.Text == "0" }).SetText("4")
	test.Tap(findButton(t, u.body, "Erreicht"))
	contacts, err := store.List[handbook.Contact](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	c := contacts[slices.IndexFunc(contacts, func(c handbook.Contact) bool { return c.FullName() == first })]
	if !c.LastVerifiedAt.Equal(testNow) || !hasText(u.body, "✓ "+first+" ist verifiziert.") {
		t.Fatalf("%s reached: verified %v, screen %q", first, c.LastVerifiedAt, texts(u.body))
	}
	if !hasText(u.body, "(Hauptperson) nach 4 min") {
		t.Errorf("the role does not show who answered after how long: %q", texts(u.body))
	}

	second := find(t, u.body, "person to call", func(s *widget.Select) bool { return s.Selected != "" }).Selected
	test.Tap(checkLabelled(t, u.body, "Nummer falsch: niemand oder jemand anderes ging ran"))
	test.Tap(findButton(t, u.body, "Nicht erreicht"))
	contacts, err = store.List[handbook.Contact](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	c = contacts[slices.IndexFunc(contacts, func(c handbook.Contact) bool { return c.FullName() == second })]
	if c.Correction == "" || !hasText(u.body, second+" steht auf der Prüfliste") {
		t.Fatalf("%s's wrong number: correction %q, screen %q", second, c.Correction, texts(u.body))
	}
	if !slices.ContainsFunc(handbook.ToVerify(contacts, testNow, handbook.DefaultStaleAfterDays), func(v handbook.Contact) bool { return v.ID == c.ID }) {
		t.Error("the contact with the wrong number is not on the verify list")
	}
	if !hasText(u.body, "1 falsche Nummern") {
		t.Errorf("the summary does not count the wrong number: %q", texts(u.body))
	}
}

// Evaluating from the window closes the drill and turns each finding into
// an action with owner and due date; an action without owner is refused
// and nothing is written.
func TestEvaluateExerciseFromWindow(t *testing.T) {
	u := newIncidentUI(t)
	x := planDatenleck(t, u)
	drill := startFromScreen(t, u, x, "Übungslauf beginnen")
	actionsBefore, err := store.List[handbook.Action](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	test.Tap(findButton(t, u.body, "Übung auswerten …"))
	d := u.dialogTop()
	if d == nil || !hasText(d, "Presse binnen 30 Minuten beantwortet") {
		t.Fatal("no evaluation dialog with the objectives")
	}
	find(t, d, "objective", func(r *widget.RadioGroup) bool { return slices.Contains(r.Options, "nicht eingehalten") }).SetSelected("nicht eingehalten")
	entryWithPlaceholder(t, d, "Wie lief die Übung? Das Ergebnis in wenigen Sätzen.").SetText("Presse zu spät bedient")
	entryWithPlaceholder(t, d, "Feststellung, z. B. die Versicherung wurde zu spät angerufen").SetText("Holding-Statement fehlte")
	pick(t, u, find(t, d, "concern", func(s *searchSelect) bool { return s.none == "– betrifft nichts Bestimmtes –" }), "ransom", "Playbook: Ransomware-Angriff")
	entryWithPlaceholder(t, d, "Maßnahme (optional)").SetText("Holding-Statement vorbereiten")
	entryWithPlaceholder(t, d, "TT.MM.JJJJ").SetText("31.01.2027")
	save := findButton(t, d, "Übungslauf beenden und Auswertung speichern")

	test.Tap(save)
	if !hasText(d, "Die Maßnahme Holding-Statement vorbereiten braucht eine verantwortliche Person.") {
		t.Fatalf("an action without owner is not refused: %q", texts(d))
	}
	if after, _ := store.List[handbook.Action](u.ctx, u.st); len(after) != len(actionsBefore) {
		t.Fatal("a refused evaluation wrote an action")
	}
	if got, _ := store.Get[handbook.Incident](u.ctx, u.st, drill.ID); !got.Open() {
		t.Fatal("a refused evaluation closed the drill")
	}

	pick(t, u, find(t, d, "owner", func(s *searchSelect) bool { return s.none == "– Verantwortlich –" }), "scholz", "Miriam Scholz")
	test.Tap(save)
	got, err := store.Get[handbook.Exercise](u.ctx, u.st, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != handbook.ExerciseEvaluated || got.Objectives[0].Outcome != handbook.ObjectiveNotMet || len(got.Findings) != 1 ||
		got.Findings[0].Entity != handbook.EntityPlaybook || len(got.Findings[0].Actions) != 1 {
		t.Fatalf("evaluated exercise %+v", got)
	}
	a, err := store.Get[handbook.Action](u.ctx, u.st, got.Findings[0].Actions[0])
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Holding-Statement vorbereiten" || a.Owner == "" || a.Due.Format("2006-01-02") != "2027-01-31" || a.SourceID != x.ID {
		t.Errorf("action %+v", a)
	}
	if inc, _ := store.Get[handbook.Incident](u.ctx, u.st, drill.ID); inc.Open() {
		t.Error("the drill still runs after the evaluation")
	}
	for _, want := range []string{"Auswertung", "1. Holding-Statement fehlte", "→ Holding-Statement vorbereiten · Miriam Scholz · 31.01.2027"} {
		if !hasText(u.body, want) {
			t.Errorf("evaluated exercise lacks %q: %q", want, texts(u.body))
		}
	}
}

// pick chooses in a searchSelect as a person does: tap it, type part of
// the name, take the first match with Enter.
func pick(t *testing.T, u *ui, s *searchSelect, typed, want string) {
	t.Helper()
	test.Tap(s)
	if s.search == nil || u.win.Canvas().Focused() != s.search {
		t.Fatalf("tapping the field does not open its search with the keys in it")
	}
	test.Type(s.search, typed)
	if len(s.matches) == 0 || s.matchLabel(s.matches[0]) != want {
		var got []string
		for _, m := range s.matches {
			got = append(got, s.matchLabel(m))
		}
		t.Fatalf("typing %q offers %q; want %q first", typed, got, want)
	}
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Selected() != want || s.popup != nil {
		t.Fatalf("Enter chose %q (search still open: %v); want %q", s.Selected(), s.popup != nil, want)
	}
}
