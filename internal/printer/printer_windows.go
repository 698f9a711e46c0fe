//go:build windows

package printer

import (
	"context"
	"strings"
)

// Printers lists the printers Windows knows, the default one marked.
func Printers(ctx context.Context) ([]Printer, error) {
	out, err := run(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command",
		"Get-CimInstance Win32_Printer | ForEach-Object { $_.Name + \"`t\" + $_.Default }")
	if err != nil {
		return nil, err
	}
	var ps []Printer
	for _, l := range strings.Split(out, "\n") {
		name, def, _ := strings.Cut(strings.TrimSpace(l), "\t")
		if name != "" {
			ps = append(ps, Printer{Name: name, Default: strings.EqualFold(def, "true")})
		}
	}
	if len(ps) == 0 {
		return nil, ErrNoPrinter
	}
	return ps, nil
}

// Send prints file through the shell's print verb, which hands it to the
// PDF viewer registered for printing; that prints on the default printer.
func Send(ctx context.Context, file, printer, title string, copies int) (Job, error) {
	quoted := "'" + strings.ReplaceAll(file, "'", "''") + "'"
	_, err := run(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command",
		"Start-Process -FilePath "+quoted+" -Verb Print")
	if err != nil {
		return Job{}, err
	}
	return Job{Printer: printer}, nil
}
