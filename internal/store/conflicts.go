package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
)

// ErrConflictGone: the conflict was resolved already, here or on another
// device.
var ErrConflictGone = errors.New("conflict already resolved")

// Conflict kinds.
const (
	// ConflictValue: two devices changed the same field concurrently; the
	// greater change is in effect, the other is kept here.
	ConflictValue = "value"
	// ConflictDeleted: a record deleted on one device was edited later on
	// another that had not seen the deletion; the record stays, the
	// deletion is kept here (Field is "deleted", Other.Value true).
	ConflictDeleted = "deleted"
)

// Side is one of the two values of a conflict.
type Side struct {
	// Value is the field's JSON value; null when empty.
	Value  json.RawMessage
	Device string
	HLC    hlc.Timestamp
	// Mine: the value was written on this device.
	Mine bool
}

// At is when the value was written, by its device's clock.
func (sd Side) At() time.Time { return sd.HLC.Time() }

// Conflict is an open conflict of one field of a live record.
type Conflict struct {
	Entity handbook.Entity
	ID     string
	Field  string
	Label  string
	Kind   string
	// Current is the value in effect; Other the value that lost.
	Current Side
	Other   Side
}

// Choice says how a conflict is resolved.
type Choice int

// The ways to resolve a conflict.
const (
	KeepCurrent Choice = iota // keep the value in effect
	KeepOther                 // take the value that lost
	UseMerged                 // take a value written by a person
)

// Conflicts lists the open conflicts of live records, by record and field.
// Every device that has applied the same changes lists the same conflicts.
func (s *Store) Conflicts(ctx context.Context) ([]Conflict, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT c.entity, c.id, c.field, c.hlc, c.device, c.kind, c.value, r.data, r.label,
			coalesce(fv.hlc, 0), coalesce(fv.device, '')
		FROM conflicts c JOIN records r ON r.entity = c.entity AND r.id = c.id
		LEFT JOIN field_versions fv ON fv.entity = c.entity AND fv.id = c.id AND fv.field = c.field
		WHERE r.deleted = 0
		ORDER BY c.entity, r.label, c.id, c.field, c.hlc, c.device`)
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	var out []Conflict
	for rows.Next() {
		var c Conflict
		var other, data string
		if err := rows.Scan(&c.Entity, &c.ID, &c.Field, &c.Other.HLC, &c.Other.Device, &c.Kind, &other, &data, &c.Label,
			&c.Current.HLC, &c.Current.Device); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list conflicts: %w", err)
		}
		fields, err := splitFields([]byte(data))
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list conflicts: %s %s unreadable: %w", c.Entity, c.ID, err)
		}
		c.Other.Value = json.RawMessage(other)
		c.Current.Value = fields[c.Field]
		if c.Current.Value == nil {
			c.Current.Value = json.RawMessage("null")
		}
		if c.Kind == ConflictValue && bytes.Equal(c.Current.Value, c.Other.Value) {
			continue // a later local edit wrote the same value
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	for i := range out {
		c := &out[i]
		if c.Kind == ConflictDeleted {
			v, err := newestEdit(ctx, s.r, c.Entity, c.ID)
			if err != nil {
				return nil, fmt.Errorf("list conflicts: %w", err)
			}
			c.Current.HLC, c.Current.Device = v.HLC, v.Device
		}
		c.Current.Mine = c.Current.Device == s.device
		c.Other.Mine = c.Other.Device == s.device
	}
	return out, nil
}

// ConflictCount is the number of open conflicts.
func (s *Store) ConflictCount(ctx context.Context) (int, error) {
	cs, err := s.Conflicts(ctx)
	return len(cs), err
}

// ResolveConflict settles a conflict as a local change that syncs: the
// chosen value is written on top of both sides, so every device that
// receives it closes the same conflict. merged is the value for UseMerged
// (JSON; null empties the field). A conflict resolved meanwhile gives
// ErrConflictGone.
func (s *Store) ResolveConflict(ctx context.Context, c Conflict, choice Choice, merged json.RawMessage) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var kind, other string
		err := tx.QueryRowContext(ctx, `SELECT kind, value FROM conflicts WHERE entity = ? AND id = ? AND field = ? AND hlc = ? AND device = ?`,
			c.Entity, c.ID, c.Field, int64(c.Other.HLC), c.Other.Device).Scan(&kind, &other)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrConflictGone
		}
		if err != nil {
			return err
		}
		data, _, _, err := s.readFields(ctx, tx, c.Entity, c.ID)
		if err != nil {
			return err
		}
		var value json.RawMessage
		switch choice {
		case KeepCurrent:
			value = data[c.Field]
			if value == nil {
				value = json.RawMessage("null")
			}
		case KeepOther:
			value = json.RawMessage(other)
		case UseMerged:
			if value, err = fitValue(c.Entity, c.Field, merged); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown choice %d", choice)
		}
		var cur Version
		err = tx.QueryRowContext(ctx, `SELECT hlc, device FROM field_versions WHERE entity = ? AND id = ? AND field = ?`,
			c.Entity, c.ID, c.Field).Scan(&cur.HLC, &cur.Device)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if kind == ConflictValue {
			if err := s.writeLocal(ctx, tx, c.Entity, c.ID, c.Field, value, Version{c.Other.HLC, c.Other.Device}); err != nil {
				return err
			}
		}
		if err := s.writeLocal(ctx, tx, c.Entity, c.ID, c.Field, value, cur); err != nil {
			return err
		}
		m := s.newMerge()
		defer m.close()
		return m.refresh(ctx, tx, c.Entity, c.ID, map[string]bool{c.Field: true})
	})
	if err != nil {
		return fmt.Errorf("resolve conflict of %s %q field %s: %w", c.Entity, c.Label, c.Field, err)
	}
	return nil
}

// writeLocal adds one change made here to the outbox.
func (s *Store) writeLocal(ctx context.Context, tx *sql.Tx, e handbook.Entity, id, field string, value json.RawMessage, base Version) error {
	ts, edit, err := s.stamp(ctx, tx)
	if err != nil {
		return err
	}
	if ts, err = s.aboveKnown(ctx, tx, e, id, field, ts); err != nil {
		return err
	}
	_, err = tx.StmtContext(ctx, s.stmts.outbox).ExecContext(ctx, e, id, field, string(value), int64(ts), s.device, int64(base.HLC), base.Device, int64(edit))
	return err
}

// aboveKnown is ts, or just above every version of the field this laptop
// knows (and, for a deletion, of every field of the record), whichever is
// greater. The clock itself never runs more than a day past the wall
// clock (a laptop whose clock is years ahead cannot drag it along), so a
// field that laptop wrote may carry a reading beyond it; a change made
// here after seeing that value must still order after it, or another
// laptop would let the old value win over the newer edit.
func (s *Store) aboveKnown(ctx context.Context, tx *sql.Tx, e handbook.Entity, id, field string, ts hlc.Timestamp) (hlc.Timestamp, error) {
	all := 0
	if field == "deleted" {
		all = 1
	}
	var known sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT max(h) FROM (
			SELECT hlc AS h FROM field_versions WHERE entity = ? AND id = ? AND (field = ? OR ? = 1)
			UNION ALL SELECT hlc FROM conflicts WHERE entity = ? AND id = ? AND field = ?
			UNION ALL SELECT hlc FROM outbox WHERE entity = ? AND id = ? AND field = ?)`,
		e, id, field, all, e, id, field, e, id, field).Scan(&known)
	if err != nil {
		return 0, err
	}
	if k := hlc.Timestamp(known.Int64); k >= ts {
		ts = k.Next()
	}
	return ts, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// newestEdit is the greatest version among a record's fields other than
