package app

import (
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
	"ernstfall/internal/store"
)

// closeForm is the dialog that closes an incident with a summary, lessons
// learned and the actions that follow from them.
type closeForm struct {
	r        *runView
	summary  *widget.Entry
	lessons  *widget.Entry
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
	row.due.SetPlaceHolder(day(f.r.u.now().AddDate(0, 1, 0)))
	f.actions = append(f.actions, row)
	f.rows.Add(container.NewGridWithColumns(3, row.title, row.owner, row.due))
}

// submit stores the actions, then closes the incident and logs it.
func (f *closeForm) submit() {
	r := f.r
	now := r.u.now()
	var actions []handbook.Action
	for _, row := range f.actions {
		title := strings.TrimSpace(row.title.Text)
		if title == "" {
			continue
		}
		a := handbook.Action{Title: title, Finding: strings.TrimSpace(f.lessons.Text), Status: handbook.ActionOpen,
			SourceKind: string(handbook.EntityIncident), SourceID: r.id}
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
		actions = append(actions, a)
	}
	for i := range actions {
		if err := store.Put(r.u.ctx, r.u.st, &actions[i]); err != nil {
			r.u.saveFailed(err)
			return
		}
	}
	summary := strings.TrimSpace(f.summary.Text)
	if lessons := strings.TrimSpace(f.lessons.Text); lessons != "" {
		e := handbook.LogEntry{IncidentID: r.id, At: now, Author: r.u.author(), Kind: handbook.LogNote,
			Text: lang.L("Lessons learned:") + " " + lessons}
		if err := store.Put(r.u.ctx, r.u.st, &e); err != nil {
			r.u.saveFailed(err)
			return
		}
	}
	before, inc := r.inc, r.inc
	inc.ClosedAt, inc.Summary = now, summary
	if err := store.Edit(r.u.ctx, r.u.st, &before, &inc); err != nil {
		r.u.saveFailed(err)
		return
	}
	text := summary
	if text == "" {
		text = inc.Title
	}
	e := handbook.LogEntry{IncidentID: r.id, At: now, Author: r.u.author(), Kind: handbook.LogClose, Text: text}
	if err := store.Put(r.u.ctx, r.u.st, &e); err != nil {
		r.u.saveFailed(err)
		return
	}
	f.dlg.Hide()
	r.stop()
	r.u.refreshBadge()
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

// writeIncidentReport writes the report to path and offers to open it. It
// reports whether the file was written.
func (u *ui) writeIncidentReport(path, id string) bool {
	hb, err := u.st.Load(u.ctx)
	if err != nil {
		u.loadFailed(err)
		return false
	}
	opt := binder.Options{Lang: chosenLanguage(u.app.Preferences()), PrintedAt: u.now(), PrintedBy: u.author()}
	if v := u.app.Metadata().Version; v != "" {
		opt.Program = "Ernstfall " + v
	}
	res, err := binder.WriteIncidentReport(u.ctx, path, hb, id, opt)
	if err != nil {
		u.showError(lang.L("The report could not be written."), lang.L("Choose another folder or file name, and close the file if another program has it open."), err)
		return false
	}
	msg := lang.L("{{.Pages}} pages written to {{.File}}. Open the PDF now?", map[string]any{"Pages": res.Pages, "File": filepath.Base(path)})
	dialog.ShowConfirm(lang.L("Report printed"), msg, func(open bool) {
		if open {
			_ = u.app.OpenURL(&url.URL{Scheme: "file", Path: path})
		}
	}, u.win)
	return true
}
