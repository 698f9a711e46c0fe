package atomicfile

import (
	"errors"
	"syscall"
)

// Windows error codes for a file another handle holds open.
const (
	errorAccessDenied     = syscall.Errno(5)
	errorSharingViolation = syscall.Errno(32)
	errorLockViolation    = syscall.Errno(33)
)

// heldOpen reports whether err is Windows refusing to replace or remove a
// file because another handle has it open.
func heldOpen(err error) bool {
	return errors.Is(err, errorAccessDenied) || errors.Is(err, errorSharingViolation) ||
		errors.Is(err, errorLockViolation)
}
