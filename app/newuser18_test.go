package app

import (
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/person"
)

// countText counts the visible labels below o whose text holds s.
func countText(o fyne.CanvasObject, s string) int {
	n := 0
	walk(o, func(c fyne.CanvasObject) {
		if l, ok := c.(*widget.Label); ok && l.Visible() && strings.Contains(l.Text, s) {
			n++
		}
	})
	return n
}

// enter presses Enter in the focused object of u's window.
func enter(t *testing.T, u *ui) {
	t.Helper()
	f := u.win.Canvas().Focused()
	if f == nil {
		t.Fatal("nothing has the keyboard focus")
	}
	f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// TestDialogsAnswerEnter: a person without a mouse starts an incident and
// marks a report as sent: each dialog opens with the focus in its first
// field, and Enter there confirms it.
func TestDialogsAnswerEnter(t *testing.T) {
	u := newIncidentUI(t)
	u.open(handbook.EntityPlaybook, ransomware(t, u).ID)
	test.Tap(findButton(t, u.body, "Vorfall starten"))
	d := u.dialogTop()
	focused, ok := u.win.Canvas().Focused().(*formEntry)
	if !ok || focused.Text != "Ransomware-Angriff" {
		t.Fatalf("the start dialog opened with the focus on %T, want the title", u.win.Canvas().Focused())
	}
	var title fyne.Focusable = focused
	test.Tap(checkLabelled(t, d, "Personenbezogene Daten betroffen (DSGVO Art. 33)"))
	u.win.Canvas().Focus(title)
	enter(t, u)
	inc := onlyIncident(t, u)
	if u.dialogTop() != nil {
		t.Fatal("the start dialog stayed open after Enter")
	}

	test.Tap(findButton(t, u.body, "Versandt …"))
	d = u.dialogTop()
	if d == nil || !hasText(d, "Als versandt markieren") {
		t.Fatalf("no dialog asks when the report was sent: %q", texts(d))
	}
	if _, ok := u.win.Canvas().Focused().(*widget.Entry); !ok {
		t.Fatalf("the focus is on %T, not in the date field", u.win.Canvas().Focused())
	}
	enter(t, u)
	sent := 0
	for _, e := range incidentLog(t, u, inc.ID) {
		if e.Kind == handbook.LogReport {
			sent++
		}
	}
	if sent != 1 || u.dialogTop() != nil {
		t.Fatalf("after Enter: %d reports logged as sent, dialog open %v", sent, u.dialogTop() != nil)
	}
	if !hasText(u.body, "✓ versandt") || !hasText(u.body, testAuthor) {
		t.Errorf("the card does not say who sent the report: %q", texts(u.body))
	}
}

// TestCopyShowsTick: copying a number puts it on the clipboard and shows
// a tick on its button; copying another turns the first button back.
func TestCopyShowsTick(t *testing.T) {
	u := newTestUI(t)
	var copies []*widget.Button
	walk(u.body, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Icon != nil && b.Icon.Name() == theme.ContentCopyIcon().Name() {
			copies = append(copies, b)
		}
	})
	if len(copies) < 2 {
		t.Fatalf("the alarm card has %d copy buttons", len(copies))
	}
	test.Tap(copies[0])
	if copies[0].Icon.Name() != theme.ConfirmIcon().Name() {
		t.Fatalf("copied button shows %q", copies[0].Icon.Name())
	}
	if got := u.app.Clipboard().Content(); !strings.HasPrefix(got, "+49") {
		t.Fatalf("clipboard = %q", got)
	}
	test.Tap(copies[1])
	if copies[0].Icon.Name() != theme.ContentCopyIcon().Name() || copies[1].Icon.Name() != theme.ConfirmIcon().Name() {
		t.Fatalf("after the second copy: first %q, second %q", copies[0].Icon.Name(), copies[1].Icon.Name())
	}
}

