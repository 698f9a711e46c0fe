package app

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
)

func servicesView(u *ui) view {
	services, serviceOpts := labels(u, handbook.EntityService)
	contacts, contactOpts := labels(u, handbook.EntityContact)
	var s *section[handbook.Service, *handbook.Service]
	s = &section[handbook.Service, *handbook.Service]{
		u:       u,
		noun:    "service",
		follows: []handbook.Entity{handbook.EntityProcess, handbook.EntitySupplier, handbook.EntitySettings},
		blank:   func() handbook.Service { return handbook.Service{Criticality: handbook.SeverityHigh} },
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
			a, live := u.analysis()
			if ids := a.NeededByProcesses()[sv.ID]; len(ids) > 0 {
				box.Add(heading(lang.L("Needed by business processes")))
				box.Add(processLinks(u, a, ids))
			}
			var sups []string
			for _, sp := range live.Suppliers {
				if slices.Contains(sp.Services, sv.ID) {
					sups = append(sups, sp.Name)
				}
			}
			if len(sups) > 0 {
				box.Add(props([2]string{lang.L("Suppliers"), strings.Join(sups, ", ")}))
			}
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
	}
	// The restore order opens a service in place, and the service's back
	// button or Esc returns to the order where it was left.
	last := ""
	s.backTo = "Restore order"
	s.overview = func() fyne.CanvasObject {
		return restoreOverview(u, services, last, func(id string) {
			last = id
			s.u.guard(func() { s.selectID(id) })
		})
	}
	return s.view()
}

// restoreOverview shows the computed restore order, weighted by what the
// business processes need, and its findings. Each row names the service's
// criticality, times and what it depends on; open shows a service, and
// the order starts scrolled to the service last opened from it.
func restoreOverview(u *ui, services names, last string, open func(id string)) fyne.CanvasObject {
	a, live := u.analysis()
	order, findings := handbook.RestoreOrderNeed(live.Services, a.Need())
	neededBy := a.NeededByProcesses()
	intro := widget.NewLabel(lang.L("Computed from the dependencies, what the business processes need and the RTOs: restore from top to bottom. Arrow keys and Enter open a service; Esc returns here."))
	intro.Wrapping = fyne.TextWrapWord
	// Virtualised lists: a few hundred services open as fast as a dozen.
	// The numbers take the width of the widest one, so the names line up.
	numWidth := widget.NewLabel(fmt.Sprintf("%d.", len(order))).MinSize()
	orderList := newKeyList(
		func() int { return len(order) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			crit := widget.NewLabel("")
			times := widget.NewLabel("")
			times.Truncation = fyne.TextTruncateEllipsis
			times.SizeName = theme.SizeNameCaptionText
			deps := widget.NewLabel("")
			deps.Truncation = fyne.TextTruncateEllipsis
			deps.SizeName = theme.SizeNameCaptionText
			return container.NewBorder(nil, nil,
				container.NewGridWrap(numWidth, widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})), nil,
				container.NewVBox(container.NewBorder(nil, nil, nil, crit, name), times, deps))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			sv := order[i]
			row := o.(*fyne.Container)
			lines := row.Objects[0].(*fyne.Container)
			head := lines.Objects[0].(*fyne.Container)
			head.Objects[0].(*widget.Label).SetText(sv.Name)
			crit := head.Objects[1].(*widget.Label)
			crit.SetText(lang.L("Criticality") + ": " + severityLabel(sv.Criticality))
			crit.Importance = severityImportance(sv.Criticality)
			crit.Refresh()
			row.Objects[1].(*fyne.Container).Objects[0].(*widget.Label).SetText(fmt.Sprintf("%d.", i+1))
			text := fmt.Sprintf("RTO %s · RPO %s", sv.RTO, sv.RPO)
			if ids := neededBy[sv.ID]; len(ids) > 0 {
				v, _ := a.View(ids[0])
				text = lang.L("{{.Times}} · for {{.Process}} ({{.Criticality}})", map[string]any{"Times": text,
					"Process": v.Process.Name, "Criticality": severityLabel(v.Criticality)})
			}
			lines.Objects[1].(*widget.Label).SetText(text)
			deps := lang.L("Depends on nothing else")
			if len(sv.DependsOn) > 0 {
				deps = lang.L("Depends on") + ": " + services.list(sv.DependsOn)
			}
			lines.Objects[2].(*widget.Label).SetText(deps)
		}, func(i widget.ListItemID) { open(order[i].ID) })
	orderList.onEscape = u.escape
	if i := slices.IndexFunc(order, func(sv handbook.Service) bool { return sv.ID == last }); i >= 0 {
		orderList.showRow(i)
	}
	var findingsPart fyne.CanvasObject = widget.NewLabel("✓ " + lang.L("The restore order is consistent."))
	if len(findings) > 0 {
		fl := newLinkList(len(findings), func(i int) string { return findingText(findings[i]) },
			func(i int) { u.open(findings[i].Entity, findings[i].ID) })
		fl.onEscape = u.escape
		findingsPart = fl
	}
	split := container.NewVSplit(
		container.NewBorder(container.NewVBox(heading(lang.L("Restore order")), intro), nil, nil, nil, orderList),
		container.NewBorder(heading(lang.L("Findings")), nil, nil, nil, findingsPart))
	split.Offset = 0.7
	return container.NewPadded(split)
}

// severityImportance colours a criticality: critical red, high orange.
func severityImportance(s handbook.Severity) widget.Importance {
	switch s {
	case handbook.SeverityCritical:
		return widget.DangerImportance
	case handbook.SeverityHigh:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}
