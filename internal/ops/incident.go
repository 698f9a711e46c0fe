package ops

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// LevelFromSeverity, as StartIncident.Level, starts at the level the
// severity suggests (handbook.SuggestedLevel), or at none when the matrix
// lacks it.
const LevelFromSeverity = -1

// StartIncident is what an incident starts with.
type StartIncident struct {
	// Playbook is the ID or the title (in any case) of the playbook to run;
	// empty starts a blank incident.
	Playbook string
	// Title defaults to the playbook's.
	Title string
	// Severity defaults to the playbook's, else high.
	Severity handbook.Severity
	// Level is the escalation level at the start: 0 none, or
	// LevelFromSeverity.
	Level int
	// OwnerRole is the ID or the name of the role that owns the incident;
	// empty for none.
	OwnerRole string
	// AwareAt is when the company became aware; zero means now. It must
	// not lie in the future.
	AwareAt time.Time
	// Regimes are the reporting regimes that apply from the start
	// (handbook.RegimeGDPR …); their reports run from AwareAt.
	Regimes []string
	// ClassifiedAt is when the incident was classified as major under DORA;
	// zero means at the start, when Regimes holds DORA.
	ClassifiedAt time.Time
	// Impact and NextUpdate are the first known impact and the time of the
	// first update promised (zero for none); both can change later
	// (SetFacts).
	Impact     string
	NextUpdate time.Time
	// By and Initials name who starts it in the log.
	By, Initials string
}

// StartIncident starts an incident: the incident with its playbook's
// snapshot, its start entry and its escalation entry, in one transaction.
func (o *Ops) StartIncident(ctx context.Context, req StartIncident) (handbook.Incident, error) {
	inc, entries, err := o.newIncident(ctx, req)
	if err != nil {
		return handbook.Incident{}, err
	}
	err = o.st.Update(ctx, func(tx *store.Tx) error { return o.putRun(ctx, tx, &inc, entries) })
	if err != nil {
		return handbook.Incident{}, fmt.Errorf("start incident %q: %w", inc.Title, err)
	}
	return inc, nil
}

// putRun writes a new incident (or drill) with its first log entries.
func (o *Ops) putRun(ctx context.Context, tx *store.Tx, inc *handbook.Incident, entries []handbook.LogEntry) error {
	if err := put(ctx, o, tx, inc); err != nil {
		return err
	}
	for i := range entries {
		if err := put(ctx, o, tx, &entries[i]); err != nil {
			return err
		}
	}
	return nil
}

