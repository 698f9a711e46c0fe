package handbook_test

import (
	"testing"
	"time"

	"ernstfall/internal/cputime"
	"ernstfall/internal/fixture"
	"ernstfall/internal/handbook"
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

// BenchmarkExerciseCoverageLarge computes what the exercise year view
// shows on the large handbook: the months, the coverage of 500
// playbooks, 300 services and the processes, the last recovery tests and
// the check's findings about the programme.
func BenchmarkExerciseCoverageLarge(b *testing.B) {
	hb := fixture.Generate(1, fixture.Large).Live()
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	cpu := cputime.Start()
	for b.Loop() {
		months := handbook.ExercisesOfYear(hb.Exercises, 2026, time.UTC)
		cov := handbook.Coverage(hb, now)
		tests := handbook.LastServiceTests(hb)
		findings := handbook.ExerciseFindings(hb, now)
		if len(months) != 12 || len(cov) < 500 || len(findings) == 0 {
			b.Fatalf("%d months, %d coverage rows, %d findings, %d tests", len(months), len(cov), len(findings), len(tests))
		}
	}
	cpu.Report(b)
}
