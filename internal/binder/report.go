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

// ErrUnknownIncident is returned for an incident ID the handbook does not hold.
var ErrUnknownIncident = errors.New("no incident with this ID")

// WriteIncidentReport renders the report of one incident as a PDF into the
// file at path, as safely as WriteFile writes the binder: its facts, the
// closing summary, the regulatory clocks, every log entry in time order,
// the checklist as the log left it and the messages sent. Of opt, Lang,
// Paper, Classification, PrintedAt and PrintedBy apply. Times print in
// local time, to the second.
func WriteIncidentReport(ctx context.Context, path string, hb handbook.Handbook, incidentID string, opt Options) (Result, error) {
	r, err := newReport(hb, incidentID, opt)
	return writeReport(ctx, path, "vorfallbericht.pdf", r, err)
}

// reportWriter is a report computed and ready to draw.
type reportWriter interface {
	write(ctx context.Context, w io.Writer) (Result, error)
}

// writeReport writes r to the file at path as safely as WriteFile writes
// the binder; err is what kept r from being made.
func writeReport(ctx context.Context, path, name string, r reportWriter, err error) (Result, error) {
	if err != nil {
		return Result{}, err
	}
	return writeAtomic(path, name, func(w io.Writer) (Result, error) { return r.write(ctx, w) })
}

// report is what the incident report prints, computed before drawing.
type report struct {
	p   *plan
	inc handbook.Incident
	loc *time.Location
	// log is the incident's log in time order.
	log  []handbook.LogEntry
	byID map[string]handbook.LogEntry
	// corrections are the corrections of each entry, by the entry's ID.
	corrections map[string][]handbook.LogEntry
	steps       []handbook.ChecklistItem
	stepText    map[string]string
	deadlines   []handbook.Deadline
	// end is when the incident closed, else when the report is printed:
	// what an open step is overdue against.
	end time.Time
}

// Keys of the report's parts in the PDF outline.
const (
	keyFacts     = "rep:facts"
	keySummary   = "rep:summary"
	keyClocks    = "rep:clocks"
	keyTimeline  = "rep:timeline"
	keyChecklist = "rep:checklist"
	keyMessages  = "rep:messages"
)

func newReport(hb handbook.Handbook, incidentID string, opt Options) (*report, error) {
	p, err := newPlan(hb, Options{Lang: opt.Lang, Paper: opt.Paper, Classification: opt.Classification,
		PrintedAt: opt.PrintedAt, PrintedBy: opt.PrintedBy})
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(p.hb.Incidents, func(inc handbook.Incident) bool { return inc.ID == incidentID })
	if incidentID == "" || i < 0 {
		return nil, fmt.Errorf("%w: %q", ErrUnknownIncident, incidentID)
	}
	r := &report{p: p, inc: p.hb.Incidents[i], loc: time.Local,
		byID: map[string]handbook.LogEntry{}, corrections: map[string][]handbook.LogEntry{}, stepText: map[string]string{}}
	p.printed = p.printed.In(r.loc)
	p.sections = nil
	// The page chrome and the metadata name the report where the binder's
	// name the handbook.
	p.t.handbook = p.t.report.title

	r.log = handbook.Timeline(r.inc, p.hb.LogEntries)
	r.inc.Level = handbook.CurrentLevel(r.inc, p.hb.LogEntries)
	for _, e := range r.log {
		r.byID[e.ID] = e
		if e.Kind == handbook.LogCorrection && e.Corrects != "" {
			r.corrections[e.Corrects] = append(r.corrections[e.Corrects], e)
		}
	}
	r.steps = handbook.Checklist(r.inc, p.hb.LogEntries)
	for _, s := range r.steps {
		r.stepText[s.Key] = s.Text
	}
	r.deadlines = handbook.Deadlines(r.inc, p.hb.LogEntries, r.loc)
	r.end = p.printed
	if !r.inc.Open() {
		r.end = r.inc.ClosedAt
	}

	rt := p.t.report
	p.toc = []tocEntry{{key: keyFacts, title: r.inc.Title}}
	if r.hasSummary() {
		p.toc = append(p.toc, tocEntry{key: keySummary, title: p.t.summary})
	}
	p.toc = append(p.toc, tocEntry{key: keyClocks, title: rt.clocks}, tocEntry{key: keyTimeline, title: rt.timeline},
		tocEntry{key: keyChecklist, title: rt.checklist}, tocEntry{key: keyMessages, title: rt.messages})
	return r, nil
}

