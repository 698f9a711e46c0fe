//go:build !unix

package atomicfile

import "os"

// lock does nothing here: an open file cannot be removed on Windows, so a
// temporary being written is safe from the clean-up.
func lock(*os.File) error { return nil }

// lockDir does nothing here: on Windows an open handle on the new folder
// would stop it being renamed into place ("sharing violation"); only its
// age tells a later run that it was abandoned.
func lockDir(string) (unlock func()) { return func() {} }

// abandoned reports whether the temporary at path is left over from a
// writer that is gone: older than staleAge.
func abandoned(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return olderThanStaleAge(f)
}
