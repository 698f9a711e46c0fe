package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/person"
	"ernstfall/internal/store"
)

// ui is the state of one window: the store it shows, the screen on display
// and the edit in progress, if any.
type ui struct {
	ctx context.Context
	// st is read by the screens; every write goes through ops.
	st      *store.Store
	ops     *ops.Ops
	app     fyne.App
	win     fyne.Window
	now     func() time.Time
	screens []screen
	current int
	view    view
	body    *fyne.Container
	nav     *keyList
	navBusy bool
	// copied is the copy button of the number copied last; it shows a tick.
	copied *button
	search *formEntry
	// found is the search result list on display, nil when none is.
	found *searchState
	// searchGen counts what was typed into the search field and the
	// screens chosen: a search result for an older count is dropped.
	// searchStop cancels the search still running. Both on the UI thread.
	searchGen  uint64
	searchStop func()
	// editor is the open edit form; nil when nothing is being edited.
	editor *form
	// badge counts the running incidents in the toolbar, drillBadge the
	// running drills.
	badge      *button
	drillBadge *button
	syncer     syncer
	// do runs a function on the UI thread: fyne.Do, or a test's queue.
	do func(func())
	// inline has lists that read in the background (the contacts) read in
	// place instead: for tests whose goroutine is the UI thread but that
	// run no queue of UI work, where fyne.Do would run on the reader's
	// goroutine beside the test.
	inline bool
	// tasks counts the operations running off the UI thread.
	tasks sync.WaitGroup
	// preview is the open import preview; nil when none is.
	preview *importPreview
	// history and backups are Einstellungen's Verlauf and Sicherungen
	// tabs while the settings are shown.
	history *historyPane
	backups *backupsPane
	// configDir is where who works at this computer is kept (who); empty
	// keeps it for this session only.
	configDir string
	who       person.Person
	// docHist is the open history of a document, if any: it follows
	// what its dialogs change.
	docHist *docHistory
	// stopOutside stops looking for other programs' commits (set by
	// start).
	stopOutside func()
	// bg counts the goroutines that live as long as the window (the
	// watcher, the tickers, automatic sync); closing is closed when the
	// window closes, and they end then. closed says none of them may
	// touch the window any more.
	bg      sync.WaitGroup
	closing chan struct{}
	closed  atomic.Bool
	endOnce sync.Once
}

// view is what a screen shows and what it can do on request.
type view struct {
	content fyne.CanvasObject
	// open shows one record; nil on screens without records.
	open func(e handbook.Entity, id string)
	// create starts a new record (Ctrl+N); nil where nothing can be created.
	create func()
	// selected tells the record on display; nil on screens without records.
	selected func() (handbook.Entity, string)
	// changed redraws what the commit named by the notices changed; nil
	// on screens that show nothing from the store.
	changed func([]store.Notice)
	// escape goes back one step (Esc) and reports whether there was one;
	// nil on screens without steps.
	escape func() bool
	// tick moves what follows the clock (running times, deadlines)
	// without reading the store; nil on screens where nothing does.
	tick func(now time.Time)
	// back returns from a record to the screen's overview (Esc); nil on
	// screens without records.
	back func()
	// tabs are the screen's tabs, which Ctrl+Tab and Ctrl+Shift+Tab
	// switch (the toolkit's tab headers take no keyboard focus); nil on
	// screens without tabs.
	tabs *container.AppTabs
}

func newUI(ctx context.Context, o *ops.Ops, a fyne.App, w fyne.Window, now func() time.Time) *ui {
	return &ui{ctx: ctx, st: o.Store(), ops: o, app: a, win: w, now: now, screens: screens(), current: -1, do: fyne.Do, closing: make(chan struct{})}
}

// start shows the welcome screen on an empty handbook seen for the first
// time, else the dashboard.
func (u *ui) start(demo bool) error {
	u.win.SetCloseIntercept(func() { u.guard(u.close) })
	unwatch := u.watch()
	u.win.SetOnClosed(func() {
		unwatch()
		u.end()
	})
	if demo || u.st.ReadOnly() {
		u.showMain()
		return nil
	}
	welcome, err := u.needsWelcome()
	if err != nil {
		return err
	}
	if welcome {
		u.win.SetContent(u.welcome())
		return nil
	}
	u.showMain()
	return nil
}

func (u *ui) needsWelcome() (bool, error) {
	seen, err := u.st.Meta(u.ctx, "welcomed")
	if err != nil || seen != "" {
		return false, err
	}
	for _, e := range handbook.Entities {
		sums, err := u.st.Summaries(u.ctx, e)
		if err != nil {
			return false, err
		}
		if len(sums) > 0 {
			return false, nil
		}
	}
	return true, nil
}

