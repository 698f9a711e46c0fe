package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ernstfall/internal/cputime"
	"ernstfall/internal/fixture"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// largeUI opens the generated large handbook (5,000 contacts, 500
// playbooks, 300 services) in the test window.
func largeUI(b *testing.B) *ui {
	b.Helper()
	a := test.NewApp()
	b.Cleanup(a.Quit)
	if err := useLanguage("de"); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "large.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Import(ctx, fixture.Generate(1, fixture.Large)); err != nil {
		b.Fatal(err)
	}
	w := a.NewWindow("Ernstfall")
	w.Resize(fyne.NewSize(1200, 800))
	now := func() time.Time { return testNow }
	u := newUI(ctx, ops.New(st, ops.Config{Now: now}), a, w, now)
	// Background loads end inside the test that started them, so none
	// of them reads the translations while the next test reloads them.
	b.Cleanup(u.tasks.Wait)
	return u
}

// BenchmarkStartLarge measures opening the window on the large handbook up
// to a drawn dashboard: what a person waits for at 2 a.m.
func BenchmarkStartLarge(b *testing.B) {
	u := largeUI(b)
	for b.Loop() {
		if err := u.start(true); err != nil {
			b.Fatal(err)
		}
		u.tasks.Wait() // the dashboard reads the handbook in the background
		u.win.Canvas().Refresh(u.win.Content())
	}
}

// BenchmarkScreensLarge opens each section of the large handbook (and the
// light settings screen after it). ui-ms/op is the part of it spent on the
// UI thread, before the screen answers again; the rest is read in the
// background.
func BenchmarkScreensLarge(b *testing.B) {
	u := largeUI(b)
	if err := u.start(true); err != nil {
		b.Fatal(err)
	}
	away := u.screenIndex(b, "settings") // a light screen to switch back to
	for _, id := range []string{"contacts", "playbooks", "recovery", "roles", "calltree"} {
		b.Run(id, func(b *testing.B) {
			i := u.screenIndex(b, id)
			var ui time.Duration
			for b.Loop() {
				start := time.Now()
				u.nav.Select(i)
				ui += time.Since(start)
				u.tasks.Wait() // screens that read the whole handbook do it in the background
				u.nav.Select(away)
			}
			b.ReportMetric(float64(ui.Microseconds())/1000/float64(b.N), "ui-ms/op")
		})
	}
}

// BenchmarkIncidentNoticeLarge: a running incident on screen in the large
// handbook takes the store's notice of a new log entry, as after every
// tick, note or escalation, from this window or another laptop. It is
// what the window does on the UI thread for each change.
func BenchmarkIncidentNoticeLarge(b *testing.B) {
	prev := tickEvery
	tickEvery = 0
	b.Cleanup(func() { tickEvery = prev })
	u := largeUI(b)
	if err := u.start(true); err != nil {
		b.Fatal(err)
	}
	u.tasks.Wait()
	inc, err := u.ops.StartIncident(u.ctx, ops.StartIncident{Title: "Rechenzentrum ohne Strom", Severity: handbook.SeverityHigh})
	if err != nil {
		b.Fatal(err)
	}
	u.open(handbook.EntityIncident, inc.ID)
	if !hasText(u.body, "Rechenzentrum ohne Strom") {
		b.Fatal("the incident is not on screen")
	}
	notice := []store.Notice{{Entity: handbook.EntityLogEntry, ID: inc.ID}}
	cpu := cputime.Start()
	for b.Loop() {
		u.noticed(notice)
	}
	cpu.Report(b)
}
