package ops

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// Refusals of the distribution list.
const (
	CodeUnknownCopy       Code = "There is no copy {{.Number}} on the distribution list."
	CodeCopyNumberTaken   Code = "Copy number {{.Number}} is taken already ({{.Place}})."
	CodeNoPlace           Code = "Say where the copy is kept."
	CodeBadCopyNumber     Code = "A copy's number is 1 or more."
	CodeUnknownHolder     Code = "There is no contact {{.Name}} to hold the copy."
	CodeNoConfirmer       Code = "Say who confirms the exchange."
	CodeNotPrinted        Code = "Copy {{.Number}} has not been printed yet. Print it for the distribution list first."
	CodeNothingToExchange Code = "Copy {{.Number}} is in place as printed on {{.Time}}. Print it anew before confirming an exchange."
	CodeNoCopies          Code = "The distribution list has no copies yet. Add them first."
)

// CopyInput is a copy of the distribution list as a person enters it.
type CopyInput struct {
	// Number 0 takes the next free number.
	Number int
	// Holder is the contact (ID) responsible for the copy.
	Holder string
	Place  string
	Note   string
}

// AddCopy adds a numbered copy to the distribution list.
func (o *Ops) AddCopy(ctx context.Context, in CopyInput) (handbook.Copy, error) {
	c := handbook.Copy{Number: in.Number, Holder: in.Holder, Place: strings.TrimSpace(in.Place), Note: strings.TrimSpace(in.Note)}
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		if err := o.checkCopy(ctx, tx, &c); err != nil {
			return err
		}
		return put(ctx, o, tx, &c)
	})
	if err != nil {
		return handbook.Copy{}, fmt.Errorf("add a copy to the distribution list: %w", err)
	}
	return c, nil
}

// SaveCopy stores a copy a person edited (before as they loaded it).
func (o *Ops) SaveCopy(ctx context.Context, before, after *handbook.Copy) error {
	after.Place = strings.TrimSpace(after.Place)
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		if err := o.checkCopy(ctx, tx, after); err != nil {
			return err
		}
		return edit(ctx, o, tx, before, after)
	})
	if err != nil {
		return fmt.Errorf("save copy %d: %w", after.Number, err)
	}
	return nil
}

// checkCopy refuses a copy without a place, with a holder who is no
// contact, or with a number another copy carries; number 0 takes the
// next free one.
func (o *Ops) checkCopy(ctx context.Context, tx *store.Tx, c *handbook.Copy) error {
	if c.Place == "" {
		return fail(CodeNoPlace)
	}
	if c.Number < 0 {
		return fail(CodeBadCopyNumber)
	}
	if c.Holder != "" {
		if _, err := store.Get[handbook.Contact](ctx, tx, c.Holder); err != nil {
			return fail(CodeUnknownHolder, "Name", c.Holder)
		}
	}
	copies, err := store.List[handbook.Copy](ctx, tx)
	if err != nil {
		return err
	}
	if c.Number == 0 {
		c.Number = handbook.NextCopyNumber(copies)
	}
	for _, x := range copies {
		if x.Number == c.Number && x.ID != c.ID {
			return fail(CodeCopyNumberTaken, "Number", c.Number, "Place", x.Place)
		}
	}
	return nil
}

// RemoveCopy takes a copy off the distribution list; its printouts and
// exchanges stay in the audit.
func (o *Ops) RemoveCopy(ctx context.Context, id string) error {
	return o.st.Delete(ctx, handbook.EntityCopy, id)
}

// FindCopy finds a copy of the distribution list by its number.
func (o *Ops) FindCopy(ctx context.Context, number int) (handbook.Copy, error) {
	copies, err := store.List[handbook.Copy](ctx, o.st)
	if err != nil {
		return handbook.Copy{}, err
	}
	for _, c := range copies {
		if c.Number == number {
			return c, nil
		}
	}
	return handbook.Copy{}, fail(CodeUnknownCopy, "Number", number)
}

// ConfirmExchange records who put a copy's newest print in place of the
// one its holder had, and when.
type ConfirmExchange struct {
	CopyID string
	By     string
	// At is when (zero: now).
	At   time.Time
	Note string
}

// ConfirmExchange confirms that a copy's newest print is in place
// ("Austausch bestätigt von … am …"), which closes the copy's open
// exchange. A copy never printed, or whose newest print is in place
// already, is refused.
func (o *Ops) ConfirmExchange(ctx context.Context, req ConfirmExchange) (handbook.CopyExchange, error) {
	var out handbook.CopyExchange
	req.By = strings.Join(strings.Fields(req.By), " ")
	switch {
	case req.By == "":
		return out, fail(CodeNoConfirmer)
	case req.At.After(o.now().Add(time.Minute)):
		return out, fail(CodeTimeInFuture)
	}
	if req.At.IsZero() {
		req.At = o.now()
	}
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		c, err := store.Get[handbook.Copy](ctx, tx, req.CopyID)
		if err != nil {
			return fail(CodeUnknownCopy, "Number", req.CopyID)
		}
		var hb handbook.Handbook
		hb.Copies = []handbook.Copy{c}
		if hb.Printouts, err = store.List[handbook.Printout](ctx, tx); err != nil {
			return err
		}
		if hb.Exchanges, err = store.List[handbook.CopyExchange](ctx, tx); err != nil {
			return err
		}
		st := handbook.CopyStatuses(&hb, nil)[0]
		switch {
		case st.Pending != nil:
		case st.InPlace != nil:
			return fail(CodeNothingToExchange, "Number", c.Number, "Time", st.InPlace.PrintedAt)
		default:
			return fail(CodeNotPrinted, "Number", c.Number)
		}
		out = handbook.CopyExchange{CopyID: c.ID, PrintoutID: st.Pending.ID, ConfirmedBy: req.By,
			ConfirmedAt: req.At.UTC(), Note: strings.TrimSpace(req.Note), Device: o.st.Device()}
		return put(ctx, o, tx, &out)
	})
	if err != nil {
		return handbook.CopyExchange{}, fmt.Errorf("confirm the exchange of a copy: %w", err)
	}
	return out, nil
}

