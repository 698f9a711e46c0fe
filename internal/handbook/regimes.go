package handbook

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Reporting regimes: sets of reports an incident may owe to authorities
// (or, for GDPR Art. 34, to the people affected).
const (
	RegimeGDPR = "gdpr"
	RegimeNIS2 = "nis2"
	RegimeDORA = "dora"
)

// Regimes lists every regime in the order screens offer them.
var Regimes = []string{RegimeGDPR, RegimeNIS2, RegimeDORA}

// RegimeNames name the regimes in English; they are keys of the
// translation catalogs.
var RegimeNames = map[string]string{
	RegimeGDPR: "GDPR (personal data)",
	RegimeNIS2: "NIS2 / §32 BSIG (significant incident)",
	RegimeDORA: "DORA (major ICT-related incident)",
}

// Reports (clocks). The keys are stable: they appear in incidents, log
// entries, sync batches and backups.
const (
	// ClockGDPR33 is the GDPR Art. 33 notification to the supervisory
	// authority.
	ClockGDPR33 = "gdpr33"
	// ClockGDPR34 is the GDPR Art. 34 communication to the data subjects:
	// "without undue delay", so its clock is a reminder to decide.
	ClockGDPR34 = "gdpr34"
	// ClockNIS2Early is the NIS2 / §32 BSIG early warning.
	ClockNIS2Early = "nis2_early"
	// ClockNIS2Notify is the NIS2 / §32 BSIG incident notification.
	ClockNIS2Notify = "nis2_notify"
	// ClockNIS2Final is the NIS2 / §32 BSIG final report.
	ClockNIS2Final = "nis2_final"
	// ClockDORAInitial is the DORA initial notification.
	ClockDORAInitial = "dora_initial"
	// ClockDORAIntermediate is the DORA intermediate report.
	ClockDORAIntermediate = "dora_intermediate"
	// ClockDORAFinal is the DORA final report.
	ClockDORAFinal = "dora_final"
)

// Basis is the point in time a report's deadline runs from.
type Basis int

// Bases of report deadlines.
const (
	// BasisAware: when the company became aware (of the incident, or of
	// what made the regime apply).
	BasisAware Basis = iota
	// BasisClassified: when the incident was classified as major (DORA).
	BasisClassified
	// BasisReport: when the report named by After was sent (while it is
	// not sent: when it is due).
	BasisReport
)

// ReportRule is one row of the table of reporting duties: which report a
// regime asks for, counted from which point in time, and how long after it
// the report is due. Deadlines computes every clock from this table; there
// is no code per regime.
type ReportRule struct {
	Regime string
	Report string
	// Name says what the report is and to whom; Short names it on a
	// clock's card. Both are English and keys of the translation catalogs.
	Name, Short string
	Basis       Basis
	// After is the report the deadline follows (Basis BasisReport).
	After string
	// Hours is an exact duration: 72 hours are 72 real hours, whatever
	// daylight saving does. Months is a calendar period, counted in the
	// time zone of the incident's team: one month after 31 January is the
	// last day of February at the same time of day.
	Hours  int
	Months int
	// CapHours, when set, makes the report due at the latest CapHours after
	// awareness, unless the basis itself comes later than that (DORA: 4 h
	// after classification, but no later than 24 h after awareness; an
	// incident classified as major only after 24 h has its 4 h from then).
	CapHours int
	// Latest counts a BasisReport deadline from the latest of several
	// reports After (an updated intermediate report moves the final one);
	// otherwise from the first.
	Latest bool
	// Reminder marks a clock that is no legal deadline but a reminder to
	// decide (GDPR Art. 34: "without undue delay").
	Reminder bool
	// Reference is the legal source, in English (translation catalog key).
	Reference string
}

