package exchange

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// seeds adds the testdata files with the given extension and a few
// hand-written fragments to a fuzz corpus.
func seeds(f *testing.F, ext string, extra ...string) {
	files, err := filepath.Glob(filepath.Join("testdata", "*."+ext))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, e := range extra {
		f.Add([]byte(e))
	}
}

func FuzzVCard(f *testing.F) {
	var own bytes.Buffer
	if err := WriteVCard(&own, sampleContacts(), VCard4); err != nil {
		f.Fatal(err)
	}
	f.Add(own.Bytes())
	seeds(f, "vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\n END:VCARD", "BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:=\n=\n", `a.b;"c:d":e`)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadVCard("fuzz.vcf", data)
		if err != nil || len(p.Rows) == 0 {
			return
		}
		for _, r := range p.Rows {
			if r.Contact.Name == "" {
				t.Errorf("card at line %d read without a name", r.Line)
			}
		}
		var out bytes.Buffer
		if err := WriteVCard(&out, p.Contacts(), VCard3); err != nil {
			t.Fatal(err)
		}
		again, err := ReadVCard("again.vcf", out.Bytes())
		if err != nil || len(again.Rows) != len(p.Rows) {
			t.Fatalf("own export of %d cards read back as %d: %v %v", len(p.Rows), len(again.Rows), err, again.Problems)
		}
	})
}

func FuzzCSV(f *testing.F) {
	var own bytes.Buffer
	if err := WriteCSV(&own, sampleContacts(), CSVOptions{}); err != nil {
		f.Fatal(err)
	}
	f.Add(own.Bytes())
	seeds(f, "csv", "id;name\n1;\"a\n", "First Name,Phone 1 - Value\n,\" ::: \"\n", "id,name\n\"x\"\"\",y\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadCSV("fuzz.csv", data)
		if err != nil || len(p.Rows) == 0 {
			return
		}
		var out bytes.Buffer
		if err := WriteCSV(&out, p.Contacts(), CSVOptions{Comma: ';'}); err != nil {
			t.Fatal(err)
		}
		again, err := ReadCSV("again.csv", out.Bytes())
		if err != nil || len(again.Rows) != len(p.Rows) {
			t.Fatalf("own export of %d rows read back as %d: %v %v", len(p.Rows), len(again.Rows), err, again.Problems)
		}
	})
}
