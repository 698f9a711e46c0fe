package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/fixture"
	"ernstfall/internal/handbook"
)

// dump writes out the tables a merge writes, row by row, naming search
// entries by their records.
func dump(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT entity, id, data, label, deleted, created_at, updated_at FROM records ORDER BY 1, 2`,
		`SELECT entity, id, field, hlc, device FROM field_versions ORDER BY 1, 2, 3`,
		`SELECT entity, id, field, hlc, device, kind, value FROM conflicts ORDER BY 1, 2, 3, 4, 5`,
		`SELECT entity, id, field, hlc, device, base_hlc, base_device, value, edit FROM sync_changes ORDER BY 1, 2, 3, 4, 5`,
		`SELECT entity, id, field, hlc, device FROM sync_folded ORDER BY 1, 2, 3, 4, 5`,
		`SELECT device, seq, hash FROM sync_applied ORDER BY 1, 2`,
		`SELECT device, edit, author FROM edits ORDER BY 1, 2`,
		`SELECT r.entity, r.id, s.title, s.body FROM search s JOIN records r ON r.rowid = s.rowid ORDER BY 1, 2`,
		`SELECT count(*) FROM search`,
	} {
		rows, err := s.r.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		fmt.Fprintln(&b, q)
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// conflictedTeam is three laptops that share a generated handbook and
// edited it concurrently: value conflicts, a deletion outdone by an edit,
// deleted records, a resolved conflict. It returns the first laptop,
// whose every change is sent.
func conflictedTeam(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	a, b, c := open(t, filepath.Join(t.TempDir(), "a.db")), open(t, filepath.Join(t.TempDir(), "b.db")), open(t, filepath.Join(t.TempDir(), "c.db"))
	hb := fixture.Generate(5, fixture.Size{Contacts: 120, Playbooks: 12, Services: 10})
	if _, err := a.Import(ctx, hb); err != nil {
		t.Fatal(err)
	}
	l := newLaptops(t)
	l.ship(a, b, c)
	edit := func(s *Store, i int, f func(*handbook.Contact)) {
		t.Helper()
		ct, err := Get[handbook.Contact](ctx, s, hb.Contacts[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		f(&ct)
		if err := Put(ctx, s, &ct); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 30 {
		edit(b, i, func(ct *handbook.Contact) { ct.Notes = fmt.Sprintf("B %d", i) })
		edit(c, i, func(ct *handbook.Contact) { ct.Notes = fmt.Sprintf("C %d", i) })
		if i%3 == 0 {
			edit(c, i, func(ct *handbook.Contact) { ct.PhoneMobile = fmt.Sprintf("+49 171 %07d", i) })
		}
	}
	edit(b, 40, func(ct *handbook.Contact) { ct.Deleted = true })       // deleted here,
	edit(c, 40, func(ct *handbook.Contact) { ct.Function = "Leitung" }) // edited there: comes back
	edit(c, 41, func(ct *handbook.Contact) { ct.Deleted = true })
	edit(a, 42, func(ct *handbook.Contact) { ct.Email = "neu@example.com" })
	l.ship(b, a, c)
	l.ship(c, a, b)
	l.ship(a, b, c)
	cs, err := a.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Kind == "value" {
			if err := a.ResolveConflict(ctx, c, KeepCurrent, nil); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	edit(a, 1, func(ct *handbook.Contact) { ct.Notes = "A danach" })
	l.ship(a, b, c)
	return a
}

// TestJoinShortcutGivesTheSameDatabase: a snapshot and a checkpoint of a
// handbook with open conflicts, imported into an empty database, give
// the same rows whether the merge takes the shortcut for an empty
// database or reads what is stored as usual, and the same handbook and
// conflicts as the laptop that wrote them.
func TestJoinShortcutGivesTheSameDatabase(t *testing.T) {
	ctx := context.Background()
	a := conflictedTeam(t)
	want, err := a.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, c := range want {
		kinds[c.Kind]++
	}
	if kinds["value"] < 10 || kinds["deleted"] == 0 {
		t.Fatalf("the team should have value and deletion conflicts: %v", kinds)
	}
	wantHB, err := a.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := a.ExportSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check, err := a.ExportCheckpoint(ctx, everyBatch(t, a))
	if err != nil {
		t.Fatal(err)
	}
	check.Checkpoint, check.FoldReceived = true, true
	if len(check.Changes) >= len(snap.Changes) {
		t.Fatalf("the checkpoint holds %d changes, the snapshot %d: nothing was outdone", len(check.Changes), len(snap.Changes))
	}
	for name, s := range map[string]Snapshot{"snapshot": snap, "checkpoint": check} {
		t.Run(name, func(t *testing.T) {
			short := open(t, filepath.Join(t.TempDir(), "short.db"))
			long := open(t, filepath.Join(t.TempDir(), "long.db"))
			long.readAlways = true
			for _, n := range []*Store{short, long} {
				res, err := n.ImportSnapshot(ctx, s)
				if err != nil {
					t.Fatal(err)
				}
				if res.Changes != len(s.Changes) {
					t.Fatalf("imported %d changes of %d", res.Changes, len(s.Changes))
				}
				checkSearchIndex(t, n)
			}
			if a, b := dump(t, short), dump(t, long); a != b {
				t.Fatalf("the shortcut gives another database:\n%.4000s", firstDiff(a, b))
			}
			got, err := short.Conflicts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := neutral(got), neutral(want); a != b {
				t.Errorf("conflicts differ from the laptop's:\n%s", firstDiff(a, b))
			}
			hb, err := short.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := lines(t, hb), lines(t, wantHB); a != b {
				t.Errorf("the handbook differs from the laptop's:\n%s", firstDiff(a, b))
			}
		})
	}
}

// firstDiff shows the lines of a and b from the first one they differ in.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n%s\n---\n%s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines, %d lines", len(al), len(bl))
}

// neutral writes conflicts out one a line, without what depends on the
// laptop that reads them (whether a side is its own).
func neutral(cs []Conflict) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %s %s %s %s | %s %s %v | %s %s %v\n", c.Entity, c.ID, c.Field, c.Label, c.Kind,
			c.Current.Value, c.Current.Device, c.Current.HLC, c.Other.Value, c.Other.Device, c.Other.HLC)
	}
	return b.String()
}

// lines writes a handbook out as JSON, one value a line, without the
// records' update times: they do not sync (a laptop keeps the time of its
// own save, the others take the time of the change).
func lines(t *testing.T, hb handbook.Handbook) string {
	t.Helper()
	data, err := json.MarshalIndent(hb, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(l, `"updated_at":`) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
