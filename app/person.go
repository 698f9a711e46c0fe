package app

import (
	"cmp"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/person"
)

// prefOldAuthor is where earlier versions kept the name for the log; it
// fills the form the first time the name is asked for.
const prefOldAuthor = "author_name"

// setConfigDir reads who works at this computer from dir.
func (u *ui) setConfigDir(dir string) {
	u.configDir = dir
	defer func() { u.ops.SetAuthor(u.author()) }()
	if dir == "" {
		return
	}
	p, err := person.Load(dir)
	if err != nil {
		u.showError(lang.L("Your name could not be read."), lang.L("Enter it again in the settings."), err)
		return
	}
	u.who = p
}

// author is who the log names for entries made on this computer: the
// name given in the settings, else the operating-system user.
func (u *ui) author() string {
	if u.who.Set() {
		return u.who.Name
	}
	return person.System().Name
}

// initials are the author's initials.
func (u *ui) initials() string {
	if u.who.Set() {
		return u.who.Initials
	}
	return person.System().Initials
}

// savePerson keeps the name and initials for this computer's user.
func (u *ui) savePerson(p person.Person) error {
	p, err := p.Clean()
	if err != nil {
		return err
	}
	if u.configDir != "" {
		if err := person.Save(u.configDir, p); err != nil {
			return err
		}
	}
	u.who = p
	u.ops.SetAuthor(u.author())
	return nil
}

// personForm is the name and initials input of the first start and of the
// settings.
type personForm struct {
	name, initials *formEntry
	problem        *widget.Label
	box            *fyne.Container
}

// page, when not nil, is the scroller around the form.
func newPersonForm(u *ui, page *scrollPage) *personForm {
	f := &personForm{name: page.field(), initials: page.field(), problem: widget.NewLabel("")}
	// Suggested: the name saved before, else the one an earlier version
	// kept, else the system's full name; never the bare login, which a
	// person in a hurry would accept.
	start := u.who
	if !start.Set() {
		start = person.Person{Name: cmp.Or(strings.TrimSpace(u.app.Preferences().String(prefOldAuthor)), person.FullName())}
		start.Initials = person.Initials(start.Name)
	}
	f.name.SetPlaceHolder(lang.L("First and last name"))
	f.name.SetText(start.Name)
	f.initials.SetPlaceHolder(lang.L("e.g. JP"))
	f.initials.SetText(start.Initials)
	autoInitials := start.Initials == "" || start.Initials == person.Initials(start.Name)
	f.name.OnChanged = func(s string) {
		if autoInitials {
			f.initials.SetText(person.Initials(s))
		}
	}
	f.initials.OnChanged = func(s string) { autoInitials = s == "" || s == person.Initials(f.name.Text) }
	f.problem.Importance = widget.DangerImportance
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Hide()
	hint := widget.NewLabel(lang.L("Written next to every log entry, tick and sync made on this computer. It stays on this computer and is not part of the handbook."))
	hint.Wrapping = fyne.TextWrapWord
	f.box = container.NewVBox(widget.NewForm(
		widget.NewFormItem(lang.L("Your name"), f.name),
		widget.NewFormItem(lang.L("Initials"), f.initials),
	), hint, f.problem)
	return f
}

// save stores the input; it reports whether it could.
func (f *personForm) save(u *ui) bool {
	err := u.savePerson(person.Person{Name: f.name.Text, Initials: f.initials.Text})
	switch {
	case errors.Is(err, person.ErrNoName):
		f.problem.SetText(lang.L("Enter your name: the log must say who did what."))
	case err != nil:
		f.problem.SetText(lang.L("Your name could not be saved: {{.Err}}", map[string]any{"Err": err.Error()}))
	default:
		f.problem.Hide()
		return true
	}
	f.problem.Show()
	return false
}

// askPerson asks, at the first start, who works at this computer.
func (u *ui) askPerson() {
	f := newPersonForm(u, nil)
	var d dialog.Dialog
	ok := newIconButton(lang.L("Save"), theme.ConfirmIcon(), func() {
		if f.save(u) {
			d.Hide()
		}
	})
	ok.Importance = widget.HighImportance
	later := newButton(lang.L("Later"), func() { d.Hide() })
	intro := widget.NewLabel(lang.L("Who works at this computer? The incident log names you with every entry."))
	intro.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustomWithoutButtons(lang.L("Your name"), container.NewVBox(intro, f.box, container.NewGridWithColumns(2, later, ok)), u.win)
	d.Resize(fyne.NewSize(520, 300))
	d.Show()
	enterSubmits(u.win.Canvas(), f.box, ok.OnTapped)
}

// personSetting is the name card of the settings screen.
func personSetting(u *ui, page *scrollPage) fyne.CanvasObject {
	f := newPersonForm(u, page)
	saved := widget.NewLabel("")
	btn := newIconButton(lang.L("Save"), theme.DocumentSaveIcon(), func() {
		saved.SetText("")
		if f.save(u) {
			saved.SetText("✓ " + lang.L("Saved."))
		}
	})
	return widget.NewCard(lang.L("My name"), "", container.NewVBox(f.box, container.NewHBox(btn, saved)))
}
