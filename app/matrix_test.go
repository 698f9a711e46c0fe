package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestMatrixWordsWhole: at 1024×640 every word of the escalation matrix
// fits the width of its column, in German and in English: the cells wrap
// between words and never break one ("beeinträchtigt").
func TestMatrixWordsWhole(t *testing.T) {
	for _, lng := range []string{"de", "en"} {
		u := newTestUI(t)
		if err := useLanguage(lng); err != nil {
			t.Fatal(err)
		}
		u.showMain()
		u.win.Resize(fyne.NewSize(1024, 640-chrome))
		u.show(u.screenIndex(t, "roles"))
		u.tasks.Wait()
		rows, words := 0, 0
		walk(u.body, func(o fyne.CanvasObject) {
			c, ok := o.(*fyne.Container)
			if !ok || len(c.Objects) != 5 {
				return
			}
			first, ok := c.Objects[0].(*widget.Label)
			if !ok || c == nil {
				return
			}
			if rows == 0 && first.Text != map[string]string{"de": "Stufe", "en": "Level"}[lng] {
				return // not the matrix's head
			}
			rows++
			for _, cell := range c.Objects {
				l := cell.(*widget.Label)
				for _, word := range strings.Fields(l.Text) {
					words++
					need := fyne.MeasureText(word, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding()
					if need > l.Size().Width+0.5 {
						t.Errorf("%s: %q needs %.0f px in a column of %.0f: %q", lng, word, need, l.Size().Width, l.Text)
					}
				}
			}
		})
		if rows < 5 || words < 50 {
			t.Fatalf("%s: the matrix has %d rows and %d words", lng, rows, words)
		}
	}
}
