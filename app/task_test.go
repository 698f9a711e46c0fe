package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ernstfall/internal/binder"
	"ernstfall/internal/fixture"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// uiQueue stands in for the toolkit's event loop: what background work
// hands to the UI thread waits here until the test, which plays the UI
// thread, runs it. So the test can act on the window while the work runs,
// and nothing touches the widgets from two goroutines.
type uiQueue chan func()

func (q uiQueue) do(f func()) { q <- f }

// pump runs queued UI work until cond holds.
func (q uiQueue) pump(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(2 * time.Minute)
	for !cond() {
		select {
		case f := <-q:
			f()
		case <-deadline:
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// bigUI opens the generated large handbook (about 1,300 pages of binder):
// printing it takes well over the 200 ms after which the progress dialog
// appears, so the test can act on the dialog while the print runs.
func bigUI(t *testing.T) (*ui, uiQueue) {
	t.Helper()
	test.NewTempApp(t)
	if err := useLanguage("de"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := func() time.Time { return testNow }
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "big.db"), store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	if _, err := st.Import(ctx, fixture.Generate(1, fixture.Large)); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1200, 800))
	u := newUI(ctx, ops.New(st, ops.Config{Now: now, Program: "Ernstfall 1.2.3"}), test.NewTempApp(t), w, now)
	// Background loads end inside the test that started them, so none
	// of them reads the translations while the next test reloads them.
	t.Cleanup(u.tasks.Wait)
	q := make(uiQueue, 1024)
	u.do = q.do
	t.Cleanup(u.tasks.Wait) // background reads end before the store closes
	if err := u.start(true); err != nil {
		t.Fatal(err)
	}
	return u, q
}

// TestPrintBinderKeepsWindowResponsive prints the large binder from the
// window. The progress dialog appears and its Cancel button stops the
// print with no file and no printout left behind. A second print runs to
// its end while the window switches screens and searches: the PDF is
// finished only after that, so the window was never blocked by it.
func TestPrintBinderKeepsWindowResponsive(t *testing.T) {
	u, q := bigUI(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "notfallhandbuch.pdf")
	done := func(tk *task) func() bool { return func() bool { return tk.finished } }

	// The toolkit's save dialog creates the chosen file, empty, before it
	// hands the name over.
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tk := u.writeBinder(path, binder.Options{Lang: "de", PrintedBy: "Eva Schulz"})
	q.pump(t, "the progress dialog", func() bool { return tk.dlg != nil || tk.finished })
	if tk.finished {
		t.Fatal("the print finished before its dialog appeared")
	}
	if !hasText(u.dialogTop(), "Notfallhandbuch wird gedruckt") {
		t.Errorf("progress dialog shows %q", texts(u.dialogTop()))
	}
	test.Tap(tk.stop)
	if !tk.stop.Disabled() || !strings.Contains(tk.stage.Text, "abgebrochen") {
		t.Errorf("after Cancel: button disabled %v, text %q", tk.stop.Disabled(), tk.stage.Text)
	}
	q.pump(t, "the cancelled print to stop", done(tk))
	if top := u.dialogTop(); top != nil {
		t.Errorf("a dialog is left after cancelling: %q", texts(top))
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cancelled print left %s (%v)", path, err)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("cancelled print left %v in the folder (%v)", entries, err)
	}
	if p, err := u.st.LastPrintout(u.ctx); err != nil || !p.At.IsZero() {
		t.Errorf("cancelled print was recorded: %+v, %v", p, err)
	}

	tk = u.writeBinder(path, binder.Options{Lang: "de", PrintedBy: "Eva Schulz"})
	q.pump(t, "the progress dialog", func() bool { return tk.dlg != nil || tk.finished })
	used := time.Now()
	u.showScreen("contacts")
	if u.current < 0 || u.screens[u.current].id != "contacts" {
		t.Fatalf("window did not switch to the contacts: screen %d", u.current)
	}
	u.focusSearch()
	test.Type(u.search, "Müller")
	q.pump(t, "the search results", func() bool { return u.found != nil && u.found.query == "Müller" })
	if u.search.Text != "Müller" || !hasText(u.body, "Müller") {
		t.Fatalf("search did not follow the typing: %q shows %q", u.search.Text, texts(u.body))
	}
	q.pump(t, "the print to finish", done(tk))
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no PDF written: %v", err)
	}
	if !used.Before(fi.ModTime()) {
		t.Errorf("the window was used at %v, after the PDF was finished at %v: it waited for the print", used, fi.ModTime())
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(data), "%PDF-") {
		t.Fatalf("no PDF written: %v", err)
	}
	if p, err := u.st.LastPrintout(u.ctx); err != nil || p.By != "Eva Schulz" {
		t.Errorf("printout recorded %+v, %v", p, err)
	}
	if !hasText(u.dialogTop(), "Notfallhandbuch") {
		t.Errorf("no dialog offers the PDF: %q", texts(u.dialogTop()))
	}
}
