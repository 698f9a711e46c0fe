package app

import (
	"cmp"
	"errors"
	"fmt"
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

// Layouts of times of day in incident views.
const (
	layoutClock   = "15:04"
	layoutSeconds = "15:04:05"
)

// stamp formats a point in time to the minute, in local time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(lang.L("2006-01-02 15:04"))
}

// openIncidents lists the running incidents, newest first; drills are
// exercises and never count here.
func openIncidents(incs []handbook.Incident) []handbook.Incident {
	return handbook.RunningIncidents(incs)
}

// newIncidentBadge is the toolbar button that counts running incidents and
// opens them in one click.
func newIncidentBadge(u *ui) *button {
	b := newIconButton("", theme.WarningIcon(), nil)
	b.Importance = widget.DangerImportance
	b.Hide()
	u.badge = b
	u.refreshBadge()
	return b
}

// refreshBadge updates the toolbar badge after an incident started or closed.
func (u *ui) refreshBadge() {
	if u.badge == nil {
		return
	}
	incs, err := store.List[handbook.Incident](u.ctx, u.st)
	if err != nil {
		u.loadFailed(err)
		return
	}
	running := openIncidents(incs)
	u.refreshDrillBadge(incs)
	switch len(running) {
	case 0:
		u.badge.Hide()
		return
	case 1:
		u.badge.SetText(lang.L("1 running incident"))
		id := running[0].ID
		u.badge.OnTapped = func() { u.openIncident(id) }
	default:
		u.badge.SetText(lang.L("{{.N}} running incidents", map[string]any{"N": len(running)}))
		u.badge.OnTapped = func() { u.showScreen("incidents") }
	}
	u.badge.Show()
}

// openIncident shows one incident on the incidents screen.
func (u *ui) openIncident(id string) { u.open(handbook.EntityIncident, id) }

// incidentCards are the dashboard cards about incidents: the running ones,
// and the playbooks an incident suggests reviewing. Both appear only when
// there is something to show.
func incidentCards(u *ui, hb handbook.Handbook, now time.Time, tk *ticks) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	var running []fyne.CanvasObject
	for _, inc := range openIncidents(hb.Incidents) {
		text := func(now time.Time) string {
			return lang.L("{{.Title}} – running for {{.Elapsed}}", map[string]any{"Title": inc.Title, "Elapsed": elapsedMinutes(now.Sub(inc.StartedAt))})
		}
		l := u.link(text(now), handbook.EntityIncident, inc.ID)
		tk.add(func(now time.Time) { setLinkText(l, text(now)) })
		running = append(running, l)
	}
	if len(running) > 0 {
		out = append(out, card(lang.L("Running incidents"), running, ""))
	}
	if c := pendingReportsCard(u, hb, now, tk); c != nil {
		out = append(out, c)
	}
	var review []fyne.CanvasObject
	for _, pb := range handbook.ReviewSuggested(hb) {
		review = append(review, u.link(pb.Title, handbook.EntityPlaybook, pb.ID))
	}
	if len(review) > 0 {
		out = append(out, card(lang.L("Playbook review suggested after an incident"), review, ""))
	}
	return out
}

// elapsedMinutes renders a running time to the minute, for lists that
// move once in a while: "2 h 05 min", "1 d 3 h 00 min", "4 min".
func elapsedMinutes(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	m := int(d / time.Minute)
	days, h, min := m/1440, m%1440/60, m%60
	switch {
	case days > 0:
		return lang.L("{{.D}} d {{.H}} h {{.M}} min", map[string]any{"D": days, "H": h, "M": fmt.Sprintf("%02d", min)})
	case h > 0:
		return lang.L("{{.H}} h {{.M}} min", map[string]any{"H": h, "M": fmt.Sprintf("%02d", min)})
	}
	return lang.L("{{.M}} min", map[string]any{"M": min})
}

// setLinkText changes a link's text, and redraws it only when it changed.
func setLinkText(l *widget.Hyperlink, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// elapsed renders a running time to the second: "2:05:09", "1 d 3:00:00".
func elapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d / time.Second)
	days, h, m, sec := s/86400, s%86400/3600, s%3600/60, s%60
	clock := fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	if days > 0 {
		return lang.L("{{.D}} d {{.Clock}}", map[string]any{"D": days, "Clock": clock})
	}
	return clock
}

