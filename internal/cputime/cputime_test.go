package cputime

import (
	"runtime"
	"testing"
	"time"
)

// TestUsedGrowsWithWork busy-loops until the process has used 20 ms more
// CPU time; a meter that does not count fails after a long wall-clock wait.
func TestUsedGrowsWithWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("CPU time is not measured here")
	}
	before := used()
	if before <= 0 {
		t.Fatalf("used() = %v before any work", before)
	}
	deadline := time.Now().Add(30 * time.Second)
	for used()-before < 20*time.Millisecond {
		if time.Now().After(deadline) {
			t.Fatalf("CPU time went from %v to %v over 30 s of busy work", before, used())
		}
	}
}
