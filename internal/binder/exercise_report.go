package binder

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/handbook"
)

// ErrUnknownExercise is returned for an exercise ID the handbook does not hold.
var ErrUnknownExercise = errors.New("no exercise with this ID")

// WriteExerciseReport renders the report of one exercise as a PDF into the
// file at path, as safely as WriteFile writes the binder: what an auditor
// asks for after an exercise (ISO 22301 8.5): the facts, the objectives
// and whether they were met, the scope, the participants, the scenario,
// the timeline of the drill with its injects, the time targets met and
// missed, the recovery times against RTO and RPO, the alarm test, the
// practice clocks, the findings with their actions, and lines to sign.
// Of opt, Lang, Paper, Classification, PrintedAt and PrintedBy apply.
func WriteExerciseReport(ctx context.Context, path string, hb handbook.Handbook, exerciseID string, opt Options) (Result, error) {
	r, err := newExerciseReport(hb, exerciseID, opt)
	return writeReport(ctx, path, "uebungsbericht.pdf", r, err)
}

// exerciseReport is what the exercise report prints, computed before
// drawing. rep is the report of the exercise's drill, for its timeline
// and clocks; its incident is the zero value when the exercise had none.
type exerciseReport struct {
	rep      *report
	x        handbook.Exercise
	hasDrill bool
	injects  []handbook.DrillInject
	targets  []handbook.TargetResult
	recovery []handbook.LogEntry
	alarm    handbook.AlarmSummary
	calls    bool
	actions  map[string]handbook.Action
}

// Keys of the exercise report's parts in the PDF outline.
const (
	keyXFacts      = "ex:facts"
	keyXObjectives = "ex:objectives"
	keyXScope      = "ex:scope"
	keyXPeople     = "ex:people"
	keyXScenario   = "ex:scenario"
	keyXTimeline   = "ex:timeline"
	keyXTargets    = "ex:targets"
	keyXRecovery   = "ex:recovery"
	keyXAlarm      = "ex:alarm"
	keyXClocks     = "ex:clocks"
	keyXEvaluation = "ex:evaluation"
)

func newExerciseReport(hb handbook.Handbook, exerciseID string, opt Options) (*exerciseReport, error) {
	live := hb.Live()
	i := slices.IndexFunc(live.Exercises, func(x handbook.Exercise) bool { return x.ID == exerciseID })
	if exerciseID == "" || i < 0 {
		return nil, fmt.Errorf("%w: %q", ErrUnknownExercise, exerciseID)
	}
	xr := &exerciseReport{x: live.Exercises[i], actions: map[string]handbook.Action{}}
	drill, ok := handbook.DrillOf(live, exerciseID)
	xr.hasDrill = ok
	var err error
	if ok {
		xr.rep, err = newReport(hb, drill.ID, opt)
	} else {
		var p *plan
		if p, err = newPlan(hb, Options{Lang: opt.Lang, Paper: opt.Paper, Classification: opt.Classification,
			PrintedAt: opt.PrintedAt, PrintedBy: opt.PrintedBy}); err == nil {
			p.printed = p.printed.In(time.Local)
			p.sections = nil
			xr.rep = &report{p: p, loc: time.Local, byID: map[string]handbook.LogEntry{}, corrections: map[string][]handbook.LogEntry{},
				stepText: map[string]string{}, end: p.printed}
		}
	}
	if err != nil {
		return nil, err
	}
	p, r := xr.rep.p, xr.rep
	xt := p.t.exercise
	p.t.handbook = xt.title
	if ok {
		xr.injects = handbook.DrillInjects(r.inc, r.log, r.end)
		xr.targets = handbook.TimeTargets(r.inc, r.log, r.end)
		xr.recovery = handbook.RecoveryResults(r.inc, r.log)
		xr.alarm = handbook.AlarmTestSummary(handbook.AlarmPlan(p.hb, r.inc.StartedAt), r.inc, r.log)
		xr.calls = slices.ContainsFunc(r.log, func(e handbook.LogEntry) bool { return e.Kind == handbook.LogCallAttempt })
	}
	for _, a := range p.hb.Actions {
		xr.actions[a.ID] = a
	}
	p.toc = []tocEntry{{key: keyXFacts, title: xr.x.Title}, {key: keyXObjectives, title: xt.objectives},
		{key: keyXScope, title: xt.scope}, {key: keyXPeople, title: xt.people}}
	if strings.TrimSpace(xr.x.Scenario) != "" {
		p.toc = append(p.toc, tocEntry{key: keyXScenario, title: xt.scenario})
	}
	p.toc = append(p.toc, tocEntry{key: keyXTimeline, title: xt.timeline})
	if xr.showTargets() {
		p.toc = append(p.toc, tocEntry{key: keyXTargets, title: xt.targets})
	}
	if xr.showRecovery() {
		p.toc = append(p.toc, tocEntry{key: keyXRecovery, title: xt.recovery})
	}
	if xr.showAlarm() {
		p.toc = append(p.toc, tocEntry{key: keyXAlarm, title: xt.alarm})
	}
	if len(r.deadlines) > 0 {
		p.toc = append(p.toc, tocEntry{key: keyXClocks, title: xt.clocks})
	}
	p.toc = append(p.toc, tocEntry{key: keyXEvaluation, title: xt.evaluation})
	return xr, nil
}

