package ops

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// revokedScene: on laptop A, Markus Oberländer releases a playbook, then
// Dr. Katrin Albers revokes his key. Laptop B (admitted to the folder)
// holds a copy of his key and its passphrase, and a real edit of the
// playbook for the forged releases to carry.
type revokedScene struct {
	tm      *team
	doc     handbook.DocRef
	first   handbook.Release
	markus  ed25519.PrivateKey
	revoked handbook.ApproverKey
	hbID    string
}

func newRevokedScene(t *testing.T) *revokedScene {
	t.Helper()
	ctx := context.Background()
	tm := newTeam(t, 2)
	a, b := tm.ops[0], tm.ops[1]
	p := newPlaybook(t, a, "Ausfall der Leitstelle")
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: p.ID}
	first, err := a.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Markus Oberländer", Note: "Erstfreigabe"})
	if err != nil {
		t.Fatal(err)
	}
	lk, err := a.localKeyOf(ctx, first.Signer)
	if err != nil {
		t.Fatal(err)
	}
	markus, err := lk.open(testPass)
	if err != nil {
		t.Fatal(err)
	}
	tm.rounds()
	if _, err := a.RevokeApproverKey(ctx, ChangeApproverKey{Fingerprint: handbook.KeyFingerprint(first.Signer), As: "Dr. Katrin Albers", Passphrase: testPass}); err != nil {
		t.Fatal(err)
	}
	tm.rounds()
	recs, err := b.st.LoadEntity(ctx, handbook.EntityApproverKey)
	if err != nil {
		t.Fatal(err)
	}
	sc := &revokedScene{tm: tm, doc: doc, first: first, markus: markus}
	for _, r := range recs.ApproverKeys {
		if r.Action == handbook.KeyRevoke {
			sc.revoked = r
		}
	}
	if !slices.Contains(sc.revoked.Vouches, handbook.VouchFor(first)) {
		t.Errorf("the revocation does not keep the release the key made before: %+v", sc.revoked.Vouches)
	}
	if sc.hbID, err = b.st.HandbookID(ctx); err != nil {
		t.Fatal(err)
	}
	onB, err := store.Get[handbook.Playbook](ctx, b.st, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	editBody(t, b, &onB, "## Sofortmaßnahmen\n- [ ] Lösegeld zahlen")
	return sc
}

// forgeSigned writes, on B past the operations, a release of B's text
// signed with priv, dated at.
func (sc *revokedScene) forgeSigned(t *testing.T, priv ed25519.PrivateKey, major int, at time.Time) handbook.Release {
	t.Helper()
	b := sc.tm.ops[1]
	text, err := b.st.Document(context.Background(), sc.doc)
	if err != nil {
		t.Fatal(err)
	}
	r := sc.first
	r.Record = handbook.Record{ID: handbook.NewID()}
	r.Major, r.Minor, r.Supersedes, r.ReleasedAt, r.Note = major, 0, []string{sc.first.ID}, at, "Neu"
	r.Content, r.Hash, r.Device = text, text.Hash(), b.st.Device()
	r.Signer = handbook.PublicText(priv.Public().(ed25519.PublicKey))
	r.Signature = handbook.Sign(priv, r.Statement(sc.hbID))
	return forge(t, b, r)
}

// check joins a laptop C that reads everything at once, syncs, and
// checks on every laptop that Markus Oberländer's key stays revoked, his
// first release stays in force and each forged one is held for reason.
func (sc *revokedScene) check(t *testing.T, want map[string]string) {
	t.Helper()
	ctx := context.Background()
	tm := sc.tm
	clock := &movingClock{now: t0.Add(3 * time.Hour)}
	c := New(openStore(t, filepath.Join(t.TempDir(), "c.db"), clock.read), Config{Now: clock.read})
	if _, err := c.Sync(ctx, Sync{Folder: tm.folder, DeviceName: "Laptop C"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.ops[0].Admit(ctx, TeamChange{All: true}); err != nil {
		t.Fatal(err)
	}
	tm.ops = append(tm.ops, c)
	tm.rounds()
	for i, o := range tm.ops {
		st := statusOf(t, o, sc.doc)
		if st.Releases.InForce == nil || st.Releases.InForce.ID != sc.first.ID {
			t.Errorf("laptop %d: in force %+v, want the release made before the revocation", i, st.Releases.InForce)
		}
		held, err := o.HeldReleases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, h := range held {
			got[h.Release.ID] = h.Reason
		}
		for id, reason := range want {
			if got[id] != reason {
				t.Errorf("laptop %d: release %s held for %q, want %q", i, id, got[id], reason)
			}
		}
		view, err := o.ApproverKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range view.Keys {
			if k.Key == sc.first.Signer && k.Revoked.IsZero() {
				t.Errorf("laptop %d: Markus Oberländer's key is no longer revoked", i)
			}
		}
	}
}

// TestGarbledRevocationStands: laptop B overwrites the revocation record
// so that it no longer verifies, then releases with the revoked key. The
// revocation as signed stays in force on every laptop, one joining later
// included.
func TestGarbledRevocationStands(t *testing.T) {
	ctx := context.Background()
	sc := newRevokedScene(t)
	b := sc.tm.ops[1]
	garbled := sc.revoked
	garbled.Signature = handbook.Sign(sc.markus, []byte("nichts"))
	if err := store.Put(ctx, b.st, &garbled); err != nil {
		t.Fatal(err)
	}
	gone := garbled
	gone.Deleted = true
	if err := store.Put(ctx, b.st, &gone); err != nil {
		t.Fatal(err)
	}
	late := sc.forgeSigned(t, sc.markus, 2, t0.Add(2*time.Hour))
	sc.check(t, map[string]string{late.ID: handbook.ReleaseKeyNotValid})
}

// TestRevokedKeyCannotBackdate: the holder of a revoked key signs, after
// the revocation, a release dated before it, and admits a key of their
// own dated before it, which signs another release. Neither counts: the
// revocation lists what the key signed that stays in force.
func TestRevokedKeyCannotBackdate(t *testing.T) {
	ctx := context.Background()
	sc := newRevokedScene(t)
	b := sc.tm.ops[1]
	backdated := sc.forgeSigned(t, sc.markus, 2, sc.first.ReleasedAt)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	admit := handbook.ApproverKey{Record: handbook.Record{ID: handbook.NewID()}, Action: handbook.KeyAdmit, Key: handbook.PublicText(pub),
		Contact: sc.first.ApproverContact, Name: sc.first.Approver, RoleName: sc.first.ApproverRole, At: sc.first.ReleasedAt,
		Signer: sc.first.Signer, SignerName: sc.first.Approver}
	admit.Signature = handbook.Sign(sc.markus, admit.Statement(sc.hbID))
	if err := store.Put(ctx, b.st, &admit); err != nil {
		t.Fatal(err)
	}
	viaNew := sc.forgeSigned(t, priv, 3, t0.Add(2*time.Hour))
	sc.check(t, map[string]string{backdated.ID: handbook.ReleaseNotKept, viaNew.ID: handbook.ReleaseKeyNotValid})
	for i, o := range sc.tm.ops {
		view, err := o.ApproverKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range view.Problems {
			found = found || p.Record.ID == admit.ID && p.Reason == handbook.KeyNotKept
		}
		if !found {
			t.Errorf("laptop %d: the backdated admission is not named as a problem: %+v", i, view.Problems)
		}
	}
}
