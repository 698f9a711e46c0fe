package main

import (
	"os"
	"syscall"
)

// attachParentConsole lets a command typed in cmd.exe or PowerShell print
// there. Ernstfall.exe is a GUI program, so Windows gives it no console, and
// a command's output (help, version, search, check) would vanish. When
// output or errors are not redirected, it attaches to the console of the
// program that started it and writes those there. Handles that are
// redirected to a file or pipe (scripts, scheduled tasks) are left alone.
func attachParentConsole() {
	missing := func(std int) bool {
		h, err := syscall.GetStdHandle(std)
		return err != nil || h == 0 || h == syscall.InvalidHandle
	}
	noOut, noErr, noIn := missing(syscall.STD_OUTPUT_HANDLE), missing(syscall.STD_ERROR_HANDLE), missing(syscall.STD_INPUT_HANDLE)
	if !noOut && !noErr {
		return
	}
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := attach.Call(attachParentProcess); r == 0 {
		return // started from Explorer: there is no console to attach to
	}
	if out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		if noOut {
			os.Stdout = out
		}
		if noErr {
			os.Stderr = out
		}
	}
	if noIn {
		if in, err := os.OpenFile("CONIN$", os.O_RDONLY, 0); err == nil {
			os.Stdin = in
		}
	}
}
