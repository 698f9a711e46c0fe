package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/person"
	"ernstfall/internal/store"
)

// startedID is the ID "incident start" printed.
func startedID(t *testing.T, r result) string {
	t.Helper()
	m := regexp.MustCompile(`started incident ([0-9a-f-]{36}):`).FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil {
		t.Fatalf("start: %+v", r)
	}
	return m[1]
}

// TestIncidentMessageArt33 is the acceptance test: the demo's
// Art. 33 template names the data-protection officer with his number
// (defect 1), fills the awareness time, not the start (defect 2), impact
// and next update (defect 3), leaves no placeholder, and prints plain text
// without Markdown markers (defect 4).
func TestIncidentMessageArt33(t *testing.T) {
	db := demoDB(t)
	aware := time.Date(2026, 11, 25, 21, 40, 0, 0, time.Local)
	next := time.Date(2026, 11, 26, 8, 0, 0, 0, time.Local)
	id := startedID(t, run(t, "--db", db, "incident", "start", "--playbook", "Ransomware-Angriff", "--gdpr",
		"--aware", aware.Format("2006-01-02T15:04"), "--impact", "Kundendaten möglicherweise abgeflossen",
		"--next-update", next.Format("2006-01-02T15:04"), "--owner", "Incident-Owner"))
	r := run(t, "--db", db, "incident", "message", id, "--template", "Meldung an die Datenschutzaufsicht (Art. 33 DSGVO)")
	if r.code != 0 {
		t.Fatalf("message: %+v", r)
	}
	out := r.stdout
	for _, want := range []string{
		"Meldung nach Art. 33 DSGVO – Nordlicht Commerce GmbH – Ransomware-Angriff",
		"Datenschutzbeauftragter: Dr. Henrik Lange, Telefon +49 171 39200 51, E-Mail datenschutz@example.com",
		"Zeitpunkt der Kenntnisnahme: " + aware.Format("02.01.2006 15:04"),
		"Wahrscheinliche Folgen: Kundendaten möglicherweise abgeflossen",
		"spätestens am " + next.Format("02.01.2006 15:04"),
		"Speicherstraße 12, 20457 Hamburg",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("message lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"{{", "}}", "**", "Aylin Demir", now.Local().Format("02.01.2006 15:04")} {
		if strings.Contains(out, bad) {
			t.Errorf("message holds %q:\n%s", bad, out)
		}
	}
	md := run(t, "--db", db, "incident", "message", id, "--template", "meldung an die datenschutzaufsicht (art. 33 dsgvo)", "--markdown")
	if md.code != 0 || !strings.Contains(md.stdout, "**Datenschutzbeauftragter:** Dr. Henrik Lange") {
		t.Errorf("--markdown keeps the Markdown: %+v", md)
	}
	// The press statement names the press contact, not the incident
	// owner's mobile (defect 1).
	press := run(t, "--db", db, "incident", "message", id, "--template", "Holding Statement für die Presse")
	if press.code != 0 || !strings.Contains(press.stdout, "Pressekontakt: Miriam Scholz, +49 171 39200 41") || strings.Contains(press.stdout, "Aylin Demir") {
		t.Errorf("press statement: %+v", press)
	}
	// Every demo template fills completely.
	for _, title := range []string{"Information an alle Mitarbeitenden", "Lagebild für die Geschäftsführung", "Kundeninformation per E-Mail", "Statusseite – Update"} {
		r := run(t, "--db", db, "incident", "message", id, "--template", title)
		if r.code != 0 || strings.Contains(r.stdout, "{{") {
			t.Errorf("%s: %+v", title, r)
		}
	}
	if r := run(t, "--db", db, "incident", "message", id, "--template", "Brieftaube"); r.code != 1 || !strings.Contains(r.stderr, "Holding Statement") {
		t.Errorf("unknown template must list the templates: %+v", r)
	}
}

// TestCloseNamesOpenReports: closing with unsent reports is refused and
// names them (defect 5); the decision to close anyway is logged.
func TestCloseNamesOpenReports(t *testing.T) {
	db := demoDB(t)
	id := startedID(t, run(t, "--db", db, "incident", "start", "--title", "Datenpanne", "--gdpr", "--dora", "--as", "Eva Schulz"))
	if r := run(t, "--db", db, "incident", "sent", id, "gdpr33", "--as", "Henrik Lange"); r.code != 0 || !strings.Contains(r.stdout, "GDPR Art. 33: notify the supervisory authority: sent") {
		t.Fatalf("sent: %+v", r)
	}
	if r := run(t, "--db", db, "incident", "waive", id, "gdpr34"); r.code != 2 && r.code != 1 {
		t.Errorf("waive without a reason must be refused: %+v", r)
	}
	if r := run(t, "--db", db, "incident", "waive", id, "gdpr34", "--reason", "kein hohes Risiko für die Betroffenen"); r.code != 0 || !strings.Contains(r.stdout, "not needed (kein hohes Risiko") {
		t.Fatalf("waive: %+v", r)
	}
	r := run(t, "--db", db, "incident", "close", id, "--summary", "erledigt")
	if r.code != 1 || !strings.Contains(r.stderr, "DORA: initial notification to the supervisor") ||
		!strings.Contains(r.stderr, "DORA: final report") || strings.Contains(r.stderr, "GDPR") || !strings.Contains(r.stderr, "--reports-open-ok") {
		t.Fatalf("close with open DORA reports: %+v", r)
	}
	if r := run(t, "--db", db, "incident", "close", id, "--reports-open-ok", "--reason", "Einstufung als nicht schwerwiegend", "--as", "Eva Schulz"); r.code != 0 {
		t.Fatalf("close anyway: %+v", r)
	}
	// A closed incident still owes the DORA reports and takes the report.
	if r := run(t, "--db", db, "incident", "reports", id); r.code != 0 || !strings.Contains(r.stdout, "dora_initial") || !strings.Contains(r.stdout, "due") {
		t.Errorf("reports of the closed incident: %+v", r)
	}
	if r := run(t, "--db", db, "incident", "waive", id, "dora_initial", "--reason", "nicht schwerwiegend"); r.code != 0 {
		t.Errorf("waive after close: %+v", r)
	}
	hb := loadDB(t, db)
	open := handbook.PendingReports(hb, time.Local)
	if len(open) != 2 || open[0].Clock != handbook.ClockDORAIntermediate {
		t.Errorf("pending reports after close %+v", open)
	}
	decisions := 0
	for _, e := range hb.LogEntries {
		if e.Kind == handbook.LogReportsOpen && e.Author == "Eva Schulz" && e.Text == "Einstufung als nicht schwerwiegend" {
			decisions++
		}
	}
	if decisions != 3 {
		t.Errorf("%d logged decisions, want one per open DORA report", decisions)
	}
}

func loadDB(t *testing.T, db string) handbook.Handbook {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hb, err := st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return hb.Live()
}

// TestRegimeAddedOnDay2 adds GDPR to a running incident with its own
// awareness time (defect 5) and DORA with --dora at the start.
func TestRegimeAddedOnDay2(t *testing.T) {
	db := demoDB(t)
	id := startedID(t, run(t, "--db", db, "incident", "start", "--title", "Ausfall Zahlungsdienst", "--nis2", "--aware", "2026-11-24T10:00"))
	r := run(t, "--db", db, "incident", "regime", id, "gdpr", "--aware", "2026-11-25T09:30")
	want := "GDPR Art. 33: notify the supervisory authority: due " + time.Date(2026, 11, 28, 9, 30, 0, 0, time.Local).Format("2006-01-02 15:04")
	if r.code != 0 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "NIS2: early warning to the BSI: OVERDUE") {
		t.Fatalf("add GDPR: %+v\nwant %q", r, want)
	}
	if r := run(t, "--db", db, "incident", "regime", id, "GDPR"); r.code != 1 || !strings.Contains(r.stderr, "applies to this incident already") {
		t.Errorf("adding GDPR twice: %+v", r)
	}
	if r := run(t, "--db", db, "incident", "regime", id, "hipaa"); r.code != 2 {
		t.Errorf("unknown regime: %+v", r)
	}
	d := startedID(t, run(t, "--db", db, "incident", "start", "--title", "Kernbank down", "--dora", "--classified", "2026-11-26T01:00", "--aware", "2026-11-25T23:00"))
	r = run(t, "--db", db, "incident", "reports", d)
	due := time.Date(2026, 11, 26, 5, 0, 0, 0, time.Local).Format("2006-01-02 15:04")
	if r.code != 0 || !strings.Contains(r.stdout, "DORA: initial notification to the supervisor: due "+due) {
		t.Errorf("DORA reports: %+v, want initial due %s", r, due)
	}
	if r := run(t, "--db", db, "incident", "start", "--title", "x", "--classified", "2026-11-26T01:00"); r.code != 2 {
		t.Errorf("--classified without --dora: %+v", r)
	}
}

