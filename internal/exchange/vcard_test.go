package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"ernstfall/internal/handbook"
)

func TestVCardRoundTrip(t *testing.T) {
	for _, v := range []VCardVersion{VCard3, VCard4} {
		t.Run("vCard "+string(v), func(t *testing.T) {
			want := sampleContacts()
			var buf bytes.Buffer
			if err := WriteVCard(&buf, want, v); err != nil {
				t.Fatal(err)
			}
			for i, l := range strings.Split(buf.String(), "\r\n") {
				if len(l) > 75 {
					t.Errorf("line %d has %d octets, vCard allows 75: %q", i+1, len(l), l)
				}
			}
			path := filepath.Join(t.TempDir(), "contacts.vcf")
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadVCard(path, data)
			if err != nil || len(got.Problems) > 0 {
				t.Fatalf("read back: %v %v", err, got.Problems)
			}
			for _, r := range got.Rows {
				if !r.Complete {
					t.Errorf("%s: own export not marked complete", r.Contact.Name)
				}
			}
			equalContacts(t, got.Contacts(), want)
		})
	}
}

func TestVCardRealWorldSamples(t *testing.T) {
	tests := []struct {
		file string
		want []handbook.Contact
		// reach lists, per card, every number and address that must arrive.
		reach [][]string
	}{
		{"apple.vcf", []handbook.Contact{
			{Name: "Anna Beispiel", Organisation: "Nordlicht Commerce GmbH", Team: "IT-Betrieb", Function: "Leiterin IT-Betrieb",
				PhoneMobile: "+49 171 39200 21", PhoneOffice: "+49 30 23125 201", PhonePrivate: "+49 40 66969 555",
				Email: "a.beispiel@example.com", Channels: "Telefon (notfall): +49 30 23125 209\nE-Mail: anna.privat@example.com",
				Location: "Speicherstraße 12, 20457 Hamburg, Deutschland",
				Notes:    "Rufbereitschaft, Woche 1–2\nzweite Zeile mit Semikolon; und Backslash \\ Ende"},
			{Name: "Deniz Özdemir", Organisation: "Nordlicht Commerce GmbH", Function: "Datenschutzbeauftragte",
				PhoneMobile: "+49 176 040690 22", Email: "d.oezdemir@example.com",
				Notes: "Eine lange Notiz, die über mehrere gefaltete Zeilen geht, weil Apple bei 75 Zeichen umbricht und die Fortsetzung mit einem Leerzeichen beginnt."},
		}, [][]string{{"+49 171 39200 21", "+49 30 23125 201", "+49 30 23125 209", "+49 40 66969 555", "a.beispiel@example.com", "anna.privat@example.com"},
			{"+49 176 040690 22", "d.oezdemir@example.com"}}},
		{"google.vcf", []handbook.Contact{
			{Name: "Bernd Muster", Organisation: "Rechenzentrum Süd AG", Function: "Notfallkoordinator",
				PhoneMobile: "0176 04069011", PhoneOffice: "069 90009 300", PhonePrivate: "+49 221 4710 310",
				Email: "b.muster@example.com", Channels: "Telefon (geschäftlich): 069 90009 301\nE-Mail: bernd.m@example.com",
				Location: "Hauptstraße 5, 60311 Frankfurt am Main, DE", Notes: "Externer Dienstleister"},
		}, [][]string{{"0176 04069011", "069 90009 300", "+49 221 4710 310", "069 90009 301", "b.muster@example.com", "bernd.m@example.com"}}},
		{"outlook.vcf", []handbook.Contact{
			{Name: "Jürgen Grüßner", Organisation: "Stadtwerke München", Team: "Leitstelle", Function: "Schichtleiter",
				PhoneMobile: "+49 171 39200 41", PhoneOffice: "+49 89 99998 400", PhonePrivate: "+49 89 99998 401",
				Email: "j.gruessner@example.com", Channels: "Fax: +49 89 99998 499",
				Location: "Leopoldstraße 1, 80802 München, Deutschland",
				Notes:    "Erreichbar Mo-Fr 7-19 Uhr.\nNotfall: Leitstelle anrufen, Straßenbahn-Depot"},
		}, [][]string{{"+49 89 99998 400", "+49 171 39200 41", "+49 89 99998 401", "+49 89 99998 499", "j.gruessner@example.com"}}},
		{"v4.vcf", []handbook.Contact{
			{Name: "Carla Test", PhoneMobile: "+49-176-040690-13", PhoneOffice: "+49-40-66969-130", Email: "c.test@example.com"},
		}, [][]string{{"+49-176-040690-13", "+49-40-66969-130", "c.test@example.com"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadVCard(path, data)
			if err != nil || len(got.Problems) > 0 {
				t.Fatalf("read: %v %v", err, got.Problems)
			}
			cs := got.Contacts()
			equalContacts(t, cs, tt.want)
			for i, want := range tt.reach {
				for _, w := range want {
					if i < len(cs) && !strings.Contains(reachable(cs[i]), w) {
						t.Errorf("%s: %q was not imported", cs[i].Name, w)
					}
				}
			}
		})
	}
}

func TestVCardBadInput(t *testing.T) {
	longQP := "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Lang\r\nNOTE;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:" + strings.Repeat("Stra=DFe=\r\n", 2000) + "\r\nEND:VCARD\r\n"
	if p, err := ReadVCard("lang.vcf", []byte(longQP)); err != nil || len(p.Rows) != 1 || len(p.Rows[0].Contact.Notes) != 2000*len("Straße") {
		t.Errorf("long quoted-printable note: %v %v", err, p.Problems)
	}
	big := bytes.Repeat([]byte("NOTE:x\r\n"), MaxFileSize/8+1)
	tests := []struct {
		name     string
		data     []byte
		err      error  // a whole-file error
		problem  string // else a problem with this text
		line     int
		readable int // cards still read
	}{
		{"binary file", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrBinary, "", 0, 0},
		{"huge file", append([]byte("BEGIN:VCARD\r\n"), big...), ErrTooLarge, "", 0, 0},
		{"no card at all", []byte("hello: world\r\n"), nil, "outside of BEGIN:VCARD", 1, 0},
		{"line without colon", []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ok Person\r\nEMAIL:ok@example.com\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN Broken\r\nEND:VCARD\r\n"), nil, "no colon", 8, 1},
		{"broken quoted-printable", []byte("BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a=ZZb\r\nFN:Q\r\nEND:VCARD\r\n"), nil, "quoted-printable", 3, 0},
		{"card without name", []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+49 30 23125 100\r\nEND:VCARD\r\n"), nil, "neither FN", 1, 0},
		{"missing END", []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ohne Ende\r\n"), nil, "no END:VCARD", 1, 0},
		{"unknown charset", []byte("BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=KOI8-R:\xf0\xd2\r\nEND:VCARD\r\n"), nil, "unknown text encoding", 3, 0},
		{"latin-1 without charset", []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:J\xfcrgen\r\nEND:VCARD\r\n"), nil, "names no CHARSET", 3, 0},
		{"unknown version", []byte("BEGIN:VCARD\r\nVERSION:5.0\r\nFN:Zukunft\r\nEND:VCARD\r\n"), nil, "unknown vCard version", 1, 0},
		{"unknown transfer encoding", []byte("BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=UUENCODE:begin 644\r\nFN:Q\r\nEND:VCARD\r\n"), nil, "ENCODING=UUENCODE", 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadVCard("kontakte.vcf", tt.data)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), "kontakte.vcf") {
					t.Fatalf("err = %v, want %v naming the file", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v, want problems only", err)
			}
			if len(got.Problems) == 0 {
				t.Fatalf("no problems reported; rows %+v", got.Rows)
			}
			p := got.Problems[0]
			if tt.name == "unknown charset" && !errors.Is(p, ErrEncoding) {
				t.Errorf("problem %v is not ErrEncoding", p)
			}
			if !strings.Contains(p.Error(), tt.problem) || p.Line != tt.line || !strings.Contains(p.Error(), "kontakte.vcf: line") {
				t.Errorf("problem = %q (line %d), want %q at line %d", p.Error(), p.Line, tt.problem, tt.line)
			}
			if len(got.Rows) != tt.readable {
				t.Errorf("read %d cards, want %d", len(got.Rows), tt.readable)
			}
		})
	}
}

// TestVCardReadByVobject has an independent parser read our export: the
// Python vobject library that Debian packages as python3-vobject.
func TestVCardReadByVobject(t *testing.T) {
	py := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import vobject").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		t.Skip("python3-vobject is not installed (make deps installs it)")
	}
	const script = `
import json, sys, vobject
out = []
for card in vobject.readComponents(open(sys.argv[1], encoding="utf-8").read()):
    out.append({
        "fn": card.fn.value,
        "tel": sorted(t.value for t in card.contents.get("tel", [])),
        "email": [e.value for e in card.contents.get("email", [])],
        "note": card.note.value if hasattr(card, "note") else "",
        "org": list(card.org.value) if hasattr(card, "org") else [],
    })
print(json.dumps(out))
`
	for _, v := range []VCardVersion{VCard3, VCard4} {
		t.Run("vCard "+string(v), func(t *testing.T) {
			cs := sampleContacts()
			var buf bytes.Buffer
			if err := WriteVCard(&buf, cs, v); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "export.vcf")
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(py, "-c", script, path).CombinedOutput()
			if err != nil {
				t.Fatalf("vobject could not read our export: %v\n%s", err, out)
			}
			var got []struct {
				FN    string   `json:"fn"`
				Tel   []string `json:"tel"`
				Email []string `json:"email"`
				Note  string   `json:"note"`
				Org   []string `json:"org"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if len(got) != len(cs) {
				t.Fatalf("vobject read %d cards, want %d", len(got), len(cs))
			}
			for i, c := range cs {
				g := got[i]
				if g.FN != c.Name || g.Note != c.Notes {
					t.Errorf("card %d: fn %q note %q, want %q %q", i, g.FN, g.Note, c.Name, c.Notes)
				}
				if len(g.Tel) != len(c.Phones()) {
					t.Errorf("%s: vobject sees phones %q, want %q", c.Name, g.Tel, c.Phones())
				}
				if c.Email != "" && (len(g.Email) != 1 || g.Email[0] != c.Email) {
					t.Errorf("%s: vobject sees email %q", c.Name, g.Email)
				}
				if c.Organisation != "" && (len(g.Org) == 0 || g.Org[0] != c.Organisation) {
					t.Errorf("%s: vobject sees org %q, want %q first", c.Name, g.Org, c.Organisation)
				}
			}
		})
	}
}

func TestVCardUTF16(t *testing.T) {
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jürgen Weiß\r\nTEL;TYPE=CELL:+49 171 1234567\r\nEND:VCARD\r\n"
	encode := func(bigEndian bool) []byte {
		out := []byte{0xFF, 0xFE}
		if bigEndian {
			out = []byte{0xFE, 0xFF}
		}
		for _, u := range utf16.Encode([]rune(card)) {
			if bigEndian {
				out = append(out, byte(u>>8), byte(u))
			} else {
				out = append(out, byte(u), byte(u>>8))
			}
		}
		return out
	}
	for _, tt := range []struct {
		name      string
		bigEndian bool
	}{{"little endian", false}, {"big endian", true}} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadVCard("utf16.vcf", encode(tt.bigEndian))
			if err != nil || len(got.Problems) > 0 || len(got.Rows) != 1 {
				t.Fatalf("ReadVCard: %v, problems %v, %d rows", err, got.Problems, len(got.Rows))
			}
			if c := got.Rows[0].Contact; c.Name != "Jürgen Weiß" || c.PhoneMobile != "+49 171 1234567" {
				t.Errorf("contact = %q %q", c.Name, c.PhoneMobile)
			}
		})
	}
}
