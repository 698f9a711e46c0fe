package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"ernstfall/internal/handbook"
)

const timeFormat = time.RFC3339Nano

// Fields that are not synced one by one: the ID names the record, and
// updated_at follows from the changes themselves.
var unsyncedFields = map[string]bool{"id": true, "updated_at": true}

// settingsEntity holds the handbook-wide settings as one record, so they
// sync field by field like everything else.
const (
	settingsEntity = handbook.EntitySettings
	settingsID     = handbook.SettingsID
)

// newItem returns an empty record of the entity's type.
func newItem(e handbook.Entity) (handbook.Item, error) { return handbook.NewItem(e) }

// ptr is the pointer type of a record type.
type ptr[T any] interface {
	*T
	handbook.Item
}

func entityOf[T any, P ptr[T]]() handbook.Entity {
	var zero T
	return P(&zero).Entity()
}

// Get returns the live record with that ID, or ErrNotFound. Read from a
// *Tx, it sees what the transaction wrote so far.
func Get[T any, P ptr[T]](ctx context.Context, r Reader, id string) (T, error) {
	var out T
	e := entityOf[T, P]()
	var data string
	err := r.queryRow(ctx, `SELECT data FROM records WHERE entity = ? AND id = ? AND deleted = 0 AND NOT `+releaseHeld, e, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return out, fmt.Errorf("get %s %s: %w", e, id, ErrNotFound)
	}
	if err != nil {
		return out, fmt.Errorf("get %s %s: %w", e, id, err)
	}
	if err := json.Unmarshal([]byte(data), &out); err != nil {
		return out, fmt.Errorf("get %s %s: stored record unreadable: %w", e, id, err)
	}
	return out, nil
}

// List returns every live record of a type, by label. Read from a *Tx, it
// sees what the transaction wrote so far.
func List[T any, P ptr[T]](ctx context.Context, r Reader) ([]T, error) {
	e := entityOf[T, P]()
	rows, err := r.query(ctx, `SELECT data FROM records WHERE entity = ? AND deleted = 0 AND NOT `+releaseHeld+` ORDER BY label COLLATE NOCASE, id`, e)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", e, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("list %s: %w", e, err)
		}
		var v T
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			return nil, fmt.Errorf("list %s: stored record unreadable: %w", e, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Summary is what a list shows of a record without loading it whole.
type Summary struct {
	Entity    handbook.Entity
	ID        string
	Label     string
	UpdatedAt time.Time
}

// Summaries lists the live records of an entity, by label, without their bodies.
func (s *Store) Summaries(ctx context.Context, e handbook.Entity) ([]Summary, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, label, updated_at FROM records WHERE entity = ? AND deleted = 0 ORDER BY label COLLATE NOCASE, id`, e)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", e, err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		sm := Summary{Entity: e}
		var upd string
		if err := rows.Scan(&sm.ID, &sm.Label, &upd); err != nil {
			return nil, fmt.Errorf("list %s: %w", e, err)
		}
		sm.UpdatedAt, _ = time.Parse(timeFormat, upd)
		out = append(out, sm)
	}
	return out, rows.Err()
}

// Put creates or updates a record after validating it. A new record gets an
// ID; CreatedAt and UpdatedAt are set. Each changed field goes to the outbox
// in the same transaction: w's own (a *Tx), or a new one (a *Store).
// Saving an unchanged record changes nothing.
func Put[T any, P ptr[T]](ctx context.Context, w Writer, rec *T) error {
	item := P(rec)
	if err := validate(item); err != nil {
		return fmt.Errorf("save %s %q: %w", item.Entity(), item.Label(), err)
	}
	s := w.store()
	return w.write(ctx, func(tx *sql.Tx) error {
		_, err := s.put(ctx, tx, item, false)
		return err
	})
}

// Delete turns a record into a tombstone: hidden everywhere, kept for sync.
func (s *Store) Delete(ctx context.Context, e handbook.Entity, id string) error {
	return s.setDeleted(ctx, s, e, id, true)
}

// Undelete brings a deleted record back (undo).
func (s *Store) Undelete(ctx context.Context, e handbook.Entity, id string) error {
	return s.setDeleted(ctx, s, e, id, false)
}

func (s *Store) setDeleted(ctx context.Context, w Writer, e handbook.Entity, id string, deleted bool) error {
	return w.write(ctx, func(tx *sql.Tx) error {
		item, err := loadItem(ctx, tx, e, id)
		if err != nil {
			return fmt.Errorf("delete %s %s: %w", e, id, err)
		}
		if e == handbook.EntityLogEntry {
			return fmt.Errorf("delete %s %s: %w", e, id, ErrAppendOnly)
		}
		item.Meta().Deleted = deleted
		_, err = s.put(ctx, tx, item, false)
		return err
	})
}

// Import writes a whole handbook in one transaction, keeping the records'
// IDs and times, so that importing the same data twice, or on two laptops,
// yields the same records. Records and settings are validated first (see
// CheckImport); nothing is written when one is invalid. It returns how
// many records changed.
func (s *Store) Import(ctx context.Context, hb handbook.Handbook) (int, error) {
	items, seen, err := checkImport(hb)
	if err != nil {
		return 0, err
	}
	changed := 0
	err = s.tx(ctx, func(tx *sql.Tx) error {
		changed = 0
		if err := checkIDsFree(ctx, tx, seen); err != nil {
			return err
		}
		return s.holdIndex(ctx, tx, func() error {
			for _, it := range items {
				ok, err := s.put(ctx, tx, it, true)
				if err != nil {
					return fmt.Errorf("import %s %q (%s): %w", it.Entity(), it.Label(), it.Meta().ID, err)
				}
				if ok {
					changed++
				}
			}
			if !hb.Settings.IsZero() {
				ok, err := s.putSettings(ctx, tx, hb.Settings)
				if err != nil {
					return fmt.Errorf("import settings: %w", err)
				}
				if ok {
					changed++
				}
			}
			return nil
		})
	})
	return changed, err
}

// checkIDsFree refuses records whose ID a record of another kind holds:
// an ID names one record, whatever its kind (links, history and restore
// find records by it).
func checkIDsFree(ctx context.Context, tx *sql.Tx, items map[string]handbook.Item) error {
	if len(items) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT entity, id, label FROM records WHERE entity <> ?`, settingsEntity)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e handbook.Entity
		var id, label string
		if err := rows.Scan(&e, &id, &label); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if it, ok := items[id]; ok && it.Entity() != e {
			return fmt.Errorf("import %s %q (%s): %w: %s %q", it.Entity(), it.Label(), id, ErrIDTaken, e, label)
		}
	}
	return rows.Err()
}

