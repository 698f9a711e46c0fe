package handbook

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold is the spelling search and filters compare: lower case, umlauts
// and ß written out, so "mueller" matches "Müller" and "strasse" "Straße".
// It is strings.ToLower followed by writing out ä, ö, ü and ß, in one pass:
// search folds every record it indexes and every line it shows.
func Fold(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch r = unicode.ToLower(r); r {
		case 'ä':
			b.WriteString("ae")
		case 'ö':
			b.WriteString("oe")
		case 'ü':
			b.WriteString("ue")
		case 'ß', 'ẞ':
			b.WriteString("ss")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FoldPlain is Fold with umlauts and other accented letters written as
// their base letter ("muller" for "Müller", "celik" for "Çelik"): the
// spelling the search index keeps besides Fold's, so a search result can
// mark a word however it was typed.
func FoldPlain(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteString(FoldPlainRune(r))
	}
	return b.String()
}

// plainLetters are the accented letters FoldPlainRune writes as their base
// letter (after lower-casing).
var plainLetters = map[rune]string{
	'ä': "a", 'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'å': "a", 'ą': "a",
	'ç': "c", 'ć': "c", 'č': "c", 'ď': "d", 'đ': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ę': "e", 'ě': "e",
	'ğ': "g", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ı': "i",
	'ł': "l", 'ñ': "n", 'ń': "n", 'ň': "n",
	'ö': "o", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ø': "o",
	'ř': "r", 'ś': "s", 'š': "s", 'ş': "s", 'ť': "t",
	'ü': "u", 'ù': "u", 'ú': "u", 'û': "u", 'ů': "u",
	'ý': "y", 'ÿ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
	'ß': "ss", 'ẞ': "ss",
}

// FoldPlainRune is FoldPlain for one letter.
func FoldPlainRune(r rune) string {
	if 'A' <= r && r <= 'Z' {
		r += 'a' - 'A'
	}
	if r < utf8.RuneSelf {
		return asciiLower[r]
	}
	r = unicode.ToLower(r)
	if p, ok := plainLetters[r]; ok {
		return p
	}
	return string(r)
}

// asciiLower holds each ASCII character as a string, lower case, so that
// folding allocates nothing per character.
var asciiLower = func() (t [utf8.RuneSelf]string) {
	for i := range t {
		t[i] = strings.ToLower(string(rune(i)))
	}
	return t
}()

// CompareNames orders names as a reader expects, the same in the window
// and in the printed binder: case and accents ignored, so "Überflutung"
// stands beside "Ubuntu", not after "Zahlung".
func CompareNames(a, b string) int { return strings.Compare(FoldPlain(a), FoldPlain(b)) }