// write renders the report in one pass, like Render.
func (r *report) write(ctx context.Context, w io.Writer) (Result, error) {
	d, err := r.p.renderParts(ctx, "incident report", r.p.t.report.title+" – "+r.inc.Title,
		[]func(*doc){r.facts, r.summary, r.clocks, r.timeline, r.checklist, r.messages})
	if err != nil {
		return Result{}, err
	}
	return r.p.output(d, w, "incident report")
}

// renderParts draws a report's parts in order into a new document with
// its title; what names the report in errors. Between parts it stops
// when ctx is done.
func (p *plan) renderParts(ctx context.Context, what, title string, parts []func(*doc)) (*doc, error) {
	d, err := p.newDoc(ctx)
	if err != nil {
		return nil, err
	}
	d.pdf.SetTitle(title, true)
	for _, part := range parts {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("render %s: %w", what, err)
		}
		part(d)
		if err := d.pdf.Error(); err != nil {
			return nil, fmt.Errorf("render %s: %w", what, err)
		}
	}
	if err := d.close(); err != nil {
		return nil, fmt.Errorf("render %s: %w", what, err)
	}
	return d, nil
}

// output writes a rendered report to w.
func (p *plan) output(d *doc, w io.Writer, what string) (Result, error) {
	pages := d.pdf.PageCount()
	if err := d.pdf.Output(w); err != nil {
		return Result{}, fmt.Errorf("write %s PDF: %w", what, err)
	}
	return Result{Pages: pages, Version: p.version}, nil
}

// stamp is a date and time to the second in local time.
func (r *report) stamp(tm time.Time) string {
	if tm.IsZero() {
		return "–"
	}
	return tm.In(r.loc).Format(r.p.t.report.stampFormat)
}

// clockTime is the time of day to the second, with the date when it is
// not the day of ref.
func (r *report) clockTime(tm, ref time.Time) string {
	a, b := tm.In(r.loc), ref.In(r.loc)
	if a.YearDay() != b.YearDay() || a.Year() != b.Year() {
		return r.stamp(tm)
	}
	return a.Format(r.p.t.report.timeFormat)
}

func duration(d time.Duration) string { return handbook.Minutes(d / time.Minute).String() }

func (r *report) hasSummary() bool { return strings.TrimSpace(r.inc.Summary) != "" }

// startPart starts a part of the report with its heading, kept with what
// follows.
func startPart(d *doc, key, title string) {
	d.y += 3
	d.ensure(30)
	d.mark(key)
	d.heading(title, 2)
}

// reportHead starts a report on a new page: the organisation, the kind
// of report and the title of what it reports on, under the outline key.
func reportHead(d *doc, key, kind, title string) {
	w := d.contentWidth()
	d.newPage(kind + " – " + title)
	d.mark(key)
	if org := d.p.hb.Settings.Organisation; org != "" {
		d.flow([]run{{text: org, st: style{bold: true, size: 13}}}, d.left, w, lineHeight(13))
		d.y += 1
	}
	d.flow([]run{{text: kind, st: style{bold: true, size: 22}}}, d.left, w, lineHeight(22))
	d.y += 1
	d.flow([]run{{text: title, st: style{bold: true, size: 15}}}, d.left, w, lineHeight(15))
	d.y += 1.5
	d.rule(d.left, d.right, d.y, 0.8)
	d.y += 4
}

