package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// handbookTheme is Fyne's theme with a focus that can be seen across the
// room: the default focus tint is so faint that people working only with
// the keyboard lose track of where they are.
type handbookTheme struct{ fyne.Theme }

// newTheme wraps the toolkit's default theme.
func newTheme() fyne.Theme { return handbookTheme{theme.DefaultTheme()} }

// Color gives the focus a strong tint of the primary colour; everything
// else is the default theme's.
func (t handbookTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameFocus {
		return focusColor(t.Theme.Color(theme.ColorNamePrimary, v), v)
	}
	return t.Theme.Color(n, v)
}

// focusColor is the primary colour at half strength, lightened on the
// dark theme and darkened on the light one: buttons, links, check boxes
// and list rows with the keyboard focus stand out from the ones the mouse
// merely passes over, and a button drawn in the primary colour itself
// (Save, Start incident) still changes when it takes the focus.
func focusColor(primary color.Color, v fyne.ThemeVariant) color.Color {
	c := color.NRGBAModel.Convert(primary).(color.NRGBA)
	toward := uint8(0xff)
	if v == theme.VariantLight {
		toward = 0
	}
	mix := func(x uint8) uint8 { return uint8((uint16(x) + uint16(toward)) / 2) }
	c.R, c.G, c.B, c.A = mix(c.R), mix(c.G), mix(c.B), 0x80
	return c
}

// compactTheme draws the rows of a list nearly without a gap: for the
// sidebar, whose eighteen screens must all stay in view.
type compactTheme struct{ fyne.Theme }

// Size leaves 1 px between the rows.
func (t compactTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNamePadding {
		return 1
	}
	return t.Theme.Size(n)
}
