package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

func TestRetain(t *testing.T) {
	loc := time.UTC
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		times []string
		want  []bool
	}{
		{"fewer than five: all stay",
			[]string{"2026-11-30 08:00", "2026-11-30 08:05"},
			[]bool{true, true}},
		{"one day, many rounds: the newest five",
			[]string{"2026-11-30 08:00", "2026-11-30 08:05", "2026-11-30 08:10", "2026-11-30 08:15", "2026-11-30 08:20", "2026-11-30 08:25", "2026-11-30 08:30"},
			[]bool{false, false, true, true, true, true, true}},
		{"the newest of each earlier day stays",
			[]string{"2026-11-28 09:00", "2026-11-28 17:00", "2026-11-29 10:00", "2026-11-30 08:00", "2026-11-30 08:05", "2026-11-30 08:10", "2026-11-30 08:15", "2026-11-30 08:20"},
			[]bool{false, true, true, true, true, true, true, true}},
		{"days beyond seven fall back to one a week",
			// Mondays of five weeks, then eight days in a row.
			[]string{"2026-10-12 12:00", "2026-10-19 12:00", "2026-10-26 12:00", "2026-11-02 12:00",
				"2026-11-20 12:00", "2026-11-21 12:00", "2026-11-22 12:00", "2026-11-23 12:00",
				"2026-11-24 12:00", "2026-11-25 12:00", "2026-11-26 12:00", "2026-11-27 12:00"},
			// Weeks with a backup, newest first: 48 (23–27), 47 (20–22), 45 (02), 44 (26.10.).
			[]bool{false, false, true, true,
				false, true, true, true,
				true, true, true, true}},
		{"a laptop left off for months keeps its old backups",
			[]string{"2026-06-01 12:00", "2026-11-30 08:00"},
			[]bool{true, true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			times := make([]time.Time, len(tc.times))
			for i, s := range tc.times {
				times[i] = at(s)
			}
			got := retain(times, 5, keepDaily, keepWeekly, loc)
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("%s: kept %v, want %v", tc.times[i], got[i], tc.want[i])
				}
			}
		})
	}
}

func TestBackupsListAndCheck(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, filepath.Join(dir, "hb.db"))
	if _, err := s.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, handbook.EntityContact, "c2"); err != nil {
		t.Fatal(err)
	}
	path, err := s.AutoBackup(ctx, ReasonSync, 5)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(path) != filepath.Join(dir, "backups") {
		t.Errorf("backup written to %s, want the backups folder beside the database", path)
	}
	list, err := s.Backups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("%d backups listed, want 1", len(list))
	}
	b := list[0]
	hb := sample()
	live := 0
	hb.EachItem(func(handbook.Item) { live++ })
	if b.Reason != ReasonSync || b.Problem != "" || b.Records != live-1 || b.Deleted != 1 || b.Counts[handbook.EntityContact] != 1 {
		t.Errorf("listed %+v; want reason %s, %d live records, 1 deleted, 1 contact", b, ReasonSync, live-1)
	}
	id, _ := s.HandbookID(ctx)
	if b.HandbookID != id || b.Schema != SchemaVersion() {
		t.Errorf("backup names handbook %s schema %d, want %s schema %d", b.HandbookID, b.Schema, id, SchemaVersion())
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name string
		data []byte
	}{
		{"cut off", data[:len(data)/2]},
		{"header missing", append(make([]byte, 4096), data[4096:]...)},
		{"empty", nil},
		{"not a database", []byte("hello, this is a text file and certainly not a database, but long enough to have a header")},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.db")
			if err := os.WriteFile(p, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := InspectBackup(ctx, p); !errors.Is(err, ErrBadBackup) {
				t.Errorf("inspect: %v, want ErrBadBackup", err)
			}
			entries, _ := os.ReadDir(filepath.Dir(p))
			if len(entries) != 1 {
				t.Errorf("inspecting left files beside the backup: %v", entries)
			}
		})
	}
}

