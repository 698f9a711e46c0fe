package exchange

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
)

// TestNamesWithTitles: an academic title from an address book lands in
// the contact's honorific, apart from the name the list sorts by;
// salutations (Herr, Frau) are dropped; first, middle and last name stay
// the name as written.
func TestNamesWithTitles(t *testing.T) {
	apple := "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//macOS 14.5//EN\r\nN:Özdemir;Ayşe;;Dr.;\r\nFN:Dr. Ayşe Özdemir\r\n" +
		"TEL;type=CELL:+49 171 1\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Brandt;Kai;;Prof. Dr.;MBA\r\nFN:Prof. Dr. Kai Brandt MBA\r\nTEL:+49 171 2\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Weiß;Jonas;;Herr;\r\nFN:Jonas Weiß\r\nTEL:+49 171 3\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:4.0\r\nN:Sommer;Lea;;Herr Dr.;\r\nTEL:+49 171 4\r\nEND:VCARD\r\n"
	p, err := ReadVCard("apple.vcf", []byte(apple))
	if err != nil || len(p.Problems) > 0 {
		t.Fatalf("%v %v", err, p.Problems)
	}
	want := []struct{ honorific, name string }{
		{"Dr.", "Ayşe Özdemir"}, {"Prof. Dr.", "Kai Brandt MBA"}, {"", "Jonas Weiß"}, {"Dr.", "Lea Sommer"},
	}
	for i, c := range p.Contacts() {
		if c.Honorific != want[i].honorific || c.Name != want[i].name {
			t.Errorf("card %d: honorific %q name %q, want %q %q", i+1, c.Honorific, c.Name, want[i].honorific, want[i].name)
		}
	}
	if got := p.Contacts()[0].FullName(); got != "Dr. Ayşe Özdemir" {
		t.Errorf("full name %q", got)
	}

	outlook := "Anrede;Vorname;Weitere Vornamen;Nachname;Suffix;Mobiltelefon\r\n" +
		";Marie;Luise;Groß;;+49 171 5\r\nFrau Dr.;Eva;;Klein;;+49 171 6\r\n"
	o, err := ReadCSV("outlook.csv", []byte(outlook))
	if err != nil || len(o.Problems) > 0 {
		t.Fatalf("%v %v", err, o.Problems)
	}
	if c := o.Contacts()[0]; c.Name != "Marie Luise Groß" || c.Honorific != "" {
		t.Errorf("Outlook first/middle/last: %q %q", c.Honorific, c.Name)
	}
	if c := o.Contacts()[1]; c.Name != "Eva Klein" || c.Honorific != "Dr." {
		t.Errorf("Outlook with title: %q %q", c.Honorific, c.Name)
	}

	google := "Name Prefix,Given Name,Family Name,Phone 1 - Label,Phone 1 - Value\nDr.,Ayşe,Özdemir,Mobile,+49 171 7\n"
	g, err := ReadCSV("google.csv", []byte(google))
	if err != nil || len(g.Problems) > 0 {
		t.Fatalf("%v %v", err, g.Problems)
	}
	if c := g.Contacts()[0]; c.Name != "Ayşe Özdemir" || c.Honorific != "Dr." {
		t.Errorf("Google with prefix: %q %q", c.Honorific, c.Name)
	}

	// Our own files carry the honorific both ways.
	cs := []handbook.Contact{{Record: handbook.Record{ID: "01a0f6b1-2680-73cc-9707-eaa752135c00"}, Honorific: "Dr.", Name: "Ayşe Özdemir", PhoneMobile: "+49 171 1"}}
	for _, v := range []VCardVersion{VCard3, VCard4} {
		var buf bytes.Buffer
		if err := WriteVCard(&buf, cs, v); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "FN:Dr. Ayşe Özdemir") || !strings.Contains(buf.String(), "N:Özdemir;Ayşe;;Dr.;") {
			t.Errorf("vCard %s lacks the title in FN and N:\n%s", v, buf.String())
		}
		back, err := ReadVCard("own.vcf", buf.Bytes())
		if err != nil || len(back.Rows) != 1 || back.Rows[0].Contact.Honorific != "Dr." || back.Rows[0].Contact.Name != "Ayşe Özdemir" {
			t.Errorf("vCard %s round trip: %+v %v", v, back.Contacts(), err)
		}
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, cs, CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCSV("own.csv", buf.Bytes())
	if err != nil || len(back.Rows) != 1 || back.Rows[0].Contact.Honorific != "Dr." || !back.Rows[0].Complete {
		t.Errorf("CSV round trip: %+v %v", back.Rows, err)
	}
	// A CSV written before the column existed is still complete.
	old := "id,name,organisation,team,function,phone_mobile,phone_office,phone_private,email,channels,location,notes,external,kind,last_verified_at\n" +
		"01a0f6b1-2680-73cc-9707-eaa752135c00,Ayşe Özdemir,,,,+49 171 1,,,,,,,false,,\n"
	if p, err := ReadCSV("alt.csv", []byte(old)); err != nil || len(p.Rows) != 1 || !p.Rows[0].Complete {
		t.Errorf("CSV without the honorific column: %+v %v", p.Rows, err)
	}
}

