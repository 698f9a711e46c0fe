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

// tempDir is t.TempDir without os.RemoveAll, which fails under Wine 8 (it
// lacks the POSIX delete that Go's RemoveAll uses on Windows), so that this
// test runs there too. The folders here hold files only.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "atomicfile")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Error(err)
			return
		}
		for _, e := range entries {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				t.Error(err)
			}
		}
		if err := os.Remove(dir); err != nil {
			t.Error(err)
		}
	})
	return dir
}
