package app

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
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
	summary *formEntry
	lessons *formEntry
	// openOK is the decision to close although reports are open, reason
	// why; nil when no report is open.
	openOK   *widget.Check
	reason   *formEntry
	rows     *fyne.Container
	actions  []*actionRow
	contacts []option
	problem  *widget.Label
	dlg      dialog.Dialog
	// page scrolls the dialog; its fields hand it the wheel.
	page scrollPage
}

// actionRow is one lessons-learned action being written.
type actionRow struct {
	title *formEntry
	owner *widget.Select
	due   *formEntry
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
	f.summary = f.page.text(3)
	f.summary.SetPlaceHolder(lang.L("What happened, what was done, what is the state now?"))
	f.lessons = f.page.text(3)
	f.lessons.SetPlaceHolder(lang.L("What worked, what did not, what must change?"))
	f.problem = widget.NewLabel("")
	f.problem.Importance = widget.DangerImportance
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Hide()
	f.addAction()
	more := newIconButton(lang.L("Another action"), theme.ContentAddIcon(), f.addAction)

	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), func() { f.dlg.Hide() })
	ok := newIconButton(lang.L("Close incident"), theme.ConfirmIcon(), f.submit)
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
		f.reason = f.page.field()
		f.reason.SetPlaceHolder(lang.L("Why? (optional, goes into the log)"))
		body.Objects = append([]fyne.CanvasObject{box, f.openOK, f.reason, widget.NewSeparator()}, body.Objects...)
	}
	bottom := container.NewVBox(f.problem)
	if warn := openStepsWarning(r); warn != nil {
		bottom.Add(warn)
	}
	bottom.Add(container.NewGridWithColumns(2, cancel, ok))
	f.dlg = dialog.NewCustomWithoutButtons(lang.L("Close incident: {{.Title}}", map[string]any{"Title": r.inc.Title}),
		container.NewBorder(nil, bottom, nil, nil, f.page.wrap(body)), r.u.win)
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
	row := &actionRow{title: f.page.field(), owner: widget.NewSelect(labels, nil), due: f.page.field()}
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
	if _, err := r.u.ops.CloseIncident(r.u.ctx, req); r.u.refusedIn(f.problem, err) {
		return
	}
	f.dlg.Hide()
	r.stop()
	r.u.openIncident(r.id)
}

// printIncidentReport asks where to save the incident report as PDF.
func (u *ui) printIncidentReport(id string) {
	u.saveReport(lang.L("incident-report"), u.incidentReport(id))
}

// incidentReport prints the report of incident id.
func (u *ui) incidentReport(id string) printFunc {
	return func(ctx context.Context, path string, opt binder.Options, p ops.Progress) (binder.Result, error) {
		return u.ops.PrintIncidentReport(ctx, ops.IncidentReport{Path: path, IncidentID: id, Options: opt}, p)
	}
}
