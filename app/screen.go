package app

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// Fyne has no call for the size of the screen. Its desktop driver runs on
// GLFW, which knows the work area of each monitor (the screen less task
// bars and docks); the window asks GLFW once it is shown, when the toolkit
// has initialised GLFW on the main thread and the window's scale is known.

// windowFrame is what the window manager adds to the window: the title
// bar. Borders are left out: most of them are a few invisible pixels.
var windowFrame = fyne.NewSize(0, 40)

// largestFirst caps the first size on a large screen: a handbook does not
// need a 4K screen filled.
var largestFirst = fyne.NewSize(1600, 1000)

// fitWindow is the size the window opens at: want (the size it was left
// at), or at the first start the screen's work area up to largestFirst,
// never larger than the work area less the title bar.
func fitWindow(want, work fyne.Size, first bool) fyne.Size {
	room := work.Subtract(windowFrame)
	if first {
		want = largestFirst
	}
	return fyne.NewSize(min(want.Width, room.Width), min(want.Height, room.Height))
}

// workArea is the work area of the primary screen in the window's units;
// false when the screen cannot be asked. It must run on the main thread
// after the window was shown.
func workArea(scale float32) (size fyne.Size, ok bool) {
	defer func() {
		if recover() != nil { // GLFW panics on its errors
			size, ok = fyne.Size{}, false
		}
	}()
	m := glfw.GetPrimaryMonitor()
	if m == nil || scale <= 0 {
		return fyne.Size{}, false
	}
	_, _, w, h := m.GetWorkarea()
	if w <= 0 || h <= 0 {
		return fyne.Size{}, false
	}
	return fyne.NewSize(float32(w)/scale, float32(h)/scale), true
}
