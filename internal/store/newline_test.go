package store

import (
	"context"
	"path/filepath"
	"testing"

	"ernstfall/internal/handbook"
)

// TestWindowsLineEndings: a note with CR LF is stored with LF, whether it
// is typed or imported, so that importing the same file again (or its own
// CSV round trip, which drops the CR) changes nothing.
func TestWindowsLineEndings(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	c := handbook.Contact{Name: "Zoë Weiß", Email: "z@example.com", Notes: "Rückruf über die Leitstelle.\r\nTresor 2.\r\n"}
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	got, err := Get[handbook.Contact](ctx, s, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Notes != "Rückruf über die Leitstelle.\nTresor 2.\n" {
		t.Errorf("stored notes %q", got.Notes)
	}
	crlf := got
	crlf.Notes = "Rückruf über die Leitstelle.\r\nTresor 2.\r\n"
	n, err := s.Import(ctx, handbook.Handbook{Contacts: []handbook.Contact{crlf}})
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("importing the same note with CR LF changed %d records", n)
	}
}
