package handbook

import (
	"slices"
	"testing"
	"time"
)

// TestReportRules checks every rule of the reporting table, across the
// daylight saving changes of Europe/Berlin (2026: 29 March and 25
// October) and month ends. Hour periods are real hours; month periods keep
// the time of day and end on the month's last day when it lacks the date.
func TestReportRules(t *testing.T) {
	loc := berlin(t)
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	sent := func(clock, when string) LogEntry {
		return LogEntry{Record: Record{ID: clock + when}, IncidentID: "i", Kind: LogReport, Clock: clock, At: at(when), Author: "DS"}
	}
	classified := func(when string) LogEntry {
		return LogEntry{Record: Record{ID: "cl" + when}, IncidentID: "i", Kind: LogClassified, Regime: RegimeDORA, Moment: at(when), At: at(when)}
	}
	gdpr, nis2, dora := RegimeClocks(RegimeGDPR), RegimeClocks(RegimeNIS2), RegimeClocks(RegimeDORA)
	tests := []struct {
		name   string
		aware  string
		clocks []string
		log    []LogEntry
		clock  string
		want   string // local time in Berlin
	}{
		{"GDPR Art. 33: 72 h", "2026-11-26 02:00", gdpr, nil, ClockGDPR33, "2026-11-29 02:00"},
		{"GDPR Art. 33: 72 real hours across the end of summer time", "2026-10-24 10:00", gdpr, nil, ClockGDPR33, "2026-10-27 09:00"},
		{"GDPR Art. 33: across the start of summer time", "2026-03-27 10:00", gdpr, nil, ClockGDPR33, "2026-03-30 11:00"},
		{"GDPR Art. 34 reminder with the Art. 33 notification", "2026-10-24 10:00", gdpr, nil, ClockGDPR34, "2026-10-27 09:00"},
		{"NIS2 early warning: 24 real hours across the start of summer time", "2026-03-28 12:00", nis2, nil, ClockNIS2Early, "2026-03-29 13:00"},
		{"NIS2 early warning: across the end of summer time", "2026-10-24 12:00", nis2, nil, ClockNIS2Early, "2026-10-25 11:00"},
		{"NIS2 notification: 72 h", "2026-10-23 12:00", nis2, nil, ClockNIS2Notify, "2026-10-26 11:00"},
		{"NIS2 final: one month after the notification was due, 31 Jan + 1 month", "2026-01-28 09:00", nis2, nil, ClockNIS2Final, "2026-02-28 09:00"},
		{"NIS2 final: 31 Jan + 1 month in a leap year", "2028-01-28 09:00", nis2, nil, ClockNIS2Final, "2028-02-29 09:00"},
		{"NIS2 final: 31 March + 1 month is 30 April", "2026-03-25 09:00", nis2,
			[]LogEntry{sent(ClockNIS2Notify, "2026-03-31 18:00")}, ClockNIS2Final, "2026-04-30 18:00"},
		{"NIS2 final: a calendar month keeps the time of day across the start of summer time", "2026-03-07 09:00", nis2,
			[]LogEntry{sent(ClockNIS2Notify, "2026-03-10 10:00")}, ClockNIS2Final, "2026-04-10 10:00"},
		{"NIS2 final: and across the end of summer time", "2026-10-12 09:00", nis2,
			[]LogEntry{sent(ClockNIS2Notify, "2026-10-15 10:00")}, ClockNIS2Final, "2026-11-15 10:00"},
		{"NIS2 final: counted from the first notification, not an update", "2026-11-20 09:00", nis2,
			[]LogEntry{sent(ClockNIS2Notify, "2026-11-21 16:30"), sent(ClockNIS2Notify, "2026-11-25 10:00")}, ClockNIS2Final, "2026-12-21 16:30"},
		{"DORA initial: not yet classified, at the latest 24 h after awareness", "2026-11-20 09:00", dora, nil, ClockDORAInitial, "2026-11-21 09:00"},
		{"DORA initial: 4 h after classification", "2026-11-20 09:00", dora,
			[]LogEntry{classified("2026-11-20 11:00")}, ClockDORAInitial, "2026-11-20 15:00"},
		{"DORA initial: classified late on day 1, capped at 24 h after awareness", "2026-11-20 09:00", dora,
			[]LogEntry{classified("2026-11-21 07:00")}, ClockDORAInitial, "2026-11-21 09:00"},
		{"DORA initial: classified only after 24 h, 4 h from then", "2026-11-20 09:00", dora,
			[]LogEntry{classified("2026-11-22 10:00")}, ClockDORAInitial, "2026-11-22 14:00"},
		{"DORA initial: 4 real hours across the start of summer time", "2026-03-28 23:00", dora,
			[]LogEntry{classified("2026-03-29 00:30")}, ClockDORAInitial, "2026-03-29 05:30"},
		{"DORA intermediate: 72 h after the initial notification was sent", "2026-10-22 08:00", dora,
			[]LogEntry{classified("2026-10-22 09:00"), sent(ClockDORAInitial, "2026-10-22 12:00")}, ClockDORAIntermediate, "2026-10-25 11:00"},
		{"DORA intermediate: while the initial is open, 72 h after it is due", "2026-11-20 09:00", dora,
			[]LogEntry{classified("2026-11-20 10:00")}, ClockDORAIntermediate, "2026-11-23 14:00"},
		{"DORA final: one month after the latest intermediate report, 31 Jan + 1 month", "2026-01-20 09:00", dora,
			[]LogEntry{classified("2026-01-20 09:30"), sent(ClockDORAInitial, "2026-01-20 12:00"),
				sent(ClockDORAIntermediate, "2026-01-22 12:00"), sent(ClockDORAIntermediate, "2026-01-31 17:15")},
			ClockDORAFinal, "2026-02-28 17:15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := Incident{Record: Record{ID: "i"}, AwareAt: at(tt.aware), StartedAt: at(tt.aware), Clocks: tt.clocks}
			got := Deadlines(inc, tt.log, loc)
			i := slices.IndexFunc(got, func(d Deadline) bool { return d.Clock == tt.clock })
			if i < 0 {
				t.Fatalf("no %s clock among %+v", tt.clock, got)
			}
			if due := got[i].Due.In(loc).Format("2006-01-02 15:04"); due != tt.want {
				t.Errorf("%s due %s, want %s", tt.clock, due, tt.want)
			}
		})
	}
}

