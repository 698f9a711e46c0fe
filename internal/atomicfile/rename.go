package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// ErrInUse means another program holds the file open in a way that stops
// it being replaced: on Windows a PDF viewer showing the old binder, an
// editor, or a virus scanner or search indexer that has not let go yet.
var ErrInUse = errors.New("the file is open in another program; close it there and try again")

// renameBudget is how long Rename keeps trying while the target is held
// open. Scanners and indexers let go within a few hundred milliseconds; a
// viewer that keeps the file open does not, and then the person is told.
const renameBudget = 2 * time.Second

// Rename moves from over to, replacing to. On Windows, replacing a file that
// another handle holds open without FILE_SHARE_DELETE fails with "access
// denied" or a sharing violation; Rename retries that for a short while and
// then returns ErrInUse. from is left in place on failure: the caller
// removes it.
func Rename(from, to string) error {
	return RetryWhileHeld(func() error { return os.Rename(from, to) }, func() (fs.FileInfo, error) { return os.Stat(to) })
}

// RetryWhileHeld runs replace, a rename over a target, as Rename does;
// stat reads the target. A read-only target is refused at once: that is
// not a matter of waiting.
func RetryWhileHeld(replace func() error, stat func() (fs.FileInfo, error)) error {
	busy := func(err error) bool {
		fi, statErr := stat()
		return heldOpen(err) && statErr == nil && fi.Mode().Perm()&0o200 != 0
	}
	return retry(replace, busy, time.Sleep, renameBudget)
}

// retry runs op until it succeeds, fails for a reason other than busy, or
// the waits between tries add up to budget. The waits double from 10 ms.
func retry(op func() error, busy func(error) bool, sleep func(time.Duration), budget time.Duration) error {
	waited := time.Duration(0)
	for wait := 10 * time.Millisecond; ; wait *= 2 {
		err := op()
		if err == nil || !busy(err) {
			return err
		}
		if waited >= budget {
			return fmt.Errorf("%w (%v)", ErrInUse, err)
		}
		wait = min(wait, budget-waited)
		sleep(wait)
		waited += wait
	}
}
