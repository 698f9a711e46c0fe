package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ernstfall/data"
	"ernstfall/internal/ops"
	"ernstfall/internal/rotest"
	"ernstfall/internal/store"
)

// TestReadOnlyHandbook: a handbook opened read-only (a write-protected
// stick) shows its screens with a banner that says so; new records and
// edits are refused with words, not with a failed save.
func TestReadOnlyHandbook(t *testing.T) {
	a := test.NewTempApp(t)
	if err := useLanguage("de"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := func() time.Time { return testNow }
	path := filepath.Join(t.TempDir(), "handbook.db")
	st, err := store.Open(ctx, path, store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	hb, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, hb); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	rotest.ReadOnly(t, path)
	rotest.ReadOnly(t, filepath.Dir(path))
	ro, err := store.Open(ctx, path, store.Options{Now: now, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	w := test.NewTempWindow(t, nil)
	u := newUI(ctx, ops.New(ro, ops.Config{Now: now}), a, w, now)
	u.inline = true
	// Background loads end inside the test that started them, so none
	// of them reads the translations while the next test reloads them.
	t.Cleanup(u.tasks.Wait)
	if err := u.start(false); err != nil {
		t.Fatal(err)
	}
	u.tasks.Wait()
	w.Resize(fyne.NewSize(1200, 800))
	if !hasText(w.Content(), "schreibgeschützt") {
		t.Fatalf("no read-only banner among %q", texts(w.Content()))
	}
	u.nav.Select(u.screenIndex(t, "contacts"))
	u.tasks.Wait() // the contacts are read off the UI thread
	if !hasText(u.body, "Anna Wolff") {
		t.Fatalf("contacts not shown: %q", texts(u.body))
	}
	u.create()
	if u.editor != nil {
		t.Fatal("a form opened on a read-only handbook")
	}
	if top := u.dialogTop(); top == nil || !hasText(top, "schreibgeschützt") {
		t.Fatal("no dialog saying the handbook is read-only")
	}
}

// TestDamagedText: the words for a damaged handbook name the salvage
// command and the newest good backup.
func TestDamagedText(t *testing.T) {
	test.NewTempApp(t)
	if err := useLanguage("de"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "handbook.db")
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	backup, err := st.AutoBackup(ctx, store.ReasonSync, 5)
	if err != nil {
		t.Fatal(err)
	}
	text := damagedText(ctx, path, st.BackupDir())
	for _, want := range []string{"beschädigt", "salvage", backup} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}
