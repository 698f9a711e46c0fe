package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// editDemoPlaybook changes a demo playbook's body the way a form does,
// at a later moment.
func editDemoPlaybook(t *testing.T, db, title string, change func(p *handbook.Playbook), at time.Time) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.SetAuthor("Jonas Petersen")
	found, err := st.FindRecords(ctx, handbook.EntityPlaybook, title)
	if err != nil || len(found) != 1 {
		t.Fatalf("find %q: %v, %v", title, found, err)
	}
	before, err := store.Get[handbook.Playbook](ctx, st, found[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	after := before
	change(&after)
	if err := store.Edit(ctx, st, &before, &after); err != nil {
		t.Fatal(err)
	}
}

func TestReleaseHistoryAndDiff(t *testing.T) {
	db := demoDB(t)
	const title = "Datenverlust"
	// The demo's playbooks were made at the time of init (now).
	editDemoPlaybook(t, db, title, func(p *handbook.Playbook) {
		p.Body = strings.Replace(p.Body, "## Sofortmaßnahmen\n", "## Sofortmaßnahmen\n\n- [ ] Schreibzugriffe sofort stoppen @IT-Lead (5 min)\n", 1)
		p.Summary += " Neu geprüft."
	}, now.Add(time.Hour))

	r := run(t, "--db", db, "release", "playbook", title, "--as", "Jonas Petersen", "--note", "Erste Freigabe")
	if r.code != 1 || !strings.Contains(r.stderr, "holds no approver role") || !strings.Contains(r.stderr, "Dr. Katrin Albers (Krisenstab-Leitung)") {
		t.Errorf("release by a person without an approver role: %+v", r)
	}
	if r := run(t, "--db", db, "release", "playbook", title, "--as", "Dr. Katrin Albers"); r.code != 2 || !strings.Contains(r.stderr, "--note") {
		t.Errorf("release without a note: %+v", r)
	}
	r = run(t, "--db", db, "release", "playbook", title, "--as", "Dr. Katrin Albers", "--note", "Erste Freigabe")
	if r.code != 1 || !strings.Contains(r.stderr, "no approver key on this laptop") || !strings.Contains(r.stderr, "approver-key create") {
		t.Errorf("release without an approver key: %+v", r)
	}
	pass := filepath.Join(t.TempDir(), "pass")
	wrong := filepath.Join(t.TempDir(), "wrong")
	if err := os.WriteFile(pass, []byte("Krisenstab-Passwort 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wrong, []byte("falsches Passwort 1"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, "--db", db, "approver-key", "create", "--as", "Dr. Katrin Albers", "--passphrase-file", pass)
	if r.code != 0 || !strings.Contains(r.stdout, "first approver key") {
		t.Fatalf("approver-key create: %+v", r)
	}
	r = run(t, "--db", db, "approver-key", "create", "--as", "Markus Oberländer", "--passphrase-file", pass)
	if r.code != 0 || !strings.Contains(r.stdout, "approver-key admit") {
		t.Fatalf("second approver-key create: %+v", r)
	}
	r = run(t, "--db", db, "approver-key")
	if r.code != 0 || !strings.Contains(r.stdout, "Dr. Katrin Albers (this laptop)") || !strings.Contains(r.stdout, "waiting to be admitted") {
		t.Errorf("approver-key list: %+v", r)
	}
	r = run(t, "--db", db, "release", "playbook", title, "--as", "Dr. Katrin Albers", "--note", "Erste Freigabe", "--passphrase-file", wrong)
	if r.code != 1 || !strings.Contains(r.stderr, "passphrase does not unlock") {
		t.Errorf("release with a wrong passphrase: %+v", r)
	}
	r = run(t, "--db", db, "release", "playbook", title, "--as", "Dr. Katrin Albers", "--note", "Erste Freigabe", "--passphrase-file", pass)
	if r.code != 0 || !strings.Contains(r.stdout, "version 1.1 released by Dr. Katrin Albers (Krisenstab-Leitung)") {
		t.Fatalf("release: %+v", r)
	}
	editDemoPlaybook(t, db, title, func(p *handbook.Playbook) {
		p.Body = strings.Replace(p.Body, "Schreibzugriffe sofort stoppen", "Schreibzugriffe auf allen Systemen sofort stoppen", 1)
	}, now.Add(2*time.Hour))

	r = run(t, "--db", db, "history", "playbook", title)
	if r.code != 0 {
		t.Fatalf("history: %+v", r)
	}
	for _, want := range []string{"draft; Version 1.1 · released by Dr. Katrin Albers", "Jonas Petersen", "v1.0", "v1.1", "Erste Freigabe", "Erstfreigabe des Notfallhandbuchs", "(created)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("history lacks %q:\n%s", want, r.stdout)
		}
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) < 5 || !strings.HasPrefix(lines[2], "1 ") || !strings.HasPrefix(lines[4], "3 ") || !strings.HasSuffix(lines[2], "v1.0") || !strings.HasSuffix(lines[3], "v1.1") {
		t.Errorf("revision lines:\n%s", r.stdout)
	}

	r = run(t, "--db", db, "diff", "playbook", title, "--from", "v1.1", "--to", "current")
	if r.code != 0 || !strings.Contains(r.stdout, "Schreibzugriffe {+auf allen Systemen +}sofort stoppen") || !strings.Contains(r.stdout, "v1.1 → current") {
		t.Errorf("diff v1.1 → current: %+v", r)
	}
	r = run(t, "--db", db, "diff", "playbook", title, "--from", "1", "--to", "2")
	if r.code != 0 || !strings.Contains(r.stdout, "{+- [ ] Schreibzugriffe sofort stoppen @IT-Lead (5 min)+}") ||
		!strings.Contains(r.stdout, "Summary: ") || !strings.Contains(r.stdout, "{+ Neu geprüft.+}") {
		t.Errorf("diff 1 → 2: %+v", r)
	}
	// Only the lines around a change, not the whole playbook.
	if n := strings.Count(r.stdout, "\n"); n > 20 {
		t.Errorf("diff printed %d lines:\n%s", n, r.stdout)
	}
	if r := run(t, "--db", db, "diff", "playbook", title, "--from", "9"); r.code != 2 || !strings.Contains(r.stderr, "names no version") {
		t.Errorf("diff from a revision that does not exist: %+v", r)
	}
	r = run(t, "--db", db, "history", "playbook", title, "--json")
	var js struct {
		Draft     bool
		InForce   string `json:"in_force"`
		Revisions []struct {
			N       int
			Author  string
			Release string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &js); err != nil || !js.Draft || js.InForce != "1.1" || len(js.Revisions) != 3 ||
		js.Revisions[0].Release != "v1.0" || js.Revisions[1].Release != "v1.1" || js.Revisions[2].Author != "Jonas Petersen" {
		t.Errorf("history --json: %v %+v", err, js)
	}
}

func TestReviewCommand(t *testing.T) {
	db := demoDB(t)
	r := run(t, "--db", db, "review", "matrix", "--result", "geändert", "--by", "Dr. Katrin Albers", "--note", "Rufnummern aktualisiert", "--date", "2026-11-20")
	if r.code != 0 || !strings.Contains(r.stdout, "review by Dr. Katrin Albers on 2026-11-20 recorded (changed)") ||
		!strings.Contains(r.stdout, "Next review due on 2027-05-21") {
		t.Fatalf("review: %+v", r)
	}
	if r := run(t, "--db", db, "review", "playbook", "Datenverlust", "--result", "maybe"); r.code != 2 || !strings.Contains(r.stderr, "--result must be") {
		t.Errorf("bad result: %+v", r)
	}
	r = run(t, "--db", db, "history", "matrix")
	if r.code != 0 || !strings.Contains(r.stdout, "Rufnummern aktualisiert") || !strings.Contains(r.stdout, "Reviews:") {
		t.Errorf("history of the matrix: %+v", r)
	}
}

func TestCopiesCommand(t *testing.T) {
	db := demoDB(t)
	r := run(t, "--db", db, "copies")
	if r.code != 0 || !strings.Contains(r.stdout, "! 4") || strings.Contains(r.stdout, "! 1  ") || !strings.Contains(r.stdout, "OUTDATED") ||
		!strings.Contains(r.stdout, "1 copies to replace") {
		t.Fatalf("copies: %+v", r)
	}
	dir := t.TempDir()
	r = run(t, "--db", db, "binder", "--copies", "outdated", "-o", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "copy 4: wrote") || !strings.Contains(r.stdout, "notfallhandbuch-exemplar-04-von-04.pdf") {
		t.Fatalf("binder --copies outdated: %+v", r)
	}
	if r := run(t, "--db", db, "binder", "--copies", "all", "-o", filepath.Join(dir, "x.pdf")); r.code != 2 || !strings.Contains(r.stderr, "names a folder") {
		t.Errorf("--copies with a file: %+v", r)
	}
	r = run(t, "--db", db, "copies", "confirm", "4", "--by", "Sabine Köhler", "--note", "Altes Exemplar vernichtet")
	if r.code != 0 || !strings.Contains(r.stdout, "copy 4: exchange confirmed by Sabine Köhler") {
		t.Fatalf("confirm: %+v", r)
	}
	if r := run(t, "--db", db, "copies"); r.code != 0 || strings.Contains(r.stdout, "! ") {
		t.Errorf("copies after the exchange: %+v", r)
	}
	r = run(t, "--db", db, "copies", "add", "--holder", "Jonas Petersen", "--place", "Notfallkoffer Kiel")
	if r.code != 0 || !strings.Contains(r.stdout, "copy 5 added") {
		t.Fatalf("copies add: %+v", r)
	}
	if r := run(t, "--db", db, "copies", "confirm", "9"); r.code != 1 || !strings.Contains(r.stderr, "no copy 9") {
		t.Errorf("confirm an unknown copy: %+v", r)
	}
	out := filepath.Join(t.TempDir(), "audit.csv")
	r = run(t, "--db", db, "audit", "-o", out, "--from", "2026-11-01", "--lang", "en")
	if r.code != 0 || !strings.Contains(r.stdout, "entries") {
		t.Fatalf("audit: %+v", r)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Exchange confirmed", "Sabine Köhler", "Copy 4 of 4", "Release,Ransomware-Angriff,1.1"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("audit.csv lacks %q", want)
		}
	}
	if r := run(t, "--db", db, "audit", "-o", "x.txt"); r.code != 2 {
		t.Errorf("audit to .txt: %+v", r)
	}
}
