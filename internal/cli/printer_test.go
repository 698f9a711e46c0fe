//go:build !windows

package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ernstfall/internal/store"
)

// fakeCUPS puts a recording lp and an lpstat with the queues Keller_PDF
// (the default) and Buero_2 in front of PATH. lp writes its arguments, one
// a line, to args and copies the file it is given to printed.pdf; with
// refuse it fails as CUPS does for a queue that is gone.
func fakeCUPS(t *testing.T, refuse bool) (dir string) {
	t.Helper()
	dir = t.TempDir()
	lp := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir + "/args\nfor last; do :; done\ncp -- \"$last\" " + dir + "/printed.pdf\necho 'request id is Keller_PDF-7 (1 file(s))'\n"
	if refuse {
		lp = "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir + "/args\necho 'lp: The printer or class is not accepting jobs.' >&2\nexit 1\n"
	}
	lpstat := "#!/bin/sh\ncase \"$1\" in -e) printf 'Keller_PDF\\nBuero_2\\n';; -d) echo 'system default destination: Keller_PDF';; esac\n"
	for name, body := range map[string]string{"lp": lp, "lpstat": lpstat} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir
}

// lpArgs are the arguments lp was called with; nil when it was not.
func lpArgs(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "args"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// pdfPageCount asks pdfinfo how many pages a PDF has.
func pdfPageCount(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v", path, err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(l, "Pages:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("pdfinfo gave no page count: %s", out)
	return 0
}

// TestBinderToPrinter sends the binder to a printer from the command line,
// through the same operation as the window, against a stand-in CUPS.
func TestBinderToPrinter(t *testing.T) {
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Skip("pdfinfo (poppler-utils) is not installed; make deps installs it")
	}
	t.Run("two copies to a named printer", func(t *testing.T) {
		db := demoDB(t)
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)
		dir := fakeCUPS(t, false)
		r := run(t, "--db", db, "binder", "--printer", "Keller_PDF", "--copies", "2", "--by", "Eva Schulz")
		if r.code != 0 {
			t.Fatalf("exit %d: %+v", r.code, r)
		}
		args := lpArgs(t, dir)
		want := []string{"-d", "Keller_PDF", "-n", "2", "-t", "Notfallhandbuch", "-o", "sides=two-sided-long-edge", "--"}
		if len(args) != len(want)+1 || strings.Join(args[:len(want)], " ") != strings.Join(want, " ") {
			t.Fatalf("lp got %q, want %q and the file", args, want)
		}
		pages := pdfPageCount(t, filepath.Join(dir, "printed.pdf"))
		if !strings.Contains(r.stdout, "sent 2 copies of "+strconv.Itoa(pages)+" pages to Keller_PDF") || !strings.Contains(r.stdout, "print job Keller_PDF-7") {
			t.Errorf("stdout %q, want 2 copies of %d pages and the job", r.stdout, pages)
		}
		if left, _ := filepath.Glob(filepath.Join(tmp, "*.pdf")); len(left) != 0 {
			t.Errorf("the temporary PDF stayed: %q", left)
		}
		st, err := store.Open(context.Background(), db, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		last, err := st.LastPrintout(context.Background())
		if err != nil || last.By != "Eva Schulz" || last.Version == "" {
			t.Errorf("printout %+v, %v; want it recorded", last, err)
		}
	})
	t.Run("the default printer, into a file kept", func(t *testing.T) {
		db := demoDB(t)
		dir := fakeCUPS(t, false)
		out := filepath.Join(t.TempDir(), "binder.pdf")
		r := run(t, "--db", db, "binder", "--printer", "default", "-o", out, "--lang", "en")
		if r.code != 0 {
			t.Fatalf("exit %d: %+v", r.code, r)
		}
		args := lpArgs(t, dir)
		if strings.Contains(strings.Join(args, " "), "-d ") || strings.Contains(strings.Join(args, " "), "-n ") || args[len(args)-1] != out {
			t.Errorf("lp got %q; want the default printer, one copy, the file %s", args, out)
		}
		if !strings.Contains(r.stdout, "to the default printer") || !strings.Contains(strings.Join(args, " "), "-t Emergency binder") {
			t.Errorf("stdout %q, lp %q", r.stdout, args)
		}
		if pdfPageCount(t, out) < 10 {
			t.Error("the PDF asked for was not kept")
		}
	})
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"a printer this computer does not know", []string{"--printer", "Buero"}, 1, "There is no printer Buero on this computer. Printers here: Keller_PDF, Buero_2."},
		{"no copies", []string{"--printer", "Keller_PDF", "--copies", "0"}, 2, "with --printer, --copies is how many copies to print, 1 to 99"},
		{"copies of the distribution list", []string{"--printer", "Keller_PDF", "--copies", "all"}, 2, `not "all"`},
		{"too many copies", []string{"--printer", "Keller_PDF", "--copies", "100"}, 2, "1 to 99"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := demoDB(t)
			dir := fakeCUPS(t, false)
			r := run(t, append([]string{"--db", db, "binder"}, tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tc.code, tc.stderr)
			}
			if args := lpArgs(t, dir); args != nil {
				t.Errorf("lp was called: %q", args)
			}
		})
	}
	t.Run("the printer refuses: the PDF is kept and named", func(t *testing.T) {
		db := demoDB(t)
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)
		fakeCUPS(t, true)
		r := run(t, "--db", db, "binder", "--printer", "Buero_2")
		if r.code != 1 || !strings.Contains(r.stderr, "is not accepting jobs") || !strings.Contains(r.stderr, "the PDF is at "+tmp) {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		left, _ := filepath.Glob(filepath.Join(tmp, "*.pdf"))
		if len(left) != 1 || pdfPageCount(t, left[0]) < 10 {
			t.Errorf("the PDF was not kept: %q", left)
		}
	})
	t.Run("no print system", func(t *testing.T) {
		db := demoDB(t)
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)
		t.Setenv("PATH", t.TempDir())
		r := run(t, "--db", db, "binder", "--printer", "default")
		if r.code != 1 || !strings.Contains(r.stderr, "No print system was found on this computer") {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) != 0 {
			t.Errorf("files left behind: %q", left)
		}
	})
	t.Run("printers", func(t *testing.T) {
		fakeCUPS(t, false)
		r := run(t, "printers")
		if r.code != 0 || r.stdout != "* Keller_PDF\n  Buero_2\n" {
			t.Errorf("exit %d, stdout %q", r.code, r.stdout)
		}
	})
}
