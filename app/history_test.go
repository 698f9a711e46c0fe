package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/data"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// newHistoryUI opens the demo handbook with a clock that moves on a
// millisecond at every reading, so that changes have times to go back to.
func newHistoryUI(t *testing.T) *ui {
	t.Helper()
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(v, os.Getenv(v))
	}
	a := test.NewTempApp(t)
	if err := useLanguage("de"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	at := testNow
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		at = at.Add(time.Millisecond)
		return at
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "handbook.db"), store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	hb, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, hb); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	u := newUI(ctx, ops.New(st, ops.Config{Now: now}), a, w, now)
	u.inline = true
	// Background loads end inside the test that started them, so none
	// of them reads the translations while the next test reloads them.
	t.Cleanup(u.tasks.Wait)
	if err := u.start(true); err != nil {
		t.Fatal(err)
	}
	// The dashboard draws once the handbook is read in the background;
	// resizing while it draws races in the toolkit's text cache.
	u.tasks.Wait()
	w.Resize(fyne.NewSize(1200, 800))
	return u
}

// settingsTab shows Einstellungen and the tab with index i.
func (u *ui) settingsTab(t *testing.T, i int) {
	t.Helper()
	u.showScreen("settings")
	tabs, ok := u.view.content.(*container.AppTabs)
	if !ok {
		t.Fatalf("Einstellungen is a %T, want tabs", u.view.content)
	}
	tabs.SelectIndex(i)
	u.tasks.Wait()
}

// rowWith is the first history row whose cells contain every text.
func (h *historyPane) rowWith(t *testing.T, want ...string) int {
	t.Helper()
	for i, r := range h.rows {
		line := strings.Join([]string{h.cell(r, 0), h.cell(r, 1), h.cell(r, 2), h.cell(r, 3), h.cell(r, 4)}, " | ")
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(line, w)
		}
		if ok {
			return i
		}
	}
	var lines []string
	for _, r := range h.rows[:min(len(h.rows), 8)] {
		lines = append(lines, strings.Join([]string{h.cell(r, 0), h.cell(r, 1), h.cell(r, 2), h.cell(r, 3), h.cell(r, 4)}, " | "))
	}
	t.Fatalf("no row with %q among:\n%s", want, strings.Join(lines, "\n"))
	return -1
}

