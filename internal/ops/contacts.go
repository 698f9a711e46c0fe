package ops

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// ReadContacts reads an address book, a vCard (.vcf) or CSV file, and
// compares it with the handbook's contacts: the preview of what importing
// it would do, row by row, with a decision for each. Nothing is written.
// A file that is neither gives an error matching exchange.ErrFormat or
// exchange.ErrBinary.
func (o *Ops) ReadContacts(ctx context.Context, path string, p Progress) (exchange.Preview, error) {
	report(p, StageRead, 0, 0)
	data, err := exchange.ReadLimited(ctx, path)
	if err != nil {
		return exchange.Preview{}, err
	}
	format, err := exchange.Detect(path, false, data[:min(len(data), 512)])
	if err != nil {
		return exchange.Preview{}, err
	}
	var parsed exchange.Parsed
	switch format {
	case exchange.FormatVCard:
		parsed, err = exchange.ReadVCard(path, data)
	case exchange.FormatCSV:
		parsed, err = exchange.ReadCSV(path, data)
	default:
		return exchange.Preview{}, fmt.Errorf("import %s: %w: not a vCard or CSV file", path, exchange.ErrFormat)
	}
	if err != nil {
		return exchange.Preview{}, err
	}
	if err := ctx.Err(); err != nil {
		return exchange.Preview{}, err
	}
	report(p, StageCompare, 0, 0)
	existing, err := store.List[handbook.Contact](ctx, o.st)
	if err != nil {
		return exchange.Preview{}, err
	}
	settings, err := o.st.Settings(ctx)
	if err != nil {
		return exchange.Preview{}, err
	}
	return exchange.NewPreview(existing, parsed, settings.DefaultCountry), nil
}

// Unreadable counts what of a preview cannot be imported: rows that are
// invalid and parts of the file that could not be read.
func Unreadable(p exchange.Preview) int {
	return p.Counts()[exchange.ActionInvalid] + len(p.Problems)
}

// ImportContacts writes the contacts of a preview as decided, in one
// transaction: all or nothing. A file with rows or parts that cannot be
// imported is refused unless choice.SkipProblems says to import the rest.
// It returns how many contacts were created or changed.
func (o *Ops) ImportContacts(ctx context.Context, p exchange.Preview, choice exchange.Choice, pr Progress) (int, error) {
	if n := Unreadable(p); n > 0 && !choice.SkipProblems {
		return 0, fail(CodeUnreadableRows, "File", p.File, "N", n)
	}
	report(pr, StageSave, 0, 0)
	n, err := p.Apply(ctx, o.st, choice, o.now())
	if errors.Is(err, exchange.ErrProblems) {
		return 0, fail(CodeUnreadableRows, "File", p.File, "N", Unreadable(p))
	}
	return n, err
}

// MarkVerified records that a contact's details were checked now; a
// correction asked for (by an alarm test) is done with it.
func (o *Ops) MarkVerified(ctx context.Context, contactID string) (handbook.Contact, error) {
	var c handbook.Contact
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		before, err := store.Get[handbook.Contact](ctx, tx, contactID)
		if err != nil {
			return err
		}
		c = before
		c.LastVerifiedAt, c.Correction = o.now(), ""
		return edit(ctx, o, tx, &before, &c)
	})
	if err != nil {
		return c, fmt.Errorf("mark contact verified: %w", err)
	}
	return c, nil
}

// SaveVerified stores a contact a person checked and corrected: the edit,
// the verification and the end of a correction asked for, in one.
func (o *Ops) SaveVerified(ctx context.Context, before, after *handbook.Contact) error {
	after.LastVerifiedAt, after.Correction = o.now(), ""
	return Save(ctx, o, before, after)
}

// ExportContacts asks for the contacts as an address book file.
type ExportContacts struct {
	// Format is exchange.FormatCSV (Ernstfall's own columns, which the
	// import reads back) or exchange.FormatVCard.
	Format exchange.Format
	// CSV: the separator and the byte order mark (exchange.CSVOptions).
	CSV exchange.CSVOptions
	// VCard is the vCard version; 3.0 when empty, which every address
	// book and phone reads.
	VCard exchange.VCardVersion
	// StaleDays, when above zero, writes only the contacts due for
	// verification (handbook.ToVerify): those flagged for a correction,
	// then those not verified for that many days, the longest unverified
	// first. The checklist a team lead goes through and sends back.
	StaleDays int
	// Team, when set, writes only the contacts of that team (case and
	// surrounding spaces do not matter).
	Team string
}

// ExportContacts writes the contacts to w as the request says and returns
// how many it wrote. It only reads; a front end writes w to a file whole
// or not at all (atomicfile), so a full disk leaves no half address book.
func (o *Ops) ExportContacts(ctx context.Context, w io.Writer, req ExportContacts) (int, error) {
	if req.Format != exchange.FormatCSV && req.Format != exchange.FormatVCard {
		return 0, fmt.Errorf("export contacts: format %q is neither CSV nor vCard", req.Format)
	}
	contacts, err := store.List[handbook.Contact](ctx, o.st)
	if err != nil {
		return 0, fmt.Errorf("export contacts: %w", err)
	}
	if req.StaleDays > 0 {
		contacts = handbook.ToVerify(contacts, o.now(), req.StaleDays)
	}
	if team := strings.TrimSpace(req.Team); team != "" {
		var mine []handbook.Contact
		for _, c := range contacts {
			if strings.EqualFold(strings.TrimSpace(c.Team), team) {
				mine = append(mine, c)
			}
		}
		contacts = mine
	}
	if req.Format == exchange.FormatCSV {
		err = exchange.WriteCSV(w, contacts, req.CSV)
	} else {
		err = exchange.WriteVCard(w, contacts, cmp.Or(req.VCard, exchange.VCard3))
	}
	if err != nil {
		return 0, fmt.Errorf("export contacts: %w", err)
	}
	return len(contacts), nil
}