// incidentsScreen lists running and closed incidents and shows the one
// picked on the right.
type incidentsScreen struct {
	u        *ui
	items    []handbook.Incident
	list     *keyList
	right    *fyne.Container
	content  fyne.CanvasObject
	selected string
	run      *runView
	busy     bool
}

func incidentsView(u *ui) view {
	s := &incidentsScreen{u: u, right: container.NewStack()}
	startBtn := newIconButton(lang.L("Start incident"), theme.ContentAddIcon(), func() { u.startIncidentDialog("") })
	startBtn.Importance = widget.HighImportance
	s.list = newKeyList(
		func() int { return len(s.items) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("")
			sub.Truncation = fyne.TextTruncateEllipsis
			sub.SizeName = theme.SizeNameCaptionText
			return container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, container.NewVBox(title, sub))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			inc := s.items[i]
			row := o.(*fyne.Container)
			box := row.Objects[0].(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(inc.Title)
			icon := row.Objects[1].(*widget.Icon)
			sub := lang.L("running since {{.Time}}", map[string]any{"Time": stamp(inc.StartedAt)})
			icon.SetResource(theme.WarningIcon())
			if !inc.Open() {
				sub = lang.L("closed {{.Time}}", map[string]any{"Time": stamp(inc.ClosedAt)})
				icon.SetResource(theme.ConfirmIcon())
			}
			box.Objects[1].(*widget.Label).SetText(sub)
		}, func(i widget.ListItemID) {
			if s.busy || i >= len(s.items) {
				return
			}
			s.show(s.items[i].ID)
		})
	s.list.onEscape = u.escape
	s.reload()
	s.showEmpty()
	left := topThenList(startBtn, s.list)
	split := container.NewHSplit(left, s.right)
	split.Offset = 0.24
	s.content = split
	changed := func(n []store.Notice) {
		if touches(n, handbook.EntityIncident, handbook.EntityLogEntry) {
			s.reload()
			if s.selected == "" {
				// "No incident is running" becomes "Choose one".
				s.showEmpty()
			}
		}
		if s.run != nil {
			s.run.changed(n)
		}
	}
	selected := func() (handbook.Entity, string) { return handbook.EntityIncident, s.selected }
	return view{content: split, changed: changed, selected: selected, create: func() { u.startIncidentDialog("") }, open: func(e handbook.Entity, id string) {
		if e == handbook.EntityLogEntry {
			entry, err := store.Get[handbook.LogEntry](u.ctx, u.st, id)
			if err != nil {
				u.loadFailed(err)
				return
			}
			id = entry.IncidentID
		}
		if inc, err := store.Get[handbook.Incident](u.ctx, u.st, id); err == nil && inc.Drill() {
			u.openDrill(inc)
			return
		}
		s.show(id)
	}}
}

// reload reads the incidents: running ones first, newest first.
func (s *incidentsScreen) reload() {
	all, err := store.List[handbook.Incident](s.u.ctx, s.u.st)
	if err != nil {
		s.u.loadFailed(err)
	}
	// Drills are shown with their exercises, never among the incidents.
	incs := handbook.RealIncidents(all)
	slices.SortFunc(incs, func(a, b handbook.Incident) int {
		if a.Open() != b.Open() {
			return boolRank(b.Open()) - boolRank(a.Open())
		}
		return cmp.Or(b.StartedAt.Compare(a.StartedAt), strings.Compare(a.ID, b.ID))
	})
	s.items = incs
	s.list.Refresh()
	s.markRow()
}

func (s *incidentsScreen) markRow() {
	i := slices.IndexFunc(s.items, func(inc handbook.Incident) bool { return inc.ID == s.selected })
	s.busy = true
	if i < 0 {
		s.list.UnselectAll()
	} else {
		s.list.Select(i)
	}
	s.busy = false
}

func (s *incidentsScreen) setRight(o fyne.CanvasObject) {
	s.right.Objects = []fyne.CanvasObject{o}
	s.right.Refresh()
}

func (s *incidentsScreen) showEmpty() {
	if s.run != nil {
		s.run.stop()
		s.run = nil
	}
	s.selected = ""
	msg := lang.L("No incident is running. Start one from a playbook or blank with “Start incident”.")
	if len(openIncidents(s.items)) > 0 {
		msg = lang.L("Choose an incident on the left.")
	}
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	s.setRight(container.NewCenter(container.NewGridWrap(fyne.NewSize(420, 80), l)))
}

