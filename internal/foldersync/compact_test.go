package foldersync

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/seal"
)

// neutral renders a laptop's handbook and open conflicts without anything
// that names a laptop, so that two teams given the same edits can be
// compared: the field values, tombstones and which values are in conflict.
func neutral(t testing.TB, l *laptop) string {
	t.Helper()
	hb, err := l.st.Load(context.Background())
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
	var cs []string
	for _, c := range conflicts(t, l) {
		cs = append(cs, fmt.Sprintf("%s/%s/%s %s: %s over %s", c.Entity, c.ID, c.Field, c.Kind, c.Current.Value, c.Other.Value))
	}
	sort.Strings(cs)
	out, err := json.MarshalIndent(struct {
		Handbook  any
		Conflicts []string
	}{doc, cs}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// joinReport lets newcomer ask to join, member admit it, and returns the
// report of the newcomer's first round as a member.
func joinReport(t *testing.T, folder string, member, newcomer *laptop) Report {
	t.Helper()
	if rep := newcomer.sync(t, folder); !rep.Pending {
		t.Fatalf("newcomer is not pending: %+v", rep)
	}
	member.sync(t, folder)
	if _, err := member.eng.Admit(context.Background(), member.st, member.opts(folder), "", true); err != nil {
		t.Fatalf("admit: %v", err)
	}
	rep := newcomer.sync(t, folder)
	if !rep.Joined {
		t.Fatalf("newcomer did not join: %+v", rep)
	}
	return rep
}

// folderFiles counts the batch and checkpoint files in the folder.
func folderFiles(t testing.TB, folder string) (batches, checkpoints int) {
	t.Helper()
	root := filepath.Join(folder, "ernstfall")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(p, ".batch"):
			batches++
		case strings.HasSuffix(p, ".checkpoint"):
			checkpoints++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return batches, checkpoints
}

// contactID is the fixed ID of the script's contact n.
func contactID(n int) string { return fmt.Sprintf("0190bbbb-0000-7000-8000-%012d", n) }

// awayScript runs the same story for a team of three with compaction on
// or off, and returns the team: Anna and Ben keep working for a hundred
// days while Carl's laptop is away; Carl edits meanwhile, offline, and
// comes back.
func awayScript(t *testing.T, compact int) (folder string, anna, ben, carl *laptop, carlRep Report) {
	t.Helper()
	clk := newFakeClock()
	folder = t.TempDir()
	anna = openLaptop(t, t.TempDir(), clk.reader(0))
	ben = openLaptop(t, t.TempDir(), clk.reader(0))
	carl = openLaptop(t, t.TempDir(), clk.reader(0))
	for _, l := range []*laptop{anna, ben, carl} {
		l.compact = compact
		l.decide = map[string]DeletionChoice{AllDevices: ApplyDeletions}
	}
	for n := range 6 {
		putContact(t, anna, &handbook.Contact{Record: handbook.Record{ID: contactID(n), CreatedAt: t0},
			Name: fmt.Sprintf("Kontakt %d", n), Email: fmt.Sprintf("k%d@example.com", n), Notes: "Anfang"})
	}
	anna.sync(t, folder)
	join(t, folder, anna, ben, carl)
	anna.sync(t, folder)
	ben.sync(t, folder)
	carl.sync(t, folder)
	// Carl edits offline, before and after the others' work: contact 0
	// only he changes; contact 1 he and Anna change; contact 2 Anna
	// deletes and he edits; contact 3 he sets to what it was before.
	edit := func(l *laptop, n int, f func(*handbook.Contact)) {
		c := getContact(t, l, contactID(n))
		f(&c)
		putContact(t, l, &c)
	}
	edit(carl, 0, func(c *handbook.Contact) { c.PhoneMobile = "+49 170 0000" })
	edit(carl, 1, func(c *handbook.Contact) { c.Notes = "Carl, offline" })
	for day := range 100 {
		clk.advance(24 * time.Hour)
		l := anna
		if day%2 == 1 {
			l = ben
		}
		edit(l, 4, func(c *handbook.Contact) { c.Notes = fmt.Sprintf("Tag %d", day) })
		edit(l, 5, func(c *handbook.Contact) { c.PhoneOffice = fmt.Sprintf("+49 30 %04d", day%7) })
		if day == 10 {
			edit(anna, 1, func(c *handbook.Contact) { c.Notes = "Anna, Tag 10" })
		}
		if day == 20 {
			if err := anna.st.Delete(context.Background(), handbook.EntityContact, contactID(2)); err != nil {
				t.Fatal(err)
			}
		}
		l.sync(t, folder)
	}
	edit(carl, 2, func(c *handbook.Contact) { c.Notes = "Carl braucht den Kontakt noch" })
	edit(carl, 3, func(c *handbook.Contact) { c.Notes = "Anfang" })
	edit(carl, 5, func(c *handbook.Contact) { c.Email = "carl@example.com" })
	carlRep = carl.sync(t, folder)
	for range 2 {
		anna.sync(t, folder)
		ben.sync(t, folder)
		carl.sync(t, folder)
	}
	return folder, anna, ben, carl, carlRep
}

// A laptop away for longer than the others wait for it comes back to a
// compacted folder: it starts from the checkpoint, its offline edits
// merge as they would have without compaction, and nothing it missed is
// lost or comes back.
func TestAwayPastTheHorizon(t *testing.T) {
	folder, anna, ben, carl, rep := awayScript(t, 20)
	if rep.Snapshot == "" || !strings.Contains(rep.Snapshot, ".checkpoint") {
		t.Fatalf("Carl did not start from a checkpoint: %+v", rep)
	}
	if len(rep.Gaps) > 0 {
		t.Fatalf("Carl reports missing batches: %+v", rep.Gaps)
	}
	batches, checkpoints := folderFiles(t, folder)
	if checkpoints == 0 || batches > 60 {
		t.Fatalf("folder not compacted: %d batches, %d checkpoints", batches, checkpoints)
	}
	want := comparable(t, anna)
	for _, l := range []*laptop{ben, carl} {
		if got := comparable(t, l); got != want {
			t.Fatalf("laptops differ:\n%s\n---\n%s", got, want)
		}
	}
	c0, c1 := getContact(t, anna, contactID(0)), getContact(t, anna, contactID(1))
	if c0.PhoneMobile != "+49 170 0000" {
		t.Errorf("Carl's edit of a field nobody else changed is lost: %q", c0.PhoneMobile)
	}
	if c1.Notes != "Carl, offline" && c1.Notes != "Anna, Tag 10" {
		t.Errorf("contact 1's notes: %q", c1.Notes)
	}
	var sawNotes, sawDeleted bool
	for _, cf := range conflicts(t, anna) {
		switch {
		case cf.ID == contactID(1) && cf.Field == "notes":
			sawNotes = true
		case cf.ID == contactID(2):
			sawDeleted = true
		}
	}
	if !sawNotes {
		t.Errorf("Carl's and Anna's concurrent notes on contact 1 are no conflict: %v", conflicts(t, anna))
	}
	if !sawDeleted {
		t.Errorf("Carl's edit of the contact Anna deleted is no conflict: %v", conflicts(t, anna))
	}
	if c4 := getContact(t, carl, contactID(4)); c4.Notes != "Tag 99" {
		t.Errorf("Carl lacks the others' last edit: %q", c4.Notes)
	}
	// The same story without compaction ends the same.
	_, plain, _, _, _ := awayScript(t, -1)
	if got, want := neutral(t, anna), neutral(t, plain); got != want {
		t.Fatalf("with compaction:\n%s\nwithout:\n%s", got, want)
	}
}

// Compaction removes what every member applied, keeps the batches that
// carry team records, and a new laptop joins from the checkpoint with the
// whole handbook and the team as the members know it.
func TestCompactionShrinksTheFolder(t *testing.T) {
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
	for round := range 40 {
		for i, l := range []*laptop{a, b, c} {
			k := getContact(t, l, contactID((round+i)%4))
			k.Notes = fmt.Sprintf("Runde %d, Laptop %d", round, i)
			putContact(t, l, &k)
			l.sync(t, folder)
		}
	}
	if _, err := a.eng.Remove(ctx, a.st, a.opts(folder), c.st.Device()); err != nil {
		t.Fatal(err)
	}
	// Joined laptops took their requests away; one left by an older
	// Ernstfall goes with the compaction, one still waiting stays.
	requests := func() []string {
		t.Helper()
		names, err := filepath.Glob(filepath.Join(folder, "ernstfall", "requests", "*.request"))
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range names {
			names[i] = filepath.Base(n)
		}
		return names
	}
	if got := requests(); len(got) != 0 {
		t.Fatalf("answered requests left in the folder: %v", got)
	}
	rb, err := open(ctx, b.st, b.opts(folder).withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if err := rb.request(ctx); err != nil {
		t.Fatal(err)
	}
	rb.sh.Close()
	waiting := openLaptop(t, t.TempDir(), clk.reader(0))
	if rep := waiting.sync(t, folder); !rep.Pending {
		t.Fatalf("not pending: %+v", rep)
	}
	if got := requests(); len(got) != 2 {
		t.Fatalf("requests before the compaction: %v", got)
	}
	before, _ := folderFiles(t, folder)
	a.compact = 10
	b.sync(t, folder)
	rep := a.sync(t, folder)
	if got := requests(); len(got) != 1 || got[0] != waiting.st.Device()+".request" {
		t.Errorf("requests after the compaction: %v, want only the waiting one", got)
	}
	if rep.Checkpoint == "" || rep.Compacted == 0 {
		t.Fatalf("no compaction: %+v", rep)
	}
	after, checkpoints := folderFiles(t, folder)
	if after*4 > before || checkpoints != 1 {
		t.Fatalf("%d batch files before, %d and %d checkpoints after", before, after, checkpoints)
	}
	// Every batch that carries a team record is still there.
	st, err := loadState(ctx, a.st)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Records {
		if _, err := os.Stat(filepath.Join(folder, "ernstfall", batchPath(r.Signer, r.Seq))); err != nil {
			t.Errorf("the batch with the %s record of %s is gone: %v", r.Kind, r.Signer, err)
		}
	}
	d := openLaptop(t, t.TempDir(), clk.reader(0))
	got := joinReport(t, folder, a, d)
	if len(got.Gaps) > 0 || !strings.Contains(got.Snapshot, ".checkpoint") {
		t.Fatalf("the new laptop did not join from the checkpoint: %+v", got)
	}
	for _, s := range got.Skipped {
		if !strings.Contains(s.Reason, "removed from the team") {
			t.Errorf("the new laptop passed over %s", s)
		}
	}
	a.sync(t, folder)
	if got, want := comparable(t, d), comparable(t, a); got != want {
		t.Fatalf("new laptop differs:\n%s\n---\n%s", got, want)
	}
	ta, err := a.eng.Devices(ctx, a.st, a.opts(folder))
	if err != nil {
		t.Fatal(err)
	}
	td, err := d.eng.Devices(ctx, d.st, d.opts(folder))
	if err != nil {
		t.Fatal(err)
	}
	status := func(tm Team) string {
		var out []string
		for _, dv := range tm.Devices {
			out = append(out, dv.ID+" "+dv.Status)
		}
		sort.Strings(out)
		return strings.Join(out, "\n")
	}
	if status(ta) != status(td) || !strings.Contains(status(td), c.st.Device()+" "+StatusRemoved) {
		t.Fatalf("the new laptop sees another team:\n%s\n---\n%s", status(td), status(ta))
	}
}

// A compaction never goes past a member that has not said what it
// applied, nor past an active member that is behind.
func TestCompactionWaitsForActiveMembers(t *testing.T) {
	clk := newFakeClock()
	folder := t.TempDir()
	a := openLaptop(t, t.TempDir(), clk.reader(0))
	b := openLaptop(t, t.TempDir(), clk.reader(0))
	putContact(t, a, &handbook.Contact{Record: handbook.Record{ID: contactID(0), CreatedAt: t0}, Name: "Kontakt", Email: "k@example.com"})
	a.sync(t, folder)
	join(t, folder, a, b)
	a.compact = 1
	for round := range 10 {
		k := getContact(t, a, contactID(0))
		k.Notes = fmt.Sprintf("Runde %d", round)
		putContact(t, a, &k)
		if rep := a.sync(t, folder); rep.Compacted > 0 {
			t.Fatalf("round %d removed %d batches Ben has not applied", round, rep.Compacted)
		}
	}
	// Ben catches up: now the batches can go.
	b.sync(t, folder)
	if rep := a.sync(t, folder); rep.Compacted == 0 {
		t.Fatalf("nothing removed once Ben applied everything: %+v", rep)
	}
	// Ben stays away past the horizon: he no longer holds compaction back.
	clk.advance(DefaultInactiveAfter + 24*time.Hour)
	removed := 0
	for round := range 5 {
		k := getContact(t, a, contactID(0))
		k.Notes = fmt.Sprintf("später %d", round)
		putContact(t, a, &k)
		rep := a.sync(t, folder)
		removed += rep.Compacted
		if rep.Snapshot != "" {
			t.Fatalf("Anna read a checkpoint though she misses nothing: %+v", rep)
		}
	}
	if removed < 4 {
		t.Fatalf("an inactive member still holds compaction back: %d batches removed", removed)
	}
	tm, err := a.eng.Devices(context.Background(), a.st, a.opts(folder))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range tm.Devices {
		if d.ID == b.st.Device() && (!d.Inactive || d.LastSync.IsZero()) {
			t.Errorf("Ben is not shown as inactive with his last sync: %+v", d)
		}
		if d.ID == a.st.Device() && d.Inactive {
			t.Errorf("Anna is shown as inactive: %+v", d)
		}
	}
	rep := b.sync(t, folder)
	if rep.Snapshot == "" || len(rep.Gaps) > 0 {
		t.Fatalf("Ben did not catch up from the checkpoint: %+v", rep)
	}
	if got := getContact(t, b, contactID(0)); got.Notes != "später 4" {
		t.Fatalf("Ben's contact: %q", got.Notes)
	}
}

// A checkpoint cannot be used to forge or erase: one nobody of the team
// signed, one that claims batches never written, and one of a laptop that
// was removed since are not used; the next member that compacts replaces
// the removed laptop's.
func TestCheckpointTrust(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	folder := t.TempDir()
	a := openLaptop(t, t.TempDir(), clk.reader(0))
	b := openLaptop(t, t.TempDir(), clk.reader(0))
	for n := range 3 {
		putContact(t, a, &handbook.Contact{Record: handbook.Record{ID: contactID(n), CreatedAt: t0}, Name: fmt.Sprintf("Kontakt %d", n), Email: "k@example.com"})
	}
	a.sync(t, folder)
	join(t, folder, a, b)
	for round := range 6 {
		k := getContact(t, b, contactID(round%3))
		k.Notes = fmt.Sprintf("Runde %d", round)
		putContact(t, b, &k)
		b.sync(t, folder)
		a.sync(t, folder)
	}
	// Ben compacts, then Anna removes him.
	b.compact = 1
	if rep := b.sync(t, folder); rep.Compacted == 0 {
		t.Fatalf("Ben did not compact: %+v", rep)
	}
	a.sync(t, folder)
	if _, err := a.eng.Remove(ctx, a.st, a.opts(folder), b.st.Device()); err != nil {
		t.Fatal(err)
	}
	// A stranger's checkpoint, signed with its own key, and one signed by
	// Anna that claims a batch of hers that does not exist.
	stranger, err := seal.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	key, err := seal.NewKey(0)
	if err != nil {
		t.Fatal(err)
	}
	hbID, err := a.st.HandbookID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := seal.Seal(seal.Header{Kind: kindCheckpt, Handbook: hbID, Device: "0190ffff-0000-7000-8000-000000000000", Seq: 90},
		[]byte(`{}`), key, stranger.Sign)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(folder, "ernstfall", dirCheckpoints)
	if err := os.WriteFile(filepath.Join(dir, checkpointFileName(90, "0190ffff-0000-7000-8000-000000000000")), forged, 0o666); err != nil {
		t.Fatal(err)
	}
	r, err := open(ctx, a.st, a.opts(folder).withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	snap, err := a.st.ExportCheckpoint(ctx, everyBatch(t, a))
	if err != nil {
		t.Fatal(err)
	}
	snap.Applied[a.st.Device()] = append(snap.Applied[a.st.Device()], 999)
	wkey, _ := r.state.writeKey(r.team)
	claim, err := r.sealSnapshot(snap, kindCheckpt, checkpointFormat, 80, wkey)
	r.sh.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, checkpointFileName(80, a.st.Device())), claim, 0o666); err != nil {
		t.Fatal(err)
	}
	// A new laptop joins (admitted without a round of Anna's in between):
	// none of the three checkpoints counts, so it reports the removed
	// batches missing rather than trusting any of them.
	d := openLaptop(t, t.TempDir(), clk.reader(0))
	if rep := d.sync(t, folder); !rep.Pending {
		t.Fatalf("new laptop not pending: %+v", rep)
	}
	if _, err := a.eng.Admit(ctx, a.st, a.opts(folder), "", true); err != nil {
		t.Fatal(err)
	}
	rep := d.sync(t, folder)
	reasons := map[string]string{}
	for _, s := range rep.Skipped {
		reasons[path.Base(s.File)] = s.Reason
	}
	for name, want := range map[string]string{
		checkpointFileName(90, "0190ffff-0000-7000-8000-000000000000"): "not written by a member",
		checkpointFileName(80, a.st.Device()):                          "never wrote",
	} {
		if !strings.Contains(reasons[name], want) {
			t.Errorf("%s: reason %q, want %q", name, reasons[name], want)
		}
	}
	removedOnes := 0
	for name, reason := range reasons {
		if strings.HasSuffix(name, "-"+b.st.Device()+".checkpoint") && strings.Contains(reason, "not written by a member") {
			removedOnes++
		}
	}
	if removedOnes == 0 {
		t.Errorf("the removed laptop's checkpoint is not named as unusable: %v", reasons)
	}
	if len(rep.Gaps) == 0 {
		t.Fatalf("the new laptop trusted a checkpoint it must not: %+v", rep)
	}
	// Anna's next round replaces Ben's checkpoint with her own; the new
	// laptop then has everything.
	arep := a.sync(t, folder)
	if arep.Checkpoint == "" {
		t.Fatalf("Anna did not replace the removed laptop's checkpoint: %+v", arep)
	}
	rep = d.sync(t, folder)
	if len(rep.Gaps) > 0 {
		t.Fatalf("gaps after Anna's checkpoint: %+v", rep.Gaps)
	}
	if got, want := comparable(t, d), comparable(t, a); got != want {
		t.Fatalf("new laptop differs:\n%s\n---\n%s", got, want)
	}
}

// A laptop back from away that receives a batch newer than a checkpoint
// before the checkpoint itself (file-sync engines deliver in their own
// order) still folds exactly what the checkpoint covers: a value the
// others outdid while it was away does not come back there as a conflict
// the others do not have.
func TestCheckpointAfterNewerBatch(t *testing.T) {
	clk := newFakeClock()
	folder := t.TempDir()
	anna := openLaptop(t, t.TempDir(), clk.reader(0))
	ben := openLaptop(t, t.TempDir(), clk.reader(0))
	carl := openLaptop(t, t.TempDir(), clk.reader(0))
	for n := range 2 {
		putContact(t, anna, &handbook.Contact{Record: handbook.Record{ID: contactID(n), CreatedAt: t0},
			Name: fmt.Sprintf("Kontakt %d", n), Email: "k@example.com", Notes: "Anfang"})
	}
	anna.sync(t, folder)
	join(t, folder, anna, ben, carl)
	notes := func(l *laptop, n int, s string) {
		c := getContact(t, l, contactID(n))
		c.Notes = s
		putContact(t, l, &c)
		l.sync(t, folder)
	}
	notes(anna, 0, "erste Fassung")
	ben.sync(t, folder)
	carl.sync(t, folder)
	// Carl goes away knowing the first version; Anna writes two more, each
	// in a batch of its own, so the one between is not a head anywhere.
	notes(anna, 0, "zweite Fassung")
	notes(anna, 0, "dritte Fassung")
	clk.advance(DefaultInactiveAfter + 24*time.Hour)
	ben.sync(t, folder)
	ben.sync(t, folder) // his device file now says he applied both
	anna.compact = 1
	rep := anna.sync(t, folder)
	if rep.Checkpoint == "" || rep.Compacted == 0 {
		t.Fatalf("Anna did not compact past Carl: %+v", rep)
	}
	anna.compact = 0
	notes(anna, 1, "nach dem Checkpoint")
	// Carl's engine brings Anna's newest batch first, the checkpoint later.
	cp := filepath.Join(folder, "ernstfall", strings.TrimPrefix(rep.Checkpoint, "ernstfall/"))
	aside := filepath.Join(t.TempDir(), "checkpoint")
	if err := os.Rename(cp, aside); err != nil {
		t.Fatal(err)
	}
	if rep := carl.sync(t, folder); len(rep.Gaps) == 0 {
		t.Fatalf("Carl misses nothing without the checkpoint: %+v", rep)
	}
	if got := getContact(t, carl, contactID(1)); got.Notes != "nach dem Checkpoint" {
		t.Fatalf("Carl did not apply the newer batch first: %q", got.Notes)
	}
	if err := os.Rename(aside, cp); err != nil {
		t.Fatal(err)
	}
	rep = carl.sync(t, folder)
	if !strings.HasSuffix(rep.Snapshot, ".checkpoint") || len(rep.Gaps) > 0 {
		t.Fatalf("Carl did not catch up from the checkpoint: %+v", rep)
	}
	if cs := conflicts(t, carl); len(cs) > 0 {
		t.Fatalf("Carl shows a conflict the others do not have: %+v", cs)
	}
	anna.sync(t, folder)
	ben.sync(t, folder)
	want := comparable(t, anna)
	for _, l := range []*laptop{ben, carl} {
		if got := comparable(t, l); got != want {
			t.Fatalf("laptops differ:\n%s\n---\n%s", got, want)
		}
	}
}

// Inactivity is judged by what the others observe, not by the clock of
// the laptop judged: one whose clock runs more than the horizon behind
// but syncs every week is active, holds compaction back until it has
// applied, and never has to start from a checkpoint.
func TestInactiveByObservationNotByClock(t *testing.T) {
	clk := newFakeClock()
	folder := t.TempDir()
	anna := openLaptop(t, t.TempDir(), clk.reader(0))
	ben := openLaptop(t, t.TempDir(), clk.reader(-DefaultInactiveAfter-30*24*time.Hour))
	putContact(t, anna, &handbook.Contact{Record: handbook.Record{ID: contactID(0), CreatedAt: t0}, Name: "Kontakt", Email: "k@example.com"})
	anna.sync(t, folder)
	join(t, folder, anna, ben)
	anna.compact = 1
	for week := range 20 {
		clk.advance(7 * 24 * time.Hour)
		c := getContact(t, anna, contactID(0))
		c.Notes = fmt.Sprintf("Woche %d", week)
		putContact(t, anna, &c)
		anna.sync(t, folder)
		anna.sync(t, folder) // Ben has not applied this week's batch yet
		if rep := ben.sync(t, folder); rep.Snapshot != "" || len(rep.Gaps) > 0 {
			t.Fatalf("week %d: Ben, who syncs every week, was compacted past: %+v", week, rep)
		}
		if got := getContact(t, ben, contactID(0)).Notes; got != c.Notes {
			t.Fatalf("week %d: Ben's contact: %q", week, got)
		}
	}
	// Anna still compacts what Ben applied.
	if rep := anna.sync(t, folder); rep.Compacted == 0 && rep.Checkpoint == "" {
		if batches, checkpoints := folderFiles(t, folder); checkpoints == 0 || batches > 12 {
			t.Fatalf("nothing compacted: %d batches, %d checkpoints", batches, checkpoints)
		}
	}
	tm, err := anna.eng.Devices(context.Background(), anna.st, anna.opts(folder))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range tm.Devices {
		if d.ID == ben.st.Device() && d.Inactive {
			t.Fatalf("Ben is shown inactive though he syncs every week: %+v", d)
		}
	}
	// Once he stops, he is inactive after the horizon by Anna's clock.
	clk.advance(DefaultInactiveAfter + 24*time.Hour)
	anna.sync(t, folder)
	tm, err = anna.eng.Devices(context.Background(), anna.st, anna.opts(folder))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range tm.Devices {
		if d.ID == ben.st.Device() && !d.Inactive {
			t.Fatalf("Ben is not inactive after %v away: %+v", DefaultInactiveAfter, d)
		}
	}
}
