package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// editBackup exports db as JSON, lets edit change the decoded file and
// writes it back.
func editBackup(t *testing.T, db string, edit func(b map[string]any, hb *handbook.Handbook)) string {
	t.Helper()
	r := run(t, "--db", db, "export", "--format", "json", "-o", "-")
	if r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	var b struct {
		Handbook handbook.Handbook `json:"handbook"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &b); err != nil {
		t.Fatal(err)
	}
	edit(raw, &b.Handbook)
	raw["handbook"] = b.Handbook
	data, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sicherung.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func liveContacts(t *testing.T, db string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, c := range contactsOf(t, db) {
		out[c.Name] = true
	}
	return out
}

// TestJSONBackupIsARestore: a record marked deleted in a backup deletes
// nothing unless --mirror is given; --mirror makes the handbook the backup
// and the dry run says how many records it would delete.
func TestJSONBackupIsARestore(t *testing.T) {
	db := demoDB(t)
	var gone string
	file := editBackup(t, db, func(_ map[string]any, hb *handbook.Handbook) {
		hb.Contacts[0].Deleted = true
		gone = hb.Contacts[0].Name
		hb.Contacts = hb.Contacts[:len(hb.Contacts)-1] // a contact the backup lacks
	})
	before := liveContacts(t, db)

	r := run(t, "--db", db, "import", "--dry-run", file)
	if r.code != 0 || !strings.Contains(r.stdout, "would delete 0") || !strings.Contains(r.stdout, "--mirror") {
		t.Errorf("dry run: %+v; want 'would delete 0' and a hint at --mirror", r)
	}
	r = run(t, "--db", db, "import", file)
	if r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	if after := liveContacts(t, db); len(after) != len(before) || !after[gone] {
		t.Fatalf("an import without --mirror deleted contacts: %d before, %d after (%s live: %v)", len(before), len(after), gone, after[gone])
	}

	r = run(t, "--db", db, "import", "--mirror", "--dry-run", file)
	if r.code != 0 || !strings.Contains(r.stdout, "would delete 2") {
		t.Errorf("mirror dry run: %+v; want 'would delete 2'", r)
	}
	if after := liveContacts(t, db); len(after) != len(before) {
		t.Fatal("a dry run deleted contacts")
	}
	r = run(t, "--db", db, "import", "--mirror", file)
	if r.code != 0 || !strings.Contains(r.stdout, "2 deleted") {
		t.Fatalf("mirror import: %+v", r)
	}
	if after := liveContacts(t, db); len(after) != len(before)-2 || after[gone] {
		t.Errorf("mirror import left %d of %d contacts (%s live: %v)", len(after), len(before), gone, after[gone])
	}
}

// TestJSONBackupRefusals: duplicate and non-UUID IDs and a missing,
// null or empty handbook are errors that name the problem; nothing is
// written.
func TestJSONBackupRefusals(t *testing.T) {
	db := demoDB(t)
	before := liveContacts(t, db)
	for _, tc := range []struct {
		name string
		edit func(b map[string]any, hb *handbook.Handbook)
		want []string
	}{
		{"duplicate id", func(_ map[string]any, hb *handbook.Handbook) {
			c := hb.Contacts[1]
			c.ID = hb.Contacts[0].ID
			c.Name = "Doppelgänger"
			hb.Contacts = append(hb.Contacts, c)
		}, []string{"Doppelgänger", "same id"}},
		{"id not a UUID", func(_ map[string]any, hb *handbook.Handbook) { hb.Contacts[0].ID = "../../etc" }, []string{`"../../etc"`, "not a UUID"}},
		{"handbook missing", func(b map[string]any, _ *handbook.Handbook) {}, []string{"no handbook"}},
		{"handbook empty", func(_ map[string]any, hb *handbook.Handbook) { *hb = handbook.Handbook{} }, []string{"no records"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := editBackup(t, db, tc.edit)
			if tc.name == "handbook missing" {
				data, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				var raw map[string]any
				if err := json.Unmarshal(data, &raw); err != nil {
					t.Fatal(err)
				}
				delete(raw, "handbook")
				data, _ = json.Marshal(raw)
				if err := os.WriteFile(file, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, args := range [][]string{{"import", file}, {"import", "--dry-run", file}} {
				r := run(t, append([]string{"--db", db}, args...)...)
				if r.code != 1 || strings.Contains(r.stdout, "records changed") || !strings.Contains(r.stderr, "sicherung.json") {
					t.Errorf("%v: %+v, want exit 1 naming the file", args, r)
				}
				for _, w := range tc.want {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("%v: stderr lacks %q: %s", args, w, r.stderr)
					}
				}
			}
		})
	}
	if after := liveContacts(t, db); len(after) != len(before) {
		t.Errorf("refused imports changed the contacts: %d, was %d", len(after), len(before))
	}
}

// TestJSONBackupOfAnotherHandbook: a backup of another handbook is not
// mixed into this one; into an empty database it restores as that
// handbook, with its ID, so the laptop can sync with its team again.
func TestJSONBackupOfAnotherHandbook(t *testing.T) {
	ctx := context.Background()
	other := emptyDB(t)
	st, err := store.Open(ctx, other, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := handbook.Contact{Name: "Andere Firma", Email: "x@example.org"}
	if err := store.Put(ctx, st, &c); err != nil {
		t.Fatal(err)
	}
	otherID, err := st.HandbookID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	file := filepath.Join(t.TempDir(), "andere.json")
	if r := run(t, "--db", other, "export", "--format", "json", "-o", file); r.code != 0 {
		t.Fatal(r)
	}
	demo := demoDB(t)
	r := run(t, "--db", demo, "import", file)
	if r.code != 1 || !strings.Contains(r.stderr, "another handbook") || !strings.Contains(r.stderr, otherID) {
		t.Errorf("import into the demo: %+v, want a refusal naming the other handbook", r)
	}
	if liveContacts(t, demo)["Andere Firma"] {
		t.Error("the other handbook's contact arrived")
	}
	fresh := emptyDB(t)
	if r := run(t, "--db", fresh, "import", file); r.code != 0 {
		t.Fatalf("import into an empty database: %+v", r)
	}
	st, err = store.Open(ctx, fresh, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if id, err := st.HandbookID(ctx); err != nil || id != otherID {
		t.Errorf("restored handbook ID %q (%v), want %q", id, err, otherID)
	}
}
