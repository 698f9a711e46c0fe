package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// screenSizes are the screens the exercise views must work on: a common
// laptop and a small one.
var screenSizes = []struct {
	name string
	size fyne.Size
	wide bool
}{{"1366x768", fyne.NewSize(1366, 768), true}, {"1024x640", fyne.NewSize(1024, 640), false}}

// hasPlaceholder tells whether an entry below o offers ph.
func hasPlaceholder(o fyne.CanvasObject, ph string) bool {
	found := false
	walk(o, func(o fyne.CanvasObject) {
		switch e := o.(type) {
		case *widget.Entry:
			found = found || e.PlaceHolder == ph
		case *formEntry: // a list's filter
			found = found || e.PlaceHolder == ph
		}
	})
	return found
}

// fits fails the test when the window's content needs more width than
// the screen has.
func fits(t *testing.T, u *ui, size fyne.Size) {
	t.Helper()
	if w := u.win.Content().MinSize().Width; w > size.Width {
		t.Errorf("the window needs %.0f pixels on a screen %.0f wide", w, size.Width)
	}
}

// The alarm test takes the whole screen, its next call beside the roles
// where both fit and above them where not; Esc goes back to the exercise.
func TestAlarmTestFitsTheScreen(t *testing.T) {
	for _, sc := range screenSizes {
		t.Run(sc.name, func(t *testing.T) {
			u := newIncidentUI(t)
			u.win.Resize(sc.size)
			u.showScreen("exercises")
			u.tasks.Wait() // the year view reads the handbook off the UI thread
			test.Tap(findButton(t, u.body, "Alarmierungstest jetzt"))
			if hasPlaceholder(u.body, "Filtern") {
				t.Error("the exercise list still shares the screen with the alarm test")
			}
			fits(t, u, sc.size)
			parts := find(t, u.body, "alarm test parts", func(c *fyne.Container) bool {
				_, ok := c.Layout.(*alarmLayout)
				return ok
			})
			roles, call := parts.Objects[0], parts.Objects[1]
			form := find(t, call, "call form", func(*widget.Form) bool { return true })
			if form.Size().Width < form.MinSize().Width {
				t.Errorf("the call form gets %.0f of the %.0f pixels it needs", form.Size().Width, form.MinSize().Width)
			}
			side := roles.Position().Y == call.Position().Y
			switch {
			case sc.wide && !side:
				t.Errorf("at %s the next call is not beside the roles", sc.name)
			case sc.wide && roles.Size().Width < alarmRolesWidth:
				t.Errorf("the roles get %.0f pixels", roles.Size().Width)
			case !sc.wide && (side || call.Position().Y >= roles.Position().Y):
				t.Errorf("at %s the next call is not above the roles: call at %v, roles at %v", sc.name, call.Position(), roles.Position())
			case !sc.wide && roles.Size().Height < alarmRolesHeight:
				t.Errorf("below the call the roles get %.0f pixels", roles.Size().Height)
			}

			u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
			if !hasPlaceholder(u.body, "Filtern") || !hasText(u.body, "Laufenden Übungslauf öffnen") {
				t.Errorf("Esc does not lead back to the exercise: %q", texts(u.body))
			}
		})
	}
}

// A running drill takes the whole screen; its checklist gets half the
// width, not the 190 pixels the injects' heading left it.
func TestDrillFitsTheScreen(t *testing.T) {
	for _, sc := range screenSizes {
		t.Run(sc.name, func(t *testing.T) {
			u := newIncidentUI(t)
			u.win.Resize(sc.size)
			x := planDatenleck(t, u)
			startFromScreen(t, u, x, "Übungslauf beginnen")
			if hasPlaceholder(u.body, "Filtern") {
				t.Error("the exercise list still shares the screen with the drill")
			}
			fits(t, u, sc.size)
			split := find(t, u.body, "checklist and log", func(s *container.Split) bool { return hasText(s.Leading, "Checkliste") })
			if w, all := split.Leading.Size().Width, split.Size().Width; w < 0.4*all {
				t.Errorf("the checklist gets %.0f of %.0f pixels", w, all)
			}
			checkLabelled(t, split.Trailing, "Übungsleitung: Kommendes zeigen")
			findButton(t, split.Trailing, "Jetzt einspielen …")
			test.Tap(findButton(t, u.body, "Zurück zur Übung (Esc)"))
			if !hasPlaceholder(u.body, "Filtern") || !hasText(u.body, "Laufenden Übungslauf öffnen") {
				t.Errorf("the back button does not lead to the exercise: %q", texts(u.body))
			}
		})
	}
}

