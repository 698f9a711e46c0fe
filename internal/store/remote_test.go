package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
)

func change(dev string, ts int64, field, value string, baseDev string, baseTS int64) Change {
	return Change{Entity: handbook.EntityContact, ID: "c1", Field: field, Value: json.RawMessage(value),
		HLC: hlc.Timestamp(ts), Device: dev, BaseHLC: hlc.Timestamp(baseTS), BaseDevice: baseDev}
}

// TestMergeIgnoresArrivalOrder applies the same changes, one per batch, in
// every order to fresh databases: value and conflicts must not depend on
// the order.
func TestMergeIgnoresArrivalOrder(t *testing.T) {
	tests := []struct {
		name      string
		changes   []Change
		wantPhone string
		conflicts int
	}{
		{"chain of edits that saw each other", []Change{
			change("a", 10, "phone_mobile", `"1"`, "", 0),
			change("b", 20, "phone_mobile", `"2"`, "a", 10),
			change("c", 30, "phone_mobile", `"3"`, "b", 20),
		}, "3", 0},
		{"three concurrent edits", []Change{
			change("a", 10, "phone_mobile", `"1"`, "", 0),
			change("b", 20, "phone_mobile", `"2"`, "", 0),
			change("c", 15, "phone_mobile", `"3"`, "", 0),
		}, "2", 2},
		{"an edit on top of one side of a conflict", []Change{
			change("a", 10, "phone_mobile", `"1"`, "", 0),
			change("b", 20, "phone_mobile", `"2"`, "a", 10),
			change("c", 30, "phone_mobile", `"3"`, "", 0),
		}, "3", 1},
		{"equal values never conflict", []Change{
			change("a", 10, "phone_mobile", `"1"`, "", 0),
			change("b", 20, "phone_mobile", `"1"`, "", 0),
			change("c", 30, "phone_mobile", `"2"`, "a", 10),
		}, "2", 0},
		{"same clock reading: device decides", []Change{
			change("a", 10, "phone_mobile", `"1"`, "", 0),
			change("b", 10, "phone_mobile", `"2"`, "", 0),
		}, "2", 1},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			var first string
			for i := range 6 {
				s := open(t, filepath.Join(t.TempDir(), "hb.db"))
				base := []Change{change("z", 1, "name", `"Anna"`, "", 0), change("z", 2, "email", `"a@example.com"`, "", 0)}
				if _, err := s.ApplyRemote(ctx, []Batch{{Device: "z", Seq: 1, Changes: base}}); err != nil {
					t.Fatal(err)
				}
				order := rng.Perm(len(tt.changes))
				for j, k := range order {
					c := tt.changes[k]
					if _, err := s.ApplyRemote(ctx, []Batch{{Device: c.Device, Seq: int64(j + 1), Changes: []Change{c}}}); err != nil {
						t.Fatal(err)
					}
				}
				got, err := Get[handbook.Contact](ctx, s, "c1")
				if err != nil {
					t.Fatal(err)
				}
				cs, err := s.Conflicts(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if got.PhoneMobile != tt.wantPhone || len(cs) != tt.conflicts {
					t.Fatalf("order %v: phone %q with %d conflicts, want %q with %d", order, got.PhoneMobile, len(cs), tt.wantPhone, tt.conflicts)
				}
				state := fmt.Sprint(got.PhoneMobile, cs)
				if i == 0 {
					first = state
				} else if state != first {
					t.Fatalf("order %v gives %s, another gave %s", order, state, first)
				}
				if err := s.IntegrityCheck(ctx); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestApplyRemoteRefusesWhatNoRecordHolds(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	bad := []Change{
		{Entity: "spaceship", ID: "x", Field: "name", Value: json.RawMessage(`"x"`), HLC: 5, Device: "a"},
		{Entity: handbook.EntityContact, ID: "c", Field: "id", Value: json.RawMessage(`"y"`), HLC: 5, Device: "a"},
		{Entity: handbook.EntityContact, ID: "c", Field: "name", Value: json.RawMessage(`42`), HLC: 5, Device: "a"},
		{Entity: handbook.EntityContact, ID: "c", Field: "name", Value: json.RawMessage(`"ok"`), HLC: 0, Device: "a"},
	}
	res, err := s.ApplyRemote(ctx, []Batch{{Device: "a", Seq: 1, Changes: bad}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Ignored) != 1 || res.Ignored[0].Count != len(bad) || res.Changes != 0 {
		t.Fatalf("ignored %+v of %d bad changes, applied %d", res.Ignored, len(bad), res.Changes)
	}
	if _, err := Get[handbook.Contact](ctx, s, "c"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a record was made from refused changes: %v", err)
	}
}

func TestAdoptHandbookIDOnlyWhenEmpty(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	if err := s.AdoptHandbookID(ctx, "shared-handbook"); err != nil {
		t.Fatal(err)
	}
	if id, _ := s.HandbookID(ctx); id != "shared-handbook" {
		t.Fatalf("handbook id %q", id)
	}
	c := handbook.Contact{Name: "Anna", Email: "a@example.com"}
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.AdoptHandbookID(ctx, "another"); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("adopting with records: %v, want ErrNotEmpty", err)
	}
	if id, _ := s.HandbookID(ctx); id != "shared-handbook" {
		t.Errorf("handbook id changed to %q", id)
	}
}

// TestApplyAtOnceOrBatchByBatch applies the same 2,400 changes of three
// laptops (more rows than one statement carries, concurrent edits,
// deletions and edits after them, a change sent twice) in one call to one
// database and one batch per call to another: records, versions, open
// conflicts and what search finds must be the same.
func TestApplyAtOnceOrBatchByBatch(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 8))
	fields := []string{"name", "email", "notes", "phone_mobile", "deleted"}
	var batches []Batch
	for d, dev := range []string{"laptop-a", "laptop-b", "laptop-c"} {
		ts := int64(1000 + d)
		for seq := 1; seq <= 8; seq++ {
			b := Batch{Device: dev, Seq: int64(seq)}
			for range 100 {
				ts += 10
				id := fmt.Sprintf("c-%d", rng.IntN(300))
				f := fields[rng.IntN(len(fields))]
				v := fmt.Sprintf(`"%s %d"`, f, rng.IntN(3))
				switch f {
				case "deleted":
					v = []string{"true", "false"}[rng.IntN(2)]
				case "email":
					v = fmt.Sprintf(`"k%d@example.com"`, rng.IntN(3))
				}
				c := Change{Entity: handbook.EntityContact, ID: id, Field: f, Value: json.RawMessage(v), HLC: hlc.Timestamp(ts), Device: dev}
				if rng.IntN(3) == 0 && ts > 1100 {
					c.BaseHLC, c.BaseDevice = hlc.Timestamp(ts-30-3*int64(rng.IntN(3))), []string{"laptop-a", "laptop-b", "laptop-c"}[rng.IntN(3)]
				}
				b.Changes = append(b.Changes, c)
			}
			batches = append(batches, b)
		}
	}
	// A change a laptop sent again in a later batch counts once.
	batches[5].Changes = append(batches[5].Changes, batches[0].Changes[0])
	if batches[0].Changes[0].Device != batches[5].Changes[0].Device {
		t.Fatal("test setup: the repeated change must come from the same laptop")
	}

	state := func(s *Store) string {
		t.Helper()
		hb, err := s.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := s.Conflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var versions []string
		rows, err := s.r.QueryContext(ctx, `SELECT entity, id, field, hlc, device FROM field_versions ORDER BY 1, 2, 3`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var e, id, f, dev string
			var ts int64
			if err := rows.Scan(&e, &id, &f, &ts, &dev); err != nil {
				t.Fatal(err)
			}
			versions = append(versions, fmt.Sprint(e, id, f, ts, dev))
		}
		rows.Close()
		hits, err := s.Search(ctx, "notes", 1000)
		if err != nil {
			t.Fatal(err)
		}
		found, err := s.Search(ctx, "k1@example", 1000)
		if err != nil {
			t.Fatal(err)
		}
		// Equal matches may rank in any order: compare what is found.
		hits = append(hits, found...)
		slices.SortFunc(hits, func(a, b Hit) int { return strings.Compare(a.ID+a.Snippet, b.ID+b.Snippet) })
		data, err := json.Marshal(struct {
			Handbook  handbook.Handbook
			Conflicts []Conflict
			Versions  []string
			Hits      []Hit
		}{hb, cs, versions, hits})
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}

	once := open(t, filepath.Join(t.TempDir(), "once.db"))
	res, err := once.ApplyRemote(ctx, batches)
	if err != nil {
		t.Fatal(err)
	}
	if res.Batches != len(batches) || res.Changes != 2400 {
		t.Fatalf("applied %d batches, %d changes; want %d, 2400", res.Batches, res.Changes, len(batches))
	}
	stepwise := open(t, filepath.Join(t.TempDir(), "stepwise.db"))
	total := 0
	for _, b := range batches {
		res, err := stepwise.ApplyRemote(ctx, []Batch{b})
		if err != nil {
			t.Fatal(err)
		}
		total += res.Changes
	}
	if total != 2400 {
		t.Fatalf("batch by batch: %d changes, want 2400", total)
	}
	a, b := state(once), state(stepwise)
	if a != b {
		t.Fatalf("one apply and batch by batch differ:\n%.3000s\n---\n%.3000s", a, b)
	}
	cs, err := once.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hb, err := once.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	live := hb.Live()
	if len(cs) == 0 || len(live.Contacts) == 0 || len(live.Contacts) == len(hb.Contacts) {
		t.Errorf("the changes should give conflicts, live and deleted contacts: %d conflicts, %d live of %d",
			len(cs), len(live.Contacts), len(hb.Contacts))
	}
	for _, s := range []*Store{once, stepwise} {
		if err := s.IntegrityCheck(ctx); err != nil {
			t.Fatal(err)
		}
		checkSearchIndex(t, s)
	}
}

// checkSearchIndex fails unless the full-text index holds exactly the
// words of the entries it stores (FTS5's own check, which also compares
// the index with the stored text).
func checkSearchIndex(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.w.ExecContext(context.Background(), `INSERT INTO search(search, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("search index: %v", err)
	}
}

// everyBatch is, per device, the newest batch s applied or wrote: what
// ExportCheckpoint takes as settled when every laptop has applied what s
// has.
func everyBatch(t testing.TB, s *Store) map[string]int64 {
	t.Helper()
	applied, err := s.Applied(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for d, seqs := range applied {
		for seq := range seqs {
			out[d] = max(out[d], seq)
		}
	}
	return out
}
