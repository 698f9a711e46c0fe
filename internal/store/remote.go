package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
)

// ErrNotEmpty: the handbook ID of a database that already holds records or
// local changes cannot be replaced.
var ErrNotEmpty = errors.New("this database already holds records; it can only join a shared folder of its own handbook")

// Version names one change of a field: its clock reading and its device.
// Versions are ordered by clock, then device, so every device orders them
// alike.
type Version struct {
	HLC    hlc.Timestamp
	Device string
}

// IsZero reports the version before a field's first change.
func (v Version) IsZero() bool { return v.HLC == 0 && v.Device == "" }

// Less orders versions: the greater one wins a field.
func (v Version) Less(o Version) bool {
	if v.HLC != o.HLC {
		return v.HLC < o.HLC
	}
	return v.Device < o.Device
}

// Batch is one batch of another device's changes, numbered by that device.
type Batch struct {
	Device  string
	Seq     int64
	Changes []Change
	// Hash names the batch file's bytes, so the device's next batch can
	// be checked to follow it.
	Hash string
	// Author names the person at the laptop that wrote the batch, as that
	// laptop signed it; nothing is decided by it.
	Author string
}

// ApplyResult says what ApplyRemote or ImportSnapshot did.
type ApplyResult struct {
	// Batches is the number of batches applied now (not before).
	Batches int
	// Changes is the number of changes new to this database.
	Changes int
	// Ignored lists, per batch, the changes refused as unreadable.
	Ignored []Ignored
	// Ahead names, per device, how far its newest change was stamped ahead
	// of this laptop's clock, when that is more than ClockTolerance: its
	// clock is wrong, and the times it records are too.
	Ahead map[string]time.Duration
}

// ClockTolerance is how far another laptop's clock may run ahead before a
// sync reports it.
const ClockTolerance = time.Hour

// Ignored counts the changes of one batch (Seq 0 for a snapshot) refused
// by ApplyRemote or ImportSnapshot, with the reason for the first: a file
// of a million bad changes is one message, not a million.
type Ignored struct {
	Device string
	Seq    int64
	Reason string
	Count  int
}

// ignore counts one refused change of the batch.
func (res *ApplyResult) ignore(device string, seq int64, reason string) {
	if n := len(res.Ignored); n > 0 && res.Ignored[n-1].Device == device && res.Ignored[n-1].Seq == seq {
		res.Ignored[n-1].Count++
		return
	}
	res.Ignored = append(res.Ignored, Ignored{Device: device, Seq: seq, Reason: reason, Count: 1})
}

