package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	failing := errors.New("disk full")
	tests := []struct {
		name     string
		old      string // existing content, "" for none
		oldMode  os.FileMode
		write    func(io.Writer) error
		wantErr  error
		wantText string
		wantMode os.FileMode
	}{
		{"new file", "", 0, func(w io.Writer) error { _, err := io.WriteString(w, "neu"); return err },
			nil, "neu", 0o644},
		{"replaces the old file, keeping its permissions", "alt", 0o600,
			func(w io.Writer) error { _, err := io.WriteString(w, "neu"); return err }, nil, "neu", 0o600},
		{"a failing write leaves the old file", "alt", 0o644,
			func(w io.Writer) error { io.WriteString(w, "halb"); return failing }, failing, "alt", 0o644},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "kontakte.csv")
			if tt.old != "" {
				os.WriteFile(path, []byte(tt.old), tt.oldMode)
				os.Chmod(path, tt.oldMode)
			}
			err := Write(path, tt.write)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			data, _ := os.ReadFile(path)
			if string(data) != tt.wantText {
				t.Errorf("content %q, want %q", data, tt.wantText)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != tt.wantMode {
				t.Errorf("mode %v (%v), want %v", fi.Mode().Perm(), err, tt.wantMode)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("left files behind: %v", entries)
			}
		})
	}
	t.Run("missing folder", func(t *testing.T) {
		err := Write(filepath.Join(t.TempDir(), "fehlt", "x.pdf"), func(io.Writer) error { return nil })
		if !errors.Is(err, ErrCreate) {
			t.Errorf("err = %v, want ErrCreate", err)
		}
	})
}
