package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	"ernstfall/internal/handbook"
)

// searchIDs is the IDs the search finds for query, sorted.
func searchIDs(t *testing.T, s *Store, query string) []string {
	t.Helper()
	hits, err := s.Search(context.Background(), query, 50)
	if err != nil {
		t.Fatalf("search %q: %v", query, err)
	}
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestImportIndexesLikeSingleWrites: an import writes the search entries
// of its records together at its end. The index holds what writing the
// records one by one gives: the records found, an edited record by its
// new words only, a record deleted by a later import not at all, and the
// index's own check passes.
func TestImportIndexesLikeSingleWrites(t *testing.T) {
	ctx := context.Background()
	imported := open(t, filepath.Join(t.TempDir(), "import.db"))
	single := open(t, filepath.Join(t.TempDir(), "single.db"))
	hb := sample()
	if _, err := imported.Import(ctx, hb); err != nil {
		t.Fatal(err)
	}
	hb.EachItem(func(it handbook.Item) {
		if err := single.tx(ctx, func(tx *sql.Tx) error {
			_, err := single.put(ctx, tx, it, true)
			return err
		}); err != nil {
			t.Fatalf("put %s: %v", it.Meta().ID, err)
		}
	})
	queries := []string{"ransomware", "Server isolieren", "mueller", "+49 30", "Datenbank", "Kundeninfo", "Offline-Backup", "Übung"}
	for _, q := range queries {
		got, want := searchIDs(t, imported, q), searchIDs(t, single, q)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%q: import finds %v, single writes %v", q, got, want)
		}
	}

	// A second import edits a playbook and deletes a contact.
	again := sample()
	again.Playbooks[0].Body = "## Sofortmaßnahmen\n- [ ] Netzwerk trennen @IT-Lead\n"
	again.Contacts[1].Deleted = true
	if _, err := imported.Import(ctx, again); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, imported, "Netzwerk trennen"); !slices.Equal(ids, []string{"p1"}) {
		t.Errorf("the edited playbook's new words find %v, want [p1]", ids)
	}
	if ids := searchIDs(t, imported, "Server isolieren"); slices.Contains(ids, "p1") {
		t.Errorf("the edited playbook is still found by its old words: %v", ids)
	}
	if ids := searchIDs(t, imported, "gross"); slices.Contains(ids, "c2") {
		t.Errorf("the deleted contact is still found: %v", ids)
	}
	if _, err := imported.w.ExecContext(ctx, `INSERT INTO search(search, rank) VALUES ('integrity-check', 0)`); err != nil {
		t.Errorf("the search index fails its integrity check: %v", err)
	}
}
