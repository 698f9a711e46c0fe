package handbook

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/markdown"
)

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

// Reachable is a role with the people to call, in call order: the person
// on duty first, then the holders.
type Reachable struct {
	Duty     Duty
	Contacts []Contact
}

// Notify lists the roles to inform at an escalation level at time t, with
// whom to call for each (CallOrder).
func Notify(hb Handbook, level int, t time.Time) []Reachable {
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
			out = append(out, Reachable{Duty: OnDutyAt(hb, r, t), Contacts: CallOrder(hb, r, t)})
		}
	}
	return out
}

// CurrentFacts are the incident's impact and next update in effect: those
// of the latest entries that set them, else those given at the start.
func CurrentFacts(inc Incident, log []LogEntry) (impact string, next time.Time) {
	impact, next = inc.Impact, inc.NextUpdate
	for _, e := range sortedLog(log, inc.ID) {
		switch e.Kind {
		case LogImpact:
			impact = e.Text
		case LogNextUpdate:
			next = e.Moment
		}
	}
	return impact, next
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
