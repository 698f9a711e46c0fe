package handbook

import (
	"cmp"
	"slices"
	"time"
)

// CallLevel is who calls whom at one escalation level: the holder of the
// deciding role (or, if unreachable, the next deputy) calls the holders of
// each role to notify, primary first, then deputies in their order.
type CallLevel struct {
	Level  int
	Name   string
	Within Minutes
	// Caller is the deciding role; empty RoleID when the level names none.
	Caller CallRole
	// Calls are the roles the caller notifies, in the order the level lists
	// them; the caller's own role is left out.
	Calls []CallRole
}

// CallRole is a role with the people to try, in order.
type CallRole struct {
	RoleID string
	Role   string
	// People are the role's holders: the first is the primary, the rest
	// are the deputies to call when the one before is unreachable.
	People []CallPerson
	// Missing lists holder or role IDs that name no live record.
	Missing []string
	// Roster is true when the role has an on-call rotation: a printout
	// points to the roster; a tree computed for a time has the person on
	// duty first.
	Roster bool
}

// CallPerson is one person to call with the numbers to try, mobile first.
type CallPerson struct {
	ContactID string
	Name      string
	Numbers   []Number
	// OnDuty marks the person the on-call roster puts on duty.
	OnDuty bool
}

// CallTree computes the call tree from the escalation levels and the roles'
// holders, lowest level first. For a role with an on-call rotation, the
// person on duty at `at` comes first (OnDutyAt), then the holders; a zero
// `at` gives the holders only, for a printout that outlives the roster. It
// is a pure view: the command line prints it, the app and the binder show
// it.
func CallTree(hb Handbook, at time.Time) []CallLevel {
	live := hb.Live()
	contacts := make(map[string]*Contact, len(live.Contacts))
	for i := range live.Contacts {
		contacts[live.Contacts[i].ID] = &live.Contacts[i]
	}
	find := func(id string) (Contact, bool) {
		if c, ok := contacts[id]; ok {
			return *c, true
		}
		return Contact{}, false
	}
	roles := make(map[string]*Role, len(live.Roles))
	for i := range live.Roles {
		roles[live.Roles[i].ID] = &live.Roles[i]
	}
	chain := func(id string) CallRole {
		r, ok := roles[id]
		if !ok {
			return CallRole{RoleID: id, Missing: []string{id}}
		}
		out := CallRole{RoleID: r.ID, Role: r.Name, Roster: r.OnCall.Active()}
		if d := onDutyAt(find, *r, at); !at.IsZero() && (d.Source == DutyRoster || d.Source == DutyException) {
			c := d.Contact
			out.People = append(out.People, CallPerson{ContactID: c.ID, Name: c.FullName(), Numbers: c.Numbers(), OnDuty: true})
		}
		for _, h := range r.Holders {
			c, ok := contacts[h]
			if !ok {
				out.Missing = append(out.Missing, h)
				continue
			}
			if len(out.People) > 0 && out.People[0].OnDuty && out.People[0].ContactID == h {
				continue
			}
			out.People = append(out.People, CallPerson{ContactID: c.ID, Name: c.FullName(), Numbers: c.Numbers()})
		}
		return out
	}
	levels := slices.Clone(live.Escalation)
	slices.SortStableFunc(levels, func(a, b EscalationLevel) int { return cmp.Compare(a.Level, b.Level) })
	var out []CallLevel
	for _, e := range levels {
		l := CallLevel{Level: e.Level, Name: e.Name, Within: e.Within}
		if e.DecidedBy != "" {
			l.Caller = chain(e.DecidedBy)
		}
		for _, id := range e.Notify {
			if id != e.DecidedBy {
				l.Calls = append(l.Calls, chain(id))
			}
		}
		out = append(out, l)
	}
	return out
}
