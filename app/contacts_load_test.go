package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/fixture"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// settled pumps the UI queue until every background read has shown.
func (q uiQueue) settled(t *testing.T, u *ui) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		u.tasks.Wait()
		close(done)
	}()
	q.pump(t, "the background reads", func() bool {
		select {
		case <-done:
			return len(q) == 0
		default:
			return false
		}
	})
}

// TestContactsReadOffUIThread opens the contacts of the large handbook.
// The test plays the UI thread: the screen is there at once with a moving
// bar, the 5,000 contacts arrive from a background read, a contact asked
// for meanwhile is shown once they are, and a change made later keeps the
// list on display while it is read again.
func TestContactsReadOffUIThread(t *testing.T) {
	u, q := bigUI(t)
	q.settled(t, u)
	all, err := u.st.Summaries(u.ctx, handbook.EntityContact)
	if err != nil || len(all) != fixture.Large.Contacts {
		t.Fatalf("%d contacts, %v", len(all), err)
	}
	want := all[len(all)/2]

	u.showScreen("contacts")
	if u.current != u.screenIndex(t, "contacts") {
		t.Fatalf("screen %d, want the contacts", u.current)
	}
	bar := func() bool {
		found := false
		walk(u.body, func(o fyne.CanvasObject) {
			if _, ok := o.(*widget.ProgressBarInfinite); ok && o.Visible() {
				found = true
			}
		})
		return found
	}
	if !bar() || hasText(u.body, want.Label) {
		t.Fatalf("the screen did not wait for the contacts behind a moving bar: bar %v, %q", bar(), texts(u.body))
	}
	u.open(handbook.EntityContact, want.ID)
	q.settled(t, u)

	if bar() {
		t.Error("the moving bar stays after the contacts were read")
	}
	table := find(t, u.body, "contact table", func(*keyTable) bool { return true })
	if rows, _ := table.Length(); rows != fixture.Large.Contacts {
		t.Errorf("the table has %d rows, want %d", rows, fixture.Large.Contacts)
	}
	if e, id := u.selection(); e != handbook.EntityContact || id != want.ID || !hasText(u.body, "Heute verifiziert") {
		t.Fatalf("the contact asked for while reading is not shown: %s %s", e, id)
	}

	other := all[0]
	c, err := u.ops.MarkVerified(u.ctx, other.ID)
	if err != nil {
		t.Fatal(err)
	}
	q.pump(t, "the notice", func() bool { return len(q) > 0 })
	for len(q) > 0 {
		(<-q)()
	}
	if rows, _ := table.Length(); rows != fixture.Large.Contacts || bar() {
		t.Fatalf("the list emptied while it is read again: %d rows, bar %v", rows, bar())
	}
	q.settled(t, u)
	got, err := store.Get[handbook.Contact](u.ctx, u.st, other.ID)
	if err != nil || !got.LastVerifiedAt.Equal(c.LastVerifiedAt) {
		t.Fatalf("verified %v, want %v (%v)", got.LastVerifiedAt, c.LastVerifiedAt, err)
	}
	if _, id := u.selection(); id != want.ID {
		t.Errorf("the contact on display changed to %s", id)
	}
}
