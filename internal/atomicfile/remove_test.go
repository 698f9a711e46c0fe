package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestRemoveEntries: the entry-by-entry removal that stands in for
// os.RemoveAll where that fails (Wine) removes a nested folder whole and
// removes a link without touching what it points to.
func TestRemoveEntries(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(root, "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(outside, "keep.md")
	if err := os.WriteFile(keep, []byte("bleibt"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "Handbuch.old")
	for _, f := range []string{"index.json", "playbooks/con_.md", "playbooks/tief/x.md", "services/a.md"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := removeEntries(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s still there: %v", dir, err)
	}
	if data, err := os.ReadFile(keep); err != nil || string(data) != "bleibt" {
		t.Errorf("the link's target was touched: %q, %v", data, err)
	}
	if err := removeEntries(filepath.Join(root, "fehlt")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing folder: %v", err)
	}
}
