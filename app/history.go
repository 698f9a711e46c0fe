package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
	"ernstfall/internal/textdiff"
)

// historyPage is how many changes the list loads at a time.
const historyPage = 200

// historyValueWidth is how many characters of a value the list shows.
const historyValueWidth = 60

// historyRow is one line of the change list: a change, or a record's
// creation shown as one line.
type historyRow struct {
	c store.FieldChange
	// lead: the first line of its edit; time, laptop and record are shown
	// only there.
	lead    bool
	created bool
}

// historyPane is Einstellungen → Verlauf: every laptop's changes, newest
// first, filterable, and a way back to any point.
type historyPane struct {
	u       *ui
	q       store.HistoryQuery
	changes []store.FieldChange
	rows    []historyRow
	more    bool
	names   map[string]string // laptops by device ID
	labels  map[string]string // records by ID
	devices []string          // the laptop filter's device IDs; "" for all
	kinds   []handbook.Entity // the kind filter's kinds; "" for all
	loaded  bool
	sel     int

	table   *keyTable
	detail  *fyne.Container
	status  *widget.Label
	moreBtn *button
	kind    *widget.Select
	laptop  *widget.Select
	since   *widget.Entry
	only    *button
	at      *widget.Entry
	content fyne.CanvasObject
}

// historyColumns are the change list's columns and widths.
var historyColumns = []struct {
	title string
	width float32
}{{"Time", 158}, {"Laptop", 150}, {"Record", 210}, {"Field", 100}, {"Change", 560}}

