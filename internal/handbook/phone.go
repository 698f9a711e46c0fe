package handbook

import (
	"errors"
	"regexp"
	"strings"
)

// DefaultCountry is the country whose national numbers are read when the
// handbook settings name none.
const DefaultCountry = "DE"

// ErrPhone marks a phone number that cannot be read; errors.As finds the
// *PhoneError that says why.
var ErrPhone = errors.New("not a valid phone number")

// Why a phone number cannot be read: fixed English sentences, which are
// also the keys of the translation catalogs.
const (
	// PhoneBadCharacters: a letter or a sign that no phone number has.
	PhoneBadCharacters = "may contain only digits, spaces, + ( ) - / and an extension such as “ext. 12”"
	// PhonePlusInside: a + that does not start the number.
	PhonePlusInside = "has a + that is not at the start"
	// PhoneFewDigits: fewer digits than the shortest emergency number.
	PhoneFewDigits = "has too few digits"
	// PhoneManyDigits: more digits than any number can have.
	PhoneManyDigits = "has too many digits (at most 15 with the country code)"
	// PhoneNoArea: a local number, which cannot be dialled from elsewhere.
	PhoneNoArea = "has neither a country code (+49 …) nor an area code (0…)"
	// PhoneNoCountry: the country code is missing or starts with 0.
	PhoneNoCountry = "has no valid country code"
	// PhoneLength: not 7 to 15 digits with the country code.
	PhoneLength = "is too short or too long for an international number (7 to 15 digits with the country code)"
	// PhoneUnknownCountry: the handbook's default country is not known.
	PhoneUnknownCountry = "cannot be read: the handbook's default country is unknown"
)

// PhoneError says why a phone number cannot be read.
type PhoneError struct {
	// Raw is the number as typed.
	Raw string
	// Problem is one of the Phone… sentences above.
	Problem string
}

func (e *PhoneError) Error() string { return "phone number " + quote(e.Raw) + " " + e.Problem }

// Is makes errors.Is(err, ErrPhone) hold.
func (e *PhoneError) Is(target error) bool { return target == ErrPhone }

func quote(s string) string { return "“" + s + "”" }

// extension matches an extension at the end of a number: "ext. 12",
// "x12", "Durchwahl 12", "DW 12", "App. 12", ";ext=12".
var extension = regexp.MustCompile(`(?i)^(.*?)[\s,]*(?:;ext=|ext\.?|x|durchwahl|dw\.?|apparat|app\.?)\s*(\d{1,6})\s*$`)

// phoneSeparators may stand between the digits of a number.
const phoneSeparators = " -/().\u00a0\u2011\u2013"

// splitPhone separates a number as typed into its digits (with a leading
// "+" kept) and an extension. It checks only what a number may contain,
// not whether it can be dialled from abroad.
func splitPhone(raw string) (digits, ext string, plus bool, err error) {
	s := strings.TrimSpace(raw)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "tel:"), "TEL:")
	if m := extension.FindStringSubmatch(s); m != nil {
		s, ext = m[1], m[2]
	}
	s = strings.Replace(s, "(0)", "", 1)
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case r == '+':
			return "", "", false, &PhoneError{raw, PhonePlusInside}
		case strings.ContainsRune(phoneSeparators, r):
		default:
			return "", "", false, &PhoneError{raw, PhoneBadCharacters}
		}
	}
	digits = b.String()
	switch {
	case len(digits) < 3:
		return "", "", false, &PhoneError{raw, PhoneFewDigits}
	case len(digits) > 17: // 15 and the international prefix 00
		return "", "", false, &PhoneError{raw, PhoneManyDigits}
	}
	return digits, ext, plus, nil
}

// CheckPhone reports whether a phone number as typed can be a number:
// digits, spaces, + ( ) - / and an extension, at least three digits (110
// and 112 are numbers too). Empty is fine: every number is optional.
func CheckPhone(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	_, _, _, err := splitPhone(raw)
	return err
}

// CheckPhones checks the phone numbers of a contact that a person typed:
// those that differ from before, or all of them for a new contact
// (before nil). A number kept as it was is not checked again, so an old
// entry such as "Zentrale fragen", imported and flagged at the time,
// does not stand in the way of other changes. It returns a
// ValidationError naming each field and its problem, or nil.
func CheckPhones(c Contact, before *Contact) error {
	fields := [...]string{"phone_mobile", "phone_office", "phone_private"}
	now := [...]string{c.PhoneMobile, c.PhoneOffice, c.PhonePrivate}
	var was [len(fields)]string
	if before != nil {
		was = [...]string{before.PhoneMobile, before.PhoneOffice, before.PhonePrivate}
	}
	var p problems
	for i, field := range fields {
		if before != nil && was[i] == now[i] {
			continue
		}
		var pe *PhoneError
		if errors.As(CheckPhone(now[i]), &pe) {
			p.add(field, "%s", pe.Problem)
		}
	}
	return p.err()
}

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

// E164 normalises a phone number as typed ("030 23125-100", "+49 (0)30
// 23125 100", "0049 30 23125100") to E.164 ("+493023125100"); an
// extension follows as ";ext=12" (RFC 3966), so two extensions of one
// switchboard stay two numbers. National numbers are read for country (an
// ISO code such as "DE"; empty means DefaultCountry). A number that cannot
// be read is reported as a *PhoneError (errors.Is ErrPhone).
func E164(raw, country string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", &PhoneError{raw, PhoneFewDigits}
	}
	d, ext, plus, err := splitPhone(raw)
	if err != nil {
		return "", err
	}
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case strings.HasPrefix(d, "0"):
		cc, ok := callingCode(country)
		if !ok {
			return "", &PhoneError{raw, PhoneUnknownCountry}
		}
		d = cc + d[1:]
	default:
		cc, ok := callingCode(country)
		if !ok {
			return "", &PhoneError{raw, PhoneUnknownCountry}
		}
		if cc != "1" || len(d) != 10 {
			return "", &PhoneError{raw, PhoneNoArea}
		}
		d = cc + d
	}
	for cc := range trunkZero {
		if strings.HasPrefix(d, cc+"0") {
			d = cc + d[len(cc)+1:]
			break
		}
	}
	if d == "" || d[0] == '0' {
		return "", &PhoneError{raw, PhoneNoCountry}
	}
	if len(d) < 7 || len(d) > 15 {
		return "", &PhoneError{raw, PhoneLength}
	}
	if ext != "" {
		return "+" + d + ";ext=" + ext, nil
	}
	return "+" + d, nil
}

func callingCode(country string) (string, bool) {
	c := strings.ToUpper(strings.TrimSpace(country))
	if c == "" {
		c = DefaultCountry
	}
	cc, ok := callingCodes[c]
	return cc, ok
}