func (u *ui) welcome() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(lang.L("Welcome to Ernstfall"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	intro := widget.NewLabel(lang.L("Ernstfall keeps your emergency handbook on this computer: playbooks, contacts, escalation and recovery plans, usable without any network."))
	intro.Wrapping = fyne.TextWrapWord
	intro.Alignment = fyne.TextAlignCenter
	demo := newIconButton(lang.L("Load the demo handbook"), theme.DocumentIcon(), func() { u.loadDemo() })
	demo.Importance = widget.HighImportance
	empty := newIconButton(lang.L("Start empty"), theme.ContentAddIcon(), u.welcomed)
	box := container.NewVBox(title, intro, container.NewGridWithColumns(2, demo, empty), u.joinButton())
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(560, 260), box))
}

// loadDemo fills the empty handbook with the demo, in the background.
func (u *ui) loadDemo() *task {
	return u.run(lang.L("Loading the demo handbook"), func(ctx context.Context, _ ops.Progress) error {
		return u.ops.LoadDemo(ctx)
	}, func(err error) {
		if err != nil {
			u.showError(lang.L("The demo handbook could not be loaded."), lang.L("Start empty instead, or try again after restarting Ernstfall."), err)
			return
		}
		u.welcomed()
	})
}

func (u *ui) welcomed() {
	if err := u.ops.SaveLocal(u.ctx, "welcomed", u.now().UTC().Format(time.RFC3339)); err != nil {
		u.showError(lang.L("Ernstfall could not write to its database."), lang.L("Check that the disk is not full and the file is writable."), err)
		return
	}
	u.showMain()
}

// showMain builds the main window: menu, toolbar with search, sidebar and
// the dashboard.
func (u *ui) showMain() {
	// Esc empties the search field and leaves it.
	u.search = newFormEntry(func() {
		u.search.SetText("")
		u.win.Canvas().Unfocus()
	})
	u.search.onMove = u.moveSearch
	u.search.SetPlaceHolder(lang.L("Search the handbook (Ctrl+K)"))
	u.search.OnSubmitted = func(q string) { u.guard(func() { u.showSearch(q, true) }) }
	u.search.OnChanged = u.searchTyped
	printBtn := newIconButton(lang.L("Print binder"), theme.DocumentPrintIcon(), u.printBinder)
	drills := newDrillBadge(u)
	tools := container.NewHBox(drills, newIncidentBadge(u), u.syncBar(), printBtn)
	if u.st.ReadOnly() {
		tools = container.NewHBox(drills, newIncidentBadge(u), printBtn) // nothing to sync into
	}
	top := container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), tools, u.search)

	// The template row holds the longest name, so that the sidebar is
	// never narrower than its names.
	longest, width := "", float32(0)
	for _, s := range u.screens {
		t := lang.L(s.title)
		if w := fyne.MeasureText(t, theme.TextSize(), fyne.TextStyle{}).Width; w > width {
			longest, width = t, w
		}
	}
	u.nav = newKeyList(
		func() int { return len(u.screens) },
		func() fyne.CanvasObject { return newNavRow(longest) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(u.screens[i].icon)
			text := row.Objects[1].(*canvas.Text)
			text.Text = lang.L(u.screens[i].title)
			text.Color = theme.Color(theme.ColorNameForeground)
			text.Refresh()
		}, func(i widget.ListItemID) {
			if u.navBusy || i == u.current {
				return
			}
			prev := u.current
			u.navBusy = true
			u.nav.Select(prev)
			u.navBusy = false
			u.guard(func() { u.show(i) })
		})
	u.body = container.NewStack()
	split := container.NewHSplit(container.NewThemeOverride(u.nav, compactTheme{u.app.Settings().Theme()}), u.body)
	split.Offset = 0.2
	u.win.SetMainMenu(u.menu())
	u.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			u.escape()
		}
	})
	head := fyne.CanvasObject(container.NewPadded(top))
	if u.st.ReadOnly() {
		banner := widget.NewLabel("🔒 " + lang.L("This handbook is read-only: its file or folder cannot be written (a write-protected stick, a read-only share). You can read, search and print it; changes cannot be saved."))
		banner.Importance = widget.WarningImportance
		banner.Wrapping = fyne.TextWrapWord
		head = container.NewVBox(banner, head)
	}
	u.win.SetContent(container.NewBorder(head, nil, nil, nil, split))
	u.show(0)
}

// newNavRow is a row of the sidebar: an icon and a screen's name, with
// less padding than a label has, so that all eighteen screens are in view
// on a 1366×768 laptop and on a 1024×640 one.
func newNavRow(name string) fyne.CanvasObject {
	text := canvas.NewText(name, theme.Color(theme.ColorNameForeground))
	return container.New(navRowLayout{}, widget.NewIcon(theme.HomeIcon()), text)
}

