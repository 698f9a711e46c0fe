package handbook_test

import (
	"testing"
	"time"

	"ernstfall/internal/cputime"
	"ernstfall/internal/fixture"
)

// BenchmarkCheckLarge runs the handbook check on the generated large
// handbook (5,000 contacts, 500 playbooks, 300 services).
func BenchmarkCheckLarge(b *testing.B) {
	hb := fixture.Generate(1, fixture.Large)
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	cpu := cputime.Start()
	for b.Loop() {
		if f := hb.Check(now); len(f) == 0 {
			b.Fatal("no findings")
		}
	}
	cpu.Report(b)
}
