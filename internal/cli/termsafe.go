package cli

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// termSafe wraps a writer of text for people: control characters (ESC,
// BEL, backspace, CR, DEL and the C1 range) and bidirectional overrides
// are written as \uXXXX instead of raw, so that no file name or value
// from a shared folder can move the cursor, set the window title or
// reorder a line on the terminal. Inside JSON strings the \uXXXX form
// means the same character, so JSON stays what it was. Line breaks and
// tabs pass.
func termSafe(w io.Writer) io.Writer {
	if s, ok := w.(*safeWriter); ok {
		return s
	}
	return &safeWriter{w: w}
}

type safeWriter struct {
	w io.Writer
	// part holds the start of a UTF-8 character cut off by a write.
	part []byte
}

func (s *safeWriter) Write(p []byte) (int, error) {
	data := append(s.part, p...)
	s.part = nil
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 && !utf8.FullRune(data[i:]) {
			s.part = append(s.part, data[i:]...)
			break
		}
		if unsafeRune(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, data[i:i+n]...)
		}
		i += n
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r >= 0x7f && r < 0xa0:
		return true
	case r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}