// TestWhoWrites: the log names the person given with --as, else the one
// saved on this computer (defect 7), never silently the login when a name
// was given.
func TestWhoWrites(t *testing.T) {
	db := demoDB(t)
	cfg := t.TempDir()
	runIn := func(args ...string) result {
		var out, errb bytes.Buffer
		env := &Env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }, ConfigDir: cfg}
		code := Run(context.Background(), args, env)
		return result{code, out.String(), errb.String()}
	}
	if err := person.Save(cfg, person.Person{Name: "Dr. Henrik Lange"}); err != nil {
		t.Fatal(err)
	}
	id := startedID(t, runIn("--db", db, "incident", "start", "--title", "Phishing"))
	if r := runIn("--db", db, "--as", "Jonas Petersen", "incident", "log", id, "Postfach gesperrt"); r.code != 0 {
		t.Fatal(r)
	}
	if r := runIn("--db", db, "--as", "Jonas Petersen", "incident", "log", id, "--by", "Aylin Demir", "Passwörter zurückgesetzt"); r.code != 0 {
		t.Fatal(r)
	}
	hb := loadDB(t, db)
	got := map[string]string{}
	for _, e := range hb.LogEntries {
		got[e.Kind+":"+e.Text] = e.Author + "/" + e.Initials
	}
	for k, want := range map[string]string{"start:Phishing": "Dr. Henrik Lange/HL", "note:Postfach gesperrt": "Jonas Petersen/JP",
		"note:Passwörter zurückgesetzt": "Aylin Demir/AD"} {
		if got[k] != want {
			t.Errorf("%s by %q, want %q", k, got[k], want)
		}
	}
	if err := os.Remove(filepath.Join(cfg, person.File)); err != nil {
		t.Fatal(err)
	}
}

