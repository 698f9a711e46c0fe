package ops

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"ernstfall/internal/atomicfile"
	"ernstfall/internal/binder"
	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
)

// CodeAuditFormat: the audit is written as CSV or PDF.
const CodeAuditFormat Code = "Name the file {{.File}} .csv (a spreadsheet) or .pdf (to print)."

// ExportAudit asks for the record of document control in a period.
type ExportAudit struct {
	// Path ends in .csv or .pdf.
	Path string
	// From and To bound the period (inclusive); zero is open.
	From, To time.Time
	// Options: Lang for both; Paper, PrintedBy and PrintedAt for the PDF.
	Options binder.Options
}

// Audited is what ExportAudit wrote.
type Audited struct {
	Events int
	Pages  int
}

// ExportAudit writes every release, review, printout and copy exchange of
// the period: the proof of document control an auditor asks for (ISO
// 22301 7.5.3). A CSV opens in any spreadsheet program, its cells never
// run as formulas; a PDF prints in the binder's fonts and style. The file
// is written whole or not at all.
func (o *Ops) ExportAudit(ctx context.Context, req ExportAudit) (Audited, error) {
	ext := strings.ToLower(filepath.Ext(req.Path))
	if ext != ".csv" && ext != ".pdf" {
		return Audited{}, fail(CodeAuditFormat, "File", filepath.Base(req.Path))
	}
	hb, err := o.st.Load(ctx)
	if err != nil {
		return Audited{}, err
	}
	names, err := o.DeviceNames(ctx)
	if err != nil {
		return Audited{}, err
	}
	a := binder.Audit{Events: handbook.AuditEvents(&hb, req.From, req.To), From: req.From, To: req.To, Laptops: names}
	if ext == ".pdf" {
		res, err := binder.WriteAudit(ctx, req.Path, hb, a, o.printOptions(req.Options))
		return Audited{Events: len(a.Events), Pages: res.Pages}, err
	}
	header, rows, err := binder.AuditTable(a, req.Options.Lang)
	if err != nil {
		return Audited{}, err
	}
	err = atomicfile.Write(req.Path, func(w io.Writer) error {
		return exchange.WriteTable(w, header, rows, exchange.CSVOptions{BOM: true})
	})
	if err != nil {
		return Audited{}, fmt.Errorf("write %s: %w", req.Path, err)
	}
	return Audited{Events: len(a.Events)}, nil
}