// TestAlarmCardReachesCrisisHead: the dashboard's numbers to call first
// reach up to the head of the crisis team and their deputies, each
// holder on one line with a number; the card of playbooks beside it is
// as tall as its buttons, not stretched to the list of people.
func TestAlarmCardReachesCrisisHead(t *testing.T) {
	u := newTestUI(t)
	u.win.Resize(fyne.NewSize(1366, 700))
	for _, s := range []string{"Krisenstab-Leitung", "Hauptverantwortlich: Dr. Katrin Albers", "Vertretung 1: Markus Oberländer", "Vertretung 2: Sabine Köhler"} {
		if !hasText(u.body, s) {
			t.Errorf("alarm card lacks %q", s)
		}
	}
	var start, call fyne.CanvasObject
	walk(u.body, func(o fyne.CanvasObject) {
		c, ok := o.(*widget.Card)
		if !ok {
			return
		}
		switch {
		case start == nil && hasText(c, "Anderer Vorfall …") && !hasText(c, "Zuerst anrufen"):
			start = c
		case call == nil && hasText(c, "Zuerst anrufen") && !hasText(c, "Anderer Vorfall …"):
			call = c
		}
	})
	if start == nil || call == nil {
		t.Fatal("the alarm card's two parts are not found")
	}
	if start.Position().Y != call.Position().Y {
		t.Fatalf("at 1366 px the parts are not side by side: %v, %v", start.Position(), call.Position())
	}
	if h := start.Size().Height; h > start.MinSize().Height+1 || h >= call.Size().Height {
		t.Errorf("playbook card %.0f px high (needs %.0f), people %.0f px", h, start.MinSize().Height, call.Size().Height)
	}
}

// TestFocusOnPrimaryButton: a button drawn in the primary colour (Save,
// Start incident) still looks different with the keyboard focus, in both
// theme variants.
func TestFocusOnPrimaryButton(t *testing.T) {
	th := newTheme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		bg := color.NRGBAModel.Convert(th.Color(theme.ColorNamePrimary, v)).(color.NRGBA)
		f := color.NRGBAModel.Convert(th.Color(theme.ColorNameFocus, v)).(color.NRGBA)
		a := float64(f.A) / 255
		over := func(b, c uint8) float64 { return float64(c)*a + float64(b)*(1-a) }
		diff := fabs(over(bg.R, f.R)-float64(bg.R)) + fabs(over(bg.G, f.G)-float64(bg.G)) + fabs(over(bg.B, f.B)-float64(bg.B))
		if diff < 60 {
			t.Errorf("variant %d: a focused primary button differs from an unfocused one by %.0f (sum of RGB steps)", v, diff)
		}
	}
}

func fabs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestSearchCompoundSomeParts: a compound whose parts no single record
// holds ("Stromausfall" in the demo: the colocation supplier has
// "Strom", the playbooks "Ausfall") still shows the records holding one
// of them, and says that they hold only some parts; a compound whose
// parts a record holds ("Rechenzentrumsausfall", with the joining s) finds
// that record.
func TestSearchCompoundSomeParts(t *testing.T) {
	u := newTestUI(t)
	test.Type(u.search, "Stromausfall")
	if u.found == nil || len(u.found.hits) == 0 {
		t.Fatalf("Stromausfall finds nothing: %q", texts(u.body))
	}
	if !hasText(u.body, "diese enthalten einige davon: Strom + ausfall") {
		t.Errorf("no note that the hits hold only some parts: %q", texts(u.body))
	}
	if !hasText(u.body, "RZ Nordhafen Colocation GmbH") {
		t.Errorf("the data centre's supplier is not among the hits: %q", texts(u.body))
	}
	u.search.SetText("")
	test.Type(u.search, "Rechenzentrumsausfall")
	if !hasText(u.body, "diese enthalten seine Teile: Rechenzentrum + ausfall") || !hasText(u.body, "Ausfall der SaaS-Händlerplattform") {
		t.Errorf("Rechenzentrumsausfall: %q", texts(u.body))
	}
}

// TestPrintDialogKnowsWhoPrints: the print dialog's "Gedruckt von" holds
// the name given for this computer, so the cover names who printed.
func TestPrintDialogKnowsWhoPrints(t *testing.T) {
	u := newTestUI(t)
	t.Setenv("PATH", t.TempDir())
	u.who = person.Person{Name: "Jana Schulz", Initials: "JS"}
	pbs, err := u.st.Summaries(u.ctx, handbook.EntityPlaybook)
	if err != nil {
		t.Fatal(err)
	}
	u.printDialog(pbs).Show()
	u.tasks.Wait()
	if by := entryWithPlaceholder(t, u.dialogTop(), "Ihr Name (steht auf dem Deckblatt)"); by.Text != "Jana Schulz" {
		t.Errorf("printed by = %q, want the name of this computer's user", by.Text)
	}
}

