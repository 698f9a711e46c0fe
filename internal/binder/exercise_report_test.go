package binder

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/markdown"
)

// exerciseHandbook is the report handbook with a functional test of the
// ransomware playbook: evaluated, its drill closed, with injects, ticks,
// a recovery measured and two calls of which one found a wrong number.
func exerciseHandbook(t *testing.T) (handbook.Handbook, handbook.Exercise) {
	t.Helper()
	hb, _ := reportHandbook(t)
	hb.Incidents, hb.LogEntries = nil, nil
	hb.Services = []handbook.Service{{Record: handbook.Record{ID: "s-fs"}, Name: "Dateiserver Fürth", Criticality: handbook.SeverityCritical, RTO: 240, RPO: 60}}
	hb.Actions = []handbook.Action{{Record: handbook.Record{ID: "a-1"}, Title: "Offline-Sicherung wöchentlich prüfen", Owner: "c-joerg",
		Due: time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC), Status: handbook.ActionOpen, SourceKind: "exercise", SourceID: "x-1"}}
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.Local)
	at := func(m int) time.Time { return start.Add(time.Duration(m) * time.Minute) }
	x := handbook.Exercise{Record: handbook.Record{ID: "x-1"}, Title: "Funktionstest Wiederherstellung Dateiserver",
		Kind: handbook.ExerciseFunctional, Status: handbook.ExerciseEvaluated, Date: start, HeldAt: start, EvaluatedAt: at(300),
		Scenario: "Die Dateiserver in **Fürth** sind verschlüsselt.", Playbooks: []string{"pb-ransom"}, Services: []string{"s-fs"},
		Roles: []string{"r-it"}, Contacts: []string{"c-anna"}, Facilitator: "c-joerg", Participants: "Dienstleister Sentinel",
		Objectives: []handbook.Objective{{Text: "Server binnen 15 Minuten getrennt", Outcome: handbook.ObjectiveMet},
			{Text: "Wiederanlauf innerhalb des RTO", Outcome: handbook.ObjectiveNotMet}, {Text: "Presse vorbereitet"}},
		Injects: []handbook.Inject{{Key: "k1", At: 10, From: "Leitstand", Text: "Auch fs02 zeigt Lösegeldforderung", Expected: "fs02 trennen"},
			{Key: "k2", At: 600, Text: "Kam nie an"}},
		Result: "Wiederanlauf zu langsam.", WentWell: "Trennung der Server in 12 Minuten.",
		Findings: []handbook.ExerciseFinding{{Text: "Sicherung war drei Tage alt", Entity: handbook.EntityService, RecordID: "s-fs", Actions: []string{"a-1"}},
			{Text: "Pressestelle nicht erreicht"}}}
	steps := markdown.Steps(reportBody)
	drill := handbook.Incident{Record: handbook.Record{ID: "d-1"}, Title: x.Title, ExerciseID: x.ID, PlaybookID: "pb-ransom",
		PlaybookSnapshot: reportBody, StartedAt: start, AwareAt: start, ClosedAt: at(290), Injects: x.Injects,
		Clocks: []string{handbook.ClockGDPR33}}
	e := func(id string, m int, kind, text string) handbook.LogEntry {
		return handbook.LogEntry{Record: handbook.Record{ID: id}, IncidentID: "d-1", At: at(m), Author: "Jörg Weiß", Kind: kind, Text: text}
	}
	tick := e("l-2", 12, handbook.LogStep, steps[0].Text)
	tick.StepKey = steps[0].Key
	late := e("l-3", 45, handbook.LogStep, steps[1].Text)
	late.StepKey = steps[1].Key
	react := e("l-4", 14, handbook.LogDecision, "fs02 vom Netz genommen")
	react.Inject = "k1"
	spont := e("l-5", 20, handbook.LogInject, "Stromausfall im zweiten Stock")
	rec := e("l-6", 280, handbook.LogRecovery, "Dateiserver Fürth")
	rec.Recovery = &handbook.RecoveryResult{Service: "s-fs", Recovery: 270, DataLoss: 30, RTO: 240, RPO: 60}
	wrong := e("l-7", 5, handbook.LogCallAttempt, "Kein Anschluss")
	wrong.Call = &handbook.CallAttempt{Level: 3, Role: "r-dsb", Contact: "c-anna", Number: "+49 911 98765-12", WrongNumber: true, After: 5}
	reached := e("l-8", 8, handbook.LogCallAttempt, "Ole Dietrich")
	reached.Call = &handbook.CallAttempt{Level: 3, Role: "r-owner", Contact: "c-ole", Reached: true, After: 8}
	hb.Incidents = []handbook.Incident{drill}
	hb.LogEntries = []handbook.LogEntry{e("l-1", 0, handbook.LogStart, x.Title), tick, late, react, spont, rec, wrong, reached,
		e("l-9", 290, handbook.LogClose, "Ende")}
	hb.Exercises = []handbook.Exercise{x}
	return hb, x
}

