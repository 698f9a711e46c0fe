package handbook

import (
	"fmt"
	"strings"
)

// SuggestedLevel is the escalation level a severity suggests when an
// incident starts: critical 3, high 2, medium and low 1; 0 (none) for no
// or an unknown severity. A person may choose another.
func SuggestedLevel(s Severity) int {
	switch s {
	case SeverityCritical:
		return 3
	case SeverityHigh:
		return 2
	case SeverityMedium, SeverityLow:
		return 1
	}
	return 0
}

// LevelTitle names an escalation level the one way every screen, command
// and printout does. word is "Level" in the reader's language ("Stufe").
// A name that already carries the number stands alone ("Stufe 2 – Schwerer
// Vorfall"); another gets word and number in front ("Stufe 2 – Krise"); a
// level without a name is word and number ("Stufe 2").
func LevelTitle(word string, level int, name string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return fmt.Sprintf("%s %d", word, level)
	case strings.Contains(name, fmt.Sprint(level)):
		return name
	}
	return fmt.Sprintf("%s %d – %s", word, level, name)
}
