package handbook

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"ernstfall/internal/markdown"
)

// Regulatory clocks an incident can run.
const (
	// ClockGDPR33 is the GDPR Art. 33 notification to the supervisory
	// authority: 72 hours from awareness.
	ClockGDPR33 = "gdpr33"
	// ClockNIS2Early is the NIS2 / §32 BSIG early warning: 24 hours.
	ClockNIS2Early = "nis2_early"
	// ClockNIS2Notify is the NIS2 / §32 BSIG incident notification: 72 hours.
	ClockNIS2Notify = "nis2_notify"
	// ClockNIS2Final is the NIS2 / §32 BSIG final report: one month after
	// the notification.
	ClockNIS2Final = "nis2_final"
)

// ClockKeys lists every regulatory clock.
var ClockKeys = []string{ClockGDPR33, ClockNIS2Early, ClockNIS2Notify, ClockNIS2Final}

// ClocksGDPR and ClocksNIS2 are the clocks that start together: for an
// incident involving personal data, and for one significant under NIS2.
var (
	ClocksGDPR = []string{ClockGDPR33}
	ClocksNIS2 = []string{ClockNIS2Early, ClockNIS2Notify, ClockNIS2Final}
)

// Deadline is one running regulatory clock.
type Deadline struct {
	Clock string
	// Due is when the report must be sent.
	Due time.Time
	// SentAt is when it was sent (zero while open); SentBy who logged it.
	SentAt time.Time
	SentBy string
}

// Done reports whether the report was sent.
func (d Deadline) Done() bool { return !d.SentAt.IsZero() }

// Left is the time remaining at now (negative when overdue).
func (d Deadline) Left(now time.Time) time.Duration { return d.Due.Sub(now) }

// Overdue reports whether the report is still open past its due time.
func (d Deadline) Overdue(now time.Time) bool { return !d.Done() && now.After(d.Due) }

// Deadlines computes the incident's regulatory clocks from its awareness
// time and the report entries of its log, in the order of ClockKeys. Hour
// deadlines are exact durations (72 real hours, whatever daylight saving
// does); the final report is due one calendar month after the notification
// was sent (or was due), in the time zone of loc.
func Deadlines(inc Incident, log []LogEntry, loc *time.Location) []Deadline {
	if loc == nil {
		loc = time.Local
	}
	aware := inc.AwareAt
	if aware.IsZero() {
		aware = inc.StartedAt
	}
	sent := map[string]LogEntry{}
	for _, e := range sortedLog(log, inc.ID) {
		if e.Kind == LogReport {
			if _, ok := sent[e.Clock]; !ok {
				sent[e.Clock] = e
			}
		}
	}
	var out []Deadline
	for _, key := range ClockKeys {
		if !slices.Contains(inc.Clocks, key) {
			continue
		}
		d := Deadline{Clock: key}
		switch key {
		case ClockGDPR33, ClockNIS2Notify:
			d.Due = aware.Add(72 * time.Hour)
		case ClockNIS2Early:
			d.Due = aware.Add(24 * time.Hour)
		case ClockNIS2Final:
			base := aware.Add(72 * time.Hour)
			if n, ok := sent[ClockNIS2Notify]; ok {
				base = n.At
			}
			d.Due = base.In(loc).AddDate(0, 1, 0)
		}
		if e, ok := sent[key]; ok {
			d.SentAt, d.SentBy = e.At, e.Author
		}
		out = append(out, d)
	}
	return out
}

// sortedLog returns the incident's entries in time order (ties by ID, so
// every laptop shows the same order).
func sortedLog(log []LogEntry, incidentID string) []LogEntry {
	var out []LogEntry
	for _, e := range log {
		if e.IncidentID == incidentID && !e.Deleted {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b LogEntry) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
	})
	return out
}

// CurrentLevel is the escalation level in effect: that of the latest
// escalation entry in the log, else the level chosen at the start. Two
// laptops escalating at once both leave their entry; the later one holds.
func CurrentLevel(inc Incident, log []LogEntry) int {
	level := inc.Level
	for _, e := range sortedLog(log, inc.ID) {
		if e.Kind == LogEscalation {
			level = e.Level
		}
	}
	return level
}

// Timeline returns the incident's log in time order.
func Timeline(inc Incident, log []LogEntry) []LogEntry { return sortedLog(log, inc.ID) }

// ChecklistItem is one step of a running incident with its state.
type ChecklistItem struct {
	markdown.Step
	Done bool
	At   time.Time // when it was last ticked or unticked
	By   string
	// Due is when the step's time target runs out (zero without target).
	Due time.Time
}

// Overdue reports whether an open step is past its time target.
func (c ChecklistItem) Overdue(now time.Time) bool {
	return !c.Done && !c.Due.IsZero() && now.After(c.Due)
}

