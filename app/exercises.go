package app

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// exerciseKindLabel names a kind of exercise in the user's language.
func exerciseKindLabel(k handbook.ExerciseKind) string {
	if n, ok := handbook.ExerciseKindNames[k]; ok {
		return lang.L(n)
	}
	return string(k)
}

// exerciseStatusLabel names where an exercise stands.
func exerciseStatusLabel(s handbook.ExerciseStatus) string {
	return lang.L(map[handbook.ExerciseStatus]string{
		handbook.ExercisePlanned: "planned", handbook.ExerciseRunning: "running", handbook.ExerciseEvaluated: "evaluated",
	}[s])
}

// exercisesScreen is the exercise programme: the year view while nothing
// is chosen, an exercise's plan and evaluation, and its drill.
type exercisesScreen struct {
	u   *ui
	sec *section[handbook.Exercise, *handbook.Exercise]
	// year is the year the overview shows.
	year int
	// run is the drill on display, alarm the alarm test; nil otherwise.
	// shown is what shows of either: the screen's whole width, in place
	// of the list and the exercise. Beside the list an alarm test left
	// the list a few letters and a drill's checklist 190 pixels.
	run   *runView
	alarm *alarmView
	shown fyne.CanvasObject
	// list is the list with the exercise or the year view beside it;
	// obj holds it or, while a drill shows, the drill.
	list fyne.CanvasObject
	obj  *fyne.Container
}

// showingDrill reports whether a drill is still what the screen shows.
func (s *exercisesScreen) showingDrill() bool {
	return s.shown != nil && len(s.obj.Objects) > 0 && s.obj.Objects[0] == s.shown && s.u.view.content == s.obj
}

func exercisesView(u *ui) view {
	s := &exercisesScreen{u: u, year: u.now().Local().Year()}
	playbooks, playbookOpts := labels(u, handbook.EntityPlaybook)
	services, serviceOpts := labels(u, handbook.EntityService)
	processes, processOpts := labels(u, handbook.EntityProcess)
	sites, siteOpts := labels(u, handbook.EntitySite)
	roles, roleOpts := labels(u, handbook.EntityRole)
	contacts, contactOpts := labels(u, handbook.EntityContact)
	var kinds []option
	for _, k := range handbook.ExerciseKinds {
		kinds = append(kinds, option{string(k), exerciseKindLabel(k)})
	}
	var regimes []option
	for _, r := range handbook.Regimes {
		regimes = append(regimes, option{r, lang.L(handbook.RegimeNames[r])})
	}
	s.sec = &section[handbook.Exercise, *handbook.Exercise]{
		u:    u,
		noun: "exercise",
		blank: func() handbook.Exercise {
			return handbook.Exercise{Date: u.now().AddDate(0, 1, 0), Kind: handbook.ExerciseTabletop, Status: handbook.ExercisePlanned}
		},
		sub: func(x handbook.Exercise) string {
			state := exerciseStatusLabel(x.State())
			if x.Overdue(u.now()) {
				state = "⚠ " + lang.L("not evaluated")
			}
			return strings.Join(nonEmpty(day(x.Date), exerciseKindLabel(x.Kind), state), " · ")
		},
		order: func(xs []handbook.Exercise) {
			slices.SortStableFunc(xs, func(a, b handbook.Exercise) int { return b.Date.Compare(a.Date) })
		},
		overview: s.overview,
		detail: func(x handbook.Exercise) fyne.CanvasObject {
			return s.detail(x, exerciseNames{playbooks, services, processes, sites, roles, contacts})
		},
		edit: func(f *form, x *handbook.Exercise) {
			f.text("title", lang.L("Title"), &x.Title)
			f.date("date", lang.L("Planned for"), &x.Date)
			f.choice("kind", lang.L("Kind"), (*string)(&x.Kind), kinds)
			f.refs("playbooks", lang.L("Playbooks in scope"), &x.Playbooks, playbookOpts)
			f.refs("services", lang.L("Services in scope"), &x.Services, serviceOpts)
			f.refs("processes", lang.L("Business processes in scope"), &x.Processes, processOpts)
			f.refs("sites", lang.L("Sites in scope"), &x.Sites, siteOpts)
			objectivesField(f, x)
			f.refs("participant_roles", lang.L("Roles taking part"), &x.Roles, roleOpts)
			f.refs("participant_contacts", lang.L("People taking part"), &x.Contacts, contactOpts)
			f.multiline("participants", lang.L("Others taking part"), &x.Participants)
			f.choice("facilitator", lang.L("Facilitator"), &x.Facilitator, contactOpts)
			f.refs("observers", lang.L("Observers"), &x.Observers, contactOpts)
			f.multiline("scenario", lang.L("Scenario"), &x.Scenario)
			injectsField(f, x)
			f.refs("regimes", lang.L("Reporting duties to practise"), &x.Regimes, regimes)
		},
	}
	s.list = s.sec.object()
	s.obj = container.NewStack(s.list)
	changed := func(n []store.Notice) {
		if s.showingDrill() {
			// The drill stays on display; the list follows the store.
			if touches(n, handbook.EntityExercise) {
				s.sec.reload()
			}
			if s.run != nil && touches(n, handbook.EntityIncident, handbook.EntityLogEntry) {
				s.run.refresh()
			}
			if s.alarm != nil && touches(n, handbook.EntityIncident, handbook.EntityLogEntry, handbook.EntityContact) {
				s.alarm.refresh()
			}
			return
		}
		s.leaveDrill()
		s.sec.changed(n)
		if s.sec.selected == "" && u.editor == nil && touches(n, handbook.EntityExercise, handbook.EntityIncident) {
			s.sec.setRight(s.overview())
		}
	}
	return view{content: s.obj, create: s.sec.create, changed: changed, back: s.sec.back,
		selected: func() (handbook.Entity, string) { return handbook.EntityExercise, s.sec.selected },
		open: func(e handbook.Entity, id string) {
			s.leaveDrill()
			if e == handbook.EntityIncident {
				s.showDrill(id)
				return
			}
			s.sec.selectID(id)
		},
		escape: func() bool {
			if !s.showingDrill() {
				return false
			}
			s.backToExercise()
			return true
		}}
}

