package exchange

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"ernstfall/data"
	"ernstfall/internal/handbook"
)

// richHandbook is the demo handbook plus records with the values front
// matter has to quote, fold or keep exactly.
func richHandbook(t *testing.T) handbook.Handbook {
	t.Helper()
	hb, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range sampleContacts() {
		// IDs of their own: the first sample shares one with a demo contact.
		c.ID = fmt.Sprintf("01a0f6b1-4000-7000-8000-%012d", i+1)
		hb.Contacts = append(hb.Contacts, c)
	}
	at := time.Date(2026, 10, 1, 9, 0, 0, 123000000, time.UTC)
	rec := func(id string) handbook.Record { return handbook.Record{ID: id, CreatedAt: at, UpdatedAt: at} }
	hb.Playbooks = append(hb.Playbooks,
		handbook.Playbook{Record: rec("01a0f6b1-3000-7000-8000-000000000001"), Title: "true", Summary: "- beginnt mit Strich: und # Kommentar",
			IncidentType: handbook.TypeOther, Severity: handbook.SeverityLow,
			Review: handbook.Review{Owner: "'IT-Lead'", ReviewIntervalDays: 90, LastReviewedAt: at},
			Body:   "kein Zeilenende am Schluss\n---\nTrennlinie im Text"},
		handbook.Playbook{Record: rec("01a0f6b1-3000-7000-8000-000000000002"), Title: "Zwei\nZeilen: mit \"Anführung\"", Summary: "erste Zeile \nzweite Zeile\n\n",
			Body: "\n\n## Sofortmaßnahmen\r\n- [ ] Windows-Zeilenende\n\n"},
		handbook.Playbook{Record: rec("01a0f6b1-3000-7000-8000-000000000003"), Title: "true", Summary: "  führende Leerzeichen\nund zweite Zeile", Body: ""},
	)
	hb.Services = append(hb.Services, handbook.Service{Record: rec("01a0f6b1-3000-7000-8000-000000000004"), Name: "Leerer Dienst",
		DependsOn: []string{"a, b", "[x]"}, ManualFallback: "Zettel\n  eingerückt\n\tTab", RTO: 0, RPO: 15, MTD: 60})
	hb.Incidents = []handbook.Incident{{Record: rec("01a0f6b1-3000-7000-8000-000000000005"), Title: "Übung", StartedAt: at,
		Level: 2, Clocks: []string{"gdpr33"}, Summary: "Zeile 1\nZeile 2"}}
	hb.LogEntries = []handbook.LogEntry{{Record: rec("01a0f6b1-3000-7000-8000-000000000006"), IncidentID: "01a0f6b1-3000-7000-8000-000000000005", At: at, Text: "Start"}}
	hb.Processes = append(hb.Processes, handbook.BusinessProcess{Record: rec("01a0f6b1-3000-7000-8000-000000000007"), Name: "yes",
		Impact:     handbook.Impact{{Category: "umwelt-2", At: 90}: 1, {Category: "financial", At: 36 * handbook.Hour}: 4, {Category: "legal", At: handbook.Month}: 2},
		ImpactNote: "Zeile 1\n\nZeile 3: # kein Kommentar", RTO: 0, RPO: 5, PlanDuration: handbook.Week, PlanCapacity: "50 %: manuell",
		DependsOn: []string{"01a0f6b1-3000-7000-8000-000000000008"}, ContinuityPlan: "- [ ] erster Schritt\n---\n- [ ] nach der Linie"},
		handbook.BusinessProcess{Record: rec("01a0f6b1-3000-7000-8000-000000000008"), Name: "Ohne Bewertung"})
	hb.Sites = append(hb.Sites, handbook.Site{Record: rec("01a0f6b1-3000-7000-8000-000000000009"), Name: "Keller: Raum 0.1",
		Address: "Straße 1\n\n12345 Ort", Access: "  eingerückt\nCode: 1234", Alternate: "01a0f6b1-3000-7000-8000-00000000000a",
		KitCheckedAt: at, KitCheckDays: 30, Kit: ""})
	hb.Suppliers = append(hb.Suppliers, handbook.Supplier{Record: rec("01a0f6b1-3000-7000-8000-00000000000b"), Name: "null",
		ContractNumber: "0042", CustomerNumber: "-12", Hotline24x7: true, SLAResponse: 1, Notes: "# Überschrift im Text"})
	return hb
}

