package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/atomicfile"
	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// contactTools adds import, export and the verification round above the
// contacts screen.
func contactTools(u *ui, v view) view {
	imp := newIconButton(lang.L("Import …"), theme.DownloadIcon(), func() { u.guard(u.chooseImport) })
	exp := newIconButton(lang.L("Export …"), theme.UploadIcon(), func() { u.guard(u.chooseExport) })
	verify := newIconButton(lang.L("Verify contacts"), theme.ConfirmIcon(), func() { u.guard(u.verifyContacts) })
	v.content = topThenList(container.NewHBox(imp, exp, verify), v.content)
	return v
}

func (u *ui) chooseImport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError(lang.L("The file could not be chosen."), lang.L("Choose another file."), err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		u.importFile(path)
	}, u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".vcf", ".vcard", ".csv"}))
	d.SetTitleText(lang.L("Open file"))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// importFile reads path in the background and shows what importing it
// would do; nothing is written before the user confirms. The preview
// opens as u.preview.
func (u *ui) importFile(path string) *task {
	var p exchange.Preview
	return u.run(lang.L("Reading the contacts"), func(ctx context.Context, pr ops.Progress) error {
		var err error
		p, err = u.ops.ReadContacts(ctx, path, pr)
		return err
	}, func(err error) {
		switch {
		case cancelled(err):
			return
		case err != nil:
			what := lang.L("The file could not be read.")
			if errors.Is(err, exchange.ErrFormat) || errors.Is(err, exchange.ErrBinary) {
				what = lang.L("This is not a vCard (.vcf) or CSV file.")
			}
			u.showError(what, lang.L("Export the contacts from your address book as vCard or CSV and try again. Nothing was imported."), err)
			return
		}
		u.preview = u.showImportPreview(p)
	})
}

// importColumns of the preview table.
var importColumns = []struct {
	title string
	width float32
}{
	{"Line", 60}, {"Name", 180}, {"What happens", 120}, {"Reason", 360}, {"Changes", 150}, {"Decision", 190},
}

func actionLabel(a exchange.Action) string {
	return lang.L(map[exchange.Action]string{
		exchange.ActionCreate: "new", exchange.ActionUpdate: "update", exchange.ActionUnchanged: "unchanged",
		exchange.ActionDuplicate: "duplicate", exchange.ActionInvalid: "invalid",
	}[a])
}

func decisionLabel(d exchange.Decision) string {
	return lang.L(map[exchange.Decision]string{
		exchange.DecideCreate: "Create new", exchange.DecideUpdate: "Update existing", exchange.DecideSkip: "Skip",
	}[d])
}

// reasonText says why a row matched, in the user's language.
func reasonText(p exchange.Preview, r exchange.Row) string {
	if r.Invalid != "" {
		return invalidText(r)
	}
	reason := r.Reason
	for _, t := range []struct{ prefix, label string }{
		{"same ID", lang.L("same ID")}, {"same email", lang.L("same email")}, {"same phone", lang.L("same phone number")},
	} {
		if rest, ok := strings.CutPrefix(reason, t.prefix); ok {
			reason = t.label + rest
			break
		}
	}
	switch {
	case r.Match != nil && r.Action == exchange.ActionDuplicate:
		reason = lang.L("{{.Reason}} as {{.Name}}", map[string]any{"Reason": reason, "Name": r.Match.Name})
	case r.MatchRow >= 0 && r.MatchRow < len(p.Rows):
		reason = lang.L("{{.Reason}} as line {{.Line}}", map[string]any{"Reason": reason, "Line": p.Rows[r.MatchRow].Line})
	}
	return strings.Join(nonEmpty(append([]string{reason}, r.Warnings...)...), "; ")
}

