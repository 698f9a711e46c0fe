package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
)

// tr is the app's catalog as an i18n.Translator.
func tr(key string, data map[string]any) string { return lang.L(key, data) }

// span writes a duration the way the language reads it ("4 Std.", "1 Tag").
func span(m handbook.Minutes) string { return i18n.Span(m, tr) }

// spanOr is span, or none for a duration not given.
func spanOr(m handbook.Minutes, none string) string {
	if m <= 0 {
		return none
	}
	return span(m)
}

// restoresWithin is a supplier's restoration time: "restores within 4 h",
// or that none is agreed.
func restoresWithin(m handbook.Minutes) string {
	if m <= 0 {
		return lang.L("no restoration time agreed")
	}
	return lang.L("restores within {{.Time}}", map[string]any{"Time": span(m)})
}

// biaFollows are the records a business impact analysis is derived from.
var biaFollows = []handbook.Entity{handbook.EntityService, handbook.EntitySite, handbook.EntitySupplier,
	handbook.EntityRole, handbook.EntityContact, handbook.EntitySettings}

// analysed is the load of a section whose list and details show the
// analysis of the whole handbook: it reads and analyses off the UI thread
// and hands both to use on the UI thread, before the list is ordered.
func analysed[T any](u *ui, pick func(*handbook.Handbook) []T, use func(*handbook.Analysis, handbook.Handbook)) func(context.Context) ([]T, func(), error) {
	return func(ctx context.Context) ([]T, func(), error) {
		hb, err := u.st.Load(ctx)
		if err != nil {
			return nil, nil, err
		}
		live := hb.Live()
		a := live.Analyse()
		// The list sorts its records: a copy, so live keeps its order.
		return slices.Clone(pick(&live)), func() { use(a, live) }, nil
	}
}

// notAnalysed stands for the analysis until a section has read it.
func notAnalysed() (*handbook.Analysis, handbook.Handbook) {
	return (handbook.Handbook{}).Analyse(), handbook.Handbook{}
}

// analysis reads the handbook and analyses it; nil when it cannot be read.
func (u *ui) analysis() (*handbook.Analysis, handbook.Handbook) {
	hb, err := u.st.Load(u.ctx)
	if err != nil {
		u.loadFailed(err)
		return (handbook.Handbook{}).Analyse(), handbook.Handbook{}
	}
	live := hb.Live()
	return live.Analyse(), live
}

