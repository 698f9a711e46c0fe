package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
)

// An ID names one record. An import (JSON backup, CSV, vCard, Markdown
// folder) that brings a record with the ID of a record of another kind,
// or two records with one ID, is refused whole.
func TestImportRefusesTakenIDs(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	if _, err := s.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	before, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := sample().Contacts[0]
	c.Name = "Kollision"
	cases := []struct {
		name string
		hb   handbook.Handbook
		want []string
	}{
		{"contact with a playbook's id", func() handbook.Handbook {
			c := c
			c.ID = "p1"
			return handbook.Handbook{Contacts: []handbook.Contact{c}}
		}(), []string{`contact "Kollision"`, `playbook "Ransomware-Angriff"`}},
		{"two contacts with one id", func() handbook.Handbook {
			a, b := c, c
			a.ID, b.ID = "c9", "c9"
			b.Name = "Zweite"
			return handbook.Handbook{Contacts: []handbook.Contact{a, b}}
		}(), []string{`contact "Kollision"`, `contact "Zweite"`}},
		{"a contact and a service with one id", func() handbook.Handbook {
			a := c
			a.ID = "x9"
			sv := sample().Services[0]
			sv.ID = "x9"
			return handbook.Handbook{Contacts: []handbook.Contact{a}, Services: []handbook.Service{sv}}
		}(), []string{`contact "Kollision"`, `service "Datenbank"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := s.Import(ctx, tc.hb)
			if !errors.Is(err, ErrIDTaken) {
				t.Fatalf("import: %d changed, %v; want ErrIDTaken", n, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %s", err, w)
				}
			}
			after, err := s.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(after.Contacts) != len(before.Contacts) || len(after.Services) != len(before.Services) {
				t.Errorf("the refused import wrote records: %d contacts, %d services, want %d and %d",
					len(after.Contacts), len(after.Services), len(before.Contacts), len(before.Services))
			}
		})
	}
	// The same record again (a second import of one backup) is fine.
	if _, err := s.Import(ctx, sample()); err != nil {
		t.Errorf("importing the same records again: %v", err)
	}
}
