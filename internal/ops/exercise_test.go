package ops

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// clockOps is the demo handbook with a clock the test moves.
func clockOps(t testing.TB) (*Ops, *time.Time) {
	t.Helper()
	now := t0
	clock := func() time.Time { return now }
	st := openStore(t, demoDB(t), clock)
	return New(st, Config{Now: clock, Program: "Ernstfall 9.8.7"}), &now
}

func planDrill(t testing.TB, o *Ops) handbook.Exercise {
	t.Helper()
	x, err := o.PlanExercise(context.Background(), PlanExercise{Title: "Planspiel Ransomware 2027", Kind: handbook.ExerciseTabletop,
		Date: t0.Add(time.Hour), Playbooks: []string{"Ransomware-Angriff"}, Services: []string{"webshop"}, Roles: []string{"IT-Lead"},
		Objectives: []string{"Alarmierung in 30 min", "Meldung nach Art. 33 vorbereitet"}, Regimes: []string{handbook.RegimeGDPR},
		Injects: []handbook.Inject{{At: 10, From: "Leitstand", Text: "Der Shop ist aus"}, {At: 30, From: "Presse", Text: "Ein Journalist ruft an"}}})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestPlanExercise(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	x := planDrill(t, o)
	if x.State() != handbook.ExercisePlanned || len(x.Playbooks) != 1 || x.Playbooks[0] != ransomware || len(x.Services) != 1 || len(x.Roles) != 1 {
		t.Errorf("planned %+v; want the playbook, service and role resolved by name", x)
	}
	if len(x.Injects) != 2 || x.Injects[0].Key == "" || x.Injects[0].Key == x.Injects[1].Key {
		t.Errorf("injects %+v; want two with keys of their own", x.Injects)
	}
	stored, err := store.Get[handbook.Exercise](ctx, o.st, x.ID)
	if err != nil || len(stored.Objectives) != 2 {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	// Business processes and sites are named like the rest.
	site, err := o.PlanExercise(ctx, PlanExercise{Title: "Ausweichstandort", Kind: handbook.ExerciseFull, Date: t0,
		Processes: []string{"bestellannahme"}, Sites: []string{"Ausweichstandort Lüneburg"}})
	if err != nil || len(site.Processes) != 1 || len(site.Sites) != 1 || site.Processes[0] == "bestellannahme" {
		t.Errorf("planned %+v, %v; want the process and the site resolved by name", site, err)
	}
	for _, tt := range []struct {
		name string
		req  PlanExercise
		code Code
	}{
		{"no title", PlanExercise{Date: t0}, CodeNoExerciseTitle},
		{"no date", PlanExercise{Title: "x"}, CodeNoExerciseDate},
		{"unknown kind", PlanExercise{Title: "x", Date: t0, Kind: "party"}, CodeUnknownExerciseKind},
		{"unknown playbook", PlanExercise{Title: "x", Date: t0, Playbooks: []string{"Meteorit"}}, CodeUnknownPlaybook},
		{"unknown service", PlanExercise{Title: "x", Date: t0, Services: []string{"Teleporter"}}, CodeUnknownService},
		{"unknown facilitator", PlanExercise{Title: "x", Date: t0, Facilitator: "Niemand"}, CodeUnknownContact},
		{"unknown process", PlanExercise{Title: "x", Date: t0, Processes: []string{"Teleportation"}}, CodeUnknownProcess},
		{"unknown site", PlanExercise{Title: "x", Date: t0, Sites: []string{"Mond"}}, CodeUnknownSite},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := count[handbook.Exercise](t, o)
			if _, err := o.PlanExercise(ctx, tt.req); codeOf(err) != tt.code {
				t.Errorf("error %v, want %q", err, tt.code)
			}
			if count[handbook.Exercise](t, o) != before {
				t.Error("a refused plan was stored")
			}
		})
	}
}

