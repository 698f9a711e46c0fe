package handbook

import (
	"slices"
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
	m := roleKey(mention)
	return m != "" && strings.EqualFold(m, roleKey(name))
}

// roleKey is s without the spaces, '-' and '_' that MentionsRole ignores.
func roleKey(s string) string {
	if !strings.ContainsAny(s, " -_") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' {
			return -1
		}
		return r
	}, s)
}

// roleMatcher answers MentionsRole for many mentions against the same
// roles, each different mention looked at once.
type roleMatcher struct {
	keys []string
	seen map[string]bool
}

func newRoleMatcher(roles []Role) *roleMatcher {
	m := &roleMatcher{seen: map[string]bool{}}
	for _, r := range roles {
		if k := roleKey(r.Name); k != "" {
			m.keys = append(m.keys, k)
		}
	}
	return m
}

// known reports whether mention names one of the roles.
func (m *roleMatcher) known(mention string) bool {
	if ok, done := m.seen[mention]; done {
		return ok
	}
	k := roleKey(mention)
	ok := k != "" && slices.ContainsFunc(m.keys, func(name string) bool { return strings.EqualFold(k, name) })
	m.seen[mention] = ok
	return ok
}