// TestVCardKindAndLineEnds: KIND:org (vCard 4) and Apple's company cards
// become the kind "organisation"; Windows line ends in a note become "\n".
func TestVCardKindAndLineEnds(t *testing.T) {
	data := "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Hoster AG Störungsstelle\r\nORG:Hoster AG\r\nTEL:+49 800 1\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Stadtwerke\r\nORG:Stadtwerke\r\nX-ABShowAs:COMPANY\r\nTEL:+49 800 2\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\nFN:Anna Person\r\nTEL:+49 800 3\r\n" +
		"NOTE;ENCODING=QUOTED-PRINTABLE:Zeile 1=0D=0AZeile 2=0D=0A\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Eigene Art\r\nTEL:+49 800 4\r\nX-ERNSTFALL-KIND:hoster\r\nEND:VCARD\r\n"
	p, err := ReadVCard("kind.vcf", []byte(data))
	if err != nil || len(p.Problems) > 0 {
		t.Fatalf("%v %v", err, p.Problems)
	}
	cs := p.Contacts()
	if cs[0].Kind != KindOrganisation || cs[1].Kind != KindOrganisation || cs[2].Kind != "" || cs[3].Kind != "hoster" {
		t.Errorf("kinds %q %q %q %q", cs[0].Kind, cs[1].Kind, cs[2].Kind, cs[3].Kind)
	}
	if cs[2].Notes != "Zeile 1\nZeile 2" {
		t.Errorf("note %q", cs[2].Notes)
	}
	var buf bytes.Buffer
	if err := WriteVCard(&buf, cs[:1], VCard4); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\r\nKIND:org\r\n") {
		t.Errorf("vCard 4 export of an organisation lacks KIND:org:\n%s", buf.String())
	}
	csvText := "id,name,notes,phone_mobile\nx,Anna,\"a\r\nb\",1\n"
	c, err := ReadCSV("n.csv", []byte(csvText))
	if err != nil || len(c.Rows) != 1 || c.Rows[0].Contact.Notes != "a\nb" {
		t.Errorf("CSV note: %+v %v", c.Rows, err)
	}
}

// TestManyNumbers: a card with 10,000 phone numbers loses none of them,
// and merging it into an existing contact adds each missing line once,
// matched as a whole line ("Funk: Kanal 3" is not in "Funk: Kanal 33").
func TestManyNumbers(t *testing.T) {
	var b strings.Builder
	b.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Viele Nummern\r\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "TEL;TYPE=WORK:+49 30 %07d\r\n", i)
	}
	b.WriteString("END:VCARD\r\n")
	p, err := ReadVCard("viele.vcf", []byte(b.String()))
	if err != nil || len(p.Rows) != 1 {
		t.Fatalf("%v %v", err, p.Problems)
	}
	c := p.Rows[0].Contact
	if got := strings.Count(c.Channels, "\n") + 1 + 1; got != 10000 { // one number is the office phone
		t.Errorf("%d numbers kept, want 10000", got)
	}
	old := handbook.Contact{Name: "Viele Nummern", Channels: "Funk: Kanal 33\n" + strings.Join(strings.Split(c.Channels, "\n")[:5000], "\n")}
	in := Incoming{Contact: handbook.Contact{Name: "Viele Nummern", Channels: "Funk: Kanal 3\n" + c.Channels}}
	m := merge(old, in)
	lines := strings.Split(m.Channels, "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l] {
			t.Fatalf("line %q twice", l)
		}
		seen[l] = true
	}
	if !seen["Funk: Kanal 3"] || !seen["Funk: Kanal 33"] || len(lines) != 2+9999 {
		t.Errorf("merged %d lines (Kanal 3: %v)", len(lines), seen["Funk: Kanal 3"])
	}
}