// show opens the incident with that ID on the right.
func (s *incidentsScreen) show(id string) {
	if s.run != nil {
		s.run.stop()
		s.run = nil
	}
	if !slices.ContainsFunc(s.items, func(inc handbook.Incident) bool { return inc.ID == id }) {
		s.reload()
	}
	var r *runView
	r = newRunView(s.u, id, func() bool { return s.u.view.content == s.content && s.run == r })
	s.selected, s.run = id, r
	s.markRow()
	s.setRight(loadingBar())
	r.open(func(obj fyne.CanvasObject, err error) {
		if !r.visible() {
			return // another incident or screen was chosen meanwhile
		}
		if err != nil {
			s.u.loadFailed(err)
			s.showEmpty()
			return
		}
		s.setRight(obj)
		r.start()
	})
}

// startForm is the dialog that starts an incident.
type startForm struct {
	u         *ui
	hb        handbook.Handbook
	playbooks []handbook.Playbook
	levels    []handbook.EscalationLevel
	roles     []handbook.Role

	playbook *widget.Select
	title    *formEntry
	severity *widget.Select
	level    *widget.Select
	owner    *widget.Select
	onDuty   *widget.Label
	date     *formEntry
	clock    *formEntry
	gdpr     *widget.Check
	nis2     *widget.Check
	dora     *widget.Check
	impact   *formEntry
	nextDate *formEntry
	nextTime *formEntry
	problem  *widget.Label
	dlg      dialog.Dialog
	// page scrolls the dialog where the window is low; its fields
	// hand it the wheel.
	page scrollPage
}

// startIncidentDialog asks for what an incident starts with; playbookID
// preselects a playbook ("" for a blank incident).
func (u *ui) startIncidentDialog(playbookID string) {
	u.guard(func() {
		hb, err := u.st.Load(u.ctx)
		if err != nil {
			u.loadFailed(err)
			return
		}
		f := newStartForm(u, hb.Live(), playbookID)
		f.dlg.Show()
		// Enter in a one-line field starts the incident; the title has
		// the focus, so that a keyboard alone gets through.
		for _, o := range []fyne.CanvasObject{f.title, f.date, f.clock, f.nextDate, f.nextTime} {
			eachEntry(o, func(e *widget.Entry, _ fyne.Focusable) { e.OnSubmitted = func(string) { f.submit() } })
		}
		u.win.Canvas().Focus(f.title)
	})
}

