package app

import (
	"cmp"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"ernstfall/internal/handbook"
)

// press types one key into whatever has the keyboard focus.
func press(t *testing.T, u *ui, k fyne.KeyName) {
	t.Helper()
	f := u.win.Canvas().Focused()
	if f == nil {
		t.Fatalf("%s pressed with nothing focused", k)
	}
	f.TypedKey(&fyne.KeyEvent{Name: k})
}

// visibleMarks counts the keyboard cursor frames shown below o.
func visibleMarks(o fyne.CanvasObject) int {
	n := 0
	walk(o, func(o fyne.CanvasObject) {
		if r, ok := o.(*canvas.Rectangle); ok && r.Visible() && r.StrokeWidth == 2 && r.StrokeColor == theme.Color(theme.ColorNamePrimary) {
			n++
		}
	})
	return n
}

// TestListsByKeyboard: on every screen with a list of records, Tab from
// the sidebar reaches the list within three presses (filter, New, list);
// the cursor row is framed; Down and Enter open the next record; Esc
// goes back to the screen's overview; Home, End and Page Down stay
// inside the list.
func TestListsByKeyboard(t *testing.T) {
	u := newTestUI(t)
	c := u.win.Canvas()
	// Roles & escalation has the document bar and its two tabs first;
	// contacts their import, export and check buttons.
	tabs := map[string]int{"roles": 8, "contacts": 6}
	for _, id := range []string{"playbooks", "contacts", "roles", "recovery", "bia", "sites", "suppliers", "risks",
		"exercises", "actions", "templates"} {
		t.Run(id, func(t *testing.T) {
			budget := cmp.Or(tabs[id], 3)
			u.show(u.screenIndex(t, id))
			u.tasks.Wait()
			c.Focus(u.nav)
			var list fyne.Focusable
			for range budget {
				test.FocusNext(c)
				switch f := c.Focused().(type) {
				case *keyList:
					if f != u.nav {
						list = f
					}
				case *keyTable:
					list = f
				}
				if list != nil {
					break
				}
			}
			if list == nil {
				t.Fatalf("%d Tabs from the sidebar reached %T, not the list", budget, c.Focused())
			}
			if n := visibleMarks(list.(fyne.CanvasObject)); n == 0 {
				t.Fatal("the list has the focus but no row is framed")
			}
			press(t, u, fyne.KeyReturn)
			_, first := u.view.selected()
			if first == "" {
				t.Fatal("Enter on the first row opened nothing")
			}
			press(t, u, fyne.KeyDown)
			press(t, u, fyne.KeyReturn)
			_, second := u.view.selected()
			if second == "" || second == first {
				t.Fatalf("Down and Enter opened %q after %q", second, first)
			}
			press(t, u, fyne.KeyEscape)
			if _, now := u.view.selected(); now != "" {
				t.Fatalf("Esc left %q on display", now)
			}
			for _, k := range []fyne.KeyName{fyne.KeyEnd, fyne.KeyPageDown, fyne.KeyDown} {
				press(t, u, k)
			}
			press(t, u, fyne.KeyReturn)
			if _, last := u.view.selected(); last == "" || last == first {
				t.Fatalf("End and Enter opened %q", last)
			}
			press(t, u, fyne.KeyHome)
			press(t, u, fyne.KeyReturn)
			if _, top := u.view.selected(); top != first {
				t.Fatalf("Home and Enter opened %q, want the first record %q", top, first)
			}
		})
	}
}

// TestSidebarByKeyboard: the sidebar moves with the arrow keys and opens
// a screen with Enter.
func TestSidebarByKeyboard(t *testing.T) {
	u := newTestUI(t)
	u.win.Canvas().Focus(u.nav)
	press(t, u, fyne.KeyDown)
	press(t, u, fyne.KeyDown)
	if u.current != 0 {
		t.Fatalf("the arrow keys alone switched to screen %d", u.current)
	}
	press(t, u, fyne.KeyReturn)
	if got := u.screens[u.current].id; got != "playbooks" {
		t.Fatalf("Down, Down, Enter opened %q, want playbooks", got)
	}
}

