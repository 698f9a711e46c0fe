package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
)

func sitesView(u *ui) view {
	contacts, contactOpts := labels(u, handbook.EntityContact)
	services, serviceOpts := labels(u, handbook.EntityService)
	sites, siteOpts := labels(u, handbook.EntitySite)
	a, live := notAnalysed()
	s := &section[handbook.Site, *handbook.Site]{
		u:       u,
		noun:    "site",
		follows: []handbook.Entity{handbook.EntityProcess, handbook.EntityService, handbook.EntityContact, handbook.EntitySettings},
		blank:   func() handbook.Site { return handbook.Site{} },
		load: analysed(u, func(hb *handbook.Handbook) []handbook.Site { return hb.Sites },
			func(an *handbook.Analysis, hb handbook.Handbook) { a, live = an, hb }),
		sub: func(st handbook.Site) string {
			parts := []string{firstLine(st.Address)}
			if st.Alternate != "" {
				parts = append(parts, lang.L("alternate: {{.Name}}", map[string]any{"Name": sites.name(st.Alternate)}))
			}
			if st.KitDue(u.now()) {
				parts = append(parts, "⚠ "+lang.L("emergency kit due for a check"))
			}
			return strings.Join(nonEmpty(parts...), " · ")
		},
		detail: func(st handbook.Site) fyne.CanvasObject {
			box := container.NewVBox(props(
				[2]string{lang.L("Address"), st.Address},
				[2]string{lang.L("Access"), st.Access},
			))
			if len(st.Contacts) > 0 {
				box.Add(heading(lang.L("Who opens the doors")))
				box.Add(contactLines(u, live, st.Contacts))
			}
			box.Add(heading(lang.L("Here")))
			box.Add(props([2]string{lang.L("Services"), services.list(st.Services)}))
			box.Add(widget.NewLabelWithStyle(lang.L("Business processes"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			box.Add(processLinks(u, a, a.ProcessesAt()[st.ID]))

			box.Add(heading(lang.L("Alternate site")))
			if st.Alternate == "" {
				box.Add(widget.NewLabel(lang.L("No alternate site.")))
			} else {
				box.Add(container.NewHBox(u.fullLink(sites.name(st.Alternate), handbook.EntitySite, st.Alternate)))
				box.Add(props(
					[2]string{lang.L("Capacity"), st.AlternateCapacity},
					[2]string{lang.L("Ready after"), spanOr(st.AlternateActivation, lang.L("not stated"))},
				))
			}
			var backups []string
			for _, o := range live.Sites {
				if o.Alternate == st.ID {
					backups = append(backups, o.Name)
				}
			}
			if len(backups) > 0 {
				box.Add(props([2]string{lang.L("Alternate site for"), strings.Join(backups, ", ")}))
			}

			if strings.TrimSpace(st.Kit) != "" {
				box.Add(heading(lang.L("Emergency kit")))
				checked := day(st.KitCheckedAt)
				if checked == "" {
					checked = lang.L("never")
				}
				if st.KitDue(u.now()) {
					checked = "⚠ " + checked
				}
				box.Add(props(
					[2]string{lang.L("Where"), st.KitLocation},
					[2]string{lang.L("Last checked"), checked},
					[2]string{lang.L("Check every"), lang.L("{{.N}} days", map[string]any{"N": st.KitInterval()})},
				))
				box.Add(renderMarkdown(st.Kit))
			}
			if st.Notes != "" {
				box.Add(heading(lang.L("Notes")))
				box.Add(renderMarkdown(st.Notes))
			}
			box.Add(props(reviewRows(st.Review, u.now(), contacts)...))
			return box
		},
		edit: func(f *form, st *handbook.Site) {
			f.text("name", lang.L("Name"), &st.Name)
			f.multiline("address", lang.L("Address"), &st.Address)
			f.multiline("access", lang.L("Access: keys, codes and where they are kept"), &st.Access)
			f.refs("contacts", lang.L("Who opens the doors (contacts)"), &st.Contacts, contactOpts)
			f.refs("services", lang.L("Services here"), &st.Services, serviceOpts)
			others := slices.DeleteFunc(slices.Clone(siteOpts), func(o option) bool { return o.value == st.ID })
			f.choice("alternate", lang.L("Alternate site"), &st.Alternate, others)
			f.text("alternate_capacity", lang.L("Capacity of the alternate site"), &st.AlternateCapacity)
			f.duration("alternate_activation_minutes", lang.L("Alternate site ready after"), &st.AlternateActivation)
			f.markdown("kit", lang.L("Emergency kit (Markdown checklist)"), &st.Kit)
			f.text("kit_location", lang.L("Where the emergency kit is kept"), &st.KitLocation)
			f.date("kit_checked_at", lang.L("Emergency kit last checked"), &st.KitCheckedAt)
			f.number("kit_check_days", lang.L("Check the emergency kit every … days (empty: 91)"), &st.KitCheckDays)
			f.multiline("notes", lang.L("Notes"), &st.Notes)
			reviewFields(f, &st.Review, contactOpts)
		},
		actions: func(st handbook.Site) []fyne.CanvasObject {
			if strings.TrimSpace(st.Kit) == "" {
				return nil
			}
			return []fyne.CanvasObject{newIconButton(lang.L("Kit checked today"), theme.ConfirmIcon(), func() {
				if u.refuseReadOnly() {
					return
				}
				if err := u.ops.MarkKitChecked(u.ctx, st.ID); err != nil {
					u.saveFailed(err)
				}
			})}
		},
	}
	return s.view()
}

func suppliersView(u *ui) view {
	contacts, contactOpts := labels(u, handbook.EntityContact)
	_, serviceOpts := labels(u, handbook.EntityService)
	suppliers, supplierOpts := labels(u, handbook.EntitySupplier)
	a, live := notAnalysed()
	s := &section[handbook.Supplier, *handbook.Supplier]{
		u:       u,
		noun:    "supplier",
		follows: []handbook.Entity{handbook.EntityProcess, handbook.EntityService, handbook.EntityContact, handbook.EntitySettings},
		blank:   func() handbook.Supplier { return handbook.Supplier{} },
		load: analysed(u, func(hb *handbook.Handbook) []handbook.Supplier { return hb.Suppliers },
			func(an *handbook.Analysis, hb handbook.Handbook) { a, live = an, hb }),
		sub: func(sp handbook.Supplier) string {
			return strings.Join(nonEmpty(restoresWithin(sp.SLARestoration),
				sp.Provides), " · ")
		},
		detail: func(sp handbook.Supplier) fyne.CanvasObject {
			box := container.NewVBox(props(
				[2]string{lang.L("Provides"), sp.Provides},
				[2]string{lang.L("Contract number"), sp.ContractNumber},
				[2]string{lang.L("Customer number"), sp.CustomerNumber},
			))
			hotline := lang.L("Hotline")
			if sp.Hotline24x7 {
				hotline = lang.L("Hotline (24/7)")
			}
			box.Add(heading(hotline))
			if len(sp.Hotline) == 0 {
				box.Add(widget.NewLabel("⚠ " + lang.L("No hotline entered.")))
			} else {
				box.Add(contactLines(u, live, sp.Hotline))
			}
			box.Add(heading(lang.L("Service levels")))
			box.Add(props(
				[2]string{lang.L("Response within"), spanOr(sp.SLAResponse, lang.L("not agreed"))},
				[2]string{lang.L("Restoration within"), spanOr(sp.SLARestoration, lang.L("not agreed"))},
			))
			box.Add(heading(lang.L("Exit and alternative")))
			if sp.Alternative != "" {
				box.Add(container.NewHBox(widget.NewLabel(lang.L("Alternative:")), u.fullLink(suppliers.name(sp.Alternative), handbook.EntitySupplier, sp.Alternative)))
			}
			if sp.Exit != "" {
				box.Add(renderMarkdown(sp.Exit))
			}
			if sp.Alternative == "" && sp.Exit == "" {
				box.Add(widget.NewLabel(lang.L("No alternative and no exit plan entered.")))
			}
			box.Add(heading(lang.L("Depend on it")))
			svcs := container.NewVBox()
			for _, id := range sp.Services {
				for _, sv := range live.Services {
					if sv.ID != id {
						continue
					}
					line := lang.L("RTO {{.Time}}", map[string]any{"Time": spanOr(sv.RTO, lang.L("not agreed"))})
					l := widget.NewLabel(line)
					if sv.RTO > 0 && sp.SLARestoration > sv.RTO {
						l.SetText("⚠ " + line)
						l.Importance = widget.DangerImportance
					}
					svcs.Add(container.NewHBox(u.fullLink(sv.Name, handbook.EntityService, sv.ID), l))
				}
			}
			if len(svcs.Objects) > 0 {
				box.Add(widget.NewLabelWithStyle(lang.L("Services"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
				box.Add(svcs)
			}
			box.Add(widget.NewLabelWithStyle(lang.L("Business processes"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			box.Add(processLinks(u, a, a.ProcessesOf()[sp.ID]))
			if sp.Notes != "" {
				box.Add(heading(lang.L("Notes")))
				box.Add(renderMarkdown(sp.Notes))
			}
			box.Add(props(reviewRows(sp.Review, u.now(), contacts)...))
			return box
		},
		edit: func(f *form, sp *handbook.Supplier) {
			f.text("name", lang.L("Name"), &sp.Name)
			f.text("provides", lang.L("Provides"), &sp.Provides)
			f.text("contract_number", lang.L("Contract number"), &sp.ContractNumber)
			f.text("customer_number", lang.L("Customer number"), &sp.CustomerNumber)
			f.refs("hotline", lang.L("Hotline (contacts, the 24/7 line first)"), &sp.Hotline, contactOpts)
			f.check("hotline_24x7", lang.L("The first hotline answers around the clock"), &sp.Hotline24x7)
			f.duration("sla_response_minutes", lang.L("SLA: response within"), &sp.SLAResponse)
			f.duration("sla_restoration_minutes", lang.L("SLA: restoration within"), &sp.SLARestoration)
			others := slices.DeleteFunc(slices.Clone(supplierOpts), func(o option) bool { return o.value == sp.ID })
			f.choice("alternative", lang.L("Alternative supplier"), &sp.Alternative, others)
			f.multiline("exit", lang.L("Exit plan"), &sp.Exit)
			f.refs("services", lang.L("Services that depend on it"), &sp.Services, serviceOpts)
			f.multiline("notes", lang.L("Notes"), &sp.Notes)
			reviewFields(f, &sp.Review, contactOpts)
		},
	}
	return s.view()
}

// contactLines lists contacts with their numbers, each copyable: what a
// person on the phone needs.
func contactLines(u *ui, live handbook.Handbook, ids []string) fyne.CanvasObject {
	box := container.NewVBox()
	for _, id := range ids {
		i := slices.IndexFunc(live.Contacts, func(c handbook.Contact) bool { return c.ID == id })
		if i < 0 {
			box.Add(widget.NewLabel(lang.L("(deleted record)")))
			continue
		}
		c := live.Contacts[i]
		name := container.NewHBox(u.fullLink(c.FullName(), handbook.EntityContact, c.ID))
		if c.Email != "" {
			name.Add(widget.NewLabel(c.Email))
		}
		phones := container.NewHBox()
		for _, p := range c.Phones() {
			phones.Add(newIconButton(p, theme.ContentCopyIcon(), func() { u.copy(p) }))
		}
		box.Add(name)
		box.Add(phones)
	}
	return box
}

// firstLine is the first line of a text.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
