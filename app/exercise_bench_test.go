package app

import (
	"testing"
	"time"

	"ernstfall/internal/cputime"
)

// BenchmarkExerciseYearViewLarge opens the exercises screen of the large
// handbook: the list and the year view with the coverage of 500
// playbooks and the critical services. ui-ms/op is the part spent on the
// UI thread, before the screen answers again.
func BenchmarkExerciseYearViewLarge(b *testing.B) {
	u := largeUI(b)
	if err := u.start(true); err != nil {
		b.Fatal(err)
	}
	u.tasks.Wait()
	away := u.screenIndex(b, "sites") // a light screen to switch back to
	i := u.screenIndex(b, "exercises")
	var ui time.Duration
	cpu := cputime.Start()
	for b.Loop() {
		start := time.Now()
		u.nav.Select(i)
		ui += time.Since(start)
		u.tasks.Wait()
		if !hasText(u.body, "Übungsprogramm 2026") {
			b.Fatal("no year view")
		}
		u.nav.Select(away)
	}
	cpu.Report(b)
	b.ReportMetric(float64(ui.Microseconds())/1000/float64(b.N), "ui-ms/op")
}
