//go:build !windows

package app

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// TestPrintDialog: the print dialog offers "An Drucker senden", "Als PDF
// speichern" and "PDF öffnen". On a computer without CUPS it says so and
// cannot send; with a CUPS printer (a recording lp on PATH) sending hands
// the binder to lp and names the job.
func TestPrintDialog(t *testing.T) {
	t.Run("no CUPS", func(t *testing.T) {
		u := newTestUI(t)
		t.Setenv("PATH", t.TempDir())
		pbs, err := u.st.Summaries(u.ctx, handbook.EntityPlaybook)
		if err != nil {
			t.Fatal(err)
		}
		u.printDialog(pbs).Show()
		u.tasks.Wait()
		d := u.dialogTop()
		for _, want := range []string{"Als PDF speichern …", "PDF öffnen", "kein Drucksystem gefunden", "CUPS"} {
			if !hasText(d, want) {
				t.Errorf("print dialog lacks %q: %q", want, texts(d))
			}
		}
		if send := findButton(t, d, "An Drucker senden"); !send.Disabled() {
			t.Error("Send to printer is enabled without a printer")
		}
	})
	t.Run("CUPS printer", func(t *testing.T) {
		u := newTestUI(t)
		dir := t.TempDir()
		lp := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir + "/args\necho 'request id is Keller_PDF-7 (1 file(s))'\n"
		lpstat := "#!/bin/sh\ncase \"$1\" in -e) printf 'Buero\\nKeller_PDF\\n';; -d) echo 'system default destination: Keller_PDF';; esac\n"
		for name, body := range map[string]string{"lp": lp, "lpstat": lpstat} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		t.Setenv("PATH", dir)
		pbs, err := u.st.Summaries(u.ctx, handbook.EntityPlaybook)
		if err != nil {
			t.Fatal(err)
		}
		u.printDialog(pbs).Show()
		u.tasks.Wait()
		d := u.dialogTop()
		if !hasText(d, "Keller_PDF") {
			t.Fatalf("default printer not chosen: %q", texts(d))
		}
		// The page count shows before anything is sent, and follows the
		// copies; a number that is no number of copies cannot be sent.
		count, err := u.ops.CountBinder(u.ctx, ops.PrintBinder{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		pages := strconv.Itoa(count.Pages)
		if !hasText(d, pages+" Seiten (beidseitig: "+strconv.Itoa((count.Pages+1)/2)+" Blatt)") {
			t.Fatalf("no page count (%s) in the dialog: %q", pages, texts(d))
		}
		copies := find(t, d, "copies field", func(e *widget.Entry) bool { return e.Text == "1" })
		send := findButton(t, d, "An Drucker senden")
		for _, bad := range []string{"0", "abc", "100"} {
			copies.SetText(bad)
			if !send.Disabled() {
				t.Errorf("%q copies can be sent", bad)
			}
		}
		copies.SetText("3")
		if send.Disabled() || !hasText(d, "3 × "+pages+" Seiten = "+strconv.Itoa(3*count.Pages)+" Seiten") {
			t.Fatalf("3 copies: %q", texts(d))
		}
		test.Tap(send)
		u.tasks.Wait()
		args, err := os.ReadFile(filepath.Join(dir, "args"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(args)), "\n")
		if len(lines) < 5 || lines[0] != "-d" || lines[1] != "Keller_PDF" || lines[2] != "-n" || lines[3] != "3" || !strings.HasSuffix(lines[len(lines)-1], ".pdf") {
			t.Fatalf("lp got %q", lines)
		}
		t.Cleanup(func() { os.Remove(lines[len(lines)-1]) })
		if d := u.dialogTop(); d == nil || !hasText(d, "3 Exemplare zu "+pages+" Seiten an Keller_PDF gesendet") || !hasText(d, "Keller_PDF-7") {
			t.Fatalf("no confirmation naming copies, pages, printer and job: %q", texts(u.dialogTop()))
		}
		if p, err := u.st.LastPrintout(u.ctx); err != nil || p.Version == "" {
			t.Errorf("printout not recorded: %+v, %v", p, err)
		}
	})
}
