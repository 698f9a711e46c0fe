package main

import (
	"os"
	"syscall"
)

// peakMemory is the process's peak resident memory (Linux reports KiB).
func peakMemory(st *os.ProcessState) int64 {
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10
	}
	return 0
}
