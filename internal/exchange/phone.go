package exchange

import (
	"strings"

	"ernstfall/internal/handbook"
)

// Phone is one of a contact's numbers as typed and normalised.
type Phone struct {
	Kind handbook.PhoneKind
	Raw  string
	// E164 is empty when the number cannot be read; Err says why.
	E164 string
	Err  error
}

// Phones returns a contact's numbers (mobile, office, private; empty ones
// skipped) with their E.164 forms. The normalised form is computed, never
// stored, so it follows the number as typed and the default country.
func Phones(c handbook.Contact, country string) []Phone {
	var out []Phone
	for _, p := range []struct {
		kind handbook.PhoneKind
		raw  string
	}{{handbook.MobilePhone, c.PhoneMobile}, {handbook.OfficePhone, c.PhoneOffice}, {handbook.PrivatePhone, c.PhonePrivate}} {
		if strings.TrimSpace(p.raw) == "" {
			continue
		}
		e, err := handbook.E164(p.raw, country)
		out = append(out, Phone{Kind: p.kind, Raw: p.raw, E164: e, Err: err})
	}
	return out
}
