package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// processByName finds a demo process.
func processByName(t *testing.T, u *ui, name string) handbook.BusinessProcess {
	t.Helper()
	ps, err := store.List[handbook.BusinessProcess](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ps, func(p handbook.BusinessProcess) bool { return p.Name == name })
	if i < 0 {
		t.Fatalf("no process %s", name)
	}
	return ps[i]
}

// gridOf finds the impact grid below o.
func gridOf(t *testing.T, o fyne.CanvasObject) *impactGrid {
	t.Helper()
	var g *impactGrid
	walk(o, func(o fyne.CanvasObject) {
		if x, ok := o.(*impactGrid); ok && g == nil {
			g = x
		}
	})
	if g == nil {
		t.Fatalf("no impact grid among %q", texts(o))
	}
	return g
}

func TestProcessesListedByCriticality(t *testing.T) {
	u := newTestUI(t)
	u.nav.Select(u.screenIndex(t, "bia"))
	s := u.body
	// The overview: every process in the table, and the two deliberate gaps.
	for _, want := range []string{"Business-Impact-Analyse", "Schwächstes Glied",
		"Buchhaltung/ERP RTO 1 Tag > Versand braucht 4 Std. (über Lager/Versand)",
		"Dienstleister PayFlux Payments GmbH, Wiederherstellungszeit 8 Std. > Zahlungsabwicklung RTO 4 Std."} {
		if !hasText(s, want) {
			t.Errorf("overview lacks %q: %q", want, texts(s))
		}
	}
	var order []string
	for _, x := range texts(s) {
		if slices.Contains([]string{"Bestellannahme", "Versand", "Zahlungsabwicklung", "Kundenservice", "Buchhaltung", "Einkauf", "Lohnabrechnung", "Marketing"}, x) && !slices.Contains(order, x) {
			order = append(order, x)
		}
	}
	if want := []string{"Bestellannahme", "Versand", "Zahlungsabwicklung", "Kundenservice", "Buchhaltung", "Einkauf", "Lohnabrechnung", "Marketing"}; !slices.Equal(order, want) {
		t.Errorf("list order %q, want by criticality %q", order, want)
	}
	if !hasText(s, "⚠ hoch · MTA 1 Tag · RTO 4 Std.") {
		t.Errorf("a process with a gap is not marked in the list: %q", texts(s))
	}
}

func TestProcessDetailShowsGridAndDependencies(t *testing.T) {
	u := newTestUI(t)
	p := processByName(t, u, "Versand")
	u.open(handbook.EntityProcess, p.ID)
	body := u.body
	for _, want := range []string{
		"MTA: 1 Tag (Kunden und Verträge) · Kritikalität: hoch · Geforderte RTO: 4 Std.",
		"Braucht", "Lager/Versand", "⚠ RTO 1 Tag · über Lager/Versand", "Blitzpaket Logistik GmbH",
		"Lager Buchholz", "Ausweichstandort: Ausweichstandort Lüneburg, bereit in 4 Std.",
		"Bestellannahme", "Gebraucht von", "Geschäftsfortführungsplan", "so lange braucht Buchhaltung/ERP",
		"Notbetrieb",
	} {
		if !hasText(body, want) {
			t.Errorf("detail lacks %q: %q", want, texts(body))
		}
	}
	g := gridOf(t, body)
	if !g.readOnly || len(g.cells) != 30 {
		t.Errorf("detail grid: read-only %v, %d cells", g.readOnly, len(g.cells))
	}
	c := g.cells[handbook.ImpactCell{Category: "customers", At: handbook.Day}]
	c.TypedRune('1')
	if c.rating != 4 {
		t.Error("the detail view's grid took a rating")
	}
}

