package app

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestSearchOffUIThread types into the search field of the large
// handbook, with the test as the UI thread: no keystroke runs the search
// (the field takes every letter at once), the result arrives for the
// text typed last, a result for an older text never replaces a newer one
// even when it arrives later, a result arriving after another screen was
// chosen leaves that screen, and Up, Down and Enter work on the results
// on display.
func TestSearchOffUIThread(t *testing.T) {
	u, q := bigUI(t)
	q.settled(t, u)

	test.Type(u.search, "Krüger")
	if u.search.Text != "Krüger" || u.found != nil {
		t.Fatalf("typing searched on the UI thread or lost letters: field %q, results %v", u.search.Text, u.found != nil)
	}
	q.pump(t, "the results", func() bool { return u.found != nil })
	if u.found.query != "Krüger" || len(u.found.hits) < 3 {
		t.Fatalf("results for %q (%d hits), want those for Krüger", u.found.query, len(u.found.hits))
	}

	// Two texts searched one after the other; their results are handed
	// to the UI thread in the wrong order.
	held := func() []func() {
		u.tasks.Wait()
		var fs []func()
		for len(q) > 0 {
			fs = append(fs, <-q)
		}
		return fs
	}
	u.search.SetText("Müller")
	older := held()
	u.search.SetText("Schmidt")
	newer := held()
	if len(older) == 0 || len(newer) == 0 {
		t.Fatalf("the searches handed over %d and %d results", len(older), len(newer))
	}
	for _, f := range slices.Concat(newer, older) {
		f()
	}
	if u.found == nil || u.found.query != "Schmidt" || !hasText(u.body, "Search: Schmidt") && !hasText(u.body, "Suche: Schmidt") {
		t.Fatalf("the results on display are not those for Schmidt: %q", texts(u.body))
	}

	key := func(k fyne.KeyName) { u.search.TypedKey(&fyne.KeyEvent{Name: k}) }
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	want := u.found.hits[2]
	key(fyne.KeyReturn)
	q.settled(t, u)
	if _, id := u.selection(); id != want.ID || u.search.Text != "" {
		t.Fatalf("Enter did not open the third result %q: %q", want.Title, texts(u.body))
	}

	// A result that arrives after another screen was chosen is dropped.
	u.search.SetText("Weber")
	late := held()
	u.showScreen("contacts")
	for _, f := range late {
		f()
	}
	q.settled(t, u)
	if u.current != u.screenIndex(t, "contacts") || u.found != nil {
		t.Fatalf("a late result replaced the screen chosen: screen %d, results %v", u.current, u.found != nil)
	}
}

// TestPartsAsTyped: the parts a compound was found by are shown as they
// were typed, umlauts and capitals kept.
func TestPartsAsTyped(t *testing.T) {
	for _, tt := range []struct {
		q     string
		parts []string
		want  string
	}{
		{"Datenschutzbehörde", []string{"datenschutz", "behoerde"}, "Datenschutz + behörde"},
		{"Straßensperre", []string{"strasse", "sperre"}, "Straße + sperre"},
		{"Krisenstab Müller", []string{"mueller"}, "Müller"},
		{"abc", []string{"xyz"}, "xyz"},
	} {
		if got := joinParts(tt.q, tt.parts); got != tt.want {
			t.Errorf("joinParts(%q, %q) = %q, want %q", tt.q, tt.parts, got, tt.want)
		}
	}
}