// showTargets is false for an alarm test without a checklist: it has no
// steps to time.
func (xr *exerciseReport) showTargets() bool {
	return len(xr.targets) > 0 || xr.x.Kind != handbook.ExerciseAlarmTest
}

func (xr *exerciseReport) showRecovery() bool {
	return xr.x.Kind == handbook.ExerciseFunctional || len(xr.recovery) > 0
}

func (xr *exerciseReport) showAlarm() bool {
	return xr.x.Kind == handbook.ExerciseAlarmTest || xr.calls
}

func (xr *exerciseReport) write(ctx context.Context, w io.Writer) (Result, error) {
	p := xr.rep.p
	d, err := p.renderParts(ctx, "exercise report", p.t.exercise.title+" – "+xr.x.Title,
		[]func(*doc){xr.facts, xr.objectives, xr.scope, xr.people, xr.scenario, xr.timeline, xr.timeTargets,
			xr.recoveryPart, xr.alarmPart, xr.clocks, xr.evaluation})
	if err != nil {
		return Result{}, err
	}
	return p.output(d, w, "exercise report")
}

// banner draws the red frame that marks every exercise document.
func banner(d *doc, text string) { redFrame(d, text, 13, 0.8) }

// redFrame draws text in red, size points, in a red frame of the
// content's width with lines of width lw: the exercise banner and a
// report's classification.
func redFrame(d *doc, text string, size, lw float64) {
	w := d.contentWidth()
	st := style{bold: true, size: size, color: colorRed}
	lines := d.layout([]run{{text: text, st: st}}, w-6)
	h := float64(len(lines))*lineHeight(size) + 3
	d.pdf.SetDrawColor(180, 0, 0)
	d.pdf.SetLineWidth(lw)
	d.pdf.Rect(d.left, d.y, w, h, "D")
	d.pdf.SetLineWidth(0.2)
	y := d.y + 1.5
	for _, ln := range lines {
		d.drawLine(ln, d.left+3, y, lineHeight(size))
		y += lineHeight(size)
	}
	d.y += h + 2
}

// names joins the names of records by ID: what a map gives, else the ID.
func names(ids []string, name func(string) (string, bool)) string {
	var out []string
	for _, id := range ids {
		if n, ok := name(id); ok {
			out = append(out, n)
		} else {
			out = append(out, id)
		}
	}
	return strings.Join(out, ", ")
}

func (xr *exerciseReport) contactName(id string) (string, bool) {
	c, ok := xr.rep.p.contact[id]
	if !ok {
		return "", false
	}
	if c.Function != "" {
		return c.FullName() + " (" + c.Function + ")", true
	}
	return c.FullName(), true
}