// newIncident checks a start request and prepares the incident and its
// first log entries; nothing is written.
func (o *Ops) newIncident(ctx context.Context, req StartIncident) (handbook.Incident, []handbook.LogEntry, error) {
	now := o.now()
	aware := req.AwareAt
	if aware.IsZero() {
		aware = now
	}
	if aware.After(now) {
		return handbook.Incident{}, nil, fail(CodeAwareInFuture, "Time", aware)
	}
	title := strings.TrimSpace(req.Title)
	if title == "" && strings.TrimSpace(req.Playbook) == "" {
		return handbook.Incident{}, nil, fail(CodeNoTitle)
	}
	for _, r := range req.Regimes {
		if !slices.Contains(handbook.Regimes, r) {
			return handbook.Incident{}, nil, fail(CodeUnknownClock, "Name", r)
		}
	}
	classified := req.ClassifiedAt
	if classified.IsZero() {
		classified = now
	}
	if classified.After(now) {
		return handbook.Incident{}, nil, fail(CodeTimeInFuture, "Time", classified)
	}
	var hb handbook.Handbook
	var err error
	if hb.Playbooks, err = store.List[handbook.Playbook](ctx, o.st); err != nil {
		return handbook.Incident{}, nil, err
	}
	if hb.Roles, err = store.List[handbook.Role](ctx, o.st); err != nil {
		return handbook.Incident{}, nil, err
	}
	if hb.Escalation, err = store.List[handbook.EscalationLevel](ctx, o.st); err != nil {
		return handbook.Incident{}, nil, err
	}
	var pb *handbook.Playbook
	if ref := strings.TrimSpace(req.Playbook); ref != "" {
		if pb, err = findPlaybook(hb.Playbooks, ref); err != nil {
			return handbook.Incident{}, nil, err
		}
	}
	inc, start := handbook.StartIncident(pb, title, now, aware, req.By)
	start.Initials = req.Initials
	inc.Impact, inc.NextUpdate = strings.TrimSpace(req.Impact), req.NextUpdate
	switch {
	case req.Severity != "":
		if !slices.Contains(handbook.Severities, req.Severity) {
			return handbook.Incident{}, nil, fail(CodeUnknownSeverity, "Value", string(req.Severity))
		}
		inc.Severity = req.Severity
	case inc.Severity == "":
		inc.Severity = handbook.SeverityHigh
	}
	if req.OwnerRole != "" {
		i := slices.IndexFunc(hb.Roles, func(r handbook.Role) bool {
			return r.ID == req.OwnerRole || strings.EqualFold(r.Name, strings.TrimSpace(req.OwnerRole))
		})
		if i < 0 {
			return handbook.Incident{}, nil, fail(CodeUnknownRole, "Name", req.OwnerRole)
		}
		inc.OwnerRole = hb.Roles[i].ID
	}
	for _, r := range handbook.Regimes {
		if slices.Contains(req.Regimes, r) {
			inc.Clocks = append(inc.Clocks, handbook.RegimeClocks(r)...)
		}
	}
	entries := []handbook.LogEntry{start}
	if lv, ok, err := startLevel(hb.Escalation, req.Level, inc.Severity); err != nil {
		return handbook.Incident{}, nil, err
	} else if ok {
		inc.Level = lv.Level
		entries = append(entries, escalationEntry(inc.ID, lv, "", now, req.By, req.Initials))
	}
	if slices.Contains(req.Regimes, handbook.RegimeDORA) {
		entries = append(entries, handbook.LogEntry{IncidentID: inc.ID, At: now, Author: req.By, Initials: req.Initials,
			Kind: handbook.LogClassified, Regime: handbook.RegimeDORA, Moment: classified})
	}
	return inc, entries, nil
}

// startLevel is the escalation level an incident starts at; ok is false
// for none.
func startLevel(levels []handbook.EscalationLevel, want int, sev handbook.Severity) (handbook.EscalationLevel, bool, error) {
	suggested := want == LevelFromSeverity
	if suggested {
		want = handbook.SuggestedLevel(sev)
	}
	if want == 0 {
		return handbook.EscalationLevel{}, false, nil
	}
	i := slices.IndexFunc(levels, func(l handbook.EscalationLevel) bool { return l.Level == want })
	switch {
	case i >= 0:
		return levels[i], true, nil
	case suggested:
		return handbook.EscalationLevel{}, false, nil
	}
	return handbook.EscalationLevel{}, false, fail(CodeUnknownLevel, "Level", want)
}

// escalationEntry is the log entry that sets the level in effect (see
// handbook.CurrentLevel). Its text is the level's name from the matrix and
// the reason, as the person gave them.
func escalationEntry(incidentID string, l handbook.EscalationLevel, reason string, at time.Time, by, initials string) handbook.LogEntry {
	text := cmp.Or(strings.TrimSpace(l.Name), fmt.Sprint(l.Level))
	if reason = strings.TrimSpace(reason); reason != "" {
		text += " – " + reason
	}
	return handbook.LogEntry{IncidentID: incidentID, At: at, Author: by, Initials: initials, Kind: handbook.LogEscalation, Level: l.Level, Text: text}
}

// findPlaybook finds a playbook by ID, else by title in any case.
func findPlaybook(pbs []handbook.Playbook, ref string) (*handbook.Playbook, error) {
	if i := slices.IndexFunc(pbs, func(p handbook.Playbook) bool { return p.ID == ref }); i >= 0 {
		return &pbs[i], nil
	}
	var found []int
	for i, p := range pbs {
		if strings.EqualFold(strings.TrimSpace(p.Title), ref) {
			found = append(found, i)
		}
	}
	switch len(found) {
	case 0:
		return nil, fail(CodeUnknownPlaybook, "Name", ref)
	case 1:
		return &pbs[found[0]], nil
	}
	return nil, fail(CodeAmbiguousPlaybook, "Name", ref, "N", len(found))
}

