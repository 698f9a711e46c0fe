package app

import (
	"errors"
	"slices"
	"strconv"
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
)

// form edits one record: each field shows its problem right below itself.
type form struct {
	u      *ui
	box    *fyne.Container
	fields []*field
	// general shows problems that belong to no field on the form.
	general *widget.Label
	// scroll holds the fields; a refused save scrolls to the first problem.
	scroll *container.Scroll
	// page is the scroller the fields hand the wheel: the form's own, or
	// the page of a screen the form is part of.
	page  *scrollPage
	dirty bool
	// asking is the question whether to discard the changes, while shown.
	asking dialog.Dialog
	// put stores the record; it returns the store's error.
	put func() error
	// saved runs after a successful save; cancel after Esc or Cancel.
	saved, cancel func()
}

// field is one labelled input of a form.
type field struct {
	name  string // the JSON name validation reports it under
	label *widget.Label
	input fyne.CanvasObject
	err   *widget.Label
	// apply copies the input into the record; an error is a parse problem.
	apply func() error
	// hint, when set, already says below the input what is wrong with it
	// (a phone number); a refused save then marks the field as bad
	// without saying the same again.
	hint *widget.Label
	bad  bool
}

func newForm(u *ui) *form {
	f := &form{u: u, box: container.NewVBox(), general: widget.NewLabel(""), page: &scrollPage{}}
	f.general.Importance = widget.DangerImportance
	f.general.Wrapping = fyne.TextWrapWord
	f.general.Hide()
	return f
}

// object returns the form with its Save and Cancel buttons.
func (f *form) object(title string) fyne.CanvasObject {
	save := newIconButton(lang.L("Save"), theme.DocumentSaveIcon(), func() { f.save() })
	save.Importance = widget.HighImportance
	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), f.doCancel)
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	bar := container.NewBorder(nil, nil, head, container.NewHBox(cancel, save))
	f.scroll = f.page.wrap(container.NewPadded(f.box))
	return container.NewBorder(container.NewVBox(bar, f.general, widget.NewSeparator()), nil, nil, nil, f.scroll)
}

// focusFirst puts the keyboard focus into the form, on its name or title
// when it has one, else on its first text field: after Ctrl+N or Edit,
// typing goes into the form instead of nowhere.
func (f *form) focusFirst() {
	var first *formEntry
	for _, fl := range f.fields {
		e, ok := fl.input.(*formEntry)
		if c, isBox := fl.input.(*fyne.Container); isBox && len(c.Objects) > 0 {
			e, ok = c.Objects[0].(*formEntry) // a phone field with its hint below
		}
		if !ok || e.Disabled() {
			continue
		}
		if fl.name == "name" || fl.name == "title" {
			first = e
			break
		}
		if first == nil {
			first = e
		}
	}
	if first != nil {
		f.u.win.Canvas().Focus(first)
	}
}

// doCancel leaves the form (Esc or Cancel). With changes it first asks
// whether to throw them away, as leaving through the sidebar does; Esc
// while it asks means "keep editing".
func (f *form) doCancel() {
	if f.asking != nil {
		f.asking.Hide()
		f.asking = nil
		return
	}
	if f.dirty && f.u.editor == f {
		f.asking = f.u.ask(lang.L("Discard changes?"), func() {
			if f.dirty { // discarded; after Save the saved record shows
				f.leave()
			}
		})
		if f.asking != nil {
			f.asking.SetOnClosed(func() { f.asking = nil })
		}
		return
	}
	f.leave()
}

// leave closes the form without saving.
func (f *form) leave() {
	f.u.editor = nil
	if f.cancel != nil {
		f.cancel()
	}
}

func (f *form) changed() { f.dirty = true }

