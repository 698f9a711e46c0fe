package app

import (
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestRoleHoldersShown: a role lists each holder by name with function
// and every number labelled (Mobil, Büro), not as "…"; the call tree
// labels the numbers too.
func TestRoleHoldersShown(t *testing.T) {
	u := newTestUI(t)
	roles, err := store.List[handbook.Role](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	var role handbook.Role
	for _, r := range roles {
		if r.Name == "Krisenstab-Leitung" {
			role = r
		}
	}
	if len(role.Holders) < 2 {
		t.Fatalf("demo role Krisenstab-Leitung has %d holders", len(role.Holders))
	}
	u.open(handbook.EntityRole, role.ID)
	for i, id := range role.Holders {
		c, err := store.Get[handbook.Contact](u.ctx, u.st, id)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{c.Name, c.Function}
		for _, n := range c.Numbers() {
			want = append(want, n.Number)
		}
		for _, w := range want {
			if w != "" && !hasText(u.body, w) {
				t.Errorf("holder %d: %q not shown", i, w)
			}
		}
	}
	for _, w := range []string{"Hauptverantwortlich:", "Vertretung 1:", "Mobil", "Büro"} {
		if !hasText(u.body, w) {
			t.Errorf("%q not shown: %q", w, texts(u.body))
		}
	}
	for _, s := range texts(u.body) {
		if s == "…" {
			t.Error("a holder shows as …")
		}
	}
	u.showScreen("calltree")
	u.tasks.Wait()
	if !hasText(u.body, "Mobil") || !hasText(u.body, "Büro") {
		t.Errorf("call tree numbers without kinds: %q", texts(u.body))
	}
}
