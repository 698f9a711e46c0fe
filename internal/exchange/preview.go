package exchange

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"ernstfall/internal/handbook"
)

// Action is what a preview row would do with its contact by default.
type Action string

// Actions of preview rows.
const (
	// ActionCreate: a new contact.
	ActionCreate Action = "create"
	// ActionUpdate: the row has the ID of an existing contact and differs from it.
	ActionUpdate Action = "update"
	// ActionUnchanged: the row equals the existing contact with its ID.
	ActionUnchanged Action = "unchanged"
	// ActionDuplicate: no ID match, but the same email address or the same
	// normalised phone number as an existing contact or an earlier row.
	ActionDuplicate Action = "duplicate"
	// ActionInvalid: the contact would not pass validation (e.g. no name).
	ActionInvalid Action = "invalid"
)

// Decision is what a person chose for a row.
type Decision string

// Decisions for a row.
const (
	DecideCreate Decision = "create"
	// DecideUpdate writes the row into the matched existing contact.
	DecideUpdate Decision = "update"
	DecideSkip   Decision = "skip"
)

// Row is one contact of an import preview.
type Row struct {
	// Line is where the contact starts in the file.
	Line     int
	Incoming handbook.Contact
	Complete bool
	Action   Action
	// Match is the existing contact the row updates or duplicates; nil for
	// a new contact and for a duplicate of an earlier row only.
	Match *handbook.Contact
	// MatchRow is the index of the earlier row this one duplicates, or -1.
	MatchRow int
	// Reason says why the row matched ("same ID", "same email …", "same phone …").
	Reason string
	// Result is the contact as it would be written on update or create.
	Result handbook.Contact
	// Changes lists the fields (JSON names) an update would change.
	Changes []string
	// Warnings are flagged, not fatal: phone numbers that cannot be read as
	// E.164 are imported as typed.
	Warnings []string
	// Invalid holds the validation error of an invalid row.
	Invalid string
	// Decision is the default choice; Allowed lists the choices that make
	// sense for this row.
	Decision Decision
	Allowed  []Decision
}

// Preview is what an import would do, computed without writing anything.
// The GUI shows its rows, lets a person change each Decision and then
// calls Apply; the command line prints it for --dry-run.
type Preview struct {
	File   string
	Format Format
	Layout string
	Rows   []Row
	// Problems are the parts of the file that could not be read at all.
	Problems []Problem
}

// Counts sums the rows by action.
func (p Preview) Counts() map[Action]int {
	n := map[Action]int{}
	for _, r := range p.Rows {
		n[r.Action]++
	}
	return n
}

// Decisions returns the current decision of every row, in row order.
func (p Preview) Decisions() []Decision {
	out := make([]Decision, len(p.Rows))
	for i, r := range p.Rows {
		out[i] = r.Decision
	}
	return out
}

// NewPreview compares the contacts read from a file with the existing ones.
// A row with the ID of an existing contact updates it (or is unchanged); a
// row without that shares an email address or a normalised phone number
// (country as in Settings.DefaultCountry) with an existing contact or an
// earlier row is a duplicate, skipped unless decided otherwise.
func NewPreview(existing []handbook.Contact, in Parsed, country string) Preview {
	p := Preview{File: in.File, Format: in.Format, Layout: in.Layout, Problems: in.Problems}
	byID := map[string]*handbook.Contact{}
	idx := newDupIndex(country)
	for i := range existing {
		c := &existing[i]
		if c.Deleted {
			continue
		}
		byID[c.ID] = c
		idx.add(*c, c, -1)
	}
	lineOfID := map[string]int{}
	for _, inc := range in.Rows {
		r := Row{Line: inc.Line, Incoming: inc.Contact, Complete: inc.Complete, MatchRow: -1}
		if id := inc.Contact.ID; id != "" {
			switch first, seen := lineOfID[id]; {
			case !isUUID(id):
				r.Invalid = fmt.Sprintf("id %q is not an Ernstfall id; empty the id to import the row as a new contact", id)
			case seen:
				r.Invalid = fmt.Sprintf("has the same id as line %d (%s)", first, id)
			default:
				lineOfID[id] = inc.Line
			}
			if r.Invalid != "" {
				r.Result = fresh(inc)
				r.Action, r.Decision, r.Allowed = ActionInvalid, DecideSkip, []Decision{DecideSkip}
				p.Rows = append(p.Rows, r)
				continue
			}
		}
		for _, ph := range Phones(inc.Contact, country) {
			if ph.Err != nil {
				r.Warnings = append(r.Warnings, fmt.Sprintf("%s %q is not a dialable number; kept as typed", ph.Kind, ph.Raw))
			}
		}
		if m, ok := byID[inc.Contact.ID]; ok && inc.Contact.ID != "" {
			r.Match, r.Reason = m, "same ID"
			r.Result = merge(*m, inc)
			r.Changes = changes(*m, r.Result)
			r.Action, r.Decision, r.Allowed = ActionUpdate, DecideUpdate, []Decision{DecideUpdate, DecideSkip}
			if len(r.Changes) == 0 {
				r.Action, r.Decision = ActionUnchanged, DecideSkip
			}
		} else if m, row, reason := idx.find(inc.Contact); reason != "" {
			r.Match, r.MatchRow, r.Reason = m, row, reason
			r.Action, r.Decision = ActionDuplicate, DecideSkip
			r.Result = fresh(inc)
			r.Allowed = []Decision{DecideSkip, DecideCreate}
			if m != nil {
				r.Allowed = append(r.Allowed, DecideUpdate)
			}
		} else {
			r.Result = fresh(inc)
			r.Action, r.Decision, r.Allowed = ActionCreate, DecideCreate, []Decision{DecideCreate, DecideSkip}
		}
		if err := r.Result.Validate(); err != nil {
			r.Invalid = err.Error()
			r.Action, r.Decision, r.Allowed = ActionInvalid, DecideSkip, []Decision{DecideSkip}
		}
		idx.add(inc.Contact, nil, len(p.Rows))
		p.Rows = append(p.Rows, r)
	}
	return p
}

