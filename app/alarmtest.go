package app

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// alarmView is a running or past alarm test: the roles in call order with
// how each was reached, and the guided next call.
type alarmView struct {
	u       *ui
	id      string
	visible func() bool

	hb   handbook.Handbook
	inc  handbook.Incident
	x    handbook.Exercise
	plan []handbook.AlarmStep
	sum  handbook.AlarmSummary

	running *widget.Label
	shares  *widget.Label
	roles   *fyne.Container
	call    *fyne.Container
	status  *widget.Label
	// after is the minutes field of the call; edited stops the ticker
	// from moving it on.
	after  *widget.Entry
	edited bool
	// role and person are the call being recorded, as chosen.
	role, person string
	// typed tells that the call's form holds something the user entered
	// (a note, the number, the box, the minutes), formRole and formPerson
	// whom it is for: a refresh after a sync notice keeps such a form.
	typed                bool
	formRole, formPerson string
	ticker               liveTicker
}

func newAlarmView(u *ui, id string, visible func() bool) *alarmView {
	return &alarmView{u: u, id: id, visible: visible}
}

func (a *alarmView) load() error {
	hb, err := a.u.st.Load(a.u.ctx)
	if err != nil {
		return err
	}
	a.hb = hb.Live()
	i := slices.IndexFunc(a.hb.Incidents, func(inc handbook.Incident) bool { return inc.ID == a.id })
	if i < 0 {
		return fmt.Errorf("show alarm test %s: %w", a.id, store.ErrNotFound)
	}
	a.inc = a.hb.Incidents[i]
	for _, x := range a.hb.Exercises {
		if x.ID == a.inc.ExerciseID {
			a.x = x
		}
	}
	a.plan = handbook.AlarmPlan(a.hb, a.inc.StartedAt)
	a.sum = handbook.AlarmTestSummary(a.plan, a.inc, a.hb.LogEntries)
	return nil
}

func (a *alarmView) object() (fyne.CanvasObject, error) {
	if err := a.load(); err != nil {
		return nil, err
	}
	title := heading(a.x.Title)
	a.running = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	a.shares = widget.NewLabel("")
	a.shares.Wrapping = fyne.TextWrapWord
	a.roles = container.NewVBox()
	a.call = container.NewVBox()
	a.status = widget.NewLabel("")
	a.status.Wrapping = fyne.TextWrapWord
	buttons := container.NewHBox(newIconButton(lang.L("Print exercise report"), theme.DocumentPrintIcon(), func() { a.u.printExerciseReport(a.x.ID) }))
	if a.inc.Open() {
		finish := newIconButton(lang.L("Finish and evaluate …"), theme.ConfirmIcon(), func() { a.u.evaluateDialog(a.x.ID, a.inc) })
		finish.Importance = widget.WarningImportance
		buttons.Add(finish)
	}
	head := container.NewVBox(exerciseBanner(lang.L("EXERCISE – alarm test: call as in a real alarm, but say it is a test")),
		container.NewBorder(nil, nil, nil, a.running, title), a.shares, buttons)
	left := container.NewBorder(heading(lang.L("Roles in call order")), nil, nil, nil, container.NewVScroll(a.roles))
	callHead := heading(lang.L("Next call"))
	callBody := container.NewVBox(a.call, a.status)
	right := container.NewBorder(callHead, nil, nil, nil, container.NewVScroll(callBody))
	parts := container.New(&alarmLayout{natural: func() float32 {
		return callHead.MinSize().Height + theme.Padding() + callBody.MinSize().Height
	}, form: callBody}, left, right)
	a.render()
	// The whole view scrolls when the screen is too low for the head, the
	// next call and a useful part of the roles.
	return container.NewPadded(container.NewVScroll(container.NewBorder(container.NewVBox(head, widget.NewSeparator()), nil, nil, nil, parts))), nil
}

// render fills every part from the loaded state.
func (a *alarmView) render() {
	a.renderShares()
	a.renderRoles()
	a.renderCall()
	a.tick(a.u.now())
}

// renderShares says how many roles were reached, and how.
func (a *alarmView) renderShares() {
	s := a.sum
	a.shares.SetText(lang.L("{{.N}} roles: {{.Primary}} % reached through the primary, {{.Deputy}} % through a deputy, {{.None}} % not (yet) at all · {{.Wrong}} wrong numbers",
		map[string]any{"N": len(s.Roles), "Primary": s.Share(s.Primary), "Deputy": s.Share(s.Deputy), "None": s.Share(s.None + s.Untried), "Wrong": len(s.WrongNumbers)}))
}

