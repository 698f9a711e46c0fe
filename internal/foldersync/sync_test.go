package foldersync

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// pair returns two laptops that share folder, already joined to one handbook.
func pair(t *testing.T) (a, b *laptop, folder string) {
	t.Helper()
	clk := newFakeClock()
	folder = t.TempDir()
	a = openLaptop(t, t.TempDir(), clk.reader(0))
	b = openLaptop(t, t.TempDir(), clk.reader(0))
	a.sync(t, folder)
	join(t, folder, a, b)
	return a, b, folder
}

func TestTwoLaptopsMergeFieldByField(t *testing.T) {
	tests := []struct {
		name       string
		editA      func(c *handbook.Contact)
		editB      func(c *handbook.Contact)
		deleteA    bool
		want       handbook.Contact // fields checked: name, phone, email
		wantLive   bool
		conflicts  int
		conflictOn string
	}{
		{
			name:     "different fields both kept",
			editA:    func(c *handbook.Contact) { c.PhoneMobile = "+49 170 1" },
			editB:    func(c *handbook.Contact) { c.Email = "b@example.com" },
			want:     handbook.Contact{Name: "Jörg Müller", PhoneMobile: "+49 170 1", Email: "b@example.com"},
			wantLive: true,
		},
		{
			name:       "same field: later wins, the other is a conflict",
			editA:      func(c *handbook.Contact) { c.PhoneMobile = "+49 170 1" },
			editB:      func(c *handbook.Contact) { c.PhoneMobile = "+49 170 2" },
			want:       handbook.Contact{Name: "Jörg Müller", PhoneMobile: "+49 170 2", Email: "j@example.com"},
			wantLive:   true,
			conflicts:  1,
			conflictOn: "phone_mobile",
		},
		{
			name:     "same field, same value: no conflict",
			editA:    func(c *handbook.Contact) { c.PhoneMobile = "+49 170 9" },
			editB:    func(c *handbook.Contact) { c.PhoneMobile = "+49 170 9" },
			want:     handbook.Contact{Name: "Jörg Müller", PhoneMobile: "+49 170 9", Email: "j@example.com"},
			wantLive: true,
		},
		{
			name:     "deletion newer than the edit wins",
			editB:    func(c *handbook.Contact) { c.Email = "b@example.com" },
			deleteA:  true,
			wantLive: false,
		},
		{
			name:       "edit after an unseen deletion brings the record back",
			deleteA:    true,
			editB:      func(c *handbook.Contact) { c.Email = "b@example.com" },
			want:       handbook.Contact{Name: "Jörg Müller", PhoneMobile: "+49 170 0", Email: "b@example.com"},
			wantLive:   true,
			conflicts:  1,
			conflictOn: "deleted",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			a, b, folder := pair(t)
			c := handbook.Contact{Name: "Jörg Müller", PhoneMobile: "+49 170 0", Email: "j@example.com"}
			putContact(t, a, &c)
			a.sync(t, folder)
			b.sync(t, folder)
			// Offline edits, in the order of the case: A before B unless
			// the case says otherwise.
			editA := func() {
				if tt.editA != nil {
					ca := getContact(t, a, c.ID)
					tt.editA(&ca)
					putContact(t, a, &ca)
				}
				if tt.deleteA {
					if err := a.st.Delete(ctx, handbook.EntityContact, c.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
			editB := func() {
				cb := getContact(t, b, c.ID)
				tt.editB(&cb)
				putContact(t, b, &cb)
			}
			if strings.HasPrefix(tt.name, "deletion newer") {
				editB()
				editA()
			} else {
				editA()
				editB()
			}
			for range 2 {
				a.sync(t, folder)
				b.sync(t, folder)
			}
			if ca, cb := comparable(t, a), comparable(t, b); ca != cb {
				t.Fatalf("laptops differ:\nA %s\nB %s", ca, cb)
			}
			got, err := store.Get[handbook.Contact](ctx, a.st, c.ID)
			if live := err == nil; live != tt.wantLive {
				t.Fatalf("record live = %v (err %v), want %v", live, err, tt.wantLive)
			}
			if tt.wantLive && (got.Name != tt.want.Name || got.PhoneMobile != tt.want.PhoneMobile || got.Email != tt.want.Email) {
				t.Errorf("merged contact %q %q %q, want %q %q %q", got.Name, got.PhoneMobile, got.Email, tt.want.Name, tt.want.PhoneMobile, tt.want.Email)
			}
			for _, l := range []*laptop{a, b} {
				cs := conflicts(t, l)
				if len(cs) != tt.conflicts {
					t.Fatalf("%d conflicts, want %d: %+v", len(cs), tt.conflicts, cs)
				}
				if tt.conflicts > 0 && cs[0].Field != tt.conflictOn {
					t.Errorf("conflict on %q, want %q", cs[0].Field, tt.conflictOn)
				}
			}
		})
	}
}

func TestConflictShowsBothValuesAndResolvesEverywhere(t *testing.T) {
	tests := []struct {
		name   string
		choice store.Choice
		merged string
		want   string
	}{
		{"keep current", store.KeepCurrent, "", "+49 170 2"},
		{"keep other", store.KeepOther, "", "+49 170 1"},
		{"merged", store.UseMerged, `"+49 170 3"`, "+49 170 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			a, b, folder := pair(t)
			c := handbook.Contact{Name: "Eva Groß", Email: "eva@example.com"}
			putContact(t, a, &c)
			a.sync(t, folder)
			b.sync(t, folder)
			ca, cb := getContact(t, a, c.ID), getContact(t, b, c.ID)
			ca.PhoneMobile, cb.PhoneMobile = "+49 170 1", "+49 170 2"
			putContact(t, a, &ca)
			putContact(t, b, &cb)
			a.sync(t, folder)
			b.sync(t, folder)
			a.sync(t, folder)
			cs := conflicts(t, a)
			if len(cs) != 1 {
				t.Fatalf("A has %d conflicts, want 1", len(cs))
			}
			cf := cs[0]
			if string(cf.Current.Value) != `"+49 170 2"` || string(cf.Other.Value) != `"+49 170 1"` ||
				cf.Current.Device != b.st.Device() || cf.Other.Device != a.st.Device() || !cf.Other.Mine || cf.Current.Mine ||
				cf.Label != "Eva Groß" || cf.Other.At().IsZero() {
				t.Fatalf("conflict does not show both sides: %+v", cf)
			}
			if err := a.st.ResolveConflict(ctx, cf, tt.choice, json.RawMessage(tt.merged)); err != nil {
				t.Fatal(err)
			}
			if err := a.st.ResolveConflict(ctx, cf, tt.choice, json.RawMessage(tt.merged)); !errors.Is(err, store.ErrConflictGone) {
				t.Errorf("resolving twice: %v, want ErrConflictGone", err)
			}
			a.sync(t, folder)
			b.sync(t, folder)
			for _, l := range []*laptop{a, b} {
				if n := len(conflicts(t, l)); n != 0 {
					t.Errorf("%d conflicts left after resolving", n)
				}
				if got := getContact(t, l, c.ID).PhoneMobile; got != tt.want {
					t.Errorf("phone %q, want %q", got, tt.want)
				}
			}
			// A later edit does not bring the conflict back.
			cb = getContact(t, b, c.ID)
			cb.PhoneMobile = "+49 170 4"
			putContact(t, b, &cb)
			b.sync(t, folder)
			a.sync(t, folder)
			if n := len(conflicts(t, a)); n != 0 {
				t.Errorf("conflict came back after a later edit: %d", n)
			}
			if comparable(t, a) != comparable(t, b) {
				t.Error("laptops differ after resolving")
			}
		})
	}
}

func TestSyncTwiceChangesNothing(t *testing.T) {
	ctx := context.Background()
	a, b, folder := pair(t)
	for i := range 5 {
		c := handbook.Contact{Name: "Kontakt " + string(rune('A'+i)), Email: "k@example.com"}
		putContact(t, a, &c)
	}
	rep := a.sync(t, folder)
	if rep.Sent != 5*3 || rep.SentBatch == "" {
		t.Fatalf("first round sent %d changes to %q, want 15", rep.Sent, rep.SentBatch)
	}
	rep = b.sync(t, folder)
	if rep.Received != 15 || rep.Batches != 1 {
		t.Fatalf("B received %d changes in %d batches, want 15 in 1", rep.Received, rep.Batches)
	}
	before := comparable(t, b)
	for range 2 {
		rep = b.sync(t, folder)
		if rep.Sent != 0 || rep.Received != 0 || rep.Batches != 0 || len(rep.Skipped) != 0 {
			t.Errorf("repeated round did something: %+v", rep)
		}
	}
	if comparable(t, b) != before {
		t.Error("repeated round changed the database")
	}
	if n, err := b.st.ApplyRemote(ctx, nil); err != nil || n.Changes != 0 {
		t.Errorf("apply nothing: %+v %v", n, err)
	}
}

func TestJoiningLaptop(t *testing.T) {
	tests := []struct {
		name     string
		prepare  func(t *testing.T, l *laptop)
		wantErr  error
		contacts int
	}{
		{"empty database joins", func(*testing.T, *laptop) {}, nil, 2},
		{"database with records of its own is refused", func(t *testing.T, l *laptop) {
			putContact(t, l, &handbook.Contact{Name: "Fremd", Email: "x@example.com"})
		}, ErrOtherHandbook, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			a, _, folder := pair(t)
			putContact(t, a, &handbook.Contact{Name: "Anna", Email: "x@example.com"})
			putContact(t, a, &handbook.Contact{Name: "Bert", Email: "x@example.com"})
			a.sync(t, folder)
			n := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
			tt.prepare(t, n)
			rep, err := n.eng.Run(ctx, n.st, n.opts(folder))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("sync: %v, want %v", err, tt.wantErr)
			}
			if err == nil {
				if !rep.Pending || rep.Received != 0 {
					t.Fatalf("a laptop nobody admitted took part: %+v", rep)
				}
				if _, err := a.eng.Admit(ctx, a.st, a.opts(folder), rep.Fingerprint, false); err != nil {
					t.Fatalf("admit by fingerprint: %v", err)
				}
				n.sync(t, folder)
			}
			list, _ := store.List[handbook.Contact](ctx, n.st)
			if len(list) != tt.contacts {
				t.Errorf("%d contacts after joining, want %d", len(list), tt.contacts)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "nothing was merged") {
					t.Errorf("message does not say nothing was merged: %v", err)
				}
				if _, serr := os.Stat(filepath.Join(folder, "ernstfall", "log", n.st.Device())); serr == nil {
					t.Error("refused laptop wrote a batch into the other handbook's folder")
				}
				return
			}
			hbA, _ := a.st.HandbookID(ctx)
			hbN, _ := n.st.HandbookID(ctx)
			if hbA != hbN {
				t.Errorf("joined laptop keeps handbook %s, want %s", hbN, hbA)
			}
		})
	}
}

