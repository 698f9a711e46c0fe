package binder

import (
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

// TestCallTreePage checks that the call tree page names, for every level,
// the calling role and every person to call with their numbers.
func TestCallTreePage(t *testing.T) {
	hb := demo(t)
	e, _ := render(t, hb, Options{PrintedAt: printed, Sections: []string{SectionCallTree}})
	flat := squeeze(e.raw)
	if !strings.Contains(e.all(), "Telefonkette") {
		t.Fatal("no call tree heading")
	}
	levels := handbook.CallTree(hb, time.Time{})
	if len(levels) != 4 {
		t.Fatalf("demo has %d levels, want 4", len(levels))
	}
	for _, l := range levels {
		if !strings.Contains(flat, squeeze(l.Name)) || !strings.Contains(flat, squeeze(l.Caller.Role)) {
			t.Errorf("level %d: %q or its caller %q missing", l.Level, l.Name, l.Caller.Role)
		}
		for _, r := range l.Calls {
			for _, p := range r.People {
				want := []string{p.Name}
				for _, n := range p.Numbers {
					want = append(want, n.Number)
				}
				for _, want := range want {
					if !strings.Contains(flat, squeeze(want)) {
						t.Errorf("level %d, role %s: %q missing", l.Level, r.Role, want)
					}
				}
			}
		}
	}
}
