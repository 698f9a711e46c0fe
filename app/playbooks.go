package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

func playbooksView(u *ui) view {
	contacts, contactOpts := labels(u, handbook.EntityContact)
	s := &section[handbook.Playbook, *handbook.Playbook]{
		u:    u,
		noun: "playbook",
		blank: func() handbook.Playbook {
			return handbook.Playbook{Severity: handbook.SeverityHigh,
				Body: lang.L("## Immediate actions\n\n- [ ] First step @IT-Lead (15 min)\n")}
		},
		sub: func(p handbook.Playbook) string {
			return strings.Join(nonEmpty(incidentTypeLabel(p.IncidentType), severityLabel(p.Severity)), " · ")
		},
		detail: func(p handbook.Playbook) fyne.CanvasObject { return playbookDetail(u, p, contacts) },
		edit: func(f *form, p *handbook.Playbook) {
			f.text("title", lang.L("Title"), &p.Title)
			var types []option
			for _, t := range handbook.IncidentTypes {
				types = append(types, option{string(t), incidentTypeLabel(t)})
			}
			f.choice("incident_type", lang.L("Incident type"), (*string)(&p.IncidentType), types)
			f.choice("severity", lang.L("Severity"), (*string)(&p.Severity), severityOptions())
			f.multiline("summary", lang.L("Summary"), &p.Summary)
			reviewFields(f, &p.Review, contactOpts)
			f.markdown("body", lang.L("Procedure (Markdown: ## phases, - [ ] steps with @role and (15 min))"), &p.Body)
		},
	}
	return s.view()
}

func playbookDetail(u *ui, p handbook.Playbook, contacts names) fyne.CanvasObject {
	steps := p.Steps()
	rows := [][2]string{
		{lang.L("Incident type"), incidentTypeLabel(p.IncidentType)},
		{lang.L("Severity"), severityLabel(p.Severity)},
		{lang.L("Steps"), fmt.Sprint(len(steps))},
	}
	rows = append(rows, reviewRows(p.Review, u.now(), contacts)...)
	start := newIconButton(lang.L("Start incident"), theme.MediaPlayIcon(), func() { u.startIncidentDialog(p.ID) })
	start.Importance = widget.HighImportance
	box := container.NewVBox(container.NewHBox(start), props(rows...))
	if p.Summary != "" {
		sum := widget.NewLabel(p.Summary)
		sum.Wrapping = fyne.TextWrapWord
		sum.TextStyle.Italic = true
		box.Add(sum)
	}
	box.Add(widget.NewSeparator())
	box.Add(renderSteps(p.Body, onDutyName(onDutyHandbook(u), u.now()), func(step string) { u.tickInPlaybook(p, step) }))
	return box
}

// tickInPlaybook answers a tick in a playbook: steps are ticked in an
// incident, with time and name in its log. It offers the incidents
// running on this playbook, and to start one.
func (u *ui) tickInPlaybook(p handbook.Playbook, step string) {
	incs, err := store.List[handbook.Incident](u.ctx, u.st)
	if err != nil {
		u.loadFailed(err)
		return
	}
	msg := widget.NewLabel(lang.L("“{{.Step}}”\n\nA playbook is the template: steps are ticked in a running incident, with the time and your name in its log.", map[string]any{"Step": step}))
	msg.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	box := container.NewVBox(msg)
	for _, inc := range incs {
		if !inc.Open() || inc.PlaybookID != p.ID {
			continue
		}
		open := newIconButton(lang.L("Tick it in “{{.Incident}}”", map[string]any{"Incident": inc.Title}), theme.ConfirmIcon(), func() {
			d.Hide()
			u.openIncident(inc.ID)
		})
		open.Importance = widget.HighImportance
		box.Add(open)
	}
	start := newIconButton(lang.L("Start an incident with this playbook …"), theme.MediaPlayIcon(), func() {
		d.Hide()
		u.startIncidentDialog(p.ID)
	})
	if len(box.Objects) == 1 {
		start.Importance = widget.HighImportance
	}
	box.Add(start)
	d = dialog.NewCustom(lang.L("Tick this step in an incident?"), lang.L("Cancel"), box, u.win)
	d.Resize(fyne.NewSize(520, 260))
	d.Show()
}

// onDutyHandbook holds the roles and contacts that tell who is on duty.
func onDutyHandbook(u *ui) handbook.Handbook {
	roles, err := store.List[handbook.Role](u.ctx, u.st)
	if err != nil {
		u.loadFailed(err)
	}
	contacts, err := store.List[handbook.Contact](u.ctx, u.st)
	if err != nil {
		u.loadFailed(err)
	}
	return handbook.Handbook{Roles: roles, Contacts: contacts}
}

// nonEmpty drops empty strings.
func nonEmpty(s ...string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