func TestExerciseReport(t *testing.T) {
	hb, x := exerciseHandbook(t)
	tests := []struct {
		lang string
		want []string
	}{
		{"de", []string{"Übungsbericht", "ÜBUNG – keine echte Meldung, kein echter Vorfall", "Funktionstest Wiederherstellung Dateiserver",
			"Funktionstest", "ausgewertet", "Übungsleitung", "Jörg Weiß",
			"Übungsziele", "Server binnen 15 Minuten getrennt", "erreicht", "nicht erreicht", "nicht bewertet", "1 von 3 Zielen erreicht.",
			"Umfang", "Ransomware – Verschlüsselung auf Dateiservern", "Dateiserver Fürth", "RTO 4 h · RPO 1 h",
			"Beteiligte", "IT-Lead", "Anna Schröder", "Dienstleister Sentinel",
			"Szenario", "Die Dateiserver in Fürth sind verschlüsselt.",
			"Ablauf mit Einspielungen", "Einspielung 1", "Leitstand: Auch fs02 zeigt Lösegeldforderung", "geplant bei T+10 min", "Erwartet: fs02 trennen",
			"Reaktion auf Einspielung 1", "fs02 vom Netz genommen", "Einspielung 2", "Stromausfall im zweiten Stock", "während der Übung ergänzt",
			"1 vorbereitete Einspielungen wurden nicht mehr eingespielt.",
			"Zeitvorgaben", "1 eingehalten, 3 verfehlt (von 6).",
			"Wiederanlauf gegen RTO und RPO", "RTO verfehlt", "RPO erreicht",
			"Alarmierungstest", "Nummer falsch", "Primär: Ole Dietrich",
			"Übungsfristen (keine echten Meldefristen)",
			"Auswertung", "Wiederanlauf zu langsam.", "Was gut lief", "Trennung der Server in 12 Minuten.",
			"Feststellungen und Maßnahmen", "Sicherung war drei Tage alt", "betrifft: Dateiserver Fürth", "Offline-Sicherung wöchentlich prüfen",
			"15.01.2027", "keine Maßnahme", "Übungsleitung: Datum, Unterschrift"}},
		{"en", []string{"Exercise report", "EXERCISE – not a real message, not a real incident", "Functional test", "evaluated",
			"Objectives", "met", "not met", "not rated", "1 of 3 objectives met.", "Timeline with injects", "Inject 1",
			"Reaction to inject 1", "Time targets", "RTO missed", "wrong number", "Practice clocks (no real reporting deadlines)",
			"Findings and actions", "2027-01-15", "Evaluation accepted: date, signature"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.pdf")
			res, err := WriteExerciseReport(context.Background(), path, hb, x.ID, Options{Lang: tt.lang, PrintedAt: reportPrinted})
			if err != nil {
				t.Fatal(err)
			}
			r := readReport(t, path)
			if len(r.pages) != res.Pages || res.Pages < 2 {
				t.Errorf("%d pages read, %d written", len(r.pages), res.Pages)
			}
			flat := noSpace(r.raw)
			for _, w := range tt.want {
				if !strings.Contains(flat, noSpace(w)) {
					t.Errorf("report lacks %q", w)
				}
			}
			if strings.Contains(flat, noSpace("Kam nie an")) {
				t.Error("the report shows an inject that never appeared in the timeline")
			}
		})
	}
	t.Run("the timeline puts the inject at the time it appeared", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "x.pdf")
		if _, err := WriteExerciseReport(context.Background(), path, hb, x.ID, Options{PrintedAt: reportPrinted}); err != nil {
			t.Fatal(err)
		}
		raw := noSpace(readReport(t, path).raw)
		inject := strings.Index(raw, noSpace("Einspielung 1"))
		before := strings.Index(raw, noSpace("20.11.2026 09:08:00"))
		after := strings.Index(raw, noSpace("20.11.2026 09:12:00"))
		if inject < 0 || before < 0 || after < 0 || !(before < inject && inject < after) {
			t.Errorf("inject at %d, the 09:08 entry at %d, the 09:12 entry at %d; want the inject between them", inject, before, after)
		}
	})
}

