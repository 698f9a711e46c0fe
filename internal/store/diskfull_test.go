//go:build linux

package store

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"ernstfall/internal/fixture"
)

// smallDisk mounts a small file system for the test: a disk that fills
// up. Mounting needs root (or the capability); elsewhere the test is
// skipped, saying so.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small file system to fill (%v %s); a full disk cannot be simulated here", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// TestDiskFull: an import that fills the disk fails with ErrDiskFull, a
// message naming the folder, and the handbook as it was.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	dir := smallDisk(t, "1500k")
	path := sampleDB(t, dir)
	before := loadJSON(t, path)
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Import(ctx, fixture.Generate(9, fixture.Size{Contacts: 3000, Playbooks: 200, Services: 50}))
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("import on a full disk: %v; want ErrDiskFull naming the folder", err)
	}
	s.Close()
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("reopen after the full disk: %v", err)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Errorf("integrity after the full disk: %v", err)
	}
	s.Close()
	if after := loadJSON(t, path); after != before {
		t.Error("the handbook changed although the import failed")
	}
}

func loadJSON(t *testing.T, path string) string {
	t.Helper()
	s, err := Open(context.Background(), path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hb, err := s.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(hb)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
