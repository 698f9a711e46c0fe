package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

func TestDocumentsCommand(t *testing.T) {
	db := demoDB(t)
	r := run(t, "--db", db, "documents")
	if r.code != 0 {
		t.Fatalf("documents: %+v", r)
	}
	// The demo's ransomware playbook was edited after its release.
	for _, want := range []string{"Ransomware-Angriff", "changed since", "template", "matrix", "documents:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("documents lacks %q:\n%s", want, r.stdout)
		}
	}
	all := strings.Count(r.stdout, "\n")
	editDemoPlaybook(t, db, "Datenverlust", func(p *handbook.Playbook) { p.Summary += " Neu." }, now.Add(time.Hour))
	r = run(t, "--db", db, "documents", "--drafts")
	if r.code != 0 || !strings.Contains(r.stdout, "Datenverlust") || strings.Contains(r.stdout, "released, unchanged") {
		t.Errorf("documents --drafts: %+v", r)
	}
	if n := strings.Count(r.stdout, "\n"); n >= all {
		t.Errorf("--drafts lists %d lines, all documents %d", n, all)
	}
	r = run(t, "--db", db, "documents", "--json")
	var docs []struct{ Kind, ID, Title, State string }
	if err := json.Unmarshal([]byte(r.stdout), &docs); err != nil || r.code != 0 {
		t.Fatalf("documents --json: %v, %+v", err, r)
	}
	states := map[string]string{}
	for _, d := range docs {
		states[d.Title] = d.State
	}
	if states["Datenverlust"] != "unreleased" || states["Ransomware-Angriff"] != "unreleased" {
		t.Errorf("states: %v", states)
	}
	if r := run(t, "--db", db, "documents", "extra"); r.code != 2 {
		t.Errorf("documents with an argument: %+v", r)
	}
}

func TestDocumentNamedByPrefix(t *testing.T) {
	db := demoDB(t)
	if r := run(t, "--db", db, "history", "playbook", "ransom"); r.code != 0 || !strings.Contains(r.stdout, "Ransomware-Angriff — ") {
		t.Errorf("history by prefix: %+v", r)
	}
	if r := run(t, "--db", db, "diff", "playbook", "RANSOMWARE", "--from", "1", "--to", "2"); r.code != 0 || !strings.Contains(r.stdout, "Ransomware-Angriff: revision 1 → revision 2") {
		t.Errorf("diff in capitals: %+v", r)
	}
	r := run(t, "--db", db, "history", "playbook", "Ausfall")
	if r.code != 1 || !strings.Contains(r.stderr, "Ausfall der SaaS-Händlerplattform") || !strings.Contains(r.stderr, "Ausfall des Zahlungsdienstleisters") {
		t.Errorf("ambiguous name: %+v", r)
	}
}
