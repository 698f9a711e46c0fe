package foldersync

import (
	"context"
	"slices"
	"testing"

	"ernstfall/internal/handbook"
)

// TestBatchNamesItsAuthor: a batch carries the name of the person who
// synced, inside its signed contents; the laptop that applies it learns
// who made the changes.
func TestBatchNamesItsAuthor(t *testing.T) {
	folder := t.TempDir()
	clock := newFakeClock()
	a, b := openLaptop(t, t.TempDir(), clock.reader(0)), openLaptop(t, t.TempDir(), clock.reader(0))
	putContact(t, a, &handbook.Contact{Name: "Dr. Henrik Lange", Email: "datenschutz@example.com"})
	a.sync(t, folder)
	join(t, folder, a, b)
	putContact(t, a, &handbook.Contact{Name: "Julia Reimann", Email: "j.reimann@example.com"})
	opt := a.opts(folder)
	opt.Author = "Jonas Petersen"
	if rep, err := a.eng.Run(context.Background(), a.st, opt); err != nil || rep.Sent == 0 {
		t.Fatalf("sync: %+v, %v", rep, err)
	}
	rep := b.sync(t, folder)
	if rep.Received == 0 || !slices.Equal(rep.Authors, []string{"Jonas Petersen"}) {
		t.Errorf("received %d changes from %q, want from Jonas Petersen", rep.Received, rep.Authors)
	}
}