func TestExerciseReportDemo(t *testing.T) {
	hb := demo(t)
	for _, x := range hb.Exercises {
		t.Run(x.Title, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.pdf")
			if _, err := WriteExerciseReport(context.Background(), path, hb, x.ID, Options{PrintedAt: reportPrinted}); err != nil {
				t.Fatal(err)
			}
			flat := noSpace(readReport(t, path).raw)
			for _, o := range x.Objectives {
				if !strings.Contains(flat, noSpace(o.Text)) {
					t.Errorf("objective %q missing", o.Text)
				}
			}
			for _, f := range x.Findings {
				if !strings.Contains(flat, noSpace(f.Text)) {
					t.Errorf("finding %q missing", f.Text)
				}
			}
			for _, in := range x.Injects {
				if !strings.Contains(flat, noSpace(in.Text)) {
					t.Errorf("inject %q missing", in.Text)
				}
			}
			if x.Kind == handbook.ExerciseAlarmTest {
				for _, s := range handbook.AlarmPlan(hb.Live(), x.HeldAt) {
					if !strings.Contains(flat, noSpace(s.Role)) {
						t.Errorf("alarm test: role %s missing", s.Role)
					}
				}
				if !strings.Contains(flat, noSpace("Nummer falsch")) || !strings.Contains(flat, noSpace("11 Rollen: 82 %")) {
					t.Error("alarm test: the wrong number or the shares are missing")
				}
			}
		})
	}
}

func TestExerciseReportErrors(t *testing.T) {
	hb, _ := exerciseHandbook(t)
	_, err := WriteExerciseReport(context.Background(), filepath.Join(t.TempDir(), "x.pdf"), hb, "nope", Options{})
	if !errors.Is(err, ErrUnknownExercise) {
		t.Errorf("unknown exercise: %v", err)
	}
	_, err = WriteExerciseReport(context.Background(), filepath.Join(t.TempDir(), "x.pdf"), hb, "x-1", Options{Lang: "fr"})
	if !errors.Is(err, ErrBadOption) {
		t.Errorf("bad language: %v", err)
	}
}

// TestDrillIncidentReportIsMarked: the incident report of a drill says
// ÜBUNG on its first page and calls its clocks practice.
func TestDrillIncidentReportIsMarked(t *testing.T) {
	hb, _ := exerciseHandbook(t)
	path := filepath.Join(t.TempDir(), "r.pdf")
	if _, err := WriteIncidentReport(context.Background(), path, hb, "d-1", Options{PrintedAt: reportPrinted}); err != nil {
		t.Fatal(err)
	}
	r := readReport(t, path)
	if !strings.Contains(r.pages[0], "ÜBUNG") || !strings.Contains(noSpace(strings.Join(r.pages, "")), noSpace("Übungsfristen")) {
		t.Errorf("the drill's report is not marked:\n%s", r.pages[0])
	}
}
