package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/rotest"
)

// snapshotDir returns the names and contents of the files in dir.
func snapshotDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// sampleDB writes the sample handbook into dir/hb.db and closes it.
func sampleDB(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "hb.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(context.Background(), sample()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpenReadOnly: a handbook on a read-only file, in a read-only folder
// (a write-protected USB stick, a read-only share), also with a WAL file
// beside it that a writer left, opens read-only: everything reads, every
// write says ErrReadOnly, and not a byte on the medium changes. A plain
// Open there fails with ErrReadOnly, so callers can fall back.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// setup returns the database; what it makes read-only stays so.
		setup func(t *testing.T) string
		// extra is a contact only the WAL holds.
		extra string
	}{
		{"read-only file", func(t *testing.T) string {
			path := sampleDB(t, t.TempDir())
			rotest.ReadOnly(t, path)
			return path
		}, ""},
		{"read-only folder", func(t *testing.T) string {
			dir := t.TempDir()
			path := sampleDB(t, dir)
			rotest.ReadOnly(t, path)
			rotest.ReadOnly(t, dir)
			return path
		}, ""},
		{"read-only folder with a WAL beside the file", func(t *testing.T) string {
			src := sampleDB(t, t.TempDir())
			s, err := Open(ctx, src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			c := handbook.Contact{Name: "Nur im WAL", Email: "wal@example.org"}
			if err := Put(ctx, s, &c); err != nil {
				t.Fatal(err)
			}
			// Copy what a writer leaves while it is open (or after a crash):
			// the file, its WAL with the last commits, and the index.
			dir := t.TempDir()
			path := filepath.Join(dir, "hb.db")
			for _, suffix := range []string{"", "-wal", "-shm"} {
				copyFile(t, src+suffix, path+suffix)
			}
			s.Close()
			if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
				t.Fatalf("no WAL to test with: %v", err)
			}
			for _, suffix := range []string{"", "-wal", "-shm"} {
				rotest.ReadOnly(t, path+suffix)
			}
			rotest.ReadOnly(t, dir)
			return path
		}, "Nur im WAL"},
		{"read-only folder with a WAL but no index", func(t *testing.T) string {
			src := sampleDB(t, t.TempDir())
			s, err := Open(ctx, src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			c := handbook.Contact{Name: "Nur im WAL", Email: "wal@example.org"}
			if err := Put(ctx, s, &c); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "hb.db")
			for _, suffix := range []string{"", "-wal"} {
				copyFile(t, src+suffix, path+suffix)
			}
			s.Close()
			for _, suffix := range []string{"", "-wal"} {
				rotest.ReadOnly(t, path+suffix)
			}
			rotest.ReadOnly(t, dir)
			return path
		}, "Nur im WAL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.setup(t)
			before := snapshotDir(t, filepath.Dir(path))
			if _, err := Open(ctx, path, Options{}); !errors.Is(err, ErrReadOnly) {
				t.Errorf("writable open: err = %v, want ErrReadOnly", err)
			}
			s, err := Open(ctx, path, Options{ReadOnly: true})
			if err != nil {
				t.Fatalf("read-only open: %v", err)
			}
			if !s.ReadOnly() {
				t.Error("store does not say it is read-only")
			}
			hb, err := s.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := len(sample().Contacts)
			if tc.extra != "" {
				want++
			}
			if len(hb.Contacts) != want {
				t.Errorf("%d contacts, want %d", len(hb.Contacts), want)
			}
			if tc.extra != "" && !slices.ContainsFunc(hb.Contacts, func(c handbook.Contact) bool { return c.Name == tc.extra }) {
				t.Errorf("the contact only the WAL holds is missing")
			}
			if hits, err := s.Search(ctx, "Ransomware", 5); err != nil || len(hits) == 0 {
				t.Errorf("search: %v %v", hits, err)
			}
			if id, err := s.HandbookID(ctx); err != nil || id == "" {
				t.Errorf("handbook id %q %v", id, err)
			}
			c := handbook.Contact{Name: "Neu", Email: "neu@example.org"}
			if err := Put(ctx, s, &c); !errors.Is(err, ErrReadOnly) {
				t.Errorf("put: err = %v, want ErrReadOnly", err)
			}
			if err := s.RecordPrintout(ctx, Printout{At: t0, Version: "x"}); !errors.Is(err, ErrReadOnly) {
				t.Errorf("record printout: err = %v, want ErrReadOnly", err)
			}
			if err := s.SetMeta(ctx, "k", "v"); !errors.Is(err, ErrReadOnly) {
				t.Errorf("set meta: err = %v, want ErrReadOnly", err)
			}
			if err := s.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
			after := snapshotDir(t, filepath.Dir(path))
			if len(after) != len(before) {
				t.Errorf("files in the folder changed: %d before, %d after", len(before), len(after))
			}
			for name, data := range before {
				if !bytes.Equal(after[name], data) {
					t.Errorf("%s changed", name)
				}
			}
		})
	}
}

const (
	writerChildEnv = "ERNSTFALL_STORE_WRITER_CHILD"
	writerChildDB  = "ERNSTFALL_STORE_WRITER_DB"
)

// TestWriterChild is the child of TestReadDuringAnotherWrite: it holds a
// write transaction open until it is killed, like a long import.
func TestWriterChild(t *testing.T) {
	if os.Getenv(writerChildEnv) != "1" {
		t.Skip("runs only as the child of TestReadDuringAnotherWrite")
	}
	path := os.Getenv(writerChildDB)
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *Tx) error {
		c := handbook.Contact{Name: "Halb importiert", Email: "halb@example.org"}
		if err := Put(context.Background(), tx, &c); err != nil {
			return err
		}
		if err := os.WriteFile(path+".writing", nil, 0o644); err != nil {
			return err
		}
		time.Sleep(time.Hour)
		return nil
	})
	t.Fatal(err)
}

// TestReadDuringAnotherWrite: while another process holds the write lock
// (a long import), opening the handbook read-only and reading it works at
// once; so does opening it for writing (only the write itself waits).
func TestReadDuringAnotherWrite(t *testing.T) {
	if os.Getenv(writerChildEnv) == "1" {
		t.Skip("child process")
	}
	ctx := context.Background()
	path := sampleDB(t, t.TempDir())
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriterChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), writerChildEnv+"=1", writerChildDB+"="+path)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(path + ".writing"); err == nil {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("writer did not start:\n%s", out.String())
		}
	}
	for _, ro := range []bool{true, false} {
		start := time.Now()
		s, err := Open(ctx, path, Options{ReadOnly: ro})
		if err != nil {
			t.Fatalf("open (read-only %v) during a write: %v", ro, err)
		}
		hb, err := s.Load(ctx)
		if err != nil {
			t.Fatalf("load during a write: %v", err)
		}
		if hits, err := s.Search(ctx, "Ransomware", 5); err != nil || len(hits) == 0 {
			t.Errorf("search during a write: %v %v", hits, err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close (read-only %v) during a write: %v", ro, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("open and read (read-only %v) took %v during another write; it waited for the lock", ro, d)
		}
		if len(hb.Contacts) != len(sample().Contacts) {
			t.Errorf("%d contacts; the uncommitted one must not show", len(hb.Contacts))
		}
	}
}