// exerciseNames are the labels of the records an exercise names.
type exerciseNames struct{ playbooks, services, processes, sites, roles, contacts names }

// objectivesField edits the objectives one a line; an objective kept
// keeps its outcome.
func objectivesField(f *form, x *handbook.Exercise) {
	e := f.entry(true)
	var lines []string
	for _, o := range x.Objectives {
		lines = append(lines, o.Text)
	}
	e.SetText(strings.Join(lines, "\n"))
	e.SetPlaceHolder(lang.L("One objective a line, e.g. Crisis team assembled within 30 minutes"))
	e.OnChanged = func(string) { f.changed() }
	f.add("objectives", lang.L("Objectives"), e, func() error {
		old := map[string]string{}
		for _, o := range x.Objectives {
			old[o.Text] = o.Outcome
		}
		var out []handbook.Objective
		for _, line := range strings.Split(e.Text, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				out = append(out, handbook.Objective{Text: line, Outcome: old[line]})
			}
		}
		x.Objectives = out
		return nil
	})
}

// injectLine writes an inject the way the form edits it.
func injectLine(in handbook.Inject) string {
	parts := []string{"T+" + in.At.String(), in.From, in.Text}
	if in.Expected != "" {
		parts = append(parts, in.Expected)
	}
	return strings.Join(parts, " | ")
}

