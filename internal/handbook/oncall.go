package handbook

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // rotations name their time zone; Windows has no zone database of its own
)

// Rotation is a role's on-call roster (Bereitschaftsplan): the people take
// turns, each for PeriodDays days, handing over at Handover o'clock in
// Zone. Exceptions (holidays, swaps) change who is on duty between two
// hand-overs.
//
// Dates and the hand-over time are wall-clock values of Zone, not instants:
// a weekly hand-over on Monday 09:00 stays at 09:00 across daylight saving
// changes, and every laptop computes the same roster whatever its own time
// zone.
type Rotation struct {
	// People are contact IDs in the order they take turns.
	People []string `json:"people"`
	// Start is the date of the first hand-over to People[0] (YYYY-MM-DD).
	Start string `json:"start"`
	// PeriodDays is the length of a turn; 7 for a weekly rotation.
	PeriodDays int `json:"period_days"`
	// Handover is the time of day of every hand-over (HH:MM).
	Handover string `json:"handover"`
	// Zone is the IANA time zone of Start, Handover and the exceptions'
	// dates ("Europe/Berlin"); empty means the computer's own zone.
	Zone       string              `json:"zone,omitempty"`
	Exceptions []RotationException `json:"exceptions,omitempty"`
}

// Kinds of rotation exceptions.
const (
	// ExceptionSwap puts Cover on duty instead of whoever the rotation
	// names (or only instead of Person, when given).
	ExceptionSwap = "swap"
	// ExceptionHoliday takes Person off duty; Cover, or else the next
	// person in the rotation who is not away, takes over.
	ExceptionHoliday = "holiday"
)

// ExceptionKinds lists the kinds of rotation exceptions.
var ExceptionKinds = []string{ExceptionSwap, ExceptionHoliday}

// RotationException changes the roster from the hand-over on From until
// the hand-over on To (both YYYY-MM-DD in the rotation's zone).
type RotationException struct {
	Kind string `json:"kind"`
	From string `json:"from"`
	To   string `json:"to"`
	// Person is who is away (holiday) or who is replaced (swap; empty
	// replaces whoever is scheduled).
	Person string `json:"person,omitempty"`
	// Cover is who is on duty instead.
	Cover string `json:"cover,omitempty"`
	Note  string `json:"note,omitempty"`
}

// Layouts of rotation dates and hand-over times.
const (
	RotationDateLayout  = "2006-01-02"
	RotationClockLayout = "15:04"
)

// Active reports whether the rotation names anyone.
func (r *Rotation) Active() bool { return r != nil && len(r.People) > 0 }

// Location is the rotation's time zone; the computer's when unset or
// unknown.
func (r Rotation) Location() *time.Location {
	if r.Zone == "" {
		return time.Local
	}
	if loc, err := time.LoadLocation(r.Zone); err == nil {
		return loc
	}
	return time.Local
}

// validate checks a rotation as part of its role.
func (r Rotation) validate(p *problems) {
	const f = "on_call"
	if len(r.People) == 0 {
		p.add(f, "names nobody: add the people who take turns")
	}
	p.ids(f, r.People)
	if _, err := time.Parse(RotationDateLayout, r.Start); err != nil {
		p.add(f, "start %q is not a date (YYYY-MM-DD)", r.Start)
	}
	if r.PeriodDays < 1 || r.PeriodDays > 366 {
		p.add(f, "a turn must last 1 to 366 days (is %d)", r.PeriodDays)
	}
	if _, _, ok := parseClock(r.Handover); !ok {
		p.add(f, "hand-over time %q is not a time of day (HH:MM)", r.Handover)
	}
	if r.Zone != "" {
		if _, err := time.LoadLocation(r.Zone); err != nil {
			p.add(f, "unknown time zone %q", r.Zone)
		}
	}
	for i, e := range r.Exceptions {
		n := i + 1
		if !slices.Contains(ExceptionKinds, e.Kind) {
			p.add(f, "exception %d: unknown kind %q (allowed: %s)", n, e.Kind, strings.Join(ExceptionKinds, ", "))
		}
		from, err1 := time.Parse(RotationDateLayout, e.From)
		to, err2 := time.Parse(RotationDateLayout, e.To)
		switch {
		case err1 != nil || err2 != nil:
			p.add(f, "exception %d: dates must be YYYY-MM-DD", n)
		case !to.After(from):
			p.add(f, "exception %d: ends on %s, not after its start on %s", n, e.To, e.From)
		}
		switch {
		case e.Kind == ExceptionSwap && e.Cover == "":
			p.add(f, "exception %d: a swap needs the person who takes over", n)
		case e.Kind == ExceptionHoliday && e.Person == "":
			p.add(f, "exception %d: a holiday needs the person who is away", n)
		case e.Person != "" && e.Person == e.Cover:
			p.add(f, "exception %d: a person cannot stand in for themselves", n)
		}
	}
}