func (xr *exerciseReport) facts(d *doc) {
	p, r, x := xr.rep.p, xr.rep, xr.x
	t, xt := d.t, d.t.exercise
	w := d.contentWidth()
	reportHead(d, keyXFacts, xt.title, x.Title)
	banner(d, xt.banner)
	class := cmp.Or(p.opt.Classification, p.hb.Settings.Classification, t.classification)
	d.text(class, style{bold: true, color: colorRed})
	d.y += 2

	label := func(s string) cell { return txt(s, style{bold: true}) }
	day := func(tm time.Time) string {
		if tm.IsZero() {
			return "–"
		}
		return tm.In(r.loc).Format(t.dateFormat)
	}
	rows := [][]cell{
		{label(xt.kind), txt(cmp.Or(xt.kinds[x.Kind], string(x.Kind)), style{bold: true})},
		{label(xt.status), txt(cmp.Or(xt.statuses[x.State()], string(x.State())), style{})},
		{label(xt.planned), txt(day(x.Date), style{})},
	}
	held := "–"
	if at, ok := x.Held(); ok {
		held = r.stamp(at)
	}
	rows = append(rows, []cell{label(xt.held), txt(held, style{})})
	if xr.hasDrill {
		span := duration(r.end.Sub(r.inc.StartedAt))
		if r.inc.Open() {
			span += " (" + d.t.report.running + ")"
		}
		rows = append(rows, []cell{label(xt.drill), txt(fmt.Sprintf(xt.drillFrom, r.stamp(r.inc.StartedAt), span), style{})})
	}
	rows = append(rows, []cell{label(xt.evaluated), txt(r.stamp(x.EvaluatedAt), style{})})
	if x.Facilitator != "" {
		n, _ := xr.contactName(x.Facilitator)
		rows = append(rows, []cell{label(xt.facilitator), txt(cmp.Or(n, x.Facilitator), style{})})
	}
	if len(x.Observers) > 0 {
		rows = append(rows, []cell{label(xt.observers), txt(names(x.Observers, xr.contactName), style{})})
	}
	printed := r.stamp(p.printed)
	if by := p.opt.PrintedBy; by != "" {
		printed += " " + fmt.Sprintf(t.printedBy, by)
	}
	rows = append(rows, []cell{label(d.t.report.printed), txt(printed, style{})})
	d.table(table{rows: rows, widths: []float64{26, 74}, size: sizeBody - 0.5}, d.left, w)
}

func (xr *exerciseReport) objectives(d *doc) {
	xt := d.t.exercise
	startPart(d, keyXObjectives, xt.objectives)
	if len(xr.x.Objectives) == 0 {
		d.text(xt.noObjectives, style{italic: true})
		return
	}
	var rows [][]cell
	met := 0
	for i, o := range xr.x.Objectives {
		var verdict cell
		switch o.Outcome {
		case handbook.ObjectiveMet:
			verdict = txt(xt.met, style{bold: true})
			met++
		case handbook.ObjectiveNotMet:
			verdict = txt(xt.notMet, style{bold: true, color: colorRed})
		default:
			verdict = txt(xt.notRated, style{italic: true, color: colorGray})
		}
		rows = append(rows, []cell{txt(fmt.Sprint(i+1), style{}), txt(o.Text, style{}), verdict})
	}
	d.table(table{header: []cell{txt("#", style{}), txt(xt.objectiveCols[0], style{}), txt(xt.objectiveCols[1], style{})},
		rows: rows, widths: []float64{6, 70, 24}}, d.left, d.contentWidth())
	d.text(fmt.Sprintf(xt.metOf, met, len(xr.x.Objectives)), style{bold: true})
}

