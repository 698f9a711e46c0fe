package app

import (
	"cmp"
	"fmt"
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
	"ernstfall/internal/store"
)

// tickEvery is how often a running incident's times are updated; zero
// turns the ticking off (tests use a fixed clock).
var tickEvery = time.Second

// clockWarning is how close a regulatory deadline may come before its card
// turns red.
const clockWarning = 6 * time.Hour

// runView is one incident on screen: header, regulatory clocks, checklist
// and log. Every change is stored as a log entry first and shown after.
type runView struct {
	u  *ui
	id string
	// visible reports whether the view is still on display; the ticker
	// stops when it is not.
	visible func() bool

	hb  handbook.Handbook
	inc handbook.Incident
	log []handbook.LogEntry

	title    *widget.Label
	facts    *widget.Label
	news     *widget.Label
	running  *widget.Label
	clocks   *fyne.Container
	clockRow *fyne.Container
	steps    *fyne.Container
	entries  *fyne.Container
	noteKind *widget.Select
	note     *widget.Entry
	// dues are the due labels of the checklist, updated by the ticker.
	dues   []dueLabel
	ticker liveTicker
	// stale: the store changed while the view was being read.
	stale bool
	// drill holds what a drill adds: the banner, the injects, the
	// exercise's buttons; nil for a real incident.
	drill *drillParts
}

type dueLabel struct {
	item  handbook.ChecklistItem
	label *widget.Label
}

// noteKinds are the entries a person writes by hand.
var noteKinds = []string{handbook.LogNote, handbook.LogDecision, handbook.LogCall, handbook.LogMessage}

func newRunView(u *ui, id string, visible func() bool) *runView {
	return &runView{u: u, id: id, visible: visible}
}

// load reads the handbook and the incident's log from the store.
func (r *runView) load() error {
	hb, err := r.u.st.Load(r.u.ctx)
	if err != nil {
		return err
	}
	return r.use(hb)
}

// use makes hb, as read, the handbook the view shows the incident from.
func (r *runView) use(hb handbook.Handbook) error {
	live := hb.Live()
	i := slices.IndexFunc(live.Incidents, func(inc handbook.Incident) bool { return inc.ID == r.id })
	if i < 0 {
		return fmt.Errorf("show incident %s: %w", r.id, store.ErrNotFound)
	}
	r.hb = live
	r.take(r.hb.Incidents[i])
	return nil
}

// read reads the handbook off the UI thread and hands it to done on the
// UI thread (in place where the window reads in place: tests). A large
// handbook takes a good part of a second to read.
func (r *runView) read(done func(handbook.Handbook, error)) {
	if r.u.inline {
		done(r.u.st.Load(r.u.ctx))
		return
	}
	r.u.tasks.Add(1)
	go func() {
		defer r.u.tasks.Done()
		hb, err := r.u.st.Load(r.u.ctx)
		r.u.do(func() { done(hb, err) })
	}()
}

// open reads the handbook off the UI thread, then builds the view and
// hands it to done on the UI thread.
func (r *runView) open(done func(fyne.CanvasObject, error)) {
	r.read(func(hb handbook.Handbook, err error) {
		if err == nil {
			err = r.use(hb)
		}
		if err != nil {
			done(nil, err)
			return
		}
		obj := r.build()
		if r.stale {
			r.stale = false
			r.refresh()
		}
		done(obj, nil)
	})
}

// object reads the handbook in place and builds the view.
func (r *runView) object() (fyne.CanvasObject, error) {
	if err := r.load(); err != nil {
		return nil, err
	}
	return r.build(), nil
}

