package exchange

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A plain Markdown folder is a playbook collection, not a home folder: the
// walk stops with a message when it nests too deep.
func TestPlainFolderLimits(t *testing.T) {
	ctx := context.Background()
	write := func(path string) {
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, []byte("# Serverausfall\n\n- [ ] Server prüfen\n"), 0o644)
	}
	t.Run("nested playbooks within the limit import", func(t *testing.T) {
		dir := t.TempDir()
		write(filepath.Join(dir, "it", "server", "ausfall.md"))
		hb, _, err := ReadFolder(ctx, dir)
		if err != nil || len(hb.Playbooks) != 1 || hb.Playbooks[0].Title != "Serverausfall" {
			t.Fatalf("got %+v, %v", hb.Playbooks, err)
		}
	})
	t.Run("too deep is refused with the folder named", func(t *testing.T) {
		dir := t.TempDir()
		deep := filepath.Join(dir, "a", "b", "c", "d", "e")
		write(filepath.Join(deep, "x.md"))
		_, _, err := ReadFolder(ctx, dir)
		if !errors.Is(err, ErrFormat) {
			t.Fatalf("err = %v, want ErrFormat", err)
		}
	})
	t.Run("a time without zone in CSV is local time", func(t *testing.T) {
		got, err := parseTime("01.03.2026 14:30")
		if err != nil {
			t.Skipf("layout not supported: %v", err)
		}
		if got.Location() != time.Local || got.Hour() != 14 {
			t.Errorf("parsed %v, want 14:30 local", got)
		}
	})
}
