package app

import (
	"cmp"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// newInjectFor is how long an inject that just appeared stays marked new.
const newInjectFor = 3 * time.Minute

// drillParts are what a run view adds when its incident is a drill: the
// banner, the injects as they appear, and the exercise's own buttons.
type drillParts struct {
	r *runView
	x handbook.Exercise
	// injects lists the injects that appeared; shown counts them, so the
	// ticker sees when the next one appears.
	injects *fyne.Container
	shown   int
	// freshUntil is when the last inject marked new loses its mark; the
	// ticker redraws then, so the mark does not stay until the next change.
	freshUntil time.Time
	// preview shows the injects still to come, for the facilitator.
	preview bool
}

// exerciseBanner is the red bar that marks everything of a drill. Its
// text wraps: drawn in one line it made a drill need 800 pixels.
func exerciseBanner(text string) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameError))
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	l.SizeName = theme.SizeNameSubHeadingText
	return container.NewStack(bg, container.NewThemeOverride(l, bannerTheme{}))
}

// bannerTheme writes white on the banner's red in light and dark mode.
type bannerTheme struct{}

func (bannerTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameForeground {
		return color.White
	}
	return fyne.CurrentApp().Settings().Theme().Color(n, v)
}

func (bannerTheme) Font(s fyne.TextStyle) fyne.Resource {
	return fyne.CurrentApp().Settings().Theme().Font(s)
}

func (bannerTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return fyne.CurrentApp().Settings().Theme().Icon(n)
}

func (bannerTheme) Size(n fyne.ThemeSizeName) float32 {
	return fyne.CurrentApp().Settings().Theme().Size(n)
}

// drillStamp is the stamp of a drill's messages in the user's language.
func drillStamp() string { return lang.L("EXERCISE – not a real message") }

// stamped is a message as it leaves a drill: with the stamp, put back
// where an edit took it out. A real incident's message stays as written.
func (r *runView) stamped(subject, body string) (string, string) {
	if !r.inc.Drill() {
		return subject, body
	}
	return handbook.Restamp(drillStamp(), subject, body)
}

// newDrillParts prepares the drill's parts of a run view.
func newDrillParts(r *runView) *drillParts {
	d := &drillParts{r: r, injects: container.NewVBox()}
	for _, x := range r.hb.Exercises {
		if x.ID == r.inc.ExerciseID {
			d.x = x
		}
	}
	return d
}

// banner says in red that this is an exercise.
func (d *drillParts) banner() fyne.CanvasObject {
	return exerciseBanner(lang.L("EXERCISE – {{.Kind}}: not a real incident, no real deadlines", map[string]any{"Kind": exerciseKindLabel(d.x.Kind)}))
}

// buttons are the drill's own actions.
func (d *drillParts) buttons(box *fyne.Container) {
	r := d.r
	if !r.inc.Open() {
		return
	}
	if d.x.Kind == handbook.ExerciseFunctional || len(d.x.Services) > 0 {
		box.Add(newIconButton(lang.L("Recovery measured …"), theme.HistoryIcon(), d.recoveryDialog))
	}
}

// closeButton evaluates the exercise instead of closing an incident.
func (d *drillParts) closeButton() *button {
	b := newIconButton(lang.L("Evaluate exercise …"), theme.ConfirmIcon(), func() { d.r.u.evaluateDialog(d.x.ID, d.r.inc) })
	b.Importance = widget.WarningImportance
	return b
}

// pane puts the injects above the log.
func (d *drillParts) pane(logPane fyne.CanvasObject) fyne.CanvasObject {
	add := newIconButton(lang.L("Inject now …"), theme.ContentAddIcon(), d.injectDialog)
	preview := widget.NewCheck(lang.L("Facilitator: show what comes"), func(on bool) {
		d.preview = on
		d.render(d.r.u.now())
	})
	// The facilitator's box sits below the heading: beside it, heading,
	// box and button claimed 590 pixels and left the checklist 190.
	var top fyne.CanvasObject = heading(lang.L("Injects"))
	if d.r.inc.Open() {
		top = container.NewVBox(container.NewBorder(nil, nil, top, add), preview)
	}
	injects := container.NewBorder(top, nil, nil, nil, container.NewVScroll(d.injects))
	split := container.NewVSplit(injects, logPane)
	split.Offset = 0.65
	return split
}

