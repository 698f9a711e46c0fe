//go:build unix

package foldersync

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"ernstfall/internal/handbook"
)

// TestFilesFollowTheUmask: on a Linux share every member must read the
// others' files, so files and folders are created with the user's umask,
// not private to the user.
func TestFilesFollowTheUmask(t *testing.T) {
	old := syscall.Umask(0o002)
	defer syscall.Umask(old)
	a, _, folder := pair(t)
	putContact(t, a, &handbook.Contact{Name: "Gruppe", Email: "g@example.com"})
	a.sync(t, folder)
	root := filepath.Join(folder, "ernstfall")
	var files int
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		want := fs.FileMode(0o664)
		if d.IsDir() {
			want = 0o775
		} else {
			files++
		}
		if p != root && fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", p, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 3 {
		t.Fatalf("only %d files in the folder", files)
	}
}
