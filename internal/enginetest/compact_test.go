package enginetest

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// testClock is the team's wall clock: a story of weeks runs in seconds.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) read() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestCompactionThroughSyncthing: while one laptop is away longer than
// the team waits for it, a member compacts the shared folder; Syncthing
// carries the removals and the checkpoint to the other side in its own
// order. The laptop comes back there, starts from the checkpoint, and the
// edits it made while away merge: its own field keeps its value, the
// field another laptop changed too is one conflict on every laptop.
func TestCompactionThroughSyncthing(t *testing.T) {
	bin := syncthingBinary(t)
	ctx := context.Background()
	sideA, sideB := t.TempDir(), t.TempDir()
	p := startPair(t, bin, sideA, sideB)
	clk := &testClock{now: time.Now().UTC()}

	lead := newLaptopAt(t, "Laptop Krisenstab", sideA, clk.read)
	it := newLaptopAt(t, "Laptop IT-Lead", sideA, clk.read)
	away := newLaptopAt(t, "Laptop Außenstelle", sideB, clk.read)
	for n := range 3 {
		c := handbook.Contact{Record: handbook.Record{ID: fmt.Sprintf("0190cccc-0000-7000-8000-%012d", n)}, Name: fmt.Sprintf("Kontakt %d", n), Email: "k@example.com"}
		if err := store.Put(ctx, lead.st, &c); err != nil {
			t.Fatal(err)
		}
	}
	st, err := lead.st.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.SyncInactiveDays, st.SyncCompactAfter = 7, 100
	if err := lead.ops.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	lead.sync(t)
	p.settle(t)
	for _, l := range []*laptop{it, away} {
		if rep := l.sync(t); !rep.Pending {
			t.Fatalf("%s does not wait for admission: %+v", l.name, rep)
		}
	}
	p.settle(t)
	if _, err := lead.ops.Admit(ctx, ops.TeamChange{Folder: lead.folder, All: true}); err != nil {
		t.Fatal(err)
	}
	p.settle(t)
	converge(t, p, lead, it, away)
	lead.sync(t) // the lead sees the others' last device files

	// Away: two edits that stay unsent for ten days.
	contact := func(l *laptop, n int) handbook.Contact {
		t.Helper()
		c, err := store.Get[handbook.Contact](ctx, l.st, fmt.Sprintf("0190cccc-0000-7000-8000-%012d", n))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	edit := func(l *laptop, n int, change func(*handbook.Contact)) {
		t.Helper()
		before := contact(l, n)
		after := before
		change(&after)
		if err := store.Edit(ctx, l.st, &before, &after); err != nil {
			t.Fatalf("%s: %v", l.name, err)
		}
	}
	edit(away, 0, func(c *handbook.Contact) { c.PhoneMobile = "+49 171 0000000" })
	edit(away, 1, func(c *handbook.Contact) { c.Notes = "Außenstelle, offline" })
	clk.advance(10 * 24 * time.Hour)

	// Meanwhile the lead writes batch after batch, and the IT lead on
	// the same side keeps up; whichever member finds enough applied by
	// every active one compacts.
	edit(lead, 1, func(c *handbook.Contact) { c.Notes = "Krisenstab" })
	compacted := 0
	for i := range 120 {
		edit(lead, 2, func(c *handbook.Contact) { c.Notes = fmt.Sprintf("Stand %d", i) })
		compacted += lead.sync(t).Compacted
		if i%10 == 9 {
			compacted += it.sync(t).Compacted
		}
	}
	if compacted < 100 {
		t.Fatalf("the members did not compact past the laptop away: %d batch files removed", compacted)
	}
	// The laptop comes back on side B once Syncthing has carried the
	// compaction over: coming back before the removals arrive, it would
	// rightly catch up from the batches still there, and whether it does
	// depends only on how busy the machine is. (A checkpoint that arrives
	// after the removals, or before, is the folder tests' case.)
	p.settle(t)
	back, err := away.ops.Sync(ctx, ops.Sync{Folder: away.folder, DeviceName: away.name, Author: away.name}, nil)
	if err != nil {
		t.Fatalf("%s: %v", away.name, err)
	}
	fromCheckpoint := strings.HasSuffix(back.Snapshot, ".checkpoint")
	p.settle(t)
	for range 3 {
		if r := away.syncInFlight(t); strings.HasSuffix(r.Snapshot, ".checkpoint") {
			fromCheckpoint = true
		}
		p.settle(t)
	}
	if !fromCheckpoint {
		t.Fatalf("%s did not start from the checkpoint", away.name)
	}
	converge(t, p, lead, it, away)

	for _, l := range []*laptop{lead, it, away} {
		if got := contact(l, 0).PhoneMobile; got != "+49 171 0000000" {
			t.Errorf("%s: the edit made while away is lost: %q", l.name, got)
		}
		if got := contact(l, 2).Notes; got != "Stand 119" {
			t.Errorf("%s: the lead's last edit: %q", l.name, got)
		}
		cs, err := l.st.Conflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Field != "notes" || !strings.HasSuffix(cs[0].ID, "000000000001") {
			t.Errorf("%s: want one conflict on contact 1's notes, got %+v", l.name, cs)
		}
	}
	// Both copies of the folder are compacted alike.
	for _, side := range []string{sideA, sideB} {
		batches, checkpoints := 0, 0
		err := filepath.WalkDir(filepath.Join(side, "ernstfall"), func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case strings.HasSuffix(path, ".batch"):
				batches++
			case strings.HasSuffix(path, ".checkpoint"):
				checkpoints++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if checkpoints != 1 || batches > 40 {
			t.Errorf("%s: %d batch files and %d checkpoints after compaction", side, batches, checkpoints)
		}
	}
}
