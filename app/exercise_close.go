package app

import (
	"errors"
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
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// evaluateForm is the dialog that evaluates an exercise: objectives met or
// not, the result, what went well, and the findings with the actions that
// follow from them. It closes the drill, if one is running.
type evaluateForm struct {
	u        *ui
	x        handbook.Exercise
	drill    handbook.Incident
	outcomes []*widget.RadioGroup
	summary  *formEntry
	wentWell *formEntry
	lessons  *formEntry
	openOK   *widget.Check
	reason   *formEntry
	rows     *fyne.Container
	findings []*findingRow
	// concerns are what a finding can be about, contacts the owners.
	concerns []concernOption
	contacts []option
	problem  *widget.Label
	dlg      dialog.Dialog
	// page scrolls the dialog; its fields hand it the wheel.
	page scrollPage
}

// concernOption is a record a finding can concern.
type concernOption struct {
	entity handbook.Entity
	id     string
	label  string
}

// findingRow is one finding being written, with its action.
type findingRow struct {
	text    *formEntry
	concern *searchSelect
	action  *formEntry
	owner   *searchSelect
	due     *formEntry
}

// evaluateDialog opens the evaluation of an exercise; drill is its
// running drill, or the zero value.
func (u *ui) evaluateDialog(exerciseID string, drill handbook.Incident) {
	if u.refuseReadOnly() {
		return
	}
	hb, err := u.st.Load(u.ctx)
	if err != nil {
		u.loadFailed(err)
		return
	}
	hb = hb.Live()
	i := slices.IndexFunc(hb.Exercises, func(x handbook.Exercise) bool { return x.ID == exerciseID })
	if i < 0 {
		u.loadFailed(store.ErrNotFound)
		return
	}
	if drill.ID == "" {
		if d, ok := handbook.DrillOf(hb, exerciseID); ok && d.Open() {
			drill = d
		}
	}
	newEvaluateForm(u, hb, hb.Exercises[i], drill).dlg.Show()
}

func newEvaluateForm(u *ui, hb handbook.Handbook, x handbook.Exercise, drill handbook.Incident) *evaluateForm {
	f := &evaluateForm{u: u, x: x, drill: drill, rows: container.NewVBox()}
	for _, c := range hb.Contacts {
		f.contacts = append(f.contacts, option{c.ID, c.FullName()})
	}
	slices.SortFunc(f.contacts, func(a, b option) int { return strings.Compare(a.label, b.label) })
	for _, p := range hb.Playbooks {
		if slices.Contains(x.Playbooks, p.ID) {
			f.concerns = append(f.concerns, concernOption{handbook.EntityPlaybook, p.ID, lang.L("Playbook") + ": " + p.Title})
		}
	}
	for _, s := range hb.Services {
		if slices.Contains(x.Services, s.ID) {
			f.concerns = append(f.concerns, concernOption{handbook.EntityService, s.ID, lang.L("Service") + ": " + s.Name})
		}
	}
	for _, bp := range hb.Processes {
		if slices.Contains(x.Processes, bp.ID) {
			f.concerns = append(f.concerns, concernOption{handbook.EntityProcess, bp.ID, lang.L("Process") + ": " + bp.Name})
		}
	}
	for _, p := range hb.Playbooks {
		if !slices.Contains(x.Playbooks, p.ID) {
			f.concerns = append(f.concerns, concernOption{handbook.EntityPlaybook, p.ID, lang.L("Playbook") + ": " + p.Title})
		}
	}
	for _, c := range f.contacts {
		f.concerns = append(f.concerns, concernOption{handbook.EntityContact, c.value, lang.L("Contact") + ": " + c.label})
	}

	body := container.NewVBox()
	// How it went on the left, findings and actions on the right where
	// both fit: below each other the first finding sat at the dialog's
	// bottom edge.
	findings := container.NewVBox()
	if len(x.Objectives) > 0 {
		body.Add(heading(lang.L("Objectives")))
		for _, o := range x.Objectives {
			rg := widget.NewRadioGroup([]string{lang.L("met"), lang.L("not met")}, nil)
			rg.Horizontal = true
			switch o.Outcome {
			case handbook.ObjectiveMet:
				rg.SetSelected(lang.L("met"))
			case handbook.ObjectiveNotMet:
				rg.SetSelected(lang.L("not met"))
			}
			text := widget.NewLabel(o.Text)
			text.Wrapping = fyne.TextWrapWord
			f.outcomes = append(f.outcomes, rg)
			body.Add(container.NewBorder(nil, nil, nil, rg, text))
		}
	}
	f.summary = f.text(lang.L("How did the exercise go? The result in a few sentences."))
	f.wentWell = f.text(lang.L("What worked and should stay as it is?"))
	body.Add(widget.NewLabelWithStyle(lang.L("Result"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	body.Add(f.summary)
	body.Add(widget.NewLabelWithStyle(lang.L("What went well"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	body.Add(f.wentWell)
	if drill.ID != "" {
		f.lessons = f.text(lang.L("Lessons learned, logged with the drill's close (optional)"))
		body.Add(widget.NewLabelWithStyle(lang.L("Lessons learned"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		body.Add(f.lessons)
	}
	findings.Add(heading(lang.L("Findings and actions")))
	intro := widget.NewLabel(lang.L("Each finding may name what it concerns (suggested for review) and the action that follows, with owner and due date."))
	intro.Wrapping = fyne.TextWrapWord
	findings.Add(intro)
	findings.Add(f.rows)
	f.addFinding()
	findings.Add(container.NewHBox(newIconButton(lang.L("Another finding"), theme.ContentAddIcon(), f.addFinding)))

	if drill.ID != "" {
		log, err := store.List[handbook.LogEntry](u.ctx, u.st)
		if err != nil {
			u.loadFailed(err)
		}
		if open := handbook.OpenReports(drill, log, time.Local); len(open) > 0 {
			var names []string
			for _, d := range open {
				names = append(names, clockShort(d.Clock))
			}
			warn := widget.NewLabel("⚠ " + lang.L("Practice reports still open: {{.List}}", map[string]any{"List": strings.Join(names, ", ")}))
			warn.Importance = widget.WarningImportance
			warn.Wrapping = fyne.TextWrapWord
			f.openOK = widget.NewCheck(lang.L("Close anyway: the practice reports stay open (logged)"), nil)
			f.reason = f.page.field()
			f.reason.SetPlaceHolder(lang.L("Why? (optional, goes into the log)"))
			body.Objects = append([]fyne.CanvasObject{warn, f.openOK, f.reason, widget.NewSeparator()}, body.Objects...)
		}
	}
	f.problem = widget.NewLabel("")
	f.problem.Importance = widget.DangerImportance
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Hide()
	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), func() { f.dlg.Hide() })
	okText := lang.L("Save the evaluation")
	if drill.ID != "" {
		okText = lang.L("End the drill and save the evaluation")
	}
	ok := newIconButton(okText, theme.ConfirmIcon(), f.submit)
	ok.Importance = widget.HighImportance
	bottom := container.NewVBox(f.problem, container.NewGridWithColumns(2, cancel, ok))
	f.dlg = dialog.NewCustomWithoutButtons(lang.L("Evaluate: {{.Title}}", map[string]any{"Title": x.Title}),
		container.NewBorder(nil, bottom, nil, nil, f.page.wrap(container.New(&columnsOrRows{min: 420}, body, findings))), u.win)
	win := u.win.Canvas().Size()
	f.dlg.Resize(fyne.NewSize(min(1040, max(win.Width-40, 480)), min(700, max(win.Height-40, 400))))
	return f
}

// text is a multi-line field of the dialog.
func (f *evaluateForm) text(placeholder string) *formEntry {
	e := f.page.text(3)
	e.SetPlaceHolder(placeholder)
	return e
}

func (f *evaluateForm) addFinding() {
	concerns := make([]option, len(f.concerns))
	for i, c := range f.concerns {
		concerns[i] = option{string(c.entity) + ":" + c.id, c.label}
	}
	row := &findingRow{text: f.page.field(), concern: newSearchSelect(concerns, lang.L("– concerns nothing in particular –")),
		action: f.page.field(), owner: newSearchSelect(f.contacts, lang.L("– owner –")), due: f.page.field()}
	row.text.SetPlaceHolder(lang.L("Finding, e.g. the insurer was called too late"))
	row.action.SetPlaceHolder(lang.L("Action (optional)"))
	row.due.SetPlaceHolder(datePlaceHolder())
	f.findings = append(f.findings, row)
	f.rows.Add(container.NewVBox(row.text, row.concern, row.action,
		container.NewGridWithColumns(2, row.owner, row.due),
		widget.NewSeparator()))
}

// request reads the form; an error says what to correct.
func (f *evaluateForm) request() (ops.CloseExercise, error) {
	u := f.u
	req := ops.CloseExercise{Exercise: f.x.ID, Summary: f.summary.Text, WentWell: f.wentWell.Text, LessonsLabel: lang.L("Lessons learned:"),
		Outcomes: map[int]string{}, By: u.author(), Initials: u.initials()}
	if f.lessons != nil {
		req.Lessons = f.lessons.Text
	}
	for i, rg := range f.outcomes {
		switch rg.Selected {
		case lang.L("met"):
			req.Outcomes[i] = handbook.ObjectiveMet
		case lang.L("not met"):
			req.Outcomes[i] = handbook.ObjectiveNotMet
		}
	}
	if f.openOK != nil {
		if !f.openOK.Checked {
			return req, errors.New(lang.L("Practice reports are still open: record them in the drill first, or tick “Close anyway”."))
		}
		req.ReportsOpenOK, req.ReportsOpenReason = true, f.reason.Text
	}
	for _, row := range f.findings {
		text := strings.TrimSpace(row.text.Text)
		title := strings.TrimSpace(row.action.Text)
		if text == "" {
			if title != "" {
				return req, errors.New(lang.L("Write the finding the action {{.Title}} follows from.", map[string]any{"Title": title}))
			}
			continue
		}
		in := ops.FindingInput{Text: text}
		if i := row.concern.Index(); i >= 0 {
			in.Entity, in.RecordID = f.concerns[i].entity, f.concerns[i].id
		}
		if title != "" {
			a := handbook.Action{Title: title}
			a.Owner = row.owner.Value()
			if s := strings.TrimSpace(row.due.Text); s != "" {
				d, err := parseDate(s)
				if err != nil {
					return req, errors.New(lang.L("Enter the due date of {{.Title}} as YYYY-MM-DD.", map[string]any{"Title": title}))
				}
				a.Due = d
			}
			in.Actions = []handbook.Action{a}
		}
		req.Findings = append(req.Findings, in)
	}
	return req, nil
}

// submit saves the evaluation and shows the exercise.
func (f *evaluateForm) submit() {
	req, err := f.request()
	if err != nil {
		f.problem.SetText(err.Error())
		f.problem.Show()
		return
	}
	if _, err := f.u.ops.CloseExercise(f.u.ctx, req); f.u.refusedIn(f.problem, err) {
		return
	}
	f.dlg.Hide()
	f.u.open(handbook.EntityExercise, f.x.ID)
}
