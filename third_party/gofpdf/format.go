package gofpdf

// Ernstfall patch (see PATCHES.md): the PDF writer formats every operator
// it writes (coordinates with two decimals, font sizes, colours) through
// fmt. appendf formats the few verbs it uses directly, with the same
// bytes as a result.

import (
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
)

// appendf appends format, formatted with args, to b: the same bytes as
// fmt.Appendf. %d with an int, %s with a string, %.Nf with a finite
// float64 (N one digit) and %% are formatted here; anything else goes
// through fmt.
func appendf(b []byte, format string, args ...interface{}) []byte {
	start := len(b)
	if out, ok := appendFast(b, format, args); ok {
		return out
	}
	return fmt.Appendf(b[:start], format, args...)
}

func appendFast(b []byte, format string, args []interface{}) ([]byte, bool) {
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		i++
		if i == len(format) {
			return b, false
		}
		c = format[i]
		if c == '%' {
			b = append(b, '%')
			continue
		}
		if next == len(args) {
			return b, false
		}
		arg := args[next]
		next++
		switch c {
		case 'd':
			v, ok := arg.(int)
			if !ok {
				return b, false
			}
			b = strconv.AppendInt(b, int64(v), 10)
		case 's':
			v, ok := arg.(string)
			if !ok {
				return b, false
			}
			b = append(b, v...)
		case '.':
			if i+2 >= len(format) || format[i+1] < '0' || format[i+1] > '9' || format[i+2] != 'f' {
				return b, false
			}
			v, ok := arg.(float64)
			if !ok || math.IsInf(v, 0) {
				// fmt writes infinity without its plus sign.
				return b, false
			}
			b = appendFixed(b, v, int(format[i+1]-'0'))
			i += 2
		default:
			return b, false
		}
	}
	return b, next == len(args)
}

// pow10 are the powers of ten appendFixed scales by.
var pow10 = [...]float64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// appendFixed appends v with prec decimals, as strconv.AppendFloat(b, v,
// 'f', prec, 64) does, but without its arbitrary-precision arithmetic,
// which is what it takes for a fixed number of decimals: v times 10^prec,
// its rounding error known exactly through a fused multiply-add, rounded
// half to even. Values whose scaled form reaches 2^52 (and infinities, and
// NaN) go through strconv.
func appendFixed(b []byte, v float64, prec int) []byte {
	a := math.Abs(v)
	if prec >= len(pow10) || !(a*pow10[prec] < 1<<52) {
		return strconv.AppendFloat(b, v, 'f', prec, 64)
	}
	x := a * pow10[prec]
	// The exact product is x + e.
	e := math.FMA(a, pow10[prec], -x)
	f := math.Floor(x)
	n := int64(f)
	// Round by the exact remainder x + e - f against one half: x - f - 0.5
	// is exact, and e is smaller than its smallest step unless it is 0.
	switch d := x - f - 0.5; {
	case d > 0, d == 0 && e > 0, d == 0 && e == 0 && n%2 == 1:
		n++
	}
	if math.Signbit(v) {
		b = append(b, '-')
	}
	var digits [24]byte
	i := len(digits)
	for k := 0; k <= prec || n > 0; k++ {
		if k == prec && prec > 0 {
			i--
			digits[i] = '.'
		}
		i--
		digits[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, digits[i:]...)
}

// utf8FontID is the resource name of a UTF-8 font added as family and
// style: short, because every change of font on a page names it, and the
// same in every document. The original named a font by the SHA-1 of its
// definition as JSON, the character widths of 65,536 code points included:
// 40 characters in every font change, and a few milliseconds per font to
// compute. A name another font has already taken gets the original's.
func (f *Fpdf) utf8FontID(fontkey string, def fontDefType) string {
	h := fnv.New32a()
	h.Write([]byte(fontkey))
	id := "U" + strconv.FormatUint(uint64(h.Sum32()), 36)
	for _, other := range f.fonts {
		if other.i == id {
			id, _ = generateFontID(def)
			break
		}
	}
	return id
}

// useRunes records the characters of s as used in the current font, for
// the font's subset.
func (f *Fpdf) useRunes(s string) {
	font := &f.currentFont
	for _, r := range s {
		if font.seen == nil || r < 0 || r >= 1<<16 {
			font.usedRunes[int(r)] = int(r)
			continue
		}
		if w, bit := r/64, uint64(1)<<uint(r%64); font.seen[w]&bit == 0 {
			font.seen[w] |= bit
			font.usedRunes[int(r)] = int(r)
		}
	}
}

// runeSet is a set of the runes of the Basic Multilingual Plane: those a
// UTF-8 font has recorded in usedRunes, to test quicker than the map. A
// font definition and its copies (currentFont) share it.
type runeSet [1 << 16 / 64]uint64

// appendTextUTF16 appends s as the text of a PDF string in a UTF-8 font:
// UTF-16 (big-endian) with the string's delimiters, backslash and carriage
// return escaped. The same bytes as f.escape(utf8toutf16(s, false)), which
// it replaces, but it does not panic on a truncated character.
func appendTextUTF16(b []byte, s string) []byte {
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	for i := 0; i < len(s); {
		c1 := s[i]
		i++
		var hi, lo byte
		switch {
		case c1 >= 224:
			c2, c3 := at(i), at(i+1)
			i += 2
			hi, lo = ((c1&0x0F)<<4)+((c2&0x3C)>>2), ((c2&0x03)<<6)+(c3&0x3F)
		case c1 >= 192:
			c2 := at(i)
			i++
			hi, lo = (c1&0x1C)>>2, ((c1&0x03)<<6)+(c2&0x3F)
		default:
			lo = c1
		}
		b = appendEscaped(appendEscaped(b, hi), lo)
	}
	return b
}

// appendEscaped appends c as a byte of a PDF string.
func appendEscaped(b []byte, c byte) []byte {
	switch c {
	case '\\', '(', ')':
		return append(b, '\\', c)
	case '\r':
		return append(b, '\\', 'r')
	}
	return append(b, c)
}
