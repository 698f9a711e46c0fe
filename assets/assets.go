// Package assets holds the files Ernstfall embeds into its binary: the fonts
// the PDF binder prints with, and their licence.
package assets

import _ "embed"

// DejaVu Sans and DejaVu Sans Mono (Bitstream Vera and Arev licences, see
// fonts/LICENSE) cover umlauts, ß, €, typographic quotes and dashes, and
// print "-" as a hyphen, not as a dash.
var (
	//go:embed fonts/DejaVuSans.ttf
	FontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	FontBold []byte
	//go:embed fonts/DejaVuSans-Oblique.ttf
	FontItalic []byte
	//go:embed fonts/DejaVuSansMono.ttf
	FontMono []byte
	//go:embed fonts/LICENSE
	FontLicense string
)
