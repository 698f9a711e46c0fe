package exchange

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// brokenRow inserts a byte that is not UTF-8 into the given row (1-based,
// counting the header) of a UTF-8 CSV, replacing the first "ü" of that row.
func brokenRow(t *testing.T, data []byte, row int) []byte {
	t.Helper()
	lines := bytes.SplitAfter(data, []byte("\n"))
	if !bytes.Contains(lines[row-1], []byte("ü")) {
		t.Fatalf("row %d has no ü: %q", row, lines[row-1])
	}
	lines[row-1] = bytes.Replace(lines[row-1], []byte("ü"), []byte{0xFC}, 1)
	return bytes.Join(lines, nil)
}

// TestCSVEncodingFromWholeFile: one undecodable byte in one row of a UTF-8
// file does not turn the whole file into Windows-1252 ("JÃ¼rgen"); the
// row is a problem naming its line and the rest is read as UTF-8. Files
// that are Windows-1252 throughout still are. For every layout.
func TestCSVEncodingFromWholeFile(t *testing.T) {
	own := "\ufeffid,name,phone_mobile,notes\r\n" +
		"a1,Jürgen Müller,+49 171 1,Grüße\r\n" +
		"a2,Günther Übel,+49 171 2,für alle\r\n" +
		"a3,Lüder Brück,+49 171 3,\r\n"
	outlook := "Vorname;Nachname;Mobiltelefon;Notizen\r\n" +
		"Jürgen;Müller;+49 171 1;Grüße\r\n" +
		"Günther;Übel;+49 171 2;für alle\r\n" +
		"Lüder;Brück;+49 171 3;\r\n"
	google := "Given Name,Family Name,Phone 1 - Label,Phone 1 - Value,Notes\n" +
		"Jürgen,Müller,Mobile,+49 171 1,Grüße\n" +
		"Günther,Übel,Mobile,+49 171 2,für alle\n" +
		"Lüder,Brück,Mobile,+49 171 3,\n"
	for _, tc := range []struct {
		name   string
		data   string
		layout string
	}{
		{"own layout with BOM", own, LayoutErnstfall},
		{"own layout without BOM", strings.TrimPrefix(own, "\ufeff"), LayoutErnstfall},
		{"Outlook", outlook, LayoutOutlookDE},
		{"Google", google, LayoutGoogle},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := brokenRow(t, []byte(tc.data), 3)
			got, err := ReadCSV("kontakte.csv", data)
			if err != nil {
				t.Fatal(err)
			}
			if got.Layout != tc.layout {
				t.Errorf("layout %q, want %q", got.Layout, tc.layout)
			}
			var names []string
			for _, c := range got.Contacts() {
				names = append(names, c.Name)
			}
			if strings.Join(names, "|") != "Jürgen Müller|Lüder Brück" {
				t.Errorf("read %q; want the two good rows as UTF-8", names)
			}
			if len(got.Problems) != 1 || got.Problems[0].Line != 3 || !strings.Contains(got.Problems[0].Error(), "UTF-8") {
				t.Fatalf("problems %v; want one naming line 3 and UTF-8", got.Problems)
			}
			if got.Encoding != "UTF-8" {
				t.Errorf("encoding %q", got.Encoding)
			}
		})
	}
	t.Run("Windows-1252 throughout", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join("testdata", "outlook-de.csv"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadCSV("outlook.csv", data)
		if err != nil || len(got.Problems) > 0 {
			t.Fatalf("%v %v", err, got.Problems)
		}
		if got.Encoding != "Windows-1252" || got.Contacts()[0].Name != "Jürgen Grüßner" {
			t.Errorf("encoding %q, first name %q", got.Encoding, got.Contacts()[0].Name)
		}
	})
	t.Run("Windows-1252 with one umlaut in a long ASCII file", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("Vorname;Nachname;Mobiltelefon\r\n")
		for i := range 200 {
			b.WriteString("Anna;Beispiel;+49 171 " + strings.Repeat("1", i%7+1) + "\r\n")
		}
		data := append([]byte(b.String()), []byte("J\xfcrgen;M\xfcller;+49 171 9\r\n")...)
		got, err := ReadCSV("ansi.csv", data)
		if err != nil || len(got.Problems) > 0 {
			t.Fatalf("%v %v", err, got.Problems)
		}
		if last := got.Contacts()[len(got.Rows)-1].Name; last != "Jürgen Müller" || got.Encoding != "Windows-1252" {
			t.Errorf("last name %q, encoding %q", last, got.Encoding)
		}
	})
	t.Run("a UTF-8 row in a Windows-1252 file is a problem, not garbled", func(t *testing.T) {
		data := []byte("Vorname;Nachname;Mobiltelefon\r\nJ\xfcrgen;M\xfcller;1\r\nG\xfcnther;\xdcbel;2\r\nL\xfcder;Br\xfcck;3\r\n" +
			"Jürgen;Größe;4\r\n")
		got, err := ReadCSV("gemischt.csv", data)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Rows) != 3 || len(got.Problems) != 1 || got.Problems[0].Line != 5 {
			t.Fatalf("rows %d, problems %v; want 3 rows and a problem at line 5", len(got.Rows), got.Problems)
		}
		for _, c := range got.Contacts() {
			if strings.Contains(c.Name, "Ã") {
				t.Errorf("garbled name %q", c.Name)
			}
		}
	})
	t.Run("a broken header names line 1", func(t *testing.T) {
		data := []byte("Vorname;Nachname;Stra\xdfe gesch\xe4ftlich;Mobiltelefon\r\nJürgen;Müller;Weg 1;1\r\nGünther;Übel;Weg 2;2\r\n")
		_, err := ReadCSV("kopf.csv", data)
		if err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("err = %v, want one naming line 1", err)
		}
	})
}

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	u := utf16.Encode([]rune(s))
	var out []byte
	if bom {
		u = append([]uint16{0xFEFF}, u...)
	}
	for _, c := range u {
		if bigEndian {
			out = append(out, byte(c>>8), byte(c))
		} else {
			out = append(out, byte(c), byte(c>>8))
		}
	}
	return out
}

