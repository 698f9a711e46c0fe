package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// recPtr is the pointer type of a record type.
type recPtr[T any] interface {
	*T
	handbook.Item
}

// section is the list, detail and edit pattern every kind of record shares:
// a filterable list on the left, the selected record or its form on the right.
type section[T any, P recPtr[T]] struct {
	u *ui
	// noun names one record in headings ("Contact").
	noun   string
	blank  func() T
	sub    func(T) string
	detail func(T) fyne.CanvasObject
	edit   func(f *form, p P)
	// overview is shown while no record is selected.
	overview func() fyne.CanvasObject
	// backTo names the overview on the detail's back button ("Restore
	// order"); no button when empty. Esc goes back in any case.
	backTo string
	// makeList replaces the default list (the contact table).
	makeList func() (obj fyne.CanvasObject, refresh func(), sel func(row int))
	// listShare is the part of the width the list takes; a third when 0.
	listShare float64
	// order sorts the records after loading; by label when nil.
	order func([]T)
	// load, when set, reads the records in place of store.List (with
	// what else the list shows: the contacts' roles, an analysis).
	// prepare, run on the UI thread before order, takes what else load
	// read. Every read runs off the UI thread: the list stays as it is,
	// or shows a moving bar before the first read, until they are there.
	load func(ctx context.Context) (items []T, prepare func(), err error)
	// saved, when set, runs after a record was saved from its form.
	saved func(T)
	// save, when set, stores a record from its form instead of ops.Save
	// (records with checks that need the rest of the handbook).
	save func(before, after *T) error
	// follows lists other kinds of record the list and details show
	// values of (derived from them): a change of those redraws too.
	follows []handbook.Entity
	// actions, when set, adds buttons of the record's own beside Edit.
	actions func(T) []fyne.CanvasObject

	items    []T
	shown    []int
	filter   *formEntry
	right    *fyne.Container
	refresh  func()
	selRow   func(row int)
	selected string
	busy     bool

	// list holds a moving bar until the records are read for the first
	// time, then listObj, the list. The list joins the window with its
	// rows, so that it is laid out with them.
	list    *fyne.Container
	listObj fyne.CanvasObject
	// reads counts the reads started: only the latest one shows.
	reads   int
	loading bool
	// then runs once the read under way has shown.
	then []func()
}

func (s *section[T, P]) view() view {
	var zero T
	e := P(&zero).Entity()
	return view{content: s.object(), open: func(_ handbook.Entity, id string) { s.selectID(id) }, create: s.create,
		selected: func() (handbook.Entity, string) { return e, s.selected }, changed: s.changed, back: s.back}
}

// back leaves the record on display for the overview, or the empty pane.
func (s *section[T, P]) back() {
	if s.selected != "" && s.u.editor == nil {
		s.showEmpty()
	}
}

// changed follows the store: the list shows what was committed, and the
// record on display is shown anew, unless it is being edited. A document
// is shown anew too when it was released or reviewed.
func (s *section[T, P]) changed(n []store.Notice) {
	var zero T
	e := P(&zero).Entity()
	if _, isDoc := handbook.DocOf(e, ""); isDoc && touches(n, handbook.EntityRelease, handbook.EntityReview) &&
		s.selected != "" && s.u.editor == nil {
		s.selectID(s.selected)
	}
	own := touches(n, e)
	if !own && !touches(n, s.follows...) {
		return
	}
	s.reload(func() {
		if s.u.editor != nil {
			return
		}
		switch {
		case s.selected == "":
			if !own {
				s.showEmpty()
			}
		case !own || slices.Contains(n, store.Notice{Entity: e, ID: s.selected}):
			s.selectID(s.selected)
		}
	})
}

