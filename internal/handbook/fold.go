package handbook

import "strings"

// folder spells German letters the way people type them without a German
// keyboard.
var folder = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "ẞ", "ss")

// Fold is the spelling search and filters compare: lower case, umlauts
// and ß written out, so "mueller" matches "Müller" and "strasse" "Straße".
func Fold(s string) string { return folder.Replace(strings.ToLower(s)) }
