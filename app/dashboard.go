package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// dashboardLimit is how many items a dashboard card lists before it counts the rest.
const dashboardLimit = 8

// dashboardData is what the dashboard shows, read off the UI thread.
type dashboardData struct {
	hb       handbook.Handbook // live records
	version  string
	changed  time.Time
	settings handbook.Settings
	printout store.Printout
	now      time.Time
	reviews  []handbook.ReviewItem
	stale    []handbook.Contact
	actions  []handbook.Action
	findings []handbook.Finding // restore order
	bia      []handbook.Finding // business impact analysis
	// drills are the running drills, exerciseReviews the reviews an
	// exercise's findings suggest, exerciseFindings what the check finds
	// about the exercise programme.
	drills           []handbook.Incident
	exerciseReviews  []handbook.ReviewTarget
	exerciseFindings []handbook.Finding
	docs             []ops.DocState
	copies           []handbook.CopyStatus
	// ticks take the texts that follow the clock (running times,
	// report deadlines); the view moves them without reading again.
	ticks *ticks
}

// loadDashboard reads and computes what the dashboard shows.
func loadDashboard(ctx context.Context, u *ui) (dashboardData, error) {
	hb, err := u.st.Load(ctx)
	if err != nil {
		return dashboardData{}, err
	}
	d := dashboardData{hb: hb.Live(), version: hb.Version(), changed: hb.LastContentChange(), now: u.now()}
	if d.settings, err = u.st.Settings(ctx); err != nil {
		return d, err
	}
	if d.printout, err = u.st.LastPrintout(ctx); err != nil {
		return d, err
	}
	d.reviews = handbook.OverdueReviews(d.hb, d.now)
	d.stale = handbook.StaleContacts(d.hb.Contacts, d.now, handbook.DefaultStaleAfterDays)
	d.actions = handbook.OpenActions(d.hb.Actions, d.now)
	analysis := d.hb.Analyse()
	_, d.findings = handbook.RestoreOrderNeed(d.hb.Services, analysis.Need())
	d.bia = analysis.Findings(d.now)
	d.drills = handbook.RunningDrills(d.hb.Incidents)
	d.exerciseReviews = handbook.ExerciseReviews(d.hb)
	d.exerciseFindings = handbook.ExerciseFindings(d.hb, d.now)
	if d.docs, err = u.ops.DocStates(ctx, &d.hb); err != nil {
		return d, err
	}
	d.copies = handbook.CopyStatuses(&d.hb, handbook.InForce(&d.hb))
	return d, nil
}

// dashboardView reads the handbook in the background; the cards appear
// when it is read. It follows the store's notices.
func dashboardView(u *ui) view {
	tk := &ticks{}
	content := loadView(u, func(ctx context.Context) (dashboardData, error) { return loadDashboard(ctx, u) }, func(d dashboardData) fyne.CanvasObject {
		d.ticks = tk
		return dashboard(u, d)
	})
	return view{content: content, changed: func([]store.Notice) { u.redraw() }, tick: tk.run}
}