func (a *alarmView) renderRoles() {
	a.roles.RemoveAll()
	names := map[string]string{}
	for _, c := range a.hb.Contacts {
		names[c.ID] = c.FullName()
	}
	level := -1
	for _, r := range a.sum.Roles {
		if r.Level != level {
			level = r.Level
			within := ""
			if r.Within > 0 {
				within = " · " + lang.L("within {{.Time}}", map[string]any{"Time": r.Within.String()})
			}
			a.roles.Add(widget.NewLabelWithStyle(handbook.LevelTitle(lang.L("Level"), r.Level, r.LevelName)+within, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		}
		state := widget.NewLabel("")
		state.Wrapping = fyne.TextWrapWord
		switch r.By {
		case handbook.ReachedPrimary, handbook.ReachedDeputy:
			who := lang.L("primary")
			if r.By == handbook.ReachedDeputy {
				who = lang.L("deputy")
			}
			state.SetText("✓ " + lang.L("{{.Name}} ({{.Who}}) after {{.After}}", map[string]any{"Name": names[r.Contact], "Who": who, "After": r.After.String()}))
			state.Importance = widget.SuccessImportance
			if !r.InTime {
				state.SetText("⚠ " + state.Text + " – " + lang.L("late"))
				state.Importance = widget.WarningImportance
			}
		case handbook.ReachedNone:
			state.SetText("✗ " + lang.L("nobody reached yet"))
			state.Importance = widget.DangerImportance
		default:
			state.SetText(lang.L("not called yet"))
			state.Importance = widget.LowImportance
		}
		var people []string
		for _, p := range r.People {
			people = append(people, p.Name)
		}
		role := r
		pick := newButton(r.Role, func() {
			a.role, a.person = role.RoleID, ""
			a.renderCall()
		})
		pick.Importance = widget.LowImportance
		if r.RoleID == a.current().RoleID {
			pick.Importance = widget.HighImportance
		}
		peopleLabel := widget.NewLabel(strings.Join(people, " → "))
		peopleLabel.SizeName = theme.SizeNameCaptionText
		peopleLabel.Wrapping = fyne.TextWrapWord
		a.roles.Add(container.NewBorder(nil, nil, pick, nil, container.NewVBox(state, peopleLabel)))
	}
	a.roles.Refresh()
}

// current is the role the next call is for: the one chosen, else the
// first nobody was reached for.
func (a *alarmView) current() handbook.AlarmResult {
	if a.role != "" {
		if i := slices.IndexFunc(a.sum.Roles, func(r handbook.AlarmResult) bool { return r.RoleID == a.role }); i >= 0 {
			return a.sum.Roles[i]
		}
	}
	r, _, _ := a.sum.NextCall()
	return r
}

// currentPerson is the person to call for the role: the one chosen, else
// the first not called yet.
func (a *alarmView) currentPerson(r handbook.AlarmResult) (handbook.CallPerson, bool) {
	for _, p := range r.People {
		if p.ContactID == a.person {
			return p, true
		}
	}
	for _, p := range r.People {
		if !slices.ContainsFunc(r.Attempts, func(e handbook.LogEntry) bool { return e.Call.Contact == p.ContactID }) {
			return p, true
		}
	}
	if len(r.People) > 0 {
		return r.People[0], true
	}
	return handbook.CallPerson{}, false
}

func (a *alarmView) renderCall() {
	a.call.RemoveAll()
	a.after = nil
	a.typed, a.formRole, a.formPerson = false, "", ""
	if !a.inc.Open() {
		a.call.Add(widget.NewLabel(lang.L("The alarm test is finished.")))
		a.call.Refresh()
		return
	}
	r := a.current()
	if r.RoleID == "" {
		done := widget.NewLabel("✓ " + lang.L("Every role is done. Finish the test to evaluate it."))
		done.Wrapping = fyne.TextWrapWord
		a.call.Add(done)
		a.call.Refresh()
		return
	}
	p, ok := a.currentPerson(r)
	if !ok {
		a.call.Add(widget.NewLabel(lang.L("Nobody holds this role.")))
		a.call.Refresh()
		return
	}
	var names []string
	for _, x := range r.People {
		names = append(names, x.Name)
	}
	person := widget.NewSelect(names, nil)
	person.SetSelected(p.Name)
	person.OnChanged = func(string) {
		a.person = r.People[person.SelectedIndex()].ContactID
		a.role = r.RoleID
		a.renderCall()
	}
	a.formRole, a.formPerson = r.RoleID, p.ContactID
	typed := func() { a.typed = true }
	// One row for the numbers: a row each pushed the buttons out of
	// sight on a 640-pixel-high screen.
	numbers := widget.NewSelect(p.Phones(), nil)
	if len(p.Phones()) > 0 {
		numbers.SetSelected(p.Phones()[0])
	}
	numbers.OnChanged = func(string) { typed() }
	a.after = widget.NewEntry()
	a.edited = false
	a.after.OnChanged = func(string) { a.edited = true; typed() }
	wrong := widget.NewCheck(lang.L("Number wrong: nobody or someone else answered"), func(bool) { typed() })
	note := widget.NewEntry()
	note.SetPlaceHolder(lang.L("Note (optional)"))
	note.OnChanged = func(string) { typed() }
	record := func(reached bool) {
		after, err := handbook.ParseMinutes(a.after.Text)
		if err != nil {
			a.status.SetText("⚠ " + lang.L("Enter the minutes since the start of the test, e.g. 12."))
			a.status.Importance = widget.DangerImportance
			a.status.Refresh()
			return
		}
		rec, err := a.u.ops.RecordCall(a.u.ctx, ops.RecordCall{DrillID: a.inc.ID, Role: r.RoleID, Contact: p.ContactID, Reached: reached,
			After: after, Number: numbers.Selected, WrongNumber: wrong.Checked, Note: note.Text, Tr: translate,
			By: a.u.author(), Initials: a.u.initials()})
		if oe, ok := ops.AsError(err); ok {
			a.status.SetText("⚠ " + oe.Text(translate))
			a.status.Importance = widget.DangerImportance
			a.status.Refresh()
			return
		}
		if err != nil {
			a.u.saveFailed(err)
			return
		}
		a.role, a.person, a.typed = "", "", false
		switch {
		case rec.Verified:
			a.status.SetText("✓ " + lang.L("{{.Name}} is verified.", map[string]any{"Name": rec.Contact.FullName()}))
			a.status.Importance = widget.SuccessImportance
		case rec.Flagged:
			a.status.SetText("⚠ " + lang.L("{{.Name}} is on the verify list: {{.What}}", map[string]any{"Name": rec.Contact.FullName(), "What": rec.Contact.Correction}))
			a.status.Importance = widget.WarningImportance
		default:
			a.status.SetText(lang.L("Recorded. Call the next person."))
			a.status.Importance = widget.MediumImportance
		}
		a.refresh()
	}
	reached := newIconButton(lang.L("Reached"), theme.ConfirmIcon(), func() { record(true) })
	reached.Importance = widget.HighImportance
	notReached := newIconButton(lang.L("Not reached"), theme.CancelIcon(), func() { record(false) })
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Role"), widget.NewLabelWithStyle(r.Role, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		widget.NewFormItem(lang.L("Person"), person),
		widget.NewFormItem(lang.L("Number called"), numbers),
		widget.NewFormItem(lang.L("Minutes since the start"), a.after),
		widget.NewFormItem("", wrong),
		widget.NewFormItem(lang.L("Note"), note))
	a.call.Add(form)
	a.call.Add(container.NewGridWithColumns(2, notReached, reached))
	a.call.Refresh()
	a.tick(a.u.now())
}

// tick moves the running time and, unless edited, the minutes of the call.
func (a *alarmView) tick(now time.Time) {
	if a.inc.Open() {
		a.running.SetText(lang.L("running for {{.Elapsed}}", map[string]any{"Elapsed": elapsed(now.Sub(a.inc.StartedAt))}))
	} else {
		a.running.SetText(lang.L("closed after {{.Elapsed}}", map[string]any{"Elapsed": elapsed(a.inc.ClosedAt.Sub(a.inc.StartedAt))}))
	}
	if a.after != nil && !a.edited {
		typed := a.typed
		a.after.SetText(minutesText(handbook.Minutes(now.Sub(a.inc.StartedAt) / time.Minute)))
		a.edited, a.typed = false, typed
	}
}

// refresh reloads the test after a change. A call the user has begun to
// enter stays as it is, for the same role and person, while the roles
// and the shares follow the change: a sync notice must not wipe a
// half-typed note.
func (a *alarmView) refresh() {
	if err := a.load(); err != nil {
		a.u.loadFailed(err)
		return
	}
	if !a.typed {
		a.render()
		return
	}
	a.role, a.person = a.formRole, a.formPerson
	a.renderShares()
	a.renderRoles()
	a.tick(a.u.now())
}

// start runs the ticker until the view leaves the screen.
func (a *alarmView) start() { a.ticker.start(a.u, a.visible, a.tick) }

// stop ends the ticker.
func (a *alarmView) stop() { a.ticker.stop() }
