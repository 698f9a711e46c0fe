package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// escape presses Esc in the form field that has the focus, as a person
// does while typing.
func escape(e *formEntry) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) }

// TestEscapeAsksBeforeDiscarding: Esc in a form with changes asks
// "Änderungen verwerfen?"; Esc again keeps editing, with nothing lost;
// only "Änderungen verwerfen" throws the changes away. A form without
// changes closes on Esc at once.
func TestEscapeAsksBeforeDiscarding(t *testing.T) {
	u := newTestUI(t)
	u.nav.Select(u.screenIndex(t, "contacts"))
	u.create()
	name := u.editor.input(t, "name")
	escape(name)
	if u.editor != nil || u.dialogTop() != nil {
		t.Fatal("Esc on an untouched new form did not close it at once")
	}
	u.create()
	name = u.editor.input(t, "name")
	test.Type(name, "Halb Fertig")
	escape(name)
	d := u.dialogTop()
	if d == nil || !hasText(d, "Änderungen verwerfen?") {
		t.Fatal("Esc with changes did not ask")
	}
	if u.editor == nil {
		t.Fatal("the form closed before the answer")
	}
	escape(name) // Esc on the question: keep editing
	if u.dialogTop() != nil || u.editor == nil || u.editor.input(t, "name").Text != "Halb Fertig" {
		t.Fatal("Esc on the question did not return to the form with the text kept")
	}
	escape(name)
	test.Tap(findButton(t, u.dialogTop(), "Änderungen verwerfen"))
	if u.editor != nil {
		t.Fatal("discarding left the form open")
	}
	sums, err := u.st.Summaries(u.ctx, handbook.EntityContact)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sums {
		if s.Label == "Halb Fertig" {
			t.Fatal("discarded contact was saved")
		}
	}
}

// TestPhoneFieldChecks: a phone field says what is wrong as it is typed
// and shows the E.164 form of a good number; saving "abc" is refused at
// the field.
func TestPhoneFieldChecks(t *testing.T) {
	u := newTestUI(t)
	u.nav.Select(u.screenIndex(t, "contacts"))
	u.create()
	test.Type(u.editor.input(t, "name"), "Nummer Probe")
	mobile := u.editor.input(t, "phone_mobile")
	tests := []struct{ typed, hint string }{
		{"abc", "darf nur Ziffern"},
		{"030 23125-100", "International: +493023125100"},
		{"+49 30 23125100 Durchwahl 12", "International: +493023125100;ext=12"},
		{"112", "Aus dem Ausland wählbar: nein"},
		{"030 + 1", "nicht am Anfang"},
	}
	for _, tt := range tests {
		mobile.SetText(tt.typed)
		if !hasText(u.body, tt.hint) {
			t.Errorf("typed %q: no hint %q among %q", tt.typed, tt.hint, texts(u.body))
		}
	}
	mobile.SetText("abc")
	test.Tap(findButton(t, u.body, "Speichern"))
	if u.editor == nil {
		t.Fatal("a contact with the mobile number abc was saved")
	}
	if p := u.editor.problemOf(t, "phone_mobile"); !strings.Contains(p, "darf nur Ziffern") {
		t.Errorf("problem at the field = %q", p)
	}
	if n := countText(u.body, "darf nur Ziffern"); n != 1 {
		t.Errorf("the problem is said %d times below the field, want once: %q", n, texts(u.body))
	}
	if !hasText(u.body, "Nicht gespeichert") || !hasText(u.body, "Mobil") {
		t.Errorf("the refused save is not announced at the top: %q", texts(u.body))
	}
	mobile.SetText("0171 39200 99")
	test.Tap(findButton(t, u.body, "Speichern"))
	if u.editor != nil {
		t.Fatalf("good number refused: %q", u.editor.problemOf(t, "phone_mobile"))
	}
}

// TestNewRecordVisibleAfterCreate: a filter typed before creating a
// record is cleared on save, so the new record is listed and selected;
// and a new contact is verified, not stale.
func TestNewRecordVisibleAfterCreate(t *testing.T) {
	u := newTestUI(t)
	u.nav.Select(u.screenIndex(t, "contacts"))
	var filter *formEntry
	walk(u.body, func(o fyne.CanvasObject) {
		if e, ok := o.(*formEntry); ok && e.PlaceHolder == "Filtern" && filter == nil {
			filter = e
		}
	})
	if filter == nil {
		t.Fatal("no filter field")
	}
	test.Type(filter, "Krüger")
	u.create()
	test.Type(u.editor.input(t, "name"), "Zora Neu")
	test.Type(u.editor.input(t, "phone_mobile"), "0171 39200 98")
	u.save()
	if u.editor != nil {
		t.Fatal("form still open")
	}
	if filter.Text != "" {
		t.Errorf("filter still %q after creating a record", filter.Text)
	}
	cs, err := store.List[handbook.Contact](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	var c handbook.Contact
	for _, x := range cs {
		if x.Name == "Zora Neu" {
			c = x
		}
	}
	if c.ID == "" || c.Stale(u.now(), handbook.DefaultStaleAfterDays) {
		t.Fatalf("new contact %+v missing or stale", c)
	}
	var row bool
	walk(u.body, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == "Zora Neu" {
			row = true
		}
	})
	if !row || !hasText(u.body, "Heute verifiziert") {
		t.Errorf("new contact not listed and shown: %q", texts(u.body))
	}
	if hasText(u.body, "veraltet") && strings.Contains(strings.Join(texts(u.body), "|"), "Zora Neu|⚠") {
		t.Error("new contact marked stale")
	}
}