// PrintCopies asks to print copies of the distribution list.
type PrintCopies struct {
	// Dir is the folder the PDF files go to, one per copy.
	Dir string
	// CopyIDs are the copies to print; none means every copy.
	CopyIDs []string
	Options binder.Options
}

// PrintedCopy is one copy printed.
type PrintedCopy struct {
	Copy  handbook.Copy
	Path  string
	Pages int
}

// StageCopies is printing the copies of the distribution list.
const StageCopies Stage = "Printing the copies"

// PrintCopies prints copies of the distribution list, each its own PDF
// with its number and holder on the cover and its number and place in
// every page's footer ("Exemplar 3 von 5 · Tresor GF"), the released
// versions, and a change log since the copy its holder has. Then it
// records each as printed, waiting for its exchange to be confirmed. All
// or nothing: when one copy fails, or ctx is cancelled, the files written
// are removed and nothing is recorded.
func (o *Ops) PrintCopies(ctx context.Context, req PrintCopies, p Progress) ([]PrintedCopy, error) {
	opt := o.printOptions(req.Options)
	report(p, StageLoad, 0, 0)
	hb, err := o.st.Load(ctx)
	if err != nil {
		return nil, err
	}
	live := hb.Live()
	statuses := handbook.CopyStatuses(&live, handbook.InForce(&live))
	if len(statuses) == 0 {
		return nil, fail(CodeNoCopies)
	}
	of := 0
	for _, s := range statuses {
		of = max(of, s.Copy.Number)
	}
	var chosen []handbook.CopyStatus
	for _, s := range statuses {
		if len(req.CopyIDs) == 0 || slices.Contains(req.CopyIDs, s.Copy.ID) {
			chosen = append(chosen, s)
		}
	}
	for _, id := range req.CopyIDs {
		if !slices.ContainsFunc(chosen, func(s handbook.CopyStatus) bool { return s.Copy.ID == id }) {
			return nil, fail(CodeUnknownCopy, "Number", id)
		}
	}
	holders := map[string]string{}
	for _, c := range live.Contacts {
		holders[c.ID] = c.FullName()
	}
	var out []PrintedCopy
	var recs []handbook.Printout
	cleanup := func() {
		for _, pc := range out {
			os.Remove(pc.Path)
		}
	}
	inForce := handbook.InForce(&live)
	for i, s := range chosen {
		report(p, StageCopies, i, len(chosen))
		var since time.Time
		if s.InPlace != nil {
			since = s.InPlace.PrintedAt
		}
		view, ctl, err := printView(hb, false, since)
		if err != nil {
			cleanup()
			return nil, err
		}
		holder := holders[s.Copy.Holder]
		ctl.Copy = &binder.CopyMark{Number: s.Copy.Number, Of: of, Holder: holder, Place: s.Copy.Place}
		copt := opt
		copt.Control = ctl
		path := filepath.Join(req.Dir, CopyFileName(opt.Lang, s.Copy.Number, of))
		res, err := binder.WriteFile(ctx, path, view, copt)
		if err != nil {
			cleanup()
			return nil, err
		}
		out = append(out, PrintedCopy{Copy: s.Copy, Path: path, Pages: res.Pages})
		recs = append(recs, handbook.Printout{Kind: handbook.PrintCopy, PrintedAt: opt.PrintedAt.UTC().Truncate(time.Second),
			By: opt.PrintedBy, Device: o.st.Device(), Version: res.Version, Releases: inForce, CopyID: s.Copy.ID,
			CopyNumber: s.Copy.Number, Copies: of, Holder: holder, Place: s.Copy.Place, Pages: res.Pages})
	}
	report(p, StageRecord, 0, 0)
	if err := o.recordPrintouts(ctx, req.Dir, recs); err != nil {
		if !NotRecorded(err) {
			cleanup()
			return nil, err
		}
		return out, err
	}
	return out, nil
}

// CopyFileName names the PDF of a copy of the distribution list.
func CopyFileName(lang string, number, of int) string {
	if strings.EqualFold(lang, "en") {
		return fmt.Sprintf("emergency-handbook-copy-%02d-of-%02d.pdf", number, of)
	}
	return fmt.Sprintf("notfallhandbuch-exemplar-%02d-von-%02d.pdf", number, of)
}
