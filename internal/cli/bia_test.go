package cli

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

func TestBIACommand(t *testing.T) {
	db := demoDB(t)
	t.Run("text, German", func(t *testing.T) {
		r := runLang(t, "de", "--db", db, "bia")
		if r.code != 0 {
			t.Fatalf("bia: %+v", r)
		}
		lines := strings.Split(r.stdout, "\n")
		if !strings.HasPrefix(lines[0], "Prozess") || !strings.Contains(lines[0], "MTA") || !strings.Contains(lines[0], "RTO erreicht") {
			t.Errorf("header %q", lines[0])
		}
		var order []string
		for _, l := range lines[1:9] {
			order = append(order, strings.Fields(l)[0])
		}
		want := []string{"Bestellannahme", "Versand", "Zahlungsabwicklung", "Kundenservice", "Buchhaltung", "Einkauf", "Lohnabrechnung", "Marketing"}
		if !slices.Equal(order, want) {
			t.Errorf("processes by criticality = %q, want %q", order, want)
		}
		for _, w := range []string{
			"Versand             hoch          1 Tag             4 Std.         1 Std.  1 Tag ⚠       Buchhaltung/ERP über Lager/Versand",
			"Marketing           niedrig       mehr als 1 Monat",
			"Warnung: Buchhaltung/ERP RTO 1 Tag > Versand braucht 4 Std. (über Lager/Versand)",
			"Warnung: Dienstleister PayFlux Payments GmbH, Wiederherstellungszeit 8 Std. > Zahlungsabwicklung RTO 4 Std.",
			"MTA × 0,5",
		} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("output lacks %q:\n%s", w, r.stdout)
			}
		}
	})
	t.Run("csv for spreadsheets", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "bia.csv")
		r := run(t, "--db", db, "bia", "--format", "csv", "--separator", ";", "-o", out)
		if r.code != 0 || !strings.Contains(r.stderr, "8 business processes") {
			t.Fatalf("bia csv: %+v", r)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), "\ufeff") || !strings.Contains(string(data), "\r\n") {
			t.Errorf("file for spreadsheets without BOM or CRLF")
		}
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
		cr.Comma = ';'
		recs, err := cr.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 9 || !slices.Equal(recs[0], biaColumns) {
			t.Fatalf("%d rows, header %q", len(recs), recs[0])
		}
		byName := map[string][]string{}
		for _, rec := range recs[1:] {
			byName[rec[0]] = rec
		}
		v := byName["Versand"]
		col := func(name string) string { return v[slices.Index(biaColumns, name)] }
		if col("criticality") != "high" || col("mtpd_minutes") != "1440" || col("required_rto_minutes") != "240" ||
			col("achieved_rto_minutes") != "1440" || col("gap") != "yes" || col("weakest_link") != "Buchhaltung/ERP" ||
			col("via") != "Lager/Versand" || col("cells_rated") != "30" || col("assessed_by") != "Lena Hoffmann" {
			t.Errorf("Versand row %q", v)
		}
		if byName["Bestellannahme"][slices.Index(biaColumns, "gap")] != "" {
			t.Errorf("Bestellannahme has a gap: %q", byName["Bestellannahme"])
		}
	})
	t.Run("cells never run as formulas", func(t *testing.T) {
		ctx := context.Background()
		st, err := store.Open(ctx, db, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p := handbook.BusinessProcess{Name: `=HYPERLINK("http://example.com","Klick")`}
		if err := store.Put(ctx, st, &p); err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		r := run(t, "--db", db, "bia", "--format", "csv")
		if r.code != 0 || !strings.Contains(r.stdout, `"'=HYPERLINK(""http://example.com"",""Klick"")"`) ||
			!strings.Contains(r.stdout, "not assessed") {
			t.Errorf("formula cell not neutralised: %+v", r)
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		if r := run(t, "--db", db, "bia", "--format", "xlsx"); r.code != ExitUsage || !strings.Contains(r.stderr, `unknown format "xlsx"`) {
			t.Errorf("--format xlsx: %+v", r)
		}
		if r := run(t, "--db", db, "bia", "-o", db); r.code == 0 || !strings.Contains(r.stderr, "database itself") {
			t.Errorf("-o the database: %+v", r)
		}
	})
	t.Run("empty handbook", func(t *testing.T) {
		empty := filepath.Join(t.TempDir(), "e.db")
		run(t, "--db", empty, "init")
		if r := run(t, "--db", empty, "bia"); r.code != 0 || !strings.Contains(r.stdout, "no business processes yet") {
			t.Errorf("empty: %+v", r)
		}
	})
}

func TestRestoreOrderWeighsBusinessNeed(t *testing.T) {
	db := demoDB(t)
	r := run(t, "--db", db, "restore-order")
	if r.code != 0 {
		t.Fatalf("restore-order: %+v", r)
	}
	pos := func(name string) int { return strings.Index(r.stdout, " "+name+" ") }
	// E-Mail has the shorter RTO (8 h against 1 day), but Versand, a
	// critical process, needs the ERP; E-Mail serves only less critical ones.
	if pos("Buchhaltung/ERP") < 0 || pos("E-Mail & Kollaboration") < 0 || pos("Buchhaltung/ERP") > pos("E-Mail & Kollaboration") {
		t.Errorf("Buchhaltung/ERP should come before E-Mail:\n%s", r.stdout)
	}
}

// TestImportRefusesImpossibleBIA: a backup edited by hand with impossible
// BIA values is refused by the dry run as by the import itself, with the
// record, the field and the value named, and nothing is written.
func TestImportRefusesImpossibleBIA(t *testing.T) {
	db := demoDB(t)
	backup := filepath.Join(t.TempDir(), "backup.json")
	if r := run(t, "--db", db, "export", "--format", "json", "-o", backup); r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to string
		want           []string
	}{
		{"a rating of 9", `"impact.financial.4h": 3`, `"impact.financial.4h": 9`,
			[]string{"Bestellannahme", "the rating of financial at 4 h must be 1 to 4 (is 9)"}},
		{"a negative minimum staff", `"min_staff": 6,`, `"min_staff": -6,`,
			[]string{"Bestellannahme", "min_staff", "must not be negative (is -6)"}},
		{"an SLA of two million years", `"sla_restoration_minutes": 1440`, `"sla_restoration_minutes": 1051200000000`,
			[]string{"RechnungPlus GmbH", "sla_restoration_minutes", "longer than ten years", "check the unit"}},
		{"a factor of 5", `"rto_factor": 0.5`, `"rto_factor": 5`,
			[]string{"settings", "rto_factor", "must lie above 0 and at most 1 (is 5)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := string(data)
			if tt.name == "a factor of 5" {
				text = strings.Replace(text, `"settings": {`, `"settings": {"rto_factor": 0.5,`, 1)
			}
			if !strings.Contains(text, tt.from) {
				t.Fatalf("the backup holds no %s", tt.from)
			}
			file := filepath.Join(t.TempDir(), "edited.json")
			// Not in the releases, which carry the records' text as it was
			// released: in the record itself.
			i := strings.Index(text, tt.from)
			if from, to := strings.Index(text, `"releases"`), strings.Index(text, `"reviews"`); from >= 0 && i > from && i < to {
				i = to + strings.Index(text[to:], tt.from)
			}
			if err := os.WriteFile(file, []byte(text[:i]+tt.to+text[i+len(tt.from):]), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"import", "--dry-run", file}, {"import", file}} {
				r := run(t, append([]string{"--db", db}, args...)...)
				if r.code == 0 {
					t.Fatalf("%v accepted it: %+v", args, r)
				}
				for _, w := range append(tt.want, "nothing was imported") {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("%v: message lacks %q: %s", args, w, r.stderr)
					}
				}
			}
			after, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(before, after) {
				t.Error("the database changed")
			}
		})
	}
}
