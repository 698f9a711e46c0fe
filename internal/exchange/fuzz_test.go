package exchange

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
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

// folderFiles packs the files of a folder into one fuzz input: name, NUL,
// content, NUL, and so on. unpackFolder undoes it below dir.
func folderFiles(t testing.TB, dir string) []byte {
	t.Helper()
	var b bytes.Buffer
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		b.WriteString(filepath.ToSlash(rel))
		b.WriteByte(0)
		b.Write(data)
		b.WriteByte(0)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// unpackFolder writes the files of a fuzz input below dir. Names are
// kept inside dir: empty parts, "." and ".." are dropped.
func unpackFolder(t *testing.T, dir string, data []byte) {
	parts := bytes.Split(data, []byte{0})
	for i := 0; i+1 < len(parts) && i < 40; i += 2 {
		var clean []string
		for _, p := range strings.Split(string(parts[i]), "/") {
			if p != "" && p != "." && p != ".." && !strings.ContainsAny(p, "\\:") {
				clean = append(clean, p)
			}
		}
		if len(clean) == 0 || len(clean) > 6 {
			continue
		}
		path := filepath.Join(append([]string{dir}, clean...)...)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			continue // a file where a folder was wanted
		}
		_ = os.WriteFile(path, parts[i+1], 0o644)
	}
}

// FuzzFolder feeds the Markdown folder importer folders of every shape:
// front matter, handbook.json, contacts.csv, plain playbooks. Whatever it
// reads must survive our own export and import.
func FuzzFolder(f *testing.F) {
	dir := f.TempDir()
	export := filepath.Join(dir, "export")
	hb := handbook.Handbook{
		Settings: handbook.Settings{Organisation: "Nord GmbH"},
		Contacts: sampleContacts(),
		Playbooks: []handbook.Playbook{{Record: handbook.Record{ID: "01a0f6b1-3000-7000-8000-000000000001"}, Title: "Ransomware",
			Severity: handbook.SeverityHigh, Summary: "zwei\nZeilen", Body: "## Sofort\n- [ ] Netz trennen @IT-Lead (15 min)\n"}},
		Services: []handbook.Service{{Record: handbook.Record{ID: "01a0f6b1-3000-7000-8000-000000000002"}, Name: "Shop", RTO: 60, MTD: 120,
			DependsOn: []string{"a, b"}, RecoverySteps: "1. neu starten"}},
		CommTemplates: []handbook.CommTemplate{{Record: handbook.Record{ID: "01a0f6b1-3000-7000-8000-000000000003"}, Title: "Kunden",
			Audience: handbook.AudienceCustomers, Body: "{{incident.title}}"}},
	}
	if err := WriteFolder(context.Background(), export, hb); err != nil {
		f.Fatal(err)
	}
	f.Add(folderFiles(f, export))
	f.Add([]byte("ddos.md\x00# DDoS\n\n- [ ] Provider anrufen\n\x00wiki/saas.md\x00## Ausfall ##\r\n- [ ] prüfen\x00"))
	f.Add([]byte("a.md\x00---\ntitle: x\n---\n\x00"))
	f.Add([]byte("handbook.json\x00{\"format\":\"ernstfall-folder\",\"version\":1}\x00contacts.csv\x00id,name\n\x00playbooks/x.md\x00---\nid: 1\ntitle: |\n  a\n  b\n---\nText\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := filepath.Join(t.TempDir(), "in")
		if err := os.Mkdir(in, 0o755); err != nil {
			t.Fatal(err)
		}
		unpackFolder(t, in, data)
		got, ours, err := ReadFolder(context.Background(), in)
		if err != nil {
			return
		}
		n := 0
		got.EachItem(func(handbook.Item) { n++ })
		if !ours {
			if len(got.Playbooks) == 0 {
				t.Fatal("a plain folder read without error but without playbooks")
			}
			got.Playbooks = MatchPlaybooks(got.Playbooks, nil, testNow)
		}
		out := filepath.Join(t.TempDir(), "out")
		if err := WriteFolder(context.Background(), out, got); err != nil {
			t.Fatalf("our export of what was read fails: %v", err)
		}
		again, ours, err := ReadFolder(context.Background(), out)
		if err != nil || !ours {
			t.Fatalf("our export does not read back: %v (ours %v)", err, ours)
		}
		m := 0
		again.EachItem(func(handbook.Item) { m++ })
		if live := got.Live(); m != countItems(&live) {
			t.Fatalf("%d live records read, %d after our own round trip", countItems(&live), m)
		}
	})
}

func countItems(hb *handbook.Handbook) int {
	n := 0
	hb.EachItem(func(handbook.Item) { n++ })
	return n
}

// FuzzBackup feeds the JSON backup importer. A backup it accepts must
// hold records with unique UUIDs, plan a restore without failing, and
// survive our own export and import.
func FuzzBackup(f *testing.F) {
	hb := handbook.Handbook{Contacts: sampleContacts(), Settings: handbook.Settings{Organisation: "Nord"}}
	own, err := MarshalBackup(hb, "01a0f6b1-0000-7000-8000-00000000aaaa", 5, testNow)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(own)
	f.Add([]byte(`{"format":"ernstfall-backup","version":1,"handbook":{"contacts":[{"id":"01a0f6b1-2680-73cc-9707-eaa752135cb1","name":"A","email":"a@b.de","deleted":true}]}}`))
	f.Add([]byte(`{"format":"ernstfall-backup","version":1,"handbook":null}`))
	f.Add([]byte(`{"format":"ernstfall-backup","handbook":{"roles":[{"id":"x"},{"id":"x"}]}}`))
	f.Add([]byte(`[1,2`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadBackup("fuzz.json", data)
		if err != nil {
			var be *BackupError
			if !errors.As(err, &be) || !errors.Is(err, ErrBackup) {
				t.Fatalf("refusal is not a BackupError: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		b.Handbook.EachItem(func(it handbook.Item) {
			id := it.Meta().ID
			if !isUUID(id) || seen[id] {
				t.Fatalf("accepted id %q (twice: %v)", id, seen[id])
			}
			seen[id] = true
		})
		for _, mirror := range []bool{false, true} {
			p := PlanRestore(b.Handbook, b.Handbook, mirror, testNow)
			if p.Deletes() != 0 {
				t.Fatalf("restoring a backup over itself deletes %d records", p.Deletes())
			}
		}
		out, err := MarshalBackup(b.Handbook, b.HandbookID, 5, testNow)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ReadBackup("again.json", out)
		if err != nil {
			t.Fatalf("our own backup of what was read is refused: %v", err)
		}
		if countItems(&again.Handbook) != countItems(&b.Handbook) {
			t.Fatalf("%d records read, %d after our own round trip", countItems(&b.Handbook), countItems(&again.Handbook))
		}
	})
}
