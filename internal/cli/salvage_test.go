package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/exchange"
	"ernstfall/internal/store"
)

// damagedDemo is a demo handbook with one automatic backup, cut off at
// 70 %: the state a disk failure or a pulled stick leaves.
func damagedDemo(t *testing.T) (db, backup string) {
	t.Helper()
	db = demoDB(t)
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	backup, err = st.AutoBackup(context.Background(), store.ReasonSync, 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, data[:len(data)*7/10], 0o600); err != nil {
		t.Fatal(err)
	}
	return db, backup
}

// TestDamagedDatabaseMessage: a command on a damaged handbook says what
// to do: the newest good backup by name, and the salvage command.
func TestDamagedDatabaseMessage(t *testing.T) {
	db, backup := damagedDemo(t)
	for _, args := range [][]string{{"search", "Ransomware"}, {"check"}, {"export", "--format", "json", "-o", "-"},
		{"incident", "start", "--title", "Test"}} {
		r := run(t, append([]string{"--db", db}, args...)...)
		if r.code == 0 {
			t.Errorf("%v on a damaged handbook exited 0: %+v", args, r)
			continue
		}
		for _, want := range []string{"salvage", filepath.Base(backup)} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%v: message lacks %q:\n%s", args, want, r.stderr)
			}
		}
	}
}

// TestSalvageCommand: salvage writes what can be read as a JSON backup,
// says how many records of each kind it saved, and that file restores
// into a new database.
func TestSalvageCommand(t *testing.T) {
	db, _ := damagedDemo(t)
	out := filepath.Join(t.TempDir(), "rettung.json")
	r := run(t, "--db", db, "salvage", "-o", out)
	if r.code != 0 || !strings.Contains(r.stdout, "contact") || !strings.Contains(r.stdout, "playbook") {
		t.Fatalf("salvage: %+v", r)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := exchange.ReadBackup(out, data)
	if err != nil {
		t.Fatalf("the salvage is not a readable backup: %v", err)
	}
	if len(b.Handbook.Contacts) < 10 || b.HandbookID == "" {
		t.Errorf("salvage holds %d contacts, handbook %q", len(b.Handbook.Contacts), b.HandbookID)
	}
	fresh := filepath.Join(t.TempDir(), "neu.db")
	if r := run(t, "--db", fresh, "init"); r.code != 0 {
		t.Fatal(r)
	}
	if r := run(t, "--db", fresh, "import", out); r.code != 0 {
		t.Fatalf("import of the salvage: %+v", r)
	}
	if r := run(t, "--db", fresh, "search", "Ransomware"); r.code != 0 || !strings.Contains(r.stdout, "Ransomware") {
		t.Errorf("search in the restored handbook: %+v", r)
	}
	for _, args := range [][]string{{"salvage"}, {"salvage", "-o", db}} {
		if r := run(t, append([]string{"--db", db}, args...)...); r.code == 0 {
			t.Errorf("%v: %+v, want a refusal", args, r)
		}
	}
}
