package ops

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// controlOps opens the demo handbook with a moving clock, the keys of
// the Krisenstab-Leitung (Dr. Katrin Albers, the first, and Markus
// Oberländer) on it.
func controlOps(t *testing.T) (*Ops, *movingClock) {
	t.Helper()
	clock := &movingClock{now: t0}
	st := openStore(t, demoDB(t), clock.read)
	o := New(st, Config{Now: clock.read})
	approverKey(t, o, "Dr. Katrin Albers", "")
	approverKey(t, o, "Markus Oberländer", "Dr. Katrin Albers")
	return o, clock
}

func newPlaybook(t *testing.T, o *Ops, title string) handbook.Playbook {
	t.Helper()
	p := handbook.Playbook{Title: title, Body: "## Sofortmaßnahmen\n- [ ] Netz trennen @IT-Lead (15 min)"}
	if err := Save(context.Background(), o, nil, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func editBody(t *testing.T, o *Ops, p *handbook.Playbook, body string) {
	t.Helper()
	before := *p
	p.Body = body
	if err := Save(context.Background(), o, &before, p); err != nil {
		t.Fatal(err)
	}
}

func statusOf(t *testing.T, o *Ops, d handbook.DocRef) DocState {
	t.Helper()
	ctx := context.Background()
	hb, err := o.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sts, err := o.DocStates(ctx, &hb)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.Doc == d {
			return s
		}
	}
	t.Fatalf("no status of %s", d)
	return DocState{}
}

func TestReleaseRules(t *testing.T) {
	ctx := context.Background()
	o, _ := controlOps(t)
	p := newPlaybook(t, o, "Stromausfall")
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: p.ID}

	st := statusOf(t, o, doc)
	if !st.Draft || st.Releases.InForce != nil || !st.DraftSince.Equal(p.CreatedAt) {
		t.Errorf("a new playbook: %+v", st)
	}
	// Jonas Petersen holds IT roles, no approver role.
	_, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Jonas Petersen", Note: "Änderungen"})
	if codeOf(err) != CodeNotApprover {
		t.Fatalf("release by Jonas Petersen: %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "Dr. Katrin Albers (Krisenstab-Leitung)") || !strings.Contains(msg, "Markus Oberländer (Krisenstab-Leitung)") {
		t.Errorf("the refusal does not say who may release: %s", msg)
	}
	if _, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "  ", Note: "Änderungen"}); codeOf(err) != CodeNoApproverName {
		t.Errorf("release by nobody: %v", err)
	}
	if _, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Dr. Katrin Albers", Note: " "}); codeOf(err) != CodeNoReleaseNote {
		t.Errorf("release without a note: %v", err)
	}
	if _, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: handbook.DocRef{Kind: handbook.EntityPlaybook, ID: "nope"}, As: "Dr. Katrin Albers", Note: "x"}); codeOf(err) != CodeUnknownDocument {
		t.Errorf("release of no document: %v", err)
	}

	// The name as the person gave it, in any case and spelling of umlauts.
	r1, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "dr. katrin  ALBERS", Major: true, Note: "Erstfreigabe"})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Version() != "1.0" || r1.Approver != "Dr. Katrin Albers" || r1.ApproverRole != "Krisenstab-Leitung" ||
		r1.Note != "Erstfreigabe" || r1.Title != "Stromausfall" || r1.Device != o.st.Device() {
		t.Errorf("first release: %+v", r1)
	}
	if st := statusOf(t, o, doc); st.Draft || !st.Released() || st.Releases.InForce.ID != r1.ID {
		t.Errorf("after the release: %+v", st)
	}
	if _, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Dr. Katrin Albers", Note: "Änderungen"}); codeOf(err) != CodeAlreadyReleased {
		t.Errorf("releasing it again unchanged: %v", err)
	}

	// An edit makes a draft; the binder still prints 1.0.
	editBody(t, o, &p, p.Body+"\n- [ ] Notstrom prüfen")
	st = statusOf(t, o, doc)
	if !st.Draft || st.Releases.InForce.Version() != "1.0" || st.DraftSince.Before(r1.ReleasedAt) {
		t.Errorf("after an edit: draft %v, in force %v, draft since %v (released %v)", st.Draft, st.Releases.InForce.Version(), st.DraftSince, r1.ReleasedAt)
	}
	hb, err := o.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	printed, err := handbook.Released(hb)
	if err != nil {
		t.Fatal(err)
	}
	for _, pb := range printed.Playbooks {
		if pb.ID == p.ID && strings.Contains(pb.Body, "Notstrom") {
			t.Error("the binder's view shows the draft, not the release")
		}
	}
	// A review changes nothing released.
	if _, err := o.RecordReview(ctx, RecordReview{Doc: doc, Reviewer: "Dr. Katrin Albers", Result: handbook.ReviewChanged}); err != nil {
		t.Fatal(err)
	}
	// A deputy of the Krisenstab-Leitung releases the next minor version.
	r2, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Markus Oberländer", Note: "Änderungen"})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Version() != "1.1" || len(r2.Supersedes) != 1 || r2.Supersedes[0] != r1.ID {
		t.Errorf("second release: %s superseding %v", r2.Version(), r2.Supersedes)
	}
	editBody(t, o, &p, p.Body+"\n- [ ] Kühlung prüfen")
	r3, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Markus Oberländer", Major: true, Note: "Neu"})
	if err != nil || r3.Version() != "2.0" {
		t.Fatalf("major release: %v, %v", r3.Version(), err)
	}

	// Approver roles are a handbook setting.
	settings, err := o.st.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	roles, err := store.List[handbook.Role](ctx, o.st)
	if err != nil {
		t.Fatal(err)
	}
	var lead, it string
	for _, r := range roles {
		switch r.Name {
		case "IT-Lead":
			it = r.ID
		case "Krisenstab-Leitung":
			lead = r.ID
		}
	}
	// The IT-Lead becomes an approver, gets a key, and then the only
	// approver role.
	settings.ApproverRoles = []string{lead, it}
	if err := o.SaveSettings(ctx, settings); err != nil {
		t.Fatal(err)
	}
	approverKey(t, o, "Jonas Petersen", "Dr. Katrin Albers")
	settings.ApproverRoles = []string{it}
	if err := o.SaveSettings(ctx, settings); err != nil {
		t.Fatal(err)
	}
	editBody(t, o, &p, p.Body+"\n- [ ] USV prüfen")
	if _, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Dr. Katrin Albers", Note: "Änderungen"}); codeOf(err) != CodeNotApprover {
		t.Errorf("release by the Krisenstab-Leitung when only IT-Lead releases: %v", err)
	}
	if r, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Jonas Petersen", Note: "Änderungen"}); err != nil || r.ApproverRole != "IT-Lead" {
		t.Errorf("release by the IT-Lead: %+v, %v", r, err)
	}
}

