package handbook

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"ernstfall/internal/markdown"
)

// Placeholder is one row of the table of placeholders a communication
// template may use. Meaning is English and the key of the translation
// catalogs; the README and the app's help show the table.
type Placeholder struct {
	Name    string
	Meaning string
}

// Placeholders is the table of placeholders. A role's placeholders name
// the role as it is called in the handbook ({{role:Datenschutz.phone}});
// they resolve to the person on duty in that role when the message is
// written (OnDutyAt: the on-call roster, else the holders in order).
var Placeholders = []Placeholder{
	{"incident.title", "title of the incident"},
	{"incident.severity", "severity (low, medium, high, critical)"},
	{"incident.level", "escalation level in effect"},
	{"incident.started", "when the incident was started"},
	{"incident.aware_at", "when the company became aware of it (the reporting deadlines run from here)"},
	{"incident.impact", "impact, as last entered in the incident"},
	{"incident.next_update", "when the next update is promised, as last entered in the incident"},
	{"incident.owner", "the person on duty in the incident's owner role; .phone, .email … as for roles"},
	{"role:ROLE.name", "the person on duty in role ROLE (on-call roster, else the holders in order)"},
	{"role:ROLE.phone", "their first phone number (mobile, else office, else private)"},
	{"role:ROLE.mobile", "their mobile number"},
	{"role:ROLE.office", "their office number"},
	{"role:ROLE.email", "their email address"},
	{"role:ROLE.function", "their function"},
	{"company.name", "the organisation (Settings)"},
	{"company.address", "the organisation's address (Settings)"},
	{"author.name", "the name of the person writing the message (Settings on this computer)"},
	{"author.initials", "their initials"},
	{"now", "date and time the message is written"},
	{"contact.name", "older handbooks: the person on duty in the template's contact role, else in the incident's owner role; .phone and .email likewise"},
	{"next_update", "older handbooks: the same as incident.next_update"},
}

// personFields are what a role's or the owner's placeholders can ask of
// the person on duty.
var personFields = []string{"name", "phone", "mobile", "office", "email", "function"}

// legacyPlaceholders are kept working in older handbooks: the name they
// now stand for. {{contact.*}} stay person placeholders (see person).
var legacyPlaceholders = map[string]string{
	"next_update": "incident.next_update",
}

// MessageLayout is how times are written into messages.
const MessageLayout = "02.01.2006 15:04"

// Message is what a template is filled for: an incident at a time, written
// by a person.
type Message struct {
	Handbook Handbook
	Incident Incident
	// At is when the message is written: who is on duty then, and {{now}}.
	At time.Time
	// Loc is the zone times are written in; nil is the computer's.
	Loc *time.Location
	// Author and Initials name the person writing.
	Author, Initials string
	// Stamp marks the message of a drill, in the language of the person
	// writing; empty means DrillStamp.
	Stamp string
}

// DrillStamp marks every message written in a drill, so that nobody takes
// it for a real one when it leaves the room.
const DrillStamp = "ÜBUNG – keine echte Meldung"

// Fill fills a template's subject and body. A placeholder without a value
// (unknown, or a field the person on duty lacks) stays as it is, visible
// as {{…}} for a person to fill in. In a drill, the subject and the body
// start with the stamp (Stamp, else DrillStamp).
func (m Message) Fill(t CommTemplate) (subject, body string) {
	value := func(name string) (string, bool) { return m.value(name, t) }
	subject, body = markdown.FillFunc(t.Subject, value), markdown.FillFunc(t.Body, value)
	if m.Incident.Drill() {
		stamp := cmp.Or(strings.TrimSpace(m.Stamp), DrillStamp)
		subject = strings.TrimSpace("[" + stamp + "] " + subject)
		body = "**" + stamp + "**\n\n" + body + "\n\n**" + stamp + "**"
	}
	return subject, body
}

// Restamp puts a drill's stamp back where an edit took it out: in front
// of the subject, and at the start and the end of the body. A message
// copied or logged from a drill is marked however it was edited.
func Restamp(stamp, subject, body string) (string, string) {
	stamp = cmp.Or(strings.TrimSpace(stamp), DrillStamp)
	if !strings.Contains(subject, stamp) {
		subject = strings.TrimSpace("[" + stamp + "] " + subject)
	}
	marked := func(s string, edge func(string, string) bool) bool {
		return edge(s, stamp) || edge(s, "**"+stamp+"**")
	}
	body = strings.TrimSpace(body)
	if !marked(body, strings.HasPrefix) {
		body = strings.TrimSpace("**" + stamp + "**\n\n" + body)
	}
	if !marked(body, strings.HasSuffix) {
		body += "\n\n**" + stamp + "**"
	}
	return subject, body
}

func (m Message) loc() *time.Location { return cmp.Or(m.Loc, time.Local) }

