package ops

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
	"ernstfall/internal/store"
)

// PlanExercise is an exercise to plan. The scope, the roles and the people
// are named by ID or by name (title); the front end collects them as a
// person gives them.
type PlanExercise struct {
	Title    string
	Kind     handbook.ExerciseKind
	Date     time.Time
	Scenario string
	// Scope: playbooks (titles), services, business processes and sites
	// (names), each or by ID.
	Playbooks, Services, Processes, Sites []string
	Objectives                            []string
	// Roles and Contacts take part; Participants names others in words.
	Roles, Contacts []string
	Participants    string
	Facilitator     string
	Observers       []string
	// Injects are the scenario messages; a missing Key is made.
	Injects []handbook.Inject
	Regimes []string
}

// PlanExercise adds a planned exercise to the programme.
func (o *Ops) PlanExercise(ctx context.Context, req PlanExercise) (handbook.Exercise, error) {
	x := handbook.Exercise{Title: strings.TrimSpace(req.Title), Kind: cmp.Or(req.Kind, handbook.ExerciseTabletop),
		Date: req.Date, Status: handbook.ExercisePlanned, Scenario: req.Scenario, Participants: req.Participants,
		Regimes: req.Regimes}
	if x.Title == "" {
		return x, fail(CodeNoExerciseTitle)
	}
	if x.Date.IsZero() {
		return x, fail(CodeNoExerciseDate)
	}
	if !slices.Contains(handbook.ExerciseKinds, x.Kind) {
		return x, fail(CodeUnknownExerciseKind, "Value", string(x.Kind))
	}
	for _, r := range x.Regimes {
		if !slices.Contains(handbook.Regimes, r) {
			return x, fail(CodeUnknownClock, "Name", r)
		}
	}
	hb, err := o.st.Load(ctx)
	if err != nil {
		return x, err
	}
	hb = hb.Live()
	if x.Playbooks, err = resolveAll(req.Playbooks, hb.Playbooks, func(p handbook.Playbook) string { return p.Title }, CodeUnknownPlaybook); err != nil {
		return x, err
	}
	if x.Services, err = resolveAll(req.Services, hb.Services, func(s handbook.Service) string { return s.Name }, CodeUnknownService); err != nil {
		return x, err
	}
	if x.Processes, err = resolveAll(req.Processes, hb.Processes, func(p handbook.BusinessProcess) string { return p.Name }, CodeUnknownProcess); err != nil {
		return x, err
	}
	if x.Sites, err = resolveAll(req.Sites, hb.Sites, func(s handbook.Site) string { return s.Name }, CodeUnknownSite); err != nil {
		return x, err
	}
	if x.Roles, err = resolveAll(req.Roles, hb.Roles, func(r handbook.Role) string { return r.Name }, CodeUnknownRole); err != nil {
		return x, err
	}
	if x.Contacts, err = resolveAll(req.Contacts, hb.Contacts, handbook.Contact.FullName, CodeUnknownContact); err != nil {
		return x, err
	}
	if x.Observers, err = resolveAll(req.Observers, hb.Contacts, handbook.Contact.FullName, CodeUnknownContact); err != nil {
		return x, err
	}
	if strings.TrimSpace(req.Facilitator) != "" {
		f, err := resolveAll([]string{req.Facilitator}, hb.Contacts, handbook.Contact.FullName, CodeUnknownContact)
		if err != nil {
			return x, err
		}
		x.Facilitator = f[0]
	}
	for _, text := range req.Objectives {
		if text = strings.TrimSpace(text); text != "" {
			x.Objectives = append(x.Objectives, handbook.Objective{Text: text})
		}
	}
	for _, in := range req.Injects {
		if strings.TrimSpace(in.Key) == "" {
			in.Key = handbook.NewInjectKey(x.Injects)
		}
		x.Injects = append(x.Injects, in)
	}
	if err := o.st.Update(ctx, func(tx *store.Tx) error { return put(ctx, o, tx, &x) }); err != nil {
		return x, fmt.Errorf("plan exercise %q: %w", x.Title, err)
	}
	return x, nil
}

