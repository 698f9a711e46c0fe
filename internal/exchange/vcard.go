package exchange

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ernstfall/internal/handbook"
)

// Properties Ernstfall writes for the fields vCard has no place for. Other
// address books keep or ignore them; Ernstfall reads them back.
const (
	xID       = "X-ERNSTFALL-ID"
	xTeam     = "X-ERNSTFALL-TEAM"
	xChannels = "X-ERNSTFALL-CHANNELS"
	xExternal = "X-ERNSTFALL-EXTERNAL"
	xKind     = "X-ERNSTFALL-KIND"
	xVerified = "X-ERNSTFALL-VERIFIED"
	xCreated  = "X-ERNSTFALL-CREATED"
	xUpdated  = "X-ERNSTFALL-UPDATED"
	// xCorrection is what must be corrected in the contact (an alarm test
	// found a number wrong).
	xCorrection = "X-ERNSTFALL-CORRECTION"
)

// vprop is one unfolded content line of a vCard.
type vprop struct {
	line   int
	group  string
	name   string // upper case
	params map[string][]string
	raw    []byte // the value as written, still encoded and escaped
}

func (p vprop) types() []string { return p.params["TYPE"] }

func (p vprop) hasType(ts ...string) bool {
	for _, t := range p.types() {
		if slices.Contains(ts, t) {
			return true
		}
	}
	return false
}

// ReadVCard reads every card of a vCard file (versions 2.1, 3.0 and 4.0).
// A card that cannot be read is reported as a Problem naming its line; the
// other cards are still returned. Only a file that is not text at all is an
// error.
func ReadVCard(file string, data []byte) (Parsed, error) {
	out := Parsed{File: file, Format: FormatVCard}
	if len(data) > MaxFileSize {
		return out, problemf(file, 0, ErrTooLarge, "is larger than %d MiB", MaxFileSize>>20)
	}
	if _, bomless := bomlessUTF16(data); bomless || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		// Windows address books save vCards as UTF-16.
		d, err := decodeLines(file, data)
		if err != nil {
			return out, err
		}
		data = []byte(d.text)
	}
	if looksBinary(data) {
		return out, problemf(file, 0, ErrBinary, "is a binary file, not a vCard")
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	props, probs := unfold(file, data)
	out.Problems = probs
	var card []vprop
	start := 0
	versions := map[string]bool{}
	for _, p := range props {
		switch {
		case p.name == "BEGIN" && strings.EqualFold(string(p.raw), "VCARD"):
			if card != nil {
				out.Problems = append(out.Problems, *problemf(file, start, nil, "card has no END:VCARD before the next BEGIN:VCARD; card skipped"))
			}
			card, start = []vprop{}, p.line
		case p.name == "END" && strings.EqualFold(string(p.raw), "VCARD"):
			if card == nil {
				out.Problems = append(out.Problems, *problemf(file, p.line, nil, "END:VCARD without BEGIN:VCARD"))
				continue
			}
			in, version, err := readCard(file, start, card)
			if err != nil {
				out.Problems = append(out.Problems, *err)
			} else {
				handbook.Clean(&in.Contact)
				out.Rows = append(out.Rows, in)
				versions[version] = true
			}
			card = nil
		case card == nil:
			out.Problems = append(out.Problems, *problemf(file, p.line, nil, "%s outside of BEGIN:VCARD … END:VCARD", p.name))
		default:
			card = append(card, p)
		}
	}
	if card != nil {
		out.Problems = append(out.Problems, *problemf(file, start, nil, "card has no END:VCARD; card skipped"))
	}
	if len(out.Rows) == 0 && len(out.Problems) == 0 {
		return out, problemf(file, 0, ErrFormat, "contains no vCard (BEGIN:VCARD)")
	}
	var vs []string
	for v := range versions {
		vs = append(vs, "vCard "+v)
	}
	slices.Sort(vs)
	out.Layout = strings.Join(vs, ", ")
	return out, nil
}

