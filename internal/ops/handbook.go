package ops

import (
	"context"
	"encoding/json"

	"ernstfall/data"
	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// LoadDemo fills an empty handbook with the demo handbook, Nordlicht
// Commerce GmbH. It takes the demo's handbook ID, so that laptops that each
// loaded the demo can sync; a handbook that holds records already is
// refused (store.ErrNotEmpty) before anything is written. Each step is a
// transaction of its own; a crash between them leaves a handbook that is
// not empty, and the demo is loaded again into a new one.
func (o *Ops) LoadDemo(ctx context.Context) error {
	hb, err := data.Demo()
	if err != nil {
		return err
	}
	steps, err := data.History()
	if err != nil {
		return err
	}
	if err := o.st.AdoptHandbookID(ctx, data.HandbookID); err != nil {
		return err
	}
	// The demo's documents have a history: their earlier states are
	// written first, at their times and by their authors, so that their
	// revisions show. A clock set before those times loads the demo as
	// it is.
	now := o.now()
	for _, s := range steps {
		if s.At.After(now) {
			break
		}
		if _, err := o.st.ImportAt(ctx, s.Records, s.At, s.Author); err != nil {
			return err
		}
	}
	if _, err = o.st.Import(ctx, hb); err != nil {
		return err
	}
	// The demo's releases were made before approvers had keys.
	_, err = o.CheckReleases(ctx, true)
	return err
}

// ImportHandbook writes the records of a backup or a Markdown folder in
// one transaction, keeping their IDs and times, so that importing the same
// file twice or on two laptops gives the same records. It returns how many
// records changed.
func (o *Ops) ImportHandbook(ctx context.Context, hb handbook.Handbook, p Progress) (int, error) {
	report(p, StageSave, 0, 0)
	n, err := o.st.Import(ctx, hb)
	if err != nil {
		return n, err
	}
	// Releases of a handbook from before approvers had keys are kept as
	// they were, into a handbook without approver keys; otherwise each is
	// checked.
	_, err = o.CheckReleases(ctx, true)
	return n, err
}

// ReadFolder reads a Markdown folder for import: one Ernstfall wrote, or
// plain Markdown playbooks, which are matched to the handbook's playbooks
// by title so that importing the folder again updates them.
func (o *Ops) ReadFolder(ctx context.Context, dir string, p Progress) (handbook.Handbook, error) {
	report(p, StageRead, 0, 0)
	hb, ours, err := exchange.ReadFolder(ctx, dir)
	if err != nil || ours {
		return hb, err
	}
	report(p, StageCompare, 0, 0)
	existing, err := store.List[handbook.Playbook](ctx, o.st)
	if err != nil {
		return hb, err
	}
	hb.Playbooks = exchange.MatchPlaybooks(hb.Playbooks, existing, o.now())
	return hb, nil
}

// SaveLocal stores a setting of this laptop, never synced: the shared
// folder, the device name, whether the welcome was seen.
func (o *Ops) SaveLocal(ctx context.Context, key, value string) error {
	return o.st.SetMeta(ctx, key, value)
}

// ResolveConflict settles a sync conflict as a change that syncs, so that
// every laptop closes it alike. A conflict settled meanwhile, here or on
// another laptop, gives store.ErrConflictGone.
func (o *Ops) ResolveConflict(ctx context.Context, c store.Conflict, choice store.Choice, merged json.RawMessage) error {
	return o.st.ResolveConflict(ctx, c, choice, merged)
}
