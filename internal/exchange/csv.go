package exchange

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"ernstfall/internal/handbook"
)

// CSV layouts ReadCSV recognises from the header.
const (
	LayoutErnstfall = "ernstfall"
	LayoutOutlookDE = "outlook-de"
	LayoutOutlookEN = "outlook-en"
	LayoutGoogle    = "google"
)

// Columns is the header of Ernstfall's own CSV layout: the JSON names of the
// contact fields, so a spreadsheet edit maps back onto the same contacts.
var Columns = []string{"id", "name", "organisation", "team", "function", "phone_mobile", "phone_office",
	"phone_private", "email", "channels", "location", "notes", "external", "kind", "last_verified_at", "honorific", "correction"}

// optionalColumns are columns of the own layout added later: a file
// without them (written by an older Ernstfall) still holds whole contacts.
var optionalColumns = map[string]bool{"honorific": true, "correction": true}

// TimeColumns are the record times WriteCSV adds with CSVOptions.Times.
var TimeColumns = []string{"created_at", "updated_at"}

// CSVOptions tune WriteCSV.
type CSVOptions struct {
	// Comma is the separator; ',' when zero. Spreadsheets in German locales
	// open ';' files directly.
	Comma rune
	// BOM starts the file with a UTF-8 byte order mark, so that spreadsheet
	// programs detect the encoding; leave it off for pipes.
	BOM bool
	// Times adds the created_at and updated_at columns, for a lossless copy.
	Times bool
}

// WriteCSV writes contacts in Ernstfall's own layout (see Columns): UTF-8,
// CRLF line ends, fields with separators or line breaks quoted, and cells
// that a spreadsheet would run as a formula neutralised with a leading
// apostrophe, which ReadCSV takes off again.
func WriteCSV(w io.Writer, contacts []handbook.Contact, opt CSVOptions) error {
	header := Columns
	if opt.Times {
		header = slices.Concat(Columns, TimeColumns)
	}
	rows := make([][]string, len(contacts))
	for i, c := range contacts {
		rows[i] = contactRow(c)[:len(header)]
	}
	return WriteTable(w, header, rows, opt)
}

