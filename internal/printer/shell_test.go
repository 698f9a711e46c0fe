//go:build !windows

package printer

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

// fakePowerShell is a stand-in powershell on a PATH of its own: it
// records its arguments, one a line, and answers with body.
func fakePowerShell(t *testing.T, body string) (argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = dir + "/ps-args"
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argsFile + "\n" + body + "\n"
	if err := os.WriteFile(dir+"/powershell", []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	return argsFile
}

// command is the PowerShell command the stand-in was given.
func command(t *testing.T, argsFile string) string {
	t.Helper()
	b, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(args) != 4 || !slices.Equal(args[:3], []string{"-NoProfile", "-NonInteractive", "-Command"}) {
		t.Fatalf("powershell got %q", args)
	}
	return args[3]
}

// TestWindowsPrintPath runs the Windows print path's commands against a
// stand-in powershell: what it is told to do for each case, and how its
// answers are read.
func TestWindowsPrintPath(t *testing.T) {
	ctx := context.Background()
	file := `C:\Users\o'Brien\AppData\Local\Temp\ernstfall-binder-1.pdf`
	t.Run("printers, default marked, umlauts kept", func(t *testing.T) {
		args := fakePowerShell(t, `printf 'Büro 2. OG\tTrue\r\nMicrosoft Print to PDF\tFalse\r\n'`)
		got, err := shellPrinters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []Printer{{"Büro 2. OG", true}, {"Microsoft Print to PDF", false}}
		if !slices.Equal(got, want) {
			t.Errorf("printers = %+v, want %+v", got, want)
		}
		if cmd := command(t, args); !strings.Contains(cmd, "UTF8") || !strings.Contains(cmd, "Win32_Printer") {
			t.Errorf("command %q", cmd)
		}
	})
	t.Run("no printer", func(t *testing.T) {
		fakePowerShell(t, `:`)
		if _, err := shellPrinters(ctx); !errors.Is(err, ErrNoPrinter) {
			t.Errorf("err = %v, want ErrNoPrinter", err)
		}
	})
	t.Run("two copies to a named printer", func(t *testing.T) {
		args := fakePowerShell(t, `echo printed`)
		job, err := shellSend(ctx, file, "Büro 2. OG", 2)
		if err != nil {
			t.Fatal(err)
		}
		if job.Printer != "Büro 2. OG" || job.Opened {
			t.Errorf("job = %+v", job)
		}
		cmd := command(t, args)
		for _, want := range []string{
			`$f = 'C:\Users\o''Brien\AppData\Local\Temp\ernstfall-binder-1.pdf';`,
			`$i -lt 2;`,
			`Start-Process -FilePath $f -Verb PrintTo -ArgumentList '"Büro 2. OG"' -ErrorAction Stop`,
			`catch { Start-Process -FilePath $f -ErrorAction Stop; 'opened' }`,
		} {
			if !strings.Contains(cmd, want) {
				t.Errorf("command %q\nlacks %q", cmd, want)
			}
		}
	})
	t.Run("the default printer", func(t *testing.T) {
		args := fakePowerShell(t, `echo printed`)
		if _, err := shellSend(ctx, file, "", 1); err != nil {
			t.Fatal(err)
		}
		cmd := command(t, args)
		if !strings.Contains(cmd, "-Verb Print -ErrorAction Stop") || strings.Contains(cmd, "PrintTo") || !strings.Contains(cmd, "$i -lt 1;") {
			t.Errorf("command %q: want the Print verb once", cmd)
		}
	})
	t.Run("no program prints PDF: opened in the viewer", func(t *testing.T) {
		fakePowerShell(t, `echo opened`)
		job, err := shellSend(ctx, file, "", 1)
		if err != nil || !job.Opened {
			t.Errorf("job = %+v, %v; want opened", job, err)
		}
	})
	t.Run("neither prints nor opens", func(t *testing.T) {
		fakePowerShell(t, `echo "Start-Process : This command cannot be run because no application is associated." >&2; exit 1`)
		_, err := shellSend(ctx, file, "", 1)
		var pe *Error
		if !errors.As(err, &pe) || !strings.Contains(pe.Output, "no application is associated") {
			t.Errorf("err = %v, want PowerShell's words", err)
		}
	})
	t.Run("a printer name that cannot be passed on", func(t *testing.T) {
		args := fakePowerShell(t, `echo printed`)
		if _, err := shellSend(ctx, file, `Büro" -Verb Open`, 1); err == nil {
			t.Error("a quote in the printer name was passed on")
		}
		if _, err := os.Stat(args); err == nil {
			t.Error("powershell ran")
		}
	})
	t.Run("no PowerShell", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		if _, err := shellSend(ctx, file, "", 1); !errors.Is(err, ErrNoPrintSystem) {
			t.Errorf("err = %v, want ErrNoPrintSystem", err)
		}
	})
}