func TestUnreachableFolder(t *testing.T) {
	ctx := context.Background()
	a, _, _ := pair(t)
	putContact(t, a, &handbook.Contact{Name: "Anna", Email: "x@example.com"})
	_, err := runRound(ctx, a.st, Options{Folder: filepath.Join(t.TempDir(), "gone"), Backups: -1})
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("sync with a missing folder: %v, want ErrUnreachable", err)
	}
	if un, _ := a.st.Unsent(ctx); len(un) != 3 {
		t.Errorf("%d unsent changes, want 3 kept for later", len(un))
	}
}

func TestWriteFailuresKeepChangesQueued(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"read-only folder", syscall.EROFS},
		{"full disk", syscall.ENOSPC},
		{"permission denied", syscall.EACCES},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			a, b, folder := pair(t)
			putContact(t, b, &handbook.Contact{Name: "Von B", Email: "x@example.com"})
			b.sync(t, folder)
			putContact(t, a, &handbook.Contact{Name: "Von A", Email: "x@example.com"})
			before := listTree(t, filepath.Join(folder, "ernstfall", "log", a.st.Device()))
			fail := func(string) error { return tt.err }
			rep, err := runRound(ctx, a.st, Options{Folder: folder, Backups: -1, beforeWrite: fail})
			if !errors.Is(err, ErrNotWritten) || !errors.Is(err, tt.err) {
				t.Fatalf("sync: %v, want ErrNotWritten wrapping %v", err, tt.err)
			}
			if !strings.Contains(err.Error(), "stay queued") {
				t.Errorf("message does not say the changes are kept: %v", err)
			}
			if rep.Received != 3 {
				t.Errorf("received %d changes while unable to write, want 3", rep.Received)
			}
			if un, _ := a.st.Unsent(ctx); len(un) != 3 {
				t.Errorf("%d unsent, want 3", len(un))
			}
			if after := listTree(t, filepath.Join(folder, "ernstfall", "log", a.st.Device())); after != before {
				t.Errorf("files left behind by the failed write:\nbefore %s\nafter  %s", before, after)
			}
			a.sync(t, folder)
			b.sync(t, folder)
			if comparable(t, a) != comparable(t, b) {
				t.Error("laptops differ after the folder is writable again")
			}
		})
	}
}

