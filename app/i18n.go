package app

import (
	"os"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"ernstfall/assets"
)

// languages the app speaks; the first is used when the system speaks none of them.
var languages = []string{"de", "en"}

// chosenLanguage is the language set in Einstellungen, else the system's
// when the app speaks it, else German.
func chosenLanguage(p fyne.Preferences) string {
	if l := p.String(prefLanguage); slices.Contains(languages, l) {
		return l
	}
	base, _, _ := strings.Cut(string(lang.SystemLocale()), "-")
	if slices.Contains(languages, base) {
		return base
	}
	return languages[0]
}

// setupLanguage loads the translations in the chosen language. The toolkit
// reads the language from the environment when translations are added and
// cannot switch later, so a changed setting applies at the next start.
func setupLanguage(p fyne.Preferences) error {
	return useLanguage(chosenLanguage(p))
}

// useLanguage makes code the language the toolkit picks and loads the
// translations.
func useLanguage(code string) error {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		cur := os.Getenv(v)
		if cur == "" {
			continue
		}
		if cur == "C" || cur == "POSIX" {
			os.Setenv(v, code)
		}
		break
	}
	os.Setenv("LANGUAGE", code)
	return lang.AddTranslationsFS(assets.Translations, "translations")
}