// fresh is the contact a create would write; it keeps an ID from the file
// (a spreadsheet round trip into another handbook) or leaves it to Resolve.
func fresh(in Incoming) handbook.Contact {
	c := in.Contact
	c.Deleted = false
	return c
}

// merge is the existing contact updated by a row. A complete row (a file
// written by Ernstfall) replaces every field; a row from another address
// book only fills in the fields it has.
func merge(old handbook.Contact, in Incoming) handbook.Contact {
	if in.Complete {
		c := in.Contact
		c.Record = old.Record
		if in.KeepCorrection {
			c.Correction = old.Correction
		}
		return c
	}
	c := old
	n := in.Contact
	for _, f := range []struct{ dst, src *string }{
		{&c.Name, &n.Name}, {&c.Honorific, &n.Honorific}, {&c.Organisation, &n.Organisation}, {&c.Team, &n.Team}, {&c.Function, &n.Function},
		{&c.PhoneMobile, &n.PhoneMobile}, {&c.PhoneOffice, &n.PhoneOffice}, {&c.PhonePrivate, &n.PhonePrivate},
		{&c.Email, &n.Email}, {&c.Location, &n.Location}, {&c.Notes, &n.Notes}, {&c.Kind, &n.Kind},
	} {
		if strings.TrimSpace(*f.src) != "" {
			*f.dst = *f.src
		}
	}
	// Lines are matched whole: "Funk: Kanal 3" is not in "Funk: Kanal 33".
	have := map[string]bool{}
	for _, line := range strings.Split(c.Channels, "\n") {
		have[strings.TrimSpace(line)] = true
	}
	var add []string
	for _, line := range strings.Split(n.Channels, "\n") {
		if line = strings.TrimSpace(line); line != "" && !have[line] {
			have[line] = true
			add = append(add, line)
		}
	}
	if len(add) > 0 {
		c.Channels = joinNonEmpty("\n", c.Channels, strings.Join(add, "\n"))
	}
	if n.External {
		c.External = true
	}
	if n.LastVerifiedAt.After(c.LastVerifiedAt) {
		c.LastVerifiedAt = n.LastVerifiedAt
	}
	return c
}

// changes lists the contact fields that differ, by JSON name.
func changes(a, b handbook.Contact) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("name", a.Name != b.Name)
	add("honorific", a.Honorific != b.Honorific)
	add("organisation", a.Organisation != b.Organisation)
	add("team", a.Team != b.Team)
	add("function", a.Function != b.Function)
	add("phone_mobile", a.PhoneMobile != b.PhoneMobile)
	add("phone_office", a.PhoneOffice != b.PhoneOffice)
	add("phone_private", a.PhonePrivate != b.PhonePrivate)
	add("email", a.Email != b.Email)
	add("channels", a.Channels != b.Channels)
	add("location", a.Location != b.Location)
	add("notes", a.Notes != b.Notes)
	add("external", a.External != b.External)
	add("kind", a.Kind != b.Kind)
	add("last_verified_at", !a.LastVerifiedAt.Equal(b.LastVerifiedAt))
	add("correction", a.Correction != b.Correction)
	return out
}

