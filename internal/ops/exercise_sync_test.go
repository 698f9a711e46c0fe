package ops

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestTwoLaptopsRunOneDrill runs one drill on two admitted laptops that
// exchange changes through a real shared folder (signed and encrypted):
// both tick, react to injects and log while apart, the facilitator brings
// an inject in early on one of them, and after the rounds both show the
// same log, checklist, injects and evaluation, with no conflict.
func TestTwoLaptopsRunOneDrill(t *testing.T) {
	ctx := context.Background()
	a, b, round, now := twoLaptops(t, "Laptop Leitstand", "Laptop Moderation")
	round(a, "Laptop Leitstand")
	round(b, "Laptop Moderation")
	if n := count[handbook.Exercise](t, b); n != 4 {
		t.Fatalf("the second laptop has %d exercises, want the demo's 4", n)
	}

	x := planDrill(t, a)
	_, drill, err := a.StartExercise(ctx, StartExercise{Exercise: x.ID, By: "Eva"})
	if err != nil {
		t.Fatal(err)
	}
	round(a, "Laptop Leitstand")
	round(b, "Laptop Moderation")
	onB, err := b.FindIncident(ctx, drill.ID)
	if err != nil || !onB.Drill() || len(onB.Injects) != 2 {
		t.Fatalf("the drill on the second laptop: %+v, %v", onB, err)
	}

	// Apart: both work on the drill at T+12.
	*now = t0.Add(12 * time.Minute)
	steps := handbook.Checklist(drill, nil)
	shop, press := drill.Injects[0].Key, drill.Injects[1].Key
	write := func(o *Ops, e handbook.LogEntry) {
		t.Helper()
		e.IncidentID = drill.ID
		if _, err := o.Log(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	write(a, handbook.LogEntry{Kind: handbook.LogStep, StepKey: steps[0].Key, Text: steps[0].Text, Author: "Eva"})
	write(b, handbook.LogEntry{Kind: handbook.LogStep, StepKey: steps[1].Key, Text: steps[1].Text, Author: "Moderation"})
	write(b, handbook.LogEntry{Kind: handbook.LogDecision, Inject: shop, Text: "Notseite geschaltet", Author: "Moderation"})
	write(b, handbook.LogEntry{Kind: handbook.LogInject, Inject: press, Author: "Moderation"})
	write(a, handbook.LogEntry{Kind: handbook.LogNote, Text: "Krisenstab tagt", Author: "Eva"})
	if _, err := a.RecordRecovery(ctx, RecordRecovery{DrillID: drill.ID, Service: "Webshop", Recovery: 200, DataLoss: 5, By: "Eva"}); err != nil {
		t.Fatal(err)
	}
	round(a, "Laptop Leitstand")
	round(b, "Laptop Moderation")
	round(a, "Laptop Leitstand")

	state := func(o *Ops) (log []string, ticks []bool, injects []string) {
		t.Helper()
		inc, err := o.FindIncident(ctx, drill.ID)
		if err != nil {
			t.Fatal(err)
		}
		entries := logOfT(t, o, inc)
		for _, e := range entries {
			log = append(log, e.ID+" "+e.Kind+" "+e.Text)
		}
		for _, c := range handbook.Checklist(inc, entries) {
			ticks = append(ticks, c.Done)
		}
		for _, d := range handbook.DrillInjects(inc, entries, *now) {
			injects = append(injects, d.Key+" "+d.Appeared.String()+" "+string(rune('0'+len(d.Responses))))
		}
		return log, ticks, injects
	}
	logA, ticksA, injA := state(a)
	logB, ticksB, injB := state(b)
	if !slices.Equal(logA, logB) || len(logA) != 7 {
		t.Errorf("the logs differ:\nA %q\nB %q", logA, logB)
	}
	if !slices.Equal(ticksA, ticksB) || !ticksA[0] || !ticksA[1] {
		t.Errorf("checklists differ or lack a tick: A %v, B %v", ticksA, ticksB)
	}
	if !slices.Equal(injA, injB) || len(injA) != 2 {
		t.Errorf("injects differ:\nA %q\nB %q", injA, injB)
	}
	if got := handbook.DrillInjects(mustIncident(t, a, drill.ID), logOfT(t, a, drill), *now); !got[1].Early || got[1].By != "Moderation" {
		t.Errorf("the press inject brought in early on the other laptop: %+v", got[1])
	}

	// The facilitator evaluates on the second laptop; the first sees it.
	*now = t0.Add(3 * time.Hour)
	owner := firstContact(t, b)
	if _, err := b.CloseExercise(ctx, CloseExercise{Exercise: x.ID, Summary: "gut", ReportsOpenOK: true, By: "Moderation",
		Outcomes: map[int]string{0: handbook.ObjectiveMet},
		Findings: []FindingInput{{Text: "Presse zu spät", Actions: []handbook.Action{{Title: "Presse früher", Owner: owner, Due: t0.AddDate(0, 1, 0)}}}}}); err != nil {
		t.Fatal(err)
	}
	round(b, "Laptop Moderation")
	round(a, "Laptop Leitstand")
	xa, err := a.FindExercise(ctx, x.ID)
	if err != nil || xa.State() != handbook.ExerciseEvaluated || len(xa.Findings) != 1 || xa.Objectives[0].Outcome != handbook.ObjectiveMet {
		t.Errorf("the evaluation on the first laptop: %+v, %v", xa, err)
	}
	if inc := mustIncident(t, a, drill.ID); inc.Open() {
		t.Error("the drill is still running on the first laptop")
	}
	for _, o := range []*Ops{a, b} {
		cs, err := o.Store().Conflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 0 {
			t.Errorf("conflicts: %+v", cs)
		}
	}
}

func mustIncident(t *testing.T, o *Ops, id string) handbook.Incident {
	t.Helper()
	inc, err := o.FindIncident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func firstContact(t *testing.T, o *Ops) string {
	t.Helper()
	cs, err := store.List[handbook.Contact](context.Background(), o.st)
	if err != nil || len(cs) == 0 {
		t.Fatalf("contacts: %v", err)
	}
	return cs[0].ID
}

// Two laptops evaluate the same exercise while apart. Neither evaluation
// is lost: both laptops end with the same exercise, every action either
// wrote, and the evaluation that lost kept as a conflict to decide.
func TestTwoLaptopsEvaluateOneExercise(t *testing.T) {
	ctx := context.Background()
	a, b, round, now := twoLaptops(t, "Laptop A", "Laptop B")
	rounds := func() {
		t.Helper()
		round(a, "Laptop A")
		round(b, "Laptop B")
		round(a, "Laptop A")
	}
	x := planDrill(t, a)
	rounds()

	*now = t0.Add(2 * time.Hour)
	evaluate := func(o *Ops, by, finding, action string) {
		t.Helper()
		if _, err := o.CloseExercise(ctx, CloseExercise{Exercise: x.ID, Summary: "Auswertung " + by, By: by,
			Findings: []FindingInput{{Text: finding, Actions: []handbook.Action{{Title: action, Owner: firstContact(t, o), Due: t0.AddDate(0, 1, 0)}}}}}); err != nil {
			t.Fatalf("%s evaluates: %v", by, err)
		}
	}
	evaluate(a, "Eva", "Presse zu spät", "Presse früher einbinden")
	*now = t0.Add(2*time.Hour + time.Minute)
	evaluate(b, "Moderation", "Telefonliste veraltet", "Telefonliste prüfen")
	rounds()

	xa, err := a.FindExercise(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	xb, err := b.FindExercise(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if xa.Result != xb.Result || xa.State() != handbook.ExerciseEvaluated || len(xa.Findings) != len(xb.Findings) {
		t.Errorf("the laptops disagree: A %q %d findings, B %q %d findings", xa.Result, len(xa.Findings), xb.Result, len(xb.Findings))
	}
	for _, o := range []*Ops{a, b} {
		acts, err := store.List[handbook.Action](ctx, o.st)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, ac := range acts {
			if ac.SourceID == x.ID {
				titles = append(titles, ac.Title)
			}
		}
		slices.Sort(titles)
		if !slices.Equal(titles, []string{"Presse früher einbinden", "Telefonliste prüfen"}) {
			t.Errorf("actions of the exercise: %q; want both laptops'", titles)
		}
		cs, err := o.Store().Conflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(cs, func(c store.Conflict) bool { return c.Entity == handbook.EntityExercise && c.ID == x.ID }) {
			t.Errorf("the evaluation that lost is not kept as a conflict: %+v", cs)
		}
	}
}

// twoLaptops are the demo handbook on a laptop called nameA and an empty
// one called nameB, both admitted to one real shared folder and on one
// clock the test moves; round syncs one of them.
func twoLaptops(t *testing.T, nameA, nameB string) (a, b *Ops, round func(o *Ops, name string), now *time.Time) {
	t.Helper()
	ctx := context.Background()
	folder := t.TempDir()
	at := t0
	clock := func() time.Time { return at }
	a = New(openStore(t, demoDB(t), clock), Config{Now: clock})
	b = New(openStore(t, filepath.Join(t.TempDir(), "b.db"), clock), Config{Now: clock})
	round = func(o *Ops, name string) {
		t.Helper()
		if _, err := o.Sync(ctx, Sync{Folder: folder, DeviceName: name}, nil); err != nil {
			t.Fatalf("sync %s: %v", name, err)
		}
	}
	round(a, nameA)
	round(b, nameB)
	if _, err := a.Admit(ctx, TeamChange{All: true}); err != nil {
		t.Fatal(err)
	}
	return a, b, round, &at
}