// build makes the view from the handbook read.
func (r *runView) build() fyne.CanvasObject {
	r.title = heading("")
	r.title.Wrapping = fyne.TextWrapWord
	r.facts = widget.NewLabel("")
	r.facts.Wrapping = fyne.TextWrapWord
	r.news = widget.NewLabel("")
	r.news.Wrapping = fyne.TextWrapWord
	r.running = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	r.clocks = container.New(&wrapGrid{cell: clockWidth})
	r.clockRow = r.clocks
	r.steps = container.NewVBox()
	r.entries = container.NewVBox()

	// As many in a row as fit: the pane beside the incident list is
	// narrow on a 1366-pixel screen and narrower at 1024.
	buttons := container.New(&wrapGrid{})
	if r.inc.Open() {
		buttons.Add(newIconButton(lang.L("Escalation …"), theme.UploadIcon(), r.escalateDialog))
		buttons.Add(newIconButton(lang.L("Message …"), theme.MailComposeIcon(), r.templateDialog))
		buttons.Add(newIconButton(lang.L("Impact, next update …"), theme.DocumentCreateIcon(), r.factsDialog))
		buttons.Add(newIconButton(lang.L("Reporting duty …"), theme.ContentAddIcon(), r.regimeDialog))
	}
	if r.inc.Drill() {
		r.drill = newDrillParts(r)
		r.drill.buttons(buttons)
	}
	buttons.Add(newIconButton(lang.L("Print report"), theme.DocumentPrintIcon(), func() { r.u.printIncidentReport(r.id) }))
	switch {
	case r.inc.Open() && r.drill != nil:
		buttons.Add(r.drill.closeButton())
	case r.inc.Open():
		closeBtn := newIconButton(lang.L("Close incident …"), theme.ConfirmIcon(), func() { r.u.closeIncidentDialog(r) })
		closeBtn.Importance = widget.WarningImportance
		buttons.Add(closeBtn)
	}
	head := container.NewVBox(container.NewBorder(nil, nil, nil, r.running, r.title), r.facts, r.news, buttons)

	r.noteKind = widget.NewSelect(nil, nil)
	for _, k := range noteKinds {
		r.noteKind.Options = append(r.noteKind.Options, logKindLabel(k))
	}
	r.noteKind.SetSelectedIndex(0)
	r.note = widget.NewEntry()
	r.note.SetPlaceHolder(lang.L("What happened, what was decided, who was called …"))
	r.note.OnSubmitted = func(string) { r.addNote() }
	addBtn := newIconButton(lang.L("Add to log"), theme.ContentAddIcon(), r.addNote)
	logTop := container.NewVBox(heading(lang.L("Log")))
	if r.inc.Open() {
		// The text gets a row of its own: the pane is narrow and the note is what matters.
		logTop.Add(r.note)
		logTop.Add(container.NewBorder(nil, nil, nil, addBtn, r.noteKind))
	}
	var logPane fyne.CanvasObject = container.NewBorder(logTop, nil, nil, nil, container.NewVScroll(r.entries))
	if r.drill != nil {
		logPane = r.drill.pane(logPane)
		head.Objects = append([]fyne.CanvasObject{r.drill.banner()}, head.Objects...)
	}
	checkPane := container.NewBorder(heading(lang.L("Checklist")), nil, nil, nil, container.NewVScroll(r.steps))
	split := container.NewHSplit(checkPane, logPane)
	split.Offset = 0.5

	r.render()
	// The head and the report cards scroll on their own above the
	// checklist and the log, and the divider moves: on a 640-pixel-high
	// screen with five reports owed, the checklist stays in reach.
	inner := container.NewVBox(head, r.clockRow)
	whole := container.NewVSplit(container.NewVScroll(inner), split)
	whole.Offset = 0.5
	if r.drill != nil {
		// A drill's injects come in below: the head gives them room.
		whole.Offset = 0.4
		return container.NewPadded(whole)
	}
	return container.NewPadded(container.New(&fitTop{split: whole, top: inner}, whole))
}

