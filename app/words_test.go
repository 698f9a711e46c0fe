package app

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ernstfall/data"
)

// glossaryBans reads the glossary's table: per language, the spellings it
// rules out, each with the term it belongs to.
func glossaryBans(t *testing.T) map[string]map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "assets", "translations", "GLOSSARY.md"))
	if err != nil {
		t.Fatal(err)
	}
	bans := map[string]map[string]string{"de": {}, "en": {}}
	rows := 0
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if len(line) < 2 || line[0] != '|' || line[len(line)-1] != '|' {
			continue
		}
		cells := strings.Split(line[1:len(line)-1], "|")
		if len(cells) != 6 || strings.HasPrefix(cells[0], "---") || strings.TrimSpace(cells[0]) == "Term" {
			continue
		}
		rows++
		for lang, col := range map[string]int{"de": 3, "en": 4} {
			for _, s := range strings.Split(cells[col], " / ") {
				if s = strings.TrimSpace(s); s != "" {
					bans[lang][s] = strings.TrimSpace(cells[0])
				}
			}
		}
	}
	if rows < 30 || len(bans["de"]) < 5 {
		t.Fatalf("read %d glossary rows and %d German bans; is the table broken?", rows, len(bans["de"]))
	}
	return bans
}

// word matches s as a whole word, case-sensitively.
func word(s string) *regexp.Regexp {
	return regexp.MustCompile(`(^|[^\pL\pN-])` + regexp.QuoteMeta(s) + `($|[^\pL\pN-])`)
}

func catalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "assets", "translations", lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var tr map[string]string
	if err := json.Unmarshal(raw, &tr); err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestWordsFollowTheGlossary: the catalogues and the demo handbook use the
// glossary's spellings ("Incident-Owner", "Lessons Learned", "Rechner"),
// a review is an "Überprüfung" and never a "Prüfung", contact kinds are
// codes the window shows as words ("Behörde", not "authority"), and the
// window formats no date outside the catalogue's layout.
func TestWordsFollowTheGlossary(t *testing.T) {
	bans := glossaryBans(t)
	for _, lang := range []string{"de", "en"} {
		for key, text := range catalogue(t, lang) {
			for bad, term := range bans[lang] {
				if word(bad).MatchString(text) {
					t.Errorf("%s.json: %q writes %q; the glossary says %q is written otherwise", lang, key, bad, term)
				}
			}
		}
	}

	review := regexp.MustCompile(`(?i)\breview`)
	for key, text := range catalogue(t, "de") {
		rest := strings.NewReplacer("Überprüf", "", "überprüf", "").Replace(text)
		if review.MatchString(key) && strings.Contains(strings.ToLower(rest), "prüf") {
			t.Errorf("de.json: %q calls a review %q; the glossary has Überprüfung", key, text)
		}
	}

	demo := os.DirFS(filepath.Join("..", "data", "demo"))
	files := 0
	err := fs.WalkDir(demo, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(demo, path)
		if err != nil {
			return err
		}
		files++
		for bad, term := range bans["de"] {
			if word(bad).Match(raw) {
				t.Errorf("demo %s writes %q; the glossary says %q is written otherwise", path, bad, term)
			}
		}
		return nil
	})
	if err != nil || files < 10 {
		t.Fatalf("read %d demo files: %v", files, err)
	}

	hb, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range hb.Contacts {
		if c.Kind != "" && !slices.Contains(contactKinds, c.Kind) {
			t.Errorf("demo contact %q has the kind %q, which the window cannot put into words", c.Name, c.Kind)
		}
	}

	layout := regexp.MustCompile(`\.Format\("[^"]*2006`)
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := layout.Find(src); m != nil {
			t.Errorf("%s formats a date as %s; use day or stamp, whose layout the catalogue translates", f, m)
		}
	}
}

// TestContactKindInWords: the German window says "Behörde" for the kind
// "authority", and the form turns the word back into the code.
func TestContactKindInWords(t *testing.T) {
	newTestUI(t)
	if got := contactKindLabel("authority"); got != "Behörde" {
		t.Errorf("authority shows as %q", got)
	}
	if got := contactKindLabel("Notar"); got != "Notar" {
		t.Errorf("a kind typed by hand shows as %q", got)
	}
	for typed, want := range map[string]string{"Behörde": "authority", " dienstleister ": "provider", "police": "police", "Notar": "Notar"} {
		if got := contactKind(typed); got != want {
			t.Errorf("typed %q is stored as %q, want %q", typed, got, want)
		}
	}
}
