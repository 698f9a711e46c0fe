package handbook

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Finding codes of the business impact analysis. Durations among the Args
// are whole minutes in decimal ("240"); dates are 2006-01-02. Args, per code:
//
//	CodeProcessRTOGap            service, its RTO, process, required RTO, via ("" when direct)
//	CodeProcessNoServiceRTO      service, process, via
//	CodeProcessSlowerDependency  process, required RTO, process depended on, its required RTO
//	CodeSupplierSLAGap           supplier, restoration SLA, service, its RTO
//	CodeSupplierSLAProcessGap    supplier, restoration SLA, process, required RTO
//	CodeSupplierNoSLA            supplier, process
//	CodeSupplierNoHotline        supplier, process
//	CodeNotAssessed              process
//	CodeAssessmentIncomplete     process, cells rated, cells in the grid
//	CodeAssessmentUndated        process
//	CodeAssessmentOutdated       process, date assessed, days allowed
//	CodeImpactDecreases          process, category key, category name ("" for a built-in one), earlier time, its rating, later time, its rating
//	CodeNoContinuityPlan         process, MTPD
//	CodePlanNoDuration           process
//	CodePlanTooShort             process, plan duration, time to bridge, what takes that long ("" for the RTO itself)
//	CodePlanCapacity             process, plan capacity %, emergency level needed %
//	CodeNoAlternateSite          site, process, required RTO
//	CodeAlternateTooSlow         site, alternate site, activation time, process, required RTO
//	CodeAlternateNoActivation    site, alternate site, process
//	CodeKitNeverChecked          site
//	CodeKitOverdue               site, date checked, days allowed
//	CodeRoleNoDeputy             process, role, holder ("" when nobody holds it)
//	CodeProcessCycle             process names along the cycle, the first repeated at the end
const (
	CodeProcessRTOGap           = "process_rto_gap"
	CodeProcessNoServiceRTO     = "process_service_without_rto"
	CodeProcessSlowerDependency = "process_slower_dependency"
	CodeSupplierSLAGap          = "supplier_sla_gap"
	CodeSupplierSLAProcessGap   = "supplier_sla_process_gap"
	CodeSupplierNoSLA           = "supplier_without_sla"
	CodeSupplierNoHotline       = "supplier_without_hotline"
	CodeNotAssessed             = "process_not_assessed"
	CodeAssessmentIncomplete    = "assessment_incomplete"
	CodeAssessmentUndated       = "assessment_undated"
	CodeAssessmentOutdated      = "assessment_outdated"
	CodeImpactDecreases         = "impact_decreases"
	CodeNoContinuityPlan        = "no_continuity_plan"
	CodePlanNoDuration          = "plan_without_duration"
	CodePlanTooShort            = "plan_too_short"
	CodePlanCapacity            = "plan_capacity_too_low"
	CodeNoAlternateSite         = "no_alternate_site"
	CodeAlternateTooSlow        = "alternate_site_too_slow"
	CodeAlternateNoActivation   = "alternate_site_without_activation"
	CodeKitNeverChecked         = "kit_never_checked"
	CodeKitOverdue              = "kit_overdue"
	CodeRoleNoDeputy            = "role_without_deputy"
	CodeProcessCycle            = "process_cycle"
)

// mins writes a duration for a finding's Args.
func mins(m Minutes) string { return strconv.Itoa(int(m)) }

// via is " (via X → Y)" for an English message, "" for a direct dependency.
func via(r Reach) string {
	if v := r.Via(); v != "" {
		return " (via " + v + ")"
	}
	return ""
}