func TestClockSkew(t *testing.T) {
	tests := []struct {
		name string
		skew time.Duration
	}{
		{"hours ahead", 5 * time.Hour},
		{"hours behind", -5 * time.Hour},
		{"a day behind", -26 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			folder := t.TempDir()
			a := openLaptop(t, t.TempDir(), clk.reader(tt.skew))
			b := openLaptop(t, t.TempDir(), clk.reader(0))
			a.sync(t, folder)
			join(t, folder, a, b)
			c := handbook.Contact{Name: "Skew", Email: "x@example.com"}
			putContact(t, a, &c)
			// Edits take turns, each laptop seeing the other's first: the
			// last edit must win everywhere, without conflicts, whichever
			// clock is wrong.
			last := ""
			for i := range 6 {
				l := a
				if i%2 == 1 {
					l = b
				}
				l.sync(t, folder)
				cc := getContact(t, l, c.ID)
				last = "+49 30 " + string(rune('0'+i))
				cc.PhoneOffice = last
				putContact(t, l, &cc)
				l.sync(t, folder)
			}
			a.sync(t, folder)
			b.sync(t, folder)
			for _, l := range []*laptop{a, b} {
				if got := getContact(t, l, c.ID).PhoneOffice; got != last {
					t.Errorf("phone %q, want the last edit %q", got, last)
				}
				if n := len(conflicts(t, l)); n != 0 {
					t.Errorf("%d conflicts from edits that saw each other", n)
				}
			}
			if comparable(t, a) != comparable(t, b) {
				t.Error("laptops differ")
			}
		})
	}
}