// render fills every part from the loaded state.
func (r *runView) render() {
	now := r.u.now()
	r.title.SetText(r.inc.Title)
	r.facts.SetText(strings.Join(nonEmpty(
		lang.L("Severity: {{.S}}", map[string]any{"S": severityLabel(r.inc.Severity)}),
		r.levelText(),
		r.ownerText(),
		lang.L("Aware since {{.Time}}", map[string]any{"Time": stamp(r.inc.AwareAt)}),
	), " · "))
	impact, next := handbook.CurrentFacts(r.inc, r.log)
	news := []string{lang.L("Impact: {{.Text}}", map[string]any{"Text": cmp.Or(impact, "–")})}
	if !next.IsZero() {
		line := lang.L("Next update: {{.Time}}", map[string]any{"Time": stamp(next)})
		if r.inc.Open() && now.After(next) {
			line = "⚠ " + line + " " + lang.L("(overdue)")
		}
		news = append(news, line)
	}
	r.news.SetText(strings.Join(news, " · "))
	r.renderClocks(now)
	r.renderSteps(now)
	r.renderLog()
	if r.drill != nil {
		r.drill.render(now)
	}
	r.tick(now)
}

func (r *runView) levelText() string {
	if r.inc.Level == 0 {
		return lang.L("Escalation level: none")
	}
	for _, l := range r.hb.Escalation {
		if l.Level == r.inc.Level {
			return lang.L("Escalation: {{.Level}}", map[string]any{"Level": levelName(l)})
		}
	}
	return lang.L("Escalation: {{.Level}}", map[string]any{"Level": handbook.LevelTitle(lang.L("Level"), r.inc.Level, "")})
}

func (r *runView) ownerText() string {
	for _, role := range r.hb.Roles {
		if role.ID == r.inc.OwnerRole {
			return lang.L("Owner: {{.Role}}", map[string]any{"Role": role.Name}) + " – " + onDutyLine(r.hb, role, r.u.now())
		}
	}
	return ""
}

// tick updates what changes with the time: the running time, the clocks'
// time left and the steps' overdue marks.
func (r *runView) tick(now time.Time) {
	if r.inc.Open() {
		r.running.SetText(lang.L("running for {{.Elapsed}}", map[string]any{"Elapsed": elapsed(now.Sub(r.inc.StartedAt))}))
	} else {
		r.running.SetText(lang.L("closed after {{.Elapsed}}", map[string]any{"Elapsed": elapsed(r.inc.ClosedAt.Sub(r.inc.StartedAt))}))
	}
	for _, d := range r.dues {
		d.label.SetText(dueText(d.item, now))
		d.label.Importance = widget.MediumImportance
		if r.inc.Open() && d.item.Overdue(now) {
			d.label.Importance = widget.DangerImportance
		}
		d.label.Refresh()
	}
	r.renderClocks(now)
	if r.drill != nil {
		r.drill.tick(now)
	}
}

// start runs the ticker until the view leaves the screen. It runs for a
// closed incident too: reporting duties outlast the incident.
func (r *runView) start() { r.ticker.start(r.u, r.visible, r.tick) }

// stop ends the ticker; the view shows nothing live after it.
func (r *runView) stop() { r.ticker.stop() }

// people are what the view shows besides the incident and its log: who
// is on duty and to call, the escalation matrix, the message templates.
var people = []handbook.Entity{handbook.EntityContact, handbook.EntityRole, handbook.EntityEscalation,
	handbook.EntityMatrix, handbook.EntityCommTemplate, store.EntitySettings}

// changed follows the store. A log entry, a tick or an escalation re-reads
// only the incident and the log; reading the whole handbook again for
// each took longer than the change itself on a large handbook. A change to
// the people or the matrix reads the handbook again.
func (r *runView) changed(n []store.Notice) {
	if r.title == nil {
		// Still being read: what was read may predate this commit.
		r.stale = true
		return
	}
	switch {
	case touches(n, people...):
		r.read(func(hb handbook.Handbook, err error) {
			if !r.visible() {
				return // left the screen meanwhile
			}
			if err == nil {
				err = r.use(hb)
			}
			if err != nil {
				r.u.loadFailed(err)
				return
			}
			r.render()
		})
	case touches(n, handbook.EntityIncident, handbook.EntityLogEntry):
		r.refresh()
	}
}

