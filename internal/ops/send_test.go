//go:build !windows

package ops

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/binder"
)

// fakeLP makes a folder with an lp that copies the file it is given and
// records its arguments, and an lpstat with one printer, the whole PATH:
// a machine with CUPS and a PDF printer, without a scheduler.
func fakeLP(t *testing.T, fail bool) (dir string) {
	t.Helper()
	dir = t.TempDir()
	lp := `#!/bin/sh
printf '%s\n' "$@" > "` + dir + `/args"
for last; do :; done
while IFS= read -r line || [ -n "$line" ]; do printf '%s\n' "$line"; done < "$last" > "` + dir + `/printed.pdf"
echo "request id is Keller_PDF-7 (1 file(s))"
`
	if fail {
		lp = "#!/bin/sh\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n"
	}
	lpstat := "#!/bin/sh\ncase \"$1\" in -e) echo Keller_PDF;; -d) echo 'system default destination: Keller_PDF';; esac\n"
	for name, body := range map[string]string{"lp": lp, "lpstat": lpstat} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	return dir
}

// TestSendBinder: "An Drucker senden" writes the binder, hands it to lp
// and records the printout only when the print system took it; without
// CUPS, or when the printer refuses, it says so and records nothing, and
// the PDF is still there.
func TestSendBinder(t *testing.T) {
	ctx := context.Background()
	req := func(t *testing.T) PrintBinder {
		return PrintBinder{Path: filepath.Join(t.TempDir(), "binder.pdf"), Options: binder.Options{Lang: "de", PrintedBy: "Eva Schulz"}}
	}
	t.Run("printer takes it", func(t *testing.T) {
		o := demoOps(t)
		dir := fakeLP(t, false)
		r := req(t)
		res, job, err := o.SendBinder(ctx, r, SendTo{Printer: "Keller_PDF", Copies: 2}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if job.ID != "Keller_PDF-7" {
			t.Errorf("job %+v", job)
		}
		args, err := os.ReadFile(filepath.Join(dir, "args"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"-d\nKeller_PDF\n", "-n\n2\n", "-t\nNotfallhandbuch\n", "--\n" + r.Path + "\n"} {
			if !strings.Contains(string(args), want) {
				t.Errorf("lp arguments %q lack %q", args, want)
			}
		}
		printed, err := os.ReadFile(filepath.Join(dir, "printed.pdf"))
		if err != nil || !strings.HasPrefix(string(printed), "%PDF-") {
			t.Fatalf("lp was not given the PDF: %.20q, %v", printed, err)
		}
		last, err := o.st.LastPrintout(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if last.Version != res.Version || last.By != "Eva Schulz" {
			t.Errorf("printout %+v, want version %s recorded", last, res.Version)
		}
	})
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T)
		to    SendTo
		want  Code
		// pdf: the binder was rendered before the refusal, and stays.
		pdf bool
	}{
		{"no CUPS on this computer", func(t *testing.T) { t.Setenv("PATH", t.TempDir()) }, SendTo{}, CodeNoPrintSystem, false},
		{"a printer this computer does not know", func(t *testing.T) { fakeLP(t, false) }, SendTo{Printer: "Buero"}, CodeUnknownPrinter, false},
		{"too many copies", func(t *testing.T) { fakeLP(t, false) }, SendTo{Copies: 500}, CodeCopies, false},
		{"printer refuses", func(t *testing.T) { fakeLP(t, true) }, SendTo{}, CodePrinterRefused, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := demoOps(t)
			tc.setup(t)
			r := req(t)
			_, _, err := o.SendBinder(ctx, r, tc.to, nil)
			if codeOf(err) != tc.want {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if fi, err := os.Stat(r.Path); tc.pdf && (err != nil || fi.Size() == 0) {
				t.Errorf("the PDF is gone: %v", err)
			} else if !tc.pdf && err == nil {
				t.Errorf("the binder was rendered although it could not be sent")
			}
			last, err := o.st.LastPrintout(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if last.Version != "" {
				t.Errorf("a printout was recorded though nothing was printed: %+v", last)
			}
		})
	}
	t.Run("the page count before sending", func(t *testing.T) {
		o := demoOps(t)
		r := req(t)
		count, err := o.CountBinder(ctx, r, nil)
		if err != nil {
			t.Fatal(err)
		}
		var res binder.Result
		t.Run("send", func(t *testing.T) {
			fakeLP(t, false)
			if res, _, err = o.SendBinder(ctx, r, SendTo{}, nil); err != nil {
				t.Fatal(err)
			}
		})
		if count.Pages < 10 || count != res {
			t.Errorf("counted %+v, sent %+v", count, res)
		}
		if n := len(pdfPages(t, r.Path)); n != count.Pages {
			t.Errorf("the PDF has %d pages, the count said %d", n, count.Pages)
		}
	})
	t.Run("printers on a machine without CUPS", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		if _, err := Printers(ctx); codeOf(err) != CodeNoPrintSystem {
			t.Errorf("err = %v, want %q", err, CodeNoPrintSystem)
		}
	})
}
