//go:build !windows

package printer

import (
	"context"
	"errors"
	"os/exec"
	"strings"
)

// Printers lists the print queues CUPS knows, the default one marked.
// Without lp or lpstat it reports ErrNoPrintSystem; with no queue,
// ErrNoPrinter.
func Printers(ctx context.Context) ([]Printer, error) {
	if _, err := exec.LookPath("lp"); err != nil {
		return nil, ErrNoPrintSystem
	}
	list, err := run(ctx, "lpstat", "-e")
	if err != nil {
		var pe *Error
		// lpstat fails when the scheduler runs no queue at all.
		if errors.As(err, &pe) && strings.Contains(pe.Output, "No destinations") {
			return nil, ErrNoPrinter
		}
		return nil, err
	}
	// Without a default lpstat -d says so and may exit non-zero: the
	// list is still good.
	def, _ := run(ctx, "lpstat", "-d")
	ps := parsePrinters(list, def)
	if len(ps) == 0 {
		return nil, ErrNoPrinter
	}
	return ps, nil
}

// Send hands file (a PDF) to printer, or to the default printer when
// printer is "", through lp. The job runs on after Send returns; the
// returned Job names it.
func Send(ctx context.Context, file, printer, title string, copies int) (Job, error) {
	out, err := run(ctx, "lp", lpArgs(file, printer, title, copies)...)
	if err != nil {
		return Job{}, err
	}
	j := Job{Printer: printer}
	if m := jobLine.FindStringSubmatch(out); m != nil {
		j.ID = m[1]
	}
	return j, nil
}