func newHistoryPane(u *ui) *historyPane {
	h := &historyPane{u: u, sel: -1}
	h.kinds = append([]handbook.Entity{""}, handbook.Entities...)
	h.kinds = append(h.kinds, store.SettingsEntity)
	kindLabels := []string{lang.L("All records")}
	for _, e := range h.kinds[1:] {
		kindLabels = append(kindLabels, entityName(e))
	}
	h.kind = widget.NewSelect(kindLabels, nil)
	h.kind.SetSelectedIndex(0)
	h.laptop = widget.NewSelect([]string{lang.L("All laptops")}, nil)
	h.laptop.SetSelectedIndex(0)
	h.since = widget.NewEntry()
	h.since.SetPlaceHolder(lang.L("since (e.g. 30.11.2026 08:00, 24h)"))
	h.since.OnSubmitted = func(string) { h.filter() }
	h.only = newIconButton("", theme.CancelIcon(), func() {
		h.q.ID, h.q.Entity = "", ""
		h.filter()
	})
	h.only.Importance = widget.LowImportance
	h.only.Hide()

	heads, widths := make([]string, len(historyColumns)), make([]float32, len(historyColumns))
	for i, c := range historyColumns {
		heads[i], widths[i] = lang.L(c.title), c.width
	}
	h.table = newTextTable(func() int { return len(h.rows) }, heads, widths,
		func(row, col int) (string, widget.Importance) {
			return h.cell(h.rows[row], col), widget.MediumImportance
		},
		h.select_)
	h.table.onEscape = u.escape
	h.detail = container.NewVBox(widget.NewLabel(lang.L("Choose a change to see it whole and to go back to the state before it.")))
	h.status = widget.NewLabel("")
	h.moreBtn = newIconButton(lang.L("Load older changes"), theme.MoreVerticalIcon(), h.loadMore)
	h.moreBtn.Hide()

	h.at = widget.NewEntry()
	h.at.SetPlaceHolder(lang.L("e.g. 30.11.2026 08:00"))
	h.at.OnSubmitted = func(string) { h.restoreTyped() }
	atBtn := newIconButton(lang.L("Preview restore …"), theme.HistoryIcon(), h.restoreTyped)

	intro := widget.NewLabel(lang.L("Every change of every laptop, newest first. A restore is written as new changes: the other laptops follow, and it can be undone."))
	intro.Wrapping = fyne.TextWrapWord
	filters := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewIcon(theme.SearchIcon()), h.kind, h.laptop),
		h.only, h.since)
	restoreRow := container.NewBorder(nil, nil,
		widget.NewLabelWithStyle(lang.L("Restore the state of"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		atBtn, h.at)
	top := container.NewVBox(intro, restoreRow, widget.NewSeparator(), filters)
	bottom := container.NewVBox(container.NewBorder(nil, nil, nil, h.moreBtn, h.status), widget.NewSeparator(), h.detail)
	split := container.NewVSplit(h.table, container.NewVScroll(bottom))
	split.Offset = 0.6
	h.content = topThenList(container.NewPadded(top), split)
	h.kind.OnChanged = func(string) { h.filter() }
	h.laptop.OnChanged = func(string) { h.filter() }
	return h
}

// cell is the text of one column of a row.
func (h *historyPane) cell(r historyRow, col int) string {
	c := r.c
	switch col {
	case 0:
		if r.lead {
			return c.At().Local().Format(lang.L("2006-01-02 15:04:05"))
		}
	case 1:
		if r.lead {
			return withAuthor(c.Author, h.laptopName(c.Device, c.Local))
		}
	case 2:
		if r.lead {
			return recordText(c.Entity, c.Label)
		}
	case 3:
		switch {
		case r.created:
			return lang.L("(created)")
		case c.Field == "deleted" && string(c.New) == "true":
			return lang.L("(deleted)")
		case c.Field == "deleted":
			return lang.L("(brought back)")
		}
		return fieldLabel(c.Field)
	case 4:
		if r.created || c.Field == "deleted" {
			return ""
		}
		old, new := i18n.ChangeValues(c.Old, c.New, h.labels, historyValueWidth, translate)
		if c.OldUnknown {
			old = "?"
		}
		text := old + " → " + new
		if c.Concurrent {
			text += " ⚠"
		}
		return text
	}
	return ""
}

// withAuthor puts the person who made a change before its laptop.
func withAuthor(author, laptop string) string {
	if author == "" {
		return laptop
	}
	return author + " · " + laptop
}

// laptopName names the laptop of a change for people.
func (h *historyPane) laptopName(device string, local bool) string {
	name := h.names[device]
	switch {
	case local && name == "":
		return lang.L("this laptop")
	case name == "":
		id := device
		if len(id) > 8 {
			id = "…" + id[len(id)-8:]
		}
		return lang.L("device {{.ID}}", map[string]any{"ID": id})
	case local:
		return lang.L("{{.Name}} (this laptop)", map[string]any{"Name": name})
	}
	return name
}

// load reads the newest changes with the filters set; the first time the
// tab is shown and after every commit while it is.
func (h *historyPane) load() {
	h.loaded = true
	var err error
	if h.names, err = h.u.ops.DeviceNames(h.u.ctx); err != nil {
		h.u.loadFailed(err)
		return
	}
	if h.labels, err = h.u.st.Labels(h.u.ctx); err != nil {
		h.u.loadFailed(err)
		return
	}
	h.fillLaptops()
	q := h.q
	q.Before = store.Version{}
	q.Limit = historyPage + 1
	changes, err := h.u.st.History(h.u.ctx, q)
	if err != nil {
		h.u.loadFailed(err)
		return
	}
	h.changes = nil
	h.sel = -1
	h.table.UnselectAll()
	h.take(changes)
	h.table.ScrollToTop()
	h.table.moveCursor(0)
	h.showDetail()
}

// loadMore appends the next page of older changes.
func (h *historyPane) loadMore() {
	if len(h.changes) == 0 {
		return
	}
	q := h.q
	q.Before = h.changes[len(h.changes)-1].Version
	q.Limit = historyPage + 1
	changes, err := h.u.st.History(h.u.ctx, q)
	if err != nil {
		h.u.loadFailed(err)
		return
	}
	h.take(changes)
}

// take adds a page of changes (one more than a page tells whether there
// are older ones) and rebuilds the rows.
func (h *historyPane) take(page []store.FieldChange) {
	h.more = len(page) > historyPage
	if h.more {
		page = page[:historyPage]
	}
	h.changes = append(h.changes, page...)
	h.rows = h.rows[:0]
	for _, e := range store.GroupEdits(h.changes) {
		if e.Created {
			h.rows = append(h.rows, historyRow{c: e.Changes[0], lead: true, created: true})
			continue
		}
		for i, c := range e.Changes {
			h.rows = append(h.rows, historyRow{c: c, lead: i == 0})
		}
	}
	h.table.Refresh()
	switch n := len(h.changes); {
	case n == 0:
		h.status.SetText(lang.L("No changes."))
	case h.more:
		h.status.SetText(lang.L("The newest {{.N}} changes.", map[string]any{"N": n}))
	default:
		h.status.SetText(lang.L("{{.N}} changes.", map[string]any{"N": n}))
	}
	if h.more {
		h.moreBtn.Show()
	} else {
		h.moreBtn.Hide()
	}
}

// fillLaptops offers the laptops known by name in the laptop filter.
func (h *historyPane) fillLaptops() {
	h.devices = []string{""}
	opts := []string{lang.L("All laptops")}
	for id := range h.names {
		h.devices = append(h.devices, id)
	}
	slices.SortFunc(h.devices[1:], func(a, b string) int {
		return strings.Compare(strings.ToLower(h.names[a]), strings.ToLower(h.names[b]))
	})
	sel := 0
	for i, id := range h.devices[1:] {
		opts = append(opts, h.laptopName(id, id == h.u.st.Device()))
		if id == h.q.Device {
			sel = i + 1
		}
	}
	h.laptop.OnChanged = nil
	h.laptop.Options = opts
	h.laptop.SetSelectedIndex(sel)
	h.laptop.OnChanged = func(string) { h.filter() }
}

// filter reads the filters and loads again.
func (h *historyPane) filter() {
	if i := h.kind.SelectedIndex(); i >= 0 && h.q.ID == "" {
		h.q.Entity = h.kinds[i]
	}
	if i := h.laptop.SelectedIndex(); i >= 0 && i < len(h.devices) {
		h.q.Device = h.devices[i]
	}
	h.q.Since = time.Time{}
	if s := strings.TrimSpace(h.since.Text); s != "" {
		t, err := handbook.ParseMoment(s, h.u.now(), time.Local)
		if err != nil {
			dialog.NewInformation(lang.L("Not a time"), lang.L("Write the time as 30.11.2026 08:00, 2026-11-30 08:00, heute 08:00 or 24h."), h.u.win).Show()
			return
		}
		h.q.Since = t
	}
	if h.q.ID != "" {
		h.only.SetText(lang.L("Only {{.Record}}", map[string]any{"Record": recordText(h.q.Entity, h.labels[h.q.ID])}))
		h.only.Show()
		h.kind.Disable()
	} else {
		h.only.Hide()
		h.kind.Enable()
	}
	if h.loaded {
		h.load()
	}
}

// select_ shows one row whole below the list.
func (h *historyPane) select_(row int) {
	h.sel = row
	h.showDetail()
}

func (h *historyPane) showDetail() {
	h.detail.RemoveAll()
	if h.sel < 0 || h.sel >= len(h.rows) {
		h.detail.Add(widget.NewLabel(lang.L("Choose a change to see it whole and to go back to the state before it.")))
		return
	}
	r := h.rows[h.sel]
	c := r.c
	what := fieldLabel(c.Field)
	if r.created {
		what = lang.L("(created)")
	}
	h.detail.Add(widget.NewLabelWithStyle(fmt.Sprintf("%s · %s · %s · %s", recordText(c.Entity, c.Label), what,
		c.At().Local().Format(lang.L("2006-01-02 15:04:05")), withAuthor(c.Author, h.laptopName(c.Device, c.Local))), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	before := c.At().Add(-time.Millisecond)
	one := newIconButton(lang.L("This record"), theme.HistoryIcon(), func() {
		h.u.restore(ops.Restore{AsOf: before, Entity: c.Entity, ID: c.ID})
	})
	one.Importance = widget.HighImportance
	all := newIconButton(lang.L("The whole handbook"), theme.HistoryIcon(), func() {
		h.u.restore(ops.Restore{AsOf: before})
	})
	h.detail.Add(container.NewHBox(widget.NewLabel(lang.L("Back to the state before this change:")), one, all))
	buttons := container.NewHBox()
	if h.q.ID == "" {
		e, id := c.Entity, c.ID
		buttons.Add(newIconButton(lang.L("Show only this record"), theme.SearchIcon(), func() {
			h.q.Entity, h.q.ID = e, id
			h.filter()
		}))
	}
	if c.Entity != store.SettingsEntity && !c.Gone {
		e, id := c.Entity, c.ID
		buttons.Add(newIconButton(lang.L("Open record"), theme.NavigateNextIcon(), func() { h.u.open(e, id) }))
	}
	if len(buttons.Objects) > 0 {
		h.detail.Add(buttons)
	}
	if c.Concurrent {
		warn := widget.NewLabel("⚠ " + lang.L("Made at the same time as another change of this field on another laptop, without seeing it. The value that lost waits under Conflicts until someone decides."))
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.WarningImportance
		h.detail.Add(warn)
	}
	if !r.created && c.Field != "deleted" {
		if long := i18n.ValueText(c.New, h.labels, 0, translate); strings.Contains(long, "\n") || len([]rune(long)) > historyValueWidth {
			// A long text: first the words around the change, then both whole.
			o, n := i18n.ChangeValues(c.Old, c.New, h.labels, 140, translate)
			h.detail.Add(valueBox(lang.L("Change"), o+"\n→ "+n, false))
		}
		old := i18n.ValueText(c.Old, h.labels, 0, translate)
		if c.OldUnknown {
			old = lang.L("(not known on this laptop)")
		}
		h.detail.Add(valueBox(lang.L("Before"), old, true))
		h.detail.Add(valueBox(lang.L("After"), i18n.ValueText(c.New, h.labels, 0, translate), true))
	}
}

// restoreTyped previews a restore to the time typed.
func (h *historyPane) restoreTyped() {
	t, err := handbook.ParseMoment(h.at.Text, h.u.now(), time.Local)
	if err != nil {
		dialog.NewInformation(lang.L("Not a time"), lang.L("Write the time as 30.11.2026 08:00, 2026-11-30 08:00, heute 08:00 or 24h."), h.u.win).Show()
		return
	}
	h.u.restore(ops.Restore{AsOf: t})
}

// valueBox shows a value beside a caption; a whole text of several lines
// (Markdown) in a fixed-width font.
func valueBox(caption, value string, whole bool) fyne.CanvasObject {
	l := widget.NewLabel(value)
	l.Wrapping = fyne.TextWrapWord
	l.TextStyle = fyne.TextStyle{Monospace: whole && strings.Contains(value, "\n")}
	return container.NewBorder(nil, nil, widget.NewLabelWithStyle(caption, fyne.TextAlignLeading, fyne.TextStyle{Italic: true}), nil, l)
}

// recordText is a record's kind and name, as lists of changes show it.
func recordText(e handbook.Entity, label string) string {
	if e == store.SettingsEntity {
		return lang.L("Handbook settings")
	}
	return fmt.Sprintf("%s „%s“", entityOne(e), textdiff.Shorten(label, 48))
}

// entityOne is the translated name of one record of a kind.
func entityOne(e handbook.Entity) string {
	key, ok := map[handbook.Entity]string{
		handbook.EntityContact:      "Contact",
		handbook.EntityRole:         "Role",
		handbook.EntityEscalation:   "Escalation level",
		handbook.EntityPlaybook:     "Playbook",
		handbook.EntityCommTemplate: "Communication template",
		handbook.EntityService:      "Service",
		handbook.EntityRisk:         "Risk",
		handbook.EntityIncident:     "Incident",
		handbook.EntityLogEntry:     "Log entry",
		handbook.EntityExercise:     "Exercise",
		handbook.EntityAction:       "Action",
		handbook.EntityProcess:      "Business process",
		handbook.EntitySite:         "Site",
		handbook.EntitySupplier:     "Supplier",
		store.SettingsEntity:        "Handbook settings",
	}[e]
	if !ok {
		return string(e)
	}
	return lang.L(key)
}

// restore previews a restore off the UI thread and asks before it runs.
func (u *ui) restore(req ops.Restore) { u.restoreAs(req, "") }

// restoreAs is restore with a headline of its own for the preview.
func (u *ui) restoreAs(req ops.Restore, head string) {
	var plan store.RestorePlan
	u.run(lang.L("Restore"), func(ctx context.Context, p ops.Progress) error {
		var err error
		plan, err = u.ops.PlanRestore(ctx, req, p)
		return err
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
		case err != nil:
			u.opFailed(lang.L("The restore could not be prepared."), lang.L("Nothing was changed. Try again, or choose another point or backup."), err)
		default:
			u.confirmRestore(req, plan, head)
		}
	})
}

// confirmRestore shows, record by record, what a restore changes, and runs
// it once the person confirms.
func (u *ui) confirmRestore(req ops.Restore, plan store.RestorePlan, head string) {
	switch {
	case head != "":
	case req.ID != "":
		labels, err := u.st.Labels(u.ctx)
		if err != nil {
			u.loadFailed(err)
			return
		}
		head = lang.L("{{.Record}} as it was at {{.Time}}", map[string]any{"Record": recordText(req.Entity, labels[req.ID]),
			"Time": req.AsOf.Local().Format(lang.L("2006-01-02 15:04:05"))})
	case req.Backup != "":
		head = lang.L("The handbook as the backup {{.File}} holds it", map[string]any{"File": filepath.Base(req.Backup)})
	default:
		head = lang.L("The handbook as it was at {{.Time}}", map[string]any{"Time": req.AsOf.Local().Format(lang.L("2006-01-02 15:04:05"))})
	}
	if len(plan.Records) == 0 {
		dialog.NewInformation(lang.L("Restore"), head+"\n\n"+lang.L("Nothing to change: the handbook is as it was then."), u.win).Show()
		return
	}
	summary := widget.NewLabel(head + ":\n" + restoreCounts(plan) + ".")
	summary.Wrapping = fyne.TextWrapWord
	notes := container.NewVBox()
	if plan.KeptIncidents+plan.KeptLogEntries > 0 {
		l := widget.NewLabel(lang.L("Incidents and their log stay as they are: {{.Incidents}} incidents and {{.Entries}} log entries made or changed since record what happened.",
			map[string]any{"Incidents": plan.KeptIncidents, "Entries": plan.KeptLogEntries}))
		l.Wrapping = fyne.TextWrapWord
		notes.Add(l)
	}
	after := widget.NewLabel(lang.L("The restore is written as new changes of this laptop: the other laptops follow with the next synchronisation. A backup of the current state is written first, and the restore can be undone."))
	after.Wrapping = fyne.TextWrapWord
	notes.Add(after)
	labels, err := u.st.Labels(u.ctx)
	if err != nil {
		u.loadFailed(err)
		return
	}
	// The records are only read here; the arrow keys move through them.
	var d *dialog.ConfirmDialog
	list := newKeyList(func() int { return len(plan.Records) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(restoreLine(plan.Records[i], labels))
		}, nil)
	list.onEscape = func() { d.Hide() }
	content := container.NewBorder(container.NewVBox(summary), notes, nil, nil, list)
	d = dialog.NewCustomConfirm(lang.L("Restore"), lang.L("Restore"), lang.L("Cancel"), content, func(ok bool) {
		if ok {
			u.runRestore(req)
		}
	}, u.win)
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// restoreCounts says how many records a restore sets back, deletes and
// brings back, leaving out what it does not do.
func restoreCounts(p store.RestorePlan) string {
	changed, deleted, back := p.Count()
	var parts []string
	switch {
	case changed == 1:
		parts = append(parts, lang.L("1 record set back"))
	case changed > 1:
		parts = append(parts, lang.L("{{.N}} records set back", map[string]any{"N": changed}))
	}
	if deleted > 0 {
		parts = append(parts, lang.L("{{.N}} deleted", map[string]any{"N": deleted}))
	}
	if back > 0 {
		parts = append(parts, lang.L("{{.N}} brought back", map[string]any{"N": back}))
	}
	return strings.Join(parts, ", ")
}

// restoreLine says in one line what a restore does to a record.
func restoreLine(r store.RecordRestore, labels map[string]string) string {
	name := recordText(r.Entity, r.Label)
	switch r.Kind {
	case store.RestoreDelete:
		return name + ": " + lang.L("deleted")
	case store.RestoreBringBack:
		name += ": " + lang.L("brought back")
	}
	var parts []string
	for _, f := range r.Fields {
		if f.Field == "deleted" {
			continue
		}
		old, new := i18n.ChangeValues(f.From, f.To, labels, 30, translate)
		parts = append(parts, fmt.Sprintf("%s %s → %s", fieldLabel(f.Field), old, new))
	}
	if len(parts) == 0 {
		return name
	}
	sep := ": "
	if r.Kind == store.RestoreBringBack {
		sep = "; "
	}
	return name + sep + strings.Join(parts, "; ")
}

// runRestore runs a confirmed restore off the UI thread and says what it did.
func (u *ui) runRestore(req ops.Restore) {
	var done ops.Restored
	u.run(lang.L("Restore"), func(ctx context.Context, p ops.Progress) error {
		var err error
		done, err = u.ops.Restore(ctx, req, p)
		return err
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
		case err != nil:
			u.opFailed(lang.L("The restore failed."), lang.L("Nothing was changed. Try again; if it fails again, restart Ernstfall."), err)
		default:
			u.restored(done)
		}
	})
}

// restored says what a restore did and offers to undo it.
func (u *ui) restored(done ops.Restored) {
	msg := widget.NewLabel(lang.L("Done: {{.Counts}}. The other laptops follow with the next synchronisation.", map[string]any{"Counts": restoreCounts(done.RestorePlan)}))
	msg.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(msg)
	if done.Saved != "" {
		l := widget.NewLabel(lang.L("Backup of the state before: {{.File}}", map[string]any{"File": filepath.Base(done.Saved)}))
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	var d dialog.Dialog
	undo := newIconButton(lang.L("Undo the restore …"), theme.ContentUndoIcon(), func() {
		d.Hide()
		u.restoreAs(ops.Restore{AsOf: done.Before}, lang.L("Undo the restore: the handbook as it was just before it"))
	})
	box.Add(container.NewHBox(undo))
	d = dialog.NewCustom(lang.L("Restored"), lang.L("OK"), box, u.win)
	d.Resize(fyne.NewSize(560, 220))
	d.Show()
}
