package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// callTreeView shows who calls whom at each escalation level, with the
// deputies to try and their numbers.
func callTreeView(u *ui) view {
	load := func(ctx context.Context) ([]handbook.CallLevel, error) {
		hb, err := u.st.Load(ctx)
		if err != nil {
			return nil, err
		}
		return handbook.CallTree(hb, u.now()), nil
	}
	content := loadView(u, load, func(levels []handbook.CallLevel) fyne.CanvasObject { return callTree(u, levels) })
	return view{content: content, changed: func([]store.Notice) { u.redraw() }}
}

// callTree draws the levels of the call tree.
func callTree(u *ui, levels []handbook.CallLevel) fyne.CanvasObject {
	intro := widget.NewLabel(lang.L("At each level the deciding role calls the roles below it. If someone cannot be reached, try the next deputy."))
	intro.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(heading(lang.L("Call tree")), intro)
	if len(levels) == 0 {
		box.Add(widget.NewLabel(lang.L("No escalation levels yet. Add them under Roles & escalation.")))
	}
	for _, l := range levels {
		title := handbook.LevelTitle(lang.L("Level"), l.Level, l.Name)
		if l.Within > 0 {
			title += " · " + lang.L("within {{.Within}}", map[string]any{"Within": l.Within.String()})
		}
		lv := container.NewVBox(heading(title))
		if l.Caller.RoleID == "" {
			lv.Add(widget.NewLabel(lang.L("No deciding role set.")))
		} else {
			lv.Add(widget.NewLabelWithStyle(lang.L("Decides and calls: {{.Role}}", map[string]any{"Role": roleName(l.Caller)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			lv.Add(callPeople(u, l.Caller))
		}
		if len(l.Calls) == 0 {
			lv.Add(widget.NewLabel(lang.L("Nobody else to call.")))
		}
		for _, r := range l.Calls {
			lv.Add(widget.NewLabelWithStyle("→ "+roleName(r), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			lv.Add(container.NewPadded(callPeople(u, r)))
		}
		box.Add(widget.NewCard("", "", lv))
	}
	return container.NewVScroll(container.NewPadded(box))
}

func roleName(r handbook.CallRole) string {
	if r.Role == "" {
		return lang.L("(deleted record)")
	}
	return r.Role
}

// callPeople lists a role's people in calling order with copy buttons.
func callPeople(u *ui, r handbook.CallRole) fyne.CanvasObject {
	box := container.NewVBox()
	if len(r.People) == 0 {
		warn := widget.NewLabel("⚠ " + lang.L("nobody assigned"))
		warn.Importance = widget.WarningImportance
		box.Add(warn)
	}
	deputy := 0
	for i, p := range r.People {
		what := lang.L("Primary")
		switch {
		case p.OnDuty:
			what = lang.L("On call")
		case deputy > 0:
			what = lang.L("Deputy {{.N}}", map[string]any{"N": deputy})
		}
		if !p.OnDuty {
			deputy++
		}
		name := u.link(p.Name, handbook.EntityContact, p.ContactID)
		name.Truncation = fyne.TextTruncateOff
		row := container.NewHBox(widget.NewLabel(fmt.Sprintf("%d.", i+1)), widget.NewLabel(what+":"), name)
		box.Add(row)
		box.Add(container.NewBorder(nil, nil, widget.NewLabel("   "), nil, numbersRow(u, p.Numbers)))
	}
	if len(r.Missing) > 0 {
		warn := widget.NewLabel("⚠ " + lang.L("{{.N}} holders refer to deleted contacts", map[string]any{"N": len(r.Missing)}))
		warn.Importance = widget.WarningImportance
		box.Add(warn)
	}
	return box
}