// WriteTable writes a table of text as CSV the way WriteCSV writes
// contacts: UTF-8 (with a byte order mark when opt.BOM), CRLF line ends,
// and every cell a spreadsheet would run as a formula neutralised.
func WriteTable(w io.Writer, header []string, rows [][]string, opt CSVOptions) error {
	if opt.BOM {
		if _, err := w.Write(utf8BOM); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw := csv.NewWriter(w)
	if opt.Comma != 0 {
		cw.Comma = opt.Comma
	}
	cw.UseCRLF = true
	for _, row := range append([][]string{header}, rows...) {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = neutralise(v)
		}
		if err := cw.Write(cells); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula (OWASP, "CSV Injection").
const formulaStart = "=+-@\t\r"

// neutralise keeps a spreadsheet from running a cell as a formula: a
// value that starts like one, after any apostrophes, gets one apostrophe
// more in front. unneutralise takes it off again, so that a value that
// itself starts with apostrophes survives the round trip.
func neutralise(v string) string {
	if rest := strings.TrimLeft(v, "'"); rest != "" && strings.ContainsRune(formulaStart, rune(rest[0])) {
		return "'" + v
	}
	return v
}

func unneutralise(v string) string {
	if !strings.HasPrefix(v, "'") {
		return v
	}
	if rest := strings.TrimLeft(v, "'"); rest != "" && strings.ContainsRune(formulaStart, rune(rest[0])) {
		return v[1:]
	}
	return v
}

func contactRow(c handbook.Contact) []string {
	ext := "false"
	if c.External {
		ext = "true"
	}
	t := func(at time.Time) string {
		if at.IsZero() {
			return ""
		}
		return at.Format(time.RFC3339Nano)
	}
	return []string{c.ID, c.Name, c.Organisation, c.Team, c.Function, c.PhoneMobile, c.PhoneOffice,
		c.PhonePrivate, c.Email, c.Channels, c.Location, c.Notes, ext, c.Kind, t(c.LastVerifiedAt),
		c.Honorific, c.Correction, t(c.CreatedAt), t(c.UpdatedAt)}
}

// ReadCSV reads a contacts CSV file: Ernstfall's own layout, or an address
// book export of Outlook (German or English) or Google Contacts, told apart
// by the header. The separator (',', ';' or tab) is taken from the header;
// UTF-8 with or without BOM, UTF-16 with BOM and Windows-1252 are read.
// Rows with a wrong number of fields or unreadable values are Problems
// naming their line; a file that cannot be read as CSV at all is an error.
func ReadCSV(file string, data []byte) (Parsed, error) {
	out := Parsed{File: file, Format: FormatCSV}
	if len(data) > MaxFileSize {
		return out, problemf(file, 0, ErrTooLarge, "is larger than %d MiB", MaxFileSize>>20)
	}
	d, err := decodeLines(file, data)
	if err != nil {
		return out, err
	}
	out.Encoding = d.encoding
	text := d.text
	if strings.TrimSpace(text) == "" {
		return out, problemf(file, 0, ErrFormat, "is empty")
	}
	if msg, ok := d.bad[1]; ok {
		return out, problemf(file, 1, ErrEncoding, "the header: %s; nothing was read — save the file as UTF-8", msg)
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = separator(text)
	header, err := r.Read()
	if err != nil {
		return out, csvProblem(file, err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	layout, err := detectLayout(file, header)
	if err != nil {
		return out, err
	}
	out.Layout = layout.name
	r.FieldsPerRecord = len(header)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				out.Problems = append(out.Problems, *problemf(file, pe.StartLine, nil,
					"row has %d fields, the header has %d; row skipped", len(rec), len(header)))
				continue
			}
			return out, csvProblem(file, err)
		}
		if emptyRow(rec) {
			continue
		}
		line, _ := r.FieldPos(0)
		last, _ := r.FieldPos(len(rec) - 1)
		if n, msg := badLine(d.bad, line, last+strings.Count(rec[len(rec)-1], "\n")); n > 0 {
			out.Problems = append(out.Problems, *problemf(file, n, ErrEncoding, "%s; row skipped", msg))
			continue
		}
		for i := range rec {
			rec[i] = unneutralise(rec[i])
		}
		in, msg := layout.read(header, rec)
		if msg != "" {
			out.Problems = append(out.Problems, *problemf(file, line, nil, "%s; row skipped", msg))
			continue
		}
		in.Line = line
		handbook.Clean(&in.Contact)
		out.Rows = append(out.Rows, in)
	}
	return out, nil
}

// badLine returns the first undecodable line from first to last, or 0.
func badLine(bad map[int]string, first, last int) (int, string) {
	for n := first; n <= last && len(bad) > 0; n++ {
		if msg, ok := bad[n]; ok {
			return n, msg
		}
	}
	return 0, ""
}

func csvProblem(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return problemf(file, pe.Line, ErrFormat, "column %d: %v; nothing was read", pe.Column, pe.Err)
	}
	return problemf(file, 0, ErrFormat, "%v", err)
}

func emptyRow(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// separator picks ',', ';' or tab: whichever the header line (outside
// quotes) has most of.
func separator(text string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range text {
		if r == '"' {
			quoted = !quoted
		}
		if !quoted && (r == '\n' || r == '\r') {
			break
		}
		if !quoted {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

type layout struct {
	name string
	read func(header, rec []string) (Incoming, string)
}

var googlePair = regexp.MustCompile(`^(phone|e-mail|address) (\d+) - (value|formatted)$`)

func detectLayout(file string, header []string) (layout, error) {
	lower := make([]string, len(header))
	for i, h := range header {
		lower[i] = strings.ToLower(h)
	}
	has := func(names ...string) bool {
		for _, n := range names {
			if slices.Contains(lower, n) {
				return true
			}
		}
		return false
	}
	switch {
	case has("id") && has("name"):
		known := slices.Concat(Columns, TimeColumns)
		for i, h := range lower {
			if !slices.Contains(known, h) {
				return layout{}, problemf(file, 1, ErrFormat, "unknown column %q in an Ernstfall contacts CSV (known: %s)", header[i], strings.Join(known, ", "))
			}
			if slices.Index(lower, h) != i {
				return layout{}, problemf(file, 1, ErrFormat, "column %q appears twice", header[i])
			}
		}
		return layout{LayoutErnstfall, readOwn}, nil
	case slices.ContainsFunc(lower, googlePair.MatchString):
		return layout{LayoutGoogle, readGoogle}, nil
	case has("vorname", "nachname", "e-mail-adresse", "mobiltelefon"):
		return layout{LayoutOutlookDE, readOutlook}, nil
	case has("first name", "last name", "e-mail address", "mobile phone"):
		return layout{LayoutOutlookEN, readOutlook}, nil
	}
	return layout{}, problemf(file, 1, ErrFormat, "unknown column layout: the header is neither Ernstfall's (id, name, …) nor an Outlook or Google Contacts export")
}

func readOwn(header, rec []string) (Incoming, string) {
	in := Incoming{KeepCorrection: true}
	c := &in.Contact
	present := 0
	for i, h := range header {
		v := rec[i]
		if slices.Contains(Columns, strings.ToLower(h)) && !optionalColumns[strings.ToLower(h)] {
			present++
		}
		var err error
		switch strings.ToLower(h) {
		case "id":
			c.ID = strings.TrimSpace(v)
		case "name":
			c.Name = v
		case "honorific":
			c.Honorific = strings.TrimSpace(v)
		case "correction":
			c.Correction, in.KeepCorrection = v, false
		case "organisation":
			c.Organisation = v
		case "team":
			c.Team = v
		case "function":
			c.Function = v
		case "phone_mobile":
			c.PhoneMobile = v
		case "phone_office":
			c.PhoneOffice = v
		case "phone_private":
			c.PhonePrivate = v
		case "email":
			c.Email = strings.TrimSpace(v)
		case "channels":
			c.Channels = v
		case "location":
			c.Location = v
		case "notes":
			c.Notes = v
		case "external":
			c.External, err = parseBool(v)
		case "kind":
			c.Kind = v
		case "last_verified_at":
			c.LastVerifiedAt, err = parseTime(v)
		case "created_at":
			c.CreatedAt, err = parseTime(v)
		case "updated_at":
			c.UpdatedAt, err = parseTime(v)
		}
		if err != nil {
			return in, fmt.Sprintf("column %s: %v", h, err)
		}
	}
	in.Complete = present == len(Columns)-len(optionalColumns)
	return in, ""
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "false", "no", "nein", "0", "falsch":
		return false, nil
	case "true", "yes", "ja", "1", "x", "wahr":
		return true, nil
	}
	return false, fmt.Errorf("%q is neither true nor false", s)
}

// timeLayouts are the forms a time takes after a trip through a
// spreadsheet: ours, ISO without zone, German dates.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04",
	"2006-01-02", "02.01.2006 15:04:05", "02.01.2006 15:04", "02.01.2006", "02.01.06"}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range timeLayouts {
		// A time without a zone (as spreadsheets rewrite it) is local time.
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (want 2006-01-02 or 02.01.2006)", s)
}

// address collects the parts of a postal address from separate columns.
type address struct{ street, zip, city, region, country string }

func (a address) String() string {
	return joinNonEmpty(", ", a.street, joinNonEmpty(" ", a.zip, a.city), a.region, a.country)
}

// outlookColumns maps Outlook's column names (English and German) to what
// they fill.
var outlookColumns = map[string]func(b *builder, work, home *address, header, v string){
	"title": namePart(0), "anrede": namePart(0),
	"first name": namePart(1), "vorname": namePart(1),
	"middle name": namePart(2), "weitere vornamen": namePart(2),
	"last name": namePart(3), "nachname": namePart(3),
	"suffix":  namePart(4),
	"company": func(b *builder, _, _ *address, _, v string) { b.c.Organisation = v }, "firma": func(b *builder, _, _ *address, _, v string) { b.c.Organisation = v },
	"department": func(b *builder, _, _ *address, _, v string) { b.c.Team = v }, "abteilung": func(b *builder, _, _ *address, _, v string) { b.c.Team = v },
	"job title": func(b *builder, _, _ *address, _, v string) { b.c.Function = v }, "position": func(b *builder, _, _ *address, _, v string) { b.c.Function = v },
	"notes": func(b *builder, _, _ *address, _, v string) { b.c.Notes = v }, "notizen": func(b *builder, _, _ *address, _, v string) { b.c.Notes = v },
	"business street": func(_ *builder, a, _ *address, _, v string) { a.street = v }, "straße geschäftlich": func(_ *builder, a, _ *address, _, v string) { a.street = v },
	"business city": func(_ *builder, a, _ *address, _, v string) { a.city = v }, "ort geschäftlich": func(_ *builder, a, _ *address, _, v string) { a.city = v },
	"business postal code": func(_ *builder, a, _ *address, _, v string) { a.zip = v }, "postleitzahl geschäftlich": func(_ *builder, a, _ *address, _, v string) { a.zip = v },
	"business state": func(_ *builder, a, _ *address, _, v string) { a.region = v }, "bundesland/kanton geschäftlich": func(_ *builder, a, _ *address, _, v string) { a.region = v },
	"business country/region": func(_ *builder, a, _ *address, _, v string) { a.country = v }, "land/region geschäftlich": func(_ *builder, a, _ *address, _, v string) { a.country = v },
	"home street": func(_ *builder, _, h *address, _, v string) { h.street = v }, "straße privat": func(_ *builder, _, h *address, _, v string) { h.street = v },
	"home city": func(_ *builder, _, h *address, _, v string) { h.city = v }, "ort privat": func(_ *builder, _, h *address, _, v string) { h.city = v },
	"home postal code": func(_ *builder, _, h *address, _, v string) { h.zip = v }, "postleitzahl privat": func(_ *builder, _, h *address, _, v string) { h.zip = v },
	"home country/region": func(_ *builder, _, h *address, _, v string) { h.country = v }, "land/region privat": func(_ *builder, _, h *address, _, v string) { h.country = v },
	"mobile phone": phoneCol(handbook.MobilePhone), "mobiltelefon": phoneCol(handbook.MobilePhone),
	"business phone": phoneCol(handbook.OfficePhone), "business phone 2": phoneCol(handbook.OfficePhone),
	"telefon geschäftlich": phoneCol(handbook.OfficePhone), "telefon geschäftlich 2": phoneCol(handbook.OfficePhone),
	"home phone": phoneCol(handbook.PrivatePhone), "home phone 2": phoneCol(handbook.PrivatePhone),
	"telefon privat": phoneCol(handbook.PrivatePhone), "telefon privat 2": phoneCol(handbook.PrivatePhone),
	"e-mail address": emailCol, "e-mail 2 address": emailCol, "e-mail 3 address": emailCol,
	"e-mail-adresse": emailCol, "e-mail 2: adresse": emailCol, "e-mail 3: adresse": emailCol,
}

// outlookOther are Outlook columns holding numbers with no field of their
// own; they become Channels lines labelled with the column name.
var outlookOther = []string{"phone", "telefon", "fax", "pager", "isdn", "telex", "callback", "rückmeldung"}

func namePart(i int) func(b *builder, _, _ *address, _, v string) {
	return func(b *builder, _, _ *address, _, v string) {
		if b.name == nil {
			b.name = make([]string, 5)
		}
		b.name[i] = v
	}
}

func phoneCol(k handbook.PhoneKind) func(b *builder, _, _ *address, h, v string) {
	return func(b *builder, _, _ *address, h, v string) { b.addPhone(k, h, v) }
}

func emailCol(b *builder, _, _ *address, _, v string) { b.addEmail(v, false) }

func readOutlook(header, rec []string) (Incoming, string) {
	var b builder
	var work, home address
	for i, h := range header {
		v := strings.TrimSpace(rec[i])
		if v == "" {
			continue
		}
		l := strings.ToLower(h)
		if f, ok := outlookColumns[l]; ok {
			f(&b, &work, &home, h, v)
			continue
		}
		for _, o := range outlookOther {
			if strings.Contains(l, o) {
				b.addChannel(h, v)
				break
			}
		}
	}
	b.c.Location = work.String()
	if b.c.Location == "" {
		b.c.Location = home.String()
	}
	return Incoming{Contact: b.contact()}, ""
}

func readGoogle(header, rec []string) (Incoming, string) {
	var b builder
	col := map[string]string{}
	for i, h := range header {
		col[strings.ToLower(h)] = strings.TrimSpace(rec[i])
	}
	first := func(names ...string) string {
		for _, n := range names {
			if v := col[n]; v != "" {
				return v
			}
		}
		return ""
	}
	b.c.Name = col["name"]
	b.name = []string{first("name prefix"), first("given name", "first name"), first("additional name", "middle name"),
		first("family name", "last name"), first("name suffix")}
	b.c.Organisation = first("organization 1 - name", "organization name")
	b.c.Function = first("organization 1 - title", "organization title")
	b.c.Team = first("organization 1 - department", "organization department")
	b.c.Notes = col["notes"]
	type pair struct {
		kind  string
		n     int
		label string
		value string
	}
	var pairs []pair
	for _, h := range header {
		m := googlePair.FindStringSubmatch(strings.ToLower(h))
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		prefix := m[1] + " " + m[2] + " - "
		label := first(prefix+"label", prefix+"type")
		pairs = append(pairs, pair{m[1], n, label, col[strings.ToLower(h)]})
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return a.n - b.n })
	for _, p := range pairs {
		for _, v := range strings.Split(p.value, ":::") {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			preferred := strings.HasPrefix(p.label, "* ")
			label := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(p.label, "* ")))
			switch p.kind {
			case "e-mail":
				b.addEmail(v, preferred)
			case "address":
				if b.c.Location == "" {
					b.c.Location = strings.Join(strings.Fields(strings.ReplaceAll(v, "\n", ", ")), " ")
				}
			default:
				googlePhone(&b, label, v)
			}
		}
	}
	return Incoming{Contact: b.contact()}, ""
}

func googlePhone(b *builder, label, v string) {
	switch {
	case strings.Contains(label, "fax"):
		b.addChannel(labelFax, v)
	case strings.Contains(label, "pager"):
		b.addChannel(labelPager, v)
	case strings.Contains(label, "mobile"), strings.Contains(label, "mobil"):
		b.addPhone(handbook.MobilePhone, labelMobile, v)
	case strings.Contains(label, "work"), strings.Contains(label, "arbeit"), strings.Contains(label, "geschäftlich"):
		b.addPhone(handbook.OfficePhone, labelOffice, v)
	case strings.Contains(label, "home"), strings.Contains(label, "privat"):
		b.addPhone(handbook.PrivatePhone, labelPrivate, v)
	case label == "" || label == "other" || label == "main":
		b.addPhone("", labelPhone, v)
	default:
		b.addChannel(labelPhone+" ("+label+")", v)
	}
}
