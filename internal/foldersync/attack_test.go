package foldersync

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"ernstfall/internal/handbook"
	"ernstfall/internal/seal"
)

// Attacks by someone who can write the shared folder, beyond the cases
// the sync was first tried with.

// sendsAndArrives has a edit a contact and sync, and checks that the
// edit went out as a batch the others read, and that b applied it.
func sendsAndArrives(t *testing.T, a, b *laptop, folder, name string) Report {
	t.Helper()
	putContact(t, a, &handbook.Contact{Name: name, Email: "x@example.com"})
	rep, err := a.eng.Run(context.Background(), a.st, a.opts(folder))
	if err != nil {
		t.Fatalf("sync of A: %v", err)
	}
	if rep.Copied != "" {
		t.Fatalf("A took itself for a copy and gave up its identity")
	}
	if rep.Sent == 0 || !batchName.MatchString(filepath.Base(rep.SentBatch)) {
		t.Fatalf("A sent %d changes to %q", rep.Sent, rep.SentBatch)
	}
	b.sync(t, folder)
	found := false
	for _, c := range mustList(t, b) {
		found = found || c.Name == name
	}
	if !found {
		t.Fatalf("A's edit %q did not arrive at B", name)
	}
	return rep
}

// TestJunkInALaptopsOwnFolder: whatever someone puts into a laptop's own
// log folder (an old batch of it under the next number, a folder or
// garbage under the next number, a forged batch with the largest number)
// must neither stop it from sending nor make it take itself for a copy
// (which would cost it its membership), nor send its batches to numbers
// no one reads.
func TestJunkInALaptopsOwnFolder(t *testing.T) {
	tests := []struct {
		name  string
		place func(t *testing.T, dir string, next int64)
	}{
		{"its first batch replayed under the next number", func(t *testing.T, dir string, next int64) {
			data, err := os.ReadFile(filepath.Join(dir, batchFileName(1)))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, batchFileName(next)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"a folder under the next batch's name", func(t *testing.T, dir string, next int64) {
			if err := os.Mkdir(filepath.Join(dir, batchFileName(next)), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbage under the next batch's name", func(t *testing.T, dir string, next int64) {
			if err := os.WriteFile(filepath.Join(dir, batchFileName(next)), []byte("EFSEAL2\nkaputt"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"a forged batch with the largest number", func(t *testing.T, dir string, next int64) {
			if err := os.WriteFile(filepath.Join(dir, batchFileName(maxSeq)), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b, folder := pair(t)
			sendsAndArrives(t, a, b, folder, "Vorher")
			dir := filepath.Join(folder, "ernstfall", "log", a.st.Device())
			var next int64 = 1
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if s, ok := seqOf(e.Name()); ok {
					next = max(next, s+1)
				}
			}
			tt.place(t, dir, next)
			before := a.st.Device()
			rep := sendsAndArrives(t, a, b, folder, "Nachher")
			if a.st.Device() != before {
				t.Fatalf("A changed its device ID")
			}
			if seq, _ := seqOf(filepath.Base(rep.SentBatch)); seq > next+1 {
				t.Errorf("A sent batch %d after batch %d", seq, next-1)
			}
			// Twice more: still a member, nothing stays queued.
			sendsAndArrives(t, a, b, folder, "Noch später")
			if un, err := a.st.Unsent(context.Background()); err != nil || len(un) != 0 {
				t.Errorf("%d changes still queued (%v)", len(un), err)
			}
			if comparable(t, a) != comparable(t, b) {
				t.Error("A and B differ")
			}
		})
	}
}

// TestReplayedBatchOfAnotherLaptop: an old batch of B, put back under
// B's next number, is named as replayed and never applied; B's real next
// batch still arrives.
func TestReplayedBatchOfAnotherLaptop(t *testing.T) {
	a, b, folder := pair(t)
	c0 := handbook.Contact{Name: "Erst", Email: "e@example.com"}
	putContact(t, b, &c0)
	b.sync(t, folder)
	a.sync(t, folder)
	// A changes the contact; then B's batch that created it is replayed.
	c := getContact(t, a, c0.ID)
	c.Name = "Geändert"
	putContact(t, a, &c)
	a.sync(t, folder)
	dir := filepath.Join(folder, "ernstfall", "log", b.st.Device())
	first := latestBatch(t, folder, b.st.Device())
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	next := int64(len(entries) + 1)
	if err := os.WriteFile(filepath.Join(dir, batchFileName(next)), first, 0o644); err != nil {
		t.Fatal(err)
	}
	rep := a.sync(t, folder)
	if got := getContact(t, a, c0.ID); got.Name != "Geändert" {
		t.Fatalf("the replayed batch was applied: %q", got.Name)
	}
	var named bool
	for _, s := range rep.Skipped {
		named = named || strings.Contains(s.Reason, "moved or replayed")
	}
	if !named {
		t.Errorf("the replayed batch is not named: %v", rep.Skipped)
	}
	sendsAndArrives(t, b, a, folder, "B danach")
}

// TestRemovedLaptopRewritesItsPast: a removed laptop still holds its
// signing key. It cannot write after its removal; nor may it swap one of
// its earlier batches for another before a laptop that joins later reads
// them: the laptops must not end up with different handbooks.
func TestRemovedLaptopRewritesItsPast(t *testing.T) {
	ctx := context.Background()
	a, b, c, folder, contact := trio(t)
	for i := range 3 {
		x := handbook.Contact{Name: fmt.Sprintf("Von C %d", i), Email: "c@example.com"}
		putContact(t, c, &x)
		c.sync(t, folder)
	}
	a.sync(t, folder)
	b.sync(t, folder)
	if _, err := a.eng.Remove(ctx, a.st, a.opts(folder), c.st.Device()); err != nil {
		t.Fatal(err)
	}
	b.sync(t, folder)
	// C swaps its second-last batch for one that renames the shared
	// contact, chained correctly to the batch before it.
	dir := filepath.Join(folder, "ernstfall", "log", c.st.Device())
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var last int64
	for _, e := range entries {
		if s, ok := seqOf(e.Name()); ok {
			last = max(last, s)
		}
	}
	victim := last - 1
	prev, err := os.ReadFile(filepath.Join(dir, batchFileName(victim-1)))
	if err != nil {
		t.Fatal(err)
	}
	forged := sealFor(t, c, forgery{seq: victim,
		header: func(h *seal.Header) { h.Prev = seal.Hash(prev) },
		body: func(bf *batchFile) {
			bf.Changes = []wireChange{{Entity: "contact", ID: contact.ID, Field: "name", Value: json.RawMessage(`"gekapert"`), HLC: 1 << 50, Device: c.st.Device()}}
		}})
	if err := os.WriteFile(filepath.Join(dir, batchFileName(victim)), forged, 0o644); err != nil {
		t.Fatal(err)
	}
	// D joins now and reads C's batches for the first time.
	d := openLaptop(t, t.TempDir(), a.now)
	join(t, folder, a, d)
	for _, l := range []*laptop{a, b, d} {
		l.sync(t, folder)
	}
	rep := d.sync(t, folder)
	if got := getContact(t, d, contact.ID); got.Name != contact.Name {
		t.Errorf("D applied the swapped batch: the contact is called %q", got.Name)
	}
	// The swapped batch, and those below it (the chain that vouched for
	// them is broken), are named and never applied; those above it,
	// which lead to the batch the removal names, are.
	refused := map[string]bool{}
	for _, s := range rep.Skipped {
		if strings.Contains(s.Reason, "does not lead to the batch") {
			refused[filepath.Base(s.File)] = true
		}
	}
	for s := int64(1); s <= last; s++ {
		if want := s <= victim; refused[batchFileName(s)] != want {
			t.Errorf("batch %d of the removed laptop refused: %v, want %v (%v)", s, refused[batchFileName(s)], want, rep.Skipped)
		}
	}
	names := map[string]bool{}
	for _, x := range mustList(t, d) {
		names[x.Name] = true
	}
	if !names["Von C 2"] || names["gekapert"] {
		t.Errorf("D holds %v", names)
	}
	if comparable(t, a) != comparable(t, b) {
		t.Error("A and B, who read C's batches before, differ")
	}
}

// copyFolder copies the files of src that dst lacks into dst, as a
// file-sync tool brings two replicas of a folder together; a laptop's
// device file is taken from src when owner is that laptop.
func copyFolder(t *testing.T, dst, src, owner string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if _, err := os.Stat(target); err == nil && rel != filepath.Join("ernstfall", "devices", owner+".device") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTwoMembersDecideTheSameRequest: two members, each on its own
// replica of the folder (a file-sync tool brings them together later),
// admit the same laptop at the same time, or one admits it while the
// other refuses it. The laptop is admitted once, everyone agrees, and no
// request stays listed.
func TestTwoMembersDecideTheSameRequest(t *testing.T) {
	for _, refuse := range []bool{false, true} {
		t.Run(map[bool]string{false: "both admit", true: "one admits, one refuses"}[refuse], func(t *testing.T) {
			ctx := context.Background()
			a, b, folder := pair(t)
			d := openLaptop(t, t.TempDir(), a.now)
			rep := d.sync(t, folder)
			if !rep.Pending {
				t.Fatal("D is not pending")
			}
			a.sync(t, folder)
			b.sync(t, folder)
			replica := t.TempDir()
			copyFolder(t, replica, folder, "")
			if _, err := a.eng.Admit(ctx, a.st, a.opts(folder), rep.Fingerprint, false); err != nil {
				t.Fatal(err)
			}
			var err error
			if refuse {
				_, err = b.eng.Refuse(ctx, b.st, b.opts(replica), rep.Fingerprint)
			} else {
				_, err = b.eng.Admit(ctx, b.st, b.opts(replica), rep.Fingerprint, false)
			}
			if err != nil {
				t.Fatalf("B's decision: %v", err)
			}
			copyFolder(t, folder, replica, b.st.Device())
			if rep := d.sync(t, folder); !rep.Joined {
				t.Fatalf("D did not join: %+v", rep)
			}
			putContact(t, d, &handbook.Contact{Name: "Von D", Email: "d@example.com"})
			for range 2 {
				for _, l := range []*laptop{a, b, d} {
					if rep := l.sync(t, folder); len(rep.Requests) != 0 {
						t.Errorf("requests still listed: %+v", rep.Requests)
					}
				}
			}
			for _, l := range []*laptop{a, b} {
				team, err := l.eng.Devices(ctx, l.st, l.opts(folder))
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, dv := range team.Devices {
					if dv.ID == d.st.Device() {
						n++
						if dv.Status != StatusMember {
							t.Errorf("D is %s", dv.Status)
						}
					}
				}
				if n != 1 {
					t.Errorf("D listed %d times", n)
				}
			}
			if comparable(t, a) != comparable(t, d) || comparable(t, b) != comparable(t, d) {
				t.Error("the laptops differ")
			}
		})
	}
}

// TestFileNamesAreShownSafely: names of files anyone put into the folder
// reach the report, the terminal and the window; control characters (a
// terminal acts on them) and endless names must not.
func TestFileNamesAreShownSafely(t *testing.T) {
	a, b, folder := pair(t)
	logDir := filepath.Join(folder, "ernstfall", "log")
	names := []string{
		"\x1b]0;gehackt\x07\x1b[2J",
		strings.Repeat("ä", 120),
		"zeile\nneue zeile",
		"\xff\xfe",
	}
	for _, n := range names {
		if err := os.Mkdir(filepath.Join(logDir, n), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(logDir, a.st.Device(), "\x1b[31m000000000009.batch"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := b.sync(t, folder)
	if len(rep.Skipped) < len(names)+1 {
		t.Fatalf("only %d files named: %v", len(rep.Skipped), rep.Skipped)
	}
	for _, s := range rep.Skipped {
		if strings.IndexFunc(s.File, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 || !strings.HasPrefix(s.File, "ernstfall/log/") {
			t.Errorf("file named with control characters: %q", s.File)
		}
		if n := len([]rune(s.File)); n > maxShownName {
			t.Errorf("file name of %d characters shown", n)
		}
	}
	// Still the same file from round to round: named once as new.
	for _, s := range b.sync(t, folder).Skipped {
		if s.New {
			t.Errorf("%q named as new again", s.File)
		}
	}
	sendsAndArrives(t, a, b, folder, "Trotzdem")
}