// unfold splits data into content lines: it joins folded lines (a line
// starting with a space or tab continues the previous one) and quoted-
// printable soft line breaks (a line ending in "=").
func unfold(file string, data []byte) ([]vprop, []Problem) {
	var props []vprop
	var probs []Problem
	lines := bytes.Split(data, []byte("\n"))
	var cur []byte
	curLine := 0
	flush := func() {
		if len(bytes.TrimSpace(cur)) == 0 {
			return
		}
		p, err := parseLine(cur)
		if err != "" {
			probs = append(probs, *problemf(file, curLine, nil, "%s; line skipped", err))
			return
		}
		p.line = curLine
		props = append(props, p)
	}
	qp, qpSoft := false, false
	for i, l := range lines {
		l = bytes.TrimSuffix(l, []byte("\r"))
		switch {
		case qpSoft:
			cur = append(cur[:len(cur)-1], l...)
		case len(l) > 0 && (l[0] == ' ' || l[0] == '\t') && cur != nil:
			cur = append(cur, l[1:]...)
		default:
			flush()
			cur, curLine = append([]byte(nil), l...), i+1
			qp = isQP(l)
		}
		qpSoft = qp && bytes.HasSuffix(cur, []byte("="))
	}
	flush()
	return props, probs
}

func isQP(line []byte) bool {
	colon := bytes.IndexByte(line, ':')
	return colon > 0 && bytes.Contains(bytes.ToUpper(line[:colon]), []byte("QUOTED-PRINTABLE"))
}

// parseLine splits "group.NAME;PARAM=a,b;BARE:value".
func parseLine(l []byte) (vprop, string) {
	colon, quoted := -1, false
	for i, c := range l {
		if c == '"' {
			quoted = !quoted
		}
		if c == ':' && !quoted {
			colon = i
			break
		}
	}
	if colon < 0 {
		return vprop{}, fmt.Sprintf("malformed line %q: no colon between property name and value", shorten(string(l), 40))
	}
	head, value := string(l[:colon]), l[colon+1:]
	parts := splitQuoted(head, ';')
	name := parts[0]
	p := vprop{params: map[string][]string{}, raw: value}
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		p.group, name = name[:dot], name[dot+1:]
	}
	if name == "" || strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	}) >= 0 {
		return vprop{}, fmt.Sprintf("malformed property name %q", shorten(name, 40))
	}
	p.name = strings.ToUpper(name)
	for _, param := range parts[1:] {
		k, v, ok := strings.Cut(param, "=")
		if !ok {
			k, v = "TYPE", param
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		for _, x := range splitQuoted(v, ',') {
			x = strings.Trim(strings.TrimSpace(x), `"`)
			if k == "TYPE" {
				x = strings.ToLower(x)
			}
			if k == "ENCODING" || k == "CHARSET" {
				x = strings.ToUpper(x)
			}
			p.params[k] = append(p.params[k], x)
		}
	}
	return p, ""
}

func splitQuoted(s string, sep byte) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			quoted = !quoted
		case s[i] == sep && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// text decodes a property value: transfer encoding, charset, then the
// backslash escapes of vCard 3.0/4.0. structured splits at unescaped ";".
func (p vprop) text() (string, error) {
	parts, err := p.structured()
	if err != nil {
		return "", err
	}
	return strings.Join(parts, ";"), nil
}

