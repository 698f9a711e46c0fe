package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/ops"
)

// progressAfter is how long an operation runs before its progress dialog
// appears: shorter ones finish without a flicker.
const progressAfter = 200 * time.Millisecond

// task is an operation running off the UI thread, with its progress
// dialog once it takes longer than progressAfter.
type task struct {
	u      *ui
	title  string
	cancel context.CancelFunc

	// mu guards the status, and orders showing the dialog against the
	// end of the operation where the UI thread does not (tests).
	mu     sync.Mutex
	status ops.Status
	// shown is the status on screen; drawing is set while an update waits
	// for the UI thread, so a fast operation does not flood it.
	shown   ops.Status
	drawing bool

	// The fields below belong to the UI thread; finished and dlg are also
	// guarded by mu.
	finished bool
	dlg      dialog.Dialog
	stage    *widget.Label
	bar      *widget.ProgressBar
	spinner  *widget.ProgressBarInfinite
	stop     *button
}

// run starts work in a goroutine and hands its error to done on the UI
// thread. Cancelling the dialog cancels work's ctx; done then gets an error
// that is context.Canceled, and should say nothing. u.tasks counts the
// running ones.
func (u *ui) run(title string, work func(ctx context.Context, p ops.Progress) error, done func(error)) *task {
	ctx, cancel := context.WithCancel(u.ctx)
	t := &task{u: u, title: title, cancel: cancel}
	u.tasks.Add(1)
	timer := time.AfterFunc(progressAfter, func() { u.do(t.show) })
	go func() {
		defer u.tasks.Done()
		err := work(ctx, t)
		timer.Stop()
		cancel()
		u.do(func() {
			t.mu.Lock()
			t.finished = true
			if t.dlg != nil {
				t.dlg.Hide()
			}
			t.mu.Unlock()
			done(err)
		})
	}()
	return t
}

// Report takes the operation's progress, on its goroutine.
func (t *task) Report(s ops.Status) {
	t.mu.Lock()
	t.status = s
	draw := !t.drawing
	t.drawing = true
	t.mu.Unlock()
	if draw {
		t.u.do(t.draw)
	}
}

// show puts up the dialog, unless the operation finished meanwhile.
func (t *task) show() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.finished || t.dlg != nil {
		return
	}
	t.stage = widget.NewLabel("")
	t.stage.Wrapping = fyne.TextWrapWord
	t.bar = widget.NewProgressBar()
	t.spinner = widget.NewProgressBarInfinite()
	t.stop = newIconButton(lang.L("Cancel"), theme.CancelIcon(), t.abort)
	t.dlg = dialog.NewCustomWithoutButtons(t.title,
		container.NewVBox(t.stage, container.NewStack(t.bar, t.spinner), container.NewCenter(t.stop)), t.u.win)
	t.dlg.Resize(fyne.NewSize(460, 180))
	t.drawing = true
	t.drawLocked()
	t.dlg.Show()
}

// draw shows the latest status, on the UI thread.
func (t *task) draw() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.drawLocked()
}

func (t *task) drawLocked() {
	s := t.status
	t.drawing = false
	if t.dlg == nil || t.finished || s == t.shown && t.stage.Text != "" {
		return
	}
	t.shown = s
	text := lang.L("Please wait …")
	if s.Stage != "" {
		text = lang.L(string(s.Stage))
	}
	if s.Total > 0 {
		t.spinner.Hide()
		t.bar.Show()
		t.bar.SetValue(float64(s.Done) / float64(s.Total))
	} else {
		t.bar.Hide()
		t.spinner.Show()
	}
	if t.stop.Disabled() {
		text = lang.L("Cancelling …")
	}
	t.stage.SetText(text)
}

// abort cancels the operation; the dialog closes when it has stopped.
func (t *task) abort() {
	t.cancel()
	t.stop.Disable()
	t.stage.SetText(lang.L("Cancelling …"))
}

// loadingBar is what a pane shows while its data is read: a moving bar.
func loadingBar() fyne.CanvasObject {
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(240, 40), widget.NewProgressBarInfinite()))
}

// cancelled reports whether err says the person cancelled the operation.
func cancelled(err error) bool { return errors.Is(err, context.Canceled) }

// loadView is a screen whose data takes a while to read: it shows a
// moving bar while load runs off the UI thread, then what build draws
// from the data. u.tasks counts the loads.
func loadView[T any](u *ui, load func(ctx context.Context) (T, error), build func(T) fyne.CanvasObject) fyne.CanvasObject {
	box := container.NewStack(loadingBar())
	fill := func(data T, err error) {
		if err != nil {
			u.loadFailed(err)
			box.Objects = []fyne.CanvasObject{widget.NewLabel(lang.L("The handbook could not be read."))}
		} else {
			box.Objects = []fyne.CanvasObject{build(data)}
		}
		box.Refresh()
	}
	if u.inline {
		// Tests: their goroutine is the UI thread, and a reader's
		// fyne.Do would draw beside it.
		fill(load(u.ctx))
		return box
	}
	u.tasks.Add(1)
	go func() {
		defer u.tasks.Done()
		data, err := load(u.ctx)
		u.do(func() { fill(data, err) })
	}()
	return box
}