// refresh reads the incident and the log entries anew; the rest of the
// handbook stays as loaded.
func (r *runView) refresh() {
	inc, err := store.Get[handbook.Incident](r.u.ctx, r.u.st, r.id)
	if err != nil {
		r.u.loadFailed(err)
		return
	}
	log, err := store.List[handbook.LogEntry](r.u.ctx, r.u.st)
	if err != nil {
		r.u.loadFailed(err)
		return
	}
	if i := slices.IndexFunc(r.hb.Incidents, func(x handbook.Incident) bool { return x.ID == r.id }); i >= 0 {
		r.hb.Incidents[i] = inc
	}
	r.hb.LogEntries = log
	r.take(inc)
	r.render()
}

// take makes inc, with its entries among r.hb's log, the incident on display.
func (r *runView) take(inc handbook.Incident) {
	r.inc = inc
	r.log = handbook.Timeline(r.inc, r.hb.LogEntries)
	r.inc.Level = handbook.CurrentLevel(r.inc, r.log)
}

// addEntry stores one log entry; the screen shows it once the store
// announces it. It reports whether the entry was stored.
func (r *runView) addEntry(e handbook.LogEntry) bool {
	e.IncidentID = r.id
	e.Author, e.Initials = r.u.author(), r.u.initials()
	if _, err := r.u.ops.Log(r.u.ctx, e); err != nil {
		r.u.opFailed(lang.L("The change could not be saved."), lang.L("Check that the disk is not full, then try again."), err)
		return false
	}
	return true
}

func (r *runView) addNote() {
	text := strings.TrimSpace(r.note.Text)
	if text == "" {
		return
	}
	if r.addEntry(handbook.LogEntry{Kind: noteKinds[r.noteKind.SelectedIndex()], Text: text}) {
		r.note.SetText("")
		// The next entry is a note again unless someone chooses otherwise:
		// a kind left over from the last entry mislabels the next one.
		r.noteKind.SetSelectedIndex(0)
	}
}

// clockShort names a report in a few words, for its card.
func clockShort(key string) string {
	if rule, ok := handbook.Rule(key); ok {
		return lang.L(rule.Short)
	}
	return key
}

// clockName names a report and what it asks for.
func clockName(key string) string {
	if rule, ok := handbook.Rule(key); ok {
		return lang.L(rule.Name)
	}
	return key
}

// clockWidth is the least width of a report's card; the cards wrap to
// further rows when they do not fit side by side, the most urgent first.
const clockWidth = 250

func (r *runView) renderClocks(now time.Time) {
	deadlines := handbook.Deadlines(r.inc, r.log, time.Local)
	r.clocks.Objects = nil
	if len(deadlines) == 0 {
		r.clockRow.Hide()
		return
	}
	// Open reports by due time first, then those done.
	slices.SortStableFunc(deadlines, func(a, b handbook.Deadline) int {
		if a.Done() != b.Done() {
			return boolRank(a.Done()) - boolRank(b.Done())
		}
		if a.Done() {
			return 0
		}
		return a.Due.Compare(b.Due)
	})
	for _, d := range deadlines {
		r.clocks.Objects = append(r.clocks.Objects, r.clockCard(d, now))
	}
	r.clockRow.Show()
	r.clocks.Refresh()
}

