package app

import (
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

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
)

// closeForm is the dialog that closes an incident with a summary, lessons
// learned and the actions that follow from them.
type closeForm struct {
	r       *runView
	summary *widget.Entry
	lessons *widget.Entry
	// openOK is the decision to close although reports are open, reason
	// why; nil when no report is open.
	openOK   *widget.Check
	reason   *widget.Entry
	rows     *fyne.Container
	actions  []*actionRow
	contacts []option
	problem  *widget.Label
	dlg      dialog.Dialog
}

// actionRow is one lessons-learned action being written.
type actionRow struct {
	title *widget.Entry
	owner *widget.Select
	due   *widget.Entry
}

func (u *ui) closeIncidentDialog(r *runView) {
	newCloseForm(r).dlg.Show()
}

func newCloseForm(r *runView) *closeForm {
	f := &closeForm{r: r, rows: container.NewVBox()}
	for _, c := range r.hb.Contacts {
		f.contacts = append(f.contacts, option{c.ID, c.Name})
	}
	slices.SortFunc(f.contacts, func(a, b option) int { return strings.Compare(a.label, b.label) })
	f.summary = widget.NewMultiLineEntry()
	f.summary.Wrapping = fyne.TextWrapWord
	f.summary.SetMinRowsVisible(3)
	f.summary.SetPlaceHolder(lang.L("What happened, what was done, what is the state now?"))
	f.lessons = widget.NewMultiLineEntry()
	f.lessons.Wrapping = fyne.TextWrapWord
	f.lessons.SetMinRowsVisible(3)
	f.lessons.SetPlaceHolder(lang.L("What worked, what did not, what must change?"))
	f.problem = widget.NewLabel("")
	f.problem.Importance = widget.DangerImportance
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Hide()
	f.addAction()
	more := widget.NewButtonWithIcon(lang.L("Another action"), theme.ContentAddIcon(), f.addAction)

	cancel := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { f.dlg.Hide() })
	ok := widget.NewButtonWithIcon(lang.L("Close incident"), theme.ConfirmIcon(), f.submit)
	ok.Importance = widget.HighImportance
	head := container.NewGridWithColumns(3,
		widget.NewLabelWithStyle(lang.L("Action"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle(lang.L("Owner"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle(lang.L("Due (YYYY-MM-DD)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	body := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Summary"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), f.summary,
		widget.NewLabelWithStyle(lang.L("Lessons learned"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), f.lessons,
		heading(lang.L("Actions")), head, f.rows, container.NewHBox(more),
	)
	if box := openReportsBox(r); box != nil {
		f.openOK = widget.NewCheck(lang.L("Close anyway: the open reports stay open (logged as a decision)"), nil)
		f.reason = widget.NewEntry()
		f.reason.SetPlaceHolder(lang.L("Why? (optional, goes into the log)"))
		body.Objects = append([]fyne.CanvasObject{box, f.openOK, f.reason, widget.NewSeparator()}, body.Objects...)
	}
	bottom := container.NewVBox(f.problem)
	if warn := openStepsWarning(r); warn != nil {
		bottom.Add(warn)
	}
	bottom.Add(container.NewGridWithColumns(2, cancel, ok))
	f.dlg = dialog.NewCustomWithoutButtons(lang.L("Close incident: {{.Title}}", map[string]any{"Title": r.inc.Title}),
		container.NewBorder(nil, bottom, nil, nil, container.NewVScroll(body)), r.u.win)
	f.dlg.Resize(fyne.NewSize(820, 640))
	return f
}

// openStepsWarning says how many steps of the checklist are still open;
// nil when none is. Closing stays possible.
func openStepsWarning(r *runView) fyne.CanvasObject {
	items := handbook.Checklist(r.inc, r.log)
	open := 0
	for _, it := range items {
		if !it.Done {
			open++
		}
	}
	if open == 0 {
		return nil
	}
	l := widget.NewLabelWithStyle("⚠ "+lang.L("{{.Open}} of {{.Total}} steps still open – close anyway?",
		map[string]any{"Open": open, "Total": len(items)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Importance = widget.WarningImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (f *closeForm) addAction() {
	labels := []string{"–"}
	labels = append(labels, optionLabels(f.contacts)...)
	row := &actionRow{title: widget.NewEntry(), owner: widget.NewSelect(labels, nil), due: widget.NewEntry()}
	row.title.SetPlaceHolder(lang.L("e.g. test the offline backup restore"))
	row.owner.SetSelectedIndex(0)
	// The hint names the format; an example date would look like one
	// entered and be saved as no date at all.
	row.due.SetPlaceHolder(datePlaceHolder())
	f.actions = append(f.actions, row)
	f.rows.Add(container.NewGridWithColumns(3, row.title, row.owner, row.due))
}

// submit closes the incident with its actions and lessons learned.
func (f *closeForm) submit() {
	r := f.r
	req := ops.CloseIncident{IncidentID: r.id, Summary: f.summary.Text, Lessons: f.lessons.Text,
		LessonsLabel: lang.L("Lessons learned:"), By: r.u.author(), Initials: r.u.initials()}
	if f.openOK != nil {
		if !f.openOK.Checked {
			f.problem.SetText(lang.L("Reports are still open: send them or declare them not needed first, or tick “Close anyway”."))
			f.problem.Show()
			return
		}
		req.ReportsOpenOK, req.ReportsOpenReason = true, f.reason.Text
	}
	for _, row := range f.actions {
		title := strings.TrimSpace(row.title.Text)
		if title == "" {
			continue
		}
		a := handbook.Action{Title: title}
		if i := row.owner.SelectedIndex(); i > 0 {
			a.Owner = f.contacts[i-1].value
		}
		if s := strings.TrimSpace(row.due.Text); s != "" {
			d, err := parseDate(s)
			if err != nil {
				f.problem.SetText(lang.L("“{{.Action}}”: enter the due date as YYYY-MM-DD.", map[string]any{"Action": title}))
				f.problem.Show()
				return
			}
			a.Due = d
		}
		req.Actions = append(req.Actions, a)
	}
	_, err := r.u.ops.CloseIncident(r.u.ctx, req)
	if oe, ok := ops.AsError(err); ok {
		f.problem.SetText(oe.Text(translate))
		f.problem.Show()
		return
	}
	if err != nil {
		r.u.saveFailed(err)
		return
	}
	f.dlg.Hide()
	r.stop()
	r.u.openIncident(r.id)
}

// printIncidentReport asks where to save the incident report as PDF.
func (u *ui) printIncidentReport(id string) {
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError(lang.L("The file could not be chosen."), lang.L("Choose another folder."), err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		u.writeIncidentReport(path, id)
	}, u.win)
	save.SetFileName(lang.L("incident-report") + ".pdf")
	save.SetTitleText(lang.L("Save file"))
	save.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	save.Resize(fyne.NewSize(800, 560))
	save.Show()
}

// writeIncidentReport prints the report to path in the background and
// offers to open it.
func (u *ui) writeIncidentReport(path, id string) *task {
	req := ops.IncidentReport{Path: path, IncidentID: id,
		Options: binder.Options{Lang: chosenLanguage(u.app.Preferences()), PrintedBy: u.author()}}
	var res binder.Result
	return u.run(lang.L("Printing the report"), func(ctx context.Context, p ops.Progress) error {
		var err error
		res, err = u.ops.PrintIncidentReport(ctx, req, p)
		return err
	}, func(err error) {
		if err != nil {
			discardEmpty(path)
		}
		switch {
		case cancelled(err):
			return
		case err != nil:
			u.opFailed(lang.L("The report could not be written."), lang.L("Choose another folder or file name, and close the file if another program has it open."), err)
			return
		}
		msg := lang.L("{{.Pages}} pages written to {{.File}}. Open the PDF now?", map[string]any{"Pages": res.Pages, "File": filepath.Base(path)})
		dialog.ShowConfirm(lang.L("Report printed"), msg, func(open bool) {
			if open {
				_ = u.app.OpenURL(&url.URL{Scheme: "file", Path: path})
			}
		}, u.win)
	})
}
