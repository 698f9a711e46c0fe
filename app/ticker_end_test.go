package app

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestTickerEndsWithWindow: a view's ticker (a running incident, a drill,
// an alarm test) stops when its window closes and ticks nothing after,
// so it never reads the translations while the next window loads them.
func TestTickerEndsWithWindow(t *testing.T) {
	u := newTestUI(t)
	prev := tickEvery
	tickEvery = 2 * time.Millisecond
	t.Cleanup(func() { tickEvery = prev })

	var ticks atomic.Int32
	var l liveTicker
	l.start(u, func() bool { return true }, func(time.Time) { ticks.Add(1) })
	for deadline := time.Now().Add(5 * time.Second); ticks.Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the ticker never ticked")
		}
		time.Sleep(time.Millisecond)
	}
	u.end()
	after := ticks.Load()
	time.Sleep(20 * tickEvery)
	if n := ticks.Load(); n != after {
		t.Fatalf("the ticker ticked %d times after the window closed", n-after)
	}

	// A view shown after the close starts no ticker at all.
	var late liveTicker
	late.start(u, func() bool { return true }, func(time.Time) { ticks.Add(1) })
	time.Sleep(20 * tickEvery)
	if n := ticks.Load(); n != after {
		t.Fatalf("a ticker started after the close ticked %d times", n-after)
	}
}
