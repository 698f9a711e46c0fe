package app

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// controlPane is the document control screen: every document with its
// release and review state, the distribution list of printed copies, the
// approver roles and the audit export.
type controlPane struct {
	u        *ui
	docs     []ops.DocState
	copies   []handbook.CopyStatus
	holders  map[string]string
	titles   map[string]string // document titles by "kind/id"
	docTable *keyTable
	cpTable  *keyTable
	docSel   int
	cpSel    int
	docBtns  []*button
	docWhy   *widget.Label
	cpBtns   []*button
	roles    *widget.Label
	tabs     *container.AppTabs
}

var docColumns = []struct {
	title string
	width float32
}{{"Document", 235}, {"Kind", 155}, {"Version", 60}, {"State", 200}, {"Released", 95}, {"Released by", 150}, {"Next review", 150}}

var copyColumns = []struct {
	title string
	width float32
}{{"No.", 40}, {"Holder", 150}, {"Place", 250}, {"Printed", 95}, {"Version", 90}, {"State", 230}, {"Exchange confirmed", 205}}

func controlView(u *ui) view { return newControlPane(u).view() }

// newControlPane reads the documents and copies and builds the screen.
func newControlPane(u *ui) *controlPane {
	c := &controlPane{u: u, docSel: -1, cpSel: -1}
	c.load()
	c.docTable = c.table(func() int { return len(c.docs) }, len(docColumns),
		func(col int) string { return lang.L(docColumns[col].title) },
		func(row, col int) string { return c.docCell(row, col) },
		func(col int) float32 { return docColumns[col].width },
		func(row int) { c.docSel = row; c.selectDoc() })
	c.cpTable = c.table(func() int { return len(c.copies) }, len(copyColumns),
		func(col int) string { return lang.L(copyColumns[col].title) },
		func(row, col int) string { return c.copyCell(row, col) },
		func(col int) float32 { return copyColumns[col].width },
		func(row int) { c.cpSel = row; setEnabled(c.cpBtns, true) })
	doc := func(f func(handbook.DocRef)) func() {
		return func() {
			if c.docSel >= 0 && c.docSel < len(c.docs) {
				f(c.docs[c.docSel].Doc)
			}
		}
	}
	c.docBtns = []*button{
		newIconButton(lang.L("History …"), theme.HistoryIcon(), doc(u.showDocHistory)),
		newIconButton(lang.L("Release …"), theme.ConfirmIcon(), doc(u.releaseDialog)),
		newIconButton(lang.L("Record review …"), theme.DocumentCreateIcon(), doc(u.reviewDialog)),
		newIconButton(lang.L("Open"), theme.NavigateNextIcon(), doc(func(d handbook.DocRef) {
			if d.Kind == handbook.EntityMatrix {
				u.showScreen("roles")
				return
			}
			u.open(d.Kind, d.ID)
		})),
	}
	setEnabled(c.docBtns, false)
	cp := func(f func(handbook.CopyStatus)) func() {
		return func() {
			if c.cpSel >= 0 && c.cpSel < len(c.copies) {
				f(c.copies[c.cpSel])
			}
		}
	}
	c.cpBtns = []*button{
		newIconButton(lang.L("Confirm exchange …"), theme.ConfirmIcon(), cp(c.confirmExchange)),
		newIconButton(lang.L("Edit …"), theme.DocumentCreateIcon(), cp(func(s handbook.CopyStatus) { c.editCopy(&s.Copy) })),
		newIconButton(lang.L("Remove"), theme.DeleteIcon(), cp(c.removeCopy)),
	}
	setEnabled(c.cpBtns, false)
	add := newIconButton(lang.L("Add copy …"), theme.ContentAddIcon(), func() { c.editCopy(nil) })
	printList := newIconButton(lang.L("Print for the distribution list …"), theme.DocumentPrintIcon(), c.printCopies)
	c.docWhy = widget.NewLabel("")
	c.docWhy.SizeName = theme.SizeNameCaptionText
	c.docWhy.Wrapping = fyne.TextWrapWord
	c.docWhy.Hide()
	// The button rows wrap rather than widen the window (German labels
	// need more than 1,024 pixels in one row).
	docsTab := topThenList(container.NewVBox(container.New(&wrapGrid{}, c.docBtns[0], c.docBtns[1], c.docBtns[2], c.docBtns[3]), c.docWhy), c.docTable)
	cpTab := topThenList(container.New(&wrapGrid{}, add, printList, c.cpBtns[0], c.cpBtns[1], c.cpBtns[2]), c.cpTable)
	c.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Documents"), docsTab),
		container.NewTabItem(lang.L("Distribution list"), cpTab),
	)
	c.roles = widget.NewLabel("")
	c.roles.Wrapping = fyne.TextWrapWord
	c.fillRoles()
	return c
}

