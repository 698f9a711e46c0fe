package binder

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/yuin/goldmark/ast"

	"ernstfall/assets"
	"ernstfall/internal/handbook"
	"ernstfall/internal/markdown"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var printed = time.Date(2026, 11, 26, 14, 30, 0, 0, time.UTC)

const ransomBody = `Dieses Playbook gilt bei **verschlüsselten** Systemen, _Erpressernachricht_ oder ~~Gerüchten~~ Hinweisen.

## Sofortmaßnahmen

- [ ] Betroffene Systeme vom Netz trennen @IT-Lead (15 min)
- [ ] Krisenstab gemäß Stufe 3 alarmieren – „sofort“ … @Krisenstab-Leitung (30 min)
- [x] Bereits erledigt: Übung geplant
- [ ] Firewall-Regeln setzen @IT-Lead (1 h)

  ` + "```sh" + `
  nft insert rule inet filter forward ip saddr 10.20.0.0/16 ip daddr 10.40.0.0/16 drop comment "IR-Notfall-mit-sehr-langem-Kommentar-der-umbrechen-muss"
  ` + "```" + `

## Kommunikation

1. Mitarbeitende informieren
   - per Telefonkette
     - zuerst Schichtleitung
   - per Aushang
2. Statusseite aktualisieren

> Zitat: Keine Auskünfte an die Presse ohne Freigabe.

Weitere Infos: [BSI Ransomware](https://www.bsi.bund.de/dok/ransomware) und https://example.org/ein/sehr/langer/pfad/der/nicht/auf/eine/zeile/passt/weil/er/wirklich/extrem/lang/ist/und/immer/weiter/geht/bis-zum-ende.html

Ein Wort: Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstaltsformularausfüllhilfeanleitungsbuchseitenzahl.

Preis: 100 € · Maße ½ · ![Lageplan](lageplan.png) · <b>kein HTML</b> · ` + "`kubectl get pods`" + `

---

### Meldepflichten

| Pflicht | Empfänger | Frist |
|---|---|---|
ROWS`

func tableRows(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "| Pflicht Nr. %d mit einer längeren Beschreibung, die in der Zelle umbrechen muss | Behörde %d | %d h |\n", i+1, i+1, 24*(i%3+1))
	}
	return b.String()
}

