package handbook

import (
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FieldError is one problem with one field of a record.
type FieldError struct {
	// Field is the JSON name of the field, e.g. "rto_minutes".
	Field string
	// Message is the problem in English.
	Message string
	// Key, when set, is Message as a translation key: the English text
	// with {{.Fields}} filled from Data, so each language can word it.
	Key  string
	Data map[string]string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every problem found in a record. Validate methods
// return it as an error; errors.As recovers the list.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// problems collects field errors while a record is checked.
type problems ValidationError

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// addT adds a problem worded by key, an English text with {{.Fields}};
// kv are the fields' names and values in turn.
func (p *problems) addT(field, key string, kv ...string) {
	data := make(map[string]string, len(kv)/2)
	pairs := make([]string, 0, len(kv))
	for i := 0; i+1 < len(kv); i += 2 {
		data[kv[i]] = kv[i+1]
		pairs = append(pairs, "{{."+kv[i]+"}}", kv[i+1])
	}
	*p = append(*p, FieldError{Field: field, Message: strings.NewReplacer(pairs...).Replace(key), Key: key, Data: data})
}

// MaxDuration is the longest duration a record may hold: ten years. A
// longer one is a slip of the unit (minutes typed as days), and would
// make every comparison of recovery times meaningless.
const MaxDuration = 10 * 366 * Day

// duration refuses a negative duration, and one longer than MaxDuration.
func (p *problems) duration(field string, m Minutes) {
	switch {
	case m < 0:
		p.addT(field, "a duration cannot be negative (is {{.Value}})", "Value", m.String())
	case m > MaxDuration:
		p.addT(field, "a duration cannot be longer than ten years (is {{.Value}}); check the unit", "Value", m.String())
	}
}

// percent refuses a share outside 0–100 %.
func (p *problems) percent(field string, v int) {
	if v < 0 || v > 100 {
		p.addT(field, "must lie between 0 and 100 % (is {{.Value}} %)", "Value", strconv.Itoa(v))
	}
}

func (p *problems) required(field, value string) {
	if strings.TrimSpace(value) == "" {
		p.add(field, "must not be empty")
	}
}

func (p *problems) review(r Review) {
	if r.ReviewIntervalDays < 0 {
		p.add("review_interval_days", "must not be negative (is %d)", r.ReviewIntervalDays)
	}
}

func (p *problems) severity(field string, s Severity) {
	if s != "" && !slices.Contains(Severities, s) {
		p.add(field, "unknown value %q (allowed: %s)", s, list(Severities))
	}
}

func (p *problems) ids(field string, ids []string) {
	seen := map[string]bool{}
	for _, id := range ids {
		switch {
		case strings.TrimSpace(id) == "":
			p.add(field, "contains an empty reference")
		case seen[id]:
			p.add(field, "lists %s twice", id)
		}
		seen[id] = true
	}
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return ValidationError(p)
}

// list joins allowed values for a message.
func list[T ~string](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}

// Validate checks a contact: it needs a name, a way to reach it and, if
// given, a well-formed email address.
func (c Contact) Validate() error {
	var p problems
	p.required("name", c.Name)
	if len(c.Phones()) == 0 && strings.TrimSpace(c.Email) == "" && strings.TrimSpace(c.Channels) == "" {
		p.add("phone_mobile", "cannot be reached: add a phone number, an email address or another channel")
	}
	if email := strings.TrimSpace(c.Email); email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Name != "" || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
			p.add("email", "%q is not an email address", c.Email)
		}
	}
	return p.err()
}

// Validate checks a role: it needs a name; holders are listed once each.
func (r Role) Validate() error {
	var p problems
	p.required("name", r.Name)
	p.ids("holders", r.Holders)
	if r.OnCall != nil {
		r.OnCall.validate(&p)
	}
	return p.err()
}

// Validate checks an escalation level: a name, a level from 1 and a
// deadline that is not negative.
func (e EscalationLevel) Validate() error {
	var p problems
	p.required("name", e.Name)
	if e.Level < 1 {
		p.add("level", "must be 1 or higher (is %d)", e.Level)
	}
	if e.Within < 0 {
		p.add("within_minutes", "must not be negative (is %s)", e.Within)
	}
	p.ids("notify", e.Notify)
	return p.err()
}

// Validate checks a playbook: a title and known type and severity.
func (pb Playbook) Validate() error {
	var p problems
	p.required("title", pb.Title)
	if pb.IncidentType != "" && !slices.Contains(IncidentTypes, pb.IncidentType) {
		p.add("incident_type", "unknown value %q (allowed: %s)", pb.IncidentType, list(IncidentTypes))
	}
	p.severity("severity", pb.Severity)
	p.review(pb.Review)
	return p.err()
}

// Validate checks a communication template: a title and a known audience.
func (t CommTemplate) Validate() error {
	var p problems
	p.required("title", t.Title)
	if t.Audience != "" && !slices.Contains(Audiences, t.Audience) {
		p.add("audience", "unknown value %q (allowed: %s)", t.Audience, list(Audiences))
	}
	p.review(t.Review)
	return p.err()
}

