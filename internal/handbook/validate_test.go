package handbook

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// fields returns the field names of a validation error, nil for nil.
func fields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var v ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("error %v (%T) is not a ValidationError", err, err)
	}
	out := make([]string, len(v))
	for i, fe := range v {
		out[i] = fe.Field
	}
	return out
}

func TestValidate(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	okContact := Contact{Name: "Jörg Müller", PhoneMobile: "+49 170 1234567"}
	okService := Service{Record: Record{ID: "s1"}, Name: "Webshop", RTO: 60, RPO: 15, MTD: 240}
	okRisk := RiskScenario{Title: "Ransomware", Likelihood: 3, Impact: 5}
	tests := []struct {
		name string
		rec  interface{ Validate() error }
		want []string
	}{
		{"contact valid", okContact, nil},
		{"contact without name", Contact{Email: "a@example.com"}, []string{"name"}},
		{"contact with blank name", Contact{Name: "  ", Email: "a@example.com"}, []string{"name"}},
		{"contact unreachable", Contact{Name: "X"}, []string{"phone_mobile"}},
		{"contact reachable by email", Contact{Name: "X", Email: "x@example.com"}, nil},
		{"contact reachable by channel", Contact{Name: "X", Channels: "Funk: Kanal 3"}, nil},
		{"contact reachable by office phone", Contact{Name: "X", PhoneOffice: "030 123"}, nil},
		{"contact email without at", Contact{Name: "X", Email: "x.example.com"}, []string{"email"}},
		{"contact email without domain dot", Contact{Name: "X", Email: "x@localhost"}, []string{"email"}},
		{"contact email with display name", Contact{Name: "X", Email: "X <x@example.com>"}, []string{"email"}},
		{"contact email with spaces", Contact{Name: "X", Email: "x y@example.com"}, []string{"email"}},
		{"role valid", Role{Name: "IT-Lead", Holders: []string{"c1", "c2"}}, nil},
		{"role without name", Role{}, []string{"name"}},
		{"role holder twice", Role{Name: "IT-Lead", Holders: []string{"c1", "c1"}}, []string{"holders"}},
		{"escalation valid", EscalationLevel{Level: 1, Name: "Störung", Within: 30}, nil},
		{"escalation level zero", EscalationLevel{Level: 0, Name: "Störung"}, []string{"level"}},
		{"escalation negative within", EscalationLevel{Level: 2, Name: "Krise", Within: -5}, []string{"within_minutes"}},
		{"escalation without name", EscalationLevel{Level: 1}, []string{"name"}},
		{"playbook valid", Playbook{Title: "Ransomware", IncidentType: TypeRansomware, Severity: SeverityCritical}, nil},
		{"playbook empty type and severity allowed", Playbook{Title: "Allgemein"}, nil},
		{"playbook without title", Playbook{}, []string{"title"}},
		{"playbook unknown type", Playbook{Title: "X", IncidentType: "meteor"}, []string{"incident_type"}},
		{"playbook unknown severity", Playbook{Title: "X", Severity: "urgent"}, []string{"severity"}},
		{"playbook negative review interval", Playbook{Title: "X", Review: Review{ReviewIntervalDays: -1}}, []string{"review_interval_days"}},
		{"template valid", CommTemplate{Title: "Kunden", Audience: AudienceCustomers}, nil},
		{"template without title", CommTemplate{Audience: AudiencePress}, []string{"title"}},
		{"template unknown audience", CommTemplate{Title: "X", Audience: "aliens"}, []string{"audience"}},
		{"service valid", okService, nil},
		{"service without name", Service{}, []string{"name"}},
		{"service negative times", Service{Name: "X", RTO: -1, RPO: -2, MTD: -3}, []string{"rto_minutes", "rpo_minutes", "mtd_minutes"}},
		{"service RTO above MTD", Service{Name: "X", RTO: 480, MTD: 240}, []string{"rto_minutes"}},
		{"service RTO equal to MTD", Service{Name: "X", RTO: 240, MTD: 240}, nil},
		{"service RTO without MTD", Service{Name: "X", RTO: 480}, nil},
		{"service depends on itself", Service{Record: Record{ID: "s1"}, Name: "X", DependsOn: []string{"s1"}}, []string{"depends_on"}},
		{"service duplicate dependency", Service{Record: Record{ID: "s1"}, Name: "X", DependsOn: []string{"s2", "s2"}}, []string{"depends_on"}},
		{"service unknown criticality", Service{Name: "X", Criticality: "vital"}, []string{"criticality"}},
		{"service negative review interval", Service{Name: "X", Review: Review{ReviewIntervalDays: -7}}, []string{"review_interval_days"}},
		{"risk valid", okRisk, nil},
		{"risk bounds", RiskScenario{Title: "X", Likelihood: 1, Impact: 5}, nil},
		{"risk without title", RiskScenario{Likelihood: 1, Impact: 1}, []string{"title"}},
		{"risk likelihood zero", RiskScenario{Title: "X", Likelihood: 0, Impact: 3}, []string{"likelihood"}},
		{"risk impact six", RiskScenario{Title: "X", Likelihood: 3, Impact: 6}, []string{"impact"}},
		{"incident valid", Incident{Title: "Angriff", StartedAt: t0, ClosedAt: t0.Add(time.Hour), Severity: SeverityHigh}, nil},
		{"incident open", Incident{Title: "Angriff", StartedAt: t0}, nil},
		{"incident closed before started", Incident{Title: "Angriff", StartedAt: t0, ClosedAt: t0.Add(-time.Minute)}, []string{"closed_at"}},
		{"incident without start", Incident{Title: "Angriff"}, []string{"started_at"}},
		{"incident unknown severity", Incident{Title: "Angriff", StartedAt: t0, Severity: "huge"}, []string{"severity"}},
		{"log entry valid", LogEntry{IncidentID: "i1", At: t0, Text: "Server isoliert"}, nil},
		{"log entry empty", LogEntry{}, []string{"incident_id", "text", "at"}},
		{"log entry corrects itself", LogEntry{Record: Record{ID: "l1"}, IncidentID: "i1", At: t0, Text: "x", Corrects: "l1"}, []string{"corrects"}},
		{"exercise valid", Exercise{Title: "Planspiel", Kind: ExerciseTabletop}, nil},
		{"exercise without title", Exercise{}, []string{"title"}},
		{"exercise unknown kind", Exercise{Title: "X", Kind: "party"}, []string{"kind"}},
		{"action valid", Action{Title: "Backup testen", Status: ActionOpen, SourceKind: "exercise"}, nil},
		{"action without title", Action{}, []string{"title"}},
		{"action unknown status", Action{Title: "X", Status: "someday"}, []string{"status"}},
		{"action unknown source kind", Action{Title: "X", SourceKind: "rumour"}, []string{"source_kind"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rec.Validate()
			if got := fields(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("fields = %q, want %q (error: %v)", got, tt.want, err)
			}
		})
	}
}