// Applied returns, per device, the numbers of the batches applied here;
// this device's own entry lists the batches it wrote.
func (s *Store) Applied(ctx context.Context) (map[string]map[int64]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT device, seq FROM sync_applied`)
	if err != nil {
		return nil, fmt.Errorf("read applied batches: %w", err)
	}
	defer rows.Close()
	out := map[string]map[int64]bool{}
	for rows.Next() {
		var d string
		var seq int64
		if err := rows.Scan(&d, &seq); err != nil {
			return nil, fmt.Errorf("read applied batches: %w", err)
		}
		if out[d] == nil {
			out[d] = map[int64]bool{}
		}
		out[d][seq] = true
	}
	return out, rows.Err()
}

// MarkBatchSent records that this device wrote its outbox up to outboxSeq
// as its batch number batchSeq, a file whose bytes hash to hash.
func (s *Store) MarkBatchSent(ctx context.Context, outboxSeq, batchSeq int64, hash string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET sent = 1 WHERE seq <= ? AND sent = 0`, outboxSeq); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sync_applied(device, seq, applied_at, hash, outbox_top) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(device, seq) DO NOTHING`, s.device, batchSeq, s.now().UTC().Format(timeFormat), hash, outboxSeq)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark batch %d sent: %w", batchSeq, err)
	}
	return nil
}

// BatchHash is the hash recorded for a batch applied or written here; ""
// when the batch is unknown or came before hashes were kept.
func (s *Store) BatchHash(ctx context.Context, device string, seq int64) (string, error) {
	var h string
	err := s.r.QueryRowContext(ctx, `SELECT hash FROM sync_applied WHERE device = ? AND seq = ?`, device, seq).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read batch hash: %w", err)
	}
	return h, nil
}

// AdoptHandbookID makes this database part of an existing handbook when it
// joins its shared folder. Only a database without records and without
// local changes may do so; otherwise ErrNotEmpty.
func (s *Store) AdoptHandbookID(ctx context.Context, id string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM records) + (SELECT count(*) FROM outbox)`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrNotEmpty
		}
		_, err := tx.ExecContext(ctx, `UPDATE meta SET value = ? WHERE key = 'handbook_id'`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("join handbook %s: %w", id, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity and foreign key checks.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := s.w.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	rows, err := s.w.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	bad := rows.Next()
	rows.Close()
	if bad {
		return errors.New("foreign key check failed")
	}
	return nil
}

// ApplyRemote applies other devices' batches in one transaction. Batches
// applied before are passed over, so applying twice changes nothing. Each
// field ends with the newest value known (by clock, then device); values
// that lost to a concurrent change become conflicts.
func (s *Store) ApplyRemote(ctx context.Context, batches []Batch) (ApplyResult, error) {
	var res ApplyResult
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res = ApplyResult{}
		m := s.newMerge()
		defer m.close()
		at := s.now().UTC().Format(timeFormat)
		for _, b := range batches {
			var one int
			err := m.queryRow(ctx, tx, `SELECT 1 FROM sync_applied WHERE device = ? AND seq = ?`, b.Device, b.Seq).Scan(&one)
			if err == nil {
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err := m.ingest(ctx, tx, b.Seq, b.Changes, &res); err != nil {
				return err
			}
			if _, err := m.exec(ctx, tx, `INSERT INTO sync_applied(device, seq, applied_at, hash) VALUES (?, ?, ?, ?)`, b.Device, b.Seq, at, b.Hash); err != nil {
				return err
			}
			res.Batches++
		}
		return m.finish(ctx, tx)
	})
	if err != nil {
		return ApplyResult{}, fmt.Errorf("apply changes from the shared folder: %w", err)
	}
	return res, nil
}

// Snapshot is the whole handbook as the set of changes known to one
// device, with the batches it covers, so a new device can start from it
// instead of replaying every batch.
type Snapshot struct {
	Applied map[string][]int64
	Changes []Change
}

// ExportSnapshot returns every change this device knows, its own sent ones
// included, and the batches they cover.
func (s *Store) ExportSnapshot(ctx context.Context) (Snapshot, error) {
	snap := Snapshot{Applied: map[string][]int64{}}
	applied, err := s.Applied(ctx)
	if err != nil {
		return snap, err
	}
	for d, seqs := range applied {
		for seq := range seqs {
			snap.Applied[d] = append(snap.Applied[d], seq)
		}
		sort.Slice(snap.Applied[d], func(i, j int) bool { return snap.Applied[d][i] < snap.Applied[d][j] })
	}
	rows, err := s.r.QueryContext(ctx, `SELECT c.entity, c.id, c.field, c.value, c.hlc, c.device, c.base_hlc, c.base_device, c.edit, coalesce(e.author, '')
		FROM (SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit FROM sync_changes
			UNION ALL SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit FROM outbox WHERE sent = 1) c
		LEFT JOIN edits e ON e.device = c.device AND e.edit = c.edit AND c.edit <> 0
		ORDER BY 5, 6, 1, 2, 3`)
	if err != nil {
		return snap, fmt.Errorf("export snapshot: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Change
		var value string
		if err := rows.Scan(&c.Entity, &c.ID, &c.Field, &value, &c.HLC, &c.Device, &c.BaseHLC, &c.BaseDevice, &c.Edit, &c.Author); err != nil {
			return snap, fmt.Errorf("export snapshot: %w", err)
		}
		c.Value = json.RawMessage(value)
		snap.Changes = append(snap.Changes, c)
	}
	if err := rows.Err(); err != nil {
		return snap, fmt.Errorf("export snapshot: %w", err)
	}
	return snap, nil
}

// ImportSnapshot applies a snapshot in one transaction and records the
// batches it covers as applied.
func (s *Store) ImportSnapshot(ctx context.Context, snap Snapshot) (ApplyResult, error) {
	var res ApplyResult
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res = ApplyResult{}
		m := s.newMerge()
		defer m.close()
		if err := m.ingest(ctx, tx, 0, snap.Changes, &res); err != nil {
			return err
		}
		at := s.now().UTC().Format(timeFormat)
		for d, seqs := range snap.Applied {
			if d == s.device {
				continue
			}
			for _, seq := range seqs {
				r, err := m.exec(ctx, tx, `INSERT INTO sync_applied(device, seq, applied_at) VALUES (?, ?, ?)
					ON CONFLICT(device, seq) DO NOTHING`, d, seq, at)
				if err != nil {
					return err
				}
				if n, _ := r.RowsAffected(); n > 0 {
					res.Batches++
				}
			}
		}
		return m.finish(ctx, tx)
	})
	if err != nil {
		return ApplyResult{}, fmt.Errorf("apply snapshot: %w", err)
	}
	return res, nil
}

