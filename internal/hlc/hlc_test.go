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

// TestNoOverflow: readings at the edge of what a timestamp holds neither
// wrap negative nor go backwards, and a remote reading far ahead moves the
// clock only up to its bound.
func TestNoOverflow(t *testing.T) {
	base := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		remote Timestamp
	}{
		{"2^63-1", Timestamp(1<<63 - 1)},
		{"2^48 wall milliseconds", New(1<<48, 0)},
		{"2^48 as a reading", Timestamp(1 << 48)},
		{"a year ahead", New(base.AddDate(1, 0, 0).UnixMilli(), 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.remote <= 0 {
				t.Fatalf("remote reading %d wrapped negative", int64(tt.remote))
			}
			c := NewClock(func() time.Time { return base }, 0)
			c.Observe(tt.remote)
			prev := Timestamp(0)
			for range 3 {
				got := c.Now()
				if got <= prev || got <= 0 {
					t.Fatalf("clock issued %d after %d", int64(got), int64(prev))
				}
				if got.Time().After(base.Add(MaxAhead).Add(time.Millisecond)) {
					t.Fatalf("clock issued %v, more than %v past its wall clock %v", got, MaxAhead, base)
				}
				prev = got
			}
		})
	}
	t.Run("at the very end", func(t *testing.T) {
		c := NewClock(func() time.Time { return base }, Timestamp(1<<63-1))
		if got := c.Now(); got != Timestamp(1<<63-1) {
			t.Fatalf("clock at the end issued %d", int64(got))
		}
	})
	t.Run("New saturates", func(t *testing.T) {
		if got := New(1<<60, 5); got <= 0 || got.WallMillis() != maxWallMillis {
			t.Fatalf("New(2^60) = %d", int64(got))
		}
		if got := New(-5, 0); got != 0 {
			t.Fatalf("New(-5) = %d", int64(got))
		}
	})
}
