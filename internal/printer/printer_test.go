//go:build !windows

package printer

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeCUPS puts lp and lpstat scripts into a folder of their own and makes
// it the whole PATH, so the test sees a machine with exactly this print
// system. The scripts use shell builtins only. lp records its arguments,
// one a line, in the returned file.
func fakeCUPS(t *testing.T, lp, lpstat string) (argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "lp-args")
	for name, body := range map[string]string{"lp": lp, "lpstat": lpstat} {
		if body == "" {
			continue
		}
		script := "#!/bin/sh\n" + strings.ReplaceAll(body, "ARGS", argsFile) + "\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	return argsFile
}

const (
	recordingLP = `printf '%s\n' "$@" > ARGS; echo "request id is Buero-42 (1 file(s))"`
	twoQueues   = `case "$1" in -e) printf 'Buero\nKeller_PDF\n';; -d) echo "system default destination: Keller_PDF";; esac`
)

func TestPrinters(t *testing.T) {
	ctx := context.Background()
	t.Run("no CUPS installed", func(t *testing.T) {
		fakeCUPS(t, "", "")
		if _, err := Printers(ctx); !errors.Is(err, ErrNoPrintSystem) {
			t.Fatalf("err = %v, want ErrNoPrintSystem", err)
		}
	})
	t.Run("two queues, one default", func(t *testing.T) {
		fakeCUPS(t, recordingLP, twoQueues)
		got, err := Printers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []Printer{{"Buero", false}, {"Keller_PDF", true}}
		if !slices.Equal(got, want) {
			t.Errorf("printers = %v, want %v", got, want)
		}
	})
	t.Run("no default", func(t *testing.T) {
		fakeCUPS(t, recordingLP, `case "$1" in -e) echo Buero;; -d) echo "no system default destination"; exit 1;; esac`)
		got, err := Printers(ctx)
		if err != nil || len(got) != 1 || got[0].Default {
			t.Errorf("printers = %v, %v; want Buero, not default", got, err)
		}
	})
	t.Run("CUPS without a queue", func(t *testing.T) {
		fakeCUPS(t, recordingLP, `echo "lpstat: No destinations added." >&2; exit 1`)
		if _, err := Printers(ctx); !errors.Is(err, ErrNoPrinter) {
			t.Fatalf("err = %v, want ErrNoPrinter", err)
		}
	})
	t.Run("scheduler not running", func(t *testing.T) {
		fakeCUPS(t, recordingLP, `echo "lpstat: Scheduler is not running." >&2; exit 1`)
		_, err := Printers(ctx)
		var pe *Error
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), "Scheduler is not running") {
			t.Fatalf("err = %v, want the scheduler's words", err)
		}
	})
}

func TestSend(t *testing.T) {
	ctx := context.Background()
	pdf := filepath.Join(t.TempDir(), "-Notfallhandbuch mit Leerzeichen.pdf")
	t.Run("to a named printer", func(t *testing.T) {
		args := fakeCUPS(t, recordingLP, twoQueues)
		job, err := Send(ctx, pdf, "Buero", "Notfallhandbuch", 2)
		if err != nil {
			t.Fatal(err)
		}
		if job.ID != "Buero-42" || job.Printer != "Buero" {
			t.Errorf("job = %+v", job)
		}
		got, err := os.ReadFile(args)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"-d", "Buero", "-n", "2", "-t", "Notfallhandbuch", "-o", "sides=two-sided-long-edge", "--", pdf}
		if lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n"); !slices.Equal(lines, want) {
			t.Errorf("lp got %q, want %q", lines, want)
		}
	})
	t.Run("to the default printer", func(t *testing.T) {
		args := fakeCUPS(t, recordingLP, twoQueues)
		if _, err := Send(ctx, pdf, "", "", 1); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(args)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(got), "-d\n") || strings.Contains(string(got), "-n\n") {
			t.Errorf("lp got %q; want no -d and no -n", got)
		}
	})
	t.Run("no CUPS installed", func(t *testing.T) {
		fakeCUPS(t, "", "")
		if _, err := Send(ctx, pdf, "", "", 1); !errors.Is(err, ErrNoPrintSystem) {
			t.Fatalf("err = %v, want ErrNoPrintSystem", err)
		}
	})
	t.Run("printer refuses", func(t *testing.T) {
		fakeCUPS(t, `echo "lp: The printer or class does not exist." >&2; exit 1`, twoQueues)
		_, err := Send(ctx, pdf, "Weg", "", 1)
		var pe *Error
		if !errors.As(err, &pe) || pe.Command != "lp" || !strings.Contains(pe.Output, "does not exist") {
			t.Fatalf("err = %v, want lp's words", err)
		}
	})
}

// TestThisMachine asks the real print path of the machine the test runs
// on. Without CUPS it must say so as ErrNoPrintSystem, the case a laptop
// without a printer driver meets; with CUPS, a list or ErrNoPrinter.
func TestThisMachine(t *testing.T) {
	ps, err := Printers(context.Background())
	if _, lookErr := exec.LookPath("lp"); lookErr != nil {
		if !errors.Is(err, ErrNoPrintSystem) {
			t.Fatalf("no lp here, but Printers = %v, %v", ps, err)
		}
		return
	}
	if err != nil && !errors.Is(err, ErrNoPrinter) {
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("Printers = %v", err)
		}
	}
	if err == nil && len(ps) == 0 {
		t.Fatal("no error and no printer")
	}
}
