package handbook

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMessagePlaceholders(t *testing.T) {
	loc := berlin(t)
	now := time.Date(2026, 11, 10, 14, 0, 0, 0, loc) // Bert's week on the roster
	hb := rosterHandbook(weekly())
	hb.Settings = Settings{Organisation: "Nordlicht Commerce GmbH", Address: "Speicherstraße 12, 20457 Hamburg"}
	hb.Contacts = append(hb.Contacts,
		Contact{Record: Record{ID: "dpo"}, Name: "Dr. Henrik Lange", Function: "Datenschutzbeauftragter", PhoneOffice: "+49 40 66969 510", Email: "datenschutz@example.com"},
		Contact{Record: Record{ID: "own"}, Name: "Aylin Demir", PhoneMobile: "+49 171 39200 22"},
		Contact{Record: Record{ID: "pr"}, Name: "Miriam Scholz", PhoneMobile: "+49 171 39200 41"})
	hb.Roles = append(hb.Roles,
		Role{Record: Record{ID: "rd"}, Name: "Datenschutz", Holders: []string{"dpo"}},
		Role{Record: Record{ID: "ro"}, Name: "Incident-Owner", Holders: []string{"own"}},
		Role{Record: Record{ID: "rk"}, Name: "Kommunikation", Holders: []string{"pr"}})
	aware := time.Date(2026, 11, 9, 22, 15, 0, 0, loc)
	inc := Incident{Record: Record{ID: "i"}, Title: "Datenabfluss", Severity: SeverityHigh, OwnerRole: "ro",
		AwareAt: aware, StartedAt: aware.Add(3 * time.Hour), Impact: "Shop langsam", NextUpdate: now.Add(2 * time.Hour)}
	hb.LogEntries = []LogEntry{{Record: Record{ID: "l1"}, IncidentID: "i", Kind: LogImpact, Text: "Kundendaten betroffen", At: now.Add(-time.Hour)}}
	m := Message{Handbook: hb, Incident: inc, At: now, Loc: loc, Author: "Jonas Petersen", Initials: "JP"}
	tests := []struct {
		src, want string
		tpl       CommTemplate
	}{
		{src: "{{role:Datenschutz.name}}, {{role:Datenschutz.phone}}, {{role:datenschutz.email}}", want: "Dr. Henrik Lange, +49 40 66969 510, datenschutz@example.com"},
		{src: "{{role:Datenschutz.function}} / {{role:Datenschutz.mobile}}", want: "Datenschutzbeauftragter / {{role:Datenschutz.mobile}}"},
		{src: "{{role:IT Rufbereitschaft.name}} {{role:IT-Rufbereitschaft.phone}}", want: "Bert +49 171 39200 11"},
		{src: "{{incident.aware_at}} / {{incident.started}}", want: "09.11.2026 22:15 / 10.11.2026 01:15"},
		{src: "{{incident.impact}}", want: "Kundendaten betroffen"},
		{src: "{{incident.next_update}} = {{next_update}}", want: "10.11.2026 16:00 = 10.11.2026 16:00"},
		{src: "{{company.name}}, {{company.address}}", want: "Nordlicht Commerce GmbH, Speicherstraße 12, 20457 Hamburg"},
		{src: "{{incident.owner}} {{incident.owner.phone}}", want: "Aylin Demir +49 171 39200 22"},
		{src: "{{author.name}} ({{author.initials}}), {{now}}", want: "Jonas Petersen (JP), 10.11.2026 14:00"},
		{src: "{{contact.name}}", want: "Aylin Demir"},
		{src: "{{contact.name}}, {{contact.phone}}", want: "Miriam Scholz, +49 171 39200 41", tpl: CommTemplate{ContactRole: "rk"}},
		{src: "{{role:Gibtsnicht.name}} {{incident.foo}} {{role:Datenschutz.shoe}}", want: "{{role:Gibtsnicht.name}} {{incident.foo}} {{role:Datenschutz.shoe}}"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			tpl := tt.tpl
			tpl.Body = tt.src
			if _, got := m.Fill(tpl); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
	unknown := UnknownPlaceholders(hb, "{{incident.title}} {{role:Gibtsnicht.name}}", "{{incident.foo}} {{role:Datenschutz.shoe}} {{role:ROLE.name}} {{incident.foo}} {{contact.phone}} {{next_update}}")
	if want := []string{"role:Gibtsnicht.name", "incident.foo", "role:Datenschutz.shoe", "role:ROLE.name"}; !slices.Equal(unknown, want) {
		t.Errorf("unknown placeholders %q, want %q", unknown, want)
	}
	for _, p := range Placeholders {
		if strings.Contains(p.Name, "ROLE") {
			continue
		}
		if u := UnknownPlaceholders(hb, "{{"+p.Name+"}}"); len(u) > 0 {
			t.Errorf("the table's own placeholder %s counts as unknown", p.Name)
		}
	}
}

// TestPlaceholderTableDocumented: the README's table names every
// placeholder of the table the code uses.
func TestPlaceholderTableDocumented(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Placeholders {
		if row := "| `{{" + p.Name + "}}` | " + p.Meaning + " |"; !strings.Contains(string(readme), row) {
			t.Errorf("README lacks the row %q", row)
		}
	}
}
