package ops

import (
	"context"
	"fmt"

	"ernstfall/internal/handbook"
)

// reviewable is a document with a review cycle.
type reviewable[T any] interface {
	*T
	handbook.Item
	ReviewCycle() *handbook.Review
}

// Reviewable reports whether records of the entity are documents that are
// reviewed (playbooks, templates, services, risks, the escalation matrix,
// business processes, sites and suppliers).
func Reviewable(e handbook.Entity) bool {
	switch e {
	case handbook.EntityPlaybook, handbook.EntityCommTemplate, handbook.EntityService, handbook.EntityRisk, handbook.EntityMatrix,
		handbook.EntityProcess, handbook.EntitySite, handbook.EntitySupplier:
		return true
	}
	return false
}

// MarkReviewed records that a document was reviewed now and found
// unchanged, by the person named with SetAuthor: its next review falls
// due one interval later.
func (o *Ops) MarkReviewed(ctx context.Context, e handbook.Entity, id string) error {
	if !Reviewable(e) {
		return fmt.Errorf("mark %s reviewed: not a document that is reviewed", e)
	}
	_, err := o.RecordReview(ctx, RecordReview{Doc: handbook.DocRef{Kind: e, ID: id}, Reviewer: o.st.Author(),
		Result: handbook.ReviewUnchanged})
	return err
}