func TestSnapshotJoin(t *testing.T) {
	ctx := context.Background()
	a, b, folder := pair(t)
	for i := range 10 {
		putContact(t, a, &handbook.Contact{Name: "A" + string(rune('a'+i)), Email: "x@example.com"})
		putContact(t, b, &handbook.Contact{Name: "B" + string(rune('a'+i)), Email: "x@example.com"})
		a.sync(t, folder)
		b.sync(t, folder)
	}
	a.sync(t, folder)
	name, err := new(Engine).WriteSnapshot(ctx, a.st, Options{Folder: folder})
	if err != nil {
		t.Fatal(err)
	}
	// Edits after the snapshot arrive as batches.
	putContact(t, b, &handbook.Contact{Name: "Nach dem Snapshot", Email: "x@example.com"})
	b.sync(t, folder)
	n := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	n.sync(t, folder)
	if _, err := a.eng.Admit(ctx, a.st, a.opts(folder), "", true); err != nil {
		t.Fatal(err)
	}
	rep := n.sync(t, folder)
	if rep.Snapshot != name {
		t.Errorf("joined from %q, want the snapshot %q", rep.Snapshot, name)
	}
	if rep.Batches > 2 {
		t.Errorf("joining laptop read %d batches besides the snapshot, want at most 2", rep.Batches)
	}
	a.sync(t, folder)
	if comparable(t, n) != comparable(t, a) {
		t.Error("laptop joined from a snapshot differs")
	}
	list, _ := store.List[handbook.Contact](ctx, n.st)
	if len(list) != 21 {
		t.Errorf("%d contacts, want 21", len(list))
	}
}

func TestIncidentLogEntriesMergeWithoutConflict(t *testing.T) {
	ctx := context.Background()
	a, b, folder := pair(t)
	inc := handbook.Incident{Title: "Ransomware im Lager", Severity: handbook.SeverityCritical, StartedAt: t0}
	if err := store.Put(ctx, a.st, &inc); err != nil {
		t.Fatal(err)
	}
	a.sync(t, folder)
	b.sync(t, folder)
	for i, l := range []*laptop{a, b, a, b} {
		e := handbook.LogEntry{IncidentID: inc.ID, At: t0.Add(time.Duration(i) * time.Minute), Author: "JM", Text: "Eintrag " + string(rune('1'+i))}
		if err := store.Put(ctx, l.st, &e); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		a.sync(t, folder)
		b.sync(t, folder)
	}
	for _, l := range []*laptop{a, b} {
		entries, err := store.List[handbook.LogEntry](ctx, l.st)
		if err != nil || len(entries) != 4 {
			t.Errorf("%d log entries (%v), want all 4 from both laptops", len(entries), err)
		}
		if n := len(conflicts(t, l)); n != 0 {
			t.Errorf("%d conflicts from log entries", n)
		}
	}
	if comparable(t, a) != comparable(t, b) {
		t.Error("laptops differ")
	}
}