func newStartForm(u *ui, hb handbook.Handbook, playbookID string) *startForm {
	f := &startForm{u: u, hb: hb, playbooks: slices.Clone(hb.Playbooks), levels: slices.Clone(hb.Escalation), roles: slices.Clone(hb.Roles)}
	slices.SortFunc(f.playbooks, func(a, b handbook.Playbook) int { return handbook.CompareNames(a.Title, b.Title) })
	slices.SortFunc(f.levels, func(a, b handbook.EscalationLevel) int { return a.Level - b.Level })
	slices.SortFunc(f.roles, func(a, b handbook.Role) int { return strings.Compare(a.Name, b.Name) })

	pbLabels := []string{lang.L("– blank, without a playbook –")}
	for _, p := range f.playbooks {
		pbLabels = append(pbLabels, p.Title)
	}
	levelLabels := []string{"–"}
	for _, l := range f.levels {
		levelLabels = append(levelLabels, levelName(l))
	}
	f.level = widget.NewSelect(levelLabels, nil)
	f.level.SetSelectedIndex(0)

	f.title = f.page.field()
	f.severity = widget.NewSelect(optionLabels(severityOptions()), nil)
	f.severity.SetSelectedIndex(slices.Index(handbook.Severities, handbook.SeverityHigh))
	prevTitle := ""
	autoLevel := -1
	f.playbook = widget.NewSelect(pbLabels, func(string) {
		pb := f.chosenPlaybook()
		if pb == nil {
			return
		}
		if f.title.Text == "" || f.title.Text == prevTitle {
			f.title.SetText(pb.Title)
		}
		prevTitle = pb.Title
		if i := slices.Index(handbook.Severities, pb.Severity); i >= 0 {
			f.severity.SetSelectedIndex(i)
		}
		// The suggested level replaces only a level nobody chose by hand.
		if cur := f.level.SelectedIndex(); cur == 0 || cur == autoLevel {
			autoLevel = f.levelIndex(handbook.SuggestedLevel(pb.Severity))
			f.level.SetSelectedIndex(autoLevel)
		}
	})
	f.playbook.SetSelectedIndex(0)
	if i := slices.IndexFunc(f.playbooks, func(p handbook.Playbook) bool { return p.ID == playbookID }); i >= 0 {
		f.playbook.SetSelectedIndex(i + 1)
	}

	f.onDuty = widget.NewLabel("")
	f.onDuty.Wrapping = fyne.TextWrapWord
	roleLabels := []string{"–"}
	for _, r := range f.roles {
		roleLabels = append(roleLabels, r.Name)
	}
	f.owner = widget.NewSelect(roleLabels, func(string) { f.onDuty.SetText(f.onDutyText()) })
	f.owner.SetSelectedIndex(0)
	if i := slices.IndexFunc(f.roles, func(r handbook.Role) bool { return strings.Contains(fold(r.Name), "incident") }); i >= 0 {
		f.owner.SetSelectedIndex(i + 1)
	}

	now := u.now().Local()
	f.date = f.page.field()
	f.date.SetPlaceHolder(datePlaceHolder())
	f.date.SetText(day(now))
	f.clock = f.page.field()
	f.clock.SetPlaceHolder("14:30")
	f.clock.SetText(now.Format(layoutClock))
	f.gdpr = widget.NewCheck(lang.L("Personal data affected (GDPR Art. 33)"), nil)
	f.nis2 = widget.NewCheck(lang.L("Significant incident under NIS2 / §32 BSIG"), nil)
	f.dora = widget.NewCheck(lang.L("Major ICT-related incident under DORA (classified now)"), nil)
	f.impact = f.page.text(2)
	f.impact.SetPlaceHolder(lang.L("What does it do to customers, staff, operations? (for messages)"))
	f.nextDate = f.page.field()
	f.nextDate.SetPlaceHolder(datePlaceHolder())
	f.nextTime = f.page.field()
	f.nextTime.SetPlaceHolder(lang.L("HH:MM"))
	f.problem = widget.NewLabel("")
	f.problem.Importance = widget.DangerImportance
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Hide()

	grid := widget.NewForm(
		widget.NewFormItem(lang.L("Playbook"), f.playbook),
		widget.NewFormItem(lang.L("Title"), f.title),
		widget.NewFormItem(lang.L("Severity"), f.severity),
		widget.NewFormItem(lang.L("Escalation level"), f.level),
		widget.NewFormItem(lang.L("Incident owner"), container.NewVBox(f.owner, f.onDuty)),
		widget.NewFormItem(lang.L("Aware since"), container.NewGridWithColumns(2, f.date, f.clock)),
		widget.NewFormItem(lang.L("Reporting duties"), container.NewVBox(f.gdpr, f.nis2, f.dora)),
		widget.NewFormItem(lang.L("Impact"), f.impact),
		widget.NewFormItem(lang.L("Next update"), container.NewGridWithColumns(2, f.nextDate, f.nextTime)),
	)
	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), func() { f.dlg.Hide() })
	ok := newIconButton(lang.L("Start incident"), theme.MediaPlayIcon(), f.submit)
	ok.Importance = widget.HighImportance
	body := container.NewBorder(nil, container.NewVBox(f.problem, container.NewGridWithColumns(2, cancel, ok)), nil, nil, f.page.wrap(grid))
	f.dlg = dialog.NewCustomWithoutButtons(lang.L("Start incident"), body, u.win)
	f.dlg.Resize(fyne.NewSize(680, 660))
	return f
}

// levelIndex is the option of the level select for that escalation level;
// 0 ("–") when the matrix has no such level.
func (f *startForm) levelIndex(level int) int {
	return slices.IndexFunc(f.levels, func(l handbook.EscalationLevel) bool { return l.Level == level }) + 1
}

func optionLabels(opts []option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.label
	}
	return out
}

// levelName names an escalation level the one way (handbook.LevelTitle).
func levelName(l handbook.EscalationLevel) string {
	return handbook.LevelTitle(lang.L("Level"), l.Level, l.Name)
}

func (f *startForm) chosenPlaybook() *handbook.Playbook {
	if i := f.playbook.SelectedIndex(); i > 0 {
		return &f.playbooks[i-1]
	}
	return nil
}

