package foldersync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// compactedTeam is a team of three that has compacted its folder at least
// once: every laptop holds contacts 0–3, edited in turn.
func compactedTeam(t *testing.T) (a, b, c *laptop, folder string) {
	t.Helper()
	clk := newFakeClock()
	folder = t.TempDir()
	a = openLaptop(t, t.TempDir(), clk.reader(0))
	b = openLaptop(t, t.TempDir(), clk.reader(0))
	c = openLaptop(t, t.TempDir(), clk.reader(0))
	for n := range 4 {
		putContact(t, a, &handbook.Contact{Record: handbook.Record{ID: contactID(n), CreatedAt: t0}, Name: fmt.Sprintf("Kontakt %d", n), Email: "k@example.com"})
	}
	a.sync(t, folder)
	join(t, folder, a, b, c)
	for _, l := range []*laptop{a, b, c} {
		l.compact = 3
	}
	editRounds(t, folder, 8, a, b, c)
	if _, cps := folderFiles(t, folder); cps == 0 {
		t.Fatal("the team did not compact")
	}
	return a, b, c, folder
}

// editRounds lets each laptop edit a contact and sync, rounds times; every
// edit writes a value not written before.
func editRounds(t *testing.T, folder string, rounds int, ls ...*laptop) {
	t.Helper()
	for round := range rounds {
		for i, l := range ls {
			k := getContact(t, l, contactID((round+i)%4))
			k.Notes = fmt.Sprintf("Runde %d, Laptop %s, %s", round, l.st.Device()[len(l.st.Device())-4:], l.now().Format("02.01. 15:04:05.000"))
			putContact(t, l, &k)
			l.sync(t, folder)
		}
	}
}

// settleAndJoin syncs the team until quiet, then lets a new laptop join,
// and checks that it misses nothing and equals every member.
func settleAndJoin(t *testing.T, folder string, ls ...*laptop) {
	t.Helper()
	for range 3 {
		for _, l := range ls {
			l.sync(t, folder)
		}
	}
	want := comparable(t, ls[0])
	for _, l := range ls[1:] {
		if got := comparable(t, l); got != want {
			t.Fatalf("members differ:\n%s\n---\n%s", got, want)
		}
	}
	d := openLaptop(t, t.TempDir(), ls[0].now)
	rep := joinReport(t, folder, ls[0], d)
	for range 2 {
		for _, l := range ls {
			l.sync(t, folder)
		}
		rep = d.sync(t, folder)
	}
	if len(rep.Gaps) > 0 {
		t.Fatalf("the new laptop misses batches: %v", rep.Gaps)
	}
	if got := comparable(t, d); got != comparable(t, ls[0]) {
		t.Fatalf("the new laptop differs:\n%s\n---\n%s", got, comparable(t, ls[0]))
	}
}

// A user deletes the checkpoint: the batches it folded are gone too. The
// members still hold everything, and a laptop that joins later must get
// it all the same.
func TestCheckpointDeletedByAUser(t *testing.T) {
	a, b, c, folder := compactedTeam(t)
	matches, err := filepath.Glob(filepath.Join(folder, "ernstfall", dirCheckpoints, "*.checkpoint"))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no checkpoint: %v", err)
	}
	for _, m := range matches {
		if err := os.Remove(m); err != nil {
			t.Fatal(err)
		}
	}
	// Far fewer batches follow than the next compaction waits for.
	for _, l := range []*laptop{a, b, c} {
		l.compact = 1000
	}
	editRounds(t, folder, 1, a, b, c)
	settleAndJoin(t, folder, a, b, c)
}

// The folder is put back from an old backup: an older checkpoint and the
// batches of then, while the team has compacted since. Batches written
// afterwards come on top.
func TestFolderBackFromAnOldBackup(t *testing.T) {
	a, b, c, folder := compactedTeam(t)
	backup := t.TempDir()
	copyTree(t, filepath.Join(folder, "ernstfall"), backup)
	editRounds(t, folder, 8, a, b, c)
	// Every member has what the others wrote (a batch that only its
	// author read before the folder went back is missing, and named so).
	for range 2 {
		for _, l := range []*laptop{a, b, c} {
			l.sync(t, folder)
		}
	}
	if err := os.RemoveAll(filepath.Join(folder, "ernstfall")); err != nil {
		t.Fatal(err)
	}
	copyTree(t, backup, filepath.Join(folder, "ernstfall"))
	for _, l := range []*laptop{a, b, c} {
		l.compact = 1000
	}
	editRounds(t, folder, 1, a, b, c)
	settleAndJoin(t, folder, a, b, c)
}