func TestHistoryScreenRestoreAndUndo(t *testing.T) {
	u := newHistoryUI(t)
	u.settingsTab(t, 1)
	h := u.history
	if h == nil || !h.loaded || len(h.rows) == 0 {
		t.Fatal("the Verlauf tab did not load the changes")
	}
	ctx := u.ctx
	found, err := u.st.FindRecords(ctx, handbook.EntityContact, "Dr. Katrin Albers")
	if err != nil || len(found) != 1 {
		t.Fatalf("find contact: %v %v", err, found)
	}
	c, err := store.Get[handbook.Contact](ctx, u.st, found[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	oldPhone := c.PhoneMobile
	after := c
	after.PhoneMobile = "+49 170 0000000"
	if err := ops.Save(ctx, u.ops, &c, &after); err != nil {
		t.Fatal(err)
	}
	if err := u.ops.Delete(ctx, handbook.EntityContact, c.ID); err != nil {
		t.Fatal(err)
	}
	// The list follows the store by itself.
	phoneRow := h.rowWith(t, "Kontakt „Dr. Katrin Albers“", "Mobil", `"`+oldPhone+`" → "+49 170 0000000"`)
	h.rowWith(t, "Kontakt „Dr. Katrin Albers“", "(gelöscht)")

	h.table.Select(widgetCell(phoneRow))
	if !hasText(h.detail, "Vorher") || !hasText(h.detail, oldPhone) || !hasText(h.detail, "+49 170 0000000") {
		t.Fatalf("detail of the change: %q", texts(h.detail))
	}
	test.Tap(findButton(t, h.detail, "Das ganze Handbuch"))
	u.tasks.Wait()
	dlg := u.dialogTop()
	if dlg == nil || !hasText(dlg, "Das Handbuch im Stand vom") || !hasText(dlg, "1 zurückgeholt") {
		t.Fatalf("no preview of the restore: %q", texts(dlg))
	}
	if _, err := store.Get[handbook.Contact](ctx, u.st, c.ID); err == nil {
		t.Fatal("the preview restored already")
	}
	test.Tap(findButton(t, dlg, "Wiederherstellen"))
	u.tasks.Wait()
	back, err := store.Get[handbook.Contact](ctx, u.st, c.ID)
	if err != nil || back.PhoneMobile != oldPhone {
		t.Fatalf("after the restore: %v, phone %q, want %q", err, back.PhoneMobile, oldPhone)
	}
	done := u.dialogTop()
	if !hasText(done, "Erledigt: 1 zurückgeholt") || !hasText(done, "before-restore-") {
		t.Fatalf("restore result: %q", texts(done))
	}

	// Undo, from the result dialog.
	test.Tap(findButton(t, done, "Wiederherstellung rückgängig machen …"))
	u.tasks.Wait()
	dlg = u.dialogTop()
	if !hasText(dlg, "Wiederherstellung rückgängig machen: das Handbuch im Stand kurz davor") {
		t.Fatalf("undo preview: %q", texts(dlg))
	}
	test.Tap(findButton(t, dlg, "Wiederherstellen"))
	u.tasks.Wait()
	if _, err := store.Get[handbook.Contact](ctx, u.st, c.ID); err == nil {
		t.Error("undoing the restore did not delete the contact again")
	}

	// The backups tab lists the two backups written before the restores.
	u.settingsTab(t, 2)
	b := u.backups
	if len(b.list) != 2 || b.list[0].Reason != store.ReasonRestore || b.list[0].Problem != "" {
		t.Fatalf("backups: %+v", b.list)
	}
	if !b.restore.Disabled() {
		t.Error("restore button enabled with no backup chosen")
	}
	b.table.Select(widgetCell(0))
	if b.restore.Disabled() {
		t.Error("restore button disabled for a usable backup")
	}
	if got := backupCell(b.list[0], 1); got != "vor Wiederherstellung" {
		t.Errorf("reason column: %q", got)
	}
}

func TestHistoryScreenFilters(t *testing.T) {
	u := newHistoryUI(t)
	u.settingsTab(t, 1)
	h := u.history
	pbs, err := u.st.FindRecords(u.ctx, handbook.EntityPlaybook, "Ransomware-Angriff")
	if err != nil || len(pbs) != 1 {
		t.Fatalf("find playbook: %v %v", err, pbs)
	}
	if err := u.ops.Delete(u.ctx, handbook.EntityPlaybook, pbs[0].ID); err != nil {
		t.Fatal(err)
	}
	// Only contacts: the playbook's deletion is not listed.
	h.kind.SetSelectedIndex(1 + indexOf(handbook.Entities, handbook.EntityContact))
	for _, r := range h.rows {
		if r.c.Entity != handbook.EntityContact {
			t.Fatalf("kind filter shows %s", r.c.Entity)
		}
	}
	h.kind.SetSelectedIndex(0)
	row := h.rowWith(t, "Playbook „Ransomware-Angriff“", "(gelöscht)")
	h.table.Select(widgetCell(row))
	test.Tap(findButton(t, h.detail, "Nur diesen Eintrag zeigen"))
	for _, r := range h.rows {
		if r.c.ID != pbs[0].ID {
			t.Fatalf("record filter shows %s %s", r.c.Entity, r.c.Label)
		}
	}
	if !h.only.Visible() || !h.kind.Disabled() {
		t.Error("the record filter is not shown as such")
	}
	test.Tap(h.only)
	others := slices.ContainsFunc(h.rows, func(r historyRow) bool { return r.c.ID != pbs[0].ID })
	if h.only.Visible() || !others {
		t.Errorf("record filter not lifted: %d rows, others %v", len(h.rows), others)
	}
	// A time that is not one says so and keeps the list.
	n := len(h.rows)
	h.since.SetText("morgen früh")
	h.since.OnSubmitted(h.since.Text)
	if dlg := u.dialogTop(); dlg == nil || !hasText(dlg, "Keine Zeitangabe") {
		t.Fatalf("no message for a bad time: %q", texts(dlg))
	}
	if len(h.rows) != n {
		t.Error("a bad time changed the list")
	}
}

func indexOf(list []handbook.Entity, e handbook.Entity) int {
	for i, x := range list {
		if x == e {
			return i
		}
	}
	return -1
}

// widgetCell is a table cell of a row.
func widgetCell(row int) widget.TableCellID { return widget.TableCellID{Row: row, Col: 2} }

// "This record" sets back only the chosen record.
func TestHistoryScreenRestoresOneRecord(t *testing.T) {
	u := newHistoryUI(t)
	u.settingsTab(t, 1)
	h := u.history
	ctx := u.ctx
	cs, err := store.List[handbook.Contact](ctx, u.st)
	if err != nil || len(cs) < 2 {
		t.Fatalf("contacts: %v", err)
	}
	for i := range 2 {
		after := cs[i]
		after.Notes = "geändert"
		if err := ops.Save(ctx, u.ops, &cs[i], &after); err != nil {
			t.Fatal(err)
		}
	}
	h.table.Select(widgetCell(h.rowWith(t, "„"+cs[0].Name+"“", "geändert")))
	test.Tap(findButton(t, h.detail, "Diesen Eintrag"))
	u.tasks.Wait()
	dlg := u.dialogTop()
	if !hasText(dlg, "Kontakt „"+cs[0].Name+"“ im Stand vom") || !hasText(dlg, "1 Eintrag zurückgesetzt") {
		t.Fatalf("preview: %q", texts(dlg))
	}
	test.Tap(findButton(t, dlg, "Wiederherstellen"))
	u.tasks.Wait()
	for i, want := range []string{cs[0].Notes, "geändert"} {
		c, err := store.Get[handbook.Contact](ctx, u.st, cs[i].ID)
		if err != nil || c.Notes != want {
			t.Errorf("%s: notes %q, want %q (%v)", cs[i].Name, c.Notes, want, err)
		}
	}
}
