package exchange

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

func backupJSON(t *testing.T, handbookPart string) []byte {
	t.Helper()
	return []byte(`{"format":"ernstfall-backup","version":1,"handbook_id":"01a0f6b1-0000-7000-8000-00000000aaaa","handbook":` + handbookPart + `}`)
}

// TestReadBackupRefuses: a JSON backup is a restore; it is refused whole,
// naming the records, when two records share an ID, when an ID is not a
// UUID, or when it holds no handbook at all.
func TestReadBackupRefuses(t *testing.T) {
	const a, b = "01a0f6b1-2680-73cc-9707-eaa752135cb1", "01a0f6b1-2680-73cc-9707-eaa752135cb2"
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"handbook missing", []byte(`{"format":"ernstfall-backup","version":1}`), []string{"no handbook"}},
		{"handbook null", backupJSON(t, `null`), []string{"no handbook"}},
		{"handbook empty", backupJSON(t, `{}`), []string{"no records"}},
		{"handbook with empty lists", backupJSON(t, `{"settings":{},"contacts":[],"playbooks":null}`), []string{"no records"}},
		{"duplicate id", backupJSON(t, `{"contacts":[{"id":"`+a+`","name":"Anna","email":"a@example.org"},{"id":"`+b+`","name":"Bernd","email":"b@example.org"},{"id":"`+a+`","name":"Anna Kopie","email":"k@example.org"}]}`),
			[]string{a, `contact "Anna"`, `contact "Anna Kopie"`}},
		{"duplicate id across kinds", backupJSON(t, `{"contacts":[{"id":"`+a+`","name":"Anna","email":"a@example.org"}],"roles":[{"id":"`+a+`","name":"IT-Lead"}]}`),
			[]string{a, `contact "Anna"`, `role "IT-Lead"`}},
		{"id not a UUID", backupJSON(t, `{"contacts":[{"id":"c1","name":"Anna","email":"a@example.org"}]}`), []string{`"c1"`, `contact "Anna"`, "UUID"}},
		{"id in braces", backupJSON(t, `{"contacts":[{"id":"{`+a+`}","name":"Anna","email":"a@example.org"}]}`), []string{"UUID"}},
		{"id missing", backupJSON(t, `{"playbooks":[{"title":"Ohne ID"}]}`), []string{`playbook "Ohne ID"`, "no id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadBackup("sicherung.json", tc.data)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrBackup) || !strings.Contains(err.Error(), "sicherung.json") {
				t.Errorf("err = %v, want ErrBackup naming the file", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestPlanRestore: records marked deleted in a backup never delete live
// records unless mirror is asked for; with mirror, the handbook becomes
// the backup (records it lacks are deleted too, log entries excepted).
func TestPlanRestore(t *testing.T) {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	id := func(n int) string {
		return "01a0f6b1-2680-73cc-9707-0000000000" + string(rune('0'+n/10)) + string(rune('0'+n%10))
	}
	c := func(n int, name string, deleted bool) handbook.Contact {
		return handbook.Contact{Record: handbook.Record{ID: id(n), Deleted: deleted}, Name: name, Email: "x@example.org"}
	}
	existing := handbook.Handbook{
		Contacts:   []handbook.Contact{c(1, "Anna", false), c(2, "Bernd", false), c(3, "Carla", false), c(4, "Dora (gelöscht)", true)},
		LogEntries: []handbook.LogEntry{{Record: handbook.Record{ID: id(20)}, IncidentID: id(21), Text: "Start", At: now}},
	}
	backup := handbook.Handbook{Contacts: []handbook.Contact{c(1, "Anna", false), c(2, "Bernd", true), c(5, "Emil", false)}}

	p := PlanRestore(existing, backup, false, now)
	if got := names(p.Write.Contacts); got != "Anna|Emil" {
		t.Errorf("without mirror writes %q", got)
	}
	if p.Deletes() != 0 || p.KeptDeleted() != 1 {
		t.Errorf("without mirror: %d deletes, %d kept, want 0 and 1", p.Deletes(), p.KeptDeleted())
	}

	m := PlanRestore(existing, backup, true, now)
	deleted := map[string]bool{}
	for _, x := range m.Write.Contacts {
		if x.Deleted {
			deleted[x.Name] = true
			if !x.UpdatedAt.Equal(now) {
				t.Errorf("deletion of %s not stamped now", x.Name)
			}
		}
	}
	if !deleted["Bernd"] || !deleted["Carla"] || deleted["Anna"] || deleted["Dora (gelöscht)"] || len(deleted) != 2 {
		t.Errorf("mirror deletes %v, want Bernd and Carla", deleted)
	}
	if m.Deletes() != 2 || len(m.Write.LogEntries) != 0 || m.KeptLog() != 1 {
		t.Errorf("mirror: %d deletes, %d log entries written, %d kept; want 2, 0, 1", m.Deletes(), len(m.Write.LogEntries), m.KeptLog())
	}
	var sawContacts bool
	for _, d := range m.Counts {
		if d.Entity == handbook.EntityContact {
			sawContacts = true
			if d.New != 1 || d.Unchanged != 1 || d.Deleted != 2 {
				t.Errorf("contact counts %+v", d)
			}
		}
	}
	if !sawContacts {
		t.Errorf("no contact counts in %+v", m.Counts)
	}
}

func names(cs []handbook.Contact) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return strings.Join(out, "|")
}

// TestReadBackupRoundTrip: what WriteBackup writes, ReadBackup reads.
func TestReadBackupRoundTrip(t *testing.T) {
	hb := richHandbook(t).Live()
	data, err := MarshalBackup(hb, "01a0f6b1-0000-7000-8000-00000000aaaa", 2, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadBackup("b.json", data)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(b.Handbook)
	want, _ := json.Marshal(hb)
	if string(got) != string(want) || b.HandbookID != "01a0f6b1-0000-7000-8000-00000000aaaa" {
		t.Errorf("round trip differs")
	}
}
