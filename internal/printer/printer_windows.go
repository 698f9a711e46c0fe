//go:build windows

package printer

import "context"

// Printers lists the printers Windows knows, the default one marked.
func Printers(ctx context.Context) ([]Printer, error) { return shellPrinters(ctx) }

// Send prints file through the shell's print verb, or opens it in the
// PDF viewer when no program prints PDF files (Job.Opened). The viewer
// reads the file after Send returns: it must stay.
func Send(ctx context.Context, file, printer, title string, copies int) (Job, error) {
	return shellSend(ctx, file, printer, copies)
}

// KeepFile: the file sent must stay after Send returns, for the program
// that prints or shows it reads it later.
const KeepFile = true
