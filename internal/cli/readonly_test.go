package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/rotest"
	"ernstfall/internal/store"
)

// readCommands are the commands that only read the handbook, each with
// what its output must show; "OUT" is replaced by a fresh output path.
var readCommands = []struct {
	args []string
	want string
}{
	{[]string{"search", "Ransomware"}, "Ransomware"},
	{[]string{"check"}, "warnings"},
	{[]string{"restore-order"}, "RTO"},
	{[]string{"call-tree"}, "within"},
	{[]string{"export", "--format", "json", "-o", "-"}, "ernstfall-backup"},
	{[]string{"export", "--format", "csv", "-o", "-"}, "phone_mobile"},
	{[]string{"export", "--format", "vcf", "-o", "-"}, "BEGIN:VCARD"},
	{[]string{"export", "--format", "md", "-o", "OUT"}, ""},
	{[]string{"verify-list", "-o", "-"}, "last_verified_at"},
	{[]string{"incidents"}, ""},
	{[]string{"conflicts"}, ""},
	{[]string{"binder", "-o", "OUT"}, "pages"},
	{[]string{"history", "--limit", "5"}, ""},
	{[]string{"on-call"}, ""},
	{[]string{"backups"}, ""},
}

// runReadCommands runs every read command on db and checks each works.
func runReadCommands(t *testing.T, db string) {
	t.Helper()
	out := t.TempDir()
	for i, c := range readCommands {
		args := append([]string{"--db", db}, c.args...)
		for j, a := range args {
			if a == "OUT" {
				args[j] = filepath.Join(out, "out"+string(rune('a'+i)))
			}
		}
		start := time.Now()
		r := run(t, args...)
		if r.code != 0 || !strings.Contains(r.stdout+r.stderr, c.want) {
			t.Errorf("%v: %+v", c.args, r)
		}
		if d := time.Since(start); d > 8*time.Second {
			t.Errorf("%v took %v: it waited for a lock", c.args, d)
		}
	}
}

func dirSnapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out[e.Name()] = data
		}
	}
	return out
}

// TestReadCommandsOnReadOnlyHandbook: on a read-only file and in a
// read-only folder every command that only reads works and leaves the
// medium as it was; binder writes the PDF elsewhere, exits 0 and says it
// could not record the printout; a command that writes says the handbook
// is read-only.
func TestReadCommandsOnReadOnlyHandbook(t *testing.T) {
	for _, folder := range []bool{false, true} {
		name := "read-only file"
		if folder {
			name = "read-only folder"
		}
		t.Run(name, func(t *testing.T) {
			db := demoDB(t)
			incidentOf(t, db)
			rotest.ReadOnly(t, db)
			if folder {
				rotest.ReadOnly(t, filepath.Dir(db))
			}
			before := dirSnapshot(t, filepath.Dir(db))
			runReadCommands(t, db)
			pdf := filepath.Join(t.TempDir(), "binder.pdf")
			r := run(t, "--db", db, "binder", "-o", pdf)
			if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "read-only") {
				t.Errorf("binder: %+v; want exit 0 and a note that the printout was not recorded", r)
			}
			if data, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
				t.Errorf("binder wrote no PDF: %v", err)
			}
			r = run(t, "--db", db, "incident-report", incidentOf(t, db), "-o", filepath.Join(t.TempDir(), "bericht.pdf"))
			if r.code != 0 {
				t.Errorf("incident-report: %+v", r)
			}
			r = run(t, "--db", db, "incident", "start", "--title", "Test")
			if r.code == 0 || !strings.Contains(r.stderr, "read-only") {
				t.Errorf("incident start on a read-only handbook: %+v", r)
			}
			after := dirSnapshot(t, filepath.Dir(db))
			if len(after) != len(before) {
				t.Errorf("files beside the handbook changed: %d before, %d after", len(before), len(after))
			}
			for n, data := range before {
				if !bytes.Equal(after[n], data) {
					t.Errorf("%s changed", n)
				}
			}
		})
	}
}

// incidentOf returns the ID of the database's first incident, starting
// one when there is none.
func incidentOf(t *testing.T, db string) string {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	list, err := store.List[handbook.Incident](context.Background(), st)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) > 0 {
		return list[0].ID
	}
	if r := run(t, "--db", db, "incident", "start", "--title", "Übung"); r.code != 0 {
		t.Fatalf("incident start: %+v", r)
	}
	return incidentOf(t, db)
}

const (
	lockChildEnv = "ERNSTFALL_CLI_LOCK_CHILD"
	lockChildDB  = "ERNSTFALL_CLI_LOCK_DB"
)

// TestLockHolderChild is the child of TestReadCommandsDuringAWrite: it
// holds the write lock, like a long import, until it is killed.
func TestLockHolderChild(t *testing.T) {
	if os.Getenv(lockChildEnv) != "1" {
		t.Skip("runs only as the child of TestReadCommandsDuringAWrite")
	}
	db := os.Getenv(lockChildDB)
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(context.Background(), func(tx *store.Tx) error {
		c := handbook.Contact{Name: "Halb importiert", Email: "halb@example.org"}
		if err := store.Put(context.Background(), tx, &c); err != nil {
			return err
		}
		os.WriteFile(db+".locked", nil, 0o644)
		time.Sleep(time.Hour)
		return nil
	})
	t.Fatal(err)
}

// TestReadCommandsDuringAWrite: while another process holds the write
// lock for a long time, every command that only reads works at once.
func TestReadCommandsDuringAWrite(t *testing.T) {
	if os.Getenv(lockChildEnv) == "1" {
		t.Skip("child process")
	}
	db := demoDB(t)
	incidentOf(t, db)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolderChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockChildEnv+"=1", lockChildDB+"="+db)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(db + ".locked"); err == nil {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("lock holder did not start:\n%s", out.String())
		}
	}
	runReadCommands(t, db)
}