// render lists the injects that appeared, newest first; the facilitator
// also sees those still to come.
func (d *drillParts) render(now time.Time) {
	r := d.r
	all := handbook.DrillInjects(r.inc, r.log, now)
	d.injects.RemoveAll()
	d.shown = 0
	d.freshUntil = time.Time{}
	var waiting []handbook.DrillInject
	for _, in := range all {
		if in.Shown() {
			d.shown++
		} else {
			waiting = append(waiting, in)
		}
	}
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Shown() {
			d.injects.Add(d.card(all[i], now))
		}
	}
	if d.shown == 0 {
		l := widget.NewLabel(lang.L("No inject yet. Prepared injects appear here at their time."))
		l.Wrapping = fyne.TextWrapWord
		d.injects.Add(l)
	}
	if len(waiting) > 0 && r.inc.Open() {
		more := widget.NewLabel(lang.L("{{.N}} more prepared", map[string]any{"N": len(waiting)}))
		more.SizeName = theme.SizeNameCaptionText
		d.injects.Add(more)
		if d.preview {
			for _, in := range waiting {
				in := in
				line := widget.NewLabel(lang.L("at {{.Time}} (T+{{.At}}): {{.Text}}", map[string]any{"Time": in.Due.Local().Format(layoutClock), "At": in.At.String(), "Text": in.Text}))
				line.Wrapping = fyne.TextWrapWord
				line.Importance = widget.LowImportance
				now := newIconButton(lang.L("Bring in now"), theme.MediaFastForwardIcon(), func() {
					r.addEntry(handbook.LogEntry{Kind: handbook.LogInject, Inject: in.Key, Text: in.Text})
				})
				now.Importance = widget.LowImportance
				d.injects.Add(container.NewBorder(nil, nil, nil, now, line))
			}
		}
	}
	d.injects.Refresh()
}

