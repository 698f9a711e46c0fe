package ops

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestExportContacts: the address book files both front ends write come
// from here, and the importer reads every contact back from them.
func TestExportContacts(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	all, err := store.List[handbook.Contact](ctx, o.st)
	if err != nil {
		t.Fatal(err)
	}
	stale := handbook.ToVerify(all, t0, handbook.DefaultStaleAfterDays)
	if len(stale) == 0 || len(stale) == len(all) {
		t.Fatalf("the demo has %d of %d contacts stale; the test needs some of each", len(stale), len(all))
	}
	team := stale[0].Team
	var ofTeam []string
	for _, c := range stale {
		if strings.EqualFold(c.Team, team) {
			ofTeam = append(ofTeam, c.Name)
		}
	}
	names := func(cs []handbook.Contact) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	tests := []struct {
		name string
		req  ExportContacts
		read func(string, []byte) (exchange.Parsed, error)
		want []string
		head string
	}{
		{"CSV for spreadsheets", ExportContacts{Format: exchange.FormatCSV, CSV: exchange.CSVOptions{Comma: ';', BOM: true}}, exchange.ReadCSV, names(all), "\ufeffid;"},
		{"CSV for a pipe", ExportContacts{Format: exchange.FormatCSV}, exchange.ReadCSV, names(all), "id,"},
		{"vCard 3.0 by default", ExportContacts{Format: exchange.FormatVCard}, exchange.ReadVCard, names(all), "BEGIN:VCARD\r\nVERSION:3.0\r\n"},
		{"vCard 4.0", ExportContacts{Format: exchange.FormatVCard, VCard: exchange.VCard4}, exchange.ReadVCard, names(all), "BEGIN:VCARD\r\nVERSION:4.0\r\n"},
		{"checklist of the stale", ExportContacts{Format: exchange.FormatCSV, StaleDays: handbook.DefaultStaleAfterDays}, exchange.ReadCSV, names(stale), "id,"},
		{"checklist of one team", ExportContacts{Format: exchange.FormatCSV, StaleDays: handbook.DefaultStaleAfterDays, Team: "  " + strings.ToUpper(team) + " "}, exchange.ReadCSV, ofTeam, "id,"},
		{"nobody of an unknown team", ExportContacts{Format: exchange.FormatCSV, Team: "Niemand"}, exchange.ReadCSV, nil, "id,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			n, err := o.ExportContacts(ctx, &b, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(tt.want) {
				t.Errorf("wrote %d contacts, want %d", n, len(tt.want))
			}
			if !strings.HasPrefix(b.String(), tt.head) {
				t.Errorf("file starts %q, want %q", b.String()[:min(b.Len(), 40)], tt.head)
			}
			parsed, err := tt.read("export", b.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range parsed.Rows {
				got = append(got, r.Contact.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("read back %q,\nwant %q", got, tt.want)
			}
		})
	}
	t.Run("unknown format", func(t *testing.T) {
		var b bytes.Buffer
		if n, err := o.ExportContacts(ctx, &b, ExportContacts{Format: exchange.FormatFolder}); err == nil || n != 0 || b.Len() != 0 {
			t.Errorf("a Markdown folder as address book: %d contacts, %d bytes, %v", n, b.Len(), err)
		}
	})
}
