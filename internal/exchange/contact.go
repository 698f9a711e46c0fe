package exchange

import (
	"strings"

	"ernstfall/internal/handbook"
)

// Parsed is what a reader found in one file: the contacts it could read,
// each with its line, and the problems with the rest.
type Parsed struct {
	File   string
	Format Format
	// Layout names the column layout of a CSV file ("ernstfall",
	// "outlook-de", "outlook-en", "google") or the vCard versions seen.
	Layout string
	// Encoding is the text encoding the file was read in (CSV).
	Encoding string
	Rows     []Incoming
	Problems []Problem
}

// Contacts returns the contacts read, in file order.
func (p Parsed) Contacts() []handbook.Contact {
	out := make([]handbook.Contact, len(p.Rows))
	for i, r := range p.Rows {
		out[i] = r.Contact
	}
	return out
}

// Incoming is one contact read from a file.
type Incoming struct {
	// Line is where the contact starts in the file.
	Line    int
	Contact handbook.Contact
	// Complete marks a contact from a file written by Ernstfall: every field
	// is present, so an update replaces the whole contact. Contacts from
	// other address books only fill in the fields they have.
	Complete bool
	// KeepCorrection keeps the correction an existing contact is flagged
	// with: the file (a CSV file of an older Ernstfall) has no place for it.
	KeepCorrection bool
}

// Channel labels for numbers and addresses that have no field of their own.
const (
	labelPhone   = "Telefon"
	labelMobile  = "Telefon (mobil)"
	labelOffice  = "Telefon (geschäftlich)"
	labelPrivate = "Telefon (privat)"
	labelFax     = "Fax"
	labelPager   = "Pager"
	labelEmail   = "E-Mail"
)

// builder collects the pieces an address book spreads over many properties
// or columns into one contact. Every phone number and email address lands
// somewhere: in its field, or as a line of Channels when the field is taken.
type builder struct {
	c        handbook.Contact
	phones   []pendingPhone
	emails   []string
	channels []string
	name     []string // prefix, given, middle, family, suffix
}

type pendingPhone struct {
	kind  handbook.PhoneKind // "" when the address book did not say
	label string             // used when the number ends up in Channels
	value string
}

func (b *builder) addPhone(kind handbook.PhoneKind, label, value string) {
	if value = strings.TrimSpace(value); value != "" {
		b.phones = append(b.phones, pendingPhone{kind, label, value})
	}
}

func (b *builder) addEmail(value string, preferred bool) {
	value = strings.TrimSpace(strings.TrimPrefix(value, "mailto:"))
	if value == "" {
		return
	}
	if preferred {
		b.emails = append([]string{value}, b.emails...)
		return
	}
	b.emails = append(b.emails, value)
}

func (b *builder) addChannel(label, value string) {
	if value = strings.TrimSpace(value); value != "" {
		if label != "" {
			value = label + ": " + value
		}
		b.channels = append(b.channels, value)
	}
}

// contact finishes the contact: typed numbers fill their fields first, then
// numbers of unknown kind fill the free ones (office, mobile, private),
// and the rest go to Channels.
func (b *builder) contact() handbook.Contact {
	c := b.c
	slot := func(k handbook.PhoneKind) *string {
		switch k {
		case handbook.MobilePhone:
			return &c.PhoneMobile
		case handbook.OfficePhone:
			return &c.PhoneOffice
		case handbook.PrivatePhone:
			return &c.PhonePrivate
		}
		return nil
	}
	var rest []pendingPhone
	for _, p := range b.phones {
		if s := slot(p.kind); s != nil && *s == "" {
			*s = p.value
			continue
		}
		rest = append(rest, p)
	}
	var extra []string
	for _, p := range rest {
		placed := false
		if p.kind == "" {
			for _, k := range []handbook.PhoneKind{handbook.OfficePhone, handbook.MobilePhone, handbook.PrivatePhone} {
				if s := slot(k); *s == "" {
					*s, placed = p.value, true
					break
				}
			}
		}
		if !placed {
			extra = append(extra, p.label+": "+p.value)
		}
	}
	if len(b.emails) > 0 {
		if c.Email == "" {
			c.Email = b.emails[0]
		} else if c.Email != b.emails[0] {
			extra = append(extra, labelEmail+": "+b.emails[0])
		}
		for _, e := range b.emails[1:] {
			extra = append(extra, labelEmail+": "+e)
		}
	}
	lines := append(b.channels, extra...)
	if c.Channels != "" {
		lines = append([]string{c.Channels}, lines...)
	}
	c.Channels = strings.Join(lines, "\n")
	if len(b.name) == 5 {
		prefix := strings.TrimSpace(b.name[0])
		title := honorific(prefix)
		if c.Honorific == "" {
			c.Honorific = title
		}
		if strings.TrimSpace(c.Name) == "" {
			c.Name = joinNonEmpty(" ", b.name[1], b.name[2], b.name[3], b.name[4])
		} else {
			// A full name written with its prefix ("Dr. Ayşe Özdemir"):
			// the title moves to the honorific.
			for _, p := range []string{prefix, title} {
				if rest, ok := strings.CutPrefix(strings.TrimSpace(c.Name), p+" "); ok && p != "" {
					c.Name = strings.TrimSpace(rest)
					break
				}
			}
		}
	}
	if strings.TrimSpace(c.Name) == "" {
		c.Name = c.Organisation
	}
	return c
}

// honorific is the title in a name prefix: the prefix without the
// salutations ("Herr Dr." → "Dr.").
func honorific(prefix string) string {
	var keep []string
	for _, w := range strings.Fields(prefix) {
		if !salutations[strings.ToLower(strings.TrimSuffix(w, "."))] {
			keep = append(keep, w)
		}
	}
	return strings.Join(keep, " ")
}

// salutations are name prefixes that are not part of how a name is
// written in a contact list (titles such as "Dr." are).
var salutations = map[string]bool{"herr": true, "frau": true, "mr": true, "mrs": true, "ms": true, "miss": true, "mx": true}

// KindOrganisation is the kind of a contact that is an organisation
// rather than a person (vCard 4 KIND:org, Apple's company cards).
const KindOrganisation = "organisation"

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}
