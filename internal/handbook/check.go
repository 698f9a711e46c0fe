package handbook

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Level says how serious a finding is.
type Level string

// Levels of findings.
const (
	// LevelError is something wrong: a plan that cannot work as written.
	LevelError Level = "error"
	// LevelWarning is a gap to close: stale, overdue or incomplete.
	LevelWarning Level = "warning"
)

// Finding codes. They are stable; translations key on them. Args holds, per code:
//
//	CodeInvalid                   field, message (from Validate)
//	CodeCycle                     service names along the cycle, the first repeated at the end
//	CodeRTOShorterThanDependency  service, its RTO, dependency, its RTO
//	CodeUnknownDependency         service, unknown service ID
//	CodeMissingOwner              service
//	CodeMissingFallback           service, criticality
//	CodeUnknownReference          record label, field, unknown ID
//	CodeUnknownRole               playbook title, role mention without "@", line
//	CodeStaleContact              contact, date last verified (2006-01-02), days allowed
//	CodeNeverVerified             contact
//	CodeReviewOverdue             title, date due (2006-01-02) or "" when never reviewed
//	CodeActionOverdue             action title, date due (2006-01-02), owner
//	CodeUnknownPlaceholder        template title, placeholders joined by ", "
const (
	CodeInvalid                  = "invalid"
	CodeCycle                    = "cycle"
	CodeRTOShorterThanDependency = "rto_shorter_than_dependency"
	CodeUnknownDependency        = "unknown_dependency"
	CodeMissingOwner             = "missing_owner"
	CodeMissingFallback          = "missing_fallback"
	CodeUnknownReference         = "unknown_reference"
	CodeUnknownRole              = "unknown_role"
	CodeStaleContact             = "stale_contact"
	CodeNeverVerified            = "never_verified"
	CodeReviewOverdue            = "review_overdue"
	CodeActionOverdue            = "action_overdue"
	CodeUnknownPlaceholder       = "unknown_placeholder"
)

// Finding is one thing the handbook check reports.
type Finding struct {
	Level  Level
	Code   string
	Entity Entity
	ID     string
	// Name is the label of the record concerned.
	Name string
	// Args are the values a translated message needs; see the Code constants.
	Args []string
	// Message is an English sentence naming the record(s).
	Message string
	// Problem is the validation problem of a CodeInvalid finding.
	Problem *FieldError
}

// sortFindings puts errors first, then orders by kind of record (as
// Entities lists them), name, code and message. The order compares every
// field, so findings it calls equal are alike and no stable sort is needed.
func sortFindings(f []Finding) {
	slices.SortFunc(f, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(levelRank(a.Level), levelRank(b.Level)),
			cmp.Compare(entityRank(a.Entity), entityRank(b.Entity)),
			strings.Compare(a.Name, b.Name), strings.Compare(a.Code, b.Code),
			strings.Compare(a.Message, b.Message), strings.Compare(a.ID, b.ID),
			slices.Compare(a.Args, b.Args))
	})
}

func levelRank(l Level) int {
	if l == LevelError {
		return 0
	}
	return 1
}

// Check looks at the whole handbook at now and reports, for live records
// only: invalid records, references to records that do not exist (or were
// deleted), role mentions in playbook steps that match no role, the
// restore-order findings of the services, stale contacts, overdue reviews
// and overdue actions. Errors come first, then the findings are ordered by
// kind of record and name. Contacts are stale after
// DefaultStaleAfterDays.
func (hb Handbook) Check(now time.Time) []Finding {
	return hb.CheckWith(now, DefaultStaleAfterDays)
}

