//go:build unix

package exchange

import (
	"os"
	"syscall"
)

// openFlags open a file for reading without waiting on a FIFO; noFollow
// also refuses a link in the last component, which a caller that
// resolved every link itself uses against a link swapped in meanwhile.
func openFlags(noFollow bool) int {
	f := os.O_RDONLY | syscall.O_NONBLOCK
	if noFollow {
		f |= syscall.O_NOFOLLOW
	}
	return f
}
