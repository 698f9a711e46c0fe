// Package exchange moves handbook data in and out of the formats people keep
// it in elsewhere: vCard and CSV address books (our own CSV layout, Outlook
// and Google Contacts exports), a folder of Markdown files with front matter,
// and plain Markdown playbooks. Contact imports go through a Preview that
// lists what would be created, updated, skipped or is a duplicate; nothing is
// written until the preview is applied.
package exchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxFileSize is the largest file an import reads. Address books of a few
// thousand contacts stay far below it.
const MaxFileSize = 16 << 20

// Sentinel errors, checked with errors.Is.
var (
	// ErrTooLarge: the file is larger than MaxFileSize.
	ErrTooLarge = errors.New("file too large")
	// ErrBinary: the file is not text.
	ErrBinary = errors.New("not a text file")
	// ErrEncoding: the text is in an encoding this package cannot read.
	ErrEncoding = errors.New("unknown text encoding")
	// ErrFormat: the file is not in a format this package reads.
	ErrFormat = errors.New("unknown file format")
	// ErrOutside: a link in a folder being imported points outside it.
	ErrOutside = errors.New("link points outside the folder")
	// ErrSpecialFile: a device, FIFO or socket where a file was expected.
	ErrSpecialFile = errors.New("not a regular file")
)

// Problem is one thing wrong with an input file: where and what.
type Problem struct {
	File string
	// Line is 1-based; 0 when the problem concerns the whole file.
	Line    int
	Message string
	// Err is the sentinel behind the problem, if any.
	Err error
}

func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s: line %d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Unwrap returns the sentinel behind the problem.
func (p Problem) Unwrap() error { return p.Err }

func problemf(file string, line int, sentinel error, format string, a ...any) *Problem {
	return &Problem{File: file, Line: line, Message: fmt.Sprintf(format, a...), Err: sentinel}
}

// Format names an input format.
type Format string

// Formats Detect tells apart.
const (
	FormatJSON   Format = "json"
	FormatVCard  Format = "vcf"
	FormatCSV    Format = "csv"
	FormatFolder Format = "md"
)

// Detect tells the format of path from its content (head is its first
// bytes) and, where the content is not decisive, from its extension.
// A directory is a Markdown folder.
func Detect(path string, isDir bool, head []byte) (Format, error) {
	if isDir {
		return FormatFolder, nil
	}
	text := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	switch {
	case bytes.HasPrefix(text, []byte("{")):
		return FormatJSON, nil
	case len(text) >= 11 && strings.EqualFold(string(text[:11]), "BEGIN:VCARD"):
		return FormatVCard, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return FormatJSON, nil
	case ".vcf", ".vcard":
		return FormatVCard, nil
	case ".csv", ".txt", ".tsv":
		return FormatCSV, nil
	}
	if looksBinary(head) {
		return "", problemf(path, 0, ErrBinary, "is a binary file, not a vCard, CSV or JSON backup")
	}
	return "", problemf(path, 0, ErrFormat, "is neither a vCard (.vcf), a CSV file (.csv), a JSON backup (.json) nor a folder")
}

// ReadLimited reads a whole file, refusing files larger than MaxFileSize
// and anything that is not a regular file (a device, a FIFO).
func ReadLimited(ctx context.Context, path string) ([]byte, error) {
	return readRegular(ctx, path, path, false)
}

// readRegular reads the regular file at real, named path in messages. A
// device, FIFO or socket is refused without reading: the open does not
// wait, and the opened file is checked before a byte is read.
func readRegular(ctx context.Context, path, real string, noFollow bool) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(real, openFlags(noFollow), 0)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, problemf(path, 0, ErrSpecialFile, "is %s, not a regular file; nothing was read from it", fileKind(fi.Mode()))
	}
	if fi.Size() > MaxFileSize {
		return nil, tooLarge(path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(path)
	}
	return data, nil
}

