package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/fixture"
	"ernstfall/internal/handbook"
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
				fmt.Fprintf(&b, "%s %s %q %q", h.Entity, h.ID, marked(h.Title, h.TitleMarks), marked(h.Snippet, h.SnippetMarks))
				for _, n := range h.Numbers {
					fmt.Fprintf(&b, " %s=%q", n.Kind, n.Number)
				}
				if h.Parts != nil {
					fmt.Fprintf(&b, " parts=%q", h.Parts)
				}
				b.WriteByte('\n')
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

// marked shows the spans of s in [brackets].
func marked(s string, spans []Span) string {
	var b strings.Builder
	at := 0
	for _, m := range spans {
		b.WriteString(s[at:m.Start] + "[" + s[m.Start:m.End] + "]")
		at = m.End
	}
	b.WriteString(s[at:])
	return b.String()
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

// TestSearchCompounds: a compound the handbook does not write finds what
// its parts find ("Datenschutzbehörde" the contact that is the
// "Aufsichtsbehörde" for "Datenschutz"), with the parts marked; words the
// handbook has no part of find nothing.
func TestSearchCompounds(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	for _, c := range []handbook.Contact{
		{Name: "Der Landesbeauftragte für Datenschutz Nordmark", Function: "Aufsichtsbehörde nach Art. 33 DSGVO", PhoneOffice: "+49 30 23125 210"},
		{Name: "Dr. Katrin Albers", Function: "Krisenstab-Leitung, Geschäftsführerin", PhoneMobile: "+49 171 39200 11"},
		{Name: "Polizei Nordmark", Function: "Zentrale Ansprechstelle Cybercrime", PhoneOffice: "+49 40 66969 950"},
		{Name: "Lagerverwaltung", Function: "Versand und Logistik", PhoneOffice: "+49 40 66969 700"},
	} {
		if err := Put(ctx, s, &c); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		query, want string
		parts       []string
	}{
		{"Datenschutzbehörde", "Der Landesbeauftragte für Datenschutz Nordmark", []string{"datenschutz", "behoerde"}},
		{"datenschutzbehorde", "Der Landesbeauftragte für Datenschutz Nordmark", []string{"datenschutz", "behorde"}},
		{"Behörde", "Der Landesbeauftragte für Datenschutz Nordmark", []string{"behoerde"}},
		{"Krisenstabsleitung", "Dr. Katrin Albers", []string{"krisenstab", "leitung"}},
		{"Cybercrime-Ansprechstelle", "Polizei Nordmark", nil}, // two words, both start words
		{"Datenschutzbehörde Nordmark", "Der Landesbeauftragte für Datenschutz Nordmark", []string{"datenschutz", "behoerde", "nordmark"}},
		{"Lagerlogistik", "Lagerverwaltung", []string{"lager", "logistik"}},
		{"Datenschutzquatsch", "", nil},
		{"Feuerwehr", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			hits, err := s.Search(ctx, tt.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if len(hits) != 0 {
					t.Fatalf("%q found %v; want nothing", tt.query, hits)
				}
				return
			}
			if len(hits) == 0 || hits[0].Title != tt.want {
				t.Fatalf("%q found %+v; want %q first", tt.query, hits, tt.want)
			}
			if !slices.Equal(hits[0].Parts, tt.parts) {
				t.Errorf("parts %q, want %q", hits[0].Parts, tt.parts)
			}
			if len(hits[0].TitleMarks)+len(hits[0].SnippetMarks) == 0 {
				t.Errorf("nothing marked in %q / %q", hits[0].Title, hits[0].Snippet)
			}
			if hits[0].Snippet != "" && len(hits[0].SnippetMarks) == 0 {
				t.Errorf("snippet %q does not hold the word", hits[0].Snippet)
			}
		})
	}
}

// TestSearchCompoundInsideAndApart: a compound that stands whole inside a
// longer word of one record ("Landesdatenschutzbehörde") and in parts in
// another ("Datenschutz", "Aufsichtsbehörde") finds both records.
func TestSearchCompoundInsideAndApart(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	for _, c := range []handbook.Contact{
		{Name: "Der Landesbeauftragte für Datenschutz Nordmark", Function: "Aufsichtsbehörde nach Art. 33 DSGVO", PhoneOffice: "+49 30 23125 210"},
		{Name: "Meldewege", Function: "Meldung an die Landesdatenschutzbehörde binnen 72 h", PhoneOffice: "+49 30 23125 211"},
	} {
		if err := Put(ctx, s, &c); err != nil {
			t.Fatal(err)
		}
	}
	hits, err := s.Search(ctx, "Datenschutzbehörde", 10)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, h := range hits {
		titles = append(titles, h.Title)
	}
	slices.Sort(titles)
	if want := []string{"Der Landesbeauftragte für Datenschutz Nordmark", "Meldewege"}; !slices.Equal(titles, want) {
		t.Fatalf("found %q, want %q", titles, want)
	}
}

// TestSearchCompoundAnyPart: when no record holds every part of a
// compound, the records holding some of them are found and marked as
// such ("Rechenzentrumsausfall": the data centre's contact and the outage
// playbook, neither about both); a word without parts still finds nothing.
func TestSearchCompoundAnyPart(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	if err := Put(ctx, s, &handbook.Contact{Name: "NOC Rechenzentrum Nordhafen", PhoneOffice: "+49 40 66969 990"}); err != nil {
		t.Fatal(err)
	}
	if err := Put(ctx, s, &handbook.Playbook{Title: "Ausfall des Zahlungsdienstleisters", Body: "Wenn Zahlungen scheitern."}); err != nil {
		t.Fatal(err)
	}
	if err := Put(ctx, s, &handbook.Contact{Name: "Lagerverwaltung", Function: "Versand", PhoneOffice: "+49 40 66969 700"}); err != nil {
		t.Fatal(err)
	}
	hits, err := s.Search(ctx, "Rechenzentrumsausfall", 10)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, h := range hits {
		titles = append(titles, h.Title)
		if !h.AnyPart || !slices.Equal(h.Parts, []string{"rechenzentrum", "ausfall"}) {
			t.Errorf("%q: any part %v, parts %q", h.Title, h.AnyPart, h.Parts)
		}
		if len(h.TitleMarks)+len(h.SnippetMarks) == 0 {
			t.Errorf("nothing marked in %q", h.Title)
		}
	}
	slices.Sort(titles)
	if want := []string{"Ausfall des Zahlungsdienstleisters", "NOC Rechenzentrum Nordhafen"}; !slices.Equal(titles, want) {
		t.Fatalf("found %q, want %q", titles, want)
	}
	if hits, err := s.Search(ctx, "Rechenzentrum", 10); err != nil || len(hits) != 1 || hits[0].AnyPart || hits[0].Parts != nil {
		t.Fatalf("a plain word: %+v, %v", hits, err)
	}
	if hits, err := s.Search(ctx, "Rechenzentrumsquatsch", 10); err != nil || len(hits) != 0 {
		t.Fatalf("a word with a part not in the handbook found %+v (%v)", hits, err)
	}
}