// FindIncident finds an incident by its ID or by a prefix of it that
// only one incident has.
func (o *Ops) FindIncident(ctx context.Context, id string) (handbook.Incident, error) {
	incs, err := store.List[handbook.Incident](ctx, o.st)
	if err != nil {
		return handbook.Incident{}, err
	}
	var found []handbook.Incident
	for _, i := range incs {
		if i.ID == id {
			return i, nil
		}
		if id != "" && strings.HasPrefix(i.ID, id) {
			found = append(found, i)
		}
	}
	switch len(found) {
	case 0:
		return handbook.Incident{}, fail(CodeUnknownIncident, "ID", id)
	case 1:
		return found[0], nil
	}
	return handbook.Incident{}, fail(CodeAmbiguousIncident, "ID", id, "N", len(found))
}

// incidentIn reads an incident inside a transaction, as it is now.
func incidentIn(ctx context.Context, tx *store.Tx, id string) (handbook.Incident, error) {
	inc, err := store.Get[handbook.Incident](ctx, tx, id)
	if errors.Is(err, store.ErrNotFound) {
		return inc, fail(CodeUnknownIncident, "ID", id)
	}
	return inc, err
}

// openIncidentIn reads an incident that must still be running.
func openIncidentIn(ctx context.Context, tx *store.Tx, id string) (handbook.Incident, error) {
	inc, err := incidentIn(ctx, tx, id)
	if err == nil && !inc.Open() {
		err = fail(CodeIncidentClosed, "Title", inc.Title, "Time", inc.ClosedAt)
	}
	return inc, err
}

// openWithLog reads a running incident inside a transaction, with its log.
func (o *Ops) openWithLog(ctx context.Context, tx *store.Tx, id string) (handbook.Incident, []handbook.LogEntry, error) {
	inc, err := openIncidentIn(ctx, tx, id)
	if err != nil {
		return inc, nil, err
	}
	log, err := logOf(ctx, o.st, inc.ID)
	return inc, log, err
}

// Escalate is a change of an incident's escalation level.
type Escalate struct {
	IncidentID string
	// Level is the new level; it must be in the escalation matrix.
	Level        int
	Reason       string
	By, Initials string
}

// Escalate raises or lowers the level in effect: one log entry, which is
// what sets it (handbook.CurrentLevel). Choosing the level already in
// effect writes nothing. It returns the level from the matrix, for the
// list of whom to inform (handbook.Notify).
func (o *Ops) Escalate(ctx context.Context, req Escalate) (handbook.EscalationLevel, error) {
	levels, err := store.List[handbook.EscalationLevel](ctx, o.st)
	if err != nil {
		return handbook.EscalationLevel{}, err
	}
	i := slices.IndexFunc(levels, func(l handbook.EscalationLevel) bool { return l.Level == req.Level })
	if i < 0 {
		return handbook.EscalationLevel{}, fail(CodeUnknownLevel, "Level", req.Level)
	}
	lv := levels[i]
	now := o.now()
	err = o.st.Update(ctx, func(tx *store.Tx) error {
		inc, log, err := o.openWithLog(ctx, tx, req.IncidentID)
		if err != nil {
			return err
		}
		if handbook.CurrentLevel(inc, log) == lv.Level {
			return nil
		}
		e := escalationEntry(inc.ID, lv, req.Reason, now, req.By, req.Initials)
		return put(ctx, o, tx, &e)
	})
	if err != nil {
		return handbook.EscalationLevel{}, fmt.Errorf("escalate to level %d: %w", req.Level, err)
	}
	return lv, nil
}

// logOf is an incident's log.
func logOf(ctx context.Context, st *store.Store, incidentID string) ([]handbook.LogEntry, error) {
	all, err := store.List[handbook.LogEntry](ctx, st)
	if err != nil {
		return nil, err
	}
	var out []handbook.LogEntry
	for _, e := range all {
		if e.IncidentID == incidentID {
			out = append(out, e)
		}
	}
	return out, nil
}

