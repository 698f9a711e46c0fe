package cli

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

// firstLine is the first line of a command's output.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}

func TestExerciseCommandLine(t *testing.T) {
	db := demoDB(t)
	clock := now
	do := func(args ...string) result {
		t.Helper()
		return runAt(t, &clock, append([]string{"--db", db}, args...)...)
	}
	ok := func(args ...string) string {
		t.Helper()
		r := do(args...)
		if r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
		return r.stdout
	}

	out := ok("exercise", "plan", "--title", "Planspiel DDoS", "--date", "2026-12-10", "--playbook", "DDoS-Angriff auf die Shop-Plattform",
		"--service", "Webshop", "--objective", "Scrubbing in 15 Minuten aktiv", "--objective", "Händler informiert",
		"--inject", "10|Leitstand|Der Shop antwortet nicht", "--inject", "T+30|Presse|Ein Journalist ruft an", "--role", "IT-Lead",
		"--facilitator", "Lena Hoffmann", "--gdpr")
	if !strings.Contains(out, "planned exercise") || !strings.Contains(out, "Planspiel DDoS") {
		t.Fatalf("plan: %q", out)
	}
	if out := ok("exercises"); !strings.Contains(out, "Planspiel DDoS") || !strings.Contains(out, "planned") || !strings.Contains(out, "Alarmierungstest November 2026") {
		t.Errorf("exercises: %s", out)
	}
	if out := ok("exercises", "--year", "2027"); !strings.Contains(out, "March 2027\n  2027-03-18") || !strings.Contains(out, "September 2027") {
		t.Errorf("year view: %s", out)
	}
	if out := ok("exercises", "--coverage"); !strings.Contains(out, "Ransomware-Angriff") || !strings.Contains(out, "2026-09-17") ||
		!strings.Contains(out, "⚠ never") || !strings.Contains(out, "2026-12-10") {
		t.Errorf("coverage: %s", out)
	}

	start := clock
	out = ok("exercise", "start", "Planspiel DDoS", "--as", "Eva Berg")
	drill := firstLine(out)
	if len(drill) != 36 || !strings.Contains(out, "EXERCISE: started drill "+drill) || !strings.Contains(out, "practice clock:") {
		t.Fatalf("start: %q", out)
	}
	t.Run("the drill is no incident", func(t *testing.T) {
		out := ok("incidents")
		if strings.Contains(out, drill) || !strings.Contains(out, "no incidents") || !strings.Contains(out, "1 exercise drills running") {
			t.Errorf("incidents: %s", out)
		}
		if r := do("incident", "close", drill, "--reports-open-ok"); r.code != 1 || !strings.Contains(r.stderr, "close it with the exercise's evaluation") {
			t.Errorf("incident close of a drill: %+v", r)
		}
	})
	t.Run("injects appear at their time", func(t *testing.T) {
		clock = start.Add(9 * time.Minute)
		if out := ok("exercise", "show", drill); strings.Contains(out, "Der Shop antwortet nicht") || !strings.Contains(out, "2 more to come") {
			t.Errorf("at T+9: %s", out)
		}
		clock = start.Add(10*time.Minute + 30*time.Second)
		if out := ok("exercise", "show", drill); !strings.Contains(out, "Leitstand: Der Shop antwortet nicht") || !strings.Contains(out, "1 more to come") {
			t.Errorf("at T+10: %s", out)
		}
	})
	hb := loadDB(t, db)
	x := hb.Exercises[slices.IndexFunc(hb.Exercises, func(x handbook.Exercise) bool { return x.Title == "Planspiel DDoS" })]
	key := x.Injects[0].Key
	ok("exercise", "log", drill, "--inject", key, "--kind", "decision", "Scrubbing aktiviert")
	ok("exercise", "log", x.ID, "--kind", "inject", "Stromausfall im Büro")
	if r := do("exercise", "log", drill, "--inject", "nope", "x"); r.code != 1 || !strings.Contains(r.stderr, "no inject") {
		t.Errorf("reaction to an unknown inject: %+v", r)
	}
	if out := ok("exercise", "recovery", drill, "--service", "Webshop", "--took", "5 h", "--data-loss", "10"); !strings.Contains(out, "RTO missed") || !strings.Contains(out, "RPO met") {
		t.Errorf("recovery: %s", out)
	}
	if out := ok("exercise", "show", drill); !strings.Contains(out, "→") || !strings.Contains(out, "Scrubbing aktiviert") || !strings.Contains(out, "Stromausfall im Büro") {
		t.Errorf("show after the reactions: %s", out)
	}

	t.Run("close refuses open practice reports, then evaluates", func(t *testing.T) {
		if r := do("exercise", "close", drill, "--summary", "teils"); r.code != 1 || !strings.Contains(r.stderr, "practice reports") {
			t.Errorf("close with practice reports open: %+v", r)
		}
		out := ok("exercise", "close", drill, "--summary", "Ziele teilweise erreicht", "--lessons", "Presse früher", "--reports-open-ok",
			"--went-well", "Alarmierung", "--met", "1", "--not-met", "2",
			"--finding", "Händler zu spät informiert", "--concerns", "playbook:DDoS-Angriff auf die Shop-Plattform",
			"--action", "Händler-Schritt vorziehen", "--owner", "Nina Berger", "--due", "2027-01-31",
			"--finding", "Statusseite vergessen")
		if !strings.Contains(out, "2 findings, 1 actions") {
			t.Errorf("close: %s", out)
		}
		hb := loadDB(t, db)
		x := hb.Exercises[slices.IndexFunc(hb.Exercises, func(x handbook.Exercise) bool { return x.Title == "Planspiel DDoS" })]
		if x.Status != handbook.ExerciseEvaluated || x.Objectives[0].Outcome != handbook.ObjectiveMet || x.Objectives[1].Outcome != handbook.ObjectiveNotMet ||
			len(x.Findings) != 2 || x.Findings[0].Entity != handbook.EntityPlaybook || len(x.Findings[0].Actions) != 1 {
			t.Fatalf("evaluated exercise %+v", x)
		}
		a := hb.Actions[slices.IndexFunc(hb.Actions, func(a handbook.Action) bool { return a.ID == x.Findings[0].Actions[0] })]
		nina := hb.Contacts[slices.IndexFunc(hb.Contacts, func(c handbook.Contact) bool { return c.Name == "Nina Berger" })]
		if a.Owner != nina.ID || a.Due.Format("2006-01-02") != "2027-01-31" || a.SourceID != x.ID {
			t.Errorf("action %+v", a)
		}
	})

	t.Run("the report", func(t *testing.T) {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Skip("pdftotext is not installed")
		}
		pdf := filepath.Join(t.TempDir(), "x.pdf")
		if out := ok("exercise-report", drill, "-o", pdf, "--lang", "en"); !strings.Contains(out, "pages") {
			t.Fatalf("report: %s", out)
		}
		raw, err := exec.Command("pdftotext", "-raw", pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(raw)), " ") // table cells wrap
		for _, want := range []string{"Exercise report", "EXERCISE", "Planspiel DDoS", "Inject 1", "Der Shop antwortet nicht",
			"Reaction to inject 1", "RTO missed", "Händler zu spät informiert", "Händler-Schritt vorziehen", "Nina Berger"} {
			if !strings.Contains(text, want) {
				t.Errorf("report lacks %q", want)
			}
		}
	})

	t.Run("usage errors", func(t *testing.T) {
		for _, args := range [][]string{
			{"exercise"},
			{"exercise", "frobnicate"},
			{"exercise", "plan", "--title", "x"},
			{"exercise", "plan", "--title", "x", "--date", "bald"},
			{"exercise", "plan", "--title", "x", "--date", "2027-01-01", "--kind", "party"},
			{"exercise", "plan", "--title", "x", "--date", "2027-01-01", "--inject", "irgendwann"},
			{"exercise", "start"},
			{"exercise", "close", drill, "--owner", "Nina Berger"},
			{"exercise", "close", drill, "--finding", "x", "--due", "2027-01-01"},
			{"exercise", "recovery", drill, "--service", "Webshop", "--took", "lange"},
			{"alarm-test", "record", drill, "--role", "IT-Lead"},
			{"alarm-test", "record", drill, "--reached"},
		} {
			if r := do(args...); r.code != 2 {
				t.Errorf("%v: exit %d, want 2: %+v", args, r.code, r)
			}
		}
	})
}

