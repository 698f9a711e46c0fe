package app

import (
	"context"
	"net/url"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/binder"
	"ernstfall/internal/ops"
)

// printFunc writes one report to path.
type printFunc func(ctx context.Context, path string, opt binder.Options, p ops.Progress) (binder.Result, error)

// saveReport asks where to save a report, named name.pdf at first, and
// prints it there: an incident's and an exercise's report alike.
func (u *ui) saveReport(name string, print printFunc) {
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError(lang.L("The file could not be chosen."), lang.L("Choose another folder."), err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		u.writeReport(path, print)
	}, u.win)
	save.SetFileName(name + ".pdf")
	save.SetTitleText(lang.L("Save file"))
	save.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	save.Resize(fyne.NewSize(800, 560))
	save.Show()
}

// writeReport prints a report to path in the background and offers to
// open it; a file left empty by a failure is removed.
func (u *ui) writeReport(path string, print printFunc) *task {
	opt := binder.Options{Lang: chosenLanguage(u.app.Preferences()), PrintedBy: u.author()}
	var res binder.Result
	return u.run(lang.L("Printing the report"), func(ctx context.Context, p ops.Progress) error {
		var err error
		res, err = print(ctx, path, opt, p)
		return err
	}, func(err error) {
		if err != nil {
			discardEmpty(path)
		}
		switch {
		case cancelled(err):
			return
		case err != nil:
			u.opFailed(lang.L("The report could not be written."), lang.L("Choose another folder or file name, and close the file if another program has it open."), err)
			return
		}
		msg := lang.L("{{.Pages}} pages written to {{.File}}. Open the PDF now?", map[string]any{"Pages": res.Pages, "File": filepath.Base(path)})
		dialog.ShowConfirm(lang.L("Report printed"), msg, func(open bool) {
			if open {
				_ = u.app.OpenURL(&url.URL{Scheme: "file", Path: path})
			}
		}, u.win)
	})
}

// refusedIn shows why an operation was refused in problem, and a failed
// save as a dialog; it reports whether there was either.
func (u *ui) refusedIn(problem *widget.Label, err error) bool {
	if oe, ok := ops.AsError(err); ok {
		problem.SetText(oe.Text(translate))
		problem.Show()
		return true
	}
	if err != nil {
		u.saveFailed(err)
		return true
	}
	return false
}

// liveTicker moves a view on display with the clock, every tickEvery,
// until the view leaves the screen or the window closes: a running
// incident, a drill, an alarm test.
type liveTicker struct {
	quit chan struct{}
}

// start calls tick with the time on the UI thread while visible says the
// view is on display; zero tickEvery (the tests) starts nothing. The
// goroutine is counted in u.bg and ends when the window closes.
func (l *liveTicker) start(u *ui, visible func() bool, tick func(time.Time)) {
	if tickEvery <= 0 || u.closed.Load() {
		return
	}
	l.stop()
	l.quit = make(chan struct{})
	quit := l.quit
	every := tickEvery
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-u.closing:
				return
			case <-t.C:
				u.later(func() {
					select {
					case <-quit:
						return // stopped meanwhile
					default:
					}
					if !visible() {
						l.stop()
						return
					}
					tick(u.now())
				})
			}
		}
	}()
}

// stop ends the ticking.
func (l *liveTicker) stop() {
	if l.quit != nil {
		close(l.quit)
		l.quit = nil
	}
}