// invalidText says why a row cannot be imported, field by field.
func invalidText(r exchange.Row) string {
	var verr handbook.ValidationError
	if !errors.As(r.Result.Validate(), &verr) {
		return r.Invalid
	}
	parts := make([]string, len(verr))
	for i, fe := range verr {
		parts[i] = fieldLabel(fe.Field) + ": " + problemText(fe)
	}
	return strings.Join(parts, "; ")
}

// importPreview is the open preview: the rows and the decisions taken.
type importPreview struct {
	p         exchange.Preview
	decisions []exchange.Decision
	counts    *widget.Label
	skipBad   *widget.Check
	importBtn *button
	dialog    dialog.Dialog
	table     *keyTable
}

func (ip *importPreview) update() {
	n := map[exchange.Decision]int{}
	for _, d := range ip.decisions {
		n[d]++
	}
	c := ip.p.Counts()
	ip.counts.SetText(lang.L("{{.Rows}} contacts in the file: {{.New}} new, {{.Updated}} updated, {{.Unchanged}} unchanged, {{.Dup}} duplicates, {{.Invalid}} invalid. Importing creates {{.Create}} and updates {{.Update}}.",
		map[string]any{"Rows": len(ip.p.Rows), "New": c[exchange.ActionCreate], "Updated": c[exchange.ActionUpdate], "Unchanged": c[exchange.ActionUnchanged],
			"Dup": c[exchange.ActionDuplicate], "Invalid": c[exchange.ActionInvalid], "Create": n[exchange.DecideCreate], "Update": n[exchange.DecideUpdate]}))
	if ops.Unreadable(ip.p) > 0 && !ip.skipBad.Checked {
		ip.importBtn.Disable()
		return
	}
	ip.importBtn.Enable()
}

func (u *ui) showImportPreview(p exchange.Preview) *importPreview {
	ip := &importPreview{p: p, decisions: p.Decisions(), counts: widget.NewLabel("")}
	ip.counts.Wrapping = fyne.TextWrapWord
	cell := func(row, col int) string {
		r := p.Rows[row]
		switch col {
		case 0:
			return fmt.Sprint(r.Line)
		case 1:
			return r.Incoming.Name
		case 2:
			return actionLabel(r.Action)
		case 3:
			return reasonText(p, r)
		case 4:
			out := make([]string, len(r.Changes))
			for i, f := range r.Changes {
				out[i] = fieldLabel(f)
			}
			return strings.Join(out, ", ")
		}
		return ""
	}
	decisionCol := len(importColumns) - 1
	// cells holds the decision cell drawing each row in view, so that
	// Enter on a row opens that row's menu under it.
	cells := map[int]*decisionCell{}
	var t *keyTable
	t = newKeyTable(
		func() (int, int) { return len(p.Rows), len(importColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(l, newDecisionCell())
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			l, dc := box.Objects[0].(*widget.Label), box.Objects[1].(*decisionCell)
			if id.Col != decisionCol {
				dc.Hide()
				l.Show()
				l.SetText(cell(id.Row, id.Col))
				return
			}
			l.Hide()
			for r, c := range cells {
				if c == dc {
					delete(cells, r)
				}
			}
			cells[id.Row] = dc
			allowed := p.Rows[id.Row].Allowed
			options := make([]string, len(allowed))
			for i, d := range allowed {
				options[i] = decisionLabel(d)
			}
			row := id.Row
			dc.set(options, slices.Index(allowed, ip.decisions[row]), func(i int) {
				ip.decisions[row] = allowed[i]
				ip.update()
				t.Refresh()
			})
			dc.Show()
		}, nil)
	t.onEnter = func(row int) {
		dc := cells[row]
		if dc == nil || !dc.Visible() {
			return
		}
		dc.showMenu(func() { u.win.Canvas().Focus(t) })
	}
	t.onEscape = func() {
		ip.dialog.Hide()
		u.preview = nil
	}
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(lang.L(importColumns[id.Col].title))
		}
	}
	for i, c := range importColumns {
		t.SetColumnWidth(i, c.width)
	}
	ip.table = t

	top := container.NewVBox(ip.counts)
	ip.skipBad = widget.NewCheck(lang.L("Import the readable contacts anyway"), func(bool) { ip.update() })
	if len(p.Problems) > 0 {
		var lines []string
		for i, pr := range p.Problems {
			if i == 5 {
				lines = append(lines, lang.L("… and {{.N}} more", map[string]any{"N": len(p.Problems) - 5}))
				break
			}
			lines = append(lines, pr.Error())
		}
		warn := widget.NewLabel("⚠ " + lang.L("Parts of the file cannot be read:") + "\n" + strings.Join(lines, "\n"))
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		top.Add(warn)
	} else if n := p.Counts()[exchange.ActionInvalid]; n > 0 {
		warn := widget.NewLabel("⚠ " + lang.L("{{.N}} contacts are invalid and cannot be imported (see the reason in their row).", map[string]any{"N": n}))
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		top.Add(warn)
	}
	if ops.Unreadable(p) > 0 {
		top.Add(ip.skipBad)
	}
	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), func() {
		ip.dialog.Hide()
		u.preview = nil
	})
	ip.importBtn = newIconButton(lang.L("Import"), theme.ConfirmIcon(), func() { u.applyImport(ip) })
	ip.importBtn.Importance = widget.HighImportance
	content := container.NewBorder(top, container.NewBorder(nil, nil, nil, container.NewHBox(cancel, ip.importBtn)), nil, nil, t)
	ip.update()
	ip.dialog = dialog.NewCustomWithoutButtons(lang.L("Import contacts from {{.File}}", map[string]any{"File": filepath.Base(p.File)}), content, u.win)
	ip.dialog.Resize(fyne.NewSize(1120, 620))
	ip.dialog.Show()
	u.win.Canvas().Focus(t)
	return ip
}