// navRowLayout places a sidebar row's icon and text with 3 px above and
// below, and the text 8 px after the icon.
type navRowLayout struct{}

const (
	navPad  = 3
	navIcon = 18
)

func (navRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	text := objs[1].MinSize()
	return fyne.NewSize(navPad*2+navIcon+8+text.Width, max(text.Height, navIcon)+navPad*2)
}

func (navRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Resize(fyne.NewSquareSize(navIcon))
	objs[0].Move(fyne.NewPos(navPad*2, (size.Height-navIcon)/2))
	text := objs[1].MinSize()
	objs[1].Resize(fyne.NewSize(size.Width-navPad*2-navIcon-8, text.Height))
	objs[1].Move(fyne.NewPos(navPad*2+navIcon+8, (size.Height-text.Height)/2))
}

// refuseReadOnly tells that a read-only handbook cannot be changed and
// reports whether it did.
func (u *ui) refuseReadOnly() bool {
	if !u.st.ReadOnly() {
		return false
	}
	dialog.ShowInformation(lang.L("Read-only"), lang.L("This handbook is read-only: its file or folder cannot be written. Copy it to a writable folder to change it."), u.win)
	return true
}

func (u *ui) menu() *fyne.MainMenu {
	ctrl := fyne.KeyModifierShortcutDefault
	item := func(label string, key fyne.KeyName, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(lang.L(label), f)
		it.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: ctrl}
		return it
	}
	// Ctrl+Tab switches tabs on every system, as in browsers.
	next := fyne.NewMenuItem(lang.L("Next tab"), func() { u.switchTab(1) })
	next.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl}
	prev := fyne.NewMenuItem(lang.L("Previous tab"), func() { u.switchTab(-1) })
	prev.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}
	return fyne.NewMainMenu(fyne.NewMenu(lang.L("Handbook"),
		item("New record", fyne.KeyN, u.create),
		item("Save", fyne.KeyS, u.save),
		item("Search", fyne.KeyK, u.focusSearch),
		item("Print binder", fyne.KeyP, u.printBinder),
		fyne.NewMenuItemSeparator(),
		next, prev,
	))
}

// switchTab shows the screen's next (step 1) or previous (-1) tab and
// puts the keyboard focus on the sidebar, from where Tab leads into the
// tab shown: the toolkit's tab headers cannot be reached with Tab. In a
// document's history it switches the history's tabs.
func (u *ui) switchTab(step int) {
	t, from := u.view.tabs, fyne.Focusable(u.nav)
	if h := u.docHist; h != nil {
		// A document's history: its tabs, and Tab on from its revisions.
		t, from = h.tabs, h.list
	}
	if t == nil || len(t.Items) < 2 {
		return
	}
	n := len(t.Items)
	t.SelectIndex(((t.SelectedIndex()+step)%n + n) % n)
	u.win.Canvas().Focus(from)
}

// show switches to screen i. Callers guard unsaved edits first.
func (u *ui) show(i int) {
	u.editor = nil
	u.found = nil
	u.searchGen++ // a search still running shows nothing now
	u.current = i
	u.view = u.screens[i].View(u)
	u.body.Objects = []fyne.CanvasObject{u.view.content}
	u.body.Refresh()
	u.navBusy = true
	u.nav.Select(i)
	u.navBusy = false
}

// showScreen switches to the screen with that id.
func (u *ui) showScreen(id string) {
	for i, s := range u.screens {
		if s.id == id {
			u.guard(func() { u.show(i) })
			return
		}
	}
}

// open shows one record on the screen of its kind.
func (u *ui) open(e handbook.Entity, id string) {
	u.guard(func() {
		for i, s := range u.screens {
			for _, se := range s.entities {
				if se != e {
					continue
				}
				u.show(i)
				if u.view.open != nil {
					u.view.open(e, id)
				}
				return
			}
		}
	})
}

func (u *ui) create() {
	if u.refuseReadOnly() {
		return
	}
	if u.view.create != nil {
		u.guard(u.view.create)
	}
}

func (u *ui) save() {
	if u.editor != nil {
		u.editor.save()
	}
}

// escape is Esc where no text field takes it: it leaves the form (asking
// first when there are changes), takes the screen's own step back, or
// goes back from a record to the screen's overview. With nothing to go
// back from, it puts the keyboard focus on the sidebar, so that Esc
// always leads from a list back to the screens.
func (u *ui) escape() {
	_, shown := u.selection()
	switch {
	case u.editor != nil:
		u.editor.doCancel()
	case u.view.escape != nil && u.view.escape():
	case u.view.back != nil && (shown != "" || u.view.selected == nil):
		u.view.back()
	case u.nav != nil:
		u.win.Canvas().Focus(u.nav)
	}
}