// card shows one inject that appeared, with what the team did about it.
func (d *drillParts) card(in handbook.DrillInject, now time.Time) fyne.CanvasObject {
	r := d.r
	when := in.Appeared.Local().Format(layoutClock)
	if !in.Spontaneous {
		when += " · T+" + in.At.String()
	}
	head := widget.NewLabelWithStyle(strings.Join(nonEmpty(when, in.From), " · "), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	text := widget.NewLabel(in.Text)
	text.Wrapping = fyne.TextWrapWord
	text.TextStyle = fyne.TextStyle{Bold: true}
	box := container.NewVBox(head, text)
	if d.preview && in.Expected != "" {
		exp := widget.NewLabel(lang.L("Expected: {{.Text}}", map[string]any{"Text": in.Expected}))
		exp.Wrapping = fyne.TextWrapWord
		exp.SizeName = theme.SizeNameCaptionText
		box.Add(exp)
	}
	for _, e := range in.Responses {
		l := widget.NewLabel("→ " + e.At.Local().Format(layoutClock) + " " + logKindLabel(e.Kind) + ": " + e.Text)
		l.Wrapping = fyne.TextWrapWord
		l.SizeName = theme.SizeNameCaptionText
		box.Add(l)
	}
	fresh := r.inc.Open() && now.Sub(in.Appeared) < newInjectFor
	if r.inc.Open() {
		react := newIconButton(lang.L("What did the team do? …"), theme.DocumentCreateIcon(), func() { d.reactDialog(in) })
		react.Importance = widget.LowImportance
		if len(in.Responses) == 0 {
			react.Importance = widget.MediumImportance
		}
		box.Add(container.NewHBox(react))
	}
	frame := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	frame.CornerRadius = theme.InputRadiusSize()
	frame.StrokeWidth = 1
	frame.StrokeColor = theme.Color(theme.ColorNameSeparator)
	if fresh {
		frame.StrokeWidth = 3
		frame.StrokeColor = theme.Color(theme.ColorNameError)
		head.SetText(lang.L("NEW") + " · " + head.Text)
		if until := in.Appeared.Add(newInjectFor); until.After(d.freshUntil) {
			d.freshUntil = until
		}
	}
	return container.NewStack(frame, container.NewPadded(box))
}

// tick shows an inject the moment its time comes.
func (d *drillParts) tick(now time.Time) {
	n := 0
	for _, in := range handbook.DrillInjects(d.r.inc, d.r.log, now) {
		if in.Shown() {
			n++
		}
	}
	switch {
	case n != d.shown:
		d.render(now)
		d.r.u.app.SendNotification(fyne.NewNotification(lang.L("EXERCISE: new inject"), d.latest(now)))
	case !d.freshUntil.IsZero() && !now.Before(d.freshUntil):
		d.render(now)
	}
}

// latest is the text of the inject that appeared last.
func (d *drillParts) latest(now time.Time) string {
	var out string
	for _, in := range handbook.DrillInjects(d.r.inc, d.r.log, now) {
		if in.Shown() {
			out = in.Text
		}
	}
	return out
}

// reactDialog logs what the team did about an inject.
func (d *drillParts) reactDialog(in handbook.DrillInject) {
	r := d.r
	kind := widget.NewSelect(nil, nil)
	for _, k := range noteKinds {
		kind.Options = append(kind.Options, logKindLabel(k))
	}
	kind.SetSelectedIndex(slices.Index(noteKinds, handbook.LogDecision))
	text := widget.NewMultiLineEntry()
	text.Wrapping = fyne.TextWrapWord
	text.SetMinRowsVisible(3)
	var dlg dialog.Dialog
	ok := newIconButton(lang.L("Add to log"), theme.ConfirmIcon(), func() {
		if strings.TrimSpace(text.Text) == "" {
			return
		}
		dlg.Hide()
		r.addEntry(handbook.LogEntry{Kind: noteKinds[kind.SelectedIndex()], Inject: in.Key, Text: text.Text})
	})
	ok.Importance = widget.HighImportance
	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), func() { dlg.Hide() })
	quote := widget.NewLabel(in.Text)
	quote.Wrapping = fyne.TextWrapWord
	quote.TextStyle = fyne.TextStyle{Italic: true}
	dlg = dialog.NewCustomWithoutButtons(lang.L("Reaction to the inject"),
		container.NewVBox(quote, kind, text, container.NewGridWithColumns(2, cancel, ok)), r.u.win)
	dlg.Resize(fyne.NewSize(560, 340))
	dlg.Show()
}

// injectDialog brings in an inject made up on the spot.
func (d *drillParts) injectDialog() {
	r := d.r
	from := widget.NewEntry()
	from.SetPlaceHolder(lang.L("From whom (e.g. journalist on the phone)"))
	text := widget.NewMultiLineEntry()
	text.Wrapping = fyne.TextWrapWord
	text.SetMinRowsVisible(3)
	var dlg dialog.Dialog
	ok := newIconButton(lang.L("Bring in now"), theme.ConfirmIcon(), func() {
		msg := strings.TrimSpace(text.Text)
		if msg == "" {
			return
		}
		if f := strings.TrimSpace(from.Text); f != "" {
			msg = f + ": " + msg
		}
		dlg.Hide()
		r.addEntry(handbook.LogEntry{Kind: handbook.LogInject, Text: msg})
	})
	ok.Importance = widget.HighImportance
	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), func() { dlg.Hide() })
	dlg = dialog.NewCustomWithoutButtons(lang.L("Inject now"), container.NewVBox(from, text, container.NewGridWithColumns(2, cancel, ok)), r.u.win)
	dlg.Resize(fyne.NewSize(560, 320))
	dlg.Show()
}

