package handbook

import (
	"strings"

	"ernstfall/internal/markdown"
)

// Steps returns the task items of the playbook's body, grouped by phase
// through their Phase field.
func (p Playbook) Steps() []markdown.Step { return markdown.Steps(p.Body) }

// MentionsRole reports whether a step's "@mention" names the role called
// name. Role names may contain spaces ("Incident Owner") that a mention
// cannot hold, so spaces, '-' and '_' are ignored on both sides, and so is case:
// "@Incident-Owner" and "@incident_owner" both name "Incident Owner".
func MentionsRole(mention, name string) bool {
	norm := strings.NewReplacer(" ", "", "-", "", "_", "")
	m := norm.Replace(mention)
	return m != "" && strings.EqualFold(m, norm.Replace(name))
}
