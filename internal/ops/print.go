package ops

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/printer"
	"ernstfall/internal/store"
)

// PrintBinder is a binder to print into a PDF file.
type PrintBinder struct {
	Path    string
	Options binder.Options
	// Drafts prints the current drafts of the documents, with "ENTWURF"
	// on every page, instead of their released versions.
	Drafts bool
}

// PrintBinder prints the emergency binder into Path (whole or not at all)
// and records the printout, so the dashboard can say when the shelf copy
// is out of date and the audit lists it. Each document prints as released
// (never released ones as marked drafts), or with Drafts as it stands.
// PrintedAt defaults to now; the program's name and version go on the
// cover. Cancelling ctx stops the rendering and leaves no file behind and
// no printout recorded.
func (o *Ops) PrintBinder(ctx context.Context, req PrintBinder, p Progress) (binder.Result, error) {
	return o.printBinder(ctx, req, nil, p)
}

// SendTo is a printer to send a binder to.
type SendTo struct {
	// Printer is the print queue; "" is the system's default printer.
	Printer string
	Copies  int
}

// MaxCopies is the most copies of a binder sent to a printer at once.
const MaxCopies = 99

// SendBinder prints the binder into Path as PrintBinder does and hands the
// PDF to the system's print path (printer.Send), Copies times. The
// printout is recorded only once the print system accepted the job (or,
// where no program prints PDF files, opened it in the viewer); the PDF
// stays at Path either way, so it can still be opened or saved. A machine
// without a print system or without a printer gets CodeNoPrintSystem or
// CodeNoPrinter, a printer the system does not know CodeUnknownPrinter
// before anything is rendered, and a printer that refuses
// CodePrinterRefused with its words.
func (o *Ops) SendBinder(ctx context.Context, req PrintBinder, to SendTo, p Progress) (binder.Result, printer.Job, error) {
	if to.Copies < 0 || to.Copies > MaxCopies {
		return binder.Result{}, printer.Job{}, fail(CodeCopies, "Max", MaxCopies)
	}
	if err := o.knownPrinter(ctx, to.Printer); err != nil {
		return binder.Result{}, printer.Job{}, err
	}
	var job printer.Job
	res, err := o.printBinder(ctx, req, func() error {
		report(p, StageSend, 0, 0)
		title := "Notfallhandbuch"
		if req.Options.Lang == "en" {
			title = "Emergency binder"
		}
		var err error
		job, err = printer.Send(ctx, req.Path, to.Printer, title, max(1, to.Copies))
		return sendFailed(err, to.Printer)
	}, p)
	return res, job, err
}

// knownPrinter refuses, before anything is rendered, a machine without a
// print system or printer, and a printer the system does not list (naming
// those it does). The default printer (""), and a system that cannot list
// its printers for another reason, are left to the print command.
func (o *Ops) knownPrinter(ctx context.Context, name string) error {
	ps, err := printer.Printers(ctx)
	switch {
	case errors.Is(err, printer.ErrNoPrintSystem), errors.Is(err, printer.ErrNoPrinter):
		return sendFailed(err, name)
	case err != nil:
		return nil
	}
	if name == "" {
		return nil
	}
	var names []string
	for _, p := range ps {
		if p.Name == name {
			return nil
		}
		names = append(names, p.Name)
	}
	return fail(CodeUnknownPrinter, "Printer", name, "Printers", strings.Join(names, ", "))
}

// CountBinder renders the binder as PrintBinder would, into nothing, and
// returns its pages and version: the print dialog shows how many pages
// will come out before anything is sent. It records nothing.
func (o *Ops) CountBinder(ctx context.Context, req PrintBinder, p Progress) (binder.Result, error) {
	opt, _, view, err := o.binderView(ctx, req, p)
	if err != nil {
		return binder.Result{}, err
	}
	return binder.Render(ctx, io.Discard, view, opt)
}

// sendFailed words a failure of the print path as an Error.
func sendFailed(err error, name string) error {
	var pe *printer.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, printer.ErrNoPrintSystem):
		e := fail(CodeNoPrintSystem)
		e.Err = err
		return e
	case errors.Is(err, printer.ErrNoPrinter):
		e := fail(CodeNoPrinter)
		e.Err = err
		return e
	case errors.As(err, &pe):
		if name == "" {
			name = "(default)"
		}
		e := fail(CodePrinterRefused, "Printer", name, "Output", strings.TrimSpace(pe.Output))
		e.Err = err
		return e
	}
	return err
}