type recKey struct {
	entity handbook.Entity
	id     string
}

// merge collects the records touched by incoming changes within one
// transaction and recomputes them at the end.
type merge struct {
	s       *Store
	stmts   map[string]*sql.Stmt
	touched map[recKey]map[string]bool
	newest  hlc.Timestamp
}

func (s *Store) newMerge() *merge {
	return &merge{s: s, stmts: map[string]*sql.Stmt{}, touched: map[recKey]map[string]bool{}}
}

// ingest stores the changes not known yet and notes what they touch.
func (m *merge) ingest(ctx context.Context, tx *sql.Tx, seq int64, changes []Change, res *ApplyResult) error {
	stmt, err := m.stmt(ctx, tx, `INSERT INTO sync_changes(entity, id, field, hlc, device, base_hlc, base_device, value, edit)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return err
	}
	authors, err := m.stmt(ctx, tx, `INSERT INTO edits(device, edit, author) VALUES (?, ?, ?) ON CONFLICT(device, edit) DO NOTHING`)
	if err != nil {
		return err
	}
	var lastEdit Version
	for _, c := range changes {
		if c.Device == m.s.device {
			continue // this device's own change: in the outbox already
		}
		value, err := checkChange(c)
		if err != nil {
			dev := c.Device
			if seq == 0 {
				dev = "" // a snapshot: one count for the whole file
			}
			res.ignore(dev, seq, fmt.Sprintf("%s %s field %q: %v", c.Entity, c.ID, c.Field, err))
			continue
		}
		if ahead := c.HLC.Time().Sub(m.s.now()); ahead > ClockTolerance && ahead > res.Ahead[c.Device] {
			if res.Ahead == nil {
				res.Ahead = map[string]time.Duration{}
			}
			res.Ahead[c.Device] = ahead
		}
		r, err := stmt.ExecContext(ctx, c.Entity, c.ID, c.Field, int64(c.HLC), c.Device, int64(c.BaseHLC), c.BaseDevice, string(value), int64(c.Edit))
		if err != nil {
			return err
		}
		if a := cleanAuthor(c.Author); a != "" && c.Edit != 0 && (Version{c.Edit, c.Device}) != lastEdit {
			if _, err := authors.ExecContext(ctx, c.Device, int64(c.Edit), a); err != nil {
				return err
			}
			lastEdit = Version{c.Edit, c.Device}
		}
		if n, _ := r.RowsAffected(); n == 0 {
			continue
		}
		res.Changes++
		k := recKey{c.Entity, c.ID}
		if m.touched[k] == nil {
			m.touched[k] = map[string]bool{}
		}
		m.touched[k][c.Field] = true
		if c.HLC > m.newest {
			m.newest = c.HLC
		}
	}
	return nil
}

// finish recomputes every touched record and moves the clock past the
// newest change seen, so local edits made afterwards order after it.
func (m *merge) finish(ctx context.Context, tx *sql.Tx) error {
	m.s.clock.Observe(m.newest)
	keys := make([]recKey, 0, len(m.touched))
	for k := range m.touched {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].entity != keys[j].entity {
			return keys[i].entity < keys[j].entity
		}
		return keys[i].id < keys[j].id
	})
	for _, k := range keys {
		if err := m.refresh(ctx, tx, k.entity, k.id, m.touched[k]); err != nil {
			return fmt.Errorf("%s %s: %w", k.entity, k.id, err)
		}
	}
	return nil
}

// itemFor returns an empty value of the entity's type, settings included.
func itemFor(e handbook.Entity) (any, error) {
	if e == settingsEntity {
		return &handbook.Settings{}, nil
	}
	return newItem(e)
}

// checkChange refuses changes no record could hold and returns the value
// in compact form.
func checkChange(c Change) (json.RawMessage, error) {
	switch {
	case c.ID == "":
		return nil, errors.New("no record id")
	case c.Field == "" || unsyncedFields[c.Field]:
		return nil, errors.New("not a synced field")
	case c.HLC <= 0:
		return nil, errors.New("no clock reading")
	case c.Device == "":
		return nil, errors.New("no device")
	case c.Entity == settingsEntity && c.ID != settingsID:
		return nil, errors.New("unknown settings record")
	case c.Edit < 0 || c.Edit > c.HLC:
		return nil, errors.New("its save begins after it")
	}
	return fitValue(c.Entity, c.Field, c.Value)
}

// fitValue checks that value can stand in the field of a record of the
// entity and returns it in compact form.
func fitValue(e handbook.Entity, field string, value json.RawMessage) (json.RawMessage, error) {
	it, err := itemFor(e)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, value); err != nil {
		return nil, fmt.Errorf("value is not JSON: %w", err)
	}
	doc, err := json.Marshal(map[string]json.RawMessage{field: buf.Bytes()})
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(doc, it); err != nil {
		return nil, fmt.Errorf("value does not fit the field: %w", err)
	}
	return buf.Bytes(), nil
}

// fieldChange is one known change of a field, local or remote.
type fieldChange struct {
	v     Version
	base  Version
	value string
}

// heads decides a field from every change known of it. A change is
// outdone when a later change was made on top of it (its base) or on top
// of a change of the same value, or when a greater change carries the same
// value. What is left are the heads: the
// greatest is the field's value, the others are conflicts. The verdict
// depends only on the set of changes, so every device reaches the same one
// whatever order the changes arrived in.
func (m *merge) heads(ctx context.Context, tx *sql.Tx, e handbook.Entity, id, field string) ([]fieldChange, error) {
	rows, err := m.query(ctx, tx, `SELECT hlc, device, base_hlc, base_device, value FROM sync_changes WHERE entity = ? AND id = ? AND field = ?
		UNION ALL SELECT hlc, device, base_hlc, base_device, value FROM outbox WHERE entity = ? AND id = ? AND field = ?`,
		e, id, field, e, id, field)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []fieldChange
	seen := map[Version]bool{}
	for rows.Next() {
		var c fieldChange
		if err := rows.Scan(&c.v.HLC, &c.v.Device, &c.base.HLC, &c.base.Device, &c.value); err != nil {
			return nil, err
		}
		if seen[c.v] {
			continue
		}
		seen[c.v] = true
		all = append(all, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return decide(all), nil
}

// decide returns the heads among all known changes of one field (each
// version once), greatest first: the rule heads describes.
func decide(all []fieldChange) []fieldChange {
	valueOf := make(map[Version]string, len(all))
	for _, c := range all {
		valueOf[c.v] = c.value
	}
	// outdone: versions written over; overwritten: per value, the greatest
	// change made on top of that value.
	outdone := map[Version]bool{}
	overwritten := map[string]Version{}
	for _, c := range all {
		if c.base.IsZero() || c.base == c.v {
			continue
		}
		outdone[c.base] = true
		if bv, ok := valueOf[c.base]; ok && overwritten[bv].Less(c.v) {
			overwritten[bv] = c.v
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[j].v.Less(all[i].v) })
	var out []fieldChange
	values := map[string]bool{}
	for _, c := range all {
		over, ok := overwritten[c.value]
		if !outdone[c.v] && !values[c.value] && !(ok && c.v.Less(over)) {
			out = append(out, c)
		}
		values[c.value] = true
	}
	if len(out) == 0 && len(all) > 0 {
		out = all[:1]
	}
	return out
}

// refresh recomputes the given fields of a record (and its deletion) from
// the changes known, rewrites the record, its search entry and its open
// conflicts.
func (m *merge) refresh(ctx context.Context, tx *sql.Tx, e handbook.Entity, id string, touched map[string]bool) error {
	data, _, _, err := m.s.readFields(ctx, tx, e, id)
	if err != nil {
		return err
	}
	fields := make([]string, 0, len(touched)+1)
	for f := range touched {
		fields = append(fields, f)
	}
	if !touched["deleted"] {
		fields = append(fields, "deleted")
	}
	sort.Strings(fields)
	var tomb fieldChange
	for _, f := range fields {
		hs, err := m.heads(ctx, tx, e, id, f)
		if err != nil {
			return err
		}
		if _, err := m.exec(ctx, tx, `DELETE FROM conflicts WHERE entity = ? AND id = ? AND field = ?`, e, id, f); err != nil {
			return err
		}
		if len(hs) == 0 {
			continue
		}
		w := hs[0]
		if w.value == "null" {
			delete(data, f)
		} else {
			data[f] = json.RawMessage(w.value)
		}
		if f == "deleted" {
			tomb = w
		}
		if _, err := m.exec(ctx, tx, `INSERT INTO field_versions(entity, id, field, hlc, device) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(entity, id, field) DO UPDATE SET hlc = excluded.hlc, device = excluded.device`,
			e, id, f, int64(w.v.HLC), w.v.Device); err != nil {
			return err
		}
		for _, l := range hs[1:] {
			if _, err := m.exec(ctx, tx, `INSERT INTO conflicts(entity, id, field, hlc, device, kind, value) VALUES (?, ?, ?, ?, ?, 'value', ?)`,
				e, id, f, int64(l.v.HLC), l.v.Device, l.value); err != nil {
				return err
			}
		}
	}
	newest, err := m.newestEdit(ctx, tx, e, id)
	if err != nil {
		return err
	}
	// A deletion outdone by a newer edit of the record (made without
	// seeing it) brings the record back, and the deletion is kept as a
	// conflict.
	if tomb.value == "true" && tomb.v.Less(newest) {
		delete(data, "deleted")
		if _, err := m.exec(ctx, tx, `INSERT INTO conflicts(entity, id, field, hlc, device, kind, value) VALUES (?, ?, 'deleted', ?, ?, 'deleted', 'true')`,
			e, id, int64(tomb.v.HLC), tomb.v.Device); err != nil {
			return err
		}
	}
	return m.rewrite(ctx, tx, e, id, data)
}

// rewrite stores a record rebuilt from its fields. Its update time is the
// time of its newest change, the same on every device.
func (m *merge) rewrite(ctx context.Context, tx *sql.Tx, e handbook.Entity, id string, data map[string]json.RawMessage) error {
	var newest sql.NullInt64
	if err := m.queryRow(ctx, tx, `SELECT max(hlc) FROM field_versions WHERE entity = ? AND id = ?`, e, id).Scan(&newest); err != nil {
		return err
	}
	updated := hlc.Timestamp(newest.Int64).Time()
	if e != settingsEntity {
		data["id"], _ = json.Marshal(id)
		data["updated_at"], _ = json.Marshal(updated)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	v, err := itemFor(e)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("record unreadable after merge: %w", err)
	}
	canon, err := json.Marshal(v)
	if err != nil {
		return err
	}
	it, ok := v.(handbook.Item)
	if !ok {
		return m.s.writeRow(ctx, tx, e, id, canon, "", false, updated, updated, "")
	}
	fields, err := splitFields(canon)
	if err != nil {
		return err
	}
	created := it.Meta().CreatedAt
	if created.IsZero() {
		created = updated
	}
	return m.s.writeRow(ctx, tx, e, id, canon, it.Label(), it.Meta().Deleted, created, updated, searchText(fields))
}

// newestEdit is the greatest version among a record's fields other than
// its deletion.
func (m *merge) newestEdit(ctx context.Context, tx *sql.Tx, e handbook.Entity, id string) (Version, error) {
	var v Version
	err := m.queryRow(ctx, tx, `SELECT hlc, device FROM field_versions WHERE entity = ? AND id = ? AND field <> 'deleted'
		ORDER BY hlc DESC, device DESC LIMIT 1`, e, id).Scan(&v.HLC, &v.Device)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, nil
	}
	return v, err
}

// stmt returns the transaction's prepared statement for query, preparing
// it on first use: a merge runs the same few queries for every record.
func (m *merge) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if st, ok := m.stmts[query]; ok {
		return st, nil
	}
	st, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	m.stmts[query] = st
	return st, nil
}

func (m *merge) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	st, err := m.stmt(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (m *merge) query(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	st, err := m.stmt(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow is QueryRowContext with a cached statement; a failed prepare
// shows as the row's error.
func (m *merge) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	st, err := m.stmt(ctx, tx, query)
	if err != nil {
		return tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// close releases the prepared statements.
func (m *merge) close() {
	for _, st := range m.stmts {
		st.Close()
	}
}

// ResendAll marks every change this device made as unsent, so the next
// sync writes them all again: after it joined a team whose members could
// not read its earlier batches. Receivers already holding a change keep
// it once.
func (s *Store) ResendAll(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE outbox SET sent = 0 WHERE device = ?`, s.device); err != nil {
		return fmt.Errorf("queue changes again: %w", err)
	}
	return nil
}