// Checklist is the incident's snapshot of its playbook as steps, each with
// the state its latest tick or untick left it in. Ticks from several
// laptops are all log entries, so none is lost; the latest decides.
func Checklist(inc Incident, log []LogEntry) []ChecklistItem {
	state := map[string]LogEntry{}
	for _, e := range sortedLog(log, inc.ID) {
		if e.Kind == LogStep || e.Kind == LogUnstep {
			state[e.StepKey] = e
		}
	}
	var out []ChecklistItem
	for _, s := range markdown.Steps(inc.PlaybookSnapshot) {
		item := ChecklistItem{Step: s}
		if s.Target > 0 {
			item.Due = inc.StartedAt.Add(time.Duration(s.Target) * time.Minute)
		}
		if e, ok := state[s.Key]; ok {
			item.Done, item.At, item.By = e.Kind == LogStep, e.At, e.Author
		}
		out = append(out, item)
	}
	return out
}

// Reachable is a role with the people to call, primary first.
type Reachable struct {
	Role     Role
	Contacts []Contact
}

// Notify lists the roles to inform at an escalation level, with their
// holders (primary, then deputies) resolved to contacts.
func Notify(hb Handbook, level int) []Reachable {
	roles := map[string]Role{}
	for _, r := range hb.Roles {
		if !r.Deleted {
			roles[r.ID] = r
		}
	}
	var out []Reachable
	seen := map[string]bool{}
	for _, l := range hb.Escalation {
		if l.Deleted || l.Level != level {
			continue
		}
		for _, id := range append([]string{l.DecidedBy}, l.Notify...) {
			r, ok := roles[id]
			if !ok || seen[id] {
				continue
			}
			seen[id] = true
			out = append(out, Reachable{Role: r, Contacts: Holders(hb, r)})
		}
	}
	return out
}

// Holders resolves a role's holders to live contacts, in call order.
func Holders(hb Handbook, r Role) []Contact {
	byID := map[string]Contact{}
	for _, c := range hb.Contacts {
		if !c.Deleted {
			byID[c.ID] = c
		}
	}
	var out []Contact
	for _, id := range r.Holders {
		if c, ok := byID[id]; ok {
			out = append(out, c)
		}
	}
	return out
}

// OnDuty is the person who holds a role right now: the first holder who can
// be reached by phone, else the first holder. ok is false when the role has
// no live holder.
func OnDuty(hb Handbook, r Role) (Contact, bool) {
	hs := Holders(hb, r)
	for _, c := range hs {
		if len(c.Phones()) > 0 {
			return c, true
		}
	}
	if len(hs) > 0 {
		return hs[0], true
	}
	return Contact{}, false
}

// IncidentValues are the placeholder values a communication template is
// filled with for an incident. Missing values are left out, so the
// placeholder stays visible as {{…}} for a person to fill in.
func IncidentValues(hb Handbook, inc Incident, loc *time.Location) map[string]string {
	if loc == nil {
		loc = time.Local
	}
	const layout = "02.01.2006 15:04"
	v := map[string]string{}
	set := func(k, val string) {
		if val != "" {
			v[k] = val
		}
	}
	set("incident.title", inc.Title)
	set("incident.severity", string(inc.Severity))
	if !inc.StartedAt.IsZero() {
		set("incident.started", inc.StartedAt.In(loc).Format(layout))
	}
	if !inc.AwareAt.IsZero() {
		set("incident.aware_at", inc.AwareAt.In(loc).Format(layout))
	}
	if level := CurrentLevel(inc, hb.LogEntries); level > 0 {
		set("incident.level", strconv.Itoa(level))
	}
	set("company.name", hb.Settings.Organisation)
	for _, r := range hb.Roles {
		if r.ID != inc.OwnerRole || r.Deleted {
			continue
		}
		if c, ok := OnDuty(hb, r); ok {
			set("incident.owner", c.Name)
			set("contact.name", c.Name)
			if p := c.Phones(); len(p) > 0 {
				set("contact.phone", p[0])
			}
			set("contact.email", c.Email)
		}
	}
	return v
}

// FillTemplate fills a template's subject and body for an incident.
func FillTemplate(hb Handbook, inc Incident, t CommTemplate, loc *time.Location) (subject, body string) {
	v := IncidentValues(hb, inc, loc)
	return markdown.Fill(t.Subject, v), markdown.Fill(t.Body, v)
}

// StartIncident prepares a new incident from a playbook (nil for a blank
// one) with its start log entry. Nothing is stored.
func StartIncident(pb *Playbook, title string, now, aware time.Time, author string) (Incident, LogEntry) {
	inc := Incident{Record: Record{ID: NewID()}, Title: title, StartedAt: now, AwareAt: aware}
	if aware.IsZero() {
		inc.AwareAt = now
	}
	if pb != nil {
		inc.PlaybookID, inc.Severity, inc.PlaybookSnapshot = pb.ID, pb.Severity, pb.Body
		if inc.Title == "" {
			inc.Title = pb.Title
		}
	}
	// The entry's text is the title: screens and reports name the kind
	// (start) in the reader's language.
	entry := LogEntry{Record: Record{ID: NewID()}, IncidentID: inc.ID, At: now, Author: author, Kind: LogStart, Text: inc.Title}
	return inc, entry
}
