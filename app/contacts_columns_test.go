package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// headerTexts are the texts of the contact table's column headers on
// display, left to right.
func headerTexts(t *testing.T, table *keyTable) []string {
	t.Helper()
	var out []string
	walk(table, func(o fyne.CanvasObject) {
		if h, ok := o.(*columnHead); ok && h.Visible() {
			out = append(out, strings.TrimSuffix(h.Text, " ▾"))
		}
	})
	return out
}

func TestContactPhonesNextToName(t *testing.T) {
	u := newTestUI(t)
	u.win.Resize(fyne.NewSize(1240, 800))
	u.showScreen("contacts")
	u.tasks.Wait() // the contacts are read off the UI thread
	table := find(t, u.body, "contact table", func(*keyTable) bool { return true })

	t.Run("phones in view at 1240 px", func(t *testing.T) {
		shown := headerTexts(t, table)
		if len(shown) < 3 || !slices.Equal(shown[:3], []string{"Name", "Mobil", "Büro"}) {
			t.Fatalf("headers on display = %q, want Name, Mobil, Büro first", shown)
		}
		// Cells are a padding apart.
		right := contactColumns[colName].width + contactColumns[colMobile].width + contactColumns[colOffice].width + 2*theme.Padding()
		if w := table.Size().Width; right > w {
			t.Fatalf("office column ends at %.0f px, table is %.0f px wide", right, w)
		}
	})

	contacts, err := store.List[handbook.Contact](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("sort by mobile", func(t *testing.T) {
		var header *columnHead
		walk(table, func(o fyne.CanvasObject) {
			if h, ok := o.(*columnHead); ok && h.Text == "Mobil" && header == nil {
				header = h
			}
		})
		if header == nil {
			t.Fatal("no Mobil header")
		}
		test.Tap(header)
		u.app.Clipboard().SetContent("")
		var mobiles []string
		for _, c := range contacts {
			if c.PhoneMobile != "" {
				mobiles = append(mobiles, fold(c.PhoneMobile))
			}
		}
		slices.Sort(mobiles)
		table.Select(widget.TableCellID{Row: 0, Col: colMobile})
		if got := fold(u.app.Clipboard().Content()); got != mobiles[0] {
			t.Fatalf("first row after sorting by mobile has %q, want %q", got, mobiles[0])
		}
		if !hasText(u.body, "Mobil ▾") {
			t.Fatal("sort column not marked")
		}
	})

	t.Run("click on a phone copies it", func(t *testing.T) {
		for _, col := range []int{colMobile, colOffice} {
			u.app.Clipboard().SetContent("")
			table.Select(widget.TableCellID{Row: 1, Col: col})
			got := u.app.Clipboard().Content()
			if got == "" || !slices.ContainsFunc(contacts, func(c handbook.Contact) bool {
				return (col == colMobile && c.PhoneMobile == got) || (col == colOffice && c.PhoneOffice == got)
			}) {
				t.Fatalf("column %s copied %q", contactColumns[col].title, got)
			}
		}
	})
}