// TestOnCall prints who is on duty, with numbers, at a given time: the
// demo's IT on-call rotation and its swap.
func TestOnCall(t *testing.T) {
	db := demoDB(t)
	tests := []struct {
		at, want string
	}{
		{"2026-11-26T02:00", `IT-Rufbereitschaft +Felix Brandt +\+49 171 39200 32.*on-call roster until .*, then Tobias Wendt`},
		{"2026-12-24T20:00", `IT-Rufbereitschaft +Aylin Demir +\+49 171 39200 22.*stands in`},
	}
	for _, tt := range tests {
		r := run(t, "--db", db, "on-call", "--at", tt.at)
		if r.code != 0 || !regexp.MustCompile(tt.want).MatchString(r.stdout) {
			t.Errorf("on-call at %s: %+v, want %q", tt.at, r, tt.want)
		}
		if !strings.Contains(r.stdout, "Datenschutz") || !strings.Contains(r.stdout, "Dr. Henrik Lange") || !strings.Contains(r.stdout, "+49 171 39200 51") {
			t.Errorf("on-call lists every role with numbers: %s", r.stdout)
		}
	}
	r := run(t, "--db", db, "on-call", "--at", "2026-12-24T20:00", "--weeks", "8")
	if r.code != 0 || !strings.Contains(r.stdout, "On-call roster IT-Rufbereitschaft") || !strings.Contains(r.stdout, "swap: instead of Felix Brandt") ||
		strings.Count(r.stdout, " – ") != 9 {
		t.Errorf("roster: %+v", r)
	}
	if r := run(t, "--db", db, "on-call", "--at", "Weihnachten"); r.code != 2 {
		t.Errorf("bad time: %+v", r)
	}
}