// TestCSVOtherEncodingsAndLineEnds: UTF-16 from Excel's "Unicode text",
// with and without a byte order mark, and files whose lines end in
// CRLF, LF and a lone CR (old Mac) at once.
func TestCSVOtherEncodingsAndLineEnds(t *testing.T) {
	text := "Vorname\tNachname\tMobiltelefon\r\nJürgen\tMüller\t+49 171 1\r\nÄnne\tGroß\t+49 171 2\r\n"
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"UTF-16LE with BOM", utf16Bytes(text, false, true)},
		{"UTF-16BE with BOM", utf16Bytes(text, true, true)},
		{"UTF-16LE without BOM", utf16Bytes(text, false, false)},
		{"UTF-16BE without BOM", utf16Bytes(text, true, false)},
		{"mixed line ends", []byte("Vorname;Nachname;Mobiltelefon\r\nJürgen;Müller;+49 171 1\rÄnne;Groß;+49 171 2\nOtto;Normal;+49 171 3")},
		{"old Mac line ends", []byte("Vorname;Nachname;Mobiltelefon\rJürgen;Müller;+49 171 1\rÄnne;Groß;+49 171 2\r")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadCSV("x.csv", tc.data)
			if err != nil || len(got.Problems) > 0 {
				t.Fatalf("%v %v", err, got.Problems)
			}
			if len(got.Rows) < 2 || got.Rows[0].Contact.Name != "Jürgen Müller" || got.Rows[1].Contact.Name != "Änne Groß" {
				t.Fatalf("rows %+v", got.Contacts())
			}
			if got.Rows[1].Line != 3 {
				t.Errorf("second row at line %d, want 3", got.Rows[1].Line)
			}
		})
	}
}

// TestCSVOldMacLineEndsWithABrokenRow: the broken row of a file with
// lone-CR line ends is named by its own line, not taken for the header.
func TestCSVOldMacLineEndsWithABrokenRow(t *testing.T) {
	data := []byte("Vorname;Nachname;Mobiltelefon\rJürgen;Müller;1\rG\xfcnther;Übel;2\rÄnne;Groß;3\r")
	got, err := ReadCSV("mac.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 2 || len(got.Problems) != 1 || got.Problems[0].Line != 3 {
		t.Errorf("rows %d, problems %v; want 2 rows and a problem at line 3", len(got.Rows), got.Problems)
	}
}