// resolveAll finds each reference by ID, else by its name in any case; a
// name several records share is refused, as is one nobody has.
func resolveAll[T any, P recPtr[T]](refs []string, records []T, name func(T) string, unknown Code) ([]string, error) {
	var out []string
	for _, ref := range refs {
		ref = strings.TrimSpace(ref)
		if ref == "" {
			continue
		}
		id := ""
		var named []string
		for i := range records {
			r := P(&records[i])
			if r.Meta().ID == ref {
				id = ref
				break
			}
			if strings.EqualFold(strings.TrimSpace(name(records[i])), ref) {
				named = append(named, r.Meta().ID)
			}
		}
		switch {
		case id != "":
		case len(named) == 1:
			id = named[0]
		case len(named) == 0:
			return nil, fail(unknown, "Name", ref)
		default:
			return nil, fail(CodeAmbiguousName, "Name", ref, "N", len(named))
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// FindExercise finds an exercise by its ID, a prefix of it that only one
// exercise has, the ID (or prefix) of its drill, or its title.
func (o *Ops) FindExercise(ctx context.Context, ref string) (handbook.Exercise, error) {
	ref = strings.TrimSpace(ref)
	exs, err := store.List[handbook.Exercise](ctx, o.st)
	if err != nil {
		return handbook.Exercise{}, err
	}
	var found []handbook.Exercise
	for _, x := range exs {
		if x.ID == ref {
			return x, nil
		}
		if ref != "" && strings.HasPrefix(x.ID, ref) {
			found = append(found, x)
		}
	}
	if len(found) == 0 && ref != "" {
		incs, err := store.List[handbook.Incident](ctx, o.st)
		if err != nil {
			return handbook.Exercise{}, err
		}
		for _, inc := range incs {
			if inc.Drill() && (inc.ID == ref || strings.HasPrefix(inc.ID, ref)) {
				if i := slices.IndexFunc(exs, func(x handbook.Exercise) bool { return x.ID == inc.ExerciseID }); i >= 0 &&
					!slices.ContainsFunc(found, func(x handbook.Exercise) bool { return x.ID == inc.ExerciseID }) {
					found = append(found, exs[i])
				}
			}
		}
	}
	if len(found) == 0 {
		for _, x := range exs {
			if strings.EqualFold(strings.TrimSpace(x.Title), ref) {
				found = append(found, x)
			}
		}
	}
	switch len(found) {
	case 0:
		return handbook.Exercise{}, fail(CodeUnknownExercise, "ID", ref)
	case 1:
		return found[0], nil
	}
	return handbook.Exercise{}, fail(CodeAmbiguousExercise, "ID", ref, "N", len(found))
}

// FindDrill finds the drill of an exercise (named as FindExercise takes
// it): the running one, else the latest.
func (o *Ops) FindDrill(ctx context.Context, ref string) (handbook.Exercise, handbook.Incident, error) {
	x, err := o.FindExercise(ctx, ref)
	if err != nil {
		return x, handbook.Incident{}, err
	}
	incs, err := store.List[handbook.Incident](ctx, o.st)
	if err != nil {
		return x, handbook.Incident{}, err
	}
	if i := slices.IndexFunc(incs, func(inc handbook.Incident) bool { return inc.ID == ref && inc.Drill() }); i >= 0 {
		return x, incs[i], nil
	}
	if d, ok := handbook.DrillOf(handbook.Handbook{Incidents: incs}, x.ID); ok {
		return x, d, nil
	}
	return x, handbook.Incident{}, fail(CodeNoDrill, "Title", x.Title)
}

// StartExercise starts a drill: of a planned exercise, or, with Playbook
// and no Exercise, of an unplanned one made on the spot.
type StartExercise struct {
	// Exercise names the planned exercise (see FindExercise).
	Exercise string
	// Playbook is the playbook to drill (ID or title): for an unplanned
	// drill, or to choose among the exercise's playbooks. An exercise
	// without one runs without a checklist (an alarm test).
	Playbook string
	// Kind and Title of an unplanned drill; defaults: tabletop, the
	// playbook's title.
	Kind  handbook.ExerciseKind
	Title string
	// Regimes whose practice clocks run; default: the exercise's.
	Regimes []string
	// Severity, Level and OwnerRole as for StartIncident.
	Severity     handbook.Severity
	Level        int
	OwnerRole    string
	By, Initials string
}

// StartExercise starts a drill: an incident run marked as the exercise's,
// with its injects, its practice clocks and its start entry; the exercise
// is running from now. All in one transaction.
func (o *Ops) StartExercise(ctx context.Context, req StartExercise) (handbook.Exercise, handbook.Incident, error) {
	now := o.now()
	var x handbook.Exercise
	planned := strings.TrimSpace(req.Exercise) != ""
	if planned {
		var err error
		if x, err = o.FindExercise(ctx, req.Exercise); err != nil {
			return x, handbook.Incident{}, err
		}
		incs, err := store.List[handbook.Incident](ctx, o.st)
		if err != nil {
			return x, handbook.Incident{}, err
		}
		if d, ok := handbook.DrillOf(handbook.Handbook{Incidents: incs}, x.ID); ok && d.Open() {
			return x, handbook.Incident{}, fail(CodeExerciseRunning, "Title", x.Title, "ID", d.ID)
		}
		if x.State() == handbook.ExerciseEvaluated {
			return x, handbook.Incident{}, fail(CodeExerciseEvaluated, "Title", x.Title, "Time", x.EvaluatedAt)
		}
	} else {
		if strings.TrimSpace(req.Playbook) == "" {
			return x, handbook.Incident{}, fail(CodeNoExerciseTitle)
		}
		x = handbook.Exercise{Record: handbook.Record{ID: handbook.NewID()}, Kind: cmp.Or(req.Kind, handbook.ExerciseTabletop), Date: now}
		if !slices.Contains(handbook.ExerciseKinds, x.Kind) {
			return x, handbook.Incident{}, fail(CodeUnknownExerciseKind, "Value", string(x.Kind))
		}
	}
	pbRef := strings.TrimSpace(req.Playbook)
	if pbRef == "" {
		// The first playbook in scope that is still there: one deleted
		// after planning must not keep the exercise from running. With
		// none left the drill runs without checklist.
		for _, id := range x.Playbooks {
			_, err := store.Get[handbook.Playbook](ctx, o.st, id)
			if err == nil {
				pbRef = id
				break
			}
			if !errors.Is(err, store.ErrNotFound) {
				return x, handbook.Incident{}, err
			}
		}
	}
	regimes := req.Regimes
	if regimes == nil {
		regimes = x.Regimes
	}
	start := StartIncident{Playbook: pbRef, Title: cmp.Or(strings.TrimSpace(req.Title), x.Title), Severity: req.Severity,
		Level: req.Level, OwnerRole: req.OwnerRole, Regimes: regimes, By: req.By, Initials: req.Initials}
	inc, entries, err := o.newIncident(ctx, start)
	if err != nil {
		return x, handbook.Incident{}, err
	}
	inc.ExerciseID = x.ID
	inc.Injects = slices.Clone(x.Injects)
	if !planned {
		x.Title = inc.Title
		if inc.PlaybookID != "" {
			x.Playbooks = []string{inc.PlaybookID}
		}
		x.Regimes = regimes
	}
	err = o.st.Update(ctx, func(tx *store.Tx) error {
		if !planned {
			x.Status, x.HeldAt = handbook.ExerciseRunning, now
			if err := put(ctx, o, tx, &x); err != nil {
				return err
			}
			return o.putRun(ctx, tx, &inc, entries)
		}
		before, err := exerciseIn(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		x = before
		x.Status, x.HeldAt = handbook.ExerciseRunning, now
		if err := edit(ctx, o, tx, &before, &x); err != nil {
			return err
		}
		return o.putRun(ctx, tx, &inc, entries)
	})
	if err != nil {
		return x, handbook.Incident{}, fmt.Errorf("start exercise %q: %w", x.Title, err)
	}
	return x, inc, nil
}

// exerciseIn reads an exercise inside a transaction.
func exerciseIn(ctx context.Context, tx *store.Tx, id string) (handbook.Exercise, error) {
	x, err := store.Get[handbook.Exercise](ctx, tx, id)
	if errors.Is(err, store.ErrNotFound) {
		return x, fail(CodeUnknownExercise, "ID", id)
	}
	return x, err
}

// openDrillIn reads a drill that must still be running.
func openDrillIn(ctx context.Context, tx *store.Tx, id string) (handbook.Incident, error) {
	inc, err := openIncidentIn(ctx, tx, id)
	if err == nil && !inc.Drill() {
		err = fail(CodeNotADrill, "Title", inc.Title)
	}
	return inc, err
}

// RecordRecovery is what a recovery test achieved for one service.
type RecordRecovery struct {
	DrillID string
	// Service is the service's ID or name.
	Service string
	// Recovery is how long the recovery took; DataLoss how much data was
	// lost, as time before the failure.
	Recovery, DataLoss handbook.Minutes
	Note               string
	By, Initials       string
}

// RecordRecovery logs a recovery test's result for a service, with the
// service's RTO and RPO as they are now, so the evaluation holds when
// they change later.
func (o *Ops) RecordRecovery(ctx context.Context, req RecordRecovery) (handbook.LogEntry, error) {
	if req.Recovery < 0 || req.DataLoss < 0 {
		return handbook.LogEntry{}, fail(CodeNegativeMinutes)
	}
	services, err := store.List[handbook.Service](ctx, o.st)
	if err != nil {
		return handbook.LogEntry{}, err
	}
	ids, err := resolveAll([]string{req.Service}, services, func(s handbook.Service) string { return s.Name }, CodeUnknownService)
	if err != nil {
		return handbook.LogEntry{}, err
	}
	if len(ids) == 0 {
		return handbook.LogEntry{}, fail(CodeUnknownService, "Name", req.Service)
	}
	svc := services[slices.IndexFunc(services, func(s handbook.Service) bool { return s.ID == ids[0] })]
	e := handbook.LogEntry{IncidentID: req.DrillID, At: o.now(), Author: req.By, Initials: req.Initials, Kind: handbook.LogRecovery,
		Text:     cmp.Or(strings.TrimSpace(req.Note), svc.Name+": "+req.Recovery.String()+" / "+req.DataLoss.String()),
		Recovery: &handbook.RecoveryResult{Service: svc.ID, Recovery: req.Recovery, DataLoss: req.DataLoss, RTO: svc.RTO, RPO: svc.RPO}}
	err = o.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := openDrillIn(ctx, tx, req.DrillID); err != nil {
			return err
		}
		return put(ctx, o, tx, &e)
	})
	if err != nil {
		return e, fmt.Errorf("record the recovery of %s: %w", svc.Name, err)
	}
	return e, nil
}

// RecordCall is one call of an alarm test.
type RecordCall struct {
	DrillID string
	// Role is the role called for (ID or name); Contact the person called
	// (ID or name; empty: the next person of the role not called yet).
	Role, Contact string
	Reached       bool
	// After is how many minutes after the test's start the call reached
	// the person (or was given up).
	After handbook.Minutes
	// Number is the number called; empty: the person's first number.
	Number      string
	WrongNumber bool
	Note        string
	// Tr words the correction put on the contact in the caller's
	// language; nil is English.
	Tr           i18n.Translator
	By, Initials string
}

// CallRecorded is a recorded call and what it did to the contact.
type CallRecorded struct {
	Entry   handbook.LogEntry
	Contact handbook.Contact
	// Verified is true when the call verified the contact, Flagged when it
	// put the contact on the verify list for a correction.
	Verified, Flagged bool
}

// RecordCall logs one call of an alarm test and updates the contact in the
// same transaction: a person reached on a number the handbook lists is
// verified; a wrong number, or a person reached on a number the handbook
// does not list, flags the contact for correction, which puts it on the
// verify list.
func (o *Ops) RecordCall(ctx context.Context, req RecordCall) (CallRecorded, error) {
	var out CallRecorded
	if req.After < 0 {
		return out, fail(CodeNegativeMinutes)
	}
	if req.Reached && req.WrongNumber {
		return out, fail(CodeReachedWrongNumber)
	}
	hb, err := o.st.Load(ctx)
	if err != nil {
		return out, err
	}
	hb = hb.Live()
	roles, err := resolveAll([]string{req.Role}, hb.Roles, func(r handbook.Role) string { return r.Name }, CodeUnknownRole)
	if err != nil {
		return out, err
	}
	if len(roles) == 0 {
		return out, fail(CodeUnknownRole, "Name", req.Role)
	}
	inc, err := o.FindIncident(ctx, req.DrillID)
	if err != nil {
		return out, err
	}
	plan := handbook.AlarmPlan(hb, inc.StartedAt)
	level := 0
	if i := slices.IndexFunc(plan, func(s handbook.AlarmStep) bool { return s.RoleID == roles[0] }); i >= 0 {
		level = plan[i].Level
	}
	contactRef := strings.TrimSpace(req.Contact)
	if contactRef == "" {
		sum := handbook.AlarmTestSummary(plan, inc, hb.LogEntries)
		if i := slices.IndexFunc(sum.Roles, func(r handbook.AlarmResult) bool { return r.RoleID == roles[0] }); i >= 0 {
			for _, p := range sum.Roles[i].People {
				if !slices.ContainsFunc(sum.Roles[i].Attempts, func(e handbook.LogEntry) bool { return e.Call.Contact == p.ContactID }) {
					contactRef = p.ContactID
					break
				}
			}
		}
		if contactRef == "" {
			return out, fail(CodeNoOneToCall, "Role", req.Role)
		}
	}
	contacts, err := resolveAll([]string{contactRef}, hb.Contacts, handbook.Contact.FullName, CodeUnknownContact)
	if err != nil {
		return out, err
	}
	now := o.now()
	number := strings.TrimSpace(req.Number)
	err = o.st.Update(ctx, func(tx *store.Tx) error {
		if _, err := openDrillIn(ctx, tx, inc.ID); err != nil {
			return err
		}
		c, err := store.Get[handbook.Contact](ctx, tx, contacts[0])
		if err != nil {
			return err
		}
		if number == "" && len(c.Phones()) > 0 {
			number = c.Phones()[0]
		}
		role := hb.Roles[slices.IndexFunc(hb.Roles, func(r handbook.Role) bool { return r.ID == roles[0] })]
		// The text is never just the person's name: a log entry must not
		// share its label with the contact it names.
		out.Entry = handbook.LogEntry{IncidentID: inc.ID, At: now, Author: req.By, Initials: req.Initials, Kind: handbook.LogCallAttempt,
			Text: cmp.Or(strings.TrimSpace(req.Note), role.Name+": "+c.FullName()),
			Call: &handbook.CallAttempt{Level: level, Role: roles[0], Contact: c.ID, Reached: req.Reached, After: req.After,
				Number: number, WrongNumber: req.WrongNumber}}
		if err := put(ctx, o, tx, &out.Entry); err != nil {
			return err
		}
		before := c
		listed := listsNumber(c, number, hb.Settings.DefaultCountry)
		switch {
		case req.WrongNumber:
			c.Correction = joinCorrection(c.Correction, CorrectionText(req.Tr, number, now, false))
			out.Flagged = true
		case req.Reached && !listed && number != "":
			c.Correction = joinCorrection(c.Correction, CorrectionText(req.Tr, number, now, true))
			out.Flagged = true
		case req.Reached:
			c.LastVerifiedAt = now
			out.Verified = true
		}
		out.Contact = c
		return edit(ctx, o, tx, &before, &c)
	})
	if err != nil {
		return out, fmt.Errorf("record the call: %w", err)
	}
	return out, nil
}

// listsNumber reports whether number is one of the contact's numbers,
// however it is written.
func listsNumber(c handbook.Contact, number, country string) bool {
	want, err := handbook.E164(number, country)
	for _, p := range exchange.Phones(c, country) {
		if p.Raw == number || (err == nil && p.E164 == want) {
			return true
		}
	}
	return false
}

// joinCorrection adds a correction to those a contact has already.
func joinCorrection(old, add string) string {
	if old = strings.TrimSpace(old); old == "" || strings.Contains(old, add) {
		return cmp.Or(old, add)
	}
	return old + "; " + add
}

// Keys of the corrections an alarm test puts on a contact.
const (
	correctionWrong    = "Number {{.Number}} is wrong (alarm test of {{.Date}})"
	correctionUnlisted = "Reached on {{.Number}}, which the handbook does not list (alarm test of {{.Date}})"
)

// CorrectionText words what an alarm test found wrong with a number, in
// the language of tr (nil: English).
func CorrectionText(tr i18n.Translator, number string, at time.Time, unlisted bool) string {
	if tr == nil {
		var c *i18n.Catalog
		tr = func(key string, data map[string]any) string { return c.T(key, data) }
	}
	key := correctionWrong
	if unlisted {
		key = correctionUnlisted
	}
	return tr(key, map[string]any{"Number": number, "Date": at.Local().Format(tr("2006-01-02", nil))})
}

// FindingInput is one finding of an evaluation with the actions that
// follow from it.
type FindingInput struct {
	Text     string
	Entity   handbook.Entity
	RecordID string
	// Actions each need a title, an owner and a due date.
	Actions []handbook.Action
}

// CloseExercise is an exercise's evaluation, and the close of its drill
// when one is running.
type CloseExercise struct {
	// Exercise names it (see FindExercise).
	Exercise string
	// Summary, Lessons, LessonsLabel, ReportsOpenOK and ReportsOpenReason
	// close the drill as they close an incident (CloseIncident); Summary is
	// also the evaluation's result.
	Summary, Lessons, LessonsLabel string
	ReportsOpenOK                  bool
	ReportsOpenReason              string
	// Outcomes are the objectives' outcomes, by the objective's index
	// (handbook.ObjectiveMet, handbook.ObjectiveNotMet).
	Outcomes map[int]string
	WentWell string
	Findings []FindingInput
	By       string
	Initials string
}

// CloseExercise evaluates an exercise: its running drill is closed (as an
// incident is), the objectives get their outcomes, the findings are
// recorded and their actions created, and the exercise is evaluated. All
// in one transaction. An exercise held without a drill (a walkthrough at
// the table) is evaluated the same way.
func (o *Ops) CloseExercise(ctx context.Context, req CloseExercise) (handbook.Exercise, error) {
	now := o.now()
	x, err := o.FindExercise(ctx, req.Exercise)
	if err != nil {
		return x, err
	}
	var findings []handbook.ExerciseFinding
	var actions []handbook.Action
	for _, f := range req.Findings {
		text := strings.TrimSpace(f.Text)
		if text == "" {
			return x, fail(CodeEmptyFinding)
		}
		ef := handbook.ExerciseFinding{Text: text, Entity: f.Entity, RecordID: f.RecordID}
		for _, a := range f.Actions {
			a.Title = strings.TrimSpace(a.Title)
			switch {
			case a.Title == "":
				return x, fail(CodeNoActionTitle)
			case strings.TrimSpace(a.Owner) == "":
				return x, fail(CodeActionNoOwner, "Title", a.Title)
			case a.Due.IsZero():
				return x, fail(CodeActionNoDue, "Title", a.Title)
			}
			a.Record = handbook.Record{ID: handbook.NewID()}
			a.SourceKind, a.SourceID = string(handbook.EntityExercise), x.ID
			a.Finding = cmp.Or(a.Finding, text)
			a.Status = cmp.Or(a.Status, handbook.ActionOpen)
			ef.Actions = append(ef.Actions, a.ID)
			actions = append(actions, a)
		}
		findings = append(findings, ef)
	}
	for i, outcome := range req.Outcomes {
		if i < 0 || i >= len(x.Objectives) {
			return x, fail(CodeUnknownObjective, "N", i+1, "Count", len(x.Objectives))
		}
		if outcome != "" && outcome != handbook.ObjectiveMet && outcome != handbook.ObjectiveNotMet {
			return x, fail(CodeUnknownObjective, "N", i+1, "Count", len(x.Objectives))
		}
	}
	incs, err := store.List[handbook.Incident](ctx, o.st)
	if err != nil {
		return x, err
	}
	drill, hasDrill := handbook.DrillOf(handbook.Handbook{Incidents: incs}, x.ID)
	err = o.st.Update(ctx, func(tx *store.Tx) error {
		cur, err := exerciseIn(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		if cur.State() == handbook.ExerciseEvaluated {
			return fail(CodeExerciseEvaluated, "Title", cur.Title, "Time", cur.EvaluatedAt)
		}
		held := cur.HeldAt
		if hasDrill && drill.Open() {
			closed, err := o.closeIn(ctx, tx, CloseIncident{IncidentID: drill.ID, Summary: req.Summary, Lessons: req.Lessons,
				LessonsLabel: req.LessonsLabel, ReportsOpenOK: req.ReportsOpenOK, ReportsOpenReason: req.ReportsOpenReason,
				By: req.By, Initials: req.Initials}, nil, now)
			if err != nil {
				return err
			}
			held = cmp.Or(held, closed.StartedAt)
		}
		if held.IsZero() {
			held = cur.Date
			if held.IsZero() || held.After(now) {
				held = now
			}
		}
		for i := range actions {
			if err := put(ctx, o, tx, &actions[i]); err != nil {
				return err
			}
		}
		before := cur
		x = cur
		x.Objectives = slices.Clone(cur.Objectives)
		for i, outcome := range req.Outcomes {
			x.Objectives[i].Outcome = outcome
		}
		x.Status, x.HeldAt, x.EvaluatedAt = handbook.ExerciseEvaluated, held, now
		x.Result = cmp.Or(strings.TrimSpace(req.Summary), x.Result)
		x.WentWell = cmp.Or(strings.TrimSpace(req.WentWell), x.WentWell)
		x.Findings = append(slices.Clone(cur.Findings), findings...)
		return edit(ctx, o, tx, &before, &x)
	})
	if err != nil {
		return x, fmt.Errorf("evaluate exercise %q: %w", x.Title, err)
	}
	return x, nil
}
