package exchange

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
)

func TestCSVRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name  string
		comma rune
	}{{"comma", ','}, {"semicolon", ';'}} {
		t.Run(tt.name, func(t *testing.T) {
			want := sampleContacts()
			var buf bytes.Buffer
			if err := WriteCSV(&buf, want, CSVOptions{Comma: tt.comma, BOM: true, Times: true}); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), utf8BOM) {
				t.Error("no UTF-8 BOM")
			}
			path := filepath.Join(t.TempDir(), "kontakte.csv")
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadCSV(path, data)
			if err != nil || len(got.Problems) > 0 {
				t.Fatalf("read back: %v %v", err, got.Problems)
			}
			if got.Layout != LayoutErnstfall {
				t.Errorf("layout %q", got.Layout)
			}
			for _, r := range got.Rows {
				if !r.Complete {
					t.Errorf("%s: own CSV not marked complete", r.Contact.Name)
				}
			}
			equalContacts(t, got.Contacts(), want)
		})
	}
}

func TestCSVAddressBookExports(t *testing.T) {
	tests := []struct {
		file, layout string
		want         []handbook.Contact
	}{
		{"outlook-de.csv", LayoutOutlookDE, []handbook.Contact{
			{Name: "Jürgen Grüßner", Organisation: "Stadtwerke München", Team: "Leitstelle", Function: "Schichtleiter",
				PhoneMobile: "+49 171 39200 41", PhoneOffice: "+49 89 99998 400", PhonePrivate: "+49 89 99998 401",
				Email:    "j.gruessner@example.com",
				Channels: "Fax geschäftlich: +49 89 99998 499\nAutotelefon: +49 171 39200 42\nTelefon geschäftlich 2: +49 89 99998 402\nE-Mail: juergen.g@example.com",
				Location: "Leopoldstraße 1, 80802 München, Deutschland", Notes: "Erreichbar Mo–Fr;\nNotfall: Leitstelle"},
			{Name: "Petra Säger", Organisation: "Versicherung Nord AG", Function: "Schadenmeldung", PhoneOffice: "040 66969 700", Email: "schaden@example.com"},
		}},
		{"outlook-en.csv", LayoutOutlookEN, []handbook.Contact{
			{Name: "Oliver Weber", Organisation: "Hosting Partner Ltd", Team: "Operations", Function: "On-call Engineer",
				PhoneMobile: "+49 176 040690 51", PhoneOffice: "+49 221 4710 500", Email: "o.weber@example.com",
				Channels: "Other Phone: +49 221 4710 509\nPager: +49 221 4710 599\nE-Mail: oncall@example.com",
				Location: "Gartenweg 3, 50667 Köln", Notes: `Escalate after 15 min, "P1" only`},
		}},
		{"google.csv", LayoutGoogle, []handbook.Contact{
			{Name: "Lena Hoffmann", Organisation: "Kanzlei Hoffmann", Function: "Rechtsanwältin",
				PhoneMobile: "+49 171 39200 61", PhoneOffice: "+49 69 90009 600", Email: "l.hoffmann@example.com",
				Channels: "Fax: +49 69 90009 699\nTelefon (geschäftlich): +49 69 90009 601\nE-Mail: lena@example.com\nE-Mail: lena.h@example.com",
				Location: "Zeil 1, 60313 Frankfurt", Notes: "Mandat seit 2024\nNur über Sekretariat"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadCSV(path, data)
			if err != nil || len(got.Problems) > 0 {
				t.Fatalf("read: %v %v", err, got.Problems)
			}
			if got.Layout != tt.layout {
				t.Errorf("layout %q, want %q", got.Layout, tt.layout)
			}
			equalContacts(t, got.Contacts(), tt.want)
		})
	}
}

func TestCSVBadInput(t *testing.T) {
	header := strings.Join(Columns, ",") + "\n"
	row := func(id, name string, set ...string) string {
		f := make([]string, len(Columns))
		f[0], f[1] = id, name
		for i := 0; i+1 < len(set); i += 2 {
			f[slices.Index(Columns, set[i])] = set[i+1]
		}
		return strings.Join(f, ",") + "\n"
	}
	tests := []struct {
		name     string
		data     string
		err      error
		problem  string
		line     int
		readable int
	}{
		{"wrong column count", header + row("a", "Anna Beispiel") + "b,Bernd,zu,wenig\n" + row("c", "Carla Test"), nil, "row has 4 fields, the header has 17", 3, 2},
		{"bad date", header + row("a", "Anna", "last_verified_at", "31.02.x"), nil, "column last_verified_at", 2, 0},
		{"bad flag", header + row("a", "Anna", "external", "vielleicht"), nil, "column external", 2, 0},
		{"broken quotes", header + row("a", "Anna") + "b,\"Bernd \"der\" Test\"" + strings.Repeat(",", len(Columns)-2) + "\n", ErrFormat, "line 3", 0, 0},
		{"unknown layout", "Spalte A,Spalte B\n1,2\n", ErrFormat, "unknown column layout", 0, 0},
		{"unknown column in own layout", "id,name,fax\n1,Anna,2\n", ErrFormat, `unknown column "fax"`, 0, 0},
		{"binary file", "PK\x03\x04\x14\x00\x00\x00\x08\x00", ErrBinary, "binary", 0, 0},
		{"unknown encoding", header + "a,Ann\x81\x8d,,,,,,,,,,,,,\n", ErrEncoding, "line 2", 0, 0},
		{"empty file", "", ErrFormat, "empty", 0, 0},
		{"huge file", header + strings.Repeat("x", MaxFileSize), ErrTooLarge, "larger than", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCSV("liste.csv", []byte(tt.data))
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), "liste.csv") || !strings.Contains(err.Error(), tt.problem) {
					t.Fatalf("err = %v, want %v naming the file and %q", err, tt.err, tt.problem)
				}
				return
			}
			if err != nil || len(got.Problems) != 1 {
				t.Fatalf("err = %v, problems %v; want one problem", err, got.Problems)
			}
			p := got.Problems[0]
			if !strings.Contains(p.Error(), tt.problem) || p.Line != tt.line || !strings.HasPrefix(p.Error(), "liste.csv: line ") {
				t.Errorf("problem = %q, want %q at line %d", p.Error(), tt.problem, tt.line)
			}
			if len(got.Rows) != tt.readable {
				t.Errorf("read %d rows, want %d", len(got.Rows), tt.readable)
			}
		})
	}
}

func TestCSVSpreadsheetEdits(t *testing.T) {
	text := "\ufeffid;name;phone_mobile;email;external;last_verified_at\r\n" +
		"x1;\"Anna Beispiel\";0171 39200 21;a@example.com;ja;06.10.2026\r\n" +
		"x2;\"Bernd\r\nMuster\";;b@example.com;;2026-10-06 09:30:00\r\n"
	got, err := ReadCSV("bearbeitet.csv", []byte(text))
	if err != nil || len(got.Problems) > 0 {
		t.Fatalf("%v %v", err, got.Problems)
	}
	if len(got.Rows) != 2 || got.Rows[0].Complete {
		t.Fatalf("rows %+v; a subset of columns is not complete", got.Rows)
	}
	a, b := got.Rows[0].Contact, got.Rows[1].Contact
	if !a.External || a.LastVerifiedAt.Format("2006-01-02") != "2026-10-06" || a.PhoneMobile != "0171 39200 21" {
		t.Errorf("row 1 = %+v", a)
	}
	if b.Name != "Bernd Muster" || b.LastVerifiedAt.Hour() != 9 || got.Rows[1].Line != 3 {
		t.Errorf("row 2 = %+v line %d", b, got.Rows[1].Line)
	}
}
