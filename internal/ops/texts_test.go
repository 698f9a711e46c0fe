package ops

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ernstfall/assets"
	"ernstfall/internal/i18n"
)

// constsOfType lists the string constants of type typ declared in this
// package's non-test files.
func constsOfType(t *testing.T, typ string) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != typ {
					continue
				}
				for _, v := range vs.Values {
					lit, ok := v.(*ast.BasicLit)
					if !ok {
						t.Fatalf("%s: a %s constant that is not a literal", f, typ)
					}
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// TestTextsTranslated checks that every Code and Stage, which front ends
// show through the catalogs, has a German and an English text.
func TestTextsTranslated(t *testing.T) {
	codes, stages := constsOfType(t, "Code"), constsOfType(t, "Stage")
	if len(codes) < 10 || len(stages) < 5 {
		t.Fatalf("found %d codes and %d stages; is the walk broken?", len(codes), len(stages))
	}
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			cat, err := i18n.Load(assets.Translations, lang)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range append(codes, stages...) {
				if !cat.Has(k) {
					t.Errorf("%s.json lacks %q", lang, k)
				}
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	at := time.Date(2026, 11, 25, 23, 5, 0, 0, time.Local)
	err := fail(CodeIncidentClosed, "Title", "Stromausfall", "Time", at)
	de, e2 := i18n.Load(assets.Translations, "de")
	if e2 != nil {
		t.Fatal(e2)
	}
	tests := []struct {
		name string
		tr   i18n.Translator
		want string
	}{
		{"German", func(k string, d map[string]any) string { return de.T(k, d) },
			"Der Vorfall „Stromausfall“ wurde bereits am 25.11.2026 23:05 abgeschlossen."},
		{"English", func(k string, d map[string]any) string { return (*i18n.Catalog)(nil).T(k, d) },
			"The incident Stromausfall was closed at 2026-11-25 23:05 already."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := err.Text(tt.tr); got != tt.want {
				t.Errorf("Text = %q, want %q", got, tt.want)
			}
		})
	}
	if got := err.Error(); got != tests[1].want {
		t.Errorf("Error() = %q, want the English text", got)
	}
}
