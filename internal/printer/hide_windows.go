//go:build windows

package printer

import (
	"os/exec"
	"syscall"
)

// createNoWindow keeps a console program started from the window from
// flashing a console window of its own.
const createNoWindow = 0x08000000

// hideWindow starts cmd without a console window.
func hideWindow(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
}
