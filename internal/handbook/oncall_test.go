package handbook

import (
	"strings"
	"testing"
	"time"
)

// rosterHandbook has an IT on-call role with a weekly rotation of four
// people from Monday 2 November 2026, 09:00 Berlin time, and a holder who
// answers when the rotation names nobody.
func rosterHandbook(rot Rotation) Handbook {
	c := func(id, name string) Contact {
		return Contact{Record: Record{ID: id}, Name: name, PhoneMobile: "+49 171 39200 " + id[1:]}
	}
	return Handbook{
		Contacts: []Contact{c("c10", "Anna"), c("c11", "Bert"), c("c12", "Cem"), c("c13", "Dora"), c("c14", "Lead")},
		Roles:    []Role{{Record: Record{ID: "r"}, Name: "IT-Rufbereitschaft", Holders: []string{"c14", "c10"}, OnCall: &rot}},
	}
}

func weekly() Rotation {
	return Rotation{People: []string{"c10", "c11", "c12", "c13"}, Start: "2026-11-02", PeriodDays: 7, Handover: "09:00", Zone: "Europe/Berlin"}
}

func TestOnDutyAt(t *testing.T) {
	loc := berlin(t)
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	swap := RotationException{Kind: ExceptionSwap, From: "2026-12-07", To: "2026-12-14", Cover: "c13", Note: "Tausch"}
	holiday := RotationException{Kind: ExceptionHoliday, From: "2026-11-09", To: "2026-11-12", Person: "c11"}
	covered := RotationException{Kind: ExceptionHoliday, From: "2026-11-16", To: "2026-11-18", Person: "c12", Cover: "c10"}
	withExceptions := weekly()
	withExceptions.Exceptions = []RotationException{swap, holiday, covered}
	daily := Rotation{People: []string{"c10", "c11"}, Start: "2026-03-27", PeriodDays: 1, Handover: "02:30", Zone: "Europe/Berlin"}
	tests := []struct {
		name   string
		rot    Rotation
		at     string
		want   string
		source DutySource
		until  string
	}{
		{"before the rotation starts: the holders", weekly(), "2026-11-02 08:59", "c14", DutyHolder, ""},
		{"first hand-over", weekly(), "2026-11-02 09:00", "c10", DutyRoster, "2026-11-09 09:00"},
		{"a minute before the next hand-over", weekly(), "2026-11-09 08:59", "c10", DutyRoster, "2026-11-09 09:00"},
		{"second turn", weekly(), "2026-11-09 09:00", "c11", DutyRoster, "2026-11-16 09:00"},
		{"the rotation wraps after four weeks", weekly(), "2026-11-30 12:00", "c10", DutyRoster, "2026-12-07 09:00"},
		{"hand-over at 09:00 summer time after the clocks went forward", weekly(), "2027-03-29 08:59", "c10", DutyRoster, "2027-03-29 09:00"},
		{"and a minute later", weekly(), "2027-03-29 09:00", "c11", DutyRoster, "2027-04-05 09:00"},
		{"hand-over at 09:00 winter time after the clocks went back", weekly(), "2027-11-01 09:00", "c10", DutyRoster, "2027-11-08 09:00"},
		{"a swap puts someone else on duty for its dates", withExceptions, "2026-12-08 03:00", "c13", DutyException, "2026-12-14 09:00"},
		{"the week after the swap is as scheduled", withExceptions, "2026-12-14 09:00", "c12", DutyRoster, "2026-12-21 09:00"},
		{"a holiday without cover: the next in the rotation", withExceptions, "2026-11-10 12:00", "c12", DutyException, "2026-11-12 09:00"},
		{"the holiday ends at the hand-over time of its last date", withExceptions, "2026-11-12 09:00", "c11", DutyRoster, "2026-11-16 09:00"},
		{"a holiday with a named cover", withExceptions, "2026-11-17 20:00", "c10", DutyException, "2026-11-18 09:00"},
		{"a hand-over at 02:30 on the night 02:30 does not exist happens when the clock jumps", daily, "2026-03-29 03:10", "c10", DutyRoster, "2026-03-30 02:30"},
		{"just before it", daily, "2026-03-29 01:59", "c11", DutyRoster, "2026-03-29 03:00"},
		{"a hand-over at 02:30 on the night 02:30 happens twice is the first", Rotation{People: []string{"c10", "c11"}, Start: "2026-10-23", PeriodDays: 1, Handover: "02:30", Zone: "Europe/Berlin"},
			"2026-10-24 12:00", "c11", DutyRoster, "2026-10-25 02:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hb := rosterHandbook(tt.rot)
			d := OnDutyAt(hb, hb.Roles[0], at(tt.at))
			if d.Contact.ID != tt.want || d.Source != tt.source {
				t.Fatalf("on duty %s (source %d), want %s (source %d)", d.Contact.ID, d.Source, tt.want, tt.source)
			}
			if tt.until != "" {
				if got := d.Shift.To.In(loc).Format("2006-01-02 15:04"); got != tt.until {
					t.Errorf("shift ends %s, want %s", got, tt.until)
				}
			}
			// Every laptop computes the same person, whatever its own zone.
			ny, err := time.LoadLocation("America/New_York")
			if err != nil {
				t.Fatal(err)
			}
			if other := OnDutyAt(hb, hb.Roles[0], at(tt.at).In(ny)); other.Contact.ID != tt.want {
				t.Errorf("in New York time: %s, want %s", other.Contact.ID, tt.want)
			}
		})
	}
}

