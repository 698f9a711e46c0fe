package app

import (
	"fmt"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// tabToList presses Tab, from the sidebar or (with from nil) from
// nothing focused, until the keyboard focus is on a keyboard list or
// table other than the sidebar; at most budget presses.
func tabToList(t *testing.T, u *ui, from fyne.Focusable, budget int) fyne.Focusable {
	t.Helper()
	c := u.win.Canvas()
	if from != nil {
		c.Focus(from)
	} else {
		c.Unfocus()
	}
	var seen []string
	for range budget {
		test.FocusNext(c)
		switch f := c.Focused().(type) {
		case *keyList:
			if f != u.nav {
				return f
			}
		case *keyTable:
			return f
		}
		seen = append(seen, fmt.Sprintf("%T", c.Focused()))
	}
	t.Fatalf("%d Tabs reached %q, no keyboard list", budget, seen)
	return nil
}

// tabCycle is every Tab stop once, starting with the focus now.
func tabCycle(t *testing.T, c fyne.Canvas) []fyne.Focusable {
	t.Helper()
	start := c.Focused()
	stops := []fyne.Focusable{start}
	for range 300 {
		test.FocusNext(c)
		if c.Focused() == start {
			return stops
		}
		stops = append(stops, c.Focused())
	}
	t.Fatal("Tab never came back to where it started")
	return nil
}

// markShown is whether the keyboard cursor frame is on display in the
// list or table.
func markShown(t *testing.T, f fyne.Focusable) {
	t.Helper()
	if n := visibleMarks(f.(fyne.CanvasObject)); n == 0 {
		t.Fatal("the list has the keyboard focus but no row is framed")
	}
}

// TestIncidentListByKeyboard: Tab from the sidebar reaches the incident
// list past the start button; the cursor is framed; Enter opens the
// incident under the cursor, Down+Enter the next, End and Home the last
// and the first; the list keeps the focus meanwhile.
func TestIncidentListByKeyboard(t *testing.T) {
	u := newIncidentUI(t)
	for _, title := range []string{"Stromausfall Halle 2", "Phishing-Welle", "Ausfall Telefonanlage"} {
		if _, err := u.ops.StartIncident(u.ctx, ops.StartIncident{Title: title, Severity: handbook.SeverityHigh}); err != nil {
			t.Fatal(err)
		}
	}
	u.showScreen("incidents")
	u.tasks.Wait()
	list := tabToList(t, u, u.nav, 2)
	markShown(t, list)
	c := u.win.Canvas()
	opened := func(keys ...fyne.KeyName) string {
		t.Helper()
		for _, k := range keys {
			press(t, u, k)
		}
		u.tasks.Wait()
		if c.Focused() != list {
			t.Fatalf("after %v the focus is on %T, not the list", keys, c.Focused())
		}
		_, id := u.view.selected()
		return id
	}
	first := opened(fyne.KeyReturn)
	if first == "" {
		t.Fatal("Enter on the first row opened nothing")
	}
	second := opened(fyne.KeyDown, fyne.KeyReturn)
	if second == "" || second == first {
		t.Fatalf("Down and Enter opened %q after %q", second, first)
	}
	last := opened(fyne.KeyEnd, fyne.KeyReturn)
	if last == "" || last == first || last == second {
		t.Fatalf("End and Enter opened %q (first %q, second %q)", last, first, second)
	}
	if top := opened(fyne.KeyHome, fyne.KeyReturn); top != first {
		t.Fatalf("Home and Enter opened %q, want the first %q", top, first)
	}
	inc, err := store.Get[handbook.Incident](u.ctx, u.st, second)
	if err != nil || !hasText(u.body, inc.Title) {
		t.Fatalf("incident %q: %v", second, err)
	}
	// Esc leads back to the screens; Down and Enter there open the next.
	press(t, u, fyne.KeyEscape)
	if c.Focused() != u.nav {
		t.Fatalf("Esc in the incident list moved the focus to %T, not the sidebar", c.Focused())
	}
}

// TestEscapeLeadsToTheSidebar: in a section list, Esc first leaves the
// record on display, then moves the focus to the sidebar; with nothing
// focused, Esc does the same.
func TestEscapeLeadsToTheSidebar(t *testing.T) {
	u := newTestUI(t)
	u.showScreen("playbooks")
	u.tasks.Wait()
	c := u.win.Canvas()
	list := tabToList(t, u, u.nav, 3)
	press(t, u, fyne.KeyReturn)
	if _, id := u.view.selected(); id == "" {
		t.Fatal("Enter opened no playbook")
	}
	press(t, u, fyne.KeyEscape)
	if _, id := u.view.selected(); id != "" || c.Focused() != list {
		t.Fatalf("the first Esc left %q on display and %T focused", id, c.Focused())
	}
	press(t, u, fyne.KeyEscape)
	if c.Focused() != u.nav {
		t.Fatalf("the second Esc focused %T, not the sidebar", c.Focused())
	}
	c.Unfocus()
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Focused() != u.nav {
		t.Fatalf("Esc with nothing focused focused %T, not the sidebar", c.Focused())
	}
}

// TestContactTableTabOnce: a Tab round through the contacts screen stops
// at the table once and at nothing inside it (the column headings sort
// by click and by digit, not by Tab); a digit typed in the table sorts
// by that column.
func TestContactTableTabOnce(t *testing.T) {
	u := newTestUI(t)
	u.showScreen("contacts")
	u.tasks.Wait()
	table := tabToList(t, u, u.nav, 6).(*keyTable)
	c := u.win.Canvas()
	stops := tabCycle(t, c)
	inside := map[fyne.CanvasObject]bool{}
	walk(table, func(o fyne.CanvasObject) { inside[o] = true })
	n := 0
	for _, f := range stops {
		switch {
		case f == table:
			n++
		case inside[f.(fyne.CanvasObject)]:
			t.Errorf("Tab stops at a %T inside the contact table", f)
		}
	}
	if n != 1 {
		t.Fatalf("Tab reaches the contact table %d times in a round of %d stops", n, len(stops))
	}
	t.Logf("a Tab round through the contacts screen: %d stops", len(stops))
	if len(stops) > 20 {
		t.Errorf("a Tab round through the contacts screen takes %d stops", len(stops))
	}
	c.Focus(table)
	table.TypedRune('2')
	if !hasText(u.body, "Mobil ▾") {
		t.Fatalf("2 in the table did not sort by the second column: %q", headerTexts(t, table))
	}
	table.TypedRune('1')
	if !hasText(u.body, "Name ▾") || hasText(u.body, "Mobil ▾") {
		t.Fatal("1 in the table did not sort by name again")
	}
}

// TestDocHistoryByKeyboard: in a document's history the revisions list
// takes the first Tab; Enter picks the revision under the cursor (the
// newest first), End and Home the oldest and the newest; Esc closes.
func TestDocHistoryByKeyboard(t *testing.T) {
	u := newControlUI(t, "Jonas Petersen")
	u.showDocHistory(ransomwareDoc)
	h := u.docHist
	list := tabToList(t, u, nil, 3)
	if list != h.list {
		t.Fatal("Tab reached another list than the revisions")
	}
	markShown(t, list)
	for _, step := range []struct {
		keys []fyne.KeyName
		want int
	}{{[]fyne.KeyName{fyne.KeyReturn}, 3}, {[]fyne.KeyName{fyne.KeyDown, fyne.KeyReturn}, 2},
		{[]fyne.KeyName{fyne.KeyEnd, fyne.KeyReturn}, 1}, {[]fyne.KeyName{fyne.KeyHome, fyne.KeyReturn}, 3}} {
		for _, k := range step.keys {
			press(t, u, k)
		}
		if h.picked != step.want {
			t.Fatalf("%v picked revision %d, want %d", step.keys, h.picked, step.want)
		}
	}
	// Ctrl+Tab shows the releases and reviews, and back.
	menuShortcut(t, u, &desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl})
	if h.tabs.SelectedIndex() != 1 || u.win.Canvas().Focused() != list {
		t.Fatalf("Ctrl+Tab in the history showed tab %d and focused %T", h.tabs.SelectedIndex(), u.win.Canvas().Focused())
	}
	menuShortcut(t, u, &desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift})
	if h.tabs.SelectedIndex() != 0 {
		t.Fatalf("Ctrl+Shift+Tab in the history showed tab %d", h.tabs.SelectedIndex())
	}
	press(t, u, fyne.KeyEscape)
	if u.docHist != nil {
		t.Fatal("Esc in the revisions did not close the history")
	}
}

