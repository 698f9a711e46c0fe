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
