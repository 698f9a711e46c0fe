package store

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"ernstfall/internal/handbook"
)

// An open window subscribes to the store's notices. A change made by
// another program on the same file (the command line restoring, importing
// or starting an incident) is noticed by CheckOutside, with a notice for
// every kind of record; the store's own changes are not reported twice.
func TestCheckOutside(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hb.db")
	window := open(t, path)
	var mu sync.Mutex
	var got []Notice
	cancel := window.Subscribe(func(n []Notice) {
		mu.Lock()
		got = append(got, n...)
		mu.Unlock()
	})
	defer cancel()
	if changed, err := window.CheckOutside(ctx); err != nil || changed {
		t.Fatalf("first check: %v, %v; want only a note of the state", changed, err)
	}
	cli := open(t, path)
	if _, err := cli.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	changed, err := window.CheckOutside(ctx)
	if err != nil || !changed {
		t.Fatalf("after another program's import: %v, %v; want a change", changed, err)
	}
	mu.Lock()
	ok := slices.ContainsFunc(got, func(n Notice) bool { return n.Entity == handbook.EntityContact }) &&
		slices.ContainsFunc(got, func(n Notice) bool { return n.Entity == handbook.EntityIncident })
	got = nil
	mu.Unlock()
	if !ok {
		t.Error("no notice for contacts and incidents")
	}
	if changed, _ := window.CheckOutside(ctx); changed {
		t.Error("the same change reported twice")
	}
	if err := window.Delete(ctx, handbook.EntityContact, "c2"); err != nil {
		t.Fatal(err)
	}
	if changed, _ := window.CheckOutside(ctx); changed {
		t.Error("the window's own change counted as another program's")
	}
	if err := cli.Delete(ctx, handbook.EntityContact, "c1"); err != nil {
		t.Fatal(err)
	}
	if changed, _ := window.CheckOutside(ctx); !changed {
		t.Error("another program's deletion went unnoticed")
	}
}