// add lays out a field: label, input, problem.
func (f *form) add(name, label string, input fyne.CanvasObject, apply func() error) *field {
	fl := &field{name: name, input: input, err: widget.NewLabel(""), apply: apply,
		label: widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	fl.err.Importance = widget.DangerImportance
	fl.err.Wrapping = fyne.TextWrapWord
	fl.err.Hide()
	f.fields = append(f.fields, fl)
	f.box.Add(fl.label)
	f.box.Add(input)
	f.box.Add(fl.err)
	return fl
}

func (f *form) entry(multi bool) *formEntry {
	e := newFormEntry(f.doCancel)
	e.page = f.page
	if multi {
		e.MultiLine = true
		e.Wrapping = fyne.TextWrapWord
		e.SetMinRowsVisible(4)
	}
	return e
}

func (f *form) text(name, label string, p *string) *formEntry {
	e := f.entry(false)
	e.SetText(*p)
	e.OnChanged = func(string) { f.changed() }
	f.add(name, label, e, func() error { *p = strings.TrimSpace(e.Text); return nil })
	return e
}

// phone edits a phone number: as it is typed, a line below says what is
// wrong with it, or shows the number as it is dialled from abroad (E.164).
func (f *form) phone(name, label string, p *string) *formEntry {
	e := f.entry(false)
	e.SetText(*p)
	hint := widget.NewLabel("")
	hint.SizeName = theme.SizeNameCaptionText
	hint.Wrapping = fyne.TextWrapWord
	show := func(s string) {
		hint.SetText(phoneHint(s))
		hint.Importance = widget.LowImportance
		if handbook.CheckPhone(s) != nil {
			hint.Importance = widget.DangerImportance
		}
		hint.Refresh()
	}
	show(*p)
	e.OnChanged = func(s string) {
		f.changed()
		show(s)
	}
	fl := f.add(name, label, container.NewVBox(e, hint), func() error { *p = strings.TrimSpace(e.Text); return nil })
	fl.hint = hint
	return e
}

// phoneHint is the line below a phone field: empty for no number, the
// problem for a number that is none, else the E.164 form, or why there is
// none (a short or local number is allowed, but cannot be dialled from
// abroad).
func phoneHint(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var pe *handbook.PhoneError
	if errors.As(handbook.CheckPhone(s), &pe) {
		return "⚠ " + lang.L("This number {{.Problem}}.", map[string]any{"Problem": problemText(handbook.FieldError{Message: pe.Problem})})
	}
	e164, err := handbook.E164(s, "")
	if errors.As(err, &pe) {
		return lang.L("Dialled from abroad: not possible, the number {{.Problem}}.", map[string]any{"Problem": problemText(handbook.FieldError{Message: pe.Problem})})
	}
	return lang.L("International: {{.Number}}", map[string]any{"Number": e164})
}

func (f *form) multiline(name, label string, p *string) *formEntry {
	e := f.entry(true)
	e.SetText(*p)
	e.OnChanged = func(string) { f.changed() }
	f.add(name, label, e, func() error { *p = e.Text; return nil })
	return e
}

// markdown edits Markdown with the rendered preview beside the source.
func (f *form) markdown(name, label string, p *string) *formEntry {
	e := f.entry(true)
	e.SetMinRowsVisible(18)
	e.SetText(*p)
	preview := container.NewStack(renderMarkdown(*p))
	e.OnChanged = func(s string) {
		f.changed()
		preview.Objects = []fyne.CanvasObject{renderMarkdown(s)}
		preview.Refresh()
	}
	split := container.NewHSplit(e, container.NewVScroll(preview))
	f.add(name, label, container.NewGridWrap(fyne.NewSize(760, 420), split), func() error { *p = e.Text; return nil })
	return e
}

func (f *form) number(name, label string, p *int) *formEntry {
	e := f.entry(false)
	if *p != 0 {
		e.SetText(strconv.Itoa(*p))
	}
	e.OnChanged = func(string) { f.changed() }
	f.add(name, label, e, func() error {
		s := strings.TrimSpace(e.Text)
		if s == "" {
			*p = 0
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return errors.New(lang.L("Enter a whole number."))
		}
		*p = n
		return nil
	})
	return e
}

func (f *form) minutes(name, label string, p *handbook.Minutes) *formEntry {
	return f.number(name, label, (*int)(p))
}

// duration edits a duration typed as people say it ("4 Std.", "1 Tag",
// "30 min", "2 weeks"); it shows the value the same way.
func (f *form) duration(name, label string, p *handbook.Minutes) *formEntry {
	e := f.entry(false)
	e.SetPlaceHolder(lang.L("e.g. 4 h, 1 day, 30 min"))
	if *p != 0 {
		e.SetText(span(*p))
	}
	e.OnChanged = func(string) { f.changed() }
	f.add(name, label, e, func() error {
		m, err := handbook.ParseDuration(e.Text)
		if err != nil {
			return errors.New(lang.L("Enter a duration with its unit, such as 4 h, 1 day, 2 weeks or 30 min."))
		}
		*p = m
		return nil
	})
	return e
}

func (f *form) date(name, label string, p *time.Time) *formEntry {
	e := f.entry(false)
	e.SetPlaceHolder(datePlaceHolder())
	e.SetText(day(*p))
	e.OnChanged = func(string) { f.changed() }
	f.add(name, label, e, func() error {
		s := strings.TrimSpace(e.Text)
		if s == "" {
			*p = time.Time{}
			return nil
		}
		d, err := parseDate(s)
		if err != nil {
			return errors.New(lang.L("Enter a date as DD.MM.YYYY."))
		}
		*p = d
		return nil
	})
	return e
}

func (f *form) check(name, label string, p *bool) *widget.Check {
	c := widget.NewCheck(lang.L("yes"), nil)
	c.SetChecked(*p)
	c.OnChanged = func(bool) { f.changed() }
	f.add(name, label, c, func() error { *p = c.Checked; return nil })
	return c
}

// option is a value a choice or a reference list offers, with its label.
type option struct{ value, label string }

// manyOptions is how many options a plain menu offers; more are chosen
// by typing part of the name (a large handbook has 5,000 contacts).
const manyOptions = 30

// choice picks one of opts; "" (none) is offered first. Where the options
// are many it is a search, and the result nil.
func (f *form) choice(name, label string, p *string, opts []option) *widget.Select {
	if len(opts) > manyOptions {
		if *p != "" && !slices.ContainsFunc(opts, func(o option) bool { return o.value == *p }) {
			// A value no option names (a deleted record) stays as it is.
			opts = append(slices.Clone(opts), option{*p, *p})
		}
		s := newSearchSelect(opts, "–")
		s.setValue(*p)
		s.OnChanged = f.changed
		f.add(name, label, s, func() error { *p = s.Value(); return nil })
		return nil
	}
	labels := []string{"–"}
	for _, o := range opts {
		labels = append(labels, o.label)
	}
	s := widget.NewSelect(labels, nil)
	s.SetSelectedIndex(0)
	if i := slices.IndexFunc(opts, func(o option) bool { return o.value == *p }); i >= 0 {
		s.SetSelectedIndex(i + 1)
	} else if *p != "" {
		s.Options = append(s.Options, *p)
		opts = append(opts, option{*p, *p})
		s.SetSelectedIndex(len(s.Options) - 1)
	}
	s.OnChanged = func(string) { f.changed() }
	f.add(name, label, s, func() error {
		*p = ""
		if i := s.SelectedIndex(); i > 0 {
			*p = opts[i-1].value
		}
		return nil
	})
	return s
}

// refs edits an ordered list of references to other records.
func (f *form) refs(name, label string, p *[]string, opts []option) *refList {
	r := newRefList(*p, opts, f.changed)
	f.add(name, label, r, func() error { *p = slices.Clone(r.ids); return nil })
	return r
}

// save applies the inputs and stores the record. Problems appear next to
// their fields; it reports whether the record was saved.
func (f *form) save() bool {
	f.general.Hide()
	ok := true
	for _, fl := range f.fields {
		fl.err.Hide()
		fl.bad = false
		if err := fl.apply(); err != nil {
			f.problem(fl, err.Error())
			ok = false
		}
	}
	if !ok {
		f.refused(nil)
		return false
	}
	err := f.put()
	var verr handbook.ValidationError
	switch {
	case err == nil:
	case errors.As(err, &verr):
		var other []string
		for _, fe := range verr {
			i := slices.IndexFunc(f.fields, func(fl *field) bool { return fl.name == fe.Field })
			if i < 0 {
				other = append(other, fieldLabel(fe.Field)+": "+problemText(fe))
				continue
			}
			f.problem(f.fields[i], problemText(fe))
		}
		f.refused(other)
		return false
	default:
		f.u.saveFailed(err)
		return false
	}
	f.dirty = false
	if f.u.editor == f {
		f.u.editor = nil
	}
	if f.saved != nil {
		f.saved()
	}
	f.u.savedAfterSync(f)
	return true
}

// refused says at the top of the form, which stays in view, that nothing
// was saved and which fields have a problem, with the problems that belong
// to no field; and scrolls to the first field with a problem, so that a
// long form never swallows a refused save below the fold.
func (f *form) refused(other []string) {
	var names []string
	var first *field
	for _, fl := range f.fields {
		if fl.err.Visible() || fl.bad {
			names = append(names, strings.TrimSuffix(fl.label.Text, ":"))
			if first == nil {
				first = fl
			}
		}
	}
	var lines []string
	if len(names) > 0 {
		lines = append(lines, lang.L("Not saved: see the message at {{.Fields}}.", map[string]any{"Fields": strings.Join(names, ", ")}))
	}
	lines = append(lines, other...)
	if len(lines) > 0 {
		f.general.SetText(strings.Join(lines, "\n"))
		f.general.Show()
	}
	if first != nil && f.scroll != nil {
		f.scroll.ScrollToOffset(fyne.NewPos(0, max(0, first.label.Position().Y-theme.Padding())))
	}
}

func (f *form) problem(fl *field, msg string) {
	if fl.hint != nil && fl.hint.Visible() && strings.Contains(fl.hint.Text, msg) {
		fl.bad = true
		return
	}
	if fl.err.Visible() {
		msg = fl.err.Text + "\n" + msg
	}
	fl.err.SetText(msg)
	fl.err.Show()
}

// formEntry is an entry that cancels the edit on Esc. On a scrolled page
// it hands the mouse wheel to the page (wheel.go).
type formEntry struct {
	widget.Entry
	onEscape func()
	// onMove, when set, takes Up and Down (the search field moves through
	// its results with them).
	onMove func(step int)
	// page, when set, is the scroller around the field: it gets the wheel.
	page *scrollPage
	// focused says whether the field has the keyboard focus.
	focused bool
}

// FocusGained notes the focus: a focused multi-line field scrolls its
// own text with the wheel.
func (e *formEntry) FocusGained() {
	e.focused = true
	e.Entry.FocusGained()
}

// FocusLost notes that the focus left.
func (e *formEntry) FocusLost() {
	e.focused = false
	e.Entry.FocusLost()
}

func newFormEntry(onEscape func()) *formEntry {
	e := &formEntry{onEscape: onEscape}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey cancels the edit on Esc and types everything else.
func (e *formEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	if e.onMove != nil && (k.Name == fyne.KeyDown || k.Name == fyne.KeyUp) {
		e.onMove(map[fyne.KeyName]int{fyne.KeyDown: 1, fyne.KeyUp: -1}[k.Name])
		return
	}
	e.Entry.TypedKey(k)
}

// refList is an ordered list of references: the first is the primary
// (for roles: the holder, then the deputies in order).
type refList struct {
	widget.BaseWidget
	ids     []string
	opts    []option
	changed func()
	box     *fyne.Container
	add     *widget.Select
	// search takes add's place where the options are many.
	search *searchSelect
}

func newRefList(ids []string, opts []option, changed func()) *refList {
	r := &refList{ids: slices.Clone(ids), opts: opts, changed: changed, box: container.NewVBox()}
	if len(opts) > manyOptions {
		r.search = newSearchSelect(opts, lang.L("Add …"))
		r.search.OnChanged = func() {
			if i := r.search.Index(); i >= 0 && !slices.Contains(r.ids, opts[i].value) {
				r.ids = append(r.ids, opts[i].value)
				r.edited()
			}
		}
		r.ExtendBaseWidget(r)
		r.rebuild()
		return r
	}
	labels := make([]string, len(opts))
	for i, o := range opts {
		labels[i] = o.label
	}
	r.add = widget.NewSelect(labels, func(s string) {
		i := slices.Index(labels, s)
		if i < 0 || slices.Contains(r.ids, opts[i].value) {
			return
		}
		r.ids = append(r.ids, opts[i].value)
		r.edited()
	})
	r.add.PlaceHolder = lang.L("Add …")
	r.ExtendBaseWidget(r)
	r.rebuild()
	return r
}

func (r *refList) label(id string) string {
	if i := slices.IndexFunc(r.opts, func(o option) bool { return o.value == id }); i >= 0 {
		return r.opts[i].label
	}
	return lang.L("(deleted record)")
}

func (r *refList) edited() {
	r.rebuild()
	if r.changed != nil {
		r.changed()
	}
}

func (r *refList) rebuild() {
	r.box.RemoveAll()
	for i, id := range r.ids {
		up := newIconButton("", theme.MoveUpIcon(), func() {
			r.ids[i-1], r.ids[i] = r.ids[i], r.ids[i-1]
			r.edited()
		})
		if i == 0 {
			up.Disable()
		}
		del := newIconButton("", theme.DeleteIcon(), func() {
			r.ids = slices.Delete(r.ids, i, i+1)
			r.edited()
		})
		r.box.Add(container.NewBorder(nil, nil, widget.NewLabel(strconv.Itoa(i+1)+"."), container.NewHBox(up, del), widget.NewLabel(r.label(id))))
	}
	if r.search != nil {
		r.search.setValue("")
		r.box.Add(r.search)
	} else {
		r.add.ClearSelected()
		r.box.Add(r.add)
	}
	r.box.Refresh()
}

// CreateRenderer shows the rows and the picker.
func (r *refList) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(r.box)
}

// problemText words a validation problem in the user's language: from
// its translation key and values, or, for the fixed sentences without
// one, by the sentence itself; others show as the store wrote them.
func problemText(fe handbook.FieldError) string {
	if fe.Key != "" {
		return i18n.FieldErrorText(fe, tr)
	}
	msg := fe.Message
	switch msg {
	case "must not be empty":
		return lang.L("must not be empty")
	case "must be set":
		return lang.L("must be set")
	case "cannot be reached: add a phone number, an email address or another channel":
		return lang.L("cannot be reached: add a phone number, an email address or another channel")
	case "the service depends on itself":
		return lang.L("the service depends on itself")
	case "contains an empty reference":
		return lang.L("contains an empty reference")
	case handbook.PhoneBadCharacters, handbook.PhonePlusInside, handbook.PhoneFewDigits, handbook.PhoneManyDigits,
		handbook.PhoneNoArea, handbook.PhoneNoCountry, handbook.PhoneLength, handbook.PhoneUnknownCountry:
		return lang.L(msg)
	}
	return msg
}
