package handbook

import (
	"strings"
	"testing"
	"time"
)

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("time zone data missing: %v", err)
	}
	return loc
}

func TestChecklistLatestTickWins(t *testing.T) {
	start := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	body := "## Sofortmaßnahmen\n- [ ] Server isolieren @IT-Lead (15 min)\n- [ ] Krisenstab alarmieren (30 min)\n- [ ] Protokoll beginnen\n"
	inc := Incident{Record: Record{ID: "i"}, StartedAt: start, PlaybookSnapshot: body}
	items := Checklist(inc, nil)
	if len(items) != 3 {
		t.Fatalf("%d steps, want 3", len(items))
	}
	k0, k1 := items[0].Key, items[1].Key
	log := []LogEntry{
		// Two laptops tick and untick; entries arrive out of order.
		{Record: Record{ID: "b"}, IncidentID: "i", Kind: LogUnstep, StepKey: k0, At: start.Add(10 * time.Minute), Author: "B"},
		{Record: Record{ID: "a"}, IncidentID: "i", Kind: LogStep, StepKey: k0, At: start.Add(5 * time.Minute), Author: "A"},
		{Record: Record{ID: "c"}, IncidentID: "i", Kind: LogStep, StepKey: k0, At: start.Add(12 * time.Minute), Author: "C"},
		{Record: Record{ID: "d"}, IncidentID: "i", Kind: LogStep, StepKey: k1, At: start.Add(7 * time.Minute), Author: "A"},
		{Record: Record{ID: "e"}, IncidentID: "other", Kind: LogUnstep, StepKey: k1, At: start.Add(9 * time.Minute)},
	}
	items = Checklist(inc, log)
	if !items[0].Done || items[0].By != "C" || !items[0].At.Equal(start.Add(12*time.Minute)) {
		t.Errorf("step 1: %+v, want ticked by C at +12 min", items[0])
	}
	if !items[1].Done {
		t.Error("another incident's untick changed this incident")
	}
	now := start.Add(20 * time.Minute)
	if items[0].Overdue(now) || items[1].Overdue(now) {
		t.Error("done steps are never overdue")
	}
	if items[2].Overdue(start.Add(48 * time.Hour)) {
		t.Error("a step without time target is never overdue")
	}
	open := Checklist(inc, nil)
	if !open[0].Overdue(now) || open[1].Overdue(now) {
		t.Errorf("15-min step must be overdue after 20 min, 30-min step not: %+v", open[:2])
	}
}

func TestNotifyOnDutyAndTemplates(t *testing.T) {
	hb := Handbook{
		Settings: Settings{Organisation: "Nordlicht Commerce GmbH"},
		Contacts: []Contact{
			{Record: Record{ID: "c1"}, Name: "Anna Primär", Email: "anna@example.com"}, // no phone
			{Record: Record{ID: "c2"}, Name: "Bernd Vertreter", PhoneMobile: "+49 30 23125 402"},
			{Record: Record{ID: "c3", Deleted: true}, Name: "Gelöscht", PhoneMobile: "+49 30 23125 403"},
		},
		Roles: []Role{
			{Record: Record{ID: "r1"}, Name: "Incident-Owner", Holders: []string{"c3", "c1", "c2"}},
			{Record: Record{ID: "r2"}, Name: "Kommunikation", Holders: []string{"c2"}},
		},
		Escalation: []EscalationLevel{{Record: Record{ID: "e2"}, Level: 2, DecidedBy: "r1", Notify: []string{"r2", "r1"}}},
	}
	now := time.Date(2026, 11, 26, 1, 30, 0, 0, time.UTC)
	got := Notify(hb, 2, now)
	if len(got) != 2 || got[0].Duty.Role.ID != "r1" || got[1].Duty.Role.ID != "r2" {
		t.Fatalf("notify: %+v", got)
	}
	// The person on duty (the first holder reachable by phone) comes first,
	// then the other holders in order; deleted contacts are skipped.
	if len(got[0].Contacts) != 2 || got[0].Contacts[0].ID != "c2" || got[0].Contacts[1].ID != "c1" {
		t.Errorf("call order %+v, want Bernd (on duty), then Anna", got[0].Contacts)
	}
	if d := OnDutyAt(hb, hb.Roles[0], now); d.Contact.ID != "c2" || d.Source != DutyHolder || !d.Deputy {
		t.Errorf("on duty %+v, want the first deputy reachable by phone", d)
	}
	if len(Notify(hb, 3, now)) != 0 {
		t.Error("unknown level notifies someone")
	}
	inc := Incident{Title: "Ransomware auf Fileserver", StartedAt: now, OwnerRole: "r1"}
	tpl := CommTemplate{Subject: "[{{company.name}}] {{incident.title}}",
		Body: "Seit {{incident.started}} Uhr … Ansprechpartner: {{contact.name}}, {{contact.phone}}. Nächstes Update: {{next_update}}"}
	subject, body := Message{Handbook: hb, Incident: inc, At: now, Loc: berlin(t)}.Fill(tpl)
	if subject != "[Nordlicht Commerce GmbH] Ransomware auf Fileserver" {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"26.11.2026 02:30", "Bernd Vertreter", "+49 30 23125 402", "{{next_update}}"} {
		if !strings.Contains(body, want) {
			t.Errorf("body %q lacks %q", body, want)
		}
	}
}

