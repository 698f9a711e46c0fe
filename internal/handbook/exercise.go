package handbook

import (
	"cmp"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ExerciseKind is the kind of an exercise, from the lightest to the
// heaviest (BSI-Standard 200-4, ISO 22301 8.5).
type ExerciseKind string

// Exercise kinds.
const (
	// ExerciseAlarmTest tests the call tree: is everyone reached in time,
	// on the numbers the handbook lists? (Alarmierungstest)
	ExerciseAlarmTest ExerciseKind = "alarm_test"
	// ExerciseWalkthrough reads a plan through together. (Planbesprechung)
	ExerciseWalkthrough ExerciseKind = "walkthrough"
	// ExerciseTabletop plays a scenario through at the table. (Planspiel)
	ExerciseTabletop ExerciseKind = "tabletop"
	// ExerciseFunctional recovers systems for real and measures recovery
	// time and data loss against RTO and RPO. (Funktionstest)
	ExerciseFunctional ExerciseKind = "functional_test"
	// ExerciseFull runs a scenario with everything involved. (Vollübung)
	ExerciseFull ExerciseKind = "full_exercise"
)

// ExerciseKinds lists every exercise kind, lightest first.
var ExerciseKinds = []ExerciseKind{ExerciseAlarmTest, ExerciseWalkthrough, ExerciseTabletop, ExerciseFunctional, ExerciseFull}

// ExerciseKindNames name the kinds in English; they are keys of the
// translation catalogs.
var ExerciseKindNames = map[ExerciseKind]string{
	ExerciseAlarmTest:   "Alarm test",
	ExerciseWalkthrough: "Walkthrough",
	ExerciseTabletop:    "Tabletop exercise",
	ExerciseFunctional:  "Functional test",
	ExerciseFull:        "Full-scale exercise",
}

// legacyExerciseKinds are the kinds of handbooks written before the
// exercise programme, and the kind each is read as.
var legacyExerciseKinds = map[ExerciseKind]ExerciseKind{
	"dry_run":         ExerciseWalkthrough,
	"full_simulation": ExerciseFull,
}

// ExerciseStatus is where an exercise stands.
type ExerciseStatus string

// Exercise states.
const (
	ExercisePlanned   ExerciseStatus = "planned"   // geplant
	ExerciseRunning   ExerciseStatus = "running"   // läuft
	ExerciseEvaluated ExerciseStatus = "evaluated" // ausgewertet
)

// ExerciseStatuses lists every status in the order an exercise passes them.
var ExerciseStatuses = []ExerciseStatus{ExercisePlanned, ExerciseRunning, ExerciseEvaluated}

// DefaultExerciseIntervalMonths is how often a critical playbook or
// process is exercised when the settings say nothing else.
const DefaultExerciseIntervalMonths = 12

// Months after which the check asks for any exercise, and for an alarm test.
const (
	ExerciseAnyMonths       = 12
	ExerciseAlarmTestMonths = 6
)

// Outcomes of an objective.
const (
	ObjectiveMet    = "met"
	ObjectiveNotMet = "not_met"
)

// Objective is one thing an exercise sets out to show, with its outcome
// once the exercise is evaluated.
type Objective struct {
	Text string `json:"text"`
	// Outcome is ObjectiveMet, ObjectiveNotMet, or "" while not evaluated.
	Outcome string `json:"outcome,omitempty"`
}

// Inject is a scenario message the facilitator prepares: it reaches the
// team At minutes after the drill starts ("T+10 min: Ein Journalist ruft
// an …").
type Inject struct {
	// Key names the inject within its exercise; it is stable when the
	// injects are reordered, so log entries can refer to it.
	Key string  `json:"key"`
	At  Minutes `json:"at_minutes"`
	// From says who or what brings it ("Journalist, Telefon").
	From string `json:"from,omitempty"`
	Text string `json:"text"`
	// Expected is what the facilitator expects the team to do.
	Expected string `json:"expected,omitempty"`
}

// ExerciseFinding is one finding of an exercise's evaluation.
type ExerciseFinding struct {
	Text string `json:"text"`
	// Entity and RecordID name the record the finding is about, if one
	// (a playbook, a service, a contact …): it is suggested for review.
	Entity   Entity `json:"entity,omitempty"`
	RecordID string `json:"record_id,omitempty"`
	// Actions are the IDs of the actions that follow from the finding.
	Actions []string `json:"actions,omitempty"`
}

// Exercise is an exercise or test of the handbook: planned for a date,
// run as a drill (an incident run marked as exercise), and evaluated.
type Exercise struct {
	Record
	Title string `json:"title"`
	// Date is when the exercise is planned.
	Date   time.Time      `json:"date"`
	Kind   ExerciseKind   `json:"kind,omitempty"`
	Status ExerciseStatus `json:"status,omitempty"`
	// Scenario is the story the drill plays (Markdown).
	Scenario string `json:"scenario,omitempty"`

	// The scope: what the exercise exercises (IDs).
	Playbooks []string `json:"playbooks,omitempty"`
	Processes []string `json:"processes,omitempty"`
	Services  []string `json:"services,omitempty"`
	Sites     []string `json:"sites,omitempty"`

	Objectives []Objective `json:"objectives,omitempty"`
	// Roles and Contacts take part (IDs); Participants names others in
	// words.
	Roles        []string `json:"participant_roles,omitempty"`
	Contacts     []string `json:"participant_contacts,omitempty"`
	Participants string   `json:"participants,omitempty"`
	// Facilitator leads the exercise; Observers watch and take notes
	// (contact IDs).
	Facilitator string   `json:"facilitator,omitempty"`
	Observers   []string `json:"observers,omitempty"`
	Injects     []Inject `json:"injects,omitempty"`
	// Regimes are the reporting regimes the drill practises: their clocks
	// run as practice clocks.
	Regimes []string `json:"regimes,omitempty"`

	// HeldAt is when the exercise took place: its drill's start, else the
	// planned date once it is evaluated.
	HeldAt time.Time `json:"held_at,omitzero"`
	// The evaluation: when, the summary (Result), what went well, the
	// findings.
	EvaluatedAt time.Time         `json:"evaluated_at,omitzero"`
	Result      string            `json:"result,omitempty"`
	WentWell    string            `json:"went_well,omitempty"`
	Findings    []ExerciseFinding `json:"finding_list,omitempty"`
}

// UnmarshalJSON reads an exercise, including one written before the
// exercise programme: its kind "dry_run" or "full_simulation", its one
// playbook_id, and its findings as one text, one finding a line (the
// numbering removed). Such an exercise with a result or findings was held
// on its date and is evaluated; one without was planned.
func (e *Exercise) UnmarshalJSON(b []byte) error {
	type plain Exercise
	var v struct {
		plain
		PlaybookID string `json:"playbook_id"`
		Findings   string `json:"findings"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = Exercise(v.plain)
	if k, ok := legacyExerciseKinds[e.Kind]; ok {
		e.Kind = k
	}
	if v.PlaybookID != "" && !slices.Contains(e.Playbooks, v.PlaybookID) {
		e.Playbooks = append([]string{v.PlaybookID}, e.Playbooks...)
	}
	if len(e.Findings) == 0 {
		for _, line := range strings.Split(v.Findings, "\n") {
			if text := trimNumbering(line); text != "" {
				e.Findings = append(e.Findings, ExerciseFinding{Text: text})
			}
		}
	}
	if e.Status == "" && (strings.TrimSpace(e.Result) != "" || strings.TrimSpace(v.Findings) != "") {
		e.Status = ExerciseEvaluated
		e.HeldAt = cmp.Or(e.HeldAt, e.Date)
	}
	return nil
}

// State is the exercise's status; one without is planned.
func (e Exercise) State() ExerciseStatus { return cmp.Or(e.Status, ExercisePlanned) }

// trimNumbering removes a list marker ("1.", "2)", "-", "*") from the
// start of a line.
func trimNumbering(line string) string {
	line = strings.TrimSpace(line)
	i := 0
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	switch {
	case i > 0 && i < len(line) && (line[i] == '.' || line[i] == ')'):
		line = line[i+1:]
	case strings.HasPrefix(line, "- "), strings.HasPrefix(line, "* "):
		line = line[2:]
	}
	return strings.TrimSpace(line)
}

// Held reports whether the exercise took place (it is running or
// evaluated), and when.
func (e Exercise) Held() (time.Time, bool) {
	if e.Status != ExerciseRunning && e.Status != ExerciseEvaluated {
		return time.Time{}, false
	}
	return cmp.Or(e.HeldAt, e.Date), true
}

// InScope reports whether the exercise's scope names the record.
func (e Exercise) InScope(en Entity, id string) bool {
	switch en {
	case EntityPlaybook:
		return slices.Contains(e.Playbooks, id)
	case EntityService:
		return slices.Contains(e.Services, id)
	case EntityProcess:
		return slices.Contains(e.Processes, id)
	case EntitySite:
		return slices.Contains(e.Sites, id)
	case EntityExercise:
		return e.ID == id
	}
	return false
}

// Overdue reports whether the exercise was planned for a day before now's
// and is still not evaluated.
func (e Exercise) Overdue(now time.Time) bool {
	if e.Status == ExerciseEvaluated || e.Date.IsZero() {
		return false
	}
	y, m, d := now.Date()
	return e.Date.In(now.Location()).Before(time.Date(y, m, d, 0, 0, 0, 0, now.Location()))
}

// NewInjectKey is a key for a new inject, unique among the ones given.
func NewInjectKey(taken []Inject) string {
	for {
		k := NewID()[24:]
		if !slices.ContainsFunc(taken, func(i Inject) bool { return i.Key == k }) {
			return k
		}
	}
}

// MaxInjectAt is the latest an inject may come after the start of a
// drill: a week. A later one is a slip of the unit, and its drill would
// wait for it for years.
const MaxInjectAt = 7 * Day

// Validate checks an exercise: a title, a date between 2000 and 2100, a
// known kind and status, objectives and injects with text, injects
// between the start and a week after it and with keys each used once,
// findings with text.
func (e Exercise) Validate() error {
	var p problems
	p.required("title", e.Title)
	if y := e.Date.Year(); !e.Date.IsZero() && (y < 2000 || y > 2100) {
		p.addT("date", "the date {{.Date}} lies outside the years 2000 to 2100; check it", "Date", e.Date.Format("2006-01-02"))
	}
	if e.Kind != "" && !slices.Contains(ExerciseKinds, e.Kind) {
		p.add("kind", "unknown value %q (allowed: %s)", e.Kind, list(ExerciseKinds))
	}
	if e.Status != "" && !slices.Contains(ExerciseStatuses, e.Status) {
		p.add("status", "unknown value %q (allowed: %s)", e.Status, list(ExerciseStatuses))
	}
	for _, f := range []struct {
		name string
		ids  []string
	}{{"playbooks", e.Playbooks}, {"processes", e.Processes}, {"services", e.Services}, {"sites", e.Sites},
		{"participant_roles", e.Roles}, {"participant_contacts", e.Contacts}, {"observers", e.Observers}} {
		p.ids(f.name, f.ids)
	}
	for i, o := range e.Objectives {
		if strings.TrimSpace(o.Text) == "" {
			p.add("objectives", "objective %d has no text", i+1)
		}
		if o.Outcome != "" && o.Outcome != ObjectiveMet && o.Outcome != ObjectiveNotMet {
			p.add("objectives", "objective %d: unknown outcome %q (allowed: %s, %s)", i+1, o.Outcome, ObjectiveMet, ObjectiveNotMet)
		}
	}
	keys := map[string]bool{}
	for i, in := range e.Injects {
		switch {
		case strings.TrimSpace(in.Key) == "":
			p.add("injects", "inject %d has no key", i+1)
		case keys[in.Key]:
			p.add("injects", "inject %d: the key %q is used twice", i+1, in.Key)
		}
		keys[in.Key] = true
		if strings.TrimSpace(in.Text) == "" {
			p.add("injects", "inject %d has no text", i+1)
		}
		switch {
		case in.At < 0:
			p.add("injects", "inject %d lies before the start (T%s)", i+1, in.At)
		case in.At > MaxInjectAt:
			p.addT("injects", "inject {{.N}} comes {{.At}} after the start; a drill runs a week at most", "N", strconv.Itoa(i+1), "At", in.At.String())
		}
	}
	for _, r := range e.Regimes {
		if !slices.Contains(Regimes, r) {
			p.add("regimes", "unknown regime %q (allowed: %s)", r, strings.Join(Regimes, ", "))
		}
	}
	for i, f := range e.Findings {
		if strings.TrimSpace(f.Text) == "" {
			p.add("finding_list", "finding %d has no text", i+1)
		}
	}
	return p.err()
}

// Critical reports whether a playbook is one the exercise programme must
// cover within the interval: one for a critical incident.
func (pb Playbook) Critical() bool { return pb.Severity == SeverityCritical }

// Critical reports whether a service is critical.
func (s Service) Critical() bool { return s.Criticality == SeverityCritical }

// ExerciseInterval is how often critical playbooks and processes must be
// exercised, in months.
func (s Settings) ExerciseInterval() int {
	if s.ExerciseIntervalMonths > 0 {
		return s.ExerciseIntervalMonths
	}
	return DefaultExerciseIntervalMonths
}

// CoverageItem is one playbook, service or process with when it was last
// exercised.
type CoverageItem struct {
	Entity   Entity
	ID       string
	Title    string
	Critical bool
	// Last is when it was last exercised, LastExercise which exercise;
	// zero and "" for never.
	Last         time.Time
	LastExercise string
	// Next is the next planned exercise of it (zero for none).
	Next         time.Time
	NextExercise string
	// Due is true for a critical record never exercised or not within the
	// interval.
	Due bool
}

// Coverage lists every playbook, every critical service and every
// critical process with when it was last exercised (an exercise held with
// it in scope) and when it is next planned. Playbooks come first, then
// services, then processes, each by title.
func Coverage(hb Handbook, now time.Time) []CoverageItem {
	live := hb.Live()
	months := live.Settings.ExerciseInterval()
	var out []CoverageItem
	add := func(e Entity, id, title string, critical bool) {
		it := CoverageItem{Entity: e, ID: id, Title: title, Critical: critical}
		for _, x := range live.Exercises {
			if !x.InScope(e, id) {
				continue
			}
			if at, ok := x.Held(); ok {
				if at.After(it.Last) {
					it.Last, it.LastExercise = at, x.ID
				}
			} else if x.State() == ExercisePlanned && !x.Date.Before(now) && (it.Next.IsZero() || x.Date.Before(it.Next)) {
				it.Next, it.NextExercise = x.Date, x.ID
			}
		}
		it.Due = critical && (it.Last.IsZero() || it.Last.AddDate(0, months, 0).Before(now))
		out = append(out, it)
	}
	byTitle := func(a, b CoverageItem) int {
		return cmp.Or(strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
	}
	n := 0
	for _, p := range live.Playbooks {
		add(EntityPlaybook, p.ID, p.Title, p.Critical())
	}
	slices.SortFunc(out[n:], byTitle)
	n = len(out)
	for _, s := range live.Services {
		if s.Critical() {
			add(EntityService, s.ID, s.Name, true)
		}
	}
	slices.SortFunc(out[n:], byTitle)
	n = len(out)
	bia := live.Settings.BIA()
	for _, p := range live.Processes {
		if bia.Assess(p).Critical() {
			add(EntityProcess, p.ID, p.Name, true)
		}
	}
	slices.SortFunc(out[n:], byTitle)
	return out
}

// LastExercised is the latest exercise held of any kind (or of kind, when
// given): when and which; zero when none.
func LastExercised(exs []Exercise, kind ExerciseKind) (time.Time, string) {
	var at time.Time
	id := ""
	for _, x := range exs {
		if x.Deleted || (kind != "" && x.Kind != kind) {
			continue
		}
		if t, ok := x.Held(); ok && t.After(at) {
			at, id = t, x.ID
		}
	}
	return at, id
}

// ExercisesOfYear lists the live exercises planned (or held) in a year,
// month by month (index 0 is January), each month by date.
func ExercisesOfYear(exs []Exercise, year int, loc *time.Location) [12][]Exercise {
	var out [12][]Exercise
	for _, x := range exs {
		if x.Deleted {
			continue
		}
		at := x.Date
		if t, ok := x.Held(); ok {
			at = t
		}
		at = at.In(loc)
		if at.Year() == year {
			out[at.Month()-1] = append(out[at.Month()-1], x)
		}
	}
	for i := range out {
		slices.SortFunc(out[i], func(a, b Exercise) int {
			return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
		})
	}
	return out
}

// Finding codes of the exercise programme (see Finding); Args per code:
//
//	CodeNoExercise          date of the last exercise (2006-01-02) or "" for none, months
//	CodeNeverExercised      title
//	CodeExerciseOverdue     title, date last exercised (2006-01-02), months
//	CodeNoAlarmTest         date of the last alarm test or "" for none, months
//	CodeExerciseNotEvaluated title, date planned (2006-01-02)
//	CodeContactCorrection   contact, what to correct
const (
	CodeNoExercise           = "no_exercise"
	CodeNeverExercised       = "never_exercised"
	CodeExerciseOverdue      = "exercise_overdue"
	CodeNoAlarmTest          = "no_alarm_test"
	CodeExerciseNotEvaluated = "exercise_not_evaluated"
	CodeContactCorrection    = "contact_correction"
)

// ExerciseFindings are the check's findings about the exercise programme:
// no exercise held for ExerciseAnyMonths, no alarm test for
// ExerciseAlarmTestMonths, critical playbooks and processes never
// exercised or not within the interval, planned exercises whose day
// passed without an evaluation. hb is live.
func ExerciseFindings(hb Handbook, now time.Time) []Finding {
	var out []Finding
	last := func(kind ExerciseKind, months int, code, what string) {
		at, _ := LastExercised(hb.Exercises, kind)
		if !at.IsZero() && !at.AddDate(0, months, 0).Before(now) {
			return
		}
		f := Finding{Level: LevelWarning, Code: code, Entity: EntityExercise, Args: []string{"", strconv.Itoa(months)}}
		f.Message = "no " + what + " was held in the last " + strconv.Itoa(months) + " months"
		if !at.IsZero() {
			f.Args[0] = at.Format(dateLayout)
			f.Message += "; the last on " + at.Format(dateLayout)
		}
		out = append(out, f)
	}
	last("", ExerciseAnyMonths, CodeNoExercise, "exercise")
	last(ExerciseAlarmTest, ExerciseAlarmTestMonths, CodeNoAlarmTest, "alarm test")

	months := hb.Settings.ExerciseInterval()
	for _, c := range Coverage(hb, now) {
		if !c.Due || c.Entity == EntityService {
			continue
		}
		f := Finding{Level: LevelWarning, Entity: c.Entity, ID: c.ID, Name: c.Title}
		if c.Last.IsZero() {
			f.Code, f.Args = CodeNeverExercised, []string{c.Title}
			f.Message = entityWord(c.Entity) + " " + strconv.Quote(c.Title) + " is critical and was never exercised"
		} else {
			date := c.Last.Format(dateLayout)
			f.Code, f.Args = CodeExerciseOverdue, []string{c.Title, date, strconv.Itoa(months)}
			f.Message = entityWord(c.Entity) + " " + strconv.Quote(c.Title) + " was last exercised on " + date + ", more than " + strconv.Itoa(months) + " months ago"
		}
		out = append(out, f)
	}
	for _, x := range hb.Exercises {
		if !x.Overdue(now) {
			continue
		}
		date := x.Date.Format(dateLayout)
		out = append(out, Finding{Level: LevelWarning, Code: CodeExerciseNotEvaluated, Entity: EntityExercise, ID: x.ID, Name: x.Title,
			Args:    []string{x.Title, date},
			Message: "exercise " + strconv.Quote(x.Title) + " was planned for " + date + " and has not been evaluated"})
	}
	for _, c := range hb.Contacts {
		if strings.TrimSpace(c.Correction) == "" {
			continue
		}
		out = append(out, Finding{Level: LevelWarning, Code: CodeContactCorrection, Entity: EntityContact, ID: c.ID, Name: c.Name,
			Args:    []string{c.Name, c.Correction},
			Message: "contact " + strconv.Quote(c.Name) + " needs a correction: " + c.Correction})
	}
	return out
}

// DrillInject is an inject of a running or past drill with when it
// appeared and what the team did about it.
type DrillInject struct {
	Inject
	// Due is when it is planned to appear: the drill's start plus At.
	// Zero for an inject made up during the drill.
	Due time.Time
	// Appeared is when it reached the team; zero while it has not.
	Appeared time.Time
	// Early is true when the facilitator brought it in before its time;
	// Spontaneous when it was made up during the drill (Key is then the
	// log entry's ID).
	Early, Spontaneous bool
	// By is who brought it in by hand.
	By string
	// Responses are the log entries that name it: what the team did.
	Responses []LogEntry
}

// Shown reports whether the inject has appeared.
func (d DrillInject) Shown() bool { return !d.Appeared.IsZero() }

// DrillInjects lists a drill's injects at now: each prepared inject
// appears at its time (the drill's start plus its minutes) unless the
// facilitator brought it in earlier; one made up during the drill appears
// when it was logged. A drill closed before an inject's time never shows
// it. The list is ordered by when they appeared, those still to come last
// by their time. The timing is computed from the drill and its log alone,
// so every laptop shows the same inject at the same moment.
func DrillInjects(inc Incident, log []LogEntry, now time.Time) []DrillInject {
	entries := sortedLog(log, inc.ID)
	end := now
	if !inc.Open() && inc.ClosedAt.Before(end) {
		end = inc.ClosedAt
	}
	var out []DrillInject
	index := map[string]int{}
	for _, in := range inc.Injects {
		d := DrillInject{Inject: in, Due: inc.StartedAt.Add(time.Duration(in.At) * time.Minute)}
		if !d.Due.After(end) {
			d.Appeared = d.Due
		}
		index[in.Key] = len(out)
		out = append(out, d)
	}
	for _, e := range entries {
		if e.Kind != LogInject {
			continue
		}
		if i, ok := index[e.Inject]; ok {
			d := &out[i]
			if e.At.Before(d.Due) && (d.Appeared.IsZero() || e.At.Before(d.Appeared)) {
				d.Appeared, d.Early, d.By = e.At, true, e.Author
			}
			continue
		}
		index[e.ID] = len(out)
		out = append(out, DrillInject{Inject: Inject{Key: e.ID, Text: e.Text}, Appeared: e.At, Spontaneous: true, By: e.Author})
	}
	for _, e := range entries {
		if e.Kind == LogInject || e.Inject == "" {
			continue
		}
		if i, ok := index[e.Inject]; ok {
			out[i].Responses = append(out[i].Responses, e)
		}
	}
	slices.SortStableFunc(out, func(a, b DrillInject) int {
		if a.Shown() != b.Shown() {
			return boolRank(!a.Shown()) - boolRank(!b.Shown())
		}
		if a.Shown() {
			return a.Appeared.Compare(b.Appeared)
		}
		return a.Due.Compare(b.Due)
	})
	return out
}

// TargetResult is a checklist step with a time target, measured.
type TargetResult struct {
	ChecklistItem
	// Met is true for a step done within its target, Missed for one done
	// late or not done when its time ran out; neither while it is open and
	// still in time.
	Met, Missed bool
	// Took is how long after the start the step was done (0 if not done).
	Took time.Duration
}

// TimeTargets measures the steps with a time target at now (or at the
// close, for a closed run).
func TimeTargets(inc Incident, log []LogEntry, now time.Time) []TargetResult {
	end := now
	if !inc.Open() {
		end = inc.ClosedAt
	}
	var out []TargetResult
	for _, it := range Checklist(inc, log) {
		if it.Target <= 0 {
			continue
		}
		r := TargetResult{ChecklistItem: it}
		switch {
		case it.Done:
			r.Took = it.At.Sub(inc.StartedAt)
			r.Met = !it.At.After(it.Due)
			r.Missed = !r.Met
		case end.After(it.Due):
			r.Missed = true
		}
		out = append(out, r)
	}
	return out
}

// RecoveryResult is what a recovery test achieved for one service,
// against the service's objectives as they were at the test.
type RecoveryResult struct {
	Service string `json:"service"` // service ID
	// Recovery is how long the recovery took, DataLoss how much data
	// (time before the failure) was lost.
	Recovery Minutes `json:"recovery_minutes"`
	DataLoss Minutes `json:"data_loss_minutes"`
	RTO      Minutes `json:"rto_minutes"`
	RPO      Minutes `json:"rpo_minutes"`
}

// RTOMet reports whether the recovery was within the RTO (an RTO of 0,
// not set, is never met).
func (r RecoveryResult) RTOMet() bool { return r.RTO > 0 && r.Recovery <= r.RTO }

// RPOMet reports whether the data lost was within the RPO (an RPO of 0
// asks for no loss at all).
func (r RecoveryResult) RPOMet() bool { return r.DataLoss <= r.RPO }

// ServiceTest is the latest recovery test of a service.
type ServiceTest struct {
	At      time.Time
	DrillID string
	Result  RecoveryResult
}

// LastServiceTests gives, per service ID, its latest recovery test among
// all drills; a correction is a newer result of the same service.
func LastServiceTests(hb Handbook) map[string]ServiceTest {
	drills := map[string]bool{}
	for _, inc := range hb.Incidents {
		if !inc.Deleted && inc.Drill() {
			drills[inc.ID] = true
		}
	}
	out := map[string]ServiceTest{}
	for _, e := range hb.LogEntries {
		if e.Deleted || e.Kind != LogRecovery || e.Recovery == nil || !drills[e.IncidentID] {
			continue
		}
		prev, ok := out[e.Recovery.Service]
		if !ok || e.At.After(prev.At) || (e.At.Equal(prev.At) && e.ID > prev.DrillID) {
			out[e.Recovery.Service] = ServiceTest{At: e.At, DrillID: e.IncidentID, Result: *e.Recovery}
		}
	}
	return out
}

// RecoveryResults are a drill's recovery results, the latest per service,
// by service ID.
func RecoveryResults(inc Incident, log []LogEntry) []LogEntry {
	last := map[string]LogEntry{}
	for _, e := range sortedLog(log, inc.ID) {
		if e.Kind == LogRecovery && e.Recovery != nil {
			last[e.Recovery.Service] = e
		}
	}
	out := make([]LogEntry, 0, len(last))
	for _, e := range last {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b LogEntry) int { return strings.Compare(a.Recovery.Service, b.Recovery.Service) })
	return out
}

// CallAttempt is one call of an alarm test: whom, for which role, on which
// number, whether it reached them and after how many minutes.
type CallAttempt struct {
	Level   int    `json:"level,omitempty"`
	Role    string `json:"role"`              // role ID
	Contact string `json:"contact,omitempty"` // contact ID
	Reached bool   `json:"reached,omitempty"`
	// After is how many minutes after the test's start the person was
	// reached (or given up on).
	After  Minutes `json:"after_minutes,omitempty"`
	Number string  `json:"number,omitempty"`
	// WrongNumber is true when the number is wrong: nobody or somebody
	// else answered.
	WrongNumber bool `json:"wrong_number,omitempty"`
}

// AlarmStep is one role of an alarm test, in call order, with the people
// to try.
type AlarmStep struct {
	Level     int
	LevelName string
	// Within is the level's deadline to inform the role.
	Within Minutes
	CallRole
}

// AlarmPlan is the order an alarm test calls the roles in: level by
// level, the deciding role first, then the roles it notifies; a role
// named at several levels is called once, at the first. For each role the
// people come in call order, the person on duty at `at` first.
func AlarmPlan(hb Handbook, at time.Time) []AlarmStep {
	var out []AlarmStep
	seen := map[string]bool{}
	for _, l := range CallTree(hb, at) {
		roles := l.Calls
		if l.Caller.RoleID != "" {
			roles = append([]CallRole{l.Caller}, roles...)
		}
		for _, r := range roles {
			if seen[r.RoleID] || len(r.People) == 0 {
				continue
			}
			seen[r.RoleID] = true
			out = append(out, AlarmStep{Level: l.Level, LevelName: l.Name, Within: l.Within, CallRole: r})
		}
	}
	return out
}

// How a role was reached in an alarm test.
const (
	ReachedPrimary = "primary"
	ReachedDeputy  = "deputy"
	ReachedNone    = "none"    // tried, nobody reached
	ReachedUntried = "untried" // not called yet
)

// AlarmResult is one role of an alarm test with its outcome.
type AlarmResult struct {
	AlarmStep
	// By is ReachedPrimary, ReachedDeputy, ReachedNone or ReachedUntried.
	By string
	// Contact is the person who was reached, After when.
	Contact string
	After   Minutes
	// InTime is true when reached within the level's deadline (a level
	// without deadline counts any reach).
	InTime bool
	// Attempts are the calls logged for the role, in order.
	Attempts []LogEntry
}

// AlarmSummary is the outcome of an alarm test.
type AlarmSummary struct {
	Roles []AlarmResult
	// Counts of roles by how they were reached.
	Primary, Deputy, None, Untried int
	// WrongNumbers lists the calls that found a wrong number.
	WrongNumbers []LogEntry
}

// Share is n as a whole percentage of all roles.
func (s AlarmSummary) Share(n int) int {
	if len(s.Roles) == 0 {
		return 0
	}
	return (n*100 + len(s.Roles)/2) / len(s.Roles)
}

// AlarmTestSummary evaluates an alarm test's calls against its plan: for
// each role whether the primary (the first person to call) or a deputy
// was reached, after how many minutes, within the level's deadline or
// not. A role reached by several calls counts its earliest reach. Calls
// for roles outside the plan are added at the end.
func AlarmTestSummary(plan []AlarmStep, inc Incident, log []LogEntry) AlarmSummary {
	var s AlarmSummary
	byRole := map[string][]LogEntry{}
	var extra []string
	for _, e := range sortedLog(log, inc.ID) {
		if e.Kind != LogCallAttempt || e.Call == nil {
			continue
		}
		if _, ok := byRole[e.Call.Role]; !ok && !slices.ContainsFunc(plan, func(p AlarmStep) bool { return p.RoleID == e.Call.Role }) {
			extra = append(extra, e.Call.Role)
		}
		byRole[e.Call.Role] = append(byRole[e.Call.Role], e)
		if e.Call.WrongNumber {
			s.WrongNumbers = append(s.WrongNumbers, e)
		}
	}
	for _, id := range extra {
		c := byRole[id][0].Call
		plan = append(plan, AlarmStep{Level: c.Level, CallRole: CallRole{RoleID: id}})
	}
	for _, step := range plan {
		r := AlarmResult{AlarmStep: step, By: ReachedUntried, Attempts: byRole[step.RoleID]}
		if len(r.Attempts) > 0 {
			r.By = ReachedNone
		}
		for _, e := range r.Attempts {
			if !e.Call.Reached || (r.By != ReachedNone && e.Call.After >= r.After) {
				continue
			}
			r.Contact, r.After = e.Call.Contact, e.Call.After
			r.By = ReachedDeputy
			if len(step.People) > 0 && step.People[0].ContactID == e.Call.Contact {
				r.By = ReachedPrimary
			}
		}
		r.InTime = (r.By == ReachedPrimary || r.By == ReachedDeputy) && (step.Within <= 0 || r.After <= step.Within)
		switch r.By {
		case ReachedPrimary:
			s.Primary++
		case ReachedDeputy:
			s.Deputy++
		case ReachedNone:
			s.None++
		default:
			s.Untried++
		}
		s.Roles = append(s.Roles, r)
	}
	return s
}

// NextCall is the alarm test's next role to call and the person to try:
// the first role in the plan nobody was reached for, and the first of its
// people not yet called. ok is false when every role is done (reached, or
// all its people tried).
func (s AlarmSummary) NextCall() (AlarmResult, CallPerson, bool) {
	for _, r := range s.Roles {
		if r.By == ReachedPrimary || r.By == ReachedDeputy {
			continue
		}
		for _, p := range r.People {
			if !slices.ContainsFunc(r.Attempts, func(e LogEntry) bool { return e.Call.Contact == p.ContactID }) {
				return r, p, true
			}
		}
	}
	return AlarmResult{}, CallPerson{}, false
}

// ReviewTarget is a record an exercise's findings suggest reviewing.
type ReviewTarget struct {
	Entity Entity
	ID     string
	Title  string
	// Exercise is the exercise whose findings suggest it.
	Exercise string
}

// ExerciseReviews lists the records worth a review because an exercise
// with findings had them in scope or named them in a finding, after their
// last review (or verification, for a contact): the playbooks, services
// (plans), business processes (continuity plans) and contacts concerned. Sorted by kind, then title.
func ExerciseReviews(hb Handbook) []ReviewTarget {
	live := hb.Live()
	type ref struct {
		e  Entity
		id string
	}
	latest := map[ref]Exercise{}
	note := func(e Entity, id string, x Exercise) {
		k := ref{e, id}
		if prev, ok := latest[k]; !ok || x.EvaluatedAt.After(prev.EvaluatedAt) {
			latest[k] = x
		}
	}
	for _, x := range live.Exercises {
		if x.Status != ExerciseEvaluated || len(x.Findings) == 0 {
			continue
		}
		for _, id := range x.Playbooks {
			note(EntityPlaybook, id, x)
		}
		for _, id := range x.Services {
			note(EntityService, id, x)
		}
		for _, id := range x.Processes {
			note(EntityProcess, id, x)
		}
		for _, f := range x.Findings {
			if f.Entity != "" && f.RecordID != "" {
				note(f.Entity, f.RecordID, x)
			}
		}
	}
	var out []ReviewTarget
	add := func(e Entity, id, title string, reviewed time.Time) {
		x, ok := latest[ref{e, id}]
		when := cmp.Or(x.EvaluatedAt, x.HeldAt, x.Date)
		if ok && (reviewed.IsZero() || when.After(reviewed)) {
			out = append(out, ReviewTarget{Entity: e, ID: id, Title: title, Exercise: x.ID})
		}
	}
	for _, p := range live.Playbooks {
		add(EntityPlaybook, p.ID, p.Title, p.LastReviewedAt)
	}
	for _, s := range live.Services {
		add(EntityService, s.ID, s.Name, s.LastReviewedAt)
	}
	for _, bp := range live.Processes {
		add(EntityProcess, bp.ID, bp.Name, bp.LastReviewedAt)
	}
	for _, c := range live.Contacts {
		add(EntityContact, c.ID, c.Name, c.LastVerifiedAt)
	}
	slices.SortFunc(out, func(a, b ReviewTarget) int {
		return cmp.Or(cmp.Compare(entityRank(a.Entity), entityRank(b.Entity)), strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
	})
	return out
}

// DrillOf is the running drill of an exercise, if any, else its latest.
func DrillOf(hb Handbook, exerciseID string) (Incident, bool) {
	var found Incident
	ok := false
	for _, inc := range hb.Incidents {
		if inc.Deleted || inc.ExerciseID != exerciseID {
			continue
		}
		if !ok || (inc.Open() && !found.Open()) || (inc.Open() == found.Open() && inc.StartedAt.After(found.StartedAt)) {
			found, ok = inc, true
		}
	}
	return found, ok
}

// RealIncidents are the live incidents that are not drills: what lists,
// counts and badges of incidents show. Drills appear with their exercises.
func RealIncidents(incs []Incident) []Incident {
	var out []Incident
	for _, i := range incs {
		if !i.Deleted && !i.Drill() {
			out = append(out, i)
		}
	}
	return out
}

// RunningIncidents are the real incidents still running, newest first.
func RunningIncidents(incs []Incident) []Incident { return running(incs, false) }

// RunningDrills are the drills still running, newest first.
func RunningDrills(incs []Incident) []Incident { return running(incs, true) }

func running(incs []Incident, drills bool) []Incident {
	var out []Incident
	for _, i := range incs {
		if i.Open() && !i.Deleted && i.Drill() == drills {
			out = append(out, i)
		}
	}
	slices.SortFunc(out, func(a, b Incident) int {
		return cmp.Or(b.StartedAt.Compare(a.StartedAt), strings.Compare(a.ID, b.ID))
	})
	return out
}

// ErrMinutes: a typed duration in none of the forms ParseMinutes knows.
var ErrMinutes = errors.New("not a duration: write it as 90, 90 min, 4 h, 1 h 30 min, 1:30 or 1 d 6 h")

// ParseMinutes reads a duration a person typed: whole minutes ("90"),
// with units ("90 min", "4 h", "1 h 30 min", "1d 6h", as Minutes.String
// writes them) or as hours and minutes ("1:30").
func ParseMinutes(s string) (Minutes, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return 0, ErrMinutes
	}
	if h, m, ok := strings.Cut(s, ":"); ok {
		hh, err1 := strconv.Atoi(strings.TrimSpace(h))
		mm, err2 := strconv.Atoi(strings.TrimSpace(m))
		if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 {
			return 0, ErrMinutes
		}
		return Minutes(hh*60 + mm), nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 {
			return 0, ErrMinutes
		}
		return Minutes(n), nil
	}
	var total Minutes
	rest := strings.ReplaceAll(s, " ", "")
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		j := i
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil {
			return 0, ErrMinutes
		}
		switch rest[i:j] {
		case "d", "t", "tag", "tage", "day", "days":
			total += Minutes(n) * 24 * 60
		case "h", "std", "hour", "hours":
			total += Minutes(n) * 60
		case "m", "min", "minute", "minutes", "minuten":
			total += Minutes(n)
		default:
			return 0, ErrMinutes
		}
		rest = rest[j:]
	}
	return total, nil
}

// Phones are the person's numbers in call order, without their kinds.
func (p CallPerson) Phones() []string {
	out := make([]string, 0, len(p.Numbers))
	for _, n := range p.Numbers {
		out = append(out, n.Number)
	}
	return out
}
