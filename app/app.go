// Package app is Ernstfall's window: the handbook's screens on top of the
// store. It is the only package that uses the GUI toolkit.
package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// AppID identifies the app to the desktop and to its preferences.
const AppID = "de.ernstfall.handbook"

// Run opens the main window on st and returns when it is closed.
func Run(ctx context.Context, st *store.Store, demo bool) error {
	a := fyneapp.NewWithID(AppID)
	w := a.NewWindow("Ernstfall")
	pbs, err := store.List[handbook.Playbook](ctx, st)
	if err != nil {
		return fmt.Errorf("show handbook: %w", err)
	}
	w.SetContent(widget.NewList(
		func() int { return len(pbs) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(pbs[i].Title) },
	))
	w.Resize(fyne.NewSize(1024, 700))
	w.ShowAndRun()
	return nil
}