// TestControlTablesByKeyboard: on the document control screen Tab
// reaches the documents table; Enter chooses the row under the cursor
// and enables its actions.
func TestControlTablesByKeyboard(t *testing.T) {
	u := newControlUI(t, "Jonas Petersen")
	u.showScreen("control")
	u.tasks.Wait()
	table := tabToList(t, u, u.nav, 8)
	markShown(t, table)
	open := findButton(t, u.body, "Öffnen")
	if !open.Disabled() {
		t.Fatal("Öffnen enabled with no document chosen")
	}
	press(t, u, fyne.KeyDown)
	press(t, u, fyne.KeyReturn)
	if open.Disabled() {
		t.Fatal("Down and Enter did not choose a document")
	}
	press(t, u, fyne.KeyEscape)
	if u.win.Canvas().Focused() != u.nav {
		t.Fatalf("Esc in the documents table focused %T, not the sidebar", u.win.Canvas().Focused())
	}
	test.Tap(open)
	if _, id := u.view.selected(); id == "" {
		t.Fatal("Öffnen after the keyboard choice opened nothing")
	}
}

// TestHistoryAndBackupsByKeyboard: Einstellungen → Verlauf and
// Sicherungen: Tab reaches each table, Down+Enter shows the second row,
// End+Enter the last; the restore preview's list of records is a
// keyboard list that Esc closes.
func TestHistoryAndBackupsByKeyboard(t *testing.T) {
	u := newHistoryUI(t)
	for range 2 {
		if _, err := u.st.AutoBackup(u.ctx, store.ReasonSync, 5); err != nil {
			t.Fatal(err)
		}
	}
	u.settingsTab(t, 1)
	h := u.history
	table := tabToList(t, u, u.nav, 16)
	if table != h.table {
		t.Fatal("Tab reached another table than the changes")
	}
	markShown(t, table)
	press(t, u, fyne.KeyDown)
	press(t, u, fyne.KeyReturn)
	if h.sel != 1 {
		t.Fatalf("Down and Enter chose change %d, want 1", h.sel)
	}
	press(t, u, fyne.KeyEnd)
	press(t, u, fyne.KeyReturn)
	if h.sel != len(h.rows)-1 {
		t.Fatalf("End and Enter chose change %d of %d", h.sel, len(h.rows))
	}
	test.Tap(findButton(t, h.detail, "Das ganze Handbuch"))
	u.tasks.Wait()
	dlg := u.dialogTop()
	preview := tabToList(t, u, nil, 3).(*keyList)
	markShown(t, preview)
	if preview.rows() > 1 {
		press(t, u, fyne.KeyDown)
		if preview.cursor != 1 {
			t.Fatalf("Down in the restore preview left the cursor on %d", preview.cursor)
		}
	}
	press(t, u, fyne.KeyEscape)
	if slices.Contains(u.win.Canvas().Overlays().List(), dlg) && dlg.Visible() {
		t.Fatal("Esc in the restore preview did not close it")
	}

	u.settingsTab(t, 2)
	b := u.backups
	if len(b.list) != 2 {
		t.Fatalf("%d backups listed, want 2", len(b.list))
	}
	table = tabToList(t, u, u.nav, 16)
	if table != b.table {
		t.Fatal("Tab reached another table than the backups")
	}
	press(t, u, fyne.KeyDown)
	press(t, u, fyne.KeyReturn)
	if b.sel != 1 || b.restore.Disabled() {
		t.Fatalf("Down and Enter chose backup %d (restore disabled: %v)", b.sel, b.restore.Disabled())
	}
	press(t, u, fyne.KeyEscape)
	if u.win.Canvas().Focused() != u.nav {
		t.Fatalf("Esc in the backups focused %T, not the sidebar", u.win.Canvas().Focused())
	}
}

