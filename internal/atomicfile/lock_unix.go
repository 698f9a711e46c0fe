//go:build unix

package atomicfile

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lock takes an exclusive lock on an open file or folder, held until
// it is closed: a temporary file that is locked is still being written.
func lock(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
}

// lockDir locks the folder at path as lock does a file, until the
// returned function is called.
func lockDir(path string) (unlock func()) {
	f, err := os.Open(path)
	if err != nil {
		return func() {}
	}
	_ = lock(f)
	return func() { f.Close() }
}

// abandoned reports whether the temporary file or folder at path belongs
// to a writer that is gone: nobody holds its lock. Where the file system
// has no locks, a temporary older than staleAge counts as abandoned.
func abandoned(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	switch {
	case err == nil:
		return true
	case errors.Is(err, unix.EWOULDBLOCK):
		return false
	}
	return olderThanStaleAge(f)
}
