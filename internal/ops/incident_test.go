package ops

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

const (
	ransomware = "01a0f6b1-26b6-7ccc-ac1f-78cefcf63f58" // critical
	itLead     = "01a0f6b1-26aa-7776-9f36-dd21faff5682"
)

func TestStartIncident(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		req       StartIncident
		title     string
		severity  handbook.Severity
		level     int
		owner     string
		snapshot  bool
		clocks    []string
		wantError Code
	}{
		{name: "playbook by title in any case, level from its severity",
			req:   StartIncident{Playbook: "ransomware-angriff", Level: LevelFromSeverity, Regimes: []string{handbook.RegimeGDPR}, By: "Eva"},
			title: "Ransomware-Angriff", severity: handbook.SeverityCritical, level: 3, snapshot: true, clocks: []string{handbook.ClockGDPR33, handbook.ClockGDPR34}},
		{name: "playbook by ID, own title, severity and level, owner by name",
			req: StartIncident{Playbook: ransomware, Title: "Verschlüsselte Dateiserver", Severity: handbook.SeverityMedium, Level: 4,
				OwnerRole: "it-lead", Regimes: []string{handbook.RegimeNIS2, handbook.RegimeGDPR}, By: "Eva"},
			title: "Verschlüsselte Dateiserver", severity: handbook.SeverityMedium, level: 4, owner: itLead, snapshot: true,
			clocks: []string{handbook.ClockGDPR33, handbook.ClockGDPR34, handbook.ClockNIS2Early, handbook.ClockNIS2Notify, handbook.ClockNIS2Final}},
		{name: "blank incident without level",
			req:   StartIncident{Title: "Stromausfall Rechenzentrum", OwnerRole: itLead},
			title: "Stromausfall Rechenzentrum", severity: handbook.SeverityHigh, owner: itLead},
		{name: "no title, no playbook", req: StartIncident{Title: "  "}, wantError: CodeNoTitle},
		{name: "aware in the future", req: StartIncident{Title: "x", AwareAt: t0.Add(time.Minute)}, wantError: CodeAwareInFuture},
		{name: "unknown playbook", req: StartIncident{Playbook: "Meteoriteneinschlag"}, wantError: CodeUnknownPlaybook},
		{name: "unknown level", req: StartIncident{Title: "x", Level: 9}, wantError: CodeUnknownLevel},
		{name: "unknown owner", req: StartIncident{Title: "x", OwnerRole: "Hausmeister"}, wantError: CodeUnknownRole},
		{name: "unknown severity", req: StartIncident{Title: "x", Severity: "extreme"}, wantError: CodeUnknownSeverity},
		{name: "unknown regime", req: StartIncident{Title: "x", Regimes: []string{"hipaa"}}, wantError: CodeUnknownClock},
		{name: "DORA classified in the future", req: StartIncident{Title: "x", Regimes: []string{handbook.RegimeDORA}, ClassifiedAt: t0.Add(time.Hour)}, wantError: CodeTimeInFuture},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := demoOps(t)
			before := count[handbook.Incident](t, o) + count[handbook.LogEntry](t, o) // the demo's alarm test
			inc, err := o.StartIncident(ctx, tt.req)
			if tt.wantError != "" {
				if codeOf(err) != tt.wantError {
					t.Fatalf("error %v, want %q", err, tt.wantError)
				}
				if n := count[handbook.Incident](t, o) + count[handbook.LogEntry](t, o) - before; n != 0 {
					t.Errorf("%d records written by a refused start", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			stored, err := store.Get[handbook.Incident](ctx, o.st, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Title != tt.title || stored.Severity != tt.severity || stored.Level != tt.level || stored.OwnerRole != tt.owner ||
				!slices.Equal(stored.Clocks, tt.clocks) || (stored.PlaybookSnapshot != "") != tt.snapshot || !stored.AwareAt.Equal(t0) {
				t.Errorf("stored %+v", stored)
			}
			log := logOfT(t, o, stored)
			kinds := []string{handbook.LogStart}
			if tt.level > 0 {
				kinds = append(kinds, handbook.LogEscalation)
			}
			var got []string
			for _, e := range log {
				got = append(got, e.Kind)
				if e.Author != tt.req.By || !e.At.Equal(t0) {
					t.Errorf("entry %+v: want author %q at %v", e, tt.req.By, t0)
				}
			}
			if !slices.Equal(got, kinds) {
				t.Errorf("log kinds %v, want %v", got, kinds)
			}
			if lv := handbook.CurrentLevel(stored, log); lv != tt.level {
				t.Errorf("level in effect %d, want %d", lv, tt.level)
			}
		})
	}
}

func TestEscalateLogClose(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	inc, err := o.StartIncident(ctx, StartIncident{Playbook: "DDoS-Angriff auf die Shop-Plattform", Level: LevelFromSeverity, Regimes: []string{handbook.RegimeGDPR}, By: "Eva"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Escalate(ctx, Escalate{IncidentID: inc.ID, Level: 7, By: "Eva"}); codeOf(err) != CodeUnknownLevel {
		t.Errorf("escalate to level 7: %v, want %q", err, CodeUnknownLevel)
	}
	lv, err := o.Escalate(ctx, Escalate{IncidentID: inc.ID, Level: 3, Reason: "Shop seit 2 h down", By: "Eva"})
	if err != nil || lv.Name != "Stufe 3 – Krise" {
		t.Fatalf("escalate: %+v, %v", lv, err)
	}
	if _, err := o.Escalate(ctx, Escalate{IncidentID: inc.ID, Level: 3, By: "Eva"}); err != nil {
		t.Fatal(err)
	}
	log := logOfT(t, o, inc)
	if handbook.CurrentLevel(inc, log) != 3 || len(log) != 3 || log[2].Text != "Stufe 3 – Krise – Shop seit 2 h down" {
		t.Errorf("log after escalating twice to 3: %+v; want one escalation entry naming level and reason", log)
	}

	tests := []struct {
		name  string
		entry handbook.LogEntry
		want  Code
	}{
		{"note", handbook.LogEntry{Kind: handbook.LogNote, Text: " Firewall-Regeln verschärft "}, ""},
		{"tick", handbook.LogEntry{Kind: handbook.LogStep, StepKey: "s1", Text: "Angriff bestätigen"}, ""},
		{"empty", handbook.LogEntry{Kind: handbook.LogNote, Text: "  "}, CodeEmptyEntry},
		{"in the future", handbook.LogEntry{Kind: handbook.LogNote, Text: "später", At: t0.Add(time.Hour)}, CodeTimeInFuture},
		{"unknown incident", handbook.LogEntry{IncidentID: "nope", Kind: handbook.LogNote, Text: "x"}, CodeUnknownIncident},
	}
	for _, tt := range tests {
		t.Run("log "+tt.name, func(t *testing.T) {
			e := tt.entry
			if e.IncidentID == "" {
				e.IncidentID = inc.ID
			}
			e.Author = "Eva"
			got, err := o.Log(ctx, e)
			if codeOf(err) != tt.want || (tt.want == "" && err != nil) {
				t.Fatalf("Log: %v, want %q", err, tt.want)
			}
			if tt.want == "" && (got.ID == "" || got.Text != "Firewall-Regeln verschärft" && got.Kind == handbook.LogNote) {
				t.Errorf("logged %+v", got)
			}
		})
	}
	if _, err := o.Log(ctx, handbook.LogEntry{IncidentID: inc.ID, Kind: handbook.LogEscalation, Level: 1, Text: "x"}); err == nil {
		t.Error("Log took an escalation entry; escalations go through Escalate")
	}

	actionsBefore := count[handbook.Action](t, o)
	req := CloseIncident{IncidentID: inc.ID, Summary: "Angriff abgewehrt", Lessons: "DDoS-Schutz früher aktivieren",
		LessonsLabel: "Lessons Learned:", By: "Eva",
		Actions: []handbook.Action{{Title: "Vertrag mit Scrubbing-Dienst prüfen", Owner: "c1", Due: t0.AddDate(0, 1, 0)}, {Title: "Runbook ergänzen"}}}
	bad := req
	bad.Actions = append(slices.Clone(req.Actions), handbook.Action{Title: " "})
	if _, err := o.CloseIncident(ctx, bad); codeOf(err) != CodeNoActionTitle {
		t.Fatalf("close with an untitled action: %v, want %q", err, CodeNoActionTitle)
	}
	// Issue 14, defect 5: the GDPR reports are open; closing needs a
	// decision, which names them and is logged.
	entriesBefore := count[handbook.LogEntry](t, o)
	_, err = o.CloseIncident(ctx, req)
	var open *ReportsOpenError
	if codeOf(err) != CodeReportsOpen || !errors.As(err, &open) || len(open.Reports) != 2 ||
		open.Reports[0].Clock != handbook.ClockGDPR33 || open.Reports[1].Clock != handbook.ClockGDPR34 {
		t.Fatalf("close with open reports: %v, want %q naming Art. 33 and 34", err, CodeReportsOpen)
	}
	if count[handbook.LogEntry](t, o) != entriesBefore || count[handbook.Action](t, o) != actionsBefore {
		t.Fatal("a refused close wrote records")
	}
	req.ReportsOpenOK, req.ReportsOpenReason = true, "DSB prüft, ob eine Meldung nötig ist"
	closed, err := o.CloseIncident(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	decided := 0
	for _, e := range logOfT(t, o, closed) {
		if e.Kind == handbook.LogReportsOpen && e.Text == req.ReportsOpenReason && e.Author == "Eva" {
			decided++
		}
	}
	if decided != 2 {
		t.Errorf("%d logged decisions to leave a report open, want 2", decided)
	}
	if closed.Open() || closed.Summary != "Angriff abgewehrt" {
		t.Errorf("closed incident %+v", closed)
	}
	actions, err := store.List[handbook.Action](ctx, o.st)
	if err != nil {
		t.Fatal(err)
	}
	var mine []handbook.Action
	for _, a := range actions {
		if a.SourceID == inc.ID {
			mine = append(mine, a)
		}
	}
	if len(actions) != actionsBefore+2 || len(mine) != 2 {
		t.Fatalf("%d actions (%d before), %d from the incident; want the two", len(actions), actionsBefore, len(mine))
	}
	for _, a := range mine {
		if a.Finding != "DDoS-Schutz früher aktivieren" || a.Status != handbook.ActionOpen || a.SourceKind != string(handbook.EntityIncident) {
			t.Errorf("action %+v", a)
		}
	}
	log = logOfT(t, o, closed)
	last := log[len(log)-2:]
	if last[0].Kind != handbook.LogNote || last[0].Text != "Lessons Learned: DDoS-Schutz früher aktivieren" ||
		last[1].Kind != handbook.LogClose || last[1].Text != "Angriff abgewehrt" {
		t.Errorf("log ends with %+v", last)
	}

	// A closed incident: closing again, escalating and notes are refused,
	// reports are still taken.
	n := count[handbook.LogEntry](t, o)
	if _, err := o.CloseIncident(ctx, req); codeOf(err) != CodeIncidentClosed {
		t.Errorf("second close: %v, want %q", err, CodeIncidentClosed)
	}
	if _, err := o.Escalate(ctx, Escalate{IncidentID: inc.ID, Level: 4}); codeOf(err) != CodeIncidentClosed {
		t.Errorf("escalate a closed incident: %v, want %q", err, CodeIncidentClosed)
	}
	if _, err := o.Log(ctx, handbook.LogEntry{IncidentID: inc.ID, Kind: handbook.LogNote, Text: "noch was"}); codeOf(err) != CodeIncidentClosed {
		t.Errorf("note on a closed incident: %v, want %q", err, CodeIncidentClosed)
	}
	if got := count[handbook.LogEntry](t, o); got != n {
		t.Errorf("%d log entries after refused writes, want %d", got, n)
	}
	if got := count[handbook.Action](t, o); got != actionsBefore+2 {
		t.Errorf("a refused close wrote actions: %d, want %d", got, actionsBefore+2)
	}
	if _, err := o.Log(ctx, handbook.LogEntry{IncidentID: inc.ID, Kind: handbook.LogReport, Clock: handbook.ClockGDPR33,
		Text: "Meldung an die Aufsichtsbehörde", At: t0.Add(-time.Minute)}); err != nil {
		t.Errorf("report after close: %v", err)
	}
	d := handbook.Deadlines(closed, logOfT(t, o, closed), time.UTC)
	if len(d) != 2 || !d[0].Done() || d[1].Done() {
		t.Errorf("deadlines after the report: %+v", d)
	}
	if err := o.WaiveReport(ctx, WaiveReport{IncidentID: inc.ID, Clock: handbook.ClockGDPR34, Reason: " "}); codeOf(err) != CodeNoReason {
		t.Errorf("waive without reason: %v", err)
	}
	if err := o.WaiveReport(ctx, WaiveReport{IncidentID: inc.ID, Clock: handbook.ClockGDPR33, Reason: "x"}); codeOf(err) != CodeReportDone {
		t.Errorf("waive a sent report: %v", err)
	}
	if err := o.WaiveReport(ctx, WaiveReport{IncidentID: inc.ID, Clock: handbook.ClockDORAInitial, Reason: "x"}); codeOf(err) != CodeNotOwed {
		t.Errorf("waive a report the incident does not owe: %v", err)
	}
	if err := o.WaiveReport(ctx, WaiveReport{IncidentID: inc.ID, Clock: handbook.ClockGDPR34, Reason: "kein hohes Risiko", By: "Henrik"}); err != nil {
		t.Fatalf("waive after close: %v", err)
	}
	if open := handbook.OpenReports(closed, logOfT(t, o, closed), time.UTC); len(open) != 0 {
		t.Errorf("open reports after sending and waiving: %+v", open)
	}
}

func TestFindIncident(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	a, err := o.StartIncident(ctx, StartIncident{Title: "A"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := o.StartIncident(ctx, StartIncident{Title: "B"})
	if err != nil {
		t.Fatal(err)
	}
	common := 0
	for common < len(a.ID) && a.ID[common] == b.ID[common] {
		common++
	}
	tests := []struct {
		name, id string
		want     string
		code     Code
	}{
		{"full ID", a.ID, a.ID, ""},
		{"unique prefix", b.ID[:common+1], b.ID, ""},
		{"shared prefix", a.ID[:common], "", CodeAmbiguousIncident},
		{"unknown", "zzz", "", CodeUnknownIncident},
		{"empty", "", "", CodeUnknownIncident},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := o.FindIncident(ctx, tt.id)
			if codeOf(err) != tt.code || got.ID != tt.want {
				t.Errorf("FindIncident(%q) = %s, %v; want %s, %q", tt.id, got.ID, err, tt.want, tt.code)
			}
		})
	}
}
