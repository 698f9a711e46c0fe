// Package i18n translates the texts of the command line with the same
// catalogs the app uses (assets/translations/de.json and en.json): a key is
// the English text, a value may hold text/template fields like {{.Name}}.
// It does not depend on the GUI toolkit.
package i18n

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"text/template"
)

// Languages are the languages Ernstfall speaks; the first is the default.
var Languages = []string{"de", "en"}

// Catalog holds the texts of one language.
type Catalog struct {
	lang string
	msgs map[string]string

	mu   sync.Mutex
	tmpl map[string]*template.Template
}

// Load reads translations/<lang>.json from fsys.
func Load(fsys fs.FS, lang string) (*Catalog, error) {
	raw, err := fs.ReadFile(fsys, path.Join("translations", lang+".json"))
	if err != nil {
		return nil, fmt.Errorf("load translations %q: %w", lang, err)
	}
	var msgs map[string]string
	if err := json.Unmarshal(raw, &msgs); err != nil {
		return nil, fmt.Errorf("load translations %q: %w", lang, err)
	}
	return &Catalog{lang: lang, msgs: msgs, tmpl: map[string]*template.Template{}}, nil
}

// Lang is the catalog's language code; "en" for a nil catalog.
func (c *Catalog) Lang() string {
	if c == nil {
		return "en"
	}
	return c.lang
}

// Has reports whether the catalog translates key.
func (c *Catalog) Has(key string) bool {
	if c == nil {
		return false
	}
	_, ok := c.msgs[key]
	return ok
}

// T translates key, the English text, and fills in its template fields
// from data (later maps override earlier ones). A missing key, or a nil
// catalog, gives the key itself rendered with the data.
func (c *Catalog) T(key string, data ...map[string]any) string {
	msg := key
	if c != nil {
		if m, ok := c.msgs[key]; ok && m != "" {
			msg = m
		}
	}
	if !strings.Contains(msg, "{{") {
		return msg
	}
	t, err := c.template(msg)
	if err != nil {
		return msg
	}
	var fields map[string]any
	switch len(data) {
	case 0:
	case 1:
		fields = data[0]
	default:
		fields = map[string]any{}
		for _, d := range data {
			for k, v := range d {
				fields[k] = v
			}
		}
	}
	var b bytes.Buffer
	if err := t.Execute(&b, fields); err != nil {
		return msg
	}
	return b.String()
}

// template parses msg once and keeps it.
func (c *Catalog) template(msg string) (*template.Template, error) {
	if c == nil {
		return template.New("").Parse(msg)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.tmpl[msg]; ok {
		return t, nil
	}
	t, err := template.New("").Parse(msg)
	if err != nil {
		return nil, err
	}
	c.tmpl[msg] = t
	return t, nil
}

// Language chooses the language of the messages from the environment, as
// gettext does: the first entry of LANGUAGE, else the first set of LC_ALL,
// LC_MESSAGES and LANG. A German locale ("de", "de_AT.UTF-8") gives "de", an
// English one "en". The untranslated C (or POSIX) locale, and no locale at
// all, give "en": that is what scripts, cron jobs and containers run with,
// and they expect the plain English messages. Any other language (fr_FR, …)
// gives German, Ernstfall's default.
func Language(env func(string) string) string {
	if l := env("LANGUAGE"); l != "" {
		first, _, _ := strings.Cut(l, ":")
		if first != "" {
			return fromLocale(first)
		}
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := env(v); l != "" {
			return fromLocale(l)
		}
	}
	return "en"
}

// fromLocale maps a locale name like "de_DE.UTF-8@euro" to "de" or "en".
func fromLocale(l string) string {
	l, _, _ = strings.Cut(l, "@")
	l, _, _ = strings.Cut(l, ".")
	switch l {
	case "", "C", "POSIX":
		return "en"
	}
	base, _, _ := strings.Cut(strings.ReplaceAll(l, "-", "_"), "_")
	switch strings.ToLower(base) {
	case "en":
		return "en"
	case "de":
		return "de"
	}
	return Languages[0]
}