// recoveryDialog records what a recovery test achieved for a service.
func (d *drillParts) recoveryDialog() {
	r := d.r
	services := slices.Clone(r.hb.Services)
	slices.SortStableFunc(services, func(a, b handbook.Service) int {
		ia, ib := slices.Contains(d.x.Services, a.ID), slices.Contains(d.x.Services, b.ID)
		if ia != ib {
			return boolRank(ib) - boolRank(ia)
		}
		return strings.Compare(a.Name, b.Name)
	})
	var names []string
	for _, s := range services {
		names = append(names, s.Name+" (RTO "+s.RTO.String()+", RPO "+s.RPO.String()+")")
	}
	svc := widget.NewSelect(names, nil)
	if len(names) > 0 {
		svc.SetSelectedIndex(0)
	}
	took := widget.NewEntry()
	took.SetPlaceHolder(lang.L("e.g. 3 h 20 min"))
	loss := widget.NewEntry()
	loss.SetPlaceHolder(lang.L("e.g. 15 min"))
	loss.SetText("0")
	note := widget.NewEntry()
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Hide()
	var dlg dialog.Dialog
	ok := newIconButton(lang.L("Record"), theme.ConfirmIcon(), func() {
		i := svc.SelectedIndex()
		rec, err1 := handbook.ParseMinutes(took.Text)
		lost, err2 := handbook.ParseMinutes(cmp.Or(strings.TrimSpace(loss.Text), "0"))
		if i < 0 || err1 != nil || err2 != nil {
			problem.SetText(lang.L("Choose the service and enter the times as 90, 90 min, 4 h or 1:30."))
			problem.Show()
			return
		}
		_, err := r.u.ops.RecordRecovery(r.u.ctx, ops.RecordRecovery{DrillID: r.id, Service: services[i].ID, Recovery: rec, DataLoss: lost,
			Note: note.Text, By: r.u.author(), Initials: r.u.initials()})
		if r.u.refusedIn(problem, err) {
			return
		}
		dlg.Hide()
	})
	ok.Importance = widget.HighImportance
	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), func() { dlg.Hide() })
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Service"), svc),
		widget.NewFormItem(lang.L("Recovered after"), took),
		widget.NewFormItem(lang.L("Data lost (time before the failure)"), loss),
		widget.NewFormItem(lang.L("Note"), note))
	dlg = dialog.NewCustomWithoutButtons(lang.L("Recovery measured"), container.NewVBox(form, problem, container.NewGridWithColumns(2, cancel, ok)), r.u.win)
	dlg.Resize(fyne.NewSize(600, 360))
	dlg.Show()
}

// recoveryText is what a recovery entry says, against RTO and RPO.
func recoveryText(hb handbook.Handbook, e handbook.LogEntry) string {
	res := e.Recovery
	name := res.Service
	for _, s := range hb.Services {
		if s.ID == res.Service {
			name = s.Name
		}
	}
	rto, rpo := lang.L("RTO missed"), lang.L("RPO missed")
	if res.RTOMet() {
		rto = lang.L("RTO met")
	}
	if res.RPOMet() {
		rpo = lang.L("RPO met")
	}
	return lang.L("{{.Service}}: recovered after {{.Took}} (RTO {{.RTO}}: {{.RTOVerdict}}), data lost {{.Loss}} (RPO {{.RPO}}: {{.RPOVerdict}})",
		map[string]any{"Service": name, "Took": res.Recovery.String(), "RTO": res.RTO.String(), "RTOVerdict": rto,
			"Loss": res.DataLoss.String(), "RPO": res.RPO.String(), "RPOVerdict": rpo})
}

// callText is what a call of an alarm test says.
func callText(hb handbook.Handbook, e handbook.LogEntry) string {
	c := e.Call
	who, role := c.Contact, c.Role
	for _, x := range hb.Contacts {
		if x.ID == c.Contact {
			who = x.FullName()
		}
	}
	for _, x := range hb.Roles {
		if x.ID == c.Role {
			role = x.Name
		}
	}
	verdict := lang.L("not reached")
	if c.Reached {
		verdict = lang.L("reached")
	}
	out := lang.L("{{.Role}}: {{.Name}} on {{.Number}} – {{.Verdict}} after {{.After}}",
		map[string]any{"Role": role, "Name": who, "Number": c.Number, "Verdict": verdict, "After": c.After.String()})
	if c.WrongNumber {
		out += " · ⚠ " + lang.L("wrong number")
	}
	if e.Text != "" && e.Text != role+": "+who {
		out += "\n" + e.Text
	}
	return out
}
