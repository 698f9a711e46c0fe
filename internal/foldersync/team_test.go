package foldersync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ernstfall/data"
	"ernstfall/internal/handbook"
	"ernstfall/internal/seal"
	"ernstfall/internal/store"
)

// admit admits the laptop with that fingerprint as member m.
func admit(t *testing.T, m *laptop, folder, fingerprint string) {
	t.Helper()
	if _, err := m.eng.Admit(context.Background(), m.st, m.opts(folder), fingerprint, false); err != nil {
		t.Fatalf("admit %s: %v", fingerprint, err)
	}
}

func contactCount(t *testing.T, l *laptop) int {
	t.Helper()
	list, err := store.List[handbook.Contact](context.Background(), l.st)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// TestForgedSnapshotIsRefused: a snapshot that claims to cover another
// laptop's batches 1..2000 made a new laptop join with one record and skip
// the real batches. A snapshot counts only when a member signed it, and
// never when it claims batches that are not in the folder.
func TestForgedSnapshotIsRefused(t *testing.T) {
	tests := []struct {
		name   string
		signer func(a, c *laptop) *laptop
		reason string
	}{
		{"signed by nobody of the team", func(a, c *laptop) *laptop { return nil }, "not written by a member"},
		{"signed by a member, claiming batches that do not exist", func(a, c *laptop) *laptop { return c }, "not in the folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			a, _, c, folder, _ := trio(t)
			for i := range 40 {
				putContact(t, a, &handbook.Contact{Name: fmt.Sprintf("Kontakt %02d", i), Email: "k@example.com"})
				if i%8 == 7 {
					a.sync(t, folder)
				}
			}
			a.sync(t, folder)
			want := contactCount(t, a)
			author := tt.signer(a, c)
			dev := fakeDevice
			if author != nil {
				dev = author.st.Device()
			}
			body := snapshotFile{Format: snapshotFormat, Version: formatVersion, Device: dev, CreatedAt: t0,
				Applied: map[string][]int64{a.st.Device(): {}},
				Changes: []wireChange{{Entity: "contact", ID: "einsam", Field: "name", Value: json.RawMessage(`"Einsam"`), HLC: 1 << 40, Device: dev}}}
			for s := int64(1); s <= 2000; s++ {
				body.Applied[a.st.Device()] = append(body.Applied[a.st.Device()], s)
			}
			hb, _ := a.st.HandbookID(ctx)
			body.Handbook = hb
			plain, _ := json.Marshal(body)
			signerLaptop := author
			if signerLaptop == nil {
				signerLaptop = c
			}
			id, _ := identity(ctx, signerLaptop.st)
			state, _ := loadState(ctx, signerLaptop.st)
			key, _ := state.writeKey(newTeam(*state.Team, state.Records))
			signer := id.Sign
			if author == nil {
				signer = strangerKey(t)
			}
			sealed, err := seal.Seal(seal.Header{Kind: kindSnapshot, Handbook: hb, Device: dev, Seq: 2000}, plain, key, signer)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(folder, "ernstfall", "snapshots", snapshotFileName(dev, 2000))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, sealed, 0o644); err != nil {
				t.Fatal(err)
			}
			n := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
			rep := n.sync(t, folder)
			admit(t, a, folder, rep.Fingerprint)
			rep = n.sync(t, folder)
			if rep.Snapshot != "" {
				t.Fatalf("joined from the forged snapshot %s", rep.Snapshot)
			}
			found := false
			for _, s := range rep.Skipped {
				if strings.HasSuffix(s.File, filepath.Base(name)) && strings.Contains(s.Reason, tt.reason) {
					found = true
				}
			}
			if !found {
				t.Errorf("the forged snapshot is not named with %q: %v", tt.reason, rep.Skipped)
			}
			if got := contactCount(t, n); got != want {
				t.Errorf("joined with %d contacts, want all %d", got, want)
			}
		})
	}
}