// selectDoc enables the actions on the selected document; Release only
// when there is something to release, or the reason beside it.
func (c *controlPane) selectDoc() {
	setEnabled(c.docBtns, true)
	c.docWhy.SetText("")
	c.docWhy.Hide()
	if c.docSel < 0 || c.docSel >= len(c.docs) {
		return
	}
	if why := nothingToRelease(c.docs[c.docSel]); why != "" {
		c.docBtns[1].Disable()
		c.docWhy.SetText(why)
		c.docWhy.Show()
	}
}

func (c *controlPane) view() view {
	top := container.NewVBox(c.roles, container.New(&wrapGrid{},
		newIconButton(lang.L("Approver roles …"), theme.AccountIcon(), c.chooseRoles),
		newIconButton(lang.L("Approver keys …"), theme.LoginIcon(), c.u.approverKeysDialog),
		newIconButton(lang.L("Export audit record …"), theme.DocumentSaveIcon(), c.exportAudit)))
	return view{
		content: topThenList(container.NewVBox(top, widget.NewSeparator()), c.tabs),
		tabs:    c.tabs,
		changed: func([]store.Notice) {
			c.load()
			c.fillRoles()
			if c.docSel >= 0 {
				c.selectDoc()
			}
			c.docTable.Refresh()
			c.cpTable.Refresh()
		},
		open: func(e handbook.Entity, id string) {
			if e == handbook.EntityCopy {
				c.tabs.SelectIndex(1)
				for i, s := range c.copies {
					if s.Copy.ID == id {
						c.cpTable.Select(widget.TableCellID{Row: i, Col: 0})
					}
				}
			}
		},
		create: func() {
			if c.tabs.SelectedIndex() == 1 {
				c.editCopy(nil)
			}
		},
	}
}

