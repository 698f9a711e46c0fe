// Package cputime measures the CPU time a benchmark spends. On a machine
// that other builds share, wall time per operation swings with their load;
// the CPU time this process used swings far less, so benchmarks report it
// beside ns/op.
package cputime

import (
	"testing"
	"time"
)

// Meter counts this process's CPU time (user and system) from its start.
type Meter struct{ start time.Duration }

// Start starts a meter; call it after the benchmark's setup.
func Start() Meter { return Meter{start: used()} }

// Used is the CPU time since Start.
func (m Meter) Used() time.Duration { return used() - m.start }

// Report adds the CPU time per operation since Start to b's results as
// cpu-ms/op. It does nothing where the system does not tell the CPU time.
func (m Meter) Report(b *testing.B) {
	now := used()
	if now == 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(now-m.start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