// TestStrangerCannotDeleteTheHandbook: anyone who can write the shared
// folder could write a batch that tombstones every record, and every
// laptop applied it. A batch no member signed is never applied.
func TestStrangerCannotDeleteTheHandbook(t *testing.T) {
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
	b.sync(t, folder)
	before := comparable(t, b)
	loaded, err := b.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var tombs []wireChange
	loaded.EachItem(func(it handbook.Item) {
		tombs = append(tombs, wireChange{Entity: string(it.Entity()), ID: it.Meta().ID, Field: "deleted", Value: json.RawMessage("true"), HLC: 1 << 62})
	})
	// The stranger makes up a device, and also tries a member's folder.
	forged := sealFor(t, c, forgery{signer: strangerKey(t), body: func(b *batchFile) { b.Changes = tombs }})
	logDir := filepath.Join(folder, "ernstfall", "log")
	write(t, logDir, fakeDevice, "000000000001.batch", forged)
	write(t, logDir, c.st.Device(), "000000000099.batch", forged)
	rep := b.sync(t, folder)
	if rep.Received != 0 || rep.Unknown != 1 {
		t.Fatalf("received %d changes, %d files from unknown laptops: %+v", rep.Received, rep.Unknown, rep)
	}
	if got := comparable(t, b); got != before {
		t.Fatal("a batch no member signed changed the handbook")
	}
	if rep = b.sync(t, folder); newSkips(rep) != 0 {
		t.Errorf("the same forged files are reported as new again: %v", rep.Skipped)
	}
}

func newSkips(rep Report) int {
	n := 0
	for _, s := range rep.Skipped {
		if s.New {
			n++
		}
	}
	return n
}

// TestPendingLaptopLearnsNothing: a laptop that asked to join reads and
// writes nothing of the handbook until a member admits it, and is told
// its fingerprint.
func TestPendingLaptopLearnsNothing(t *testing.T) {
	a, _, folder := pair(t)
	putContact(t, a, &handbook.Contact{Name: "Geheim", Email: "g@example.com"})
	a.sync(t, folder)
	n := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	putContact(t, n, &handbook.Contact{Name: "Eigenes", Email: "e@example.com"})
	rep, err := n.eng.Run(context.Background(), n.st, n.opts(folder))
	// A laptop holding another handbook is refused outright.
	if !errors.Is(err, ErrOtherHandbook) {
		t.Fatalf("laptop with its own records: %v", err)
	}
	n = openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	rep = n.sync(t, folder)
	if !rep.Pending || rep.Received != 0 || contactCount(t, n) != 0 {
		t.Fatalf("pending laptop took part: %+v", rep)
	}
	if !regexp.MustCompile(`^[0-9A-F]{4}(-[0-9A-F]{4}){5}$`).MatchString(rep.Fingerprint) {
		t.Errorf("fingerprint %q", rep.Fingerprint)
	}
	team, err := a.eng.Devices(context.Background(), a.st, a.opts(folder))
	if err != nil {
		t.Fatal(err)
	}
	var seen bool
	for _, d := range team.Devices {
		if d.Status == StatusPending && d.Fingerprint == rep.Fingerprint && d.Name == "test" {
			seen = true
		}
	}
	if !seen {
		t.Fatalf("member does not see the request with name and fingerprint: %+v", team.Devices)
	}
	if _, err := n.eng.Admit(context.Background(), n.st, n.opts(folder), "", true); !errors.Is(err, ErrNotMember) {
		t.Errorf("a pending laptop admitted: %v", err)
	}
}

