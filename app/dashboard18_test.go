package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// TestDashboardEmergencyFirst: the dashboard opens with the way in for
// an emergency: playbooks to start (the most severe first), the
// emergency numbers and the first roles to call with numbers; upkeep
// follows below.
func TestDashboardEmergencyFirst(t *testing.T) {
	u := newTestUI(t)
	all := texts(u.body)
	index := func(s string) int {
		for i, x := range all {
			if x == s {
				return i
			}
		}
		return -1
	}
	for _, s := range []string{"Vorfall starten", "Zuerst anrufen", "Anderer Vorfall …", "Pflege des Handbuchs"} {
		if index(s) < 0 {
			t.Fatalf("dashboard lacks %q: %q", s, all)
		}
	}
	if !hasText(u.body, "Notruf: 112") || !hasText(u.body, "Mobil") {
		t.Errorf("no emergency numbers on the dashboard")
	}
	if index("Vorfall starten") > index("Pflege des Handbuchs") {
		t.Error("upkeep comes before the emergency card")
	}
	test.Tap(findButton(t, u.body, "Ransomware-Angriff"))
	if d := u.dialogTop(); d == nil || !hasText(d, "Ransomware-Angriff") {
		t.Fatal("the playbook button opened no start dialog")
	}
}

// TestPrintoutOutdatedOnlyByContent: incident activity after printing
// does not make the printout outdated; a change of the handbook does.
func TestPrintoutOutdatedOnlyByContent(t *testing.T) {
	u := newTestUI(t)
	u.writeBinder(t.TempDir()+"/b.pdf", binder.Options{Lang: "de"})
	u.tasks.Wait()
	if hasText(u.body, "Ausdruck veraltet") {
		t.Fatal("outdated right after printing")
	}
	later := testNow.Add(time.Hour)
	o := ops.New(u.st, ops.Config{Now: func() time.Time { return later }})
	if _, err := o.StartIncident(u.ctx, ops.StartIncident{Title: "Übungsalarm", Severity: handbook.SeverityLow}); err != nil {
		t.Fatal(err)
	}
	u.tasks.Wait()
	u.redraw()
	u.tasks.Wait()
	if hasText(u.body, "Ausdruck veraltet") {
		t.Error("an incident alone made the printout outdated")
	}
}

// TestScreenIconsDistinct: every screen in the sidebar has an icon of its
// own (Risiken and Konflikte shared one).
func TestScreenIconsDistinct(t *testing.T) {
	u := newTestUI(t)
	seen := map[string]string{}
	for _, s := range u.screens {
		if other, ok := seen[s.icon.Name()]; ok {
			t.Errorf("%s and %s share the icon %s", other, s.title, s.icon.Name())
		}
		seen[s.icon.Name()] = s.title
	}
}
