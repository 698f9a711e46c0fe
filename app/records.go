package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

func risksView(u *ui) view {
	contacts, contactOpts := labels(u, handbook.EntityContact)
	services, serviceOpts := labels(u, handbook.EntityService)
	playbooks, playbookOpts := labels(u, handbook.EntityPlaybook)
	s := &section[handbook.RiskScenario, *handbook.RiskScenario]{
		u:     u,
		noun:  "risk",
		blank: func() handbook.RiskScenario { return handbook.RiskScenario{Likelihood: 3, Impact: 3} },
		sub: func(r handbook.RiskScenario) string {
			return lang.L("Score {{.Score}} (likelihood {{.L}} × impact {{.I}})", map[string]any{"Score": r.Score(), "L": r.Likelihood, "I": r.Impact})
		},
		detail: func(r handbook.RiskScenario) fyne.CanvasObject {
			rows := [][2]string{
				{lang.L("Threat"), r.Threat},
				{lang.L("Affected services"), services.list(r.AffectedServices)},
				{lang.L("Likelihood (1–5)"), fmt.Sprint(r.Likelihood)},
				{lang.L("Impact (1–5)"), fmt.Sprint(r.Impact)},
				{lang.L("Score"), fmt.Sprint(r.Score())},
				{lang.L("Playbook"), playbooks.list(nonEmpty(r.PlaybookID))},
			}
			rows = append(rows, reviewRows(r.Review, u.now(), contacts)...)
			box := container.NewVBox(props(rows...))
			if r.Mitigation != "" {
				box.Add(heading(lang.L("Mitigation")))
				box.Add(renderMarkdown(r.Mitigation))
			}
			return box
		},
		edit: func(f *form, r *handbook.RiskScenario) {
			f.text("title", lang.L("Title"), &r.Title)
			f.multiline("threat", lang.L("Threat"), &r.Threat)
			f.refs("affected_services", lang.L("Affected services"), &r.AffectedServices, serviceOpts)
			f.number("likelihood", lang.L("Likelihood (1–5)"), &r.Likelihood)
			f.number("impact", lang.L("Impact (1–5)"), &r.Impact)
			f.multiline("mitigation", lang.L("Mitigation"), &r.Mitigation)
			f.choice("playbook_id", lang.L("Playbook"), &r.PlaybookID, playbookOpts)
			reviewFields(f, &r.Review, contactOpts)
		},
	}
	return s.view()
}

func actionsView(u *ui) view {
	contacts, contactOpts := labels(u, handbook.EntityContact)
	var states []option
	for _, st := range handbook.ActionStatuses {
		states = append(states, option{string(st), actionStatusLabel(st)})
	}
	s := &section[handbook.Action, *handbook.Action]{
		u:     u,
		noun:  "action",
		blank: func() handbook.Action { return handbook.Action{Status: handbook.ActionOpen} },
		sub: func(a handbook.Action) string {
			due := day(a.Due)
			if a.Overdue(u.now()) {
				due = "⚠ " + due
			}
			return strings.Join(nonEmpty(actionStatusLabel(a.Status), due, contacts.name(a.Owner)), " · ")
		},
		detail: func(a handbook.Action) fyne.CanvasObject {
			return props(
				[2]string{lang.L("Status"), actionStatusLabel(a.Status)},
				[2]string{lang.L("Owner"), contacts.name(a.Owner)},
				[2]string{lang.L("Due"), day(a.Due)},
				[2]string{lang.L("Finding"), a.Finding},
			)
		},
		edit: func(f *form, a *handbook.Action) {
			f.text("title", lang.L("Title"), &a.Title)
			f.multiline("finding", lang.L("Finding"), &a.Finding)
			f.choice("owner", lang.L("Owner"), &a.Owner, contactOpts)
			f.date("due", lang.L("Due"), &a.Due)
			f.choice("status", lang.L("Status"), (*string)(&a.Status), states)
		},
	}
	return s.view()
}

