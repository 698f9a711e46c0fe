// Package handbook holds Ernstfall's domain: the records a crisis team keeps
// (contacts, roles, escalation levels, playbooks, services, …), their
// validation, and the views computed from them (restore order, staleness).
// It does no I/O.
package handbook

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/google/uuid"
)

// DefaultReviewIntervalDays asks for a semi-annual review of every document.
const DefaultReviewIntervalDays = 182

// DefaultStaleAfterDays is how long a contact stays trusted without verification.
const DefaultStaleAfterDays = 180

// NewID returns a new time-ordered UUID (v7) as text.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Record is what every stored record carries.
type Record struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Deleted marks a tombstone: the record is hidden but kept while sync
	// may still carry changes to it.
	Deleted bool `json:"deleted,omitempty"`
}

// Meta returns the record itself; it lets generic code reach the common fields.
func (r *Record) Meta() *Record { return r }

// Review holds the review cycle of a document.
type Review struct {
	Owner              string    `json:"owner,omitempty"`
	ReviewIntervalDays int       `json:"review_interval_days,omitempty"`
	LastReviewedAt     time.Time `json:"last_reviewed_at,omitzero"`
}

// Interval returns the review interval, falling back to the default.
func (r Review) Interval() int {
	if r.ReviewIntervalDays <= 0 {
		return DefaultReviewIntervalDays
	}
	return r.ReviewIntervalDays
}

// DueAt is when the next review is due; the zero time when never reviewed.
func (r Review) DueAt() time.Time {
	if r.LastReviewedAt.IsZero() {
		return time.Time{}
	}
	return r.LastReviewedAt.AddDate(0, 0, r.Interval())
}

// Overdue reports whether the document needed a review before now.
// A document never reviewed is overdue.
func (r Review) Overdue(now time.Time) bool {
	if r.LastReviewedAt.IsZero() {
		return true
	}
	return now.After(r.DueAt())
}

// Minutes is a duration in whole minutes, the unit RTO, RPO and escalation
// deadlines are agreed in.
type Minutes int

// String renders minutes the way a crisis team writes them: "30 min", "4 h",
// "1 d 6 h".
func (m Minutes) String() string {
	if m < 0 {
		return fmt.Sprintf("-%s", Minutes(-m))
	}
	d, h, mm := int(m)/1440, (int(m)%1440)/60, int(m)%60
	switch {
	case m == 0:
		return "0 min"
	case d > 0 && h == 0 && mm == 0:
		return fmt.Sprintf("%d d", d)
	case d > 0 && mm == 0:
		return fmt.Sprintf("%d d %d h", d, h)
	case d == 0 && h > 0 && mm == 0:
		return fmt.Sprintf("%d h", h)
	case d == 0 && h > 0:
		return fmt.Sprintf("%d h %d min", h, mm)
	case d == 0:
		return fmt.Sprintf("%d min", mm)
	default:
		return fmt.Sprintf("%d d %d h %d min", d, h, mm)
	}
}

// Severity ranks playbooks and incidents.
type Severity string

// Severities from least to most severe.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists every severity, least severe first.
var Severities = []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// Rank orders severities; unknown ones rank 0.
func (s Severity) Rank() int {
	for i, v := range Severities {
		if v == s {
			return i + 1
		}
	}
	return 0
}

// IncidentType classifies playbooks.
type IncidentType string

// Incident types the field distinguishes.
const (
	TypeRansomware       IncidentType = "ransomware"
	TypeDDoS             IncidentType = "ddos"
	TypeDataLoss         IncidentType = "data_loss"
	TypeSaaSOutage       IncidentType = "saas_outage"
	TypeThirdPartyOutage IncidentType = "third_party_outage"
	TypeCloudMisconfig   IncidentType = "cloud_misconfiguration"
	TypeHumanError       IncidentType = "human_error"
	TypeDataBreach       IncidentType = "data_breach"
	TypeOther            IncidentType = "other"
)

// IncidentTypes lists every incident type.
var IncidentTypes = []IncidentType{TypeRansomware, TypeDDoS, TypeDataLoss, TypeSaaSOutage,
	TypeThirdPartyOutage, TypeCloudMisconfig, TypeHumanError, TypeDataBreach, TypeOther}

