package app

import (
	"fmt"
	"slices"
	"strings"

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
	s.overview = func() fyne.CanvasObject { return restoreOverview(u) }
	return s.view()
}

// restoreOverview shows the computed restore order, weighted by what the
// business processes need, and its findings.
func restoreOverview(u *ui) fyne.CanvasObject {
	a, live := u.analysis()
	order, findings := handbook.RestoreOrderNeed(live.Services, a.Need())
	neededBy := a.NeededByProcesses()
	intro := widget.NewLabel(lang.L("Computed from the dependencies, what the business processes need and the RTOs: restore from top to bottom."))
	intro.Wrapping = fyne.TextWrapWord
	// Virtualised lists: a few hundred services open as fast as a dozen.
	// The numbers take the width of the widest one, so the names line up.
	numWidth := widget.NewLabel(fmt.Sprintf("%d.", len(order))).MinSize()
	orderList := widget.NewList(
		func() int { return len(order) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil,
				container.NewGridWrap(numWidth, widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})),
				widget.NewLabel(""), u.link("", handbook.EntityService, ""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			sv := order[i]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Hyperlink).SetText(sv.Name)
			row.Objects[0].(*widget.Hyperlink).OnTapped = func() { u.open(handbook.EntityService, sv.ID) }
			row.Objects[1].(*fyne.Container).Objects[0].(*widget.Label).SetText(fmt.Sprintf("%d.", i+1))
			text := fmt.Sprintf("RTO %s · RPO %s", sv.RTO, sv.RPO)
			if ids := neededBy[sv.ID]; len(ids) > 0 {
				v, _ := a.View(ids[0])
				text = lang.L("{{.Times}} · for {{.Process}} ({{.Criticality}})", map[string]any{"Times": text,
					"Process": v.Process.Name, "Criticality": severityLabel(v.Criticality)})
			}
			row.Objects[2].(*widget.Label).SetText(text)
		})
	orderList.HideSeparators = true
	var findingsPart fyne.CanvasObject = widget.NewLabel("✓ " + lang.L("The restore order is consistent."))
	if len(findings) > 0 {
		fl := widget.NewList(
			func() int { return len(findings) },
			func() fyne.CanvasObject { return u.link("", "", "") },
			func(i widget.ListItemID, o fyne.CanvasObject) {
				f := findings[i]
				h := o.(*widget.Hyperlink)
				h.SetText(findingText(f))
				h.OnTapped = func() { u.open(f.Entity, f.ID) }
			})
		fl.HideSeparators = true
		findingsPart = fl
	}
	split := container.NewVSplit(
		container.NewBorder(container.NewVBox(heading(lang.L("Restore order")), intro), nil, nil, nil, orderList),
		container.NewBorder(heading(lang.L("Findings")), nil, nil, nil, findingsPart))
	split.Offset = 0.65
	return container.NewPadded(split)
}
