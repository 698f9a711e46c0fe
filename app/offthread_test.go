package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// movingBar reports whether o shows a moving bar, the sign of a read
// under way.
func movingBar(o fyne.CanvasObject) bool {
	found := false
	walk(o, func(o fyne.CanvasObject) {
		if _, ok := o.(*widget.ProgressBarInfinite); ok && o.Visible() {
			found = true
		}
	})
	return found
}

// TestLargeReadsOffUIThread opens a running incident and the record lists
// of the large handbook with the test playing the UI thread. Each screen
// is there at once behind a moving bar while the handbook is read in the
// background; the window takes typing meanwhile, and what was typed (a
// list filter, a new record's form) is still there when the records
// arrive.
func TestLargeReadsOffUIThread(t *testing.T) {
	u, q := bigUI(t)
	q.settled(t, u)

	t.Run("running incident", func(t *testing.T) {
		inc, err := u.ops.StartIncident(u.ctx, ops.StartIncident{Title: "Stromausfall Rechenzentrum", Severity: handbook.SeverityHigh, By: testAuthor})
		if err != nil {
			t.Fatal(err)
		}
		q.settled(t, u)
		u.openIncident(inc.ID)
		if !movingBar(u.body) || hasText(u.body, "Eintragen") {
			t.Fatalf("the incident was read on the UI thread: %q", texts(u.body))
		}
		// The window answers meanwhile: the search field takes typing.
		u.focusSearch()
		test.Type(u.search, "S")
		if u.search.Text != "S" {
			t.Fatalf("the search field did not take the typing: %q", u.search.Text)
		}
		q.settled(t, u)
		if movingBar(u.body) || !hasText(u.body, "Stromausfall Rechenzentrum") || !hasText(u.body, "Eintragen") {
			t.Fatalf("the incident is not shown once read: %q", texts(u.body))
		}
	})

	for _, tc := range []struct {
		screen, field string
		entity        handbook.Entity
	}{
		{"playbooks", "title", handbook.EntityPlaybook},
		{"risks", "title", handbook.EntityRisk},
		{"actions", "title", handbook.EntityAction},
	} {
		t.Run(tc.screen, func(t *testing.T) {
			sums, err := u.st.Summaries(u.ctx, tc.entity)
			if err != nil || len(sums) < 2 {
				t.Fatalf("%d %s, %v", len(sums), tc.screen, err)
			}
			want := sums[len(sums)/2].Label
			u.showScreen(tc.screen)
			if u.current != u.screenIndex(t, tc.screen) {
				t.Fatalf("screen %d, want %s", u.current, tc.screen)
			}
			if !movingBar(u.body) || hasText(u.body, want) {
				t.Fatalf("the %s were read on the UI thread", tc.screen)
			}
			filter := entryWithPlaceholder(t, u.body, "Filtern")
			test.Type(filter, want)
			u.create()
			if u.editor == nil {
				t.Fatal("Ctrl+N opened no form while the records were read")
			}
			name := u.editor.input(t, tc.field)
			test.Type(name, "Neu während des Lesens")
			q.settled(t, u)
			if movingBar(u.body) {
				t.Error("the moving bar stays after the records were read")
			}
			if filter.Text != want || u.editor == nil || name.Text != "Neu während des Lesens" || !hasText(u.body, "Neu während des Lesens") {
				t.Fatalf("what was typed while reading is lost: filter %q, form %v", filter.Text, u.editor != nil)
			}
			if !hasText(u.body, want) {
				t.Errorf("the list does not show %q once read", want)
			}
			u.editor.dirty = false // leave without the question
			u.editor.doCancel()
		})
	}
}