func (xr *exerciseReport) scope(d *doc) {
	p, x, xt := xr.rep.p, xr.x, d.t.exercise
	startPart(d, keyXScope, xt.scope)
	pbs := map[string]handbook.Playbook{}
	for _, pb := range p.hb.Playbooks {
		pbs[pb.ID] = pb
	}
	svcs := map[string]handbook.Service{}
	for _, s := range p.hb.Services {
		svcs[s.ID] = s
	}
	var rows [][]cell
	for _, id := range x.Playbooks {
		title := id
		if pb, ok := pbs[id]; ok {
			title = pb.Title
		}
		rows = append(rows, []cell{txt(xt.playbook, style{}), txt(title, style{bold: true}), txt("", style{})})
	}
	for _, id := range x.Services {
		s, ok := svcs[id]
		if !ok {
			rows = append(rows, []cell{txt(d.t.service, style{}), txt(id, style{}), txt("", style{})})
			continue
		}
		rows = append(rows, []cell{txt(d.t.service, style{}), txt(s.Name, style{bold: true}),
			txt(fmt.Sprintf("RTO %s · RPO %s", s.RTO, s.RPO), style{})})
	}
	bia := p.hb.Settings.BIA()
	for _, id := range x.Processes {
		i := slices.IndexFunc(p.hb.Processes, func(bp handbook.BusinessProcess) bool { return bp.ID == id })
		if i < 0 {
			rows = append(rows, []cell{txt(xt.process, style{}), txt(id, style{}), txt("", style{})})
			continue
		}
		bp := p.hb.Processes[i]
		facts := ""
		if a := bia.Assess(bp); a.MTPD > 0 {
			facts = fmt.Sprintf("MTPD %s · RTO %s", a.MTPD, a.RTO)
		}
		rows = append(rows, []cell{txt(xt.process, style{}), txt(bp.Name, style{bold: true}), txt(facts, style{})})
	}
	for _, id := range x.Sites {
		name := id
		if i := slices.IndexFunc(p.hb.Sites, func(s handbook.Site) bool { return s.ID == id }); i >= 0 {
			name = p.hb.Sites[i].Name
		}
		rows = append(rows, []cell{txt(xt.site, style{}), txt(name, style{bold: true}), txt("", style{})})
	}
	if len(rows) == 0 {
		d.text(xt.noScope, style{italic: true})
		return
	}
	d.table(table{header: []cell{txt(xt.scopeCols[0], style{}), txt(xt.scopeCols[1], style{}), txt(xt.scopeCols[2], style{})},
		rows: rows, widths: []float64{18, 52, 30}}, d.left, d.contentWidth())
}

func (xr *exerciseReport) people(d *doc) {
	p, x, xt := xr.rep.p, xr.x, d.t.exercise
	startPart(d, keyXPeople, xt.people)
	var rows [][]cell
	for _, id := range x.Roles {
		role, ok := p.role[id]
		if !ok {
			rows = append(rows, []cell{txt(d.t.role, style{}), txt(id, style{})})
			continue
		}
		holders := names(role.Holders, func(id string) (string, bool) {
			c, ok := p.contact[id]
			return c.FullName(), ok
		})
		rows = append(rows, []cell{txt(d.t.role, style{}), append(txt(role.Name, style{bold: true}), run{text: "\n" + holders, st: style{size: sizeSmall, color: colorGray}})})
	}
	for _, id := range x.Contacts {
		n, ok := xr.contactName(id)
		if !ok {
			n = id
		}
		rows = append(rows, []cell{txt(xt.person, style{}), txt(n, style{})})
	}
	if s := strings.TrimSpace(x.Participants); s != "" {
		rows = append(rows, []cell{txt(xt.others, style{}), txt(s, style{})})
	}
	if xr.hasDrill {
		if authors := xr.rep.participants(); len(authors) > 0 {
			rows = append(rows, []cell{txt(xt.inLog, style{}), txt(strings.Join(authors, ", "), style{})})
		}
	}
	if len(rows) == 0 {
		d.text(d.t.none, style{italic: true})
		return
	}
	d.table(table{rows: rows, widths: []float64{22, 78}}, d.left, d.contentWidth())
}

func (xr *exerciseReport) scenario(d *doc) {
	if strings.TrimSpace(xr.x.Scenario) == "" {
		return
	}
	startPart(d, keyXScenario, d.t.exercise.scenario)
	d.markdown(xr.x.Scenario, d.left, d.contentWidth(), false)
}

