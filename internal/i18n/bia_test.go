package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"ernstfall/assets"
	"ernstfall/internal/handbook"
)

func catalogs(t *testing.T) map[string]*Catalog {
	t.Helper()
	out := map[string]*Catalog{}
	for _, l := range Languages {
		c, err := Load(assets.Translations, l)
		if err != nil {
			t.Fatal(err)
		}
		out[l] = c
	}
	return out
}

func trOf(c *Catalog) Translator {
	return func(k string, d map[string]any) string { return c.T(k, d) }
}

// TestBIAKeys checks that every text of the BIA (validation problems,
// finding variants, durations, categories, ratings) is in both catalogs.
func TestBIAKeys(t *testing.T) {
	files, err := filepath.Glob("../handbook/*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`addT\("[a-z_]+",\s*("(?:[^"\\]|\\.)*")`)
	var keys []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllSubmatch(src, -1) {
			k, err := strconv.Unquote(string(m[1]))
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
	}
	if len(keys) < 10 {
		t.Fatalf("found %d validation texts; is the pattern broken?", len(keys))
	}
	keys = append(keys, planSlowKey, roleNobodyKey, viaKey, invalidKey, decimalKey, "1 month", "{{.N}} months", "1 week",
		"{{.N}} weeks", "1 day", "{{.N}} days", "{{.N}} h")
	for _, k := range CategoryKeys {
		keys = append(keys, k)
	}
	for _, k := range RatingKeys {
		keys = append(keys, k)
	}
	for l, c := range catalogs(t) {
		for _, k := range keys {
			if !c.Has(k) {
				t.Errorf("%s.json lacks %q", l, k)
			}
		}
	}
}

func TestSpan(t *testing.T) {
	cats := catalogs(t)
	tests := []struct {
		m      handbook.Minutes
		de, en string
	}{
		{30, "30 min", "30 min"},
		{4 * handbook.Hour, "4 Std.", "4 h"},
		{handbook.Day, "1 Tag", "1 day"},
		{3 * handbook.Day, "3 Tage", "3 days"},
		{handbook.Week, "1 Woche", "1 week"},
		{2 * handbook.Week, "2 Wochen", "2 weeks"},
		{handbook.Month, "1 Monat", "1 month"},
		{36 * handbook.Hour, "1 d 12 h", "1 d 12 h"},
		{0, "0 min", "0 min"},
	}
	for _, tt := range tests {
		if got := Span(tt.m, trOf(cats["de"])); got != tt.de {
			t.Errorf("Span(%d) de = %q, want %q", tt.m, got, tt.de)
		}
		if got := Span(tt.m, trOf(cats["en"])); got != tt.en {
			t.Errorf("Span(%d) en = %q, want %q", tt.m, got, tt.en)
		}
	}
	if got := Decimal(0.25, trOf(cats["de"])); got != "0,25" {
		t.Errorf("Decimal de = %q", got)
	}
	if got := Decimal(0.5, trOf(cats["en"])); got != "0.5" {
		t.Errorf("Decimal en = %q", got)
	}
	if got := CategoryName(handbook.ImpactCategory{Key: "legal"}, trOf(cats["de"])); got != "Recht und Regulierung" {
		t.Errorf("CategoryName(legal) = %q", got)
	}
	if got := CategoryName(handbook.ImpactCategory{Key: "umwelt", Name: "Umwelt"}, trOf(cats["en"])); got != "Umwelt" {
		t.Errorf("CategoryName(own) = %q", got)
	}
}

func TestBIAFindingText(t *testing.T) {
	cats := catalogs(t)
	tests := []struct {
		name   string
		f      handbook.Finding
		de, en string
	}{
		{"RTO gap", handbook.Finding{Code: handbook.CodeProcessRTOGap, Args: []string{"Shop-Backend", "480", "Bestellannahme", "240", ""}},
			"Shop-Backend RTO 8 Std. > Bestellannahme braucht 4 Std.", "Shop-Backend RTO 8 h > Bestellannahme needs 4 h"},
		{"RTO gap via another service", handbook.Finding{Code: handbook.CodeProcessRTOGap, Args: []string{"Datenbank", "1440", "Versand", "240", "Lager"}},
			"Datenbank RTO 1 Tag > Versand braucht 4 Std. (über Lager)", "Datenbank RTO 1 day > Versand needs 4 h (via Lager)"},
		{"SLA gap", handbook.Finding{Code: handbook.CodeSupplierSLAGap, Args: []string{"Paketdienst", "2880", "Lager", "240"}},
			"Dienstleister Paketdienst, Wiederherstellungszeit 2 Tage > Lager RTO 4 Std.", "Supplier Paketdienst restores within 2 days > Lager RTO 4 h"},
		{"kit overdue with a German date", handbook.Finding{Code: handbook.CodeKitOverdue, Args: []string{"Ausweichbüro", "2026-03-01", "91"}},
			"Der Notfallkoffer in Ausweichbüro wurde zuletzt am 01.03.2026 geprüft, vor mehr als 91 Tagen",
			"The emergency kit at Ausweichbüro was last checked on 2026-03-01, more than 91 days ago"},
		{"role nobody holds", handbook.Finding{Code: handbook.CodeRoleNoDeputy, Args: []string{"Versand", "Lagerleitung", ""}},
			"Der kritische Prozess Versand hängt an der Rolle Lagerleitung, die niemand innehat",
			"The critical process Versand depends on the role Lagerleitung, which nobody holds"},
		{"impact falls in a built-in category", handbook.Finding{Code: handbook.CodeImpactDecreases,
			Args: []string{"Marketing", "reputation", "", "10080", "3", "43200", "2"}},
			"Marketing: der Schaden bei Reputation sinkt von 3 (Zeitpunkt 1 Woche) auf 2 (Zeitpunkt 1 Monat)",
			"Marketing: the impact on Reputation falls from 3 at 1 week to 2 at 1 month"},
		{"plan too short for a slow service", handbook.Finding{Code: handbook.CodePlanTooShort, Args: []string{"Versand", "720", "1440", "Lager"}},
			"Der Geschäftsfortführungsplan von Versand trägt 12 Std., Lager braucht aber 1 Tag bis zum Wiederanlauf",
			"The continuity plan of Versand lasts 12 h, but Lager takes 1 day to recover"},
		{"process cycle", handbook.Finding{Code: handbook.CodeProcessCycle, Args: []string{"A", "B", "A"}},
			"Prozesse hängen im Kreis voneinander ab: A → B → A", "Processes depend on each other in a cycle: A → B → A"},
		{"invalid value with its values", handbook.Finding{Code: handbook.CodeInvalid, Name: "Hamburg", Args: []string{"alternate", "x"},
			Problem: &handbook.FieldError{Field: "alternate", Key: "the site {{.Name}} cannot be its own alternate site", Data: map[string]string{"Name": "Hamburg"}}},
			"Hamburg, Feld alternate: der Standort Hamburg kann nicht sein eigener Ausweichstandort sein",
			"Hamburg, field alternate: the site Hamburg cannot be its own alternate site"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cats["de"].Finding(tt.f); got != tt.de {
				t.Errorf("de = %q\nwant %q", got, tt.de)
			}
			if got := cats["en"].Finding(tt.f); got != tt.en {
				t.Errorf("en = %q\nwant %q", got, tt.en)
			}
		})
	}
}