func TestFolderVanishingMidRound(t *testing.T) {
	ctx := context.Background()
	a, b, folder := pair(t)
	putContact(t, b, &handbook.Contact{Name: "Von B", Email: "b@example.com"})
	b.sync(t, folder)
	putContact(t, a, &handbook.Contact{Name: "Von A", Email: "a@example.com"})
	before := comparable(t, a)
	// The network drive goes away just as this laptop writes its batch.
	vanish := func(string) error {
		if err := os.RemoveAll(folder); err != nil {
			return err
		}
		return syscall.ENOENT
	}
	rep, err := runRound(ctx, a.st, Options{Folder: folder, Backups: -1, beforeWrite: vanish})
	if !errors.Is(err, ErrNotWritten) {
		t.Fatalf("sync: %v, want ErrNotWritten", err)
	}
	// What was read and verified before the folder went away may be
	// applied; nothing may be claimed sent.
	if rep.Sent != 0 {
		t.Errorf("report claims changes sent to a vanished folder: %+v", rep)
	}
	if got := comparable(t, a); got != before && rep.Received == 0 {
		t.Error("local database changed by a round that received nothing")
	}
	if un, _ := a.st.Unsent(ctx); len(un) != 3 {
		t.Errorf("%d unsent, want 3 kept", len(un))
	}
	if err := a.st.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

func TestBackupBeforeApplying(t *testing.T) {
	ctx := context.Background()
	a, b, folder := pair(t)
	putContact(t, a, &handbook.Contact{Name: "Anna", Email: "a@example.com"})
	a.sync(t, folder)
	rep, err := runRound(ctx, b.st, Options{Folder: folder, Now: b.now})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Backup == "" {
		t.Fatal("no backup written before applying")
	}
	if fi, err := os.Stat(rep.Backup); err != nil || fi.Size() == 0 {
		t.Errorf("backup %s: %v", rep.Backup, err)
	}
	rep, err = runRound(ctx, b.st, Options{Folder: folder, Now: b.now})
	if err != nil || rep.Backup != "" {
		t.Errorf("a round with nothing to apply wrote a backup %q (%v)", rep.Backup, err)
	}
}

// An empty laptop that syncs first sets the folder up for its own, empty
// handbook. The laptop holding the real handbook must not be locked out:
// while nothing has been shared, it takes the folder over, and the empty
// laptop then joins it.
func TestEmptyLaptopDoesNotLockOutTheHandbook(t *testing.T) {
	ctx := context.Background()
	folder := t.TempDir()
	empty := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	if _, err := runRound(ctx, empty.st, Options{Folder: folder, Backups: -1}); err != nil {
		t.Fatalf("empty laptop's first sync: %v", err)
	}
	holder := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	putContact(t, holder, &handbook.Contact{Name: "Anna", Email: "x@example.com"})
	if _, err := runRound(ctx, holder.st, Options{Folder: folder, Backups: -1}); err != nil {
		t.Fatalf("laptop with the handbook refused: %v", err)
	}
	rep, err := runRound(ctx, empty.st, Options{Folder: folder, Backups: -1})
	if err != nil || !rep.Pending {
		t.Fatalf("empty laptop's second sync: %+v, %v; want a join request", rep, err)
	}
	if _, err := holder.eng.Admit(ctx, holder.st, holder.opts(folder), "", true); err != nil {
		t.Fatal(err)
	}
	if _, err := runRound(ctx, empty.st, Options{Folder: folder, Backups: -1}); err != nil {
		t.Fatalf("empty laptop's sync once admitted: %v", err)
	}
	list, _ := store.List[handbook.Contact](ctx, empty.st)
	if len(list) != 1 || list[0].Name != "Anna" {
		t.Errorf("empty laptop holds %+v after joining", list)
	}
	a, _ := holder.st.HandbookID(ctx)
	b, _ := empty.st.HandbookID(ctx)
	if a != b {
		t.Errorf("handbook IDs differ: %s, %s", a, b)
	}

	// Once something was shared, another handbook is refused as before.
	other := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	putContact(t, other, &handbook.Contact{Name: "Fremd", Email: "y@example.com"})
	if _, err := runRound(ctx, other.st, Options{Folder: folder, Backups: -1}); !errors.Is(err, ErrOtherHandbook) {
		t.Errorf("second handbook after sharing began: %v, want ErrOtherHandbook", err)
	}
}
