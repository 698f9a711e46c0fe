package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"ernstfall/internal/handbook"
)

// TestLocalChangeSettlesLikeTheOthers: a change made here must leave this
// laptop with the value and the conflicts every other laptop reaches from
// the same changes. In a simulated year a laptop set a field to the value
// of one of its open conflicts; the others dropped the conflict (a newer
// change carries that value), the laptop kept it, and no sync ever made
// them agree.
func TestLocalChangeSettlesLikeTheOthers(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// local is the change made on the laptop after it received the
		// concurrent edits "1" (older) and "2" (in effect).
		local     func(t *testing.T, s *Store)
		wantPhone string
		conflicts int
		deleted   bool
	}{
		{"edit to the value of the open conflict", func(t *testing.T, s *Store) {
			before := getC1(t, s)
			after := before
			after.PhoneMobile = "1"
			if err := Edit(ctx, s, &before, &after); err != nil {
				t.Fatal(err)
			}
		}, "1", 0, false},
		{"edit to the value of the open conflict, then to another", func(t *testing.T, s *Store) {
			for _, v := range []string{"1", "3"} {
				before := getC1(t, s)
				after := before
				after.PhoneMobile = v
				if err := Edit(ctx, s, &before, &after); err != nil {
					t.Fatal(err)
				}
			}
		}, "3", 0, false},
		{"save of the whole record with that value", func(t *testing.T, s *Store) {
			c := getC1(t, s)
			c.PhoneMobile = "1"
			if err := Put(ctx, s, &c); err != nil {
				t.Fatal(err)
			}
		}, "1", 0, false},
		{"edit to a third value keeps the conflict", func(t *testing.T, s *Store) {
			before := getC1(t, s)
			after := before
			after.PhoneMobile = "3"
			if err := Edit(ctx, s, &before, &after); err != nil {
				t.Fatal(err)
			}
		}, "3", 1, false},
		{"deletion of the record", func(t *testing.T, s *Store) {
			if err := s.Delete(ctx, handbook.EntityContact, "c1"); err != nil {
				t.Fatal(err)
			}
		}, "2", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t, filepath.Join(t.TempDir(), "hb.db"))
			batches := []Batch{
				{Device: "z", Seq: 1, Changes: []Change{change("z", 1, "name", `"Anna"`, "", 0), change("z", 2, "email", `"a@example.com"`, "", 0)}},
				{Device: "x", Seq: 1, Changes: []Change{change("x", 10, "phone_mobile", `"1"`, "", 0)}},
				{Device: "y", Seq: 1, Changes: []Change{change("y", 20, "phone_mobile", `"2"`, "", 0)}},
			}
			if _, err := s.ApplyRemote(ctx, batches); err != nil {
				t.Fatal(err)
			}
			if cs, err := s.Conflicts(ctx); err != nil || len(cs) != 1 {
				t.Fatalf("before the local change: %v conflicts (%v), want 1", cs, err)
			}
			tt.local(t, s)
			here := settledState(t, s)
			// Another laptop receiving the same changes and the laptop's
			// own decides from the same set.
			own, err := s.Unsent(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(own) == 0 {
				t.Fatal("the local change wrote nothing to send")
			}
			other := open(t, filepath.Join(t.TempDir(), "other.db"))
			if _, err := other.ApplyRemote(ctx, append(batches, Batch{Device: own[0].Device, Seq: 1, Changes: own})); err != nil {
				t.Fatal(err)
			}
			if there := settledState(t, other); here != there {
				t.Fatalf("the laptop that made the change holds\n  %s\nthe others\n  %s", here, there)
			}
			want := fmt.Sprintf("phone %q deleted %v conflicts %d", tt.wantPhone, tt.deleted, tt.conflicts)
			if got := summary(t, s); got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
			checkSearchIndex(t, s)
		})
	}
}

func getC1(t *testing.T, s *Store) handbook.Contact {
	t.Helper()
	c, err := Get[handbook.Contact](context.Background(), s, "c1")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// settledState is the contact's fields (without its update time) and the
// open conflicts, as the merge leaves them.
func settledState(t *testing.T, s *Store) string {
	t.Helper()
	var raw string
	if err := s.r.QueryRowContext(context.Background(), `SELECT data FROM records WHERE entity = ? AND id = 'c1'`, handbook.EntityContact).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	data, err := splitFields([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	delete(data, "updated_at")
	cs, err := s.Conflicts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		cs[i].Current.Mine, cs[i].Other.Mine = false, false
	}
	// The stored conflicts too: the list leaves out one whose value is
	// the value in effect, until the field changes again.
	rows, err := s.r.QueryContext(context.Background(), `SELECT field, hlc, device, kind, value FROM conflicts ORDER BY field, hlc, device`)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for rows.Next() {
		var f, dev, kind, value string
		var ts int64
		if err := rows.Scan(&f, &ts, &dev, &kind, &value); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, fmt.Sprint(f, ts, dev, kind, value))
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(struct {
		Data      map[string]json.RawMessage
		Conflicts []Conflict
		Stored    []string
	}{data, cs, stored})
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func summary(t *testing.T, s *Store) string {
	t.Helper()
	var phone string
	var deleted bool
	err := s.r.QueryRowContext(context.Background(), `SELECT coalesce(json_extract(data, '$.phone_mobile'), ''), deleted FROM records WHERE entity = ? AND id = 'c1'`,
		handbook.EntityContact).Scan(&phone, &deleted)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.ConflictCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("phone %q deleted %v conflicts %d", phone, deleted, n)
}
