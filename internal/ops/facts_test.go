package ops

import (
	"context"
	"slices"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

func TestStartWithDORAAndFacts(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	aware, classified, next := t0.Add(-5*time.Hour), t0.Add(-2*time.Hour), t0.Add(3*time.Hour)
	inc, err := o.StartIncident(ctx, StartIncident{Title: "Zahlungsabwicklung gestört", AwareAt: aware, ClassifiedAt: classified,
		Regimes: []string{handbook.RegimeDORA}, Impact: " Keine Kartenzahlungen ", NextUpdate: next, By: "Eva Schulz", Initials: "ES"})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := store.Get[handbook.Incident](ctx, o.st, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Impact != "Keine Kartenzahlungen" || !stored.NextUpdate.Equal(next) ||
		!slices.Equal(stored.Clocks, handbook.RegimeClocks(handbook.RegimeDORA)) {
		t.Errorf("stored %+v", stored)
	}
	log := logOfT(t, o, stored)
	for _, e := range log {
		if e.Author != "Eva Schulz" || e.Initials != "ES" {
			t.Errorf("entry %s by %q (%q), want Eva Schulz (ES)", e.Kind, e.Author, e.Initials)
		}
	}
	ds := handbook.Deadlines(stored, log, time.UTC)
	if len(ds) != 3 || ds[0].Clock != handbook.ClockDORAInitial || !ds[0].Due.Equal(classified.Add(4*time.Hour)) {
		t.Errorf("DORA deadlines %+v, want the initial notification 4 h after the classification", ds)
	}

	// Impact and next update change by log entries; an unchanged value
	// writes nothing.
	impact := "Keine Kartenzahlungen, Rechnungskauf geht"
	later := t0.Add(6 * time.Hour)
	if err := o.SetFacts(ctx, SetFacts{IncidentID: inc.ID, Impact: &impact, NextUpdate: &later, By: "Jonas"}); err != nil {
		t.Fatal(err)
	}
	same := impact
	if err := o.SetFacts(ctx, SetFacts{IncidentID: inc.ID, Impact: &same, NextUpdate: &later}); codeOf(err) != CodeNoChange {
		t.Errorf("unchanged facts: %v, want %q", err, CodeNoChange)
	}
	log = logOfT(t, o, stored)
	gotImpact, gotNext := handbook.CurrentFacts(stored, log)
	if gotImpact != impact || !gotNext.Equal(later) {
		t.Errorf("facts in effect %q, %v", gotImpact, gotNext)
	}
	kinds := map[string]int{}
	for _, e := range log {
		kinds[e.Kind]++
	}
	if kinds[handbook.LogImpact] != 1 || kinds[handbook.LogNextUpdate] != 1 || kinds[handbook.LogClassified] != 1 {
		t.Errorf("log kinds %v", kinds)
	}
}

func TestAddRegimeAndClassify(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	inc, err := o.StartIncident(ctx, StartIncident{Title: "Verdacht auf Datenabfluss", AwareAt: t0.Add(-30 * time.Hour),
		Regimes: []string{handbook.RegimeNIS2}, By: "Eva"})
	if err != nil {
		t.Fatal(err)
	}
	day2 := t0.Add(-2 * time.Hour)
	tests := []struct {
		name string
		req  AddRegime
		want Code
	}{
		{"unknown regime", AddRegime{Regime: "sox"}, CodeUnknownClock},
		{"awareness in the future", AddRegime{Regime: handbook.RegimeGDPR, AwareAt: t0.Add(time.Minute)}, CodeTimeInFuture},
		{"NIS2 runs already", AddRegime{Regime: handbook.RegimeNIS2}, CodeRegimeApplies},
		{"GDPR on day 2", AddRegime{Regime: handbook.RegimeGDPR, AwareAt: day2, By: "Henrik"}, ""},
		{"GDPR again", AddRegime{Regime: handbook.RegimeGDPR}, CodeRegimeApplies},
		{"unknown incident", AddRegime{IncidentID: "nope", Regime: handbook.RegimeDORA}, CodeUnknownIncident},
		{"DORA without classification yet", AddRegime{Regime: handbook.RegimeDORA, AwareAt: day2}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := tt.req
			if req.IncidentID == "" {
				req.IncidentID = inc.ID
			}
			if err := o.AddRegime(ctx, req); codeOf(err) != tt.want || (tt.want == "" && err != nil) {
				t.Fatalf("AddRegime: %v, want %q", err, tt.want)
			}
		})
	}
	log := logOfT(t, o, inc)
	ds := handbook.Deadlines(inc, log, time.UTC)
	byClock := map[string]handbook.Deadline{}
	for _, d := range ds {
		byClock[d.Clock] = d
	}
	if d := byClock[handbook.ClockGDPR33]; !d.Due.Equal(day2.Add(72 * time.Hour)) {
		t.Errorf("GDPR Art. 33 due %v, want 72 h after its own awareness on day 2", d.Due)
	}
	if d := byClock[handbook.ClockNIS2Early]; !d.Due.Equal(t0.Add(-6*time.Hour)) || !d.Overdue(t0) {
		t.Errorf("NIS2 early warning %+v: runs from the incident's awareness and is overdue", d)
	}
	if d := byClock[handbook.ClockDORAInitial]; !d.AwaitsClassification || !d.Due.Equal(day2.Add(24*time.Hour)) {
		t.Errorf("DORA initial %+v, want at the latest 24 h after awareness while unclassified", d)
	}
	if err := o.Classify(ctx, inc.ID, handbook.RegimeDORA, t0.Add(-time.Hour), "Eva", "ES"); err != nil {
		t.Fatal(err)
	}
	ds = handbook.Deadlines(inc, logOfT(t, o, inc), time.UTC)
	i := slices.IndexFunc(ds, func(d handbook.Deadline) bool { return d.Clock == handbook.ClockDORAInitial })
	if ds[i].AwaitsClassification || !ds[i].Due.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("DORA initial after classification %+v, want 4 h after it", ds[i])
	}
	if err := o.Classify(ctx, inc.ID, handbook.RegimeGDPR, time.Time{}, "Eva", ""); err != nil {
		t.Errorf("classifying under a regime that applies: %v", err)
	}
	other, err := o.StartIncident(ctx, StartIncident{Title: "ohne DORA"})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Classify(ctx, other.ID, handbook.RegimeDORA, time.Time{}, "Eva", ""); codeOf(err) != CodeNotOwed {
		t.Errorf("classify an incident without DORA: %v, want %q", err, CodeNotOwed)
	}
	// A report must be one the incident owes.
	if _, err := o.Log(ctx, handbook.LogEntry{IncidentID: other.ID, Kind: handbook.LogReport, Clock: handbook.ClockGDPR33, Text: "x"}); codeOf(err) != CodeNotOwed {
		t.Errorf("report the incident does not owe: %v, want %q", err, CodeNotOwed)
	}
}
