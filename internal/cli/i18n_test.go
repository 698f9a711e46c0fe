package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/i18n"
)

func runLang(t *testing.T, lang string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return now }, ConfigDir: t.TempDir(), Lang: lang}
	code := Run(context.Background(), args, env)
	return result{code, out.String(), errb.String()}
}

func TestGerman(t *testing.T) {
	db := demoDB(t)
	tests := []struct {
		name     string
		lang     string
		args     []string
		code     int
		stdout   []string
		stderr   []string
		notInOut []string
	}{
		{"check summary", "de", []string{"check"}, 0,
			[]string{"0 Fehler, 16 Warnungen", "Warnung  ", "hat kein manuelles Notverfahren"}, nil, []string{"warnings"}},
		{"search without matches", "de", []string{"search", "zzzqqq"}, 0, []string{`keine Treffer für "zzzqqq"`}, nil, nil},
		{"search keeps the entity kinds", "de", []string{"search", "Ransomware"}, 0, []string{"playbook"}, nil, nil},
		{"help", "de", []string{"help"}, 0,
			[]string{"Befehle:", "Optionen:", "Aufruf: ernstfall", "Volltextsuche im ganzen Handbuch", "-db PFAD"}, nil, []string{"Commands:"}},
		{"restore-order header", "de", []string{"restore-order"}, 0, []string{"hängt ab von"}, nil, nil},
		{"no incidents", "de", []string{"incidents"}, 0, []string{"keine Vorfälle"}, nil, nil},
		{"no conflicts", "de", []string{"conflicts"}, 0, []string{"keine offenen Konflikte"}, nil, nil},
		{"call tree", "de", []string{"call-tree"}, 0, []string{"Stufe 1 – Störung (innerhalb von", "falls nicht erreichbar"}, nil, nil},
		{"usage error", "de", []string{"search"}, 2, nil, []string{"QUERY fehlt", "Aufruf: ernstfall [--db PFAD] search QUERY"}, nil},
		{"unknown command", "de", []string{"frobnicate"}, 2, nil, []string{`unbekannter Befehl "frobnicate"`, "Befehle:"}, nil},
		{"--lang en overrides German", "de", []string{"--lang", "en", "check"}, 0, []string{"0 errors, 16 warnings"}, nil, nil},
		{"--lang de overrides English", "en", []string{"--lang", "de", "search", "zzzqqq"}, 0, []string{"keine Treffer"}, nil, nil},
		{"--lang other is a usage error", "de", []string{"--lang", "fr", "check"}, 2, nil, []string{`--lang muss de oder en sein, nicht "fr"`}, nil},
		{"unknown Env.Lang means English", "xx", []string{"search", "zzzqqq"}, 0, []string{"no matches"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runLang(t, tt.lang, append([]string{"--db", db}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %+v", r.code, tt.code, r)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			for _, s := range tt.notInOut {
				if strings.Contains(r.stdout, s) {
					t.Errorf("stdout has %q:\n%s", s, r.stdout)
				}
			}
		})
	}
}

func TestGermanInit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	if r := runLang(t, "de", "--db", db, "init"); r.code != 0 || !strings.Contains(r.stdout, "leeres Handbuch") {
		t.Fatalf("init: %+v", r)
	}
	if r := runLang(t, "de", "--db", db, "init"); r.code == 0 || !strings.Contains(r.stderr, "existiert bereits") {
		t.Errorf("second init: %+v", r)
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	if r := runLang(t, "de", "--db", missing, "check"); r.code == 0 || !strings.Contains(r.stderr, "kein Handbuch unter") {
		t.Errorf("check without database: %+v", r)
	}
}

// TestTranslationsComplete checks that every text the command line
// translates has a German and an English entry.
func TestTranslationsComplete(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	lit := `("(?:[^"\\]|\\.)*")`
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`env\.(?:T|usage)\(\s*` + lit),
		regexp.MustCompile(`env\.wrap\([^,]+,\s*` + lit),
		regexp.MustCompile(`\{"[a-z-]+", "(?:[^"\\]|\\.)*", ` + lit + `, run`),
		regexp.MustCompile(`fs\.(?:String|Bool)Var\(&g\.\w+, "\w+", [^,]+, ` + lit + `\)`),
	}
	keys := []string{"error", "warning"} // the finding levels
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range patterns {
			for _, m := range p.FindAllSubmatch(src, -1) {
				var k string
				if err := json.Unmarshal(m[1], &k); err != nil {
					t.Fatalf("%s: %s: %v", f, m[1], err)
				}
				keys = append(keys, k)
			}
		}
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d texts; is a pattern broken?", len(keys))
	}
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "..", "assets", "translations", lang+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var tr map[string]string
			if err := json.Unmarshal(raw, &tr); err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				if tr[k] == "" {
					t.Errorf("%s.json lacks %q", lang, k)
				}
			}
		})
	}
}