func TestStartIncident(t *testing.T) {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	pb := Playbook{Record: Record{ID: "p1"}, Title: "Ransomware", Severity: SeverityCritical, Body: "## A\n- [ ] x\n"}
	inc, entry := StartIncident(&pb, "", now, time.Time{}, "Jörg")
	if inc.Title != "Ransomware" || inc.PlaybookSnapshot != pb.Body || inc.Severity != SeverityCritical || !inc.AwareAt.Equal(now) {
		t.Errorf("incident %+v", inc)
	}
	if entry.IncidentID != inc.ID || entry.Kind != LogStart || entry.Validate() != nil || inc.Validate() != nil {
		t.Errorf("start entry %+v (%v, %v)", entry, entry.Validate(), inc.Validate())
	}
	pb.Body = "changed later"
	if inc.PlaybookSnapshot == pb.Body {
		t.Error("snapshot follows later playbook edits")
	}
	bad := inc
	bad.AwareAt = now.Add(time.Hour)
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "aware_at") {
		t.Errorf("awareness after start: %v", err)
	}
}

func TestCurrentLevelComesFromTheLog(t *testing.T) {
	start := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	inc := Incident{Record: Record{ID: "i"}, Level: 1, StartedAt: start}
	esc := func(id string, min, level int) LogEntry {
		return LogEntry{Record: Record{ID: id}, IncidentID: "i", Kind: LogEscalation, Level: level, At: start.Add(time.Duration(min) * time.Minute)}
	}
	tests := []struct {
		name string
		log  []LogEntry
		want int
	}{
		{"no escalation: the level chosen at start", nil, 1},
		{"raised", []LogEntry{esc("a", 10, 2)}, 2},
		{"two laptops escalate, arriving out of order: the later entry holds",
			[]LogEntry{esc("b", 20, 3), esc("a", 10, 2)}, 3},
		{"lowered again", []LogEntry{esc("a", 10, 3), esc("b", 40, 2)}, 2},
		{"another incident's escalation does not count",
			[]LogEntry{{Record: Record{ID: "x"}, IncidentID: "other", Kind: LogEscalation, Level: 4, At: start}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CurrentLevel(inc, tt.log); got != tt.want {
				t.Errorf("level %d, want %d", got, tt.want)
			}
		})
	}
	hb := Handbook{LogEntries: []LogEntry{esc("a", 10, 3)}}
	if _, v := (Message{Handbook: hb, Incident: inc, Loc: time.UTC}).Fill(CommTemplate{Body: "{{incident.level}}"}); v != "3" {
		t.Errorf("template value incident.level = %q, want the level in effect, 3", v)
	}
}
