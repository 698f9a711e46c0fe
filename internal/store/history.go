package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
)

// SettingsEntity is the kind of the one record that holds the handbook's
// settings, as the history names it.
const SettingsEntity = settingsEntity

// FieldChange is one change of one field of a record, made on this laptop
// or received from another. The history of the handbook is made of them:
// the changes sync keeps anyway.
type FieldChange struct {
	Entity handbook.Entity
	ID     string
	Field  string
	// Label is the record's name as it is now.
	Label string
	// Version is the change's clock reading and the laptop that made it.
	Version
	// Base is the change it replaced, as its author saw the field; zero
	// when the field was empty.
	Base Version
	// Old is the value its author replaced, New the value written (JSON;
	// null for an empty field). Old is what the author saw, whatever order
	// the changes arrived in here.
	Old, New json.RawMessage
	// OldUnknown: the replaced change never reached this laptop; Old is
	// null.
	OldUnknown bool
	// Concurrent: another change of the field lies between the one replaced
	// and this one. Its author had not seen it: two laptops changed the
	// field at the same time, and one of the values may wait as a conflict.
	Concurrent bool
	// Created: the change is part of the record's first edit.
	Created bool
	// Local: made on this laptop.
	Local bool
	// Gone: the record is deleted now.
	Gone bool
	// Edit names the save the change belongs to (0: unknown, a change
	// of an older Ernstfall); Author the person who made it, when known.
	Edit   hlc.Timestamp
	Author string
}

// At is when the change was made, by its laptop's clock.
func (c FieldChange) At() time.Time { return c.HLC.Time() }

// HistoryQuery selects changes; the zero value selects every change.
type HistoryQuery struct {
	Entity handbook.Entity
	ID     string
	Field  string
	Device string
	// Since and Until bound the time of the change (inclusive); zero is open.
	Since, Until time.Time
	// Before continues a listing: only changes older than this version.
	Before Version
	// Limit is the most changes returned; 0 means all.
	Limit int
}