// Printers lists the printers the system's print path knows, worded as
// SendBinder words its failures when there are none. It needs no
// handbook.
func Printers(ctx context.Context) ([]printer.Printer, error) {
	ps, err := printer.Printers(ctx)
	return ps, sendFailed(err, "")
}

// The print path failed.
const (
	CodeNoPrintSystem  Code = "No print system was found on this computer (on Linux: CUPS, the lp command, is not installed). Save the binder as a PDF and print it from another computer, or install CUPS."
	CodeNoPrinter      Code = "No printer is set up on this computer. Set one up in the system's printer settings, or save the binder as a PDF and print it elsewhere."
	CodePrinterRefused Code = "The printer {{.Printer}} did not take the binder: {{.Output}}. The PDF was written; save it or open it to print it another way."
	CodeUnknownPrinter Code = "There is no printer {{.Printer}} on this computer. Printers here: {{.Printers}}."
	CodeCopies         Code = "The number of copies must be between 1 and {{.Max}}."
)

// binderView reads the handbook and returns it as read and as the binder
// prints it, with the options to print it with.
func (o *Ops) binderView(ctx context.Context, req PrintBinder, p Progress) (opt binder.Options, hb, view handbook.Handbook, err error) {
	opt = o.printOptions(req.Options)
	report(p, StageLoad, 0, 0)
	if hb, err = o.st.Load(ctx); err != nil {
		return opt, hb, hb, err
	}
	view, ctl, err := printView(hb, req.Drafts, lastPrinted(hb))
	if err != nil {
		return opt, hb, view, err
	}
	opt.Control = ctl
	report(p, StageRender, 0, 0)
	return opt, hb, view, nil
}

func (o *Ops) printBinder(ctx context.Context, req PrintBinder, send func() error, p Progress) (binder.Result, error) {
	opt, hb, view, err := o.binderView(ctx, req, p)
	if err != nil {
		return binder.Result{}, err
	}
	res, err := binder.WriteFile(ctx, req.Path, view, opt)
	if err != nil {
		return binder.Result{}, err
	}
	if send != nil {
		if err := send(); err != nil {
			return res, err
		}
	}
	report(p, StageRecord, 0, 0)
	live := hb.Live()
	kind := handbook.PrintBinder
	if req.Drafts {
		kind = handbook.PrintDrafts
	}
	rec := handbook.Printout{Kind: kind, PrintedAt: opt.PrintedAt.UTC().Truncate(time.Second), By: opt.PrintedBy,
		Device: o.st.Device(), Version: res.Version, Releases: handbook.InForce(&live), Pages: res.Pages}
	return res, o.recordPrintouts(ctx, req.Path, []handbook.Printout{rec})
}