// Findings reports the gaps between what the business needs and what
// recovery delivers, at now (see the Code constants above).
func (a *Analysis) Findings(now time.Time) []Finding {
	var out []Finding
	add := func(level Level, code string, e Entity, id, name, msg string, args ...string) {
		out = append(out, Finding{Level: level, Code: code, Entity: e, ID: id, Name: name, Args: args, Message: msg})
	}
	warn := func(code string, p BusinessProcess, msg string, args ...string) {
		add(LevelWarning, code, EntityProcess, p.ID, p.Name, msg, args...)
	}
	for _, v := range a.Processes {
		p := v.Process
		a.assessmentFindings(v, now, warn)
		if !v.Assessed() {
			continue
		}
		if v.RTO > 0 {
			for _, r := range v.Reached {
				if r.Entity == EntityService && r.Time > v.RTO {
					warn(CodeProcessRTOGap, p, fmt.Sprintf("%s RTO %s > %s needs %s%s: the service cannot be back in time for the process",
						r.Name, r.Time, p.Name, v.RTO, via(r)), r.Name, mins(r.Time), p.Name, mins(v.RTO), r.Via())
				}
			}
			for _, d := range uniq(p.DependsOn) {
				dv, ok := a.View(d)
				if ok && d != p.ID && dv.RTO > v.RTO {
					warn(CodeProcessSlowerDependency, p, fmt.Sprintf("%s needs %s but depends on %s, whose required RTO is %s",
						p.Name, v.RTO, dv.Process.Name, dv.RTO), p.Name, mins(v.RTO), dv.Process.Name, mins(dv.RTO))
				}
			}
			for _, id := range uniq(p.Suppliers) {
				s, ok := a.suppliers[id]
				if ok && s.SLARestoration > v.RTO && !a.serviceGap(v, s) {
					warn(CodeSupplierSLAProcessGap, p, fmt.Sprintf("supplier %s restores within %s > %s needs %s",
						s.Name, s.SLARestoration, p.Name, v.RTO), s.Name, mins(s.SLARestoration), p.Name, mins(v.RTO))
				}
			}
		}
		if !v.Critical() {
			continue
		}
		for _, r := range v.NoRTO {
			warn(CodeProcessNoServiceRTO, p, fmt.Sprintf("%s needs %s%s, which has no RTO agreed", p.Name, r.Name, via(r)),
				r.Name, p.Name, r.Via())
		}
		for _, id := range uniq(p.Suppliers) {
			if s, ok := a.suppliers[id]; ok && s.SLARestoration <= 0 {
				warn(CodeSupplierNoSLA, p, fmt.Sprintf("supplier %s has no restoration time agreed, and the critical process %s depends on it",
					s.Name, p.Name), s.Name, p.Name)
			}
		}
		a.planFindings(v, warn)
		for _, id := range uniq(p.Sites) {
			s, ok := a.sites[id]
			if !ok {
				continue
			}
			alt, hasAlt := a.sites[s.Alternate]
			switch {
			case !hasAlt:
				add(LevelWarning, CodeNoAlternateSite, EntitySite, s.ID, s.Name,
					fmt.Sprintf("site %s has no alternate site, and the critical process %s (RTO %s) works there", s.Name, p.Name, v.RTO),
					s.Name, p.Name, mins(v.RTO))
			case s.AlternateActivation <= 0:
				add(LevelWarning, CodeAlternateNoActivation, EntitySite, s.ID, s.Name,
					fmt.Sprintf("site %s: no activation time is stated for the alternate site %s, which the critical process %s needs", s.Name, alt.Name, p.Name),
					s.Name, alt.Name, p.Name)
			case v.RTO > 0 && s.AlternateActivation > v.RTO:
				add(LevelWarning, CodeAlternateTooSlow, EntitySite, s.ID, s.Name,
					fmt.Sprintf("alternate site %s of %s takes %s to activate > %s needs %s", alt.Name, s.Name, s.AlternateActivation, p.Name, v.RTO),
					s.Name, alt.Name, mins(s.AlternateActivation), p.Name, mins(v.RTO))
			}
		}
		roles := uniq(append([]string{p.OwnerRole}, p.Roles...))
		for _, id := range roles {
			r, ok := a.roles[id]
			if !ok || len(r.Holders) >= 2 {
				continue
			}
			holder := ""
			if len(r.Holders) == 1 {
				if c, ok := a.contacts[r.Holders[0]]; ok {
					holder = c.Name
				}
			}
			msg := fmt.Sprintf("the critical process %s depends on the role %s, which nobody holds", p.Name, r.Name)
			if len(r.Holders) == 1 {
				msg = fmt.Sprintf("the critical process %s depends on the role %s, held only by %s, without a deputy", p.Name, r.Name, holder)
			}
			warn(CodeRoleNoDeputy, p, msg, p.Name, r.Name, holder)
		}
	}
	a.hotlineFindings(add)
	for _, s := range a.hb.Suppliers {
		if s.SLARestoration <= 0 {
			continue
		}
		for _, id := range uniq(s.Services) {
			sv, ok := a.services[id]
			if ok && sv.RTO > 0 && s.SLARestoration > sv.RTO {
				add(LevelWarning, CodeSupplierSLAGap, EntitySupplier, s.ID, s.Name,
					fmt.Sprintf("supplier %s restores within %s > %s RTO %s", s.Name, s.SLARestoration, sv.Name, sv.RTO),
					s.Name, mins(s.SLARestoration), sv.Name, mins(sv.RTO))
			}
		}
	}
	for _, s := range a.hb.Sites {
		if strings.TrimSpace(s.Kit) == "" || !s.KitDue(now) {
			continue
		}
		if s.KitCheckedAt.IsZero() {
			add(LevelWarning, CodeKitNeverChecked, EntitySite, s.ID, s.Name,
				fmt.Sprintf("the emergency kit at %s has never been checked", s.Name), s.Name)
			continue
		}
		date := s.KitCheckedAt.Format(dateLayout)
		add(LevelWarning, CodeKitOverdue, EntitySite, s.ID, s.Name,
			fmt.Sprintf("the emergency kit at %s was last checked on %s, more than %d days ago", s.Name, date, s.KitInterval()),
			s.Name, date, strconv.Itoa(s.KitInterval()))
	}
	for _, c := range ProcessCycles(a.hb.Processes) {
		first := a.processes[c[0]]
		names := make([]string, len(c))
		for i, id := range c {
			names[i] = a.processes[id].Name
		}
		add(LevelError, CodeProcessCycle, EntityProcess, first.ID, first.Name,
			"processes depend on each other in a cycle, so none of them can resume first: "+strings.Join(names, " → "), names...)
	}
	return out
}

