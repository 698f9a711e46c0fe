package foldersync

// Tests for what was seen when the shared folder was attacked or handled
// carelessly: each case failed before the protocol was hardened.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"ernstfall/data"
	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
	"ernstfall/internal/store"
)

// trio returns three laptops joined to one handbook through folder, A
// holding one contact that all have.
func trio(t *testing.T) (a, b, c *laptop, folder string, contact handbook.Contact) {
	t.Helper()
	clk := newFakeClock()
	folder = t.TempDir()
	a = openLaptop(t, t.TempDir(), clk.reader(0))
	b = openLaptop(t, t.TempDir(), clk.reader(0))
	c = openLaptop(t, t.TempDir(), clk.reader(0))
	contact = handbook.Contact{Name: "Jörg Müller", PhoneMobile: "+49 170 0", Email: "j@example.com"}
	putContact(t, a, &contact)
	a.sync(t, folder)
	join(t, folder, a, b, c)
	for _, l := range []*laptop{a, b, c} {
		l.sync(t, folder)
	}
	return a, b, c, folder, contact
}

// bounded reports whether a clock reading lies no further ahead of now
// than the bound allows.
func bounded(ts hlc.Timestamp, now time.Time) bool {
	return ts > 0 && !ts.Time().After(now.Add(hlc.MaxAhead))
}