func setEnabled(bs []*button, on bool) {
	for _, b := range bs {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// table is a read-only keyboard table with a header row; a cell that
// starts with "⚠" is coloured as a warning.
func (c *controlPane) table(rows func() int, cols int, head func(int) string, cell func(row, col int) string,
	width func(int) float32, selected func(int)) *keyTable {
	heads, widths := make([]string, cols), make([]float32, cols)
	for i := range cols {
		heads[i], widths[i] = head(i), width(i)
	}
	t := newTextTable(rows, heads, widths, func(row, col int) (string, widget.Importance) {
		text := cell(row, col)
		if strings.HasPrefix(text, "⚠") {
			return text, widget.WarningImportance
		}
		return text, widget.MediumImportance
	}, selected)
	t.onEscape = c.u.escape
	return t
}

// load reads the documents' and the copies' state.
func (c *controlPane) load() {
	hb, err := c.u.st.Load(c.u.ctx)
	if err != nil {
		c.u.loadFailed(err)
		return
	}
	live := hb.Live()
	if c.docs, err = c.u.ops.DocStates(c.u.ctx, &live); err != nil {
		c.u.loadFailed(err)
	}
	c.copies = handbook.CopyStatuses(&live, handbook.InForce(&live))
	c.titles = map[string]string{}
	for _, d := range c.docs {
		c.titles[d.Doc.String()] = docTitle(d)
	}
	c.holders = map[string]string{}
	for _, ct := range live.Contacts {
		c.holders[ct.ID] = ct.FullName()
	}
}

func (c *controlPane) docCell(row, col int) string {
	st := c.docs[row]
	in := st.Releases.InForce
	switch col {
	case 0:
		return docTitle(st)
	case 1:
		if st.Doc.Kind == handbook.EntityMatrix {
			return lang.L("Roles")
		}
		return kindName(st.Doc.Kind)
	case 2:
		if in == nil {
			return "–"
		}
		return in.Version()
	case 3:
		switch {
		case st.Withdrawn:
			return "⚠ " + lang.L("deleted, withdrawal not released")
		case len(st.Releases.Concurrent) > 0:
			return "⚠ " + lang.L("released twice at the same time")
		case in == nil:
			return "⚠ " + lang.L("draft, never released")
		case st.Draft:
			return "⚠ " + lang.L("draft since {{.Date}}", map[string]any{"Date": day(st.DraftSince)})
		}
		return lang.L("released")
	case 4:
		if in != nil {
			return day(in.ReleasedAt)
		}
	case 5:
		if in != nil {
			return in.Approver
		}
	case 6:
		if st.NextReview.IsZero() {
			return "⚠ " + lang.L("never reviewed")
		}
		if st.NextReview.Before(c.u.now()) {
			return "⚠ " + day(st.NextReview)
		}
		return day(st.NextReview)
	}
	return ""
}

// kindName is a kind of document in one word.
func kindName(e handbook.Entity) string {
	switch e {
	case handbook.EntityPlaybook:
		return lang.L("Playbook")
	case handbook.EntityService:
		return lang.L("Recovery plan")
	case handbook.EntityCommTemplate:
		return lang.L("Communication template")
	case handbook.EntityProcess:
		return lang.L("Continuity plan")
	}
	return string(e)
}

func (c *controlPane) copyCell(row, col int) string {
	s := c.copies[row]
	switch col {
	case 0:
		return strconv.Itoa(s.Copy.Number)
	case 1:
		return c.holders[s.Copy.Holder]
	case 2:
		return s.Copy.Place
	case 3:
		if s.InPlace != nil {
			return day(s.InPlace.PrintedAt)
		}
		return "–"
	case 4:
		if s.InPlace != nil {
			return s.InPlace.Version
		}
		return "–"
	case 5:
		return copyStateText(s, c.titles)
	case 6:
		switch {
		case s.Pending != nil:
			return "⚠ " + lang.L("new print of {{.Date}} waits for the exchange", map[string]any{"Date": day(s.Pending.PrintedAt)})
		case s.Exchange != nil:
			return s.Exchange.ConfirmedBy + ", " + day(s.Exchange.ConfirmedAt)
		}
	}
	return ""
}

// copyStateText says where a copy stands, "⚠ …" when something is to do;
// an outdated copy names the documents released anew since it was
// printed (titles by "kind/id").
func copyStateText(s handbook.CopyStatus, titles map[string]string) string {
	switch {
	case s.InPlace == nil && s.Pending == nil:
		return "⚠ " + lang.L("never printed")
	case s.Outdated:
		var docs []string
		for _, d := range s.Changed {
			docs = append(docs, cmp.Or(titles[d], lang.L("a deleted document")))
		}
		return "⚠ " + lang.L("outdated: {{.Documents}}", map[string]any{"Documents": strings.Join(docs, ", ")})
	case s.InPlace == nil:
		return "⚠ " + lang.L("printed, not handed over")
	}
	return lang.L("current")
}

// fillRoles says who releases documents.
func (c *controlPane) fillRoles() {
	hb, err := c.u.st.Load(c.u.ctx)
	if err != nil {
		return
	}
	live := hb.Live()
	var parts []string
	for _, r := range handbook.ApproverRoles(&live) {
		var who []string
		for _, a := range handbook.Approvers(&live) {
			if a.Role.ID == r.ID {
				who = append(who, a.Contact.FullName())
			}
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", r.Name, strings.Join(who, ", ")))
	}
	if len(parts) == 0 {
		c.roles.SetText(lang.L("No role releases documents yet: choose the approver roles."))
		c.roles.Importance = widget.WarningImportance
		return
	}
	c.roles.Importance = widget.MediumImportance
	text := lang.L("Released by the holders of: {{.Roles}}", map[string]any{"Roles": strings.Join(parts, "; ")})
	if held := c.u.heldText(); held != "" {
		text += "\n" + held
		c.roles.Importance = widget.DangerImportance
	}
	c.roles.SetText(text)
}

// chooseRoles sets the approver roles.
func (c *controlPane) chooseRoles() {
	u := c.u
	if u.refuseReadOnly() {
		return
	}
	settings, err := u.st.Settings(u.ctx)
	if err != nil {
		u.loadFailed(err)
		return
	}
	roles, err := store.List[handbook.Role](u.ctx, u.st)
	if err != nil {
		u.loadFailed(err)
		return
	}
	hb := handbook.Handbook{Settings: settings, Roles: roles}
	chosen := map[string]bool{}
	for _, r := range handbook.ApproverRoles(&hb) {
		chosen[r.ID] = true
	}
	var names []string
	for _, r := range roles {
		names = append(names, r.Name)
	}
	group := widget.NewCheckGroup(names, nil)
	for _, r := range roles {
		if chosen[r.ID] {
			group.Selected = append(group.Selected, r.Name)
		}
	}
	intro := widget.NewLabel(lang.L("The holders of these roles, primary and deputies, release documents. Without a choice: Krisenstab-Leitung and Geschäftsführung."))
	intro.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.L("Approver roles"), lang.L("Save"), lang.L("Cancel"),
		container.NewBorder(intro, nil, nil, nil, container.NewVScroll(group)), func(ok bool) {
			if !ok {
				return
			}
			settings.ApproverRoles = nil
			for _, r := range roles {
				if slices.Contains(group.Selected, r.Name) {
					settings.ApproverRoles = append(settings.ApproverRoles, r.ID)
				}
			}
			if err := u.ops.SaveSettings(u.ctx, settings); err != nil {
				u.saveFailed(err)
			}
		}, u.win)
	d.Resize(fyne.NewSize(520, 480))
	d.Show()
}

// editCopy adds a copy to the distribution list (c nil) or edits one.
func (c *controlPane) editCopy(cp *handbook.Copy) {
	u := c.u
	if u.refuseReadOnly() {
		return
	}
	_, opts := labels(u, handbook.EntityContact)
	number := widget.NewEntry()
	holderNames := []string{"–"}
	for _, o := range opts {
		holderNames = append(holderNames, o.label)
	}
	holder := widget.NewSelect(holderNames, nil)
	holder.SetSelectedIndex(0)
	place := widget.NewEntry()
	note := widget.NewEntry()
	title := lang.L("Add copy")
	if cp != nil {
		title = lang.L("Copy {{.N}}", map[string]any{"N": cp.Number})
		number.SetText(strconv.Itoa(cp.Number))
		place.SetText(cp.Place)
		note.SetText(cp.Note)
		if i := slices.IndexFunc(opts, func(o option) bool { return o.value == cp.Holder }); i >= 0 {
			holder.SetSelectedIndex(i + 1)
		}
	}
	number.SetPlaceHolder(lang.L("next free number"))
	place.SetPlaceHolder(lang.L("Safe in the managing director's office"))
	number.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err != nil || n < 1 {
			return fmt.Errorf("%s", lang.L("Enter a whole number."))
		}
		return nil
	}
	place.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("%s", lang.L("Say where the copy is kept."))
		}
		return nil
	}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Number"), number),
		widget.NewFormItem(lang.L("Holder"), holder),
		widget.NewFormItem(lang.L("Kept at"), place),
		widget.NewFormItem(lang.L("Note"), note),
	}
	d := dialog.NewForm(title, lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		n, _ := strconv.Atoi(strings.TrimSpace(number.Text))
		h := ""
		if i := holder.SelectedIndex(); i > 0 {
			h = opts[i-1].value
		}
		var err error
		if cp == nil {
			_, err = u.ops.AddCopy(u.ctx, ops.CopyInput{Number: n, Holder: h, Place: place.Text, Note: note.Text})
		} else {
			after := *cp
			after.Number, after.Holder, after.Place, after.Note = n, h, place.Text, note.Text
			err = u.ops.SaveCopy(u.ctx, cp, &after)
		}
		if err != nil {
			u.opFailed(lang.L("The copy was not saved."), lang.L("Nothing was changed."), err)
		}
	}, u.win)
	d.Resize(fyne.NewSize(560, 340))
	d.Show()
}