// timeline is the drill's log in time order with the injects woven in at
// the time they appeared.
func (xr *exerciseReport) timeline(d *doc) {
	r, xt, rt := xr.rep, d.t.exercise, d.t.report
	startPart(d, keyXTimeline, xt.timeline)
	if !xr.hasDrill {
		d.text(xt.noDrill, style{italic: true})
		xr.preparedInjects(d)
		return
	}
	type row struct {
		at    time.Time
		cells []cell
	}
	var rows []row
	injectNo := map[string]int{}
	for i, in := range xr.injects {
		injectNo[in.Key] = i + 1
	}
	bold := style{bold: true, color: colorRed}
	for _, in := range xr.injects {
		if !in.Shown() {
			continue
		}
		text := in.Text
		if in.From != "" {
			text = in.From + ": " + text
		}
		what := txt(text, style{bold: true})
		note := fmt.Sprintf(xt.injectPlanned, "T+"+in.At.String())
		switch {
		case in.Spontaneous:
			note = xt.injectSpontaneous
		case in.Early:
			note = fmt.Sprintf(xt.injectEarly, "T+"+in.At.String())
		}
		what = append(what, run{text: "\n" + note, st: style{size: sizeSmall, color: colorGray}})
		if in.Expected != "" {
			what = append(what, run{text: "\n" + fmt.Sprintf(xt.expected, in.Expected), st: style{size: sizeSmall, italic: true}})
		}
		if len(in.Responses) == 0 {
			what = append(what, run{text: "\n" + xt.noResponse, st: style{size: sizeSmall, bold: true, color: colorRed}})
		}
		rows = append(rows, row{in.Appeared, []cell{txt(r.stamp(in.Appeared), style{}), txt(fmt.Sprintf(xt.injectNo, injectNo[in.Key]), bold),
			txt(cmp.Or(in.By, xt.byPlan), style{}), what}})
	}
	for _, e := range r.log {
		if e.Kind == handbook.LogInject {
			continue // the inject's own row above says when and how it came
		}
		kind := cmp.Or(e.Kind, handbook.LogNote)
		st := style{bold: kind == handbook.LogDecision}
		entry := xr.entryCell(e, st)
		if n, ok := injectNo[e.Inject]; ok {
			entry = append(cell{{text: fmt.Sprintf(xt.reaction, n) + "\n", st: style{size: sizeSmall, bold: true, color: colorGray}}}, entry...)
		}
		rows = append(rows, row{e.At, []cell{txt(r.stamp(e.At), style{}), txt(cmp.Or(rt.kinds[kind], kind), st),
			txt(e.Author, style{}), entry}})
	}
	slices.SortStableFunc(rows, func(a, b row) int { return a.at.Compare(b.at) })
	cells := make([][]cell, len(rows))
	for i, r := range rows {
		cells[i] = r.cells
	}
	d.table(table{header: []cell{txt(rt.timelineCols[0], style{}), txt(rt.timelineCols[1], style{}),
		txt(rt.timelineCols[2], style{}), txt(rt.timelineCols[3], style{})},
		rows: cells, widths: []float64{19, 17, 13, 51}}, d.left, d.contentWidth())
	waiting := 0
	for _, in := range xr.injects {
		if !in.Shown() {
			waiting++
		}
	}
	if waiting > 0 {
		d.text(fmt.Sprintf(xt.notShown, waiting), style{italic: true})
	}
}

