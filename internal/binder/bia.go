package binder

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"ernstfall/assets"
	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
)

// The sections of the business impact analysis.
const (
	SectionContinuity = "continuity"
	SectionSites      = "sites"
	SectionSuppliers  = "suppliers"
	SectionBIA        = "bia"
)

// biaTexts are the fixed words of the BIA sections in one language.
type biaTexts struct {
	continuity, sites, suppliers, bia                string
	process, mtpd, required, achieved, weakest       string
	assessed, by, notAssessed, more, via             string
	criteria, settings, categories, timePoints       string
	threshold, factor, grid, note, impactAfter       string
	capacity, level, keptUp, bridge, needs, noPlan   string
	planDue, siteHere, processesHere, servicesHere   string
	address, access, openers, alternate, altCap      string
	altReady, altFor, noAlternate, kit, kitWhere     string
	kitChecked, kitEvery, kitCheckLine, kitDue       string
	supplier, provides, contract, customer, hotline  string
	sla, response, restoration, alternative, exit    string
	dependents, notAgreed, around, nonePresent, days string
	findings, gapMark, approval, exitNotes           string
}

var biaDE = biaTexts{
	continuity: "Geschäftsfortführungspläne", sites: "Standorte und Notfallkoffer", suppliers: "Dienstleister", bia: "Business-Impact-Analyse",
	process: "Prozess", mtpd: "MTA", required: "RTO gefordert", achieved: "RTO erreicht", weakest: "Schwächstes Glied",
	assessed: "Bewertet", by: "von", notAssessed: "nicht bewertet", more: "mehr als %s", via: "über %s",
	criteria: "Kritikalität aus der MTA (maximal tolerierbare Ausfallzeit): bis 4 Std. kritisch, bis 1 Tag hoch, bis 1 Woche mittel, darüber niedrig. Geforderte RTO: MTA × %s, abgerundet auf einen Zeitpunkt. Erreichte RTO: längste Wiederanlaufzeit der Services und Dienstleister, von denen der Prozess abhängt (auch über andere Services und Prozesse).",
	settings: "Bewertungsgrundlage", categories: "Schadenskategorien", timePoints: "Zeitpunkte",
	threshold: "Untragbar ab", factor: "Faktor", grid: "Schadensbewertung", note: "Begründung", impactAfter: "Schaden nach",
	capacity: "Kapazität", level: "Nötiges Notbetriebsniveau", keptUp: "Durchzuhalten für", bridge: "Muss überbrücken",
	needs: "Braucht", noPlan: "Kein Geschäftsfortführungsplan hinterlegt – hier das Notverfahren eintragen:",
	planDue:  "Plan trägt kürzer als der Wiederanlauf dauert",
	siteHere: "Hier", processesHere: "Geschäftsprozesse", servicesHere: "Services",
	address: "Adresse", access: "Zutritt", openers: "Wer aufschließt", alternate: "Ausweichstandort", altCap: "Kapazität",
	altReady: "Bereit nach", altFor: "Ausweichstandort für", noAlternate: "kein Ausweichstandort",
	kit: "Notfallkoffer", kitWhere: "Standort des Koffers", kitChecked: "Zuletzt geprüft", kitEvery: "Prüfen alle %d Tage",
	kitCheckLine: "Geprüft am ______________ von ______________   Fehlendes ergänzt: ☐", kitDue: "PRÜFUNG FÄLLIG",
	supplier: "Dienstleister", provides: "Leistung", contract: "Vertrag", customer: "Kunde", hotline: "Hotline",
	sla: "SLA", response: "Reaktion", restoration: "Wiederherstellung", alternative: "Alternative", exit: "Ausstieg",
	dependents: "Davon abhängig", notAgreed: "nicht vereinbart", around: "24/7", nonePresent: "keine", days: "Tage",
	findings: "Hinweise zur Geschäftsfortführung", gapMark: "Lücke", exitNotes: "Alternative, Ausstieg und Hinweise",
	approval: "Ergebnisse freigegeben (Geschäftsleitung)",
}

