package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
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
}

// loadDashboard reads and computes what the dashboard shows.
func loadDashboard(ctx context.Context, u *ui) (dashboardData, error) {
	hb, err := u.st.Load(ctx)
	if err != nil {
		return dashboardData{}, err
	}
	d := dashboardData{hb: hb.Live(), version: hb.Version(), changed: hb.LastChange(), now: u.now()}
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
	return d, nil
}

// dashboardView reads the handbook in the background; the cards appear
// when it is read. It follows the store's notices.
func dashboardView(u *ui) view {
	content := loadView(u, func(ctx context.Context) (dashboardData, error) { return loadDashboard(ctx, u) }, func(d dashboardData) fyne.CanvasObject {
		return dashboard(u, d)
	})
	return view{content: content, changed: func([]store.Notice) { u.redraw() }}
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
	grid := container.NewGridWithColumns(2,
		cardOf(lang.L("Overdue reviews"), len(d.reviews), review, lang.L("All documents are reviewed.")),
		staleCard(u, len(d.stale), stale),
		cardOf(lang.L("Open actions"), len(d.actions), action, lang.L("No open actions.")),
		cardOf(lang.L("Restore order findings"), len(d.findings), finding, lang.L("The restore order is consistent.")),
		cardOf(lang.L("Business continuity"), len(d.bia), bia, lang.L("Recovery meets what the business needs.")),
		syncCard(u),
		printCard(u, d),
	)
	return container.NewVScroll(container.NewPadded(container.NewVBox(append(append([]fyne.CanvasObject{head, facts}, incidentCards(u, live, now)...), grid)...)))
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
	box.Add(widget.NewButton(lang.L("Print binder"), u.printBinder))
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
