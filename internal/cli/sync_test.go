package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// runAt runs a command with a clock that moves on, as real syncs do.
func runAt(t *testing.T, clock *time.Time, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, ConfigDir: t.TempDir(), Now: func() time.Time {
		*clock = clock.Add(time.Second)
		return *clock
	}}
	code := Run(context.Background(), args, env)
	return result{code, out.String(), errb.String()}
}

// setPhone rewrites the mobile number of the contact on the CSV's first
// data row and returns the header and that row only.
func setPhone(t *testing.T, csvText, phone string) string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(csvText)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("exported csv unreadable (%v): %q", err, csvText)
	}
	rows[1][5] = phone
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.WriteAll(rows[:2])
	return buf.String()
}

func TestSyncTwoDatabasesByCommandLine(t *testing.T) {
	clock := now
	dir := t.TempDir()
	folder := filepath.Join(dir, "share")
	os.Mkdir(folder, 0o755)
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	if r := runAt(t, &clock, "--db", a, "init", "--demo"); r.code != 0 {
		t.Fatalf("init a: %+v", r)
	}
	if r := runAt(t, &clock, "--db", b, "init"); r.code != 0 {
		t.Fatalf("init b: %+v", r)
	}
	steps := []struct {
		name string
		db   string
		args []string
		want string
	}{
		{"a shares the demo", a, []string{"--as", "Jonas Petersen", "sync", "--folder", folder, "--device-name", "Laptop A"}, "sent "},
		{"b asks to join", b, []string{"sync", "--folder", folder, "--device-name", "Laptop B"}, "its fingerprint: "},
		{"a sees the request", a, []string{"devices"}, "\"Laptop B\""},
		{"a admits b", a, []string{"devices", "admit", "Laptop B"}, "admitted \"Laptop B\""},
		{"b joins and names who made the changes", b, []string{"sync", "--folder", folder}, "changes by Jonas Petersen"},
		{"b has nothing to send", b, []string{"sync", "--folder", folder}, "sent nothing"},
		{"no conflicts yet", b, []string{"conflicts"}, "no open conflicts"},
	}
	for _, s := range steps {
		r := runAt(t, &clock, append([]string{"--db", s.db}, s.args...)...)
		if r.code != 0 || !strings.Contains(r.stdout, s.want) {
			t.Fatalf("%s: %+v, want %q", s.name, r, s.want)
		}
	}
	// Both laptops change the same phone number offline, by CSV.
	ra := runAt(t, &clock, "--db", a, "export", "--format", "csv", "-o", "-")
	rb := runAt(t, &clock, "--db", b, "export", "--format", "csv", "-o", "-")
	if ra.code != 0 || ra.stdout != rb.stdout || !strings.HasPrefix(ra.stdout, "id,name,organisation") {
		t.Fatalf("exports after joining differ or failed:\n%s\n---\n%s\n%s", ra.stdout, rb.stdout, ra.stderr)
	}
	for _, side := range []struct{ db, phone string }{{a, "+49 170 1111"}, {b, "+49 170 2222"}} {
		text := setPhone(t, ra.stdout, side.phone)
		file := filepath.Join(dir, filepath.Base(side.db)+".csv")
		os.WriteFile(file, []byte(text), 0o644)
		if r := runAt(t, &clock, "--db", side.db, "import", file); r.code != 0 || !strings.Contains(r.stdout, "1 contacts changed") {
			t.Fatalf("import csv: %+v", r)
		}
	}
	for _, db := range []string{a, b, a} {
		if r := runAt(t, &clock, "--db", db, "sync", "--folder", folder); r.code != 0 {
			t.Fatalf("sync: %+v", r)
		}
	}
	ra = runAt(t, &clock, "--db", a, "export", "--format", "csv", "-o", "-")
	rb = runAt(t, &clock, "--db", b, "export", "--format", "csv", "-o", "-")
	if ra.stdout != rb.stdout {
		t.Fatalf("laptops differ after sync:\n%s\n---\n%s", ra.stdout, rb.stdout)
	}
	if !strings.Contains(ra.stdout, "+49 170 2222") && !strings.Contains(ra.stdout, "+49 170 1111") {
		t.Fatalf("neither edit survived:\n%s", ra.stdout)
	}
	for _, db := range []string{a, b} {
		r := runAt(t, &clock, "--db", db, "conflicts")
		if r.code != 0 || !strings.Contains(r.stdout, "1 open conflicts") || !strings.Contains(r.stdout, "phone_mobile") ||
			!strings.Contains(r.stdout, "+49 170 1111") || !strings.Contains(r.stdout, "+49 170 2222") ||
			!strings.Contains(r.stdout, "Laptop A") || !strings.Contains(r.stdout, "Laptop B") {
			t.Errorf("conflicts on %s: %+v", filepath.Base(db), r)
		}
		t.Logf("%s:\n%s", filepath.Base(db), r.stdout)
	}
}

func TestContactsCSVRoundTrip(t *testing.T) {
	clock := now
	db := demoDB(t)
	file := filepath.Join(t.TempDir(), "contacts.csv")
	if r := runAt(t, &clock, "--db", db, "export", "--format", "csv", "-o", file); r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	tests := []struct {
		name    string
		content func(orig string) string
		code    int
		want    string
	}{
		{"unchanged file changes nothing", func(o string) string { return o }, 0, "0 contacts changed"},
		{"edited phone updates by id", func(o string) string { return setPhone(t, o, "+49 30 999") }, 0, "1 contacts changed"},
		{"new row without id adds a contact", func(o string) string {
			return csvHeader(o) + "\n,Neue Person,,,,,,,neu@example.com,,,,false,,,,\n"
		}, 0, "1 contacts changed"},
		{"unknown column is refused", func(o string) string { return "id,nmae\nx,y\n" }, 1, "unknown column"},
		{"invalid contact is refused whole", func(o string) string {
			return "id,name,email\n,Ohne Kanal,\n"
		}, 1, "nothing was imported"},
	}
	orig, _ := os.ReadFile(file)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "in.csv")
			os.WriteFile(in, []byte(tt.content(string(orig))), 0o644)
			r := runAt(t, &clock, "--db", db, "import", in)
			if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Errorf("import: %+v, want code %d and %q", r, tt.code, tt.want)
			}
		})
	}
}