// parseInjectLine reads "T+10 min | From | Text | Expected".
func parseInjectLine(line string) (handbook.Inject, error) {
	parts := strings.Split(line, "|")
	if len(parts) < 2 {
		return handbook.Inject{}, errors.New("too few parts")
	}
	at, err := handbook.ParseMinutes(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(parts[0])), "T+"))
	if err != nil {
		return handbook.Inject{}, err
	}
	in := handbook.Inject{At: at}
	switch len(parts) {
	case 2:
		in.Text = strings.TrimSpace(parts[1])
	case 3:
		in.From, in.Text = strings.TrimSpace(parts[1]), strings.TrimSpace(parts[2])
	default:
		in.From, in.Text = strings.TrimSpace(parts[1]), strings.TrimSpace(parts[2])
		in.Expected = strings.TrimSpace(strings.Join(parts[3:], "|"))
	}
	if in.Text == "" {
		return handbook.Inject{}, errors.New("no text")
	}
	return in, nil
}

// injectsField edits the injects one a line; an inject whose text stays
// keeps its key, so the log of a drill still finds it.
func injectsField(f *form, x *handbook.Exercise) {
	e := f.entry(true)
	var lines []string
	for _, in := range x.Injects {
		lines = append(lines, injectLine(in))
	}
	e.SetText(strings.Join(lines, "\n"))
	e.SetPlaceHolder(lang.L("One inject a line: T+10 min | from whom | message | what the team should do"))
	e.OnChanged = func(string) { f.changed() }
	f.add("injects", lang.L("Injects"), e, func() error {
		var out []handbook.Inject
		for i, line := range strings.Split(e.Text, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			in, err := parseInjectLine(line)
			if err != nil {
				return errors.New(lang.L("Line {{.N}}: write T+10 min | from whom | message | what the team should do.", map[string]any{"N": i + 1}))
			}
			if j := slices.IndexFunc(x.Injects, func(old handbook.Inject) bool { return old.Text == in.Text }); j >= 0 &&
				!slices.ContainsFunc(out, func(o handbook.Inject) bool { return o.Key == x.Injects[j].Key }) {
				in.Key = x.Injects[j].Key
			} else {
				in.Key = handbook.NewInjectKey(append(slices.Clone(x.Injects), out...))
			}
			out = append(out, in)
		}
		x.Injects = out
		return nil
	})
}

// overview is the year view: the exercise programme month by month, what
// the check finds about it, and when each playbook, critical service and
// critical process was last exercised.
func (s *exercisesScreen) overview() fyne.CanvasObject {
	year := s.year
	if s.u.inline {
		// Read in line, as the section's list is: the window's tests
		// change the screen while a read would still be drawing.
		d, err := loadYear(s.u.ctx, s.u, year)
		if err != nil {
			s.u.loadFailed(err)
			return widget.NewLabel(lang.L("The handbook could not be read."))
		}
		return s.yearView(d)
	}
	return loadView(s.u, func(ctx context.Context) (yearData, error) { return loadYear(ctx, s.u, year) },
		func(d yearData) fyne.CanvasObject { return s.yearView(d) })
}

// yearData is what the year view shows, read and worked out off the UI
// thread: on the large handbook reading it took up to two seconds.
type yearData struct {
	year     int
	now      time.Time
	months   [12][]handbook.Exercise
	findings []handbook.Finding
	coverage []handbook.CoverageItem
	tests    map[string]handbook.ServiceTest
}

// loadYear reads the handbook and works out the year view of year.
func loadYear(ctx context.Context, u *ui, year int) (yearData, error) {
	hb, err := u.st.Load(ctx)
	if err != nil {
		return yearData{}, err
	}
	live := hb.Live()
	now := u.now()
	return yearData{year: year, now: now,
		months:   handbook.ExercisesOfYear(live.Exercises, year, time.Local),
		findings: handbook.ExerciseFindings(live, now),
		coverage: handbook.Coverage(live, now),
		tests:    handbook.LastServiceTests(live)}, nil
}

