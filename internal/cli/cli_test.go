package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

var now = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }, ConfigDir: t.TempDir()}
	code := Run(context.Background(), args, env)
	return result{code, out.String(), errb.String()}
}

func demoDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "x.db")
	if r := run(t, "--db", db, "init", "--demo"); r.code != 0 {
		t.Fatalf("init --demo: %+v", r)
	}
	return db
}

func TestInit(t *testing.T) {
	db := demoDB(t)
	r := run(t, "--db", db, "init")
	if r.code == 0 || !strings.Contains(r.stderr, db) || !strings.Contains(r.stderr, "never overwrites") {
		t.Errorf("second init: %+v, want a refusal naming the file", r)
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	if r := run(t, "--db", empty, "init"); r.code != 0 || !strings.Contains(r.stdout, "empty") {
		t.Fatalf("init empty: %+v", r)
	}
	if r := run(t, "--db", empty, "search", "Ransomware"); r.code != 0 || !strings.Contains(r.stdout, "no matches") {
		t.Errorf("empty handbook search: %+v", r)
	}
}

func TestCommandsOnDemo(t *testing.T) {
	db := demoDB(t)
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"search finds the ransomware playbook", []string{"search", "Ransomware"}, 0, []string{"playbook", "Ransomware"}},
		{"search by phone prefix", []string{"search", "+49 30"}, 0, []string{"contact"}},
		{"check reports the deliberate RTO inconsistency", []string{"check"}, 0, []string{"warning", "RTO", "0 errors"}},
		{"restore order lists services with RTO", []string{"restore-order"}, 0, []string{"#", "RTO", "1 "}},
		{"version", []string{"version"}, 0, []string{"ernstfall", "schema"}},
		{"unknown command", []string{"frobnicate"}, 2, nil},
		{"unknown flag", []string{"--nope"}, 2, nil},
		{"search without query", []string{"search"}, 2, nil},
		{"export without file", []string{"export", "--format", "json"}, 2, nil},
		{"export unknown format", []string{"export", "--format", "xml", "-o", "x"}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append([]string{"--db", db}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %+v", r.code, tt.code, r)
			}
			for _, want := range tt.contains {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("output lacks %q:\n%s", want, r.stdout)
				}
			}
			if tt.code == 2 && !strings.Contains(r.stderr, "usage") {
				t.Errorf("usage error without usage: %q", r.stderr)
			}
		})
	}
}

func TestRestoreOrderPutsDependenciesFirst(t *testing.T) {
	db := demoDB(t)
	r := run(t, "--db", db, "restore-order")
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	services, _ := store.List[handbook.Service](context.Background(), st)
	pos := map[string]int{}
	for _, s := range services {
		i := strings.Index(r.stdout, "  "+s.Name+"  ")
		if i < 0 {
			t.Fatalf("service %q missing from:\n%s", s.Name, r.stdout)
		}
		pos[s.ID] = i
	}
	for _, s := range services {
		for _, d := range s.DependsOn {
			if pos[d] > pos[s.ID] {
				t.Errorf("%s printed before its dependency %s", s.Name, d)
			}
		}
	}
}

func TestCheckExitsOneOnErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	run(t, "--db", db, "init")
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := handbook.Service{Name: "Shop", RTO: 60, MTD: 120}
	b := handbook.Service{Name: "Datenbank", RTO: 60, MTD: 120}
	store.Put(ctx, st, &a)
	store.Put(ctx, st, &b)
	a.DependsOn, b.DependsOn = []string{b.ID}, []string{a.ID}
	store.Put(ctx, st, &a)
	store.Put(ctx, st, &b)
	st.Close()
	r := run(t, "--db", db, "check")
	if r.code != 1 || !strings.Contains(r.stdout, "error") || !strings.Contains(r.stdout, "Shop") {
		t.Errorf("check with a cycle: %+v, want exit 1 naming the cycle", r)
	}
}