func TestValidationMessages(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"empty name", Contact{Channels: "Signal"}.Validate(), "name: must not be empty"},
		{"several fields joined", Service{Name: "", RTO: -30}.Validate(), "name: must not be empty; rto_minutes: must not be negative (is -30 min)"},
		{"RTO above MTD names both values", Service{Name: "Webshop", RTO: 1560, MTD: 240}.Validate(),
			"rto_minutes: 1 d 2 h is longer than the maximum tolerable downtime of 4 h"},
		{"unreachable contact", Contact{Name: "X"}.Validate(),
			"phone_mobile: cannot be reached: add a phone number, an email address or another channel"},
		{"risk outside range", RiskScenario{Title: "X", Likelihood: 7, Impact: 2}.Validate(), "likelihood: must be between 1 and 5 (is 7)"},
		{"unknown value lists allowed ones", Action{Title: "X", Status: "later"}.Validate(),
			`status: unknown value "later" (allowed: open, in_progress, done)`},
		{"incident closed before start", Incident{Title: "X", StartedAt: time.Date(2026, 5, 2, 10, 0, 0, 0, time.UTC),
			ClosedAt: time.Date(2026, 5, 2, 9, 30, 0, 0, time.UTC)}.Validate(),
			"closed_at: 2026-05-02 09:30 is before the start at 2026-05-02 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || tt.err.Error() != tt.want {
				t.Errorf("error = %v, want %q", tt.err, tt.want)
			}
		})
	}
}

func TestMinutesString(t *testing.T) {
	tests := []struct {
		m    Minutes
		want string
	}{
		{0, "0 min"},
		{5, "5 min"},
		{59, "59 min"},
		{60, "1 h"},
		{90, "1 h 30 min"},
		{240, "4 h"},
		{1440, "1 d"},
		{1800, "1 d 6 h"},
		{1441, "1 d 0 h 1 min"},
		{2 * 1440, "2 d"},
		{-90, "-1 h 30 min"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.m.String(); got != tt.want {
				t.Errorf("Minutes(%d).String() = %q, want %q", int(tt.m), got, tt.want)
			}
		})
	}
}

func TestReviewOverdue(t *testing.T) {
	last := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		r    Review
		now  time.Time
		want bool
		due  time.Time
	}{
		{"never reviewed", Review{}, last, true, time.Time{}},
		{"default interval, on due day", Review{LastReviewedAt: last}, last.AddDate(0, 0, DefaultReviewIntervalDays), false, last.AddDate(0, 0, 182)},
		{"default interval, one second late", Review{LastReviewedAt: last}, last.AddDate(0, 0, 182).Add(time.Second), true, last.AddDate(0, 0, 182)},
		{"own interval, in time", Review{LastReviewedAt: last, ReviewIntervalDays: 30}, last.AddDate(0, 0, 29), false, last.AddDate(0, 0, 30)},
		{"own interval, late", Review{LastReviewedAt: last, ReviewIntervalDays: 30}, last.AddDate(0, 0, 31), true, last.AddDate(0, 0, 30)},
		{"negative interval falls back to default", Review{LastReviewedAt: last, ReviewIntervalDays: -3}, last.AddDate(0, 0, 100), false, last.AddDate(0, 0, 182)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.Overdue(tt.now); got != tt.want {
				t.Errorf("Overdue = %v, want %v", got, tt.want)
			}
			if got := tt.r.DueAt(); !got.Equal(tt.due) {
				t.Errorf("DueAt = %v, want %v", got, tt.due)
			}
		})
	}
}