func (u *ui) focusSearch() {
	if u.search != nil {
		u.win.Canvas().Focus(u.search)
	}
}

// guard runs next unless an edit with unsaved changes is open; then it asks
// whether to save, discard or stay.
func (u *ui) guard(next func()) {
	u.ask(lang.L("Unsaved changes"), next)
}

// ask is guard with its own title; it returns the dialog when it asks.
func (u *ui) ask(title string, next func()) dialog.Dialog {
	if u.editor == nil || !u.editor.dirty {
		u.editor = nil
		next()
		return nil
	}
	ed := u.editor
	var d dialog.Dialog
	saveBtn := newButton(lang.L("Save"), func() {
		d.Hide()
		if ed.save() {
			next()
		}
	})
	saveBtn.Importance = widget.HighImportance
	discard := newButton(lang.L("Discard changes"), func() {
		d.Hide()
		u.editor = nil
		next()
	})
	discard.Importance = widget.DangerImportance
	stay := newButton(lang.L("Keep editing"), func() { d.Hide() })
	msg := widget.NewLabel(lang.L("You have changed this record without saving. Save the changes before you leave?"))
	msg.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustomWithoutButtons(title,
		container.NewVBox(msg, container.NewGridWithColumns(3, stay, discard, saveBtn)), u.win)
	d.Resize(fyne.NewSize(520, 160))
	d.Show()
	return d
}

func (u *ui) close() {
	size := u.win.Canvas().Size()
	if size.Width > 0 && size.Height > 0 {
		u.app.Preferences().SetFloat(prefWidth, float64(size.Width))
		u.app.Preferences().SetFloat(prefHeight, float64(size.Height))
	}
	u.win.Close()
}

// showError tells what happened and what to do; the technical detail comes
// last, for whoever is asked for help.
func (u *ui) showError(what, todo string, err error) {
	detail := err.Error()
	switch {
	case errors.Is(err, store.ErrNotFound):
		detail = lang.L("The record no longer exists; someone may have deleted it.")
	case errors.Is(err, store.ErrReadOnly):
		detail = lang.L("This handbook is read-only: its file or folder cannot be written. Copy it to a writable folder to change it.")
	case store.IsCorrupt(err):
		detail = damagedText(u.ctx, u.st.Path(), u.st.BackupDir()) + "\n\n" + detail
	}
	msg := widget.NewLabel(fmt.Sprintf("%s\n\n%s\n\n%s %s", what, todo, lang.L("Details:"), detail))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.L("Something went wrong"), lang.L("OK"), msg, u.win)
	d.Resize(fyne.NewSize(520, 240))
	d.Show()
}

// opFailed reports a failed operation: a refusal a person can act on in
// its own words, anything else as what and todo with the detail.
func (u *ui) opFailed(what, todo string, err error) {
	if oe, ok := ops.AsError(err); ok {
		d := dialog.NewInformation(lang.L("Not possible"), oe.Text(translate), u.win)
		d.Show()
		return
	}
	u.showError(what, todo, err)
}

// translate is the catalogs' lookup for texts from lower layers.
func translate(key string, data map[string]any) string { return lang.L(key, data) }

// loadFailed reports an error reading the store.
func (u *ui) loadFailed(err error) {
	u.showError(lang.L("Ernstfall could not read the handbook."), lang.L("Restart Ernstfall. If this happens again, restore the latest backup."), err)
}

// saveFailed reports an error writing to the store.
func (u *ui) saveFailed(err error) {
	u.showError(lang.L("The change could not be saved."), lang.L("Your input is still in the form. Check that the disk is not full, then save again."), err)
}

// damagedText says what to do about a damaged handbook file: the newest
// good backup, and the salvage command.
func damagedText(ctx context.Context, path, backups string) string {
	text := lang.L("The handbook file {{.Path}} is damaged. Save what can still be read: ernstfall --db {{.Path}} salvage -o rescue.json", map[string]any{"Path": path})
	if b, ok := store.NewestGoodBackup(ctx, backups); ok {
		return text + "\n" + lang.L("The newest good backup is {{.Backup}} ({{.Time}}, {{.N}} records): move the damaged file aside, copy the backup to {{.Path}}, then import rescue.json to bring back what changed since.",
			map[string]any{"Backup": b.Path, "Time": b.At.Local().Format(lang.L("2006-01-02 15:04:05")), "N": b.Records, "Path": path})
	}
	return text + "\n" + lang.L("There is no good backup in {{.Dir}}.", map[string]any{"Dir": backups})
}
