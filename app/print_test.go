package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestPrintBinderFromTheApp prints the binder as the print dialog does and
// follows the dashboard's printout card from "never printed" to current and,
// after an edit, to outdated again.
func TestPrintBinderFromTheApp(t *testing.T) {
	u := newTestUI(t)
	if !hasText(u.body, "Ausdruck veraltet") {
		t.Fatal("dashboard does not say the binder was never printed")
	}
	path := filepath.Join(t.TempDir(), "notfallhandbuch.pdf")
	u.writeBinder(path, binder.Options{Lang: "de", PrintedBy: "Katrin Albers"})
	u.tasks.Wait()
	data, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(data), "%PDF-") {
		t.Fatalf("no PDF written: %v", err)
	}
	if p, _ := u.st.LastPrintout(u.ctx); p.By != "Katrin Albers" || p.Version == "" || !p.At.Equal(testNow) {
		t.Errorf("printing not recorded: %+v", p)
	}
	// The dashboard follows the store's notice of the printout by itself.
	if hasText(u.body, "Ausdruck veraltet") {
		t.Error("dashboard still says outdated right after printing")
	}

	// The handbook changes after printing: the card warns again.
	cs, _ := store.List[handbook.Contact](u.ctx, u.st)
	c := cs[0]
	c.Notes = "Neue Durchwahl ab Januar"
	c.UpdatedAt = testNow.Add(time.Hour) // an hour after printing (Import keeps the time)
	if _, err := u.st.Import(u.ctx, handbook.Handbook{Contacts: []handbook.Contact{c}}); err != nil {
		t.Fatal(err)
	}
	u.tasks.Wait() // the dashboard reads the handbook again after the notice
	if !hasText(u.body, "Ausdruck veraltet") {
		t.Error("dashboard does not warn after a change made since printing")
	}
}