// Log adds an entry a person writes to an incident's log: a note, a
// decision, a call, a message, a tick or untick, a correction, or a report
// sent. At defaults to now and must not lie in the future. A closed
// incident takes only reports: its reporting duties outlast it. A report
// must be one the incident owes. Starting, escalating, closing, adding a
// regime, new facts and waiving a report have operations of their own.
func (o *Ops) Log(ctx context.Context, e handbook.LogEntry) (handbook.LogEntry, error) {
	switch e.Kind {
	case handbook.LogStart, handbook.LogClose, handbook.LogEscalation, handbook.LogRegime, handbook.LogClassified,
		handbook.LogWaived, handbook.LogReportsOpen, handbook.LogImpact, handbook.LogNextUpdate,
		handbook.LogRecovery, handbook.LogCallAttempt:
		return e, fmt.Errorf("log a %s entry: use its own operation", e.Kind)
	}
	e.Text = strings.TrimSpace(e.Text)
	if e.Text == "" && !(e.Kind == handbook.LogInject && e.Inject != "") {
		return e, fail(CodeEmptyEntry)
	}
	now := o.now()
	if e.At.IsZero() {
		e.At = now
	}
	if e.At.After(now) {
		return e, fail(CodeTimeInFuture, "Time", e.At)
	}
	e.ID = ""
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		get := openIncidentIn
		if e.Kind == handbook.LogReport {
			get = incidentIn
		}
		inc, err := get(ctx, tx, e.IncidentID)
		if err != nil {
			return err
		}
		if e.Kind == handbook.LogReport {
			if _, err := o.owed(ctx, inc, e.Clock); err != nil {
				return err
			}
		}
		if err := checkInject(ctx, o.st, inc, &e); err != nil {
			return err
		}
		return put(ctx, o, tx, &e)
	})
	if err != nil {
		return e, fmt.Errorf("add to the incident log: %w", err)
	}
	return e, nil
}

// CloseIncident is what an incident is closed with.
type CloseIncident struct {
	IncidentID string
	Summary    string
	// Lessons are the lessons learned: the finding of every action, and a
	// log entry that starts with LessonsLabel ("Lessons learned:", in the
	// language of the person closing).
	Lessons      string
	LessonsLabel string
	// Actions follow from the lessons; each needs a title. Their source and
	// finding are filled in.
	Actions []handbook.Action
	// ReportsOpenOK is the decision to close although reports are still
	// open (neither sent nor declared not needed); without it such a close
	// is refused with CodeReportsOpen. The decision is logged for each open
	// report, with ReportsOpenReason.
	ReportsOpenOK     bool
	ReportsOpenReason string
	By, Initials      string
}

// ReportsOpenError is the refusal to close an incident that still owes
// reports; Reports names them, for the front end to list.
type ReportsOpenError struct {
	Refusal *Error
	Reports []handbook.Deadline
}

// Error is the refusal's English text.
func (e *ReportsOpenError) Error() string { return e.Refusal.Error() }

// Unwrap is the refusal, which front ends word (AsError).
func (e *ReportsOpenError) Unwrap() error { return e.Refusal }

// CloseIncident closes a running incident: its actions, the lessons
// learned, the summary and the closing entry, in one transaction. An
// incident closed meanwhile (on another laptop) is refused, and so is a
// drill: it closes with its exercise's evaluation (CloseExercise).
func (o *Ops) CloseIncident(ctx context.Context, req CloseIncident) (handbook.Incident, error) {
	now := o.now()
	lessons := strings.TrimSpace(req.Lessons)
	actions := slices.Clone(req.Actions)
	for i := range actions {
		a := &actions[i]
		a.Title = strings.TrimSpace(a.Title)
		if a.Title == "" {
			return handbook.Incident{}, fail(CodeNoActionTitle)
		}
		a.ID = ""
		a.SourceKind, a.SourceID = string(handbook.EntityIncident), req.IncidentID
		a.Finding = cmp.Or(a.Finding, lessons)
		a.Status = cmp.Or(a.Status, handbook.ActionOpen)
	}
	var closed handbook.Incident
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		inc, err := incidentIn(ctx, tx, req.IncidentID)
		if err != nil {
			return err
		}
		if inc.Drill() {
			return fail(CodeCloseDrill, "Title", inc.Title)
		}
		closed, err = o.closeIn(ctx, tx, req, actions, now)
		return err
	})
	if err != nil {
		return handbook.Incident{}, fmt.Errorf("close incident: %w", err)
	}
	return closed, nil
}

