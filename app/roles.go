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
		content: topThenList(container.NewVBox(bar, widget.NewSeparator()), tabs),
		tabs:    tabs,
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
	heads := []string{lang.L("Level"), lang.L("Trigger"), lang.L("Decided by"), lang.L("Notify"), lang.L("Within")}
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
	// of roles to notify wraps instead of being cut off. Each column is
	// at least as wide as its longest word, so words wrap whole and never
	// break inside ("beeinträchtigt" at 1024 px); the rest of the width
	// goes by weight, and no column is wider than its longest cell. Where
	// the columns do not fit side by side, the trigger goes below the
	// others, across the whole row.
	bold := fyne.TextStyle{Bold: true}
	cols := newMatrixColumns(1, 1.0, 2.0, 1.3, 1.6, 0.8)
	for col, head := range heads {
		cols.fit(col, head, bold)
		for _, e := range levels {
			style := fyne.TextStyle{}
			if col == 0 {
				style = bold
			}
			cols.fit(col, cell(e, col), style)
		}
	}
	grid := container.NewVBox()
	head := container.New(cols)
	for _, c := range heads {
		l := widget.NewLabelWithStyle(c, fyne.TextAlignLeading, bold)
		l.Wrapping = fyne.TextWrapWord
		head.Add(l)
	}
	grid.Add(head)
	for _, e := range levels {
		grid.Add(widget.NewSeparator())
		row := container.New(cols)
		for col := range heads {
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

// matrixColumns lays cells out side by side, all as high as the
// highest. Each column gets at least its floor (its longest word) and at
// most its ceiling (its longest cell in one line); the width between goes
// by weight. When the floors do not fit side by side, column below goes
// under the others, across the whole row. When even then they do not
// fit, every column shrinks in proportion: the matrix never widens the
// window. All rows share one matrixColumns, so their columns line up.
type matrixColumns struct {
	weights, floors, ceils []float32
	below                  int
	// narrow says that below lies under the others, as at the last Layout.
	narrow bool
}

func newMatrixColumns(below int, weights ...float32) *matrixColumns {
	return &matrixColumns{weights: weights, floors: make([]float32, len(weights)), ceils: make([]float32, len(weights)), below: below}
}

// fit widens the floor and ceiling of column i for a cell's text.
func (m *matrixColumns) fit(i int, text string, style fyne.TextStyle) {
	pad := 2*theme.InnerPadding() + 2
	size := theme.TextSize()
	for _, line := range strings.Split(text, "\n") {
		m.ceils[i] = max(m.ceils[i], fyne.MeasureText(line, size, style).Width+pad)
		for _, word := range strings.Fields(line) {
			m.floors[i] = max(m.floors[i], fyne.MeasureText(word, size, style).Width+pad)
		}
	}
	m.ceils[i] = max(m.ceils[i], m.floors[i])
}

// widths shares avail among the columns but skip (-1 for none).
func (m *matrixColumns) widths(avail float32, skip int) []float32 {
	n := len(m.weights)
	w := make([]float32, n)
	held := make([]bool, n)
	var floors float32
	for i, f := range m.floors {
		if i == skip {
			held[i] = true
			continue
		}
		floors += f
	}
	if floors >= avail {
		for i := range w {
			if i != skip {
				w[i] = avail * m.floors[i] / max(floors, 1)
			}
		}
		return w
	}
	// Columns whose share falls below their floor, or above their
	// ceiling, are held there; the others share what is left, again.
	for {
		rest, weight := avail, float32(0)
		for i := range n {
			if held[i] {
				rest -= w[i]
			} else {
				weight += m.weights[i]
			}
		}
		if weight == 0 {
			break
		}
		again := false
		for i := range n {
			if held[i] {
				continue
			}
			w[i] = rest * m.weights[i] / weight
			switch {
			case w[i] < m.floors[i]:
				w[i], held[i], again = m.floors[i], true, true
			case w[i] > m.ceils[i]:
				w[i], held[i], again = m.ceils[i], true, true
			}
		}
		if !again {
			break
		}
	}
	return w
}

func (m *matrixColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != len(m.weights) {
		return // a row still being filled
	}
	pad := theme.Padding()
	var floors float32
	for _, f := range m.floors {
		floors += f
	}
	m.narrow = floors+pad*float32(len(objs)-1) > size.Width
	skip, gaps := -1, len(objs)-1
	if m.narrow {
		skip, gaps = m.below, len(objs)-2
	}
	w := m.widths(size.Width-pad*float32(gaps), skip)
	x, top := float32(0), float32(0)
	for i, o := range objs {
		if i == skip {
			continue
		}
		o.Resize(fyne.NewSize(w[i], o.Size().Height))
		top = max(top, o.MinSize().Height)
	}
	for i, o := range objs {
		if i == skip {
			continue
		}
		o.Resize(fyne.NewSize(w[i], top))
		o.Move(fyne.NewPos(x, 0))
		x += w[i] + pad
	}
	if skip >= 0 {
		o := objs[skip]
		o.Resize(fyne.NewSize(size.Width, o.Size().Height))
		o.Resize(fyne.NewSize(size.Width, o.MinSize().Height))
		o.Move(fyne.NewPos(0, top))
	}
}

func (m *matrixColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var out fyne.Size
	var under float32
	for i, o := range objs {
		s := o.MinSize()
		if m.narrow && i == m.below {
			under = s.Height
			continue
		}
		out.Width += s.Width
		out.Height = max(out.Height, s.Height)
	}
	out.Height += under
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
