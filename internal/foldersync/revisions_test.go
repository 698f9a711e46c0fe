package foldersync

import (
	"context"
	"encoding/json"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
	"ernstfall/internal/store"
)

func editPlaybook(t *testing.T, l *laptop, id string, f func(p *handbook.Playbook)) {
	t.Helper()
	ctx := context.Background()
	before, err := store.Get[handbook.Playbook](ctx, l.st, id)
	if err != nil {
		t.Fatal(err)
	}
	after := before
	f(&after)
	if err := store.Edit(ctx, l.st, &before, &after); err != nil {
		t.Fatal(err)
	}
}

func revisionsOf(t *testing.T, l *laptop, doc handbook.DocRef) []store.Revision {
	t.Helper()
	revs, err := l.st.Revisions(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	for i := range revs {
		revs[i].Local = false
	}
	return revs
}

// TestRevisionsArriveBySync: a document's revisions, made on three
// laptops and exchanged through a real shared folder in different orders,
// read the same everywhere: the same saves, numbers, authors and content.
// The save and its author travel inside the signed, encrypted batches.
func TestRevisionsArriveBySync(t *testing.T) {
	ctx := context.Background()
	folder := t.TempDir()
	clock := newFakeClock()
	a := openLaptop(t, t.TempDir(), clock.reader(0))
	b := openLaptop(t, t.TempDir(), clock.reader(0))
	c := openLaptop(t, t.TempDir(), clock.reader(0))
	a.st.SetAuthor("Jonas Petersen")
	b.st.SetAuthor("Dr. Katrin Albers")
	c.st.SetAuthor("Mia Schröder")
	pb := handbook.Playbook{Title: "Ransomware", Body: "## Sofortmaßnahmen\n- [ ] Netz trennen"}
	if err := store.Put(ctx, a.st, &pb); err != nil {
		t.Fatal(err)
	}
	a.sync(t, folder)
	join(t, folder, a, b, c)
	doc := handbook.DocRef{Kind: handbook.EntityPlaybook, ID: pb.ID}

	// While apart: B and C change different fields, A the body twice.
	editPlaybook(t, b, pb.ID, func(p *handbook.Playbook) { p.Summary = "Verschlüsselte Server" })
	editPlaybook(t, c, pb.ID, func(p *handbook.Playbook) { p.Severity = handbook.SeverityCritical })
	editPlaybook(t, a, pb.ID, func(p *handbook.Playbook) { p.Body += "\n- [ ] Backups prüfen" })
	editPlaybook(t, a, pb.ID, func(p *handbook.Playbook) { p.Body += "\n- [ ] BSI melden" })
	// C's save reaches A before B's does; B gets everything at once.
	c.sync(t, folder)
	a.sync(t, folder)
	b.sync(t, folder)
	a.sync(t, folder)
	c.sync(t, folder)

	want := revisionsOf(t, a, doc)
	if len(want) != 5 {
		t.Fatalf("A lists %d revisions, want 5: %+v", len(want), want)
	}
	authors := map[string]bool{}
	for _, r := range want {
		authors[r.Author] = true
	}
	if len(authors) != 3 {
		t.Errorf("authors named: %v", authors)
	}
	wj, _ := json.Marshal(want)
	for _, l := range []*laptop{b, c} {
		got := revisionsOf(t, l, doc)
		gj, _ := json.Marshal(got)
		if string(gj) != string(wj) {
			t.Errorf("laptop %s lists other revisions:\n got %s\nwant %s", l.st.Device(), gj, wj)
		}
		for n := 1; n <= len(want); n++ {
			at, err := l.st.DocumentAt(ctx, doc, n)
			if err != nil {
				t.Fatal(err)
			}
			if at.Hash() != want[n-1].Hash {
				t.Errorf("laptop %s: revision %d says something else", l.st.Device(), n)
			}
		}
	}
	now, err := b.st.Document(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	if now.Hash() != want[len(want)-1].Hash {
		t.Error("the newest revision is not what the playbook says")
	}
}

// TestRevisionsFromAnOlderBatch: a batch written by an older Ernstfall
// names no saves; it is read, and its changes are grouped by their times.
func TestRevisionsFromAnOlderBatch(t *testing.T) {
	ctx := context.Background()
	folder := t.TempDir()
	clock := newFakeClock()
	a := openLaptop(t, t.TempDir(), clock.reader(0))
	b := openLaptop(t, t.TempDir(), clock.reader(0))
	pb := handbook.Playbook{Title: "DDoS", Body: "Provider anrufen."}
	if err := store.Put(ctx, a.st, &pb); err != nil {
		t.Fatal(err)
	}
	a.sync(t, folder)
	join(t, folder, a, b)
	// Two saves, as an older Ernstfall writes them: no save named.
	ts := hlc.New(t0.UnixMilli()+3_600_000, 0)
	old := []store.Change{
		{Entity: handbook.EntityPlaybook, ID: pb.ID, Field: "body", Value: json.RawMessage(`"Provider sofort anrufen."`), HLC: ts, Device: a.st.Device()},
		{Entity: handbook.EntityPlaybook, ID: pb.ID, Field: "summary", Value: json.RawMessage(`"Shop nicht erreichbar"`), HLC: ts + 1, Device: a.st.Device()},
		{Entity: handbook.EntityPlaybook, ID: pb.ID, Field: "severity", Value: json.RawMessage(`"high"`), HLC: ts + hlc.New(60_000, 0), Device: a.st.Device()},
	}
	forgeBatch(t, folder, a, old)
	if rep := b.sync(t, folder); rep.Received != 3 || len(rep.Skipped) > 0 {
		t.Fatalf("report: %+v", rep)
	}
	revs := revisionsOf(t, b, handbook.DocRef{Kind: handbook.EntityPlaybook, ID: pb.ID})
	if len(revs) != 3 || len(revs[1].Changed) != 2 || len(revs[2].Changed) != 1 || revs[1].Author != "" {
		t.Errorf("revisions: %+v", revs)
	}
}
