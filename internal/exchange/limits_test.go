package exchange

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSizeLimitMessages: the advice for a file over the limit fits its
// kind: no "remove photos" for a CSV or a playbook.
func TestSizeLimitMessages(t *testing.T) {
	big := strings.Repeat("x", MaxFileSize+1)
	for _, tc := range []struct {
		name, want, not string
	}{
		{"kontakte.csv", "split it", "photos"},
		{"kontakte.vcf", "photos", "split it into several files"},
		{"playbook.md", "playbook", "photos"},
		{"daten.bin", "right file", "photos"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.name)
			if err := os.WriteFile(path, []byte(big), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadLimited(context.Background(), path)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, tc.not) || !strings.Contains(msg, tc.name) {
				t.Errorf("message %q: want %q and the file name, not %q", msg, tc.want, tc.not)
			}
		})
	}
	t.Run("a playbook in a folder", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "riesig.md"), []byte(big), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := ReadFolder(context.Background(), dir)
		if !errors.Is(err, ErrTooLarge) || strings.Contains(err.Error(), "photos") || !strings.Contains(err.Error(), "riesig.md") {
			t.Errorf("err = %v", err)
		}
	})
}