// RecordRef names one record.
type RecordRef struct {
	Entity handbook.Entity
	ID     string
}

// Deletions lists, per device, the live records that its changes in
// batches would delete, and counts the live records of the handbook: what
// a sync needs to hold back a mass deletion before applying it.
func (s *Store) Deletions(ctx context.Context, batches []Batch) (map[string][]RecordRef, int, error) {
	var live int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE deleted = 0 AND entity <> ?`, settingsEntity).Scan(&live); err != nil {
		return nil, 0, fmt.Errorf("count records: %w", err)
	}
	out := map[string][]RecordRef{}
	seen := map[string]map[RecordRef]bool{}
	for _, b := range batches {
		for _, c := range b.Changes {
			if c.Field != "deleted" || string(c.Value) != "true" {
				continue
			}
			ref := RecordRef{c.Entity, c.ID}
			if seen[b.Device][ref] {
				continue
			}
			var deleted bool
			err := s.r.QueryRowContext(ctx, `SELECT deleted FROM records WHERE entity = ? AND id = ?`, c.Entity, c.ID).Scan(&deleted)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && deleted) {
				continue
			}
			if err != nil {
				return nil, 0, fmt.Errorf("look up %s %s: %w", c.Entity, c.ID, err)
			}
			if seen[b.Device] == nil {
				seen[b.Device] = map[RecordRef]bool{}
			}
			seen[b.Device][ref] = true
			out[b.Device] = append(out[b.Device], ref)
		}
	}
	return out, live, nil
}

// KeepRecords brings deleted records back as local edits made on top of
// their deletion, in one transaction, so that every laptop brings them
// back after its next sync. Incident log entries count too: bringing one
// back restores it, it does not edit it. It returns how many came back.
func (s *Store) KeepRecords(ctx context.Context, refs []RecordRef) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, r := range refs {
			item, err := loadItem(ctx, tx, r.Entity, r.ID)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("%s %s: %w", r.Entity, r.ID, err)
			}
			if !item.Meta().Deleted {
				continue
			}
			item.Meta().Deleted = false
			changed, err := s.putKeepingLog(ctx, tx, item)
			if err != nil {
				return fmt.Errorf("%s %s: %w", r.Entity, r.ID, err)
			}
			if changed {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("keep deleted records: %w", err)
	}
	return n, nil
}

// RenewDevice gives this database a new device ID: after it found that it
// is a copy of another laptop's database (both wrote as one device). Its
// changes not sent yet are re-authored by the new ID, so that they are
// not mistaken for the other copy's; what it sent before stays the old
// device's, as the other laptops know it. It returns the old and the new
// ID.
func (s *Store) RenewDevice(ctx context.Context) (string, string, error) {
	old, fresh := s.device, handbook.NewID()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`CREATE TEMP TABLE IF NOT EXISTS renew_hlc (hlc INTEGER PRIMARY KEY)`,
			`DELETE FROM renew_hlc`,
			`INSERT INTO renew_hlc SELECT hlc FROM outbox WHERE device = :old AND sent = 0`,
			`UPDATE field_versions SET device = :new WHERE device = :old AND hlc IN (SELECT hlc FROM renew_hlc)`,
			`UPDATE conflicts SET device = :new WHERE device = :old AND hlc IN (SELECT hlc FROM renew_hlc)`,
			`UPDATE outbox SET base_device = :new WHERE base_device = :old AND base_hlc IN (SELECT hlc FROM renew_hlc)`,
			`UPDATE outbox SET device = :new WHERE device = :old AND sent = 0`,
			`UPDATE meta SET value = :new WHERE key = 'device_id'`,
			`DELETE FROM renew_hlc`,
		} {
			if _, err := tx.ExecContext(ctx, q, sql.Named("old", old), sql.Named("new", fresh)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", "", fmt.Errorf("give this laptop a new identity: %w", err)
	}
	s.device = fresh
	return old, fresh, nil
}