// TestImpactGridEditsLive rates cells with the keyboard and the menu: the
// derived values follow at once, the assessment date becomes today, and
// saving stores exactly the cells changed.
func TestImpactGridEditsLive(t *testing.T) {
	u := newTestUI(t)
	p := processByName(t, u, "Marketing")
	u.open(handbook.EntityProcess, p.ID)
	test.Tap(findButton(t, u.body, "Bearbeiten"))
	if u.editor == nil {
		t.Fatal("no form")
	}
	g := gridOf(t, u.body)
	if !strings.Contains(g.derived.Text, "MTA: mehr als 1 Monat") || !strings.Contains(g.derived.Text, "niedrig") {
		t.Fatalf("derived before: %q", g.derived.Text)
	}
	fin3d := handbook.ImpactCell{Category: "financial", At: 3 * handbook.Day}
	g.cells[fin3d].TypedRune('4')
	if !strings.Contains(g.derived.Text, "MTA: 3 Tage (Finanzen)") || !strings.Contains(g.derived.Text, "Kritikalität: mittel") ||
		!strings.Contains(g.derived.Text, "Geforderte RTO: 1 Tag") {
		t.Errorf("derived after rating 4 at 3 days: %q", g.derived.Text)
	}
	if !strings.Contains(g.derived.Text, "⚠ der Schaden bei Finanzen sinkt von 4 (Zeitpunkt 3 Tage) auf 2 (Zeitpunkt 1 Woche)") {
		t.Errorf("no warning for a rating that falls: %q", g.derived.Text)
	}
	if got := u.editor.input(t, "assessed_at").Text; got != day(testNow) {
		t.Errorf("assessment date %q, want today %q", got, day(testNow))
	}
	fin4h := handbook.ImpactCell{Category: "financial", At: 4 * handbook.Hour}
	g.cells[fin4h].TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	if !strings.Contains(g.derived.Text, "29 von 30 Feldern bewertet") {
		t.Errorf("a cleared cell is not counted: %q", g.derived.Text)
	}
	u.save()
	if u.editor != nil {
		t.Fatalf("not saved: %q", texts(u.body))
	}
	got := processByName(t, u, "Marketing")
	if got.Impact[fin3d] != 4 || got.Impact[fin4h] != 0 || len(got.Impact) != 29 || !got.AssessedAt.Equal(testNow.Truncate(24*60*60*1e9)) {
		t.Errorf("stored: 3 d %d, 4 h %d, %d cells, assessed %v", got.Impact[fin3d], got.Impact[fin4h], len(got.Impact), got.AssessedAt)
	}
}

// TestProcessValidationNamesFieldAndValues: an agreed RTO longer than the
// MTPD, a negative duration and a cycle are refused at their fields, in
// German, with the values.
func TestProcessValidationNamesFieldAndValues(t *testing.T) {
	tests := []struct {
		name, field, typed, want string
	}{
		{"RTO longer than MTPD", "rto_minutes", "2 Tage", "die RTO von 2 d ist länger als die maximal tolerierbare Ausfallzeit (MTA) von 1 d"},
		{"negative plan duration", "plan_duration_minutes", "-4 Std.", "eine Dauer kann nicht negativ sein (ist -4 h)"},
		{"duration without unit", "rpo_minutes", "15", "Bitte eine Dauer mit Einheit eingeben"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newTestUI(t)
			p := processByName(t, u, "Bestellannahme")
			u.open(handbook.EntityProcess, p.ID)
			test.Tap(findButton(t, u.body, "Bearbeiten"))
			e := u.editor.input(t, tt.field)
			e.SetText(tt.typed)
			u.save()
			if u.editor == nil {
				t.Fatal("saved an impossible value")
			}
			if got := u.editor.problemOf(t, tt.field); !strings.Contains(got, tt.want) {
				t.Errorf("problem at %s: %q, want %q", tt.field, got, tt.want)
			}
			// The refusal shows at the top, which stays in view, and the
			// form scrolls to the field: the fields lie below the grid,
			// out of sight on a laptop screen.
			if g := u.editor.general; !g.Visible() || !strings.HasPrefix(g.Text, "Nicht gespeichert: Bitte den Hinweis bei ") {
				t.Errorf("top of the form: %q (shown %v)", g.Text, g.Visible())
			}
			if u.editor.scroll.Offset.Y <= 0 {
				t.Errorf("the form did not scroll to %s", tt.field)
			}
		})
	}
	t.Run("dependency cycle", func(t *testing.T) {
		u := newTestUI(t)
		best := processByName(t, u, "Bestellannahme")
		versand := processByName(t, u, "Versand")
		u.open(handbook.EntityProcess, best.ID)
		test.Tap(findButton(t, u.body, "Bearbeiten"))
		var refs *refList
		for _, fl := range u.editor.fields {
			if fl.name == "depends_on" {
				refs = fl.input.(*refList)
			}
		}
		refs.ids = append(refs.ids, versand.ID)
		u.save()
		if u.editor == nil {
			t.Fatal("saved a cycle")
		}
		if got := u.editor.problemOf(t, "depends_on"); !strings.Contains(got, "Bestellannahme → Versand → Bestellannahme") ||
			!strings.Contains(got, "im Kreis") {
			t.Errorf("cycle problem: %q", got)
		}
		if got := processByName(t, u, "Bestellannahme"); len(got.DependsOn) != 0 {
			t.Errorf("cycle stored: %v", got.DependsOn)
		}
	})
}

