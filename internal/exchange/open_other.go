//go:build !unix

package exchange

import "os"

// openFlags: Windows has no FIFOs to wait on and resolves no links in
// the last component here.
func openFlags(bool) int { return os.O_RDONLY }