// Two members compact at the same moment, each on its side of a
// file-sync engine: both checkpoints end up in the folder.
func TestTwoMembersCompactAtOnce(t *testing.T) {
	a, b, c, folder := compactedTeam(t)
	other := t.TempDir()
	copyTree(t, folder, other)
	for _, l := range []*laptop{a, b, c} {
		l.compact = 1000
	}
	editRounds(t, folder, 2, a, b, c)
	copyTree(t, folder, other)
	a.compact, b.compact = 1, 1
	ra := a.sync(t, folder)
	rb := b.sync(t, other)
	if ra.Checkpoint == "" || rb.Checkpoint == "" {
		t.Fatalf("not both compacted: %q, %q", ra.Checkpoint, rb.Checkpoint)
	}
	// The engine meets: each side gets the other's files, and removals
	// made on either side stay made.
	for _, side := range [][2]string{{folder, other}, {other, folder}} {
		copyNew(t, side[0], side[1])
	}
	removeGone(t, folder, other)
	a.compact, b.compact = 3, 3
	settleAndJoin(t, folder, a, b, c)
}

// copyNew copies the files of src that dst lacks.
func copyNew(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if _, err := os.Stat(to); err == nil {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// removeGone removes from a what b lacks and b lacks from a: a file
// removed on either side since both were equal.
func removeGone(t *testing.T, a, b string) {
	t.Helper()
	for _, side := range [][2]string{{a, b}, {b, a}} {
		err := filepath.WalkDir(side[0], func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(side[0], p)
			if _, err := os.Stat(filepath.Join(side[1], rel)); os.IsNotExist(err) {
				return os.Remove(p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A laptop retired while away comes back with edits it made offline. Its
// round says it was removed, it asks to join anew with a new identity,
// and once a member admits it by its new fingerprint, its offline edits
// reach the team: nothing it typed is lost.
func TestRetiredLaptopReturns(t *testing.T) {
	ctx := context.Background()
	a, b, c, folder := compactedTeam(t)
	k := getContact(t, c, contactID(2))
	k.PhoneMobile = "+49 171 2222"
	putContact(t, c, &k)
	editRounds(t, folder, 3, a, b)
	if _, err := a.eng.Remove(ctx, a.st, a.opts(folder), c.st.Device()); err != nil {
		t.Fatal(err)
	}
	editRounds(t, folder, 3, a, b)
	old := c.st.Device()
	rep, err := c.eng.Run(ctx, c.st, c.opts(folder))
	if !errors.Is(err, ErrRemoved) {
		t.Fatalf("the retired laptop's round: %v", err)
	}
	if c.st.Device() == old || rep.Fingerprint == "" {
		t.Fatalf("the retired laptop asks with its old identity: %s, %+v", c.st.Device(), rep)
	}
	if rep := c.sync(t, folder); !rep.Pending {
		t.Fatalf("the retired laptop does not wait for admission: %+v", rep)
	}
	a.sync(t, folder)
	admit(t, a, folder, rep.Fingerprint)
	if rep := c.sync(t, folder); !rep.Joined {
		t.Fatalf("not joined again: %+v", rep)
	}
	settleAndJoin(t, folder, a, b, c)
	if got := getContact(t, a, contactID(2)); got.PhoneMobile != "+49 171 2222" {
		t.Fatalf("the offline edit of the retired laptop is lost: %q", got.PhoneMobile)
	}
	if !strings.Contains(ErrRemoved.Error(), "new identity") {
		t.Fatal(ErrRemoved)
	}
}

// A file-sync engine restores an older copy of a member's device file
// (a version history, a backup put back): the member seems to have
// applied less than it has. Nobody compacts past what it really applied,
// nobody takes it for a copy, and the next round of the member writes
// its device file anew.
func TestDeviceFileGoesBackwards(t *testing.T) {
	a, b, c, folder := compactedTeam(t)
	rel := filepath.Join(folder, "ernstfall", filepath.FromSlash(devicePath(b.st.Device())))
	old, err := os.ReadFile(rel)
	if err != nil {
		t.Fatal(err)
	}
	editRounds(t, folder, 6, a, b, c)
	if err := os.WriteFile(rel, old, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, l := range []*laptop{a, c} {
		rep := l.sync(t, folder)
		if rep.Copied != "" || len(rep.Gaps) > 0 {
			t.Fatalf("an old device file of B: %+v", rep)
		}
	}
	rep := b.sync(t, folder)
	if rep.Copied != "" {
		t.Fatalf("B takes itself for a copy: %+v", rep)
	}
	if now, err := os.ReadFile(rel); err != nil || string(now) == string(old) {
		t.Fatalf("B did not write its device file anew: %v", err)
	}
	editRounds(t, folder, 2, a, b, c)
	settleAndJoin(t, folder, a, b, c)
}

// A laptop away past the horizon had a conflict open when it left; the
// others resolve it and compact while it is away, and it edits the same
// field offline and resolves the conflict its own way. It comes back
// from the checkpoint, and every laptop ends alike, with its offline
// choice and the team's choice as one conflict, not a split.
func TestAwayWhileTheTeamResolvesAConflict(t *testing.T) {
	for _, compact := range []int{3, -1} {
		t.Run(fmt.Sprint("compact ", compact), func(t *testing.T) {
			ctx := context.Background()
			clk := newFakeClock()
			folder := t.TempDir()
			a := openLaptop(t, t.TempDir(), clk.reader(0))
			b := openLaptop(t, t.TempDir(), clk.reader(0))
			c := openLaptop(t, t.TempDir(), clk.reader(0))
			for n := range 4 {
				putContact(t, a, &handbook.Contact{Record: handbook.Record{ID: contactID(n), CreatedAt: t0}, Name: fmt.Sprintf("Kontakt %d", n), Email: "k@example.com"})
			}
			a.sync(t, folder)
			join(t, folder, a, b, c)
			for _, l := range []*laptop{a, b, c} {
				l.compact = compact
			}
			// A and B change contact 0's notes at once: a conflict
			// everywhere, C's too.
			for _, l := range []*laptop{a, b} {
				k := getContact(t, l, contactID(0))
				k.Notes = "von " + l.st.Device()[32:]
				putContact(t, l, &k)
			}
			for range 2 {
				for _, l := range []*laptop{a, b, c} {
					l.sync(t, folder)
				}
			}
			if len(conflicts(t, c)) != 1 {
				t.Fatalf("C holds %d conflicts", len(conflicts(t, c)))
			}
			// C goes away; A resolves the conflict, the team works on.
			if err := a.st.ResolveConflict(ctx, conflicts(t, a)[0], store.KeepOther, nil); err != nil {
				t.Fatal(err)
			}
			k2 := getContact(t, a, contactID(2))
			k2.PhoneOffice = "+49 30 2222"
			putContact(t, a, &k2)
			for range 12 {
				clk.advance(10 * 24 * time.Hour)
				editRounds(t, folder, 1, a, b)
			}
			// C, offline, resolves its own way and edits the field again.
			if err := c.st.ResolveConflict(ctx, conflicts(t, c)[0], store.KeepCurrent, nil); err != nil {
				t.Fatal(err)
			}
			k := getContact(t, c, contactID(0))
			k.Notes += ", von C ergänzt"
			putContact(t, c, &k)
			if batches, cps := folderFiles(t, folder); compact > 0 && (cps == 0 || batches > 12) {
				t.Fatalf("the team did not compact past C: %d batches, %d checkpoints", batches, cps)
			}
			rep := c.sync(t, folder)
			if compact > 0 && !strings.Contains(rep.Snapshot, ".checkpoint") {
				t.Fatalf("C did not come back from a checkpoint: %+v", rep)
			}
			settleAndJoin(t, folder, a, b, c)
			if got := getContact(t, c, contactID(2)); got.PhoneOffice != "+49 30 2222" {
				t.Fatalf("C lacks an edit made while it was away: %q", got.PhoneOffice)
			}
			open := 0
			for _, cf := range conflicts(t, a) {
				if cf.ID == contactID(0) && cf.Field == "notes" {
					open++
				}
			}
			if open != 1 {
				t.Fatalf("C's offline choice and the team's are %d conflicts: %v", open, conflicts(t, a))
			}
		})
	}
}
