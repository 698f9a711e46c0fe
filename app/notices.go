package app

import (
	"slices"
	"sync"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// watch has the window follow the store: after every commit, from this
// window, the command line or another laptop's changes, the screens
// redraw what changed. Nobody calls another screen's refresh by hand.
func (u *ui) watch() (cancel func()) {
	unsubscribe := u.st.Subscribe(func(n []store.Notice) { u.do(func() { u.noticed(n) }) })
	stop := make(chan struct{})
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		u.watchOutside(stop, outsideEvery)
	}()
	var once sync.Once
	u.stopOutside = func() { once.Do(func() { close(stop) }) }
	return func() {
		u.stopOutside()
		unsubscribe()
	}
}

// outsideEvery is how often the window looks for changes another program
// made to the handbook (the command line), which SQLite does not announce.
const outsideEvery = 2 * time.Second

// watchOutside has the store check for other programs' commits until stop
// is closed; the store's notices then redraw the screens as for our own.
func (u *ui) watchOutside(stop <-chan struct{}, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	clock := time.NewTicker(viewTickEvery)
	defer clock.Stop()
	_, _ = u.st.CheckOutside(u.ctx)
	for {
		select {
		case <-stop:
			return
		case <-u.closing:
			return
		case <-u.ctx.Done():
			return
		case <-t.C:
			// A failed check (the file briefly locked) is tried again at
			// the next tick; it changes nothing.
			_, _ = u.st.CheckOutside(u.ctx)
		case <-clock.C:
			u.later(u.tickView)
		}
	}
}

// viewTickEvery is how often the screen on display moves its running
// times: they show minutes, so they are at most this late.
var viewTickEvery = 15 * time.Second

// later runs f on the UI thread unless the window has closed meanwhile:
// for the goroutines that live as long as the window.
func (u *ui) later(f func()) {
	u.do(func() {
		if !u.closed.Load() {
			f()
		}
	})
}

// end stops every goroutine that lives as long as the window and waits
// for them, and for the background reads and sync rounds: nothing runs
// for this window after it, nor reads the translations. Safe to call
// more than once.
func (u *ui) end() {
	u.endOnce.Do(func() {
		u.closed.Store(true)
		close(u.closing)
		if u.stopOutside != nil {
			u.stopOutside()
		}
	})
	u.bg.Wait()
	u.syncer.wg.Wait()
	u.tasks.Wait()
}

// tickView moves the times of the screen on display, on the UI thread.
func (u *ui) tickView() {
	if u.body != nil && u.view.tick != nil {
		u.view.tick(u.now())
	}
}

// ticks are a screen's texts that follow the clock: each redraws its
// text for the time given.
type ticks []func(now time.Time)

// add keeps f, to be called at each tick; a nil receiver keeps nothing.
func (t *ticks) add(f func(now time.Time)) {
	if t != nil {
		*t = append(*t, f)
	}
}

// run redraws every text for now.
func (t *ticks) run(now time.Time) {
	for _, f := range *t {
		f(now)
	}
}

// noticed runs on the UI thread after a commit.
func (u *ui) noticed(n []store.Notice) {
	if touches(n, handbook.EntityIncident, handbook.EntityLogEntry) {
		u.refreshBadge()
	}
	u.updateSyncStatus()
	if u.view.changed != nil {
		u.view.changed(n)
	}
}

// redraw builds the screen on display anew from the store, keeping the
// record shown; an open form is left alone.
func (u *ui) redraw() {
	if u.body == nil || u.current < 0 || u.editor != nil {
		return
	}
	e, id := u.selection()
	u.show(u.current)
	if id != "" && u.view.open != nil {
		u.view.open(e, id)
	}
}

// touches reports whether a notice names one of the entities.
func touches(n []store.Notice, entities ...handbook.Entity) bool {
	return slices.ContainsFunc(n, func(x store.Notice) bool { return slices.Contains(entities, x.Entity) })
}
