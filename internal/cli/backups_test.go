package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/store"
)

func TestBackupsCommand(t *testing.T) {
	ctx := context.Background()
	db := demoDB(t)
	if r := run(t, "--db", db, "backups"); r.code != 0 || !strings.Contains(r.stdout, "no backups") {
		t.Fatalf("backups on a new handbook: %+v", r)
	}
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path, err := st.AutoBackup(ctx, store.ReasonSync, 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	partial := filepath.Join(filepath.Dir(path), "before-sync-20200101-000000.000.db")
	if err := os.WriteFile(partial, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}

	r := runLang(t, "de", "--db", db, "backups")
	if r.code != 0 {
		t.Fatalf("backups: %+v", r)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 5 {
		t.Fatalf("want heading, columns, two backups and the hint:\n%s", r.stdout)
	}
	// The demo handbook: 42 contacts, 7 playbooks.
	if !strings.Contains(lines[2], "vor Synchronisation") || !strings.Contains(lines[2], " 42 ") || !strings.Contains(lines[2], " 7 ") ||
		!strings.Contains(lines[2], filepath.Base(path)) {
		t.Errorf("newest backup line: %q", lines[2])
	}
	if !strings.Contains(lines[3], "unbrauchbar: partial") || !strings.Contains(lines[3], ".2020 ") {
		t.Errorf("partial backup line: %q", lines[3])
	}

	r = run(t, "--db", db, "backups", "--json")
	if r.code != 0 {
		t.Fatalf("backups --json: %+v", r)
	}
	var list []backupJSON
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("backups --json: %v\n%s", err, r.stdout)
	}
	if len(list) != 2 || list[0].Reason != store.ReasonSync || list[0].Counts["contact"] != 42 || list[0].Problem != "" || list[1].Problem == "" {
		t.Errorf("backups --json: %+v", list)
	}
}