func (p vprop) structured() ([]string, error) {
	raw := p.raw
	for _, enc := range p.params["ENCODING"] {
		switch enc {
		case "QUOTED-PRINTABLE":
			dec, err := decodeQP(raw)
			if err != nil {
				return nil, fmt.Errorf("%s: broken quoted-printable text: %w", p.name, err)
			}
			raw = dec
		case "8BIT", "7BIT":
		default:
			return nil, fmt.Errorf("%s: %w ENCODING=%s", p.name, ErrEncoding, enc)
		}
	}
	charset := ""
	if cs := p.params["CHARSET"]; len(cs) > 0 {
		charset = cs[0]
	}
	s, err := decodeCharset(raw, charset)
	if err != nil {
		if charset == "" {
			return nil, fmt.Errorf("%s: text is not UTF-8 and names no CHARSET", p.name)
		}
		return nil, fmt.Errorf("%s: %w", p.name, err)
	}
	var parts []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
		case c == ';':
			parts = append(parts, b.String())
			b.Reset()
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f:
			// control characters mean nothing in a contact: dropped, as on export
		default:
			b.WriteByte(c)
		}
	}
	return append(parts, b.String()), nil
}

// decodeQP decodes quoted-printable text whose soft line breaks unfold
// already removed: "=XX" is a byte in hex, a final "=" is dropped.
func decodeQP(in []byte) ([]byte, error) {
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		if in[i] != '=' {
			out = append(out, in[i])
			continue
		}
		if i == len(in)-1 {
			break
		}
		if i+2 >= len(in) || !isHex(in[i+1]) || !isHex(in[i+2]) {
			return nil, fmt.Errorf("%q is not =XX with two hex digits", shorten(string(in[i:min(i+3, len(in))]), 3))
		}
		out = append(out, unhex(in[i+1])<<4|unhex(in[i+2]))
		i += 2
	}
	return out, nil
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f' }

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// skipped are properties with binary or calendar data the handbook has no
// place for; they are not decoded at all.
var skipped = map[string]bool{"PHOTO": true, "LOGO": true, "SOUND": true, "KEY": true, "PRODID": true,
	"REV": true, "X-ABUID": true, "CATEGORIES": true, "BDAY": true, "ANNIVERSARY": true, "GEO": true, "TZ": true}