// dupIndex finds contacts by lower-case email and by E.164 phone number.
type dupIndex struct {
	country string
	email   map[string]dupRef
	phone   map[string]dupRef
}

type dupRef struct {
	c   *handbook.Contact
	row int
}

func newDupIndex(country string) *dupIndex {
	return &dupIndex{country: country, email: map[string]dupRef{}, phone: map[string]dupRef{}}
}

func (d *dupIndex) add(c handbook.Contact, existing *handbook.Contact, row int) {
	ref := dupRef{existing, row}
	if e := strings.ToLower(strings.TrimSpace(c.Email)); e != "" {
		if _, ok := d.email[e]; !ok {
			d.email[e] = ref
		}
	}
	for _, ph := range Phones(c, d.country) {
		if ph.E164 != "" {
			if _, ok := d.phone[ph.E164]; !ok {
				d.phone[ph.E164] = ref
			}
		}
	}
}

func (d *dupIndex) find(c handbook.Contact) (*handbook.Contact, int, string) {
	if e := strings.ToLower(strings.TrimSpace(c.Email)); e != "" {
		if ref, ok := d.email[e]; ok {
			return ref.c, ref.row, "same email " + c.Email
		}
	}
	for _, ph := range Phones(c, d.country) {
		if ref, ok := d.phone[ph.E164]; ok && ph.E164 != "" {
			return ref.c, ref.row, "same phone " + ph.E164
		}
	}
	return nil, -1, ""
}

// ErrProblems: the file has unreadable parts and the import was not told
// to go ahead without them.
var ErrProblems = errors.New("the file has problems")

// Choice is what a person decided in the preview.
type Choice struct {
	// Decisions has one entry per row; nil keeps every row's default.
	Decisions []Decision
	// SkipProblems imports the readable rows although parts of the file
	// could not be read. Without it such a file imports nothing.
	SkipProblems bool
}

// Resolve returns the contacts the choice writes: new ones with fresh IDs
// and times, updated ones with UpdatedAt set to now. It writes nothing.
func (p Preview) Resolve(choice Choice, now time.Time) ([]handbook.Contact, error) {
	if len(p.Problems) > 0 && !choice.SkipProblems {
		return nil, fmt.Errorf("%w: %d parts cannot be read (first: %v); nothing was imported", ErrProblems, len(p.Problems), p.Problems[0])
	}
	dec := choice.Decisions
	if dec == nil {
		dec = p.Decisions()
	}
	if len(dec) != len(p.Rows) {
		return nil, fmt.Errorf("import %s: %d decisions for %d rows", p.File, len(dec), len(p.Rows))
	}
	now = now.UTC()
	var out []handbook.Contact
	for i, r := range p.Rows {
		d := dec[i]
		allowed := false
		for _, a := range r.Allowed {
			allowed = allowed || a == d
		}
		if !allowed {
			return nil, fmt.Errorf("import %s line %d: %q is not possible for a %s row", p.File, r.Line, d, r.Action)
		}
		switch d {
		case DecideSkip:
			continue
		case DecideUpdate:
			c := r.Result
			if r.Action == ActionDuplicate {
				c = merge(*r.Match, Incoming{Contact: r.Incoming})
			}
			c.UpdatedAt = now
			out = append(out, c)
		case DecideCreate:
			c := r.Result
			if c.ID == "" || r.Action == ActionDuplicate {
				c.ID = handbook.NewID()
			}
			c.CreatedAt, c.UpdatedAt = now, now
			out = append(out, c)
		}
	}
	return out, nil
}

// Importer writes a handbook in one transaction; *store.Store implements it.
type Importer interface {
	Import(ctx context.Context, hb handbook.Handbook) (int, error)
}

// Apply writes the contacts the choice selects in one transaction: all or
// nothing. It returns how many records changed.
func (p Preview) Apply(ctx context.Context, imp Importer, choice Choice, now time.Time) (int, error) {
	cs, err := p.Resolve(choice, now)
	if err != nil {
		return 0, err
	}
	if len(cs) == 0 {
		return 0, nil
	}
	n, err := imp.Import(ctx, handbook.Handbook{Contacts: cs})
	if err != nil {
		return 0, fmt.Errorf("import %s: %w; nothing was imported", p.File, err)
	}
	return n, nil
}
