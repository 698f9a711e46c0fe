package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// enterSubmits makes Enter in the dialog's one-line fields press its
// confirming button, as in every desktop dialog, and puts the keyboard
// focus into the first field, so that a dialog can be answered without
// the mouse. Fields that already answer Enter keep their own meaning;
// multi-line fields keep Enter for a new line.
func enterSubmits(c fyne.Canvas, content fyne.CanvasObject, ok func()) {
	var first fyne.Focusable
	eachEntry(content, func(e *widget.Entry, f fyne.Focusable) {
		if e.Disabled() {
			return
		}
		if first == nil {
			first = f
		}
		if !e.MultiLine && e.OnSubmitted == nil {
			e.OnSubmitted = func(string) { ok() }
		}
	})
	if first != nil && c != nil {
		c.Focus(first)
	}
}

// eachEntry calls f for each entry in o, in reading order, with the
// object that takes the focus for it.
func eachEntry(o fyne.CanvasObject, f func(*widget.Entry, fyne.Focusable)) {
	switch v := o.(type) {
	case *widget.Entry:
		f(v, v)
	case *formEntry:
		f(&v.Entry, v)
	case *fyne.Container:
		for _, c := range v.Objects {
			eachEntry(c, f)
		}
	case *widget.Form:
		for _, it := range v.Items {
			eachEntry(it.Widget, f)
		}
	case *container.Scroll:
		eachEntry(v.Content, f)
	}
}