func (s *section[T, P]) object() fyne.CanvasObject {
	s.filter = newFormEntry(nil)
	s.filter.SetPlaceHolder(lang.L("Filter"))
	s.filter.OnChanged = func(string) { s.applyFilter() }
	// From the filter, Enter opens the first record it leaves and Down
	// goes on into the list, so that a keyboard alone gets from a name
	// typed to the record.
	s.filter.OnSubmitted = func(string) {
		if len(s.shown) > 0 {
			id := P(&s.items[s.shown[0]]).Meta().ID
			s.u.guard(func() { s.selectID(id) })
		}
	}
	s.filter.onMove = func(step int) {
		if f, ok := s.listObj.(fyne.Focusable); ok && step > 0 && len(s.shown) > 0 {
			s.u.win.Canvas().Focus(f)
		}
	}
	newBtn := newIconButton(lang.L("New"), theme.ContentAddIcon(), func() { s.u.guard(s.create) })
	var list fyne.CanvasObject
	if s.makeList != nil {
		list, s.refresh, s.selRow = s.makeList()
	} else {
		list, s.refresh, s.selRow = s.defaultList()
	}
	s.right = container.NewStack()
	s.listObj = list
	s.list = container.NewStack()
	list = s.list
	// The overview may show the records: it is drawn once they are
	// read, unless a record or a form took the pane meanwhile.
	s.setRight(loadingBar())
	s.reload(func() {
		if s.selected == "" && s.u.editor == nil {
			s.showEmpty()
		}
	})
	left := topThenList(container.NewBorder(nil, nil, nil, newBtn, s.filter), list)
	split := container.NewHSplit(left, s.right)
	split.Offset = 0.34
	if s.listShare > 0 {
		split.Offset = s.listShare
	}
	return split
}

func (s *section[T, P]) defaultList() (fyne.CanvasObject, func(), func(int)) {
	l := newKeyList(
		func() int { return len(s.shown) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("")
			sub.Truncation = fyne.TextTruncateEllipsis
			sub.SizeName = theme.SizeNameCaptionText
			return container.NewVBox(title, sub)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			rec := s.items[s.shown[i]]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(P(&rec).Label())
			sub := ""
			if s.sub != nil {
				sub = s.sub(rec)
			}
			box.Objects[1].(*widget.Label).SetText(sub)
		}, s.rowSelected)
	l.onEscape = s.u.escape
	return l, l.Refresh, func(row int) {
		if row < 0 {
			l.UnselectAll()
			return
		}
		l.Select(row)
		l.ScrollTo(row)
	}
}

// rowSelected opens the record in the row the user picked.
func (s *section[T, P]) rowSelected(row int) {
	if s.busy || row >= len(s.shown) {
		return
	}
	rec := s.items[s.shown[row]]
	id := P(&rec).Meta().ID
	if id == s.selected && s.u.editor == nil {
		return
	}
	s.u.guard(func() { s.selectID(id) })
	s.markRow()
}

// markRow selects the row of the record on display, without side effects.
func (s *section[T, P]) markRow() {
	row := slices.IndexFunc(s.shown, func(i int) bool { return P(&s.items[i]).Meta().ID == s.selected })
	s.busy = true
	s.selRow(row)
	s.busy = false
}

// reload reads the records and shows them, then runs then.
func (s *section[T, P]) reload(then ...func()) {
	s.then = append(s.then, then...)
	s.reads++
	if s.u.inline {
		items, prepare, err := s.read(s.u.ctx)
		s.loaded(s.reads, items, prepare, err)
		return
	}
	read := s.reads
	if len(s.list.Objects) == 0 {
		s.list.Objects = []fyne.CanvasObject{container.NewCenter(container.NewGridWrap(fyne.NewSize(240, 40), widget.NewProgressBarInfinite()))}
		s.list.Refresh()
	}
	s.loading = true
	s.u.tasks.Add(1)
	go func() {
		defer s.u.tasks.Done()
		items, prepare, err := s.read(s.u.ctx)
		s.u.do(func() { s.loaded(read, items, prepare, err) })
	}()
}

// read reads the records, through load where the section has it.
func (s *section[T, P]) read(ctx context.Context) ([]T, func(), error) {
	if s.load != nil {
		return s.load(ctx)
	}
	items, err := store.List[T, P](ctx, s.u.st)
	return items, nil, err
}

// loaded shows what a read brought, unless a later read is under way, and
// runs what waited for it.
func (s *section[T, P]) loaded(read int, items []T, prepare func(), err error) {
	if read != s.reads {
		return // a later read shows
	}
	s.loading = false
	if err != nil {
		s.u.loadFailed(err)
	}
	s.show(items, prepare)
	if s.list != nil && (len(s.list.Objects) == 0 || s.list.Objects[0] != s.listObj) {
		s.list.Objects = []fyne.CanvasObject{s.listObj}
		s.list.Refresh()
	}
	then := s.then
	s.then = nil
	for _, f := range then {
		f()
	}
}

// show puts the records read into the list.
func (s *section[T, P]) show(items []T, prepare func()) {
	if prepare != nil {
		prepare()
	}
	s.items = items
	if s.order != nil {
		s.order(s.items)
	} else {
		slices.SortStableFunc(s.items, func(a, b T) int { return handbook.CompareNames(P(&a).Label(), P(&b).Label()) })
	}
	s.applyFilter()
}

