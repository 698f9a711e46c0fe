package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// staleAge is how old a temporary must be to count as abandoned where the
// file system cannot tell through a lock (Windows, some network shares).
const staleAge = time.Hour

func olderThanStaleAge(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && time.Since(fi.ModTime()) > staleAge
}

// tempName reports whether name is one of the temporaries this package
// makes for base: "." + base + "." + digits + suffix.
func tempName(name, base, suffix string) bool {
	mid, ok := strings.CutPrefix(name, "."+base+".")
	if !ok {
		return false
	}
	mid, ok = strings.CutSuffix(mid, suffix)
	if !ok || mid == "" {
		return false
	}
	return strings.Trim(mid, "0123456789") == ""
}

// staleTemps lists the temporaries for base in dir (by suffix) whose
// writer is gone: a killed run leaves them, and the next run for the
// same target clears them up.
func staleTemps(dir, base, suffix string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !tempName(e.Name(), base, suffix) {
			continue
		}
		if p := filepath.Join(dir, e.Name()); abandoned(p) {
			out = append(out, p)
		}
	}
	return out
}

// RemoveStale removes the temporary files that runs of Write for path
// left behind when they were killed. Write calls it itself; it is for
// callers that want to clear up without writing.
func RemoveStale(path string) {
	for _, p := range staleTemps(filepath.Dir(path), filepath.Base(path), ".tmp") {
		_ = os.Remove(p)
	}
}
