package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"ernstfall/internal/handbook"
)

// Edit saves after as an edit of before, the record as the editor loaded
// it. Only the fields the person changed are written; fields that changed
// in the store meanwhile (a sync, another window) and that the person left
// alone keep their new value. A field both sides changed is concurrent: the
// person's value takes effect and the other is kept as an open conflict,
// on this laptop and on every other after the next sync. Nothing is lost.
//
// With before nil (a new record) Edit is Put. On return after holds the
// record as stored. Like Put, Edit joins w's transaction when w is a *Tx.
func Edit[T any, P ptr[T]](ctx context.Context, w Writer, before, after *T) error {
	item := P(after)
	if before == nil || P(before).Meta().ID == "" {
		return Put[T, P](ctx, w, after)
	}
	s := w.store()
	if err := validate(item); err != nil {
		return fmt.Errorf("save %s %q: %w", item.Entity(), item.Label(), err)
	}
	e, id := item.Entity(), P(before).Meta().ID
	item.Meta().ID = id
	return w.write(ctx, func(tx *sql.Tx) error {
		cur, created, exists, err := s.readFields(ctx, tx, e, id)
		if err != nil {
			return err
		}
		if !exists {
			_, err := s.put(ctx, tx, item, false)
			return err
		}
		bf, err := fieldsOf(P(before))
		if err != nil {
			return err
		}
		af, err := fieldsOf(item)
		if err != nil {
			return err
		}
		// Start from what is stored now and lay the person's changes on top.
		var edited []string
		merged := make(map[string]json.RawMessage, len(cur))
		for k, v := range cur {
			merged[k] = v
		}
		for _, f := range diff(bf, af) {
			if f == "created_at" {
				continue
			}
			edited = append(edited, f)
			if v, ok := af[f]; ok {
				merged[f] = v
			} else {
				delete(merged, f)
			}
		}
		if len(edited) == 0 {
			return decodeInto(cur, after)
		}
		data, err := json.Marshal(merged)
		if err != nil {
			return err
		}
		rec := P(new(T))
		if err := json.Unmarshal(data, rec); err != nil {
			return err
		}
		if err := validate(rec); err != nil {
			return fmt.Errorf("save %s %q together with the changes made meanwhile: %w", e, rec.Label(), err)
		}
		rec.Meta().CreatedAt = created
		rec.Meta().UpdatedAt = s.now().UTC()
		final, err := fieldsOf(rec)
		if err != nil {
			return err
		}
		changed := diff(cur, final)
		var concurrent []string
		for _, f := range changed {
			if f == "updated_at" {
				continue
			}
			base, err := s.versionOf(ctx, tx, e, id, f)
			if err != nil {
				return err
			}
			if contains(edited, f) && !bytes.Equal(nullable(cur[f]), nullable(bf[f])) {
				// Changed here and meanwhile elsewhere: this change is made
				// on top of the value the person saw.
				if base, err = s.versionWithValue(ctx, tx, e, id, f, nullable(bf[f])); err != nil {
					return err
				}
				concurrent = append(concurrent, f)
			}
			if err := s.writeLocal(ctx, tx, e, id, f, nullable(final[f]), base); err != nil {
				return err
			}
		}
		if err := s.setVersions(ctx, tx, e, id); err != nil {
			return err
		}
		raw, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		fields, _ := splitFields(raw)
		if err := s.writeRow(ctx, tx, e, id, raw, rec.Label(), rec.Meta().Deleted, created, rec.Meta().UpdatedAt, searchText(fields)); err != nil {
			return err
		}
		// Deleted meanwhile: the merge decides whether this newer edit brings
		// the record back (with the deletion kept as a conflict).
		if !bytes.Equal(nullable(cur["deleted"]), nullable(bf["deleted"])) && !contains(edited, "deleted") {
			concurrent = append(concurrent, "deleted")
		}
		if len(concurrent) > 0 {
			m := s.newMerge()
			defer m.close()
			touched := map[string]bool{}
			for _, f := range concurrent {
				touched[f] = true
			}
			if err := m.refresh(ctx, tx, e, id, touched); err != nil {
				return err
			}
		}
		if err := s.settleLocal(ctx, tx, e, id, changed); err != nil {
			return err
		}
		stored, _, _, err := s.readFields(ctx, tx, e, id)
		if err != nil {
			return err
		}
		return decodeInto(stored, after)
	})
}

func fieldsOf(it any) (map[string]json.RawMessage, error) {
	data, err := json.Marshal(it)
	if err != nil {
		return nil, err
	}
	return splitFields(data)
}

func decodeInto(fields map[string]json.RawMessage, dst any) error {
	data, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, dst)
}

func nullable(v json.RawMessage) json.RawMessage {
	if v == nil {
		return json.RawMessage("null")
	}
	return v
}

func contains(list []string, s string) bool {
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}

// versionOf is the version of a field's current value.
func (s *Store) versionOf(ctx context.Context, tx *sql.Tx, e handbook.Entity, id, field string) (Version, error) {
	var v Version
	err := tx.QueryRowContext(ctx, `SELECT hlc, device FROM field_versions WHERE entity = ? AND id = ? AND field = ?`, e, id, field).Scan(&v.HLC, &v.Device)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, nil
	}
	return v, err
}

// versionWithValue is the newest known change that gave a field this value
// (zero when none did): the version a person saw when they loaded it.
func (s *Store) versionWithValue(ctx context.Context, tx *sql.Tx, e handbook.Entity, id, field string, value json.RawMessage) (Version, error) {
	var v Version
	err := tx.QueryRowContext(ctx, `SELECT hlc, device FROM (
			SELECT hlc, device, value FROM sync_changes WHERE entity = ? AND id = ? AND field = ?
			UNION ALL SELECT hlc, device, value FROM outbox WHERE entity = ? AND id = ? AND field = ?)
		WHERE json(value) = json(?) ORDER BY hlc DESC, device DESC LIMIT 1`,
		e, id, field, e, id, field, string(value)).Scan(&v.HLC, &v.Device)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, nil
	}
	return v, err
}

// setVersions points each field's version at its newest local change.
func (s *Store) setVersions(ctx context.Context, tx *sql.Tx, e handbook.Entity, id string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO field_versions(entity, id, field, hlc, device)
		SELECT entity, id, field, max(hlc), device FROM outbox WHERE entity = ? AND id = ? AND device = ? GROUP BY field
		ON CONFLICT(entity, id, field) DO UPDATE SET hlc = excluded.hlc, device = excluded.device
		WHERE excluded.hlc > field_versions.hlc`, e, id, s.device)
	return err
}