func TestDeadlineStates(t *testing.T) {
	loc := berlin(t)
	aware := time.Date(2026, 11, 26, 2, 0, 0, 0, loc)
	inc := Incident{Record: Record{ID: "i"}, AwareAt: aware, StartedAt: aware, Clocks: RegimeClocks(RegimeGDPR)}
	ds := Deadlines(inc, nil, loc)
	if len(ds) != 2 || ds[0].Clock != ClockGDPR33 || ds[1].Clock != ClockGDPR34 || !ds[1].Rule.Reminder || ds[0].Rule.Reminder {
		t.Fatalf("GDPR clocks %+v", ds)
	}
	d := ds[0]
	if d.Overdue(aware.Add(72*time.Hour-time.Minute)) || !d.Overdue(aware.Add(72*time.Hour+time.Minute)) {
		t.Error("overdue boundary wrong")
	}
	if left := d.Left(aware.Add(48 * time.Hour)); left != 24*time.Hour {
		t.Errorf("left %v, want 24h", left)
	}
	log := []LogEntry{
		{Record: Record{ID: "w"}, IncidentID: "i", Kind: LogWaived, Clock: ClockGDPR34, At: aware.Add(time.Hour), Author: "HL", Text: "kein hohes Risiko"},
		{Record: Record{ID: "s"}, IncidentID: "i", Kind: LogReport, Clock: ClockGDPR33, At: aware.Add(2 * time.Hour), Author: "HL"},
	}
	for _, d := range Deadlines(inc, log, loc) {
		if !d.Done() || d.Overdue(aware.Add(100*time.Hour)) {
			t.Errorf("%s: sent or waived must be done: %+v", d.Clock, d)
		}
	}
	ds = Deadlines(inc, log, loc)
	if ds[1].WaivedBy != "HL" || ds[1].Reason != "kein hohes Risiko" || !ds[1].SentAt.IsZero() {
		t.Errorf("waiver %+v", ds[1])
	}
	if open := OpenReports(inc, log[:1], loc); len(open) != 1 || open[0].Clock != ClockGDPR33 {
		t.Errorf("open reports %+v, want only Art. 33", open)
	}
	if len(Deadlines(Incident{Record: Record{ID: "i"}, AwareAt: aware}, nil, loc)) != 0 {
		t.Error("an incident without regimes owes reports")
	}
}

