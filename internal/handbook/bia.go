package handbook

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Business impact analysis (BSI-Standard 200-4, ISO 22301 8.2.2): each
// business process is rated, per impact category, at a series of time
// points after a disruption. The first time point at which any category
// reaches the threshold is the maximum tolerable period of disruption
// (MTPD); the criticality follows from it, and the required recovery time
// (RTO) is the MTPD times a factor, rounded down to a time point.

// Rating is how bad the impact of a disruption is in one category at one
// time point: 1 low (gering), 2 medium (mittel), 3 high (hoch),
// 4 existential (existenzbedrohend). 0 is not rated.
type Rating int

// The ratings of an impact assessment.
const (
	RatingLow         Rating = 1
	RatingMedium      Rating = 2
	RatingHigh        Rating = 3
	RatingExistential Rating = 4
)

// Ratings lists every rating, lowest first.
var Ratings = []Rating{RatingLow, RatingMedium, RatingHigh, RatingExistential}

// ImpactCategory is one kind of damage a disruption causes. Key is stable
// (it names the cells of every assessment); Name is what people read, and
// may be empty for the built-in categories, which each language names.
type ImpactCategory struct {
	Key  string `json:"key"`
	Name string `json:"name,omitempty"`
}

// The built-in impact categories.
const (
	CategoryFinancial  = "financial"
	CategoryCustomers  = "customers"
	CategoryLegal      = "legal"
	CategoryReputation = "reputation"
	CategorySafety     = "safety"
)

// Defaults of the BIA settings.
var (
	DefaultImpactCategories = []ImpactCategory{{Key: CategoryFinancial}, {Key: CategoryCustomers},
		{Key: CategoryLegal}, {Key: CategoryReputation}, {Key: CategorySafety}}
	// DefaultTimePoints: 4 h, 1 d, 3 d, 1 w, 2 w, 1 month (30 days).
	DefaultTimePoints = []Minutes{4 * Hour, Day, 3 * Day, Week, 2 * Week, Month}
)

// DefaultImpactThreshold is the rating from which a disruption is no longer
// tolerable; DefaultRTOFactor turns the MTPD into the required RTO.
const (
	DefaultImpactThreshold = int(RatingExistential)
	DefaultRTOFactor       = 0.5
)

// DefaultKitCheckDays is how often an emergency kit is checked when its
// site names no interval: every quarter, since batteries, cash and phone
// lists age fast.
const DefaultKitCheckDays = 91

// Units of Minutes.
const (
	Hour  Minutes = 60
	Day   Minutes = 24 * Hour
	Week  Minutes = 7 * Day
	Month Minutes = 30 * Day
)

// BIAConfig is the effective BIA settings of a handbook: its own, or the
// defaults where it has none.
type BIAConfig struct {
	Categories []ImpactCategory
	TimePoints []Minutes // ascending
	Threshold  Rating
	RTOFactor  float64
}

// BIA returns the BIA settings in effect. Settings that Validate refuses
// (a restored backup or a merge of two laptops' edits can bring them) do
// not take effect: invalid or repeated categories and time points are
// left out, and an impossible threshold or factor gives way to the
// default, so that the analysis never runs on them; check names them.
func (s Settings) BIA() BIAConfig {
	c := BIAConfig{Categories: DefaultImpactCategories, TimePoints: DefaultTimePoints,
		Threshold: Rating(DefaultImpactThreshold), RTOFactor: DefaultRTOFactor}
	var cats []ImpactCategory
	for _, k := range s.ImpactCategories {
		if ValidCategoryKey(k.Key) && !slices.ContainsFunc(cats, func(c ImpactCategory) bool { return c.Key == k.Key }) {
			cats = append(cats, k)
		}
	}
	if len(cats) > 0 {
		c.Categories = cats
	}
	var tps []Minutes
	for _, t := range s.TimePoints {
		if t > 0 && t <= MaxDuration && !slices.Contains(tps, t) {
			tps = append(tps, t)
		}
	}
	if len(tps) > 0 {
		c.TimePoints = slices.Sorted(slices.Values(tps))
	}
	if s.ImpactThreshold >= int(RatingLow) && s.ImpactThreshold <= int(RatingExistential) {
		c.Threshold = Rating(s.ImpactThreshold)
	}
	if s.RTOFactor > 0 && s.RTOFactor <= 1 {
		c.RTOFactor = s.RTOFactor
	}
	return c
}