// The year view and the exercise list fit both screens.
func TestExerciseYearViewFitsTheScreen(t *testing.T) {
	for _, sc := range screenSizes {
		t.Run(sc.name, func(t *testing.T) {
			u := newIncidentUI(t)
			u.win.Resize(sc.size)
			u.showScreen("exercises")
			u.tasks.Wait() // the year view reads the handbook off the UI thread
			fits(t, u, sc.size)
			list := find(t, u.body, "exercise list", func(l *keyList) bool { return true })
			if w := list.Size().Width; w < 220 {
				t.Errorf("the exercise list gets %.0f pixels", w)
			}
		})
	}
}

// formField is the input of the form item labelled label below o.
func formField(t *testing.T, o fyne.CanvasObject, label string) fyne.CanvasObject {
	t.Helper()
	var found fyne.CanvasObject
	walk(o, func(o fyne.CanvasObject) {
		if f, ok := o.(*widget.Form); ok {
			for _, it := range f.Items {
				if it.Text == label && found == nil {
					found = it.Widget
				}
			}
		}
	})
	if found == nil {
		t.Fatalf("no form field %q among %q", label, texts(o))
	}
	return found
}

// minutes is what the call's minutes since the start say.
func minutes(t *testing.T, u *ui) *widget.Entry {
	t.Helper()
	return formField(t, u.body, "Minuten seit Beginn").(*widget.Entry)
}

