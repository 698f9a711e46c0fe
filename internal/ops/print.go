package ops

import (
	"context"
	"errors"
	"fmt"

	"ernstfall/internal/binder"
	"ernstfall/internal/store"
)

// PrintBinder is a binder to print into a PDF file.
type PrintBinder struct {
	Path    string
	Options binder.Options
}

// PrintBinder prints the emergency binder into Path (whole or not at all)
// and records the printout, so the dashboard can say when the shelf copy
// is out of date. PrintedAt defaults to now; the program's name and
// version go on the cover. Cancelling ctx stops the rendering and leaves
// no file behind and no printout recorded.
func (o *Ops) PrintBinder(ctx context.Context, req PrintBinder, p Progress) (binder.Result, error) {
	opt := o.printOptions(req.Options)
	report(p, StageLoad, 0, 0)
	hb, err := o.st.Load(ctx)
	if err != nil {
		return binder.Result{}, err
	}
	report(p, StageRender, 0, 0)
	res, err := binder.WriteFile(ctx, req.Path, hb, opt)
	if err != nil {
		return binder.Result{}, err
	}
	report(p, StageRecord, 0, 0)
	err = o.st.RecordPrintout(ctx, store.Printout{At: opt.PrintedAt, By: opt.PrintedBy, Version: res.Version})
	switch {
	case errors.Is(err, store.ErrReadOnly):
		e := fail(CodeNotRecordedReadOnly, "Path", req.Path)
		e.Err = err
		return res, e
	case errors.Is(err, store.ErrBusy):
		e := fail(CodeNotRecordedBusy, "Path", req.Path)
		e.Err = err
		return res, e
	case err != nil:
		return res, fmt.Errorf("the binder was printed to %s, but: %w", req.Path, err)
	}
	return res, nil
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

func (o *Ops) printOptions(opt binder.Options) binder.Options {
	if opt.PrintedAt.IsZero() {
		opt.PrintedAt = o.now()
	}
	if opt.Program == "" {
		opt.Program = o.program
	}
	return opt
}
