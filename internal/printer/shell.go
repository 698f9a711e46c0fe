package printer

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// The Windows print path: PowerShell lists the printers and hands the PDF
// to the program registered for printing PDF files (the shell's Print
// and PrintTo verbs). It lives outside a build constraint so that its
// commands are tested on every system, with a stand-in powershell.

// utf8Out makes PowerShell write UTF-8, so printer names keep their
// umlauts whatever the console's code page.
const utf8Out = "[Console]::OutputEncoding = [Text.Encoding]::UTF8; "

// shellPrinters lists the printers Windows knows, the default one marked.
func shellPrinters(ctx context.Context) ([]Printer, error) {
	out, err := run(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command",
		utf8Out+"Get-CimInstance Win32_Printer | ForEach-Object { $_.Name + \"`t\" + $_.Default }")
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

// psQuote is s as a PowerShell string literal: single quotes, which
// expand nothing, with each quote doubled.
func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// shellScript is the PowerShell that prints file copies times: with the
// PrintTo verb on a named printer, with Print on the default one. When no
// program prints PDF files (the verb is missing), it opens the file in the
// PDF viewer instead, for the person to print from there. It says which
// it did on its last line: "printed" or "opened".
func shellScript(file, printer string, copies int) string {
	verb := "-Verb Print"
	if printer != "" {
		// The verb hands the printer name on as one quoted argument.
		verb = "-Verb PrintTo -ArgumentList " + psQuote(`"`+printer+`"`)
	}
	return utf8Out + "$f = " + psQuote(file) + "; " +
		"try { for ($i = 0; $i -lt " + strconv.Itoa(copies) + "; $i++) { Start-Process -FilePath $f " + verb + " -ErrorAction Stop }; 'printed' } " +
		"catch { Start-Process -FilePath $f -ErrorAction Stop; 'opened' }"
}

// shellSend prints file through the shell's print verbs, or opens it in
// the PDF viewer when no program prints PDF files (Job.Opened).
func shellSend(ctx context.Context, file, printer string, copies int) (Job, error) {
	if strings.ContainsAny(printer, "\"\r\n") {
		return Job{}, &Error{Command: "powershell", Err: fmt.Errorf("printer name %q cannot be passed on", printer)}
	}
	out, err := run(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command", shellScript(file, printer, max(1, copies)))
	if err != nil {
		return Job{}, err
	}
	j := Job{Printer: printer}
	lines := strings.Fields(out)
	switch {
	case len(lines) > 0 && lines[len(lines)-1] == "opened":
		j.Opened = true
	case len(lines) > 0 && lines[len(lines)-1] == "printed":
	default:
		return Job{}, &Error{Command: "powershell", Output: out, Err: fmt.Errorf("no answer")}
	}
	return j, nil
}
