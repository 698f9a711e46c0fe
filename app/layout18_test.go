package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// TestIncidentFitsTheLaptop: a running incident with five reports owed
// (GDPR and NIS2) fits a 1366×768 window and a 1024×640 one: the window
// does not grow, marking a report sent does not grow it, and every
// deadline card lies inside the window, wrapped into rows. At 1366×768
// all five are in sight without scrolling.
func TestIncidentFitsTheLaptop(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1366, Height: 768}, {Width: 1024, Height: 640}} {
		u := newTestUI(t)
		u.win.Resize(size)
		inc, err := u.ops.StartIncident(u.ctx, ops.StartIncident{Title: "Ransomware", AwareAt: testNow.Add(-time.Hour),
			Regimes: []string{handbook.RegimeGDPR, handbook.RegimeNIS2}, By: testAuthor})
		if err != nil {
			t.Fatal(err)
		}
		u.openIncident(inc.ID)
		u.tasks.Wait()
		check := func(when string) {
			t.Helper()
			if got := u.win.Canvas().Size(); got.Width > size.Width || got.Height > size.Height {
				t.Fatalf("%v %s: window grew to %v", size, when, got)
			}
			if min := u.win.Content().MinSize(); min.Width > size.Width {
				t.Errorf("%v %s: content needs %v px of width", size, when, min.Width)
			}
			var cards int
			walk(u.body, func(o fyne.CanvasObject) {
				if c, ok := o.(*fyne.Container); ok {
					// The deadline cards; the action buttons wrap too.
					if g, grid := c.Layout.(*wrapGrid); grid && g.cell == clockWidth {
						cards = len(c.Objects)
						for _, card := range c.Objects {
							if right := card.Position().X + card.Size().Width; right > c.Size().Width+1 {
								t.Errorf("%v %s: a deadline card ends at %v of %v", size, when, right, c.Size().Width)
							}
						}
					}
				}
			})
			if cards < 5 {
				t.Fatalf("%v %s: %d deadline cards, want 5", size, when, cards)
			}
			// At 1366×768 every card is in sight from the start, whole,
			// above the checklist; at 1024×640 the first row is, and the
			// rest are reached by scrolling the upper part.
			scroll := find(t, u.body, "the scrolled upper part", func(s *container.Scroll) bool {
				return hasText(s, "Eskalation …") && !hasText(s, "Checkliste")
			})
			view := scroll.Size().Height
			seen := 0
			walk(scroll.Content, func(o fyne.CanvasObject) {
				c, ok := o.(*fyne.Container)
				if !ok {
					return
				}
				if g, grid := c.Layout.(*wrapGrid); !grid || g.cell != clockWidth {
					return
				}
				top := fyne.CurrentApp().Driver().AbsolutePositionForObject(c).Y - fyne.CurrentApp().Driver().AbsolutePositionForObject(scroll.Content).Y
				for _, card := range c.Objects {
					if top+card.Position().Y+card.Size().Height <= view+1 {
						seen++
					}
				}
			})
			want := 5
			if size.Width < 1366 {
				want = 2
			}
			if seen < want {
				t.Errorf("%v %s: %d deadline cards in sight in a %v px high upper part, want %d", size, when, seen, view, want)
			}
		}
		check("at start")
		reason := "Nach Rücksprache mit der Rechtsabteilung und dem externen Datenschutzbeauftragten kein erheblicher Sicherheitsvorfall im Sinne des §32 BSIG, da keine Dienste betroffen waren"
		if err := u.ops.WaiveReport(u.ctx, ops.WaiveReport{IncidentID: inc.ID, Clock: handbook.ClockNIS2Early, Reason: reason, By: testAuthor}); err != nil {
			t.Fatal(err)
		}
		u.tasks.Wait()
		check("after a report was declared not needed")
	}
}
