package app

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/data"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testNow is the fixed "now" of every test, so that staleness and due
// dates, and with them the golden files, never drift.
var testNow = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	flag.Parse()
	time.Local = time.UTC
	// A running incident's ticker would redraw from its own goroutine
	// beside the test's; tests move the clock with tick.
	tickEvery = 0
	os.Exit(m.Run())
}

// newTestUI opens the demo handbook in a fresh store in German.
func newTestUI(t *testing.T) *ui {
	t.Helper()
	u := openDemoUI(t, false)
	u.win.Resize(fyne.NewSize(1200, 800))
	return u
}

// openDemoUI opens the demo handbook in a fresh store in German; with
// history, its documents' earlier revisions and releases are loaded as
// the demo loads them.
func openDemoUI(t *testing.T, history bool) *ui {
	t.Helper()
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(v, os.Getenv(v))
	}
	a := test.NewTempApp(t)
	if err := useLanguage("de"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := func() time.Time { return testNow }
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "handbook.db"), store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o := ops.New(st, ops.Config{Now: now})
	if history {
		err = o.LoadDemo(ctx)
	} else {
		var hb handbook.Handbook
		if hb, err = data.Demo(); err == nil {
			_, err = o.ImportHandbook(ctx, hb, nil)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	u := newUI(ctx, o, a, w, now)
	u.inline = true
	// Background loads end inside the test that started them, so none
	// of them reads the translations while the next test reloads them.
	t.Cleanup(u.tasks.Wait)
	// The watcher and the tickers end with the test too.
	t.Cleanup(u.end)
	if err := u.start(true); err != nil {
		t.Fatal(err)
	}
	u.tasks.Wait()
	return u
}

func (u *ui) screenIndex(t testing.TB, id string) int {
	t.Helper()
	i := slices.IndexFunc(u.screens, func(s screen) bool { return s.id == id })
	if i < 0 {
		t.Fatalf("no screen %q", id)
	}
	return i
}

// texts lists every text visible below o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *widget.Button:
			out = append(out, o.Text)
		case *widget.Hyperlink:
			out = append(out, o.Text)
		case *widget.RichText:
			out = append(out, textOf(o.Segments))
		case *widget.Entry:
			out = append(out, o.Text)
		}
	})
	return out
}

func hasText(o fyne.CanvasObject, s string) bool {
	return slices.ContainsFunc(texts(o), func(x string) bool { return strings.Contains(x, s) })
}

func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q among %q", text, texts(o))
	}
	return found
}

// dialogTop is the dialog on top of the window, nil when none is shown.
func (u *ui) dialogTop() fyne.CanvasObject { return u.win.Canvas().Overlays().Top() }

func (f *form) input(t *testing.T, name string) *formEntry {
	t.Helper()
	i := slices.IndexFunc(f.fields, func(fl *field) bool { return fl.name == name })
	if i < 0 {
		t.Fatalf("form has no field %q", name)
	}
	e, ok := f.fields[i].input.(*formEntry)
	if c, isBox := f.fields[i].input.(*fyne.Container); isBox && len(c.Objects) > 0 {
		e, ok = c.Objects[0].(*formEntry) // a phone field with its hint below
	}
	if !ok {
		t.Fatalf("field %q is a %T", name, f.fields[i].input)
	}
	return e
}

func (f *form) problemOf(t *testing.T, name string) string {
	t.Helper()
	i := slices.IndexFunc(f.fields, func(fl *field) bool { return fl.name == name })
	if i < 0 {
		t.Fatalf("form has no field %q", name)
	}
	if f.fields[i].bad {
		return f.fields[i].hint.Text
	}
	if !f.fields[i].err.Visible() {
		return ""
	}
	return f.fields[i].err.Text
}

