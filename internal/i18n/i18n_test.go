package i18n

import (
	"encoding/json"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"ernstfall/assets"
	"ernstfall/internal/handbook"
)

func TestLanguage(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing set means English", nil, "en"},
		{"German locale", map[string]string{"LANG": "de_DE.UTF-8"}, "de"},
		{"Austrian locale", map[string]string{"LANG": "de_AT"}, "de"},
		{"bare de", map[string]string{"LANG": "de"}, "de"},
		{"English locale", map[string]string{"LANG": "en_US.UTF-8"}, "en"},
		{"British with modifier", map[string]string{"LANG": "en_GB@euro"}, "en"},
		{"C is English", map[string]string{"LANG": "C"}, "en"},
		{"C.UTF-8 is English", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"POSIX is English", map[string]string{"LC_ALL": "POSIX"}, "en"},
		{"another language falls back to German", map[string]string{"LANG": "fr_FR.UTF-8"}, "de"},
		{"Esperanto is not English", map[string]string{"LANG": "eo"}, "de"},
		{"LC_ALL before LANG", map[string]string{"LC_ALL": "en_US.UTF-8", "LANG": "de_DE.UTF-8"}, "en"},
		{"LC_MESSAGES before LANG", map[string]string{"LC_MESSAGES": "de_DE.UTF-8", "LANG": "en_US.UTF-8"}, "de"},
		{"LC_ALL before LC_MESSAGES", map[string]string{"LC_ALL": "C", "LC_MESSAGES": "de_DE.UTF-8"}, "en"},
		{"LANGUAGE first", map[string]string{"LANGUAGE": "en", "LANG": "de_DE.UTF-8"}, "en"},
		{"only LANGUAGE's first entry counts", map[string]string{"LANGUAGE": "de:en", "LANG": "en_US.UTF-8"}, "de"},
		{"LANGUAGE with other first entry", map[string]string{"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}, "de"},
		{"LANGUAGE with region", map[string]string{"LANGUAGE": "de_CH:en"}, "de"},
		{"empty LANGUAGE entry is skipped", map[string]string{"LANGUAGE": ":en", "LANG": "de_DE"}, "de"},
		{"BCP 47 spelling", map[string]string{"LANG": "en-US"}, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Language(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("Language(%v) = %q, want %q", tt.env, got, tt.want)
			}
		})
	}
}

