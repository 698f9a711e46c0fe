package handbook

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Version is a short hash of the handbook's live content. Two copies with the
// same records have the same version, whatever their order or history; a
// printed binder carries it so a reader can tell which state it shows.
func (hb Handbook) Version() string {
	live := hb.live()
	live.Incidents, live.LogEntries = nil, nil // runs of the handbook are not its content
	// Nor is what happened to its documents, or the list of its copies.
	live.Releases, live.Reviews, live.Copies, live.Printouts, live.Exchanges = nil, nil, nil, nil, nil
	live.ApproverKeys = nil
	data, err := json.Marshal(live)
	if err != nil {
		return "unknown"
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:10]
}

// LastChange is the newest UpdatedAt of any record, tombstones included.
func (hb Handbook) LastChange() time.Time {
	var last time.Time
	hb.each(func(r *Record) {
		if r.UpdatedAt.After(last) {
			last = r.UpdatedAt
		}
	})
	return last
}

// LastContentChange is LastChange over the records Version hashes: the
// handbook's content, not its runs (incidents, their logs) nor the
// bookkeeping of its documents and printouts. A printed binder is out of
// date only when this moved after it was printed.
func (hb Handbook) LastContentChange() time.Time {
	hb.Incidents, hb.LogEntries = nil, nil
	hb.Releases, hb.Reviews, hb.Copies, hb.Printouts, hb.Exchanges = nil, nil, nil, nil, nil
	hb.ApproverKeys = nil
	return hb.LastChange()
}

// each calls f for every record of the handbook.
func (hb *Handbook) each(f func(*Record)) {
	hb.EachItem(func(it Item) { f(it.Meta()) })
}

// EachItem calls f with a pointer to every record of the handbook, in the
// order of Entities (records after the records they refer to).
func (hb *Handbook) EachItem(f func(Item)) {
	for i := range hb.Contacts {
		f(&hb.Contacts[i])
	}
	for i := range hb.Roles {
		f(&hb.Roles[i])
	}
	for i := range hb.Escalation {
		f(&hb.Escalation[i])
	}
	for i := range hb.Playbooks {
		f(&hb.Playbooks[i])
	}
	for i := range hb.CommTemplates {
		f(&hb.CommTemplates[i])
	}
	for i := range hb.Services {
		f(&hb.Services[i])
	}
	for i := range hb.Risks {
		f(&hb.Risks[i])
	}
	for i := range hb.Incidents {
		f(&hb.Incidents[i])
	}
	for i := range hb.LogEntries {
		f(&hb.LogEntries[i])
	}
	for i := range hb.Exercises {
		f(&hb.Exercises[i])
	}
	for i := range hb.Actions {
		f(&hb.Actions[i])
	}
	for i := range hb.Sites {
		f(&hb.Sites[i])
	}
	for i := range hb.Suppliers {
		f(&hb.Suppliers[i])
	}
	for i := range hb.Processes {
		f(&hb.Processes[i])
	}
	for i := range hb.Copies {
		f(&hb.Copies[i])
	}
	for i := range hb.Releases {
		f(&hb.Releases[i])
	}
	for i := range hb.Reviews {
		f(&hb.Reviews[i])
	}
	for i := range hb.Printouts {
		f(&hb.Printouts[i])
	}
	for i := range hb.Exchanges {
		f(&hb.Exchanges[i])
	}
	for i := range hb.ApproverKeys {
		f(&hb.ApproverKeys[i])
	}
}

// Add appends a copy of the record it to the handbook's list of its kind.
func (hb *Handbook) Add(it Item) {
	switch v := it.(type) {
	case *Contact:
		hb.Contacts = append(hb.Contacts, *v)
	case *Role:
		hb.Roles = append(hb.Roles, *v)
	case *EscalationLevel:
		hb.Escalation = append(hb.Escalation, *v)
	case *Playbook:
		hb.Playbooks = append(hb.Playbooks, *v)
	case *CommTemplate:
		hb.CommTemplates = append(hb.CommTemplates, *v)
	case *Service:
		hb.Services = append(hb.Services, *v)
	case *RiskScenario:
		hb.Risks = append(hb.Risks, *v)
	case *Incident:
		hb.Incidents = append(hb.Incidents, *v)
	case *LogEntry:
		hb.LogEntries = append(hb.LogEntries, *v)
	case *Exercise:
		hb.Exercises = append(hb.Exercises, *v)
	case *Action:
		hb.Actions = append(hb.Actions, *v)
	case *Site:
		hb.Sites = append(hb.Sites, *v)
	case *Supplier:
		hb.Suppliers = append(hb.Suppliers, *v)
	case *BusinessProcess:
		hb.Processes = append(hb.Processes, *v)
	case *Copy:
		hb.Copies = append(hb.Copies, *v)
	case *Release:
		hb.Releases = append(hb.Releases, *v)
	case *DocReview:
		hb.Reviews = append(hb.Reviews, *v)
	case *Printout:
		hb.Printouts = append(hb.Printouts, *v)
	case *CopyExchange:
		hb.Exchanges = append(hb.Exchanges, *v)
	case *ApproverKey:
		hb.ApproverKeys = append(hb.ApproverKeys, *v)
	}
}

// live returns a copy without tombstones, each list sorted by ID.
func (hb Handbook) live() Handbook {
	out := Handbook{Settings: hb.Settings}
	out.Contacts = keep(hb.Contacts)
	out.Roles = keep(hb.Roles)
	out.Escalation = keep(hb.Escalation)
	out.Playbooks = keep(hb.Playbooks)
	out.CommTemplates = keep(hb.CommTemplates)
	out.Services = keep(hb.Services)
	out.Risks = keep(hb.Risks)
	out.Incidents = keep(hb.Incidents)
	out.LogEntries = keep(hb.LogEntries)
	out.Exercises = keep(hb.Exercises)
	out.Actions = keep(hb.Actions)
	out.Sites = keepSome(hb.Sites)
	out.Suppliers = keepSome(hb.Suppliers)
	out.Processes = keepSome(hb.Processes)
	out.Copies = keepSome(hb.Copies)
	out.Releases = keepSome(hb.Releases)
	out.Reviews = keepSome(hb.Reviews)
	out.Printouts = keepSome(hb.Printouts)
	out.Exchanges = keepSome(hb.Exchanges)
	out.ApproverKeys = keepSome(hb.ApproverKeys)
	return out
}

func keep[T any, P interface {
	*T
	Item
}](in []T) []T {
	out := make([]T, 0, len(in))
	sorted := true
	for i := range in {
		if !P(&in[i]).Meta().Deleted {
			if n := len(out); n > 0 && P(&out[n-1]).Meta().ID > P(&in[i]).Meta().ID {
				sorted = false
			}
			out = append(out, in[i])
		}
	}
	if sorted {
		return out
	}
	// Records are large: sort their positions, then move each once.
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(P(&out[a]).Meta().ID, P(&out[b]).Meta().ID) })
	sortedOut := make([]T, len(out))
	for i, j := range order {
		sortedOut[i] = out[j]
	}
	return sortedOut
}

// keepSome is keep, but nil for none, so that a handbook without these
// records keeps its JSON form (and its version).
func keepSome[T any, P interface {
	*T
	Item
}](in []T) []T {
	out := keep[T, P](in)
	if len(out) == 0 {
		return nil
	}
	return out
}

// Live returns a copy of the handbook without tombstones, each list sorted by ID.
func (hb Handbook) Live() Handbook { return hb.live() }