func TestFolderRoundTrip(t *testing.T) {
	want := richHandbook(t).Live()
	dir := filepath.Join(t.TempDir(), "handbuch")
	ctx := context.Background()
	if err := WriteFolder(ctx, dir, want); err != nil {
		t.Fatal(err)
	}
	// Writing again over the earlier export replaces it.
	if err := WriteFolder(ctx, dir, want); err != nil {
		t.Fatalf("second export over the first: %v", err)
	}
	got, ours, err := ReadFolder(ctx, dir)
	if err != nil || !ours {
		t.Fatalf("read back: %v (ours %v)", err, ours)
	}
	got = got.Live()
	if !reflect.DeepEqual(got.Settings, want.Settings) {
		t.Errorf("settings = %+v, want %+v", got.Settings, want.Settings)
	}
	compareLists(t, "contact", got.Contacts, want.Contacts)
	compareLists(t, "role", got.Roles, want.Roles)
	compareLists(t, "escalation", got.Escalation, want.Escalation)
	compareLists(t, "playbook", got.Playbooks, want.Playbooks)
	compareLists(t, "template", got.CommTemplates, want.CommTemplates)
	compareLists(t, "service", got.Services, want.Services)
	compareLists(t, "risk", got.Risks, want.Risks)
	compareLists(t, "incident", got.Incidents, want.Incidents)
	compareLists(t, "log entry", got.LogEntries, want.LogEntries)
	compareLists(t, "exercise", got.Exercises, want.Exercises)
	compareLists(t, "action", got.Actions, want.Actions)
	compareLists(t, "copy", got.Copies, want.Copies)
	compareLists(t, "release", got.Releases, want.Releases)
	compareLists(t, "review", got.Reviews, want.Reviews)
	compareLists(t, "printout", got.Printouts, want.Printouts)
	compareLists(t, "copy exchange", got.Exchanges, want.Exchanges)
	compareLists(t, "process", got.Processes, want.Processes)
	compareLists(t, "site", got.Sites, want.Sites)
	compareLists(t, "supplier", got.Suppliers, want.Suppliers)

	t.Run("files are readable without the app", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join(dir, "playbooks", "*.md"))
		if len(files) != len(want.Playbooks) {
			t.Fatalf("%d playbook files for %d playbooks", len(files), len(want.Playbooks))
		}
		text, err := os.ReadFile(filepath.Join(dir, "playbooks", "ransomware-angriff.md"))
		if err != nil {
			entries, _ := os.ReadDir(filepath.Join(dir, "playbooks"))
			t.Fatalf("%v; files: %v", err, entries)
		}
		for _, w := range []string{"---\nid: ", "\ntitle: Ransomware-Angriff\n", "\nseverity: critical\n", "\n## "} {
			if !strings.Contains(string(text), w) {
				t.Errorf("playbook file lacks %q:\n%s", w, text)
			}
		}
		text, err = os.ReadFile(filepath.Join(dir, "processes", "versand.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"\nname: Versand\n", "\nimpact.customers.1d: 4\n", "\nimpact.safety.30d: 1\n", "\n## Notbetrieb\n"} {
			if !strings.Contains(string(text), w) {
				t.Errorf("process file lacks %q:\n%s", w, text)
			}
		}
		text, err = os.ReadFile(filepath.Join(dir, "sites", "ausweichstandort-lueneburg.md"))
		if err != nil || !strings.Contains(string(text), "\n- [ ] 5 Notebooks") {
			t.Errorf("site file: %v\n%s", err, text)
		}
	})
}

func compareLists[T any, P interface {
	*T
	handbook.Item
}](t *testing.T, what string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d records, want %d", what, len(got), len(want))
		return
	}
	byID := func(a, b T) int { return strings.Compare(P(&a).Meta().ID, P(&b).Meta().ID) }
	slices.SortFunc(got, byID)
	slices.SortFunc(want, byID)
	for i := range want {
		diffFields(t, what+" "+P(&want[i]).Label(), reflect.ValueOf(got[i]), reflect.ValueOf(want[i]))
	}
}

func TestFolderBadInput(t *testing.T) {
	ctx := context.Background()
	hb := richHandbook(t).Live()
	tests := []struct {
		name  string
		edit  func(dir string) error
		wants []string
	}{
		{"unknown key", func(dir string) error {
			return replaceIn(filepath.Join(dir, "playbooks", "ransomware-angriff.md"), "\nseverity: critical\n", "\nseverity: critical\nseverty: high\n")
		}, []string{"ransomware-angriff.md", "line ", `unknown key "severty"`}},
		{"wrong type", func(dir string) error {
			return replaceIn(filepath.Join(dir, "playbooks", "ransomware-angriff.md"), "review_interval_days: ", "review_interval_days: halbjährlich #")
		}, []string{"ransomware-angriff.md", "line "}},
		{"impact cell of no time point", func(dir string) error {
			return replaceIn(filepath.Join(dir, "processes", "versand.md"), "\nimpact.customers.1d: 4\n", "\nimpact.customers.24h: 4\n")
		}, []string{"versand.md", "line ", `"impact.customers.24h" names no cell`}},
		{"impact rating in words", func(dir string) error {
			return replaceIn(filepath.Join(dir, "processes", "versand.md"), "\nimpact.customers.1d: 4\n", "\nimpact.customers.1d: hoch\n")
		}, []string{"versand.md", "line ", `"hoch" is not a whole number`}},
		{"unknown key of a supplier", func(dir string) error {
			return replaceIn(filepath.Join(dir, "suppliers", "payflux-payments-gmbh.md"), "\nname: ", "\nimpact.financial.1d: 3\nname: ")
		}, []string{"payflux-payments-gmbh.md", "line ", `unknown key "impact.financial.1d"`}},
		{"no closing fence", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "templates", "kaputt.md"), []byte("---\ntitle: x\n"), 0o644)
		}, []string{"kaputt.md", "line 1", "no closing"}},
		{"bad contacts row", func(dir string) error {
			return replaceIn(filepath.Join(dir, "contacts.csv"), "k.albers@example.com,", "k.albers@example.com,x,y,")
		}, []string{"contacts.csv", "line ", "fields"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "h")
			if err := WriteFolder(ctx, dir, hb); err != nil {
				t.Fatal(err)
			}
			if err := tt.edit(dir); err != nil {
				t.Fatal(err)
			}
			_, _, err := ReadFolder(ctx, dir)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	t.Run("export refuses a folder with other files", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "fremd.txt"), []byte("x"), 0o644)
		if err := WriteFolder(ctx, dir, hb); !errors.Is(err, ErrFolderNotEmpty) {
			t.Errorf("err = %v, want ErrFolderNotEmpty", err)
		}
	})
}

