package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// badHour changes the demo handbook at 04:00 UTC: a phone overwritten, a
// playbook deleted, a contact added.
func badHour(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 11, 26, 4, 0, 0, 0, time.UTC)
	st, err := store.Open(ctx, db, store.Options{Now: func() time.Time { at = at.Add(time.Millisecond); return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	found, err := st.FindRecords(ctx, handbook.EntityContact, "Dr. Katrin Albers")
	if err != nil || len(found) != 1 {
		t.Fatalf("find contact: %v %v", err, found)
	}
	c, err := store.Get[handbook.Contact](ctx, st, found[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	after := c
	after.PhoneMobile = "+49 170 0000000"
	if err := store.Edit(ctx, st, &c, &after); err != nil {
		t.Fatal(err)
	}
	pbs, err := st.FindRecords(ctx, handbook.EntityPlaybook, "Ransomware-Angriff")
	if err != nil || len(pbs) != 1 {
		t.Fatalf("find playbook: %v %v", err, pbs)
	}
	if err := st.Delete(ctx, handbook.EntityPlaybook, pbs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := store.Put(ctx, st, &handbook.Contact{Name: "Mallory Müller", Email: "m@example.com"}); err != nil {
		t.Fatal(err)
	}
}

func TestHistoryCommand(t *testing.T) {
	db := demoDB(t)
	badHour(t, db)
	later := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	since := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC).Local().Format("02.01.2006 15:04")

	r := runAt(t, &later, "--db", db, "history", "--since", since)
	if r.code != 0 {
		t.Fatalf("history: %+v", r)
	}
	for _, want := range []string{`contact "Dr. Katrin Albers"`, `phone_mobile`, `"+49 171 39200 11" → "+49 170 0000000"`,
		`playbook "Ransomware-Angriff"`, "(deleted)", `contact "Mallory Müller"`, "(created)", "this laptop"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("history lacks %q:\n%s", want, r.stdout)
		}
	}
	if lines := strings.Count(r.stdout, "\n"); lines != 4 {
		t.Errorf("want the heading and three edits, got %d lines:\n%s", lines, r.stdout)
	}

	r = runAt(t, &later, "--db", db, "history", "--id", "Dr. Katrin Albers", "--json", "--limit", "0")
	var list []changeJSON
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || r.code != 0 {
		t.Fatalf("history --json: %v %+v", err, r)
	}
	if len(list) < 3 || list[0].Field != "phone_mobile" || string(list[0].Old) != `"+49 171 39200 11"` || !list[len(list)-1].Created {
		t.Errorf("history of one contact: %+v", list[0])
	}

	r = runLang(t, "de", "--db", db, "history", "--entity", "playbook", "--limit", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "(gelöscht)") || !strings.Contains(r.stdout, "dieser Laptop") || !strings.Contains(r.stdout, "ältere Änderungen") {
		t.Errorf("German history of playbooks: %+v", r)
	}
	for _, bad := range [][]string{{"--since", "morgen"}, {"--entity", "kontakt"}, {"--limit", "-1"}} {
		if r := runAt(t, &later, append([]string{"--db", db, "history"}, bad...)...); r.code != ExitUsage {
			t.Errorf("history %v: exit %d, want usage error: %+v", bad, r.code, r)
		}
	}
	if r := runAt(t, &later, "--db", db, "history", "--id", "Niemand"); r.code != ExitFindings || !strings.Contains(r.stderr, "no record") {
		t.Errorf("history of an unknown record: %+v", r)
	}
}

func TestRestoreCommand(t *testing.T) {
	db := demoDB(t)
	badHour(t, db)
	later := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	point := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC).Local().Format("2006-01-02 15:04")
	state := func() string {
		t.Helper()
		r := runAt(t, &later, "--db", db, "export", "--format", "json", "-o", filepath.Join(t.TempDir(), "x.json"))
		if r.code != 0 {
			t.Fatalf("export: %+v", r)
		}
		r = runAt(t, &later, "--db", db, "search", "Ransomware-Angriff")
		r2 := runAt(t, &later, "--db", db, "search", "Mallory")
		r3 := runAt(t, &later, "--db", db, "search", "39200 11")
		return r.stdout + r2.stdout + r3.stdout
	}
	bad := state()

	r := runAt(t, &later, "--db", db, "restore", "--as-of", point, "--dry-run")
	if r.code != 0 {
		t.Fatalf("dry run: %+v", r)
	}
	for _, want := range []string{`contact "Dr. Katrin Albers"`, `"+49 170 0000000" → "+49 171 39200 11"`,
		`contact "Mallory Müller": deleted`, `playbook "Ransomware-Angriff": brought back`,
		"1 records set back, 1 deleted, 1 brought back.", "Dry run"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, r.stdout)
		}
	}
	if state() != bad {
		t.Fatal("the dry run changed the handbook")
	}

	r = runAt(t, &later, "--db", db, "restore", "--as-of", point)
	if r.code != 0 || !strings.Contains(r.stdout, "Done.") || !strings.Contains(r.stdout, "before-restore-") {
		t.Fatalf("restore: %+v", r)
	}
	good := state()
	if good == bad || strings.Contains(good, "Mallory Müller") || !strings.Contains(good, "Ransomware-Angriff") {
		t.Fatalf("after the restore:\n%s", good)
	}
	undo := regexp.MustCompile(`--as-of "([^"]+)"`).FindStringSubmatch(r.stdout)
	if undo == nil {
		t.Fatalf("no undo hint in:\n%s", r.stdout)
	}
	if r := runAt(t, &later, "--db", db, "restore", "--as-of", undo[1]); r.code != 0 {
		t.Fatalf("undo: %+v", r)
	}
	if got := state(); got != bad {
		t.Errorf("undoing the restore did not bring the state before it back:\n%s\nwant\n%s", got, bad)
	}
	// One record only: the contact goes back, the rest stays.
	r = runAt(t, &later, "--db", db, "restore", "--as-of", point, "--id", "Dr. Katrin Albers")
	if r.code != 0 || !strings.Contains(r.stdout, `only contact "Dr. Katrin Albers"`) || !strings.Contains(r.stdout, "1 records set back, 0 deleted, 0 brought back.") {
		t.Fatalf("restore of one record: %+v", r)
	}
	if got := state(); !strings.Contains(got, "Mallory Müller") || !strings.Contains(got, "39200 11") {
		t.Errorf("after restoring one contact:\n%s", got)
	}
	if r := runAt(t, &later, "--db", db, "restore", "--as-of", undo[1]); r.code != 0 {
		t.Fatalf("undo: %+v", r)
	}
	// The backup written before the undo holds the restored state.
	backups, err := filepath.Glob(filepath.Join(filepath.Dir(db), "backups", "before-restore-*.db"))
	if err != nil || len(backups) != 4 {
		t.Fatalf("backups before restores: %v %v", err, backups)
	}
	if r := runAt(t, &later, "--db", db, "restore", "--from-backup", backups[1]); r.code != 0 {
		t.Fatalf("restore from backup: %+v", r)
	}
	if got := state(); got != good {
		t.Errorf("restoring the backup did not bring its state back:\n%s\nwant\n%s", got, good)
	}
	partial := filepath.Join(t.TempDir(), "partial.db")
	if err := os.WriteFile(partial, []byte("SQLite format 3\x00 cut off"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runAt(t, &later, "--db", db, "restore", "--from-backup", partial); r.code != ExitFindings || !strings.Contains(r.stderr, "Nothing was changed") {
		t.Errorf("restore from a partial backup: %+v", r)
	}
	if got := state(); got != good {
		t.Error("a refused restore changed the handbook")
	}
	if r := runAt(t, &later, "--db", db, "restore", "--as-of", point, "--from-backup", "x.db"); r.code != ExitUsage {
		t.Errorf("both targets: %+v", r)
	}
	if r := runAt(t, &later, "--db", db, "restore", "--as-of", "2026-11-26 06:00"); r.code != ExitFindings || !strings.Contains(r.stderr, "future") {
		t.Errorf("a time in the future: %+v", r)
	}
}