func processesView(u *ui) view {
	contacts, contactOpts := labels(u, handbook.EntityContact)
	_, roleOpts := labels(u, handbook.EntityRole)
	_, serviceOpts := labels(u, handbook.EntityService)
	_, siteOpts := labels(u, handbook.EntitySite)
	_, supplierOpts := labels(u, handbook.EntitySupplier)
	_, processOpts := labels(u, handbook.EntityProcess)
	a, live := notAnalysed()
	var s *section[handbook.BusinessProcess, *handbook.BusinessProcess]
	s = &section[handbook.BusinessProcess, *handbook.BusinessProcess]{
		u:       u,
		noun:    "business process",
		follows: biaFollows,
		blank:   func() handbook.BusinessProcess { return handbook.BusinessProcess{} },
		load: analysed(u, func(hb *handbook.Handbook) []handbook.BusinessProcess { return hb.Processes },
			func(an *handbook.Analysis, hb handbook.Handbook) { a, live = an, hb }),
		// Most critical first, as the analysis orders them.
		order: func(items []handbook.BusinessProcess) {
			rank := map[string]int{}
			for i, v := range a.Processes {
				rank[v.Process.ID] = i
			}
			slices.SortStableFunc(items, func(x, y handbook.BusinessProcess) int { return rank[x.ID] - rank[y.ID] })
		},
		sub: func(p handbook.BusinessProcess) string {
			v, ok := a.View(p.ID)
			if !ok || !v.Assessed() {
				return lang.L("not assessed")
			}
			text := strings.Join(nonEmpty(severityLabel(v.Criticality),
				lang.L("MTPD {{.Time}}", map[string]any{"Time": mtpdText(v, a.Config)}),
				lang.L("RTO {{.Time}}", map[string]any{"Time": spanOr(v.RTO, "–")})), " · ")
			if gap(v) {
				text = "⚠ " + text
			}
			return text
		},
		detail: func(p handbook.BusinessProcess) fyne.CanvasObject {
			v, ok := a.View(p.ID)
			if !ok {
				v = handbook.ProcessView{Process: p, Assessment: a.Config.Assess(p)}
			}
			return processDetail(u, a, live, v, contacts)
		},
		edit: func(f *form, p *handbook.BusinessProcess) {
			f.text("name", lang.L("Name"), &p.Name)
			grid := newImpactGrid(a.Config, p.Impact, p.RTO, false)
			f.add("impact", lang.L("Impact assessment (tap a cell, or Tab to it and type 1–4)"), grid, func() error {
				p.Impact = grid.value()
				return nil
			})
			assessed := f.date("assessed_at", lang.L("Assessed on"), &p.AssessedAt)
			grid.changed = func() {
				f.changed()
				assessed.SetText(day(u.now()))
			}
			f.choice("assessed_by", lang.L("Assessed by"), &p.AssessedBy, contactOpts)
			f.multiline("impact_note", lang.L("Reasons for the ratings"), &p.ImpactNote)
			agreed := f.duration("rto_minutes", lang.L("Agreed RTO, if tighter than required (optional)"), &p.RTO)
			prev := agreed.OnChanged
			agreed.OnChanged = func(text string) {
				prev(text)
				if m, err := handbook.ParseDuration(text); err == nil {
					grid.setAgreed(m)
				}
			}
			f.duration("rpo_minutes", lang.L("RPO: data loss tolerated"), &p.RPO)
			f.choice("owner_role", lang.L("Owner role"), &p.OwnerRole, roleOpts)
			f.multiline("description", lang.X("label.description", "Description"), &p.Description)
			f.number("min_staff", lang.L("Minimum staff in emergency operation"), &p.MinStaff)
			f.refs("services", lang.L("Needs services"), &p.Services, serviceOpts)
			f.refs("sites", lang.L("Works at sites"), &p.Sites, siteOpts)
			f.refs("suppliers", lang.L("Needs suppliers"), &p.Suppliers, supplierOpts)
			f.refs("roles", lang.L("Needs roles"), &p.Roles, roleOpts)
			others := slices.DeleteFunc(slices.Clone(processOpts), func(o option) bool { return o.value == p.ID })
			f.refs("depends_on", lang.L("Needs processes"), &p.DependsOn, others)
			f.text("plan_capacity", lang.L("Capacity of the continuity plan"), &p.PlanCapacity)
			f.number("plan_capacity_percent", lang.L("Capacity in emergency operation (%)"), &p.PlanCapacityPercent)
			f.number("min_capacity_percent", lang.L("Emergency operation level needed (%)"), &p.MinCapacityPercent)
			f.duration("plan_duration_minutes", lang.L("Emergency operation can be kept up for"), &p.PlanDuration)
			f.markdown("continuity_plan", lang.L("Continuity plan (Markdown checklist)"), &p.ContinuityPlan)
			reviewFields(f, &p.Review, contactOpts)
		},
		save: func(before, after *handbook.BusinessProcess) error {
			return u.ops.SaveProcess(u.ctx, before, after)
		},
		actions: func(p handbook.BusinessProcess) []fyne.CanvasObject {
			b := newIconButton(lang.L("Assessment confirmed today"), theme.ConfirmIcon(), func() {
				if u.refuseReadOnly() {
					return
				}
				if err := u.ops.MarkAssessed(u.ctx, p.ID); err != nil {
					u.saveFailed(err)
				}
			})
			if len(p.Impact) == 0 {
				b.Disable()
			}
			return []fyne.CanvasObject{b}
		},
	}
	s.overview = func() fyne.CanvasObject { return biaOverview(u, a) }
	s.listShare = 0.24
	return s.view()
}

