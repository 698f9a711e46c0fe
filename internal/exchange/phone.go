package exchange

import (
	"errors"
	"fmt"
	"strings"

	"ernstfall/internal/handbook"
)

// DefaultCountry is the country whose national numbers are read when the
// handbook settings name none.
const DefaultCountry = "DE"

// callingCodes maps ISO country codes to their international calling codes,
// for the countries whose crisis teams and providers the handbook is likely
// to list.
var callingCodes = map[string]string{
	"DE": "49", "AT": "43", "CH": "41", "LI": "423", "LU": "352", "NL": "31", "BE": "32",
	"FR": "33", "IT": "39", "ES": "34", "PT": "351", "IE": "353", "GB": "44", "DK": "45",
	"SE": "46", "NO": "47", "FI": "358", "PL": "48", "CZ": "420", "SK": "421", "HU": "36",
	"SI": "386", "HR": "385", "US": "1", "CA": "1",
}

// trunkZero lists calling codes whose national numbers start with a 0 that
// is dropped after the country code.
var trunkZero = map[string]bool{
	"49": true, "43": true, "41": true, "31": true, "32": true, "33": true, "44": true,
	"46": true, "358": true, "353": true, "386": true, "385": true,
}

// ErrPhone marks a phone number that cannot be read as a dialable number.
var ErrPhone = errors.New("not a valid phone number")

// E164 normalises a phone number as typed ("030 23125-100", "+49 (0)30
// 23125 100", "0049 30 23125100") to E.164 ("+493023125100"). National
// numbers are read for country (an ISO code such as "DE"; empty means
// DefaultCountry). A number that cannot be read is reported with ErrPhone.
func E164(raw, country string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fmt.Errorf("%w: empty", ErrPhone)
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "tel:"), "TEL:")
	s = strings.Replace(s, "(0)", "", 1)
	var digits strings.Builder
	plus := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case strings.ContainsRune(" -/().\u00a0\u2011\u2013", r):
		default:
			return "", fmt.Errorf("%w: %q contains %q", ErrPhone, raw, r)
		}
	}
	d := digits.String()
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case strings.HasPrefix(d, "0"):
		cc, err := callingCode(country)
		if err != nil {
			return "", err
		}
		d = cc + d[1:]
	default:
		cc, err := callingCode(country)
		if err != nil {
			return "", err
		}
		if cc != "1" || len(d) != 10 {
			return "", fmt.Errorf("%w: %q has neither a country code (+…) nor an area code (0…)", ErrPhone, raw)
		}
		d = cc + d
	}
	for cc := range trunkZero {
		if trunkZero[cc] && strings.HasPrefix(d, cc+"0") {
			d = cc + d[len(cc)+1:]
			break
		}
	}
	if d == "" || d[0] == '0' {
		return "", fmt.Errorf("%w: %q has no valid country code", ErrPhone, raw)
	}
	if len(d) < 7 || len(d) > 15 {
		return "", fmt.Errorf("%w: %q has %d digits with the country code (E.164 allows 7 to 15)", ErrPhone, raw, len(d))
	}
	return "+" + d, nil
}

func callingCode(country string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(country))
	if c == "" {
		c = DefaultCountry
	}
	cc, ok := callingCodes[c]
	if !ok {
		return "", fmt.Errorf("%w: unknown default country %q", ErrPhone, country)
	}
	return cc, nil
}

// PhoneKind says which of a contact's numbers a Phone is.
type PhoneKind string

// Kinds of phone numbers, named like the contact fields.
const (
	PhoneMobile  PhoneKind = "phone_mobile"
	PhoneOffice  PhoneKind = "phone_office"
	PhonePrivate PhoneKind = "phone_private"
)

// Phone is one of a contact's numbers as typed and normalised.
type Phone struct {
	Kind PhoneKind
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
		kind PhoneKind
		raw  string
	}{{PhoneMobile, c.PhoneMobile}, {PhoneOffice, c.PhoneOffice}, {PhonePrivate, c.PhonePrivate}} {
		if strings.TrimSpace(p.raw) == "" {
			continue
		}
		e, err := E164(p.raw, country)
		out = append(out, Phone{Kind: p.kind, Raw: p.raw, E164: e, Err: err})
	}
	return out
}
