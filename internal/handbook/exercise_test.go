package handbook

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestExerciseReadsOlderHandbooks(t *testing.T) {
	tests := []struct {
		name string
		json string
		want func(t *testing.T, x Exercise)
	}{
		{"the demo's old tabletop", `{"id":"x1","title":"Planspiel","date":"2026-09-17T08:00:00Z","kind":"tabletop",
			"playbook_id":"p1","participants":"Anna, Ben","result":"Ziele erreicht",
			"findings":"1. Hotline zu spät angerufen.\n2) Zwei Kontakte veraltet.\n\n- Offline-Kopie bewährt."}`,
			func(t *testing.T, x Exercise) {
				if x.Kind != ExerciseTabletop || x.Status != ExerciseEvaluated || !x.HeldAt.Equal(x.Date) {
					t.Errorf("kind %q status %q held %v, want tabletop, evaluated, held on its date", x.Kind, x.Status, x.HeldAt)
				}
				if !slices.Equal(x.Playbooks, []string{"p1"}) {
					t.Errorf("playbooks = %q, want the old playbook_id", x.Playbooks)
				}
				var texts []string
				for _, f := range x.Findings {
					texts = append(texts, f.Text)
				}
				if want := []string{"Hotline zu spät angerufen.", "Zwei Kontakte veraltet.", "Offline-Kopie bewährt."}; !slices.Equal(texts, want) {
					t.Errorf("findings = %q, want %q", texts, want)
				}
				if x.Participants != "Anna, Ben" {
					t.Errorf("participants = %q", x.Participants)
				}
			}},
		{"dry run becomes a walkthrough, still planned", `{"id":"x2","title":"Probe","date":"2027-01-10T08:00:00Z","kind":"dry_run"}`,
			func(t *testing.T, x Exercise) {
				if x.Kind != ExerciseWalkthrough || x.State() != ExercisePlanned || !x.HeldAt.IsZero() {
					t.Errorf("kind %q state %q held %v, want walkthrough, planned, not held", x.Kind, x.State(), x.HeldAt)
				}
			}},
		{"full simulation becomes a full-scale exercise", `{"id":"x3","title":"Groß","kind":"full_simulation"}`,
			func(t *testing.T, x Exercise) {
				if x.Kind != ExerciseFull {
					t.Errorf("kind = %q", x.Kind)
				}
			}},
		{"new fields win over old ones", `{"id":"x4","title":"Neu","status":"planned","playbooks":["p2"],"playbook_id":"p2",
			"finding_list":[{"text":"neu"}],"findings":"alt"}`,
			func(t *testing.T, x Exercise) {
				if x.Status != ExercisePlanned || !slices.Equal(x.Playbooks, []string{"p2"}) || len(x.Findings) != 1 || x.Findings[0].Text != "neu" {
					t.Errorf("got %+v", x)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var x Exercise
			if err := json.Unmarshal([]byte(tt.json), &x); err != nil {
				t.Fatal(err)
			}
			tt.want(t, x)
			if err := x.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			b, err := json.Marshal(x)
			if err != nil {
				t.Fatal(err)
			}
			var again Exercise
			if err := json.Unmarshal(b, &again); err != nil {
				t.Fatal(err)
			}
			b2, err := json.Marshal(again)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != string(b2) {
				t.Errorf("a second round trip changes the record:\n%s\n%s", b, b2)
			}
		})
	}
}

func TestExerciseValidate(t *testing.T) {
	tests := []struct {
		name   string
		x      Exercise
		fields []string
	}{
		{"valid", Exercise{Title: "Planspiel", Kind: ExerciseTabletop, Status: ExercisePlanned,
			Injects: []Inject{{Key: "a", At: 10, Text: "Presse ruft an"}}, Objectives: []Objective{{Text: "Alarmierung in 30 min", Outcome: ObjectiveMet}}}, nil},
		{"unknown status", Exercise{Title: "X", Status: "done"}, []string{"status"}},
		{"inject before the start", Exercise{Title: "X", Injects: []Inject{{Key: "a", At: -5, Text: "x"}}}, []string{"injects"}},
		{"inject at the start", Exercise{Title: "X", Injects: []Inject{{Key: "a", At: 0, Text: "x"}}}, nil},
		{"inject a week in", Exercise{Title: "X", Injects: []Inject{{Key: "a", At: MaxInjectAt, Text: "x"}}}, nil},
		{"inject years in", Exercise{Title: "X", Injects: []Inject{{Key: "a", At: 5_000_000, Text: "x"}}}, []string{"injects"}},
		{"date in 1900", Exercise{Title: "X", Date: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{"date"}},
		{"date in 9999", Exercise{Title: "X", Date: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}, []string{"date"}},
		{"inject keys twice", Exercise{Title: "X", Injects: []Inject{{Key: "a", Text: "x"}, {Key: "a", Text: "y"}}}, []string{"injects"}},
		{"inject without text", Exercise{Title: "X", Injects: []Inject{{Key: "a"}}}, []string{"injects"}},
		{"objective without text, unknown outcome", Exercise{Title: "X", Objectives: []Objective{{Text: " "}, {Text: "y", Outcome: "maybe"}}},
			[]string{"objectives", "objectives"}},
		{"unknown regime", Exercise{Title: "X", Regimes: []string{"sox"}}, []string{"regimes"}},
		{"playbook twice", Exercise{Title: "X", Playbooks: []string{"p1", "p1"}}, []string{"playbooks"}},
		{"finding without text", Exercise{Title: "X", Findings: []ExerciseFinding{{}}}, []string{"finding_list"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fieldsOf(tt.x.Validate()); !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %q, want %q", got, tt.fields)
			}
		})
	}
}

func fieldsOf(err error) []string {
	var out []string
	if v, ok := err.(ValidationError); ok {
		for _, f := range v {
			out = append(out, f.Field)
		}
	}
	return out
}

func TestCoverage(t *testing.T) {
	hb := Handbook{
		Playbooks: []Playbook{
			{Record: Record{ID: "p1"}, Title: "Ransomware", Severity: SeverityCritical},
			{Record: Record{ID: "p2"}, Title: "DDoS", Severity: SeverityHigh},
			{Record: Record{ID: "p3"}, Title: "Cloud", Severity: SeverityCritical},
		},
		Services: []Service{
			{Record: Record{ID: "s1"}, Name: "Webshop", Criticality: SeverityCritical},
			{Record: Record{ID: "s2"}, Name: "Intranet", Criticality: SeverityMedium},
		},
		Exercises: []Exercise{
			{Record: Record{ID: "x1"}, Title: "alt", Status: ExerciseEvaluated, Date: now.AddDate(-2, 0, 0), Playbooks: []string{"p1", "p3"}},
			{Record: Record{ID: "x2"}, Title: "neu", Status: ExerciseEvaluated, Date: now.AddDate(0, -3, 0), HeldAt: now.AddDate(0, -3, 2), Playbooks: []string{"p1"}, Services: []string{"s1"}},
			{Record: Record{ID: "x3"}, Title: "geplant", Status: ExercisePlanned, Date: now.AddDate(0, 2, 0), Playbooks: []string{"p2", "p3"}},
			{Record: Record{ID: "x4"}, Title: "gelöscht", Status: ExerciseEvaluated, Date: now, Playbooks: []string{"p2"}},
		},
	}
	hb.Exercises[3].Deleted = true
	got := Coverage(hb, now)
	type row struct {
		id, last, next string
		due            bool
	}
	var rows []row
	for _, c := range got {
		rows = append(rows, row{c.ID, c.LastExercise, c.NextExercise, c.Due})
	}
	want := []row{
		{"p3", "x1", "x3", true}, // critical, last two years ago
		{"p2", "", "x3", false},  // never, but not critical
		{"p1", "x2", "", false},  // critical, three months ago
		{"s1", "x2", "", false},  // critical service
	}
	if !slices.Equal(rows, want) {
		t.Errorf("coverage =\n%v\nwant\n%v", rows, want)
	}
	if !got[2].Last.Equal(now.AddDate(0, -3, 2)) {
		t.Errorf("Ransomware last exercised %v, want when it was held", got[2].Last)
	}

	hb.Settings.ExerciseIntervalMonths = 36
	if c := Coverage(hb, now); c[0].Due {
		t.Errorf("with a 36-month interval, an exercise two years ago is in time: %+v", c[0])
	}
}

func TestExerciseCheckFindings(t *testing.T) {
	tests := []struct {
		name    string
		change  func(hb *Handbook)
		want    []string
		message string
		args    []string
	}{
		{"no exercise for a year", func(hb *Handbook) {
			hb.Exercises[0].Date = now.AddDate(0, -13, 0)
			hb.Exercises[1].Date = now.AddDate(-1, -1, 0)
		}, []string{"warning:no_alarm_test:exercise:", "warning:no_exercise:exercise:"},
			"no exercise was held in the last 12 months; the last on 2025-05-15", []string{"2025-05-15", "12"}},
		{"never any exercise", func(hb *Handbook) {
			for i := range hb.Exercises {
				hb.Exercises[i].Status, hb.Exercises[i].Date = ExercisePlanned, now.AddDate(0, 1, 0)
			}
		}, []string{"warning:no_alarm_test:exercise:", "warning:no_exercise:exercise:"},
			"no exercise was held in the last 12 months", []string{"", "12"}},
		{"no alarm test for half a year", func(hb *Handbook) { hb.Exercises[1].Date = now.AddDate(0, -7, 0) },
			[]string{"warning:no_alarm_test:exercise:"},
			"no alarm test was held in the last 6 months; the last on 2025-11-15", []string{"2025-11-15", "6"}},
		{"a planned alarm test does not count", func(hb *Handbook) {
			hb.Exercises[1].Status = ExercisePlanned
			hb.Exercises[1].Date = now.AddDate(0, 1, 0)
		}, []string{"warning:no_alarm_test:exercise:"}, "no alarm test was held in the last 6 months", []string{"", "6"}},
		{"critical playbook never exercised", func(hb *Handbook) {
			hb.Playbooks = append(hb.Playbooks, Playbook{Record: Record{ID: "p2"}, Review: hb.Playbooks[0].Review, Title: "DDoS", Severity: SeverityCritical})
		}, []string{"warning:never_exercised:playbook:DDoS"}, `playbook "DDoS" is critical and was never exercised`, []string{"DDoS"}},
		{"critical playbook not within the interval", func(hb *Handbook) {
			hb.Playbooks[0].Severity = SeverityCritical
			hb.Exercises[0].Date = now.AddDate(0, -14, 0)
		}, []string{"warning:exercise_overdue:playbook:Ransomware"},
			`playbook "Ransomware" was last exercised on 2025-04-15, more than 12 months ago`, []string{"Ransomware", "2025-04-15", "12"}},
		{"the interval is a setting", func(hb *Handbook) {
			hb.Playbooks[0].Severity = SeverityCritical
			hb.Exercises[0].Date = now.AddDate(0, -4, 0)
			hb.Settings.ExerciseIntervalMonths = 3
		}, []string{"warning:exercise_overdue:playbook:Ransomware"},
			`playbook "Ransomware" was last exercised on 2026-02-15, more than 3 months ago`, []string{"Ransomware", "2026-02-15", "3"}},
		{"critical process never exercised", func(hb *Handbook) {
			hb.Processes = append(hb.Processes, criticalProcess(hb))
		}, []string{"warning:never_exercised:business_process:Bestellannahme"},
			`business process "Bestellannahme" is critical and was never exercised`, []string{"Bestellannahme"}},
		{"a critical process in the scope of a held exercise is covered", func(hb *Handbook) {
			hb.Processes = append(hb.Processes, criticalProcess(hb))
			hb.Exercises[0].Processes = []string{"bp1"}
		}, []string{}, "", nil},
		{"planned exercise passed without evaluation", func(hb *Handbook) {
			hb.Exercises = append(hb.Exercises, Exercise{Record: Record{ID: "x3"}, Title: "Vollübung", Kind: ExerciseFull, Status: ExercisePlanned, Date: now.AddDate(0, 0, -1)})
		}, []string{"warning:exercise_not_evaluated:exercise:Vollübung"},
			`exercise "Vollübung" was planned for 2026-06-14 and has not been evaluated`, []string{"Vollübung", "2026-06-14"}},
		{"a drill still running from yesterday counts as not evaluated", func(hb *Handbook) {
			hb.Exercises = append(hb.Exercises, Exercise{Record: Record{ID: "x3"}, Title: "Planspiel 2", Status: ExerciseRunning, Date: now.AddDate(0, 0, -1)})
		}, []string{"warning:exercise_not_evaluated:exercise:Planspiel 2"},
			`exercise "Planspiel 2" was planned for 2026-06-14 and has not been evaluated`, []string{"Planspiel 2", "2026-06-14"}},
		{"planned for today is not late yet", func(hb *Handbook) {
			hb.Exercises = append(hb.Exercises, Exercise{Record: Record{ID: "x3"}, Title: "Heute", Date: now.Add(-2 * time.Hour)})
		}, []string{}, "", nil},
		{"a wrong number to correct", func(hb *Handbook) { hb.Contacts[0].Correction = "+49 170 1 falsch" },
			[]string{"warning:contact_correction:contact:Anna Admin"},
			`contact "Anna Admin" needs a correction: +49 170 1 falsch`, []string{"Anna Admin", "+49 170 1 falsch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hb := cleanHandbook()
			tt.change(&hb)
			got := hb.Check(now)
			var codes []string
			for _, f := range got {
				if !slices.Contains(exerciseCodes, f.Code) {
					continue // what the BIA finds about a process is not this test's business
				}
				codes = append(codes, string(f.Level)+":"+f.Code+":"+string(f.Entity)+":"+f.Name)
			}
			if codes == nil {
				codes = []string{}
			}
			if !slices.Equal(codes, tt.want) {
				t.Fatalf("Check = %q, want %q", codes, tt.want)
			}
			if tt.message == "" {
				return
			}
			i := slices.IndexFunc(got, func(f Finding) bool { return f.Message == tt.message })
			if i < 0 || !slices.Equal(got[i].Args, tt.args) {
				t.Errorf("findings = %+v\nwant one %q with args %q", got, tt.message, tt.args)
			}
		})
	}
}

// exerciseCodes are the check's codes about the exercise programme.
var exerciseCodes = []string{CodeNoExercise, CodeNoAlarmTest, CodeNeverExercised, CodeExerciseOverdue, CodeExerciseNotEvaluated, CodeContactCorrection}

// criticalProcess is a business process whose impact becomes intolerable
// within a day: critical, and so due for exercise.
func criticalProcess(hb *Handbook) BusinessProcess {
	return BusinessProcess{Record: Record{ID: "bp1"}, Review: hb.Playbooks[0].Review, Name: "Bestellannahme",
		Impact: Impact{{CategoryFinancial, Day}: RatingExistential}}
}

// drill is a drill started at 10:00 with two injects, at T+10 and T+30.
func drill() Incident {
	start := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
	return Incident{Record: Record{ID: "d1"}, Title: "Übung", ExerciseID: "x1", StartedAt: start,
		PlaybookSnapshot: "## Sofort\n- [ ] Isolieren (15 min)\n- [ ] Melden (30 min)\n- [ ] Aufräumen\n",
		Injects:          []Inject{{Key: "k30", At: 30, Text: "Die Presse ruft an"}, {Key: "k10", At: 10, From: "Leitstand", Text: "Der Shop ist aus"}}}
}

func TestDrillInjectsAppearAtTheirTime(t *testing.T) {
	inc := drill()
	at := func(m int) time.Time { return inc.StartedAt.Add(time.Duration(m) * time.Minute) }
	shown := func(list []DrillInject) []string {
		out := []string{}
		for _, d := range list {
			if d.Shown() {
				out = append(out, d.Key+"@"+d.Appeared.Format("15:04"))
			}
		}
		return out
	}
	tests := []struct {
		name string
		now  time.Time
		log  []LogEntry
		want []string
	}{
		{"at the start none", at(0), nil, []string{}},
		{"a second before T+10 none", at(10).Add(-time.Second), nil, []string{}},
		{"at T+10 the first", at(10), nil, []string{"k10@10:10"}},
		{"at T+45 both", at(45), nil, []string{"k10@10:10", "k30@10:30"}},
		{"brought in early", at(20), []LogEntry{{Record: Record{ID: "l1"}, IncidentID: "d1", At: at(20), Kind: LogInject, Inject: "k30", Text: "Die Presse ruft an"}},
			[]string{"k10@10:10", "k30@10:20"}},
		{"brought in after its time changes nothing", at(40), []LogEntry{{Record: Record{ID: "l1"}, IncidentID: "d1", At: at(35), Kind: LogInject, Inject: "k30", Text: "x"}},
			[]string{"k10@10:10", "k30@10:30"}},
		{"made up on the spot", at(5), []LogEntry{{Record: Record{ID: "l9"}, IncidentID: "d1", At: at(3), Kind: LogInject, Text: "Stromausfall im Büro"}},
			[]string{"l9@10:03"}},
		{"another drill's entry counts for nothing", at(5), []LogEntry{{Record: Record{ID: "l9"}, IncidentID: "d2", At: at(3), Kind: LogInject, Inject: "k30", Text: "x"}},
			[]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shown(DrillInjects(inc, tt.log, tt.now)); !slices.Equal(got, tt.want) {
				t.Errorf("shown = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("a closed drill never shows a later inject", func(t *testing.T) {
		closed := inc
		closed.ClosedAt = at(20)
		if got := shown(DrillInjects(closed, nil, at(90))); !slices.Equal(got, []string{"k10@10:10"}) {
			t.Errorf("shown = %q", got)
		}
	})
	t.Run("what the team did", func(t *testing.T) {
		log := []LogEntry{
			{Record: Record{ID: "l1"}, IncidentID: "d1", At: at(12), Kind: LogDecision, Inject: "k10", Text: "Notseite schalten"},
			{Record: Record{ID: "l2"}, IncidentID: "d1", At: at(14), Kind: LogNote, Text: "ohne Bezug"},
		}
		got := DrillInjects(inc, log, at(15))
		if len(got) != 2 || got[0].Key != "k10" || len(got[0].Responses) != 1 || got[0].Responses[0].Text != "Notseite schalten" {
			t.Fatalf("injects = %+v", got)
		}
		if got[1].Key != "k30" || got[1].Shown() || !got[1].Due.Equal(at(30)) {
			t.Errorf("the inject still to come = %+v", got[1])
		}
	})
}

func TestTimeTargets(t *testing.T) {
	inc := drill()
	at := func(m int) time.Time { return inc.StartedAt.Add(time.Duration(m) * time.Minute) }
	steps := Checklist(inc, nil)
	log := []LogEntry{
		{Record: Record{ID: "l1"}, IncidentID: "d1", At: at(12), Kind: LogStep, StepKey: steps[0].Key, Text: "x"},
		{Record: Record{ID: "l2"}, IncidentID: "d1", At: at(31), Kind: LogStep, StepKey: steps[1].Key, Text: "x"},
	}
	tests := []struct {
		name string
		now  time.Time
		log  []LogEntry
		want []string
	}{
		{"both open, in time", at(5), nil, []string{"open", "open"}},
		{"first ran out", at(20), nil, []string{"missed", "open"}},
		{"met and late", at(40), log, []string{"met", "missed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range TimeTargets(inc, tt.log, tt.now) {
				switch {
				case r.Met:
					got = append(got, "met")
				case r.Missed:
					got = append(got, "missed")
				default:
					got = append(got, "open")
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("targets = %q, want %q (the step without target is left out)", got, tt.want)
			}
		})
	}
	if r := TimeTargets(inc, log, at(40)); r[0].Took != 12*time.Minute {
		t.Errorf("took %v, want 12m", r[0].Took)
	}
}

func alarmHandbook() Handbook {
	return Handbook{
		Contacts: []Contact{
			{Record: Record{ID: "c1"}, Name: "Anna", PhoneMobile: "+49 170 1"},
			{Record: Record{ID: "c2"}, Name: "Ben", PhoneMobile: "+49 170 2"},
			{Record: Record{ID: "c3"}, Name: "Cem", PhoneMobile: "+49 170 3"},
			{Record: Record{ID: "c4"}, Name: "Dora", PhoneMobile: "+49 170 4"},
		},
		Roles: []Role{
			{Record: Record{ID: "r1"}, Name: "IT-Lead", Holders: []string{"c1", "c2"}},
			{Record: Record{ID: "r2"}, Name: "Kommunikation", Holders: []string{"c3", "c4"}},
			{Record: Record{ID: "r3"}, Name: "Recht", Holders: []string{"c4"}},
		},
		Escalation: []EscalationLevel{
			{Record: Record{ID: "e1"}, Level: 1, Name: "Störung", DecidedBy: "r1", Notify: []string{"r2"}, Within: 30},
			{Record: Record{ID: "e2"}, Level: 2, Name: "Krise", DecidedBy: "r1", Notify: []string{"r2", "r3"}, Within: 60},
		},
	}
}

func TestAlarmTestSummary(t *testing.T) {
	hb := alarmHandbook()
	plan := AlarmPlan(hb, now)
	var order []string
	for _, s := range plan {
		order = append(order, s.Role)
	}
	if want := []string{"IT-Lead", "Kommunikation", "Recht"}; !slices.Equal(order, want) {
		t.Fatalf("plan = %q, want each role once, in call order", order)
	}
	inc := Incident{Record: Record{ID: "a1"}, ExerciseID: "x1", StartedAt: now}
	call := func(id, role, contact string, reached bool, after Minutes, wrong bool) LogEntry {
		return LogEntry{Record: Record{ID: id}, IncidentID: "a1", At: now.Add(time.Duration(after) * time.Minute), Kind: LogCallAttempt,
			Text: "x", Call: &CallAttempt{Role: role, Contact: contact, Reached: reached, After: after, WrongNumber: wrong}}
	}
	log := []LogEntry{
		call("l1", "r1", "c1", true, 4, false),
		call("l2", "r2", "c3", false, 10, true),
		call("l3", "r2", "c4", true, 45, false),
	}
	s := AlarmTestSummary(plan, inc, log)
	if s.Primary != 1 || s.Deputy != 1 || s.None != 0 || s.Untried != 1 {
		t.Errorf("primary %d deputy %d none %d untried %d, want 1 1 0 1", s.Primary, s.Deputy, s.None, s.Untried)
	}
	if s.Share(s.Primary) != 33 || s.Share(s.Deputy) != 33 {
		t.Errorf("shares %d %d, want 33 33", s.Share(s.Primary), s.Share(s.Deputy))
	}
	if !s.Roles[0].InTime || s.Roles[1].InTime || s.Roles[1].After != 45 {
		t.Errorf("in time: %v %v after %v; want IT-Lead in time, Kommunikation 45 min > 30 min late", s.Roles[0].InTime, s.Roles[1].InTime, s.Roles[1].After)
	}
	if len(s.WrongNumbers) != 1 || s.WrongNumbers[0].Call.Contact != "c3" {
		t.Errorf("wrong numbers = %+v", s.WrongNumbers)
	}
	r, p, ok := s.NextCall()
	if !ok || r.Role != "Recht" || p.ContactID != "c4" {
		t.Errorf("next call = %s %s %v, want Recht: Dora", r.Role, p.Name, ok)
	}
	s = AlarmTestSummary(plan, inc, append(log, call("l4", "r3", "c4", false, 50, false)))
	if s.None != 1 || s.Untried != 0 {
		t.Errorf("none %d untried %d, want 1 0", s.None, s.Untried)
	}
	if _, _, ok := s.NextCall(); ok {
		t.Error("every role is done, yet NextCall names one")
	}
}

func TestExerciseReviews(t *testing.T) {
	hb := Handbook{
		Playbooks: []Playbook{{Record: Record{ID: "p1"}, Title: "Ransomware"}, {Record: Record{ID: "p2"}, Title: "DDoS", Review: Review{LastReviewedAt: now}}},
		Services:  []Service{{Record: Record{ID: "s1"}, Name: "ERP"}},
		Contacts:  []Contact{{Record: Record{ID: "c1"}, Name: "Anna", LastVerifiedAt: now.AddDate(0, -6, 0)}},
		Exercises: []Exercise{
			{Record: Record{ID: "x1"}, Title: "mit Befunden", Status: ExerciseEvaluated, EvaluatedAt: now.AddDate(0, 0, -7),
				Playbooks: []string{"p1", "p2"}, Findings: []ExerciseFinding{{Text: "ERP zu langsam", Entity: EntityService, RecordID: "s1"},
					{Text: "Nummer falsch", Entity: EntityContact, RecordID: "c1"}}},
			{Record: Record{ID: "x2"}, Title: "ohne Befunde", Status: ExerciseEvaluated, EvaluatedAt: now, Playbooks: []string{"p1"}},
		},
	}
	var got []string
	for _, r := range ExerciseReviews(hb) {
		got = append(got, string(r.Entity)+":"+r.Title+":"+r.Exercise)
	}
	// DDoS was reviewed after the exercise; the exercise without findings suggests nothing.
	if want := []string{"contact:Anna:x1", "playbook:Ransomware:x1", "service:ERP:x1"}; !slices.Equal(got, want) {
		t.Errorf("reviews = %q, want %q", got, want)
	}
}

func TestLastServiceTests(t *testing.T) {
	hb := Handbook{
		Incidents: []Incident{{Record: Record{ID: "d1"}, ExerciseID: "x1"}, {Record: Record{ID: "i1"}}},
		LogEntries: []LogEntry{
			{Record: Record{ID: "l1"}, IncidentID: "d1", At: now.AddDate(0, -2, 0), Kind: LogRecovery, Recovery: &RecoveryResult{Service: "s1", Recovery: 300, RTO: 240}},
			{Record: Record{ID: "l2"}, IncidentID: "d1", At: now.AddDate(0, -1, 0), Kind: LogRecovery, Recovery: &RecoveryResult{Service: "s1", Recovery: 200, RTO: 240, DataLoss: 30, RPO: 15}},
			{Record: Record{ID: "l3"}, IncidentID: "i1", At: now, Kind: LogRecovery, Recovery: &RecoveryResult{Service: "s1", Recovery: 999, RTO: 240}},
		},
	}
	got := LastServiceTests(hb)["s1"]
	if !got.At.Equal(now.AddDate(0, -1, 0)) || !got.Result.RTOMet() || got.Result.RPOMet() {
		t.Errorf("last test = %+v; want the newer drill result: RTO met, RPO missed (a real incident does not count)", got)
	}
}

func TestDrillMessagesAreStamped(t *testing.T) {
	tpl := CommTemplate{Subject: "Meldung: {{incident.title}}", Body: "Sehr geehrte Damen und Herren,\n\n{{incident.title}}"}
	real := Incident{Record: Record{ID: "i"}, Title: "Datenabfluss", StartedAt: now}
	subject, body := Message{Incident: real, At: now}.Fill(tpl)
	if subject != "Meldung: Datenabfluss" || strings.Contains(body, "ÜBUNG") {
		t.Errorf("a real incident's message is stamped: %q %q", subject, body)
	}
	drill := real
	drill.ExerciseID = "x1"
	subject, body = Message{Incident: drill, At: now}.Fill(tpl)
	if subject != "[ÜBUNG – keine echte Meldung] Meldung: Datenabfluss" {
		t.Errorf("subject = %q", subject)
	}
	if !strings.HasPrefix(body, "**ÜBUNG – keine echte Meldung**\n\n") || !strings.HasSuffix(body, "**ÜBUNG – keine echte Meldung**") {
		t.Errorf("body = %q, want the stamp at the start and the end", body)
	}
	_, body = Message{Incident: drill, At: now, Stamp: "EXERCISE – not a real message"}.Fill(tpl)
	if !strings.HasPrefix(body, "**EXERCISE – not a real message**") {
		t.Errorf("body = %q, want the stamp in the writer's language", body)
	}
}

// A drill's stamp comes back where an edit took it out, and is not
// doubled where it stayed.
func TestRestamp(t *testing.T) {
	const st = "ÜBUNG – keine echte Meldung"
	full := "**" + st + "**\n\nText\n\n**" + st + "**"
	for _, tt := range []struct {
		name, subject, body   string
		wantSubject, wantBody string
	}{
		{"kept", "[" + st + "] Meldung", full, "[" + st + "] Meldung", full},
		{"all edited out", "Meldung", "Text", "[" + st + "] Meldung", full},
		{"start edited out", "Meldung", "Text\n\n**" + st + "**", "[" + st + "] Meldung", full},
		{"end edited out", "Meldung", "**" + st + "**\n\nText", "[" + st + "] Meldung", full},
		{"plain stamp counts", st + ": Meldung", st + "\n\nText\n\n" + st, st + ": Meldung", st + "\n\nText\n\n" + st},
		{"half a stamp is none", "ÜBUNG Meldung", "ÜBUNG – keine\n\nText", "[" + st + "] ÜBUNG Meldung",
			"**" + st + "**\n\nÜBUNG – keine\n\nText\n\n**" + st + "**"},
		{"empty", "", "", "[" + st + "]", "**" + st + "**"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			subject, body := Restamp("", tt.subject, tt.body)
			if subject != tt.wantSubject || body != tt.wantBody {
				t.Errorf("Restamp(%q, %q) = %q, %q; want %q, %q", tt.subject, tt.body, subject, body, tt.wantSubject, tt.wantBody)
			}
		})
	}
}

func TestParseMinutes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Minutes
		ok   bool
	}{
		{"90", 90, true}, {"90 min", 90, true}, {"4 h", 240, true}, {"1 h 30 min", 90, true}, {"1h30m", 90, true},
		{"1:30", 90, true}, {"1 d 6 h", 1800, true}, {"2 Tage", 2880, true}, {"0", 0, true},
		{"", 0, false}, {"-5", 0, false}, {"1:75", 0, false}, {"viel", 0, false}, {"3 wochen", 0, false}, {"h", 0, false},
	} {
		got, err := ParseMinutes(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMinutes(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok {
			if back, err := ParseMinutes(got.String()); err != nil || back != got {
				t.Errorf("ParseMinutes(%q) does not read back %q: %v %v", got.String(), tt.in, back, err)
			}
		}
	}
}