// linkLists are the keyboard lists of links (findings, coverage) below o.
func linkLists(o fyne.CanvasObject) []*keyList {
	var out []*keyList
	walk(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*keyList); ok && l.HideSeparators && l.Visible() {
			out = append(out, l)
		}
	})
	return out
}

// TestOverviewListsByKeyboard: the business impact table, the findings
// below it and the exercise coverage are keyboard lists: Tab stops at
// each once (not at every link in it), and Enter opens the record in the
// row under the cursor.
func TestOverviewListsByKeyboard(t *testing.T) {
	u := newTestUI(t)
	c := u.win.Canvas()

	u.showScreen("bia")
	u.tasks.Wait()
	table := find(t, u.body, "impact table", func(*keyTable) bool { return true })
	stops := 0
	c.Focus(u.nav)
	for _, f := range tabCycle(t, c) {
		if _, link := f.(*widget.Hyperlink); link {
			t.Errorf("Tab stops at the link %q", f.(*widget.Hyperlink).Text)
		}
		if f == table {
			stops++
		}
	}
	if stops != 1 {
		t.Fatalf("Tab reaches the impact table %d times", stops)
	}
	c.Focus(table)
	markShown(t, table)
	press(t, u, fyne.KeyDown)
	press(t, u, fyne.KeyReturn)
	e, id := u.selection()
	p, err := store.Get[handbook.BusinessProcess](u.ctx, u.st, id)
	if e != handbook.EntityProcess || err != nil {
		t.Fatalf("Down and Enter in the impact table opened %q %q (%v)", e, id, err)
	}
	if !hasText(u.body, p.Name) {
		t.Fatalf("the process %q is not on display", p.Name)
	}

	u.showScreen("bia")
	u.tasks.Wait()
	findings := linkLists(u.body)
	if len(findings) != 1 || findings[0].rows() == 0 {
		t.Fatalf("%d findings lists on the impact analysis, want 1 with rows", len(findings))
	}
	c.Focus(findings[0])
	markShown(t, findings[0])
	press(t, u, fyne.KeyReturn)
	if _, id := u.selection(); id == "" {
		t.Fatal("Enter on a finding opened nothing")
	}

	u.showScreen("exercises")
	u.tasks.Wait()
	cov := linkLists(u.body)
	if len(cov) != 1 || cov[0].rows() < 2 {
		t.Fatalf("%d coverage lists on the exercises screen, want 1 with rows", len(cov))
	}
	c.Focus(cov[0])
	markShown(t, cov[0])
	press(t, u, fyne.KeyDown)
	press(t, u, fyne.KeyReturn)
	if _, id := u.selection(); id == "" {
		t.Fatal("Down and Enter in the exercise coverage opened nothing")
	}
}