// applyImport writes the contacts as decided, in the background.
func (u *ui) applyImport(ip *importPreview) *task {
	choice := exchange.Choice{Decisions: slices.Clone(ip.decisions), SkipProblems: ip.skipBad.Checked}
	ip.importBtn.Disable()
	var n int
	return u.run(lang.L("Importing the contacts"), func(ctx context.Context, pr ops.Progress) error {
		var err error
		n, err = u.ops.ImportContacts(ctx, ip.p, choice, pr)
		return err
	}, func(err error) {
		ip.update()
		switch {
		case cancelled(err):
			return
		case err != nil:
			u.opFailed(lang.L("The contacts could not be imported. Nothing was changed."), lang.L("Check the rows marked as invalid, or try again."), err)
			return
		}
		ip.dialog.Hide()
		u.preview = nil
		dialog.NewInformation(lang.L("Import"), lang.L("{{.N}} contacts created or updated.", map[string]any{"N": n}), u.win).Show()
	})
}

// chooseExport asks for the format, then for the file.
func (u *ui) chooseExport() {
	formats := []string{lang.L("vCard (.vcf) for address books and phones"), lang.L("CSV (.csv) for spreadsheets")}
	radio := widget.NewRadioGroup(formats, nil)
	radio.SetSelected(formats[0])
	dialog.ShowCustomConfirm(lang.L("Export contacts"), lang.L("Continue"), lang.L("Cancel"), radio, func(ok bool) {
		if !ok {
			return
		}
		if radio.Selected == formats[1] {
			u.saveContacts(lang.L("contacts")+".csv", ops.ExportContacts{Format: exchange.FormatCSV, CSV: spreadsheetCSV})
			return
		}
		u.saveContacts(lang.L("contacts")+".vcf", ops.ExportContacts{Format: exchange.FormatVCard})
	}, u.win)
}

// spreadsheetCSV is the exchange CSV layout as spreadsheets in German
// locales open it directly: semicolons and a byte order mark.
var spreadsheetCSV = exchange.CSVOptions{Comma: ';', BOM: true}