// Cells is how many cells a full assessment rates.
func (c BIAConfig) Cells() int { return len(c.Categories) * len(c.TimePoints) }

// categoryKey is what a category key may be: it names grid cells in the
// stored records, so it stays plain.
var categoryKey = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// ValidCategoryKey reports whether k can name an impact category.
func ValidCategoryKey(k string) bool { return categoryKey.MatchString(k) }

// CategoryKeyFor makes a key for a new category called name: its folded
// words joined by "-", unique among taken.
func CategoryKeyFor(name string, taken []ImpactCategory) string {
	var b strings.Builder
	dash := false
	for _, r := range Fold(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	base := strings.TrimSuffix(b.String(), "-")
	if len(base) > 30 {
		base = strings.TrimSuffix(base[:30], "-")
	}
	if base == "" || !ValidCategoryKey(base) {
		base = "category"
	}
	key := base
	for i := 2; slices.ContainsFunc(taken, func(c ImpactCategory) bool { return c.Key == key }); i++ {
		key = fmt.Sprintf("%s-%d", base, i)
	}
	return key
}

// Validate checks the BIA settings: known, unique category keys; time
// points above zero, each once; a threshold that is a rating; a factor
// above 0 and at most 1 (a required RTO longer than the MTPD would plan
// for a recovery after the damage is already intolerable).
func (s Settings) Validate() error {
	var p problems
	seen := map[string]bool{}
	for _, c := range s.ImpactCategories {
		switch {
		case !ValidCategoryKey(c.Key):
			p.addT("impact_categories", "the key {{.Key}} may hold only lower-case letters, digits, - and _", "Key", strconv.Quote(c.Key))
		case seen[c.Key]:
			p.addT("impact_categories", "the category {{.Key}} is listed twice", "Key", c.Key)
		}
		seen[c.Key] = true
	}
	tps := map[Minutes]bool{}
	for _, t := range s.TimePoints {
		switch {
		case t <= 0:
			p.addT("time_points", "a time point must lie after the disruption (is {{.Value}})", "Value", t.String())
		case t > MaxDuration:
			p.addT("time_points", "a time point cannot lie more than ten years after the disruption (is {{.Value}})", "Value", t.String())
		case tps[t]:
			p.addT("time_points", "the time point {{.Value}} is listed twice", "Value", t.String())
		}
		tps[t] = true
	}
	if s.ImpactThreshold != 0 && (s.ImpactThreshold < int(RatingLow) || s.ImpactThreshold > int(RatingExistential)) {
		p.addT("impact_threshold", "must be a rating from 1 to 4 (is {{.Value}})", "Value", strconv.Itoa(s.ImpactThreshold))
	}
	if s.RTOFactor < 0 || s.RTOFactor > 1 || math.IsNaN(s.RTOFactor) {
		p.addT("rto_factor", "must lie above 0 and at most 1 (is {{.Value}}); a required RTO longer than the MTPD cannot be met in time",
			"Value", strconv.FormatFloat(s.RTOFactor, 'f', -1, 64))
	}
	if d := s.SyncInactiveDays; d != 0 && (d < MinSyncInactiveDays || d > MaxSyncInactiveDays) {
		p.addT("sync_inactive_days", "must lie between 7 and 3650 days (is {{.Value}}); shorter, laptops on holiday would start again from a checkpoint", "Value", strconv.Itoa(d))
	}
	if n := s.SyncCompactAfter; n != 0 && (n < MinSyncCompactAfter || n > MaxSyncCompactAfter) {
		p.addT("sync_compact_after", "must lie between 100 and 1000000 batch files (is {{.Value}}); fewer, every laptop would write the whole handbook again and again", "Value", strconv.Itoa(n))
	}
	return p.err()
}

// The defaults and bounds of the shared folder's settings.
const (
	DefaultSyncInactiveDays = 90
	MinSyncInactiveDays     = 7
	MaxSyncInactiveDays     = 3650
	DefaultSyncCompactAfter = 1000
	MinSyncCompactAfter     = 100
	MaxSyncCompactAfter     = 1_000_000
)

// SyncSettings returns the settings of the shared folder, defaults in
// place of those not set: after how long without a sync a laptop is
// inactive, and after how many batch files a member compacts.
func (s Settings) SyncSettings() (inactiveAfter time.Duration, compactAfter int) {
	days, n := DefaultSyncInactiveDays, DefaultSyncCompactAfter
	if s.SyncInactiveDays > 0 {
		days = s.SyncInactiveDays
	}
	if s.SyncCompactAfter > 0 {
		n = s.SyncCompactAfter
	}
	return time.Duration(days) * 24 * time.Hour, n
}

// ImpactCell names one cell of an impact grid: a category at a time point.
type ImpactCell struct {
	Category string
	At       Minutes
}

// Impact is an impact assessment: the rating of each cell. Cells not in
// the map are not rated.
type Impact map[ImpactCell]Rating

// BusinessProcess is a business process with its impact assessment, its
// dependencies and its continuity plan (Geschäftsfortführungsplan).
//
// The impact grid is stored one cell per field ("impact.financial.1d"),
// so that two laptops rating different cells of one grid both keep their
// rating when they sync.
type BusinessProcess struct {
	Record
	Review
	Name string `json:"name"`
	// OwnerRole is the role (ID) responsible for the process.
	OwnerRole   string `json:"owner_role,omitempty"`
	Description string `json:"description,omitempty"`
	// MinStaff is how many people emergency operation needs at least.
	MinStaff int `json:"min_staff,omitempty"`

	Impact Impact `json:"-"`
	// ImpactNote explains the ratings (Begründung), for the auditor.
	ImpactNote string `json:"impact_note,omitempty"`
	// AssessedAt and AssessedBy (a contact ID) date and sign the last
	// impact assessment.
	AssessedAt time.Time `json:"assessed_at,omitzero"`
	AssessedBy string    `json:"assessed_by,omitempty"`
	// RTO is an agreed recovery time objective tighter than the derived
	// one; 0 means the derived RTO applies. It may not exceed the MTPD.
	RTO Minutes `json:"rto_minutes,omitempty"`
	// RPO is the data loss the process tolerates.
	RPO Minutes `json:"rpo_minutes,omitempty"`

	Services  []string `json:"services,omitempty"`   // service IDs
	Sites     []string `json:"sites,omitempty"`      // site IDs
	Suppliers []string `json:"suppliers,omitempty"`  // supplier IDs
	Roles     []string `json:"roles,omitempty"`      // role IDs
	DependsOn []string `json:"depends_on,omitempty"` // process IDs

	// ContinuityPlan is the emergency procedure, Markdown with task items
	// like a playbook.
	ContinuityPlan string `json:"continuity_plan,omitempty"`
	// PlanCapacity says in words what emergency operation achieves ("60 %
	// der Bestellungen, manuelle Erfassung"); PlanCapacityPercent in
	// numbers, against MinCapacityPercent, the emergency operation level
	// the business needs (Notbetriebsniveau).
	PlanCapacity        string `json:"plan_capacity,omitempty"`
	PlanCapacityPercent int    `json:"plan_capacity_percent,omitempty"`
	MinCapacityPercent  int    `json:"min_capacity_percent,omitempty"`
	// PlanDuration is how long emergency operation can be kept up.
	PlanDuration Minutes `json:"plan_duration_minutes,omitempty"`
}

// Site is a location the business works at, with what a crisis team needs
// there: access, the alternate site and the emergency kit.
type Site struct {
	Record
	Review
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	// Access says how to get in: keys, codes and where they are kept.
	Access string `json:"access,omitempty"`
	// Contacts open the doors: facility management, security desk.
	Contacts []string `json:"contacts,omitempty"` // contact IDs
	// Services run here (server room, branch systems).
	Services []string `json:"services,omitempty"` // service IDs
	// Alternate is the site (ID) work moves to; AlternateCapacity says
	// what it holds ("20 Arbeitsplätze"); AlternateActivation is how long
	// it takes to be ready.
	Alternate           string  `json:"alternate,omitempty"`
	AlternateCapacity   string  `json:"alternate_capacity,omitempty"`
	AlternateActivation Minutes `json:"alternate_activation_minutes,omitempty"`
	// Kit is the emergency kit (Notfallkoffer) kept here, as a Markdown
	// task list; KitLocation says where it stands; it is checked every
	// KitCheckDays days (DefaultKitCheckDays when 0).
	Kit          string    `json:"kit,omitempty"`
	KitLocation  string    `json:"kit_location,omitempty"`
	KitCheckedAt time.Time `json:"kit_checked_at,omitzero"`
	KitCheckDays int       `json:"kit_check_days,omitempty"`
	Notes        string    `json:"notes,omitempty"`
}

// KitInterval is the kit's check interval in days.
func (s Site) KitInterval() int {
	if s.KitCheckDays <= 0 {
		return DefaultKitCheckDays
	}
	return s.KitCheckDays
}

// KitDue reports whether the site's emergency kit needed a check before
// now; a site without a kit never does.
func (s Site) KitDue(now time.Time) bool {
	if strings.TrimSpace(s.Kit) == "" {
		return false
	}
	return s.KitCheckedAt.IsZero() || now.After(s.KitCheckedAt.AddDate(0, 0, s.KitInterval()))
}

// Supplier is a service provider the business depends on, with what a
// person on the phone with it needs.
type Supplier struct {
	Record
	Review
	Name string `json:"name"`
	// Provides says what the supplier delivers ("Hosting Shop-Plattform").
	Provides       string `json:"provides,omitempty"`
	ContractNumber string `json:"contract_number,omitempty"`
	CustomerNumber string `json:"customer_number,omitempty"`
	// Hotline lists the contacts (IDs) to call, 24/7 first.
	Hotline []string `json:"hotline,omitempty"`
	// Hotline24x7 says the first hotline answers around the clock.
	Hotline24x7 bool `json:"hotline_24x7,omitempty"`
	// SLAResponse and SLARestoration are the agreed response and
	// restoration times (0: none agreed).
	SLAResponse    Minutes `json:"sla_response_minutes,omitempty"`
	SLARestoration Minutes `json:"sla_restoration_minutes,omitempty"`
	// Alternative is the supplier (ID) to switch to; Exit says how.
	Alternative string `json:"alternative,omitempty"`
	Exit        string `json:"exit,omitempty"`
	// Services that depend on this supplier.
	Services []string `json:"services,omitempty"` // service IDs
	Notes    string   `json:"notes,omitempty"`
}

// Assessment is what follows from a process's impact ratings.
type Assessment struct {
	// Rated counts the rated cells among the Cells the settings ask for.
	Rated, Cells int
	// MTPD is the first time point at which a category reaches the
	// threshold; 0 when none does (then Beyond tells whether the grid was
	// rated at all).
	MTPD Minutes
	// Category is the category that reaches the threshold first.
	Category string
	// Beyond: rated, and no category reaches the threshold at any time
	// point: the process tolerates more than the last time point.
	Beyond bool
	// Criticality follows from the MTPD; "" when not rated.
	Criticality Severity
	// DerivedRTO is MTPD × factor, rounded down to a time point (or, below
	// the first, to the minute); 0 without an MTPD.
	DerivedRTO Minutes
	// RTO is the RTO in effect: the agreed one if set, else DerivedRTO.
	RTO Minutes
}

// Assessed reports whether the process has ratings at all.
func (a Assessment) Assessed() bool { return a.Rated > 0 }

// Critical reports a time-critical process: MTPD of one day or less.
func (a Assessment) Critical() bool { return a.Criticality.Rank() >= SeverityHigh.Rank() }

// CriticalityFor is the criticality of a process with this MTPD: up to 4 h
// critical, up to 1 day high, up to 1 week medium, else low.
func CriticalityFor(mtpd Minutes) Severity {
	switch {
	case mtpd <= 0:
		return SeverityLow
	case mtpd <= 4*Hour:
		return SeverityCritical
	case mtpd <= Day:
		return SeverityHigh
	case mtpd <= Week:
		return SeverityMedium
	}
	return SeverityLow
}

// RequiredRTO is mtpd × factor rounded down to the largest time point not
// above it; below the first time point, the product itself (in whole
// minutes). 0 for no MTPD.
func (c BIAConfig) RequiredRTO(mtpd Minutes) Minutes {
	if mtpd <= 0 {
		return 0
	}
	raw := Minutes(math.Floor(float64(mtpd) * c.RTOFactor))
	out := Minutes(0)
	for _, t := range c.TimePoints {
		if t <= raw {
			out = t
		}
	}
	if out == 0 {
		out = max(raw, 1)
	}
	return out
}

// Assess derives MTPD, criticality and required RTO from p's ratings.
// Only the categories and time points of the settings count; ratings of
// cells no longer in the settings are kept but ignored.
func (c BIAConfig) Assess(p BusinessProcess) Assessment {
	a := Assessment{Cells: c.Cells()}
	for _, t := range c.TimePoints {
		for _, cat := range c.Categories {
			r := p.Impact[ImpactCell{cat.Key, t}]
			if r > 0 {
				a.Rated++
			}
			if a.MTPD == 0 && r >= c.Threshold {
				a.MTPD, a.Category = t, cat.Key
			}
		}
	}
	if a.Rated == 0 {
		a.RTO = p.RTO
		return a
	}
	a.Beyond = a.MTPD == 0
	a.Criticality = CriticalityFor(a.MTPD)
	a.DerivedRTO = c.RequiredRTO(a.MTPD)
	a.RTO = a.DerivedRTO
	if p.RTO > 0 && (a.RTO == 0 || p.RTO < a.RTO) {
		a.RTO = p.RTO
	}
	return a
}

// TimePointKey names a time point in a cell's field: "4h", "1d", "30d",
// "90m"; the largest whole unit, so every time point has one name.
func TimePointKey(m Minutes) string {
	switch {
	case m > 0 && m%Day == 0:
		return strconv.Itoa(int(m/Day)) + "d"
	case m > 0 && m%Hour == 0:
		return strconv.Itoa(int(m/Hour)) + "h"
	}
	return strconv.Itoa(int(m)) + "m"
}

// ParseTimePointKey reads a name written by TimePointKey; other spellings
// of the same time ("24h" for "1d") are refused, so a cell has one name.
func ParseTimePointKey(s string) (Minutes, bool) {
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || s[0] == '0' || s[0] == '+' || Minutes(n) > MaxDuration {
		return 0, false
	}
	var m Minutes
	switch s[len(s)-1] {
	case 'd':
		m = Minutes(n) * Day
	case 'h':
		m = Minutes(n) * Hour
	case 'm':
		m = Minutes(n)
	default:
		return 0, false
	}
	return m, TimePointKey(m) == s
}

// impactPrefix starts the field name of every grid cell.
const impactPrefix = "impact."

// ImpactField is the field that stores a cell: "impact.<category>.<time>".
func ImpactField(c ImpactCell) string {
	return impactPrefix + c.Category + "." + TimePointKey(c.At)
}

// ParseImpactField reads a cell's field name; ok is false for any other name.
func ParseImpactField(field string) (ImpactCell, bool) {
	rest, ok := strings.CutPrefix(field, impactPrefix)
	if !ok {
		return ImpactCell{}, false
	}
	cat, tp, ok := strings.Cut(rest, ".")
	if !ok || !ValidCategoryKey(cat) {
		return ImpactCell{}, false
	}
	at, ok := ParseTimePointKey(tp)
	if !ok {
		return ImpactCell{}, false
	}
	return ImpactCell{cat, at}, true
}

// IsImpactField reports whether field names a grid cell ("impact.…").
func IsImpactField(field string) bool { return strings.HasPrefix(field, impactPrefix) }

// Validate checks a process: a name; ratings from 1 to 4 in cells with
// valid names; durations and percentages that are possible; references
// listed once, and not the process itself. The checks that need the
// settings or the other processes (an RTO longer than the MTPD, a cycle
// of dependencies) are ValidateWith and Check.
func (bp BusinessProcess) Validate() error {
	var p problems
	p.required("name", bp.Name)
	for _, c := range bp.Impact.Cells() {
		r := bp.Impact[c]
		switch {
		case !ValidCategoryKey(c.Category) || c.At <= 0:
			p.addT("impact", "the cell {{.Cell}} names no category and time point", "Cell", strconv.Quote(c.Category+" "+c.At.String()))
		case r < RatingLow || r > RatingExistential:
			p.addT("impact", "the rating of {{.Category}} at {{.Time}} must be 1 to 4 (is {{.Value}})",
				"Category", c.Category, "Time", c.At.String(), "Value", strconv.Itoa(int(r)))
		}
	}
	if bp.MinStaff < 0 {
		p.addT("min_staff", "must not be negative (is {{.Value}})", "Value", strconv.Itoa(bp.MinStaff))
	}
	p.duration("rto_minutes", bp.RTO)
	p.duration("rpo_minutes", bp.RPO)
	p.duration("plan_duration_minutes", bp.PlanDuration)
	p.percent("plan_capacity_percent", bp.PlanCapacityPercent)
	p.percent("min_capacity_percent", bp.MinCapacityPercent)
	if bp.ID != "" && slices.Contains(bp.DependsOn, bp.ID) {
		p.addT("depends_on", "the process {{.Name}} cannot depend on itself", "Name", bp.Name)
	}
	p.ids("services", bp.Services)
	p.ids("sites", bp.Sites)
	p.ids("suppliers", bp.Suppliers)
	p.ids("roles", bp.Roles)
	p.ids("depends_on", bp.DependsOn)
	p.review(bp.Review)
	return p.err()
}

// ValidateWith checks what needs the settings: an agreed RTO may not be
// longer than the MTPD the ratings give.
func (bp BusinessProcess) ValidateWith(c BIAConfig) error {
	var p problems
	a := c.Assess(bp)
	if bp.RTO > 0 && a.MTPD > 0 && bp.RTO > a.MTPD {
		p.addT("rto_minutes", "the RTO of {{.RTO}} is longer than the MTPD of {{.MTPD}} that the impact assessment gives; recovery would come after the damage is intolerable",
			"RTO", bp.RTO.String(), "MTPD", a.MTPD.String())
	}
	return p.err()
}

// Validate checks a site: a name; not its own alternate; times that are
// possible.
func (s Site) Validate() error {
	var p problems
	p.required("name", s.Name)
	if s.Alternate != "" && s.Alternate == s.ID {
		p.addT("alternate", "the site {{.Name}} cannot be its own alternate site", "Name", s.Name)
	}
	p.duration("alternate_activation_minutes", s.AlternateActivation)
	if s.KitCheckDays < 0 {
		p.addT("kit_check_days", "must not be negative (is {{.Value}})", "Value", strconv.Itoa(s.KitCheckDays))
	}
	p.ids("contacts", s.Contacts)
	p.ids("services", s.Services)
	p.review(s.Review)
	return p.err()
}

// Validate checks a supplier: a name; not its own alternative; times that
// are possible, the response not after the restoration.
func (s Supplier) Validate() error {
	var p problems
	p.required("name", s.Name)
	if s.Alternative != "" && s.Alternative == s.ID {
		p.addT("alternative", "the supplier {{.Name}} cannot be its own alternative", "Name", s.Name)
	}
	p.duration("sla_response_minutes", s.SLAResponse)
	p.duration("sla_restoration_minutes", s.SLARestoration)
	if s.SLAResponse > 0 && s.SLARestoration > 0 && s.SLAResponse > s.SLARestoration {
		p.addT("sla_response_minutes", "the response time of {{.Response}} is longer than the restoration time of {{.Restoration}}",
			"Response", s.SLAResponse.String(), "Restoration", s.SLARestoration.String())
	}
	p.ids("hotline", s.Hotline)
	p.ids("services", s.Services)
	p.review(s.Review)
	return p.err()
}

// ParseDuration reads a duration as people type it, in German or English:
// "4 h", "4 Std.", "1 Tag", "3 days", "1 Woche", "2 weeks", "1 Monat"
// (30 days), "30 min", "1,5 h", "1 d 12 h", also the way Minutes writes
// them. Every number needs its unit; "" is 0. A leading "-" makes the
// duration negative, so that validation can name it.
func ParseDuration(s string) (Minutes, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" || s == "0" {
		return 0, nil
	}
	sign := Minutes(1)
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, s = -1, strings.TrimSpace(rest)
	}
	total := 0.0
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.' || rest[i] == ',') {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("%q: a number must come first, as in 4 h or 1 Tag", s)
		}
		num := rest[:i]
		n, err := strconv.ParseFloat(strings.Replace(num, ",", ".", 1), 64)
		if err != nil || math.IsInf(n, 0) || n > 1e7 {
			return 0, fmt.Errorf("%q: %q is not a number", s, num)
		}
		rest = strings.TrimLeft(rest[i:], " ")
		j := 0
		for j < len(rest) && (rest[j] >= 'a' && rest[j] <= 'z' || rest[j] == '.' || rest[j] >= 0x80) {
			j++
		}
		unit, ok := durationUnits[strings.TrimSuffix(rest[:j], ".")]
		if !ok {
			return 0, fmt.Errorf("%q: add a unit after %s: min, h, d, w or month", s, num)
		}
		total += n * float64(unit)
		rest = strings.TrimLeft(rest[j:], " ,")
	}
	if total > float64(MaxDuration) {
		return 0, fmt.Errorf("%q: longer than ten years", s)
	}
	return sign * Minutes(math.Round(total)), nil
}

// durationUnits are the units ParseDuration knows, in both languages.
var durationUnits = map[string]Minutes{
	"m": 1, "min": 1, "mins": 1, "minute": 1, "minuten": 1, "minutes": 1,
	"h": Hour, "std": Hour, "stunde": Hour, "stunden": Hour, "hour": Hour, "hours": Hour, "hr": Hour, "hrs": Hour,
	"d": Day, "t": Day, "tag": Day, "tage": Day, "tagen": Day, "day": Day, "days": Day,
	"w": Week, "wo": Week, "woche": Week, "wochen": Week, "week": Week, "weeks": Week, "wk": Week,
	"mo": Month, "mon": Month, "monat": Month, "monate": Month, "monaten": Month, "month": Month, "months": Month,
}