var biaEN = biaTexts{
	continuity: "Business continuity plans", sites: "Sites and emergency kits", suppliers: "Suppliers", bia: "Business impact analysis",
	process: "Process", mtpd: "MTPD", required: "Required RTO", achieved: "RTO achieved", weakest: "Weakest link",
	assessed: "Assessed", by: "by", notAssessed: "not assessed", more: "more than %s", via: "via %s",
	criteria: "Criticality from the MTPD (maximum tolerable period of disruption): up to 4 h critical, up to 1 day high, up to 1 week medium, above low. Required RTO: MTPD × %s, rounded down to a time point. Achieved RTO: the longest recovery time of the services and suppliers the process depends on (also through other services and processes).",
	settings: "Basis of assessment", categories: "Impact categories", timePoints: "Time points",
	threshold: "Intolerable from", factor: "Factor", grid: "Impact assessment", note: "Reasons", impactAfter: "Impact after",
	capacity: "Capacity", level: "Emergency operation level needed", keptUp: "Can be kept up for", bridge: "Must bridge",
	needs: "Needs", noPlan: "No continuity plan in the handbook – write the emergency procedure here:",
	planDue:  "The plan runs out before recovery",
	siteHere: "Here", processesHere: "Business processes", servicesHere: "Services",
	address: "Address", access: "Access", openers: "Who opens the doors", alternate: "Alternate site", altCap: "Capacity",
	altReady: "Ready after", altFor: "Alternate site for", noAlternate: "no alternate site",
	kit: "Emergency kit", kitWhere: "Where the kit is", kitChecked: "Last checked", kitEvery: "Check every %d days",
	kitCheckLine: "Checked on ______________ by ______________   Missing items replaced: ☐", kitDue: "CHECK DUE",
	supplier: "Supplier", provides: "Provides", contract: "Contract", customer: "Customer", hotline: "Hotline",
	sla: "SLA", response: "Response", restoration: "Restoration", alternative: "Alternative", exit: "Exit",
	dependents: "Depend on it", notAgreed: "not agreed", around: "24/7", nonePresent: "none", days: "days",
	findings: "Notes on business continuity", gapMark: "gap", exitNotes: "Alternative, exit and notes",
	approval: "Results approved (management)",
}

// catalogTr is the translation catalog of lang as a translator, for the
// texts the window and the binder share (durations, category names).
func catalogTr(lang string) i18n.Translator {
	catalog := sync.OnceValue(func() *i18n.Catalog {
		c, err := i18n.Load(assets.Translations, lang)
		if err != nil {
			return nil // the English keys
		}
		return c
	})
	return func(k string, data map[string]any) string { return catalog().T(k, data) }
}

var (
	trDE = catalogTr("de")
	trEN = catalogTr("en")
)

// span writes a duration the way the binder's language reads it; "–"
// for none.
func (d *doc) span(m handbook.Minutes) string {
	if m <= 0 {
		return "–"
	}
	return i18n.Span(m, d.p.tr)
}

// mtpd writes a process's MTPD.
func (d *doc) mtpd(v handbook.ProcessView) string {
	switch {
	case !v.Assessed():
		return d.p.bt.notAssessed
	case v.Beyond:
		tps := d.p.bia.Config.TimePoints
		return fmt.Sprintf(d.p.bt.more, d.span(tps[len(tps)-1]))
	}
	return d.span(v.MTPD)
}

// weakest names the weakest link and the way to it.
func (d *doc) weakest(v handbook.ProcessView) string {
	if v.Worst.Name == "" {
		return ""
	}
	if via := v.Worst.Via(); via != "" {
		return v.Worst.Name + " (" + fmt.Sprintf(d.p.bt.via, via) + ")"
	}
	return v.Worst.Name
}