// CheckWith is Check with contacts stale after staleDays.
func (hb Handbook) CheckWith(now time.Time, staleDays int) []Finding {
	live := hb.Live()
	var out []Finding

	invalid := func(e Entity, r *Record, name string, err error) {
		var v ValidationError
		if !errors.As(err, &v) {
			return
		}
		for _, fe := range v {
			out = append(out, Finding{Level: LevelError, Code: CodeInvalid, Entity: e, ID: r.ID, Name: name,
				Args:    []string{fe.Field, fe.Message},
				Message: fmt.Sprintf("%s %q: %s", entityWord(e), name, fe.Error()), Problem: &fe})
		}
	}
	for _, x := range live.Contacts {
		invalid(EntityContact, &x.Record, x.Label(), x.Validate())
	}
	for _, x := range live.Roles {
		invalid(EntityRole, &x.Record, x.Label(), x.Validate())
	}
	for _, x := range live.Escalation {
		invalid(EntityEscalation, &x.Record, x.Label(), x.Validate())
	}
	for _, x := range live.Playbooks {
		invalid(EntityPlaybook, &x.Record, x.Label(), x.Validate())
	}
	for _, x := range live.CommTemplates {
		invalid(EntityCommTemplate, &x.Record, x.Label(), x.Validate())
	}
	for _, x := range live.Services {
		invalid(EntityService, &x.Record, x.Label(), x.Validate())
	}
	for _, x := range live.Risks {
		invalid(EntityRisk, &x.Record, x.Label(), x.Validate())
	}
	for _, x := range live.Incidents {
		invalid(EntityIncident, &x.Record, x.Label(), x.Validate())
	}
	for _, x := range live.LogEntries {
		invalid(EntityLogEntry, &x.Record, x.Label(), x.Validate())
	}
	for _, x := range live.Exercises {
		invalid(EntityExercise, &x.Record, x.Label(), x.Validate())
	}
	for _, x := range live.Actions {
		invalid(EntityAction, &x.Record, x.Label(), x.Validate())
	}
	bia := live.Settings.BIA()
	for _, x := range live.Processes {
		invalid(EntityProcess, &x.Record, x.Label(), x.Validate())
		invalid(EntityProcess, &x.Record, x.Label(), x.ValidateWith(bia))
	}
	for _, x := range live.Sites {
		invalid(EntitySite, &x.Record, x.Label(), x.Validate())
	}
	for _, x := range live.Suppliers {
		invalid(EntitySupplier, &x.Record, x.Label(), x.Validate())
	}
	invalid(EntitySettings, &Record{ID: SettingsID}, "Settings", live.Settings.Validate())

	out = append(out, live.references()...)
	analysis := live.Analyse()
	_, restore := RestoreOrderNeed(live.Services, analysis.Need())
	out = append(out, restore...)
	out = append(out, analysis.Findings(now)...)

	for _, c := range StaleContacts(live.Contacts, now, staleDays) {
		f := Finding{Level: LevelWarning, Entity: EntityContact, ID: c.ID, Name: c.Name}
		if c.LastVerifiedAt.IsZero() {
			f.Code, f.Args = CodeNeverVerified, []string{c.Name}
			f.Message = fmt.Sprintf("contact %q has never been verified", c.Name)
		} else {
			date := c.LastVerifiedAt.Format(dateLayout)
			f.Code, f.Args = CodeStaleContact, []string{c.Name, date, fmt.Sprint(staleDays)}
			f.Message = fmt.Sprintf("contact %q was last verified on %s, more than %d days ago", c.Name, date, staleDays)
		}
		out = append(out, f)
	}
	for _, r := range OverdueReviews(live, now) {
		f := Finding{Level: LevelWarning, Code: CodeReviewOverdue, Entity: r.Entity, ID: r.ID, Name: r.Title}
		if r.DueAt.IsZero() {
			f.Args = []string{r.Title, ""}
			f.Message = fmt.Sprintf("%s %q has never been reviewed", entityWord(r.Entity), r.Title)
		} else {
			due := r.DueAt.Format(dateLayout)
			f.Args = []string{r.Title, due}
			f.Message = fmt.Sprintf("%s %q was due for review on %s", entityWord(r.Entity), r.Title, due)
		}
		out = append(out, f)
	}
	for _, a := range OpenActions(live.Actions, now) {
		if !a.Overdue(now) {
			continue
		}
		due := a.Due.Format(dateLayout)
		out = append(out, Finding{Level: LevelWarning, Code: CodeActionOverdue, Entity: EntityAction, ID: a.ID, Name: a.Title,
			Args:    []string{a.Title, due, a.Owner},
			Message: fmt.Sprintf("action %q was due on %s and is not done", a.Title, due)})
	}

	out = append(out, ExerciseFindings(live, now)...)

	sortFindings(out)
	return out
}

