package exchange

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readFolderWithin reads a folder, failing the test when that takes long
// (a FIFO opened for reading blocks until someone writes to it).
func readFolderWithin(t *testing.T, dir string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, _, err := ReadFolder(context.Background(), dir)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("reading the folder hangs")
		return nil
	}
}

// TestFolderImportRefusesLinksOutAndSpecialFiles: a Markdown folder is
// read only inside itself. A link to a file outside (playbooks/passwd.md →
// /etc/passwd) or a linked folder pointing outside refuses the import,
// naming the link; devices and FIFOs are never opened. Links that stay
// inside the folder are fine.
func TestFolderImportRefusesLinksOutAndSpecialFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links and FIFOs need a Unix file system")
	}
	outside := t.TempDir()
	secret := filepath.Join(outside, "geheim.md")
	if err := os.WriteFile(secret, []byte("# Geheim\n\nroot:x:0:0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "contacts.csv"), []byte("id,name\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	exported := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "export")
		if err := WriteFolder(context.Background(), dir, richHandbook(t).Live()); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	plain := func(t *testing.T) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "ddos.md"), []byte("# DDoS\n\n- [ ] Provider anrufen\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	symlink := func(t *testing.T, target, link string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) string
		want  []string // in the error; nil: no error
	}{
		{"plain folder: link to /etc/passwd", func(t *testing.T) string {
			dir := plain(t)
			symlink(t, "/etc/passwd", filepath.Join(dir, "playbooks", "passwd.md"))
			return dir
		}, []string{"passwd.md", "outside"}},
		{"plain folder: relative link out", func(t *testing.T) string {
			dir := plain(t)
			rel, err := filepath.Rel(dir, secret)
			if err != nil {
				t.Fatal(err)
			}
			symlink(t, rel, filepath.Join(dir, "geheim.md"))
			return dir
		}, []string{"geheim.md", "outside"}},
		{"plain folder: link inside the folder", func(t *testing.T) string {
			dir := plain(t)
			symlink(t, "ddos.md", filepath.Join(dir, "kopie.md"))
			return dir
		}, nil},
		{"plain folder: FIFO", func(t *testing.T) string {
			dir := plain(t)
			if err := syscall.Mkfifo(filepath.Join(dir, "rohr.md"), 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			return dir
		}, []string{"rohr.md", "not a regular file"}},
		{"plain folder: link to a device", func(t *testing.T) string {
			dir := plain(t)
			symlink(t, "/dev/zero", filepath.Join(dir, "null.md"))
			return dir
		}, []string{"null.md"}},
		{"plain folder: device inside", func(t *testing.T) string {
			dir := plain(t)
			if err := syscall.Mknod(filepath.Join(dir, "geraet.md"), syscall.S_IFCHR|0o644, 1<<8|5); err != nil {
				t.Skipf("mknod needs privileges: %v", err)
			}
			return dir
		}, []string{"geraet.md", "not a regular file"}},
		{"export: playbook linked out", func(t *testing.T) string {
			dir := exported(t)
			symlink(t, secret, filepath.Join(dir, "playbooks", "geheim.md"))
			return dir
		}, []string{"geheim.md", "outside"}},
		{"export: playbooks folder linked out", func(t *testing.T) string {
			dir := exported(t)
			if err := os.RemoveAll(filepath.Join(dir, "templates")); err != nil {
				t.Fatal(err)
			}
			symlink(t, outside, filepath.Join(dir, "templates"))
			return dir
		}, []string{"templates", "outside"}},
		{"export: contacts linked out", func(t *testing.T) string {
			dir := exported(t)
			if err := os.Remove(filepath.Join(dir, "contacts.csv")); err != nil {
				t.Fatal(err)
			}
			symlink(t, filepath.Join(outside, "contacts.csv"), filepath.Join(dir, "contacts.csv"))
			return dir
		}, []string{"contacts.csv", "outside"}},
		{"export: handbook.json is a FIFO", func(t *testing.T) string {
			dir := exported(t)
			if err := os.Remove(filepath.Join(dir, "handbook.json")); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(filepath.Join(dir, "handbook.json"), 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			return dir
		}, []string{"handbook.json", "not a regular file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.setup(t)
			err := readFolderWithin(t, dir)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if !errors.Is(err, ErrOutside) && !errors.Is(err, ErrSpecialFile) {
				t.Errorf("err = %v, want ErrOutside or ErrSpecialFile", err)
			}
		})
	}
}
