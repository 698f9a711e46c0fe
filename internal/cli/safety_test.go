package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/hlc"
	"ernstfall/internal/store"
)

func TestOutputNeverReplacesTheDatabase(t *testing.T) {
	db := demoDB(t)
	link := filepath.Join(filepath.Dir(db), "link.db")
	if err := os.Symlink(db, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"json backup", []string{"export", "--format", "json", "-o", db}},
		{"csv", []string{"export", "--format", "csv", "-o", db}},
		{"vcard", []string{"export", "--format", "vcf", "-o", db}},
		{"csv onto the write-ahead log", []string{"export", "--format", "csv", "-o", db + "-wal"}},
		{"csv through a link", []string{"export", "--format", "csv", "-o", link}},
		{"verify list", []string{"verify-list", "-o", db}},
		{"binder", []string{"binder", "-o", db}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append([]string{"--db", db}, tt.args...)...)
			if r.code == 0 || !strings.Contains(r.stderr, "database itself") {
				t.Errorf("%v: %+v, want a refusal", tt.args, r)
			}
			if r := run(t, "--db", db, "search", "Ransomware"); r.code != 0 || !strings.Contains(r.stdout, "playbook") {
				t.Fatalf("handbook damaged after %v: %+v", tt.args, r)
			}
		})
	}
	if r := run(t, "--db", db, "export", "--format", "csv", "-o", filepath.Join(filepath.Dir(db), "x.db.csv")); r.code != 0 {
		t.Errorf("export beside the database: %+v", r)
	}
}

func TestFailedSyncDoesNotClaimNothingToSend(t *testing.T) {
	db := demoDB(t)
	other := filepath.Join(t.TempDir(), "share")
	os.Mkdir(other, 0o755)
	emptyDB := filepath.Join(t.TempDir(), "e.db")
	if r := run(t, "--db", emptyDB, "init"); r.code != 0 {
		t.Fatal(r)
	}
	// Another handbook with something in it shares the folder first.
	if r := run(t, "--db", emptyDB, "incident", "start", "--title", "Übung"); r.code != 0 {
		t.Fatal(r)
	}
	if r := run(t, "--db", emptyDB, "sync", "--folder", other); r.code != 0 {
		t.Fatalf("set up folder of another handbook: %+v", r)
	}
	tests := []struct {
		name, folder, want string
	}{
		{"folder unreachable", filepath.Join(t.TempDir(), "gone"), "not reachable"},
		{"folder of another handbook", other, "another handbook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, "--db", db, "sync", "--folder", tt.folder)
			if r.code == 0 || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("%+v, want an error with %q", r, tt.want)
			}
			if strings.Contains(r.stdout, "no local changes") || strings.Contains(r.stdout, "received nothing") {
				t.Errorf("a failed round reports success-like lines: %q", r.stdout)
			}
		})
	}
}

func TestConflictTimesInLocalZone(t *testing.T) {
	saved := time.Local
	time.Local = time.FixedZone("CET", 3600)
	t.Cleanup(func() { time.Local = saved })
	at := time.Date(2026, 11, 26, 1, 30, 0, 0, time.UTC)
	got := showSide(&Env{}, store.Side{Device: "d1", HLC: hlc.New(at.UnixMilli(), 0)}, nil)
	if !strings.Contains(got, "2026-11-26 02:30:00 CET") {
		t.Errorf("showSide = %q, want the local time 02:30 CET", got)
	}
}
