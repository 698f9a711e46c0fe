package hlc

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	base := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		walls []time.Time // wall clock readings, one per Now call
		want  []Timestamp
	}{
		{"follows the wall clock", []time.Time{base, base.Add(time.Second)},
			[]Timestamp{New(base.UnixMilli(), 0), New(base.Add(time.Second).UnixMilli(), 0)}},
		{"same millisecond ticks the counter", []time.Time{base, base, base},
			[]Timestamp{New(base.UnixMilli(), 0), New(base.UnixMilli(), 1), New(base.UnixMilli(), 2)}},
		{"wall clock going back does not reorder", []time.Time{base, base.Add(-time.Hour)},
			[]Timestamp{New(base.UnixMilli(), 0), New(base.UnixMilli(), 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := 0
			c := NewClock(func() time.Time { w := tt.walls[i]; i++; return w }, 0)
			for j, want := range tt.want {
				if got := c.Now(); got != want {
					t.Fatalf("call %d: got %v, want %v", j, got, want)
				}
			}
		})
	}
}

func TestObserveMovesPastRemote(t *testing.T) {
	base := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	c := NewClock(func() time.Time { return base }, 0)
	remote := New(base.Add(3*time.Hour).UnixMilli(), 7) // a laptop whose clock is ahead
	c.Observe(remote)
	if got := c.Now(); got <= remote {
		t.Fatalf("after observing %v the clock issued %v", remote, got)
	}
	if got := c.Now().Time(); !got.Equal(base.Add(3 * time.Hour)) {
		t.Fatalf("wall part %v, want the remote's wall time", got)
	}
}

func TestCounterOverflowCarriesIntoWall(t *testing.T) {
	base := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	c := NewClock(func() time.Time { return base }, New(base.UnixMilli(), 1<<counterBits-1))
	got := c.Now()
	if got.WallMillis() != base.UnixMilli()+1 || got.Counter() != 0 {
		t.Fatalf("got %v, want next millisecond with counter 0", got)
	}
}