func readExport(t *testing.T, path string) exchange.Backup {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b exchange.Backup
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDemoIsIdenticalOnTwoLaptops(t *testing.T) {
	dir := t.TempDir()
	var exports []exchange.Backup
	for _, name := range []string{"a", "b"} {
		db := demoDB(t)
		out := filepath.Join(dir, name+".json")
		if r := run(t, "--db", db, "export", "--format", "json", "-o", out); r.code != 0 {
			t.Fatalf("export: %+v", r)
		}
		exports = append(exports, readExport(t, out))
	}
	if len(exports[0].Handbook.Playbooks) < 7 || len(exports[0].Handbook.Contacts) < 25 {
		t.Fatalf("demo export incomplete: %d playbooks, %d contacts", len(exports[0].Handbook.Playbooks), len(exports[0].Handbook.Contacts))
	}
	if !reflect.DeepEqual(exports[0].Handbook, exports[1].Handbook) {
		t.Error("two demo databases export different records")
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := demoDB(t)
	out := filepath.Join(dir, "backup.json")
	run(t, "--db", src, "export", "--format", "json", "-o", out)
	dst := filepath.Join(dir, "restored.db")
	run(t, "--db", dst, "init")
	r := run(t, "--db", dst, "import", out)
	if r.code != 0 || !strings.Contains(r.stdout, "records changed") {
		t.Fatalf("import: %+v", r)
	}
	again := filepath.Join(dir, "again.json")
	run(t, "--db", dst, "export", "--format", "json", "-o", again)
	a, b := readExport(t, out), readExport(t, again)
	if !reflect.DeepEqual(a.Handbook, b.Handbook) {
		t.Error("restored handbook differs from the exported one")
	}
	if r := run(t, "--db", dst, "import", out); !strings.Contains(r.stdout, ": 0 records changed") {
		t.Errorf("importing the same backup twice changed records: %+v", r)
	}
}

func TestImportRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	run(t, "--db", db, "init")
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	invalid := `{"format":"ernstfall-backup","version":1,"handbook":{"contacts":[
		{"id":"c1","name":"Gültig","email":"g@example.com"},
		{"id":"c2","name":"","email":"x@example.com"}]}}`
	tests := []struct {
		name, file, want string
	}{
		{"truncated", write("trunc.json", `{"format":"ernstfall-backup","vers`), "not a readable Ernstfall backup"},
		{"truncated says what to do", write("trunc2.json", `{"format":"ernstfall-backup","vers`), "use another copy"},
		{"JSON of another shape", write("list.json", `[{"name":"x"}]`), "JSON but not an Ernstfall backup"},
		{"other format", write("other.json", `{"format":"something"}`), "not an Ernstfall backup"},
		{"newer version", write("newer.json", `{"format":"ernstfall-backup","version":9}`), "newer Ernstfall"},
		{"invalid record", write("invalid.json", invalid), "nothing was imported"},
		{"missing file", filepath.Join(dir, "nope.json"), "nope.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, "--db", db, "import", tt.file)
			if r.code != 1 || !strings.Contains(r.stderr, tt.want) || !strings.Contains(r.stderr, filepath.Base(tt.file)) {
				t.Errorf("import %s: %+v, want exit 1 with %q and the file name", tt.name, r, tt.want)
			}
		})
	}
	st, _ := store.Open(context.Background(), db, store.Options{})
	defer st.Close()
	if list, _ := store.List[handbook.Contact](context.Background(), st); len(list) != 0 {
		t.Errorf("a refused import wrote %d contacts", len(list))
	}
}

func TestMissingDatabaseSaysHowToCreateOne(t *testing.T) {
	db := filepath.Join(t.TempDir(), "none.db")
	r := run(t, "--db", db, "check")
	if r.code != 1 || !strings.Contains(r.stderr, "init") {
		t.Errorf("check without database: %+v", r)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("check created a database")
	}
}

func TestBinder(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "binder.pdf")
	r := run(t, "--db", db, "binder", "-o", out)
	if r.code != 0 || !strings.Contains(r.stdout, "pages") {
		t.Fatalf("binder: %+v", r)
	}
	data, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("no PDF written: %v", err)
	}
	st, _ := store.Open(context.Background(), db, store.Options{})
	printed, _ := st.LastPrintout(context.Background())
	st.Close()
	if printed.Version == "" || !printed.At.Equal(now) {
		t.Errorf("printing was not recorded: %+v", printed)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown section", []string{"binder", "-o", filepath.Join(dir, "x.pdf"), "--sections", "cover,nonsense"}, 2, "nonsense"},
		{"unknown playbook", []string{"binder", "-o", filepath.Join(dir, "y.pdf"), "--playbook", "Kein solches Playbook"}, 1, "Kein solches Playbook"},
		{"folder missing", []string{"binder", "-o", filepath.Join(dir, "missing", "z.pdf")}, 1, "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append([]string{"--db", db}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("%+v, want exit %d naming %q", r, tt.code, tt.want)
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("failed runs left files behind: %v", entries)
	}
}