func TestAlarmTestCommandLine(t *testing.T) {
	db := demoDB(t)
	clock := now
	do := func(args ...string) result {
		t.Helper()
		return runAt(t, &clock, append([]string{"--db", db}, args...)...)
	}
	r := do("alarm-test", "start", "--title", "Alarmierungstest Dezember", "--as", "Lena Hoffmann")
	if r.code != 0 {
		t.Fatalf("start: %+v", r)
	}
	test := firstLine(r.stdout)
	if !strings.Contains(r.stdout, "Incident-Owner") || !strings.Contains(r.stdout, "next: Incident-Owner – call Aylin Demir") {
		t.Errorf("start prints the plan and the first call: %s", r.stdout)
	}
	// One call a line: the wrong number, then the deputy.
	r = do("alarm-test", "record", test, "--role", "Kommunikation", "--not-reached", "--wrong-number", "--after", "4", "--note", "Kein Anschluss")
	if r.code != 0 || !strings.Contains(r.stdout, "on the verify list: ") || !strings.Contains(r.stdout, "; Number +49 171 39200 41 is wrong (alarm test of 2026-11-26)") {
		t.Errorf("wrong number: %+v", r)
	}
	r = do("alarm-test", "record", test, "--role", "Kommunikation", "--reached", "--after", "7")
	if r.code != 0 || !strings.Contains(r.stdout, "Paul Nguyen (+49 171 39200 42): reached after 7 min") || !strings.Contains(r.stdout, "contact verified") {
		t.Errorf("deputy reached: %+v", r)
	}
	r = do("alarm-test", "record", test, "--role", "IT-Lead", "--contact", "Jonas Petersen", "--reached", "--after", "2", "--number", "+4917139200 21")
	if r.code != 0 || !strings.Contains(r.stdout, "contact verified") {
		t.Errorf("reached on the listed number written without spaces: %+v", r)
	}
	hb := loadDB(t, db)
	byName := func(n string) handbook.Contact {
		return hb.Contacts[slices.IndexFunc(hb.Contacts, func(c handbook.Contact) bool { return c.Name == n })]
	}
	if c := byName("Paul Nguyen"); !c.LastVerifiedAt.After(now) {
		t.Errorf("Paul Nguyen verified at %v, want the call's time", c.LastVerifiedAt)
	}
	if c := byName("Miriam Scholz"); !strings.Contains(c.Correction, "+49 171 39200 41") || c.LastVerifiedAt.After(now) {
		t.Errorf("Miriam Scholz: correction %q, verified %v", c.Correction, c.LastVerifiedAt)
	}
	r = do("alarm-test", "finish", test, "--summary", "zwei Rollen erreicht")
	if r.code != 0 || !strings.Contains(r.stdout, "roles:") || !strings.Contains(r.stdout, "wrong number: Miriam Scholz +49 171 39200 41") ||
		!strings.Contains(r.stdout, "deputy: Paul Nguyen") {
		t.Errorf("finish: %+v", r)
	}
	if r := do("alarm-test", "record", test, "--role", "HR", "--reached"); r.code != 1 || !strings.Contains(r.stderr, "closed") {
		t.Errorf("a call after the finish: %+v", r)
	}
	if r := do("check"); !strings.Contains(r.stdout, "Miriam Scholz") || !strings.Contains(r.stdout, "is wrong") {
		t.Errorf("check names the number to correct: %s", r.stdout)
	}
	if r := do("verify-list", "-o", filepath.Join(t.TempDir(), "v.csv")); r.code != 0 {
		t.Errorf("verify-list: %+v", r)
	}
}
