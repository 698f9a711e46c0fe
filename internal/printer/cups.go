package printer

import (
	"context"
	"errors"
	"os/exec"
	"strings"
)

// cupsPrinters lists the print queues CUPS knows, the default one
// marked. Without lp or lpstat it reports ErrNoPrintSystem; with no
// queue, ErrNoPrinter.
func cupsPrinters(ctx context.Context) ([]Printer, error) {
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

// cupsSend hands file (a PDF) to printer, or to the default printer
// when printer is "", through lp. lp has passed the file on to the
// scheduler when it returns, so the file may go; the returned Job names
// the job, which runs on.
func cupsSend(ctx context.Context, file, printer, title string, copies int) (Job, error) {
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
