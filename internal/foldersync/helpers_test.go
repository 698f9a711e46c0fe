package foldersync

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/seal"
	"ernstfall/internal/store"
)

var t0 = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

// fakeClock is a wall clock shared by simulated laptops: it moves on a
// little at every reading; each laptop may read it with a skew.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: t0} }

// advance moves the clock on by d (days of a simulation).
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) reader(skew time.Duration) func() time.Time {
	return func() time.Time {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.now = c.now.Add(7 * time.Millisecond)
		return c.now.Add(skew)
	}
}

// laptop is one simulated device: its database, its clock and its sync
// engine.
type laptop struct {
	st  *store.Store
	now func() time.Time
	eng *Engine
	// decide is what it does with mass deletions held back.
	decide map[string]DeletionChoice
	// compact is its Options.CompactAfter (0: the default).
	compact int
}

func openLaptop(t testing.TB, dir string, now func() time.Time) *laptop {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(dir, "hb.db"), store.Options{Now: now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return &laptop{st: st, now: now, eng: new(Engine)}
}

func (l *laptop) sync(t testing.TB, folder string) Report {
	t.Helper()
	rep, err := l.eng.Run(context.Background(), l.st, l.opts(folder))
	if err != nil {
		t.Fatalf("sync %s: %v", l.st.Device(), err)
	}
	return rep
}

func (l *laptop) opts(folder string) Options {
	return Options{Folder: folder, DeviceName: "test", Now: l.now, Backups: -1, Deletions: l.decide, CompactAfter: l.compact}
}

// join makes newcomers members: each files its join request, member
// admits them all, and each syncs once admitted.
func join(t testing.TB, folder string, member *laptop, newcomers ...*laptop) {
	t.Helper()
	for _, n := range newcomers {
		if rep := n.sync(t, folder); !rep.Pending {
			t.Fatalf("newcomer %s is not pending: %+v", n.st.Device(), rep)
		}
	}
	member.sync(t, folder)
	got, err := member.eng.Admit(context.Background(), member.st, member.opts(folder), "", true)
	if err != nil {
		t.Fatalf("admit: %v", err)
	}
	if len(got) != len(newcomers) {
		t.Fatalf("admitted %d laptops, want %d", len(got), len(newcomers))
	}
	for _, n := range newcomers {
		if rep := n.sync(t, folder); rep.Pending || !rep.Joined {
			t.Fatalf("newcomer %s did not join: %+v", n.st.Device(), rep)
		}
	}
}

func putContact(t testing.TB, l *laptop, c *handbook.Contact) {
	t.Helper()
	if err := store.Put(context.Background(), l.st, c); err != nil {
		t.Fatalf("put contact: %v", err)
	}
}

func getContact(t testing.TB, l *laptop, id string) handbook.Contact {
	t.Helper()
	c, err := store.Get[handbook.Contact](context.Background(), l.st, id)
	if err != nil {
		t.Fatalf("get contact %s: %v", id, err)
	}
	return c
}

func conflicts(t testing.TB, l *laptop) []store.Conflict {
	t.Helper()
	cs, err := l.st.Conflicts(context.Background())
	if err != nil {
		t.Fatalf("conflicts: %v", err)
	}
	return cs
}

// comparable renders what must agree on every laptop: the whole handbook
// (tombstones included; the update time is this laptop's own note of when
// it last changed a record) and the open conflicts.
func comparable(t testing.TB, l *laptop) string {
	t.Helper()
	ctx := context.Background()
	hb, err := l.st.Load(ctx)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	var doc any
	raw, err := json.Marshal(hb)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	dropUpdatedAt(doc)
	cs := conflicts(t, l)
	for i := range cs {
		cs[i].Current.Mine, cs[i].Other.Mine = false, false
	}
	out, err := json.MarshalIndent(struct {
		Handbook  any
		Conflicts []store.Conflict
	}{doc, cs}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// dropUpdatedAt removes every record's update time from a decoded handbook.
func dropUpdatedAt(v any) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "updated_at")
		for _, e := range x {
			dropUpdatedAt(e)
		}
	case []any:
		for _, e := range x {
			dropUpdatedAt(e)
		}
	}
}

// forgeBatch writes changes as the next batch of laptop l straight into
// the folder, signed with l's key and encrypted with its team key, as a
// laptop with a broken clock or a hostile member would, without l's
// database knowing.
func forgeBatch(t testing.TB, folder string, l *laptop, changes []store.Change) string {
	t.Helper()
	ctx := context.Background()
	dev := l.st.Device()
	dir := filepath.Join(folder, "ernstfall", "log", dev)
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	seq := int64(1)
	for _, e := range entries {
		if s, ok := seqOf(e.Name()); ok && s >= seq {
			seq = s + 1
		}
	}
	hb, err := l.st.HandbookID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, err := identity(ctx, l.st)
	if err != nil {
		t.Fatal(err)
	}
	state, err := loadState(ctx, l.st)
	if err != nil || state.Team == nil {
		t.Fatalf("laptop has no team: %v", err)
	}
	key, ok := state.writeKey(newTeam(*state.Team, state.Records))
	if !ok {
		t.Fatal("laptop holds no team key")
	}
	b := batchFile{Format: batchFormat, Version: formatVersion, Handbook: hb, Device: dev, Seq: seq, CreatedAt: t0}
	for _, c := range changes {
		b.Changes = append(b.Changes, toWire(c, false))
	}
	plain, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	data, err := seal.Seal(seal.Header{Kind: kindBatch, Handbook: hb, Device: dev, Seq: seq}, plain, key, id.Sign)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, batchFileName(seq))
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// runRound runs one round with an engine of its own, as a separate
// process would.
func runRound(ctx context.Context, st Store, opt Options) (Report, error) {
	return new(Engine).Run(ctx, st, opt)
}

// everyBatch is, per laptop, the newest batch the laptop applied or
// wrote: what ExportCheckpoint takes as settled when every laptop has
// applied what this one has.
func everyBatch(t testing.TB, l *laptop) map[string]int64 {
	t.Helper()
	applied, err := l.st.Applied(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for d, seqs := range applied {
		for s := range seqs {
			out[d] = max(out[d], s)
		}
	}
	return out
}