// TestClockFromTheFarFuture: a batch stamped with an absurd clock reading
// (the largest one, or one that overflows when shifted) must neither drag
// the receiving laptop's clock past its own wall clock plus a day, nor
// wrap it negative, and the laptops must go on exchanging edits; the
// change itself is kept, and its laptop is named.
func TestClockFromTheFarFuture(t *testing.T) {
	tests := []struct {
		name string
		hlc  int64
	}{
		{"2^63-1", math.MaxInt64},
		{"2^48 wall milliseconds, shifted", math.MaxInt64 - 1<<16 + 7},
		{"2^48 as a raw reading (1970)", 1 << 48},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			a, b, c, folder, contact := trio(t)
			forgeBatch(t, folder, c, []store.Change{{Entity: handbook.EntityContact, ID: contact.ID, Field: "notes",
				Value: json.RawMessage(`"aus der Zukunft"`), HLC: hlc.Timestamp(tt.hlc), Device: c.st.Device()}})
			rep := b.sync(t, folder)
			if rep.Received != 1 {
				t.Fatalf("B received %d changes, want the stamped one: %+v", rep.Received, rep)
			}
			if tt.hlc > 1<<60 {
				if _, ok := rep.ClockAhead[c.st.Device()]; !ok {
					t.Errorf("the laptop with the wrong clock is not named: %v", rep.ClockAhead)
				}
			}
			// B edits on top; its clock must stay sane, and A must get it.
			// Only the field that carries the absurd reading is stamped
			// after it (or at the very end), so the edit still orders
			// after what B saw; everything else keeps B's own clock.
			cb := getContact(t, b, contact.ID)
			cb.Notes = "von B"
			cb.PhoneOffice = "+49 30 1"
			putContact(t, b, &cb)
			un, err := b.st.Unsent(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range un {
				switch {
				case ch.HLC <= 0:
					t.Fatalf("B stamped its edit of %s with %d", ch.Field, int64(ch.HLC))
				case ch.Field == "notes" && tt.hlc > 1<<60:
					if ch.HLC < hlc.Timestamp(tt.hlc) {
						t.Fatalf("B's edit of the notes (%d) orders before the value it replaced (%d)", int64(ch.HLC), tt.hlc)
					}
				case !bounded(ch.HLC, b.now()):
					t.Fatalf("B stamped its edit of %s %v (%d), beyond its wall clock %v plus %v", ch.Field, ch.HLC, int64(ch.HLC), b.now(), hlc.MaxAhead)
				}
			}
			b.sync(t, folder)
			rep = a.sync(t, folder)
			for _, s := range rep.Skipped {
				if strings.Contains(s.File, b.st.Device()) {
					t.Fatalf("A refused B's batch: %v", s)
				}
			}
			for _, l := range []*laptop{a, b} {
				if got := getContact(t, l, contact.ID); got.Notes != "von B" || got.PhoneOffice != "+49 30 1" {
					t.Errorf("notes %q phone %q, want B's later edit", got.Notes, got.PhoneOffice)
				}
			}
			// The state survives a restart: B's clock is reloaded bounded.
			path := b.st.Path()
			if err := b.st.Close(); err != nil {
				t.Fatal(err)
			}
			st, err := store.Open(ctx, path, store.Options{Now: b.now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			b.st = st
			cb = getContact(t, b, contact.ID)
			cb.PhoneOffice = "+49 30 2"
			putContact(t, b, &cb)
			un, err = b.st.Unsent(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(un) == 0 || !bounded(un[len(un)-1].HLC, b.now()) {
				t.Fatalf("after a restart B stamps %v", un)
			}
			b.sync(t, folder)
			a.sync(t, folder)
			if got := getContact(t, a, contact.ID).PhoneOffice; got != "+49 30 2" {
				t.Errorf("A has phone %q after B's restart, want +49 30 2", got)
			}
		})
	}
}

// TestSymlinkedProtocolFolderIsRefused: a protocol folder or file replaced
// by a symbolic link is never followed: nothing is written or deleted
// outside the shared folder, and the round says what is wrong.
func TestSymlinkedProtocolFolderIsRefused(t *testing.T) {
	for _, name := range []string{"log", "devices", "snapshots", "checkpoints", "FORMAT", "log/OWN"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a, _, folder := pair(t)
			putContact(t, a, &handbook.Contact{Name: "Anna", Email: "a@example.com"})
			rel := strings.ReplaceAll(name, "OWN", a.st.Device())
			target := filepath.Join(folder, "ernstfall", filepath.FromSlash(rel))
			outside := t.TempDir()
			victim := filepath.Join(outside, ".victim.json.1.tmp")
			if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Lstat(target); err == nil && !fi.IsDir() {
				if err := os.Rename(target, filepath.Join(outside, filepath.Base(target))); err != nil {
					t.Fatal(err)
				}
				outside = filepath.Join(outside, filepath.Base(target))
			} else if err := os.RemoveAll(target); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, target); err != nil {
				t.Fatal(err)
			}
			before := listTree(t, filepath.Dir(victim))
			_, err := runRound(ctx, a.st, Options{Folder: folder, Backups: -1})
			if !errors.Is(err, ErrUnsafe) {
				t.Fatalf("sync through a symlinked %s: %v, want ErrUnsafe", name, err)
			}
			if !strings.Contains(err.Error(), filepath.Base(rel)) || !strings.Contains(err.Error(), "symbolic link") {
				t.Errorf("message does not name the link: %v", err)
			}
			if after := listTree(t, filepath.Dir(victim)); after != before {
				t.Errorf("files outside the shared folder changed:\nbefore %s\nafter  %s", before, after)
			}
			if un, _ := a.st.Unsent(ctx); len(un) != 3 {
				t.Errorf("%d unsent changes, want 3 kept for later", len(un))
			}
		})
	}
}

