package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
	"ernstfall/internal/store"
)

func conflictsView(u *ui) view {
	cs, err := u.st.Conflicts(u.ctx)
	if err != nil {
		u.loadFailed(err)
	}
	devices, err := u.ops.DeviceNames(u.ctx)
	if err != nil {
		u.loadFailed(err)
	}
	head := heading(lang.L("Conflicts"))
	intro := widget.NewLabel(lang.L("Two laptops changed the same field before they synchronised. Until you decide, the value marked “in effect” applies; nothing is lost."))
	intro.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(head, intro)
	if len(cs) == 0 {
		box.Add(widget.NewLabel("✓ " + lang.L("No open conflicts.")))
	}
	for _, c := range cs {
		box.Add(conflictCard(u, c, devices))
	}
	return view{content: container.NewVScroll(container.NewPadded(box)), changed: func([]store.Notice) { u.redraw() }}
}

// conflictCard shows one conflict: this laptop's value on the left (or the
// value in effect, when neither is from here), the other on the right.
func conflictCard(u *ui, c store.Conflict, devices map[string]string) fyne.CanvasObject {
	mine, other := c.Current, c.Other
	keepMine, keepOther := store.KeepCurrent, store.KeepOther
	if c.Other.Mine && !c.Current.Mine {
		mine, other = c.Other, c.Current
		keepMine, keepOther = store.KeepOther, store.KeepCurrent
	}
	title := fmt.Sprintf("%s: %s", entityName(c.Entity), c.Label)
	field := lang.L("Field: {{.Field}}", map[string]any{"Field": fieldLabel(c.Field)})
	if c.Kind == store.ConflictDeleted {
		field = lang.L("Deleted on one laptop, edited on another")
	}
	side := func(s store.Side) fyne.CanvasObject {
		who := devices[s.Device]
		if who == "" {
			who = lang.L("another laptop")
		}
		if s.Mine {
			who = lang.L("this laptop ({{.Name}})", map[string]any{"Name": who})
		}
		when := stamp(s.At())
		if s.HLC == c.Current.HLC && s.Device == c.Current.Device {
			when += " · " + lang.L("in effect")
		}
		by := widget.NewLabelWithStyle(who+" · "+when, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		by.Truncation = fyne.TextTruncateEllipsis
		v := widget.NewLabel(sideValue(c, s))
		v.Wrapping = fyne.TextWrapWord
		v.Selectable = true
		return container.NewVBox(by, v)
	}
	mineLabel, otherLabel := lang.L("Keep mine"), lang.L("Take the other")
	if !mine.Mine {
		mineLabel = lang.L("Keep this")
	}
	resolve := func(ch store.Choice, merged json.RawMessage) {
		err := u.ops.ResolveConflict(u.ctx, c, ch, merged)
		switch {
		case errors.Is(err, store.ErrConflictGone):
			dialog.NewInformation(lang.L("Conflicts"), lang.L("This conflict was resolved meanwhile, perhaps on another laptop."), u.win).Show()
			u.redraw()
		case err != nil:
			u.saveFailed(err)
		}
	}
	keepMineBtn := newIconButton(mineLabel, theme.ConfirmIcon(), func() { resolve(keepMine, nil) })
	keepOtherBtn := newIconButton(otherLabel, theme.ContentRedoIcon(), func() { resolve(keepOther, nil) })
	buttons := container.NewHBox(keepMineBtn, keepOtherBtn)
	if isText(c.Current.Value) && isText(c.Other.Value) && c.Kind == store.ConflictValue {
		buttons.Add(newIconButton(lang.L("Merge …"), theme.DocumentCreateIcon(), func() {
			u.mergeConflict(mine, other, func(merged string) {
				v, err := json.Marshal(merged)
				if err != nil {
					u.saveFailed(err)
					return
				}
				resolve(store.UseMerged, v)
			})
		}))
	}
	open := u.link(title, c.Entity, c.ID)
	open.TextStyle = fyne.TextStyle{Bold: true}
	return widget.NewCard("", "", container.NewVBox(open, widget.NewLabel(field),
		container.NewGridWithColumns(2, side(mine), side(other)), buttons))
}

// mergeConflict opens an editor with both values for a person to merge.
func (u *ui) mergeConflict(mine, other store.Side, done func(string)) {
	e := widget.NewMultiLineEntry()
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(8)
	e.SetText(strings.Join(nonEmpty(plainText(mine.Value), plainText(other.Value)), "\n"))
	hint := widget.NewLabel(lang.L("Both values are in the editor. Keep what is right and remove the rest."))
	hint.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.L("Merge"), lang.L("Save"), lang.L("Cancel"), container.NewBorder(hint, nil, nil, nil, e), func(ok bool) {
		if ok {
			done(e.Text)
		}
	}, u.win)
	d.Resize(fyne.NewSize(620, 380))
	d.Show()
}

// isText reports whether v is a text value (a JSON string, or empty).
func isText(v json.RawMessage) bool {
	var s string
	return string(v) == "null" || json.Unmarshal(v, &s) == nil
}

// plainText is a text value without JSON quoting; "" for other values.
func plainText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

// sideValue shows one side's value for people.
func sideValue(c store.Conflict, s store.Side) string {
	if c.Kind == store.ConflictDeleted {
		if s.HLC == c.Other.HLC && s.Device == c.Other.Device {
			return lang.L("deleted")
		}
		return lang.L("edited, still there")
	}
	if string(s.Value) == "null" || len(s.Value) == 0 {
		return lang.L("(empty)")
	}
	var str string
	if json.Unmarshal(s.Value, &str) == nil {
		if strings.TrimSpace(str) == "" {
			return lang.L("(empty)")
		}
		return str
	}
	var list []string
	if json.Unmarshal(s.Value, &list) == nil {
		return strings.Join(list, ", ")
	}
	var b bool
	if json.Unmarshal(s.Value, &b) == nil {
		if b {
			return lang.L("yes")
		}
		return lang.L("no")
	}
	return string(s.Value)
}

// fieldLabel names a record field (its JSON name) in the user's language,
// where the field has a label on a form; other names show as they are.
func fieldLabel(name string) string {
	key, ok := i18n.FieldKey(name)
	if !ok {
		if c, cell := handbook.ParseImpactField(name); cell {
			return lang.L("Impact: {{.Category}} after {{.Time}}", map[string]any{
				"Category": i18n.CategoryName(handbook.ImpactCategory{Key: c.Category}, tr), "Time": span(c.At)})
		}
		return name
	}
	return lang.L(key)
}
