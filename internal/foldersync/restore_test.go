package foldersync

import (
	"context"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// restoreSetup gives two laptops that share a handbook of three contacts
// through a real shared folder, and the moment before a bad hour in which
// laptop B changed, deleted and added contacts.
func restoreSetup(t *testing.T) (a, b *laptop, folder string, clock *fakeClock, point time.Time, good string) {
	t.Helper()
	clock = newFakeClock()
	folder = t.TempDir()
	a = openLaptop(t, t.TempDir(), clock.reader(0))
	b = openLaptop(t, t.TempDir(), clock.reader(0))
	for _, n := range []string{"Anna Albers", "Bodo Brandt", "Carla Christ"} {
		putContact(t, a, &handbook.Contact{Name: n, Email: "x@example.com", PhoneMobile: "+49 170 1"})
	}
	a.sync(t, folder)
	join(t, folder, a, b)
	good = comparable(t, a)
	point = clock.reader(0)()
	ctx := context.Background()
	cs, err := store.List[handbook.Contact](ctx, b.st)
	if err != nil || len(cs) != 3 {
		t.Fatalf("contacts on B: %v %d", err, len(cs))
	}
	after := cs[0]
	after.PhoneMobile = "+49 170 666"
	if err := store.Edit(ctx, b.st, &cs[0], &after); err != nil {
		t.Fatal(err)
	}
	if err := b.st.Delete(ctx, handbook.EntityContact, cs[1].ID); err != nil {
		t.Fatal(err)
	}
	putContact(t, b, &handbook.Contact{Name: "Mallory", Email: "m@example.com"})
	b.sync(t, folder)
	a.sync(t, folder)
	return a, b, folder, clock, point, good
}

func liveContacts(t *testing.T, l *laptop) []string {
	t.Helper()
	cs, err := store.List[handbook.Contact](context.Background(), l.st)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.Name+" "+c.PhoneMobile)
	}
	return out
}

// A restore made on laptop A reaches laptop B through the shared folder,
// and B ends identical; restoring to before the restore undoes it on both.
func TestRestoreReachesEveryLaptop(t *testing.T) {
	ctx := context.Background()
	a, b, folder, clock, point, _ := restoreSetup(t)
	bad := comparable(t, b)
	if comparable(t, a) != bad {
		t.Fatal("laptops differ before the restore")
	}
	beforeRestore := clock.reader(0)()
	plan, err := a.st.Restore(ctx, store.RestoreTarget{AsOf: point}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch, del, back := plan.Count(); ch != 1 || del != 1 || back != 1 {
		t.Fatalf("restore changed %d, deleted %d, brought back %d; want 1 each", ch, del, back)
	}
	a.sync(t, folder)
	b.sync(t, folder)
	if got, want := comparable(t, b), comparable(t, a); got != want {
		t.Fatalf("B differs from A after the restore synced:\n%s\nwant\n%s", got, want)
	}
	want := []string{"Anna Albers +49 170 1", "Bodo Brandt +49 170 1", "Carla Christ +49 170 1"}
	if got := liveContacts(t, b); !equalStrings(got, want) {
		t.Errorf("contacts on B after the restore: %v, want %v", got, want)
	}

	// Undo: restore to the moment before the restore, this time on B.
	if _, err := b.st.Restore(ctx, store.RestoreTarget{AsOf: beforeRestore}, nil); err != nil {
		t.Fatal(err)
	}
	b.sync(t, folder)
	a.sync(t, folder)
	for _, l := range []*laptop{a, b} {
		if got := withoutConflicts(t, comparable(t, l)); got != withoutConflicts(t, bad) {
			t.Errorf("restoring the restore did not undo it on %s:\n%s\nwant\n%s", l.st.Device(), got, bad)
		}
	}
	if comparable(t, a) != comparable(t, b) {
		t.Error("laptops differ after the undo")
	}
}

// A backup restored onto a laptop survives the next sync: the batches
// still in the folder do not undo it, and the other laptop follows.
func TestRestoredBackupSurvivesSync(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	folder := t.TempDir()
	a := openLaptop(t, t.TempDir(), clock.reader(0))
	b := openLaptop(t, t.TempDir(), clock.reader(0))
	for _, n := range []string{"Anna Albers", "Bodo Brandt", "Carla Christ"} {
		putContact(t, a, &handbook.Contact{Name: n, Email: "x@example.com", PhoneMobile: "+49 170 1"})
	}
	a.sync(t, folder)
	join(t, folder, a, b)
	backup, err := a.st.AutoBackup(ctx, store.ReasonSync, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := liveContacts(t, a)
	// Laptop B deletes everything; A receives it.
	cs, err := store.List[handbook.Contact](ctx, b.st)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if err := b.st.Delete(ctx, handbook.EntityContact, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	b.sync(t, folder)
	a.sync(t, folder)
	if got := liveContacts(t, a); len(got) != 0 {
		t.Fatalf("A still has %v", got)
	}
	if _, err := a.st.Restore(ctx, store.RestoreTarget{Backup: backup}, nil); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		a.sync(t, folder)
		b.sync(t, folder)
	}
	for _, l := range []*laptop{a, b} {
		if got := liveContacts(t, l); !equalStrings(got, want) {
			t.Errorf("%s after the next syncs: %v, want %v", l.st.Device(), got, want)
		}
	}
	if comparable(t, a) != comparable(t, b) {
		t.Error("laptops differ after the restored backup synced")
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// withoutConflicts keeps the handbook part of comparable's rendering.
func withoutConflicts(t *testing.T, s string) string {
	t.Helper()
	if i := strings.Index(s, `"Conflicts"`); i >= 0 {
		return s[:i]
	}
	return s
}
