package exchange

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFolderImportDeletesNothing: like a JSON backup, a Markdown folder
// restores records and never deletes one: "deleted: true" in a playbook's
// front matter, or in handbook.json, is not carried into the import.
func TestFolderImportDeletesNothing(t *testing.T) {
	ctx := context.Background()
	hb := richHandbook(t).Live()
	dir := filepath.Join(t.TempDir(), "h")
	if err := WriteFolder(ctx, dir, hb); err != nil {
		t.Fatal(err)
	}
	pb := filepath.Join(dir, "playbooks", "ransomware-angriff.md")
	if err := replaceIn(pb, "\ntitle: ", "\ndeleted: true\ntitle: "); err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(dir, "handbook.json")
	data, err := os.ReadFile(idx)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(idx, []byte(strings.Replace(string(data), `"name": "IT-Lead"`, `"deleted": true, "name": "IT-Lead"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	got, ours, err := ReadFolder(ctx, dir)
	if err != nil || !ours {
		t.Fatalf("%v (ours %v)", err, ours)
	}
	for _, p := range got.Playbooks {
		if p.Deleted {
			t.Errorf("playbook %q comes in as a deletion", p.Title)
		}
	}
	for _, r := range got.Roles {
		if r.Deleted {
			t.Errorf("role %q comes in as a deletion", r.Name)
		}
	}
}
