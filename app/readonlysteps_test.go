package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// checks lists the check boxes below o.
func checks(o fyne.CanvasObject) []*widget.Check {
	var out []*widget.Check
	walk(o, func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			out = append(out, c)
		}
	})
	return out
}

// TestStepsOutsideIncidents: Markdown outside a playbook shows its task
// items as a list, with no check box that cannot be ticked; done items
// carry a tick mark. In a playbook a tick asks "Diesen Schritt im
// Vorfall abhaken?", is taken back, and offers the incident running on
// the playbook and to start one.
func TestStepsOutsideIncidents(t *testing.T) {
	u := newTestUI(t)
	md := renderMarkdown("- [ ] Notstrom prüfen\n- [x] Schlüssel geholt\n")
	if cs := checks(md); len(cs) != 0 {
		t.Fatalf("read-only Markdown shows %d check boxes", len(cs))
	}
	if got := texts(md); !hasText(md, "•") || !hasText(md, "✓") {
		t.Fatalf("task items not marked as a list: %q", got)
	}

	pbs, err := store.List[handbook.Playbook](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	p := pbs[0]
	u.open(handbook.EntityPlaybook, p.ID)
	boxes := checks(u.body)
	if len(boxes) == 0 {
		t.Fatalf("playbook %q shows no steps to tick", p.Title)
	}
	for _, c := range boxes {
		if c.Disabled() {
			t.Fatal("a playbook step is a disabled check box")
		}
	}
	test.Tap(boxes[0])
	if boxes[0].Checked {
		t.Error("the tick in the playbook stayed")
	}
	d := u.dialogTop()
	if d == nil || !hasText(d, "Diesen Schritt im Vorfall abhaken?") {
		t.Fatal("a tick in the playbook did not ask")
	}
	if hasText(d, "Im Vorfall") {
		t.Errorf("offers an incident although none runs: %q", texts(d))
	}
	test.Tap(findButton(t, d, "Vorfall mit diesem Playbook starten …"))
	if top := u.dialogTop(); top == nil || !hasText(top, p.Title) {
		t.Fatal("“start an incident” did not open the start dialog on the playbook")
	}
	u.dialogTop().Hide()

	inc, err := u.ops.StartIncident(u.ctx, ops.StartIncident{Title: "Probe", Playbook: p.ID, AwareAt: testNow, By: testAuthor})
	if err != nil {
		t.Fatal(err)
	}
	u.open(handbook.EntityPlaybook, p.ID)
	test.Tap(checks(u.body)[0])
	test.Tap(findButton(t, u.dialogTop(), "Im Vorfall „Probe“ abhaken"))
	u.tasks.Wait()
	if id := u.screens[u.current].id; id != "incidents" || len(checks(u.body)) == 0 {
		t.Fatalf("the offer opened %q without the checklist of incident %s", id, inc.ID)
	}
}
