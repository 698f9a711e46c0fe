// Package atomicfile writes a file whole or not at all: a PDF, an export or
// a backup that fails half way (a full disk, a pulled USB stick) never
// leaves half a file where the old one was.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// ErrCreate means no file could be made in the target's folder: it is
// missing or not writable.
var ErrCreate = errors.New("cannot create a file in the folder")

// ErrNotRegular means the target exists and is a folder, a device or a
// pipe: replacing it with a file is never what was meant.
var ErrNotRegular = errors.New("is not a regular file (a folder, a device or a pipe); choose a file name")

// Write calls write with a buffered writer onto a temporary file beside
// path, syncs it and renames it over path. An existing file keeps its
// permissions. When write or any step fails, the temporary file is removed
// and path is as it was; ErrInUse when another program holds path open so
// that Windows will not replace it. Temporaries of earlier runs for path
// that were killed half way are removed first.
func Write(path string, write func(io.Writer) error) (err error) {
	mode := fs.FileMode(0o644)
	if fi, statErr := os.Stat(path); statErr == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: %w", path, ErrNotRegular)
		}
		mode = fi.Mode().Perm()
	}
	RemoveStale(path)
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("%w %s: %w", ErrCreate, filepath.Dir(path), err)
	}
	// The lock tells a later run that this temporary is being written;
	// without it (a file system with no locks) only its age tells.
	_ = lock(tmp)
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	buf := bufio.NewWriterSize(tmp, 1<<16)
	if err = write(buf); err != nil {
		return err
	}
	if err = buf.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if runtime.GOOS == "windows" {
		// Windows renames no open file.
		if err = tmp.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	// Elsewhere the file is renamed while still open and locked, so that
	// the clean-up of another run never takes it for abandoned.
	if err = Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	if runtime.GOOS != "windows" {
		if err = tmp.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}

// syncDir makes a rename in dir durable where the system allows it; a
// failure only weakens durability, never the content, so it is ignored.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