// CheckImport checks every record of hb, and its settings, as Import does
// before it writes: a dry run finds what a real import would refuse. It
// cleans the records' text, as Import does.
func CheckImport(hb handbook.Handbook) error {
	_, _, err := checkImport(hb)
	return err
}

// checkImport checks hb's records and settings; it returns the records,
// and them by ID.
func checkImport(hb handbook.Handbook) ([]handbook.Item, map[string]handbook.Item, error) {
	var items []handbook.Item
	hb.EachItem(func(it handbook.Item) { items = append(items, it) })
	seen := make(map[string]handbook.Item, len(items))
	for _, it := range items {
		id := it.Meta().ID
		if id == "" {
			return nil, nil, fmt.Errorf("import %s %q: record has no id", it.Entity(), it.Label())
		}
		if first, ok := seen[id]; ok {
			return nil, nil, fmt.Errorf("import %s %q and %s %q (%s): %w",
				first.Entity(), first.Label(), it.Entity(), it.Label(), id, ErrIDTaken)
		}
		seen[id] = it
		if err := validate(it); err != nil {
			return nil, nil, fmt.Errorf("import %s %q (%s): %w", it.Entity(), it.Label(), it.Meta().ID, err)
		}
	}
	if err := hb.Settings.Validate(); err != nil {
		return nil, nil, fmt.Errorf("import settings: %w", err)
	}
	return items, seen, nil
}

// Load reads the whole handbook, tombstones included (use Live to drop them).
// Releases held back by their check (ReleaseCheck) are left out.
func (s *Store) Load(ctx context.Context) (handbook.Handbook, error) {
	var hb handbook.Handbook
	rows, err := s.r.QueryContext(ctx, `SELECT entity, data FROM records WHERE NOT `+releaseHeld+` ORDER BY entity, label COLLATE NOCASE, id`)
	if err != nil {
		return hb, fmt.Errorf("load handbook: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e, data string
		if err := rows.Scan(&e, &data); err != nil {
			return hb, fmt.Errorf("load handbook: %w", err)
		}
		if err := appendRecord(&hb, handbook.Entity(e), []byte(data)); err != nil {
			return hb, fmt.Errorf("load handbook: %w", err)
		}
	}
	return hb, rows.Err()
}

// Settings returns the handbook-wide settings.
func (s *Store) Settings(ctx context.Context) (handbook.Settings, error) {
	return readSettings(ctx, s)
}

func readSettings(ctx context.Context, r Reader) (handbook.Settings, error) {
	var st handbook.Settings
	var data string
	err := r.queryRow(ctx, `SELECT data FROM records WHERE entity = ? AND id = ?`, settingsEntity, settingsID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read settings: %w", err)
	}
	if err := json.Unmarshal([]byte(data), &st); err != nil {
		return st, fmt.Errorf("read settings: %w", err)
	}
	return st, nil
}

// SaveSettings stores the handbook-wide settings.
func (s *Store) SaveSettings(ctx context.Context, st handbook.Settings) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := s.putSettings(ctx, tx, st)
		return err
	})
}