func TestOnDutyFallsBackToHolders(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	rot := weekly()
	hb := rosterHandbook(rot)
	hb.Contacts[0].Deleted = true // Anna, on duty in that week, left
	d := OnDutyAt(hb, hb.Roles[0], now)
	if d.Contact.ID != "c14" || d.Source != DutyHolder {
		t.Errorf("a deleted person on the roster: %+v, want the first holder", d)
	}
	order := CallOrder(hb, hb.Roles[0], now)
	if len(order) != 1 || order[0].ID != "c14" {
		t.Errorf("call order %+v", order)
	}
	hb = rosterHandbook(rot)
	order = CallOrder(hb, hb.Roles[0], now)
	if len(order) != 2 || order[0].ID != "c10" || order[1].ID != "c14" {
		t.Errorf("call order %+v, want the person on duty, then the holders without them", order)
	}
	empty := Role{Name: "Leer"}
	if OnDutyAt(hb, empty, now).OnDuty() || CallOrder(hb, empty, now) != nil {
		t.Error("a role without holders has someone on duty")
	}
}

func TestSchedule(t *testing.T) {
	loc := berlin(t)
	rot := weekly()
	rot.Exceptions = []RotationException{
		{Kind: ExceptionSwap, From: "2026-12-07", To: "2026-12-14", Cover: "c13"},
		{Kind: ExceptionHoliday, From: "2026-11-03", To: "2026-11-05", Person: "c12"}, // not on duty then
	}
	from := time.Date(2026, 11, 4, 12, 0, 0, 0, loc)
	shifts := rot.Schedule(from, 8*7*24*time.Hour)
	var got []string
	for _, s := range shifts {
		got = append(got, s.From.In(loc).Format("01-02")+" "+s.ContactID)
	}
	want := "11-02 c10|11-09 c11|11-16 c12|11-23 c13|11-30 c10|12-07 c13|12-14 c12|12-21 c13|12-28 c10"
	if strings.Join(got, "|") != want {
		t.Errorf("schedule\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	if shifts[5].Exception == nil || shifts[5].Scheduled != "c11" {
		t.Errorf("the swapped week must name the exception and whom it replaces: %+v", shifts[5])
	}
	early := weekly().Schedule(time.Date(2026, 10, 20, 0, 0, 0, 0, loc), 14*24*time.Hour)
	if len(early) != 1 || early[0].ContactID != "c10" {
		t.Errorf("a schedule from before the start begins at the first hand-over: %+v", early)
	}
	hb := rosterHandbook(rot)
	hb.Roles = append(hb.Roles, Role{Record: Record{ID: "plain"}, Name: "Ohne Plan"})
	if rows := Rosters(hb, from, 7*24*time.Hour); len(rows) != 1 || rows[0].Role.ID != "r" {
		t.Errorf("rosters %+v, want only the role with a rotation", rows)
	}
}

func TestRotationValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Rotation)
		want string
	}{
		{"valid", func(*Rotation) {}, ""},
		{"nobody", func(r *Rotation) { r.People = nil }, "names nobody"},
		{"bad start", func(r *Rotation) { r.Start = "02.11.2026" }, "not a date"},
		{"zero period", func(r *Rotation) { r.PeriodDays = 0 }, "1 to 366 days"},
		{"bad hand-over", func(r *Rotation) { r.Handover = "9 Uhr" }, "not a time of day"},
		{"hand-over 24:00", func(r *Rotation) { r.Handover = "24:00" }, "not a time of day"},
		{"unknown zone", func(r *Rotation) { r.Zone = "Mars/Olympus" }, "unknown time zone"},
		{"exception ends before it starts", func(r *Rotation) {
			r.Exceptions = []RotationException{{Kind: ExceptionSwap, From: "2026-12-14", To: "2026-12-07", Cover: "c13"}}
		}, "not after its start"},
		{"swap without cover", func(r *Rotation) {
			r.Exceptions = []RotationException{{Kind: ExceptionSwap, From: "2026-12-07", To: "2026-12-14"}}
		}, "needs the person who takes over"},
		{"holiday without person", func(r *Rotation) {
			r.Exceptions = []RotationException{{Kind: ExceptionHoliday, From: "2026-12-07", To: "2026-12-14"}}
		}, "needs the person who is away"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rot := weekly()
			tt.edit(&rot)
			err := Role{Name: "X", OnCall: &rot}.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// A person on the rotation who was deleted since leaves no week of the
// printed or shown roster without a name: the role's holder on duty takes
// the shift, and Missing says whom the plan named. The hand-over to them
// names the holder too.
func TestRosterWithADeletedPerson(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC) // Anna's week
	hb := rosterHandbook(weekly())
	hb.Contacts[2].Deleted = true // Cem, on duty from 14 December, left
	rows := Rosters(hb, now, 3*7*24*time.Hour)
	if len(rows) != 1 || len(rows[0].Shifts) != 4 {
		t.Fatalf("rosters %+v, want one role with four shifts", rows)
	}
	want := []struct{ who, missing string }{{"c10", ""}, {"c11", ""}, {"c14", "c12"}, {"c13", ""}}
	for i, w := range want {
		s := rows[0].Shifts[i]
		if s.ContactID != w.who || s.Missing != w.missing {
			t.Errorf("shift %d from %s: %s (missing %q), want %s (missing %q)", i, s.From.Format(time.DateTime), s.ContactID, s.Missing, w.who, w.missing)
		}
	}
	bert := time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)
	if d := OnDutyAt(hb, hb.Roles[0], bert); d.Next.ID != "c14" {
		t.Errorf("hand-over from Bert goes to %q, want the holder c14 standing in for the deleted Cem", d.Next.ID)
	}
	// With no holder either, the shift names nobody but still says whom
	// the plan named.
	hb.Roles[0].Holders = nil
	if s := RoleSchedule(hb, hb.Roles[0], now, 3*7*24*time.Hour)[2]; s.ContactID != "" || s.Missing != "c12" {
		t.Errorf("no holder: shift %+v, want nobody and Missing c12", s)
	}
}
