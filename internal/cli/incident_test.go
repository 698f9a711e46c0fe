package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

func TestIncidentLifecycle(t *testing.T) {
	db := demoDB(t)
	r := run(t, "--db", db, "incident", "start", "--playbook", "Ransomware-Angriff", "--gdpr", "--nis2", "--by", "Jörg")
	if r.code != 0 || !strings.Contains(r.stdout, "started incident") || !strings.Contains(r.stdout, "NIS2: early warning to the BSI: due 2026-11-27") {
		t.Fatalf("start: %+v", r)
	}
	id := strings.Fields(strings.TrimPrefix(r.stdout, "started incident "))[0]
	id = strings.TrimSuffix(id, ":")
	steps := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"note by ID prefix", []string{"incident", "log", id[:13], "Fileserver", "vom", "Netz", "getrennt", "--by", "Ayla"}, 0, "Fileserver vom Netz getrennt"},
		{"decision", []string{"incident", "log", id, "--kind", "decision", "Kein Lösegeld zahlen"}, 0, "decision"},
		{"unknown kind", []string{"incident", "log", id, "--kind", "gossip", "x"}, 2, ""},
		{"unknown incident", []string{"incident", "log", "ffff", "x"}, 1, ""},
		{"close with reports open is refused", []string{"incident", "close", id, "--summary", "Wiederhergestellt aus Offline-Backup"}, 1, ""},
		{"close", []string{"incident", "close", id, "--summary", "Wiederhergestellt aus Offline-Backup", "--reports-open-ok", "--reason", "Meldungen laufen über den DSB"}, 0, "closed"},
		{"close twice", []string{"incident", "close", id}, 1, ""},
		{"list", []string{"incidents"}, 0, "closed"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			r := run(t, append([]string{"--db", db}, s.args...)...)
			if r.code != s.code || !strings.Contains(r.stdout, s.want) {
				t.Fatalf("%+v, want exit %d with %q", r, s.code, s.want)
			}
		})
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inc, err := store.Get[handbook.Incident](ctx, st, id)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Open() || inc.Summary != "Wiederhergestellt aus Offline-Backup" || len(inc.Clocks) != 5 || !strings.Contains(inc.PlaybookSnapshot, "## Sofortmaßnahmen") {
		t.Errorf("stored incident %+v", inc)
	}
	hb, _ := st.Load(ctx)
	kinds := map[string]int{}
	for _, e := range handbook.Timeline(inc, hb.LogEntries) {
		kinds[e.Kind]++
	}
	if kinds[handbook.LogStart] != 1 || kinds[handbook.LogNote] != 1 || kinds[handbook.LogDecision] != 1 || kinds[handbook.LogClose] != 1 ||
		kinds[handbook.LogReportsOpen] != 5 {
		t.Errorf("log kinds %v", kinds)
	}

	out := filepath.Join(t.TempDir(), "report.pdf")
	r = run(t, "--db", db, "incident-report", id, "-o", out)
	if r.code != 0 {
		t.Fatalf("report: %+v", r)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) missing: 'make deps' installs it")
	}
	text, err := exec.Command("pdftotext", "-layout", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Fileserver vom Netz getrennt", "Kein Lösegeld zahlen", "Ayla", "Jörg", "Ransomware-Angriff"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if _, err := os.Stat(out); err != nil {
		t.Error(err)
	}
}
