package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ernstfall/internal/foldersync"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// openEmptyStore opens a second, empty database: another laptop.
func openEmptyStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "other.db"), store.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// syncOther runs a round on another laptop's store.
func syncOther(t *testing.T, st *store.Store, folder string) foldersync.Report {
	t.Helper()
	rep, err := new(foldersync.Engine).Run(context.Background(), st, foldersync.Options{Folder: folder, DeviceName: "Laptop B", Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatalf("sync of the other laptop: %v", err)
	}
	return rep
}

// guiSync sets up folder for the window's store and runs a round as the
// toolbar button does, waiting for it to finish.
func guiSync(t *testing.T, u *ui, folder string, manual bool) {
	t.Helper()
	if err := u.ops.SaveSyncSetup(u.ctx, ops.SyncSetup{Folder: folder, Device: "Laptop A", Auto: true}); err != nil {
		t.Fatal(err)
	}
	u.syncNow(manual)
	u.waitSync()
}

// admitAll admits every laptop asking to join, as a member at the window.
func admitAll(t *testing.T, u *ui, folder string) {
	t.Helper()
	got, err := u.ops.Admit(u.ctx, ops.TeamChange{Folder: folder, All: true})
	if err != nil || len(got) == 0 {
		t.Fatalf("admit: %v, %d admitted", err, len(got))
	}
}

func firstContact(t *testing.T, st *store.Store) handbook.Contact {
	t.Helper()
	cs, err := store.List[handbook.Contact](context.Background(), st)
	if err != nil || len(cs) == 0 {
		t.Fatalf("no contacts: %v", err)
	}
	slices.SortFunc(cs, func(a, b handbook.Contact) int { return strings.Compare(a.ID, b.ID) })
	return cs[0]
}

func setMobile(t *testing.T, st *store.Store, id, phone string) {
	t.Helper()
	ctx := context.Background()
	c, err := store.Get[handbook.Contact](ctx, st, id)
	if err != nil {
		t.Fatal(err)
	}
	c.PhoneMobile = phone
	if err := store.Put(ctx, st, &c); err != nil {
		t.Fatal(err)
	}
}

func TestSyncConflictResolvedInGUI(t *testing.T) {
	u := newTestUI(t)
	folder := t.TempDir()
	guiSync(t, u, folder, true)
	if got := u.syncer.status.Text; got != "Synchronisiert 09:00" {
		t.Fatalf("status = %q, want Synchronisiert 09:00", got)
	}
	other := openEmptyStore(t)
	if rep := syncOther(t, other, folder); !rep.Pending || rep.Received != 0 {
		t.Fatalf("a laptop nobody admitted took part: %+v", rep)
	}
	admitAll(t, u, folder)
	if rep := syncOther(t, other, folder); rep.Received == 0 {
		t.Fatal("the other laptop received nothing")
	}
	c := firstContact(t, u.st)
	setMobile(t, u.st, c.ID, "+49 170 1111111")
	setMobile(t, other, c.ID, "+49 170 2222222")
	syncOther(t, other, folder)
	u.syncNow(true)
	u.waitSync()

	if !u.syncer.conflicts.Visible() || u.syncer.conflicts.Text != "1 Konflikt" {
		t.Fatalf("toolbar conflicts = %q (visible %v), want 1 Konflikt", u.syncer.conflicts.Text, u.syncer.conflicts.Visible())
	}
	test.Tap(u.syncer.conflicts)
	if u.screens[u.current].id != "conflicts" {
		t.Fatalf("screen %q after tapping the conflicts, want conflicts", u.screens[u.current].id)
	}
	for _, want := range []string{c.Name, "Feld: Mobil", "+49 170 1111111", "+49 170 2222222", "dieser Laptop (Laptop A)", "Laptop B"} {
		if !hasText(u.body, want) {
			t.Fatalf("conflicts screen lacks %q: %q", want, texts(u.body))
		}
	}
	assertGolden(t, u, "conflicts.xml")

	test.Tap(findButton(t, u.body, "Andere übernehmen"))
	got, err := store.Get[handbook.Contact](u.ctx, u.st, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PhoneMobile != "+49 170 2222222" {
		t.Fatalf("mobile = %q after taking the other, want +49 170 2222222", got.PhoneMobile)
	}
	if n, err := u.st.ConflictCount(u.ctx); err != nil || n != 0 {
		t.Fatalf("conflicts left = %d (%v), want 0", n, err)
	}
	if u.syncer.conflicts.Visible() || !hasText(u.body, "Keine offenen Konflikte.") {
		t.Fatalf("conflict still shown: %q", texts(u.body))
	}
}

func TestSyncStatus(t *testing.T) {
	tests := []struct {
		name       string
		folder     func(t *testing.T) string
		manual     bool
		wantStatus string
		// wantDialog is a text of the error dialog; "" for none.
		wantDialog string
	}{
		{"synchronised", func(t *testing.T) string { return t.TempDir() }, true, "Synchronisiert 09:00", ""},
		{"unreachable by hand", func(t *testing.T) string { return filepath.Join(t.TempDir(), "gone") }, true,
			"Ordner nicht erreichbar", "Der gemeinsame Ordner ist nicht erreichbar."},
		{"unreachable automatically", func(t *testing.T) string { return filepath.Join(t.TempDir(), "gone") }, false,
			"Ordner nicht erreichbar", ""},
		{"another handbook", func(t *testing.T) string {
			dir := t.TempDir()
			st := openEmptyStore(t)
			c := handbook.Contact{Name: "Fremd", PhoneMobile: "+49 170 5"}
			if err := store.Put(context.Background(), st, &c); err != nil {
				t.Fatal(err)
			}
			syncOther(t, st, dir)
			return dir
		}, true, "Ordner enthält anderes Handbuch", "Im gemeinsamen Ordner liegt ein anderes Handbuch."},
		// A refusal names the file it stopped at.
		{"damaged FORMAT", func(t *testing.T) string {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "ernstfall"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "ernstfall", "FORMAT"), []byte(`{"format":"ernstf`), 0o644); err != nil {
				t.Fatal(err)
			}
			return dir
		}, true, "Ordner nicht lesbar", "Datei: ernstfall/FORMAT"},
		{"linked protocol folder", func(t *testing.T) string {
			dir := t.TempDir()
			syncOther(t, openEmptyStore(t), dir)
			log := filepath.Join(dir, "ernstfall", "log")
			if err := os.Rename(log, log+"-elsewhere"); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(log+"-elsewhere", log); err != nil {
				t.Fatal(err)
			}
			return dir
		}, true, "Ordner nicht lesbar", "Datei: ernstfall/log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newTestUI(t)
			guiSync(t, u, tt.folder(t), tt.manual)
			if got := u.syncer.status.Text; got != tt.wantStatus {
				t.Fatalf("status = %q, want %q", got, tt.wantStatus)
			}
			d := u.dialogTop()
			if tt.wantDialog == "" {
				if d != nil {
					t.Fatalf("unexpected dialog: %q", texts(d))
				}
				return
			}
			if d == nil || !hasText(d, tt.wantDialog) {
				t.Fatalf("no dialog saying %q", tt.wantDialog)
			}
		})
	}
}

