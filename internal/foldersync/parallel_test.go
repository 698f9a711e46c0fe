package foldersync

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestParallelRoundsOfOneDatabase: the app and a cron job sync the same
// database at the same moment. The round that loses the race for the
// batch number finds its changes written by the other and says so, rather
// than claim they stay queued; nothing is sent twice or lost.
func TestParallelRoundsOfOneDatabase(t *testing.T) {
	ctx := context.Background()
	a, b, folder := pair(t)
	putContact(t, a, &handbook.Contact{Name: "Parallel", Email: "p@example.com"})
	// The second process: the same database file, opened again.
	other, err := store.Open(ctx, a.st.Path(), store.Options{Now: a.now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var fired atomic.Bool
	var otherRep Report
	var otherErr error
	race := func(path string) error {
		if strings.Contains(path, "log") && fired.CompareAndSwap(false, true) {
			otherRep, otherErr = runRound(ctx, other, Options{Folder: folder, Backups: -1, Now: a.now})
		}
		return nil
	}
	rep, err := runRound(ctx, a.st, Options{Folder: folder, Backups: -1, Now: a.now, beforeWrite: race})
	if err != nil {
		t.Fatalf("the round that lost the race failed: %v", err)
	}
	if otherErr != nil || otherRep.Sent != 3 {
		t.Fatalf("the other round: sent %d, %v", otherRep.Sent, otherErr)
	}
	if rep.Sent != 3 || rep.Parallel != 3 {
		t.Errorf("the losing round reports %d sent, %d of them by the other; want 3 and 3", rep.Sent, rep.Parallel)
	}
	if un, err := a.st.Unsent(ctx); err != nil || len(un) != 0 {
		t.Errorf("%d changes still queued (%v)", len(un), err)
	}
	if got := b.sync(t, folder); got.Received != 3 || got.Batches != 1 {
		t.Errorf("B received %d changes in %d batches, want 3 in 1", got.Received, got.Batches)
	}
}