// references reports references between live records that point nowhere.
// Service dependencies are left to RestoreOrder.
// ReferencesTo lists the live records that still name the deleted record
// id, one finding (CodeUnknownReference) per record and field, as check
// will report them: what deleting it left dangling.
func (hb Handbook) ReferencesTo(id string) []Finding {
	live := hb.Live()
	var out []Finding
	for _, f := range live.references() {
		if f.Code == CodeUnknownReference && len(f.Args) == 3 && f.Args[2] == id {
			out = append(out, f)
		}
	}
	for _, s := range live.Services {
		if s.ID != id && slices.Contains(s.DependsOn, id) {
			out = append(out, Finding{Level: LevelError, Code: CodeUnknownReference, Entity: EntityService, ID: s.ID, Name: s.Name,
				Args:    []string{s.Name, "depends_on", id},
				Message: fmt.Sprintf("service %q: depends_on refers to a record that does not exist or was deleted (ID %s)", s.Name, id)})
		}
	}
	return out
}

func (hb Handbook) references() []Finding {
	ids := func(rs ...[]*Record) map[string]bool {
		out := map[string]bool{}
		for _, list := range rs {
			for _, r := range list {
				out[r.ID] = true
			}
		}
		return out
	}
	contacts := ids(records(hb.Contacts))
	roles := ids(records(hb.Roles))
	services := ids(records(hb.Services))
	playbooks := ids(records(hb.Playbooks))
	incidents := ids(records(hb.Incidents))
	sources := ids(records(hb.Incidents), records(hb.Exercises))

	var out []Finding
	check := func(e Entity, r *Record, name, field string, known map[string]bool, refs ...string) {
		for _, id := range uniq(refs) {
			if id == "" || known[id] {
				continue
			}
			out = append(out, Finding{Level: LevelError, Code: CodeUnknownReference, Entity: e, ID: r.ID, Name: name,
				Args:    []string{name, field, id},
				Message: fmt.Sprintf("%s %q: %s refers to a record that does not exist or was deleted (ID %s)", entityWord(e), name, field, id)})
		}
	}
	for _, x := range hb.Roles {
		check(EntityRole, &x.Record, x.Name, "holders", contacts, x.Holders...)
		if x.OnCall != nil {
			check(EntityRole, &x.Record, x.Name, "on_call", contacts, x.OnCall.People...)
			for _, e := range x.OnCall.Exceptions {
				check(EntityRole, &x.Record, x.Name, "on_call", contacts, e.Person, e.Cover)
			}
		}
	}
	for _, x := range hb.CommTemplates {
		check(EntityCommTemplate, &x.Record, x.Title, "contact_role", roles, x.ContactRole)
		if unknown := UnknownPlaceholders(hb, x.Subject, x.Body); len(unknown) > 0 {
			list := "{{" + strings.Join(unknown, "}}, {{") + "}}"
			out = append(out, Finding{Level: LevelWarning, Code: CodeUnknownPlaceholder, Entity: EntityCommTemplate, ID: x.ID, Name: x.Title,
				Args:    []string{x.Title, list},
				Message: fmt.Sprintf("template %q: no message can fill %s", x.Title, list)})
		}
	}
	for _, x := range hb.Escalation {
		check(EntityEscalation, &x.Record, x.Name, "decided_by", roles, x.DecidedBy)
		check(EntityEscalation, &x.Record, x.Name, "notify", roles, x.Notify...)
	}
	for _, x := range hb.Services {
		check(EntityService, &x.Record, x.Name, "resources", contacts, x.Resources...)
	}
	for _, x := range hb.Risks {
		check(EntityRisk, &x.Record, x.Title, "affected_services", services, x.AffectedServices...)
		check(EntityRisk, &x.Record, x.Title, "playbook_id", playbooks, x.PlaybookID)
	}
	for _, x := range hb.Actions {
		check(EntityAction, &x.Record, x.Title, "source_id", sources, x.SourceID)
	}
	for _, x := range hb.LogEntries {
		check(EntityLogEntry, &x.Record, x.Text, "incident_id", incidents, x.IncidentID)
	}
	sites := ids(records(hb.Sites))
	suppliers := ids(records(hb.Suppliers))
	processes := ids(records(hb.Processes))
	for _, x := range hb.Processes {
		check(EntityProcess, &x.Record, x.Name, "owner_role", roles, x.OwnerRole)
		check(EntityProcess, &x.Record, x.Name, "assessed_by", contacts, x.AssessedBy)
		check(EntityProcess, &x.Record, x.Name, "owner", contacts, x.Owner)
		check(EntityProcess, &x.Record, x.Name, "services", services, x.Services...)
		check(EntityProcess, &x.Record, x.Name, "sites", sites, x.Sites...)
		check(EntityProcess, &x.Record, x.Name, "suppliers", suppliers, x.Suppliers...)
		check(EntityProcess, &x.Record, x.Name, "roles", roles, x.Roles...)
		check(EntityProcess, &x.Record, x.Name, "depends_on", processes, x.DependsOn...)
	}
	for _, x := range hb.Sites {
		check(EntitySite, &x.Record, x.Name, "owner", contacts, x.Owner)
		check(EntitySite, &x.Record, x.Name, "contacts", contacts, x.Contacts...)
		check(EntitySite, &x.Record, x.Name, "services", services, x.Services...)
		check(EntitySite, &x.Record, x.Name, "alternate", sites, x.Alternate)
	}
	for _, x := range hb.Suppliers {
		check(EntitySupplier, &x.Record, x.Name, "owner", contacts, x.Owner)
		check(EntitySupplier, &x.Record, x.Name, "hotline", contacts, x.Hotline...)
		check(EntitySupplier, &x.Record, x.Name, "services", services, x.Services...)
		check(EntitySupplier, &x.Record, x.Name, "alternative", suppliers, x.Alternative)
	}

	mentions := newRoleMatcher(hb.Roles)
	for _, p := range hb.Playbooks {
		reported := map[string]bool{}
		for _, s := range p.Steps() {
			if s.Role == "" || reported[strings.ToLower(s.Role)] || mentions.known(s.Role) {
				continue
			}
			reported[strings.ToLower(s.Role)] = true
			out = append(out, Finding{Level: LevelWarning, Code: CodeUnknownRole, Entity: EntityPlaybook, ID: p.ID, Name: p.Title,
				Args:    []string{p.Title, s.Role, fmt.Sprint(s.Line)},
				Message: fmt.Sprintf("playbook %q: step %q (line %d) names the role @%s, which does not exist", p.Title, s.Text, s.Line, s.Role)})
		}
	}
	return out
}

// records returns pointers to the common fields of every record in list.
func records[T any, P interface {
	*T
	Item
}](list []T) []*Record {
	out := make([]*Record, len(list))
	for i := range list {
		out[i] = P(&list[i]).Meta()
	}
	return out
}

// entityWord names a kind of record in an English message.
func entityWord(e Entity) string {
	switch e {
	case EntityEscalation:
		return "escalation level"
	case EntityCommTemplate:
		return "template"
	case EntityLogEntry:
		return "log entry"
	case EntityRisk:
		return "risk scenario"
	case EntityMatrix:
		return "document"
	case EntityProcess:
		return "business process"
	default:
		return string(e)
	}
}