// its deletion.
func newestEdit(ctx context.Context, q queryer, e handbook.Entity, id string) (Version, error) {
	var v Version
	err := q.QueryRowContext(ctx, `SELECT hlc, device FROM field_versions WHERE entity = ? AND id = ? AND field <> 'deleted'
		ORDER BY hlc DESC, device DESC LIMIT 1`, e, id).Scan(&v.HLC, &v.Device)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, nil
	}
	return v, err
}

// settleLocal decides anew the fields of a record just changed here that
// every other laptop would decide differently from the plain write: a
// field with open conflicts (the new value may repeat a conflicting one,
// which then closes), and any field of a deleted record (a newer edit
// brings it back, with the deletion kept as a conflict). Receiving the
// change, the others settle the field from every change known of it, so
// the laptop that made it must too, or it keeps a conflict they closed.
// Other fields take the local value as the others will, and are left as
// they are.
func (s *Store) settleLocal(ctx context.Context, tx *sql.Tx, e handbook.Entity, id string, changed []string) error {
	if len(changed) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT field FROM conflicts WHERE entity = ? AND id = ?
		UNION SELECT '' FROM records WHERE entity = ? AND id = ? AND deleted = 1`, e, id, e, id)
	if err != nil {
		return err
	}
	open := map[string]bool{}
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			rows.Close()
			return err
		}
		open[f] = true
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	tomb := open[""]
	touched := map[string]bool{}
	for _, f := range changed {
		if unsyncedFields[f] || f == "created_at" {
			continue
		}
		if open[f] || (tomb && f != "deleted") {
			touched[f] = true
		}
	}
	if len(touched) == 0 {
		return nil
	}
	m := s.newMerge()
	defer m.close()
	return m.refresh(ctx, tx, e, id, touched)
}