// testHandbook is a small handbook with what the binder must print well:
// umlauts, tables across pages, task items, stale contacts.
func testHandbook() handbook.Handbook {
	day := func(d int) time.Time { return printed.AddDate(0, 0, -d) }
	c := func(id, name, team string, ext bool, kind, mobile, office string, verified int) handbook.Contact {
		ct := handbook.Contact{Record: handbook.Record{ID: id}, Name: name, Team: team, External: ext, Kind: kind,
			PhoneMobile: mobile, PhoneOffice: office, Function: "Funktion " + name, Email: strings.ToLower(id) + "@example.org"}
		if verified >= 0 {
			ct.LastVerifiedAt = day(verified)
		}
		return ct
	}
	return handbook.Handbook{
		Settings: handbook.Settings{Organisation: "Müller & Söhne GmbH", Location: "Tresor im Büro Köln, Regal 3"},
		Contacts: []handbook.Contact{
			c("c1", "Jürgen Weiß", "IT-Betrieb", false, "", "+49 171 1111111", "+49 221 100", 10),
			c("c2", "Änne Groß", "IT-Betrieb", false, "", "+49 171 2222222", "", 400),
			c("c3", "Özlem Çelik", "Kommunikation", false, "", "+49 171 3333333", "+49 221 300", -1),
			c("c4", "Landesdatenschutzbehörde NRW", "", true, "authority", "", "+49 211 38424 0", 30),
			c("c5", "Hoster AG Störungsstelle", "", true, "hoster", "+49 800 5555555", "", 30),
			{Record: handbook.Record{ID: "gone", Deleted: true}, Name: "Gelöschte Person", PhoneMobile: "+49 000 0000"},
		},
		Roles: []handbook.Role{
			{Record: handbook.Record{ID: "r1"}, Name: "IT-Lead", Holders: []string{"c1", "c2"}},
			{Record: handbook.Record{ID: "r2"}, Name: "Krisenstab-Leitung", Holders: []string{"c3", "c1"}},
		},
		Escalation: []handbook.EscalationLevel{
			{Record: handbook.Record{ID: "e2"}, Level: 2, Name: "Krise", Trigger: "Mehrere Dienste ausgefallen", DecidedBy: "r2", Notify: []string{"r1"}, Within: 60},
			{Record: handbook.Record{ID: "e1"}, Level: 1, Name: "Störung", Trigger: "Ein Dienst gestört", DecidedBy: "r1", Within: 30},
		},
		Playbooks: []handbook.Playbook{
			{Record: handbook.Record{ID: "p1"}, Title: "Ransomware-Angriff", IncidentType: handbook.TypeRansomware,
				Severity: handbook.SeverityCritical, Summary: "Ausbreitung stoppen, Beweise sichern.",
				Review: handbook.Review{Owner: "c1", LastReviewedAt: day(30)},
				Body:   strings.Replace(ransomBody, "ROWS", tableRows(70), 1)},
			{Record: handbook.Record{ID: "p2"}, Title: "Ausfall des Zahlungsdienstleisters", IncidentType: handbook.TypeThirdPartyOutage,
				Severity: handbook.SeverityHigh, Body: "## Sofortmaßnahmen\n\n- [ ] Zahlungsanbieter anrufen @IT-Lead (10 min)\n- [ ] Vorkasse aktivieren\n"},
		},
		CommTemplates: []handbook.CommTemplate{
			{Record: handbook.Record{ID: "t1"}, Title: "Kundeninformation", Audience: handbook.AudienceCustomers, Channel: "E-Mail",
				Subject: "Störung: {{incident.title}}", Body: "Sehr geehrte Kundin, sehr geehrter Kunde,\n\nseit {{ incident.started }} ist unser Shop gestört.\n"},
		},
		Services: []handbook.Service{
			{Record: handbook.Record{ID: "s1"}, Name: "Datenbank", Criticality: handbook.SeverityCritical, RTO: 120, RPO: 15, MTD: 480,
				DependsOn: []string{"s2"}, RecoverySteps: "- [ ] Backup einspielen @IT-Lead (2 h)", Resources: []string{"c5"},
				Review: handbook.Review{Owner: "c1"}},
			{Record: handbook.Record{ID: "s2"}, Name: "Netzwerk", Criticality: handbook.SeverityHigh, RTO: 60, RPO: 0, MTD: 240,
				ManualFallback: "Mobilfunk-Router nutzen", Review: handbook.Review{Owner: "c1"}},
			{Record: handbook.Record{ID: "s3"}, Name: "Shop", Criticality: handbook.SeverityMedium, RTO: 30, RPO: 60, MTD: 600,
				DependsOn: []string{"s1"}},
		},
	}
}

// extracted is a binder parsed back from its PDF.
type extracted struct {
	pages []string // pdftotext -layout, one string per page
	// raw is pdftotext -raw: text in drawing order, so a step's wrapped
	// lines stay together although the step column sits beside them.
	raw     string
	outline []outlineEntry
}

type outlineEntry struct {
	Title string         `json:"title"`
	Page  int            `json:"destpageposfrom1"`
	Kids  []outlineEntry `json:"kids"`
}

func need(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian: poppler-utils, qpdf; run make deps)", tool)
		}
	}
}

