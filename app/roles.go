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
	"ernstfall/internal/store"
)

// names maps record IDs to labels, for showing references.
type names map[string]string

func (n names) list(ids []string) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if l, ok := n[id]; ok {
			out = append(out, l)
		} else {
			out = append(out, lang.L("(deleted record)"))
		}
	}
	return strings.Join(out, ", ")
}

// name is the label of the record with that ID; other text shows as written.
func (n names) name(v string) string {
	if l, ok := n[v]; ok {
		return l
	}
	return v
}

// labels loads the labels and options of every record of a kind.
func labels(u *ui, e handbook.Entity) (names, []option) {
	sums, err := u.st.Summaries(u.ctx, e)
	if err != nil {
		u.loadFailed(err)
	}
	n := names{}
	opts := make([]option, 0, len(sums))
	for _, s := range sums {
		n[s.ID] = s.Label
		opts = append(opts, option{s.ID, s.Label})
	}
	return n, opts
}

func rolesView(u *ui) view {
	contacts, contactOpts := labels(u, handbook.EntityContact)
	roles := &section[handbook.Role, *handbook.Role]{
		u:     u,
		noun:  "role",
		blank: func() handbook.Role { return handbook.Role{} },
		sub: func(r handbook.Role) string {
			if len(r.Holders) == 0 {
				return lang.L("nobody assigned")
			}
			return contacts.list(r.Holders[:1])
		},
		detail: func(r handbook.Role) fyne.CanvasObject {
			box := container.NewVBox(props([2]string{lang.X("label.description", "Description"), r.Description}), heading(lang.L("Holders")))
			if len(r.Holders) == 0 {
				box.Add(widget.NewLabel(lang.L("nobody assigned")))
			}
			for i, id := range r.Holders {
				box.Add(holderCard(u, i, id, contacts))
			}
			return box
		},
		edit: func(f *form, r *handbook.Role) {
			f.text("name", lang.L("Name"), &r.Name)
			f.multiline("description", lang.X("label.description", "Description"), &r.Description)
			f.refs("holders", lang.L("Holders: primary first, then deputies in order"), &r.Holders, contactOpts)
		},
	}
	roleNames, roleOpts := labels(u, handbook.EntityRole)
	var esc *section[handbook.EscalationLevel, *handbook.EscalationLevel]
	esc = &section[handbook.EscalationLevel, *handbook.EscalationLevel]{
		u:         u,
		noun:      "escalation level",
		blank:     func() handbook.EscalationLevel { return handbook.EscalationLevel{Level: len(esc.items) + 1} },
		sub:       func(e handbook.EscalationLevel) string { return e.Trigger },
		listShare: 0.26,
		order: func(ls []handbook.EscalationLevel) {
			slices.SortStableFunc(ls, func(a, b handbook.EscalationLevel) int { return a.Level - b.Level })
		},
		detail: func(e handbook.EscalationLevel) fyne.CanvasObject {
			return props(
				[2]string{lang.L("Level"), fmt.Sprint(e.Level)},
				[2]string{lang.L("Trigger"), e.Trigger},
				[2]string{lang.L("Decided by"), roleNames.list(nonEmpty(e.DecidedBy))},
				[2]string{lang.L("Notify"), roleNames.list(e.Notify)},
				[2]string{lang.L("Within"), e.Within.String()},
			)
		},
		edit: func(f *form, e *handbook.EscalationLevel) {
			f.number("level", lang.L("Level"), &e.Level)
			f.text("name", lang.L("Name"), &e.Name)
			f.multiline("trigger", lang.L("Trigger"), &e.Trigger)
			f.choice("decided_by", lang.L("Decided by"), &e.DecidedBy, roleOpts)
			f.refs("notify", lang.L("Notify"), &e.Notify, roleOpts)
			f.minutes("within_minutes", lang.L("Within (minutes)"), &e.Within)
		},
	}
	esc.overview = func() fyne.CanvasObject { return escalationMatrix(esc.items, roleNames) }
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("Escalation matrix"), esc.object()),
		container.NewTabItem(lang.L("Roles"), roles.object()),
	)
	// The matrix and the roles are one document, released and reviewed
	// together.
	bar := container.NewStack(u.docBar(handbook.Matrix))
	return view{
		content: container.NewBorder(container.NewVBox(bar, widget.NewSeparator()), nil, nil, nil, tabs),
		changed: func(n []store.Notice) {
			esc.changed(n)
			roles.changed(n)
			if touches(n, handbook.EntityRole) || touches(n, handbook.EntityEscalation) ||
				touches(n, handbook.EntityRelease) || touches(n, handbook.EntityReview) {
				bar.Objects = []fyne.CanvasObject{u.docBar(handbook.Matrix)}
				bar.Refresh()
			}
		},
		open: func(e handbook.Entity, id string) {
			if e == handbook.EntityMatrix {
				return
			}
			if e == handbook.EntityRole {
				tabs.SelectIndex(1)
				roles.selectID(id)
				return
			}
			tabs.SelectIndex(0)
			esc.selectID(id)
		},
		create: func() {
			if tabs.SelectedIndex() == 1 {
				roles.create()
				return
			}
			esc.create()
		},
		selected: func() (handbook.Entity, string) {
			if tabs.SelectedIndex() == 1 {
				return handbook.EntityRole, roles.selected
			}
			return handbook.EntityEscalation, esc.selected
		},
		back: func() {
			if tabs.SelectedIndex() == 1 {
				roles.back()
				return
			}
			esc.back()
		},
	}
}