func TestSyncKeepsEditInProgress(t *testing.T) {
	u := newTestUI(t)
	folder := t.TempDir()
	guiSync(t, u, folder, true)
	other := openEmptyStore(t)
	syncOther(t, other, folder)
	admitAll(t, u, folder)
	syncOther(t, other, folder)
	c := firstContact(t, u.st)
	setMobile(t, other, c.ID, "+49 170 3333333")
	syncOther(t, other, folder)

	u.open(handbook.EntityContact, c.ID)
	u.tasks.Wait() // the contacts are read off the UI thread
	test.Tap(findButton(t, u.body, "Bearbeiten"))
	form := u.editor
	test.Type(form.input(t, "team"), " Nord")
	u.syncNow(false)
	u.waitSync()
	if u.editor != form || !strings.Contains(form.input(t, "team").Text, " Nord") {
		t.Fatal("the round replaced the form being edited")
	}
	u.save()
	d := u.dialogTop()
	if d == nil || !hasText(d, "Änderungen von anderen Laptops") {
		t.Fatal("no notice about changes received while editing")
	}
}

func TestJoinSharedFolder(t *testing.T) {
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(v, os.Getenv(v))
	}
	first := newTestUI(t)
	folder := t.TempDir()
	guiSync(t, first, folder, true)

	st := openEmptyStore(t)
	w := test.NewTempWindow(t, nil)
	now := func() time.Time { return testNow }
	u := newUI(context.Background(), ops.New(st, ops.Config{Now: now}), first.app, w, now)
	u.inline = true
	// Background loads end inside the test that started them, so none
	// of them reads the translations while the next test reloads them.
	t.Cleanup(u.tasks.Wait)
	if err := u.start(false); err != nil {
		t.Fatal(err)
	}
	findButton(t, w.Content(), "Einem gemeinsamen Ordner beitreten")
	u.join(ops.SyncSetup{Folder: folder, Device: "Laptop C", Auto: true})
	u.waitSync()
	d := u.dialogTop()
	if d == nil || !hasText(d, u.syncer.last.Fingerprint) || u.syncer.last.Fingerprint == "" {
		t.Fatal("the joining laptop is not told its fingerprint")
	}
	// A member sees the request in the toolbar and admits it.
	first.syncNow(false)
	first.waitSync()
	if !first.syncer.requests.Visible() || first.syncer.requests.Text != "1 Laptop bittet um Aufnahme" {
		t.Fatalf("member's toolbar: %q (visible %v)", first.syncer.requests.Text, first.syncer.requests.Visible())
	}
	test.Tap(first.syncer.requests)
	first.waitSync()
	team := first.dialogTop()
	if team == nil || !hasText(team, "Laptop C") || !hasText(team, u.syncer.last.Fingerprint) {
		t.Fatalf("team dialog: %q", texts(team))
	}
	test.Tap(findButton(t, team, "Aufnehmen"))
	confirm := first.dialogTop()
	if confirm == nil || !hasText(confirm, u.syncer.last.Fingerprint) {
		t.Fatal("admitting does not ask to compare the fingerprint")
	}
	test.Tap(findButton(t, confirm, "Ja"))
	first.waitSync()
	test.Tap(findButton(t, d, "Erneut nachsehen"))
	u.waitSync()
	if u.current != 0 {
		t.Fatal("dashboard not shown after joining")
	}
	sums, err := st.Summaries(u.ctx, handbook.EntityPlaybook)
	if err != nil || len(sums) == 0 {
		t.Fatalf("no playbooks after joining: %v", err)
	}
	want, _ := first.st.HandbookID(first.ctx)
	if got, _ := st.HandbookID(u.ctx); got != want {
		t.Fatalf("handbook ID %q, want the folder's %q", got, want)
	}
}

