package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWriteOverOpenFile is Windows' own behaviour: a file that another
// handle holds open without FILE_SHARE_DELETE (as Go, and many viewers,
// open files) cannot be replaced. Write waits for the holder to let go, and
// when it does not, says so and leaves the old file and no temp file.
func TestWriteOverOpenFile(t *testing.T) {
	write := func(text string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, text); return err }
	}
	setup := func(t *testing.T) (string, string) {
		dir := tempDir(t)
		path := filepath.Join(dir, "binder.pdf")
		if err := os.WriteFile(path, []byte("alt"), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir, path
	}
	t.Run("held open for good: ErrInUse, old file kept", func(t *testing.T) {
		dir, path := setup(t)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		start := time.Now()
		err = Write(path, write("neu"))
		if !errors.Is(err, ErrInUse) {
			t.Fatalf("err = %v, want ErrInUse", err)
		}
		if d := time.Since(start); d < renameBudget {
			t.Errorf("gave up after %v, before the %v budget", d, renameBudget)
		}
		assertFile(t, dir, path, "alt")
	})
	t.Run("the holder lets go: written", func(t *testing.T) {
		dir, path := setup(t)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		closed := make(chan error, 1)
		go func() { time.Sleep(300 * time.Millisecond); closed <- f.Close() }()
		if err := Write(path, write("neu")); err != nil {
			t.Fatalf("Write: %v", err)
		}
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
		assertFile(t, dir, path, "neu")
	})
}

func assertFile(t *testing.T, dir, path, want string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != want {
		t.Errorf("content %q, want %q", data, want)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}
}

// TestReplaceDirWindows swaps a folder in twice, as the Markdown export
// does: Windows syncs files only through a handle that may write, and
// renames a folder only while nothing inside it is open.
func TestReplaceDirWindows(t *testing.T) {
	parent := tempDir(t)
	dir := filepath.Join(parent, "Handbuch")
	for _, text := range []string{"alt", "neu"} {
		err := ReplaceDir(dir, func(string, bool) bool { return true }, func(tmp string) error {
			if err := os.MkdirAll(filepath.Join(tmp, "playbooks"), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(tmp, "playbooks", "con_.md"), []byte(text), 0o644)
		})
		if err != nil {
			t.Fatalf("ReplaceDir (%s): %v", text, err)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "playbooks", "con_.md"))
	if err != nil || string(data) != "neu" {
		t.Errorf("content %q, %v; want neu", data, err)
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("left beside the folder: %v", entries)
	}
}

// tempDir is t.TempDir without os.RemoveAll, which fails under Wine 8 (it
// lacks the POSIX delete that Go's RemoveAll uses on Windows), so that
// these tests run there too.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "atomicfile")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := removeEntries(dir); err != nil {
			t.Error(err)
		}
	})
	return dir
}