func (c *controlPane) removeCopy(s handbook.CopyStatus) {
	u := c.u
	if u.refuseReadOnly() {
		return
	}
	dialog.ShowConfirm(lang.L("Remove copy {{.N}}?", map[string]any{"N": s.Copy.Number}),
		lang.L("Take copy {{.N}} ({{.Place}}) off the distribution list? Its printouts and exchanges stay in the audit record.",
			map[string]any{"N": s.Copy.Number, "Place": s.Copy.Place}), func(ok bool) {
			if ok {
				if err := u.ops.RemoveCopy(u.ctx, s.Copy.ID); err != nil {
					u.saveFailed(err)
				}
			}
		}, u.win)
}

// confirmExchange records that a copy's new print is in place.
func (c *controlPane) confirmExchange(s handbook.CopyStatus) {
	u := c.u
	if u.refuseReadOnly() {
		return
	}
	if s.Pending == nil {
		msg := lang.L("Copy {{.N}} has not been printed yet. Print it for the distribution list first.", map[string]any{"N": s.Copy.Number})
		if s.InPlace != nil {
			msg = lang.L("Copy {{.N}} is in place as printed on {{.Date}}. Print it anew before confirming an exchange.",
				map[string]any{"N": s.Copy.Number, "Date": day(s.InPlace.PrintedAt)})
		}
		dialog.ShowInformation(lang.L("Nothing to confirm"), msg, u.win)
		return
	}
	by := widget.NewEntry()
	by.SetText(u.author())
	note := widget.NewEntry()
	note.SetPlaceHolder(lang.L("The old copy was destroyed"))
	intro := widget.NewLabel(lang.L("Copy {{.N}} printed on {{.Date}} is now at {{.Place}}, with {{.Holder}}; the old copy is withdrawn.",
		map[string]any{"N": s.Copy.Number, "Date": day(s.Pending.PrintedAt), "Place": s.Copy.Place, "Holder": c.holders[s.Copy.Holder]}))
	intro.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem("", intro),
		widget.NewFormItem(lang.L("Confirmed by"), by),
		widget.NewFormItem(lang.L("Note"), note),
	}
	d := dialog.NewForm(lang.L("Confirm exchange of copy {{.N}}", map[string]any{"N": s.Copy.Number}), lang.L("Confirm"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		if _, err := u.ops.ConfirmExchange(u.ctx, ops.ConfirmExchange{CopyID: s.Copy.ID, By: by.Text, Note: note.Text}); err != nil {
			u.opFailed(lang.L("The exchange was not confirmed."), lang.L("Nothing was changed."), err)
		}
	}, u.win)
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
}

