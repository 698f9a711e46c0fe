package app

import (
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

func dashboardView(u *ui) view {
	hb, err := u.st.Load(u.ctx)
	if err != nil {
		u.loadFailed(err)
		return view{content: widget.NewLabel(lang.L("The handbook could not be read."))}
	}
	now := u.now()
	live := hb.Live()
	settings, err := u.st.Settings(u.ctx)
	if err != nil {
		u.loadFailed(err)
	}

	title := settings.Organisation
	if title == "" {
		title = lang.L("Emergency handbook")
	}
	head := heading(title)
	head.SizeName = theme.SizeNameHeadingText
	facts := widget.NewLabel(lang.L("{{.Playbooks}} playbooks · {{.Contacts}} contacts · {{.Services}} services · version {{.Version}}",
		map[string]any{"Playbooks": len(live.Playbooks), "Contacts": len(live.Contacts), "Services": len(live.Services), "Version": hb.Version()}))

	var reviews []fyne.CanvasObject
	for _, r := range handbook.OverdueReviews(live, now) {
		if r.Entity == handbook.EntityMatrix {
			r.Title = lang.L(r.Title)
		}
		text := lang.L("{{.Title}} – never reviewed", map[string]any{"Title": r.Title})
		if !r.DueAt.IsZero() {
			text = lang.L("{{.Title}} – due {{.Date}}", map[string]any{"Title": r.Title, "Date": day(r.DueAt)})
		}
		reviews = append(reviews, u.link(text, r.Entity, r.ID))
	}
	var stale []fyne.CanvasObject
	for _, c := range handbook.StaleContacts(live.Contacts, now, handbook.DefaultStaleAfterDays) {
		text := lang.L("{{.Name}} – never verified", map[string]any{"Name": c.Name})
		if !c.LastVerifiedAt.IsZero() {
			text = lang.L("{{.Name}} – verified {{.Date}}", map[string]any{"Name": c.Name, "Date": day(c.LastVerifiedAt)})
		}
		stale = append(stale, u.link(text, handbook.EntityContact, c.ID))
	}
	contacts := names{}
	for _, c := range live.Contacts {
		contacts[c.ID] = c.Name
	}
	var actions []fyne.CanvasObject
	for _, a := range handbook.OpenActions(live.Actions, now) {
		due := day(a.Due)
		if due == "" {
			due = lang.L("no due date")
		}
		text := strings.Join(nonEmpty(due, a.Title, contacts.name(a.Owner)), " · ")
		if a.Overdue(now) {
			text = "⚠ " + text
		}
		actions = append(actions, u.link(text, handbook.EntityAction, a.ID))
	}
	_, restore := handbook.RestoreOrder(live.Services)
	var findings []fyne.CanvasObject
	for _, f := range restore {
		findings = append(findings, u.link(findingText(f), f.Entity, f.ID))
	}

	grid := container.NewGridWithColumns(2,
		card(lang.L("Overdue reviews"), reviews, lang.L("All documents are reviewed.")),
		staleCard(u, stale),
		card(lang.L("Open actions"), actions, lang.L("No open actions.")),
		card(lang.L("Restore order findings"), findings, lang.L("The restore order is consistent.")),
		syncCard(u),
		printCard(u, hb, now),
	)
	content := container.NewVScroll(container.NewPadded(container.NewVBox(append(append([]fyne.CanvasObject{head, facts}, incidentCards(u, hb.Live(), now)...), grid)...)))
	return view{content: content, changed: func([]store.Notice) { u.redraw() }}
}

// card lists items, at most dashboardLimit of them, or says none is there;
// extra follows below the items.
func card(title string, items []fyne.CanvasObject, none string, extra ...fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewVBox()
	if len(items) == 0 {
		box.Add(widget.NewLabel("✓ " + none))
	}
	for i, it := range items {
		if i == dashboardLimit {
			box.Add(widget.NewLabel(lang.L("… and {{.N}} more", map[string]any{"N": len(items) - dashboardLimit})))
			break
		}
		box.Add(it)
	}
	if len(items) > 0 {
		title = fmt.Sprintf("%s (%d)", title, len(items))
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

func printCard(u *ui, hb handbook.Handbook, now time.Time) fyne.CanvasObject {
	box := container.NewVBox()
	p, err := u.st.LastPrintout(u.ctx)
	switch {
	case err != nil || p.At.IsZero():
		warn := widget.NewLabel("⚠ " + lang.L("Printout outdated: the binder has never been printed on this computer."))
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		box.Add(warn)
	case hb.LastChange().After(p.At):
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