// ReportRules is the table of reporting duties, regime by regime in the
// order screens list them. Sources, as of the time of writing:
//   - GDPR (Regulation (EU) 2016/679) Art. 33(1): notify the supervisory
//     authority without undue delay and, where feasible, not later than
//     72 hours after becoming aware of the breach; Art. 34(1): communicate
//     a high-risk breach to the data subjects without undue delay.
//   - NIS2 (Directive (EU) 2022/2555) Art. 23(4), transposed in Germany by
//     §32(1) BSIG as amended by the NIS2UmsuCG: early warning within 24
//     hours and incident notification within 72 hours of becoming aware;
//     final report at the latest one month after the notification (a
//     progress report instead, while the incident is still ongoing).
//   - DORA (Regulation (EU) 2022/2554) Art. 19(4) with Commission Delegated
//     Regulation (EU) 2025/301 Art. 5: initial notification within 4 hours
//     of the classification as major, no later than 24 hours after
//     becoming aware; intermediate report within 72 hours of the initial
//     notification; final report one month after the latest intermediate
//     report.
var ReportRules = []ReportRule{
	{Regime: RegimeGDPR, Report: ClockGDPR33, Name: "GDPR Art. 33: notify the supervisory authority", Short: "GDPR Art. 33", Basis: BasisAware, Hours: 72, Reference: "GDPR Art. 33(1)"},
	{Regime: RegimeGDPR, Report: ClockGDPR34, Name: "GDPR Art. 34: decide whether to inform the data subjects", Short: "GDPR Art. 34", Basis: BasisAware, Hours: 72, Reminder: true, Reference: "GDPR Art. 34(1)"},
	{Regime: RegimeNIS2, Report: ClockNIS2Early, Name: "NIS2: early warning to the BSI", Short: "NIS2 early warning", Basis: BasisAware, Hours: 24, Reference: "NIS2 Art. 23(4)(a), §32(1) no. 1 BSIG"},
	{Regime: RegimeNIS2, Report: ClockNIS2Notify, Name: "NIS2: incident notification to the BSI", Short: "NIS2 notification", Basis: BasisAware, Hours: 72, Reference: "NIS2 Art. 23(4)(b), §32(1) no. 2 BSIG"},
	{Regime: RegimeNIS2, Report: ClockNIS2Final, Name: "NIS2: final report to the BSI", Short: "NIS2 final report", Basis: BasisReport, After: ClockNIS2Notify, Months: 1, Reference: "NIS2 Art. 23(4)(d), §32(1) no. 4 BSIG"},
	{Regime: RegimeDORA, Report: ClockDORAInitial, Name: "DORA: initial notification to the supervisor", Short: "DORA initial", Basis: BasisClassified, Hours: 4, CapHours: 24, Reference: "DORA Art. 19(4)(a), RTS (EU) 2025/301 Art. 5(1)(a)"},
	{Regime: RegimeDORA, Report: ClockDORAIntermediate, Name: "DORA: intermediate report to the supervisor", Short: "DORA intermediate", Basis: BasisReport, After: ClockDORAInitial, Hours: 72, Reference: "DORA Art. 19(4)(b), RTS (EU) 2025/301 Art. 5(1)(b)"},
	{Regime: RegimeDORA, Report: ClockDORAFinal, Name: "DORA: final report to the supervisor", Short: "DORA final", Basis: BasisReport, After: ClockDORAIntermediate, Months: 1, Latest: true, Reference: "DORA Art. 19(4)(c), RTS (EU) 2025/301 Art. 5(1)(c)"},
}

// ClockKeys lists every report, in the order of ReportRules.
var ClockKeys = func() []string {
	out := make([]string, len(ReportRules))
	for i, r := range ReportRules {
		out[i] = r.Report
	}
	return out
}()

// Rule is the rule of a report; ok is false for an unknown key.
func Rule(report string) (ReportRule, bool) {
	i := slices.IndexFunc(ReportRules, func(r ReportRule) bool { return r.Report == report })
	if i < 0 {
		return ReportRule{}, false
	}
	return ReportRules[i], true
}

// RegimeClocks are the reports of a regime, in the order of ReportRules.
func RegimeClocks(regime string) []string {
	var out []string
	for _, r := range ReportRules {
		if r.Regime == regime {
			out = append(out, r.Report)
		}
	}
	return out
}