// csvHeader returns the header row of an exported CSV.
func csvHeader(csvText string) string {
	head, _, _ := strings.Cut(csvText, "\n")
	return head
}

// Two laptops that each loaded the demo hold the same handbook: they sync
// without refusal and without conflicts.
func TestTwoDemoLaptopsSync(t *testing.T) {
	a, b := demoDB(t), demoDB(t)
	folder := t.TempDir()
	steps := [][]string{
		{a, "sync", "--folder", folder},
		{b, "sync", "--folder", folder},
		{a, "devices", "admit", "--all-pending", "--folder", folder},
		{b, "sync", "--folder", folder},
		{a, "sync", "--folder", folder},
	}
	for _, s := range steps {
		if r := run(t, append([]string{"--db"}, s...)...); r.code != 0 {
			t.Fatalf("%v: %+v", s, r)
		}
	}
	r := run(t, "--db", b, "devices", "--json")
	var team struct {
		Member  bool
		Devices []struct{ Status string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &team); err != nil || !team.Member || len(team.Devices) != 2 {
		t.Fatalf("b's team listing: %+v (%v)", r, err)
	}
	for _, db := range []string{a, b} {
		r := run(t, "--db", db, "conflicts")
		if r.code != 0 || !strings.Contains(r.stdout, "no open conflicts") {
			t.Errorf("conflicts on %s: %+v", db, r)
		}
	}
}

// A laptop whose clock runs hours ahead is named in the sync report of the
// others, with how far ahead it is.
func TestSyncWarnsOfClockAhead(t *testing.T) {
	folder := t.TempDir()
	ahead := filepath.Join(t.TempDir(), "ahead.db")
	runAt := func(at time.Time, args ...string) result {
		var out, errb bytes.Buffer
		env := &Env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return at }, ConfigDir: t.TempDir()}
		code := Run(context.Background(), args, env)
		return result{code, out.String(), errb.String()}
	}
	if r := runAt(now.Add(5*time.Hour), "--db", ahead, "init", "--demo"); r.code != 0 {
		t.Fatal(r)
	}
	if r := runAt(now.Add(5*time.Hour), "--db", ahead, "sync", "--folder", folder, "--device-name", "Laptop Vorlauf"); r.code != 0 {
		t.Fatal(r)
	}
	other := filepath.Join(t.TempDir(), "other.db")
	run(t, "--db", other, "init")
	run(t, "--db", other, "sync", "--folder", folder)
	if r := runAt(now.Add(5*time.Hour), "--db", ahead, "devices", "admit", "--all-pending"); r.code != 0 {
		t.Fatal(r)
	}
	r := run(t, "--db", other, "sync", "--folder", folder)
	if r.code != 0 || !strings.Contains(r.stdout, "warning: the clock of Laptop Vorlauf runs 5 h ahead") {
		t.Errorf("sync report: %+v", r)
	}
}

// A laptop that deletes most of the handbook is held back on the others:
// the report says so and how to decide; --accept-deletions applies it.
func TestSyncHoldsMassDeletion(t *testing.T) {
	ctx := context.Background()
	a, b := demoDB(t), filepath.Join(t.TempDir(), "b.db")
	folder := t.TempDir()
	run(t, "--db", b, "init")
	for _, s := range [][]string{
		{a, "sync", "--folder", folder, "--device-name", "Laptop A"},
		{b, "sync", "--folder", folder, "--device-name", "Laptop B"},
		{a, "devices", "admit", "--all-pending"},
		{b, "sync", "--folder", folder},
	} {
		if r := run(t, append([]string{"--db"}, s...)...); r.code != 0 {
			t.Fatalf("%v: %+v", s, r)
		}
	}
	st, err := store.Open(ctx, b, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	contacts, err := store.List[handbook.Contact](ctx, st)
	if err != nil || len(contacts) < 30 {
		t.Fatalf("B has %d contacts (%v)", len(contacts), err)
	}
	for _, c := range contacts {
		if err := st.Delete(ctx, handbook.EntityContact, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	run(t, "--db", b, "sync", "--folder", folder)
	r := run(t, "--db", a, "sync", "--folder", folder)
	want := fmt.Sprintf("held: Laptop B would delete %d of", len(contacts))
	if r.code != 0 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "--accept-deletions") {
		t.Fatalf("sync report: %+v, want %q", r, want)
	}
	if r := run(t, "--db", a, "search", contacts[0].Name); !strings.Contains(r.stdout, contacts[0].Name) {
		t.Fatalf("a held deletion was applied: %+v", r)
	}
	r = run(t, "--db", a, "sync", "--folder", folder, "--accept-deletions")
	if r.code != 0 || strings.Contains(r.stdout, "held:") {
		t.Fatalf("accepting: %+v", r)
	}
	// Other records may mention the person (a site's access notes); the
	// contact itself must be gone.
	if r := run(t, "--db", a, "search", contacts[0].Name); strings.Contains(r.stdout, "contact ") {
		t.Errorf("the accepted deletion was not applied: %+v", r)
	}
}