// entryCell is a log entry as the incident report prints it, with what
// the drill's own kinds say.
func (xr *exerciseReport) entryCell(e handbook.LogEntry, st style) cell {
	xt := xr.rep.p.t.exercise
	switch {
	case e.Kind == handbook.LogRecovery && e.Recovery != nil:
		name := e.Recovery.Service
		for _, s := range xr.rep.p.hb.Services {
			if s.ID == e.Recovery.Service {
				name = s.Name
			}
		}
		out := txt(name, style{bold: true})
		out = append(out, run{text: "\n" + fmt.Sprintf(xt.recoveryLine, e.Recovery.Recovery, e.Recovery.RTO, e.Recovery.DataLoss, e.Recovery.RPO), st: st})
		if !strings.HasPrefix(e.Text, name+": ") && e.Text != name {
			out = append(out, run{text: "\n" + e.Text, st: st})
		}
		return out
	case e.Kind == handbook.LogCallAttempt && e.Call != nil:
		who := e.Call.Contact
		if c, ok := xr.rep.p.contact[e.Call.Contact]; ok {
			who = c.FullName()
		}
		role := e.Call.Role
		if rl, ok := xr.rep.p.role[e.Call.Role]; ok {
			role = rl.Name
		}
		verdict := xt.notReached
		if e.Call.Reached {
			verdict = xt.reached
		}
		out := txt(role+": "+who, style{bold: true})
		out = append(out, run{text: "\n" + fmt.Sprintf(xt.callLine, e.Call.Number, verdict, e.Call.After), st: st})
		if e.Call.WrongNumber {
			out = append(out, run{text: "\n" + xt.wrongNumber, st: style{bold: true, color: colorRed}})
		}
		if e.Text != who && e.Text != role+": "+who && e.Text != "" {
			out = append(out, run{text: "\n" + e.Text, st: st})
		}
		return out
	}
	return xr.rep.entryCell(e, st)
}

func (xr *exerciseReport) timeTargets(d *doc) {
	if !xr.showTargets() {
		return
	}
	xt := d.t.exercise
	startPart(d, keyXTargets, xt.targets)
	if len(xr.targets) == 0 {
		d.text(xt.noTargets, style{italic: true})
		return
	}
	var rows [][]cell
	met, missed := 0, 0
	for _, t := range xr.targets {
		var verdict cell
		took := "–"
		if t.Done {
			took = duration(t.Took)
		}
		switch {
		case t.Met:
			verdict = txt(xt.met, style{bold: true})
			met++
		case t.Missed:
			verdict = txt(xt.missed, style{bold: true, color: colorRed})
			missed++
		default:
			verdict = txt(xt.open, style{italic: true})
		}
		rows = append(rows, []cell{txt(t.Text, style{}), txt(handbook.Minutes(t.Target).String(), style{}), txt(took, style{}), verdict})
	}
	d.table(table{header: []cell{txt(xt.targetCols[0], style{}), txt(xt.targetCols[1], style{}), txt(xt.targetCols[2], style{}), txt(xt.targetCols[3], style{})},
		rows: rows, widths: []float64{52, 14, 16, 18}}, d.left, d.contentWidth())
	d.text(fmt.Sprintf(xt.targetsSum, met, missed, len(xr.targets)), style{bold: true})
}

func (xr *exerciseReport) recoveryPart(d *doc) {
	if !xr.showRecovery() {
		return
	}
	xt := d.t.exercise
	startPart(d, keyXRecovery, xt.recovery)
	if len(xr.recovery) == 0 {
		d.text(xt.noRecovery, style{italic: true})
		return
	}
	var rows [][]cell
	for _, e := range xr.recovery {
		res := e.Recovery
		name := res.Service
		for _, s := range xr.rep.p.hb.Services {
			if s.ID == res.Service {
				name = s.Name
			}
		}
		verdict := func(ok bool, yes, no string) cell {
			if ok {
				return txt(yes, style{bold: true})
			}
			return txt(no, style{bold: true, color: colorRed})
		}
		rows = append(rows, []cell{txt(name, style{bold: true}), txt(res.RTO.String(), style{}), txt(res.Recovery.String(), style{}),
			verdict(res.RTOMet(), xt.rtoMet, xt.rtoMissed), txt(res.RPO.String(), style{}), txt(res.DataLoss.String(), style{}),
			verdict(res.RPOMet(), xt.rpoMet, xt.rpoMissed)})
	}
	h := xt.recoveryCols
	d.table(table{header: []cell{txt(h[0], style{}), txt(h[1], style{}), txt(h[2], style{}), txt(h[3], style{}), txt(h[4], style{}), txt(h[5], style{}), txt(h[6], style{})},
		rows: rows, widths: []float64{24, 10, 12, 16, 10, 12, 16}}, d.left, d.contentWidth())
}

