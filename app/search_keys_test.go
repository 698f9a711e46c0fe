package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestSearchKeyboard: Up and Down move through the results while the
// search field keeps the focus, and Enter opens the selected one, not
// only the first.
func TestSearchKeyboard(t *testing.T) {
	u := newTestUI(t)
	test.Type(u.search, "Ransomware")
	if u.found == nil || len(u.found.hits) < 3 {
		t.Fatalf("want at least 3 hits for Ransomware, got %+v", u.found)
	}
	key := func(k fyne.KeyName) { u.search.TypedKey(&fyne.KeyEvent{Name: k}) }
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	key(fyne.KeyUp)
	if u.found.sel != 1 {
		t.Fatalf("selected %d after Down, Down, Up; want 1", u.found.sel)
	}
	key(fyne.KeyUp)
	key(fyne.KeyUp) // from the first to the last
	if want := len(u.found.hits) - 1; u.found.sel != want {
		t.Fatalf("selected %d after Up from the first; want the last, %d", u.found.sel, want)
	}
	key(fyne.KeyDown) // and round to the first
	// Down to the first risk: a hit further down than the first.
	target := slices.IndexFunc(u.found.hits, func(h store.Hit) bool { return h.Entity == handbook.EntityRisk })
	if target < 1 {
		t.Fatalf("no risk among the hits after the first: %+v", u.found.hits)
	}
	for range target {
		key(fyne.KeyDown)
	}
	want := u.found.hits[target]
	if u.found.marks[target].FillColor == u.found.marks[0].FillColor {
		t.Error("the selected result is not marked")
	}
	key(fyne.KeyReturn)
	if u.current < 0 || !hasText(u.body, want.Title) {
		t.Fatalf("Enter did not open the selected %q: %q", want.Title, texts(u.body))
	}
	if u.search.Text != "" {
		t.Errorf("search still %q after opening", u.search.Text)
	}
}

// TestSearchResultsShow: a compound finds its parts, a contact hit shows
// its numbers with their kinds, and a snippet is plain text with the
// searched word marked.
func TestSearchResultsShow(t *testing.T) {
	u := newTestUI(t)
	test.Type(u.search, "Datenschutzbehörde")
	if u.found == nil || len(u.found.hits) == 0 {
		t.Fatal("Datenschutzbehörde finds nothing")
	}
	if !hasText(u.body, "Datenschutz + behörde") {
		t.Errorf("no note on the parts: %q", texts(u.body))
	}
	u.search.SetText("")
	test.Type(u.search, "Krüger")
	var contact bool
	for _, h := range u.found.hits {
		contact = contact || h.Entity == handbook.EntityContact && len(h.Numbers) > 0
	}
	if !contact || !hasText(u.body, "Mobil") {
		t.Fatalf("contact hit without labelled numbers: %q", texts(u.body))
	}
	u.search.SetText("")
	test.Type(u.search, "isolieren")
	var marked, raw []string
	walk(u.body, func(o fyne.CanvasObject) {
		rt, ok := o.(*widget.RichText)
		if !ok {
			return
		}
		for _, s := range rt.Segments {
			ts, ok := s.(*widget.TextSegment)
			if !ok {
				continue
			}
			if ts.Style.TextStyle.Bold && ts.Style.ColorName == theme.ColorNamePrimary {
				marked = append(marked, ts.Text)
			}
			if strings.Contains(ts.Text, "- [ ]") || strings.Contains(ts.Text, "**") {
				raw = append(raw, ts.Text)
			}
		}
	})
	if len(marked) == 0 || !strings.EqualFold(marked[0][:len("isolieren")], "isolieren") {
		t.Errorf("searched word not marked: %q", marked)
	}
	if len(raw) > 0 {
		t.Errorf("snippets with Markdown: %q", raw)
	}
}
