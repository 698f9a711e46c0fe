package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// screen is one row of the navigation: adding a screen is adding a row.
type screen struct {
	id    string
	title string // English, translated when shown
	icon  fyne.Resource
	// entities are the kinds of record the screen shows, for search and links.
	entities []handbook.Entity
	View     func(u *ui) view
}

func screens() []screen {
	return []screen{
		{"dashboard", "Overview", theme.HomeIcon(), nil, dashboardView},
		{"incidents", "Incidents", theme.ErrorIcon(), []handbook.Entity{handbook.EntityIncident, handbook.EntityLogEntry}, incidentsView},
		{"playbooks", "Playbooks", theme.DocumentIcon(), []handbook.Entity{handbook.EntityPlaybook}, playbooksView},
		{"contacts", "Contacts", theme.AccountIcon(), []handbook.Entity{handbook.EntityContact}, contactsView},
		{"roles", "Roles & escalation", theme.GridIcon(), []handbook.Entity{handbook.EntityRole, handbook.EntityEscalation, handbook.EntityMatrix}, rolesView},
		{"calltree", "Call tree", theme.MailForwardIcon(), nil, callTreeView},
		{"oncall", "On call", theme.HistoryIcon(), nil, onCallView},
		{"recovery", "Recovery", theme.ViewRefreshIcon(), []handbook.Entity{handbook.EntityService}, servicesView},
		{"bia", "Business processes (BIA)", theme.ColorPaletteIcon(), []handbook.Entity{handbook.EntityProcess}, processesView},
		{"sites", "Sites", theme.StorageIcon(), []handbook.Entity{handbook.EntitySite}, sitesView},
		{"suppliers", "Suppliers", theme.MailSendIcon(), []handbook.Entity{handbook.EntitySupplier}, suppliersView},
		{"risks", "Risks", theme.WarningIcon(), []handbook.Entity{handbook.EntityRisk}, risksView},
		{"exercises", "Exercises", theme.MediaPlayIcon(), []handbook.Entity{handbook.EntityExercise}, exercisesView},
		{"actions", "Actions", theme.ListIcon(), []handbook.Entity{handbook.EntityAction}, actionsView},
		{"templates", "Communication templates", theme.MailComposeIcon(), []handbook.Entity{handbook.EntityCommTemplate}, templatesView},
		{"control", "Document control", theme.DocumentSaveIcon(), []handbook.Entity{handbook.EntityCopy, handbook.EntityRelease,
			handbook.EntityReview, handbook.EntityPrintout, handbook.EntityExchange}, controlView},
		{"conflicts", "Conflicts", theme.QuestionIcon(), nil, conflictsView},
		{"settings", "Settings", theme.SettingsIcon(), nil, settingsView},
	}
}

// entityNames are the names of the kinds of record, plural, in English:
// every kind the history filter, search and conflicts can name.
var entityNames = map[handbook.Entity]string{
	handbook.EntityContact:      "Contacts",
	handbook.EntityRole:         "Roles",
	handbook.EntityEscalation:   "Escalation levels",
	handbook.EntityMatrix:       "Escalation matrix",
	handbook.EntityPlaybook:     "Playbooks",
	handbook.EntityCommTemplate: "Communication templates",
	handbook.EntityService:      "Services",
	handbook.EntityRisk:         "Risks",
	handbook.EntityIncident:     "Incidents",
	handbook.EntityLogEntry:     "Incident log",
	handbook.EntityExercise:     "Exercises",
	handbook.EntityAction:       "Actions",
	handbook.EntityProcess:      "Business processes",
	handbook.EntitySite:         "Sites",
	handbook.EntitySupplier:     "Suppliers",
	handbook.EntityCopy:         "Copies",
	handbook.EntityRelease:      "Releases",
	handbook.EntityReview:       "Reviews",
	handbook.EntityPrintout:     "Printouts",
	handbook.EntityExchange:     "Copy exchanges",
	handbook.EntityApproverKey:  "Approver keys",
	store.SettingsEntity:        "Handbook settings",
}

// entityName is the translated name of a kind of record, plural; a kind
// without a name shows as it is stored rather than as nothing.
func entityName(e handbook.Entity) string {
	name, ok := entityNames[e]
	if !ok {
		return string(e)
	}
	return lang.L(name)
}

func severityLabel(s handbook.Severity) string {
	if s == "" {
		return ""
	}
	return lang.L(map[handbook.Severity]string{
		handbook.SeverityLow: "low", handbook.SeverityMedium: "medium",
		handbook.SeverityHigh: "high", handbook.SeverityCritical: "critical",
	}[s])
}

func severityOptions() []option {
	var out []option
	for _, s := range handbook.Severities {
		out = append(out, option{string(s), severityLabel(s)})
	}
	return out
}

func incidentTypeLabel(t handbook.IncidentType) string {
	if t == "" {
		return ""
	}
	return lang.L(map[handbook.IncidentType]string{
		handbook.TypeRansomware: "Ransomware", handbook.TypeDDoS: "DDoS", handbook.TypeDataLoss: "Data loss",
		handbook.TypeSaaSOutage: "SaaS outage", handbook.TypeThirdPartyOutage: "Third-party outage",
		handbook.TypeCloudMisconfig: "Cloud misconfiguration", handbook.TypeHumanError: "Human error",
		handbook.TypeDataBreach: "Data breach", handbook.TypeOther: "Other incident",
	}[t])
}

func audienceLabel(a handbook.Audience) string {
	if a == "" {
		return ""
	}
	return lang.L(map[handbook.Audience]string{
		handbook.AudienceInternal: "Staff", handbook.AudienceManagement: "Management",
		handbook.AudienceCustomers: "Customers", handbook.AudienceAuthority: "Authorities",
		handbook.AudiencePress: "Press",
	}[a])
}

func actionStatusLabel(s handbook.ActionStatus) string {
	if s == "" {
		return ""
	}
	return lang.L(map[handbook.ActionStatus]string{
		handbook.ActionOpen: "open", handbook.ActionInProgress: "in progress", handbook.ActionDone: "done",
	}[s])
}

// day formats a date; "" for the zero time.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(lang.L("2006-01-02"))
}

// reviewRows describes a document's review cycle for a detail view.
func reviewRows(r handbook.Review, now time.Time, contacts names) [][2]string {
	last := day(r.LastReviewedAt)
	if last == "" {
		last = lang.L("never")
	}
	due := day(r.DueAt())
	if r.Overdue(now) {
		due = lang.L("overdue") + " " + due
	}
	return [][2]string{
		{lang.L("Owner"), contacts.name(r.Owner)},
		{lang.L("Last reviewed"), last},
		{lang.L("Next review"), due},
	}
}

// reviewFields adds the review cycle to a form.
func reviewFields(f *form, r *handbook.Review, contacts []option) {
	f.choice("owner", lang.L("Owner"), &r.Owner, contacts)
	f.number("review_interval_days", lang.L("Review interval (days)"), &r.ReviewIntervalDays)
}
