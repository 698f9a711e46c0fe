//go:build !windows

package printer

import "context"

// Printers lists the printers the system knows, the default one marked:
// CUPS's queues. Without CUPS it reports ErrNoPrintSystem; with no queue,
// ErrNoPrinter.
func Printers(ctx context.Context) ([]Printer, error) { return cupsPrinters(ctx) }

// Send hands file (a PDF) to printer, or to the default printer when
// printer is "", copies times, through lp. The file may be removed once
// Send returns.
func Send(ctx context.Context, file, printer, title string, copies int) (Job, error) {
	return cupsSend(ctx, file, printer, title, copies)
}

// KeepFile: the file sent must stay after Send returns. CUPS's lp has
// passed it to the scheduler by then.
const KeepFile = false