// biaOverview is the business impact analysis as an auditor reads it:
// the basis of assessment, every process with MTPD, criticality, required
// and achieved RTO and who assessed it when, each process's impact grid
// with the reasons, and the gaps.
func (d *doc) biaOverview() {
	t, bt, a := d.t, d.p.bt, d.p.bia
	d.startSection(SectionBIA, bt.bia)
	d.text(fmt.Sprintf(bt.criteria, i18n.Decimal(a.Config.RTOFactor, d.p.tr)), style{size: sizeSmall})
	d.y += 2
	if len(a.Processes) == 0 {
		d.text(t.none, style{italic: true})
		return
	}
	var rows [][]cell
	for _, v := range a.Processes {
		achieved := txt(d.span(v.Achieved()), style{})
		if v.RTO > 0 && v.Achieved() > v.RTO {
			achieved = txt(d.span(v.Achieved())+" ("+bt.gapMark+")", style{bold: true, color: colorRed})
		}
		assessed := d.p.bt.notAssessed
		if !v.Process.AssessedAt.IsZero() {
			assessed = t.date(v.Process.AssessedAt)
			if v.Process.AssessedBy != "" {
				assessed += "\n" + bt.by + " " + d.personName(v.Process.AssessedBy)
			}
		}
		rows = append(rows, []cell{
			append(txt(v.Process.Name, style{bold: true}), run{text: "\n" + d.owner(v.Process.Owner), st: style{size: sizeSmall, color: colorGray}}),
			txt(cmp.Or(t.severities[v.Criticality], "–"), style{bold: v.Critical()}),
			txt(d.mtpd(v), style{}), txt(d.span(v.RTO), style{}), txt(d.span(v.Process.RPO), style{}),
			achieved, txt(d.weakest(v), style{}), txt(assessed, style{size: sizeSmall})})
	}
	d.table(table{header: []cell{txt(bt.process, style{}), txt(t.criticality, style{}), txt(bt.mtpd, style{}),
		txt(bt.required, style{}), txt(t.rpo, style{}), txt(bt.achieved, style{}), txt(bt.weakest, style{}), txt(bt.assessed, style{})},
		rows: rows, widths: []float64{22, 12, 9, 11, 8, 10, 17, 11}}, d.left, d.contentWidth())

	d.subheading(bt.findings)
	findings := a.Findings(d.p.printed)
	if len(findings) == 0 {
		d.text(t.none, style{italic: true})
	}
	for _, f := range findings {
		d.flow([]run{{text: t.warning + ": ", st: style{bold: true}}, {text: t.finding(f)}}, d.left, d.contentWidth(), lineHeight(sizeBody))
		d.y += 0.5
	}

	d.subheading(bt.settings)
	var cats []string
	for _, c := range a.Config.Categories {
		cats = append(cats, i18n.CategoryName(c, d.p.tr))
	}
	var tps []string
	for _, tp := range a.Config.TimePoints {
		tps = append(tps, d.span(tp))
	}
	d.label(bt.categories, strings.Join(cats, ", "))
	d.label(bt.timePoints, strings.Join(tps, ", "))
	d.label(bt.threshold, d.p.tr(i18n.RatingKeys[a.Config.Threshold], nil))
	d.label(bt.factor, i18n.Decimal(a.Config.RTOFactor, d.p.tr))

	for _, v := range a.Processes {
		if d.ctx.Err() != nil {
			return
		}
		d.y += 2
		d.ensure(float64(len(a.Config.Categories))*6 + 40)
		d.heading(v.Process.Name, 2)
		d.grid(v)
	}
	d.y += 6
	d.ensure(20)
	d.formFields(bt.approval, d.t.dateField)
}

