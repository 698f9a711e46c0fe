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

// TypedKey presses the button on Enter (and the keypad's Enter) as on Space.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		ev = &fyne.KeyEvent{Name: fyne.KeySpace, Physical: ev.Physical}
	}
	b.Button.TypedKey(ev)
}