// yearView draws the year view from what loadYear read.
func (s *exercisesScreen) yearView(d yearData) fyne.CanvasObject {
	u := s.u
	now := d.now
	prev := newIconButton("", theme.NavigateBackIcon(), func() { s.year--; s.sec.setRight(s.overview()) })
	next := newIconButton("", theme.NavigateNextIcon(), func() { s.year++; s.sec.setRight(s.overview()) })
	title := heading(lang.L("Exercise programme {{.Year}}", map[string]any{"Year": d.year}))
	plan := newIconButton(lang.L("Plan exercise"), theme.ContentAddIcon(), func() { u.guard(s.sec.create) })
	plan.Importance = widget.HighImportance
	adhoc := newIconButton(lang.L("Alarm test now"), theme.MediaPlayIcon(), s.startAlarmTestNow)
	// The buttons go below the year where they do not fit beside it, and
	// the months wrap: in one row they made the view 650 pixels wide and
	// left the exercise list a few letters at 1024 pixels.
	buttons := container.NewHBox(adhoc, plan)
	top := container.New(&besideOrBelow{}, container.NewHBox(prev, title, next), buttons)

	months := d.months
	// Each row of months is as high as its fullest month, not as the
	// fullest of the year.
	grid := container.New(&wrapGrid{cell: 190})
	for i, list := range months {
		box := container.NewVBox(widget.NewLabelWithStyle(lang.L(monthNames[i]), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		if len(list) == 0 {
			none := widget.NewLabel("–")
			none.Importance = widget.LowImportance
			box.Add(none)
		}
		for _, x := range list {
			text := fmt.Sprintf("%s %s", x.Date.Local().Format("02."), x.Title)
			link := u.link(text, handbook.EntityExercise, x.ID)
			state := widget.NewLabel(exerciseKindLabel(x.Kind) + " · " + exerciseStatusLabel(x.State()))
			state.SizeName = theme.SizeNameCaptionText
			if x.Overdue(now) {
				state.SetText("⚠ " + lang.L("planned, not evaluated"))
				state.Importance = widget.WarningImportance
			}
			box.Add(container.NewVBox(link, state))
		}
		grid.Add(widget.NewCard("", "", box))
	}

	var findings []fyne.CanvasObject
	for _, f := range d.findings {
		l := widget.NewLabel("⚠ " + findingText(f))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		findings = append(findings, l)
	}
	if len(findings) == 0 {
		findings = append(findings, widget.NewLabel("✓ "+lang.L("The exercise programme is up to date.")))
	}

	cov := s.coverageList(d.coverage, d.tests)
	// The long coverage heading wraps: unwrapped it made the year view
	// 950 pixels wide and squeezed the exercise list to a few letters.
	covHead := heading(lang.L("Coverage: when each playbook, critical service and critical process was last exercised"))
	covHead.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(top, grid, heading(lang.L("What the check finds")), container.NewVBox(findings...), covHead, cov)
	return container.NewVScroll(container.NewPadded(body))
}

// coverageRowHeight is the height of a row of the coverage list.
const coverageRowHeight = 38

// coverageList lists when each playbook, critical service and critical
// process was last exercised. Only the rows in sight are drawn: a table
// of the 800 rows of a large handbook kept the window busy for seconds.
func (s *exercisesScreen) coverageList(rows []handbook.CoverageItem, tests map[string]handbook.ServiceTest) fyne.CanvasObject {
	u := s.u
	colHead := func(text string) *widget.Label {
		l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	// The name takes half the row and the three columns share the other
	// half: in four equal columns the names were cut to a word.
	row := func(a, b, c, d fyne.CanvasObject) fyne.CanvasObject {
		return container.NewGridWithColumns(2, a, container.NewGridWithColumns(3, b, c, d))
	}
	head := row(colHead(lang.L("Exercised")), colHead(lang.L("Last exercised")), colHead(lang.L("Next planned")), colHead(lang.L("Critical")))
	cell := func() *widget.Label {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	// A keyboard list: Enter or a click opens the record in the row.
	var list *keyList
	list = newKeyList(func() int { return len(rows) },
		func() fyne.CanvasObject {
			// The kind is one short word, kept whole.
			return row(container.NewBorder(nil, nil, widget.NewLabel(""), nil, newLinkLabel()), cell(), cell(), cell())
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := rows[i]
			cols := o.(*fyne.Container).Objects
			nameBox := cols[0].(*fyne.Container)
			rest := cols[1].(*fyne.Container).Objects
			kind := map[handbook.Entity]string{handbook.EntityPlaybook: lang.L("Playbook"), handbook.EntityService: lang.L("Service"), handbook.EntityProcess: lang.L("Process")}[c.Entity]
			// The name is the border's centre, the kind its left.
			nameBox.Objects[0].(*widget.Label).SetText(c.Title)
			nameBox.Objects[1].(*widget.Label).SetText(kind)
			last, next, crit := rest[0].(*widget.Label), rest[1].(*widget.Label), rest[2].(*widget.Label)
			last.Importance = widget.MediumImportance
			last.SetText(lang.L("never"))
			if !c.Last.IsZero() {
				last.SetText(day(c.Last))
			}
			if c.Due {
				last.Importance = widget.DangerImportance
				last.SetText("⚠ " + last.Text)
			}
			next.SetText("–")
			if !c.Next.IsZero() {
				next.SetText(day(c.Next))
			}
			critical := ""
			if c.Critical {
				critical = lang.L("yes")
			}
			if test, ok := tests[c.ID]; ok && c.Entity == handbook.EntityService {
				critical = strings.TrimSpace(critical + " · " + testVerdict(test))
			}
			crit.SetText(critical)
		}, func(i widget.ListItemID) {
			list.UnselectAll()
			u.open(rows[i].Entity, rows[i].ID)
		})
	list.onEscape = u.escape
	list.HideSeparators = true
	height := canvas.NewRectangle(color.Transparent)
	height.SetMinSize(fyne.NewSize(0, min(float32(max(len(rows), 1)), 12)*coverageRowHeight))
	return container.NewVBox(head, container.NewStack(height, list))
}

// testVerdict is what a service shows of its last recovery test.
func testVerdict(t handbook.ServiceTest) string {
	verdict := lang.L("RTO missed")
	if t.Result.RTOMet() {
		verdict = lang.L("RTO met")
	}
	return lang.L("last tested on {{.Date}}: {{.Verdict}}", map[string]any{"Date": day(t.At), "Verdict": verdict})
}

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// detail shows an exercise: what to do with it now, its plan and, once
// evaluated, its evaluation.
func (s *exercisesScreen) detail(x handbook.Exercise, n exerciseNames) fyne.CanvasObject {
	u := s.u
	box := container.NewVBox()
	actions := container.NewHBox()
	hb, err := u.st.Load(u.ctx)
	if err != nil {
		u.loadFailed(err)
	}
	drill, hasDrill := handbook.DrillOf(hb.Live(), x.ID)
	switch {
	case hasDrill && drill.Open():
		open := newIconButton(lang.L("Open the running drill"), theme.MediaPlayIcon(), func() { s.showDrill(drill.ID) })
		open.Importance = widget.HighImportance
		actions.Add(open)
	case x.State() == handbook.ExercisePlanned:
		label := lang.L("Start drill")
		if x.Kind == handbook.ExerciseAlarmTest {
			label = lang.L("Start alarm test")
		}
		start := newIconButton(label, theme.MediaPlayIcon(), func() { s.start(x) })
		start.Importance = widget.HighImportance
		actions.Add(start)
		actions.Add(newIconButton(lang.L("Evaluate without drill …"), theme.ConfirmIcon(), func() { u.evaluateDialog(x.ID, handbook.Incident{}) }))
	case hasDrill:
		actions.Add(newIconButton(lang.L("Show the drill"), theme.VisibilityIcon(), func() { s.showDrill(drill.ID) }))
	}
	if x.State() == handbook.ExerciseRunning && !(hasDrill && drill.Open()) {
		actions.Add(newIconButton(lang.L("Evaluate …"), theme.ConfirmIcon(), func() { u.evaluateDialog(x.ID, handbook.Incident{}) }))
	}
	actions.Add(newIconButton(lang.L("Print exercise report"), theme.DocumentPrintIcon(), func() { u.printExerciseReport(x.ID) }))
	box.Add(actions)

	held := ""
	if at, ok := x.Held(); ok {
		held = stamp(at)
	}
	facilitator := ""
	if x.Facilitator != "" {
		facilitator = n.contacts.name(x.Facilitator)
	}
	box.Add(props(
		[2]string{lang.L("Kind"), exerciseKindLabel(x.Kind)},
		[2]string{lang.L("Status"), exerciseStatusLabel(x.State())},
		[2]string{lang.L("Planned for"), day(x.Date)},
		[2]string{lang.L("Held"), held},
		[2]string{lang.L("Evaluated"), stamp(x.EvaluatedAt)},
		[2]string{lang.L("Playbooks in scope"), n.playbooks.list(x.Playbooks)},
		[2]string{lang.L("Services in scope"), n.services.list(x.Services)},
		[2]string{lang.L("Business processes in scope"), n.processes.list(x.Processes)},
		[2]string{lang.L("Sites in scope"), n.sites.list(x.Sites)},
		[2]string{lang.L("Roles taking part"), n.roles.list(x.Roles)},
		[2]string{lang.L("People taking part"), n.contacts.list(x.Contacts)},
		[2]string{lang.L("Others taking part"), x.Participants},
		[2]string{lang.L("Facilitator"), facilitator},
		[2]string{lang.L("Observers"), n.contacts.list(x.Observers)},
	))
	if len(x.Objectives) > 0 {
		box.Add(heading(lang.L("Objectives")))
		for i, o := range x.Objectives {
			text := fmt.Sprintf("%d. %s", i+1, o.Text)
			l := widget.NewLabel(text)
			l.Wrapping = fyne.TextWrapWord
			switch o.Outcome {
			case handbook.ObjectiveMet:
				l.SetText("✓ " + text + " – " + lang.L("met"))
				l.Importance = widget.SuccessImportance
			case handbook.ObjectiveNotMet:
				l.SetText("✗ " + text + " – " + lang.L("not met"))
				l.Importance = widget.DangerImportance
			}
			box.Add(l)
		}
	}
	if x.Scenario != "" {
		box.Add(heading(lang.L("Scenario")))
		box.Add(renderMarkdown(x.Scenario))
	}
	if len(x.Injects) > 0 {
		box.Add(heading(lang.L("Injects")))
		injects := slices.Clone(x.Injects)
		slices.SortStableFunc(injects, func(a, b handbook.Inject) int { return int(a.At - b.At) })
		for _, in := range injects {
			l := widget.NewLabel(strings.Join(nonEmpty("T+"+in.At.String(), in.From), " · ") + ": " + in.Text)
			l.Wrapping = fyne.TextWrapWord
			box.Add(l)
			if in.Expected != "" {
				e := widget.NewLabel("   " + lang.L("Expected: {{.Text}}", map[string]any{"Text": in.Expected}))
				e.Wrapping = fyne.TextWrapWord
				e.SizeName = theme.SizeNameCaptionText
				box.Add(e)
			}
		}
	}
	if x.State() == handbook.ExerciseEvaluated {
		box.Add(heading(lang.L("Evaluation")))
		box.Add(props([2]string{lang.L("Result"), x.Result}, [2]string{lang.L("What went well"), x.WentWell}))
		actionsByID := map[string]handbook.Action{}
		for _, a := range hb.Actions {
			actionsByID[a.ID] = a
		}
		for i, f := range x.Findings {
			l := widget.NewLabel(fmt.Sprintf("%d. %s", i+1, f.Text))
			l.Wrapping = fyne.TextWrapWord
			box.Add(l)
			for _, id := range f.Actions {
				if a, ok := actionsByID[id]; ok {
					text := "→ " + strings.Join(nonEmpty(a.Title, n.contacts.name(a.Owner), day(a.Due), actionStatusLabel(a.Status)), " · ")
					box.Add(u.link(text, handbook.EntityAction, a.ID))
				}
			}
		}
	}
	return box
}

// start starts the drill of a planned exercise and shows it.
func (s *exercisesScreen) start(x handbook.Exercise) {
	u := s.u
	if u.refuseReadOnly() {
		return
	}
	req := ops.StartExercise{Exercise: x.ID, Level: ops.LevelFromSeverity, By: u.author(), Initials: u.initials()}
	if x.Kind == handbook.ExerciseAlarmTest {
		req.Level = 0
	}
	_, drill, err := u.ops.StartExercise(u.ctx, req)
	if oe, ok := ops.AsError(err); ok {
		dialog.ShowInformation(lang.L("The drill was not started"), oe.Text(translate), u.win)
		return
	}
	if err != nil {
		u.saveFailed(err)
		return
	}
	s.sec.reload()
	s.showDrill(drill.ID)
}

// startAlarmTestNow plans an alarm test for now and starts it: an
// unannounced test needs no planning.
func (s *exercisesScreen) startAlarmTestNow() {
	u := s.u
	if u.refuseReadOnly() {
		return
	}
	title := lang.L("Alarm test {{.Date}}", map[string]any{"Date": day(u.now())})
	x, err := u.ops.PlanExercise(u.ctx, ops.PlanExercise{Title: title, Kind: handbook.ExerciseAlarmTest, Date: u.now()})
	if err != nil {
		u.saveFailed(err)
		return
	}
	s.start(x)
}

// showDrill shows a drill in place of the exercise: the alarm test's
// guided calls, or the incident run marked as exercise.
func (s *exercisesScreen) showDrill(id string) {
	u := s.u
	s.leaveDrill()
	inc, err := store.Get[handbook.Incident](u.ctx, u.st, id)
	if err != nil {
		u.loadFailed(err)
		return
	}
	x, err := store.Get[handbook.Exercise](u.ctx, u.st, inc.ExerciseID)
	if err != nil {
		u.loadFailed(err)
		return
	}
	s.sec.selected = x.ID
	s.sec.markRow()
	back := newIconButton(lang.L("Back to the exercise (Esc)"), theme.NavigateBackIcon(), s.backToExercise)
	if x.Kind == handbook.ExerciseAlarmTest {
		a := newAlarmView(u, inc.ID, func() bool { return s.showingDrill() && s.alarm != nil && s.alarm.id == inc.ID })
		obj, err := a.object()
		if err != nil {
			u.loadFailed(err)
			return
		}
		s.alarm = a
		s.showFull(container.NewBorder(container.NewHBox(back), nil, nil, nil, obj))
		a.start()
		return
	}
	r := newRunView(u, inc.ID, func() bool { return s.showingDrill() && s.run != nil && s.run.id == inc.ID })
	obj, err := r.object()
	if err != nil {
		u.loadFailed(err)
		return
	}
	s.run = r
	s.showFull(container.NewBorder(container.NewHBox(back), nil, nil, nil, obj))
	r.start()
}

// showFull shows a drill in place of the list and the exercise.
func (s *exercisesScreen) showFull(o fyne.CanvasObject) {
	s.shown = o
	s.obj.Objects = []fyne.CanvasObject{o}
	s.obj.Refresh()
	// The list had the keys; gone from the screen, it must not keep Esc
	// from the way back.
	s.u.win.Canvas().Unfocus()
}

// backToExercise leaves the drill for its exercise beside the list.
func (s *exercisesScreen) backToExercise() {
	id := s.sec.selected
	s.leaveDrill()
	if id != "" {
		s.sec.selectID(id)
	}
}

// leaveDrill stops the drill on display, if any, and puts the list back.
func (s *exercisesScreen) leaveDrill() {
	if s.run != nil {
		s.run.stop()
		s.run = nil
	}
	if s.alarm != nil {
		s.alarm.stop()
		s.alarm = nil
	}
	s.shown = nil
	if len(s.obj.Objects) == 0 || s.obj.Objects[0] != s.list {
		s.obj.Objects = []fyne.CanvasObject{s.list}
		s.obj.Refresh()
	}
}

// openDrill shows a drill on the exercises screen.
func (u *ui) openDrill(inc handbook.Incident) {
	for i, s := range u.screens {
		if s.id == "exercises" {
			u.show(i)
			if u.view.open != nil {
				u.view.open(handbook.EntityIncident, inc.ID)
			}
			return
		}
	}
}

// newDrillBadge is the toolbar button that says a drill is running: it is
// no incident, and looks like none.
func newDrillBadge(u *ui) *button {
	b := newIconButton("", theme.MediaPlayIcon(), nil)
	b.Importance = widget.WarningImportance
	b.Hide()
	u.drillBadge = b
	return b
}

// refreshDrillBadge updates the drill badge from the incidents.
func (u *ui) refreshDrillBadge(incs []handbook.Incident) {
	if u.drillBadge == nil {
		return
	}
	drills := handbook.RunningDrills(incs)
	switch len(drills) {
	case 0:
		u.drillBadge.Hide()
		return
	case 1:
		u.drillBadge.SetText(lang.L("EXERCISE running"))
		d := drills[0]
		u.drillBadge.OnTapped = func() { u.guard(func() { u.openDrill(d) }) }
	default:
		u.drillBadge.SetText(lang.L("{{.N}} exercises running", map[string]any{"N": len(drills)}))
		u.drillBadge.OnTapped = func() { u.showScreen("exercises") }
	}
	u.drillBadge.Show()
}

// exerciseCards are the dashboard's cards about exercises that show only
// when there is something to show: running drills, and the reviews an
// exercise's findings suggest.
func exerciseCards(u *ui, d dashboardData) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	var drills []fyne.CanvasObject
	for _, inc := range d.drills {
		text := func(now time.Time) string {
			return lang.L("EXERCISE: {{.Title}} – running for {{.Elapsed}}", map[string]any{"Title": inc.Title, "Elapsed": elapsedMinutes(now.Sub(inc.StartedAt))})
		}
		l := widget.NewHyperlink(text(d.now), nil)
		d.ticks.add(func(now time.Time) { setLinkText(l, text(now)) })
		l.OnTapped = func() { u.guard(func() { u.openDrill(inc) }) }
		drills = append(drills, l)
	}
	if len(drills) > 0 {
		out = append(out, card(lang.L("Running exercises (not incidents)"), drills, ""))
	}
	review := func(i int) fyne.CanvasObject {
		r := d.exerciseReviews[i]
		return u.link(r.Title, r.Entity, r.ID)
	}
	if len(d.exerciseReviews) > 0 {
		out = append(out, cardOf(lang.L("Review suggested after an exercise"), len(d.exerciseReviews), review, ""))
	}
	return out
}

// exerciseProgrammeCard is the dashboard's card of what the check finds
// about the exercise programme.
func exerciseProgrammeCard(u *ui, findings []handbook.Finding) fyne.CanvasObject {
	item := func(i int) fyne.CanvasObject {
		f := findings[i]
		if f.ID == "" {
			return widget.NewLabel(findingText(f))
		}
		return u.link(findingText(f), f.Entity, f.ID)
	}
	return cardOf(lang.L("Exercise programme"), len(findings), item, lang.L("The exercise programme is up to date."))
}

// printExerciseReport asks where to save an exercise's report and prints it.
func (u *ui) printExerciseReport(id string) {
	u.saveReport(lang.L("exercise-report"), u.exerciseReport(id))
}

// exerciseReport prints the report of exercise id.
func (u *ui) exerciseReport(id string) printFunc {
	return func(ctx context.Context, path string, opt binder.Options, p ops.Progress) (binder.Result, error) {
		return u.ops.PrintExerciseReport(ctx, ops.ExerciseReport{Path: path, ExerciseID: id, Options: opt}, p)
	}
}

// minutesText is a number of minutes for an entry.
func minutesText(m handbook.Minutes) string { return strconv.Itoa(int(m)) }