func TestScreensNavigate(t *testing.T) {
	u := newTestUI(t)
	want := map[string]string{"dashboard": "Überfällige Überprüfungen", "settings": "Wird nach Neustart wirksam", "incidents": "Es läuft kein Vorfall",
		"control": "Ransomware-Angriff"}
	for i, s := range u.screens {
		t.Run(s.id, func(t *testing.T) {
			u.nav.Select(i)
			u.tasks.Wait() // screens that read the whole handbook draw when it is read
			if u.current != i {
				t.Fatalf("current screen = %d, want %d", u.current, i)
			}
			// Document control lists documents, not the records it keeps.
			if len(s.entities) == 0 || s.id == "incidents" || s.id == "control" {
				if s.id == "settings" {
					sel := u.body.Objects[0]
					var lang *widget.Select
					walk(sel, func(o fyne.CanvasObject) {
						if l, ok := o.(*widget.Select); ok && lang == nil {
							lang = l
						}
					})
					lang.SetSelectedIndex(1)
				}
				if !hasText(u.body, want[s.id]) {
					t.Fatalf("screen %s does not show %q: %q", s.id, want[s.id], texts(u.body))
				}
				return
			}
			sums, err := u.st.Summaries(u.ctx, s.entities[0])
			if err != nil || len(sums) == 0 {
				t.Fatalf("demo has no %s: %v", s.entities[0], err)
			}
			if !slices.ContainsFunc(sums, func(sm store.Summary) bool { return hasText(u.body, sm.Label) }) {
				t.Fatalf("screen %s lists none of its records: %q", s.id, texts(u.body))
			}
			if u.view.open == nil || u.view.create == nil {
				t.Fatal("screen cannot open or create records")
			}
			u.view.open(s.entities[0], sums[0].ID)
			if !hasText(u.body, sums[0].Label) || !hasText(u.body, "Bearbeiten") {
				t.Fatalf("record %q not shown with its Edit button", sums[0].Label)
			}
		})
	}
}

func TestContactCreateAndEdit(t *testing.T) {
	u := newTestUI(t)
	u.nav.Select(u.screenIndex(t, "contacts"))
	u.create()
	if u.editor == nil {
		t.Fatal("Ctrl+N opened no form")
	}
	test.Type(u.editor.input(t, "name"), "Erika Mustermann")
	test.Type(u.editor.input(t, "team"), "IT")
	test.Type(u.editor.input(t, "phone_mobile"), "+49 170 1234567")
	test.Tap(findButton(t, u.body, "Speichern"))
	u.tasks.Wait() // the contacts are read off the UI thread
	if u.editor != nil {
		t.Fatalf("form still open: %q", texts(u.body))
	}
	find := func() handbook.Contact {
		t.Helper()
		cs, err := store.List[handbook.Contact](u.ctx, u.st)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(cs, func(c handbook.Contact) bool { return c.Name == "Erika Mustermann" })
		if i < 0 {
			t.Fatal("new contact not in the store")
		}
		return cs[i]
	}
	c := find()
	if c.Team != "IT" || c.PhoneMobile != "+49 170 1234567" {
		t.Fatalf("stored contact = %+v", c)
	}
	if !hasText(u.body, "Erika Mustermann") {
		t.Fatal("new contact not shown")
	}

	t.Run("edit", func(t *testing.T) {
		test.Tap(findButton(t, u.body, "Bearbeiten"))
		u.editor.input(t, "team").SetText("Krisenstab")
		u.save()
		u.tasks.Wait()
		if got := find().Team; got != "Krisenstab" {
			t.Fatalf("team = %q, want Krisenstab", got)
		}
	})
	t.Run("verified today", func(t *testing.T) {
		test.Tap(findButton(t, u.body, "Heute verifiziert"))
		u.tasks.Wait()
		if got := find().LastVerifiedAt; !got.Equal(testNow) {
			t.Fatalf("verified at %v, want %v", got, testNow)
		}
	})
	t.Run("delete and undo", func(t *testing.T) {
		test.Tap(findButton(t, u.body, "Löschen"))
		u.tasks.Wait()
		if _, err := store.Get[handbook.Contact](u.ctx, u.st, c.ID); err == nil {
			t.Fatal("contact still there after delete")
		}
		test.Tap(findButton(t, u.body, "Rückgängig"))
		if _, err := store.Get[handbook.Contact](u.ctx, u.st, c.ID); err != nil {
			t.Fatalf("undo did not restore the contact: %v", err)
		}
	})
}

func TestValidationShownAtField(t *testing.T) {
	tests := []struct {
		name   string
		input  map[string]string
		field  string
		wantIn string
	}{
		{"empty name", map[string]string{"phone_mobile": "+49 170 1"}, "name", "darf nicht leer sein"},
		{"unreachable", map[string]string{"name": "Niemand"}, "phone_mobile", "nicht erreichbar"},
		{"bad email", map[string]string{"name": "X", "email": "kein-mail"}, "email", "kein-mail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newTestUI(t)
			u.nav.Select(u.screenIndex(t, "contacts"))
			before, _ := u.st.Summaries(u.ctx, handbook.EntityContact)
			u.create()
			for name, text := range tt.input {
				test.Type(u.editor.input(t, name), text)
			}
			u.save()
			if u.editor == nil {
				t.Fatal("form closed despite the problem")
			}
			if got := u.editor.problemOf(t, tt.field); !strings.Contains(got, tt.wantIn) {
				t.Fatalf("problem at %s = %q, want it to contain %q", tt.field, got, tt.wantIn)
			}
			after, _ := u.st.Summaries(u.ctx, handbook.EntityContact)
			if len(after) != len(before) {
				t.Fatalf("%d contacts after a refused save, want %d", len(after), len(before))
			}
		})
	}
}