// gap reports a process whose dependencies recover later than it needs.
func gap(v handbook.ProcessView) bool { return v.RTO > 0 && v.Achieved() > v.RTO }

// mtpdText is a process's MTPD in words.
func mtpdText(v handbook.ProcessView, cfg handbook.BIAConfig) string {
	switch {
	case !v.Assessed():
		return lang.L("not assessed")
	case v.Beyond:
		return lang.L("more than {{.Time}}", map[string]any{"Time": span(cfg.TimePoints[len(cfg.TimePoints)-1])})
	}
	return span(v.MTPD)
}

// processDetail shows a process: its facts, the impact grid with what
// follows from it, what it needs and what needs it, its continuity plan
// and the findings about it.
func processDetail(u *ui, a *handbook.Analysis, live handbook.Handbook, v handbook.ProcessView, contacts names) fyne.CanvasObject {
	p := v.Process
	roles := map[string]handbook.Role{}
	for _, r := range live.Roles {
		roles[r.ID] = r
	}
	assessed := day(p.AssessedAt)
	if assessed != "" && p.AssessedBy != "" {
		assessed = lang.L("{{.Date}} by {{.Name}}", map[string]any{"Date": assessed, "Name": contacts.name(p.AssessedBy)})
	}
	rows := [][2]string{
		{lang.X("label.description", "Description"), p.Description},
		{lang.L("Owner role"), roles[p.OwnerRole].Name},
		{lang.L("Minimum staff"), nonZero(p.MinStaff)},
		{lang.L("RPO: data loss tolerated"), spanOr(p.RPO, "")},
		{lang.L("Assessed on"), assessed},
	}
	rows = append(rows, reviewRows(p.Review, u.now(), contacts)...)
	box := container.NewVBox(props(rows...))

	box.Add(heading(lang.L("Impact assessment")))
	box.Add(newImpactGrid(a.Config, p.Impact, p.RTO, true))
	if p.ImpactNote != "" {
		note := widget.NewLabel(p.ImpactNote)
		note.Wrapping = fyne.TextWrapWord
		box.Add(note)
	}

	box.Add(heading(lang.L("Needs")))
	box.Add(needsView(u, a, live, v, roles, contacts))
	box.Add(heading(lang.L("Needed by")))
	if len(v.NeededBy) == 0 {
		box.Add(widget.NewLabel(lang.L("No other process depends on this one.")))
	}
	for _, id := range v.NeededBy {
		if w, ok := a.View(id); ok {
			box.Add(container.NewHBox(u.fullLink(w.Process.Name, handbook.EntityProcess, id),
				widget.NewLabel(lang.L("needs it within {{.Time}}", map[string]any{"Time": spanOr(w.RTO, "–")}))))
		}
	}

	box.Add(heading(lang.L("Continuity plan")))
	box.Add(props(
		[2]string{lang.L("Capacity"), strings.Join(nonEmpty(percent(p.PlanCapacityPercent), p.PlanCapacity), " – ")},
		[2]string{lang.L("Emergency operation level needed"), percent(p.MinCapacityPercent)},
		[2]string{lang.L("Can be kept up for"), spanOr(p.PlanDuration, "")},
		[2]string{lang.L("Must bridge"), bridgeText(v)},
	))
	if strings.TrimSpace(p.ContinuityPlan) == "" {
		box.Add(widget.NewLabel(lang.L("No continuity plan yet.")))
	} else {
		box.Add(renderMarkdown(p.ContinuityPlan))
	}

	var mine []fyne.CanvasObject
	for _, f := range a.Findings(u.now()) {
		if f.ID == p.ID || f.Entity == handbook.EntityProcess && f.Name == p.Name {
			mine = append(mine, u.link("⚠ "+findingText(f), f.Entity, f.ID))
		}
	}
	if len(mine) > 0 {
		box.Add(heading(lang.L("Findings")))
		for _, m := range mine {
			box.Add(m)
		}
	}
	return box
}