func (f *startForm) chosenRole() *handbook.Role {
	if i := f.owner.SelectedIndex(); i > 0 {
		return &f.roles[i-1]
	}
	return nil
}

// onDutyText names who holds the owner role now.
func (f *startForm) onDutyText() string {
	r := f.chosenRole()
	if r == nil {
		return ""
	}
	return onDutyLine(f.hb, *r, f.u.now())
}

// onDutyLine says who is on duty in a role at `at`, and why: the on-call
// roster, a stand-in, a deputy.
func onDutyLine(hb handbook.Handbook, r handbook.Role, at time.Time) string {
	d := handbook.OnDutyAt(hb, r, at)
	if !d.OnDuty() {
		return "⚠ " + lang.L("nobody assigned")
	}
	text := d.Contact.FullName()
	if n := d.Contact.Numbers(); len(n) > 0 {
		text += " · " + phoneKind(n[0].Kind) + " " + n[0].Number
	}
	switch {
	case d.Source == handbook.DutyRoster || d.Source == handbook.DutyException:
		return lang.L("On call: {{.Name}} (until {{.Time}})", map[string]any{"Name": text, "Time": stamp(d.Shift.To)})
	case d.Deputy:
		return lang.L("On duty: {{.Name}} (deputy; the primary cannot be reached by phone)", map[string]any{"Name": text})
	}
	return lang.L("On duty: {{.Name}}", map[string]any{"Name": text})
}

// onDutyName tells, for a step's role mention, who is on duty in that role
// at `at`; "" for a mention of no role.
func onDutyName(hb handbook.Handbook, at time.Time) func(mention string) string {
	return func(mention string) string {
		for _, r := range hb.Roles {
			if r.Deleted || !handbook.MentionsRole(mention, r.Name) {
				continue
			}
			if d := handbook.OnDutyAt(hb, r, at); d.OnDuty() {
				return d.Contact.FullName()
			}
			return "⚠ " + lang.L("nobody assigned")
		}
		return ""
	}
}

// awareAt reads the awareness time; it must not lie in the future.
func (f *startForm) awareAt() (time.Time, error) {
	t, err := parseDateClock(f.date.Text, f.clock.Text)
	if err != nil {
		return time.Time{}, errors.New(lang.L("Enter when you became aware as date (YYYY-MM-DD) and time (HH:MM)."))
	}
	if t.After(f.u.now()) {
		return time.Time{}, errors.New(lang.L("The awareness time lies in the future. Enter when you actually learned of the incident."))
	}
	return t, nil
}

func (f *startForm) fail(msg string) {
	f.problem.SetText(msg)
	f.problem.Show()
}

// submit starts the incident and opens it.
func (f *startForm) submit() {
	aware, err := f.awareAt()
	if err != nil {
		f.fail(err.Error())
		return
	}
	next, err := optionalDateClock(f.nextDate.Text, f.nextTime.Text)
	if err != nil {
		f.fail(lang.L("Enter the next update as date (DD.MM.YYYY) and time (HH:MM), or leave both empty."))
		return
	}
	req := ops.StartIncident{Title: f.title.Text, Severity: handbook.Severities[f.severity.SelectedIndex()], AwareAt: aware,
		Impact: f.impact.Text, NextUpdate: next, By: f.u.author(), Initials: f.u.initials()}
	if pb := f.chosenPlaybook(); pb != nil {
		req.Playbook = pb.ID
	}
	if r := f.chosenRole(); r != nil {
		req.OwnerRole = r.ID
	}
	if i := f.level.SelectedIndex(); i > 0 {
		req.Level = f.levels[i-1].Level
	}
	for _, c := range []struct {
		check  *widget.Check
		regime string
	}{{f.gdpr, handbook.RegimeGDPR}, {f.nis2, handbook.RegimeNIS2}, {f.dora, handbook.RegimeDORA}} {
		if c.check.Checked {
			req.Regimes = append(req.Regimes, c.regime)
		}
	}
	inc, err := f.u.ops.StartIncident(f.u.ctx, req)
	if oe, ok := ops.AsError(err); ok {
		f.fail(oe.Text(translate))
		return
	}
	if err != nil {
		f.u.saveFailed(err)
		return
	}
	f.dlg.Hide()
	f.u.openIncident(inc.ID)
}
