package app

import (
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
)

// smallDialog is a dialog with a form, a line for problems and Cancel and
// OK buttons; ok returns a problem to show, or "" when done.
func (r *runView) smallDialog(title, okText string, body fyne.CanvasObject, size fyne.Size, ok func() string) dialog.Dialog {
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	var d dialog.Dialog
	okBtn := newIconButton(okText, theme.ConfirmIcon(), func() {
		if msg := ok(); msg != "" {
			problem.SetText(msg)
			problem.Show()
			return
		}
		d.Hide()
	})
	okBtn.Importance = widget.HighImportance
	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(title, container.NewVBox(body, problem, container.NewGridWithColumns(2, cancel, okBtn)), r.u.win)
	d.Resize(size)
	d.Show()
	enterSubmits(r.u.win.Canvas(), body, okBtn.OnTapped)
	return d
}

// refusal is a problem to show for err: an operation's refusal in its own
// words; other errors go to the error dialog and close the form.
func (r *runView) refusal(err error) string {
	if oe, ok := ops.AsError(err); ok {
		return oe.Text(translate)
	}
	if err != nil {
		r.u.saveFailed(err)
	}
	return ""
}

// dateClockInputs are a date and a time of day entry, filled with t.
func dateClockInputs(t time.Time) (*widget.Entry, *widget.Entry) {
	date, clock := widget.NewEntry(), widget.NewEntry()
	date.SetPlaceHolder(datePlaceHolder())
	clock.SetPlaceHolder(lang.L("HH:MM"))
	if !t.IsZero() {
		date.SetText(day(t))
		clock.SetText(t.Local().Format(layoutClock))
	}
	return date, clock
}

// factsDialog changes the impact and the next update; each change is
// logged.
func (r *runView) factsDialog() {
	impact, next := handbook.CurrentFacts(r.inc, r.log)
	in := widget.NewMultiLineEntry()
	in.Wrapping = fyne.TextWrapWord
	in.SetMinRowsVisible(4)
	in.SetText(impact)
	in.SetPlaceHolder(lang.L("What does it do to customers, staff, operations? (for messages)"))
	date, clock := dateClockInputs(next)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Impact"), in),
		widget.NewFormItem(lang.L("Next update"), container.NewGridWithColumns(2, date, clock)),
	)
	r.smallDialog(lang.L("Impact and next update"), lang.L("Log the change"), form, fyne.NewSize(620, 340), func() string {
		t, err := optionalDateClock(date.Text, clock.Text)
		if err != nil {
			return lang.L("Enter the next update as date (DD.MM.YYYY) and time (HH:MM), or leave both empty.")
		}
		req := ops.SetFacts{IncidentID: r.id, Impact: &in.Text, By: r.u.author(), Initials: r.u.initials()}
		if !t.IsZero() {
			req.NextUpdate = &t
		}
		return r.refusal(r.u.ops.SetFacts(r.u.ctx, req))
	})
}

// regimeDialog adds a reporting regime that turned out to apply, with its
// own awareness time (and, for DORA, the classification as major).
func (r *runView) regimeDialog() {
	applies := map[string]bool{}
	for _, run := range handbook.RegimesOf(r.inc, r.log) {
		applies[run.Regime] = true
	}
	var regimes, labels []string
	for _, g := range handbook.Regimes {
		if !applies[g] {
			regimes = append(regimes, g)
			labels = append(labels, lang.L(handbook.RegimeNames[g]))
		}
	}
	if len(regimes) == 0 {
		dialog.ShowInformation(lang.L("Reporting duty"), lang.L("Every reporting duty Ernstfall knows applies to this incident already."), r.u.win)
		return
	}
	pick := widget.NewSelect(labels, nil)
	pick.SetSelectedIndex(0)
	now := r.u.now()
	awareDate, awareClock := dateClockInputs(now)
	classDate, classClock := dateClockInputs(time.Time{})
	classRow := widget.NewFormItem(lang.L("Classified as major"), container.NewGridWithColumns(2, classDate, classClock))
	hint := widget.NewLabel(lang.L("Its reports run from this awareness time, not from the incident's."))
	hint.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Reporting duty"), pick),
		widget.NewFormItem(lang.L("Aware since"), container.NewGridWithColumns(2, awareDate, awareClock)),
		classRow,
	)
	classDate.Disable()
	classClock.Disable()
	pick.OnChanged = func(string) {
		dora := regimes[pick.SelectedIndex()] == handbook.RegimeDORA
		for _, e := range []*widget.Entry{classDate, classClock} {
			if dora {
				e.Enable()
			} else {
				e.Disable()
			}
		}
	}
	pick.OnChanged("")
	r.smallDialog(lang.L("Add a reporting duty"), lang.L("Add"), container.NewVBox(form, hint), fyne.NewSize(620, 320), func() string {
		aware, err := parseDateClock(awareDate.Text, awareClock.Text)
		if err != nil {
			return lang.L("Enter when you became aware as date (YYYY-MM-DD) and time (HH:MM).")
		}
		req := ops.AddRegime{IncidentID: r.id, Regime: regimes[pick.SelectedIndex()], AwareAt: aware, By: r.u.author(), Initials: r.u.initials()}
		if req.Regime == handbook.RegimeDORA {
			if req.ClassifiedAt, err = optionalDateClock(classDate.Text, classClock.Text); err != nil {
				return lang.L("Enter the classification as date (DD.MM.YYYY) and time (HH:MM), or leave both empty.")
			}
		}
		return r.refusal(r.u.ops.AddRegime(r.u.ctx, req))
	})
}