// menuShortcut runs the main menu item with that shortcut, as pressing
// the keys does.
func menuShortcut(t *testing.T, u *ui, s fyne.Shortcut) {
	t.Helper()
	for _, m := range u.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == s.ShortcutName() {
				it.Action()
				return
			}
		}
	}
	t.Fatalf("no menu item for %s", s.ShortcutName())
}

// TestTabsByKeyboard: the toolkit's tab headers take no focus, so
// Ctrl+Tab and Ctrl+Shift+Tab switch a screen's tabs, and Tab from the
// sidebar then leads into the tab shown: Einstellungen → Verlauf and
// Sicherungen, whose tables only the mouse could reach before.
func TestTabsByKeyboard(t *testing.T) {
	u := newHistoryUI(t)
	u.showScreen("settings")
	c := u.win.Canvas()
	c.Focus(u.nav)
	next := &desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl}
	prev := &desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}
	menuShortcut(t, u, next)
	u.tasks.Wait()
	if got := u.view.tabs.SelectedIndex(); got != 1 {
		t.Fatalf("Ctrl+Tab showed tab %d, want 1 (Verlauf)", got)
	}
	if c.Focused() != u.nav {
		t.Fatalf("after Ctrl+Tab %T has the focus, not the sidebar", c.Focused())
	}
	if table := tabToList(t, u, u.nav, 8); table != u.history.table {
		t.Fatal("Tab after Ctrl+Tab reached another table than the changes")
	}
	menuShortcut(t, u, prev)
	menuShortcut(t, u, prev)
	u.tasks.Wait()
	if got := u.view.tabs.SelectedIndex(); got != 2 {
		t.Fatalf("Ctrl+Shift+Tab twice from Verlauf showed tab %d, want 2 (Sicherungen)", got)
	}
	if table := tabToList(t, u, u.nav, 8); table != u.backups.table {
		t.Fatal("Tab reached another table than the backups")
	}
	u.showScreen("dashboard")
	menuShortcut(t, u, next) // nothing to switch: no effect, no crash
}

// TestSearchSelectMarksTheMatch: in a field's search the match Enter
// takes is framed as a keyboard cursor row is, and the frame follows
// the arrow keys.
func TestSearchSelectMarksTheMatch(t *testing.T) {
	u := newIncidentUI(t)
	s := newSearchSelect([]option{{"a", "Anna Wolff"}, {"b", "Bernd Wolff"}, {"c", "Carla Wolff"}}, "– niemand –")
	u.win.SetContent(container.NewVBox(s))
	test.Tap(s)
	test.Type(s.search, "wolff")
	if n := visibleMarks(s.list); n != 1 {
		t.Fatalf("%d matches framed, want the first", n)
	}
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if n := visibleMarks(s.list); n != 1 || s.hi != 2 {
		t.Fatalf("after Down Down %d framed, the match taken is %d", n, s.hi)
	}
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Value() != "c" {
		t.Fatalf("Enter took %q, want the framed Carla Wolff", s.Value())
	}
}