// grid prints a process's impact grid with what follows from it.
func (d *doc) grid(v handbook.ProcessView) {
	bt, a := d.p.bt, d.p.bia
	header := []cell{txt(bt.impactAfter, style{italic: true})}
	widths := []float64{28}
	for _, tp := range a.Config.TimePoints {
		header = append(header, txt(d.span(tp), style{}))
		widths = append(widths, 72/float64(len(a.Config.TimePoints)))
	}
	var rows [][]cell
	for _, c := range a.Config.Categories {
		row := []cell{txt(i18n.CategoryName(c, d.p.tr), style{})}
		for _, tp := range a.Config.TimePoints {
			r := v.Process.Impact[handbook.ImpactCell{Category: c.Key, At: tp}]
			switch {
			case r == 0:
				row = append(row, txt("–", style{color: colorGray}))
			case r >= a.Config.Threshold:
				row = append(row, txt(strconv.Itoa(int(r)), style{bold: true, color: colorRed}))
			default:
				row = append(row, txt(strconv.Itoa(int(r)), style{}))
			}
		}
		rows = append(rows, row)
	}
	d.table(table{header: header, rows: rows, widths: widths}, d.left, d.contentWidth())
	d.flow([]run{{text: bt.mtpd + " ", st: style{bold: true}}, {text: d.mtpd(v) + "   "},
		{text: d.t.criticality + " ", st: style{bold: true}}, {text: cmp.Or(d.t.severities[v.Criticality], "–") + "   "},
		{text: bt.required + " ", st: style{bold: true}}, {text: d.span(v.RTO) + "   "},
		{text: d.t.rpo + " ", st: style{bold: true}}, {text: d.span(v.Process.RPO)}},
		d.left, d.contentWidth(), lineHeight(sizeBody))
	if v.Process.ImpactNote != "" {
		d.label(bt.note, v.Process.ImpactNote)
	}
}

// continuityPlans prints every process's continuity plan as a checklist to
// tick, the most critical first; a critical process without a plan gets a
// page to write one on.
func (d *doc) continuityPlans() {
	t, bt, a := d.t, d.p.bt, d.p.bia
	first := true
	for _, v := range a.Processes {
		p := v.Process
		if strings.TrimSpace(p.ContinuityPlan) == "" && !v.Critical() {
			continue
		}
		if d.ctx.Err() != nil {
			return
		}
		d.newPage(bt.continuity + " – " + p.Name)
		if first {
			d.mark("sec:" + SectionContinuity)
			first = false
		}
		d.mark("bcp:" + p.ID)
		d.heading(p.Name, 1)
		d.docStatus(handbook.EntityProcess, p.ID)
		bridge := d.span(v.Bridge())
		if v.Achieved() > v.RTO && v.Worst.Name != "" {
			bridge += " (" + v.Worst.Name + ")"
		}
		short := p.PlanDuration > 0 && p.PlanDuration < v.Bridge()
		keptUp := txt(d.span(p.PlanDuration), style{})
		if short {
			keptUp = txt(d.span(p.PlanDuration)+"\n"+bt.planDue, style{bold: true, color: colorRed})
		}
		capacity := strings.Join(nonEmpty(percent(p.PlanCapacityPercent), p.PlanCapacity), " – ")
		d.table(table{header: []cell{txt(t.criticality, style{}), txt(bt.mtpd, style{}), txt(bt.required, style{}),
			txt(bt.bridge, style{}), txt(bt.keptUp, style{}), txt(t.owner, style{})},
			rows: [][]cell{{txt(cmp.Or(t.severities[v.Criticality], "–"), style{bold: v.Critical()}), txt(d.mtpd(v), style{}),
				txt(d.span(v.RTO), style{}), txt(bridge, style{}), keptUp, txt(d.owner(p.Owner), style{})}},
			widths: []float64{14, 14, 14, 22, 18, 18}}, d.left, d.contentWidth())
		d.label(bt.capacity, capacity)
		d.label(bt.level, percent(p.MinCapacityPercent))
		d.label(bt.needs, d.needs(v))
		if p.Description != "" {
			d.text(p.Description, style{italic: true})
		}
		d.y += 1
		if strings.TrimSpace(p.ContinuityPlan) == "" {
			d.text(bt.noPlan, style{bold: true, color: colorRed})
			for d.y+8 <= d.bottom {
				d.y += 8
				d.rule(d.left, d.right, d.y, 0.2)
			}
			continue
		}
		d.markdown(p.ContinuityPlan, d.left, d.contentWidth(), false)
	}
	if first {
		d.startSection(SectionContinuity, bt.continuity)
		d.text(t.none, style{italic: true})
	}
}

// needs lists a process's direct dependencies in one line.
func (d *doc) needs(v handbook.ProcessView) string {
	var out []string
	for _, r := range v.Reached {
		if len(r.Path) == 1 {
			out = append(out, r.Name)
		}
	}
	for _, id := range v.Process.Sites {
		if s, ok := d.p.site[id]; ok {
			out = append(out, s.Name)
		}
	}
	for _, id := range v.Process.Roles {
		out = append(out, d.roleName(id))
	}
	for _, id := range v.Process.DependsOn {
		if w, ok := d.p.bia.View(id); ok {
			out = append(out, w.Process.Name)
		}
	}
	return strings.Join(out, ", ")
}