// tooLarge says that path exceeds MaxFileSize, with advice that fits its
// kind of file.
func tooLarge(path string) error {
	advice := "check that this is the right file"
	switch strings.ToLower(filepath.Ext(path)) {
	case ".vcf", ".vcard":
		advice = "export the address book without photos, or in parts"
	case ".csv", ".tsv", ".txt":
		advice = "split it into several files"
	case ".md":
		advice = "that is far more than a playbook holds; check that this is the right file"
	}
	return problemf(path, 0, ErrTooLarge, "is larger than %d MiB; %s", MaxFileSize>>20, advice)
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// looksBinary reports NUL bytes or many control characters in the first
// kilobytes, the marks of images, archives and office files.
func looksBinary(data []byte) bool {
	head := data[:min(len(data), 8192)]
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return false
	}
	ctl := 0
	for _, b := range head {
		if b == 0 {
			return true
		}
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' {
			ctl++
		}
	}
	return ctl > len(head)/100+1
}

// decodeText turns file content into UTF-8 text and refuses any line it
// cannot decode (see decodeLines): a Markdown file is whole or not read.
func decodeText(file string, data []byte) (string, string, error) {
	d, err := decodeLines(file, data)
	if err != nil {
		return "", "", err
	}
	if len(d.bad) > 0 {
		line := slices.Min(slices.Collect(maps.Keys(d.bad)))
		return "", "", problemf(file, line, ErrEncoding, "%s; save the file as UTF-8", d.bad[line])
	}
	return d.text, d.encoding, nil
}

// decoded is text read from a file, with the lines that could not be
// decoded: line number (1-based) to what is wrong with it.
type decoded struct {
	text     string
	encoding string
	bad      map[int]string
}

// decodeLines turns file content into UTF-8 text. The encoding is decided
// from the whole file: a byte order mark (UTF-8, UTF-16), UTF-16 without
// one, else UTF-8 when the file is valid UTF-8 or has more lines with
// UTF-8 characters than lines with bytes that are not UTF-8; only a file
// with no sign of UTF-8 is Windows-1252 (what Outlook writes as "ANSI").
// The lines that do not fit the encoding chosen are listed in bad, so a
// reader reports them instead of garbling them ("JÃ¼rgen").
func decodeLines(file string, data []byte) (decoded, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeUTF16(file, data[2:], false)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(file, data[2:], true)
	}
	if be, ok := bomlessUTF16(data); ok {
		return decodeUTF16(file, data, be)
	}
	if looksBinary(data) {
		return decoded{}, problemf(file, 0, ErrBinary, "is a binary file, not text")
	}
	data, bom := bytes.CutPrefix(data, utf8BOM)
	data = oneLineEnd(data)
	if utf8.Valid(data) {
		return decoded{text: string(data), encoding: "UTF-8"}, nil
	}
	var invalid, multibyte []int
	for i, line := range bytes.Split(data, []byte("\n")) {
		switch {
		case !utf8.Valid(line):
			invalid = append(invalid, i+1)
		case hasMultibyte(line):
			multibyte = append(multibyte, i+1)
		}
	}
	if bom || len(multibyte) >= len(invalid) {
		d := decoded{text: strings.ToValidUTF8(string(data), "\uFFFD"), encoding: "UTF-8", bad: map[int]string{}}
		lines := bytes.Split(data, []byte("\n"))
		for _, n := range invalid {
			b := lines[n-1][firstInvalid(lines[n-1])]
			d.bad[n] = fmt.Sprintf("byte 0x%02X is not UTF-8, the encoding of the rest of the file", b)
		}
		return d, nil
	}
	s, err := decodeCharset(data, "windows-1252")
	if err != nil {
		line := 1 + bytes.Count(data[:firstUndefined1252(data)], []byte("\n"))
		return decoded{}, problemf(file, line, ErrEncoding, "text is neither UTF-8 nor Windows-1252; save the file as UTF-8")
	}
	d := decoded{text: s, encoding: "Windows-1252", bad: map[int]string{}}
	for _, n := range multibyte {
		d.bad[n] = "the line is UTF-8, the rest of the file Windows-1252"
	}
	return d, nil
}