// clockCard shows one regulatory deadline: due, time left, and the button
// that records the report as sent. It turns red when less than
// clockWarning is left or the deadline passed.
func (r *runView) clockCard(d handbook.Deadline, now time.Time) fyne.CanvasObject {
	short := clockShort(d.Clock)
	if d.Practice {
		short = lang.L("EXERCISE") + " · " + short
	}
	name := widget.NewLabelWithStyle(short, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	dueText := lang.L("due {{.Time}}", map[string]any{"Time": cardStamp(d.Due, now)})
	hint := ""
	switch {
	case d.AwaitsClassification:
		dueText = lang.L("due {{.Time}} at the latest", map[string]any{"Time": cardStamp(d.Due, now)})
		hint = lang.L("4 h after classification as major")
	case d.Rule.Reminder:
		dueText = lang.L("reminder {{.Time}}", map[string]any{"Time": cardStamp(d.Due, now)})
		hint = lang.L("without undue delay")
	}
	// Compact, so that five reports fit in two rows beside the incident
	// list on a 1366-pixel screen: the name; the time left with the due
	// time (or what was done) small beside it, wrapped rather than cut so
	// that the due time is always read whole; the buttons.
	name.Truncation = fyne.TextTruncateEllipsis
	left := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	detail := strings.Join(nonEmpty(dueText, hint), " · ")
	urgent := false
	switch {
	case !d.WaivedAt.IsZero():
		left.SetText("✓ " + lang.L("not needed"))
		detail = lang.L("not needed: {{.Reason}} ({{.By}})", map[string]any{"Reason": d.Reason, "By": d.WaivedBy})
		left.Importance = widget.SuccessImportance
	case d.Done():
		left.SetText("✓ " + lang.L("sent"))
		detail = cardStamp(d.SentAt, now) + " · " + d.SentBy
		left.Importance = widget.SuccessImportance
	case d.Overdue(now):
		left.SetText("⚠ " + lang.L("overdue by {{.Time}}", map[string]any{"Time": cardSpan(now.Sub(d.Due))}))
		urgent = true
	default:
		left.SetText(lang.L("{{.Time}} left", map[string]any{"Time": cardSpan(d.Left(now))}))
		urgent = d.Left(now) < clockWarning
	}
	if urgent {
		left.Importance = widget.DangerImportance
	}
	small := widget.NewLabel(detail)
	small.SizeName = theme.SizeNameCaptionText
	small.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(name, container.NewBorder(nil, nil, left, nil, small))
	if !d.Done() {
		sent := newIconButton(lang.L("Sent …"), theme.MailSendIcon(), func() { r.markSentDialog(d.Clock) })
		waive := newButton(lang.L("Not needed …"), func() { r.waiveDialog(d.Clock) })
		waive.Importance = widget.LowImportance
		row := container.NewGridWithColumns(2, sent, waive)
		box.Add(row)
		if d.AwaitsClassification && r.inc.Open() {
			box.Add(newIconButton(lang.L("Classified as major …"), theme.WarningIcon(), func() { r.classifyDialog(d.Regime) }))
		}
	}
	frame := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	frame.CornerRadius = theme.InputRadiusSize()
	frame.StrokeWidth = 1
	frame.StrokeColor = theme.Color(theme.ColorNameSeparator)
	if urgent {
		frame.StrokeWidth = 2
		frame.StrokeColor = theme.Color(theme.ColorNameError)
	}
	return container.NewStack(frame, container.NewPadded(box))
}

// cardStamp is a time on a report's card: without the year when it lies
// within half a year of now, so that the due time fits beside the time
// left on a narrow card ("03.12. 19:50").
func cardStamp(t, now time.Time) string {
	if d := t.Sub(now); d > -183*24*time.Hour && d < 183*24*time.Hour {
		return t.Local().Format(lang.L("Jan 2, 15:04"))
	}
	return stamp(t)
}

// cardSpan is a time span on a report's card: to the minute within a
// day, to the hour beyond ("2 d 20 h").
func cardSpan(d time.Duration) string {
	m := handbook.Minutes(d / time.Minute)
	if m >= 24*60 {
		m -= m % 60
	}
	return m.String()
}

// markSentDialog asks when a report was sent and logs it.
func (r *runView) markSentDialog(clock string) {
	now := r.u.now().Local()
	date := widget.NewEntry()
	date.SetPlaceHolder(datePlaceHolder())
	date.SetText(day(now))
	at := widget.NewEntry()
	at.SetText(now.Format(layoutClock))
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	problem.Hide()
	var d dialog.Dialog
	ok := newIconButton(lang.L("Mark as sent"), theme.ConfirmIcon(), func() {
		t, err := parseDateClock(date.Text, at.Text)
		switch {
		case err != nil:
			problem.SetText(lang.L("Enter the date as YYYY-MM-DD and the time as HH:MM."))
			problem.Show()
			return
		case t.After(r.u.now()):
			problem.SetText(lang.L("This time lies in the future."))
			problem.Show()
			return
		}
		d.Hide()
		r.addEntry(handbook.LogEntry{Kind: handbook.LogReport, Clock: clock, At: t,
			Text: lang.L("Report sent: {{.Clock}}", map[string]any{"Clock": clockName(clock)})})
	})
	ok.Importance = widget.HighImportance
	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	form := widget.NewForm(widget.NewFormItem(lang.L("Sent at"), container.NewGridWithColumns(2, date, at)))
	d = dialog.NewCustomWithoutButtons(clockName(clock), container.NewVBox(form, problem, container.NewGridWithColumns(2, cancel, ok)), r.u.win)
	d.Resize(fyne.NewSize(480, 220))
	d.Show()
	enterSubmits(r.u.win.Canvas(), form, ok.OnTapped)
}

// dueText says when a step is due, and whether it is done. A due time on
// another day than today names the day too.
func dueText(item handbook.ChecklistItem, now time.Time) string {
	at := item.Due.Local().Format(layoutClock)
	if y, m, d := item.Due.Local().Date(); !now.IsZero() && (y != now.Local().Year() || m != now.Local().Month() || d != now.Local().Day()) {
		at = stamp(item.Due)
	}
	switch {
	case item.Done:
		return "✓ " + item.At.Local().Format(layoutSeconds) + " · " + item.By
	case item.Due.IsZero():
		return ""
	case item.Overdue(now):
		return "⚠ " + lang.L("overdue since {{.Time}}", map[string]any{"Time": at})
	}
	return lang.L("due {{.Time}}", map[string]any{"Time": at})
}

// renderSteps shows the checklist by phase. A tick or untick is stored as a
// log entry before the box shows it.
func (r *runView) renderSteps(now time.Time) {
	items := handbook.Checklist(r.inc, r.log)
	r.steps.RemoveAll()
	r.dues = nil
	if len(items) == 0 {
		l := widget.NewLabel(lang.L("This incident has no checklist. Record what happens in the log."))
		l.Wrapping = fyne.TextWrapWord
		r.steps.Add(l)
		return
	}
	who := onDutyName(r.hb, now)
	phase := "\x00"
	for _, it := range items {
		if it.Phase != phase {
			phase = it.Phase
			if phase != "" {
				p := widget.NewLabelWithStyle(phase, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
				r.steps.Add(p)
			}
		}
		text := widget.NewLabel(it.Text)
		text.Wrapping = fyne.TextWrapWord
		due := widget.NewLabel("")
		due.SizeName = theme.SizeNameCaptionText
		r.dues = append(r.dues, dueLabel{item: it, label: due})
		var meta fyne.CanvasObject = container.NewHBox(due)
		if it.Role != "" {
			// The role with who is on duty wraps rather than widen the pane.
			role := widget.NewLabel(annotate("@"+it.Role, who))
			role.SizeName = theme.SizeNameCaptionText
			role.Wrapping = fyne.TextWrapWord
			meta = container.NewBorder(nil, nil, nil, due, role)
		}
		check := widget.NewCheck("", nil)
		check.SetChecked(it.Done)
		item := it
		check.OnChanged = func(on bool) { r.toggle(item, on, check) }
		if !r.inc.Open() {
			check.Disable()
		}
		r.steps.Add(container.NewBorder(nil, nil, container.NewVBox(check), nil, container.NewVBox(text, meta)))
	}
	for _, d := range r.dues {
		d.label.SetText(dueText(d.item, now))
		if r.inc.Open() && d.item.Overdue(now) {
			d.label.Importance = widget.DangerImportance
		}
	}
	r.steps.Refresh()
}

// toggle logs a tick or an untick; when it cannot be stored, the box goes
// back to what the log says.
func (r *runView) toggle(it handbook.ChecklistItem, on bool, check *widget.Check) {
	kind := handbook.LogUnstep
	if on {
		kind = handbook.LogStep
	}
	if !r.addEntry(handbook.LogEntry{Kind: kind, StepKey: it.Key, Text: it.Text}) {
		check.OnChanged = nil
		check.SetChecked(!on)
		check.OnChanged = func(on bool) { r.toggle(it, on, check) }
	}
}

// logKindLabel names a kind of log entry.
func logKindLabel(kind string) string {
	if kind == "" {
		kind = handbook.LogNote
	}
	return lang.L(map[string]string{
		handbook.LogNote: "Note", handbook.LogDecision: "Decision", handbook.LogMessage: "Message",
		handbook.LogCall: "Call", handbook.LogStep: "Step done", handbook.LogUnstep: "Step taken back",
		handbook.LogEscalation: "Escalation", handbook.LogReport: "Report sent", handbook.LogCorrection: "Correction",
		handbook.LogStart: "Start", handbook.LogClose: "Closed", handbook.LogRegime: "Reporting duty added",
		handbook.LogClassified: "Classified as major", handbook.LogWaived: "Report not needed",
		handbook.LogReportsOpen: "Closed with report open", handbook.LogImpact: "Impact", handbook.LogNextUpdate: "Next update",
		handbook.LogInject: "Inject", handbook.LogRecovery: "Recovery measured", handbook.LogCallAttempt: "Call (alarm test)",
	}[kind])
}

func logKindIcon(kind string) fyne.Resource {
	switch kind {
	case handbook.LogDecision:
		return theme.ConfirmIcon()
	case handbook.LogMessage:
		return theme.MailSendIcon()
	case handbook.LogCall:
		return theme.AccountIcon()
	case handbook.LogStep:
		return theme.CheckButtonCheckedIcon()
	case handbook.LogUnstep:
		return theme.CheckButtonIcon()
	case handbook.LogEscalation:
		return theme.UploadIcon()
	case handbook.LogReport:
		return theme.MailForwardIcon()
	case handbook.LogCorrection:
		return theme.DocumentCreateIcon()
	case handbook.LogStart:
		return theme.MediaPlayIcon()
	case handbook.LogClose:
		return theme.MediaStopIcon()
	}
	return theme.InfoIcon()
}

// renderLog lists the log newest first; a corrected entry says so, and a
// correction names the time of the entry it corrects.
func (r *runView) renderLog() {
	r.entries.RemoveAll()
	byID := map[string]handbook.LogEntry{}
	corrected := map[string]bool{}
	for _, e := range r.log {
		byID[e.ID] = e
		if e.Kind == handbook.LogCorrection && e.Corrects != "" {
			corrected[e.Corrects] = true
		}
	}
	for i := len(r.log) - 1; i >= 0; i-- {
		e := r.log[i]
		head := widget.NewLabelWithStyle(e.At.Local().Format(layoutSeconds)+"  "+logKindLabel(e.Kind)+"  · "+authorLabel(e),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head.Truncation = fyne.TextTruncateEllipsis
		text := entryText(e)
		if t, ok := drillEntryText(r.hb, e); ok {
			text = t
		}
		if orig, ok := byID[e.Corrects]; ok && e.Kind == handbook.LogCorrection {
			text = lang.L("Corrects the entry of {{.Time}}:", map[string]any{"Time": orig.At.Local().Format(layoutSeconds)}) + " " + text
		}
		body := widget.NewLabel(text)
		body.Wrapping = fyne.TextWrapWord
		body.Selectable = true
		var headRow fyne.CanvasObject = head
		if r.inc.Open() && correctable(e.Kind) {
			// The button sits beside the heading, so the text below gets the full width.
			entry := e
			fix := newIconButton(lang.L("Correct"), theme.DocumentCreateIcon(), func() { r.correctDialog(entry) })
			fix.Importance = widget.LowImportance
			headRow = container.NewBorder(nil, nil, nil, fix, head)
		}
		rows := container.NewVBox(headRow, body)
		if corrected[e.ID] {
			mark := widget.NewLabel("⚠ " + lang.L("corrected by a later entry"))
			mark.Importance = widget.WarningImportance
			mark.SizeName = theme.SizeNameCaptionText
			rows.Add(mark)
		}
		r.entries.Add(container.NewBorder(nil, nil, widget.NewIcon(logKindIcon(e.Kind)), nil, rows))
		r.entries.Add(widget.NewSeparator())
	}
	r.entries.Refresh()
}

// correctable tells the entries a person wrote as text, which a
// correction can refer to; the others record a state (a tick, a regime,
// a report) and change by the next entry of their kind.
func correctable(kind string) bool {
	return slices.Contains([]string{"", handbook.LogNote, handbook.LogDecision, handbook.LogCall, handbook.LogMessage,
		handbook.LogCorrection, handbook.LogEscalation, handbook.LogStart, handbook.LogClose}, kind)
}

// authorLabel is who made an entry, with initials when they differ.
func authorLabel(e handbook.LogEntry) string {
	if e.Initials == "" || e.Initials == e.Author {
		return e.Author
	}
	return e.Author + " (" + e.Initials + ")"
}

// entryText is what an entry says, in the reader's language for the
// entries that record a state.
func entryText(e handbook.LogEntry) string {
	regime := func() string { return lang.L(cmp.Or(handbook.RegimeNames[e.Regime], e.Regime)) }
	switch e.Kind {
	case handbook.LogRegime:
		return lang.L("{{.Regime}} applies, aware since {{.Time}}", map[string]any{"Regime": regime(), "Time": stamp(e.Moment)})
	case handbook.LogClassified:
		return lang.L("{{.Regime}}: classified as major at {{.Time}}", map[string]any{"Regime": regime(), "Time": stamp(e.Moment)})
	case handbook.LogNextUpdate:
		return lang.L("Next update promised for {{.Time}}", map[string]any{"Time": stamp(e.Moment)})
	case handbook.LogWaived:
		return lang.L("{{.Report}} not needed: {{.Reason}}", map[string]any{"Report": clockName(e.Clock), "Reason": e.Text})
	case handbook.LogReportsOpen:
		text := lang.L("Closed while {{.Report}} is still open", map[string]any{"Report": clockName(e.Clock)})
		if e.Text != "" {
			text += ": " + e.Text
		}
		return text
	}
	return e.Text
}

// drillEntryText is what a drill's own entries say; ok is false for the
// others.
func drillEntryText(hb handbook.Handbook, e handbook.LogEntry) (string, bool) {
	switch {
	case e.Kind == handbook.LogRecovery && e.Recovery != nil:
		return recoveryText(hb, e), true
	case e.Kind == handbook.LogCallAttempt && e.Call != nil:
		return callText(hb, e), true
	}
	return "", false
}

// correctDialog asks for the correct text of an entry and logs it as a new
// correction entry; the original stays as it was.
func (r *runView) correctDialog(orig handbook.LogEntry) {
	in := widget.NewMultiLineEntry()
	in.Wrapping = fyne.TextWrapWord
	in.SetText(orig.Text)
	in.SetMinRowsVisible(4)
	intro := widget.NewLabel(lang.L("Entries are never changed. The correction is added as a new entry that names this one."))
	intro.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	ok := newIconButton(lang.L("Add correction"), theme.ConfirmIcon(), func() {
		text := strings.TrimSpace(in.Text)
		if text == "" || text == strings.TrimSpace(orig.Text) {
			return
		}
		d.Hide()
		r.addEntry(handbook.LogEntry{Kind: handbook.LogCorrection, Corrects: orig.ID, Text: text})
	})
	ok.Importance = widget.HighImportance
	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(lang.L("Correct the entry of {{.Time}}", map[string]any{"Time": orig.At.Local().Format(layoutSeconds)}),
		container.NewVBox(intro, in, container.NewGridWithColumns(2, cancel, ok)), r.u.win)
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
	r.u.win.Canvas().Focus(in)
}