func (r *report) facts(d *doc) {
	t, rt := d.t, d.t.report
	inc := r.inc
	w := d.contentWidth()
	reportHead(d, keyFacts, rt.title, inc.Title)
	if inc.Drill() {
		banner(d, t.exercise.banner)
	}

	redFrame(d, cmp.Or(d.p.opt.Classification, d.p.hb.Settings.Classification, t.classification), 10, 0.6)

	label := func(s string) cell { return txt(s, style{bold: true}) }
	var rows [][]cell
	status := txt(rt.closed, style{})
	if inc.Open() {
		status = txt(rt.open, style{bold: true, color: colorRed})
	}
	rows = append(rows, []cell{label(rt.status), status},
		[]cell{label(t.severity), txt(cmp.Or(t.severities[inc.Severity], string(inc.Severity), t.notSet),
			style{bold: inc.Severity.Rank() >= handbook.SeverityHigh.Rank()})},
		[]cell{label(rt.level), txt(r.levelName(inc.Level), style{})},
		[]cell{label(rt.ownerRole), r.ownerCell()})
	if notified := r.notifiedCell(); len(notified) > 0 {
		rows = append(rows, []cell{label(fmt.Sprintf(rt.notified, inc.Level)), notified})
	}
	aware := inc.AwareAt
	if aware.IsZero() {
		aware = inc.StartedAt
	}
	closed := r.stamp(inc.ClosedAt)
	span := duration(r.end.Sub(inc.StartedAt))
	if inc.Open() {
		closed = rt.running
		span += " (" + rt.running + ")"
	}
	playbook := rt.noPlaybook
	if inc.PlaybookID != "" {
		playbook = inc.PlaybookID
		for _, pb := range d.p.hb.Playbooks {
			if pb.ID == inc.PlaybookID {
				playbook = pb.Title
			}
		}
	}
	printed := r.stamp(d.p.printed)
	if by := d.p.opt.PrintedBy; by != "" {
		printed += " " + fmt.Sprintf(t.printedBy, by)
	}
	rows = append(rows,
		[]cell{label(rt.awareAt), txt(r.stamp(aware), style{})},
		[]cell{label(rt.started), txt(r.stamp(inc.StartedAt), style{})},
		[]cell{label(rt.closedAt), txt(closed, style{})},
		[]cell{label(rt.duration), txt(span, style{})},
		[]cell{label(rt.playbook), txt(playbook, style{})},
		[]cell{label(rt.participants), txt(cmp.Or(strings.Join(r.participants(), ", "), t.none), style{})},
		[]cell{label(rt.printed), txt(printed, style{})})
	d.table(table{rows: rows, widths: []float64{26, 74}, size: sizeBody - 0.5}, d.left, w)
}

// levelName is an escalation level with its name from the matrix.
func (r *report) levelName(level int) string {
	if level <= 0 {
		return r.p.t.notSet
	}
	return handbook.LevelTitle(r.p.t.level, level, r.levelNamed(level))
}

// levelNamed is the name the escalation matrix gives a level ("" if none).
func (r *report) levelNamed(level int) string {
	for _, l := range r.p.hb.Escalation {
		if l.Level == level {
			return l.Name
		}
	}
	return ""
}

// person is a contact's name with the first number to call.
func person(c handbook.Contact) string {
	if p := c.Phones(); len(p) > 0 {
		return c.FullName() + " · " + p[0]
	}
	return c.FullName()
}

func (r *report) ownerCell() cell {
	role, ok := r.p.role[r.inc.OwnerRole]
	if !ok {
		return txt(cmp.Or(r.inc.OwnerRole, r.p.t.notSet), style{})
	}
	out := txt(role.Name, style{bold: true})
	if d := handbook.OnDutyAt(r.p.hb, role, r.end); d.OnDuty() {
		out = append(out, run{text: "\n" + fmt.Sprintf(r.p.t.report.onDuty, person(d.Contact))})
	}
	return out
}

// notifiedCell lists the roles to inform at the incident's level with the
// person on duty for each.
func (r *report) notifiedCell() cell {
	if r.inc.Level <= 0 {
		return nil
	}
	var out cell
	for _, n := range handbook.Notify(r.p.hb, r.inc.Level, r.end) {
		if len(out) > 0 {
			out = append(out, run{text: "\n"})
		}
		out = append(out, run{text: n.Duty.Role.Name, st: style{bold: true}})
		if n.Duty.OnDuty() {
			out = append(out, run{text: ": " + person(n.Duty.Contact)})
		}
	}
	return out
}