func (s *section[T, P]) applyFilter() {
	q := fold(s.filter.Text)
	s.shown = s.shown[:0]
	for i, rec := range s.items {
		text := P(&rec).Label()
		if s.sub != nil {
			text += " " + s.sub(rec)
		}
		if q == "" || strings.Contains(fold(text), q) {
			s.shown = append(s.shown, i)
		}
	}
	s.refresh()
	if s.selected != "" {
		s.markRow()
	}
}

func (s *section[T, P]) find(id string) (T, bool) {
	i := slices.IndexFunc(s.items, func(rec T) bool { return P(&rec).Meta().ID == id })
	if i < 0 {
		var zero T
		return zero, false
	}
	return s.items[i], true
}

func (s *section[T, P]) setRight(o fyne.CanvasObject) {
	s.right.Objects = []fyne.CanvasObject{o}
	s.right.Refresh()
}

func (s *section[T, P]) showEmpty() {
	s.selected = ""
	s.markRow()
	if s.overview != nil {
		s.setRight(s.overview())
		return
	}
	s.setRight(container.NewCenter(widget.NewLabel(lang.L("Choose a record on the left, or create a new one with Ctrl+N."))))
}

// selectID shows the record with that ID, once it is read.
func (s *section[T, P]) selectID(id string) {
	_, ok := s.find(id)
	switch {
	case s.loading:
		// A form opened meanwhile keeps what was typed into it.
		s.then = append(s.then, func() {
			if s.u.editor == nil {
				s.showID(id)
			}
		})
	case ok:
		s.showID(id)
	default:
		s.reload(func() { s.showID(id) })
	}
}

// showID shows the record with that ID among those read, or none.
func (s *section[T, P]) showID(id string) {
	rec, ok := s.find(id)
	if !ok {
		s.showEmpty()
		return
	}
	s.selected = id
	s.markRow()
	s.setRight(s.detailPane(rec))
}

func (s *section[T, P]) detailPane(rec T) fyne.CanvasObject {
	p := P(&rec)
	title := widget.NewLabelWithStyle(p.Label(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Wrapping = fyne.TextWrapWord
	buttons := container.NewHBox()
	if s.backTo != "" {
		back := newIconButton(lang.L(s.backTo), theme.NavigateBackIcon(), s.back)
		back.Importance = widget.LowImportance
		buttons.Add(back)
	}
	e, id := p.Entity(), p.Meta().ID
	if e == handbook.EntityContact {
		buttons.Add(newIconButton(lang.L("Verified today"), theme.ConfirmIcon(), func() {
			_, err := s.u.ops.MarkVerified(s.u.ctx, id)
			s.marked(id, err)
		}))
	}
	doc, isDoc := handbook.DocOf(e, id)
	isDoc = isDoc && doc.Kind != handbook.EntityMatrix
	if ops.Reviewable(e) && !isDoc {
		buttons.Add(newIconButton(lang.L("Reviewed today"), theme.ConfirmIcon(), func() {
			s.marked(id, s.u.ops.MarkReviewed(s.u.ctx, e, id))
		}))
	}
	if s.actions != nil {
		for _, o := range s.actions(rec) {
			buttons.Add(o)
		}
	}
	buttons.Add(newIconButton(lang.L("Edit"), theme.DocumentCreateIcon(), func() { s.editRec(rec, false) }))
	del := newIconButton(lang.L("Delete"), theme.DeleteIcon(), func() { s.remove(rec) })
	del.Importance = widget.DangerImportance
	buttons.Add(del)
	top := container.NewVBox(title, buttons)
	if isDoc {
		top.Add(s.u.docBar(doc))
	}
	top.Add(widget.NewSeparator())
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewPadded(s.detail(rec))))
}

// marked shows the record again after it was marked verified or reviewed
// from the detail view.
func (s *section[T, P]) marked(id string, err error) {
	if err != nil {
		s.u.saveFailed(err)
		return
	}
	s.reload(func() { s.selectID(id) })
}

func (s *section[T, P]) create() {
	s.editRec(s.blank(), true)
}