func replaceIn(path, old, new string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !strings.Contains(string(data), old) {
		return errors.New(path + " lacks " + old)
	}
	return os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644)
}

func TestPlainMarkdownFolder(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"ddos.md":              "# DDoS-Angriff\n\n## Sofortmaßnahmen\n- [ ] Provider anrufen @IT-Lead (15 min)\n",
		"wiki/saas/ausfall.md": "Vorwort ohne Überschrift\n\n```\n# kein Titel im Code\n```\n\n## Schritte\n- [ ] Status prüfen\n",
		"wiki/datenverlust.md": "\ufeff## Datenverlust ##\r\n\r\n- [ ] Backup prüfen\r\n",
		"README.md":            "# Übersicht\n",
		".git/HEAD.md":         "# nicht lesen\n",
		"bilder/logo.png":      "\x89PNG\x00",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hb, ours, err := ReadFolder(context.Background(), dir)
	if err != nil || ours {
		t.Fatalf("read: %v (ours %v)", err, ours)
	}
	got := map[string]string{}
	for _, p := range hb.Playbooks {
		got[p.Title] = p.Body
	}
	want := map[string]string{
		"DDoS-Angriff": "## Sofortmaßnahmen\n- [ ] Provider anrufen @IT-Lead (15 min)",
		"ausfall":      "Vorwort ohne Überschrift\n\n```\n# kein Titel im Code\n```\n\n## Schritte\n- [ ] Status prüfen",
		"Datenverlust": "- [ ] Backup prüfen",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("playbooks = %q\nwant %q", got, want)
	}
	existing := []handbook.Playbook{{Record: handbook.Record{ID: "p-ddos"}, Title: "ddos-angriff", Severity: handbook.SeverityHigh, Body: "alt"}}
	matched := MatchPlaybooks(hb.Playbooks, existing, testNow)
	for _, p := range matched {
		switch {
		case p.Title == "ddos-angriff":
			if p.ID != "p-ddos" || p.Severity != handbook.SeverityHigh || !strings.HasPrefix(p.Body, "## Sofort") || !p.UpdatedAt.Equal(testNow) {
				t.Errorf("matched by title = %+v", p)
			}
		case p.ID == "" || p.CreatedAt.IsZero():
			t.Errorf("new playbook without ID or time: %+v", p)
		}
	}
	d := Diff(handbook.Handbook{Playbooks: existing}, handbook.Handbook{Playbooks: matched})
	if len(d) != 1 || d[0].New != 2 || d[0].Changed != 1 {
		t.Errorf("diff = %+v", d)
	}
}

func TestFrontMatterValues(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  handbook.Service
		err   string
	}{
		{"flow and block lists, quotes", []string{`name: 'Kasse ''Nord'''`, "depends_on: [a, \"b, c\"]", "resources:", "  - x", "  - \"y\"", "rto_minutes: 30"},
			handbook.Service{Name: "Kasse 'Nord'", DependsOn: []string{"a", "b, c"}, Resources: []string{"x", "y"}, RTO: 30}, ""},
		{"literal keep", []string{"manual_fallback: |+", "  a", "", "", "name: n"}, handbook.Service{Name: "n", ManualFallback: "a\n\n\n"}, ""},
		{"duplicate key", []string{"name: a", "name: b"}, handbook.Service{}, "line 3: key \"name\" given twice"},
		{"list for text", []string{"name: [a]"}, handbook.Service{}, "line 2: name: a list is not allowed"},
		{"text for list", []string{"depends_on: a"}, handbook.Service{}, "expected a list"},
		{"anchor", []string{"name: &x a"}, handbook.Service{}, "unsupported YAML value"},
		{"bad escape", []string{`name: "a\q"`}, handbook.Service{}, "bad double-quoted"},
		{"not key value", []string{"just text"}, handbook.Service{}, "line 2: expected"},
		{"bad block header", []string{"name: |2", "  x"}, handbook.Service{}, "unsupported block header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got handbook.Service
			err := decodeFrontMatter(tt.lines, &got)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