// participants are the distinct authors of the log, in order of their
// first entry.
func (r *report) participants() []string {
	var out []string
	for _, e := range r.log {
		if a := strings.TrimSpace(e.Author); a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func (r *report) summary(d *doc) {
	if !r.hasSummary() {
		return
	}
	startPart(d, keySummary, d.t.summary)
	d.text(strings.TrimSpace(r.inc.Summary), style{})
}

func (r *report) clocks(d *doc) {
	title := d.t.report.clocks
	if r.inc.Drill() {
		title = d.t.exercise.clocks
	}
	r.clocksAt(d, keyClocks, title)
}

// clocksAt prints the reporting deadlines under a title: real ones, or a
// drill's practice clocks.
func (r *report) clocksAt(d *doc, key, title string) {
	rt := d.t.report
	startPart(d, key, title)
	if len(r.deadlines) == 0 {
		d.text(rt.noClocks, style{italic: true})
		return
	}
	var rows [][]cell
	for _, dl := range r.deadlines {
		var state cell
		switch {
		case !dl.WaivedAt.IsZero():
			state = txt(fmt.Sprintf(rt.waived, dl.Reason), style{})
		case dl.Done() && !dl.SentAt.After(dl.Due):
			state = txt(rt.onTime, style{})
		case dl.Done():
			state = txt(fmt.Sprintf(rt.late, duration(dl.SentAt.Sub(dl.Due))), style{bold: true, color: colorRed})
		case dl.Overdue(r.p.printed):
			state = txt(rt.clockOpen+" – "+fmt.Sprintf(rt.overdueBy, duration(r.p.printed.Sub(dl.Due))),
				style{bold: true, color: colorRed})
		default:
			state = txt(rt.clockOpen+" – "+fmt.Sprintf(rt.left, duration(dl.Left(r.p.printed))), style{bold: true})
		}
		sent, by := "–", dl.SentBy
		switch {
		case !dl.SentAt.IsZero():
			sent = r.stamp(dl.SentAt)
		case !dl.WaivedAt.IsZero():
			by = dl.WaivedBy
		}
		rows = append(rows, []cell{txt(cmp.Or(rt.clockNames[dl.Clock], dl.Clock), style{bold: true}),
			txt(r.stamp(dl.Due), style{}), txt(sent, style{}), txt(by, style{}), state})
	}
	d.table(table{header: []cell{txt(rt.clockCols[0], style{}), txt(rt.clockCols[1], style{}), txt(rt.clockCols[2], style{}),
		txt(rt.clockCols[3], style{}), txt(rt.clockCols[4], style{})},
		rows: rows, widths: []float64{36, 18, 18, 12, 16}}, d.left, d.contentWidth())
}

func (r *report) timeline(d *doc) {
	rt := d.t.report
	startPart(d, keyTimeline, rt.timeline)
	if len(r.log) == 0 {
		d.text(d.t.none, style{italic: true})
		return
	}
	rows := make([][]cell, 0, len(r.log))
	for _, e := range r.log {
		kind := cmp.Or(e.Kind, handbook.LogNote)
		st := style{bold: kind == handbook.LogDecision}
		rows = append(rows, []cell{txt(r.stamp(e.At), style{}), txt(cmp.Or(rt.kinds[kind], kind), st),
			txt(e.Author, style{}), r.entryCell(e, st)})
	}
	d.table(table{header: []cell{txt(rt.timelineCols[0], style{}), txt(rt.timelineCols[1], style{}),
		txt(rt.timelineCols[2], style{}), txt(rt.timelineCols[3], style{})},
		rows: rows, widths: []float64{19, 17, 13, 51}}, d.left, d.contentWidth())
}

// entryCell is what a log entry says, with what its kind refers to: the
// step, the escalation level, the clock, the corrected entry.
func (r *report) entryCell(e handbook.LogEntry, st style) cell {
	rt := r.p.t.report
	gray := style{size: sizeSmall, color: colorGray}
	var out cell
	text := e.Text
	switch e.Kind {
	case handbook.LogStep, handbook.LogUnstep:
		if step, ok := r.stepText[e.StepKey]; ok {
			out = append(out, run{text: step, st: st})
			if text == step {
				text = ""
			}
		} else {
			out = append(out, run{text: rt.unknownStep, st: gray})
		}
	case handbook.LogEscalation:
		out = append(out, run{text: handbook.LevelTitle(r.p.t.level, e.Level, r.levelNamed(e.Level)), st: style{bold: true}})
	case handbook.LogReport, handbook.LogWaived, handbook.LogReportsOpen:
		out = append(out, run{text: cmp.Or(rt.clockNames[e.Clock], e.Clock), st: style{bold: true}})
	case handbook.LogRegime:
		out = append(out, run{text: cmp.Or(rt.regimes[e.Regime], e.Regime), st: style{bold: true}},
			run{text: "\n" + fmt.Sprintf(rt.awareSince, r.stamp(e.Moment)), st: st})
	case handbook.LogClassified:
		out = append(out, run{text: cmp.Or(rt.regimes[e.Regime], e.Regime), st: style{bold: true}},
			run{text: "\n" + fmt.Sprintf(rt.classifiedAt, r.stamp(e.Moment)), st: st})
	case handbook.LogNextUpdate:
		out = append(out, run{text: r.stamp(e.Moment), st: style{bold: true}})
	case handbook.LogCorrection:
		note := rt.unknownEntry
		if orig, ok := r.byID[e.Corrects]; ok {
			note = fmt.Sprintf(rt.corrects, r.clockTime(orig.At, e.At))
		}
		out = append(out, run{text: note, st: gray})
	}
	if text != "" {
		if len(out) > 0 {
			text = "\n" + text
		}
		out = append(out, run{text: text, st: st})
	}
	if cs := r.corrections[e.ID]; len(cs) > 0 {
		var at []string
		for _, c := range cs {
			at = append(at, r.clockTime(c.At, e.At))
		}
		out = append(out, run{text: "\n" + fmt.Sprintf(rt.correctedAt, strings.Join(at, ", ")),
			st: style{size: sizeSmall, italic: true, color: colorRed}})
	}
	return out
}

func (r *report) checklist(d *doc) {
	rt := d.t.report
	startPart(d, keyChecklist, rt.checklist)
	if len(r.steps) == 0 {
		d.text(d.t.none, style{italic: true})
		return
	}
	var phases []string
	byPhase := map[string][]handbook.ChecklistItem{}
	for _, s := range r.steps {
		if _, ok := byPhase[s.Phase]; !ok {
			phases = append(phases, s.Phase)
		}
		byPhase[s.Phase] = append(byPhase[s.Phase], s)
	}
	gray := style{size: sizeSmall, color: colorGray}
	red := style{size: sizeSmall, bold: true, color: colorRed}
	for _, phase := range phases {
		// Room for the phase's heading, the table's header and a step.
		d.ensure(32)
		d.subheading(cmp.Or(phase, rt.noPhase))
		var rows [][]cell
		for _, s := range byPhase[phase] {
			state := txt("□ "+rt.stepOpen, style{})
			if s.Done {
				state = txt("■ "+rt.done, style{bold: true})
				if !s.Due.IsZero() && s.At.After(s.Due) {
					state = append(state, run{text: "\n" + rt.afterTarget, st: red})
				}
			} else if !s.At.IsZero() {
				state = append(state, run{text: "\n" + rt.undone, st: gray})
			}
			if s.Overdue(r.end) {
				state = append(state, run{text: "\n" + rt.stepOverdue, st: red})
			}
			step := txt(s.Text, style{})
			if s.Target > 0 {
				step = append(step, run{text: fmt.Sprintf("\n≤ %s · %s", handbook.Minutes(s.Target), fmt.Sprintf(rt.due, r.stamp(s.Due))), st: gray})
			}
			role := ""
			if s.Role != "" {
				role = "@" + s.Role
			}
			when := ""
			if !s.At.IsZero() {
				when = r.stamp(s.At)
			}
			rows = append(rows, []cell{state, step, txt(role, style{}), txt(s.By, style{}), txt(when, style{})})
		}
		d.table(table{header: []cell{txt(rt.checklistCols[0], style{}), txt(rt.checklistCols[1], style{}),
			txt(rt.checklistCols[2], style{}), txt(rt.checklistCols[3], style{}), txt(rt.checklistCols[4], style{})},
			rows: rows, widths: []float64{15, 36, 18, 14, 17}}, d.left, d.contentWidth())
	}
}

func (r *report) messages(d *doc) {
	rt := d.t.report
	startPart(d, keyMessages, rt.messages)
	var rows [][]cell
	for _, e := range r.log {
		if e.Kind == handbook.LogMessage {
			rows = append(rows, []cell{txt(r.stamp(e.At), style{}), txt(e.Author, style{}), txt(e.Text, style{})})
		}
	}
	if len(rows) == 0 {
		d.text(d.t.none, style{italic: true})
		return
	}
	d.table(table{header: []cell{txt(rt.messageCols[0], style{}), txt(rt.messageCols[1], style{}), txt(rt.messageCols[2], style{})},
		rows: rows, widths: []float64{19, 14, 67}}, d.left, d.contentWidth())
}
