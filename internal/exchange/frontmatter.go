package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"ernstfall/internal/handbook"
)

// Front matter is the block of "key: value" lines between two "---" lines
// at the top of a Markdown file. Ernstfall writes and reads a strict subset
// of YAML that covers flat records: plain, double-quoted and single-quoted
// scalars, literal blocks (|, |-, |+) for multi-line text, and lists of
// strings in flow ([a, b]) or block (- a) form. Keys must be fields of the
// record; anything else is an error naming the line.

const fence = "---"

// encodeFrontMatter writes the fields of rec (a handbook record) as front
// matter, in the order of the struct, leaving out the fields named in skip
// and empty values.
func encodeFrontMatter(rec any, skip ...string) ([]byte, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(fence + "\n")
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if key == "deleted" || contains(skip, key) {
			continue
		}
		switch x := v.(type) {
		case nil:
		case string:
			if x != "" {
				writeString(&b, key, x)
			}
		case json.Number:
			fmt.Fprintf(&b, "%s: %s\n", key, x)
		case bool:
			fmt.Fprintf(&b, "%s: %t\n", key, x)
		case []any:
			if len(x) == 0 {
				continue
			}
			items := make([]string, len(x))
			for i, it := range x {
				s, ok := it.(string)
				if !ok {
					return nil, fmt.Errorf("front matter %s: only lists of text are supported", key)
				}
				items[i] = scalar(s, true)
			}
			fmt.Fprintf(&b, "%s: [%s]\n", key, strings.Join(items, ", "))
		default:
			return nil, fmt.Errorf("front matter %s: nested values are not supported", key)
		}
	}
	b.WriteString(fence + "\n")
	return b.Bytes(), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// writeString writes multi-line text as a literal block when it can be
// read back exactly, anything else as a scalar.
func writeString(b *bytes.Buffer, key, s string) {
	body := strings.TrimRight(s, "\n")
	trailing := len(s) - len(body)
	if strings.Contains(body, "\n") && literalSafe(body) {
		chomp := map[bool]string{true: "-", false: ""}[trailing == 0]
		if trailing > 1 {
			chomp = "+"
		}
		fmt.Fprintf(b, "%s: |%s\n", key, chomp)
		for _, l := range strings.Split(s[:len(s)-min(trailing, 1)], "\n") {
			if l == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("  " + l + "\n")
		}
		return
	}
	fmt.Fprintf(b, "%s: %s\n", key, scalar(s, false))
}

// literalSafe reports whether text survives a literal block: no carriage
// returns or control characters, no leading space on the first line (it
// would change the indentation), no whitespace-only lines.
func literalSafe(s string) bool {
	if s == "" || s[0] == ' ' || s[0] == '\t' {
		return false
	}
	for _, l := range strings.Split(s, "\n") {
		if l != "" && strings.TrimSpace(l) == "" {
			return false
		}
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r != '\n' && r != '\t' && unicode.IsControl(r) })
}

// scalar writes s plain when a YAML reader would read it back as the same
// string, double-quoted otherwise.
func scalar(s string, inList bool) string {
	if plainSafe(s, inList) {
		return s
	}
	return strconv.Quote(s)
}

func plainSafe(s string, inList bool) bool {
	if s == "" || s != strings.TrimSpace(s) || strings.ContainsAny(s, "\n\r\t\"'#") {
		return false
	}
	if strings.ContainsRune("-?:,[]{}&*!|>%@`", rune(s[0])) || strings.Contains(s, ": ") || strings.HasSuffix(s, ":") {
		return false
	}
	if inList && strings.ContainsAny(s, ",[]{}") {
		return false
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~":
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return false
	}
	return !strings.ContainsFunc(s, unicode.IsControl)
}

// splitFrontMatter separates front matter from the body. ok is false when
// the text has none. The body is everything after the closing fence, minus
// the one line break writeMarkdown adds.
func splitFrontMatter(text string) (fm []string, body string, bodyLine int, ok bool, err error) {
	if !strings.HasPrefix(text, fence+"\n") && !strings.HasPrefix(text, fence+"\r\n") {
		return nil, text, 1, false, nil
	}
	lines := strings.SplitAfter(text, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.TrimRight(lines[i], "\r\n") == fence {
			for _, l := range lines[1:i] {
				fm = append(fm, strings.TrimRight(l, "\r\n"))
			}
			body = strings.Join(lines[i+1:], "")
			return fm, strings.TrimSuffix(body, "\n"), i + 2, true, nil
		}
	}
	return nil, "", 0, true, fmt.Errorf("line 1: front matter has no closing %q line", fence)
}

