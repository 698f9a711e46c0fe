//go:build !windows

package atomicfile

// heldOpen is always false outside Windows: POSIX systems replace and
// remove files that others hold open.
func heldOpen(error) bool { return false }
