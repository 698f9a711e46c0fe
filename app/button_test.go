package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestEnterPressesFocusedButton(t *testing.T) {
	pressed := 0
	b := newButton("Speichern", func() { pressed++ })
	w := test.NewTempWindow(t, b)
	w.Canvas().Focus(b)
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace, fyne.KeyTab, fyne.KeyA} {
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: k})
	}
	if pressed != 3 {
		t.Fatalf("Enter, keypad Enter and Space pressed the button %d times, want 3", pressed)
	}
	b.Disable()
	b.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if pressed != 3 {
		t.Fatal("Enter pressed a disabled button")
	}
}

func TestEscapeOnFocusedButtonReachesTheWindow(t *testing.T) {
	b := newButton("Speichern", func() { t.Error("Esc pressed the button") })
	w := test.NewTempWindow(t, b)
	escapes := 0
	w.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			escapes++
		}
	})
	w.Canvas().Focus(b)
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if escapes != 1 {
		t.Fatalf("Esc on a focused button reached the window %d times, want 1", escapes)
	}
	inDialog := newButton("OK", nil)
	w.Canvas().Overlays().Add(inDialog)
	w.Canvas().Focus(inDialog)
	inDialog.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if escapes != 1 {
		t.Fatal("Esc on a button in a dialog acted on the screen behind it")
	}
}