// hotlineFindings: a supplier that a critical process needs, directly or
// through a service, names no hotline contact with a phone number, so in a
// crisis nobody knows whom to call. Each supplier is named once, with the
// most critical process that needs it.
func (a *Analysis) hotlineFindings(add func(Level, string, Entity, string, string, string, ...string)) {
	seen := map[string]bool{}
	for _, v := range a.Processes {
		if !v.Critical() {
			continue
		}
		for _, r := range v.Reached {
			s, ok := a.suppliers[r.ID]
			if r.Entity != EntitySupplier || !ok || seen[s.ID] {
				continue
			}
			seen[s.ID] = true
			if !slices.ContainsFunc(s.Hotline, func(id string) bool {
				c, ok := a.contacts[id]
				return ok && len(c.Phones()) > 0
			}) {
				add(LevelWarning, CodeSupplierNoHotline, EntitySupplier, s.ID, s.Name,
					fmt.Sprintf("supplier %s names no hotline contact with a phone number, and the critical process %s depends on it",
						s.Name, v.Process.Name), s.Name, v.Process.Name)
			}
		}
	}
}

// serviceGap reports whether supplier s restores too slowly for a service
// v reaches: that finding names the gap already.
func (a *Analysis) serviceGap(v ProcessView, s *Supplier) bool {
	for _, r := range v.Reached {
		if r.Entity == EntityService && r.Time > 0 && s.SLARestoration > r.Time && slices.Contains(s.Services, r.ID) {
			return true
		}
	}
	return false
}

// assessmentFindings: no ratings, an incomplete grid, an undated or
// outdated assessment, ratings that fall as time passes.
func (a *Analysis) assessmentFindings(v ProcessView, now time.Time, warn func(string, BusinessProcess, string, ...string)) {
	p := v.Process
	if !v.Assessed() {
		warn(CodeNotAssessed, p, fmt.Sprintf("process %s has no impact assessment", p.Name), p.Name)
		return
	}
	if v.Rated < v.Cells {
		warn(CodeAssessmentIncomplete, p, fmt.Sprintf("the impact assessment of %s rates %d of %d cells", p.Name, v.Rated, v.Cells),
			p.Name, strconv.Itoa(v.Rated), strconv.Itoa(v.Cells))
	}
	switch {
	case p.AssessedAt.IsZero():
		warn(CodeAssessmentUndated, p, fmt.Sprintf("the impact assessment of %s has no date", p.Name), p.Name)
	case now.After(p.AssessedAt.AddDate(0, 0, p.Interval())):
		date := p.AssessedAt.Format(dateLayout)
		warn(CodeAssessmentOutdated, p, fmt.Sprintf("the impact assessment of %s dates from %s, more than %d days ago", p.Name, date, p.Interval()),
			p.Name, date, strconv.Itoa(p.Interval()))
	}
	for _, d := range a.Config.Drops(p.Impact) {
		name := d.Category.Name
		if name == "" {
			name = d.Category.Key
		}
		warn(CodeImpactDecreases, p, fmt.Sprintf("%s: the %s impact falls from %d at %s to %d at %s; damage does not shrink while the disruption lasts",
			p.Name, name, d.From, d.At, d.To, d.Later), p.Name, d.Category.Key, d.Category.Name, mins(d.At), strconv.Itoa(int(d.From)),
			mins(d.Later), strconv.Itoa(int(d.To)))
	}
}