// TestFocusStandsOut: the window's theme gives the keyboard focus a tint
// several times stronger than the toolkit's, in both variants, and
// leaves the other colours alone.
func TestFocusStandsOut(t *testing.T) {
	th := newTheme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		_, _, _, ours := th.Color(theme.ColorNameFocus, v).RGBA()
		_, _, _, theirs := theme.DefaultTheme().Color(theme.ColorNameFocus, v).RGBA()
		if ours < 2*theirs {
			t.Errorf("variant %d: focus alpha %d, the default's %d", v, ours>>8, theirs>>8)
		}
		if th.Color(theme.ColorNameHover, v) != theme.DefaultTheme().Color(theme.ColorNameHover, v) {
			t.Errorf("variant %d: the hover colour changed", v)
		}
		// A focused button is its colour with the focus laid over it:
		// on a button in the primary colour (Speichern) the focus must
		// still show, as on a plain one.
		for _, under := range []fyne.ThemeColorName{theme.ColorNamePrimary, theme.ColorNameButton, theme.ColorNameBackground} {
			bg := th.Color(under, v)
			if d := colorDistance(blendOver(bg, th.Color(theme.ColorNameFocus, v)), bg); d < 40 {
				t.Errorf("variant %d: the focus over %s changes it by %d of 255", v, under, d)
			}
		}
	}
}

// blendOver lays over, with its alpha, on under, as the toolkit draws a
// focused button's background.
func blendOver(under, over color.Color) color.NRGBA {
	u := color.NRGBAModel.Convert(under).(color.NRGBA)
	o := color.NRGBAModel.Convert(over).(color.NRGBA)
	a := int(o.A)
	mix := func(x, y uint8) uint8 { return uint8((int(y)*a + int(x)*(255-a)) / 255) }
	return color.NRGBA{R: mix(u.R, o.R), G: mix(u.G, o.G), B: mix(u.B, o.B), A: 0xff}
}

// colorDistance is the largest difference of two colours in one channel.
func colorDistance(a color.Color, b color.Color) int {
	x := color.NRGBAModel.Convert(a).(color.NRGBA)
	y := color.NRGBAModel.Convert(b).(color.NRGBA)
	d := 0
	for _, p := range [][2]uint8{{x.R, y.R}, {x.G, y.G}, {x.B, y.B}} {
		d = max(d, abs(int(p[0])-int(p[1])))
	}
	return d
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// TestRestoreOrderContext: each service in the restore order shows its
// criticality and what it depends on; opening one from the order gives a
// back button, and the back button or Esc returns to the order.
func TestRestoreOrderContext(t *testing.T) {
	u := newTestUI(t)
	u.show(u.screenIndex(t, "recovery"))
	if !hasText(u.body, "Kritikalität: kritisch") {
		t.Fatalf("no criticality in the restore order: %q", texts(u.body))
	}
	if !hasText(u.body, "Hängt ab von: ") {
		t.Fatalf("no dependencies in the restore order: %q", texts(u.body))
	}
	var order *keyList
	walk(u.body, func(o fyne.CanvasObject) {
		if l, ok := o.(*keyList); ok && order == nil {
			order = l
		}
	})
	if order == nil {
		t.Fatal("the restore order is no keyboard list")
	}
	u.win.Canvas().Focus(order)
	press(t, u, fyne.KeyDown)
	press(t, u, fyne.KeyReturn)
	e, id := u.view.selected()
	if e != handbook.EntityService || id == "" {
		t.Fatalf("Enter in the restore order opened %q %q", e, id)
	}
	back := findButton(t, u.body, "Wiederanlauf-Reihenfolge")
	test.Tap(back)
	if _, id := u.view.selected(); id != "" || !hasText(u.body, "Kritikalität: kritisch") {
		t.Fatalf("the back button left %q on display", id)
	}
	u.view.open(handbook.EntityService, id)
	u.win.Canvas().Unfocus()
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if _, id := u.view.selected(); id != "" || !hasText(u.body, "Kritikalität: kritisch") {
		t.Fatalf("Esc left %q on display", id)
	}
}
