package ops

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestReleaseFromRemovedLaptop: a laptop removed from the team keeps the
// approver's name and releases a document; its release arrives in the
// shared folder and is never applied. A release it made while it was a
// member stays.
func TestReleaseFromRemovedLaptop(t *testing.T) {
	ctx := context.Background()
	folder := t.TempDir()
	a, _ := controlOps(t)
	clock := &movingClock{now: t0.Add(10 * time.Minute)}
	b := New(openStore(t, filepath.Join(t.TempDir(), "b.db"), clock.read), Config{Now: clock.read})
	round := func(o *Ops) {
		t.Helper()
		if _, err := o.Sync(ctx, Sync{Folder: folder}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Sync(ctx, Sync{Folder: folder, DeviceName: "Laptop A"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sync(ctx, Sync{Folder: folder, DeviceName: "Laptop B"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Admit(ctx, TeamChange{All: true}); err != nil {
		t.Fatal(err)
	}
	round(b)
	round(a)
	p := newPlaybook(t, a, "Ausfall der Telefonanlage")
	round(a)
	round(b)
	// Markus Oberländer's laptop is B: his key there is admitted on A.
	fp := approverKey(t, b, "Markus Oberländer", "")
	round(b)
	round(a)
	if _, err := a.AdmitApproverKey(ctx, ChangeApproverKey{Fingerprint: fp, As: "Dr. Katrin Albers", Passphrase: testPass}); err != nil {
		t.Fatal(err)
	}
	round(a)
	round(b)
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: p.ID}
	// While a member, B releases 1.0: A takes it.
	first, err := b.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Markus Oberländer", Note: "Erstfreigabe"})
	if err != nil {
		t.Fatal(err)
	}
	round(b)
	round(a)
	if st := statusOf(t, a, doc); st.Releases.InForce == nil || st.Releases.InForce.ID != first.ID {
		held, _ := a.HeldReleases(ctx)
		t.Fatalf("A did not take B's release made as a member: %+v %+v", st.Releases.InForce, held)
	}
	// B is lost (stolen, or its holder left) and releases 2.0 of its own
	// text; its batch reaches the folder, but A removes B before applying
	// it. Nothing B signed after the last batch A applied is applied.
	onB, err := store.Get[handbook.Playbook](ctx, b.st, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	editBody(t, b, &onB, "## Sofortmaßnahmen\n- [ ] Lösegeld zahlen")
	forged, err := b.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Markus Oberländer", Major: true, Note: "Neu"})
	if err != nil {
		t.Fatal(err)
	}
	round(b)
	if _, err := a.RemoveDevice(ctx, TeamChange{Who: "Laptop B"}); err != nil {
		t.Fatal(err)
	}
	round(a)
	st := statusOf(t, a, doc)
	if st.Releases.InForce == nil || st.Releases.InForce.ID != first.ID || len(st.Releases.All) != 1 {
		t.Fatalf("A after the removed laptop's release: in force %+v, %d releases", st.Releases.InForce, len(st.Releases.All))
	}
	if st.Draft {
		t.Error("the removed laptop's edit made A's copy a draft")
	}
	hb, err := a.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range hb.Releases {
		if r.ID == forged.ID {
			t.Error("the removed laptop's release is in A's handbook")
		}
	}
	printed, err := handbook.Released(hb)
	if err != nil {
		t.Fatal(err)
	}
	for _, pb := range printed.Playbooks {
		if strings.Contains(pb.Body, "Lösegeld") {
			t.Error("the binder would print the removed laptop's text")
		}
	}
}

// TestDeleteReleasedDocumentWithCopiesOut: deleting a released playbook
// while printed copies hold it withdraws it from the binder at once and
// makes those copies outdated, naming the playbook; undoing the delete
// makes them current again.
func TestDeleteReleasedDocumentWithCopiesOut(t *testing.T) {
	ctx := context.Background()
	o, _ := controlOps(t)
	hb, err := o.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ddos handbook.Playbook
	for _, p := range hb.Playbooks {
		if strings.HasPrefix(p.Title, "DDoS") {
			ddos = p
		}
	}
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: ddos.ID}
	if st := statusOf(t, o, doc); !st.Released() {
		t.Fatalf("the demo's DDoS playbook is not released: %+v", st.Releases)
	}
	copies := func() []handbook.CopyStatus {
		t.Helper()
		hb, err := o.st.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		live := hb.Live()
		return handbook.CopyStatuses(&live, handbook.InForce(&live))
	}
	inForce := 0
	for _, s := range copies() {
		if current(s) {
			inForce++
		}
	}
	if inForce != 3 {
		t.Fatalf("%d current copies in the demo, want 3", inForce)
	}
	if err := o.Delete(ctx, handbook.EntityPlaybook, ddos.ID); err != nil {
		t.Fatal(err)
	}
	// The deletion is not released: the binder keeps printing the
	// release, marked, and the copies stay current.
	st := statusOf(t, o, doc)
	if !st.Withdrawn || AttentionOf(st, t0) != AttentionWithdrawal || st.Title != ddos.Title {
		t.Errorf("the deleted playbook's state: %+v", st)
	}
	inForce = 0
	for _, s := range copies() {
		if current(s) {
			inForce++
		}
	}
	if inForce != 3 {
		t.Errorf("%d current copies after a deletion not released, want 3", inForce)
	}
	path := filepath.Join(t.TempDir(), "binder.pdf")
	if _, err := o.PrintBinder(ctx, PrintBinder{Path: path, Options: binder.Options{Lang: "de"}}, nil); err != nil {
		t.Fatal(err)
	}
	if text := squeezed(pdfText(t, path)); !strings.Contains(text, ddos.Title) || !strings.Contains(text, "gelöscht, Rücknahme noch nicht freigegeben") {
		t.Error("the binder does not print the deleted playbook marked as waiting for its withdrawal")
	}
	// The Krisenstab-Leitung releases the withdrawal (found by its title).
	found, err := o.FindDocument(ctx, "playbook", "ddos")
	if err != nil || found != doc {
		t.Fatalf("the deleted playbook by its title: %v, %v", found, err)
	}
	w, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Dr. Katrin Albers", Major: true, Note: "DDoS-Schutz beim Provider, Playbook entfällt"})
	if err != nil || !w.Withdrawal || w.Version() != "2.0" {
		t.Fatalf("withdrawal: %+v, %v", w, err)
	}
	if _, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Dr. Katrin Albers", Note: "nochmal"}); codeOf(err) != CodeAlreadyReleased {
		t.Errorf("a second withdrawal: %v", err)
	}
	for _, s := range copies() {
		if !s.Outdated || !slices.Contains(s.Changed, doc.String()) {
			t.Errorf("copy %d after the withdrawal: outdated %v, changed %v", s.Copy.Number, s.Outdated, s.Changed)
		}
	}
	if _, err := o.PrintBinder(ctx, PrintBinder{Path: path, Options: binder.Options{Lang: "de"}}, nil); err != nil {
		t.Fatal(err)
	}
	if text := squeezed(pdfText(t, path)); strings.Contains(text, "Sofortmaßnahmen DDoS") || strings.Contains(text, "Rücknahme noch nicht freigegeben") {
		t.Error("the binder still prints the withdrawn playbook")
	}
	// Its releases, the withdrawal included, stay in the audit record.
	audit := filepath.Join(t.TempDir(), "audit.csv")
	if _, err := o.ExportAudit(ctx, ExportAudit{Path: audit, Options: binder.Options{Lang: "de"}}); err != nil {
		t.Fatal(err)
	}
	if text := readFile(t, audit); !strings.Contains(text, ddos.Title) || !strings.Contains(text, "Playbook entfällt") {
		t.Error("the audit record lost the deleted playbook's releases")
	}
	// Brought back after its withdrawal, it is a draft to release anew.
	if err := o.Undelete(ctx, handbook.EntityPlaybook, ddos.ID); err != nil {
		t.Fatal(err)
	}
	if st := statusOf(t, o, doc); st.Withdrawn || !st.Draft || AttentionOf(st, t0) == AttentionNone {
		t.Errorf("the playbook brought back after its withdrawal: %+v", st)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNeverReleasedPrintsAsDraft: a playbook that was never released is
// printed in the binder of released versions, but marked as a draft under
// its title and never with a release line.
func TestNeverReleasedPrintsAsDraft(t *testing.T) {
	ctx := context.Background()
	o, _ := controlOps(t)
	p := newPlaybook(t, o, "Brand im Lager")
	path := filepath.Join(t.TempDir(), "binder.pdf")
	if _, err := o.PrintBinder(ctx, PrintBinder{Path: path, Options: binder.Options{Lang: "de"}}, nil); err != nil {
		t.Fatal(err)
	}
	page := squeezed(pageWith(pdfPages(t, path), "Playbooks – "+p.Title))
	if !strings.Contains(page, p.Title+" ENTWURF · nicht freigegeben") {
		t.Errorf("the never released playbook is not marked as a draft:\n%s", page)
	}
	_, after, _ := strings.Cut(page, p.Title+" ENTWURF")
	if head, _, _ := strings.Cut(after, "Sofortmaßnahmen"); strings.Contains(head, "freigegeben von") {
		t.Errorf("the never released playbook carries a release line: %s", head)
	}
}
