package markdown

import (
	"regexp"
	"strings"
)

// placeholder is "{{name}}" with optional spaces inside the braces; a name
// holds letters, digits, '.', '_' and '-'.
var placeholder = regexp.MustCompile(`\{\{\s*([\p{L}\p{N}._-]+)\s*\}\}`)

// FindPlaceholder locates the first placeholder in s: its byte range
// [start, end) and its name. ok is false when s holds none.
func FindPlaceholder(s string) (start, end int, name string, ok bool) {
	loc := placeholder.FindStringSubmatchIndex(s)
	if loc == nil {
		return 0, 0, "", false
	}
	return loc[0], loc[1], s[loc[2]:loc[3]], true
}

// Fill replaces every placeholder whose name is a key of values with its
// value. Unknown placeholders stay as they are, so a reader sees what is
// still to be filled in.
func Fill(src string, values map[string]string) string {
	return placeholder.ReplaceAllStringFunc(src, func(m string) string {
		name := strings.TrimSpace(m[2 : len(m)-2])
		if v, ok := values[name]; ok {
			return v
		}
		return m
	})
}
