package app

import (
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// TestDashboardTimesMove: the dashboard's running time of an incident and
// its report deadlines move with the clock, on the same widgets, without
// reading the handbook again.
func TestDashboardTimesMove(t *testing.T) {
	u := newTestUI(t)
	clock := testNow
	u.now = func() time.Time { return clock }
	// GDPR's 72 hours from the awareness 71 h 50 min ago end ten
	// minutes from now.
	started := testNow.Add(-2*time.Hour - 5*time.Minute)
	o := ops.New(u.st, ops.Config{Now: func() time.Time { return started }})
	if _, err := o.StartIncident(u.ctx, ops.StartIncident{Title: "Datenpanne im Kundenportal", AwareAt: testNow.Add(-71*time.Hour - 50*time.Minute),
		Regimes: []string{handbook.RegimeGDPR}, By: testAuthor}); err != nil {
		t.Fatal(err)
	}
	u.tasks.Wait()
	u.show(u.screenIndex(t, "dashboard"))
	u.tasks.Wait()
	if !hasText(u.body, "Datenpanne im Kundenportal – läuft seit 2 Std. 05 Min.") {
		t.Fatalf("no running time on the dashboard: %q", texts(u.body))
	}
	if hasText(u.body, "überfällig seit") {
		t.Fatal("a report is overdue before its time")
	}
	content := u.view.content

	clock = testNow.Add(26*time.Hour + 3*time.Minute)
	u.tickView()
	if u.view.content != content {
		t.Fatal("the tick rebuilt the dashboard instead of moving its times")
	}
	if !hasText(u.body, "Datenpanne im Kundenportal – läuft seit 1 T. 4 Std. 08 Min.") {
		t.Errorf("the running time did not move: %q", texts(u.body))
	}
	if !hasText(u.body, "überfällig seit") {
		t.Errorf("the GDPR report did not turn overdue: %q", texts(u.body))
	}
}
