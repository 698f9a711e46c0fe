package ops

import (
	"context"
	"fmt"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// reviewable is a document with a review cycle.
type reviewable[T any] interface {
	*T
	handbook.Item
	ReviewCycle() *handbook.Review
}

// Reviewable reports whether records of the entity are documents that are
// reviewed (playbooks, templates, services, risks).
func Reviewable(e handbook.Entity) bool {
	switch e {
	case handbook.EntityPlaybook, handbook.EntityCommTemplate, handbook.EntityService, handbook.EntityRisk:
		return true
	}
	return false
}

// MarkReviewed records that a document was reviewed now: its next review
// falls due one interval later.
func (o *Ops) MarkReviewed(ctx context.Context, e handbook.Entity, id string) error {
	var err error
	switch e {
	case handbook.EntityPlaybook:
		err = markReviewed[handbook.Playbook](ctx, o, id)
	case handbook.EntityCommTemplate:
		err = markReviewed[handbook.CommTemplate](ctx, o, id)
	case handbook.EntityService:
		err = markReviewed[handbook.Service](ctx, o, id)
	case handbook.EntityRisk:
		err = markReviewed[handbook.RiskScenario](ctx, o, id)
	default:
		return fmt.Errorf("mark %s reviewed: not a document that is reviewed", e)
	}
	if err != nil {
		return fmt.Errorf("mark %s reviewed: %w", e, err)
	}
	return nil
}

func markReviewed[T any, P reviewable[T]](ctx context.Context, o *Ops, id string) error {
	return o.st.Update(ctx, func(tx *store.Tx) error {
		before, err := store.Get[T, P](ctx, tx, id)
		if err != nil {
			return err
		}
		after := before
		P(&after).ReviewCycle().LastReviewedAt = o.now()
		return edit[T, P](ctx, o, tx, &before, &after)
	})
}