func TestDrillIsNeverARealIncident(t *testing.T) {
	ctx := context.Background()
	o, now := clockOps(t)
	x := planDrill(t, o)
	x, drill, err := o.StartExercise(ctx, StartExercise{Exercise: x.ID[:13], By: "Eva"})
	if err != nil {
		t.Fatal(err)
	}
	if !drill.Drill() || drill.ExerciseID != x.ID || x.Status != handbook.ExerciseRunning || !x.HeldAt.Equal(t0) {
		t.Fatalf("drill %+v of exercise %+v", drill, x)
	}
	if drill.PlaybookSnapshot == "" || len(drill.Injects) != 2 {
		t.Errorf("the drill has no checklist or lost its injects: %d injects", len(drill.Injects))
	}
	real, err := o.StartIncident(ctx, StartIncident{Title: "Echter Vorfall", Regimes: []string{handbook.RegimeGDPR}})
	if err != nil {
		t.Fatal(err)
	}
	*now = t0.Add(80 * time.Hour) // every GDPR clock ran out
	hb, err := o.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hb = hb.Live()
	if got := handbook.RunningIncidents(hb.Incidents); len(got) != 1 || got[0].ID != real.ID {
		t.Errorf("running incidents = %v, want only the real one", titles(got))
	}
	if got := handbook.RunningDrills(hb.Incidents); len(got) != 1 || got[0].ID != drill.ID {
		t.Errorf("running drills = %v", titles(got))
	}
	for _, p := range handbook.PendingReports(hb, time.UTC) {
		if p.Incident.ID == drill.ID {
			t.Errorf("the drill's practice clock %s is a pending report", p.Clock)
		}
	}
	ds := handbook.Deadlines(drill, logOfT(t, o, drill), time.UTC)
	if len(ds) == 0 {
		t.Fatal("the drill practises no clocks")
	}
	for _, d := range ds {
		if !d.Practice {
			t.Errorf("the drill's clock %s is a real deadline", d.Clock)
		}
	}
	// Closing the real incident and the exercise leaves no playbook review
	// suggested by the drill alone: an exercise suggests reviews through
	// findings.
	if _, err := o.CloseExercise(ctx, CloseExercise{Exercise: x.ID, Summary: "ok", ReportsOpenOK: true}); err != nil {
		t.Fatal(err)
	}
	hb, err = o.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, pb := range handbook.ReviewSuggested(hb.Live()) {
		if pb.ID == ransomware {
			t.Error("a drill without findings suggests reviewing its playbook like a real incident")
		}
	}
	if _, _, err := o.StartExercise(ctx, StartExercise{Exercise: x.ID}); codeOf(err) != CodeExerciseEvaluated {
		t.Errorf("starting an evaluated exercise again: %v", err)
	}
}

func titles(incs []handbook.Incident) []string {
	var out []string
	for _, i := range incs {
		out = append(out, i.Title)
	}
	return out
}

func TestStartExercise(t *testing.T) {
	ctx := context.Background()
	t.Run("an unplanned drill from a playbook", func(t *testing.T) {
		o := demoOps(t)
		x, drill, err := o.StartExercise(ctx, StartExercise{Playbook: "DDoS-Angriff auf die Shop-Plattform", By: "Eva"})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := store.Get[handbook.Exercise](ctx, o.st, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Title != "DDoS-Angriff auf die Shop-Plattform" || stored.Kind != handbook.ExerciseTabletop || stored.State() != handbook.ExerciseRunning ||
			len(stored.Playbooks) != 1 || stored.Playbooks[0] != drill.PlaybookID || !stored.Date.Equal(t0) {
			t.Errorf("exercise made on the spot: %+v", stored)
		}
		if drill.ExerciseID != x.ID {
			t.Errorf("drill of %q, want %q", drill.ExerciseID, x.ID)
		}
	})
	t.Run("refused", func(t *testing.T) {
		o := demoOps(t)
		x := planDrill(t, o)
		if _, _, err := o.StartExercise(ctx, StartExercise{Exercise: x.ID}); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			req  StartExercise
			code Code
		}{
			{"running already", StartExercise{Exercise: x.ID}, CodeExerciseRunning},
			{"unknown exercise", StartExercise{Exercise: "Mondlandung"}, CodeUnknownExercise},
			{"neither exercise nor playbook", StartExercise{}, CodeNoExerciseTitle},
			{"unknown playbook", StartExercise{Playbook: "Meteorit"}, CodeUnknownPlaybook},
			{"unknown kind", StartExercise{Playbook: ransomware, Kind: "party"}, CodeUnknownExerciseKind},
		} {
			t.Run(tt.name, func(t *testing.T) {
				before := count[handbook.Incident](t, o) + count[handbook.Exercise](t, o)
				if _, _, err := o.StartExercise(ctx, tt.req); codeOf(err) != tt.code {
					t.Errorf("error %v, want %q", err, tt.code)
				}
				if count[handbook.Incident](t, o)+count[handbook.Exercise](t, o) != before {
					t.Error("a refused start wrote something")
				}
			})
		}
	})
}