func TestSitesAndSuppliers(t *testing.T) {
	u := newTestUI(t)
	sites, err := store.List[handbook.Site](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(sites, func(s handbook.Site) bool { return s.Kit != "" })
	u.open(handbook.EntitySite, sites[i].ID)
	for _, want := range []string{"Notfallkoffer", "Bargeldkasse 500 €, versiegelt, Quittungsblock", "Wer aufschließt",
		"+49 40 66969 980", "Ausweichstandort für", "Zentrale Hamburg, Lager Buchholz"} {
		if !hasText(u.body, want) {
			t.Errorf("site lacks %q: %q", want, texts(u.body))
		}
	}
	test.Tap(findButton(t, u.body, "Notfallkoffer heute geprüft"))
	if got, err := store.Get[handbook.Site](u.ctx, u.st, sites[i].ID); err != nil || !got.KitCheckedAt.Equal(testNow) {
		t.Errorf("kit checked %v (%v), want now", got.KitCheckedAt, err)
	}

	sups, err := store.List[handbook.Supplier](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	j := slices.IndexFunc(sups, func(s handbook.Supplier) bool { return s.Name == "PayFlux Payments GmbH" })
	u.open(handbook.EntitySupplier, sups[j].ID)
	for _, want := range []string{"PF-MSA-2024-0417", "NLC-20931", "Hotline (24/7)", "PayFlux Merchant Support", "+49 69 90009 140",
		"Sven Albrecht", "+49 176 040690 41", "Reaktion innerhalb", "8 Std.", "RechnungPlus GmbH", "⚠ RTO 4 Std.", "Zahlungsabwicklung"} {
		if !hasText(u.body, want) {
			t.Errorf("supplier lacks %q: %q", want, texts(u.body))
		}
	}
	// A site cannot be its own alternate: the form offers the others only.
	u.open(handbook.EntitySite, sites[i].ID)
	test.Tap(findButton(t, u.body, "Bearbeiten"))
	for _, fl := range u.editor.fields {
		if fl.name == "alternate" && slices.Contains(fl.input.(*widget.Select).Options, sites[i].Name) {
			t.Errorf("the site is offered as its own alternate")
		}
	}
}

func TestBIASettings(t *testing.T) {
	u := newTestUI(t)
	u.nav.Select(u.screenIndex(t, "settings"))
	var factor *formEntry
	var points *listEditor
	walk(u.body, func(o fyne.CanvasObject) {
		if l, ok := o.(*listEditor); ok && len(l.rows) == 6 {
			points = l
		}
	})
	if points == nil {
		t.Fatalf("no time point list: %q", texts(u.body))
	}
	if points.rows[3].entry.Text != "1 Woche" {
		t.Errorf("time points shown as %q", points.rows[3].entry.Text)
	}
	walk(u.body, func(o fyne.CanvasObject) {
		if e, ok := o.(*formEntry); ok && e.Text == "0,5" {
			factor = e
		}
	})
	if factor == nil {
		t.Fatal("no RTO factor 0,5")
	}
	factor.SetText("1,5")
	save := findButtons(u.body, "Speichern")
	test.Tap(save[len(save)-1])
	if !hasText(u.body, "muss über 0 und höchstens 1 liegen (ist 1.5)") {
		t.Errorf("factor 1,5 accepted or not named: %q", texts(u.body))
	}
	factor.SetText("0,25")
	points.rows[0].entry.SetText("2 Std.")
	test.Tap(save[len(save)-1])
	st, err := u.st.Settings(u.ctx)
	if err != nil || st.RTOFactor != 0.25 || len(st.TimePoints) != 6 || st.TimePoints[0] != 2*handbook.Hour || st.Organisation == "" {
		t.Errorf("settings after save: %+v, %v", st, err)
	}
}

// findButtons lists the buttons with that text below o, in order.
func findButtons(o fyne.CanvasObject, text string) []*widget.Button {
	var out []*widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			out = append(out, b)
		}
	})
	return out
}

// TestDeleteNamesWhatStillRefersToIt: deleting a service that processes
// and other services need says which records still name it, as links, and
// Undo brings it back.
func TestDeleteNamesWhatStillRefersToIt(t *testing.T) {
	u := newTestUI(t)
	services, err := store.List[handbook.Service](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(services, func(s handbook.Service) bool { return s.Name == "Shop-Backend" })
	if i < 0 {
		t.Fatal("no Shop-Backend in the demo")
	}
	id := services[i].ID
	u.open(handbook.EntityService, id)
	test.Tap(findButton(t, u.body, "Löschen"))
	got := strings.Join(texts(u.body), "\n")
	for _, want := range []string{"„Shop-Backend“ wurde gelöscht.", "Diese Einträge nennen ihn noch; rückgängig machen oder dort entfernen:",
		"Webshop (Hängt ab von)"} {
		if !strings.Contains(got, want) {
			t.Errorf("after the delete, the screen lacks %q:\n%s", want, got)
		}
	}
	test.Tap(findButton(t, u.body, "Rückgängig"))
	if s, err := store.Get[handbook.Service](u.ctx, u.st, id); err != nil || s.Deleted {
		t.Fatalf("undo did not bring the service back: %v", err)
	}
}
