package ops

import (
	"context"
	"fmt"
	"slices"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// SaveProcess stores a business process a person edited, as Save does,
// with the checks that need the rest of the handbook, made on the process
// as stored (with what other laptops changed meanwhile):
//   - an agreed RTO may not be longer than the MTPD its ratings give
//     under the handbook's BIA settings;
//   - a change of its dependencies may not close a cycle of processes.
//
// A refusal is a handbook.ValidationError naming the field and the
// values, like the record's own validation; nothing is written then.
func (o *Ops) SaveProcess(ctx context.Context, before, after *handbook.BusinessProcess) error {
	depsEdited := before == nil || !slices.Equal(before.DependsOn, after.DependsOn)
	return o.st.Update(ctx, func(tx *store.Tx) error {
		settings, err := tx.Settings(ctx)
		if err != nil {
			return err
		}
		if err := edit(ctx, o, tx, before, after); err != nil {
			return err
		}
		if err := after.ValidateWith(settings.BIA()); err != nil {
			return err
		}
		if !depsEdited {
			return nil
		}
		all, err := store.List[handbook.BusinessProcess](ctx, tx)
		if err != nil {
			return err
		}
		for _, c := range handbook.ProcessCycles(all) {
			if !slices.Contains(c, after.ID) {
				continue
			}
			byID := map[string]string{}
			for _, p := range all {
				byID[p.ID] = p.Name
			}
			names := make([]string, len(c))
			for i, id := range c {
				names[i] = byID[id]
			}
			return handbook.ProcessCycleProblem(names)
		}
		return nil
	})
}

// MarkKitChecked records that the emergency kit of a site was checked and
// complete now: its next check falls due one interval later.
func (o *Ops) MarkKitChecked(ctx context.Context, siteID string) error {
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		before, err := store.Get[handbook.Site](ctx, tx, siteID)
		if err != nil {
			return err
		}
		after := before
		after.KitCheckedAt = o.now()
		return edit(ctx, o, tx, &before, &after)
	})
	if err != nil {
		return fmt.Errorf("mark emergency kit checked: %w", err)
	}
	return nil
}

// MarkAssessed records that the impact assessment of a process was
// confirmed now, unchanged (the yearly review of the BIA); who assessed
// it stays as it was.
func (o *Ops) MarkAssessed(ctx context.Context, processID string) error {
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		before, err := store.Get[handbook.BusinessProcess](ctx, tx, processID)
		if err != nil {
			return err
		}
		after := before
		after.Impact = before.Impact.Clone()
		after.AssessedAt = o.now()
		return edit(ctx, o, tx, &before, &after)
	})
	if err != nil {
		return fmt.Errorf("mark impact assessment confirmed: %w", err)
	}
	return nil
}
