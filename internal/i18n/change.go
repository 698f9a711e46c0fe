package i18n

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"ernstfall/internal/textdiff"
)

// ChangeValues writes the old and new value of a field change for a list
// of changes, each at most about width characters: two texts as the words
// around the change, anything else as ValueText does.
func ChangeValues(old, new json.RawMessage, names map[string]string, width int, tr Translator) (string, string) {
	a, okA := plainText(old, names)
	b, okB := plainText(new, names)
	if okA && okB && a != "" && b != "" {
		a, b = textdiff.Excerpts(a, b, width)
		return strconv.Quote(a), strconv.Quote(b)
	}
	return ValueText(old, names, width, tr), ValueText(new, names, width, tr)
}

// ValueText writes a field's JSON value for people: an empty value as
// "(empty)", times in local time, a reference to a record by the record's
// name (from names, by ID), yes or no, lists joined with commas, and text
// cut to width characters (whole when width is 0).
func ValueText(v json.RawMessage, names map[string]string, width int, tr Translator) string {
	cut := func(s string) string {
		if width <= 0 {
			return s
		}
		return textdiff.Shorten(s, width)
	}
	var x any
	if len(v) == 0 || json.Unmarshal(v, &x) != nil || x == nil {
		return tr("(empty)", nil)
	}
	switch y := x.(type) {
	case string:
		if t, ok := timeValue(y); ok {
			return momentText(t, tr)
		}
		if n, ok := names[y]; ok {
			return cut(n)
		}
		if width <= 0 {
			return y
		}
		return strconv.Quote(cut(y))
	case bool:
		if y {
			return tr("yes", nil)
		}
		return tr("no", nil)
	case []any:
		parts := make([]string, 0, len(y))
		for _, e := range y {
			raw, _ := json.Marshal(e)
			if s, ok := e.(string); ok {
				if n, ok := names[s]; ok {
					s = n
				}
				parts = append(parts, s)
				continue
			}
			parts = append(parts, ValueText(raw, names, 0, tr))
		}
		if len(parts) == 0 {
			return tr("(empty)", nil)
		}
		return cut(strings.Join(parts, ", "))
	}
	return cut(string(v))
}

// plainText is a value's text when it is a plain string (not a time, not
// a reference) or empty.
func plainText(v json.RawMessage, names map[string]string) (string, bool) {
	if string(v) == "null" || len(v) == 0 {
		return "", true
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", false
	}
	if _, ok := timeValue(s); ok {
		return "", false
	}
	if _, ok := names[s]; ok {
		return "", false
	}
	return s, true
}

func timeValue(s string) (time.Time, bool) {
	if len(s) < 20 || s[4] != '-' || s[10] != 'T' {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// momentText writes a time in local time, the date alone at midnight.
func momentText(t time.Time, tr Translator) string {
	t = t.Local()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(tr("2006-01-02", nil))
	}
	return t.Format(tr("2006-01-02 15:04", nil))
}