// addMonths adds calendar months in loc, keeping the time of day; a day
// the target month lacks becomes its last day (31 January + 1 month = 28
// or 29 February), as Art. 3(2)(c) of Regulation (EEC, Euratom) No 1182/71
// counts months.
func addMonths(t time.Time, n int, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, loc)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

// Deadline is one report an incident owes, with its state.
type Deadline struct {
	Clock  string
	Regime string
	Rule   ReportRule
	// Due is when the report must be sent.
	Due time.Time
	// AwaitsClassification is true for a DORA initial notification while
	// the incident is not yet classified as major: Due is then the latest
	// time (24 h after awareness).
	AwaitsClassification bool
	// SentAt is when it was sent (zero while open); SentBy who logged it.
	SentAt time.Time
	SentBy string
	// WaivedAt is when the report was declared not needed, WaivedBy by
	// whom and Reason why.
	WaivedAt time.Time
	WaivedBy string
	Reason   string
	// Practice is true for the clocks of a drill: never a real deadline.
	Practice bool
}

// Done reports whether the report was sent or declared not needed.
func (d Deadline) Done() bool { return !d.SentAt.IsZero() || !d.WaivedAt.IsZero() }

// Left is the time remaining at now (negative when overdue).
func (d Deadline) Left(now time.Time) time.Duration { return d.Due.Sub(now) }

// Overdue reports whether the report is still open past its due time.
func (d Deadline) Overdue(now time.Time) bool { return !d.Done() && now.After(d.Due) }

// RegimeRun is a regime that applies to an incident, from when.
type RegimeRun struct {
	Regime string
	// AwareAt is when the company became aware of what made the regime
	// apply: the incident's awareness for regimes chosen at the start, the
	// time given when a regime was added later.
	AwareAt time.Time
	// ClassifiedAt is when the incident was classified as major (DORA);
	// zero while it is not.
	ClassifiedAt time.Time
	// Clocks are the regime's reports that run.
	Clocks []string
}

// RegimesOf lists the regimes that apply to an incident, in the order of
// Regimes: those chosen at the start (the incident's Clocks, from its
// awareness time) and those added later by a log entry, each from its own
// awareness time. A regime added twice (on two laptops at once) counts
// from the earliest awareness; the earliest classification counts.
func RegimesOf(inc Incident, log []LogEntry) []RegimeRun {
	aware := cmp.Or(inc.AwareAt, inc.StartedAt)
	runs := map[string]*RegimeRun{}
	get := func(regime string, at time.Time) *RegimeRun {
		r, ok := runs[regime]
		if !ok {
			r = &RegimeRun{Regime: regime, AwareAt: at}
			runs[regime] = r
		} else if at.Before(r.AwareAt) {
			r.AwareAt = at
		}
		return r
	}
	for _, c := range inc.Clocks {
		rule, ok := Rule(c)
		if !ok {
			continue
		}
		r := get(rule.Regime, aware)
		if !slices.Contains(r.Clocks, c) {
			r.Clocks = append(r.Clocks, c)
		}
	}
	entries := sortedLog(log, inc.ID)
	for _, e := range entries {
		if e.Kind == LogRegime && slices.Contains(Regimes, e.Regime) {
			r := get(e.Regime, cmp.Or(e.Moment, e.At))
			r.Clocks = RegimeClocks(e.Regime)
		}
	}
	for _, e := range entries {
		if e.Kind != LogClassified {
			continue
		}
		if r, ok := runs[e.Regime]; ok {
			at := cmp.Or(e.Moment, e.At)
			if r.ClassifiedAt.IsZero() || at.Before(r.ClassifiedAt) {
				r.ClassifiedAt = at
			}
		}
	}
	var out []RegimeRun
	for _, regime := range Regimes {
		if r, ok := runs[regime]; ok {
			out = append(out, *r)
		}
	}
	return out
}