func (m Message) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(m.loc()).Format(MessageLayout)
}

// value is the value of one placeholder; ok is false when it has none.
func (m Message) value(name string, t CommTemplate) (string, bool) {
	if alias, ok := legacyPlaceholders[name]; ok {
		name = alias
	}
	inc := m.Incident
	log := m.Handbook.LogEntries
	impact, next := CurrentFacts(inc, log)
	var v string
	switch name {
	case "incident.title":
		v = inc.Title
	case "incident.severity":
		v = string(inc.Severity)
	case "incident.level":
		if l := CurrentLevel(inc, log); l > 0 {
			v = strconv.Itoa(l)
		}
	case "incident.started":
		v = m.when(inc.StartedAt)
	case "incident.aware_at":
		v = m.when(cmp.Or(inc.AwareAt, inc.StartedAt))
	case "incident.impact":
		v = strings.TrimSpace(impact)
	case "incident.next_update":
		v = m.when(next)
	case "company.name":
		v = m.Handbook.Settings.Organisation
	case "company.address":
		v = m.Handbook.Settings.Address
	case "author.name":
		v = m.Author
	case "author.initials":
		v = m.Initials
	case "now":
		v = m.when(m.At)
	default:
		role, field, ok := m.person(name, t)
		if !ok {
			return "", false
		}
		d := OnDutyAt(m.Handbook, role, m.At)
		if !d.OnDuty() {
			return "", false
		}
		v = personField(d.Contact, field)
	}
	v = strings.TrimSpace(v)
	return v, v != ""
}

// person finds the role and field a person placeholder names:
// role:ROLE.field, incident.owner[.field], contact.field.
func (m Message) person(name string, t CommTemplate) (Role, string, bool) {
	var roleID, roleName, field string
	switch {
	case strings.HasPrefix(name, "role:"):
		ref := strings.TrimPrefix(name, "role:")
		i := strings.LastIndex(ref, ".")
		if i < 0 {
			return Role{}, "", false
		}
		roleName, field = strings.TrimSpace(ref[:i]), ref[i+1:]
	case name == "incident.owner":
		roleID, field = m.Incident.OwnerRole, "name"
	case strings.HasPrefix(name, "incident.owner."):
		roleID, field = m.Incident.OwnerRole, strings.TrimPrefix(name, "incident.owner.")
	case strings.HasPrefix(name, "contact."):
		roleID, field = cmp.Or(t.ContactRole, m.Incident.OwnerRole), strings.TrimPrefix(name, "contact.")
	default:
		return Role{}, "", false
	}
	if !slices.Contains(personFields, field) {
		return Role{}, "", false
	}
	r, ok := findRole(m.Handbook.Roles, roleID, roleName)
	return r, field, ok
}

// findRole finds a live role by ID, else by name (as MentionsRole
// compares names: case, spaces, '-' and '_' aside).
func findRole(roles []Role, id, name string) (Role, bool) {
	for _, r := range roles {
		if r.Deleted {
			continue
		}
		if (id != "" && r.ID == id) || (id == "" && MentionsRole(name, r.Name)) {
			return r, true
		}
	}
	return Role{}, false
}

func personField(c Contact, field string) string {
	switch field {
	case "name":
		return c.FullName()
	case "phone":
		if p := c.Phones(); len(p) > 0 {
			return p[0]
		}
	case "mobile":
		return c.PhoneMobile
	case "office":
		return c.PhoneOffice
	case "email":
		return c.Email
	case "function":
		return c.Function
	}
	return ""
}

// UnknownPlaceholders lists the placeholders of texts (a template's
// subject and body) that no message can fill: names not in the table,
// fields a person does not have, roles the handbook does not have. Each is
// listed once, as written, in the order of first use.
func UnknownPlaceholders(hb Handbook, texts ...string) []string {
	var out []string
	for _, text := range texts {
		for _, name := range markdown.Placeholders(text) {
			if !knownPlaceholder(hb, name) && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

func knownPlaceholder(hb Handbook, name string) bool {
	if _, ok := legacyPlaceholders[name]; ok {
		return true
	}
	if slices.ContainsFunc(Placeholders, func(p Placeholder) bool { return p.Name == name && !strings.Contains(name, "ROLE") }) {
		return true
	}
	for _, prefix := range []string{"incident.owner.", "contact."} {
		if field, ok := strings.CutPrefix(name, prefix); ok {
			return slices.Contains(personFields, field)
		}
	}
	ref, ok := strings.CutPrefix(name, "role:")
	if !ok {
		return false
	}
	i := strings.LastIndex(ref, ".")
	if i < 0 || !slices.Contains(personFields, ref[i+1:]) {
		return false
	}
	_, found := findRole(hb.Roles, "", strings.TrimSpace(ref[:i]))
	return found
}
