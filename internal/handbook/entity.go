package handbook

import "fmt"

// Entity names a kind of record. The names are stable: they appear in the
// database, in sync batches and in JSON backups.
type Entity string

// Every kind of record.
const (
	EntityContact      Entity = "contact"
	EntityRole         Entity = "role"
	EntityEscalation   Entity = "escalation_level"
	EntityPlaybook     Entity = "playbook"
	EntityCommTemplate Entity = "comm_template"
	EntityService      Entity = "service"
	EntityRisk         Entity = "risk"
	EntityIncident     Entity = "incident"
	EntityLogEntry     Entity = "log_entry"
	EntityExercise     Entity = "exercise"
	EntityAction       Entity = "action"
	EntityProcess      Entity = "business_process"
	EntitySite         Entity = "site"
	EntitySupplier     Entity = "supplier"
)

// EntitySettings names the handbook-wide settings, which sync as one
// record with the ID SettingsID.
const (
	EntitySettings Entity = "settings"
	SettingsID            = "handbook"
)

// Entities lists every kind of record in the order a handbook is loaded:
// records come after the records they refer to.
var Entities = []Entity{EntityContact, EntityRole, EntityEscalation, EntityPlaybook,
	EntityCommTemplate, EntityService, EntityRisk, EntityIncident, EntityLogEntry,
	EntityExercise, EntityAction, EntitySite, EntitySupplier, EntityProcess, EntityCopy, EntityRelease, EntityReview,
	EntityPrintout, EntityExchange, EntityApproverKey}

// Entity names the kind of each record type.
func (Contact) Entity() Entity         { return EntityContact }
func (Role) Entity() Entity            { return EntityRole }
func (EscalationLevel) Entity() Entity { return EntityEscalation }
func (Playbook) Entity() Entity        { return EntityPlaybook }
func (CommTemplate) Entity() Entity    { return EntityCommTemplate }
func (Service) Entity() Entity         { return EntityService }
func (RiskScenario) Entity() Entity    { return EntityRisk }
func (Incident) Entity() Entity        { return EntityIncident }
func (LogEntry) Entity() Entity        { return EntityLogEntry }
func (Exercise) Entity() Entity        { return EntityExercise }
func (Action) Entity() Entity          { return EntityAction }
func (BusinessProcess) Entity() Entity { return EntityProcess }
func (Site) Entity() Entity            { return EntitySite }
func (Supplier) Entity() Entity        { return EntitySupplier }

// Label returns the human name of each record, as lists and search show it.
func (c Contact) Label() string         { return c.FullName() }
func (r Role) Label() string            { return r.Name }
func (e EscalationLevel) Label() string { return e.Name }
func (p Playbook) Label() string        { return p.Title }
func (t CommTemplate) Label() string    { return t.Title }
func (s Service) Label() string         { return s.Name }
func (r RiskScenario) Label() string    { return r.Title }
func (i Incident) Label() string        { return i.Title }
func (l LogEntry) Label() string        { return l.Text }
func (e Exercise) Label() string        { return e.Title }
func (a Action) Label() string          { return a.Title }
func (p BusinessProcess) Label() string { return p.Name }
func (s Site) Label() string            { return s.Name }
func (s Supplier) Label() string        { return s.Name }

// Item is what every record type has in common.
type Item interface {
	Entity() Entity
	Label() string
	Meta() *Record
}

var (
	_ Item = (*Contact)(nil)
	_ Item = (*Role)(nil)
	_ Item = (*EscalationLevel)(nil)
	_ Item = (*Playbook)(nil)
	_ Item = (*CommTemplate)(nil)
	_ Item = (*Service)(nil)
	_ Item = (*RiskScenario)(nil)
	_ Item = (*Incident)(nil)
	_ Item = (*LogEntry)(nil)
	_ Item = (*Exercise)(nil)
	_ Item = (*Action)(nil)
	_ Item = (*BusinessProcess)(nil)
	_ Item = (*Site)(nil)
	_ Item = (*Supplier)(nil)
)

// NewItem returns an empty record of the entity's type.
func NewItem(e Entity) (Item, error) {
	switch e {
	case EntityContact:
		return &Contact{}, nil
	case EntityRole:
		return &Role{}, nil
	case EntityEscalation:
		return &EscalationLevel{}, nil
	case EntityPlaybook:
		return &Playbook{}, nil
	case EntityCommTemplate:
		return &CommTemplate{}, nil
	case EntityService:
		return &Service{}, nil
	case EntityRisk:
		return &RiskScenario{}, nil
	case EntityIncident:
		return &Incident{}, nil
	case EntityLogEntry:
		return &LogEntry{}, nil
	case EntityExercise:
		return &Exercise{}, nil
	case EntityAction:
		return &Action{}, nil
	case EntityProcess:
		return &BusinessProcess{}, nil
	case EntitySite:
		return &Site{}, nil
	case EntitySupplier:
		return &Supplier{}, nil
	case EntityCopy:
		return &Copy{}, nil
	case EntityRelease:
		return &Release{}, nil
	case EntityReview:
		return &DocReview{}, nil
	case EntityPrintout:
		return &Printout{}, nil
	case EntityExchange:
		return &CopyExchange{}, nil
	case EntityApproverKey:
		return &ApproverKey{}, nil
	}
	return nil, fmt.Errorf("unknown record kind %q", e)
}