func TestSearchOpensRecord(t *testing.T) {
	t.Run("enter opens the best hit", func(t *testing.T) {
		u := newTestUI(t)
		hits, err := u.st.Search(u.ctx, "Ransomware", 5)
		if err != nil || len(hits) == 0 {
			t.Fatalf("no hits: %v", err)
		}
		test.Type(u.search, "Ransomware")
		u.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		var want int
		for i, s := range u.screens {
			if slices.Contains(s.entities, hits[0].Entity) {
				want = i
			}
		}
		if u.current != want {
			t.Fatalf("screen %d after Enter, want %d", u.current, want)
		}
		if !hasText(u.body, hits[0].Title) || !hasText(u.body, "Bearbeiten") {
			t.Fatalf("record %q not open: %q", hits[0].Title, texts(u.body))
		}
	})
	t.Run("results grouped, a click opens", func(t *testing.T) {
		u := newTestUI(t)
		test.Type(u.search, "krueger")
		if !hasText(u.body, "Suche: krueger") || !hasText(u.body, "Kontakte") {
			t.Fatalf("no grouped results: %q", texts(u.body))
		}
		var link *widget.Hyperlink
		walk(u.body, func(o fyne.CanvasObject) {
			if h, ok := o.(*widget.Hyperlink); ok && strings.Contains(h.Text, "Krüger") && link == nil {
				link = h
			}
		})
		if link == nil {
			t.Fatalf("no hit for Krüger: %q", texts(u.body))
		}
		test.TapAt(link, fyne.NewPos(12, 12))
		u.tasks.Wait() // the contacts are read off the UI thread
		if u.current != u.screenIndex(t, "contacts") || !hasText(u.body, "Heute verifiziert") {
			t.Fatalf("contact not opened: %q", texts(u.body))
		}
	})
}

func TestUnsavedChangesGuard(t *testing.T) {
	tests := []struct {
		name      string
		button    string
		wantMoved bool
		wantSaved bool
	}{
		{"keep editing", "Weiter bearbeiten", false, false},
		{"discard", "Änderungen verwerfen", true, false},
		{"save", "Speichern", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newTestUI(t)
			contacts := u.screenIndex(t, "contacts")
			u.nav.Select(contacts)
			u.create()
			test.Type(u.editor.input(t, "name"), "Hanna Halbfertig")
			test.Type(u.editor.input(t, "phone_mobile"), "+49 170 7654321")
			u.nav.Select(0)
			d := u.dialogTop()
			if d == nil || !hasText(d, "Ungespeicherte Änderungen") {
				t.Fatal("no unsaved-changes prompt")
			}
			if u.current != contacts {
				t.Fatal("screen switched before the answer")
			}
			test.Tap(findButton(t, d, tt.button))
			if moved := u.current == 0; moved != tt.wantMoved {
				t.Fatalf("moved = %v, want %v", moved, tt.wantMoved)
			}
			sums, _ := u.st.Summaries(u.ctx, handbook.EntityContact)
			saved := slices.ContainsFunc(sums, func(s store.Summary) bool { return s.Label == "Hanna Halbfertig" })
			if saved != tt.wantSaved {
				t.Fatalf("saved = %v, want %v", saved, tt.wantSaved)
			}
			if !tt.wantMoved && (u.editor == nil || u.editor.input(t, "name").Text != "Hanna Halbfertig") {
				t.Fatal("the typed name was lost")
			}
		})
	}
}