// readCard turns the properties of one card into a contact.
func readCard(file string, start int, props []vprop) (Incoming, string, *Problem) {
	var b builder
	in := Incoming{Line: start}
	version := ""
	labels := map[string]string{}
	for _, p := range props {
		if p.name == "X-ABLABEL" && p.group != "" {
			s, _ := p.text()
			labels[p.group] = strings.ToLower(strings.Trim(s, "_$!<>"))
		}
	}
	var fn, adr string
	adrWork, kindOrg := false, false
	for _, p := range props {
		if skipped[p.name] || p.name == "X-ABLABEL" {
			continue
		}
		if p.name == "VERSION" {
			version = strings.TrimSpace(string(p.raw))
			continue
		}
		parts, err := p.structured()
		if err != nil {
			return in, "", problemf(file, p.line, errIfEncoding(err), "%v; card skipped", err)
		}
		value := strings.Join(parts, ";")
		switch p.name {
		case "FN":
			fn = strings.TrimSpace(value)
		case "N":
			n := append(parts, make([]string, 5)...)
			b.name = []string{n[3], n[1], n[2], n[0], n[4]}
		case "ORG":
			b.c.Organisation = strings.TrimSpace(parts[0])
			if len(parts) > 1 && b.c.Team == "" {
				b.c.Team = joinNonEmpty(", ", parts[1:]...)
			}
		case "TITLE":
			b.c.Function = strings.TrimSpace(value)
		case "ROLE":
			if b.c.Function == "" {
				b.c.Function = strings.TrimSpace(value)
			}
		case "NOTE":
			b.c.Notes = joinNonEmpty("\n", b.c.Notes, value)
		case "TEL":
			readTel(&b, p, labels[p.group], value)
		case "EMAIL":
			b.addEmail(value, p.hasType("pref") || len(p.params["PREF"]) > 0)
		case "IMPP":
			b.addChannel("", value)
		case "ADR":
			work := p.hasType("work")
			if adr == "" || (work && !adrWork) {
				a := append(parts, make([]string, 7)...)
				adr = joinNonEmpty(", ", a[0], a[1], a[2], joinNonEmpty(" ", a[5], a[3]), a[4], a[6])
				adrWork = work
			}
		case "KIND":
			if strings.EqualFold(strings.TrimSpace(value), "org") {
				kindOrg = true
			}
		case "X-ABSHOWAS":
			if strings.EqualFold(strings.TrimSpace(value), "company") {
				kindOrg = true
			}
		case "UID":
		case xID:
			in.Contact.ID, in.Complete = strings.TrimSpace(value), true
		case xTeam:
			b.c.Team = value
		case xChannels:
			b.c.Channels = value
		case xExternal:
			b.c.External = strings.EqualFold(strings.TrimSpace(value), "true")
		case xKind:
			b.c.Kind = value
		case xCorrection:
			b.c.Correction = value
		case xVerified, xCreated, xUpdated:
			t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(value))
			if err != nil {
				return in, "", problemf(file, p.line, nil, "%s: %q is not a time (want 2006-01-02T15:04:05Z); card skipped", p.name, value)
			}
			switch p.name {
			case xVerified:
				b.c.LastVerifiedAt = t
			case xCreated:
				in.Contact.CreatedAt = t
			default:
				in.Contact.UpdatedAt = t
			}
		}
	}
	switch version {
	case "2.1", "3.0", "4.0":
	case "":
		return in, "", problemf(file, start, nil, "card has no VERSION; card skipped")
	default:
		return in, "", problemf(file, start, nil, "unknown vCard version %q (known: 2.1, 3.0, 4.0); card skipped", version)
	}
	b.c.Name = fn
	b.c.Location = adr
	if kindOrg && b.c.Kind == "" {
		b.c.Kind = KindOrganisation
	}
	c := b.contact()
	c.Record = in.Contact.Record
	in.Contact = c
	// A card without a correction says nothing about one: Ernstfall
	// writes the property only when there is a correction.
	in.KeepCorrection = c.Correction == ""
	if strings.TrimSpace(c.Name) == "" {
		return in, "", problemf(file, start, nil, "card has neither FN, N nor ORG; card skipped")
	}
	return in, version, nil
}

// errIfEncoding returns ErrEncoding when err is one, so that the Problem
// can be checked with errors.Is.
func errIfEncoding(err error) error {
	if errors.Is(err, ErrEncoding) {
		return ErrEncoding
	}
	return nil
}

func readTel(b *builder, p vprop, label, value string) {
	value = strings.TrimPrefix(strings.TrimSpace(value), "tel:")
	switch {
	case p.hasType("fax") || strings.Contains(label, "fax"):
		b.addChannel(labelFax, value)
	case p.hasType("pager") || label == "pager":
		b.addChannel(labelPager, value)
	case p.hasType("cell", "mobile", "iphone") || label == "mobile" || label == "iphone":
		b.addPhone(handbook.MobilePhone, labelMobile, value)
	case p.hasType("work") || label == "work":
		b.addPhone(handbook.OfficePhone, labelOffice, value)
	case p.hasType("home") || label == "home":
		b.addPhone(handbook.PrivatePhone, labelPrivate, value)
	case label != "" && label != "other" && label != "main":
		b.addChannel(labelPhone+" ("+label+")", value)
	default:
		b.addPhone("", labelPhone, value)
	}
}

// VCardVersion selects what WriteVCard writes.
type VCardVersion string

// vCard versions WriteVCard writes.
const (
	VCard3 VCardVersion = "3.0"
	VCard4 VCardVersion = "4.0"
)

