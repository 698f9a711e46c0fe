package assets

import (
	"embed"
	_ "embed"
)

// Translations holds the app's texts, one JSON file per language
// (translations/de.json, translations/en.json). The glossary beside them
// is for the people who write the texts, not for the app.
//
//go:embed translations/*.json
var Translations embed.FS

// Icon is the app icon: a red shield with an exclamation mark, 256×256 PNG.
//
//go:embed icon.png
var Icon []byte