func (xr *exerciseReport) alarmPart(d *doc) {
	if !xr.showAlarm() {
		return
	}
	xt := d.t.exercise
	startPart(d, keyXAlarm, xt.alarm)
	s := xr.alarm
	if len(s.Roles) == 0 {
		d.text(xt.noCalls, style{italic: true})
		return
	}
	var rows [][]cell
	for _, r := range s.Roles {
		var who cell
		switch r.By {
		case handbook.ReachedPrimary, handbook.ReachedDeputy:
			n, _ := xr.contactName(r.Contact)
			who = txt(xt.reachedBy[r.By]+": "+cmp.Or(n, r.Contact), style{})
		case handbook.ReachedNone:
			who = txt(xt.reachedBy[r.By], style{bold: true, color: colorRed})
		default:
			who = txt(xt.reachedBy[r.By], style{italic: true, color: colorGray})
		}
		var number []string
		wrong := false
		for _, a := range r.Attempts {
			n := a.Call.Number
			if a.Call.WrongNumber {
				n += " (" + xt.wrong + ")"
				wrong = true
			}
			number = append(number, n)
		}
		after, inTime := "–", txt("–", style{})
		if r.By == handbook.ReachedPrimary || r.By == handbook.ReachedDeputy {
			after = r.After.String()
			inTime = txt(xt.yes, style{bold: true})
			if !r.InTime {
				inTime = txt(xt.no, style{bold: true, color: colorRed})
			}
		}
		within := "–"
		if r.Within > 0 {
			within = r.Within.String()
		}
		numbers := txt(strings.Join(number, "\n"), style{})
		if wrong {
			numbers = append(numbers, run{text: "\n" + xt.wrongNumber, st: style{size: sizeSmall, bold: true, color: colorRed}})
		}
		rows = append(rows, []cell{txt(fmt.Sprint(r.Level), style{}), txt(cmp.Or(r.Role, r.RoleID), style{bold: true}), who, numbers,
			txt(after, style{}), txt(within, style{}), inTime})
	}
	h := xt.alarmCols
	d.table(table{header: []cell{txt(h[0], style{}), txt(h[1], style{}), txt(h[2], style{}), txt(h[3], style{}), txt(h[4], style{}), txt(h[5], style{}), txt(h[6], style{})},
		rows: rows, widths: []float64{7, 25, 22, 19, 9, 9, 9}}, d.left, d.contentWidth())
	d.text(fmt.Sprintf(xt.alarmShares, len(s.Roles), s.Share(s.Primary), s.Share(s.Deputy), s.Share(s.None+s.Untried)), style{bold: true})
}

func (xr *exerciseReport) clocks(d *doc) {
	if len(xr.rep.deadlines) == 0 {
		return
	}
	xr.rep.clocksAt(d, keyXClocks, d.t.exercise.clocks)
}

