package cli

import (
	"context"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestOnCallRosterWithADeletedPerson: Tobias Wendt, on the roster for
// the week from 30 November, was deleted. The printed weeks name the
// role's holder who stands in and say why, instead of "?".
func TestOnCallRosterWithADeletedPerson(t *testing.T) {
	ctx := context.Background()
	db := demoDB(t)
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, handbook.EntityContact, "01a0f6b1-2685-7302-aeec-35a0c286c20e"); err != nil {
		st.Close()
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	r := run(t, "--db", db, "on-call", "--at", "2026-11-26T02:00", "--weeks", "2")
	if r.code != 0 {
		t.Fatalf("on-call: %+v", r)
	}
	roster := r.stdout[strings.Index(r.stdout, "On-call roster"):]
	if strings.Contains(roster, "?") || !strings.Contains(roster, "Jonas Petersen") ||
		!strings.Contains(roster, "the roster names a deleted contact; a holder of the role stands in") {
		t.Errorf("roster with a deleted person:\n%s", roster)
	}
	if !strings.Contains(r.stdout, "then Jonas Petersen") {
		t.Errorf("the hand-over names nobody:\n%s", r.stdout)
	}
}