func TestT(t *testing.T) {
	fsys := fstest.MapFS{"translations/de.json": {Data: []byte(`{
 "Hello": "Hallo",
 "Hello {{.Name}}": "Hallo {{.Name}}",
 "{{.N}} errors": "{{.N}} {{if eq .N 1}}Fehler{{else}}Fehler (viele){{end}}",
 "broken {{.X}}": "kaputt {{.X"
}`)}}
	c, err := Load(fsys, "de")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, key string
		data      []map[string]any
		want      string
	}{
		{"plain", "Hello", nil, "Hallo"},
		{"template field", "Hello {{.Name}}", []map[string]any{{"Name": "Ada"}}, "Hallo Ada"},
		{"template logic", "{{.N}} errors", []map[string]any{{"N": 1}}, "1 Fehler"},
		{"template logic, other branch", "{{.N}} errors", []map[string]any{{"N": 3}}, "3 Fehler (viele)"},
		{"missing key gives the key", "Goodbye", nil, "Goodbye"},
		{"missing key is rendered", "Goodbye {{.Name}}", []map[string]any{{"Name": "Ada"}}, "Goodbye Ada"},
		{"several maps merge", "Hello {{.Name}}", []map[string]any{{"Name": "Ada"}, {"Name": "Grace"}}, "Hallo Grace"},
		{"broken template gives the text", "broken {{.X}}", []map[string]any{{"X": 1}}, "kaputt {{.X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.T(tt.key, tt.data...); got != tt.want {
				t.Errorf("T(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
	c.T("Hello {{.Name}}", map[string]any{"Name": "x"})
	if len(c.tmpl) != 3 { // "Hallo {{.Name}}", the plural and "Goodbye {{.Name}}"
		t.Errorf("%d cached templates, want 3", len(c.tmpl))
	}
	var none *Catalog
	if got := none.T("Hi {{.Name}}", map[string]any{"Name": "Ada"}); got != "Hi Ada" || none.Lang() != "en" {
		t.Errorf("nil catalog: %q, %q", got, none.Lang())
	}
}

func TestLoad(t *testing.T) {
	for _, lang := range Languages {
		c, err := Load(assets.Translations, lang)
		if err != nil {
			t.Fatal(err)
		}
		if c.Lang() != lang || !c.Has("Commands:") {
			t.Errorf("%s: lang %q, has Commands: %v", lang, c.Lang(), c.Has("Commands:"))
		}
	}
	if _, err := Load(assets.Translations, "fr"); err == nil {
		t.Error("Load(fr) succeeded")
	}
	if _, err := Load(fstest.MapFS{"translations/de.json": {Data: []byte("{")}}, "de"); err == nil {
		t.Error("Load of broken JSON succeeded")
	}
}

// TestFindingKeys checks that the keys for findings and severities are in
// both catalogs.
func TestFindingKeys(t *testing.T) {
	for _, lang := range Languages {
		c, err := Load(assets.Translations, lang)
		if err != nil {
			t.Fatal(err)
		}
		for code, k := range FindingKeys {
			if !c.Has(k) {
				t.Errorf("%s.json lacks %q (finding %s)", lang, k, code)
			}
		}
		for s, k := range SeverityKeys {
			if !c.Has(k) {
				t.Errorf("%s.json lacks %q (severity %s)", lang, k, s)
			}
		}
	}
}

func TestFindingText(t *testing.T) {
	de, err := Load(assets.Translations, "de")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    handbook.Finding
		want string
	}{
		{"cycle", handbook.Finding{Code: handbook.CodeCycle, Args: []string{"A", "B", "A"}},
			"Services hängen im Kreis voneinander ab: A → B → A"},
		{"missing fallback with severity", handbook.Finding{Code: handbook.CodeMissingFallback, Args: []string{"ERP", "critical"}},
			"ERP (kritisch) hat kein manuelles Notverfahren"},
		{"missing owner", handbook.Finding{Code: handbook.CodeMissingOwner, Args: []string{"ERP"}}, "ERP hat keine verantwortliche Person"},
		{"too few args do not panic", handbook.Finding{Code: handbook.CodeRTOShorterThanDependency, Args: []string{"ERP"}},
			"ERP (RTO ) hängt von  mit RTO  ab"},
		{"no key: the English message", handbook.Finding{Code: handbook.CodeInvalid, Message: "contact \"X\": name: must not be empty"},
			"contact \"X\": name: must not be empty"},
		{"stale contact with a German date", handbook.Finding{Code: handbook.CodeStaleContact, Args: []string{"Stefan Krüger", "2025-12-03", "180"}},
			"Kontakt Stefan Krüger zuletzt am 03.12.2025 verifiziert, vor mehr als 180 Tagen"},
		{"never reviewed", handbook.Finding{Code: handbook.CodeReviewOverdue, Args: []string{"DDoS", ""}}, "DDoS: noch nie überprüft"},
		{"review overdue", handbook.Finding{Code: handbook.CodeReviewOverdue, Args: []string{"DDoS", "2026-09-08"}},
			"DDoS: Überprüfung fällig seit 08.09.2026"},
		{"unknown role", handbook.Finding{Code: handbook.CodeUnknownRole, Args: []string{"DDoS", "Pressestelle", "12"}},
			"Playbook DDoS, Zeile 12: keine Rolle heißt @Pressestelle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := de.Finding(tt.f); got != tt.want {
				t.Errorf("Finding = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDomainTextsTranslated checks the English texts the domain hands to
// the front ends as catalog keys: the reporting table, the regimes and the
// table of placeholders.
func TestDomainTextsTranslated(t *testing.T) {
	var keys []string
	for _, r := range handbook.ReportRules {
		keys = append(keys, r.Name, r.Short, r.Reference)
	}
	for _, n := range handbook.RegimeNames {
		keys = append(keys, n)
	}
	for _, p := range handbook.Placeholders {
		keys = append(keys, p.Meaning)
	}
	for _, k := range fieldKeys {
		keys = append(keys, k)
	}
	for _, lang := range Languages {
		c, err := Load(assets.Translations, lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if !c.Has(k) {
				t.Errorf("%s.json lacks %q", lang, k)
			}
		}
	}
}

// TestNoReservedKeys: the window's toolkit reads the catalogs as go-i18n
// messages, where a key such as "Description" or "Other" names a part of
// a message; one such key makes it drop the whole catalog.
func TestNoReservedKeys(t *testing.T) {
	reserved := []string{"id", "description", "hash", "leftdelim", "rightdelim", "zero", "one", "two", "few", "many", "other"}
	for _, lang := range Languages {
		raw, err := fs.ReadFile(assets.Translations, "translations/"+lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		var keys map[string]string
		if err := json.Unmarshal(raw, &keys); err != nil {
			t.Fatal(err)
		}
		for k := range keys {
			if slices.Contains(reserved, strings.ToLower(k)) {
				t.Errorf("%s.json: the key %q is reserved by the toolkit's catalog reader", lang, k)
			}
		}
	}
}
