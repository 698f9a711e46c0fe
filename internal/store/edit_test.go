package store

import (
	"context"
	"path/filepath"
	"testing"

	"ernstfall/internal/handbook"
)

// ship applies every unsent change of from to to, as a sync would.
func ship(t *testing.T, from, to *Store, seq int64) {
	t.Helper()
	ctx := context.Background()
	ch, err := from.Unsent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := to.ApplyRemote(ctx, []Batch{{Device: from.Device(), Seq: seq, Changes: ch}}); err != nil {
		t.Fatal(err)
	}
}

func TestEditNeverUndoesAChangeMadeMeanwhile(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name          string
		meanwhile     func(c *handbook.Contact) // what laptop B does while A's form is open
		edit          func(c *handbook.Contact) // what the person on A types
		wantPhone     string
		wantEmail     string
		wantDeleted   bool
		wantConflicts int
	}{
		{"different fields: both kept",
			func(c *handbook.Contact) { c.PhoneMobile = "+49 30 23125 499" },
			func(c *handbook.Contact) { c.Email = "neu@example.com" },
			"+49 30 23125 499", "neu@example.com", false, 0},
		{"same field: the person's value, the other kept as conflict",
			func(c *handbook.Contact) { c.PhoneMobile = "+49 30 23125 499" },
			func(c *handbook.Contact) { c.PhoneMobile = "+49 30 23125 477" },
			"+49 30 23125 477", "alt@example.com", false, 1},
		{"same field, same value: no conflict",
			func(c *handbook.Contact) { c.PhoneMobile = "+49 30 23125 499" },
			func(c *handbook.Contact) { c.PhoneMobile = "+49 30 23125 499" },
			"+49 30 23125 499", "alt@example.com", false, 0},
		{"deleted meanwhile: the edit brings it back, the deletion is a conflict",
			func(c *handbook.Contact) { c.Deleted = true },
			func(c *handbook.Contact) { c.Email = "neu@example.com" },
			"+49 30 23125 412", "neu@example.com", false, 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			a, b := open(t, filepath.Join(dir, "a.db")), open(t, filepath.Join(dir, "b.db"))
			orig := handbook.Contact{Name: "Jörg Müller", PhoneMobile: "+49 30 23125 412", Email: "alt@example.com"}
			if err := Put(ctx, a, &orig); err != nil {
				t.Fatal(err)
			}
			ship(t, a, b, 1)
			before, _ := Get[handbook.Contact](ctx, a, orig.ID) // A opens the form
			after := before

			other, _ := Get[handbook.Contact](ctx, b, orig.ID) // B edits and syncs
			tt.meanwhile(&other)
			if err := Put(ctx, b, &other); err != nil {
				t.Fatal(err)
			}
			ship(t, b, a, int64(i+1))

			tt.edit(&after) // A saves the form
			if err := Edit(ctx, a, &before, &after); err != nil {
				t.Fatal(err)
			}
			ship(t, a, b, 2)

			for name, s := range map[string]*Store{"A": a, "B": b} {
				hb, _ := s.Load(ctx)
				var got handbook.Contact
				for _, c := range hb.Contacts {
					if c.ID == orig.ID {
						got = c
					}
				}
				if got.PhoneMobile != tt.wantPhone || got.Email != tt.wantEmail || got.Deleted != tt.wantDeleted {
					t.Errorf("%s: phone %q email %q deleted %v; want %q %q %v", name, got.PhoneMobile, got.Email, got.Deleted,
						tt.wantPhone, tt.wantEmail, tt.wantDeleted)
				}
				if n, _ := s.ConflictCount(ctx); n != tt.wantConflicts {
					t.Errorf("%s: %d conflicts, want %d", name, n, tt.wantConflicts)
				}
			}
			if after.Email != tt.wantEmail || after.PhoneMobile != tt.wantPhone {
				t.Errorf("after not refreshed to the stored record: %+v", after)
			}
		})
	}
}

func TestEditWithoutChangesWritesNothing(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "a.db"))
	c := handbook.Contact{Name: "Anna", Email: "anna@example.com"}
	Put(ctx, s, &c)
	n0, _ := s.Unsent(ctx)
	before, after := c, c
	if err := Edit(ctx, s, &before, &after); err != nil {
		t.Fatal(err)
	}
	if n1, _ := s.Unsent(ctx); len(n1) != len(n0) {
		t.Errorf("unchanged save wrote %d changes", len(n1)-len(n0))
	}
	after.Name = ""
	if err := Edit(ctx, s, &before, &after); err == nil {
		t.Error("an invalid edit was saved")
	}
}
