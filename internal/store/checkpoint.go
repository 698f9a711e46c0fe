package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// ExportCheckpoint returns what later merges still need of every change
// this device knows, its own sent ones included: per field only the heads
// (the change in effect and the open conflicts), and the batches they
// cover. A change that is not a head never becomes one again, whatever
// arrives later, so a device that starts from the checkpoint decides
// every field as one that knows every change, for every change made by a
// device that had applied the batches covered: such a change is stamped
// after all of them, and its base is a head.
func (s *Store) ExportCheckpoint(ctx context.Context) (Snapshot, error) {
	snap, err := s.appliedSnapshot(ctx)
	if err != nil {
		return snap, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT c.entity, c.id, c.field, c.value, c.hlc, c.device, c.base_hlc, c.base_device, c.edit, coalesce(e.author, '')
		FROM (SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit FROM sync_changes
			UNION ALL SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit FROM outbox WHERE sent = 1) c
		LEFT JOIN edits e ON e.device = c.device AND e.edit = c.edit AND c.edit <> 0
		WHERE NOT EXISTS (SELECT 1 FROM sync_folded f
			WHERE f.entity = c.entity AND f.id = c.id AND f.field = c.field AND f.hlc = c.hlc AND f.device = c.device)
		ORDER BY 1, 2, 3`)
	if err != nil {
		return snap, fmt.Errorf("export checkpoint: %w", err)
	}
	defer rows.Close()
	var group []Change
	flush := func() {
		if len(group) == 0 {
			return
		}
		all := make([]fieldChange, len(group))
		byVersion := make(map[Version]Change, len(group))
		for i, c := range group {
			v := Version{c.HLC, c.Device}
			all[i] = fieldChange{v: v, base: Version{c.BaseHLC, c.BaseDevice}, value: string(c.Value)}
			byVersion[v] = c
		}
		for _, h := range decide(all) {
			snap.Changes = append(snap.Changes, byVersion[h.v])
		}
		group = group[:0]
	}
	for rows.Next() {
		var c Change
		var value string
		if err := rows.Scan(&c.Entity, &c.ID, &c.Field, &value, &c.HLC, &c.Device, &c.BaseHLC, &c.BaseDevice, &c.Edit, &c.Author); err != nil {
			return snap, fmt.Errorf("export checkpoint: %w", err)
		}
		c.Value = json.RawMessage(value)
		if n := len(group); n > 0 && (group[n-1].Entity != c.Entity || group[n-1].ID != c.ID || group[n-1].Field != c.Field) {
			flush()
		}
		group = append(group, c)
	}
	if err := rows.Err(); err != nil {
		return snap, fmt.Errorf("export checkpoint: %w", err)
	}
	flush()
	return snap, nil
}

// foldKey names one change of one field.
type foldKey struct {
	fieldKey
	v Version
}

// fold notes, for every field the checkpoint holds, the changes known here
// that it covers and shows outdone, drops them from the merge, and marks
// the fields for settling again.
func (m *merge) fold(ctx context.Context, tx *sql.Tx, snap Snapshot) error {
	heads := map[fieldKey]map[Version]bool{}
	first := rowsOf(2, 0)
	for _, c := range snap.Changes {
		k := fieldKey{recKey{c.Entity, c.ID}, c.Field}
		if heads[k] == nil {
			heads[k] = map[Version]bool{}
		}
		heads[k][Version{c.HLC, c.Device}] = true
		if r := m.rec(k.recKey); !r.loaded {
			r.loaded = true
			first.add(c.Entity, c.ID)
		}
	}
	if err := m.load(ctx, tx, first); err != nil {
		return err
	}
	// This device's own changes in the batches the checkpoint covers.
	var top int64
	for _, seq := range snap.Applied[m.s.device] {
		top = max(top, seq)
	}
	own := map[foldKey]bool{}
	if top > 0 {
		var outboxTop int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(outbox_top), 0) FROM sync_applied WHERE device = ? AND seq <= ?`,
			m.s.device, top).Scan(&outboxTop); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT entity, id, field, hlc FROM outbox WHERE device = ? AND sent = 1 AND seq <= ?`, m.s.device, outboxTop)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k foldKey
			if err := rows.Scan(&k.entity, &k.id, &k.field, &k.v.HLC); err != nil {
				rows.Close()
				return err
			}
			k.v.Device = m.s.device
			own[k] = true
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	out := rowsOf(5, 0)
	for k, hs := range heads {
		r := m.rec(k.recKey)
		for i := range r.fields {
			f := &r.fields[i]
			if f.name != k.field {
				continue
			}
			kept := f.changes[:0]
			for _, c := range f.changes {
				covered := own[foldKey{k, c.v}] || c.v.Device != m.s.device && snap.FoldReceived
				if hs[c.v] || !covered {
					kept = append(kept, c)
					continue
				}
				out.add(r.entity, r.id, k.field, int64(c.v.HLC), c.v.Device)
				if r.have != nil {
					delete(r.have, fieldVersion{k.field, c.v})
				}
				r.count--
				r.touch(k.field)
			}
			f.changes = kept
		}
	}
	if len(out.vals) > 0 {
		m.folded = 2
	}
	return m.bulk(ctx, tx, `INSERT INTO sync_folded(entity, id, field, hlc, device) VALUES %s ON CONFLICT DO NOTHING`, out, nil)
}