// waiveDialog declares a report not needed, with the reason.
func (r *runView) waiveDialog(clock string) {
	reason := widget.NewMultiLineEntry()
	reason.Wrapping = fyne.TextWrapWord
	reason.SetMinRowsVisible(3)
	reason.SetPlaceHolder(lang.L("Why is the report not needed? (goes into the log)"))
	intro := widget.NewLabel(clockName(clock))
	intro.TextStyle.Bold = true
	intro.Wrapping = fyne.TextWrapWord
	r.smallDialog(lang.L("Report not needed"), lang.L("Declare not needed"), container.NewVBox(intro, reason), fyne.NewSize(560, 280), func() string {
		return r.refusal(r.u.ops.WaiveReport(r.u.ctx, ops.WaiveReport{IncidentID: r.id, Clock: clock, Reason: reason.Text,
			By: r.u.author(), Initials: r.u.initials()}))
	})
}

// classifyDialog records when the incident was classified as major.
func (r *runView) classifyDialog(regime string) {
	date, clock := dateClockInputs(r.u.now())
	hint := widget.NewLabel(lang.L("The initial notification is due 4 hours after the classification, at the latest 24 hours after awareness."))
	hint.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(widget.NewFormItem(lang.L("Classified as major"), container.NewGridWithColumns(2, date, clock)))
	r.smallDialog(lang.L(handbook.RegimeNames[regime]), lang.L("Log the classification"), container.NewVBox(form, hint), fyne.NewSize(560, 240), func() string {
		t, err := parseDateClock(date.Text, clock.Text)
		if err != nil {
			return lang.L("Enter the date as YYYY-MM-DD and the time as HH:MM.")
		}
		return r.refusal(r.u.ops.Classify(r.u.ctx, r.id, regime, t, r.u.author(), r.u.initials()))
	})
}

// openReportsBox lists the reports an incident still owes, for the close
// dialog; nil when none is open.
func openReportsBox(r *runView) fyne.CanvasObject {
	open := handbook.OpenReports(r.inc, r.log, time.Local)
	if len(open) == 0 {
		return nil
	}
	now := r.u.now()
	box := container.NewVBox()
	head := widget.NewLabelWithStyle("⚠ "+lang.L("These reports are neither sent nor declared not needed:"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Importance = widget.DangerImportance
	head.Wrapping = fyne.TextWrapWord
	box.Add(head)
	for _, d := range open {
		state := lang.L("due {{.Time}}", map[string]any{"Time": stamp(d.Due)})
		if d.Overdue(now) {
			state = lang.L("overdue since {{.Time}}", map[string]any{"Time": stamp(d.Due)})
		}
		l := widget.NewLabel("• " + clockName(d.Clock) + " – " + state)
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	note := widget.NewLabel(lang.L("They stay on the overview until they are sent or declared not needed."))
	note.Wrapping = fyne.TextWrapWord
	box.Add(note)
	return box
}

// pendingReportsCard lists every report still owed, of running and closed
// incidents, earliest due first; nil when none is.
func pendingReportsCard(u *ui, hb handbook.Handbook, now time.Time, tk *ticks) fyne.CanvasObject {
	pending := handbook.PendingReports(hb, time.Local)
	if len(pending) == 0 {
		return nil
	}
	var items []fyne.CanvasObject
	for _, p := range pending {
		title := p.Incident.Title
		if !p.Incident.Open() {
			title = lang.L("{{.Title}} (closed)", map[string]any{"Title": title})
		}
		text := func(now time.Time) string {
			state := lang.L("due {{.Time}}", map[string]any{"Time": stamp(p.Due)})
			if p.Overdue(now) {
				state = "⚠ " + lang.L("overdue since {{.Time}}", map[string]any{"Time": stamp(p.Due)})
			}
			return strings.Join([]string{clockShort(p.Clock), state, title}, " · ")
		}
		l := u.link(text(now), handbook.EntityIncident, p.Incident.ID)
		tk.add(func(now time.Time) { setLinkText(l, text(now)) })
		items = append(items, l)
	}
	return card(lang.L("Reports still open"), items, "")
}
