package exchange

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

var testNow = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

// sampleContacts exercise every contact field with the characters that
// formats escape: separators, quotes, backslashes, line breaks, umlauts.
func sampleContacts() []handbook.Contact {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	return []handbook.Contact{
		{
			Record: handbook.Record{ID: "01a0f6b1-2680-73cc-9707-eaa752135cb1", CreatedAt: at("2026-10-01T09:00:00Z"), UpdatedAt: at("2026-10-02T10:30:00.123456789Z")},
			Name:   "Dr. Katrin Älbers-Straßmann", Organisation: "Nordlicht Commerce GmbH; Hamburg", Team: "Geschäftsführung, Stab",
			Function: `Geschäftsführerin "CEO"`, PhoneMobile: "+49 171 39200 11", PhoneOffice: "+49 40 66969 100",
			PhonePrivate: "040 66969 900", Email: "k.albers@example.com",
			Channels: "Signal: +49 171 39200 11\nThreema: NC7K2A9P\nFunk: Kanal 3; Rufname \"Nord 1\"",
			Location: "Hamburg, Speicherstraße 12", Notes: "Leitet den Krisenstab.\nPrivatnummer nur ab Stufe 3 – sonst nicht.\nPfad: C:\\Notfall\\Liste; Semikolon, Komma und eine sehr lange Zeile, die beim Falten von vCard-Zeilen mehrfach umbrochen werden muss, damit die Faltung geprüft wird.",
			LastVerifiedAt: at("2026-10-06T09:00:00Z"),
		},
		{
			Record: handbook.Record{ID: "01a0f6b1-2690-7000-8000-000000000002", CreatedAt: at("2026-10-01T09:00:00Z"), UpdatedAt: at("2026-10-01T09:00:00Z")},
			Name:   "Rechenzentrum Süd AG – Leitstand", Organisation: "Rechenzentrum Süd AG", PhoneOffice: "+49 69 90009 300",
			Email: "leitstand@example.com", External: true, Kind: "hoster",
		},
		{
			Record: handbook.Record{ID: "01a0f6b1-2690-7000-8000-000000000003", CreatedAt: at("2026-10-01T09:00:00Z"), UpdatedAt: at("2026-10-01T09:00:00Z")},
			Name:   "Tilda Probe", Channels: "Funk: Kanal 7",
		},
	}
}

// equalContacts compares field by field and names the fields that differ.
func equalContacts(t *testing.T, got, want []handbook.Contact) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d contacts, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := reflect.ValueOf(got[i]), reflect.ValueOf(want[i])
		diffFields(t, want[i].Name, g, w)
	}
}

func diffFields(t *testing.T, label string, g, w reflect.Value) {
	t.Helper()
	for j := 0; j < w.NumField(); j++ {
		f := w.Type().Field(j)
		if f.Anonymous {
			diffFields(t, label, g.Field(j), w.Field(j))
			continue
		}
		gv, wv := g.Field(j).Interface(), w.Field(j).Interface()
		if gt, ok := gv.(time.Time); ok {
			if !gt.Equal(wv.(time.Time)) {
				t.Errorf("%s: %s = %v, want %v", label, f.Name, gv, wv)
			}
			continue
		}
		if !reflect.DeepEqual(gv, wv) {
			t.Errorf("%s: %s = %q, want %q", label, f.Name, gv, wv)
		}
	}
}

// reachable returns every phone number and email address of a contact,
// from its fields and its Channels lines.
func reachable(c handbook.Contact) string {
	return strings.Join([]string{c.PhoneMobile, c.PhoneOffice, c.PhonePrivate, c.Email, c.Channels}, "\n")
}
