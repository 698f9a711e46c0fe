package app

import (
	"bytes"
	"context"
	"log"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// TestSettingsOnAFreshDatabaseTranslate opens the settings of a fresh,
// empty database in both languages: every text they show has a
// translation and gets the data its template needs, so nothing is
// logged as a translation failure.
func TestSettingsOnAFreshDatabaseTranslate(t *testing.T) {
	for _, language := range languages {
		t.Run(language, func(t *testing.T) {
			a := test.NewTempApp(t)
			if err := useLanguage(language); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = useLanguage("de") })
			ctx := context.Background()
			now := func() time.Time { return testNow }
			st, err := store.Open(ctx, filepath.Join(t.TempDir(), "handbook.db"), store.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			var logged bytes.Buffer
			prev := log.Writer()
			log.SetOutput(&logged)
			t.Cleanup(func() { log.SetOutput(prev) })
			u := newUI(ctx, ops.New(st, ops.Config{Now: now}), a, test.NewTempWindow(t, nil), now)
			u.win.Resize(fyne.NewSize(1200, 800))
			u.inline = true
			t.Cleanup(u.tasks.Wait)
			// Past the welcome, as after "start empty".
			if err := u.start(true); err != nil {
				t.Fatal(err)
			}
			u.tasks.Wait()
			logged.Reset()
			u.showScreen("settings")
			u.tasks.Wait()
			if !hasText(u.body, "Organisation") {
				t.Fatalf("the settings did not open: %q", texts(u.body))
			}
			if strings.Contains(logged.String(), "Translation failure") {
				t.Errorf("opening the settings logged a translation failure:\n%s", logged.String())
			}
		})
	}
}
