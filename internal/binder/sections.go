package binder

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/handbook"
)

// tocEntry is a line of the table of contents and a PDF bookmark.
type tocEntry struct {
	key, title string
	level      int
}

func (p *plan) sectionTitle(s string) string {
	return map[string]string{
		SectionTOC: p.t.toc, SectionAlarm: p.t.alarm, SectionEscalation: p.t.escalation, SectionCallTree: p.t.callTree,
		SectionContacts: p.t.contacts, SectionPlaybooks: p.t.playbooks, SectionRecovery: p.t.recovery,
		SectionTemplates: p.t.templates, SectionReporting: p.t.reporting, SectionForms: p.t.forms,
		SectionChanges:    p.ct.changes,
		SectionContinuity: p.bt.continuity, SectionSites: p.bt.sites, SectionSuppliers: p.bt.suppliers, SectionBIA: p.bt.bia,
	}[s]
}

// tocEntries lists the table of contents before anything is drawn: the
// table is laid out before the pages it points to exist, and its numbers
// are filled in at the end.
func (p *plan) tocEntries() []tocEntry {
	var out []tocEntry
	for _, s := range p.sections {
		if s == SectionCover || s == SectionTOC {
			continue
		}
		out = append(out, tocEntry{key: "sec:" + s, title: p.sectionTitle(s)})
		switch s {
		case SectionPlaybooks:
			for _, pb := range p.hb.Playbooks {
				out = append(out, tocEntry{key: "pb:" + pb.ID, title: pb.Title, level: 1})
			}
		case SectionRecovery:
			for i, s := range p.order {
				out = append(out, tocEntry{key: "svc:" + s.ID, title: fmt.Sprintf("%d. %s", i+1, s.Name), level: 1})
			}
		case SectionContinuity:
			for _, v := range p.bia.Processes {
				if strings.TrimSpace(v.Process.ContinuityPlan) != "" || v.Critical() {
					out = append(out, tocEntry{key: "bcp:" + v.Process.ID, title: v.Process.Name, level: 1})
				}
			}
		case SectionSites:
			for _, s := range p.hb.Sites {
				out = append(out, tocEntry{key: "site:" + s.ID, title: s.Name, level: 1})
			}
		case SectionTemplates:
			for _, t := range p.hb.CommTemplates {
				out = append(out, tocEntry{key: "tpl:" + t.ID, title: t.Title, level: 1})
			}
		case SectionForms:
			out = append(out, tocEntry{key: "form:log", title: p.t.incidentLog, level: 1},
				tocEntry{key: "form:call", title: p.t.callLog, level: 1},
				tocEntry{key: "form:lessons", title: p.t.lessons, level: 1})
		}
	}
	return out
}

// nameKey is the key byName compares: the window sorts by the same
// (handbook.CompareNames), so a list reads alike on screen and on paper.
func nameKey(s string) string { return handbook.FoldPlain(s) }

func byName(a, b string) int { return strings.Compare(nameKey(a), nameKey(b)) }