// TestAdmitRefuseByNameAndFingerprint: a request can be refused (it is
// listed no more), and a name shared by two laptops must be told apart by
// fingerprint.
func TestAdmitRefuseByNameAndFingerprint(t *testing.T) {
	ctx := context.Background()
	a, _, folder := pair(t)
	x := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	y := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	rx, ry := x.sync(t, folder), y.sync(t, folder)
	if _, err := a.eng.Admit(ctx, a.st, a.opts(folder), "test", false); !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("admitting a name two laptops share: %v", err)
	}
	if _, err := a.eng.Refuse(ctx, a.st, a.opts(folder), strings.ToLower(strings.ReplaceAll(ry.Fingerprint, "-", " "))); err != nil {
		t.Fatalf("refuse by fingerprint typed loosely: %v", err)
	}
	admit(t, a, folder, rx.Fingerprint)
	if rep := x.sync(t, folder); rep.Pending {
		t.Fatal("admitted laptop still pending")
	}
	if rep := y.sync(t, folder); !rep.Pending {
		t.Fatal("refused laptop became a member")
	}
	team, err := a.eng.Devices(ctx, a.st, a.opts(folder))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range team.Devices {
		if d.ID == y.st.Device() {
			t.Errorf("refused request still listed: %+v", d)
		}
	}
	if _, err := a.eng.Admit(ctx, a.st, a.opts(folder), "nobody", false); !errors.Is(err, ErrNoSuchDevice) {
		t.Errorf("admitting nobody: %v", err)
	}
}

// TestRemovedMember: what a removed laptop writes after its removal is
// never applied, even signed with its still valid key: its edits, its
// admission of a stranger, its removal of another member. The team key is
// replaced, so it cannot read what the team writes afterwards.
func TestRemovedMember(t *testing.T) {
	ctx := context.Background()
	a, b, c, folder, contact := trio(t)
	putContact(t, c, &handbook.Contact{Name: "Von C vorher", Email: "c@example.com"})
	c.sync(t, folder)
	a.sync(t, folder)
	if _, err := a.eng.Remove(ctx, a.st, a.opts(folder), c.st.Device()); err != nil {
		t.Fatal(err)
	}
	// C, unaware, edits; a thief writes by hand with C's keys; then C
	// syncs (and asks to join anew, under a new identity).
	oldC := c.st.Device()
	cc := getContact(t, c, contact.ID)
	cc.Notes = "nach dem Entfernen"
	putContact(t, c, &cc)
	stranger, err := seal.NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	sp := stranger.Public()
	forgeBatchWith(t, folder, c, []record{
		{Kind: recAdmit, Device: fakeDevice, Keys: &sp, Name: "Fremd", At: t0},
		{Kind: recRemove, Device: b.st.Device(), At: t0},
	}, []store.Change{{Entity: handbook.EntityContact, ID: contact.ID, Field: "name", Value: json.RawMessage(`"gekapert"`), HLC: 1 << 50, Device: c.st.Device()}})
	_, err = c.eng.Run(ctx, c.st, c.opts(folder))
	if !errors.Is(err, ErrRemoved) {
		t.Fatalf("removed laptop's round: %v, want ErrRemoved", err)
	}
	for _, l := range []*laptop{a, b} {
		rep := l.sync(t, folder)
		if got := getContact(t, l, contact.ID); got.Name != contact.Name || got.Notes == "nach dem Entfernen" {
			t.Errorf("a removed laptop's later edit was applied: %+v", got)
		}
		var named bool
		for _, s := range rep.Skipped {
			named = named || strings.Contains(s.Reason, "removed from the team")
		}
		if !named {
			t.Errorf("the removed laptop's later batches are not named: %v", rep.Skipped)
		}
	}
	team, err := b.eng.Devices(ctx, b.st, b.opts(folder))
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, d := range team.Devices {
		status[d.ID] = d.Status
	}
	if status[b.st.Device()] != StatusMember || status[a.st.Device()] != StatusMember || status[oldC] != StatusRemoved || status[fakeDevice] == StatusMember {
		t.Fatalf("team after the removal: %v", status)
	}
	// What C wrote before the removal stays.
	found := false
	for _, x := range mustList(t, b) {
		found = found || x.Name == "Von C vorher"
	}
	if !found {
		t.Error("the removed laptop's earlier edit is gone")
	}
	// B writes with the new key; C's old keys cannot read it.
	putContact(t, b, &handbook.Contact{Name: "Nach der Rotation", Email: "r@example.com"})
	b.sync(t, folder)
	cState, err := loadState(ctx, c.st)
	if err != nil {
		t.Fatal(err)
	}
	h := latestHeader(t, folder, b)
	if _, ok := cState.key(h.Key); ok {
		t.Fatal("the removed laptop holds the key the team writes with after its removal")
	}
	if rep := a.sync(t, folder); rep.Received == 0 {
		t.Error("A cannot read B's batch written with the new key")
	}
}

