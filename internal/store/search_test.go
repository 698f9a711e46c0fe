package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/fixture"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestSearchGolden searches a generated handbook with every kind of query
// people type and compares hits, their order and snippets with the
// golden file: the ranking rules (title matches first, umlaut folding,
// phone forms) must not drift.
func TestSearchGolden(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	if _, err := s.Import(ctx, fixture.Generate(7, fixture.Size{Contacts: 600, Playbooks: 40, Services: 30})); err != nil {
		t.Fatal(err)
	}
	queries := []string{
		"systeme isol", "ransomware", "Ransomware Standort", "Müller", "mueller", "muller", "groß", "gross",
		"kr", "k", "sch", "030", "+49 30", "030 23125", "03023125", "0171 392", "+49 171", "23125",
		"hamburg", "dsgvo", "@example", "signal", "funk kanal", "vorlage", "stufe 2", "krise",
		"nordhafen cloud", "übung", "risiko 01", "maßnahme", "massnahme", "lage bestätigen", "x y z",
	}
	var b strings.Builder
	for _, q := range queries {
		for _, limit := range []int{5, 60} {
			hits, err := s.Search(ctx, q, limit)
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			fmt.Fprintf(&b, "## %q limit %d: %d hits\n", q, limit, len(hits))
			for _, h := range hits {
				fmt.Fprintf(&b, "%s %s %q %q\n", h.Entity, h.ID, h.Title, h.Snippet)
			}
		}
	}
	path := filepath.Join("testdata", "search.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("search results differ from %s at line %d:\ngot  %s\nwant %s", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("search results differ from %s in length: %d lines, want %d", path, len(gl), len(wl))
	}
}

// TestSearchIndexMigration opens a database written at schema 2, before
// the search index had prefix indexes, and searches it after the upgrade:
// the rebuilt index finds what the old one held, with the same snippet.
func TestSearchIndexMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:2] {
		if _, err := db.ExecContext(ctx, m.sql); err != nil {
			t.Fatalf("schema %d: %v", m.version, err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO schema_version VALUES (?, '2026-01-01T00:00:00Z')`, m.version); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES
		('device_id', '0190aaaa-0000-7000-8000-000000000001'), ('handbook_id', '0190aaaa-0000-7000-8000-000000000002')`); err != nil {
		t.Fatal(err)
	}
	data := `{"id":"c1","name":"Jörg Müller","phone_mobile":"+49 30 23125 412","team":"IT-Betrieb"}`
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(data), &fields); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO records(rowid, entity, id, data, label, created_at, updated_at)
		VALUES (7, 'contact', 'c1', ?, 'Jörg Müller', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`, data); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO search(rowid, title, body) VALUES (7, ?, ?)`,
		indexForm("Jörg Müller"), indexForm(searchText(fields))); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := open(t, path)
	var table string
	if err := s.r.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE name = 'search'`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table, "prefix") {
		t.Errorf("search index after the upgrade: %s; want prefix indexes", table)
	}
	for _, q := range []string{"mueller", "030 23125", "+49 30", "it-betr", "j"} {
		hits, err := s.Search(ctx, q, 10)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		if len(hits) != 1 || hits[0].ID != "c1" || hits[0].Title != "Jörg Müller" {
			t.Errorf("search %q after the upgrade: %+v, want the contact c1", q, hits)
		}
	}
	if hits, _ := s.Search(ctx, "030 23125", 10); len(hits) == 1 && hits[0].Snippet != "+49 30 23125 412" {
		t.Errorf("snippet %q, want the number as written", hits[0].Snippet)
	}
}