// needsView lists what a process needs: services and suppliers with their
// recovery times (directly, or through what), sites with their alternate,
// roles with their deputies, and other processes.
func needsView(u *ui, a *handbook.Analysis, live handbook.Handbook, v handbook.ProcessView, roles map[string]handbook.Role, contacts names) fyne.CanvasObject {
	p := v.Process
	grid := container.New(layout.NewFormLayout())
	row := func(link fyne.CanvasObject, what, note string, warn bool) {
		text := strings.Join(nonEmpty(what, note), " · ")
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		if warn {
			l.Importance = widget.DangerImportance
			l.SetText("⚠ " + text)
		}
		grid.Add(link)
		grid.Add(l)
	}
	for _, r := range v.Reached {
		var what string
		switch {
		case r.Entity == handbook.EntityService:
			what = lang.L("RTO {{.Time}}", map[string]any{"Time": spanOr(r.Time, lang.L("not agreed"))})
		default:
			what = restoresWithin(r.Time)
		}
		note := ""
		if via := r.Via(); via != "" {
			note = lang.L("through {{.Via}}", map[string]any{"Via": via})
		}
		warn := v.RTO > 0 && r.Time > v.RTO || v.Critical() && r.Time <= 0 && r.Entity == handbook.EntityService
		row(u.fullLink(r.Name, r.Entity, r.ID), what, note, warn)
	}
	sites := map[string]handbook.Site{}
	for _, st := range live.Sites {
		sites[st.ID] = st
	}
	for _, id := range p.Sites {
		st, ok := sites[id]
		if !ok {
			row(widget.NewLabel(lang.L("(deleted record)")), "", "", true)
			continue
		}
		alt, hasAlt := sites[st.Alternate]
		what := lang.L("no alternate site")
		if hasAlt {
			what = lang.L("alternate site: {{.Name}}, ready in {{.Time}}", map[string]any{"Name": alt.Name, "Time": spanOr(st.AlternateActivation, "?")})
		}
		warn := v.Critical() && (!hasAlt || st.AlternateActivation <= 0 || v.RTO > 0 && st.AlternateActivation > v.RTO)
		row(u.fullLink(st.Name, handbook.EntitySite, id), what, "", warn)
	}
	for _, id := range uniqIDs(append([]string{p.OwnerRole}, p.Roles...)) {
		r, ok := roles[id]
		if !ok {
			continue
		}
		what := lang.L("{{.N}} holders", map[string]any{"N": len(r.Holders)})
		if len(r.Holders) == 1 {
			what = lang.L("only {{.Name}}, no deputy", map[string]any{"Name": contacts.name(r.Holders[0])})
		}
		row(u.fullLink(r.Name, handbook.EntityRole, id), what, "", v.Critical() && len(r.Holders) < 2)
	}
	for _, id := range p.DependsOn {
		w, ok := a.View(id)
		if !ok {
			continue
		}
		row(u.fullLink(w.Process.Name, handbook.EntityProcess, id), lang.L("required RTO {{.Time}}", map[string]any{"Time": spanOr(w.RTO, "–")}),
			"", v.RTO > 0 && w.RTO > v.RTO)
	}
	if len(grid.Objects) == 0 {
		return widget.NewLabel(lang.L("No dependencies entered."))
	}
	return grid
}

// bridgeText says how long emergency operation must last, and why.
func bridgeText(v handbook.ProcessView) string {
	b := v.Bridge()
	if b <= 0 {
		return ""
	}
	if v.Achieved() > v.RTO {
		return lang.L("{{.Time}} ({{.Name}} takes that long)", map[string]any{"Time": span(b), "Name": v.Worst.Name})
	}
	return lang.L("{{.Time}} (the RTO)", map[string]any{"Time": span(b)})
}

// uniqIDs drops empty and repeated IDs, keeping the first order.
func uniqIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func percent(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("%d %%", n)
}

func nonZero(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprint(n)
}