func percent(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("%d %%", n)
}

// sitesSection prints each site with its address, access notes, who opens
// the doors, what runs there, its alternate site, and its emergency kit as
// a list to tick off.
func (d *doc) sitesSection() {
	t, bt := d.t, d.p.bt
	d.startSection(SectionSites, bt.sites)
	if len(d.p.hb.Sites) == 0 {
		d.text(t.none, style{italic: true})
		return
	}
	at := d.p.bia.ProcessesAt()
	for i, s := range d.p.hb.Sites {
		if d.ctx.Err() != nil {
			return
		}
		if i > 0 {
			d.y += 3
		}
		d.ensure(50)
		d.mark("site:" + s.ID)
		d.heading(s.Name, 2)
		d.label(bt.address, s.Address)
		d.label(bt.access, s.Access)
		if len(s.Contacts) > 0 {
			var rows [][]cell
			for _, id := range s.Contacts {
				if c, ok := d.p.contact[id]; ok {
					rows = append(rows, []cell{append(txt(c.Name, style{bold: true}),
						run{text: "\n" + strings.Join(nonEmpty(c.Function, c.Organisation), ", "), st: style{size: sizeSmall, color: colorGray}}),
						d.trimmedPhones(c), txt(c.Email, style{})})
				}
			}
			d.subheading(bt.openers)
			d.table(table{rows: rows, widths: []float64{40, 30, 30}}, d.left, d.contentWidth())
		}
		var procs []string
		for _, id := range at[s.ID] {
			if v, ok := d.p.bia.View(id); ok {
				procs = append(procs, fmt.Sprintf("%s (%s, %s %s)", v.Process.Name, cmp.Or(t.severities[v.Criticality], "–"), t.rto, d.span(v.RTO)))
			}
		}
		var svcs []string
		for _, id := range s.Services {
			if sv, ok := d.p.service[id]; ok {
				svcs = append(svcs, sv.Name)
			}
		}
		d.label(bt.processesHere, strings.Join(procs, ", "))
		d.label(bt.servicesHere, strings.Join(svcs, ", "))
		if alt, ok := d.p.site[s.Alternate]; ok {
			d.label(bt.alternate, strings.Join(nonEmpty(alt.Name, bt.altCap+": "+s.AlternateCapacity, bt.altReady+": "+d.span(s.AlternateActivation)), " · "))
		} else if len(at[s.ID]) > 0 {
			d.label(bt.alternate, bt.noAlternate)
		}
		var forOthers []string
		for _, o := range d.p.hb.Sites {
			if o.Alternate == s.ID {
				forOthers = append(forOthers, o.Name)
			}
		}
		d.label(bt.altFor, strings.Join(forOthers, ", "))
		if strings.TrimSpace(s.Kit) != "" {
			d.subheading(bt.kit)
			checked := t.never
			if !s.KitCheckedAt.IsZero() {
				checked = t.date(s.KitCheckedAt)
			}
			runs := []run{{text: bt.kitChecked + ": ", st: style{bold: true}}, {text: checked + " · " + fmt.Sprintf(bt.kitEvery, s.KitInterval())}}
			if s.KitDue(d.p.printed) {
				runs = append(runs, run{text: "  " + bt.kitDue, st: style{bold: true, color: colorRed}})
			}
			d.flow(runs, d.left, d.contentWidth(), lineHeight(sizeBody))
			d.label(bt.kitWhere, s.KitLocation)
			d.markdown(s.Kit, d.left, d.contentWidth(), false)
			d.text(bt.kitCheckLine, style{})
		}
		if s.Notes != "" {
			d.markdown(s.Notes, d.left, d.contentWidth(), false)
		}
	}
}