// Contact is a person or an external party the crisis team may have to reach.
type Contact struct {
	Record
	// Honorific is an academic or professional title written before the
	// name ("Dr.", "Prof. Dr."); Name is the name lists sort by.
	Honorific    string `json:"honorific,omitempty"`
	Name         string `json:"name"`
	Organisation string `json:"organisation,omitempty"`
	Team         string `json:"team,omitempty"`
	Function     string `json:"function,omitempty"`
	PhoneMobile  string `json:"phone_mobile,omitempty"`
	PhoneOffice  string `json:"phone_office,omitempty"`
	PhonePrivate string `json:"phone_private,omitempty"`
	Email        string `json:"email,omitempty"`
	// Channels lists other ways to reach the contact, one per line
	// ("Signal: +49 …", "Funk: Kanal 3").
	Channels string `json:"channels,omitempty"`
	Location string `json:"location,omitempty"`
	Notes    string `json:"notes,omitempty"`
	// External marks service providers, authorities, insurers.
	External bool `json:"external,omitempty"`
	// Kind groups external contacts: hoster, authority, insurer, …
	Kind           string    `json:"kind,omitempty"`
	LastVerifiedAt time.Time `json:"last_verified_at,omitzero"`
	// Correction says what is wrong with the contact's details and must be
	// corrected (a number an alarm test found wrong); it puts the contact
	// on the verify list until someone verifies it.
	Correction string `json:"correction,omitempty"`
}

// FullName is the name as it is written to a person: the honorific, if
// any, before the name ("Dr. Ayşe Özdemir").
func (c Contact) FullName() string {
	if h := strings.TrimSpace(c.Honorific); h != "" {
		return h + " " + c.Name
	}
	return c.Name
}