func appendRecord(hb *handbook.Handbook, e handbook.Entity, data []byte) error {
	if e == settingsEntity {
		return json.Unmarshal(data, &hb.Settings)
	}
	it, err := newItem(e)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, it); err != nil {
		return fmt.Errorf("%s: stored record unreadable: %w", e, err)
	}
	hb.Add(it)
	return nil
}

// validate cleans the record's text (handbook.Clean: no control
// characters, no bidirectional overrides in names and numbers, "\n" line
// ends) and checks it. Every local write goes through it.
func validate(it handbook.Item) error {
	handbook.Clean(it)
	if it.Meta().Deleted {
		return nil
	}
	if v, ok := it.(interface{ Validate() error }); ok {
		return v.Validate()
	}
	return nil
}

// tx runs f in one write transaction and, once it is committed, tells the
// subscribers which records it changed.
func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	if s.readOnly {
		return ErrReadOnly
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.writeFailed("begin write", err)
	}
	defer tx.Rollback()
	s.notices.take() // what a failed transaction noted never happened
	s.edit = 0       // the transaction's changes make one new edit
	if err := f(tx); err != nil {
		s.notices.take()
		if errors.Is(classify(err), ErrDiskFull) {
			return s.writeFailed("write", err)
		}
		return err
	}
	changed := s.notices.take()
	if err := tx.Commit(); err != nil {
		return s.writeFailed("commit", err)
	}
	s.notices.publish(changed)
	return nil
}

func loadItem(ctx context.Context, tx *sql.Tx, e handbook.Entity, id string) (handbook.Item, error) {
	var data string
	err := tx.QueryRowContext(ctx, `SELECT data FROM records WHERE entity = ? AND id = ?`, e, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	it, err := newItem(e)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(data), it); err != nil {
		return nil, fmt.Errorf("stored record unreadable: %w", err)
	}
	return it, nil
}

// put writes one record inside tx. keepTimes keeps the record's own
// CreatedAt/UpdatedAt (imports); otherwise UpdatedAt is now. It reports
// whether anything changed.
func (s *Store) put(ctx context.Context, tx *sql.Tx, it handbook.Item, keepTimes bool) (bool, error) {
	return s.putItem(ctx, tx, it, keepTimes, false)
}

// putKeepingLog is put for bringing a deleted record back, incident log
// entries included: undoing their deletion restores them, it does not
// edit them.
func (s *Store) putKeepingLog(ctx context.Context, tx *sql.Tx, it handbook.Item) (bool, error) {
	return s.putItem(ctx, tx, it, false, true)
}

func (s *Store) putItem(ctx context.Context, tx *sql.Tx, it handbook.Item, keepTimes, undelete bool) (bool, error) {
	m := it.Meta()
	e := it.Entity()
	if m.ID == "" {
		m.ID = handbook.NewID()
	}
	old, oldCreated, exists, err := s.readFields(ctx, tx, e, m.ID)
	if err != nil {
		return false, err
	}
	now := s.now().UTC()
	switch {
	case exists && !keepTimes:
		m.CreatedAt = oldCreated
	case m.CreatedAt.IsZero():
		m.CreatedAt = now
	}
	if !keepTimes || m.UpdatedAt.IsZero() {
		m.UpdatedAt = now
	}
	data, err := json.Marshal(it)
	if err != nil {
		return false, err
	}
	fields, err := splitFields(data)
	if err != nil {
		return false, err
	}
	changed := diff(old, fields)
	if exists && len(changed) == 0 {
		return false, nil
	}
	if exists && e == handbook.EntityLogEntry && !(undelete && onlyUndelete(changed)) {
		return false, ErrAppendOnly
	}
	if err := s.recordChanges(ctx, tx, e, m.ID, changed, fields, exists); err != nil {
		return false, err
	}
	if err := s.writeRow(ctx, tx, e, m.ID, data, it.Label(), m.Deleted, m.CreatedAt, m.UpdatedAt, searchText(fields)); err != nil {
		return false, err
	}
	if !exists {
		return true, nil
	}
	return true, s.settleLocal(ctx, tx, e, m.ID, changed)
}

