package handbook

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// multiLine are the fields (by JSON name) that hold text of several lines;
// every other text field is a single line: a name, a number, a title.
var multiLine = map[string]bool{
	"notes": true, "channels": true, "body": true, "summary": true, "recovery_steps": true,
	"manual_fallback": true, "resources_note": true, "description": true, "trigger": true,
	"threat": true, "mitigation": true, "playbook_snapshot": true, "text": true, "scenario": true,
	"participants": true, "result": true, "findings": true, "finding": true,
	"impact_note": true, "continuity_plan": true, "address": true, "access": true, "kit": true, "exit": true,
	"expected": true, "went_well": true,
}

// Clean removes from a record's text what has no place in it, in place
// (rec is a pointer to a record or to Settings):
//   - control characters (BEL, ESC, backspace, DEL, the C1 range) everywhere;
//   - in multi-line text, line ends become "\n" and tabs stay;
//   - in single-line fields (names, phone numbers, titles) a line break or
//     tab becomes a space, and bidirectional embeddings, overrides and
//     isolates (U+202A–U+202E, U+2066–U+2069) are removed: they make a
//     name or number display as something it is not.
func Clean(rec any) {
	v := reflect.ValueOf(rec)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return
	}
	cleanStruct(v.Elem())
}

func cleanStruct(v reflect.Value) {
	if v.Kind() != reflect.Struct {
		return
	}
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		if !f.IsExported() || !fv.CanSet() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous:
			cleanStruct(fv)
		case fv.Kind() == reflect.String:
			fv.SetString(CleanText(name, fv.String()))
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.String:
			for j := range fv.Len() {
				fv.Index(j).SetString(CleanText("", fv.Index(j).String()))
			}
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct:
			for j := range fv.Len() {
				cleanStruct(fv.Index(j))
			}
		case fv.Kind() == reflect.Pointer && !fv.IsNil() && fv.Elem().Kind() == reflect.Struct:
			cleanStruct(fv.Elem())
		}
	}
}

// CleanText cleans the value of the field with the given JSON name as
// Clean does.
func CleanText(field, s string) string {
	if multiLine[field] {
		return CleanMultiLine(s)
	}
	return CleanLine(s)
}

// CleanLine cleans a single-line value (see Clean).
func CleanLine(s string) string {
	if clean(s, false) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", " ")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			return ' '
		case control(r) || bidi(r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// CleanMultiLine cleans text of several lines (see Clean).
func CleanMultiLine(s string) string {
	if clean(s, true) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r' || r == '\u2028' || r == '\u2029':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case control(r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// clean reports quickly whether s needs no cleaning.
func clean(s string, multi bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			if multi && (c == '\n' || c == '\t') {
				continue
			}
			return false
		}
		if c >= 0x80 {
			return cleanRunes(s[i:], multi)
		}
	}
	return true
}

func cleanRunes(s string, multi bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && !(multi && (r == '\n' || r == '\t'))) || control(r) || r == '\u2028' || r == '\u2029' || (!multi && bidi(r)) {
			return false
		}
	}
	return true
}

// control reports C0 and C1 control characters and DEL.
func control(r rune) bool { return r < 0x20 || r >= 0x7f && r < 0xa0 }

// bidi reports the bidirectional embeddings, overrides and isolates.
func bidi(r rune) bool { return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' }