// printCopies prints copies of the distribution list into a folder.
func (c *controlPane) printCopies() {
	u := c.u
	if len(c.copies) == 0 {
		dialog.ShowInformation(lang.L("Print for the distribution list"), lang.L("The distribution list has no copies yet. Add them first."), u.win)
		return
	}
	which := []string{lang.L("Copies to replace"), lang.L("All copies")}
	if c.cpSel >= 0 && c.cpSel < len(c.copies) {
		which = append(which, lang.L("Copy {{.N}}", map[string]any{"N": c.copies[c.cpSel].Copy.Number}))
	}
	what := widget.NewRadioGroup(which, nil)
	what.SetSelected(which[0])
	language := widget.NewSelect([]string{"Deutsch", "English"}, nil)
	language.SetSelectedIndex(0)
	if chosenLanguage(u.app.Preferences()) == "en" {
		language.SetSelectedIndex(1)
	}
	by := widget.NewEntry()
	by.SetText(u.author())
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Copies"), what),
		widget.NewFormItem(lang.L("Language"), language),
		widget.NewFormItem(lang.L("Printed by"), by),
	}
	d := dialog.NewForm(lang.L("Print for the distribution list"), lang.L("Choose folder …"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		var ids []string
		switch indexIn(which, what.Selected) {
		case 0:
			for _, s := range c.copies {
				if s.NeedsReplacing() {
					ids = append(ids, s.Copy.ID)
				}
			}
			if len(ids) == 0 {
				dialog.ShowInformation(lang.L("Print for the distribution list"), lang.L("No copy is outdated."), u.win)
				return
			}
		case 2:
			ids = []string{c.copies[c.cpSel].Copy.ID}
		}
		opt := binder.Options{Lang: []string{"de", "en"}[language.SelectedIndex()], PrintedBy: by.Text}
		dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
			if err != nil || dir == nil {
				return
			}
			c.writeCopies(dir.Path(), ids, opt)
		}, u.win)
	}, u.win)
	d.Resize(fyne.NewSize(520, 320))
	d.Show()
}

func indexIn(list []string, s string) int { return slices.Index(list, s) }