// trimmedPhones is a contact's numbers without the leading line break.
func (d *doc) trimmedPhones(c handbook.Contact) cell {
	phones := d.phoneRuns(c.Numbers(), "\n")
	if len(phones) > 0 {
		phones[0].text = strings.TrimPrefix(phones[0].text, "\n")
	}
	return phones
}

// suppliersSection is the supplier sheet: what a person on the phone with
// a supplier needs, contract and customer numbers, the hotline with its
// numbers, the agreed times, the alternative and the way out, and what
// depends on it.
func (d *doc) suppliersSection() {
	t, bt := d.t, d.p.bt
	d.startSection(SectionSuppliers, bt.suppliers)
	if len(d.p.hb.Suppliers) == 0 {
		d.text(t.none, style{italic: true})
		return
	}
	of := d.p.bia.ProcessesOf()
	var rows [][]cell
	for _, s := range d.p.hb.Suppliers {
		// The numbers sit under the name, each on a line of its own, so
		// that no column is too narrow for a contract number.
		gray := style{size: sizeSmall, color: colorGray}
		name := append(txt(s.Name, style{bold: true}),
			run{text: "\n" + bt.contract + " ", st: gray}, run{text: cmp.Or(s.ContractNumber, "–")},
			run{text: "\n" + bt.customer + " ", st: gray}, run{text: cmp.Or(s.CustomerNumber, "–")})
		if s.Provides != "" {
			name = append(name, run{text: "\n" + s.Provides, st: gray})
		}
		var hotline cell
		for i, id := range s.Hotline {
			c, ok := d.p.contact[id]
			if !ok {
				continue
			}
			if len(hotline) > 0 {
				hotline = append(hotline, run{text: "\n"})
			}
			who := c.Name
			if i == 0 && s.Hotline24x7 {
				who += " (" + bt.around + ")"
			}
			hotline = append(hotline, run{text: who, st: style{bold: true}})
			hotline = append(hotline, d.phoneRuns(c.Numbers(), "\n")...)
		}
		if len(hotline) == 0 {
			hotline = txt("–", style{})
		}
		sla := cell{{text: bt.response, st: style{size: sizeSmall, color: colorGray}}, {text: "\n" + cmp.Or(spanOrEmpty(d, s.SLAResponse), bt.notAgreed)},
			{text: "\n" + bt.restoration, st: style{size: sizeSmall, color: colorGray}}, {text: "\n" + cmp.Or(spanOrEmpty(d, s.SLARestoration), bt.notAgreed)}}
		var deps cell
		add := func(text string, gap bool) {
			if len(deps) > 0 {
				text = "\n" + text
			}
			st := style{size: sizeSmall}
			if gap {
				st = style{size: sizeSmall, bold: true, color: colorRed}
			}
			deps = append(deps, run{text: text, st: st})
		}
		for _, id := range s.Services {
			if sv, ok := d.p.service[id]; ok {
				gap := sv.RTO > 0 && s.SLARestoration > sv.RTO
				text := fmt.Sprintf("%s (%s %s)", sv.Name, t.rto, d.span(sv.RTO))
				if gap {
					text += " – " + bt.gapMark
				}
				add(text, gap)
			}
		}
		for _, id := range of[s.ID] {
			if v, ok := d.p.bia.View(id); ok {
				add(v.Process.Name, false)
			}
		}
		rows = append(rows, []cell{name, hotline, sla, deps})
	}
	d.table(table{header: []cell{txt(bt.supplier+" · "+bt.contract+" / "+bt.customer, style{}), txt(bt.hotline, style{}),
		txt(bt.sla, style{}), txt(bt.dependents, style{})},
		rows: rows, widths: []float64{32, 29, 18, 21}}, d.left, d.contentWidth())
	d.subheading(bt.exitNotes)
	for _, s := range d.p.hb.Suppliers {
		alt := ""
		if a, ok := d.p.supplier[s.Alternative]; ok {
			alt = bt.alternative + ": " + a.Name
		}
		d.label(s.Name, strings.Join(nonEmpty(alt, s.Exit, s.Notes), " · "))
		d.y += 0.5
	}
}

func spanOrEmpty(d *doc, m handbook.Minutes) string {
	if m <= 0 {
		return ""
	}
	return d.span(m)
}
