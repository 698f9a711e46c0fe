package handbook

import (
	"cmp"
	"slices"
	"strings"
)

// ReviewSuggested lists the playbooks worth a review because an incident
// that used them closed after their last review: what the team learned
// while working through a playbook belongs in it. Deleted playbooks and
// incidents count for nothing, and so do drills: an exercise suggests
// reviews through its findings (ExerciseReviews). The result is sorted by
// title.
func ReviewSuggested(hb Handbook) []Playbook {
	lastClose := map[string]Incident{}
	for _, inc := range hb.Incidents {
		if inc.Deleted || inc.Open() || inc.PlaybookID == "" || inc.Drill() {
			continue
		}
		if prev, ok := lastClose[inc.PlaybookID]; !ok || inc.ClosedAt.After(prev.ClosedAt) {
			lastClose[inc.PlaybookID] = inc
		}
	}
	var out []Playbook
	for _, pb := range hb.Playbooks {
		inc, ok := lastClose[pb.ID]
		if pb.Deleted || !ok {
			continue
		}
		if pb.LastReviewedAt.IsZero() || inc.ClosedAt.After(pb.LastReviewedAt) {
			out = append(out, pb)
		}
	}
	slices.SortFunc(out, func(a, b Playbook) int {
		return cmp.Or(strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
	})
	return out
}