// The minutes of a call are the minutes since the test began, on the
// clock, until the user types their own; a sync notice keeps what the
// user typed into the call.
func TestAlarmTestKeepsWhatWasTyped(t *testing.T) {
	u := newIncidentUI(t)
	clock := testNow.Add(7*time.Minute + 30*time.Second)
	u.now = func() time.Time { return clock }
	u.showScreen("exercises")
	u.tasks.Wait() // the year view reads the handbook off the UI thread
	test.Tap(findButton(t, u.body, "Alarmierungstest jetzt"))
	if got := minutes(t, u).Text; got != "7" {
		t.Errorf("7½ minutes after the start the minutes say %q; want 7", got)
	}
	incs, err := store.List[handbook.Incident](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	test1 := incs[slices.IndexFunc(incs, func(i handbook.Incident) bool { return i.Drill() && i.Open() })]
	hb, err := u.st.Load(u.ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan := handbook.AlarmPlan(hb.Live(), test1.StartedAt)
	role := formField(t, u.body, "Rolle").(*widget.Label).Text
	person := formField(t, u.body, "Person").(*widget.Select).Selected

	note := entryWithPlaceholder(t, u.body, "Notiz (optional)")
	test.Type(note, "Mailbox, Rückruf erbeten")
	// Another laptop records a call for a role further down.
	other := plan[len(plan)-1]
	if other.Role == role {
		t.Fatalf("the plan has one role: %+v", plan)
	}
	if _, err := u.ops.RecordCall(u.ctx, ops.RecordCall{DrillID: test1.ID, Role: other.RoleID, Contact: other.People[0].ContactID,
		Reached: true, After: 3, Number: other.People[0].Phones()[0], Tr: translate, By: "Laptop 2"}); err != nil {
		t.Fatal(err)
	}
	clock = testNow.Add(9 * time.Minute)
	u.view.changed([]store.Notice{{Entity: handbook.EntityLogEntry}, {Entity: handbook.EntityContact}})
	note = entryWithPlaceholder(t, u.body, "Notiz (optional)")
	if note.Text != "Mailbox, Rückruf erbeten" {
		t.Fatalf("the note was lost on a sync notice: %q", texts(u.body))
	}
	if got := formField(t, u.body, "Rolle").(*widget.Label).Text; got != role {
		t.Errorf("the call moved from %s to %s", role, got)
	}
	if got := formField(t, u.body, "Person").(*widget.Select).Selected; got != person {
		t.Errorf("the call moved from %s to %s", person, got)
	}
	if !hasText(u.body, "(Hauptperson) nach 3 min") {
		t.Errorf("the roles do not show the other laptop's call: %q", texts(u.body))
	}
	if got := minutes(t, u).Text; got != "9" {
		t.Errorf("the minutes stopped following the clock: %q", got)
	}

	minutes(t, u).SetText("90")
	clock = testNow.Add(12 * time.Minute)
	u.view.changed([]store.Notice{{Entity: handbook.EntityLogEntry}})
	if got := minutes(t, u).Text; got != "90" {
		t.Errorf("the minutes typed became %q", got)
	}
	test.Tap(findButton(t, u.body, "Nicht erreicht"))
	log := incidentLog(t, u, test1.ID)
	if !slices.ContainsFunc(log, func(e handbook.LogEntry) bool {
		return e.Call != nil && e.Call.After == 90 && !e.Call.Reached && strings.Contains(e.Text, "Mailbox, Rückruf erbeten")
	}) {
		t.Fatalf("the call was not recorded with the note and 90 minutes: %+v", log)
	}
	if got := minutes(t, u).Text; got != "12" {
		t.Errorf("the next call's minutes say %q; want 12", got)
	}
	if got := entryWithPlaceholder(t, u.body, "Notiz (optional)").Text; got != "" {
		t.Errorf("the next call starts with the note %q", got)
	}
}

// A drill's message keeps its stamp when it leaves the window, however
// the text was edited before.
func TestDrillMessageKeepsItsStamp(t *testing.T) {
	u := newIncidentUI(t)
	x := planDatenleck(t, u)
	drill := startFromScreen(t, u, x, "Übungslauf beginnen")
	test.Tap(findButton(t, u.body, "Nachricht …"))
	d := u.dialogTop()
	pick := find(t, d, "template", func(s *widget.Select) bool { return len(s.Options) > 0 })
	pick.SetSelectedIndex(0)
	subject := formField(t, d, "Betreff").(*widget.Entry)
	body := find(t, d, "body", func(e *widget.Entry) bool { return e.MultiLine })
	const stamp = "ÜBUNG – keine echte Meldung"
	if !strings.Contains(subject.Text, stamp) || !strings.HasPrefix(body.Text, "**"+stamp) {
		t.Fatalf("the filled template is not stamped: %q / %q", subject.Text, body.Text)
	}
	subject.SetText("Wichtige Information")
	body.SetText("Wir wurden angegriffen.")
	for _, b := range []string{"In Zwischenablage kopieren", "Als Markdown kopieren"} {
		u.app.Clipboard().SetContent("")
		test.Tap(findButton(t, d, b))
		got := u.app.Clipboard().Content()
		lines := strings.Split(got, "\n")
		if !strings.Contains(lines[0], stamp) || strings.Count(got, stamp) != 3 || !strings.HasSuffix(strings.Trim(got, "*"), stamp) {
			t.Errorf("%s copied a drill message without its stamp at subject, start and end: %q", b, got)
		}
	}
	test.Tap(findButton(t, d, "Als gesendet protokollieren"))
	log := incidentLog(t, u, drill.ID)
	if !slices.ContainsFunc(log, func(e handbook.LogEntry) bool {
		return e.Kind == handbook.LogMessage && strings.Contains(e.Text, "["+stamp+"] Wichtige Information")
	}) {
		t.Errorf("the message logged as sent lacks the stamp: %+v", log)
	}
}

// The evaluation shows its first finding without scrolling, and picks
// owners and concerns by typing.
func TestEvaluateDialogShowsTheFirstFinding(t *testing.T) {
	for _, sc := range screenSizes {
		t.Run(sc.name, func(t *testing.T) {
			u := newIncidentUI(t)
			u.win.Resize(sc.size)
			x := planDatenleck(t, u)
			startFromScreen(t, u, x, "Übungslauf beginnen")
			test.Tap(findButton(t, u.body, "Übung auswerten …"))
			d := u.dialogTop()
			finding := entryWithPlaceholder(t, d, "Feststellung, z. B. die Versicherung wurde zu spät angerufen")
			owner := find(t, d, "owner", func(s *searchSelect) bool { return s.none == "– Verantwortlich –" })
			scroll := find(t, d, "dialog body", func(s *container.Scroll) bool { return hasText(s.Content, "Feststellungen und Maßnahmen") })
			drv := fyne.CurrentApp().Driver()
			bottom := drv.AbsolutePositionForObject(scroll).Y + scroll.Size().Height
			for name, o := range map[string]fyne.CanvasObject{"finding": finding, "owner": owner} {
				if y := drv.AbsolutePositionForObject(o).Y + o.Size().Height; y > bottom {
					t.Errorf("the first %s ends at %.0f, below the visible part (%.0f)", name, y, bottom)
				}
			}
			if w := d.Size().Width; w > sc.size.Width {
				t.Errorf("the dialog is %.0f wide on a %.0f screen", w, sc.size.Width)
			}
		})
	}
}

// A searchSelect finds among thousands by any part of the name, in
// either spelling of an umlaut, and is worked with the keys.
func TestSearchSelect(t *testing.T) {
	u := newIncidentUI(t)
	var opts []option
	for i := range 5000 {
		opts = append(opts, option{fmt.Sprintf("c%d", i), fmt.Sprintf("Person %04d Schmidt", i)})
	}
	opts = append(opts, option{"m", "Jürgen Müller"}, option{"s", "Sabine Straßer"})
	changed := 0
	s := newSearchSelect(opts, "– niemand –")
	s.OnChanged = func() { changed++ }
	u.win.SetContent(container.NewVBox(s))

	test.Tap(s)
	if len(s.matches) != searchShown || s.matchLabel(s.matches[0]) != "– niemand –" || s.more.Hidden {
		t.Fatalf("open without typing: %d matches, first %q, more hint hidden %v", len(s.matches), s.matchLabel(s.matches[0]), s.more.Hidden)
	}
	test.Type(s.search, "mueller")
	if len(s.matches) != 1 || s.opts[s.matches[0]].value != "m" || !s.more.Hidden {
		t.Fatalf("mueller finds %v", s.matches)
	}
	s.search.SetText("strasser sab")
	if len(s.matches) != 1 || s.opts[s.matches[0]].value != "s" {
		t.Fatalf("strasser sab finds %v", s.matches)
	}
	s.search.SetText("4999")
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Value() != "c4999" || changed != 1 {
		t.Fatalf("Enter took %q (%d changes)", s.Value(), changed)
	}

	// Typed into while it has the keys, the field opens its search with
	// the letter; the arrows move, Esc leaves the choice as it was.
	u.win.Canvas().Focus(s)
	test.Type(s, "S")
	if s.search == nil || s.search.Text != "S" {
		t.Fatal("typing into the field does not open its search")
	}
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if s.popup != nil || s.Value() != "c4999" || changed != 1 || u.win.Canvas().Focused() != s {
		t.Fatalf("Esc: open %v, value %q, %d changes, focus back %v", s.popup != nil, s.Value(), changed, u.win.Canvas().Focused() == s)
	}
	test.Tap(s)
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Value() != "c0" {
		t.Errorf("Down, Enter took %q; want the first person after none", s.Value())
	}
	test.Tap(s)
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Value() != "" || s.Selected() != "" {
		t.Errorf("none is not offered first: %q", s.Value())
	}
}

// An inject at T+0 is there the moment the drill starts, marked new.
func TestInjectAtTheStart(t *testing.T) {
	u := newIncidentUI(t)
	x, err := u.ops.PlanExercise(u.ctx, ops.PlanExercise{Title: "Sofort", Kind: handbook.ExerciseTabletop, Date: testNow,
		Injects: []handbook.Inject{{At: 0, From: "Leitstand", Text: "Der Fileserver ist verschlüsselt"}}})
	if err != nil {
		t.Fatal(err)
	}
	startFromScreen(t, u, x, "Übungslauf beginnen")
	if !hasText(u.body, "Der Fileserver ist verschlüsselt") || !hasText(u.body, "NEU · 09:00 · T+0 min · Leitstand") {
		t.Errorf("the inject at T+0 is not there at the start: %q", texts(u.body))
	}
}

// fieldInput is the input of the form's field name.
func fieldInput(t *testing.T, f *form, name string) fyne.CanvasObject {
	t.Helper()
	i := slices.IndexFunc(f.fields, func(fl *field) bool { return fl.name == name })
	if i < 0 {
		t.Fatalf("form has no field %q", name)
	}
	return f.fields[i].input
}

// The planning form picks the facilitator and the observers among the
// handbook's many contacts by typing; a facilitator deleted since stays.
func TestExerciseFormPicksPeopleByTyping(t *testing.T) {
	u := newIncidentUI(t)
	u.showScreen("exercises")
	u.tasks.Wait() // the year view reads the handbook off the UI thread
	test.Tap(findButton(t, u.body, "Übung planen"))
	f := u.editor
	if f == nil {
		t.Fatal("no planning form")
	}
	f.input(t, "title").SetText("Planspiel Stromausfall")
	facilitator, ok := fieldInput(t, f, "facilitator").(*searchSelect)
	if !ok {
		t.Fatalf("the facilitator among the contacts is a %T", fieldInput(t, f, "facilitator"))
	}
	pick(t, u, facilitator, "scholz", "Miriam Scholz")
	observers := fieldInput(t, f, "observers").(*refList)
	for _, typed := range []string{"demir", "jonas peter"} {
		test.Tap(observers.search)
		test.Type(observers.search.search, typed)
		observers.search.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	if len(observers.ids) != 2 || observers.search.Selected() != "" {
		t.Fatalf("observers %v, the search field shows %q after adding", observers.ids, observers.search.Selected())
	}
	u.save()
	if u.editor != nil {
		t.Fatalf("not saved: %q", texts(u.body))
	}
	xs, err := store.List[handbook.Exercise](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(xs, func(x handbook.Exercise) bool { return x.Title == "Planspiel Stromausfall" })
	if i < 0 || len(xs[i].Observers) != 2 || xs[i].Facilitator == "" {
		t.Fatalf("stored %+v", xs)
	}
	x := xs[i]
	if !hasText(u.body, "Miriam Scholz") || !hasText(u.body, "Aylin Demir, Jonas Petersen") {
		t.Errorf("the exercise does not show whom it names: %q", texts(u.body))
	}

	t.Run("a deleted facilitator stays", func(t *testing.T) {
		if err := u.ops.Delete(u.ctx, handbook.EntityContact, x.Facilitator); err != nil {
			t.Fatal(err)
		}
		u.showScreen("exercises")
		u.tasks.Wait() // the year view reads the handbook off the UI thread
		u.open(handbook.EntityExercise, x.ID)
		test.Tap(findButton(t, u.body, "Bearbeiten"))
		u.editor.input(t, "title").SetText("Planspiel Stromausfall 2027")
		u.save()
		got, err := store.Get[handbook.Exercise](u.ctx, u.st, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Facilitator != x.Facilitator {
			t.Errorf("editing the title dropped the deleted facilitator: %q", got.Facilitator)
		}
	})
}

// A change arriving by sync keeps what the user is typing in a drill.
func TestDrillKeepsWhatWasTyped(t *testing.T) {
	u := newIncidentUI(t)
	x := planDatenleck(t, u)
	drill := startFromScreen(t, u, x, "Übungslauf beginnen")
	note := entryWithPlaceholder(t, u.body, "Was ist passiert, was wurde entschieden, wer wurde angerufen …")
	test.Type(note, "Pressesprecherin ist unter")
	if _, err := u.ops.Log(u.ctx, handbook.LogEntry{IncidentID: drill.ID, Kind: handbook.LogNote, Text: "Vom zweiten Laptop", Author: "Laptop 2"}); err != nil {
		t.Fatal(err)
	}
	u.view.changed([]store.Notice{{Entity: handbook.EntityLogEntry, ID: drill.ID}})
	if !hasText(u.body, "Vom zweiten Laptop") {
		t.Fatalf("the other laptop's entry does not show: %q", texts(u.body))
	}
	if got := entryWithPlaceholder(t, u.body, "Was ist passiert, was wurde entschieden, wer wurde angerufen …").Text; got != "Pressesprecherin ist unter" {
		t.Errorf("the note being typed became %q", got)
	}
}

// A change arriving by sync keeps a half-written exercise plan.
func TestExercisePlanKeepsWhatWasTyped(t *testing.T) {
	u := newIncidentUI(t)
	u.showScreen("exercises")
	u.tasks.Wait() // the year view reads the handbook off the UI thread
	test.Tap(findButton(t, u.body, "Übung planen"))
	f := u.editor
	f.input(t, "title").SetText("Planspiel Hochwasser")
	if _, err := u.ops.PlanExercise(u.ctx, ops.PlanExercise{Title: "Vom zweiten Laptop", Kind: handbook.ExerciseTabletop, Date: testNow}); err != nil {
		t.Fatal(err)
	}
	u.view.changed([]store.Notice{{Entity: handbook.EntityExercise}})
	if u.editor != f || f.input(t, "title").Text != "Planspiel Hochwasser" || !hasText(u.body, "Planspiel Hochwasser") {
		t.Errorf("the plan being written was lost on a sync notice: %q", texts(u.body))
	}
}