// decodeFrontMatter reads front matter lines into rec (a pointer to a
// handbook record). Keys that are not fields of the record, keys given
// twice and values of the wrong type are errors naming the line.
func decodeFrontMatter(lines []string, rec any) error {
	kinds := fieldKinds(reflect.TypeOf(rec).Elem())
	obj := map[string]json.RawMessage{}
	lineOf := map[string]int{}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		n := i + 2 // the opening fence is line 1
		if strings.TrimSpace(l) == "" || strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		key, rest, ok := strings.Cut(l, ":")
		if !ok || key == "" || key != strings.TrimSpace(key) || strings.ContainsAny(key, " \t\"'") {
			return fmt.Errorf("line %d: expected \"key: value\", got %q", n, shorten(l, 40))
		}
		kind, known := kinds[key]
		if _, process := rec.(*handbook.BusinessProcess); process && handbook.IsImpactField(key) {
			if _, ok := handbook.ParseImpactField(key); !ok {
				return fmt.Errorf("line %d: %q names no cell of the impact grid (impact.<category>.<time>, e.g. impact.financial.1d)", n, key)
			}
			kind, known = kindInt, true
		}
		if !known {
			return fmt.Errorf("line %d: unknown key %q", n, key)
		}
		if _, dup := obj[key]; dup {
			return fmt.Errorf("line %d: key %q given twice (first on line %d)", n, key, lineOf[key])
		}
		rest = strings.TrimSpace(rest)
		var values []string
		list := false
		var err error
		switch {
		case strings.HasPrefix(rest, "|"):
			var s string
			s, i, err = literal(lines, i, rest)
			values = []string{s}
		case strings.HasPrefix(rest, "["):
			values, err = flowList(rest)
			list = true
		case rest == "" && i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), "- "):
			for i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), "- ") {
				i++
				var v string
				if v, err = unquote(strings.TrimSpace(strings.TrimSpace(lines[i])[2:])); err != nil {
					break
				}
				values = append(values, v)
			}
			list = true
		default:
			var v string
			v, err = unquote(rest)
			values = []string{v}
		}
		if err != nil {
			return fmt.Errorf("line %d: %s: %w", n, key, err)
		}
		raw, err := toJSON(kind, values, list)
		if err != nil {
			return fmt.Errorf("line %d: %s: %w", n, key, err)
		}
		obj[key], lineOf[key] = raw, n
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(rec)
}

// literal reads a literal block starting after line i; it returns the text
// and the index of its last line.
func literal(lines []string, i int, head string) (string, int, error) {
	chomp := strings.TrimPrefix(head, "|")
	if chomp != "" && chomp != "-" && chomp != "+" {
		return "", i, fmt.Errorf("unsupported block header %q (use |, |- or |+)", head)
	}
	var body []string
	for i+1 < len(lines) {
		l := lines[i+1]
		if l != "" && !strings.HasPrefix(l, "  ") {
			break
		}
		body = append(body, strings.TrimPrefix(l, "  "))
		i++
	}
	text := strings.Join(body, "\n")
	content := strings.TrimRight(text, "\n")
	switch chomp {
	case "-":
		return content, i, nil
	case "":
		return content + "\n", i, nil
	}
	return text + "\n", i, nil
}

func flowList(s string) ([]string, error) {
	if !strings.HasSuffix(s, "]") {
		return nil, fmt.Errorf("list %q has no closing ]", shorten(s, 40))
	}
	inner := strings.TrimSpace(s[1 : len(s)-1])
	if inner == "" {
		return nil, nil
	}
	var out []string
	for inner != "" {
		var item string
		if inner[0] == '"' || inner[0] == '\'' {
			end := closingQuote(inner)
			if end < 0 {
				return nil, fmt.Errorf("unterminated quote in list")
			}
			item, inner = inner[:end+1], strings.TrimSpace(inner[end+1:])
		} else {
			comma := strings.IndexByte(inner, ',')
			if comma < 0 {
				comma = len(inner)
			}
			item, inner = strings.TrimSpace(inner[:comma]), inner[comma:]
		}
		v, err := unquote(item)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if inner != "" {
			if inner[0] != ',' {
				return nil, fmt.Errorf("expected , between list items")
			}
			inner = strings.TrimSpace(inner[1:])
		}
	}
	return out, nil
}

func closingQuote(s string) int {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case s[i] == q:
			return i
		}
	}
	return -1
}

// unquote reads a scalar: double-quoted with escapes, single-quoted with
// ” for ', or plain.
func unquote(s string) (string, error) {
	switch {
	case s == "":
		return "", nil
	case s[0] == '"':
		if closingQuote(s) != len(s)-1 {
			return "", fmt.Errorf("text after the closing quote in %s", shorten(s, 40))
		}
		v, err := strconv.Unquote(s)
		if err != nil {
			return "", fmt.Errorf("bad double-quoted text %s", shorten(s, 40))
		}
		return v, nil
	case s[0] == '\'':
		if closingQuote(s) != len(s)-1 {
			return "", fmt.Errorf("text after the closing quote in %s", shorten(s, 40))
		}
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), nil
	case strings.ContainsRune("{&*!>%@`", rune(s[0])):
		return "", fmt.Errorf("unsupported YAML value %s; quote it", shorten(s, 40))
	case strings.Contains(s, " #"):
		return "", fmt.Errorf("comment after a value; quote values containing #")
	}
	return s, nil
}

// fieldKind is what a front matter key holds.
type fieldKind int

const (
	kindString fieldKind = iota
	kindInt
	kindBool
	kindList
)

var timeType = reflect.TypeOf(time.Time{})

// fieldKinds maps the JSON names of a record's fields (embedded ones
// included) to their kinds.
func fieldKinds(t reflect.Type) map[string]fieldKind {
	out := map[string]fieldKind{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			for k, v := range fieldKinds(f.Type) {
				out[k] = v
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		switch {
		case f.Type == timeType || f.Type.Kind() == reflect.String:
			out[name] = kindString
		case f.Type.Kind() == reflect.Int:
			out[name] = kindInt
		case f.Type.Kind() == reflect.Bool:
			out[name] = kindBool
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			out[name] = kindList
		}
	}
	return out
}

func toJSON(kind fieldKind, values []string, list bool) (json.RawMessage, error) {
	if list != (kind == kindList) {
		if list {
			return nil, fmt.Errorf("a list is not allowed here")
		}
		return nil, fmt.Errorf("expected a list ([a, b])")
	}
	switch kind {
	case kindList:
		return json.Marshal(values)
	case kindInt:
		n, err := strconv.Atoi(values[0])
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole number", values[0])
		}
		return json.Marshal(n)
	case kindBool:
		switch values[0] {
		case "true":
			return json.RawMessage("true"), nil
		case "false":
			return json.RawMessage("false"), nil
		}
		return nil, fmt.Errorf("%q is neither true nor false", values[0])
	}
	return json.Marshal(values[0])
}