// Drop is a rating that falls as time passes: From at At, To at Later.
type Drop struct {
	Category  ImpactCategory
	At, Later Minutes
	From, To  Rating
}

// Drops lists, per category, the first rating that is lower than the one
// before it: damage does not shrink while a disruption lasts, so it is
// most likely a typing error.
func (c BIAConfig) Drops(im Impact) []Drop {
	var out []Drop
	for _, cat := range c.Categories {
		var prevAt Minutes
		var prev Rating
		for _, t := range c.TimePoints {
			r := im[ImpactCell{cat.Key, t}]
			if r == 0 {
				continue
			}
			if prev > 0 && r < prev {
				out = append(out, Drop{Category: cat, At: prevAt, Later: t, From: prev, To: r})
				break
			}
			prevAt, prev = t, r
		}
	}
	return out
}

// planFindings: a critical process needs a continuity plan that lasts
// until recovery and delivers the emergency operation level.
func (a *Analysis) planFindings(v ProcessView, warn func(string, BusinessProcess, string, ...string)) {
	p := v.Process
	if strings.TrimSpace(p.ContinuityPlan) == "" {
		warn(CodeNoContinuityPlan, p, fmt.Sprintf("the critical process %s (MTPD %s) has no continuity plan", p.Name, v.MTPD),
			p.Name, mins(v.MTPD))
		return
	}
	switch bridge := v.Bridge(); {
	case p.PlanDuration <= 0:
		warn(CodePlanNoDuration, p, fmt.Sprintf("the continuity plan of %s does not say how long it can be kept up", p.Name), p.Name)
	case bridge > 0 && p.PlanDuration < bridge:
		what := ""
		msg := fmt.Sprintf("the continuity plan of %s lasts %s, but recovery is due only after %s", p.Name, p.PlanDuration, bridge)
		if v.Achieved() > v.RTO {
			what = v.Worst.Name
			msg = fmt.Sprintf("the continuity plan of %s lasts %s, but %s takes %s to recover", p.Name, p.PlanDuration, what, bridge)
		}
		warn(CodePlanTooShort, p, msg, p.Name, mins(p.PlanDuration), mins(bridge), what)
	}
	if p.MinCapacityPercent > 0 && p.PlanCapacityPercent < p.MinCapacityPercent {
		warn(CodePlanCapacity, p, fmt.Sprintf("the continuity plan of %s reaches %d %%, but emergency operation needs %d %%",
			p.Name, p.PlanCapacityPercent, p.MinCapacityPercent), p.Name, strconv.Itoa(p.PlanCapacityPercent), strconv.Itoa(p.MinCapacityPercent))
	}
}

// ProcessCycles returns the cycles among the live processes' dependencies,
// each as process IDs along the cycle, the first repeated at the end.
func ProcessCycles(processes []BusinessProcess) [][]string {
	live := keep(processes)
	byID := make(map[string]*BusinessProcess, len(live))
	ids := make([]string, len(live))
	for i := range live {
		byID[live[i].ID] = &live[i]
		ids[i] = live[i].ID
	}
	deps := map[string][]string{}
	for _, p := range live {
		for _, d := range uniq(p.DependsOn) {
			if _, ok := byID[d]; ok && d != p.ID {
				deps[p.ID] = append(deps[p.ID], d)
			}
		}
	}
	var out [][]string
	for _, c := range cyclic(ids, deps) {
		out = append(out, cyclePath(c, deps, func(id string) string { return byID[id].Name }))
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(byID[a[0]].Name, byID[b[0]].Name) })
	return out
}

// ProcessCycleProblem refuses a dependency that closes the cycle of
// processes names (along the cycle, the first repeated at the end).
func ProcessCycleProblem(names []string) ValidationError {
	var p problems
	p.addT("depends_on", "this would make processes depend on each other in a cycle: {{.Path}}; none of them could resume first",
		"Path", strings.Join(names, " → "))
	return ValidationError(p)
}
