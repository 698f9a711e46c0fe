package store

import (
	"context"
	"path/filepath"
	"testing"

	"ernstfall/internal/handbook"
)

// TestWritesAreCleaned: control characters and bidirectional overrides
// never reach the database, whichever way a record comes in (a form, an
// edit, an import), and Windows line ends in notes become "\n".
func TestWritesAreCleaned(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	c := handbook.Contact{Name: "Anna\x07 Beispiel\x1b[2J", PhoneMobile: "+49 171 \u202e4321\u202c", Notes: "a\r\nb"}
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	got, err := Get[handbook.Contact](ctx, s, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Anna Beispiel[2J" || got.PhoneMobile != "+49 171 4321" || got.Notes != "a\nb" {
		t.Errorf("put stored %q %q %q", got.Name, got.PhoneMobile, got.Notes)
	}
	before := got
	got.Team = "IT\bBetrieb"
	if err := Edit(ctx, s, &before, &got); err != nil {
		t.Fatal(err)
	}
	if again, err := Get[handbook.Contact](ctx, s, c.ID); err != nil || again.Team != "ITBetrieb" {
		t.Errorf("edit stored team %q (%v)", again.Team, err)
	}
	hb := handbook.Handbook{Playbooks: []handbook.Playbook{{Record: handbook.Record{ID: "p1"}, Title: "Ransom\u202eware", Body: "## A\r\n- [ ] b\r\n"}},
		Settings: handbook.Settings{Organisation: "Nord\x1bGmbH"}}
	if _, err := s.Import(ctx, hb); err != nil {
		t.Fatal(err)
	}
	p, err := Get[handbook.Playbook](ctx, s, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Ransomware" || p.Body != "## A\n- [ ] b\n" {
		t.Errorf("import stored %q %q", p.Title, p.Body)
	}
	st, err := s.Settings(ctx)
	if err != nil || st.Organisation != "NordGmbH" {
		t.Errorf("settings %q (%v)", st.Organisation, err)
	}
	if hits, err := s.Search(ctx, "Ransomware", 5); err != nil || len(hits) == 0 {
		t.Errorf("cleaned title not found by search: %v %v", hits, err)
	}
}
