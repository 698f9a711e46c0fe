package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
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
			// Windows knows only a read-only bit; it reports 0666 for the rest.
			if fi, err := os.Stat(path); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != tt.wantMode {
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

// TestRetry covers the waiting logic behind Rename with a stand-in for
// Windows refusing to replace an open file; the real refusal is checked on
// Windows (under Wine in the package check) by atomicfile_windows_test.go.
func TestRetry(t *testing.T) {
	busyErr := errors.New("sharing violation")
	otherErr := errors.New("disk full")
	isBusy := func(err error) bool { return errors.Is(err, busyErr) }
	tests := []struct {
		name      string
		failures  []error // what op returns before it succeeds
		wantErr   error
		wantCalls int
		maxWaited time.Duration
	}{
		{"succeeds at once", nil, nil, 1, 0},
		{"a scanner lets go after three tries", []error{busyErr, busyErr, busyErr}, nil, 4, 70 * time.Millisecond},
		{"another error is not retried", []error{otherErr}, otherErr, 1, 0},
		{"held open for good", repeat(busyErr, 100), ErrInUse, 9, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			var waited time.Duration
			op := func() error {
				calls++
				if calls <= len(tt.failures) {
					return tt.failures[calls-1]
				}
				return nil
			}
			err := retry(op, isBusy, func(d time.Duration) { waited += d }, 2*time.Second)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
			if waited > tt.maxWaited {
				t.Errorf("waited %v, more than %v", waited, tt.maxWaited)
			}
			if errors.Is(err, ErrInUse) && !errors.Is(err, busyErr) && !strings.Contains(err.Error(), busyErr.Error()) {
				t.Errorf("ErrInUse hides the system's reason: %v", err)
			}
		})
	}
}

func repeat(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}