func mustList(t *testing.T, l *laptop) []handbook.Contact {
	t.Helper()
	list, err := store.List[handbook.Contact](context.Background(), l.st)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func latestBatch(t *testing.T, folder, dev string) []byte {
	t.Helper()
	dir := filepath.Join(folder, "ernstfall", "log", dev)
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("no batches of %s: %v", dev, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, entries[len(entries)-1].Name()))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// latestHeader is the header of l's latest batch, checked against l's key
// as a team member checks it.
func latestHeader(t *testing.T, folder string, l *laptop) seal.Header {
	t.Helper()
	id, err := identity(context.Background(), l.st)
	if err != nil {
		t.Fatal(err)
	}
	h, err := seal.Verify(latestBatch(t, folder, l.st.Device()), id.Public().Sign)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// forgeBatchWith writes team records and changes as l's next batch,
// signed with l's key and chained to its last.
func forgeBatchWith(t *testing.T, folder string, l *laptop, recs []record, changes []store.Change) {
	t.Helper()
	name := forgeBatch(t, folder, l, changes)
	seq, _ := seqOf(filepath.Base(name))
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
	data := sealFor(t, l, forgery{seq: seq, body: func(b *batchFile) {
		b.Members = recs
		b.Changes = nil
		for _, c := range changes {
			b.Changes = append(b.Changes, toWire(c, false))
		}
	}})
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMembersRemovingEachOther: two members who remove each other while
// apart are both removed; the rest of the team goes on.
func TestMembersRemovingEachOther(t *testing.T) {
	ctx := context.Background()
	a, b, c, folder, _ := trio(t)
	if _, err := a.eng.Remove(ctx, a.st, a.opts(folder), c.st.Device()); err != nil {
		t.Fatal(err)
	}
	// C has not seen A's removal when it removes A: its folder copy is
	// behind, as with a file-sync tool that has not delivered yet.
	forgeBatchWith(t, folder, c, []record{{Kind: recRemove, Device: a.st.Device(), Last: latestSeq(t, c, a), At: t0}}, nil)
	team, err := b.eng.Devices(ctx, b.st, b.opts(folder))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range team.Devices {
		want := StatusRemoved
		if d.ID == b.st.Device() {
			want = StatusMember
		}
		if d.Status != want {
			t.Errorf("%s is %s, want %s", d.ID, d.Status, want)
		}
	}
	putContact(t, b, &handbook.Contact{Name: "B allein", Email: "b@example.com"})
	if rep := b.sync(t, folder); rep.Sent == 0 {
		t.Error("the remaining member cannot write")
	}
}

// latestSeq is the newest batch of other that l has applied.
func latestSeq(t *testing.T, l, other *laptop) int64 {
	t.Helper()
	applied, err := l.st.Applied(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var top int64
	for s := range applied[other.st.Device()] {
		top = max(top, s)
	}
	return top
}

// TestFolderRevealsNothing: the shared folder holds no contact name, no
// phone number and no word of a playbook: grep finds nothing.
func TestFolderRevealsNothing(t *testing.T) {
	ctx := context.Background()
	a, b, folder := pair(t)
	hb, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Import(ctx, hb); err != nil {
		t.Fatal(err)
	}
	a.sync(t, folder)
	b.sync(t, folder)
	if _, err := a.eng.WriteSnapshot(ctx, a.st, a.opts(folder)); err != nil {
		t.Fatal(err)
	}
	n := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	n.sync(t, folder)
	var secrets []string
	for _, c := range hb.Contacts {
		secrets = append(secrets, c.Name)
		for _, p := range []string{c.PhoneMobile, c.PhoneOffice} {
			if p != "" {
				secrets = append(secrets, p, strings.ReplaceAll(p, " ", ""))
			}
		}
	}
	for _, p := range hb.Playbooks {
		secrets = append(secrets, p.Title)
		for _, w := range strings.Fields(p.Body) {
			if len([]rune(w)) >= 9 {
				secrets = append(secrets, w)
			}
		}
	}
	secrets = append(secrets, "test") // the laptops' name
	files := 0
	err = filepath.Walk(folder, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		files++
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("%s contains %q", p, s)
				return nil
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 8 || len(secrets) < 100 {
		t.Fatalf("only %d files, %d words looked for", files, len(secrets))
	}
}

// TestFormatSwapIsRefused: a FORMAT file swapped for another team's (or
// another handbook's) makes members stop, read nothing and write nothing.
func TestFormatSwapIsRefused(t *testing.T) {
	ctx := context.Background()
	a, b, folder := pair(t)
	putContact(t, a, &handbook.Contact{Name: "Vorher", Email: "v@example.com"})
	a.sync(t, folder)
	// An attacker sets up a team of its own in another folder and copies
	// its FORMAT over.
	other := t.TempDir()
	evil := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	evil.sync(t, other)
	data, err := os.ReadFile(filepath.Join(other, "ernstfall", "FORMAT"))
	if err != nil {
		t.Fatal(err)
	}
	hbA, _ := a.st.HandbookID(ctx)
	var f formatFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	f.Handbook = hbA
	evilID, _ := identity(ctx, evil.st)
	f.Sig = seal.SignJSON(evilID.Sign, "format", f.signedBody())
	data, _ = json.Marshal(f)
	if err := os.WriteFile(filepath.Join(folder, "ernstfall", "FORMAT"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	putContact(t, b, &handbook.Contact{Name: "Nachher", Email: "n@example.com"})
	before := listTree(t, folder)
	for _, l := range []*laptop{a, b} {
		_, err := l.eng.Run(ctx, l.st, l.opts(folder))
		if !errors.Is(err, ErrOtherTeam) || !strings.Contains(err.Error(), "fingerprint") {
			t.Fatalf("sync with a swapped FORMAT: %v, want ErrOtherTeam naming fingerprints", err)
		}
	}
	if after := listTree(t, folder); after != before {
		t.Errorf("files written into the folder of another team:\n%s\n%s", before, after)
	}
}

// TestFoundingRace: two laptops set up the same folder before their
// file-sync tool met. The one whose FORMAT lost asks to join the other's
// team, and once admitted its edits arrive; nothing is lost.
func TestFoundingRace(t *testing.T) {
	ctx := context.Background()
	hb, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	clk := newFakeClock()
	fa, fb := t.TempDir(), t.TempDir()
	a := openLaptop(t, t.TempDir(), clk.reader(0))
	b := openLaptop(t, t.TempDir(), clk.reader(0))
	for _, l := range []*laptop{a, b} {
		if err := l.st.AdoptHandbookID(ctx, data.HandbookID); err != nil {
			t.Fatal(err)
		}
		if _, err := l.st.Import(ctx, hb); err != nil {
			t.Fatal(err)
		}
	}
	c := hb.Contacts[0]
	c.Notes = "von B, vor dem Abgleich"
	putContact(t, b, &c)
	a.sync(t, fa)
	b.sync(t, fb)
	// The file-sync tool now delivers B's files into A's folder; B's FORMAT
	// loses and becomes a conflict copy.
	err = filepath.Walk(filepath.Join(fb, "ernstfall"), func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(fb, p)
		dst := filepath.Join(fa, rel)
		if filepath.Base(p) == "FORMAT" {
			dst += ".sync-conflict-20261126-081500-BBBBBBB"
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, raw, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := b.sync(t, fa)
	if !rep.Pending {
		t.Fatalf("the laptop whose FORMAT lost does not ask to join: %+v", rep)
	}
	admit(t, a, fa, rep.Fingerprint)
	b.sync(t, fa)
	a.sync(t, fa)
	b.sync(t, fa)
	if got := getContact(t, a, c.ID).Notes; got != c.Notes {
		t.Errorf("B's edit from before the race: %q on A", got)
	}
	if comparable(t, a) != comparable(t, b) {
		t.Error("laptops differ after the founding race")
	}
}

// TestJoinRequestFlood: thousands of join requests do not slow a round
// down or hide the real one, which is admitted by its fingerprint.
func TestJoinRequestFlood(t *testing.T) {
	ctx := context.Background()
	a, _, folder := pair(t)
	hbID, _ := a.st.HandbookID(ctx)
	dir := filepath.Join(folder, "ernstfall", "requests")
	for i := range 600 {
		id, err := seal.NewIdentity()
		if err != nil {
			t.Fatal(err)
		}
		dev := fmt.Sprintf("0190dddd-0000-7000-8000-%012d", i)
		f := requestFile{Format: requestFormat, Version: formatVersion, Handbook: hbID, Device: dev, Keys: id.Public(), Created: t0}
		f.Sig = seal.SignJSON(id.Sign, "request", f.signedBody())
		raw, _ := json.Marshal(f)
		if err := os.WriteFile(filepath.Join(dir, dev+".request"), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
	rn := n.sync(t, folder)
	rep := a.sync(t, folder)
	if len(rep.Requests) > maxRequests || rep.MoreRequests < 500 {
		t.Fatalf("%d requests listed, %d more counted", len(rep.Requests), rep.MoreRequests)
	}
	admit(t, a, folder, rn.Fingerprint)
	if rep := n.sync(t, folder); rep.Pending {
		t.Fatal("the real laptop was not admitted among the flood")
	}
}

// TestKeyNotVouchedForIsNeverUsed: a key handed to a member in a key file
// is written with only when a member's record introduced it; a removed
// laptop cannot make the team write with a key it knows.
func TestKeyNotVouchedForIsNeverUsed(t *testing.T) {
	ctx := context.Background()
	a, b, c, folder, _ := trio(t)
	if _, err := a.eng.Remove(ctx, a.st, a.opts(folder), c.st.Device()); err != nil {
		t.Fatal(err)
	}
	b.sync(t, folder)
	// C writes a key of its own making, epoch 99, for B.
	trap, err := seal.NewKey(99)
	if err != nil {
		t.Fatal(err)
	}
	hbID, _ := c.st.HandbookID(ctx)
	cid, _ := identity(ctx, c.st)
	bid, _ := identity(ctx, b.st)
	r := &round{id: cid, me: c.st.Device(), handbook: hbID}
	plain, _ := json.Marshal(wrappedKey{Key: trap})
	wrapped, err := seal.SealTo(bid.Public().Box, keyInfo(hbID, b.st.Device(), trap.ID), plain)
	if err != nil {
		t.Fatal(err)
	}
	kf := keyFile{Format: keyFormat, Version: formatVersion, Handbook: hbID, To: b.st.Device(), From: r.me, Key: trap.ID, Wrapped: wrapped}
	kf.Sig = seal.SignJSON(cid.Sign, "key", kf.signedBody())
	raw, _ := json.Marshal(kf)
	if err := os.WriteFile(filepath.Join(folder, "ernstfall", "keys", b.st.Device(), trap.ID+"-"+r.me+".key"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	putContact(t, b, &handbook.Contact{Name: "Vertraulich", Email: "v@example.com"})
	b.sync(t, folder)
	if h := latestHeader(t, folder, b); h.Key == trap.ID {
		t.Fatal("B wrote with a key nobody of the team vouched for")
	}
	if rep := a.sync(t, folder); rep.Received == 0 {
		t.Error("A cannot read B's batch")
	}
}
