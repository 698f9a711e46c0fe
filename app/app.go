// Package app is Ernstfall's window: the handbook's screens on top of the
// store. It is the only package that uses the GUI toolkit.
package app

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"ernstfall/assets"
	"ernstfall/internal/ops"
)

// AppID identifies the app to the desktop and to its preferences.
const AppID = "de.ernstfall.handbook"

// Preference keys.
const (
	prefLanguage = "language"
	prefWidth    = "window_width"
	prefHeight   = "window_height"
)

// firstSize is the window's size at the first start where the screen's
// size is not known: the width of a 1366×768 laptop, less the window
// frame, and its height less the task bar, the title bar and the menu
// bar. Where it is known, fitWindow chooses. After that the window opens
// as it was left, within the screen.
var firstSize = fyne.NewSize(1320, 668)

// Run opens the main window on the handbook o works on and returns when it
// is closed. demo says the store holds the demo handbook, so the welcome
// screen is skipped. configDir is the user's settings folder, where the
// name of who works at this computer is kept; the first start asks for it.
func Run(ctx context.Context, o *ops.Ops, demo bool, configDir string) error {
	a := fyneapp.NewWithID(AppID)
	if err := setupLanguage(a.Preferences()); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	a.Settings().SetTheme(newTheme())
	w := a.NewWindow("Ernstfall")
	u := newUI(ctx, o, a, w, time.Now)
	u.setConfigDir(configDir)
	if err := u.start(demo); err != nil {
		return fmt.Errorf("show handbook: %w", err)
	}
	if !u.who.Set() {
		u.askPerson()
	}
	u.autoSync(ctx)
	first := a.Preferences().FloatWithFallback(prefWidth, 0) == 0
	want := fyne.NewSize(
		float32(a.Preferences().FloatWithFallback(prefWidth, float64(firstSize.Width))),
		float32(a.Preferences().FloatWithFallback(prefHeight, float64(firstSize.Height))))
	w.Resize(want)
	// Once shown, the window fits the screen it is on: the first start
	// takes the screen, a size left on a larger screen shrinks.
	a.Lifecycle().SetOnStarted(func() {
		if work, ok := workArea(w.Canvas().Scale()); ok {
			if size := fitWindow(want, work, first); size != want {
				w.Resize(size)
			}
		}
	})
	w.ShowAndRun()
	return nil
}