func hasMultibyte(line []byte) bool {
	for _, b := range line {
		if b >= 0x80 {
			return true
		}
	}
	return false
}

func firstUndefined1252(data []byte) int {
	for i, c := range data {
		if c >= 0x80 && c < 0xA0 && cp1252[c-0x80] == 0 {
			return i
		}
	}
	return 0
}

// bomlessUTF16 recognises UTF-16 without a byte order mark by its zero
// bytes: text in Latin script has one in every pair, always on the same
// side.
func bomlessUTF16(data []byte) (bigEndian, ok bool) {
	head := data[:min(len(data), 4096)&^1]
	if len(head) < 4 || len(data)%2 != 0 {
		return false, false
	}
	var even, odd int
	for i := 0; i < len(head); i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	pairs := len(head) / 2
	switch {
	case odd*10 >= pairs*9 && even == 0:
		return false, true
	case even*10 >= pairs*9 && odd == 0:
		return true, true
	}
	return false, false
}

func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

func decodeUTF16(file string, data []byte, bigEndian bool) (decoded, error) {
	if len(data)%2 != 0 {
		return decoded{}, problemf(file, 0, ErrEncoding, "UTF-16 text has an odd number of bytes")
	}
	u := make([]uint16, len(data)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			u[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	return decoded{text: string(oneLineEnd([]byte(string(utf16.Decode(u))))), encoding: "UTF-16"}, nil
}

// oneLineEnd turns the line ends of old Macs (a lone CR) into LF; CRLF
// stays. Line numbers do not change.
func oneLineEnd(data []byte) []byte {
	if !bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\r")) {
		return data
	}
	return bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
}

// cp1252 maps the bytes 0x80–0x9F of Windows-1252; 0 marks undefined bytes.
var cp1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// decodeCharset decodes legacy 8-bit text in one of the charsets older
// address books declare.
func decodeCharset(data []byte, charset string) (string, error) {
	cs := strings.ToLower(strings.TrimSpace(charset))
	switch cs {
	case "", "utf-8", "utf8":
		if !utf8.Valid(data) {
			return "", fmt.Errorf("%w: text is not valid UTF-8", ErrEncoding)
		}
		return string(data), nil
	case "us-ascii", "ascii":
		for _, b := range data {
			if b >= 0x80 {
				return "", fmt.Errorf("%w: byte 0x%02X is not ASCII", ErrEncoding, b)
			}
		}
		return string(data), nil
	case "iso-8859-1", "latin1", "iso8859-1", "iso-8859-15", "latin-9":
		var b strings.Builder
		latin9 := cs == "iso-8859-15" || cs == "latin-9"
		for _, c := range data {
			r := rune(c)
			if latin9 {
				r = latin9Rune(c)
			}
			b.WriteRune(r)
		}
		return b.String(), nil
	case "windows-1252", "cp1252":
		var b strings.Builder
		for _, c := range data {
			r := rune(c)
			if c >= 0x80 && c < 0xA0 {
				if r = cp1252[c-0x80]; r == 0 {
					return "", fmt.Errorf("%w: byte 0x%02X is undefined in Windows-1252", ErrEncoding, c)
				}
			}
			b.WriteRune(r)
		}
		return b.String(), nil
	}
	return "", fmt.Errorf("%w %q (known: UTF-8, ISO-8859-1, ISO-8859-15, Windows-1252, US-ASCII)", ErrEncoding, charset)
}

func latin9Rune(c byte) rune {
	switch c {
	case 0xA4:
		return '€'
	case 0xA6:
		return 'Š'
	case 0xA8:
		return 'š'
	case 0xB4:
		return 'Ž'
	case 0xB8:
		return 'ž'
	case 0xBC:
		return 'Œ'
	case 0xBD:
		return 'œ'
	case 0xBE:
		return 'Ÿ'
	}
	return rune(c)
}
