package cli

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestImportBrokenUTF8Row: a UTF-8 CSV with one byte that is not UTF-8
// imports nothing, says which line is broken, and exits 1; with
// --skip-invalid the other rows arrive as UTF-8, not as "JÃ¼rgen".
func TestImportBrokenUTF8Row(t *testing.T) {
	db := emptyDB(t)
	file := filepath.Join(t.TempDir(), "kontakte.csv")
	data := []byte("\ufeffVorname;Nachname;Mobiltelefon\r\nJürgen;Müller;+49 171 1\r\nG\xfcnther;Übel;+49 171 2\r\nLüder;Brück;+49 171 3\r\n")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "--db", db, "import", file)
	if r.code != 1 || !strings.Contains(r.stdout, "1 problems") || !strings.Contains(r.stdout, "line 3") || !strings.Contains(r.stdout, "UTF-8") {
		t.Fatalf("import: %+v; want exit 1 naming line 3", r)
	}
	if n := len(contactsOf(t, db)); n != 0 {
		t.Fatalf("%d contacts imported from a file with problems", n)
	}
	r = run(t, "--db", db, "import", "--skip-invalid", file)
	if r.code != 0 {
		t.Fatalf("import --skip-invalid: %+v", r)
	}
	var names []string
	for _, c := range contactsOf(t, db) {
		names = append(names, c.Name)
	}
	if strings.Join(names, "|") != "Jürgen Müller|Lüder Brück" {
		t.Errorf("imported %q", names)
	}
}

func contactsOf(t *testing.T, db string) []handbook.Contact {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs, err := store.List[handbook.Contact](context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestCSVExportsNeutraliseFormulas: export --format csv and verify-list
// never write a cell a spreadsheet runs as a formula, and importing the
// file back changes nothing.
func TestCSVExportsNeutraliseFormulas(t *testing.T) {
	db := emptyDB(t)
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := handbook.Contact{Name: "=HYPERLINK(\"http://evil.example\",\"Klick\")", Team: "@SUM(1+1)", PhoneMobile: "+49 171 39200 11",
		Notes: "-2+3\n=cmd|' /C calc'!A0", Function: "'=schon neutral"}
	if err := store.Put(context.Background(), st, &c); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, cmd := range [][]string{
		{"export", "--format", "csv", "-o", filepath.Join(dir, "export.csv")},
		{"export", "--format", "csv", "--separator", ";", "-o", filepath.Join(dir, "export-semi.csv")},
		{"verify-list", "-o", filepath.Join(dir, "pruefen.csv")},
	} {
		t.Run(cmd[0]+" "+filepath.Base(cmd[len(cmd)-1]), func(t *testing.T) {
			if r := run(t, append([]string{"--db", db}, cmd...)...); r.code != 0 {
				t.Fatalf("%v: %+v", cmd, r)
			}
			out := cmd[len(cmd)-1]
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
			if strings.Contains(out, "semi") {
				cr.Comma = ';'
			}
			rows, err := cr.ReadAll()
			if err != nil || len(rows) != 2 {
				t.Fatalf("%v %q", err, rows)
			}
			for _, cell := range rows[1] {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("cell %q runs as a formula", cell)
				}
			}
			r := run(t, "--db", db, "import", out)
			if r.code != 0 || !strings.Contains(r.stdout, "0 contacts changed") {
				t.Errorf("import of our own file changed something: %+v", r)
			}
			got := contactsOf(t, db)[0]
			if got.Name != c.Name || got.Team != c.Team || got.PhoneMobile != c.PhoneMobile || got.Notes != c.Notes || got.Function != c.Function {
				t.Errorf("round trip: %+v", got)
			}
		})
	}
}

// runWithin runs a command and fails the test if it does not finish in
// time (opening a FIFO waits for the other end).
func runWithin(t *testing.T, args ...string) result {
	t.Helper()
	done := make(chan result, 1)
	go func() { done <- run(t, args...) }()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second):
		t.Fatalf("%v hangs", args)
		return result{}
	}
}

// TestSpecialFilesAsArguments: a FIFO or device given to import, or as
// the binder's output, is refused at once, naming it.
func TestSpecialFilesAsArguments(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	db := demoDB(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "rohr.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for _, args := range [][]string{
		{"import", fifo},
		{"import", "--dry-run", fifo},
		{"binder", "-o", fifo},
		{"export", "--format", "csv", "-o", fifo},
	} {
		r := runWithin(t, append([]string{"--db", db}, args...)...)
		if r.code == 0 || !strings.Contains(r.stderr, fifo) || !strings.Contains(r.stderr, "not a regular file") {
			t.Errorf("%v: %+v, want a refusal naming the FIFO", args, r)
		}
	}
	if r := runWithin(t, "--db", db, "import", "/dev/zero"); r.code == 0 || !strings.Contains(r.stderr, "/dev/zero") {
		t.Errorf("import /dev/zero: %+v", r)
	}
}