// sortByName sorts list by the names name gives, as byName compares them,
// keeping the order of equal names; each key is made once.
func sortByName[T any](list []T, name func(*T) string) {
	type keyed struct {
		key string
		i   int
	}
	keys := make([]keyed, len(list))
	for i := range list {
		keys[i] = keyed{nameKey(name(&list[i])), i}
	}
	slices.SortStableFunc(keys, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	sorted := make([]T, len(list))
	for i, k := range keys {
		sorted[i] = list[k.i]
	}
	copy(list, sorted)
}

// sortForPrint orders the records as a reader looks for them.
func sortForPrint(hb *handbook.Handbook) {
	sortByName(hb.Contacts, func(c *handbook.Contact) string { return c.Name })
	for i := range hb.Contacts {
		// Sorted by the name, printed with the title: "Dr. Ayşe Özdemir".
		hb.Contacts[i].Name = hb.Contacts[i].FullName()
	}
	sortByName(hb.Roles, func(r *handbook.Role) string { return r.Name })
	slices.SortStableFunc(hb.Escalation, func(a, b handbook.EscalationLevel) int { return cmp.Compare(a.Level, b.Level) })
	sortByName(hb.Playbooks, func(p *handbook.Playbook) string { return p.Title })
	sortByName(hb.Sites, func(s *handbook.Site) string { return s.Name })
	sortByName(hb.Suppliers, func(s *handbook.Supplier) string { return s.Name })
	slices.SortStableFunc(hb.CommTemplates, func(a, b handbook.CommTemplate) int {
		return cmp.Or(cmp.Compare(slices.Index(handbook.Audiences, a.Audience), slices.Index(handbook.Audiences, b.Audience)),
			byName(a.Title, b.Title))
	})
}

func (d *doc) contentWidth() float64 { return d.right - d.left }

// subheading is a small heading that stays with the next lines.
func (d *doc) subheading(s string) { d.heading(s, 3) }

// label prints "label: value" as one paragraph.
func (d *doc) label(label, value string) {
	if strings.TrimSpace(value) == "" {
		return
	}
	d.flow([]run{{text: label + ": ", st: style{bold: true}}, {text: value}}, d.left, d.contentWidth(), lineHeight(sizeBody))
}

func (d *doc) cover() {
	t := d.t
	d.noChrome = d.pdf.PageCount() + 1
	d.newPage("")
	w := d.contentWidth()
	d.y = 45
	org := d.p.hb.Settings.Organisation
	if org != "" {
		d.flow([]run{{text: org, st: style{bold: true, size: 24}}}, d.left, w, lineHeight(24))
		d.y += 4
	}
	d.flow([]run{{text: t.handbook, st: style{bold: true, size: 30}}}, d.left, w, lineHeight(30))
	d.y += 3
	d.rule(d.left, d.right, d.y, 0.8)
	d.y += 8
	d.flow([]run{{text: t.version + " ", st: style{size: 14}}, {text: d.p.version, st: style{mono: true, size: 14}}}, d.left, w, lineHeight(14))
	d.y += 2
	printed := fmt.Sprintf(t.printedAt, t.dateTime(d.p.printed))
	if by := d.p.opt.PrintedBy; by != "" {
		printed += " " + fmt.Sprintf(t.printedBy, by)
	}
	d.flow([]run{{text: printed, st: style{size: 12}}}, d.left, w, lineHeight(12))
	d.y += 10
	d.copyCover()
	d.draftCover()

	class := cmp.Or(d.p.opt.Classification, d.p.hb.Settings.Classification, t.classification)
	lines := d.layout([]run{{text: class, st: style{bold: true, size: 13, color: colorRed}}}, w-8)
	h := float64(len(lines))*lineHeight(13) + 6
	d.pdf.SetDrawColor(180, 0, 0)
	d.pdf.SetLineWidth(0.8)
	d.pdf.Rect(d.left, d.y, w, h, "D")
	d.pdf.SetLineWidth(0.2)
	y := d.y + 3
	for _, ln := range lines {
		d.drawLine(ln, d.left+4, y, lineHeight(13))
		y += lineHeight(13)
	}
	d.y += h + 8
	d.text(fmt.Sprintf(t.replaces, t.dateTime(d.p.printed)), style{bold: true, size: 11})
	d.y += 6
	d.label(t.location, cmp.Or(d.p.hb.Settings.Location, t.notSet))
	if d.p.opt.Team != "" {
		d.y += 2
		d.text(fmt.Sprintf(t.teamOnly, d.p.opt.Team), style{italic: true})
	}
	if d.p.opt.Program != "" {
		d.y += 4
		d.text(d.p.opt.Program, style{size: 9, color: colorGray})
	}
	if d.p.has(SectionAlarm) {
		page, y := d.pdf.PageNo(), d.bottom-12
		d.later = append(d.later, func() {
			d.onPage(page)
			for _, ln := range d.layout([]run{{text: t.alarm + " → " + d.pageRef("sec:"+SectionAlarm),
				st: style{bold: true, size: 14}}}, w) {
				d.drawLine(ln, d.left, y, lineHeight(14))
				y += lineHeight(14)
			}
		})
	}
}

// pageRef is "Seite n" for a marked place; it is known once every page
// is drawn.
func (d *doc) pageRef(key string) string {
	page := "…"
	if p, ok := d.marks[key]; ok {
		page = fmt.Sprint(p.page)
	}
	return d.t.page + " " + page
}

func (d *doc) tocSection() {
	d.newPage(d.t.toc)
	d.heading(d.t.toc, 0)
	const numW = 14.0
	width := d.contentWidth()
	for _, e := range d.p.toc {
		indent := float64(e.level) * 6
		st := style{bold: e.level == 0}
		lh := lineHeight(sizeBody) + 0.4
		lines := d.layout([]run{{text: e.title, st: st}}, width-indent-numW-4)
		if e.level == 0 {
			d.y += 1.5
		}
		d.ensure(float64(len(lines)) * lh)
		y0 := d.y
		for _, ln := range lines {
			d.drawLine(ln, d.left+indent, d.y, lh)
			d.y += lh
		}
		last := lines[len(lines)-1]
		dotsFrom := d.left + indent + last.w + 1.5
		dotsTo := d.right - numW
		dotW := d.width(".", style{})
		if n := int((dotsTo - dotsFrom) / (dotW * 2)); n > 0 {
			d.font(style{color: colorGray})
			d.pdf.SetXY(dotsTo-float64(n)*dotW*2, d.y-lh)
			d.pdf.CellFormat(float64(n)*dotW*2, lh, strings.Repeat(". ", n), "", 0, "L", false, 0, "")
		}
		page, y1 := d.pdf.PageNo(), d.y
		d.later = append(d.later, func() {
			p, ok := d.marks[e.key]
			if !ok {
				return
			}
			d.onPage(page)
			d.font(st)
			d.pdf.SetXY(d.right-numW, y1-lh)
			d.pdf.CellFormat(numW, lh, fmt.Sprint(p.page), "", 0, "R", false, 0, "")
			link := d.pdf.AddLink()
			d.pdf.SetLink(link, p.y, p.page)
			d.pdf.Link(d.left+indent, y0, width-indent, y1-y0, link)
		})
	}
}

// holderCell is a contact with function and phone numbers, for tables.
func (d *doc) holderCell(id string, n int) cell {
	c, ok := d.p.contact[id]
	if !ok {
		return txt("?", style{color: colorGray})
	}
	prefix := ""
	if n > 0 {
		prefix = fmt.Sprintf("%d. ", n)
	}
	out := cell{{text: prefix + c.Name, st: style{bold: true}}}
	if c.Function != "" {
		out = append(out, run{text: "\n" + c.Function, st: style{color: colorGray, size: sizeSmall}})
	}
	out = append(out, d.phoneRuns(c.Numbers(), "\n")...)
	return out
}

// phoneRuns are a contact's numbers, each on its own line (after indent)
// with its kind.
func (d *doc) phoneRuns(numbers []handbook.Number, indent string) []run {
	var out []run
	for _, n := range numbers {
		kind := map[handbook.PhoneKind]string{handbook.MobilePhone: d.t.mobile, handbook.OfficePhone: d.t.office, handbook.PrivatePhone: d.t.private}[n.Kind]
		out = append(out, run{text: indent + kind + " ", st: style{color: colorGray, size: sizeSmall}},
			run{text: n.Number})
	}
	return out
}

// alarmKinds are the kinds of external contacts the alarm card lists, in
// the order it lists them.
var alarmKinds = []string{"police", "authority", "forensics", "insurer", "hoster"}

// callCell is a role holder on the alarm card: name and numbers only.
func (d *doc) callCell(id string) cell {
	c, ok := d.p.contact[id]
	if !ok {
		return txt("?", style{color: colorGray})
	}
	return append(txt(c.Name, style{bold: true}), d.phoneRuns(c.Numbers(), "\n")...)
}

// alarmRoles are the roles to call first: those of the escalation levels
// in their order, then the others.
func (d *doc) alarmRoles(limit int) []handbook.Role {
	var ids []string
	add := func(id string) {
		if _, ok := d.p.role[id]; ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, l := range d.p.hb.Escalation {
		add(l.DecidedBy)
		for _, n := range l.Notify {
			add(n)
		}
	}
	for _, r := range d.p.hb.Roles {
		add(r.ID)
	}
	var out []handbook.Role
	for _, id := range ids[:min(len(ids), limit)] {
		out = append(out, d.p.role[id])
	}
	return out
}

func (d *doc) alarmCard() {
	t := d.t
	d.startSection(SectionAlarm, t.alarm)
	w := d.contentWidth()
	d.pdf.SetDrawColor(180, 0, 0)
	d.fillRect(d.left, d.y, w, 10, "FD", 255, 235, 235)
	d.flow([]run{{text: t.emergency + ": ", st: style{bold: true, size: 13, color: colorRed}},
		{text: t.emergencyNumbers, st: style{bold: true, size: 13}}}, d.left+3, w-6, 10)
	d.y += 2
	d.flow([]run{{text: t.where + ": ", st: style{bold: true, size: sizeSmall + 0.5}},
		{text: cmp.Or(d.p.hb.Settings.Location, t.notSet) + " ", st: style{size: sizeSmall + 0.5}},
		{text: fmt.Sprintf(t.thisCopy, d.p.version, t.dateTime(d.p.printed)), st: style{italic: true, size: sizeSmall + 0.5}}},
		d.left, w, lineHeight(sizeSmall+0.5))

	d.subheading(t.callFirst)
	var rows [][]cell
	for _, r := range d.alarmRoles(7) {
		row := []cell{txt(r.Name, style{bold: true})}
		holders := r.Holders
		if r.OnCall.Active() {
			// Who is on call changes; the roster below says who it is.
			row = append(row, txt(t.onCallSee, style{italic: true}))
			holders = holders[:min(len(holders), 2)]
		}
		for i := range 4 - len(row) {
			if i < len(holders) {
				row = append(row, d.callCell(holders[i]))
			} else {
				row = append(row, nil)
			}
		}
		rows = append(rows, row)
	}
	d.table(table{header: []cell{txt(t.role, style{}), txt(t.primary, style{}),
		txt(t.deputy+" 1", style{}), txt(t.deputy+" 2", style{})}, rows: rows,
		widths: []float64{22, 26, 26, 26}, size: sizeSmall}, d.left, w)

	if len(d.p.hb.Escalation) > 0 {
		d.subheading(t.levelsBrief)
		rows = nil
		for _, l := range d.p.hb.Escalation {
			rows = append(rows, []cell{txt(fmt.Sprint(l.Level), style{bold: true}), txt(l.Name, style{bold: true}),
				txt(d.roleName(l.DecidedBy), style{}), txt(l.Within.String(), style{})})
		}
		d.table(table{header: []cell{txt(t.level, style{}), txt(t.name, style{}),
			txt(t.decides, style{}), txt(t.within, style{})}, rows: rows, widths: []float64{8, 50, 30, 12}, size: sizeSmall}, d.left, w)
	}

	var ext []handbook.Contact
	for _, c := range d.p.allContacts {
		if c.External && len(c.Phones()) > 0 && slices.Contains(alarmKinds, c.Kind) {
			ext = append(ext, c)
		}
	}
	slices.SortStableFunc(ext, func(a, b handbook.Contact) int {
		return cmp.Compare(slices.Index(alarmKinds, a.Kind), slices.Index(alarmKinds, b.Kind))
	})
	if len(ext) > 0 {
		d.subheading(t.externals)
		rows = nil
		for _, c := range ext[:min(len(ext), 5)] {
			rows = append(rows, []cell{append(txt(c.Name, style{bold: true}), run{text: " " + c.Organisation, st: style{color: colorGray}}),
				txt(cmp.Or(t.kinds[c.Kind], c.Kind), style{}), txt(strings.Join(c.Phones(), " · "), style{})})
		}
		d.table(table{rows: rows, widths: []float64{50, 18, 32}, size: sizeSmall}, d.left, w)
	}
	// The rosters come last: with one, the card takes the back of its
	// sheet too.
	d.rosters()
}

// rosterWeeks is how far ahead the alarm card prints the on-call roster.
const rosterWeeks = 8

// rosters prints, for each role with an on-call rotation, who is on duty
// from the print date for rosterWeeks weeks, with the number to call and
// the holidays and swaps: in two halves side by side, so that the alarm
// card stays one page. Each shift runs until the next one begins.
func (d *doc) rosters() {
	t := d.t
	for _, row := range handbook.Rosters(d.p.hb, d.p.printed, rosterWeeks*7*24*time.Hour) {
		d.subheading(fmt.Sprintf(t.onCallRoster, row.Role.Name, rosterWeeks, d.p.printed.Format(t.dateFormat)))
		var cells [][2]cell
		for _, s := range row.Shifts {
			who := txt("?", style{color: colorGray})
			if c, ok := d.p.contact[s.ContactID]; ok {
				who = txt(c.Name, style{bold: true})
				if p := c.Phones(); len(p) > 0 {
					who = append(who, run{text: " · " + p[0]})
				}
			}
			if e := s.Exception; e != nil {
				text := fmt.Sprintf(t.swapFor, d.personName(e.Person))
				if e.Kind == handbook.ExceptionHoliday {
					text = fmt.Sprintf(t.awayFor, d.personName(e.Person))
				}
				who = append(who, run{text: "\n" + text, st: style{italic: true, size: sizeSmall - 0.5}})
			}
			switch {
			case s.Missing != "" && s.ContactID == "":
				who = txt(t.deletedNobody, style{bold: true})
			case s.Missing != "":
				who = append(who, run{text: "\n" + t.deletedStandsIn, st: style{italic: true, size: sizeSmall - 0.5}})
			}
			cells = append(cells, [2]cell{txt(t.shiftTime(s.From), style{}), who})
		}
		half := (len(cells) + 1) / 2
		var rows [][]cell
		for i := range half {
			r := []cell{cells[i][0], cells[i][1], nil, nil}
			if j := i + half; j < len(cells) {
				r[2], r[3] = cells[j][0], cells[j][1]
			}
			rows = append(rows, r)
		}
		head := []cell{txt(t.onCallFrom, style{}), txt(t.onCallWho, style{}), txt(t.onCallFrom, style{}), txt(t.onCallWho, style{})}
		d.table(table{header: head, rows: rows, widths: []float64{16, 34, 16, 34}, size: sizeSmall}, d.left, d.contentWidth())
	}
}

// personName is a contact's name, "?" for one that does not exist.
func (d *doc) personName(id string) string {
	if c, ok := d.p.contact[id]; ok {
		return c.Name
	}
	return "?"
}

// owner names the owner of a document, stored as a contact or role ID or
// as a name.
func (d *doc) owner(id string) string {
	if c, ok := d.p.contact[id]; ok {
		return c.Name
	}
	if r, ok := d.p.role[id]; ok {
		return r.Name
	}
	return id
}

func (d *doc) roleName(id string) string {
	if r, ok := d.p.role[id]; ok {
		return r.Name
	}
	return id
}

func (d *doc) escalation() {
	t := d.t
	d.startSection(SectionEscalation, t.escalation)
	d.docStatus(handbook.EntityMatrix, handbook.MatrixID)
	var rows [][]cell
	for _, l := range d.p.hb.Escalation {
		var notify []string
		for _, id := range l.Notify {
			notify = append(notify, d.roleName(id))
		}
		rows = append(rows, []cell{txt(fmt.Sprint(l.Level), style{bold: true}), txt(l.Name, style{bold: true}),
			txt(l.Trigger, style{}), txt(d.roleName(l.DecidedBy), style{}), txt(strings.Join(notify, ", "), style{}),
			txt(l.Within.String(), style{})})
	}
	if len(rows) == 0 {
		d.text(t.none, style{italic: true})
	} else {
		d.table(table{header: []cell{txt(t.level, style{}), txt(t.name, style{}), txt(t.trigger, style{}),
			txt(t.decides, style{}), txt(t.notifies, style{}), txt(t.within, style{})},
			rows: rows, widths: []float64{8, 18, 36, 20, 28, 10}}, d.left, d.contentWidth())
	}

	d.heading(t.roles, 2)
	rows = nil
	for _, r := range d.p.hb.Roles {
		name := txt(r.Name, style{bold: true})
		if r.Description != "" {
			name = append(name, run{text: "\n" + r.Description, st: style{size: sizeSmall, color: colorGray}})
		}
		primary := cell(nil)
		var deputies cell
		for i, h := range r.Holders {
			if i == 0 {
				primary = d.holderCell(h, 0)
				continue
			}
			if len(deputies) > 0 {
				deputies = append(deputies, run{text: "\n"})
			}
			deputies = append(deputies, d.holderCell(h, i)...)
		}
		rows = append(rows, []cell{name, primary, deputies})
	}
	d.table(table{header: []cell{txt(t.role, style{}), txt(t.primary, style{}), txt(t.deputies, style{})},
		rows: rows, widths: []float64{30, 32, 38}}, d.left, d.contentWidth())
}

// callTree prints who calls whom at each escalation level, with deputies
// and numbers, and a box to tick for whoever was reached.
func (d *doc) callTree() {
	t := d.t
	d.startSection(SectionCallTree, t.callTree)
	d.text(t.callTreeIntro, style{italic: true})
	d.y += 2
	levels := handbook.CallTree(d.p.hb, time.Time{})
	if len(levels) == 0 {
		d.text(t.none, style{italic: true})
		return
	}
	people := func(r handbook.CallRole) cell {
		var c cell
		for i, p := range r.People {
			if i > 0 {
				c = append(c, run{text: "\n"})
			}
			c = append(c, run{text: fmt.Sprintf("[  ] %d. %s", i+1, p.Name), st: style{bold: i == 0}})
			c = append(c, d.phoneRuns(p.Numbers, "\n      ")...)
		}
		if len(r.People) == 0 {
			c = append(c, run{text: t.none, st: style{italic: true}})
		}
		return c
	}
	for _, l := range levels {
		title := handbook.LevelTitle(t.level, l.Level, l.Name)
		if l.Within > 0 {
			title += fmt.Sprintf(" (%s %s)", t.within, l.Within)
		}
		d.ensure(45) // a level's heading never stands alone at the foot of a page
		d.heading(title, 2)
		caller := append(txt(l.Caller.Role+"\n", style{bold: true}), people(l.Caller)...)
		var rows [][]cell
		for i, r := range l.Calls {
			first := cell(nil)
			if i == 0 {
				first = caller
			}
			rows = append(rows, []cell{first, append(txt(r.Role+"\n", style{bold: true}), people(r)...)})
		}
		if len(rows) == 0 {
			rows = append(rows, []cell{caller, txt(t.none, style{italic: true})})
		}
		d.table(table{header: []cell{txt(t.caller, style{}), txt(t.calls, style{})},
			rows: rows, widths: []float64{40, 60}}, d.left, d.contentWidth())
	}
}

// contactGroup is a heading of the contact list with its contacts.
type contactGroup struct {
	title    string
	contacts []handbook.Contact
}

func (d *doc) contactGroups() []contactGroup {
	internal, external := map[string][]handbook.Contact{}, map[string][]handbook.Contact{}
	for _, c := range d.p.hb.Contacts {
		if c.External {
			k := cmp.Or(d.t.kinds[c.Kind], strings.TrimSpace(c.Kind), d.t.noKind)
			external[k] = append(external[k], c)
		} else {
			k := cmp.Or(strings.TrimSpace(c.Team), d.t.noTeam)
			internal[k] = append(internal[k], c)
		}
	}
	var out []contactGroup
	for _, g := range []struct {
		m      map[string][]handbook.Contact
		format string
	}{{internal, d.t.internalGroup}, {external, d.t.externalGroup}} {
		keys := make([]string, 0, len(g.m))
		for k := range g.m {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, byName)
		for _, k := range keys {
			out = append(out, contactGroup{title: fmt.Sprintf(g.format, k), contacts: g.m[k]})
		}
	}
	return out
}

func (d *doc) contacts() {
	t := d.t
	d.startSection(SectionContacts, t.contacts)
	d.text(fmt.Sprintf(t.staleNote, handbook.DefaultStaleAfterDays), style{size: sizeSmall + 0.5, color: colorGray})
	for _, g := range d.contactGroups() {
		if d.ctx.Err() != nil {
			return
		}
		d.subheading(g.title)
		rows := make([][]cell, 0, len(g.contacts))
		for _, c := range g.contacts {
			name := txt(c.Name, style{bold: true})
			if sub := strings.Join(nonEmpty(c.Function, c.Organisation), ", "); sub != "" {
				name = append(name, run{text: "\n" + sub, st: style{size: sizeSmall, color: colorGray}})
			}
			phones := d.phoneRuns(c.Numbers(), "\n")
			if len(phones) > 0 {
				phones[0].text = strings.TrimPrefix(phones[0].text, "\n")
			}
			var reach cell
			for _, s := range nonEmpty(c.Email, strings.TrimSpace(c.Channels), c.Location) {
				if len(reach) > 0 {
					s = "\n" + s
				}
				reach = append(reach, run{text: s})
			}
			verified := txt(t.never, style{})
			if !c.LastVerifiedAt.IsZero() {
				verified = txt(t.date(c.LastVerifiedAt), style{})
			}
			if c.Stale(d.p.printed, handbook.DefaultStaleAfterDays) {
				verified = append(verified, run{text: "\n" + t.stale, st: style{bold: true, color: colorRed}})
			}
			rows = append(rows, []cell{name, phones, reach, verified})
		}
		d.table(table{header: []cell{txt(t.name, style{}), txt(t.phone, style{}), txt(t.channels, style{}), txt(t.verified, style{})},
			rows: rows, widths: []float64{28, 24, 36, 12}}, d.left, d.contentWidth())
	}
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

func (d *doc) playbooks() {
	t := d.t
	if len(d.p.hb.Playbooks) == 0 {
		d.startSection(SectionPlaybooks, t.playbooks)
		d.text(t.none, style{italic: true})
		return
	}
	for i, pb := range d.p.hb.Playbooks {
		if d.ctx.Err() != nil {
			return
		}
		d.newPage(t.playbooks + " – " + pb.Title)
		if i == 0 {
			d.mark("sec:" + SectionPlaybooks)
		}
		d.mark("pb:" + pb.ID)
		d.heading(pb.Title, 1)
		d.docStatus(handbook.EntityPlaybook, pb.ID)
		reviewed := txt(t.never, style{})
		if !pb.LastReviewedAt.IsZero() {
			reviewed = txt(t.date(pb.LastReviewedAt), style{})
		}
		if pb.Overdue(d.p.printed) {
			reviewed = append(reviewed, run{text: "\n" + t.overdue, st: style{bold: true, color: colorRed}})
		}
		d.table(table{header: []cell{txt(t.incidentType, style{}), txt(t.severity, style{}), txt(t.owner, style{}), txt(t.reviewed, style{})},
			rows: [][]cell{{txt(cmp.Or(t.types[pb.IncidentType], string(pb.IncidentType)), style{}),
				txt(cmp.Or(t.severities[pb.Severity], string(pb.Severity)), style{bold: pb.Severity.Rank() >= handbook.SeverityHigh.Rank()}),
				txt(d.owner(pb.Owner), style{}), reviewed}},
			widths: []float64{25, 25, 25, 25}}, d.left, d.contentWidth())
		if pb.Summary != "" {
			d.text(pb.Summary, style{italic: true})
			d.y += 2
		}
		d.markdown(pb.Body, d.left, d.contentWidth(), false)
	}
}

func (d *doc) recovery() {
	t := d.t
	d.startSection(SectionRecovery, t.recovery)
	d.subheading(t.restoreOrder)
	names := map[string]string{}
	for _, s := range d.p.order {
		names[s.ID] = s.Name
	}
	var rows [][]cell
	for i, s := range d.p.order {
		var deps []string
		for _, id := range s.DependsOn {
			deps = append(deps, cmp.Or(names[id], id))
		}
		rows = append(rows, []cell{txt(fmt.Sprint(i+1), style{}), txt(s.Name, style{bold: true}),
			txt(cmp.Or(t.severities[s.Criticality], string(s.Criticality)), style{}),
			txt(s.RTO.String(), style{}), txt(s.RPO.String(), style{}), txt(s.MTD.String(), style{}),
			txt(strings.Join(deps, ", "), style{})})
	}
	d.table(table{header: []cell{txt("#", style{}), txt(t.service, style{}), txt(t.criticality, style{}),
		txt(t.rto, style{}), txt(t.rpo, style{}), txt(t.mtd, style{}), txt(t.dependsOn, style{})},
		rows: rows, widths: []float64{5, 29, 12, 9, 9, 11, 25}}, d.left, d.contentWidth())

	d.subheading(t.findings)
	if len(d.p.findings) == 0 {
		d.text(t.none, style{italic: true})
	}
	for _, f := range d.p.findings {
		word, st := t.warning, style{bold: true}
		if f.Level == handbook.LevelError {
			word, st = t.error, style{bold: true, color: colorRed}
		}
		d.flow([]run{{text: word + ": ", st: st}, {text: t.finding(f)}}, d.left, d.contentWidth(), lineHeight(sizeBody))
		d.y += 0.5
	}

	for i, s := range d.p.order {
		if d.ctx.Err() != nil {
			return
		}
		d.y += 2
		d.ensure(40)
		d.mark("svc:" + s.ID)
		d.heading(fmt.Sprintf("%d. %s", i+1, s.Name), 2)
		d.docStatus(handbook.EntityService, s.ID)
		d.flow([]run{{text: t.rto + " ", st: style{bold: true}}, {text: s.RTO.String() + "   "},
			{text: t.rpo + " ", st: style{bold: true}}, {text: s.RPO.String() + "   "},
			{text: t.mtd + " ", st: style{bold: true}}, {text: s.MTD.String() + "   "},
			{text: t.criticality + " ", st: style{bold: true}}, {text: cmp.Or(t.severities[s.Criticality], string(s.Criticality))}},
			d.left, d.contentWidth(), lineHeight(sizeBody))
		d.label(t.owner, d.owner(s.Owner))
		var deps []string
		for _, id := range s.DependsOn {
			deps = append(deps, cmp.Or(names[id], id))
		}
		d.label(t.dependsOn, strings.Join(deps, ", "))
		if s.Description != "" {
			d.text(s.Description, style{italic: true})
		}
		d.y += 1
		if strings.TrimSpace(s.RecoverySteps) != "" {
			d.subheading(t.steps)
			d.markdown(s.RecoverySteps, d.left, d.contentWidth(), false)
		}
		if strings.TrimSpace(s.ManualFallback) != "" {
			d.subheading(t.fallback)
			d.markdown(s.ManualFallback, d.left, d.contentWidth(), false)
		}
		if len(s.Resources) > 0 || s.ResourcesNote != "" {
			d.subheading(t.resources)
			rows = nil
			for _, id := range s.Resources {
				c, ok := d.p.contact[id]
				if !ok {
					continue
				}
				phones := d.phoneRuns(c.Numbers(), "\n")
				if len(phones) > 0 {
					phones[0].text = strings.TrimPrefix(phones[0].text, "\n")
				}
				rows = append(rows, []cell{append(txt(c.Name, style{bold: true}),
					run{text: "\n" + strings.Join(nonEmpty(c.Function, c.Organisation), ", "), st: style{size: sizeSmall, color: colorGray}}),
					phones, txt(c.Email, style{})})
			}
			if len(rows) > 0 {
				d.table(table{rows: rows, widths: []float64{40, 30, 30}}, d.left, d.contentWidth())
			}
			if s.ResourcesNote != "" {
				d.markdown(s.ResourcesNote, d.left, d.contentWidth(), false)
			}
		}
	}
}

func (d *doc) templates() {
	t := d.t
	d.startSection(SectionTemplates, t.templates)
	if len(d.p.hb.CommTemplates) == 0 {
		d.text(t.none, style{italic: true})
	}
	for i, tpl := range d.p.hb.CommTemplates {
		if d.ctx.Err() != nil {
			return
		}
		if i > 0 {
			d.y += 4
		}
		d.ensure(40)
		d.mark("tpl:" + tpl.ID)
		d.heading(tpl.Title, 2)
		d.docStatus(handbook.EntityCommTemplate, tpl.ID)
		d.label(t.audience, cmp.Or(t.audiences[tpl.Audience], string(tpl.Audience)))
		d.label(t.channel, tpl.Channel)
		if tpl.Subject != "" {
			m := &mdSource{fillIn: true}
			d.flow(append([]run{{text: t.subject + ": ", st: style{bold: true}}}, m.textRuns(tpl.Subject, style{})...),
				d.left, d.contentWidth(), lineHeight(sizeBody))
		}
		d.y += 2
		d.markdown(tpl.Body, d.left, d.contentWidth(), true)
	}
}

// isAuthority tells the contacts a report is filed with.
func isAuthority(c handbook.Contact) bool {
	if !c.External {
		return false
	}
	s := strings.ToLower(c.Kind + " " + c.Organisation + " " + c.Function)
	for _, k := range []string{"behörde", "authority", "aufsicht", "bsi", "datenschutz", "polizei", "police", "lka", "zac"} {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

func (d *doc) reporting() {
	t := d.t
	d.startSection(SectionReporting, t.reporting)
	w := d.contentWidth()
	for _, o := range t.obligations {
		d.subheading(o.title)
		d.label(t.within, o.deadline)
		d.label(t.to, o.to)
		for _, c := range o.contents {
			d.ensure(lineHeight(sizeBody))
			d.font(style{})
			d.pdf.SetXY(d.left+2, d.y)
			d.pdf.CellFormat(4, lineHeight(sizeBody), "•", "", 0, "L", false, 0, "")
			d.flow([]run{{text: c}}, d.left+6, w-6, lineHeight(sizeBody))
		}
		d.y += 1
	}
	d.heading(t.reportWhere, 2)
	var rows [][]cell
	for _, c := range d.p.allContacts {
		if !isAuthority(c) {
			continue
		}
		phones := d.phoneRuns(c.Numbers(), "\n")
		if len(phones) > 0 {
			phones[0].text = strings.TrimPrefix(phones[0].text, "\n")
		}
		rows = append(rows, []cell{append(txt(c.Name, style{bold: true}),
			run{text: "\n" + strings.Join(nonEmpty(c.Organisation, c.Function), ", "), st: style{size: sizeSmall, color: colorGray}}),
			phones, txt(strings.Join(nonEmpty(c.Email, c.Channels, c.Notes), "\n"), style{})})
	}
	if len(rows) == 0 {
		d.text(t.reportNoAuthority, style{italic: true})
		for range 3 {
			d.y += 7
			d.rule(d.left, d.right, d.y, 0.2)
		}
		return
	}
	d.table(table{header: []cell{txt(t.name, style{}), txt(t.phone, style{}), txt(t.channels, style{})},
		rows: rows, widths: []float64{35, 25, 40}}, d.left, w)
}

func (d *doc) forms() {
	t := d.t
	for i := range 2 {
		d.newPage(t.forms + " – " + t.incidentLog)
		if i == 0 {
			d.mark("sec:" + SectionForms)
			d.mark("form:log")
		}
		d.heading(t.incidentLog, 1)
		d.formFields(t.incident, t.dateField)
		d.blankTable(t.logCols[:], []float64{13, 49, 12, 26}, 9)
	}
	d.newPage(t.forms + " – " + t.callLog)
	d.mark("form:call")
	d.heading(t.callLog, 1)
	d.formFields(t.incident, t.dateField)
	d.blankTable(append(t.callCols[:], t.callCol5), []float64{12, 22, 20, 34, 12}, 11)

	d.newPage(t.forms + " – " + t.lessons)
	d.mark("form:lessons")
	d.heading(t.lessons, 1)
	d.formFields(t.incident, t.dateField)
	for _, q := range t.lessonQuestions {
		d.subheading(q)
		for range 4 {
			d.y += 7
			d.rule(d.left, d.right, d.y, 0.2)
		}
		d.y += 2
	}
	d.subheading(t.actionsTitle)
	d.blankTable(t.actionCols[:], []float64{50, 20, 15, 15}, 8)
}

// formFields prints labelled blanks to fill in at the top of a form.
func (d *doc) formFields(labels ...string) {
	var runs []run
	for _, l := range labels {
		runs = append(runs, run{text: l + ": ", st: style{bold: true}}, run{text: "______________________  "})
	}
	runs = append(runs, run{text: d.t.sheet, st: style{color: colorGray}})
	d.flow(runs, d.left, d.contentWidth(), lineHeight(sizeBody)+2)
	d.y += 3
}

// blankTable draws a header row and empty rows of height rowH down to the
// foot of the page.
func (d *doc) blankTable(cols []string, shares []float64, rowH float64) {
	var sum float64
	for _, s := range shares {
		sum += s
	}
	widths := make([]float64, len(shares))
	for i, s := range shares {
		widths[i] = s / sum * d.contentWidth()
	}
	header := make([][]line, len(cols))
	for i, c := range cols {
		header[i] = d.layout(sized(txt(c, style{}), sizeTable, true), widths[i]-2*cellPad)
	}
	lh := lineHeight(sizeTable)
	d.row(header, widths, d.left, 0, maxLines(header), lh, true)
	d.pdf.SetDrawColor(160, 160, 160)
	for d.y+rowH <= d.bottom {
		x := d.left
		for _, w := range widths {
			d.pdf.Rect(x, d.y, w, rowH, "D")
			x += w
		}
		d.y += rowH
	}
}