// Phones returns the contact's phone numbers, mobile first, skipping empty ones.
func (c Contact) Phones() []string {
	var out []string
	for _, p := range []string{c.PhoneMobile, c.PhoneOffice, c.PhonePrivate} {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// PhoneKind says which of a contact's numbers a number is; the values are
// the names of the contact's fields.
type PhoneKind string

// The kinds of a contact's phone numbers, in calling order.
const (
	MobilePhone  PhoneKind = "phone_mobile"
	OfficePhone  PhoneKind = "phone_office"
	PrivatePhone PhoneKind = "phone_private"
)

// Number is one of a contact's phone numbers with its kind, so that every
// number shown or printed can say whether it rings a mobile, a desk or a
// home.
type Number struct {
	Kind   PhoneKind
	Number string
}

// Numbers returns the contact's phone numbers with their kinds, mobile
// first, skipping empty ones.
func (c Contact) Numbers() []Number {
	var out []Number
	for _, n := range []Number{{MobilePhone, c.PhoneMobile}, {OfficePhone, c.PhoneOffice}, {PrivatePhone, c.PhonePrivate}} {
		if n.Number != "" {
			out = append(out, n)
		}
	}
	return out
}

// Role is a function in an incident with its holders: the first is the
// primary, the rest are deputies in the order they are called.
type Role struct {
	Record
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Holders     []string `json:"holders,omitempty"` // contact IDs
	// OnCall is the role's on-call rotation, if it has one: then the
	// person it names is on duty, and the holders are called after them.
	OnCall *Rotation `json:"on_call,omitempty"`
}

// EscalationLevel is one step of the escalation matrix.
type EscalationLevel struct {
	Record
	Level     int    `json:"level"`
	Name      string `json:"name"`
	Trigger   string `json:"trigger,omitempty"`
	DecidedBy string `json:"decided_by,omitempty"` // role ID
	// Notify lists the role IDs informed at this level.
	Notify []string `json:"notify,omitempty"`
	// Within is how soon after the trigger they must be notified.
	Within Minutes `json:"within_minutes,omitempty"`
}

// Playbook is an incident-response procedure. Its Markdown body has phases as
// "##" headings and steps as task items ("- [ ] Server isolieren @IT-Lead (15 min)").
type Playbook struct {
	Record
	Review
	Title        string       `json:"title"`
	IncidentType IncidentType `json:"incident_type,omitempty"`
	Severity     Severity     `json:"severity,omitempty"`
	Summary      string       `json:"summary,omitempty"`
	Body         string       `json:"body,omitempty"`
}

// Audience of a communication template.
type Audience string

// Audiences of communication templates.
const (
	AudienceInternal   Audience = "internal"
	AudienceManagement Audience = "management"
	AudienceCustomers  Audience = "customers"
	AudienceAuthority  Audience = "authority"
	AudiencePress      Audience = "press"
)

// Audiences lists every audience.
var Audiences = []Audience{AudienceInternal, AudienceManagement, AudienceCustomers, AudienceAuthority, AudiencePress}

// CommTemplate is a prepared message with placeholders such as {{incident.title}}.
type CommTemplate struct {
	Record
	Review
	Title    string   `json:"title"`
	Audience Audience `json:"audience,omitempty"`
	Channel  string   `json:"channel,omitempty"`
	Subject  string   `json:"subject,omitempty"`
	Body     string   `json:"body,omitempty"`
	// ContactRole is the role (ID) whose person on duty the older
	// {{contact.*}} placeholders name; empty: the incident's owner role.
	ContactRole string `json:"contact_role,omitempty"`
}

// Service is a business process or IT service with its recovery plan.
type Service struct {
	Record
	Review
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Criticality Severity `json:"criticality,omitempty"`
	RTO         Minutes  `json:"rto_minutes"`
	RPO         Minutes  `json:"rpo_minutes"`
	// MTD is the maximum tolerable downtime.
	MTD       Minutes  `json:"mtd_minutes"`
	DependsOn []string `json:"depends_on,omitempty"` // service IDs
	// RecoverySteps is Markdown.
	RecoverySteps string `json:"recovery_steps,omitempty"`
	// ManualFallback describes the alternative or manual process (Markdown).
	ManualFallback string `json:"manual_fallback,omitempty"`
	// Resources are contacts needed for recovery (people, providers).
	Resources []string `json:"resources,omitempty"` // contact IDs
	// ResourcesNote lists tools and other resources in words.
	ResourcesNote string `json:"resources_note,omitempty"`
}

// RiskScenario is a threat with its assessment.
type RiskScenario struct {
	Record
	Review
	Title            string   `json:"title"`
	Threat           string   `json:"threat,omitempty"`
	AffectedServices []string `json:"affected_services,omitempty"` // service IDs
	Likelihood       int      `json:"likelihood"`                  // 1–5
	Impact           int      `json:"impact"`                      // 1–5
	Mitigation       string   `json:"mitigation,omitempty"`
	PlaybookID       string   `json:"playbook_id,omitempty"`
}

// Score is likelihood times impact (1–25).
func (r RiskScenario) Score() int { return r.Likelihood * r.Impact }

// Incident is a live run of a playbook. What happens during it (ticked
// steps, escalations, reports sent, notes, new facts) is recorded as
// append-only log entries, so that two laptops working the same incident
// never overwrite each other; the incident record holds what is decided
// once, at the start or at the close.
type Incident struct {
	Record
	Title      string   `json:"title"`
	PlaybookID string   `json:"playbook_id,omitempty"`
	Severity   Severity `json:"severity,omitempty"`
	// Level is the escalation level chosen when the incident started (0 =
	// none). Raising or lowering it later is a log entry; CurrentLevel
	// gives the level in effect.
	Level int `json:"level,omitempty"`
	// OwnerRole is the role (ID) that owns the incident.
	OwnerRole string `json:"owner_role,omitempty"`
	// AwareAt is when the company became aware; regulatory clocks start here.
	AwareAt   time.Time `json:"aware_at,omitzero"`
	StartedAt time.Time `json:"started_at"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
	// Summary is written when the incident is closed.
	Summary string `json:"summary,omitempty"`
	// Impact is what the incident does to the company, its customers and
	// staff, as known at the start; NextUpdate is when the next update to
	// those informed is promised. Both change later by log entries
	// (CurrentFacts gives the values in effect).
	Impact     string    `json:"impact,omitempty"`
	NextUpdate time.Time `json:"next_update,omitzero"`
	// Clocks lists the reports owed from the start (ClockGDPR33, …), for
	// the regimes chosen then; regimes added later are log entries (see
	// RegimesOf).
	Clocks []string `json:"clocks,omitempty"`
	// ExerciseID names the exercise when the incident is a drill: its
	// clocks are practice and never real deadlines.
	ExerciseID string `json:"exercise_id,omitempty"`
	// Injects are the exercise's prepared injects as they were when the
	// drill started; each appears at its time after StartedAt (see
	// DrillInjects).
	Injects []Inject `json:"injects,omitempty"`
	// PlaybookSnapshot is the playbook body as it was when the incident
	// started; later edits of the playbook do not change a running incident.
	PlaybookSnapshot string `json:"playbook_snapshot,omitempty"`
}

// Open reports whether the incident is still running.
func (i Incident) Open() bool { return i.ClosedAt.IsZero() }

// Drill reports whether the incident is an exercise's drill.
func (i Incident) Drill() bool { return i.ExerciseID != "" }

// Kinds of incident log entries.
const (
	LogNote       = "note"
	LogDecision   = "decision"
	LogMessage    = "message"
	LogCall       = "call"
	LogStep       = "step"   // a checklist step ticked (StepKey)
	LogUnstep     = "unstep" // a tick taken back (StepKey)
	LogEscalation = "escalation"
	LogReport     = "report" // a regulatory report sent (Clock)
	LogCorrection = "correction"
	LogStart      = "start"
	LogClose      = "close"
	// LogRegime adds a reporting regime (Regime) to a running incident;
	// Moment is when the company became aware of what makes it apply.
	LogRegime = "regime"
	// LogClassified records the classification as major under a regime
	// (Regime; DORA) at Moment.
	LogClassified = "classified"
	// LogWaived declares a report (Clock) not needed; Text is the reason.
	LogWaived = "report_waived"
	// LogReportsOpen records the decision to close the incident with a
	// report (Clock) still open; Text is the reason, if one was given.
	LogReportsOpen = "reports_open"
	// LogImpact sets the impact (Text); LogNextUpdate the time of the
	// next update (Moment).
	LogImpact     = "impact"
	LogNextUpdate = "next_update"
	// Entries of drills only. LogInject brings an inject in: a prepared
	// one (Inject names it) before its time, or one made up on the spot
	// (Text). LogRecovery records what a recovery test achieved for a
	// service (Recovery); LogCallAttempt one call of an alarm test (Call).
	LogInject      = "inject"
	LogRecovery    = "recovery"
	LogCallAttempt = "call_attempt"
)

// LogKinds lists every kind of log entry.
var LogKinds = []string{LogNote, LogDecision, LogMessage, LogCall, LogStep, LogUnstep,
	LogEscalation, LogReport, LogCorrection, LogStart, LogClose, LogRegime, LogClassified,
	LogWaived, LogReportsOpen, LogImpact, LogNextUpdate, LogInject, LogRecovery, LogCallAttempt}

// DrillKinds are the kinds of log entries only a drill has.
var DrillKinds = []string{LogInject, LogRecovery, LogCallAttempt}

// LogEntry is one append-only entry of an incident log. Entries are never
// edited; a correction is a new entry that names the one it corrects.
type LogEntry struct {
	Record
	IncidentID string    `json:"incident_id"`
	At         time.Time `json:"at"`
	// Author is the name of the person who made the entry; Initials are
	// theirs, for narrow columns and the printed log.
	Author   string `json:"author,omitempty"`
	Initials string `json:"initials,omitempty"`
	Kind     string `json:"kind,omitempty"`
	Text     string `json:"text"`
	Corrects string `json:"corrects,omitempty"` // ID of the corrected entry
	// StepKey names the checklist step of a step/unstep entry.
	StepKey string `json:"step_key,omitempty"`
	// Clock names the report of a report, waiver or reports-open entry.
	Clock string `json:"clock,omitempty"`
	// Level is the new escalation level of an escalation entry.
	Level int `json:"level,omitempty"`
	// Regime names the regime of a regime or classification entry.
	Regime string `json:"regime,omitempty"`
	// Moment is the point in time the entry is about, apart from when it
	// was written: the awareness time of a regime added, the time of a
	// classification, the next update promised.
	Moment time.Time `json:"moment,omitzero"`
	// Inject names the drill's inject an entry is about: the inject
	// brought in (LogInject), or the one the team reacted to (a note, a
	// decision, a call, a message).
	Inject string `json:"inject,omitempty"`
	// Recovery is the result of a recovery test (LogRecovery).
	Recovery *RecoveryResult `json:"recovery,omitempty"`
	// Call is one call of an alarm test (LogCallAttempt); Text is its note.
	Call *CallAttempt `json:"call,omitempty"`
}

// ActionStatus is the state of a lessons-learned action.
type ActionStatus string

// Action states.
const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
)

// ActionStatuses lists every action status.
var ActionStatuses = []ActionStatus{ActionOpen, ActionInProgress, ActionDone}

// Action is a lessons-learned measure from an incident or exercise.
type Action struct {
	Record
	Title      string       `json:"title"`
	Finding    string       `json:"finding,omitempty"`
	Owner      string       `json:"owner,omitempty"`
	Due        time.Time    `json:"due,omitzero"`
	Status     ActionStatus `json:"status,omitempty"`
	SourceKind string       `json:"source_kind,omitempty"` // incident or exercise
	SourceID   string       `json:"source_id,omitempty"`
}

// Open reports whether the action still needs work.
func (a Action) Open() bool { return a.Status != ActionDone }

// Handbook is a whole handbook in memory: what the JSON backup holds, what
// the binder prints and what the checks look at.
type Handbook struct {
	Settings      Settings          `json:"settings"`
	Contacts      []Contact         `json:"contacts"`
	Roles         []Role            `json:"roles"`
	Escalation    []EscalationLevel `json:"escalation_levels"`
	Playbooks     []Playbook        `json:"playbooks"`
	CommTemplates []CommTemplate    `json:"comm_templates"`
	Services      []Service         `json:"services"`
	Risks         []RiskScenario    `json:"risks"`
	Incidents     []Incident        `json:"incidents"`
	LogEntries    []LogEntry        `json:"log_entries"`
	Exercises     []Exercise        `json:"exercises"`
	Actions       []Action          `json:"actions"`
	// Document control: left out of the JSON when empty, so a handbook
	// without it keeps its form.
	Releases  []Release      `json:"releases,omitempty"`
	Reviews   []DocReview    `json:"reviews,omitempty"`
	Copies    []Copy         `json:"copies,omitempty"`
	Printouts []Printout     `json:"printouts,omitempty"`
	Exchanges []CopyExchange `json:"copy_exchanges,omitempty"`
	// ApproverKeys are the records of approvers' keys.
	ApproverKeys []ApproverKey `json:"approver_keys,omitempty"`
	// The business impact analysis; left out of the JSON when empty, so
	// a handbook without it keeps its version.
	Sites     []Site            `json:"sites,omitempty"`
	Suppliers []Supplier        `json:"suppliers,omitempty"`
	Processes []BusinessProcess `json:"business_processes,omitempty"`
}

// Settings are handbook-wide facts printed on the binder and shown in the app.
type Settings struct {
	Organisation string `json:"organisation,omitempty"`
	// Address is the organisation's postal address, for messages
	// ({{company.address}}).
	Address        string `json:"address,omitempty"`
	Classification string `json:"classification,omitempty"`
	// Location says where the handbook lives (printed copies, shared folder).
	Location string `json:"location,omitempty"`
	// DefaultCountry is the ISO country code used to read local phone numbers.
	DefaultCountry string `json:"default_country,omitempty"`
	// ApproverRoles are the roles (IDs) whose holders release documents;
	// empty means the roles named in DefaultApproverRoles.
	ApproverRoles []string `json:"approver_roles,omitempty"`

	// The business impact analysis (see BIA): impact categories, the time
	// points at which each is rated, the rating that makes a disruption
	// intolerable, and the factor from MTPD to required RTO. Empty means
	// the defaults.
	ImpactCategories []ImpactCategory `json:"impact_categories,omitempty"`
	TimePoints       []Minutes        `json:"time_points,omitempty"`
	ImpactThreshold  int              `json:"impact_threshold,omitempty"`
	RTOFactor        float64          `json:"rto_factor,omitempty"`

	// ExerciseIntervalMonths is how often a critical playbook or process
	// must be exercised; 0 means DefaultExerciseIntervalMonths.
	ExerciseIntervalMonths int `json:"exercise_interval_months,omitempty"`

	// Keeping the shared folder small (see SyncSettings): after how many
	// days without a sync a laptop is inactive and no longer holds
	// compaction back, and how many batch files every active laptop has
	// applied before one is compacted. 0 means the defaults.
	SyncInactiveDays int `json:"sync_inactive_days,omitempty"`
	SyncCompactAfter int `json:"sync_compact_after,omitempty"`
}

// IsZero reports settings with nothing set (every field, also those added
// later, at its zero value).
func (s Settings) IsZero() bool { return reflect.ValueOf(s).IsZero() }

// ReviewCycle gives access to a document's review fields; every type that
// embeds Review has it.
func (r *Review) ReviewCycle() *Review { return r }
