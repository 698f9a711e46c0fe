package app

import (
	"cmp"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// chrome is what a laptop's screen keeps from the window's content: the
// task bar or top panel, the title bar and the menu bar.
const chrome = 100

// TestSidebarFits: every screen of the sidebar is in view without
// scrolling on a 1366×768 and on a 1024×640 screen.
func TestSidebarFits(t *testing.T) {
	for _, screen := range []fyne.Size{{Width: 1366, Height: 768}, {Width: 1024, Height: 640}} {
		u := newTestUI(t)
		u.win.Resize(fyne.NewSize(screen.Width, screen.Height-chrome))
		abs := fyne.CurrentApp().Driver().AbsolutePositionForObject
		bottom := abs(u.nav).Y + u.nav.Size().Height
		var shown []string
		walk(u.nav, func(o fyne.CanvasObject) {
			if l, ok := o.(*canvas.Text); ok && l.Visible() && abs(l).Y+l.Size().Height <= bottom+0.5 {
				shown = append(shown, l.Text)
			}
		})
		if len(shown) != len(u.screens) {
			t.Errorf("%v: %d of %d screens in view in a sidebar of %v px: %q", screen, len(shown), len(u.screens), u.nav.Size().Height, shown)
		}
	}
}

// TestScreensFitTheLaptop: no screen asks for more room than a 1024×640
// laptop has, in German and in English.
func TestScreensFitTheLaptop(t *testing.T) {
	for _, lang := range []string{"de", "en"} {
		u := newTestUI(t)
		if err := useLanguage(lang); err != nil {
			t.Fatal(err)
		}
		u.showMain()
		size := fyne.NewSize(1024, 640-chrome)
		u.win.Resize(size)
		for i, s := range u.screens {
			u.show(i)
			u.tasks.Wait()
			if min := u.win.Content().MinSize(); min.Width > size.Width || min.Height > size.Height {
				t.Errorf("%s %s: needs %v", lang, s.id, min)
			}
		}
	}
}

// TestSidebarNamesWhole: at 1024 px the sidebar is as wide as its longest
// name, in German and in English.
func TestSidebarNamesWhole(t *testing.T) {
	for _, lang := range []string{"de", "en"} {
		u := newTestUI(t)
		if err := useLanguage(lang); err != nil {
			t.Fatal(err)
		}
		u.showMain()
		u.win.Resize(fyne.NewSize(1024, 640-chrome))
		walk(u.nav, func(o fyne.CanvasObject) {
			if l, ok := o.(*canvas.Text); ok && l.Visible() && l.Text != "" && l.MinSize().Width > l.Size().Width+0.5 {
				t.Errorf("%s: %q gets %v px of the %v it needs", lang, l.Text, l.Size().Width, l.MinSize().Width)
			}
		})
	}
}

// TestRecordsFitTheLaptop: a record on display, with its document bar,
// asks for no more width than a 1024×640 laptop has, in German and in
// English.
func TestRecordsFitTheLaptop(t *testing.T) {
	for _, lang := range []string{"de", "en"} {
		u := newTestUI(t)
		if err := useLanguage(lang); err != nil {
			t.Fatal(err)
		}
		u.showMain()
		size := fyne.NewSize(1024, 640-chrome)
		u.win.Resize(size)
		for _, id := range []string{"playbooks", "recovery", "contacts", "sites", "suppliers", "bia", "risks"} {
			u.show(u.screenIndex(t, id))
			u.tasks.Wait()
			var list fyne.Focusable
			walk(u.body, func(o fyne.CanvasObject) {
				switch l := o.(type) {
				case *keyList:
					list = cmp.Or[fyne.Focusable](list, l)
				case *keyTable:
					list = cmp.Or[fyne.Focusable](list, l)
				}
			})
			if list == nil {
				t.Fatalf("%s %s: no list", lang, id)
			}
			u.win.Canvas().Focus(list)
			list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			if _, rec := u.view.selected(); rec == "" {
				t.Fatalf("%s %s: no record opened", lang, id)
			}
			if min := u.win.Content().MinSize(); min.Width > size.Width {
				t.Errorf("%s %s: a record needs %v px of width", lang, id, min.Width)
			}
		}
	}
}

// TestFitWindow: the window opens no larger than the screen's work area
// less the title bar; the first start takes the screen up to a cap, and
// a size left on a larger screen shrinks to the smaller one.
func TestFitWindow(t *testing.T) {
	for _, tt := range []struct {
		name       string
		want, work fyne.Size
		first      bool
		out        fyne.Size
	}{
		{"first start, 1366×768 with a task bar", firstSize, fyne.NewSize(1366, 728), true, fyne.NewSize(1366, 688)},
		{"first start, 1024×640", firstSize, fyne.NewSize(1024, 640), true, fyne.NewSize(1024, 600)},
		{"first start, a large screen", firstSize, fyne.NewSize(2560, 1400), true, largestFirst},
		{"left large, opened on a laptop", fyne.NewSize(1900, 1050), fyne.NewSize(1366, 728), false, fyne.NewSize(1366, 688)},
		{"left small, kept", fyne.NewSize(1100, 650), fyne.NewSize(1920, 1040), false, fyne.NewSize(1100, 650)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := fitWindow(tt.want, tt.work, tt.first)
			if got != tt.out {
				t.Fatalf("fitWindow(%v, %v, %v) = %v, want %v", tt.want, tt.work, tt.first, got, tt.out)
			}
			if got.Width > tt.work.Width || got.Height+windowFrame.Height > tt.work.Height {
				t.Fatalf("%v does not fit the work area %v", got, tt.work)
			}
		})
	}
}