// dashboard draws the cards. Only the items a card lists become widgets:
// thousands of stale contacts must not slow the screen down.
func dashboard(u *ui, d dashboardData) fyne.CanvasObject {
	live, now := d.hb, d.now
	title := d.settings.Organisation
	if title == "" {
		title = lang.L("Emergency handbook")
	}
	head := heading(title)
	head.SizeName = theme.SizeNameHeadingText
	facts := widget.NewLabel(lang.L("{{.Playbooks}} playbooks · {{.Contacts}} contacts · {{.Services}} services · version {{.Version}}",
		map[string]any{"Playbooks": len(live.Playbooks), "Contacts": len(live.Contacts), "Services": len(live.Services), "Version": d.version}))

	review := func(i int) fyne.CanvasObject {
		r := d.reviews[i]
		if r.Entity == handbook.EntityMatrix {
			r.Title = lang.L(r.Title)
		}
		text := lang.L("{{.Title}} – never reviewed", map[string]any{"Title": r.Title})
		if !r.DueAt.IsZero() {
			text = lang.L("{{.Title}} – due {{.Date}}", map[string]any{"Title": r.Title, "Date": day(r.DueAt)})
		}
		return u.link(text, r.Entity, r.ID)
	}
	stale := func(i int) fyne.CanvasObject {
		c := d.stale[i]
		text := lang.L("{{.Name}} – never verified", map[string]any{"Name": c.Name})
		if !c.LastVerifiedAt.IsZero() {
			text = lang.L("{{.Name}} – verified {{.Date}}", map[string]any{"Name": c.Name, "Date": day(c.LastVerifiedAt)})
		}
		return u.link(text, handbook.EntityContact, c.ID)
	}
	contacts := names{}
	for _, c := range live.Contacts {
		contacts[c.ID] = c.Name
	}
	action := func(i int) fyne.CanvasObject {
		a := d.actions[i]
		due := day(a.Due)
		if due == "" {
			due = lang.L("no due date")
		}
		text := strings.Join(nonEmpty(due, a.Title, contacts.name(a.Owner)), " · ")
		if a.Overdue(now) {
			text = "⚠ " + text
		}
		return u.link(text, handbook.EntityAction, a.ID)
	}
	finding := func(i int) fyne.CanvasObject {
		f := d.findings[i]
		return u.link(findingText(f), f.Entity, f.ID)
	}
	bia := func(i int) fyne.CanvasObject {
		f := d.bia[i]
		return u.link(findingText(f), f.Entity, f.ID)
	}
	grid := columns(2,
		cardOf(lang.L("Overdue reviews"), len(d.reviews), review, lang.L("All documents are reviewed.")),
		staleCard(u, len(d.stale), stale),
		cardOf(lang.L("Open actions"), len(d.actions), action, lang.L("No open actions.")),
		cardOf(lang.L("Restore order findings"), len(d.findings), finding, lang.L("The restore order is consistent.")),
		cardOf(lang.L("Business continuity"), len(d.bia), bia, lang.L("Recovery meets what the business needs.")),
		syncCard(u),
		printCard(u, d),
		exerciseProgrammeCard(u, d.exerciseFindings),
		controlCard(u, d),
	)
	// Running incidents first, then the way into a new one, then the
	// reports they owe; upkeep comes last.
	top := []fyne.CanvasObject{head, facts}
	inc := incidentCards(u, live, now, d.ticks)
	if len(openIncidents(live.Incidents)) > 0 && len(inc) > 0 {
		top, inc = append(top, inc[0]), inc[1:]
	}
	top = append(top, emergencyCard(u, live, now))
	top = append(top, inc...)
	top = append(top, exerciseCards(u, d)...)
	upkeep := heading(lang.L("Upkeep"))
	return container.NewVScroll(container.NewPadded(container.NewVBox(append(top, upkeep, grid)...)))
}

// columns lays cards out in n columns, each stacked from the top, so a
// short card is not stretched to the height of a long one beside it.
func columns(n int, cards ...fyne.CanvasObject) fyne.CanvasObject {
	cols := make([]fyne.CanvasObject, n)
	boxes := make([]*fyne.Container, n)
	for i := range cols {
		boxes[i] = container.NewVBox()
		cols[i] = boxes[i]
	}
	for i, c := range cards {
		boxes[i%n].Add(c)
	}
	return newSideBySide(cols...)
}

// emergencyLimit is how many playbooks the dashboard offers to start.
const emergencyLimit = 4

// alarmRoleLimit is how many roles the dashboard's alarm card lists: in
// the demo handbook the Incident-Owner, the IT-Lead and the head of the
// crisis team, each with deputies.
const alarmRoleLimit = 3