// Deadlines computes the reports an incident owes, in the order of
// ReportRules, from the regimes that apply (RegimesOf) and the report,
// waiver and classification entries of its log. Calendar periods are
// counted in loc (nil: the computer's zone); hour periods are exact.
func Deadlines(inc Incident, log []LogEntry, loc *time.Location) []Deadline {
	if loc == nil {
		loc = time.Local
	}
	sent, lastSent, waived := map[string]LogEntry{}, map[string]LogEntry{}, map[string]LogEntry{}
	for _, e := range sortedLog(log, inc.ID) {
		switch e.Kind {
		case LogReport:
			if _, ok := sent[e.Clock]; !ok {
				sent[e.Clock] = e
			}
			lastSent[e.Clock] = e
		case LogWaived:
			if _, ok := waived[e.Clock]; !ok {
				waived[e.Clock] = e
			}
		}
	}
	due := map[string]time.Time{}
	var out []Deadline
	for _, run := range RegimesOf(inc, log) {
		for _, rule := range ReportRules {
			if rule.Regime != run.Regime || !slices.Contains(run.Clocks, rule.Report) {
				continue
			}
			d := Deadline{Clock: rule.Report, Regime: rule.Regime, Rule: rule, Practice: inc.Drill()}
			var base time.Time
			switch rule.Basis {
			case BasisAware:
				base = run.AwareAt
			case BasisClassified:
				base = run.ClassifiedAt
				d.AwaitsClassification = base.IsZero()
			case BasisReport:
				base = due[rule.After]
				if e, ok := sent[rule.After]; ok {
					base = e.At
				}
				if e, ok := lastSent[rule.After]; ok && rule.Latest {
					base = e.At
				}
			}
			switch {
			case base.IsZero() && rule.CapHours > 0:
				d.Due = run.AwareAt.Add(time.Duration(rule.CapHours) * time.Hour)
			case rule.Months > 0:
				d.Due = addMonths(base, rule.Months, loc).Add(time.Duration(rule.Hours) * time.Hour)
			default:
				d.Due = base.Add(time.Duration(rule.Hours) * time.Hour)
			}
			if rule.CapHours > 0 && !base.IsZero() {
				limit := run.AwareAt.Add(time.Duration(rule.CapHours) * time.Hour)
				if !base.After(limit) && d.Due.After(limit) {
					d.Due = limit
				}
			}
			if e, ok := sent[rule.Report]; ok {
				d.SentAt, d.SentBy = e.At, e.Author
			}
			if e, ok := waived[rule.Report]; ok && d.SentAt.IsZero() {
				d.WaivedAt, d.WaivedBy, d.Reason = e.At, e.Author, e.Text
			}
			due[rule.Report] = d.Due
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b Deadline) int {
		return cmp.Compare(slices.Index(ClockKeys, a.Clock), slices.Index(ClockKeys, b.Clock))
	})
	return out
}

// OpenReports are the reports of an incident still to be sent or declared
// not needed.
func OpenReports(inc Incident, log []LogEntry, loc *time.Location) []Deadline {
	var out []Deadline
	for _, d := range Deadlines(inc, log, loc) {
		if !d.Done() {
			out = append(out, d)
		}
	}
	return out
}

// PendingReport is a report an incident still owes.
type PendingReport struct {
	Incident Incident
	Deadline
}

// PendingReports lists the open reports of every incident, running or
// closed, earliest due first: reporting duties outlast the incident.
// Drills are left out: their clocks are practice.
func PendingReports(hb Handbook, loc *time.Location) []PendingReport {
	logs := map[string][]LogEntry{}
	for _, e := range hb.LogEntries {
		logs[e.IncidentID] = append(logs[e.IncidentID], e)
	}
	var out []PendingReport
	for _, inc := range hb.Incidents {
		if inc.Deleted || inc.Drill() {
			continue
		}
		for _, d := range OpenReports(inc, logs[inc.ID], loc) {
			out = append(out, PendingReport{Incident: inc, Deadline: d})
		}
	}
	slices.SortFunc(out, func(a, b PendingReport) int {
		return cmp.Or(a.Due.Compare(b.Due), strings.Compare(a.Incident.ID, b.Incident.ID), strings.Compare(a.Clock, b.Clock))
	})
	return out
}