// A partial backup under a backup's name (written by an older Ernstfall
// that was killed) never counts toward the five kept: it is removed.
func TestPartialBackupNeverCounts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, filepath.Join(dir, "hb.db"))
	if _, err := s.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	first, err := s.AutoBackup(ctx, ReasonSync, 5)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	bdir := filepath.Dir(first)
	// Newer than every backup to come, so a count by name would keep them.
	for _, name := range []string{"before-sync-20991231-235959.000.db", "before-sync-20991231-235958.000.db"} {
		if err := os.WriteFile(filepath.Join(bdir, name), data[:len(data)/3], 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bdir, name+"-journal"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for range 6 {
		if _, err := s.AutoBackup(ctx, ReasonSync, 5); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.Backups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 5 {
		t.Errorf("%d backups kept, want 5", len(list))
	}
	for _, b := range list {
		if b.Problem != "" {
			t.Errorf("kept %s although %s", b.Path, b.Problem)
		}
	}
	entries, _ := os.ReadDir(bdir)
	if len(entries) != 5 {
		t.Errorf("backup folder holds %d files, want the 5 backups: %v", len(entries), entries)
	}
}

// A backup never replaces an existing file and leaves nothing behind.
func TestBackupRefusesExisting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, filepath.Join(dir, "hb.db"))
	p := filepath.Join(dir, "copy.db")
	if err := os.WriteFile(p, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, p); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	if got, _ := os.ReadFile(p); string(got) != "keep me" {
		t.Errorf("existing file changed to %q", got)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "hb.db" && e.Name() != "copy.db" && e.Name() != "hb.db-wal" && e.Name() != "hb.db-shm" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// A backup written by a newer Ernstfall is refused as such.
func TestNewerBackupRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, filepath.Join(dir, "hb.db"))
	p := filepath.Join(dir, "copy.db")
	if err := s.Backup(ctx, p); err != nil {
		t.Fatal(err)
	}
	newer := open(t, p)
	if _, err := newer.w.ExecContext(ctx, `INSERT INTO schema_version(version, applied_at) VALUES (999, 'x')`); err != nil {
		t.Fatal(err)
	}
	if err := newer.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range journalSuffixes {
		os.Remove(p + suffix)
	}
	_, err := InspectBackup(ctx, p)
	if !errors.Is(err, ErrNewerSchema) || !errors.Is(err, ErrBadBackup) {
		t.Errorf("inspect a newer backup: %v, want ErrNewerSchema and ErrBadBackup", err)
	}
}

// The handbook and the demo live side by side in one folder and so share
// its backup folder. Backups of one never push the other's out, and the
// list says which are of another handbook.
func TestBackupsOfTwoHandbooksInOneFolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	real := open(t, filepath.Join(dir, "handbook.db"))
	demo := open(t, filepath.Join(dir, "demo.db"))
	for _, s := range []*Store{real, demo} {
		if _, err := s.Import(ctx, sample()); err != nil {
			t.Fatal(err)
		}
	}
	ours, err := real.AutoBackup(ctx, ReasonSync, 5)
	if err != nil {
		t.Fatal(err)
	}
	for range 8 {
		if _, err := demo.AutoBackup(ctx, ReasonSync, 5); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(ours); err != nil {
		t.Fatalf("the handbook's only backup was pruned by the demo's: %v", err)
	}
	list, err := real.Backups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	usable := 0
	for _, b := range list {
		switch {
		case b.Problem == "":
			usable++
			if b.Path != ours {
				t.Errorf("%s listed as usable for the handbook; it is the demo's", b.Path)
			}
		case !strings.Contains(b.Problem, "another handbook"):
			t.Errorf("%s: problem %q, want it named a backup of another handbook", b.Path, b.Problem)
		}
	}
	if usable != 1 || len(list) < 6 {
		t.Errorf("%d of %d backups usable, want the handbook's one beside at least 5 of the demo's", usable, len(list))
	}
}

// A laptop whose clock ran ahead (to 2030) for a while, and was then set
// right, names those backups after 2030. They are the "newest" for years:
// without care they would take the five places of the newest backups and
// the slot of their day and week, and every later sync would prune the
// backup before the previous sync. They never take the place of a backup
// written at the right time, and of them only the newest five stay.
func TestRetainAfterTheClockJumped(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var times []time.Time
	for i := range 7 { // written while the clock showed 2030
		times = append(times, time.Date(2030, 1, 1, 10, i, 0, 0, time.UTC))
	}
	for i := range 6 { // today, after it was set right
		times = append(times, now.Add(time.Duration(i-6)*time.Minute))
	}
	kept := retainNow(times, now, 5, keepDaily, keepWeekly, time.UTC)
	want := []bool{false, false, true, true, true, true, true, false, true, true, true, true, true}
	for i := range times {
		if kept[i] != want[i] {
			t.Errorf("%s: kept %v, want %v", times[i].Format(time.DateTime), kept[i], want[i])
		}
	}
	// A backup a few minutes ahead (a clock set a little fast) is an
	// ordinary one.
	near := []time.Time{now.Add(10 * time.Minute), now.Add(-time.Minute)}
	if k := retainNow(near, now, 1, 0, 0, time.UTC); !k[0] || k[1] {
		t.Errorf("a backup ten minutes ahead: kept %v, want it counted as the newest", k)
	}
}
