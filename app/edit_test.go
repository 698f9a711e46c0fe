package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestSaveKeepsChangesMadeMeanwhile opens a contact's form, lets the record
// change underneath (as a sync would), and saves: the person's field and
// the other change both survive, and the detail view's quick actions write
// only their own field.
func TestSaveKeepsChangesMadeMeanwhile(t *testing.T) {
	u := newTestUI(t)
	u.nav.Select(u.screenIndex(t, "contacts"))
	cs, err := store.List[handbook.Contact](u.ctx, u.st)
	if err != nil || len(cs) == 0 {
		t.Fatalf("contacts: %v", err)
	}
	target := cs[0]
	u.open(handbook.EntityContact, target.ID)
	u.tasks.Wait() // the contacts are read off the UI thread
	test.Tap(findButton(t, u.body, "Bearbeiten"))
	if u.editor == nil {
		t.Fatal("no form")
	}
	u.editor.input(t, "team").SetText("Krisenstab Nord")

	meanwhile, _ := store.Get[handbook.Contact](u.ctx, u.st, target.ID)
	meanwhile.PhoneOffice = "+49 30 23125 999"
	if err := store.Put(u.ctx, u.st, &meanwhile); err != nil {
		t.Fatal(err)
	}
	u.save()
	u.tasks.Wait()
	got, _ := store.Get[handbook.Contact](u.ctx, u.st, target.ID)
	if got.Team != "Krisenstab Nord" || got.PhoneOffice != "+49 30 23125 999" {
		t.Fatalf("after save: team %q, office %q; want both changes kept", got.Team, got.PhoneOffice)
	}

	// The detail view still shows the record as loaded; "verified today"
	// must not write its old phone number back.
	meanwhile, _ = store.Get[handbook.Contact](u.ctx, u.st, target.ID)
	meanwhile.PhoneMobile = "+49 30 23125 998"
	if err := store.Put(u.ctx, u.st, &meanwhile); err != nil {
		t.Fatal(err)
	}
	test.Tap(findButton(t, u.body, "Heute verifiziert"))
	got, _ = store.Get[handbook.Contact](u.ctx, u.st, target.ID)
	if got.PhoneMobile != "+49 30 23125 998" || !got.LastVerifiedAt.Equal(testNow) {
		t.Fatalf("after verify: mobile %q, verified %v", got.PhoneMobile, got.LastVerifiedAt)
	}
	if n, _ := u.st.ConflictCount(u.ctx); n != 0 {
		t.Errorf("%d conflicts from edits of different fields", n)
	}
}

// TestFormDatesInGermanOrISO types a due date the German way and the ISO
// way into the action form; an impossible date is refused at the field.
func TestFormDatesInGermanOrISO(t *testing.T) {
	tests := []struct {
		typed   string
		want    string // stored date, "" when refused
		problem string
	}{
		{"15.12.2026", "2026-12-15", ""},
		{"1.2.2027", "2027-02-01", ""},
		{"2027-03-04", "2027-03-04", ""},
		{"31.02.2027", "", "TT.MM.JJJJ"},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			u := newTestUI(t)
			u.nav.Select(u.screenIndex(t, "actions"))
			u.create()
			test.Type(u.editor.input(t, "title"), "Notfallnummern prüfen")
			test.Type(u.editor.input(t, "due"), tt.typed)
			u.save()
			if tt.want == "" {
				if u.editor == nil || !strings.Contains(u.editor.problemOf(t, "due"), tt.problem) {
					t.Fatalf("impossible date accepted or no hint at the field")
				}
				return
			}
			as, _ := store.List[handbook.Action](u.ctx, u.st)
			i := slices.IndexFunc(as, func(a handbook.Action) bool { return a.Title == "Notfallnummern prüfen" })
			if i < 0 {
				t.Fatal("action not stored")
			}
			if got := as[i].Due.Format("2006-01-02"); got != tt.want {
				t.Errorf("due %s, want %s", got, tt.want)
			}
		})
	}
}

// TestEscapeEmptiesSearch: Esc in the search field clears it, so an old
// query does not linger over the next screen.
func TestEscapeEmptiesSearch(t *testing.T) {
	u := newTestUI(t)
	test.Type(u.search, "Ransomware")
	u.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if u.search.Text != "" {
		t.Errorf("search field still holds %q after Esc", u.search.Text)
	}
}
