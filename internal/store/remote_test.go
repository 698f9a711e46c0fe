package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
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