func TestInjectsAppearAtTheirTime(t *testing.T) {
	ctx := context.Background()
	o, now := clockOps(t)
	x := planDrill(t, o)
	_, drill, err := o.StartExercise(ctx, StartExercise{Exercise: x.ID})
	if err != nil {
		t.Fatal(err)
	}
	shown := func() []string {
		t.Helper()
		inc, err := o.FindIncident(ctx, drill.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, d := range handbook.DrillInjects(inc, logOfT(t, o, inc), *now) {
			if d.Shown() {
				out = append(out, d.Text)
			}
		}
		return out
	}
	*now = t0.Add(9*time.Minute + 59*time.Second)
	if got := shown(); len(got) != 0 {
		t.Errorf("at T+9:59 shown %q", got)
	}
	*now = t0.Add(10 * time.Minute)
	if got := shown(); !slices.Equal(got, []string{"Der Shop ist aus"}) {
		t.Errorf("at T+10 shown %q", got)
	}
	// The team reacts; the facilitator brings the press in early.
	shop := drill.Injects[0].Key
	if _, err := o.Log(ctx, handbook.LogEntry{IncidentID: drill.ID, Kind: handbook.LogDecision, Inject: shop, Text: "Notseite schalten", Author: "Eva"}); err != nil {
		t.Fatal(err)
	}
	*now = t0.Add(20 * time.Minute)
	if _, err := o.Log(ctx, handbook.LogEntry{IncidentID: drill.ID, Kind: handbook.LogInject, Inject: drill.Injects[1].Key, Author: "Moderation"}); err != nil {
		t.Fatal(err)
	}
	if got := shown(); !slices.Equal(got, []string{"Der Shop ist aus", "Ein Journalist ruft an"}) {
		t.Errorf("at T+20 after bringing the press in, shown %q", got)
	}
	inc, err := o.FindIncident(ctx, drill.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := handbook.DrillInjects(inc, logOfT(t, o, inc), *now)
	if got[0].Key != shop || len(got[0].Responses) != 1 || got[0].Responses[0].Text != "Notseite schalten" {
		t.Errorf("what the team did about the first inject: %+v", got[0])
	}
	if !got[1].Early || !got[1].Appeared.Equal(t0.Add(20*time.Minute)) || got[1].By != "Moderation" {
		t.Errorf("the press inject: %+v", got[1])
	}
	for _, tt := range []struct {
		name string
		e    handbook.LogEntry
		code Code
	}{
		{"an inject the drill does not have", handbook.LogEntry{IncidentID: drill.ID, Kind: handbook.LogInject, Inject: "nope"}, CodeUnknownInject},
		{"a reaction to an unknown inject", handbook.LogEntry{IncidentID: drill.ID, Kind: handbook.LogNote, Inject: "nope", Text: "x"}, CodeUnknownInject},
		{"a made-up inject without text", handbook.LogEntry{IncidentID: drill.ID, Kind: handbook.LogInject}, CodeEmptyEntry},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := o.Log(ctx, tt.e); codeOf(err) != tt.code {
				t.Errorf("error %v, want %q", err, tt.code)
			}
		})
	}
	t.Run("a real incident takes no injects", func(t *testing.T) {
		inc, err := o.StartIncident(ctx, StartIncident{Title: "Echt"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.Log(ctx, handbook.LogEntry{IncidentID: inc.ID, Kind: handbook.LogInject, Text: "Presse"}); codeOf(err) != CodeNotADrill {
			t.Errorf("error %v, want %q", err, CodeNotADrill)
		}
		if _, err := o.RecordRecovery(ctx, RecordRecovery{DrillID: inc.ID, Service: "Webshop", Recovery: 10}); codeOf(err) != CodeNotADrill {
			t.Errorf("recovery in a real incident: %v", err)
		}
	})
}

func TestAlarmTestUpdatesContacts(t *testing.T) {
	ctx := context.Background()
	o, now := clockOps(t)
	x, err := o.PlanExercise(ctx, PlanExercise{Title: "Alarmierungstest Q1", Kind: handbook.ExerciseAlarmTest, Date: t0})
	if err != nil {
		t.Fatal(err)
	}
	_, drill, err := o.StartExercise(ctx, StartExercise{Exercise: x.ID})
	if err != nil {
		t.Fatal(err)
	}
	if drill.PlaybookSnapshot != "" {
		t.Error("an alarm test without playbook has a checklist")
	}
	hb, err := o.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan := handbook.AlarmPlan(hb.Live(), drill.StartedAt)
	if len(plan) < 3 || len(plan[0].People) < 2 {
		t.Fatalf("plan %+v: the demo's first role should have a deputy", plan)
	}
	first, deputy := plan[0].People[0], plan[0].People[1]
	second := plan[1].People[0]
	third := plan[2].People[0]

	*now = t0.Add(4 * time.Minute)
	// The primary's number is wrong, the deputy answers.
	rec, err := o.RecordCall(ctx, RecordCall{DrillID: drill.ID, Role: plan[0].Role, Contact: first.ContactID, After: 4, WrongNumber: true, Note: "Kein Anschluss"})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Flagged || rec.Verified || !strings.Contains(rec.Contact.Correction, first.Phones()[0]) {
		t.Errorf("a wrong number: flagged %v verified %v correction %q", rec.Flagged, rec.Verified, rec.Contact.Correction)
	}
	*now = t0.Add(6 * time.Minute)
	rec, err = o.RecordCall(ctx, RecordCall{DrillID: drill.ID, Role: plan[0].Role, Reached: true, After: 6}) // the next person: the deputy
	if err != nil {
		t.Fatal(err)
	}
	if rec.Entry.Call.Contact != deputy.ContactID || !rec.Verified || !rec.Contact.LastVerifiedAt.Equal(*now) {
		t.Errorf("reaching the deputy: %+v verified %v at %v", rec.Entry.Call, rec.Verified, rec.Contact.LastVerifiedAt)
	}
	// Reached on a number the handbook does not list: flag, do not verify.
	rec, err = o.RecordCall(ctx, RecordCall{DrillID: drill.ID, Role: plan[1].RoleID, Contact: second.Name, Reached: true, After: 9, Number: "+49 160 5550000"})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Flagged || rec.Verified || !strings.Contains(rec.Contact.Correction, "+49 160 5550000") {
		t.Errorf("reached on an unlisted number: %+v", rec)
	}
	// Reached on a listed number written differently: verified.
	listed := strings.ReplaceAll(third.Phones()[0], " ", "")
	if rec, err = o.RecordCall(ctx, RecordCall{DrillID: drill.ID, Role: plan[2].RoleID, Contact: third.ContactID, Reached: true, After: 12, Number: listed}); err != nil || !rec.Verified {
		t.Errorf("reached on %s: %+v %v", listed, rec, err)
	}

	hb, err = o.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	live := hb.Live()
	var verify []string
	for _, f := range live.Check(*now) {
		if f.Code == handbook.CodeContactCorrection {
			verify = append(verify, f.ID)
		}
	}
	if !slices.Contains(verify, first.ContactID) || !slices.Contains(verify, second.ContactID) || slices.Contains(verify, deputy.ContactID) {
		t.Errorf("check asks to correct %q; want the wrong and the unlisted number", verify)
	}
	sum := handbook.AlarmTestSummary(plan, drill, live.LogEntries)
	if sum.Roles[0].By != handbook.ReachedDeputy || sum.Roles[1].By != handbook.ReachedPrimary || len(sum.WrongNumbers) != 1 {
		t.Errorf("summary: %s %s, %d wrong numbers", sum.Roles[0].By, sum.Roles[1].By, len(sum.WrongNumbers))
	}
	// Verifying the contact by hand ends the correction.
	c, err := o.MarkVerified(ctx, first.ContactID)
	if err != nil || c.Correction != "" {
		t.Errorf("verified: correction %q, %v", c.Correction, err)
	}
	// Without a name, each call goes to the next person of the role; then
	// nobody is left.
	for range plan[0].People[2:] {
		if _, err := o.RecordCall(ctx, RecordCall{DrillID: drill.ID, Role: plan[0].RoleID, After: 20}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.RecordCall(ctx, RecordCall{DrillID: drill.ID, Role: plan[0].RoleID, After: 21}); codeOf(err) != CodeNoOneToCall {
		t.Errorf("everyone called: %v, want %q", err, CodeNoOneToCall)
	}

	for _, tt := range []struct {
		name string
		req  RecordCall
		code Code
	}{
		{"reached and wrong at once", RecordCall{DrillID: drill.ID, Role: plan[0].RoleID, Reached: true, WrongNumber: true}, CodeReachedWrongNumber},
		{"negative minutes", RecordCall{DrillID: drill.ID, Role: plan[0].RoleID, After: -1}, CodeNegativeMinutes},
		{"unknown role", RecordCall{DrillID: drill.ID, Role: "Hausmeister"}, CodeUnknownRole},
		{"unknown contact", RecordCall{DrillID: drill.ID, Role: plan[0].RoleID, Contact: "Niemand"}, CodeUnknownContact},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := o.RecordCall(ctx, tt.req); codeOf(err) != tt.code {
				t.Errorf("error %v, want %q", err, tt.code)
			}
		})
	}
}

func TestCloseExercise(t *testing.T) {
	ctx := context.Background()
	o, now := clockOps(t)
	x := planDrill(t, o)
	_, drill, err := o.StartExercise(ctx, StartExercise{Exercise: x.ID})
	if err != nil {
		t.Fatal(err)
	}
	*now = t0.Add(2 * time.Hour)
	if _, err := o.RecordRecovery(ctx, RecordRecovery{DrillID: drill.ID, Service: "Webshop", Recovery: 300, DataLoss: 10}); err != nil {
		t.Fatal(err)
	}
	contacts, err := store.List[handbook.Contact](ctx, o.st)
	if err != nil {
		t.Fatal(err)
	}
	owner := contacts[0].ID
	due := t0.AddDate(0, 1, 0)
	req := CloseExercise{Exercise: x.ID, Summary: "Ziele überwiegend erreicht", Lessons: "Presse früher einbinden", LessonsLabel: "Lessons learned:",
		WentWell: "Alarmierung", Outcomes: map[int]string{0: handbook.ObjectiveMet, 1: handbook.ObjectiveNotMet},
		Findings: []FindingInput{
			{Text: "Versicherung zu spät angerufen", Entity: handbook.EntityPlaybook, RecordID: ransomware,
				Actions: []handbook.Action{{Title: "Versicherung ins Playbook", Owner: owner, Due: due}}},
			{Text: "Telefonliste veraltet", Actions: []handbook.Action{{Title: "Liste prüfen", Owner: owner}}},
		}}
	actions := count[handbook.Action](t, o)
	if _, err := o.CloseExercise(ctx, req); codeOf(err) != CodeActionNoDue {
		t.Fatalf("error %v, want %q", err, CodeActionNoDue)
	}
	if n := count[handbook.Action](t, o); n != actions {
		t.Errorf("a refused evaluation left %d actions, want the %d there were", n, actions)
	}
	req.Findings[1].Actions[0].Due = due
	if _, err := o.CloseExercise(ctx, req); codeOf(err) != CodeReportsOpen {
		t.Fatalf("practice reports open: %v, want %q", err, CodeReportsOpen)
	}
	req.ReportsOpenOK = true
	got, err := o.CloseExercise(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != handbook.ExerciseEvaluated || !got.EvaluatedAt.Equal(*now) || !got.HeldAt.Equal(t0) || got.Result != req.Summary || got.WentWell != "Alarmierung" {
		t.Errorf("evaluated exercise %+v", got)
	}
	if got.Objectives[0].Outcome != handbook.ObjectiveMet || got.Objectives[1].Outcome != handbook.ObjectiveNotMet {
		t.Errorf("objectives %+v", got.Objectives)
	}
	if len(got.Findings) != 2 || len(got.Findings[0].Actions) != 1 {
		t.Fatalf("findings %+v", got.Findings)
	}
	a, err := store.Get[handbook.Action](ctx, o.st, got.Findings[0].Actions[0])
	if err != nil {
		t.Fatal(err)
	}
	if a.SourceKind != "exercise" || a.SourceID != x.ID || a.Owner != owner || !a.Due.Equal(due) || a.Finding != "Versicherung zu spät angerufen" || a.Status != handbook.ActionOpen {
		t.Errorf("action %+v", a)
	}
	closed, err := o.FindIncident(ctx, drill.ID)
	if err != nil || closed.Open() {
		t.Errorf("the drill is still running: %+v %v", closed, err)
	}
	hb, err := o.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var reviews []string
	for _, r := range handbook.ExerciseReviews(hb) {
		reviews = append(reviews, r.Title)
	}
	if !slices.Contains(reviews, "Ransomware-Angriff") || !slices.Contains(reviews, "Webshop") {
		t.Errorf("reviews suggested %q; want the playbook and the service in scope", reviews)
	}
	webshop := slices.IndexFunc(hb.Services, func(s handbook.Service) bool { return s.Name == "Webshop" })
	test, ok := handbook.LastServiceTests(hb)[hb.Services[webshop].ID]
	if !ok || test.Result.RTO != hb.Services[webshop].RTO || test.Result.RTOMet() != (300 <= hb.Services[webshop].RTO) {
		t.Errorf("the Webshop's last test %+v", test)
	}
	if _, err := o.CloseExercise(ctx, req); codeOf(err) != CodeExerciseEvaluated {
		t.Errorf("a second evaluation: %v", err)
	}

	t.Run("held at the table, without a drill", func(t *testing.T) {
		y, err := o.PlanExercise(ctx, PlanExercise{Title: "Planbesprechung", Kind: handbook.ExerciseWalkthrough, Date: t0.Add(-24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		y, err = o.CloseExercise(ctx, CloseExercise{Exercise: y.Title, Summary: "durchgesprochen"})
		if err != nil {
			t.Fatal(err)
		}
		if !y.HeldAt.Equal(t0.Add(-24*time.Hour)) || y.State() != handbook.ExerciseEvaluated {
			t.Errorf("held %v state %s, want held on its planned date", y.HeldAt, y.State())
		}
	})
}

// An exercise whose playbook was deleted after planning still runs: with
// the next playbook in its scope that is left, else without checklist;
// an exercise with no scope at all runs the same way.
func TestStartExerciseWithoutItsPlaybook(t *testing.T) {
	ctx := context.Background()
	t.Run("its only playbook deleted", func(t *testing.T) {
		o := demoOps(t)
		x := planDrill(t, o)
		if err := o.Delete(ctx, handbook.EntityPlaybook, x.Playbooks[0]); err != nil {
			t.Fatal(err)
		}
		_, drill, err := o.StartExercise(ctx, StartExercise{Exercise: x.ID, By: "Eva"})
		if err != nil {
			t.Fatalf("the drill of an exercise whose playbook is gone does not start: %v", err)
		}
		if drill.PlaybookID != "" || drill.PlaybookSnapshot != "" || drill.ExerciseID != x.ID || len(drill.Injects) != 2 {
			t.Errorf("drill %+v; want one without playbook and checklist, with the injects", drill)
		}
	})
	t.Run("the first of two deleted", func(t *testing.T) {
		o := demoOps(t)
		x, err := o.PlanExercise(ctx, PlanExercise{Title: "Zwei Playbooks", Kind: handbook.ExerciseWalkthrough, Date: t0,
			Playbooks: []string{"Ransomware-Angriff", "Datenverlust"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Delete(ctx, handbook.EntityPlaybook, x.Playbooks[0]); err != nil {
			t.Fatal(err)
		}
		_, drill, err := o.StartExercise(ctx, StartExercise{Exercise: x.ID, By: "Eva"})
		if err != nil {
			t.Fatal(err)
		}
		if drill.PlaybookID != x.Playbooks[1] || drill.PlaybookSnapshot == "" {
			t.Errorf("drill of playbook %q; want the second playbook", drill.PlaybookID)
		}
	})
	t.Run("no scope", func(t *testing.T) {
		o := demoOps(t)
		x, err := o.PlanExercise(ctx, PlanExercise{Title: "Ohne Umfang", Kind: handbook.ExerciseTabletop, Date: t0})
		if err != nil {
			t.Fatal(err)
		}
		_, drill, err := o.StartExercise(ctx, StartExercise{Exercise: x.ID, By: "Eva"})
		if err != nil {
			t.Fatal(err)
		}
		if drill.Title != "Ohne Umfang" || !drill.Drill() || drill.PlaybookID != "" {
			t.Errorf("drill %+v", drill)
		}
	})
}
