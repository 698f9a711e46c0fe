package store

import (
	"context"
	"encoding/json"
	"fmt"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
)

// Change is one field-level change from the outbox.
type Change struct {
	Seq    int64
	Entity handbook.Entity
	ID     string
	Field  string
	// Value is the field's new JSON value; null when the field was emptied.
	Value  json.RawMessage
	HLC    hlc.Timestamp
	Device string
	// BaseHLC and BaseDevice are the version the change replaced, as this
	// device saw it; zero for a field written for the first time.
	BaseHLC    hlc.Timestamp
	BaseDevice string
	// Edit names the save the change belongs to: the clock reading of the
	// save's first change, by the same device. 0 when unknown (a change
	// written by an older Ernstfall).
	Edit hlc.Timestamp
	// Author names the person who made the edit, when they gave a name.
	Author string
	// Batch is the number of the batch of Device that carried the change,
	// as far as this device knows it (0: not known). It travels in
	// snapshots and checkpoints, so that a device folding a checkpoint
	// knows which changes the checkpoint covers.
	Batch int64
}

// Unsent returns the outbox changes not yet marked sent, oldest first.
func (s *Store) Unsent(ctx context.Context) ([]Change, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, entity, id, field, value, hlc, o.device, base_hlc, base_device, o.edit, coalesce(e.author, '')
		FROM outbox o LEFT JOIN edits e ON e.device = o.device AND e.edit = o.edit AND o.edit <> 0
		WHERE sent = 0 ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var value string
		if err := rows.Scan(&c.Seq, &c.Entity, &c.ID, &c.Field, &value, &c.HLC, &c.Device, &c.BaseHLC, &c.BaseDevice, &c.Edit, &c.Author); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		c.Value = json.RawMessage(value)
		out = append(out, c)
	}
	return out, rows.Err()
}

// MarkSent marks every outbox change up to seq as sent.
func (s *Store) MarkSent(ctx context.Context, seq int64) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE outbox SET sent = 1 WHERE seq <= ? AND sent = 0`, seq); err != nil {
		return fmt.Errorf("mark outbox sent: %w", err)
	}
	return nil
}
