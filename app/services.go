package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
)

func servicesView(u *ui) view {
	services, serviceOpts := labels(u, handbook.EntityService)
	contacts, contactOpts := labels(u, handbook.EntityContact)
	var s *section[handbook.Service, *handbook.Service]
	s = &section[handbook.Service, *handbook.Service]{
		u:     u,
		noun:  "service",
		blank: func() handbook.Service { return handbook.Service{Criticality: handbook.SeverityHigh} },
		sub: func(sv handbook.Service) string {
			return fmt.Sprintf("RTO %s · RPO %s · %s", sv.RTO, sv.RPO, severityLabel(sv.Criticality))
		},
		detail: func(sv handbook.Service) fyne.CanvasObject {
			rows := [][2]string{
				{lang.X("label.description", "Description"), sv.Description},
				{lang.L("Criticality"), severityLabel(sv.Criticality)},
				{"RTO", sv.RTO.String()},
				{"RPO", sv.RPO.String()},
				{lang.L("Maximum tolerable downtime"), sv.MTD.String()},
				{lang.L("Depends on"), services.list(sv.DependsOn)},
				{lang.L("Resources"), contacts.list(sv.Resources)},
				{lang.L("Other resources"), sv.ResourcesNote},
			}
			rows = append(rows, reviewRows(sv.Review, u.now(), contacts)...)
			box := container.NewVBox(props(rows...))
			if sv.RecoverySteps != "" {
				box.Add(heading(lang.L("Recovery steps")))
				box.Add(renderMarkdown(sv.RecoverySteps))
			}
			if sv.ManualFallback != "" {
				box.Add(heading(lang.L("Manual fallback")))
				box.Add(renderMarkdown(sv.ManualFallback))
			}
			return box
		},
		edit: func(f *form, sv *handbook.Service) {
			f.text("name", lang.L("Name"), &sv.Name)
			f.multiline("description", lang.X("label.description", "Description"), &sv.Description)
			f.choice("criticality", lang.L("Criticality"), (*string)(&sv.Criticality), severityOptions())
			f.minutes("rto_minutes", lang.L("RTO (minutes)"), &sv.RTO)
			f.minutes("rpo_minutes", lang.L("RPO (minutes)"), &sv.RPO)
			f.minutes("mtd_minutes", lang.L("Maximum tolerable downtime (minutes)"), &sv.MTD)
			f.refs("depends_on", lang.L("Depends on"), &sv.DependsOn, serviceOpts)
			f.refs("resources", lang.L("Resources (contacts)"), &sv.Resources, contactOpts)
			f.multiline("resources_note", lang.L("Other resources"), &sv.ResourcesNote)
			reviewFields(f, &sv.Review, contactOpts)
			f.markdown("recovery_steps", lang.L("Recovery steps (Markdown)"), &sv.RecoverySteps)
			f.markdown("manual_fallback", lang.L("Manual fallback (Markdown)"), &sv.ManualFallback)
		},
		review: func(sv *handbook.Service) *handbook.Review { return &sv.Review },
	}
	s.overview = func() fyne.CanvasObject { return restoreOverview(u, s.items) }
	return s.view()
}

// restoreOverview shows the computed restore order and its findings.
func restoreOverview(u *ui, services []handbook.Service) fyne.CanvasObject {
	order, findings := handbook.RestoreOrder(services)
	intro := widget.NewLabel(lang.L("Computed from the dependencies and the RTOs: restore from top to bottom."))
	intro.Wrapping = fyne.TextWrapWord
	// Built in one go: adding row by row lays the box out again each time,
	// which takes seconds with a few hundred services.
	rows := make([]fyne.CanvasObject, 0, len(order)+len(findings)+4)
	rows = append(rows, heading(lang.L("Restore order")), intro)
	// The numbers take the width of the widest one, so the names line up.
	numWidth := widget.NewLabel(fmt.Sprintf("%d.", len(order))).MinSize()
	for i, sv := range order {
		num := widget.NewLabelWithStyle(fmt.Sprintf("%d.", i+1), fyne.TextAlignTrailing, fyne.TextStyle{})
		rows = append(rows, container.NewBorder(nil, nil,
			container.NewGridWrap(numWidth, num),
			widget.NewLabel(fmt.Sprintf("RTO %s · RPO %s", sv.RTO, sv.RPO)),
			u.link(sv.Name, handbook.EntityService, sv.ID)))
	}
	rows = append(rows, heading(lang.L("Findings")))
	if len(findings) == 0 {
		rows = append(rows, widget.NewLabel("✓ "+lang.L("The restore order is consistent.")))
	}
	for _, f := range findings {
		rows = append(rows, u.link(findingText(f), f.Entity, f.ID))
	}
	return container.NewVScroll(container.NewPadded(container.NewVBox(rows...)))
}
