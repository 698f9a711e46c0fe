package exchange

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A playbook file copied under another name keeps the original's id, and
// an id can be edited by hand: a folder whose files share an id, or hold
// one that is not ours, is refused naming the records, instead of one
// file silently replacing the other, or "../../evil" becoming an id.
func TestFolderImportRefusesSharedAndForeignIDs(t *testing.T) {
	ctx := context.Background()
	hb := richHandbook(t).Live()
	idLine := regexp.MustCompile(`(?m)^id: .*$`)
	cases := []struct {
		name  string
		edit  func(dir string) error
		wants []string
	}{
		{"a copied playbook", func(dir string) error {
			data, err := os.ReadFile(filepath.Join(dir, "playbooks", "ransomware-angriff.md"))
			if err != nil {
				return err
			}
			copied := strings.Replace(string(data), "\ntitle: ", "\ntitle: Kopie von ", 1)
			return os.WriteFile(filepath.Join(dir, "playbooks", "kopie.md"), []byte(copied), 0o644)
		}, []string{"the same id", "Kopie von"}},
		{"an id edited by hand", func(dir string) error {
			p := filepath.Join(dir, "playbooks", "ransomware-angriff.md")
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(p, []byte(idLine.ReplaceAllString(string(data), "id: ../../evil")), 0o644)
		}, []string{`"../../evil", which is not a UUID`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "h")
			if err := WriteFolder(ctx, dir, hb); err != nil {
				t.Fatal(err)
			}
			if err := tc.edit(dir); err != nil {
				t.Fatal(err)
			}
			got, _, err := ReadFolder(ctx, dir)
			if err == nil {
				t.Fatalf("read %d playbooks, want the folder refused", len(got.Playbooks))
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