func (xr *exerciseReport) evaluation(d *doc) {
	x, xt := xr.x, d.t.exercise
	startPart(d, keyXEvaluation, xt.evaluation)
	if x.State() != handbook.ExerciseEvaluated {
		d.text(xt.notEvaluated, style{italic: true, color: colorRed})
	}
	if s := strings.TrimSpace(x.Result); s != "" {
		d.subheading(xt.result)
		d.text(s, style{})
	}
	if s := strings.TrimSpace(x.WentWell); s != "" {
		d.subheading(xt.wentWell)
		d.text(s, style{})
	}
	d.subheading(xt.findings)
	if len(x.Findings) == 0 {
		d.text(d.t.none, style{italic: true})
	} else {
		var rows [][]cell
		for i, f := range x.Findings {
			what := txt(f.Text, style{})
			if c := xr.concerns(f); c != "" {
				what = append(what, run{text: "\n" + fmt.Sprintf(xt.concerns, c), st: style{size: sizeSmall, color: colorGray}})
			}
			if len(f.Actions) == 0 {
				rows = append(rows, []cell{txt(fmt.Sprint(i+1), style{}), what, txt(xt.noAction, style{italic: true, color: colorGray}), nil, nil, nil})
				continue
			}
			for j, id := range f.Actions {
				a, ok := xr.actions[id]
				first := []cell{txt(fmt.Sprint(i+1), style{}), what}
				if j > 0 {
					first = []cell{nil, nil}
				}
				if !ok {
					rows = append(rows, append(first, txt(xt.actionGone, style{italic: true}), nil, nil, nil))
					continue
				}
				owner := a.Owner
				if c, ok := xr.rep.p.contact[a.Owner]; ok {
					owner = c.FullName()
				}
				due := "–"
				if !a.Due.IsZero() {
					due = a.Due.Format(d.t.dateFormat)
				}
				rows = append(rows, append(first, txt(a.Title, style{bold: true}), txt(owner, style{}),
					txt(due, style{}), txt(cmp.Or(xt.actionStates[a.Status], string(a.Status)), style{})))
			}
		}
		h := xt.findingCols
		d.table(table{header: []cell{txt("#", style{}), txt(h[0], style{}), txt(h[1], style{}), txt(h[2], style{}), txt(h[3], style{}), txt(h[4], style{})},
			rows: rows, widths: []float64{5, 30, 25, 18, 12, 10}}, d.left, d.contentWidth())
	}
	if reviews := xr.reviews(); len(reviews) > 0 {
		d.subheading(xt.reviews)
		d.text(strings.Join(reviews, " · "), style{})
	}
	// Lines to sign: the auditor asks who accepted the evaluation.
	d.y += 6
	d.ensure(30)
	w := d.contentWidth()
	for i, l := range xt.signatures {
		x0 := d.left + float64(i)*(w/2)
		d.rule(x0, x0+w/2-8, d.y+12, 0.3)
		d.pdf.SetXY(x0, d.y+13)
		d.font(style{size: sizeSmall, color: colorGray})
		d.pdf.CellFormat(w/2-8, 4, l, "", 0, "L", false, 0, "")
	}
	d.y += 20
}

// concerns names the record a finding is about.
func (xr *exerciseReport) concerns(f handbook.ExerciseFinding) string {
	p := xr.rep.p
	switch f.Entity {
	case handbook.EntityPlaybook:
		for _, pb := range p.hb.Playbooks {
			if pb.ID == f.RecordID {
				return pb.Title
			}
		}
	case handbook.EntityService:
		for _, s := range p.hb.Services {
			if s.ID == f.RecordID {
				return s.Name
			}
		}
	case handbook.EntityContact:
		if n, ok := xr.contactName(f.RecordID); ok {
			return n
		}
	}
	return f.RecordID
}

// reviews are the records this exercise's findings suggest reviewing.
func (xr *exerciseReport) reviews() []string {
	var out []string
	for _, r := range handbook.ExerciseReviews(xr.rep.p.hb) {
		if r.Exercise == xr.x.ID {
			out = append(out, r.Title)
		}
	}
	return out
}

// preparedInjects lists the injects as the facilitator prepared them: the
// script of an exercise held without a drill.
func (xr *exerciseReport) preparedInjects(d *doc) {
	xt := d.t.exercise
	if len(xr.x.Injects) == 0 {
		return
	}
	injects := slices.Clone(xr.x.Injects)
	slices.SortStableFunc(injects, func(a, b handbook.Inject) int { return cmp.Compare(a.At, b.At) })
	var rows [][]cell
	for i, in := range injects {
		what := txt(in.Text, style{})
		if in.Expected != "" {
			what = append(what, run{text: "\n" + fmt.Sprintf(xt.expected, in.Expected), st: style{size: sizeSmall, italic: true}})
		}
		rows = append(rows, []cell{txt(fmt.Sprintf(xt.injectNo, i+1), style{bold: true}), txt("T+"+in.At.String(), style{}),
			txt(in.From, style{}), what})
	}
	d.subheading(xt.prepared)
	d.table(table{header: []cell{txt("#", style{}), txt(xt.injectCols[0], style{}), txt(xt.injectCols[1], style{}), txt(xt.injectCols[2], style{})},
		rows: rows, widths: []float64{15, 12, 20, 53}}, d.left, d.contentWidth())
}
