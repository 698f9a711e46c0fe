package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestAutoBackupWithStuckOldBackup: an old backup that cannot be removed
// (on Windows, open in another program) neither fails the new backup nor
// stops the pruning of the others. A non-empty folder in its place stands
// in for the open file, since Linux removes open files.
func TestAutoBackupWithStuckOldBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, filepath.Join(dir, "hb.db"))
	if _, err := s.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	stuck := filepath.Join(dir, "backups", "before-sync-20000101-000000.000.db")
	if err := os.MkdirAll(filepath.Join(stuck, "held"), 0o700); err != nil {
		t.Fatal(err)
	}
	var made []string
	for range 7 {
		path, err := s.AutoBackup(ctx, "before-sync", 3)
		if err != nil {
			t.Fatalf("backup with a stuck old one: %v", err)
		}
		made = append(made, filepath.Base(path))
	}
	entries, err := os.ReadDir(filepath.Join(dir, "backups"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := append([]string{filepath.Base(stuck)}, made[len(made)-3:]...)
	if !slices.Equal(names, want) {
		t.Errorf("backups kept %v, want the stuck one and the newest three %v", names, want)
	}
}
