// Package assets holds the files Ernstfall embeds into its binary: the fonts
// the PDF binder prints with, and their licence.
package assets

import _ "embed"

// The Go fonts (Bigelow & Holmes, BSD licence, see fonts/LICENSE) cover
// umlauts, ß, €, typographic quotes and dashes.
var (
	//go:embed fonts/Go-Regular.ttf
	FontRegular []byte
	//go:embed fonts/Go-Bold.ttf
	FontBold []byte
	//go:embed fonts/Go-Italic.ttf
	FontItalic []byte
	//go:embed fonts/Go-Mono.ttf
	FontMono []byte
	//go:embed fonts/LICENSE
	FontLicense string
)