// parse checks the PDF with qpdf and extracts its text and outline.
func parse(t *testing.T, path string) extracted {
	t.Helper()
	need(t, "pdftotext", "qpdf")
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check %s: %v\n%s", path, err, out)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	raw, err := exec.Command("pdftotext", "-raw", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -raw %s: %v", path, err)
	}
	js, err := exec.Command("qpdf", "--json", "--json-key=outlines", path).Output()
	if err != nil {
		t.Fatalf("qpdf --json %s: %v", path, err)
	}
	var doc struct {
		Outlines []outlineEntry `json:"outlines"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatalf("qpdf outline JSON: %v", err)
	}
	return extracted{pages: pages, raw: string(raw), outline: doc.Outlines}
}

func (e extracted) all() string { return strings.Join(e.pages, "\n") }

// squeeze drops all white space, so that words split across lines or
// columns by the layout still match.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func render(t *testing.T, hb handbook.Handbook, opt Options) (extracted, Result) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "binder.pdf")
	res, err := WriteFile(context.Background(), path, hb, opt)
	if err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	e := parse(t, path)
	if len(e.pages) != res.Pages {
		t.Fatalf("pdftotext found %d pages, Render reported %d", len(e.pages), res.Pages)
	}
	return e, res
}

var tocLine = regexp.MustCompile(`^\s*(\S.*?)\s*(?:\.\s?){3,}\s*(\d+)\s*$`)

// tocPages reads the page numbers the table of contents prints.
func tocPages(e extracted, lastTOCPage int) map[string]int {
	out := map[string]int{}
	for _, p := range e.pages[:lastTOCPage] {
		for l := range strings.SplitSeq(p, "\n") {
			if m := tocLine.FindStringSubmatch(l); m != nil {
				var n int
				fmt.Sscan(m[2], &n)
				out[m[1]] = n
			}
		}
	}
	return out
}

func flatten(o []outlineEntry) []outlineEntry {
	var out []outlineEntry
	for _, e := range o {
		out = append(out, e)
		out = append(out, flatten(e.Kids)...)
	}
	return out
}

func TestBinderContent(t *testing.T) {
	hb := testHandbook()
	e, res := render(t, hb, Options{PrintedAt: printed, PrintedBy: "Änne Groß"})
	all := e.all()
	flat := squeeze(e.raw)

	t.Run("version and pages", func(t *testing.T) {
		if res.Version != hb.Version() || res.Pages < 10 {
			t.Errorf("result = %+v, want version %s and at least 10 pages", res, hb.Version())
		}
	})
	t.Run("cover", func(t *testing.T) {
		for _, want := range []string{"Müller & Söhne GmbH", "Notfallhandbuch", res.Version, "26.11.2026 14:30",
			"VERTRAULICH – nur für den Krisenstab", "Ersetzt jedes vor dem 26.11.2026 14:30 gedruckte Exemplar",
			"von Änne Groß", "Tresor im Büro Köln"} {
			if !strings.Contains(e.pages[0], want) {
				t.Errorf("cover lacks %q", want)
			}
		}
		if strings.Contains(e.pages[0], "Seite 1 von") {
			t.Error("cover has a footer")
		}
	})
	t.Run("footer and header on every page after the cover", func(t *testing.T) {
		for i, p := range e.pages[1:] {
			n := i + 2
			for _, want := range []string{fmt.Sprintf("Seite %d von %d", n, res.Pages), "Version " + res.Version,
				"gedruckt 26.11.2026 14:30", "Müller & Söhne GmbH – Notfallhandbuch"} {
				if !strings.Contains(p, want) {
					t.Errorf("page %d lacks footer part %q", n, want)
				}
			}
		}
	})
	t.Run("umlauts and typography", func(t *testing.T) {
		for _, want := range []string{"ä", "ö", "ü", "Ä", "Ö", "Ü", "ß", "€", "„sofort“", "–", "…", "Özlem Çelik"} {
			if !strings.Contains(all, want) {
				t.Errorf("text lacks %q", want)
			}
		}
	})
	t.Run("every live contact with every number", func(t *testing.T) {
		for _, c := range hb.Contacts {
			for _, want := range append([]string{c.Name}, c.Phones()...) {
				if got := strings.Contains(flat, squeeze(want)); got == c.Deleted {
					t.Errorf("contact %s: %q printed = %v, deleted = %v", c.ID, want, got, c.Deleted)
				}
			}
		}
		if !strings.Contains(all, "VERALTET") {
			t.Error("stale contacts are not marked")
		}
	})
	t.Run("every playbook title and task item", func(t *testing.T) {
		for _, pb := range hb.Playbooks {
			if !strings.Contains(all, pb.Title) {
				t.Errorf("playbook %q missing", pb.Title)
			}
			for _, s := range markdown.Steps(pb.Body) {
				if !strings.Contains(flat, squeeze(s.Text)) {
					t.Errorf("playbook %q: step %q missing", pb.Title, s.Text)
				}
				if s.Role != "" && !strings.Contains(all, "@"+s.Role) {
					t.Errorf("playbook %q: role %q of step %q missing", pb.Title, s.Role, s.Text)
				}
			}
		}
		for _, want := range []string{"≤ 15 min", "≤ 1 h", "≤ 10 min", "Kürzel"} {
			if !strings.Contains(all, want) {
				t.Errorf("step column lacks %q", want)
			}
		}
	})
	t.Run("table header repeats after a page break", func(t *testing.T) {
		n := 0
		for _, p := range e.pages {
			if regexp.MustCompile(`Pflicht\s+Empfänger\s+Frist`).MatchString(p) {
				n++
			}
		}
		if n < 2 {
			t.Errorf("header row of the long table printed on %d pages, want at least 2", n)
		}
		if !strings.Contains(all, "Pflicht Nr. 70") {
			t.Error("last table row missing")
		}
	})
	t.Run("links print their URL", func(t *testing.T) {
		if !strings.Contains(all, "(https://www.bsi.bund.de/dok/ransomware)") {
			t.Error("link URL not printed")
		}
	})
	t.Run("recovery in restore order with findings", func(t *testing.T) {
		i, j, k := strings.Index(all, "1. Netzwerk"), strings.Index(all, "2. Datenbank"), strings.Index(all, "3. Shop")
		if i < 0 || j < i || k < j {
			t.Errorf("restore order not Netzwerk, Datenbank, Shop (%d, %d, %d)", i, j, k)
		}
		if !strings.Contains(all, "Shop (RTO 30 min) hängt von Datenbank mit RTO") {
			t.Error("RTO finding missing")
		}
	})
	t.Run("templates with fill-in lines", func(t *testing.T) {
		for _, want := range []string{"incident.title:____", "incident.started:____"} {
			if !strings.Contains(flat, want) {
				t.Errorf("template lacks fill-in %q", want)
			}
		}
		if strings.Contains(all, "{{") {
			t.Error("raw placeholder printed")
		}
	})
	t.Run("reporting and forms", func(t *testing.T) {
		for _, want := range []string{"DSGVO Art. 33", "DSGVO Art. 34", "§ 32 BSIG", "24 Stunden",
			"Landesdatenschutzbehörde NRW", "Einsatzprotokoll", "Anrufprotokoll", "Lessons Learned", "Entscheidung / Kürzel"} {
			if !strings.Contains(all, want) {
				t.Errorf("text lacks %q", want)
			}
		}
	})
	t.Run("table of contents matches outline and pages", func(t *testing.T) {
		toc := tocPages(e, 3)
		outline := flatten(e.outline)
		if len(outline) < 10 {
			t.Fatalf("outline has %d entries, want at least 10", len(outline))
		}
		for _, o := range outline {
			page, ok := toc[o.Title]
			if !ok {
				t.Errorf("outline entry %q not in the table of contents", o.Title)
				continue
			}
			if page != o.Page {
				t.Errorf("%q: contents says page %d, outline says %d", o.Title, page, o.Page)
			}
			title := strings.TrimLeft(o.Title, "0123456789. ")
			if !strings.Contains(e.pages[page-1], title) {
				t.Errorf("%q: page %d does not show it", o.Title, page)
			}
		}
	})
}

// words returns the words of a Markdown text's plain text: letters and
// digits between anything else.
func words(src string) []string {
	source := []byte(src)
	doc := markdown.Parse(source)
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(source))
			b.WriteByte(' ')
		case *ast.String:
			b.Write(n.Value)
			b.WriteByte(' ')
		case *ast.AutoLink:
			b.Write(n.Label(source))
			b.WriteByte(' ')
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			for i := range n.Lines().Len() {
				seg := n.Lines().At(i)
				b.Write(seg.Value(source))
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.FieldsFunc(b.String(), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func TestBinderWordCompleteness(t *testing.T) {
	hb := testHandbook()
	for _, tc := range []struct {
		name string
		opt  Options
	}{
		{"A4 German", Options{PrintedAt: printed}},
		{"Letter English", Options{PrintedAt: printed, Lang: "en", Paper: "letter"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := render(t, hb, tc.opt)
			flat := squeeze(e.all())
			for _, pb := range hb.Playbooks {
				for _, w := range words(pb.Body) {
					if !strings.Contains(flat, w) {
						t.Errorf("playbook %q: word %q missing from the PDF", pb.Title, w)
					}
				}
			}
		})
	}
}

func TestBinderOptions(t *testing.T) {
	hb := testHandbook()
	for _, tc := range []struct {
		name          string
		opt           Options
		want, notWant []string
		maxPages      int
	}{
		{name: "English texts", opt: Options{Lang: "en"},
			want:    []string{"Emergency handbook", "CONFIDENTIAL – crisis team only", "Alarm card", "Page 2 of", "Reporting obligations"},
			notWant: []string{"Alarmkarte", "Seite 2 von"}},
		{name: "sections subset", opt: Options{Sections: []string{SectionContacts, SectionCover}},
			want:    []string{"Notfallhandbuch", "Kontakte", "Jürgen Weiß"},
			notWant: []string{"Ransomware-Angriff", "Alarmkarte", "Einsatzprotokoll"}, maxPages: 3},
		{name: "pocket card by title", opt: Options{Playbook: "Ausfall des Zahlungsdienstleisters"},
			want:    []string{"Ausfall des Zahlungsdienstleisters", "Zahlungsanbieter anrufen", "Alarmkarte", "Seite 1 von"},
			notWant: []string{"Ransomware-Angriff", "Ersetzt jedes", "Inhalt"}, maxPages: 3},
		{name: "pocket card by ID", opt: Options{Playbook: "p1", Sections: []string{SectionPlaybooks}},
			want: []string{"Ransomware-Angriff"}, notWant: []string{"Ausfall des Zahlungsdienstleisters", "Alarmkarte"}},
		{name: "team filter keeps external contacts", opt: Options{Team: "kommunikation", Sections: []string{SectionContacts}},
			want:    []string{"Özlem Çelik", "Landesdatenschutzbehörde NRW", "Hoster AG"},
			notWant: []string{"Jürgen Weiß", "Änne Groß"}},
		{name: "classification", opt: Options{Classification: "STRENG GEHEIM", Sections: []string{SectionCover}},
			want: []string{"STRENG GEHEIM"}, notWant: []string{"VERTRAULICH"}, maxPages: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.PrintedAt = printed
			e, res := render(t, hb, tc.opt)
			all := e.all()
			for _, w := range tc.want {
				// A name may wrap in its column.
				if !strings.Contains(squeeze(all), squeeze(w)) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(all, w) {
					t.Errorf("has %q", w)
				}
			}
			if tc.maxPages > 0 && res.Pages > tc.maxPages {
				t.Errorf("%d pages, want at most %d", res.Pages, tc.maxPages)
			}
		})
	}
}

func TestBinderPaper(t *testing.T) {
	need(t, "pdfinfo")
	for _, tc := range []struct{ paper, size string }{{"", "595.28 x 841.89"}, {"a4", "595.28 x 841.89"}, {"letter", "612 x 792"}} {
		t.Run(cmpOr(tc.paper, "default"), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "b.pdf")
			if _, err := WriteFile(context.Background(), path, testHandbook(), Options{Paper: tc.paper, PrintedAt: printed,
				Sections: []string{SectionCover}}); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdfinfo", path).Output()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), tc.size) {
				t.Errorf("page size of %q: want %s in\n%s", tc.paper, tc.size, out)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestBinderErrors(t *testing.T) {
	hb := testHandbook()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		opt  Options
		want error
	}{
		{"unknown section", context.Background(), Options{Sections: []string{"telefonbuch"}}, ErrUnknownSection},
		{"unknown playbook", context.Background(), Options{Playbook: "Erdbeben"}, ErrUnknownPlaybook},
		{"unknown team", context.Background(), Options{Team: "Niemand"}, ErrUnknownTeam},
		{"language", context.Background(), Options{Lang: "fr"}, ErrBadOption},
		{"paper", context.Background(), Options{Paper: "a5"}, ErrBadOption},
		{"canceled", canceled, Options{}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := Render(tc.ctx, &buf, hb, tc.opt)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", buf.Len())
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	hb := testHandbook()
	opt := Options{PrintedAt: printed, Sections: []string{SectionCover}}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		prepare func(t *testing.T, dir string) string // returns the target path
		wantErr error
		// keep is the content the target must still have after a failure.
		keep string
	}{
		{name: "new file", ctx: context.Background(), prepare: func(t *testing.T, dir string) string {
			return filepath.Join(dir, "binder.pdf")
		}},
		{name: "replaces an old binder", ctx: context.Background(), prepare: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "binder.pdf")
			writeFile(t, p, "old", 0o644)
			return p
		}},
		{name: "read-only file", ctx: context.Background(), wantErr: ErrNotWritable, keep: "old", prepare: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "binder.pdf")
			writeFile(t, p, "old", 0o444)
			return p
		}},
		{name: "folder as target", ctx: context.Background(), wantErr: ErrNotWritable, prepare: func(t *testing.T, dir string) string {
			return dir
		}},
		{name: "missing folder", ctx: context.Background(), wantErr: ErrNotWritable, prepare: func(t *testing.T, dir string) string {
			return filepath.Join(dir, "nicht-da", "binder.pdf")
		}},
		{name: "canceled keeps the old file", ctx: canceled, wantErr: context.Canceled, keep: "old", prepare: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "binder.pdf")
			writeFile(t, p, "old", 0o644)
			return p
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.keep == "old" && os.Geteuid() == 0 && tc.wantErr == ErrNotWritable {
				t.Skip("root may write read-only files")
			}
			dir := t.TempDir()
			path := tc.prepare(t, dir)
			res, err := WriteFile(tc.ctx, path, hb, opt)
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".tmp") {
					t.Errorf("temporary file %s left behind", e.Name())
				}
			}
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if errors.Is(tc.wantErr, ErrNotWritable) && !strings.Contains(err.Error(), filepath.Dir(path)) {
					t.Errorf("error %q does not name the path", err)
				}
				if tc.keep != "" {
					if got, _ := os.ReadFile(path); string(got) != tc.keep {
						t.Errorf("target changed to %d bytes", len(got))
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) || res.Pages != 1 {
				t.Errorf("target: err %v, %d bytes, %d pages, want a one-page PDF", err, len(data), res.Pages)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("mode of the PDF: %v, %v; want 0644", fi.Mode().Perm(), err)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// outlineText is the golden form of a binder: page count and outline.
func outlineText(res Result, e extracted) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pages: %d\n", res.Pages)
	var walk func([]outlineEntry, int)
	walk = func(o []outlineEntry, depth int) {
		for _, x := range o {
			fmt.Fprintf(&b, "%s%s … %d\n", strings.Repeat("  ", depth), x.Title, x.Page)
			walk(x.Kids, depth+1)
		}
	}
	walk(e.outline, 0)
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run go test -update after checking):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

func TestBinderGoldenSmall(t *testing.T) {
	e, res := render(t, testHandbook(), Options{PrintedAt: printed})
	golden(t, "small-outline.golden", outlineText(res, e))
	if !slices.ContainsFunc(e.pages, func(p string) bool { return strings.Contains(p, "Formulare – Anrufprotokoll") }) {
		t.Error("form page header missing")
	}
}

// TestSameBinderSameBytes: the same handbook printed at the same time
// gives the same file, byte for byte (a build with SOURCE_DATE_EPOCH can
// be checked against another), and printing leaves the program's fonts as
// they were (the PDF library once wrote into the monospaced font, so that
// every later binder embedded altered metrics).
func TestSameBinderSameBytes(t *testing.T) {
	hb := demo(t)
	fonts := [][]byte{assets.FontRegular, assets.FontBold, assets.FontItalic, assets.FontMono}
	var before [][]byte
	for _, f := range fonts {
		before = append(before, bytes.Clone(f))
	}
	defer func() {
		for i, f := range fonts {
			if !bytes.Equal(f, before[i]) {
				t.Errorf("font %d changed by printing", i)
			}
		}
	}()
	var first []byte
	for i := range 3 {
		var buf bytes.Buffer
		if _, err := Render(context.Background(), &buf, hb, Options{PrintedAt: printed}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.Bytes()
		} else if !bytes.Equal(buf.Bytes(), first) {
			t.Fatalf("print %d differs from the first (%d and %d bytes)", i+1, buf.Len(), len(first))
		}
	}
}