// editRec opens the form on a copy of rec.
func (s *section[T, P]) editRec(rec T, isNew bool) {
	if s.u.refuseReadOnly() {
		return
	}
	before := clone(rec)
	p := P(&rec)
	f := newForm(s.u)
	s.edit(f, p)
	f.put = func() error {
		var b *T
		if !isNew {
			b = &before
		}
		if s.save != nil {
			return s.save(b, (*T)(p))
		}
		return ops.Save[T, P](s.u.ctx, s.u.ops, b, (*T)(p))
	}
	f.saved = func() {
		if isNew && s.filter != nil && s.filter.Text != "" {
			// A filter typed before would hide the new record.
			s.filter.SetText("")
		}
		s.selectID(p.Meta().ID)
		if s.saved != nil {
			s.saved(*(*T)(p))
		}
	}
	f.cancel = func() {
		if isNew {
			s.showEmpty()
			return
		}
		s.selectID(p.Meta().ID)
	}
	title := lang.L("Edit {{.Noun}}", map[string]any{"Noun": lang.L(s.noun)})
	if isNew {
		title = lang.L("New {{.Noun}}", map[string]any{"Noun": lang.L(s.noun)})
		f.dirty = false
	}
	s.u.editor = f
	s.setRight(f.object(title))
	f.focusFirst()
}

// remove deletes a record and offers to undo it.
func (s *section[T, P]) remove(rec T) {
	if s.u.refuseReadOnly() {
		return
	}
	p := P(&rec)
	e, id := p.Entity(), p.Meta().ID
	withdrawn := s.u.withdrawal(e, id)
	if err := s.u.ops.Delete(s.u.ctx, e, id); err != nil {
		s.u.saveFailed(err)
		return
	}
	s.selected = ""
	s.markRow()
	msg := widget.NewLabel(strings.Join(nonEmpty(lang.L("“{{.Name}}” was deleted.", map[string]any{"Name": p.Label()}), withdrawn), "\n"))
	msg.Wrapping = fyne.TextWrapWord
	if withdrawn != "" {
		msg.Importance = widget.WarningImportance
	}
	undo := newIconButton(lang.L("Undo"), theme.ContentUndoIcon(), func() {
		if err := s.u.ops.Undelete(s.u.ctx, e, id); err != nil {
			s.u.saveFailed(err)
			return
		}
		s.selectID(id)
	})
	box := container.NewVBox(msg)
	if refs := s.danglingAfterDelete(id); len(refs) > 0 {
		// What still names the record would point nowhere: say where, so
		// that it is undone or each reference removed, not left for the
		// next check.
		warn := widget.NewLabel("⚠ " + lang.L("Still named by these records; undo, or remove it there:"))
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		box.Add(warn)
		for i, f := range refs {
			if i == dashboardLimit {
				box.Add(widget.NewLabel(lang.L("… and {{.N}} more", map[string]any{"N": len(refs) - dashboardLimit})))
				break
			}
			link := widget.NewHyperlink(f.Name+" ("+fieldLabel(f.Args[1])+")", nil)
			link.OnTapped = func() { s.u.open(f.Entity, f.ID) }
			box.Add(link)
		}
	}
	box.Add(container.NewHBox(undo))
	// Not centred: a centred box gives wrapping labels no width, and the
	// warnings came out one word a line.
	s.setRight(container.NewPadded(box))
}

// danglingAfterDelete lists the live records that still name the deleted
// record id; nothing when the handbook cannot be read.
func (s *section[T, P]) danglingAfterDelete(id string) []handbook.Finding {
	hb, err := s.u.st.Load(s.u.ctx)
	if err != nil {
		return nil
	}
	return hb.ReferencesTo(id)
}

// props lays out label/value pairs, skipping empty values.
func props(rows ...[2]string) fyne.CanvasObject {
	grid := container.New(layout.NewFormLayout())
	addProps(grid, rows...)
	return grid
}

// addProps adds label/value rows to a form-layout grid, skipping empty values.
func addProps(grid *fyne.Container, rows ...[2]string) {
	for _, r := range rows {
		if strings.TrimSpace(r[1]) == "" {
			continue
		}
		k := widget.NewLabelWithStyle(r[0], fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		v := widget.NewLabel(r[1])
		v.Wrapping = fyne.TextWrapWord
		v.Selectable = true
		grid.Add(k)
		grid.Add(v)
	}
}

// heading is a section title inside a detail view.
func heading(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// fold makes filtering ignore case and umlaut spelling, as search does.
func fold(s string) string { return handbook.Fold(strings.TrimSpace(s)) }

// clone deep-copies a record (its lists included), so that an editor can
// change one copy and keep the other as the version it started from.
func clone[T any](v T) T {
	var out T
	data, err := json.Marshal(v)
	if err != nil || json.Unmarshal(data, &out) != nil {
		return v
	}
	return out
}
