package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestWheelOverTextField: the mouse wheel over a multi-line field of a
// form scrolls the form, as it does anywhere else on the page; once the
// field has the focus, the wheel is the field's own, for a long text
// being edited, and back for the page when the focus leaves.
func TestWheelOverTextField(t *testing.T) {
	u := newTestUI(t)
	u.win.Resize(fyne.NewSize(1024, 640))
	u.show(u.screenIndex(t, "contacts"))
	u.create()
	f := u.editor
	if f == nil {
		t.Fatal("Ctrl+N opened no form")
	}
	e := f.input(t, "channels")
	c := u.win.Canvas()
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject
	// Scroll the page so that the field is in view with page left below it.
	inPage := abs(e).Y - abs(f.scroll).Y + f.scroll.Offset.Y
	f.scroll.ScrollToOffset(fyne.NewPos(0, inPage-80))
	before := f.scroll.Offset.Y
	if before <= 0 {
		t.Fatalf("the form does not scroll at 1024×640 (offset %v)", before)
	}
	over := abs(e).AddXY(20, 20)
	if over.Y > c.Size().Height {
		t.Fatalf("the field lies outside the window at %v", over)
	}
	test.Scroll(c, over, 0, -40)
	if f.scroll.Offset.Y <= before {
		t.Fatalf("the wheel over the field left the page at %v (was %v)", f.scroll.Offset.Y, before)
	}
	c.Focus(e)
	at := f.scroll.Offset.Y
	test.Scroll(c, abs(e).AddXY(20, 20), 0, -40)
	if f.scroll.Offset.Y != at {
		t.Fatalf("the wheel over the focused field scrolled the page from %v to %v", at, f.scroll.Offset.Y)
	}
	c.Unfocus()
	test.Scroll(c, abs(e).AddXY(20, 20), 0, 40)
	if f.scroll.Offset.Y >= at {
		t.Fatalf("after the focus left, the wheel did not scroll the page back (%v, was %v)", f.scroll.Offset.Y, at)
	}
}