func TestLanguageSetting(t *testing.T) {
	u := newTestUI(t)
	u.nav.Select(u.screenIndex(t, "settings"))
	var sel *widget.Select
	walk(u.body, func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok && sel == nil {
			sel = s
		}
	})
	sel.SetSelectedIndex(2)
	prefs := u.app.Preferences()
	if got := prefs.String(prefLanguage); got != "en" {
		t.Fatalf("stored language = %q, want en", got)
	}
	if !hasText(u.body, "Wird nach Neustart wirksam.") {
		t.Fatal("no restart notice")
	}

	tests := []struct {
		name, pref, env, want string
	}{
		{"setting wins over the system", "en", "de_DE.UTF-8", "en"},
		{"system English", "", "en_GB.UTF-8", "en"},
		{"system German", "", "de_AT.UTF-8", "de"},
		{"unknown system language falls back to German", "", "fr_FR.UTF-8", "de"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LANGUAGE", "")
			t.Setenv("LC_ALL", tt.env)
			prefs.SetString(prefLanguage, tt.pref)
			if got := chosenLanguage(prefs); got != tt.want {
				t.Fatalf("language = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWelcome(t *testing.T) {
	tests := []struct {
		name, button string
		wantRecords  bool
	}{
		{"demo", "Demo-Handbuch laden", true},
		{"empty", "Leer beginnen", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
				t.Setenv(v, os.Getenv(v))
			}
			a := test.NewTempApp(t)
			if err := useLanguage("de"); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			st, err := store.Open(ctx, filepath.Join(t.TempDir(), "h.db"), store.Options{Now: func() time.Time { return testNow }})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			w := test.NewTempWindow(t, nil)
			now := func() time.Time { return testNow }
			u := newUI(ctx, ops.New(st, ops.Config{Now: now}), a, w, now)
			u.inline = true
			// Background loads end inside the test that started them, so none
			// of them reads the translations while the next test reloads them.
			t.Cleanup(u.tasks.Wait)
			if err := u.start(false); err != nil {
				t.Fatal(err)
			}
			test.Tap(findButton(t, w.Content(), tt.button))
			u.tasks.Wait()
			sums, _ := st.Summaries(ctx, handbook.EntityPlaybook)
			if got := len(sums) > 0; got != tt.wantRecords {
				t.Fatalf("playbooks loaded = %v, want %v", got, tt.wantRecords)
			}
			if u.current != 0 {
				t.Fatal("dashboard not shown after the welcome")
			}
			again, err := u.needsWelcome()
			if err != nil || again {
				t.Fatalf("welcome would show again: %v %v", again, err)
			}
		})
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		show func(t *testing.T, u *ui)
	}{
		{"dashboard", func(t *testing.T, u *ui) {}},
		{"playbook", func(t *testing.T, u *ui) {
			pbs, err := u.st.Summaries(u.ctx, handbook.EntityPlaybook)
			if err != nil || len(pbs) == 0 {
				t.Fatal("no playbooks")
			}
			u.open(handbook.EntityPlaybook, pbs[0].ID)
		}},
		{"contacts", func(t *testing.T, u *ui) {
			u.nav.Select(u.screenIndex(t, "contacts"))
			u.tasks.Wait()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newTestUI(t)
			tt.show(t, u)
			name := tt.name + ".xml"
			if *update {
				if err := os.WriteFile(filepath.Join("testdata", name), []byte(test.RenderToMarkup(u.win.Canvas())), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			test.AssertRendersToMarkup(t, name, u.win.Canvas())
		})
	}
}

// TestTranslationsComplete checks that every text the code translates has
// a German and an English entry.
func TestTranslationsComplete(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`lang\.(?:L|X)\(\s*("(?:[^"\\]|\\.)*")`)
	var keys []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllSubmatch(src, -1) {
			var k string
			if err := json.Unmarshal(m[1], &k); err != nil {
				t.Fatalf("%s: %s: %v", f, m[1], err)
			}
			keys = append(keys, k)
		}
	}
	for _, s := range screens() {
		keys = append(keys, s.title)
	}
	for _, c := range docColumns {
		keys = append(keys, c.title)
	}
	// Every kind of record the history filter offers has a name.
	for _, e := range append(append(append([]handbook.Entity{}, handbook.Entities...), handbook.AuditEntities...), store.SettingsEntity) {
		if entityNames[e] == "" {
			t.Errorf("the kind %q has no name", e)
		}
	}
	for _, name := range entityNames {
		keys = append(keys, name)
	}
	for _, c := range copyColumns {
		keys = append(keys, c.title)
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d texts; is the pattern broken?", len(keys))
	}
	for _, language := range languages {
		t.Run(language, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "assets", "translations", language+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var tr map[string]string
			if err := json.Unmarshal(raw, &tr); err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				if tr[k] == "" {
					t.Errorf("%s.json lacks %q", language, k)
				}
			}
		})
	}
}
