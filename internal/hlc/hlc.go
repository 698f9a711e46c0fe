// Package hlc implements a hybrid logical clock: timestamps that follow the
// wall clock when it behaves, never go backwards when it does not, and stay
// ahead of every timestamp seen from another device. Laptops with wrong
// clocks therefore still order their edits sanely.
package hlc

import (
	"fmt"
	"sync"
	"time"
)

// counterBits is the room for logical ticks within one millisecond.
const counterBits = 16

// maxWallMillis is the largest wall time a timestamp can hold (the year
// 6429); readings beyond it saturate instead of wrapping negative.
const maxWallMillis = int64(1)<<(63-counterBits) - 1

// MaxAhead is how far past its own wall clock a received timestamp may
// move a clock. A laptop whose clock runs further ahead still has its
// changes applied (they keep their readings), but it cannot drag every
// other laptop's clock along, nor run it into an overflow.
const MaxAhead = 24 * time.Hour

// Timestamp packs wall milliseconds and a logical counter into one number
// whose integer order is the clock order.
type Timestamp int64

// New builds a timestamp from wall milliseconds and a counter.
// Wall times outside what a timestamp can hold saturate.
func New(wallMillis int64, counter uint16) Timestamp {
	wallMillis = min(max(wallMillis, 0), maxWallMillis)
	return Timestamp(wallMillis<<counterBits | int64(counter))
}

// Next is the timestamp right after t; the largest one stays put.
func (t Timestamp) Next() Timestamp {
	if t == Timestamp(1<<63-1) {
		return t
	}
	return t + 1
}

// WallMillis is the physical part of the timestamp.
func (t Timestamp) WallMillis() int64 { return int64(t) >> counterBits }

// Counter is the logical part of the timestamp.
func (t Timestamp) Counter() uint16 { return uint16(t & (1<<counterBits - 1)) }

// Time is the physical part as a time.
func (t Timestamp) Time() time.Time { return time.UnixMilli(t.WallMillis()).UTC() }

// String renders the timestamp for logs and messages.
func (t Timestamp) String() string {
	return fmt.Sprintf("%s+%d", t.Time().Format("2006-01-02T15:04:05.000Z"), t.Counter())
}

// Clock issues timestamps. It is safe for concurrent use.
type Clock struct {
	mu   sync.Mutex
	last Timestamp
	now  func() time.Time
}

// NewClock returns a clock that reads the wall time from now (time.Now when
// nil) and never issues a timestamp at or below last.
func NewClock(now func() time.Time, last Timestamp) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{now: now, last: last}
}

// Now issues a new timestamp, greater than every one issued or observed before.
func (c *Clock) Now() Timestamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = c.next(c.last)
	return c.last
}

// Observe moves the clock past a timestamp received from another device,
// but never further than MaxAhead past its own wall clock.
func (c *Clock) Observe(remote Timestamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	remote = min(remote, Bound(c.now()))
	if remote > c.last {
		c.last = remote
	}
}

// Bound is the greatest timestamp a clock whose wall clock reads now
// takes over from other devices: now plus MaxAhead.
func Bound(now time.Time) Timestamp {
	return New(now.Add(MaxAhead).UnixMilli(), 1<<counterBits-1)
}

// Last is the newest timestamp issued or observed.
func (c *Clock) Last() Timestamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

func (c *Clock) next(last Timestamp) Timestamp {
	wall := c.now().UnixMilli()
	if wall > last.WallMillis() {
		return New(wall, 0)
	}
	switch {
	case last.Counter() < 1<<counterBits-1:
		return last + 1
	case last.WallMillis() < maxWallMillis:
		return New(last.WallMillis()+1, 0)
	}
	// The largest timestamp: only a clock set thousands of years ahead
	// gets here. Staying put is better than wrapping negative.
	return last
}