// emergencyCard is the way in for an emergency, at the top of the
// dashboard: start an incident from the playbooks most likely needed
// (the most severe first), and the first numbers to call (emergency
// services, then the roles the escalation matrix names first, each
// holder with a number to copy).
func emergencyCard(u *ui, hb handbook.Handbook, now time.Time) fyne.CanvasObject {
	start := container.NewVBox()
	pbs := slices.Clone(hb.Playbooks)
	slices.SortStableFunc(pbs, func(a, b handbook.Playbook) int {
		return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), handbook.CompareNames(a.Title, b.Title))
	})
	for _, pb := range pbs[:min(len(pbs), emergencyLimit)] {
		b := newIconButton(pb.Title, theme.MediaPlayIcon(), func() { u.startIncidentDialog(pb.ID) })
		b.Alignment = widget.ButtonAlignLeading
		if pb.Severity == handbook.SeverityCritical {
			b.Importance = widget.DangerImportance
		}
		start.Add(b)
	}
	other := newIconButton(lang.L("Other incident …"), theme.ContentAddIcon(), func() { u.startIncidentDialog("") })
	other.Alignment = widget.ButtonAlignLeading
	start.Add(other)

	call := container.NewVBox()
	emergency := widget.NewLabel(lang.L("Emergency: 112 fire and ambulance · 110 police"))
	emergency.TextStyle.Bold = true
	emergency.Importance = widget.DangerImportance
	emergency.Wrapping = fyne.TextWrapWord
	call.Add(emergency)
	// One line a holder (who, then the first number to copy), so that
	// the three roles who decide at the escalation levels, up to the
	// crisis team's head, and their deputies fit beside the playbooks.
	roles := alarmRoles(hb, alarmRoleLimit)
	if len(roles) == 0 {
		// A new handbook: say where the numbers to call come from.
		none := widget.NewLabel(lang.L("No roles to call yet: the escalation matrix names who decides at each level."))
		none.Wrapping = fyne.TextWrapWord
		set := newButton(lang.L("Set up roles & escalation"), func() { u.showScreen("roles") })
		call.Add(none)
		call.Add(container.NewHBox(set))
	}
	for _, r := range roles {
		call.Add(widget.NewLabelWithStyle(r.Role.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		if len(r.Contacts) == 0 {
			call.Add(widget.NewLabel("⚠ " + lang.L("nobody assigned")))
		}
		for i, c := range r.Contacts[:min(len(r.Contacts), 3)] {
			what := lang.L("Primary")
			if i > 0 {
				what = lang.L("Deputy {{.N}}", map[string]any{"N": i})
			}
			// Whole, never cut: where a line does not fit beside the
			// playbooks, the card goes below them instead.
			name := u.link(what+": "+c.FullName(), handbook.EntityContact, c.ID)
			name.Truncation = fyne.TextTruncateOff
			first := c.Numbers()
			call.Add(container.NewBorder(nil, nil, nil, numbersRow(u, first[:min(len(first), 1)]), name))
		}
	}
	return widget.NewCard("", "", container.NewVBox(
		heading(lang.L("Emergency")),
		newSideBySide(titled(lang.L("Start incident"), start), titled(lang.L("Call first"), call)),
	))
}

// alarmRole is a role to call first with its holders, on-call first.
type alarmRole struct {
	Role     handbook.Role
	Contacts []handbook.Contact
}

// alarmRoles are the first n roles of the alarm card: those who decide
// at the escalation levels, lowest level first, then those notified.
func alarmRoles(hb handbook.Handbook, n int) []alarmRole {
	roles := map[string]handbook.Role{}
	for _, r := range hb.Roles {
		roles[r.ID] = r
	}
	contacts := map[string]handbook.Contact{}
	for _, c := range hb.Contacts {
		contacts[c.ID] = c
	}
	levels := slices.Clone(hb.Escalation)
	slices.SortStableFunc(levels, func(a, b handbook.EscalationLevel) int { return a.Level - b.Level })
	var ids []string
	add := func(id string) {
		if _, ok := roles[id]; ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, l := range levels {
		add(l.DecidedBy)
	}
	for _, l := range levels {
		for _, id := range l.Notify {
			add(id)
		}
	}
	var out []alarmRole
	for _, id := range ids[:min(len(ids), n)] {
		ar := alarmRole{Role: roles[id]}
		for _, h := range roles[id].Holders {
			if c, ok := contacts[h]; ok {
				ar.Contacts = append(ar.Contacts, c)
			}
		}
		out = append(out, ar)
	}
	return out
}

// card lists items, at most dashboardLimit of them, or says none is there;
// extra follows below the items.
func card(title string, items []fyne.CanvasObject, none string, extra ...fyne.CanvasObject) fyne.CanvasObject {
	return cardOf(title, len(items), func(i int) fyne.CanvasObject { return items[i] }, none, extra...)
}

// cardOf is card for n items made by item, which is called only for the
// items listed.
func cardOf(title string, n int, item func(i int) fyne.CanvasObject, none string, extra ...fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox()
	if n == 0 {
		box.Add(widget.NewLabel("✓ " + none))
	}
	for i := range min(n, dashboardLimit) {
		box.Add(item(i))
	}
	if n > dashboardLimit {
		box.Add(widget.NewLabel(lang.L("… and {{.N}} more", map[string]any{"N": n - dashboardLimit})))
	}
	if n > 0 {
		title = fmt.Sprintf("%s (%d)", title, n)
	}
	for _, o := range extra {
		box.Add(o)
	}
	return titled(title, box)
}

// link opens a record when tapped.
func (u *ui) link(text string, e handbook.Entity, id string) *widget.Hyperlink {
	h := widget.NewHyperlink(text, nil)
	h.Truncation = fyne.TextTruncateEllipsis
	h.OnTapped = func() { u.open(e, id) }
	return h
}

func printCard(u *ui, d dashboardData) fyne.CanvasObject {
	box := container.NewVBox()
	p := d.printout
	switch {
	case p.At.IsZero():
		warn := widget.NewLabel("⚠ " + lang.L("Printout outdated: the binder has never been printed on this computer."))
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		box.Add(warn)
	case d.changed.After(p.At):
		warn := widget.NewLabel("⚠ " + lang.L("Printout outdated: the handbook changed after the binder was printed on {{.Date}}.", map[string]any{"Date": day(p.At)}))
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		box.Add(warn)
	default:
		box.Add(widget.NewLabel("✓ " + lang.L("Printed on {{.Date}}, version {{.Version}}.", map[string]any{"Date": day(p.At), "Version": p.Version})))
	}
	box.Add(newButton(lang.L("Print binder"), u.printBinder))
	return titled(lang.L("Printed binder"), box)
}

// findingText is a finding in the user's language.
func findingText(f handbook.Finding) string {
	return i18n.FindingText(f, func(key string, data map[string]any) string { return lang.L(key, data) })
}

// titled is a card with a modest heading.
func titled(title string, content fyne.CanvasObject) fyne.CanvasObject {
	return widget.NewCard("", "", container.NewVBox(heading(title), content))
}

// controlCard lists what document control asks for: documents with
// unreleased changes, drafts older than handbook.DraftAgeDays, releases
// made twice at once, and printed copies to replace or to confirm.
func controlCard(u *ui, d dashboardData) fyne.CanvasObject {
	// Items are made only for the lines the card lists: a large handbook
	// has hundreds of drafts.
	var items []func() fyne.CanvasObject
	holders := names{}
	for _, c := range d.hb.Contacts {
		holders[c.ID] = c.Name
	}
	for _, s := range d.copies {
		var text string
		where := strings.Join(nonEmpty(holders[s.Copy.Holder], s.Copy.Place), ", ")
		switch {
		case s.NeedsReplacing():
			text = "⚠ " + lang.L("Copy {{.N}} outdated – {{.Where}}", map[string]any{"N": s.Copy.Number, "Where": where})
		case s.Pending != nil:
			text = lang.L("Copy {{.N}}: confirm the exchange – {{.Where}}", map[string]any{"N": s.Copy.Number, "Where": where})
		default:
			continue
		}
		id := s.Copy.ID
		items = append(items, func() fyne.CanvasObject { return u.link(text, handbook.EntityCopy, id) })
	}
	never := 0
	openDoc := func(st ops.DocState, a ops.Attention) func() fyne.CanvasObject {
		return func() fyne.CanvasObject {
			text := docTitle(st)
			switch {
			case a == ops.AttentionConcurrent:
				text = "⚠ " + lang.L("{{.Title}} – released twice at the same time; release it again", map[string]any{"Title": text})
			case a == ops.AttentionWithdrawal:
				text = "⚠ " + lang.L("{{.Title}} – deleted, withdrawal not released", map[string]any{"Title": text})
			case a == ops.AttentionOldDraft:
				text = "⚠ " + lang.L("{{.Title}} – draft since {{.Date}}", map[string]any{"Title": text, "Date": day(st.DraftSince)})
			default:
				text = lang.L("{{.Title}} – changed since {{.Date}}, not released", map[string]any{"Title": text, "Date": day(st.DraftSince)})
			}
			h := widget.NewHyperlink(text, nil)
			h.Truncation = fyne.TextTruncateEllipsis
			h.OnTapped = func() {
				if st.Doc.Kind == handbook.EntityMatrix {
					u.showScreen("roles")
					return
				}
				u.open(st.Doc.Kind, st.Doc.ID)
			}
			return h
		}
	}
	for _, st := range d.docs {
		switch a := ops.AttentionOf(st, d.now); {
		case a == ops.AttentionNeverReleased && st.Old(d.now):
			never++
		case a != ops.AttentionNone:
			items = append(items, openDoc(st, a))
		}
	}
	var extra []fyne.CanvasObject
	if never > 0 {
		l := widget.NewLabel("⚠ " + lang.L("{{.N}} documents were never released and are older than {{.Days}} days.",
			map[string]any{"N": never, "Days": handbook.DraftAgeDays}))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		extra = append(extra, l)
	}
	extra = append(extra, newButton(lang.L("Document control"), func() { u.showScreen("control") }))
	none := lang.L("Every document is released, every printed copy current.")
	if never > 0 {
		none = lang.L("Every released document is unchanged since.")
	}
	return cardOf(lang.L("Document control"), len(items), func(i int) fyne.CanvasObject { return items[i]() }, none, extra...)
}
