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