// TestSkipReasonsInGerman: the sync details give in German why a round
// passed over a file: a stray file, a symbolic link.
func TestSkipReasonsInGerman(t *testing.T) {
	u := newTestUI(t)
	folder := t.TempDir()
	guiSync(t, u, folder, true)
	root := filepath.Join(folder, "ernstfall")
	if err := os.WriteFile(filepath.Join(root, "log", "notiz.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(t.TempDir(), filepath.Join(root, "log", "link")); err != nil {
		t.Fatal(err)
	}
	guiSync(t, u, folder, true)
	if len(u.syncer.last.Skipped) < 2 {
		t.Fatalf("skipped %v", u.syncer.last.Skipped)
	}
	u.showSyncDetails()
	d := u.dialogTop()
	for _, sk := range u.syncer.last.Skipped {
		if hasText(d, sk.Reason) {
			t.Errorf("the reason for %s stands in English: %q", sk.File, sk.Reason)
		}
	}
	if !hasText(d, "ein symbolischer Link; nicht verfolgt") {
		t.Errorf("no German reason for the link: %q", texts(d))
	}
}

// TestAlarmCardOfEmptyHandbook: a new handbook has nobody to call yet;
// the alarm card says where the names come from and leads there.
func TestAlarmCardOfEmptyHandbook(t *testing.T) {
	u := newTestUI(t)
	card := emergencyCard(u, handbook.Handbook{}, testNow)
	if !hasText(card, "Noch niemand anzurufen") || !hasText(card, "Notruf: 112") {
		t.Fatalf("empty alarm card: %q", texts(card))
	}
	test.Tap(findButton(t, card, "Rollen & Eskalation einrichten"))
	if u.current != u.screenIndex(t, "roles") {
		t.Errorf("the button opened screen %d, not the roles", u.current)
	}
}

// TestNewRecordTakesTyping: after Ctrl+N, and after Edit, the keyboard
// focus is in the form's name field, so what a person types at once is
// not lost.
func TestNewRecordTakesTyping(t *testing.T) {
	u := newTestUI(t)
	u.nav.Select(u.screenIndex(t, "contacts"))
	u.tasks.Wait()
	u.create()
	name := u.editor.input(t, "name")
	if u.win.Canvas().Focused() != name {
		t.Fatalf("after Ctrl+N the focus is on %T, not in the name", u.win.Canvas().Focused())
	}
	for _, r := range "Nina Neu" {
		u.win.Canvas().Focused().TypedRune(r)
	}
	if name.Text != "Nina Neu" || !u.editor.dirty {
		t.Fatalf("typed into the new contact: name %q, changed %v", name.Text, u.editor.dirty)
	}
	u.editor.leave()
	u.nav.Select(u.screenIndex(t, "playbooks"))
	u.tasks.Wait()
	u.create()
	if title := u.editor.input(t, "title"); u.win.Canvas().Focused() != title {
		t.Fatalf("new playbook: the focus is on %T, not in the title", u.win.Canvas().Focused())
	}
}

// TestFilterByKeyboard: in a list's filter, Enter opens the first record
// it leaves and Down moves on into the list.
func TestFilterByKeyboard(t *testing.T) {
	u := newTestUI(t)
	u.nav.Select(u.screenIndex(t, "playbooks"))
	u.tasks.Wait()
	filter := find(t, u.body, "filter", func(e *formEntry) bool { return e.PlaceHolder == "Filtern" })
	test.Type(filter, "ransom")
	u.win.Canvas().Focus(filter)
	enter(t, u)
	if e, id := u.view.selected(); e != handbook.EntityPlaybook || id != ransomware(t, u).ID {
		t.Fatalf("Enter in the filter opened %s %q", e, id)
	}
	u.win.Canvas().Focus(filter)
	filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if _, ok := u.win.Canvas().Focused().(*keyList); !ok {
		t.Fatalf("Down in the filter left the focus on %T", u.win.Canvas().Focused())
	}
}

// TestSkipReasonWords: the reasons a round writes with values inside are
// put into German whole, the values kept.
func TestSkipReasonWords(t *testing.T) {
	newTestUI(t) // loads the German catalogue
	for in, want := range map[string]string{
		"cannot list: permission denied": "kann nicht aufgelistet werden: permission denied",
		"3 batches written by an Ernstfall without signatures are ignored; that laptop sends its changes again once it is updated and admitted":                                                                          "3 Stapel einer Ernstfall-Version ohne Signaturen",
		"was damaged; put back as the team's founder signed it":                                                                                                                                                          "war beschädigt; so zurückgelegt",
		"the folder of laptop Laptop A under another name (renamed, or kept twice by a file-sync tool); nothing in it is read: rename it back to 01ab, or, if that folder exists, move the batch files it lacks into it": "benennen Sie ihn zurück in 01ab",
		"something new": "something new",
	} {
		if got := skipReason(in); !strings.HasPrefix(got, want) && !strings.Contains(got, want) {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}
