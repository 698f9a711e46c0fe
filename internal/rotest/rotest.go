// Package rotest makes files and folders read-only for tests, the way a
// write-protected USB stick or a read-only share is: unwritable for the
// test process even when it runs as root, where permission bits do not
// stop writes. It is used by tests only.
package rotest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// ReadOnly makes path (a file or a folder: nothing can be created,
// renamed or removed in it) unwritable until the test ends. As a normal
// user it removes the write permissions; as root it sets the immutable
// attribute (chattr +i), which binds root too. Where neither is possible
// the test is skipped, saying why.
func ReadOnly(t testing.TB, path string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("read-only folders cannot be made on Windows by a test")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		mode := fi.Mode().Perm()
		if err := os.Chmod(path, mode&^0o222); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(path, mode) })
	} else {
		out, err := exec.Command("chattr", "+i", path).CombinedOutput()
		if err != nil {
			t.Skipf("running as root, and %s cannot be made immutable (chattr +i: %v %s); a read-only medium cannot be simulated here", path, err, out)
		}
		t.Cleanup(func() {
			if out, err := exec.Command("chattr", "-i", path).CombinedOutput(); err != nil {
				t.Errorf("chattr -i %s: %v %s", path, err, out)
			}
		})
	}
	if writable(path, fi.IsDir()) {
		t.Fatalf("%s is still writable after making it read-only", path)
	}
}

// writable tries a write the way SQLite would: a new file in a folder, an
// open for writing of a file.
func writable(path string, dir bool) bool {
	if dir {
		probe := filepath.Join(path, ".rotest-probe")
		f, err := os.OpenFile(probe, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return false
		}
		f.Close()
		os.Remove(probe)
		return true
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if errors.Is(err, os.ErrPermission) || err != nil {
		return false
	}
	f.Close()
	return true
}
