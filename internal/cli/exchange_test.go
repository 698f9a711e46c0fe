package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
)

// backupOf exports a database as JSON and returns the handbook part.
func backupOf(t *testing.T, db string) handbook.Handbook {
	t.Helper()
	r := run(t, "--db", db, "export", "--format", "json", "-o", "-")
	if r.code != 0 {
		t.Fatalf("export json: %+v", r)
	}
	var b exchange.Backup
	if err := json.Unmarshal([]byte(r.stdout), &b); err != nil {
		t.Fatal(err)
	}
	return b.Handbook
}

func emptyDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "leer.db")
	if r := run(t, "--db", db, "init"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	return db
}

func TestExportImportRoundTrips(t *testing.T) {
	src := demoDB(t)
	want := backupOf(t, src)
	tests := []struct {
		format, name string
		// contactsOnly: the format carries contacts only.
		contactsOnly bool
	}{
		{"json", "backup.json", false},
		{"md", "handbuch", false},
		{"csv", "kontakte.csv", true},
		{"vcf", "kontakte.vcf", true},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.name)
			if r := run(t, "--db", src, "export", "--format", tt.format, "-o", path); r.code != 0 {
				t.Fatalf("export: %+v", r)
			}
			db := emptyDB(t)
			r := run(t, "--db", db, "import", path)
			if r.code != 0 {
				t.Fatalf("import: %+v", r)
			}
			got := backupOf(t, db)
			if tt.contactsOnly {
				if len(got.Contacts) != len(want.Contacts) {
					t.Fatalf("%d contacts, want %d", len(got.Contacts), len(want.Contacts))
				}
				byID := map[string]handbook.Contact{}
				for _, c := range got.Contacts {
					byID[c.ID] = c
				}
				for _, w := range want.Contacts {
					g, ok := byID[w.ID]
					if !ok {
						t.Errorf("contact %s lost its ID %s", w.Name, w.ID)
						continue
					}
					g.CreatedAt, g.UpdatedAt = w.CreatedAt, w.UpdatedAt
					if g != w {
						t.Errorf("contact %s:\n got %+v\nwant %+v", w.Name, g, w)
					}
				}
				return
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			if string(gj) != string(wj) {
				t.Errorf("handbook differs after %s round trip:\n got %s\nwant %s", tt.format, gj, wj)
			}
			if r := run(t, "--db", db, "import", path); r.code != 0 || !strings.Contains(r.stdout, ": 0 ") {
				t.Errorf("second import changed something: %+v", r)
			}
		})
	}
}

func TestImportContactsPreview(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("neu.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nina Neu\r\nTEL;TYPE=CELL:0176 04069077\r\nEND:VCARD\r\n"+
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Katrin Doppelt\r\nEMAIL:k.albers@example.com\r\nEND:VCARD\r\n")
	broken := write("kaputt.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Olaf Ok\r\nEMAIL:olaf@example.com\r\nEND:VCARD\r\n"+
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ohne Ende\r\n")
	binary := write("bild.csv", "\x89PNG\r\n\x1a\n\x00\x00")
	before := len(backupOf(t, db).Contacts)
	tests := []struct {
		name  string
		args  []string
		code  int
		wants []string
		added int
	}{
		{"dry run shows the preview and writes nothing", []string{"import", good, "--dry-run"}, 0,
			[]string{"1 new", "1 duplicates", "same email k.albers@example.com", "Nina Neu", "dry run: nothing was written"}, 0},
		{"broken file imports nothing", []string{"import", broken}, 1, []string{"kaputt.vcf: line 6", "no END:VCARD", "nothing was imported"}, 0},
		{"binary file is refused", []string{"import", binary}, 1, []string{"bild.csv", "binary"}, 0},
		{"bad duplicates flag", []string{"import", good, "--duplicates", "merge"}, 2, []string{"--duplicates"}, 0},
		{"skip-invalid imports the rest", []string{"import", broken, "--skip-invalid"}, 0, []string{"1 contacts changed"}, 1},
		{"duplicates skipped by default", []string{"import", good}, 0, []string{"1 contacts changed"}, 2},
		{"duplicates created on request", []string{"import", good, "--duplicates", "create"}, 0, []string{"2 contacts changed"}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append([]string{"--db", db}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %+v", r.code, tt.code, r)
			}
			for _, w := range tt.wants {
				if !strings.Contains(r.stdout+r.stderr, w) {
					t.Errorf("output lacks %q:\n%s%s", w, r.stdout, r.stderr)
				}
			}
			if n := len(backupOf(t, db).Contacts); n != before+tt.added {
				t.Errorf("%d contacts, want %d", n, before+tt.added)
			}
		})
	}
}

func TestImportPlainMarkdownFolder(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "stromausfall.md"), []byte("# Stromausfall im Büro\n\n## Sofortmaßnahmen\n- [ ] USV prüfen\n"), 0o644)
	r := run(t, "--db", db, "import", dir, "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "playbook") || !strings.Contains(r.stdout, "dry run") {
		t.Fatalf("dry run: %+v", r)
	}
	for i, want := range []string{"1 records changed", "0 records changed"} {
		if r := run(t, "--db", db, "import", dir); r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Fatalf("import %d: %+v, want %q", i+1, r, want)
		}
	}
	if r := run(t, "--db", db, "search", "USV"); !strings.Contains(r.stdout, "Stromausfall im Büro") {
		t.Errorf("imported playbook not found: %+v", r)
	}
}

func TestVerifyListAndCallTree(t *testing.T) {
	db := demoDB(t)
	out := filepath.Join(t.TempDir(), "pruefen.csv")
	r := run(t, "--db", db, "verify-list", "-o", out, "--stale-days", "30", "--team", "Geschäftsführung")
	if r.code != 0 || !strings.Contains(r.stderr, "contacts to verify") {
		t.Fatalf("verify-list: %+v", r)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff"))).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "id" || rows[0][3] != "team" {
		t.Fatalf("verify list (%v):\n%s", err, data)
	}
	for _, row := range rows[1:] {
		if row[3] != "Geschäftsführung" {
			t.Errorf("row of another team: %q", row)
		}
	}
	r = run(t, "--db", db, "verify-list", "-o", "-")
	rows, err = csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.code != 0 || err != nil || len(rows) < 3 || rows[1][1] != "Miriam Scholz" || rows[1][16] == "" || rows[2][1] != "Bollwerk Shield SOC" || rows[2][14] != "" {
		t.Errorf("default list, the number to correct first, then never verified: %v %+v", err, r)
	}
	r = run(t, "--db", db, "call-tree")
	for _, w := range []string{"Stufe 1 – Störung (within 30 min)", "Stufe 4 – Katastrophe", "Krisenstab-Leitung: Dr. Katrin Albers (+49 171 39200 11); if unreachable: Markus Oberländer", "→ "} {
		if r.code != 0 || !strings.Contains(r.stdout, w) {
			t.Errorf("call-tree lacks %q: %+v", w, r)
		}
	}
}
