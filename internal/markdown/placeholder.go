package markdown

import (
	"regexp"
	"strings"
)

// placeholder is "{{name}}" with optional spaces inside the braces; a name
// starts with a letter, digit or '_' and holds letters, digits, '.', '_',
// '-', ':', '&', '/', parentheses and single spaces (a role's name in
// "{{role:IT Rufbereitschaft.phone}}").
var placeholder = regexp.MustCompile(`\{\{\s*([\p{L}\p{N}_](?:[\p{L}\p{N}._:&/()-]| [\p{L}\p{N}._:&/()-])*)\s*\}\}`)

// Placeholders returns the distinct placeholder names of src ("incident.title"
// for "{{incident.title}}") in the order of their first use.
func Placeholders(src string) []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(src, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	return names
}

// FindPlaceholder locates the first placeholder in s: its byte range
// [start, end) and its name. ok is false when s holds none.
func FindPlaceholder(s string) (start, end int, name string, ok bool) {
	loc := placeholder.FindStringSubmatchIndex(s)
	if loc == nil {
		return 0, 0, "", false
	}
	return loc[0], loc[1], s[loc[2]:loc[3]], true
}

// FillFunc replaces every placeholder for which value reports a value.
// Others stay as they are.
func FillFunc(src string, value func(name string) (string, bool)) string {
	return placeholder.ReplaceAllStringFunc(src, func(m string) string {
		if v, ok := value(strings.TrimSpace(m[2 : len(m)-2])); ok {
			return v
		}
		return m
	})
}