func listTree(t *testing.T, dir string) string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("%s:%d", strings.TrimPrefix(p, dir), fi.Size()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

// TestHugeSnapshotIsRefusedBeforeReading: a 1 GB file in snapshots/ is
// refused by its size without being read, and named once, not every
// round.
func TestHugeSnapshotIsRefusedBeforeReading(t *testing.T) {
	ctx := context.Background()
	a, _, folder := pair(t)
	for i := range 5 {
		putContact(t, a, &handbook.Contact{Name: fmt.Sprintf("Kontakt %d", i), Email: "k@example.com"})
	}
	a.sync(t, folder)
	huge := filepath.Join(folder, "ernstfall", "snapshots", a.st.Device()+"-000000002000.snapshot")
	if err := os.MkdirAll(filepath.Dir(huge), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	n := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	n.sync(t, folder)
	if _, err := a.eng.Admit(ctx, a.st, a.opts(folder), "", true); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rep := n.sync(t, folder)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Errorf("joining allocated %d MB next to a 1 GB file", alloc>>20)
	}
	var named []Skip
	for _, s := range rep.Skipped {
		if strings.HasSuffix(s.File, filepath.Base(huge)) {
			named = append(named, s)
		}
	}
	if len(named) != 1 || !strings.Contains(named[0].Reason, "oversized") || !named[0].New {
		t.Fatalf("the huge file is named %d times (%v), want once as new and oversized", len(named), named)
	}
	list, err := store.List[handbook.Contact](ctx, n.st)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 5 {
		t.Errorf("joined with %d contacts, want 5 from the batches", len(list))
	}
	rep = n.sync(t, folder)
	for _, s := range rep.Skipped {
		if s.New {
			t.Errorf("second round reports %v as new again", s)
		}
	}
}

// TestManyBadChangesAreOneMessage: a file whose every change is unusable
// is reported once, not once per change.
func TestManyBadChangesAreOneMessage(t *testing.T) {
	_, b, c, folder, _ := trio(t)
	var changes []store.Change
	for i := range 5000 {
		changes = append(changes, store.Change{Entity: "contact", ID: fmt.Sprintf("x%d", i), Field: "name",
			Value: json.RawMessage(`{"not":"a name"}`), HLC: hlc.New(t0.UnixMilli(), uint16(i)), Device: c.st.Device()})
	}
	forgeBatch(t, folder, c, changes)
	rep := b.sync(t, folder)
	if len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Reason, "5000 changes") {
		first := ""
		if len(rep.Skipped) > 0 {
			first = rep.Skipped[0].String()
		}
		t.Fatalf("%d messages, want one naming 5000 changes; the first: %s", len(rep.Skipped), first)
	}
}