// Validate checks a service: a name, recovery times that are not negative,
// an RTO within the maximum tolerable downtime, and dependencies that are
// neither the service itself nor listed twice.
func (s Service) Validate() error {
	var p problems
	p.required("name", s.Name)
	p.severity("criticality", s.Criticality)
	for _, f := range []struct {
		field string
		v     Minutes
	}{{"rto_minutes", s.RTO}, {"rpo_minutes", s.RPO}, {"mtd_minutes", s.MTD}} {
		if f.v < 0 {
			p.add(f.field, "must not be negative (is %s)", f.v)
		} else {
			p.duration(f.field, f.v)
		}
	}
	if s.RTO > 0 && s.MTD > 0 && s.RTO > s.MTD {
		p.add("rto_minutes", "%s is longer than the maximum tolerable downtime of %s", s.RTO, s.MTD)
	}
	if s.ID != "" && slices.Contains(s.DependsOn, s.ID) {
		p.add("depends_on", "the service depends on itself")
	}
	p.ids("depends_on", s.DependsOn)
	p.ids("resources", s.Resources)
	p.review(s.Review)
	return p.err()
}

// Validate checks a risk scenario: a title and likelihood and impact from 1 to 5.
func (r RiskScenario) Validate() error {
	var p problems
	p.required("title", r.Title)
	if r.Likelihood < 1 || r.Likelihood > 5 {
		p.add("likelihood", "must be between 1 and 5 (is %d)", r.Likelihood)
	}
	if r.Impact < 1 || r.Impact > 5 {
		p.add("impact", "must be between 1 and 5 (is %d)", r.Impact)
	}
	p.ids("affected_services", r.AffectedServices)
	p.review(r.Review)
	return p.err()
}

// Validate checks an incident: a title, a start, a known severity and, if
// closed, a close after the start.
func (i Incident) Validate() error {
	var p problems
	p.required("title", i.Title)
	p.severity("severity", i.Severity)
	if i.StartedAt.IsZero() {
		p.add("started_at", "must be set")
	}
	if !i.ClosedAt.IsZero() && !i.StartedAt.IsZero() && i.ClosedAt.Before(i.StartedAt) {
		p.add("closed_at", "%s is before the start at %s", i.ClosedAt.Format(timeLayout), i.StartedAt.Format(timeLayout))
	}
	if !i.AwareAt.IsZero() && !i.StartedAt.IsZero() && i.AwareAt.After(i.StartedAt.Add(time.Minute)) {
		p.add("aware_at", "%s is after the start at %s; the company cannot start handling an incident before it knows of it",
			i.AwareAt.Format(timeLayout), i.StartedAt.Format(timeLayout))
	}
	if i.Level < 0 {
		p.add("level", "must not be negative")
	}
	for _, c := range i.Clocks {
		if !slices.Contains(ClockKeys, c) {
			p.add("clocks", "unknown clock %q (allowed: %s)", c, strings.Join(ClockKeys, ", "))
		}
	}
	return p.err()
}

// Validate checks a log entry: it belongs to an incident, has a time and
// a text (unless its kind carries what it says elsewhere), and names what
// its kind needs.
func (l LogEntry) Validate() error {
	var p problems
	p.required("incident_id", l.IncidentID)
	switch l.Kind {
	case LogNextUpdate, LogRegime, LogClassified, LogReportsOpen:
	default:
		p.required("text", l.Text)
	}
	if l.At.IsZero() {
		p.add("at", "must be set")
	}
	if l.Corrects != "" && l.Corrects == l.ID {
		p.add("corrects", "an entry cannot correct itself")
	}
	if l.Kind != "" && !slices.Contains(LogKinds, l.Kind) {
		p.add("kind", "unknown value %q (allowed: %s)", l.Kind, strings.Join(LogKinds, ", "))
	}
	switch l.Kind {
	case LogStep, LogUnstep:
		if l.StepKey == "" {
			p.add("step_key", "a %s entry must name its step", l.Kind)
		}
	case LogReport, LogWaived, LogReportsOpen:
		if !slices.Contains(ClockKeys, l.Clock) {
			p.add("clock", "a %s entry must name a known report (allowed: %s)", l.Kind, strings.Join(ClockKeys, ", "))
		}
	case LogRegime, LogClassified:
		if !slices.Contains(Regimes, l.Regime) {
			p.add("regime", "a %s entry must name a known regime (allowed: %s)", l.Kind, strings.Join(Regimes, ", "))
		}
	}
	if (l.Kind == LogClassified || l.Kind == LogNextUpdate) && l.Moment.IsZero() {
		p.add("moment", "a %s entry must give its time", l.Kind)
	}
	return p.err()
}

// Validate checks an action: a title, a known status and a known source kind.
func (a Action) Validate() error {
	var p problems
	p.required("title", a.Title)
	if a.Status != "" && !slices.Contains(ActionStatuses, a.Status) {
		p.add("status", "unknown value %q (allowed: %s)", a.Status, list(ActionStatuses))
	}
	if a.SourceKind != "" && a.SourceKind != string(EntityIncident) && a.SourceKind != string(EntityExercise) {
		p.add("source_kind", "unknown value %q (allowed: incident, exercise)", a.SourceKind)
	}
	return p.err()
}

// Layouts of times and dates in messages.
const (
	timeLayout = "2006-01-02 15:04"
	dateLayout = "2006-01-02"
)