// escalationMatrix shows every level in one table.
func escalationMatrix(levels []handbook.EscalationLevel, roles names) fyne.CanvasObject {
	cols := []string{lang.L("Level"), lang.L("Trigger"), lang.L("Decided by"), lang.L("Notify"), lang.L("Within")}
	cell := func(e handbook.EscalationLevel, col int) string {
		switch col {
		case 0:
			return e.Name
		case 1:
			return e.Trigger
		case 2:
			return roles.list(nonEmpty(e.DecidedBy))
		case 3:
			return roles.list(e.Notify)
		}
		return e.Within.String()
	}
	// Rows of wrapping cells instead of a table with fixed column widths:
	// the columns share whatever width the window has, and a long list
	// of roles to notify wraps instead of being cut off.
	// The columns share the width by what they hold: role names in
	// "Decided by" and "Notify" stay whole at 1024 px, "Within" is short.
	widths := weightedColumns{1.0, 1.3, 1.5, 1.8, 1.1}
	grid := container.NewVBox()
	head := container.New(widths)
	for _, c := range cols {
		l := widget.NewLabelWithStyle(c, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		head.Add(l)
	}
	grid.Add(head)
	for _, e := range levels {
		grid.Add(widget.NewSeparator())
		row := container.New(widths)
		for col := range cols {
			l := widget.NewLabel(cell(e, col))
			l.Wrapping = fyne.TextWrapWord
			if col == 0 {
				l.TextStyle.Bold = true
			}
			row.Add(l)
		}
		grid.Add(row)
	}
	t := container.NewVScroll(grid)
	return container.NewBorder(heading(lang.L("Escalation matrix")), nil, nil, nil, t)
}

// weightedColumns lays objects out side by side, each taking its share
// of the width; all are as high as the highest.
type weightedColumns []float32

func (w weightedColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var total float32
	for _, x := range w[:len(objs)] {
		total += x
	}
	pad := theme.Padding()
	avail := size.Width - pad*float32(len(objs)-1)
	x := float32(0)
	for i, o := range objs {
		width := avail * w[i] / total
		o.Resize(fyne.NewSize(width, size.Height))
		o.Move(fyne.NewPos(x, 0))
		x += width + pad
	}
}

func (w weightedColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var out fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		out.Width += m.Width
		out.Height = max(out.Height, m.Height)
	}
	out.Width += theme.Padding() * float32(max(len(objs)-1, 0))
	return out
}

// holderCard shows one holder of a role: whether primary or which deputy,
// the name (a link to the contact), the function and every number with
// its kind, so nobody has to open the contact to call.
func holderCard(u *ui, i int, id string, contacts names) fyne.CanvasObject {
	what := lang.L("Primary")
	if i > 0 {
		what = lang.L("Deputy {{.N}}", map[string]any{"N": i})
	}
	c, err := store.Get[handbook.Contact](u.ctx, u.st, id)
	if err != nil {
		warn := widget.NewLabel(what + ": ⚠ " + lang.L("(deleted record)"))
		warn.Importance = widget.WarningImportance
		return warn
	}
	name := u.link(contacts.name(id), handbook.EntityContact, id)
	name.Truncation = fyne.TextTruncateOff
	head := container.NewHBox(widget.NewLabelWithStyle(what+":", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), name)
	box := container.NewVBox(head)
	if sub := strings.Join(nonEmpty(c.Function, c.Team, c.Organisation), " · "); sub != "" {
		l := widget.NewLabel(sub)
		l.Wrapping = fyne.TextWrapWord
		box.Add(container.NewBorder(nil, nil, widget.NewLabel("   "), nil, l))
	}
	box.Add(container.NewBorder(nil, nil, widget.NewLabel("   "), nil, numbersRow(u, c.Numbers())))
	return box
}
