package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

// laptops are stores that exchange their changes as batches, the way a
// sync round does, without a shared folder.
type laptops struct {
	t   *testing.T
	seq map[string]int64
}

// ship delivers from's unsent changes to every store in to as one batch.
func (l *laptops) ship(from *Store, to ...*Store) {
	l.t.Helper()
	ctx := context.Background()
	ch, err := from.Unsent(ctx)
	if err != nil {
		l.t.Fatal(err)
	}
	if len(ch) == 0 {
		return
	}
	l.seq[from.Device()]++
	seq := l.seq[from.Device()]
	for _, s := range to {
		if _, err := s.ApplyRemote(ctx, []Batch{{Device: from.Device(), Seq: seq, Changes: ch}}); err != nil {
			l.t.Fatal(err)
		}
	}
	if err := from.MarkBatchSent(ctx, ch[len(ch)-1].Seq, seq, ""); err != nil {
		l.t.Fatal(err)
	}
}

func newLaptops(t *testing.T) *laptops { return &laptops{t: t, seq: map[string]int64{}} }

func jsonString(t *testing.T, v json.RawMessage) string {
	t.Helper()
	if string(v) == "null" {
		return "<null>"
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		t.Fatalf("%s is not a string: %v", v, err)
	}
	return s
}

func TestHistoryOldValuesAndConcurrency(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: t0}
	a := openAt(t, filepath.Join(t.TempDir(), "a.db"), clock)
	b := openAt(t, filepath.Join(t.TempDir(), "b.db"), clock)
	net := newLaptops(t)
	anna := handbook.Contact{Name: "Anna Albers", PhoneMobile: "+49 170 1", Email: "anna@example.com"}
	if err := Put(ctx, a, &anna); err != nil {
		t.Fatal(err)
	}
	other := handbook.Contact{Name: "Bodo Brandt", Email: "bodo@example.com"}
	if err := Put(ctx, a, &other); err != nil {
		t.Fatal(err)
	}
	net.ship(a, b)
	// Both laptops change the phone while apart.
	onA, onB := anna, anna
	onA.PhoneMobile = "+49 170 2"
	if err := Edit(ctx, a, &anna, &onA); err != nil {
		t.Fatal(err)
	}
	onB.PhoneMobile = "+49 170 3"
	onB.Notes = "im Urlaub"
	if err := Edit(ctx, b, &anna, &onB); err != nil {
		t.Fatal(err)
	}
	// B's changes arrive at A after A's own, A's at B after B's.
	net.ship(b, a)
	net.ship(a, b)

	for _, s := range []*Store{a, b} {
		hs, err := s.History(ctx, HistoryQuery{ID: anna.ID, Field: "phone_mobile"})
		if err != nil {
			t.Fatal(err)
		}
		if len(hs) != 3 {
			t.Fatalf("%d phone changes, want 3: %+v", len(hs), hs)
		}
		newest, older, first := hs[0], hs[1], hs[2]
		if !first.Created || first.Device != a.Device() || jsonString(t, first.Old) != "<null>" || jsonString(t, first.New) != "+49 170 1" {
			t.Errorf("first change: %+v", first)
		}
		// Both edits replaced "+49 170 1", as their authors saw it.
		for _, c := range []FieldChange{newest, older} {
			if jsonString(t, c.Old) != "+49 170 1" || c.Created || c.OldUnknown {
				t.Errorf("edit %s by %s: old %s, created %v", c.New, c.Device, c.Old, c.Created)
			}
		}
		if older.Concurrent || !newest.Concurrent {
			t.Errorf("concurrent: older %v, newest %v; want only the newest marked", older.Concurrent, newest.Concurrent)
		}
		if newest.Local != (newest.Device == s.Device()) || newest.Label != "Anna Albers" {
			t.Errorf("newest: local %v label %q", newest.Local, newest.Label)
		}
	}
	ha, err := a.History(ctx, HistoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	hb, err := b.History(ctx, HistoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ha) != len(hb) {
		t.Fatalf("A lists %d changes, B %d", len(ha), len(hb))
	}
	for i := range ha {
		x, y := ha[i], hb[i]
		x.Local, y.Local = false, false
		if x.Version != y.Version || string(x.Old) != string(y.Old) || string(x.New) != string(y.New) || x.Concurrent != y.Concurrent {
			t.Errorf("change %d differs: A %+v, B %+v", i, x, y)
		}
	}
	for i := 1; i < len(ha); i++ {
		if ha[i-1].Version.Less(ha[i].Version) {
			t.Fatalf("not newest first at %d", i)
		}
	}
}

func TestHistoryFilters(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "hb.db"), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := handbook.Contact{Name: "Anna", Email: "anna@example.com"}
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	pb := handbook.Playbook{Title: "Ransomware", Body: "## Sofortmaßnahmen\n\n- [ ] Server isolieren\n"}
	if err := Put(ctx, s, &pb); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	before := c
	c.PhoneMobile = "+49 170 9"
	if err := Edit(ctx, s, &before, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, handbook.EntityPlaybook, pb.ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    HistoryQuery
		want []string // field of each change, newest first
	}{
		{"since the hour", HistoryQuery{Since: now}, []string{"deleted", "phone_mobile"}},
		{"one kind", HistoryQuery{Entity: handbook.EntityContact, Since: now}, []string{"phone_mobile"}},
		{"until before the edits", HistoryQuery{Until: now.Add(-time.Minute), Field: "title"}, []string{"title"}},
		{"limit", HistoryQuery{Limit: 1}, []string{"deleted"}},
		{"one record", HistoryQuery{ID: pb.ID, Field: "deleted"}, []string{"deleted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, err := s.History(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hs {
				got = append(got, h.Field)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
	// Paging: the pages together are the whole listing.
	all, err := s.History(ctx, HistoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var paged []FieldChange
	q := HistoryQuery{Limit: 3}
	for {
		page, err := s.History(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		q.Before = page[len(page)-1].Version
	}
	if len(paged) != len(all) {
		t.Fatalf("pages hold %d changes, the listing %d", len(paged), len(all))
	}
	for i := range all {
		if all[i].Version != paged[i].Version {
			t.Fatalf("page order differs at %d", i)
		}
	}
	// The deleted playbook keeps its name; its creation is one edit.
	edits := GroupEdits(all)
	var created []EditGroup
	for _, e := range edits {
		if e.Created {
			created = append(created, e)
		}
	}
	if len(created) != 2 || created[0].Label != "Ransomware" || created[1].Label != "Anna" {
		t.Fatalf("creations: %+v", created)
	}
	if len(edits) != 4 {
		t.Errorf("%d edits, want 4 (two creations, the phone, the deletion)", len(edits))
	}
}