// WriteVCard writes contacts as one vCard file: CRLF line ends, lines
// folded at 75 octets, UTF-8. Fields vCard has no property for travel as
// X-ERNSTFALL-* properties, so ReadVCard gets every field back.
func WriteVCard(w io.Writer, contacts []handbook.Contact, version VCardVersion) error {
	if version != VCard3 && version != VCard4 {
		return fmt.Errorf("write vCard: unknown version %q", version)
	}
	v4 := version == VCard4
	var buf bytes.Buffer
	line := func(name, value string) { fold(&buf, name+":"+value) }
	for _, c := range contacts {
		line("BEGIN", "VCARD")
		line("VERSION", string(version))
		if v4 {
			line("UID", "urn:uuid:"+c.ID)
		} else {
			line("UID", c.ID)
		}
		if v4 && c.Kind == KindOrganisation {
			line("KIND", "org")
		}
		line("FN", escape(c.FullName()))
		family, given := splitName(c.Name)
		line("N", escape(family)+";"+escape(given)+";;"+escape(c.Honorific)+";")
		if c.Organisation != "" || c.Team != "" {
			line("ORG", escape(c.Organisation)+";"+escape(c.Team))
		}
		if c.Function != "" {
			line("TITLE", escape(c.Function))
		}
		tel := func(types3, types4, value string) {
			if value == "" {
				return
			}
			if v4 {
				line("TEL;VALUE=text;TYPE="+types4, escape(value))
			} else {
				line("TEL;TYPE="+types3, escape(value))
			}
		}
		tel("CELL,VOICE", "cell,voice", c.PhoneMobile)
		tel("WORK,VOICE", "work,voice", c.PhoneOffice)
		tel("HOME,VOICE", "home,voice", c.PhonePrivate)
		if c.Email != "" {
			if v4 {
				line("EMAIL", escape(c.Email))
			} else {
				line("EMAIL;TYPE=INTERNET", escape(c.Email))
			}
		}
		if c.Location != "" {
			line("ADR;TYPE=work", ";;"+escape(c.Location)+";;;;")
		}
		if c.Notes != "" {
			line("NOTE", escape(c.Notes))
		}
		if !c.UpdatedAt.IsZero() {
			layout := "2006-01-02T15:04:05Z"
			if v4 {
				layout = "20060102T150405Z"
			}
			line("REV", c.UpdatedAt.UTC().Format(layout))
		}
		line(xID, escape(c.ID))
		if c.Team != "" {
			line(xTeam, escape(c.Team))
		}
		if c.Channels != "" {
			line(xChannels, escape(c.Channels))
		}
		if c.External {
			line(xExternal, "true")
		}
		if c.Kind != "" {
			line(xKind, escape(c.Kind))
		}
		if c.Correction != "" {
			line(xCorrection, escape(c.Correction))
		}
		for _, t := range []struct {
			name string
			at   time.Time
		}{{xVerified, c.LastVerifiedAt}, {xCreated, c.CreatedAt}, {xUpdated, c.UpdatedAt}} {
			if !t.at.IsZero() {
				line(t.name, t.at.Format(time.RFC3339Nano))
			}
		}
		line("END", "VCARD")
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write vCard: %w", err)
	}
	return nil
}

// splitName guesses family and given name for the N property: the last
// word is the family name. FN keeps the name as written.
func splitName(name string) (family, given string) {
	f := strings.Fields(name)
	if len(f) == 0 {
		return "", ""
	}
	return f[len(f)-1], strings.Join(f[:len(f)-1], " ")
}

var escaper = strings.NewReplacer(`\`, `\\`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`, ",", `\,`, ";", `\;`)

// escape writes a value for a content line. Control characters (other than
// line breaks and tabs) mean nothing in a contact and would make other
// programs, and this one, take the file for binary: they are left out, as
// the reader leaves them out.
func escape(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return escaper.Replace(s)
}

// fold writes one content line, folded so that no line exceeds 75 octets
// and no UTF-8 sequence is split.
func fold(buf *bytes.Buffer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		buf.WriteString(s[:cut])
		buf.WriteString("\r\n ")
		s = s[cut:]
		limit = 74
	}
	buf.WriteString(s)
	buf.WriteString("\r\n")
}