// saveContacts asks for a file and writes the contacts to it.
func (u *ui) saveContacts(name string, req ops.ExportContacts) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError(lang.L("The file could not be chosen."), lang.L("Choose another folder."), err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		u.exportContacts(path, req)
	}, u.win)
	d.SetFileName(name)
	d.SetTitleText(lang.L("Save file"))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// exportContacts writes the contacts to path off the UI thread, whole or
// not at all, so a full disk or a pulled stick never leaves half a contact
// list.
func (u *ui) exportContacts(path string, req ops.ExportContacts) *task {
	var n int
	return u.run(lang.L("Writing the contacts"), func(ctx context.Context, _ ops.Progress) error {
		return atomicfile.Write(path, func(w io.Writer) error {
			var err error
			n, err = u.ops.ExportContacts(ctx, w, req)
			return err
		})
	}, func(err error) {
		switch {
		case cancelled(err):
			discardEmpty(path)
		case err != nil:
			discardEmpty(path)
			u.showError(lang.L("The contacts could not be written."), lang.L("Choose another folder or file name, and check that the disk is not full."), err)
		default:
			dialog.NewInformation(lang.L("Export"), lang.L("{{.N}} contacts written to {{.File}}.", map[string]any{"N": n, "File": filepath.Base(path)}), u.win).Show()
		}
	})
}

// decisionCell shows a row's import decision and offers the others in a
// menu when clicked. Unlike a select it takes no keyboard focus, so Tab
// reaches the preview table once; Enter on a row opens the same menu.
type decisionCell struct {
	widget.BaseWidget
	label   *widget.Label
	icon    *widget.Icon
	options []string
	chosen  func(i int)
}

func newDecisionCell() *decisionCell {
	d := &decisionCell{label: widget.NewLabel(""), icon: widget.NewIcon(theme.MenuDropDownIcon())}
	d.label.Truncation = fyne.TextTruncateEllipsis
	d.ExtendBaseWidget(d)
	return d
}

// set shows option i of options; chosen runs with the option picked.
// With one option there is nothing to choose.
func (d *decisionCell) set(options []string, i int, chosen func(int)) {
	d.options, d.chosen = options, chosen
	d.label.SetText("")
	if i >= 0 && i < len(options) {
		d.label.SetText(options[i])
	}
	d.icon.Hidden = len(options) < 2
	d.icon.Refresh()
}

// CreateRenderer draws the decision with a drop-down mark, on the
// background of an input field.
func (d *decisionCell) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	return widget.NewSimpleRenderer(container.NewStack(bg, container.NewBorder(nil, nil, nil, d.icon, d.label)))
}

// Tapped opens the menu.
func (d *decisionCell) Tapped(*fyne.PointEvent) { d.showMenu(nil) }

// Cursor shows that the cell can be clicked.
func (d *decisionCell) Cursor() desktop.Cursor { return desktop.PointerCursor }

// showMenu offers the options below the cell; done runs when the menu
// closes, with or without a choice.
func (d *decisionCell) showMenu(done func()) {
	if len(d.options) < 2 {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(d)
	if c == nil {
		return
	}
	// The cell may draw another row by the time an option is taken (the
	// menu closes first, and the table redraws): the row's own choice
	// is kept here.
	chosen := d.chosen
	items := make([]*fyne.MenuItem, len(d.options))
	for i, o := range d.options {
		items[i] = fyne.NewMenuItem(o, func() {
			if chosen != nil {
				chosen(i)
			}
			if done != nil {
				done()
			}
		})
	}
	pop := widget.NewPopUpMenu(fyne.NewMenu("", items...), c)
	pop.OnDismiss = func() {
		pop.Hide()
		if done != nil {
			done()
		}
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(d)
	pop.ShowAtPosition(pos.AddXY(0, d.Size().Height))
	pop.Resize(fyne.NewSize(max(d.Size().Width, pop.MinSize().Width), pop.MinSize().Height))
}