// closeIn closes a running incident or drill inside tx: the open reports
// (refused unless req.ReportsOpenOK), the actions, the lessons learned,
// the summary and the closing entry.
func (o *Ops) closeIn(ctx context.Context, tx *store.Tx, req CloseIncident, actions []handbook.Action, now time.Time) (handbook.Incident, error) {
	summary, lessons := strings.TrimSpace(req.Summary), strings.TrimSpace(req.Lessons)
	inc, log, err := o.openWithLog(ctx, tx, req.IncidentID)
	if err != nil {
		return handbook.Incident{}, err
	}
	open := handbook.OpenReports(inc, log, time.Local)
	if len(open) > 0 && !req.ReportsOpenOK {
		names := make(keys, len(open))
		for i, d := range open {
			names[i] = d.Rule.Name
		}
		return handbook.Incident{}, &ReportsOpenError{Refusal: fail(CodeReportsOpen, "Reports", names), Reports: open}
	}
	for _, d := range open {
		e := handbook.LogEntry{IncidentID: inc.ID, At: now, Author: req.By, Initials: req.Initials, Kind: handbook.LogReportsOpen,
			Clock: d.Clock, Text: strings.TrimSpace(req.ReportsOpenReason)}
		if err := put(ctx, o, tx, &e); err != nil {
			return handbook.Incident{}, err
		}
	}
	for i := range actions {
		if err := put(ctx, o, tx, &actions[i]); err != nil {
			return handbook.Incident{}, err
		}
	}
	if lessons != "" {
		text := strings.TrimSpace(req.LessonsLabel + " " + lessons)
		e := handbook.LogEntry{IncidentID: inc.ID, At: now, Author: req.By, Initials: req.Initials, Kind: handbook.LogNote, Text: text}
		if err := put(ctx, o, tx, &e); err != nil {
			return handbook.Incident{}, err
		}
	}
	before := inc
	inc.ClosedAt, inc.Summary = now, summary
	if err := edit(ctx, o, tx, &before, &inc); err != nil {
		return handbook.Incident{}, err
	}
	e := handbook.LogEntry{IncidentID: inc.ID, At: now, Author: req.By, Initials: req.Initials, Kind: handbook.LogClose, Text: cmp.Or(summary, inc.Title)}
	if err := put(ctx, o, tx, &e); err != nil {
		return handbook.Incident{}, err
	}
	return inc, nil
}

// checkInject holds an entry about an inject to the drill's injects: only
// a drill takes injects; a prepared inject brought in must be one of the
// drill's (its text is filled in), and an entry reacting to an inject
// must name one of them or one made up during the drill.
func checkInject(ctx context.Context, st *store.Store, inc handbook.Incident, e *handbook.LogEntry) error {
	if e.Kind != handbook.LogInject && e.Inject == "" {
		return nil
	}
	if !inc.Drill() {
		return fail(CodeNotADrill, "Title", inc.Title)
	}
	if e.Kind == handbook.LogInject && e.Inject == "" {
		return nil
	}
	if i := slices.IndexFunc(inc.Injects, func(in handbook.Inject) bool { return in.Key == e.Inject }); i >= 0 {
		if e.Kind == handbook.LogInject {
			e.Text = cmp.Or(e.Text, inc.Injects[i].Text)
		}
		return nil
	}
	if e.Kind != handbook.LogInject {
		log, err := logOf(ctx, st, inc.ID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(log, func(l handbook.LogEntry) bool { return l.ID == e.Inject && l.Kind == handbook.LogInject }) {
			return nil
		}
	}
	return fail(CodeUnknownInject, "Key", e.Inject)
}
