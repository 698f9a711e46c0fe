package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// button is a widget.Button that Enter presses as Space does. A keyboard
// user who tabbed to "Speichern" presses Enter; Fyne's button reacts to
// Space only, so Enter did nothing. Every button of the window is one.
type button struct{ widget.Button }

func newButton(label string, tapped func()) *button {
	return newIconButton(label, nil, tapped)
}

func newIconButton(label string, icon fyne.Resource, tapped func()) *button {
	b := &button{Button: widget.Button{Text: label, Icon: icon, OnTapped: tapped}}
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter (and the keypad's Enter) as on
// Space, and hands Esc to the window as if nothing had the focus: Fyne
// gives a key only to the focused widget, so Esc on a focused button did
// nothing where it leads back everywhere else.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		ev = &fyne.KeyEvent{Name: fyne.KeySpace, Physical: ev.Physical}
	case fyne.KeyEscape:
		// Not from a dialog: the window's Esc acts on the screen behind it.
		if c := fyne.CurrentApp().Driver().CanvasForObject(b); c != nil && c.OnTypedKey() != nil && c.Overlays().Top() == nil {
			c.OnTypedKey()(ev)
		}
		return
	}
	b.Button.TypedKey(ev)
}
