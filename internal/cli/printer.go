package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"ernstfall/internal/binder"
	"ernstfall/internal/ops"
	"ernstfall/internal/printer"
	"ernstfall/internal/store"
)

// sendTo reads binder's --printer and, with it, --copies as a number.
// "default" (or "") is the system's default printer.
func sendTo(env *Env, name, copies string) (ops.SendTo, error) {
	to := ops.SendTo{Printer: strings.TrimSpace(name), Copies: 1}
	if strings.EqualFold(to.Printer, "default") {
		to.Printer = ""
	}
	if copies != "" {
		n, err := strconv.Atoi(strings.TrimSpace(copies))
		if err != nil || n < 1 || n > ops.MaxCopies {
			return to, env.usage("with --printer, --copies is how many copies to print, 1 to {{.Max}}, not {{.Value}}", vars{"Max": ops.MaxCopies, "Value": quote(copies)})
		}
		to.Copies = n
	}
	return to, nil
}

// sendBinder renders the binder and sends it to a printer. Without -o the
// PDF is a temporary file, removed once the print system has taken it;
// when sending fails, the PDF is kept and named, to be printed another
// way.
func sendBinder(ctx context.Context, env *Env, st *store.Store, req ops.PrintBinder, to ops.SendTo) error {
	temp := req.Path == ""
	if temp {
		f, err := os.CreateTemp("", "ernstfall-binder-*.pdf")
		if err != nil {
			return env.wrap(err, "write {{.Path}}: {{.Err}}", vars{"Path": os.TempDir()})
		}
		req.Path = f.Name()
		f.Close()
	}
	res, job, err := env.ops(st).SendBinder(ctx, req, to, env.progress())
	if err != nil && !ops.NotRecorded(err) {
		if errors.Is(err, binder.ErrUnknownSection) || errors.Is(err, binder.ErrBadOption) {
			err = usagef("%v", err)
		}
		if fi, serr := os.Stat(req.Path); serr == nil && fi.Size() > 0 && res.Pages > 0 {
			fmt.Fprintln(env.Stderr, env.T("the PDF is at {{.Path}}", vars{"Path": req.Path}))
		} else if temp {
			_ = os.Remove(req.Path)
		}
		return err
	}
	where := job.Printer
	if where == "" {
		where = env.T("the default printer")
	}
	v := vars{"Path": req.Path, "Pages": res.Pages, "Copies": to.Copies, "Printer": where, "Version": res.Version}
	switch {
	case job.Opened && to.Copies > 1:
		fmt.Fprintln(env.Stdout, env.T("no program prints PDF files on this computer: opened {{.Path}} ({{.Pages}} pages) in the PDF viewer; print {{.Copies}} copies from there", v))
	case job.Opened:
		fmt.Fprintln(env.Stdout, env.T("no program prints PDF files on this computer: opened {{.Path}} ({{.Pages}} pages) in the PDF viewer; print it from there", v))
	default:
		line := env.T("sent {{.Pages}} pages to {{.Printer}}, handbook version {{.Version}}", v)
		if to.Copies > 1 {
			line = env.T("sent {{.Copies}} copies of {{.Pages}} pages to {{.Printer}}, handbook version {{.Version}}", v)
		}
		if job.ID != "" {
			line += "; " + env.T("print job {{.Job}}", vars{"Job": job.ID})
		}
		fmt.Fprintln(env.Stdout, line)
		if temp && !printer.KeepFile {
			_ = os.Remove(req.Path)
		}
	}
	if err != nil {
		// Printed; only the note for the dashboard is missing.
		fmt.Fprintln(env.Stderr, env.errorText(err))
	}
	return nil
}

// runPrinters lists the printers, the default one marked.
func runPrinters(ctx context.Context, env *Env, g *globals, args []string) error {
	if len(args) > 0 {
		return env.unexpected(args[0])
	}
	ps, err := ops.Printers(ctx)
	if err != nil {
		return err
	}
	for _, p := range ps {
		mark := " "
		if p.Default {
			mark = "*"
		}
		fmt.Fprintf(env.Stdout, "%s %s\n", mark, p.Name)
	}
	return nil
}
