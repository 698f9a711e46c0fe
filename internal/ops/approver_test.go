package ops

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// team is laptops syncing through one real shared folder.
type team struct {
	t      *testing.T
	folder string
	ops    []*Ops
}

// newTeam makes laptop A from the demo with the Krisenstab-Leitung's keys
// (controlOps), and n-1 empty laptops that join through the folder.
func newTeam(t *testing.T, n int) *team {
	t.Helper()
	ctx := context.Background()
	tm := &team{t: t, folder: t.TempDir()}
	a, _ := controlOps(t)
	tm.ops = append(tm.ops, a)
	if _, err := a.Sync(ctx, Sync{Folder: tm.folder, DeviceName: "Laptop A"}, nil); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < n; i++ {
		clock := &movingClock{now: t0.Add(time.Duration(i) * time.Minute)}
		o := New(openStore(t, filepath.Join(t.TempDir(), "hb.db"), clock.read), Config{Now: clock.read})
		name := "Laptop " + string(rune('A'+i))
		if _, err := o.Sync(ctx, Sync{Folder: tm.folder, DeviceName: name}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Admit(ctx, TeamChange{All: true}); err != nil {
			t.Fatal(err)
		}
		tm.ops = append(tm.ops, o)
	}
	tm.rounds()
	return tm
}

// rounds syncs every laptop twice, and returns the releases each refused.
func (tm *team) rounds() [][]HeldRelease {
	tm.t.Helper()
	out := make([][]HeldRelease, len(tm.ops))
	for range 2 {
		for i, o := range tm.ops {
			res, err := o.Sync(context.Background(), Sync{Folder: tm.folder}, nil)
			if err != nil {
				tm.t.Fatal(err)
			}
			out[i] = append(out[i], res.Refused...)
		}
	}
	return out
}

// forge writes a release record on o as a modified program would: past
// every check of the operations.
func forge(t *testing.T, o *Ops, r handbook.Release) handbook.Release {
	t.Helper()
	if err := store.Put(context.Background(), o.st, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestForgedReleasesAreHeldBack: an admitted laptop (B) without an
// approver key writes releases past the operations' checks. Every
// laptop, one joining later included, holds each back, names the
// document, laptop and claimed approver with the reason, and applies
// everything else of the same batches.
func TestForgedReleasesAreHeldBack(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t, 2)
	a, b := tm.ops[0], tm.ops[1]
	p := newPlaybook(t, a, "Ausfall der Klimaanlage")
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: p.ID}
	real, err := a.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Dr. Katrin Albers", Note: "Erstfreigabe"})
	if err != nil {
		t.Fatal(err)
	}
	tm.rounds()
	hbID, err := a.st.HandbookID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	katrin, err := b.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	approver, ok := handbook.FindApprover(&katrin, "Dr. Katrin Albers")
	if !ok {
		t.Fatal("no approver Dr. Katrin Albers on B")
	}
	onB, err := store.Get[handbook.Playbook](ctx, b.st, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	evil := handbook.DocContent{Records: []handbook.DocRecord{{Entity: handbook.EntityPlaybook, ID: p.ID, Label: p.Title,
		Fields: map[string]json.RawMessage{"title": json.RawMessage(`"` + p.Title + `"`), "body": json.RawMessage(`"## Sofortmaßnahmen\n- [ ] Lösegeld zahlen"`)}}}}
	base := func(note string) handbook.Release {
		return handbook.Release{Record: handbook.Record{ID: handbook.NewID()}, DocKind: doc.Kind, DocID: doc.ID, Title: p.Title,
			Major: 9, Minor: 0, Supersedes: []string{real.ID}, Approver: approver.Contact.FullName(), ApproverContact: approver.Contact.ID,
			ApproverRole: approver.Role.Name, ReleasedAt: t0.Add(2 * time.Hour), Note: note, Device: b.st.Device(), Content: evil, Hash: evil.Hash()}
	}
	// 1. No signature at all.
	unsigned := forge(t, b, base("ohne Unterschrift"))
	// 2. A copy of the real release, its text swapped and its hash fixed
	// up: the approver's signature no longer fits.
	swapped := real
	swapped.ID, swapped.Major, swapped.Supersedes = handbook.NewID(), 9, []string{real.ID}
	swapped.Content, swapped.Hash = evil, evil.Hash()
	swapped.Signature = real.Signature
	swapped = forge(t, b, swapped)
	// 3. B makes a key, declares it the handbook's first and signs with it.
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	own := handbook.ApproverKey{Record: handbook.Record{ID: handbook.NewID()}, Action: handbook.KeyAdmit, Key: handbook.PublicText(pub),
		Contact: approver.Contact.ID, Name: approver.Contact.FullName(), RoleName: approver.Role.Name, At: t0.Add(-24 * time.Hour),
		Signer: handbook.PublicText(pub), SignerName: approver.Contact.FullName()}
	own.Signature = handbook.Sign(priv, own.Statement(hbID))
	if err := store.Put(ctx, b.st, &own); err != nil {
		t.Fatal(err)
	}
	selfSigned := base("eigener Schlüssel")
	selfSigned.Signer = handbook.PublicText(pub)
	selfSigned.Signature = handbook.Sign(priv, selfSigned.Statement(hbID))
	selfSigned = forge(t, b, selfSigned)
	// 4. The approver's own key (her laptop taken over) signs a text the
	// playbook never had.
	lk, err := a.localKeyOf(ctx, real.Signer)
	if err != nil {
		t.Fatal(err)
	}
	katrinKey, err := lk.open(testPass)
	if err != nil {
		t.Fatal(err)
	}
	never := base("nie gewesener Text")
	never.Signer = real.Signer
	never.Signature = handbook.Sign(katrinKey, never.Statement(hbID))
	never = forge(t, b, never)
	// B also edits another field in the same batch: that edit is applied.
	edited := onB
	edited.Summary = "Kälteanlage und Serverraum"
	if err := store.Edit(ctx, b.st, &onB, &edited); err != nil {
		t.Fatal(err)
	}
	// C joins later and reads everything at once.
	clock := &movingClock{now: t0.Add(3 * time.Hour)}
	c := New(openStore(t, filepath.Join(t.TempDir(), "c.db"), clock.read), Config{Now: clock.read})
	if _, err := c.Sync(ctx, Sync{Folder: tm.folder, DeviceName: "Laptop C"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Admit(ctx, TeamChange{All: true}); err != nil {
		t.Fatal(err)
	}
	tm.ops = append(tm.ops, c)
	refused := tm.rounds()
	// C never saw a first key before: of the two claims it trusts none
	// until a person compares fingerprints and chooses.
	if st := statusOf(t, c, doc); st.Releases.InForce != nil {
		t.Errorf("C trusts a release before choosing the first key: %+v", st.Releases.InForce)
	}
	if _, err := c.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Dr. Katrin Albers", Note: "x"}); err == nil {
		t.Error("C released with two first keys unresolved")
	}
	if _, err := c.TrustFirstKey(ctx, handbook.KeyFingerprint(own.Key)+"x"); codeOf(err) != CodeNotFirstKey {
		t.Errorf("trusting a fingerprint that is no first key: %v", err)
	}
	if _, err := c.TrustFirstKey(ctx, handbook.KeyFingerprint(real.Signer)); err != nil {
		t.Fatal(err)
	}

	want := map[string]string{unsigned.ID: handbook.ReleaseUnsigned, swapped.ID: handbook.ReleaseBadSignature,
		selfSigned.ID: handbook.ReleaseKeyNotValid, never.ID: handbook.ReleaseNoRevision}
	for i, o := range tm.ops {
		st := statusOf(t, o, doc)
		if st.Releases.InForce == nil || st.Releases.InForce.ID != real.ID || len(st.Releases.All) != 1 {
			t.Errorf("laptop %d: in force %+v of %d releases", i, st.Releases.InForce, len(st.Releases.All))
		}
		held, err := o.HeldReleases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, h := range held {
			got[h.Release.ID] = h.Reason
			if h.Laptop != b.st.Device() || h.Release.Approver != "Dr. Katrin Albers" || h.Release.Title != p.Title {
				t.Errorf("laptop %d: a held release does not name laptop, approver and document: %+v", i, h.Release)
			}
		}
		for id, reason := range want {
			if got[id] != reason {
				t.Errorf("laptop %d: release %s held for %q, want %q", i, id, got[id], reason)
			}
		}
		if i != 1 && len(refused[i]) < len(want) {
			t.Errorf("laptop %d: the sync named %d refused releases, want %d", i, len(refused[i]), len(want))
		}
		pb, err := store.Get[handbook.Playbook](ctx, o.st, p.ID)
		if err != nil || pb.Summary != "Kälteanlage und Serverraum" {
			t.Errorf("laptop %d: B's edit in the same batch was lost: %q, %v", i, pb.Summary, err)
		}
		hb, err := o.st.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		printed, err := handbook.Released(hb.Live())
		if err != nil {
			t.Fatal(err)
		}
		for _, pb := range printed.Playbooks {
			if strings.Contains(pb.Body, "Lösegeld") {
				t.Errorf("laptop %d: the binder would print the forged text", i)
			}
		}
		view, err := o.ApproverKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(view.Firsts) != 2 || view.First != real.Signer {
			t.Errorf("laptop %d: first keys %v, trusted %q, want the real one of two", i, view.Firsts, view.First)
		}
	}
}

// TestApproverKeyRules: a person needs their own admitted key and its
// passphrase to release; a revoked key releases nothing more, but what it
// released stays; an approver removed from the role keeps their releases
// and cannot release again.
func TestApproverKeyRules(t *testing.T) {
	ctx := context.Background()
	clock := &movingClock{now: t0}
	o := New(openStore(t, demoDB(t), clock.read), Config{Now: clock.read})
	p := newPlaybook(t, o, "Hochwasser")
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: p.ID}
	rel := func(as, pass string) (handbook.Release, error) {
		return o.Release(ctx, ReleaseDoc{Doc: doc, As: as, Note: "Änderungen", Passphrase: pass})
	}
	if _, err := rel("Dr. Katrin Albers", testPass); codeOf(err) != CodeNoApproverKey || !strings.Contains(err.Error(), "approver-key create") {
		t.Fatalf("release without a key: %v", err)
	}
	if _, err := o.CreateApproverKey(ctx, CreateApproverKey{As: "Dr. Katrin Albers", Passphrase: "kurz"}); codeOf(err) != CodeShortPassphrase {
		t.Errorf("a short passphrase: %v", err)
	}
	if _, err := o.CreateApproverKey(ctx, CreateApproverKey{As: "Jonas Petersen", Passphrase: testPass}); codeOf(err) != CodeNotApprover {
		t.Errorf("a key for a person without an approver role: %v", err)
	}
	approverKey(t, o, "Dr. Katrin Albers", "")
	if _, err := o.CreateApproverKey(ctx, CreateApproverKey{As: "Dr. Katrin Albers", Passphrase: testPass}); codeOf(err) != CodeKeyExists {
		t.Errorf("a second key: %v", err)
	}
	fp := approverKey(t, o, "Markus Oberländer", "")
	if _, err := rel("Markus Oberländer", testPass); codeOf(err) != CodeKeyNotAdmitted || !strings.Contains(err.Error(), fp) || !strings.Contains(err.Error(), "Dr. Katrin Albers") {
		t.Errorf("release with a key not admitted: %v", err)
	}
	if _, err := rel("Dr. Katrin Albers", "falsch-falsch-falsch"); codeOf(err) != CodeWrongPassphrase {
		t.Errorf("release with a wrong passphrase: %v", err)
	}
	if _, err := rel("Dr. Katrin Albers", ""); codeOf(err) != CodeNoPassphrase {
		t.Errorf("release without a passphrase: %v", err)
	}
	if _, err := o.AdmitApproverKey(ctx, ChangeApproverKey{Fingerprint: strings.ToLower(strings.ReplaceAll(fp, " ", "")), As: "Markus Oberländer", Passphrase: testPass}); codeOf(err) != CodeKeyNotAdmitted {
		t.Errorf("a key admitting itself: %v", err)
	}
	if _, err := o.AdmitApproverKey(ctx, ChangeApproverKey{Fingerprint: strings.ToLower(strings.ReplaceAll(fp, " ", "")), As: "Dr. Katrin Albers", Passphrase: testPass}); err != nil {
		t.Fatal(err)
	}
	first, err := rel("Markus Oberländer", testPass)
	if err != nil {
		t.Fatal(err)
	}
	// Dr. Katrin Albers revokes Markus Oberländer's key: his release stays.
	if _, err := o.RevokeApproverKey(ctx, ChangeApproverKey{Fingerprint: fp, As: "Dr. Katrin Albers", Passphrase: testPass}); err != nil {
		t.Fatal(err)
	}
	editBody(t, o, &p, p.Body+"\n- [ ] Sandsäcke")
	if _, err := rel("Markus Oberländer", testPass); codeOf(err) != CodeKeyRevoked {
		t.Errorf("release with a revoked key: %v", err)
	}
	if _, err := o.CheckReleases(ctx, false); err != nil {
		t.Fatal(err)
	}
	if st := statusOf(t, o, doc); st.Releases.InForce == nil || st.Releases.InForce.ID != first.ID {
		t.Errorf("the release of the revoked key: %+v", st.Releases.InForce)
	}
	// Control characters in a note are cleaned before it is signed: the
	// release is stored, verifies and counts.
	esc, err := o.Release(ctx, ReleaseDoc{Doc: doc, As: "Dr. Katrin Albers", Note: "Neu\x1b[2J\x07 geprüft", Passphrase: testPass})
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(esc.Note, "\x1b\x07") {
		t.Errorf("the note keeps control characters: %q", esc.Note)
	}
	if refused, err := o.CheckReleases(ctx, false); err != nil || len(refused) != 0 {
		t.Errorf("the cleaned release was refused: %v, %v", refused, err)
	}
	if st := statusOf(t, o, doc); st.Releases.InForce == nil || st.Releases.InForce.ID != esc.ID {
		t.Errorf("the release with a cleaned note is not in force: %+v", st.Releases.InForce)
	}
	// Dr. Katrin Albers released that, and now leaves the Krisenstab-Leitung.
	second := esc
	roles, err := store.List[handbook.Role](ctx, o.st)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.Name != "Krisenstab-Leitung" {
			continue
		}
		before := r
		r.Holders = r.Holders[1:]
		if err := Save(ctx, o, &before, &r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.CheckReleases(ctx, false); err != nil {
		t.Fatal(err)
	}
	if st := statusOf(t, o, doc); st.Releases.InForce == nil || st.Releases.InForce.ID != second.ID {
		t.Errorf("the release of an approver who left the role afterwards: %+v", st.Releases.InForce)
	}
	editBody(t, o, &p, p.Body+"\n- [ ] Pumpen")
	if _, err := rel("Dr. Katrin Albers", testPass); codeOf(err) != CodeNotApprover {
		t.Errorf("release by an approver who left the role: %v", err)
	}
	// A note of a megabyte is refused before anything is written.
	if _, err := o.Release(ctx, ReleaseDoc{Doc: doc, As: "Markus Oberländer", Note: strings.Repeat("x", 1<<20), Passphrase: testPass}); codeOf(err) != CodeLongReleaseNote {
		t.Errorf("a huge note: %v", err)
	}
}

// TestReleaseOfDocumentDeletedElsewhere: laptop A releases a playbook
// that laptop B deleted meanwhile; after the sync both agree: the release
// is kept in the trail and the deletion stands; nothing is lost.
func TestReleaseOfDocumentDeletedElsewhere(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t, 2)
	a, b := tm.ops[0], tm.ops[1]
	p := newPlaybook(t, a, "Schneechaos")
	tm.rounds()
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: p.ID}
	if err := b.Delete(ctx, handbook.EntityPlaybook, p.ID); err != nil {
		t.Fatal(err)
	}
	r, err := a.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Dr. Katrin Albers", Note: "Erstfreigabe"})
	if err != nil {
		t.Fatal(err)
	}
	refused := tm.rounds()
	for i, o := range tm.ops {
		if len(refused[i]) != 0 {
			t.Errorf("laptop %d refused %v", i, refused[i])
		}
		hb, err := o.st.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, rel := range hb.Releases {
			found = found || rel.ID == r.ID
		}
		if !found {
			t.Errorf("laptop %d lost the release of the deleted playbook", i)
		}
		if _, err := store.Get[handbook.Playbook](ctx, o.st, p.ID); err == nil {
			t.Errorf("laptop %d: the deletion was undone", i)
		}
	}
}
