package ops

import (
	"context"
	"errors"
	"fmt"

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
