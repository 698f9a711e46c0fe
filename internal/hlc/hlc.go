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

// Timestamp packs wall milliseconds and a logical counter into one number
// whose integer order is the clock order.
type Timestamp int64

// New builds a timestamp from wall milliseconds and a counter.
func New(wallMillis int64, counter uint16) Timestamp {
	return Timestamp(wallMillis<<counterBits | int64(counter))
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

// Observe moves the clock past a timestamp received from another device.
func (c *Clock) Observe(remote Timestamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if remote > c.last {
		c.last = remote
	}
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
	if last.Counter() == 1<<counterBits-1 {
		return New(last.WallMillis()+1, 0)
	}
	return last + 1
}