func TestReleaseWithoutApprovers(t *testing.T) {
	ctx := context.Background()
	clock := &movingClock{now: t0}
	o := New(openStore(t, filepath.Join(t.TempDir(), "hb.db"), clock.read), Config{Now: clock.read})
	lead := handbook.Role{Name: "Krisenstab-Leitung"}
	if err := Save(ctx, o, nil, &lead); err != nil {
		t.Fatal(err)
	}
	_, err := o.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: handbook.Matrix, As: "Dr. Katrin Albers", Note: "Änderungen"})
	if codeOf(err) != CodeNoApprovers || !strings.Contains(err.Error(), "Krisenstab-Leitung") {
		t.Errorf("release with no holder of an approver role: %v", err)
	}
}

func TestReleaseRefusesOpenConflicts(t *testing.T) {
	ctx := context.Background()
	a, _ := controlOps(t)
	clock := &movingClock{now: t0.Add(time.Hour)}
	b := New(openStore(t, demoDB(t), clock.read), Config{Now: clock.read})
	p := newPlaybook(t, a, "Brand im Rechenzentrum")
	ship(t, a, b)
	onB, err := store.Get[handbook.Playbook](ctx, b.st, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	editBody(t, a, &p, "Text von A")
	editBody(t, b, &onB, "Text von B")
	ship(t, a, b)
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: p.ID}
	if _, err := b.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Dr. Katrin Albers", Note: "Änderungen"}); codeOf(err) != CodeDocumentConflicts {
		t.Errorf("release with a conflict open: %v", err)
	}
}

