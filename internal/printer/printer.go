// Package printer sends a PDF to a printer through the system's print
// path: CUPS (lp and lpstat) on Linux and other Unix systems, the shell's
// print verb on Windows.
package printer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// ErrNoPrintSystem: the system has no print path Ernstfall can use (on
// Linux: CUPS's lp is not installed).
var ErrNoPrintSystem = errors.New("no print system")

// ErrNoPrinter: the print system knows no printer.
var ErrNoPrinter = errors.New("no printer set up")

// Printer is a print queue.
type Printer struct {
	Name    string
	Default bool
}

// Job is a print job the system accepted.
type Job struct {
	// ID is the system's name for the job ("Büro-42"); empty when the
	// system does not say.
	ID      string
	Printer string
	// Opened: no program prints PDF files here, so the PDF was opened in
	// the viewer instead, for the person to print from there.
	Opened bool
}

// Error is a print command that failed, with what it said.
type Error struct {
	Command string
	Output  string
	Err     error
}

func (e *Error) Error() string {
	out := strings.TrimSpace(e.Output)
	if out == "" {
		return e.Command + ": " + e.Err.Error()
	}
	return e.Command + ": " + e.Err.Error() + ": " + out
}

func (e *Error) Unwrap() error { return e.Err }

// run runs a command and returns what it wrote to standard output.
func run(ctx context.Context, name string, args ...string) (string, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, ErrNoPrintSystem)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	hideWindow(cmd)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// The output is read, so it must not follow the user's language.
	cmd.Env = append(cmd.Environ(), "LC_ALL=C", "LANG=C")
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", &Error{Command: name, Output: stderr.String() + stdout.String(), Err: err}
	}
	return stdout.String(), nil
}

var (
	// defaultLine is lpstat -d's answer: "system default destination: Büro".
	defaultLine = regexp.MustCompile(`(?m)^system default destination:\s*(\S+)`)
	// jobLine is lp's answer: "request id is Büro-42 (1 file(s))".
	jobLine = regexp.MustCompile(`request id is (\S+)`)
)

// parsePrinters reads lpstat -e (one queue a line) and lpstat -d.
func parsePrinters(list, def string) []Printer {
	d := ""
	if m := defaultLine.FindStringSubmatch(def); m != nil {
		d = m[1]
	}
	var out []Printer
	for _, l := range strings.Split(list, "\n") {
		if name := strings.TrimSpace(l); name != "" {
			out = append(out, Printer{Name: name, Default: name == d})
		}
	}
	return out
}

// lpArgs are lp's arguments to print file on printer ("" for the
// default) with a job title.
func lpArgs(file, printer, title string, copies int) []string {
	args := []string{}
	if printer != "" {
		args = append(args, "-d", printer)
	}
	if copies > 1 {
		args = append(args, "-n", strconv.Itoa(copies))
	}
	if title != "" {
		args = append(args, "-t", title)
	}
	// A binder is printed on both sides where the printer can.
	args = append(args, "-o", "sides=two-sided-long-edge", "--", file)
	return args
}