// TestMassDeletionIsHeld: a member's round that would delete the whole
// handbook (93 of 93 records) is held until a person decides; keeping the
// records is itself a change that brings them back everywhere.
func TestMassDeletionIsHeld(t *testing.T) {
	for _, choice := range []DeletionChoice{KeepRecords, ApplyDeletions} {
		t.Run(fmt.Sprint(choice), func(t *testing.T) {
			ctx := context.Background()
			a, b, c, folder, _ := trio(t)
			hb, err := data.Demo()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.st.Import(ctx, hb); err != nil {
				t.Fatal(err)
			}
			a.sync(t, folder)
			c.sync(t, folder)
			b.sync(t, folder)
			loaded, err := c.st.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Someone at laptop C deletes everything it can.
			live := 0
			liveHB := loaded.Live()
			err = c.st.Update(ctx, func(tx *store.Tx) error {
				var err error
				liveHB.EachItem(func(it handbook.Item) {
					if err == nil && it.Entity() != handbook.EntityLogEntry {
						err = tx.Delete(ctx, it.Entity(), it.Meta().ID)
						live++
					}
				})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			c.sync(t, folder)
			for range 2 {
				rep := b.sync(t, folder)
				if len(rep.Held) != 1 || rep.Held[0].Device != c.st.Device() || rep.Held[0].Records != live {
					t.Fatalf("round not held: %+v", rep.Held)
				}
				if n := liveCount(t, b); n != live {
					t.Fatalf("%d live records while the deletion is held, want %d", n, live)
				}
			}
			opt := b.opts(folder)
			opt.Deletions = map[string]DeletionChoice{c.st.Device(): choice}
			rep, err := b.eng.Run(ctx, b.st, opt)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			if choice == KeepRecords {
				want = live
				if rep.Kept != live || rep.Sent == 0 {
					t.Fatalf("kept %d records, sent %d changes", rep.Kept, rep.Sent)
				}
			}
			if n := liveCount(t, b); n != want {
				t.Fatalf("%d live records after deciding, want %d", n, want)
			}
			// The others decide alike, or follow B's keeping.
			for _, l := range []*laptop{a, c} {
				opt := l.opts(folder)
				opt.Deletions = map[string]DeletionChoice{AllDevices: ApplyDeletions}
				if _, err := l.eng.Run(ctx, l.st, opt); err != nil {
					t.Fatal(err)
				}
			}
			b.sync(t, folder)
			for _, l := range []*laptop{a, b, c} {
				if n := liveCount(t, l); n != want {
					t.Errorf("%s has %d live records, want %d", l.st.Device(), n, want)
				}
			}
			if comparable(t, a) != comparable(t, b) || comparable(t, b) != comparable(t, c) {
				t.Error("laptops differ after the decision")
			}
		})
	}
}

func liveCount(t *testing.T, l *laptop) int {
	t.Helper()
	hb, err := l.st.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	liveHB := hb.Live()
	// Log entries are never deleted (the demo's alarm test keeps its
	// calls), so they are left out like the deletion leaves them.
	liveHB.EachItem(func(it handbook.Item) {
		if it.Entity() != handbook.EntityLogEntry {
			n++
		}
	})
	return n
}

// TestCopiedDatabase: a database copied to a second laptop kept its
// device ID, both wrote into one device folder, and each skipped the
// other's batches as its own. The copy that finds a batch it did not
// write takes a new identity, is admitted again, and no edit of either
// copy is lost.
func TestCopiedDatabase(t *testing.T) {
	ctx := context.Background()
	a, b, folder := pair(t)
	x := handbook.Contact{Name: "Xaver", Email: "x@example.com"}
	y := handbook.Contact{Name: "Yvonne", Email: "y@example.com"}
	putContact(t, a, &x)
	putContact(t, a, &y)
	a.sync(t, folder)
	b.sync(t, folder)
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := a.st.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, copyPath, store.Options{Now: a.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a2 := &laptop{st: st, now: a.now, eng: new(Engine)}
	old := a.st.Device()
	if a2.st.Device() != old {
		t.Fatal("the copy does not share the device ID")
	}
	// Both copies edit, while apart.
	ca := getContact(t, a, x.ID)
	ca.Notes = "vom Original"
	putContact(t, a, &ca)
	cy := getContact(t, a2, y.ID)
	cy.Notes = "von der Kopie"
	putContact(t, a2, &cy)
	putContact(t, a2, &handbook.Contact{Name: "Neu auf der Kopie", Email: "n@example.com"})
	a.sync(t, folder)
	rep := a2.sync(t, folder)
	if rep.Copied != old || !rep.Pending || a2.st.Device() == old {
		t.Fatalf("the copy did not notice: %+v (device %s)", rep, a2.st.Device())
	}
	admit(t, b, folder, rep.Fingerprint)
	for range 2 {
		for _, l := range []*laptop{a2, a, b} {
			l.sync(t, folder)
		}
	}
	for _, l := range []*laptop{a, a2, b} {
		if got := getContact(t, l, x.ID).Notes; got != "vom Original" {
			t.Errorf("%s: the original's edit is %q", l.st.Device(), got)
		}
		if got := getContact(t, l, y.ID).Notes; got != "von der Kopie" {
			t.Errorf("%s: the copy's edit is %q", l.st.Device(), got)
		}
		if n := contactCount(t, l); n != 3 {
			t.Errorf("%s has %d contacts, want 3", l.st.Device(), n)
		}
	}
	if comparable(t, a) != comparable(t, a2) || comparable(t, a) != comparable(t, b) {
		t.Error("laptops differ after the copy was told apart")
	}
}

// TestCopyAfterTeamChange: the original of a copied database removed a
// member (a batch of team records only, no edits) before the copy's
// first round, and may have compacted its later edits away. The copy took
// the records batch for one of its own interrupted rounds: it never
// applied the removal (and kept writing with the key the removed laptop
// holds), wrote its edits under the batch number of the original's
// compacted one, and, once it noticed the copy later, refused every
// further batch of the original as forged. The copy must notice before it
// writes, and every edit of both must reach both.
func TestCopyAfterTeamChange(t *testing.T) {
	for _, compacted := range []bool{false, true} {
		t.Run(fmt.Sprintf("compacted %v", compacted), func(t *testing.T) {
			ctx := context.Background()
			a, b, folder := pair(t)
			x := handbook.Contact{Name: "Xaver", Email: "x@example.com"}
			y := handbook.Contact{Name: "Yvonne", Email: "y@example.com"}
			putContact(t, a, &x)
			putContact(t, a, &y)
			a.sync(t, folder)
			b.sync(t, folder)
			a2 := copyLaptop(t, a)
			old := a.st.Device()

			// The original removes the other member and edits.
			if _, err := a.eng.Remove(ctx, a.st, a.opts(folder), b.st.Device()); err != nil {
				t.Fatal(err)
			}
			ca := getContact(t, a, x.ID)
			ca.Notes = "vom Original"
			putContact(t, a, &ca)
			if compacted {
				a.compact = 1
				if rep := a.sync(t, folder); rep.Compacted == 0 {
					t.Fatalf("the original did not compact: %+v", rep)
				}
				a.compact = 0
			}

			// The copy edits and meets the folder for the first time.
			cy := getContact(t, a2, y.ID)
			cy.Notes = "von der Kopie"
			putContact(t, a2, &cy)
			rep := a2.sync(t, folder)
			if rep.Copied != old || !rep.Pending || rep.SentBatch != "" || a2.st.Device() == old {
				t.Fatalf("the copy did not notice before it wrote: %+v (device %s)", rep, a2.st.Device())
			}
			a.sync(t, folder)
			admit(t, a, folder, rep.Fingerprint)
			keepEditing(t, folder, a, a2, x.ID, y.ID)
		})
	}
}

// TestCopyOfSoleMemberAfterCompaction: the only member of a team
// compacted its batches away before the copy of its database met the
// folder; only the checkpoint tells of them. The copy must notice before
// it writes a batch under a number the original used.
func TestCopyOfSoleMemberAfterCompaction(t *testing.T) {
	clk := newFakeClock()
	folder := t.TempDir()
	a := openLaptop(t, t.TempDir(), clk.reader(0))
	a.sync(t, folder)
	x := handbook.Contact{Name: "Xaver", Email: "x@example.com"}
	y := handbook.Contact{Name: "Yvonne", Email: "y@example.com"}
	putContact(t, a, &x)
	putContact(t, a, &y)
	a.sync(t, folder)
	a2 := copyLaptop(t, a)
	old := a.st.Device()

	ca := getContact(t, a, x.ID)
	ca.Notes = "vom Original"
	putContact(t, a, &ca)
	a.compact = 1
	if rep := a.sync(t, folder); rep.Compacted == 0 {
		t.Fatalf("the original did not compact: %+v", rep)
	}
	a.compact = 0

	cy := getContact(t, a2, y.ID)
	cy.Notes = "von der Kopie"
	putContact(t, a2, &cy)
	rep := a2.sync(t, folder)
	if rep.Copied != old || !rep.Pending || rep.SentBatch != "" {
		t.Fatalf("the copy did not notice before it wrote: %+v", rep)
	}
	admit(t, a, folder, rep.Fingerprint)
	keepEditing(t, folder, a, a2, x.ID, y.ID)
}

// copyLaptop copies l's database to a new laptop, as a person setting up
// a second computer from a copy would.
func copyLaptop(t *testing.T, l *laptop) *laptop {
	t.Helper()
	ctx := context.Background()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := l.st.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, copyPath, store.Options{Now: l.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if st.Device() != l.st.Device() {
		t.Fatal("the copy does not share the device ID")
	}
	return &laptop{st: st, now: l.now, eng: new(Engine)}
}

// keepEditing: the original a, which wrote Notes "vom Original" on
// contact x, edits x again; a and the copy a2 (admitted, which wrote
// Notes "von der Kopie" on contact y) sync until both hold every edit and
// agree, and neither passes over a batch of the other for good.
func keepEditing(t *testing.T, folder string, a, a2 *laptop, x, y string) {
	t.Helper()
	ca := getContact(t, a, x)
	ca.Email = "xaver@example.com"
	putContact(t, a, &ca)
	for range 3 {
		for _, l := range []*laptop{a2, a} {
			for _, s := range l.sync(t, folder).Skipped {
				if strings.Contains(s.Reason, "never applied") {
					t.Errorf("%s: %s", l.st.Device(), s)
				}
			}
		}
	}
	for _, l := range []*laptop{a, a2} {
		gx, gy := getContact(t, l, x), getContact(t, l, y)
		if gx.Notes != "vom Original" || gx.Email != "xaver@example.com" {
			t.Errorf("%s: the original's edits are %q, %q", l.st.Device(), gx.Notes, gx.Email)
		}
		if gy.Notes != "von der Kopie" {
			t.Errorf("%s: the copy's edit is %q", l.st.Device(), gy.Notes)
		}
	}
	if comparable(t, a) != comparable(t, a2) {
		t.Error("the original and the copy differ")
	}
}

// TestMissingBatchIsReported: a batch taken out of the folder leaves a
// gap that is named every round until it comes back or a member declares
// it lost.
func TestMissingBatchIsReported(t *testing.T) {
	ctx := context.Background()
	a, b, c, folder, _ := trio(t)
	var names []string
	for i := range 3 {
		putContact(t, c, &handbook.Contact{Name: fmt.Sprintf("Von C %d", i), Email: "c@example.com"})
		c.sync(t, folder)
		names = append(names, latestName(t, folder, c.st.Device()))
	}
	// The middle one and the newest one vanish (a file-sync tool, a person).
	hide := t.TempDir()
	for _, n := range []string{names[1], names[2]} {
		if err := os.Rename(n, filepath.Join(hide, filepath.Base(n))); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		rep := b.sync(t, folder)
		if len(rep.Gaps) != 1 || rep.Gaps[0].Device != c.st.Device() || fmt.Sprint(rep.Gaps[0].Missing) != fmt.Sprint(seqsOf(names[1:])) {
			t.Fatalf("gaps %+v, want batches %v of C", rep.Gaps, seqsOf(names[1:]))
		}
	}
	// The middle one comes back.
	if err := os.Rename(filepath.Join(hide, filepath.Base(names[1])), names[1]); err != nil {
		t.Fatal(err)
	}
	if rep := b.sync(t, folder); len(rep.Gaps) != 1 || fmt.Sprint(rep.Gaps[0].Missing) != fmt.Sprint(seqsOf(names[2:])) {
		t.Fatalf("after one came back: %+v", rep.Gaps)
	}
	// A member declares the other lost.
	if _, err := a.eng.DeclareLost(ctx, a.st, a.opts(folder), c.st.Device()); err != nil {
		t.Fatal(err)
	}
	if rep := b.sync(t, folder); len(rep.Gaps) != 0 {
		t.Fatalf("a batch declared lost is still reported: %+v", rep.Gaps)
	}
}

func latestName(t *testing.T, folder, dev string) string {
	t.Helper()
	dir := filepath.Join(folder, "ernstfall", "log", dev)
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatal(err)
	}
	return filepath.Join(dir, entries[len(entries)-1].Name())
}

func seqsOf(paths []string) []int64 {
	var out []int64
	for _, p := range paths {
		s, _ := seqOf(filepath.Base(p))
		out = append(out, s)
	}
	return out
}
