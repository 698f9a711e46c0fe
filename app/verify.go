package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// verifier goes through the stale contacts one by one, oldest first.
type verifier struct {
	u        *ui
	contacts []handbook.Contact
	roles    contactRoles
	at       int
	verified int
	skipped  int
}

// verifyContacts opens the verification round on the contacts screen.
func (u *ui) verifyContacts() {
	all, err := store.List[handbook.Contact](u.ctx, u.st)
	if err != nil {
		u.loadFailed(err)
		return
	}
	roles, err := readContactRoles(u.ctx, u.st, all)
	if err != nil {
		u.loadFailed(err)
		return
	}
	v := &verifier{u: u, contacts: handbook.ToVerify(all, u.now(), handbook.DefaultStaleAfterDays), roles: roles}
	for i, s := range u.screens {
		if s.id == "contacts" && u.current != i {
			u.show(i)
		}
	}
	v.showCurrent()
}

func (v *verifier) set(o fyne.CanvasObject) {
	v.u.body.Objects = []fyne.CanvasObject{o}
	v.u.body.Refresh()
}

func (v *verifier) bar() fyne.CanvasObject {
	export := newIconButton(lang.L("Export checklist …"), theme.DocumentSaveIcon(), func() {
		v.u.saveContacts(lang.L("contacts-to-verify")+".csv", ops.ExportContacts{Format: exchange.FormatCSV, CSV: spreadsheetCSV, StaleDays: handbook.DefaultStaleAfterDays})
	})
	done := newIconButton(lang.L("Done"), theme.NavigateBackIcon(), func() { v.u.guard(func() { v.u.show(v.u.current) }) })
	return container.NewBorder(nil, nil, heading(lang.L("Verify contacts")), container.NewHBox(export, done))
}

func (v *verifier) showCurrent() {
	if v.at >= len(v.contacts) {
		msg := lang.L("All contacts are verified.")
		if len(v.contacts) > 0 {
			msg = lang.L("Done: {{.Verified}} confirmed, {{.Skipped}} skipped.", map[string]any{"Verified": v.verified, "Skipped": v.skipped})
		}
		v.set(container.NewBorder(container.NewVBox(v.bar(), widget.NewSeparator()), nil, nil, nil,
			container.NewCenter(widget.NewLabel("✓ "+msg))))
		return
	}
	c := v.contacts[v.at]
	progress := widget.NewLabel(lang.L("{{.N}} of {{.Total}}", map[string]any{"N": v.at + 1, "Total": len(v.contacts)}))
	name := heading(c.Name)
	hint := widget.NewLabel(lang.L("Call or write to check the details. Confirm when they are right, or edit them."))
	hint.Wrapping = fyne.TextWrapWord
	confirm := newIconButton(lang.L("Confirmed"), theme.ConfirmIcon(), v.confirm)
	confirm.Importance = widget.HighImportance
	edit := newIconButton(lang.L("Edit"), theme.DocumentCreateIcon(), v.edit)
	skip := newIconButton(lang.L("Skip"), theme.MediaSkipNextIcon(), func() {
		v.skipped++
		v.next()
	})
	top := container.NewVBox(v.bar(), container.NewHBox(progress, name), hint, container.NewHBox(confirm, edit, skip), widget.NewSeparator())
	detail := contactDetail(v.u, c, v.roles)
	if box, ok := detail.(*fyne.Container); ok && len(box.Objects) > 1 && c.Stale(v.u.now(), handbook.DefaultStaleAfterDays) {
		// the detail starts with the staleness warning, which names the
		// detail view's button; the hint above says what to do here
		box.Objects = box.Objects[1:]
	}
	v.set(container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewPadded(detail))))
}

func (v *verifier) next() {
	v.at++
	v.showCurrent()
}

// confirm marks the contact verified now, on the stored record.
func (v *verifier) confirm() {
	if _, err := v.u.ops.MarkVerified(v.u.ctx, v.contacts[v.at].ID); err != nil {
		v.u.saveFailed(err)
		return
	}
	v.verified++
	v.next()
}

// edit opens the contact's form; saving it counts as verified, since the
// details were checked and corrected.
func (v *verifier) edit() {
	c, err := store.Get[handbook.Contact](v.u.ctx, v.u.st, v.contacts[v.at].ID)
	if err != nil {
		v.u.loadFailed(err)
		return
	}
	before := c
	f := newForm(v.u)
	contactForm(f, &c)
	f.put = func() error { return v.u.ops.SaveVerified(v.u.ctx, &before, &c) }
	f.saved = func() {
		v.verified++
		v.next()
	}
	f.cancel = v.showCurrent
	v.u.editor = f
	v.set(f.object(lang.L("Edit {{.Noun}}", map[string]any{"Noun": lang.L("contact")})))
}

// staleCard is the dashboard card of stale contacts, with the way to the
// verification round.
func staleCard(u *ui, n int, stale func(i int) fyne.CanvasObject) fyne.CanvasObject {
	if n == 0 {
		return cardOf(lang.L("Stale contacts"), 0, stale, lang.L("All contacts are verified."))
	}
	start := newIconButton(lang.L("Verify contacts"), theme.ConfirmIcon(), func() { u.guard(u.verifyContacts) })
	return cardOf(lang.L("Stale contacts"), n, stale, lang.L("All contacts are verified."), container.NewHBox(start))
}