// parseClock reads "HH:MM".
func parseClock(s string) (h, m int, ok bool) {
	hs, ms, found := strings.Cut(strings.TrimSpace(s), ":")
	if !found {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || len(ms) != 2 {
		return 0, 0, false
	}
	return h, m, true
}

// civil is a calendar date without a zone, counted in days.
type civil struct{ y, m, d int }

func civilOf(t time.Time) civil {
	y, m, d := t.Date()
	return civil{y, int(m), d}
}

func parseCivil(s string) (civil, bool) {
	t, err := time.Parse(RotationDateLayout, s)
	if err != nil {
		return civil{}, false
	}
	return civilOf(t), true
}

// days counts the days since 1 Jan 1970 (proleptic Gregorian).
func (c civil) days() int {
	return int(time.Date(c.y, time.Month(c.m), c.d, 12, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (c civil) add(n int) civil {
	return civilOf(time.Date(c.y, time.Month(c.m), c.d+n, 12, 0, 0, 0, time.UTC))
}

// at is the hand-over instant on that date. A hand-over time that a
// daylight saving change skips (02:30 on the night the clocks go forward)
// happens when the clock jumps; one that occurs twice (the night they go
// back) happens the first time.
func (c civil) at(h, m int, loc *time.Location) time.Time {
	t := time.Date(c.y, time.Month(c.m), c.d, h, m, 0, 0, loc)
	want, got := h*60+m, t.Hour()*60+t.Minute()
	switch {
	case got > want: // normalised past the gap
		start, _ := t.ZoneBounds()
		return start
	case got < want: // normalised before the gap
		_, end := t.ZoneBounds()
		return end
	}
	if e := t.Add(-time.Hour); e.Hour() == h && e.Minute() == m && e.Day() == c.d {
		return e
	}
	return t
}

// Shift is one stretch of the roster with the person on duty.
type Shift struct {
	From, To time.Time
	// ContactID is who is on duty; Scheduled is whom the rotation names,
	// when an exception put someone else on duty.
	ContactID string
	Scheduled string
	// Exception is the exception in force, if any.
	Exception *RotationException
	// Missing is the person the rotation names who is no longer in the
	// handbook (deleted since); ContactID is then the role's holder on
	// duty instead, empty when the role has none. Set by RoleSchedule.
	Missing string
}

// turn is whom the rotation itself names at t, and the turn's bounds; ok
// is false before the rotation starts or when it is not usable.
func (r Rotation) turn(t time.Time) (id string, from, to time.Time, ok bool) {
	h, m, okc := parseClock(r.Handover)
	start, oks := parseCivil(r.Start)
	if !okc || !oks || r.PeriodDays < 1 || len(r.People) == 0 {
		return "", time.Time{}, time.Time{}, false
	}
	loc := r.Location()
	day := civilOf(t.In(loc))
	if t.Before(day.at(h, m, loc)) {
		day = day.add(-1)
	}
	n := day.days() - start.days()
	if n < 0 {
		return "", time.Time{}, time.Time{}, false
	}
	k := n / r.PeriodDays
	first := start.add(k * r.PeriodDays)
	return r.People[k%len(r.People)], first.at(h, m, loc), first.add(r.PeriodDays).at(h, m, loc), true
}

// whoAt is who is on duty at t, with the exception that put them there.
func (r Rotation) whoAt(t time.Time) (id, scheduled string, exc *RotationException, ok bool) {
	scheduled, _, _, ok = r.turn(t)
	if !ok {
		return "", "", nil, false
	}
	h, m, _ := parseClock(r.Handover)
	loc := r.Location()
	id = scheduled
	// Swaps first, then holidays of whoever that leaves on duty.
	for i := range r.Exceptions {
		e := &r.Exceptions[i]
		if e.Kind == ExceptionSwap && r.covers(e, t, h, m, loc) && (e.Person == "" || e.Person == id) {
			id, exc = e.Cover, e
			break
		}
	}
	for range len(r.People) + 1 {
		e := r.awayAt(id, t, h, m, loc)
		if e == nil {
			break
		}
		exc = e
		if e.Cover != "" && r.awayAt(e.Cover, t, h, m, loc) == nil {
			id = e.Cover
			break
		}
		id = r.next(id)
	}
	return id, scheduled, exc, true
}

// dutyAt is the shift that holds at t: from the last change of who is on
// duty (a hand-over, or an exception beginning or ending) to the next.
func (r Rotation) dutyAt(t time.Time) (Shift, bool) {
	id, scheduled, exc, ok := r.whoAt(t)
	if !ok {
		return Shift{}, false
	}
	_, from, to, _ := r.turn(t)
	s := Shift{From: from, To: to, ContactID: id, Scheduled: scheduled, Exception: exc}
	same := func(x time.Time) bool {
		i, _, e, ok := r.whoAt(x)
		return ok && i == id && e == exc
	}
	h, m, _ := parseClock(r.Handover)
	loc := r.Location()
	for i := range r.Exceptions {
		e := &r.Exceptions[i]
		for _, date := range []string{e.From, e.To} {
			c, ok := parseCivil(date)
			if !ok {
				continue
			}
			x := c.at(h, m, loc)
			switch {
			case x.After(s.From) && !x.After(t) && !same(x.Add(-time.Nanosecond)):
				s.From = x
			case x.After(t) && x.Before(s.To) && !same(x):
				s.To = x
			}
		}
	}
	return s, true
}

// covers reports whether the exception holds at t.
func (r Rotation) covers(e *RotationException, t time.Time, h, m int, loc *time.Location) bool {
	ef, ok1 := parseCivil(e.From)
	et, ok2 := parseCivil(e.To)
	return ok1 && ok2 && !t.Before(ef.at(h, m, loc)) && t.Before(et.at(h, m, loc))
}

// awayAt is the holiday that takes id off duty at t, or nil.
func (r Rotation) awayAt(id string, t time.Time, h, m int, loc *time.Location) *RotationException {
	for i := range r.Exceptions {
		e := &r.Exceptions[i]
		if e.Kind == ExceptionHoliday && e.Person == id && r.covers(e, t, h, m, loc) {
			return e
		}
	}
	return nil
}

// next is the person after id in the rotation's order (the first when id
// is not in it).
func (r Rotation) next(id string) string {
	i := slices.Index(r.People, id)
	return r.People[(i+1)%len(r.People)]
}

// Schedule lists the shifts from t until t+d, each with the person on
// duty; the first starts at or before t. Shifts of the same person that
// follow each other stay apart where an exception begins or ends.
func (r Rotation) Schedule(t time.Time, d time.Duration) []Shift {
	var out []Shift
	end := t.Add(d)
	for at := t; at.Before(end) && len(out) < 1000; {
		s, ok := r.dutyAt(at)
		if !ok {
			start, oks := parseCivil(r.Start)
			h, m, okc := parseClock(r.Handover)
			if !oks || !okc {
				return out
			}
			first := start.at(h, m, r.Location())
			if !first.After(at) {
				return out
			}
			at = first
			continue
		}
		if n := len(out); n > 0 && out[n-1].ContactID == s.ContactID && out[n-1].Exception == s.Exception && out[n-1].To.Equal(s.From) {
			out[n-1].To = s.To
		} else {
			out = append(out, s)
		}
		at = s.To
	}
	return out
}

// DutySource says how the person on duty was found.
type DutySource int

// Sources of the person on duty.
const (
	// DutyNone: the role has nobody who could be on duty.
	DutyNone DutySource = iota
	// DutyRoster: the role's rotation names the person.
	DutyRoster
	// DutyException: a holiday or swap of the rotation put the person on duty.
	DutyException
	// DutyHolder: the role's holders, in order (no rotation, or it names
	// nobody at that time).
	DutyHolder
)

// Duty is who is on duty for a role at a point in time.
type Duty struct {
	Role    Role
	Contact Contact
	Source  DutySource
	// Deputy is true when a holder other than the primary is on duty
	// because the primary has no phone number.
	Deputy bool
	// Shift is the roster's shift (Source DutyRoster or DutyException).
	Shift Shift
	// Next is who takes over at Shift.To (the zero Contact without a
	// roster).
	Next Contact
}

// OnDuty reports whether anyone is on duty.
func (d Duty) OnDuty() bool { return d.Source != DutyNone }

// OnDutyAt is who is on duty for role r at time t: the person the role's
// on-call rotation names (with its holidays and swaps), else the role's
// holders in order — the first who can be reached by phone, else the
// first. It is the one answer to "whom do we call" that the call tree, the
// escalation dialog, the incident owner, message templates and the binder
// share.
func OnDutyAt(hb Handbook, r Role, t time.Time) Duty {
	return onDutyAt(scanContacts(hb), r, t)
}

// onDutyAt is OnDutyAt with the live contacts found by contacts.
func onDutyAt(contacts contactLookup, r Role, t time.Time) Duty {
	d := Duty{Role: r}
	if r.OnCall.Active() {
		if s, ok := r.OnCall.dutyAt(t); ok {
			if c, ok := contacts(s.ContactID); ok {
				d.Contact, d.Shift, d.Source = c, s, DutyRoster
				if s.Exception != nil {
					d.Source = DutyException
				}
				if n, ok := r.OnCall.dutyAt(s.To); ok {
					next, ok := contacts(n.ContactID)
					if !ok {
						next, _, _ = holderOnDuty(contacts, r)
					}
					d.Next = next
				}
				return d
			}
		}
	}
	if c, deputy, ok := holderOnDuty(contacts, r); ok {
		d.Contact, d.Source, d.Deputy = c, DutyHolder, deputy
	}
	return d
}

// holderOnDuty is the role's first holder who can be reached by phone,
// else its first holder; deputy is true when that is not the primary.
func holderOnDuty(contacts contactLookup, r Role) (c Contact, deputy, ok bool) {
	hs := holders(contacts, r)
	for i, c := range hs {
		if len(c.Phones()) > 0 {
			return c, i > 0, true
		}
	}
	if len(hs) > 0 {
		return hs[0], false, true
	}
	return Contact{}, false, false
}

// RoleSchedule is role r's on-call roster from t for d as people will be
// called: a shift whose person is no longer in the handbook (deleted
// after the roster was made) names the role's holder on duty instead,
// and Missing says whom the rotation named, so that the printed roster
// never leaves a week without a name or a number.
func RoleSchedule(hb Handbook, r Role, t time.Time, d time.Duration) []Shift {
	if !r.OnCall.Active() {
		return nil
	}
	contacts := indexContacts(hb)
	shifts := r.OnCall.Schedule(t, d)
	for i := range shifts {
		s := &shifts[i]
		if _, ok := contacts(s.ContactID); ok {
			continue
		}
		s.Missing, s.ContactID = s.ContactID, ""
		if c, _, ok := holderOnDuty(contacts, r); ok {
			s.ContactID = c.ID
		}
	}
	return shifts
}

// CallOrder is whom to call for a role at t, in order: the person on duty
// first, then the role's holders (primary, then deputies) who are not that
// person.
func CallOrder(hb Handbook, r Role, t time.Time) []Contact {
	d := OnDutyAt(hb, r, t)
	if !d.OnDuty() {
		return nil
	}
	out := []Contact{d.Contact}
	for _, c := range holders(scanContacts(hb), r) {
		if c.ID != d.Contact.ID {
			out = append(out, c)
		}
	}
	return out
}

// contactLookup finds a live contact by its ID.
type contactLookup func(id string) (Contact, bool)

// scanContacts finds live contacts by going through hb's list: one answer
// about a role looks up a handful of IDs, for which a map of every contact
// (thousands in a large handbook, built anew for each answer) cost more.
func scanContacts(hb Handbook) contactLookup {
	return func(id string) (Contact, bool) {
		for i := range hb.Contacts {
			if c := &hb.Contacts[i]; c.ID == id && !c.Deleted {
				return *c, true
			}
		}
		return Contact{}, false
	}
}

// indexContacts finds live contacts through a map, for many lookups.
func indexContacts(hb Handbook) contactLookup {
	m := make(map[string]*Contact, len(hb.Contacts))
	for i := range hb.Contacts {
		if c := &hb.Contacts[i]; !c.Deleted {
			m[c.ID] = c
		}
	}
	return func(id string) (Contact, bool) {
		if c, ok := m[id]; ok {
			return *c, true
		}
		return Contact{}, false
	}
}

func holders(contacts contactLookup, r Role) []Contact {
	var out []Contact
	for _, id := range r.Holders {
		if c, ok := contacts(id); ok {
			out = append(out, c)
		}
	}
	return out
}

// RosterRow is one role's roster for a while ahead: the binder's alarm
// card and the command line print it.
type RosterRow struct {
	Role   Role
	Shifts []Shift
}

// Rosters lists the roles with an on-call rotation and their shifts from
// t for d (RoleSchedule), roles by name.
func Rosters(hb Handbook, t time.Time, d time.Duration) []RosterRow {
	var out []RosterRow
	for _, r := range hb.Roles {
		if r.Deleted || !r.OnCall.Active() {
			continue
		}
		out = append(out, RosterRow{Role: r, Shifts: RoleSchedule(hb, r, t, d)})
	}
	slices.SortFunc(out, func(a, b RosterRow) int {
		return cmp.Or(strings.Compare(Fold(a.Role.Name), Fold(b.Role.Name)), strings.Compare(a.Role.ID, b.Role.ID))
	})
	return out
}