func (s *Store) putSettings(ctx context.Context, tx *sql.Tx, st handbook.Settings) (bool, error) {
	handbook.Clean(&st)
	old, _, _, err := s.readFields(ctx, tx, settingsEntity, settingsID)
	if err != nil {
		return false, err
	}
	data, err := json.Marshal(st)
	if err != nil {
		return false, err
	}
	fields, err := splitFields(data)
	if err != nil {
		return false, err
	}
	changed := diff(old, fields)
	if len(changed) == 0 {
		return false, nil
	}
	if err := s.recordChanges(ctx, tx, settingsEntity, settingsID, changed, fields, true); err != nil {
		return false, err
	}
	now := s.now().UTC()
	if err := s.writeRow(ctx, tx, settingsEntity, settingsID, data, "", false, now, now, ""); err != nil {
		return false, err
	}
	return true, s.settleLocal(ctx, tx, settingsEntity, settingsID, changed)
}

func (s *Store) readFields(ctx context.Context, tx *sql.Tx, e handbook.Entity, id string) (map[string]json.RawMessage, time.Time, bool, error) {
	var data, created string
	err := tx.StmtContext(ctx, s.stmts.read).QueryRowContext(ctx, e, id).Scan(&data, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return map[string]json.RawMessage{}, time.Time{}, false, nil
	}
	if err != nil {
		return nil, time.Time{}, false, err
	}
	fields, err := splitFields([]byte(data))
	if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("%s %s: stored record unreadable: %w", e, id, err)
	}
	t, _ := time.Parse(timeFormat, created)
	return fields, t, true, nil
}

func splitFields(data []byte) (map[string]json.RawMessage, error) {
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	return fields, nil
}