// writeCopies prints the copies in the background and says what to do
// with them.
func (c *controlPane) writeCopies(dir string, ids []string, opt binder.Options) {
	u := c.u
	var printed []ops.PrintedCopy
	u.run(lang.L("Printing the copies"), func(ctx context.Context, p ops.Progress) error {
		var err error
		printed, err = u.ops.PrintCopies(ctx, ops.PrintCopies{Dir: dir, CopyIDs: ids, Options: opt}, p)
		return err
	}, func(err error) {
		note := ""
		switch {
		case cancelled(err):
			return
		case ops.NotRecorded(err):
			oe, _ := ops.AsError(err)
			note = "\n\n" + oe.Text(translate)
		case err != nil:
			u.opFailed(lang.L("The copies could not be printed."), lang.L("Choose another folder, and check that the disk is not full."), err)
			return
		}
		var files []string
		for _, p := range printed {
			files = append(files, lang.L("Copy {{.N}}: {{.File}}", map[string]any{"N": p.Copy.Number, "File": filepath.Base(p.Path)}))
		}
		msg := strings.Join(files, "\n") + "\n\n" + lang.L("Print the files, hand each copy to its holder, and confirm each exchange here: the outdated copy counts as replaced only then.") + note
		dialog.ShowConfirm(lang.L("Copies printed"), msg+"\n\n"+lang.L("Open the folder now?"), func(open bool) {
			if open {
				_ = u.app.OpenURL(&url.URL{Scheme: "file", Path: dir})
			}
		}, u.win)
	})
}

// exportAudit writes the record of document control of a period.
func (c *controlPane) exportAudit() {
	u := c.u
	from := widget.NewEntry()
	from.SetPlaceHolder(datePlaceHolder())
	from.SetText(time.Date(u.now().Year(), 1, 1, 0, 0, 0, 0, time.Local).Format(lang.L("2006-01-02")))
	to := widget.NewEntry()
	to.SetPlaceHolder(lang.L("today"))
	formats := []string{lang.L("PDF (to print)"), lang.L("CSV (for spreadsheets)")}
	format := widget.NewRadioGroup(formats, nil)
	format.SetSelected(formats[0])
	valid := func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		if _, err := parseDate(s); err != nil {
			return fmt.Errorf("%s", lang.L("Enter a date as DD.MM.YYYY."))
		}
		return nil
	}
	from.Validator, to.Validator = valid, valid
	intro := widget.NewLabel(lang.L("Every release, review, printout and exchange of a printed copy in the period: the proof of document control an auditor asks for (ISO 22301, 7.5.3)."))
	intro.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem("", intro),
		widget.NewFormItem(lang.L("From"), from),
		widget.NewFormItem(lang.L("To"), to),
		widget.NewFormItem(lang.L("Format"), format),
	}
	d := dialog.NewForm(lang.L("Export audit record"), lang.L("Choose file …"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		var start, end time.Time
		if strings.TrimSpace(from.Text) != "" {
			start, _ = parseDate(from.Text)
		}
		if strings.TrimSpace(to.Text) != "" {
			end, _ = parseDate(to.Text)
			end = end.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		ext := ".pdf"
		if format.Selected == formats[1] {
			ext = ".csv"
		}
		save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			path := w.URI().Path()
			w.Close()
			req := ops.ExportAudit{Path: path, From: start, To: end, Options: binder.Options{Lang: chosenLanguage(u.app.Preferences()), PrintedBy: u.author()}}
			if req.Options.Lang != "en" {
				req.Options.Lang = "de"
			}
			var res ops.Audited
			u.run(lang.L("Writing the audit record"), func(ctx context.Context, _ ops.Progress) error {
				var err error
				res, err = u.ops.ExportAudit(ctx, req)
				return err
			}, func(err error) {
				if err != nil {
					discardEmpty(path)
					u.opFailed(lang.L("The audit record could not be written."), lang.L("Choose another folder or file name, and close the file if another program has it open."), err)
					return
				}
				dialog.ShowInformation(lang.L("Audit record written"), lang.L("{{.N}} entries written to {{.File}}.", map[string]any{"N": res.Events, "File": filepath.Base(path)}), u.win)
			})
		}, u.win)
		save.SetFileName(lang.L("audit-record") + ext)
		save.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
		save.Resize(fyne.NewSize(800, 560))
		save.Show()
	}, u.win)
	d.Resize(fyne.NewSize(600, 380))
	d.Show()
}