// assertGolden compares the window with testdata/name, rewriting it with -update.
func assertGolden(t *testing.T, u *ui, name string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(filepath.Join("testdata", name), []byte(test.RenderToMarkup(u.win.Canvas())), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	test.AssertRendersToMarkup(t, name, u.win.Canvas())
}

// waitSync waits until no round runs: automatic ones and those a person
// started.
func (u *ui) waitSync() {
	u.syncer.wg.Wait()
	u.tasks.Wait()
}

// A mass deletion from another laptop is held; the window asks, and
// keeping the records brings them back on that laptop too.
func TestHeldDeletionAskedInGUI(t *testing.T) {
	ctx := context.Background()
	u := newTestUI(t)
	folder := t.TempDir()
	guiSync(t, u, folder, true)
	other := openEmptyStore(t)
	syncOther(t, other, folder)
	admitAll(t, u, folder)
	syncOther(t, other, folder)
	contacts, err := store.List[handbook.Contact](ctx, other)
	if err != nil || len(contacts) < 20 {
		t.Fatalf("other laptop has %d contacts (%v)", len(contacts), err)
	}
	for _, c := range contacts {
		if err := other.Delete(ctx, handbook.EntityContact, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	syncOther(t, other, folder)
	u.syncNow(false)
	u.waitSync()
	d := u.dialogTop()
	if d == nil || !hasText(d, "Laptop B würde") {
		t.Fatalf("no question about the held deletion: %v", d)
	}
	if n, _ := store.List[handbook.Contact](ctx, u.st); len(n) != len(contacts) {
		t.Fatalf("%d contacts while held, want %d", len(n), len(contacts))
	}
	test.Tap(findButton(t, d, "Einträge behalten"))
	u.waitSync()
	syncOther(t, other, folder)
	for _, st := range []*store.Store{u.st, other} {
		if n, _ := store.List[handbook.Contact](ctx, st); len(n) != len(contacts) {
			t.Errorf("%d contacts after keeping them, want %d", len(n), len(contacts))
		}
	}
	// Asked once: the next automatic round does not ask again.
	u.syncNow(false)
	u.waitSync()
	if d := u.dialogTop(); d != nil && hasText(d, "Laptop B würde") {
		t.Error("asked again after deciding")
	}
}

// TestSyncDetailsWithThousandsOfStrayFiles: anyone who can write the
// shared folder can fill it with stray files; the sync details list the
// first ones and count the rest instead of a label each.
func TestSyncDetailsWithThousandsOfStrayFiles(t *testing.T) {
	u := newTestUI(t)
	folder := t.TempDir()
	guiSync(t, u, folder, true)
	logDir := filepath.Join(folder, "ernstfall", "log")
	for i := range 2000 {
		if err := os.WriteFile(filepath.Join(logDir, fmt.Sprintf("fremd %04d.txt", i)), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	guiSync(t, u, folder, true)
	if got := len(u.syncer.last.Skipped); got != 2000 {
		t.Fatalf("%d files skipped, want 2000", got)
	}
	u.showSyncDetails()
	d := u.dialogTop()
	if d == nil {
		t.Fatal("no details dialog")
	}
	listed := map[string]bool{}
	for _, s := range texts(d) {
		if strings.HasPrefix(s, "ernstfall/log/fremd") {
			listed[s] = true
		}
	}
	if len(listed) != maxSkipsShown || !hasText(d, "… und 1950 weitere Dateien") {
		t.Errorf("details list %d files, and the rest counted: %v", len(listed), hasText(d, "… und 1950 weitere Dateien"))
	}
}

// TestGapAndRemovalInGUI: a batch of another laptop goes missing from the
// folder; the sync details name it and declare it lost on request. Then
// the member removes that laptop in the team dialog, and the removed
// laptop's next round is refused.
func TestGapAndRemovalInGUI(t *testing.T) {
	ctx := context.Background()
	u := newTestUI(t)
	folder := t.TempDir()
	guiSync(t, u, folder, true)
	other := openEmptyStore(t)
	if rep := syncOther(t, other, folder); !rep.Pending {
		t.Fatal("the other laptop is not pending")
	}
	admitAll(t, u, folder)
	syncOther(t, other, folder)
	for i := range 3 {
		c := handbook.Contact{Name: fmt.Sprintf("Von B %d", i), PhoneMobile: "+49 170 1234567"}
		if err := store.Put(ctx, other, &c); err != nil {
			t.Fatal(err)
		}
		syncOther(t, other, folder)
	}
	batches, err := filepath.Glob(filepath.Join(folder, "ernstfall", "log", other.Device(), "*.batch"))
	if err != nil || len(batches) < 3 {
		t.Fatalf("batches of B: %v, %v", batches, err)
	}
	slices.Sort(batches)
	if err := os.Remove(batches[len(batches)-2]); err != nil {
		t.Fatal(err)
	}
	guiSync(t, u, folder, true)
	if len(u.syncer.last.Gaps) != 1 || u.syncer.status.Text != "Synchronisiert 09:00 · Stapel fehlen" {
		t.Fatalf("gap not reported: %+v, status %q", u.syncer.last.Gaps, u.syncer.status.Text)
	}
	u.showSyncDetails()
	details := u.dialogTop()
	if details == nil || !hasText(details, "Ein Stapel von Laptop B fehlt im gemeinsamen Ordner") {
		t.Fatalf("the details do not name the laptop whose batch is missing: %q", texts(details))
	}
	test.Tap(findButton(t, details, "Für verloren erklären"))
	test.Tap(findButton(t, u.dialogTop(), "Ja"))
	u.waitSync()
	if len(u.syncer.last.Gaps) != 0 {
		t.Fatalf("still reported after declaring it lost: %+v", u.syncer.last.Gaps)
	}

	u.showTeam()
	u.waitSync()
	team := u.dialogTop()
	if team == nil || !hasText(team, "Laptop B") {
		t.Fatal("team dialog does not list the other laptop")
	}
	test.Tap(findButton(t, team, "Entfernen"))
	confirm := u.dialogTop()
	if confirm == nil || !hasText(confirm, "Laptop B") {
		t.Fatal("removing does not ask first")
	}
	test.Tap(findButton(t, confirm, "Ja"))
	u.waitSync()
	if !hasText(team, "Laptop B — Entfernt") {
		t.Errorf("team dialog after removing: %q", texts(team))
	}
	_, err = new(foldersync.Engine).Run(ctx, other, foldersync.Options{Folder: folder, Now: func() time.Time { return testNow }})
	if !errors.Is(err, foldersync.ErrRemoved) {
		t.Errorf("the removed laptop's round: %v, want ErrRemoved", err)
	}
}

// The team's settings of the shared folder are edited in the sync card:
// the horizon and the compaction threshold, checked before they are
// saved, and kept apart from the other settings cards.
func TestFolderSettings(t *testing.T) {
	u := newTestUI(t)
	u.nav.Select(u.screenIndex(t, "settings"))
	var days, files *formEntry
	walk(u.body, func(o fyne.CanvasObject) {
		if e, ok := o.(*formEntry); ok {
			switch e.Text {
			case "90":
				days = e
			case "1000":
				files = e
			}
		}
	})
	if days == nil || files == nil || !hasText(u.body, "Ein Laptop gilt als inaktiv nach so vielen Tagen ohne Synchronisation") {
		t.Fatalf("no horizon and threshold with their defaults: %q", texts(u.body))
	}
	save := findButton(t, u.body, "Diese Einstellungen speichern")
	days.SetText("3")
	test.Tap(save)
	if !hasText(u.body, "muss zwischen 7 und 3650 Tagen liegen (ist 3); kürzer, und Laptops im Urlaub müssten beim Sicherungsstand neu beginnen") {
		t.Fatalf("3 days accepted or not named: %q", texts(u.body))
	}
	days.SetText("zwei")
	test.Tap(save)
	if st, err := u.st.Settings(u.ctx); err != nil || st.SyncInactiveDays != 0 {
		t.Fatalf("a word saved as days: %+v, %v", st, err)
	}
	days.SetText("30")
	files.SetText("5000")
	test.Tap(save)
	st, err := u.st.Settings(u.ctx)
	if err != nil || st.SyncInactiveDays != 30 || st.SyncCompactAfter != 5000 || st.Organisation == "" {
		t.Fatalf("settings after save: %+v, %v", st, err)
	}
	if in, n := st.SyncSettings(); in != 30*24*time.Hour || n != 5000 {
		t.Fatalf("sync settings: %v, %d", in, n)
	}
}

// A laptop not seen syncing for longer than the team waits is shown as
// inactive, with its last sync and what that means, and can be retired
// from the team dialog.
func TestInactiveLaptopInTeamDialog(t *testing.T) {
	u := newTestUI(t)
	folder := t.TempDir()
	// A hundred days ago: this laptop founded the team and admitted
	// Laptop B, which synced then for the last time.
	past := testNow.Add(-100 * 24 * time.Hour)
	then := ops.New(u.st, ops.Config{Now: func() time.Time { return past }})
	if err := then.SaveSyncSetup(u.ctx, ops.SyncSetup{Folder: folder, Device: "Laptop A"}); err != nil {
		t.Fatal(err)
	}
	other := openEmptyStore(t)
	round := func(o *ops.Ops) {
		t.Helper()
		if _, err := o.Sync(u.ctx, ops.Sync{Folder: folder}, nil); err != nil {
			t.Fatal(err)
		}
	}
	otherThen := ops.New(other, ops.Config{Now: func() time.Time { return past }})
	round(then)
	if _, err := otherThen.Sync(u.ctx, ops.Sync{Folder: folder, DeviceName: "Laptop B"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := then.Admit(u.ctx, ops.TeamChange{Folder: folder, All: true}); err != nil {
		t.Fatal(err)
	}
	round(then)
	round(otherThen)
	round(then)
	// Today.
	guiSync(t, u, folder, true)
	u.showTeam()
	u.waitSync()
	team := u.dialogTop()
	if team == nil || !hasText(team, "Laptop B — Inaktiv · zuletzt synchronisiert 18.08.2026") ||
		!hasText(team, "Hält das Verdichten des gemeinsamen Ordners nicht mehr auf; kommt er zurück, beginnt er beim Sicherungsstand. Kommt er nicht zurück, entfernen Sie ihn: Der Teamschlüssel wird dabei ersetzt.") {
		t.Fatalf("the team dialog does not show Laptop B inactive: %q", texts(team))
	}
	if hasText(team, "Laptop A (dieser Laptop) — Inaktiv") {
		t.Fatalf("this laptop is shown inactive: %q", texts(team))
	}
	test.Tap(findButton(t, team, "Entfernen"))
	test.Tap(findButton(t, u.dialogTop(), "Ja"))
	u.waitSync()
	if !hasText(team, "Laptop B — Entfernt") {
		t.Fatalf("team dialog after retiring: %q", texts(team))
	}
}