// diff returns the synced fields whose values differ, sorted.
func diff(old, cur map[string]json.RawMessage) []string {
	var out []string
	for k, v := range cur {
		if !unsyncedFields[k] && !bytes.Equal(old[k], v) {
			out = append(out, k)
		}
	}
	for k := range old {
		if _, ok := cur[k]; !ok && !unsyncedFields[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// recordChanges appends one outbox row per changed field, each with a new
// clock reading and the version it replaces, and moves the field versions on.
// A new record has no versions to look up.
func (s *Store) recordChanges(ctx context.Context, tx *sql.Tx, e handbook.Entity, id string, changed []string, fields map[string]json.RawMessage, exists bool) error {
	for _, f := range changed {
		var baseHLC int64
		var baseDevice string
		if exists {
			err := tx.StmtContext(ctx, s.stmts.fieldVersion).QueryRowContext(ctx, e, id, f).Scan(&baseHLC, &baseDevice)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		value := fields[f]
		if value == nil {
			value = json.RawMessage("null")
		}
		ts, edit, err := s.stamp(ctx, tx)
		if err != nil {
			return err
		}
		if exists {
			if ts, err = s.aboveKnown(ctx, tx, e, id, f, ts); err != nil {
				return err
			}
		}
		if _, err := tx.StmtContext(ctx, s.stmts.outbox).ExecContext(ctx, e, id, f, string(value), int64(ts), s.device, baseHLC, baseDevice, int64(edit)); err != nil {
			return err
		}
		if _, err := tx.StmtContext(ctx, s.stmts.setVersion).ExecContext(ctx, e, id, f, int64(ts), s.device); err != nil {
			return err
		}
	}
	return nil
}

// writeRow stores the record and keeps the search index in step: a
// tombstone leaves the index. Every write of a record goes through here,
// local or merged from another laptop, so that the commit announces it.
func (s *Store) writeRow(ctx context.Context, tx *sql.Tx, e handbook.Entity, id string, data []byte, label string, deleted bool, created, updated time.Time, text string) error {
	var rowid int64
	err := tx.StmtContext(ctx, s.stmts.upsert).QueryRowContext(ctx,
		e, id, string(data), label, deleted, created.UTC().Format(timeFormat), updated.UTC().Format(timeFormat)).Scan(&rowid)
	if err != nil {
		return err
	}
	s.notices.note(e, id)
	if s.held != nil {
		s.held.add(rowid, !deleted && e != settingsEntity, label, text)
		return nil
	}
	if _, err := tx.StmtContext(ctx, s.stmts.unindex).ExecContext(ctx, rowid); err != nil {
		return err
	}
	if deleted || e == settingsEntity {
		return nil
	}
	_, err = tx.StmtContext(ctx, s.stmts.index).ExecContext(ctx, rowid, indexForm(label), indexForm(text))
	return err
}

// heldIndex is the search entries of the records a transaction wrote,
// held back to be written together at its end (holdIndex).
type heldIndex struct {
	rows []heldRow
	// at is each record's place in rows: a record written twice keeps
	// its last entry.
	at map[int64]int
}

type heldRow struct {
	rowid       int64
	index       bool
	title, body string
}

func (h *heldIndex) add(rowid int64, index bool, label, text string) {
	r := heldRow{rowid: rowid, index: index}
	if index {
		r.title, r.body = indexForm(label), indexForm(text)
	}
	if i, ok := h.at[rowid]; ok {
		h.rows[i] = r
		return
	}
	h.at[rowid] = len(h.rows)
	h.rows = append(h.rows, r)
}

// holdIndex runs fn, which writes records in tx, with their search
// entries held back, and writes those in a few statements at the end. The
// full-text index writes out what it holds in memory before every
// statement of a transaction, so that a statement per record wrote a
// small piece of index per record and merged the pieces again and again:
// half of the time of importing a folder of playbooks.
func (s *Store) holdIndex(ctx context.Context, tx *sql.Tx, fn func() error) error {
	s.held = &heldIndex{at: map[int64]int{}}
	held := s.held
	err := fn()
	s.held = nil
	if err != nil {
		return err
	}
	const chunk = 300
	for rows := held.rows; len(rows) > 0; {
		n := min(len(rows), chunk)
		part := rows[:n]
		rows = rows[n:]
		ids := make([]any, 0, n)
		var vals []any
		for _, r := range part {
			ids = append(ids, r.rowid)
			if r.index {
				vals = append(vals, r.rowid, r.title, r.body)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...); err != nil {
			return err
		}
		if len(vals) == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO search(rowid, title, body) VALUES (?, ?, ?)`+
			strings.Repeat(", (?, ?, ?)", len(vals)/3-1), vals...); err != nil {
			return err
		}
	}
	return nil
}

// statements are the writer's prepared statements, reused by every write.
type statements struct {
	fieldVersion, outbox, setVersion, upsert, unindex, index, read *sql.Stmt
}

func (s *Store) prepare(ctx context.Context) error {
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&s.stmts.fieldVersion, `SELECT hlc, device FROM field_versions WHERE entity = ? AND id = ? AND field = ?`},
		{&s.stmts.outbox, `INSERT INTO outbox(entity, id, field, value, hlc, device, base_hlc, base_device, edit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.stmts.setVersion, `INSERT INTO field_versions(entity, id, field, hlc, device) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(entity, id, field) DO UPDATE SET hlc = excluded.hlc, device = excluded.device`},
		{&s.stmts.upsert, `INSERT INTO records(entity, id, data, label, deleted, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(entity, id) DO UPDATE SET data = excluded.data, label = excluded.label,
				deleted = excluded.deleted, created_at = excluded.created_at, updated_at = excluded.updated_at
			RETURNING rowid`},
		{&s.stmts.unindex, `DELETE FROM search WHERE rowid = ?`},
		{&s.stmts.index, `INSERT INTO search(rowid, title, body) VALUES (?, ?, ?)`},
		{&s.stmts.read, `SELECT data, created_at FROM records WHERE entity = ? AND id = ?`},
	} {
		st, err := s.w.PrepareContext(ctx, p.sql)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		*p.dst = st
	}
	return nil
}

// onlyUndelete reports whether the changed fields are the deletion and
// the update time alone.
func onlyUndelete(changed []string) bool {
	for _, f := range changed {
		if f != "deleted" && f != "updated_at" {
			return false
		}
	}
	return true
}

// writeFailed words a failed write: a full disk names the folder to free
// space in and says that nothing was changed (the transaction rolls back).
func (s *Store) writeFailed(step string, err error) error {
	err = classify(err)
	if errors.Is(err, ErrDiskFull) {
		return fmt.Errorf("%w: there is no room in %s for the change; nothing was changed — free some space there and try again (%v)",
			ErrDiskFull, filepath.Dir(s.path), errors.Unwrap(err))
	}
	return fmt.Errorf("%s: %w", step, err)
}