func templatesView(u *ui) view {
	contacts, contactOpts := labels(u, handbook.EntityContact)
	roleNames, roleOpts := labels(u, handbook.EntityRole)
	var audiences []option
	for _, a := range handbook.Audiences {
		audiences = append(audiences, option{string(a), audienceLabel(a)})
	}
	s := &section[handbook.CommTemplate, *handbook.CommTemplate]{
		u:     u,
		noun:  "template",
		blank: func() handbook.CommTemplate { return handbook.CommTemplate{Audience: handbook.AudienceInternal} },
		sub: func(t handbook.CommTemplate) string {
			return strings.Join(nonEmpty(audienceLabel(t.Audience), t.Channel), " · ")
		},
		detail: func(t handbook.CommTemplate) fyne.CanvasObject {
			rows := [][2]string{
				{lang.L("Audience"), audienceLabel(t.Audience)},
				{lang.L("Channel"), t.Channel},
				{lang.L("Subject"), t.Subject},
				{lang.L("Contact role ({{.Example}})", map[string]any{"Example": "{{contact.*}}"}), roleNames.name(t.ContactRole)},
			}
			rows = append(rows, reviewRows(t.Review, u.now(), contacts)...)
			box := container.NewVBox(props(rows...))
			if unknown := unknownPlaceholders(u, t); len(unknown) > 0 {
				warn := widget.NewLabel("⚠ " + unknownText(unknown))
				warn.Importance = widget.WarningImportance
				warn.Wrapping = fyne.TextWrapWord
				box.Add(warn)
			}
			box.Add(container.NewHBox(newIconButton(lang.L("Placeholders …"), theme.HelpIcon(), func() { showPlaceholders(u) })))
			box.Add(heading(lang.L("Message")))
			box.Add(renderMarkdown(t.Body))
			return box
		},
		edit: func(f *form, t *handbook.CommTemplate) {
			f.text("title", lang.L("Title"), &t.Title)
			f.choice("audience", lang.L("Audience"), (*string)(&t.Audience), audiences)
			f.text("channel", lang.L("Channel"), &t.Channel)
			f.text("subject", lang.L("Subject"), &t.Subject)
			reviewFields(f, &t.Review, contactOpts)
			f.choice("contact_role", lang.L("Contact role ({{.Example}})", map[string]any{"Example": "{{contact.*}}"}), &t.ContactRole, roleOpts)
			f.box.Add(container.NewHBox(newIconButton(lang.L("Placeholders …"), theme.HelpIcon(), func() { showPlaceholders(u) })))
			f.markdown("body", lang.L("Message (Markdown, placeholders such as {{.Example}})", map[string]any{"Example": "{{role:Datenschutz.phone}}"}), &t.Body)
		},
		// Saving lists the placeholders no message can fill, while the
		// author still knows what was meant.
		saved: func(t handbook.CommTemplate) {
			if unknown := unknownPlaceholders(u, t); len(unknown) > 0 {
				dialog.ShowInformation(lang.L("Unknown placeholders"), unknownText(unknown)+"\n\n"+
					lang.L("They stay as written in every message. “Placeholders …” lists those Ernstfall fills."), u.win)
			}
		},
	}
	return s.view()
}

// unknownPlaceholders are the placeholders of t no message can fill.
func unknownPlaceholders(u *ui, t handbook.CommTemplate) []string {
	roles, err := store.List[handbook.Role](u.ctx, u.st)
	if err != nil {
		u.loadFailed(err)
		return nil
	}
	return handbook.UnknownPlaceholders(handbook.Handbook{Roles: roles}, t.Subject, t.Body)
}

// unknownText names unknown placeholders in a sentence.
func unknownText(names []string) string {
	return lang.L("No message can fill these placeholders: {{.List}}", map[string]any{"List": "{{" + strings.Join(names, "}}, {{") + "}}"})
}

// showPlaceholders shows the table of placeholders with what each stands
// for, and the roles of this handbook as examples.
func showPlaceholders(u *ui) {
	grid := container.New(layout.NewFormLayout())
	for _, p := range handbook.Placeholders {
		name := widget.NewLabelWithStyle("{{"+strings.ReplaceAll(p.Name, "ROLE", lang.L("ROLE"))+"}}", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		name.Selectable = true
		meaning := widget.NewLabel(strings.ReplaceAll(lang.L(p.Meaning), "ROLE", lang.L("ROLE")))
		meaning.Wrapping = fyne.TextWrapWord
		grid.Add(name)
		grid.Add(meaning)
	}
	roles, err := store.List[handbook.Role](u.ctx, u.st)
	if err != nil {
		u.loadFailed(err)
	}
	var names []string
	for _, r := range roles {
		names = append(names, r.Name)
	}
	intro := widget.NewLabel(lang.L("A role is named as in this handbook: {{.Roles}}. Its person is the one on duty when the message is written: the on-call roster, else the holders in their order.",
		map[string]any{"Roles": strings.Join(names, ", ")}))
	intro.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.L("Placeholders"), lang.L("Close"), container.NewBorder(intro, nil, nil, nil, container.NewVScroll(grid)), u.win)
	d.Resize(fyne.NewSize(860, 600))
	d.Show()
}