// ship hands a's unsent changes to b as a batch, as a sync would.
func ship(t *testing.T, from, to *Ops) {
	t.Helper()
	ctx := context.Background()
	ch, err := from.st.Unsent(ctx)
	if err != nil || len(ch) == 0 {
		t.Fatalf("nothing to ship: %v", err)
	}
	applied, err := from.st.Applied(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seq := int64(len(applied[from.st.Device()]) + 1)
	if _, err := to.st.ApplyRemote(ctx, []store.Batch{{Device: from.st.Device(), Seq: seq, Changes: ch}}); err != nil {
		t.Fatal(err)
	}
	if err := from.st.MarkBatchSent(ctx, ch[len(ch)-1].Seq, seq, ""); err != nil {
		t.Fatal(err)
	}
}

func TestReviews(t *testing.T) {
	ctx := context.Background()
	o, clock := controlOps(t)
	p := newPlaybook(t, o, "Hochwasser")
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: p.ID}
	revs, err := o.st.Revisions(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		req  RecordReview
		code Code
	}{
		{RecordReview{Doc: doc, Result: handbook.ReviewUnchanged}, CodeNoReviewer},
		{RecordReview{Doc: doc, Reviewer: "Jonas Petersen", Result: "ok"}, CodeUnknownResult},
		{RecordReview{Doc: doc, Reviewer: "Jonas Petersen", Result: handbook.ReviewUnchanged, At: clock.now.Add(48 * time.Hour)}, CodeTimeInFuture},
		{RecordReview{Doc: handbook.DocRef{Kind: handbook.EntityContact, ID: p.ID}, Reviewer: "Jonas Petersen", Result: handbook.ReviewUnchanged}, CodeUnknownDocument},
		{RecordReview{Doc: handbook.DocRef{Kind: handbook.EntityPlaybook, ID: "nope"}, Reviewer: "Jonas Petersen", Result: handbook.ReviewUnchanged}, CodeUnknownDocument},
	} {
		if _, err := o.RecordReview(ctx, bad.req); codeOf(err) != bad.code {
			t.Errorf("%+v: %v, want %q", bad.req, err, bad.code)
		}
	}
	at := t0.Add(-24 * time.Hour)
	r, err := o.RecordReview(ctx, RecordReview{Doc: doc, Reviewer: "Dr. Katrin Albers", At: at, Result: handbook.ReviewChanged, Note: "Kontakte aktualisiert"})
	if err != nil {
		t.Fatal(err)
	}
	if r.ReviewerContact == "" || r.Title != "Hochwasser" || !r.ReviewedAt.Equal(at) {
		t.Errorf("review: %+v", r)
	}
	got, err := store.Get[handbook.Playbook](ctx, o.st, p.ID)
	if err != nil || !got.LastReviewedAt.Equal(at) {
		t.Fatalf("last reviewed %v, %v", got.LastReviewedAt, err)
	}
	// An older review joins the trail and leaves the date.
	if _, err := o.RecordReview(ctx, RecordReview{Doc: doc, Reviewer: "Jonas Petersen", At: at.Add(-30 * 24 * time.Hour), Result: handbook.ReviewUnchanged}); err != nil {
		t.Fatal(err)
	}
	st := statusOf(t, o, doc)
	if len(st.Reviews) != 2 || st.Reviews[0].ID != r.ID || !st.NextReview.Equal(at.AddDate(0, 0, handbook.DefaultReviewIntervalDays)) {
		t.Errorf("trail %+v, next %v", st.Reviews, st.NextReview)
	}
	if after, err := o.st.Revisions(ctx, doc); err != nil || len(after) != len(revs) {
		t.Errorf("reviews made revisions: %d before, %d after (%v)", len(revs), len(after), err)
	}

	// The matrix is reviewed as one document: the demo's was reviewed on
	// 8 October; a review now moves its next review on.
	before := statusOf(t, o, handbook.Matrix)
	if want := time.Date(2026, 10, 8, 9, 30, 0, 0, time.UTC).AddDate(0, 0, handbook.DefaultReviewIntervalDays); !before.NextReview.Equal(want) {
		t.Errorf("the demo matrix's next review: %v, want %v", before.NextReview, want)
	}
	mr, err := o.RecordReview(ctx, RecordReview{Doc: handbook.Matrix, Reviewer: "Dr. Katrin Albers", Result: handbook.ReviewUnchanged})
	if err != nil {
		t.Fatal(err)
	}
	after := statusOf(t, o, handbook.Matrix)
	if !after.NextReview.Equal(mr.ReviewedAt.AddDate(0, 0, handbook.DefaultReviewIntervalDays)) || len(after.Reviews) != len(before.Reviews)+1 {
		t.Errorf("after the review: next %v, %d reviews", after.NextReview, len(after.Reviews))
	}
	hb, err := o.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hb.Reviews = nil
	if !overdue(hb, handbook.EntityMatrix) {
		t.Error("a matrix never reviewed is not overdue")
	}
}

func overdue(hb handbook.Handbook, e handbook.Entity) bool {
	for _, r := range handbook.OverdueReviews(hb.Live(), t0.Add(time.Hour)) {
		if r.Entity == e {
			return true
		}
	}
	return false
}

