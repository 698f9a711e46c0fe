package store

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

// outboxEdits returns, per field of a record, the save its last change
// names.
func outboxEdits(t *testing.T, s *Store, id string) map[string]int64 {
	t.Helper()
	rows, err := s.r.Query(`SELECT field, edit FROM outbox WHERE id = ? ORDER BY seq`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var f string
		var e int64
		if err := rows.Scan(&f, &e); err != nil {
			t.Fatal(err)
		}
		out[f] = e
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEveryChangeNamesItsSave(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: t0}
	s := openAt(t, filepath.Join(t.TempDir(), "a.db"), clock)
	s.SetAuthor("  Dr. Katrin\tAlbers ")
	pb := handbook.Playbook{Title: "Ransomware", Summary: "Verschlüsselung", Body: "## Sofortmaßnahmen\n- [ ] Isolieren"}
	if err := Put(ctx, s, &pb); err != nil {
		t.Fatal(err)
	}
	first := outboxEdits(t, s, pb.ID)
	if len(first) < 4 {
		t.Fatalf("fields written: %v", first)
	}
	var edit int64
	for f, e := range first {
		if e == 0 || edit != 0 && e != edit {
			t.Fatalf("field %s names save %d, others %d: %v", f, e, edit, first)
		}
		edit = e
	}
	// One transaction, two records: one save.
	ct := handbook.Contact{Name: "Jonas Petersen", Email: "j.petersen@example.com"}
	err := s.Update(ctx, func(tx *Tx) error {
		before := pb
		pb.Body += "\n- [ ] Backups prüfen"
		if err := Edit(ctx, tx, &before, &pb); err != nil {
			return err
		}
		return Put(ctx, tx, &ct)
	})
	if err != nil {
		t.Fatal(err)
	}
	second := outboxEdits(t, s, pb.ID)["body"]
	if second == edit || second != outboxEdits(t, s, ct.ID)["name"] {
		t.Errorf("the second save's changes name saves %d and %d (first save %d)", second, outboxEdits(t, s, ct.ID)["name"], edit)
	}
	changes, err := s.History(ctx, HistoryQuery{ID: pb.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if c.Author != "Dr. Katrin Albers" {
			t.Errorf("change of %s names %q, want the author as given, cleaned", c.Field, c.Author)
		}
	}
	// Saves of the same laptop within a moment stay apart.
	groups := GroupEdits(changes)
	if len(groups) != 2 || !groups[1].Created || groups[0].Created {
		t.Errorf("history groups: %+v", groups)
	}
	unsent, err := s.Unsent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range unsent {
		if c.Edit == 0 || c.Author != "Dr. Katrin Albers" {
			t.Errorf("unsent change %s %s: edit %d author %q", c.ID, c.Field, c.Edit, c.Author)
		}
	}
}

func TestRevisionsOfAPlaybook(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: t0}
	s := openAt(t, filepath.Join(t.TempDir(), "a.db"), clock)
	s.SetAuthor("Jonas Petersen")
	pb := handbook.Playbook{Title: "Ransomware", Body: "Server isolieren und Backups prüfen."}
	if err := Put(ctx, s, &pb); err != nil {
		t.Fatal(err)
	}
	clock.wait(time.Minute)
	s.SetAuthor("Dr. Katrin Albers")
	edit := func(f func(p *handbook.Playbook)) {
		t.Helper()
		before := pb
		f(&pb)
		if err := Edit(ctx, s, &before, &pb); err != nil {
			t.Fatal(err)
		}
		clock.wait(time.Minute)
	}
	edit(func(p *handbook.Playbook) { p.Body = "Server sofort isolieren und Backups prüfen." })
	// A review moves only a control field: no revision.
	edit(func(p *handbook.Playbook) { p.LastReviewedAt = t0.Add(time.Hour) })
	edit(func(p *handbook.Playbook) { p.Title, p.Severity = "Ransomware-Angriff", handbook.SeverityCritical })

	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: pb.ID}
	revs, err := s.Revisions(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 3 {
		t.Fatalf("%d revisions, want 3 (the review is none): %+v", len(revs), revs)
	}
	fields := func(r Revision) string {
		var out []string
		for _, f := range r.Changed {
			out = append(out, f.Field)
		}
		return strings.Join(out, ",")
	}
	for i, want := range []struct {
		n       int
		author  string
		created bool
		fields  string
	}{
		{1, "Jonas Petersen", true, "body,title"},
		{2, "Dr. Katrin Albers", false, "body"},
		{3, "Dr. Katrin Albers", false, "severity,title"},
	} {
		r := revs[i]
		if r.N != want.n || r.Author != want.author || r.Created != want.created || fields(r) != want.fields || !r.Local {
			t.Errorf("revision %d: N %d author %q created %v fields %s local %v; want %+v", i, r.N, r.Author, r.Created, fields(r), r.Local, want)
		}
	}
	if !revs[0].At.Before(revs[1].At) || !revs[1].At.Before(revs[2].At) {
		t.Errorf("revision times out of order: %v %v %v", revs[0].At, revs[1].At, revs[2].At)
	}
	one, err := s.DocumentAt(ctx, doc, 1)
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := one.Record(handbook.EntityPlaybook, pb.ID)
	if !ok || jsonString(t, rec.Fields["body"]) != "Server isolieren und Backups prüfen." || jsonString(t, rec.Fields["title"]) != "Ransomware" {
		t.Errorf("revision 1 says %+v", one)
	}
	if _, ok := rec.Fields["last_reviewed_at"]; ok {
		t.Error("the content holds the control field last_reviewed_at")
	}
	now, err := s.Document(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	if now.Hash() != revs[2].Hash {
		t.Errorf("the newest revision's content differs from the document as stored:\n%+v", now)
	}
	if _, err := s.DocumentAt(ctx, doc, 4); !errors.Is(err, ErrNoRevision) {
		t.Errorf("revision 4: %v, want ErrNoRevision", err)
	}

	// Restore revision 1: a new revision that says what 1 said, and the
	// review date stays.
	plan, err := s.RestoreRevision(ctx, doc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Records) != 1 || plan.Records[0].Kind != RestoreFields || len(plan.Records[0].Fields) != 3 {
		t.Errorf("restore plan: %+v", plan)
	}
	revs, err = s.Revisions(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 4 || revs[3].Hash != revs[0].Hash {
		t.Fatalf("after the restore: %d revisions, the newest says %s, revision 1 %s", len(revs), revs[len(revs)-1].Hash, revs[0].Hash)
	}
	got, err := Get[handbook.Playbook](ctx, s, pb.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Ransomware" || got.Severity != "" || !got.LastReviewedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("restored playbook: %q %q reviewed %v", got.Title, got.Severity, got.LastReviewedAt)
	}
	// Restoring what it says already changes nothing.
	if plan, err := s.RestoreRevision(ctx, doc, 4); err != nil || len(plan.Records) != 0 {
		t.Errorf("restore of the current revision: %+v, %v", plan, err)
	}
}

func TestRevisionsOfTheMatrix(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: t0}
	s := openAt(t, filepath.Join(t.TempDir(), "a.db"), clock)
	lead := handbook.Role{Name: "Krisenstab-Leitung"}
	it := handbook.Role{Name: "IT-Lead"}
	err := s.Update(ctx, func(tx *Tx) error {
		if err := Put(ctx, tx, &lead); err != nil {
			return err
		}
		return Put(ctx, tx, &it)
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.wait(time.Second)
	lvl := handbook.EscalationLevel{Level: 1, Name: "Störung", DecidedBy: it.ID}
	if err := Put(ctx, s, &lvl); err != nil {
		t.Fatal(err)
	}
	clock.wait(time.Second)
	if err := s.Delete(ctx, handbook.EntityRole, it.ID); err != nil {
		t.Fatal(err)
	}
	// Contacts are no part of the matrix.
	if err := Put(ctx, s, &handbook.Contact{Name: "Jonas Petersen", Email: "j.petersen@example.com"}); err != nil {
		t.Fatal(err)
	}
	revs, err := s.Revisions(ctx, handbook.Matrix)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 3 || !revs[0].Created || revs[2].Deleted {
		t.Fatalf("matrix revisions: %+v", revs)
	}
	if len(revs[0].Changed) != 2 || revs[2].Changed[0].Label != "IT-Lead" {
		t.Errorf("changed: %+v / %+v", revs[0].Changed, revs[2].Changed)
	}
	two, err := s.DocumentAt(ctx, handbook.Matrix, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(two.Records) != 3 || two.Records[0].Entity != handbook.EntityRole || two.Records[2].Entity != handbook.EntityEscalation {
		t.Errorf("revision 2 holds %+v", two.Records)
	}
	// Restoring revision 2 brings the role back.
	plan, err := s.RestoreRevision(ctx, handbook.Matrix, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Records) != 1 || plan.Records[0].Kind != RestoreBringBack || plan.Records[0].Label != "IT-Lead" {
		t.Errorf("plan: %+v", plan)
	}
	if _, err := Get[handbook.Role](ctx, s, it.ID); err != nil {
		t.Errorf("the role is not back: %v", err)
	}
}

// TestRevisionsOfOlderChanges: changes written before saves were named
// (an older Ernstfall, or a batch of one) are grouped by their times, on
// every laptop alike.
func TestRevisionsOfOlderChanges(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: t0}
	a := openAt(t, filepath.Join(t.TempDir(), "a.db"), clock)
	b := openAt(t, filepath.Join(t.TempDir(), "b.db"), clock)
	pb := handbook.Playbook{Title: "DDoS", Body: "Provider anrufen."}
	if err := Put(ctx, a, &pb); err != nil {
		t.Fatal(err)
	}
	clock.wait(time.Minute)
	before := pb
	pb.Body, pb.Summary = "Provider sofort anrufen.", "Angriff auf den Shop"
	if err := Edit(ctx, a, &before, &pb); err != nil {
		t.Fatal(err)
	}
	if _, err := a.w.Exec(`UPDATE outbox SET edit = 0`); err != nil {
		t.Fatal(err)
	}
	newLaptops(t).ship(a, b)
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: pb.ID}
	for _, s := range []*Store{a, b} {
		revs, err := s.Revisions(ctx, doc)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 2 || len(revs[1].Changed) != 2 || revs[0].Edit.Device != a.Device() {
			t.Errorf("%s: %+v", s.Device(), revs)
		}
	}
}

func TestRevisionsAreTheSameOnEveryLaptop(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: t0}
	a := openAt(t, filepath.Join(t.TempDir(), "a.db"), clock)
	b := openAt(t, filepath.Join(t.TempDir(), "b.db"), clock)
	l := newLaptops(t)
	a.SetAuthor("Jonas Petersen")
	b.SetAuthor("Dr. Katrin Albers")
	pb := handbook.Playbook{Title: "Ransomware", Body: "Eins."}
	if err := Put(ctx, a, &pb); err != nil {
		t.Fatal(err)
	}
	l.ship(a, b)
	clock.wait(time.Minute)
	// B edits while apart; A edits later, but A's save reaches B first.
	onB, err := Get[handbook.Playbook](ctx, b, pb.ID)
	if err != nil {
		t.Fatal(err)
	}
	bBefore := onB
	onB.Summary = "Von B"
	if err := Edit(ctx, b, &bBefore, &onB); err != nil {
		t.Fatal(err)
	}
	clock.wait(time.Minute)
	aBefore := pb
	pb.Body = "Eins. Zwei."
	if err := Edit(ctx, a, &aBefore, &pb); err != nil {
		t.Fatal(err)
	}
	l.ship(a, b)
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: pb.ID}
	early, err := b.Revisions(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	l.ship(b, a)
	var lists [2][]Revision
	for i, s := range []*Store{a, b} {
		if lists[i], err = s.Revisions(ctx, doc); err != nil {
			t.Fatal(err)
		}
		for j := range lists[i] {
			lists[i][j].Local = false
		}
	}
	ja, _ := json.Marshal(lists[0])
	jb, _ := json.Marshal(lists[1])
	if string(ja) != string(jb) {
		t.Fatalf("the laptops list different revisions:\nA %s\nB %s", ja, jb)
	}
	if len(lists[0]) != 3 || lists[0][1].Author != "Dr. Katrin Albers" || lists[0][2].Author != "Jonas Petersen" {
		t.Errorf("revisions: %s", ja)
	}
	// B numbered its own save by its time, before A's later one.
	if len(early) != 3 || early[1].Edit != lists[0][1].Edit {
		t.Errorf("B's list before it sent: %+v", early)
	}
}