// History lists changes, newest first (by clock, then laptop), so every
// laptop that knows the same changes lists them alike.
func (s *Store) History(ctx context.Context, q HistoryQuery) ([]FieldChange, error) {
	var where []string
	var args []any
	if q.Entity != "" {
		where, args = append(where, "entity = ?"), append(args, q.Entity)
	}
	if q.ID != "" {
		where, args = append(where, "id = ?"), append(args, q.ID)
	}
	if q.Field != "" {
		where, args = append(where, "field = ?"), append(args, q.Field)
	}
	if q.Device != "" {
		where, args = append(where, "device = ?"), append(args, q.Device)
	}
	if !q.Since.IsZero() {
		where, args = append(where, "hlc >= ?"), append(args, int64(hlc.New(q.Since.UnixMilli(), 0)))
	}
	if !q.Until.IsZero() {
		where, args = append(where, "hlc <= ?"), append(args, int64(cutoff(q.Until)))
	}
	if !q.Before.IsZero() {
		where, args = append(where, "(hlc < ? OR (hlc = ? AND device < ?))"), append(args, int64(q.Before.HLC), int64(q.Before.HLC), q.Before.Device)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	query := `SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit FROM outbox` + cond +
		` UNION ALL SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit FROM sync_changes` + cond +
		` ORDER BY 5 DESC, 6 DESC`
	all := append(append([]any{}, args...), args...)
	if q.Limit > 0 {
		query += ` LIMIT ?`
		all = append(all, q.Limit)
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, query, all...)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	var out []FieldChange
	for rows.Next() {
		var c FieldChange
		var value string
		if err := rows.Scan(&c.Entity, &c.ID, &c.Field, &value, &c.HLC, &c.Device, &c.Base.HLC, &c.Base.Device, &c.Edit); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read history: %w", err)
		}
		c.New = json.RawMessage(value)
		c.Local = c.Device == s.device
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	h := historyReader{tx: tx, labels: map[recKey]recordName{}, created: map[recKey]map[Version]bool{}, authors: map[Version]string{}}
	for i := range out {
		if err := h.complete(ctx, &out[i]); err != nil {
			return nil, fmt.Errorf("read history: %w", err)
		}
	}
	return out, nil
}

// historyReader fills in what a change does not carry itself, with a cache
// per record.
type historyReader struct {
	tx      *sql.Tx
	labels  map[recKey]recordName
	created map[recKey]map[Version]bool
	// authors caches the edits' authors by (edit, device).
	authors map[Version]string
}

// author names the person who made the edit, "" when unknown.
func (h *historyReader) author(ctx context.Context, device string, edit hlc.Timestamp) (string, error) {
	if edit == 0 {
		return "", nil
	}
	k := Version{HLC: edit, Device: device}
	if a, ok := h.authors[k]; ok {
		return a, nil
	}
	var a string
	err := h.tx.QueryRowContext(ctx, `SELECT author FROM edits WHERE device = ? AND edit = ?`, device, int64(edit)).Scan(&a)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	h.authors[k] = a
	return a, nil
}

// recordName is a record's name and whether it is deleted now.
type recordName struct {
	label string
	gone  bool
}

// creation returns the changes of a record's first edit: from its first
// change on, the changes of the same laptop that set a field for the first
// time, each within a moment of the one before, up to a deletion.
func (h *historyReader) creation(ctx context.Context, e handbook.Entity, id string) (map[Version]bool, error) {
	rows, err := h.tx.QueryContext(ctx, `SELECT field, hlc, device, base_hlc, base_device, edit FROM (`+allChanges+`) WHERE entity = ? AND id = ? ORDER BY hlc, device`, e, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[Version]bool{}
	var prev Version
	var first hlc.Timestamp
	for rows.Next() {
		var field string
		var v, base Version
		var edit hlc.Timestamp
		if err := rows.Scan(&field, &v.HLC, &v.Device, &base.HLC, &base.Device, &edit); err != nil {
			return nil, err
		}
		if len(out) == 0 {
			first = edit
		}
		// The save that made the record, when the changes name it; else
		// the changes that follow the first within a moment. A deletion
		// is an edit of its own, however soon it follows.
		if len(out) > 0 && (v.Device != prev.Device || !base.IsZero() || field == "deleted" ||
			(first != 0 && edit != first) ||
			(first == 0 && time.Duration(v.HLC.WallMillis()-prev.HLC.WallMillis())*time.Millisecond >= sameSave)) {
			break
		}
		out[v] = true
		prev = v
	}
	return out, rows.Err()
}

// sameEdit is how close two changes of one laptop to one record must be to
// count as one edit in a listing; sameSave how close two changes must
// follow each other to belong to a record's first save (the fields of one
// save get their clock readings within microseconds of each other).
const (
	sameEdit = 2 * time.Second
	sameSave = 100 * time.Millisecond
)

const allChanges = `SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit FROM outbox
	UNION ALL SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit FROM sync_changes`

func (h *historyReader) complete(ctx context.Context, c *FieldChange) error {
	k := recKey{c.Entity, c.ID}
	rec, ok := h.labels[k]
	if !ok {
		err := h.tx.QueryRowContext(ctx, `SELECT label, deleted FROM records WHERE entity = ? AND id = ?`, c.Entity, c.ID).Scan(&rec.label, &rec.gone)
		if errors.Is(err, sql.ErrNoRows) {
			rec.gone = true
		} else if err != nil {
			return err
		}
		h.labels[k] = rec
	}
	c.Label, c.Gone = rec.label, rec.gone
	created, ok := h.created[k]
	if !ok {
		var err error
		if created, err = h.creation(ctx, c.Entity, c.ID); err != nil {
			return err
		}
		h.created[k] = created
	}
	c.Created = created[c.Version]
	author, err := h.author(ctx, c.Device, c.Edit)
	if err != nil {
		return err
	}
	c.Author = author
	c.Old = json.RawMessage("null")
	if !c.Base.IsZero() {
		var old string
		err := h.tx.QueryRowContext(ctx, `SELECT value FROM (`+allChanges+`) WHERE entity = ? AND id = ? AND field = ? AND hlc = ? AND device = ? LIMIT 1`,
			c.Entity, c.ID, c.Field, int64(c.Base.HLC), c.Base.Device).Scan(&old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			c.OldUnknown = true
		case err != nil:
			return err
		default:
			c.Old = json.RawMessage(old)
		}
	}
	var between int
	err = h.tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+allChanges+`) WHERE entity = ? AND id = ? AND field = ?
		AND (hlc > ? OR (hlc = ? AND device > ?)) AND (hlc < ? OR (hlc = ? AND device < ?))`,
		c.Entity, c.ID, c.Field, int64(c.Base.HLC), int64(c.Base.HLC), c.Base.Device, int64(c.HLC), int64(c.HLC), c.Device).Scan(&between)
	if err != nil {
		return err
	}
	c.Concurrent = between > 0
	return nil
}

// cutoff is the greatest clock reading of the millisecond t falls in: a
// time bound that includes every change stamped at t.
func cutoff(t time.Time) hlc.Timestamp {
	return hlc.New(t.UnixMilli(), 1<<16-1)
}

// EditGroup is the changes one laptop made to one record in one go.
type EditGroup struct {
	Entity handbook.Entity
	ID     string
	Label  string
	Device string
	Local  bool
	// At is the time of the newest change.
	At time.Time
	// Created: the edit made the record.
	Created bool
	// Author is the person who made the edit, when known.
	Author  string
	Changes []FieldChange
}

// GroupEdits gathers a listing's neighbouring changes of the same record
// by the same laptop and save into edits: exactly, by the save each
// change names, or, for changes of an older Ernstfall, when they were
// made within a moment of each other. A deletion (or bringing back) is
// always an edit of its own.
func GroupEdits(changes []FieldChange) []EditGroup {
	var out []EditGroup
	for _, c := range changes {
		if n := len(out); n > 0 {
			g := &out[n-1]
			last := g.Changes[len(g.Changes)-1]
			sameSave := last.Edit == c.Edit
			if last.Edit == 0 || c.Edit == 0 {
				sameSave = time.Duration(last.HLC.WallMillis()-c.HLC.WallMillis())*time.Millisecond < sameEdit
			}
			if g.Entity == c.Entity && g.ID == c.ID && g.Device == c.Device && g.Created == c.Created &&
				c.Field != "deleted" && last.Field != "deleted" && sameSave {
				g.Changes = append(g.Changes, c)
				continue
			}
		}
		out = append(out, EditGroup{Entity: c.Entity, ID: c.ID, Label: c.Label, Device: c.Device, Local: c.Local,
			At: c.At(), Created: c.Created, Author: c.Author, Changes: []FieldChange{c}})
	}
	return out
}

// Labels returns every record's name by its ID, deleted records included,
// so that a change referring to a record can name it.
func (s *Store) Labels(ctx context.Context) (map[string]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, label FROM records WHERE entity <> ?`, settingsEntity)
	if err != nil {
		return nil, fmt.Errorf("read names: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, label string
		if err := rows.Scan(&id, &label); err != nil {
			return nil, fmt.Errorf("read names: %w", err)
		}
		out[id] = label
	}
	return out, rows.Err()
}

// FindRecords returns the records (deleted ones included) whose ID is
// key, or else whose name is key (ignoring case); e narrows the kind
// when set.
func (s *Store) FindRecords(ctx context.Context, e handbook.Entity, key string) ([]Summary, error) {
	q := `SELECT entity, id, label, updated_at FROM records WHERE id = ? AND (? = '' OR entity = ?)`
	out, err := s.findRecords(ctx, q, key, e)
	if err != nil || len(out) > 0 {
		return out, err
	}
	return s.findRecords(ctx, `SELECT entity, id, label, updated_at FROM records WHERE label = ? COLLATE NOCASE AND (? = '' OR entity = ?)
		ORDER BY deleted, entity, id`, key, e)
}

func (s *Store) findRecords(ctx context.Context, q, key string, e handbook.Entity) ([]Summary, error) {
	rows, err := s.r.QueryContext(ctx, q, key, e, e)
	if err != nil {
		return nil, fmt.Errorf("find %q: %w", key, err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var sm Summary
		var upd string
		if err := rows.Scan(&sm.Entity, &sm.ID, &sm.Label, &upd); err != nil {
			return nil, fmt.Errorf("find %q: %w", key, err)
		}
		sm.UpdatedAt, _ = time.Parse(timeFormat, upd)
		out = append(out, sm)
	}
	return out, rows.Err()
}