// TestConcurrentReleases: two laptops release the same document before
// they sync. Both releases are kept; every laptop decides alike which is
// in force, and shows the other, until a new release supersedes both.
func TestConcurrentReleases(t *testing.T) {
	ctx := context.Background()
	folder := t.TempDir()
	a, _ := controlOps(t)
	clock := &movingClock{now: t0.Add(10 * time.Minute)}
	b := New(openStore(t, filepath.Join(t.TempDir(), "b.db"), clock.read), Config{Now: clock.read})
	if _, err := a.Sync(ctx, Sync{Folder: folder, DeviceName: "Laptop A"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sync(ctx, Sync{Folder: folder, DeviceName: "Laptop B"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Admit(ctx, TeamChange{All: true}); err != nil {
		t.Fatal(err)
	}
	round := func(o *Ops) {
		t.Helper()
		if _, err := o.Sync(ctx, Sync{Folder: folder}, nil); err != nil {
			t.Fatal(err)
		}
	}
	p := newPlaybook(t, a, "Pandemie")
	round(a)
	round(b)
	// Sabine Köhler (Geschäftsführung) makes her key on laptop B; Dr.
	// Katrin Albers admits it on laptop A.
	fp := approverKey(t, b, "Sabine Köhler", "")
	round(b)
	round(a)
	if _, err := a.AdmitApproverKey(ctx, ChangeApproverKey{Fingerprint: fp, As: "Dr. Katrin Albers", Passphrase: testPass}); err != nil {
		t.Fatal(err)
	}
	round(a)
	round(b)
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: p.ID}
	ra, err := a.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Dr. Katrin Albers", Note: "A"})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Sabine Köhler", Note: "B"})
	if err != nil {
		t.Fatal(err)
	}
	if ra.Version() != "1.0" || rb.Version() != "1.0" {
		t.Fatalf("versions %s and %s", ra.Version(), rb.Version())
	}
	round(a)
	round(b)
	round(a)
	want := rb.ID // the later of two equal versions
	for _, o := range []*Ops{a, b} {
		st := statusOf(t, o, doc)
		if st.Releases.InForce == nil || st.Releases.InForce.ID != want || len(st.Releases.Concurrent) != 1 || len(st.Releases.All) != 2 {
			t.Fatalf("laptop %s: in force %+v, concurrent %d", o.st.Device(), st.Releases.InForce, len(st.Releases.Concurrent))
		}
		if st.Draft {
			t.Errorf("laptop %s: the playbook reads as a draft", o.st.Device())
		}
	}
	// A new release settles it: 1.1, superseding both.
	if _, err := a.Release(ctx, ReleaseDoc{Passphrase: testPass, Doc: doc, As: "Dr. Katrin Albers", Note: "Änderungen"}); codeOf(err) == CodeAlreadyReleased {
		t.Fatal("the release that settles two at once was refused as unchanged")
	}
	round(a)
	round(b)
	for _, o := range []*Ops{a, b} {
		st := statusOf(t, o, doc)
		if st.Releases.InForce.Version() != "1.1" || len(st.Releases.Concurrent) != 0 || len(st.Releases.InForce.Supersedes) != 2 {
			t.Errorf("laptop %s after the new release: %+v", o.st.Device(), st.Releases)
		}
	}
}

// TestLoadDemoHistory: loading the demo writes the ransomware playbook's
// history, so it shows three revisions by their authors; the release in
// force says what the second said.
func TestLoadDemoHistory(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return t0 }
	o := New(openStore(t, filepath.Join(t.TempDir(), "hb.db"), now), Config{Now: now})
	if err := o.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: "01a0f6b1-26b6-7ccc-ac1f-78cefcf63f58"}
	revs, err := o.st.Revisions(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 3 || revs[0].Author != "Jonas Petersen" || revs[1].Author != "Dr. Katrin Albers" || !revs[0].Created {
		t.Fatalf("demo revisions: %+v", revs)
	}
	st := statusOf(t, o, doc)
	if !st.Draft || st.Releases.InForce.Version() != "1.1" || st.Releases.InForce.Hash != revs[1].Hash || st.Releases.All[0].Hash != revs[0].Hash {
		t.Errorf("demo release state: draft %v, in force %+v", st.Draft, st.Releases.InForce)
	}
	if !st.DraftSince.Equal(revs[2].At) {
		t.Errorf("draft since %v, want the third revision's time %v", st.DraftSince, revs[2].At)
	}
	// Other documents were made with the demo: one revision each.
	other, err := o.st.Revisions(ctx, handbook.Matrix)
	if err != nil || len(other) != 1 {
		t.Errorf("matrix revisions: %d, %v", len(other), err)
	}
}
