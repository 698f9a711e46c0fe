package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// removeTree removes dir and everything below it, like os.RemoveAll. On
// Windows Go's RemoveAll deletes with POSIX semantics, which Wine 8 lacks
// ("Invalid function"); entry by entry, deepest first, works there too, so
// a swapped-out folder does not stay behind when Ernstfall.exe runs under
// Wine.
func removeTree(dir string) error {
	if err := os.RemoveAll(dir); err == nil {
		return nil
	}
	return removeEntries(dir)
}

// removeEntries removes dir's files and folders one by one, deepest first.
// Symbolic links are removed, never followed.
func removeEntries(dir string) error {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		paths = append(paths, path)
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range slices.Backward(paths) {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return nil
}
