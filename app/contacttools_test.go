package app

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

func TestImportPreview(t *testing.T) {
	u := newTestUI(t)
	u.showScreen("contacts")
	u.tasks.Wait() // the contacts are read off the UI thread
	dup := firstContact(t, u.st)
	path := filepath.Join(t.TempDir(), "kontakte.vcf")
	vcf := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nina Neu\r\nN:Neu;Nina;;;\r\nTEL;TYPE=CELL:+49 170 9999999\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Doppelt Vorhanden\r\nN:Vorhanden;Doppelt;;;\r\nTEL;TYPE=CELL:" + dup.PhoneMobile + "\r\nEND:VCARD\r\n"
	if err := os.WriteFile(path, []byte(vcf), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := u.st.Summaries(u.ctx, handbook.EntityContact)
	u.importFile(path)
	u.tasks.Wait()
	ip := u.preview
	if ip == nil {
		t.Fatalf("no preview: %q", texts(u.dialogTop()))
	}
	d := u.dialogTop()
	for _, want := range []string{"Nina Neu", "Doppelt Vorhanden", "Duplikat", "neu", "gleiche Telefonnummer", dup.Name} {
		if !hasText(d, want) {
			t.Fatalf("preview lacks %q: %q", want, texts(d))
		}
	}
	// The preview opens with the table focused, and the keyboard alone
	// decides: Down to the duplicate, Enter opens its decisions, Down to
	// "Überspringen" and Enter.
	c := u.win.Canvas()
	if c.Focused() != ip.table {
		t.Fatalf("the preview opened with %T focused, not its table", c.Focused())
	}
	shown := func(label string) int {
		n := 0
		walk(d, func(o fyne.CanvasObject) {
			if dc, ok := o.(*decisionCell); ok && dc.Visible() && dc.label.Text == label {
				n++
			}
		})
		return n
	}
	// choose opens the decisions of the row under the cursor and takes
	// want with Down and Enter.
	choose := func(want exchange.Decision) {
		t.Helper()
		i := slices.Index(ip.p.Rows[1].Allowed, want)
		if i < 0 {
			t.Fatalf("the duplicate offers %q, not %q", ip.p.Rows[1].Allowed, want)
		}
		press(t, u, fyne.KeyReturn)
		if _, ok := c.Focused().(*widget.PopUpMenu); !ok {
			t.Fatalf("Enter on the duplicate focused %T, not its decisions", c.Focused())
		}
		for range i + 1 {
			press(t, u, fyne.KeyDown)
		}
		press(t, u, fyne.KeyReturn)
		if ip.decisions[1] != want {
			t.Fatalf("decision of the duplicate = %q, want %q", ip.decisions[1], want)
		}
		if c.Focused() != ip.table {
			t.Fatalf("after the choice %T has the focus, not the table", c.Focused())
		}
	}
	press(t, u, fyne.KeyDown)
	choose(exchange.DecideCreate)
	if n := shown("Neu anlegen"); n != 2 {
		t.Fatalf("%d rows show Neu anlegen, want both", n)
	}
	choose(exchange.DecideSkip)
	if n := shown("Überspringen"); n != 1 {
		t.Fatalf("%d rows show Überspringen, want the duplicate", n)
	}
	stops := tabCycle(t, c)
	if len(stops) != 3 {
		t.Errorf("%d Tab stops in the preview, want 3 (table, Abbrechen, Importieren)", len(stops))
	}
	test.Tap(findButton(t, d, "Importieren"))
	u.tasks.Wait()
	after, _ := u.st.Summaries(u.ctx, handbook.EntityContact)
	if len(after) != len(before)+1 {
		t.Fatalf("%d contacts after import, want %d", len(after), len(before)+1)
	}
	labels := make([]string, len(after))
	for i, s := range after {
		labels[i] = s.Label
	}
	if !slices.Contains(labels, "Nina Neu") || slices.Contains(labels, "Doppelt Vorhanden") {
		t.Fatalf("contacts after import: %q", labels)
	}

	t.Run("cancel writes nothing", func(t *testing.T) {
		u.importFile(path)
		u.tasks.Wait()
		test.Tap(findButton(t, u.dialogTop(), "Abbrechen"))
		again, _ := u.st.Summaries(u.ctx, handbook.EntityContact)
		if len(again) != len(after) {
			t.Fatalf("%d contacts after cancel, want %d", len(again), len(after))
		}
	})
}

func TestVerifyContacts(t *testing.T) {
	u := newTestUI(t)
	all, err := store.List[handbook.Contact](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	// The demo's alarm test found a wrong number: that contact comes
	// first, then the stale ones, oldest first.
	stale := handbook.ToVerify(all, testNow, handbook.DefaultStaleAfterDays)
	if len(stale) < 2 || stale[0].Correction == "" {
		t.Fatalf("demo has %d contacts to verify, need 2, the first to correct", len(stale))
	}
	test.Tap(findButton(t, u.body, "Kontakte prüfen"))
	total := len(stale)
	if !hasText(u.body, "1 von "+strconv.Itoa(total)) || !hasText(u.body, stale[0].Name) || !hasText(u.body, "⚠ Zu korrigieren: "+stale[0].Correction) {
		t.Fatalf("verify mode does not show the contact to correct first: %q", texts(u.body))
	}
	test.Tap(findButton(t, u.body, "Bestätigt"))
	got, err := store.Get[handbook.Contact](u.ctx, u.st, stale[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.LastVerifiedAt.Equal(testNow) || got.Correction != "" {
		t.Fatalf("verified at %v, want %v, correction %q left", got.LastVerifiedAt, testNow, got.Correction)
	}
	if !hasText(u.body, "2 von "+strconv.Itoa(total)) || !hasText(u.body, stale[1].Name) {
		t.Fatalf("not on the second contact: %q", texts(u.body))
	}
	test.Tap(findButton(t, u.body, "Überspringen"))
	skipped, _ := store.Get[handbook.Contact](u.ctx, u.st, stale[1].ID)
	if skipped.LastVerifiedAt.Equal(testNow) {
		t.Fatal("a skipped contact was marked verified")
	}
}

func TestCallTreeScreen(t *testing.T) {
	u := newTestUI(t)
	hb, err := u.st.Load(u.ctx)
	if err != nil {
		t.Fatal(err)
	}
	levels := handbook.CallTree(hb, testNow)
	if len(levels) == 0 || len(levels[0].Caller.People) == 0 {
		t.Fatal("demo has no caller at level 1")
	}
	u.showScreen("calltree")
	u.tasks.Wait()
	caller := levels[0].Caller
	for _, want := range []string{"Stufe 1", "Entscheidet und ruft an: " + caller.Role, caller.People[0].Name} {
		if !hasText(u.body, want) {
			t.Fatalf("call tree lacks %q: %q", want, texts(u.body))
		}
	}
	// The IT on-call role calls the person on duty first: Felix Brandt's
	// week in the demo's roster.
	for _, want := range []string{"→ IT-Rufbereitschaft", "Bereitschaft:", "Felix Brandt"} {
		if !hasText(u.body, want) {
			t.Errorf("call tree lacks %q", want)
		}
	}
}

// TestExportContacts writes the address book and the verification
// checklist from the window: the files read back whole, the checklist
// holds only stale contacts, and a file that cannot be written leaves
// nothing behind and says so.
func TestExportContacts(t *testing.T) {
	u := newTestUI(t)
	contacts, err := store.List[handbook.Contact](u.ctx, u.st)
	if err != nil {
		t.Fatal(err)
	}
	stale := handbook.ToVerify(contacts, testNow, handbook.DefaultStaleAfterDays)
	tests := []struct {
		name string
		file string
		req  ops.ExportContacts
		read func(string, []byte) (exchange.Parsed, error)
		want []handbook.Contact
	}{
		{"vcard", "kontakte.vcf", ops.ExportContacts{Format: exchange.FormatVCard}, exchange.ReadVCard, contacts},
		{"csv", "kontakte.csv", ops.ExportContacts{Format: exchange.FormatCSV, CSV: spreadsheetCSV}, exchange.ReadCSV, contacts},
		{"checklist", "zu-pruefen.csv", ops.ExportContacts{Format: exchange.FormatCSV, CSV: spreadsheetCSV, StaleDays: handbook.DefaultStaleAfterDays}, exchange.ReadCSV, stale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			u.exportContacts(path, tt.req)
			u.tasks.Wait()
			if msg := fmt.Sprintf("%d Kontakte in %s geschrieben.", len(tt.want), tt.file); !hasText(u.dialogTop(), msg) {
				t.Errorf("the window says %q, want %q", texts(u.dialogTop()), msg)
			}
			u.win.Canvas().Overlays().Remove(u.dialogTop())
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := tt.read(path, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(parsed.Rows) != len(tt.want) || len(parsed.Problems) > 0 {
				t.Fatalf("read back %d contacts with %d problems, want %d", len(parsed.Rows), len(parsed.Problems), len(tt.want))
			}
			p := exchange.NewPreview(tt.want, parsed, "DE")
			if n := p.Counts()[exchange.ActionUnchanged]; n != len(tt.want) {
				t.Fatalf("%d contacts unchanged after the round trip, want %d", n, len(tt.want))
			}
		})
	}
	t.Run("unwritable", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "fehlt", "kontakte.vcf")
		u.exportContacts(path, ops.ExportContacts{Format: exchange.FormatVCard})
		u.tasks.Wait()
		if !hasText(u.dialogTop(), "Die Kontakte konnten nicht geschrieben werden.") {
			t.Errorf("the window says %q", texts(u.dialogTop()))
		}
		u.win.Canvas().Overlays().Remove(u.dialogTop())
		if left, err := os.ReadDir(dir); err != nil || len(left) != 0 {
			t.Errorf("left behind %v (%v)", left, err)
		}
	})
}

// TestOnCallScreenWithADeletedPerson: Tobias Wendt, on the roster for the
// week from 30 November, was deleted. The weeks ahead name the role's
// holder who stands in and say why, instead of an empty name (times in
// UTC here: the tests run in UTC).
func TestOnCallScreenWithADeletedPerson(t *testing.T) {
	u := newTestUI(t)
	if err := u.st.Delete(u.ctx, handbook.EntityContact, "01a0f6b1-2685-7302-aeec-35a0c286c20e"); err != nil {
		t.Fatal(err)
	}
	u.showScreen("oncall")
	u.tasks.Wait()
	for _, want := range []string{"Jonas Petersen", "Aus dem Handbuch gelöscht; ein Rolleninhaber vertritt", "Nächste Übergabe Mo 30.11.2026 08:00 an Jonas Petersen"} {
		if !hasText(u.body, want) {
			t.Errorf("on-call screen lacks %q: %q", want, texts(u.body))
		}
	}
}