func TestRegimeAddedLater(t *testing.T) {
	loc := berlin(t)
	aware := time.Date(2026, 11, 20, 9, 0, 0, 0, loc)
	day2 := aware.Add(26 * time.Hour)
	inc := Incident{Record: Record{ID: "i"}, AwareAt: aware, StartedAt: aware, Clocks: RegimeClocks(RegimeNIS2)}
	added := func(id string, at time.Time) LogEntry {
		return LogEntry{Record: Record{ID: id}, IncidentID: "i", Kind: LogRegime, Regime: RegimeGDPR, Moment: at, At: day2.Add(time.Hour)}
	}
	// Two laptops add GDPR at once, with different awareness times: the
	// earlier one counts.
	log := []LogEntry{added("b", day2.Add(time.Hour)), added("a", day2)}
	runs := RegimesOf(inc, log)
	if len(runs) != 2 || runs[0].Regime != RegimeGDPR || !runs[0].AwareAt.Equal(day2) || runs[1].Regime != RegimeNIS2 || !runs[1].AwareAt.Equal(aware) {
		t.Fatalf("regimes %+v", runs)
	}
	ds := Deadlines(inc, log, loc)
	i := slices.IndexFunc(ds, func(d Deadline) bool { return d.Clock == ClockGDPR33 })
	if i < 0 || !ds[i].Due.Equal(day2.Add(72*time.Hour)) {
		t.Fatalf("GDPR Art. 33 added on day 2 must run from its own awareness: %+v", ds)
	}
	if ds[0].Clock != ClockGDPR33 || ds[len(ds)-1].Clock != ClockNIS2Final {
		t.Errorf("deadlines not in table order: %+v", ds)
	}
	drill := inc
	drill.ExerciseID = "x"
	for _, d := range Deadlines(drill, log, loc) {
		if !d.Practice {
			t.Errorf("a drill's %s is not marked practice", d.Clock)
		}
	}
	hb := Handbook{Incidents: []Incident{inc, drill}, LogEntries: log}
	hb.Incidents[1].ID = "j"
	for _, p := range PendingReports(hb, loc) {
		if p.Incident.ID != "i" {
			t.Errorf("pending report of a drill: %+v", p)
		}
	}
	if n := len(PendingReports(hb, loc)); n != 5 {
		t.Errorf("%d pending reports, want 2 GDPR + 3 NIS2", n)
	}
}

func TestEveryRuleHasAReference(t *testing.T) {
	for _, r := range ReportRules {
		if r.Reference == "" || (r.Hours == 0 && r.Months == 0) || !slices.Contains(Regimes, r.Regime) {
			t.Errorf("rule %+v incomplete", r)
		}
		if r.Basis == BasisReport {
			if _, ok := Rule(r.After); !ok {
				t.Errorf("rule %s follows unknown report %q", r.Report, r.After)
			}
		}
	}
}