// biaOverview is the business impact analysis at a glance: every process
// with MTPD, criticality, required and achieved RTO, and the findings.
func biaOverview(u *ui, a *handbook.Analysis) fyne.CanvasObject {
	intro := widget.NewLabel(lang.L("Each process is rated by how bad a disruption gets over time. The first time point at which a category reaches the threshold is the MTPD; the required RTO follows from it. Choose a process on the left to rate it."))
	intro.Wrapping = fyne.TextWrapWord
	headers := []string{lang.L("Process"), lang.L("Criticality"), lang.L("MTPD"), lang.L("Required RTO"), "RPO", lang.L("Achieved RTO"), lang.L("Weakest link")}
	widths := []float32{140, 85, 95, 110, 65, 110, 200}
	table := newTextTable(func() int { return len(a.Processes) }, headers, widths,
		func(row, col int) (string, widget.Importance) {
			v := a.Processes[row]
			switch col {
			case 0:
				return v.Process.Name, widget.MediumImportance
			case 1:
				return severityLabel(v.Criticality), widget.MediumImportance
			case 2:
				return mtpdText(v, a.Config), widget.MediumImportance
			case 3:
				return spanOr(v.RTO, "–"), widget.MediumImportance
			case 4:
				return spanOr(v.Process.RPO, "–"), widget.MediumImportance
			case 5:
				if gap(v) {
					return "⚠ " + spanOr(v.Achieved(), "–"), widget.DangerImportance
				}
				return spanOr(v.Achieved(), "–"), widget.MediumImportance
			case 6:
				if via := v.Worst.Via(); via != "" {
					return lang.L("{{.Name}} via {{.Via}}", map[string]any{"Name": v.Worst.Name, "Via": via}), widget.MediumImportance
				}
				return v.Worst.Name, widget.MediumImportance
			}
			return "", widget.MediumImportance
		},
		func(row int) { u.open(handbook.EntityProcess, a.Processes[row].Process.ID) })
	table.onEscape = u.escape
	findings := a.Findings(u.now())
	var findingsPart fyne.CanvasObject = widget.NewLabel("✓ " + lang.L("Recovery meets what the business needs."))
	if len(findings) > 0 {
		fl := newLinkList(len(findings), func(i int) string { return findingText(findings[i]) },
			func(i int) { u.open(findings[i].Entity, findings[i].ID) })
		fl.onEscape = u.escape
		findingsPart = fl
	}
	criteria := widget.NewLabel(lang.L("Criticality from the MTPD: up to 4 h critical, up to 1 day high, up to 1 week medium, above low. Required RTO: MTPD × {{.Factor}}, rounded down to a time point.",
		map[string]any{"Factor": i18n.Decimal(a.Config.RTOFactor, tr)}))
	criteria.Wrapping = fyne.TextWrapWord
	criteria.Importance = widget.LowImportance
	split := container.NewVSplit(
		container.NewBorder(container.NewVBox(heading(lang.L("Business impact analysis")), intro), criteria, nil, nil, table),
		container.NewBorder(heading(lang.L("Findings")), nil, nil, nil, findingsPart))
	split.Offset = 0.68
	return container.NewPadded(split)
}

// processesAt and co. are shown on the sites' and suppliers' details.
func processLinks(u *ui, a *handbook.Analysis, ids []string) fyne.CanvasObject {
	box := container.NewVBox()
	for _, id := range ids {
		if v, ok := a.View(id); ok {
			box.Add(container.NewHBox(u.fullLink(v.Process.Name, handbook.EntityProcess, id),
				widget.NewLabel(strings.Join(nonEmpty(severityLabel(v.Criticality), lang.L("RTO {{.Time}}", map[string]any{"Time": spanOr(v.RTO, "–")})), " · "))))
		}
	}
	if len(box.Objects) == 0 {
		return widget.NewLabel("–")
	}
	return box
}

// fullLink is a link that shows its whole text: for rows that size to
// their content.
func (u *ui) fullLink(text string, e handbook.Entity, id string) *widget.Hyperlink {
	h := u.link(text, e, id)
	h.Truncation = fyne.TextTruncateOff
	return h
}