// recordPrintouts records printed binders: as records that sync (the
// audit and the distribution list read them) and as this laptop's last
// printout (the dashboard's note on the shelf copy). A handbook that
// cannot be written gets a refusal that says the PDF is there.
func (o *Ops) recordPrintouts(ctx context.Context, path string, recs []handbook.Printout) error {
	last := recs[len(recs)-1]
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		for i := range recs {
			if err := put(ctx, o, tx, &recs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = o.st.RecordPrintout(ctx, store.Printout{At: last.PrintedAt, By: last.By, Version: last.Version})
	}
	switch {
	case errors.Is(err, store.ErrReadOnly):
		e := fail(CodeNotRecordedReadOnly, "Path", path)
		e.Err = err
		return e
	case errors.Is(err, store.ErrBusy):
		e := fail(CodeNotRecordedBusy, "Path", path)
		e.Err = err
		return e
	case err != nil:
		return fmt.Errorf("the binder was printed to %s, but: %w", path, err)
	}
	return nil
}

// lastPrinted is when a binder of released versions (or a copy of the
// distribution list) was last printed, on any laptop; zero when never.
func lastPrinted(hb handbook.Handbook) time.Time {
	var last time.Time
	for _, p := range hb.Printouts {
		if !p.Deleted && p.Kind != handbook.PrintDrafts && p.PrintedAt.After(last) {
			last = p.PrintedAt
		}
	}
	return last
}

// printView is the handbook as the binder prints it (the released
// versions, or with drafts the documents as they stand) and what document
// control adds to the pages: the release of each document, the releases
// since the moment since (the change log), the state of every document.
func printView(hb handbook.Handbook, drafts bool, since time.Time) (handbook.Handbook, *binder.Control, error) {
	live := hb.Live()
	sts, err := handbook.Statuses(&live)
	if err != nil {
		return hb, nil, err
	}
	view := hb
	if !drafts {
		if view, err = handbook.Released(hb); err != nil {
			return hb, nil, err
		}
	}
	ctl := &binder.Control{Drafts: drafts, Docs: map[string]binder.DocMark{}, Since: since}
	titles := map[handbook.DocRef]string{}
	notInForce := map[string]bool{}
	for _, st := range sts {
		mark := binder.DocMark{In: st.Releases.InForce, Changed: st.Releases.InForce != nil && st.Draft && !st.Withdrawn, Withdrawn: st.Withdrawn}
		ctl.Docs[st.Doc.String()] = mark
		title := st.Title
		if st.Doc.Kind == handbook.EntityMatrix {
			title = ""
		}
		titles[st.Doc] = title
		ctl.Documents = append(ctl.Documents, binder.DocLine{Title: title, Mark: mark})
		for _, r := range st.Releases.Concurrent {
			notInForce[r.ID] = true
		}
	}
	for _, r := range live.Releases {
		if !since.IsZero() && !r.ReleasedAt.After(since) {
			continue
		}
		title, ok := titles[r.Doc()]
		if !ok {
			title = r.Title
			if r.DocKind == handbook.EntityMatrix {
				title = ""
			}
		}
		ctl.Changes = append(ctl.Changes, binder.ChangeEntry{Title: title, Release: r, NotInUse: notInForce[r.ID]})
	}
	slices.SortFunc(ctl.Changes, func(a, b binder.ChangeEntry) int {
		return cmp.Or(a.Release.ReleasedAt.Compare(b.Release.ReleasedAt), strings.Compare(a.Release.ID, b.Release.ID))
	})
	return view, ctl, nil
}

// The binder was printed, but the printout could not be recorded.
const (
	CodeNotRecordedReadOnly Code = "The binder was printed to {{.Path}}. The printout was not recorded, because the handbook is read-only."
	CodeNotRecordedBusy     Code = "The binder was printed to {{.Path}}. The printout was not recorded, because another program was writing to the handbook; print again later to record it."
)

// NotRecorded reports whether err only says that a binder printed whole
// could not be recorded (PrintBinder): the PDF is there.
func NotRecorded(err error) bool {
	e, ok := AsError(err)
	return ok && (e.Code == CodeNotRecordedReadOnly || e.Code == CodeNotRecordedBusy)
}

// IncidentReport is an incident's report to print into a PDF file.
type IncidentReport struct {
	Path       string
	IncidentID string
	Options    binder.Options
}

// PrintIncidentReport prints an incident's report: timeline, clocks,
// checklist and messages.
func (o *Ops) PrintIncidentReport(ctx context.Context, req IncidentReport, p Progress) (binder.Result, error) {
	opt := o.printOptions(req.Options)
	report(p, StageLoad, 0, 0)
	hb, err := o.st.Load(ctx)
	if err != nil {
		return binder.Result{}, err
	}
	report(p, StageRender, 0, 0)
	return binder.WriteIncidentReport(ctx, req.Path, hb, req.IncidentID, opt)
}

// ExerciseReport is an exercise's report to print into a PDF file.
type ExerciseReport struct {
	Path       string
	ExerciseID string
	Options    binder.Options
}

// PrintExerciseReport prints an exercise's report: objectives, scope,
// participants, timeline with injects, time targets, recovery times, the
// alarm test, findings and actions.
func (o *Ops) PrintExerciseReport(ctx context.Context, req ExerciseReport, p Progress) (binder.Result, error) {
	opt := o.printOptions(req.Options)
	report(p, StageLoad, 0, 0)
	hb, err := o.st.Load(ctx)
	if err != nil {
		return binder.Result{}, err
	}
	report(p, StageRender, 0, 0)
	return binder.WriteExerciseReport(ctx, req.Path, hb, req.ExerciseID, opt)
}

func (o *Ops) printOptions(opt binder.Options) binder.Options {
	if opt.PrintedAt.IsZero() {
		opt.PrintedAt = o.now()
	}
	if opt.Program == "" {
		opt.Program = o.program
	}
	return opt
}
