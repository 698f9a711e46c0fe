// Package textdiff shows what changed between two versions of a text in a
// form short enough for a list of changes: a Markdown body of several
// pages becomes the few words around the change.
package textdiff

import "strings"

// context is how many characters of unchanged text at least stay on each
// side of a change; more when the width leaves room.
const context = 16

// Excerpts returns short forms of old and new, each at most width
// characters (at least 20): the text they share before and after the
// change is cut to a little context and marked with "…", and line breaks
// show as "⏎". Texts that fit are only flattened.
func Excerpts(old, new string, width int) (string, string) {
	width = max(width, 20)
	a, b := []rune(old), []rune(new)
	if len(a) <= width && len(b) <= width {
		return flat(a), flat(b)
	}
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	q := 0
	for q < len(a)-p && q < len(b)-p && a[len(a)-1-q] == b[len(b)-1-q] {
		q++
	}
	// Both sides get the same context, so they line up.
	ctx := max(context, (width-2-max(len(a)-q-p, len(b)-q-p))/2)
	return excerpt(a, p, len(a)-q, width, ctx), excerpt(b, p, len(b)-q, width, ctx)
}

// Shorten cuts a text to width characters (at least 20) at a word
// boundary, marking the cut with "…"; line breaks show as "⏎".
func Shorten(s string, width int) string {
	width = max(width, 20)
	r := []rune(s)
	if len(r) <= width {
		return flat(r)
	}
	cut := wordStart(r, width-1, width/2)
	return flat(r[:cut]) + "…"
}

// excerpt shows r[from:to], the changed part, with ctx characters of
// context around it.
func excerpt(r []rune, from, to, width, ctx int) string {
	start := max(0, from-ctx)
	if start > 0 {
		start = wordEnd(r, start, from)
	}
	end := min(len(r), to+ctx)
	if end < len(r) {
		end = wordStart(r, end, to)
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	room := width - 2
	part := r[start:end]
	if len(part) > room {
		// The change itself is long: show its beginning.
		part = r[start:min(len(r), start+room)]
		b.WriteString(flat(part))
		b.WriteString("…")
		return b.String()
	}
	b.WriteString(flat(part))
	if end < len(r) {
		b.WriteString("…")
	}
	return b.String()
}

// wordEnd moves i forward to the start of the next word, not past limit.
func wordEnd(r []rune, i, limit int) int {
	for j := i; j < limit && j < len(r); j++ {
		if space(r[j]) {
			return j + 1
		}
	}
	return i
}

// wordStart moves i back to the end of the previous word, not before limit.
func wordStart(r []rune, i, limit int) int {
	for j := i; j > limit && j > 0; j-- {
		if space(r[j-1]) {
			return j - 1
		}
	}
	return i
}

func space(c rune) bool { return c == ' ' || c == '\n' || c == '\t' }

// flat writes line breaks as "⏎" and tabs as spaces, so that a value stays
// on one line of a list.
func flat(r []rune) string {
	s := string(r)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\n", "⏎")
	return strings.ReplaceAll(s, "\t", " ")
}
