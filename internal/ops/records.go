package ops

import (
	"context"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// recPtr is the pointer type of a record type.
type recPtr[T any] interface {
	*T
	handbook.Item
}

// Save stores a record a person edited in a form: a new one (before nil,
// or without ID) is created; otherwise only the fields changed from before
// are written, so that changes other laptops made meanwhile survive (see
// store.Edit). On return after holds the record as stored.
//
// A contact's phone numbers that were typed or changed must be numbers
// (handbook.CheckPhones). A new contact counts as verified when it is
// created: whoever types a contact in has the details at hand.
func Save[T any, P recPtr[T]](ctx context.Context, o *Ops, before, after *T) error {
	if c, ok := any(after).(*handbook.Contact); ok {
		var was *handbook.Contact
		if before != nil {
			was = any(before).(*handbook.Contact)
		}
		if err := handbook.CheckPhones(*c, was); err != nil {
			return err
		}
		if (was == nil || was.ID == "") && c.LastVerifiedAt.IsZero() {
			c.LastVerifiedAt = o.now().UTC()
		}
	}
	return store.Edit[T, P](ctx, o.st, before, after)
}

// Delete deletes a record; it stays as a tombstone for sync and can be
// brought back with Undelete.
func (o *Ops) Delete(ctx context.Context, e handbook.Entity, id string) error {
	return o.st.Delete(ctx, e, id)
}

// Undelete brings a deleted record back.
func (o *Ops) Undelete(ctx context.Context, e handbook.Entity, id string) error {
	return o.st.Undelete(ctx, e, id)
}

// SaveSettings stores the handbook-wide settings after checking them
// (handbook.Settings.Validate): a refusal is a handbook.ValidationError
// naming the field and the value.
func (o *Ops) SaveSettings(ctx context.Context, st handbook.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return o.st.SaveSettings(ctx, st)
}
