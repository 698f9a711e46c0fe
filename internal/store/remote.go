package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
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
	// Again: another version of a batch whose number was applied before
	// (two laptops wrote the same batch file, and a file-sync engine kept
	// both). Its changes are merged like any others; the number stays
	// recorded with the first version's hash.
	Again bool
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
	defer s.largeCache(ctx)()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res = ApplyResult{}
		m := s.newMerge()
		defer m.close()
		if err := m.begin(ctx, tx); err != nil {
			return err
		}
		at := s.now().UTC().Format(timeFormat)
		// Every batch's changes are gathered first, then stored and
		// settled together: a round of many small batches costs the
		// statements of one large one.
		done, applied := map[Version]bool{}, rowsOf(4, len(batches))
		for _, b := range batches {
			k := Version{hlc.Timestamp(b.Seq), b.Device}
			if done[k] && !b.Again {
				continue
			}
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM sync_applied WHERE device = ? AND seq = ?`, b.Device, b.Seq).Scan(&one)
			if err == nil && !b.Again {
				continue
			}
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			m.gather(b.Seq, b.Changes, &res)
			if !done[k] {
				done[k] = true
				applied.add(b.Device, b.Seq, at, b.Hash)
			}
			res.Batches++
		}
		if err := m.ingest(ctx, tx, &res); err != nil {
			return err
		}
		if err := m.bulk(ctx, tx, `INSERT INTO sync_applied(device, seq, applied_at, hash) VALUES %s
			ON CONFLICT(device, seq) DO NOTHING`, applied, nil); err != nil {
			return err
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
	// Checkpoint: the changes are the heads of every field and what later
	// merges read of the older ones (see ExportCheckpoint). Importing it
	// folds away the changes this device knows that it covers and does
	// not hold: those that came in a batch it covers (received ones by
	// the batch recorded with them, this device's own sent by its
	// outbox), and received ones whose batch is not known when
	// FoldReceived (this device applied no batch the checkpoint does not
	// cover).
	Checkpoint   bool
	FoldReceived bool
}

// ExportSnapshot returns every change this device knows, its own sent ones
// included, and the batches they cover.
func (s *Store) ExportSnapshot(ctx context.Context) (Snapshot, error) {
	snap, err := s.appliedSnapshot(ctx)
	if err != nil {
		return snap, err
	}
	batchOf, err := s.ownBatches(ctx)
	if err != nil {
		return snap, fmt.Errorf("export snapshot: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT c.entity, c.id, c.field, c.value, c.hlc, c.device, c.base_hlc, c.base_device, c.edit, coalesce(e.author, ''), c.batch, c.oseq
		FROM (SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit, batch, 0 AS oseq FROM sync_changes
			UNION ALL SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit, 0, seq FROM outbox WHERE sent = 1) c
		LEFT JOIN edits e ON e.device = c.device AND e.edit = c.edit AND c.edit <> 0
		WHERE NOT EXISTS (SELECT 1 FROM sync_folded f
			WHERE f.entity = c.entity AND f.id = c.id AND f.field = c.field AND f.hlc = c.hlc AND f.device = c.device)
		ORDER BY 5, 6, 1, 2, 3`)
	if err != nil {
		return snap, fmt.Errorf("export snapshot: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Change
		var value string
		var oseq int64
		if err := rows.Scan(&c.Entity, &c.ID, &c.Field, &value, &c.HLC, &c.Device, &c.BaseHLC, &c.BaseDevice, &c.Edit, &c.Author, &c.Batch, &oseq); err != nil {
			return snap, fmt.Errorf("export snapshot: %w", err)
		}
		if oseq != 0 {
			c.Batch = batchOf(oseq)
		}
		c.Value = json.RawMessage(value)
		snap.Changes = append(snap.Changes, c)
	}
	if err := rows.Err(); err != nil {
		return snap, fmt.Errorf("export snapshot: %w", err)
	}
	return snap, nil
}

// appliedSnapshot is a snapshot that covers the batches applied here
// (and written by this device), without changes yet.
func (s *Store) appliedSnapshot(ctx context.Context) (Snapshot, error) {
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
	return snap, nil
}

// ImportSnapshot applies a snapshot in one transaction and records the
// batches it covers as applied.
func (s *Store) ImportSnapshot(ctx context.Context, snap Snapshot) (ApplyResult, error) {
	var res ApplyResult
	defer s.largeCache(ctx)()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res = ApplyResult{}
		m := s.newMerge()
		defer m.close()
		if err := m.begin(ctx, tx); err != nil {
			return err
		}
		m.gather(0, snap.Changes, &res)
		if err := m.ingest(ctx, tx, &res); err != nil {
			return err
		}
		if snap.Checkpoint {
			if err := m.fold(ctx, tx, snap); err != nil {
				return err
			}
		}
		at := s.now().UTC().Format(timeFormat)
		for d, seqs := range snap.Applied {
			if d == s.device {
				continue
			}
			for _, seq := range seqs {
				r, err := tx.ExecContext(ctx, `INSERT INTO sync_applied(device, seq, applied_at) VALUES (?, ?, ?)
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

// largeCache lets the writer's page cache hold up to 64 MB until the
// returned function puts SQLite's default (2 MB) back: a merge of many
// changes then keeps its pages in memory until the commit instead of
// writing them out again and again. A failed pragma only costs time.
func (s *Store) largeCache(ctx context.Context) func() {
	if _, err := s.w.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
		return func() {}
	}
	return func() { _, _ = s.w.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`) }
}

type recKey struct {
	entity handbook.Entity
	id     string
}

// merge collects the records touched by incoming changes within one
// transaction and settles them together at the end: a few statements for
// all of them, each record written once, instead of some twenty
// statements per record. (A full-text index also flushes its pending
// entries at every statement, so one statement for all entries is much
// the cheapest way to index them.)
type merge struct {
	s *Store
	// recs holds what the merge knows of each record it met: read once
	// from what was stored before it began, then added to.
	recs   map[recKey]*knownRecord
	newest hlc.Timestamp
	// items are values to check incoming field values against, by entity,
	// and plain their fields that take any string (see plainStrings).
	items map[handbook.Entity]any
	plain map[handbook.Entity]map[string]bool
	buf   bytes.Buffer // checkChange's, reused
	// stmts are the statements prepared in the transaction, by query and
	// number of rows.
	stmts map[bulkKey]*sql.Stmt
	// folded: whether any change was folded away by a checkpoint (0 not
	// asked yet, 1 no, 2 yes); only then does load look for them.
	folded int
	// in holds the changes gathered and not stored yet.
	in incoming
	// empty: the database held no records and no changes when the merge
	// began, as when a laptop joins, so load and readRecords have nothing
	// to read. (The merge writes records and versions only at its end.)
	empty bool
}

// begin notes whether the database is empty before a merge stores
// anything (see merge.empty).
func (m *merge) begin(ctx context.Context, tx *sql.Tx) error {
	if m.s.readAlways {
		return nil
	}
	return tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM records) AND NOT EXISTS (SELECT 1 FROM field_versions)
		AND NOT EXISTS (SELECT 1 FROM conflicts) AND NOT EXISTS (SELECT 1 FROM sync_changes)
		AND NOT EXISTS (SELECT 1 FROM outbox) AND NOT EXISTS (SELECT 1 FROM sync_folded)`).Scan(&m.empty)
}

// knownRecord is every change known of a record's fields, and the fields
// the merge changed. Most records have a few fields with one change each;
// their lists are searched, and a set of versions is kept only for a
// record with many changes.
type knownRecord struct {
	key recKey
	// entity and id are the record's key as statement arguments.
	entity, id any
	loaded     bool
	fields     []knownField
	touched    map[string]bool
	count      int
	have       map[fieldVersion]bool // with more than manyChanges changes
}

// knownField is every change known of one field.
type knownField struct {
	name    string
	changes []fieldChange
}

// fieldVersion names one change of a field of a record.
type fieldVersion struct {
	field string
	v     Version
}

// manyChanges is how many changes a record holds before the merge keeps
// a set of their versions instead of searching its lists.
const manyChanges = 32

func (s *Store) newMerge() *merge {
	return &merge{s: s, recs: map[recKey]*knownRecord{}, items: map[handbook.Entity]any{}, plain: map[handbook.Entity]map[string]bool{}, stmts: map[bulkKey]*sql.Stmt{}}
}

// close releases the merge's prepared statements (the transaction's end
// would too).
func (m *merge) close() {
	for _, st := range m.stmts {
		st.Close()
	}
}

// rec returns what the merge knows of the record k.
func (m *merge) rec(k recKey) *knownRecord {
	r := m.recs[k]
	if r == nil {
		r = &knownRecord{key: k, entity: k.entity, id: k.id}
		m.recs[k] = r
	}
	return r
}

// changes are the changes known of the field.
func (r *knownRecord) changes(field string) []fieldChange {
	for _, f := range r.fields {
		if f.name == field {
			return f.changes
		}
	}
	return nil
}

// add adds c to the changes known of the field, unless a change of the
// same version is known; it reports whether c was new.
func (r *knownRecord) add(field string, c fieldChange) bool {
	i := slices.IndexFunc(r.fields, func(f knownField) bool { return f.name == field })
	if i < 0 {
		r.fields = append(r.fields, knownField{name: field})
		i = len(r.fields) - 1
	}
	f := &r.fields[i]
	switch {
	case r.have != nil:
		if r.have[fieldVersion{field, c.v}] {
			return false
		}
		r.have[fieldVersion{field, c.v}] = true
	case slices.ContainsFunc(f.changes, func(o fieldChange) bool { return o.v == c.v }):
		return false
	case r.count == manyChanges:
		r.have = make(map[fieldVersion]bool, 2*manyChanges)
		for _, g := range r.fields {
			for _, o := range g.changes {
				r.have[fieldVersion{g.name, o.v}] = true
			}
		}
		r.have[fieldVersion{field, c.v}] = true
	}
	f.changes = append(f.changes, c)
	r.count++
	return true
}

// touch notes that the merge changed the field.
func (r *knownRecord) touch(field string) {
	if r.touched == nil {
		r.touched = map[string]bool{}
	}
	r.touched[field] = true
}

// incoming is the changes gathered for a merge and not stored yet, each
// with its field and record.
type incoming struct {
	changes []fieldChange
	fields  []string
	recs    []*knownRecord
	edits   []int64
	// carried is the batch that brought each change (a snapshot's
	// changes say theirs).
	carried []int64
	// first lists the records the merge has not read yet; authors name
	// the saves, once per save (the first name given wins).
	first, authors *rowList
	lastEdit       Version
}

// gather checks the changes of one batch (seq 0: a snapshot) and adds
// those that can stand to the ones ingest stores next; refused ones are
// counted in res.
func (m *merge) gather(seq int64, changes []Change, res *ApplyResult) {
	in := &m.in
	if in.first == nil {
		in.first, in.authors = rowsOf(2, 0), rowsOf(3, 0)
	}
	if n := len(in.changes) + len(changes); n > cap(in.changes) {
		in.changes, in.fields = slices.Grow(in.changes, n-len(in.changes)), slices.Grow(in.fields, n-len(in.fields))
		in.recs, in.edits = slices.Grow(in.recs, n-len(in.recs)), slices.Grow(in.edits, n-len(in.edits))
	}
	for _, c := range changes {
		if c.Device == m.s.device {
			continue // this device's own change: in the outbox already
		}
		value, err := m.checkChange(c)
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
		if a := cleanAuthor(c.Author); a != "" && c.Edit != 0 && (Version{c.Edit, c.Device}) != in.lastEdit {
			in.authors.add(c.Device, int64(c.Edit), a)
			in.lastEdit = Version{c.Edit, c.Device}
		}
		r := m.rec(recKey{c.Entity, c.ID})
		if !r.loaded {
			r.loaded = true
			in.first.add(r.entity, r.id)
		}
		in.changes = append(in.changes, fieldChange{v: Version{c.HLC, c.Device}, base: Version{c.BaseHLC, c.BaseDevice}, value: value})
		in.fields, in.recs, in.edits = append(in.fields, c.Field), append(in.recs, r), append(in.edits, int64(c.Edit))
		if seq != 0 {
			in.carried = append(in.carried, seq)
		} else {
			in.carried = append(in.carried, c.Batch)
		}
	}
}

// ingest stores the gathered changes not known yet and notes what they
// touch.
func (m *merge) ingest(ctx context.Context, tx *sql.Tx, res *ApplyResult) error {
	in := m.in
	m.in = incoming{}
	if in.first == nil {
		return nil
	}
	if err := m.bulk(ctx, tx, `INSERT INTO edits(device, edit, author) VALUES %s ON CONFLICT(device, edit) DO NOTHING`, in.authors, nil); err != nil {
		return err
	}
	// What was known of these records before: read once, before the merge
	// adds to it. A change known already is passed over.
	if err := m.load(ctx, tx, in.first); err != nil {
		return err
	}
	fresh := make([]int, 0, len(in.changes))
	for i, c := range in.changes {
		r, f := in.recs[i], in.fields[i]
		if !r.add(f, c) {
			continue
		}
		r.touch(f)
		fresh = append(fresh, i)
		if c.v.HLC > m.newest {
			m.newest = c.v.HLC
		}
	}
	res.Changes += len(fresh)
	// In the table's order, so the rows go in side by side.
	slices.SortFunc(fresh, func(i, j int) int {
		a, b := in.recs[i], in.recs[j]
		if c := cmpKey(a, b); c != 0 {
			return c
		}
		if c := strings.Compare(in.fields[i], in.fields[j]); c != 0 {
			return c
		}
		return in.changes[i].v.compare(in.changes[j].v)
	})
	rows := rowsOf(10, len(fresh))
	for _, i := range fresh {
		r, c := in.recs[i], in.changes[i]
		rows.add(r.entity, r.id, in.fields[i], int64(c.v.HLC), c.v.Device, int64(c.base.HLC), c.base.Device, c.value, in.edits[i], in.carried[i])
	}
	return m.bulk(ctx, tx, `INSERT INTO sync_changes(entity, id, field, hlc, device, base_hlc, base_device, value, edit, batch) VALUES %s`, rows, nil)
}

// cmpKey orders records by entity, then ID.
func cmpKey(a, b *knownRecord) int {
	if c := strings.Compare(string(a.key.entity), string(b.key.entity)); c != 0 {
		return c
	}
	return strings.Compare(a.key.id, b.key.id)
}

// compare orders versions as Less does.
func (v Version) compare(o Version) int {
	if v.HLC != o.HLC {
		if v.HLC < o.HLC {
			return -1
		}
		return 1
	}
	return strings.Compare(v.Device, o.Device)
}

// bulkKey names a prepared multi-row statement.
type bulkKey struct {
	query string
	rows  int
}

// bulkRows is how many rows one statement carries at most: SQLite takes
// up to 32,766 parameters, but a statement of that many takes longer to
// prepare than it saves.
const bulkRows = 500

// rowList is rows of the same number of values, one after the other.
type rowList struct {
	width int
	vals  []any
}

// rowsOf makes a list of rows of width values, with room for n rows.
func rowsOf(width, n int) *rowList { return &rowList{width: width, vals: make([]any, 0, width*n)} }

func (r *rowList) add(vals ...any) { r.vals = append(r.vals, vals...) }

// bulk runs query for rows, bulkRows rows a statement. query holds one %s
// where the rows go, as "(?, ?, …), (?, ?, …)". each, when given, reads the
// rows the statement returns.
func (m *merge) bulk(ctx context.Context, tx *sql.Tx, query string, rows *rowList, each func(*sql.Rows) error) error {
	for vals := rows.vals; len(vals) > 0; {
		n := min(len(vals)/rows.width, bulkRows)
		args := vals[:n*rows.width]
		vals = vals[len(args):]
		k := bulkKey{query, n}
		st, ok := m.stmts[k]
		if !ok {
			one := "(?" + strings.Repeat(", ?", rows.width-1) + ")"
			var err error
			if st, err = tx.PrepareContext(ctx, fmt.Sprintf(query, one+strings.Repeat(", "+one, n-1))); err != nil {
				return err
			}
			m.stmts[k] = st
		}
		if each == nil {
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return err
			}
			continue
		}
		if err := queryEach(ctx, st, args, each); err != nil {
			return err
		}
	}
	return nil
}

// queryEach runs st and calls each for every row it returns.
func queryEach(ctx context.Context, st *sql.Stmt, args []any, each func(*sql.Rows) error) error {
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// finish settles every touched record and moves the clock past the
// newest change seen, so local edits made afterwards order after it.
func (m *merge) finish(ctx context.Context, tx *sql.Tx) error {
	m.s.clock.Observe(m.newest)
	touched := map[recKey]map[string]bool{}
	for k, r := range m.recs {
		if len(r.touched) > 0 {
			touched[k] = r.touched
		}
	}
	return m.settle(ctx, tx, touched)
}

// refresh settles the given fields of one record (and its deletion).
func (m *merge) refresh(ctx context.Context, tx *sql.Tx, e handbook.Entity, id string, touched map[string]bool) error {
	return m.settle(ctx, tx, map[recKey]map[string]bool{{e, id}: touched})
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
func (m *merge) checkChange(c Change) (string, error) {
	switch {
	case c.ID == "":
		return "", errors.New("no record id")
	case c.Field == "" || unsyncedFields[c.Field]:
		return "", errors.New("not a synced field")
	case c.HLC <= 0:
		return "", errors.New("no clock reading")
	case c.Device == "":
		return "", errors.New("no device")
	case c.Entity == settingsEntity && c.ID != settingsID:
		return "", errors.New("unknown settings record")
	case c.Edit < 0 || c.Edit > c.HLC:
		return "", errors.New("its save begins after it")
	}
	it, ok := m.items[c.Entity]
	if !ok {
		var err error
		if it, err = itemFor(c.Entity); err != nil {
			return "", err
		}
		m.items[c.Entity] = it
		m.plain[c.Entity] = plainStrings(reflect.TypeOf(it))
	}
	if m.plain[c.Entity][c.Field] {
		// Most changes: a string or an emptied field of a text field.
		m.buf.Reset()
		if err := json.Compact(&m.buf, c.Value); err != nil {
			return "", fmt.Errorf("value is not JSON: %w", err)
		}
		if v := m.buf.Bytes(); v[0] == '"' || string(v) == "null" {
			return string(v), nil
		}
	}
	v, err := fitInto(it, c.Field, c.Value)
	return string(v), err
}

// fitValue checks that value can stand in the field of a record of the
// entity and returns it in compact form.
func fitValue(e handbook.Entity, field string, value json.RawMessage) (json.RawMessage, error) {
	it, err := itemFor(e)
	if err != nil {
		return nil, err
	}
	return fitInto(it, field, value)
}

// fitInto is fitValue for a record like it, whose fields it may overwrite.
func fitInto(it any, field string, value json.RawMessage) (json.RawMessage, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, value); err != nil {
		return nil, fmt.Errorf("value is not JSON: %w", err)
	}
	name, err := json.Marshal(field)
	if err != nil {
		return nil, err
	}
	doc := make([]byte, 0, len(name)+buf.Len()+3)
	doc = append(append(append(append(append(doc, '{'), name...), ':'), buf.Bytes()...), '}')
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

// decide returns the heads among all known changes of one field (each
// version once), greatest first. A change is outdone when a later change
// was made on top of it (its base) or on top of a change of the same
// value, or when a greater change carries the same value. What is left
// are the heads: the greatest is the field's value, the others are
// conflicts. The verdict depends only on the set of changes, so every
// device reaches the same one whatever order the changes arrived in.
func decide(all []fieldChange) []fieldChange {
	if len(all) < 2 {
		return all // most fields: one change, the head
	}
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

// fieldKey names one field of one record.
type fieldKey struct {
	recKey
	field string
}

// settling is what settle learns of one record and decides for it.
type settling struct {
	key recKey
	// entity and id are the key as statement arguments, made once.
	entity, id any
	fields     []string // touched fields and "deleted", sorted
	data       map[string]json.RawMessage
	// versions are the versions in effect of every field of the record.
	versions map[string]Version
}

// settle recomputes the touched fields of each record (and its deletion)
// from every change known of them, here and from others, then rewrites
// the records, their field versions, their open conflicts and their
// search entries. Each field is decided by decide; a deletion outdone by a
// newer edit of the record (made without seeing it) brings the record
// back, with the deletion kept as a conflict.
//
// Everything is read first, in one statement per kind of row, then
// written in one statement per table: each record's outcome depends only
// on its own rows.
func (m *merge) settle(ctx context.Context, tx *sql.Tx, touched map[recKey]map[string]bool) error {
	if len(touched) == 0 {
		return nil
	}
	recs := make([]*settling, 0, len(touched))
	for k, fs := range touched {
		r := &settling{key: k, entity: k.entity, id: k.id, data: map[string]json.RawMessage{}, versions: map[string]Version{}}
		for f := range fs {
			r.fields = append(r.fields, f)
		}
		if !fs["deleted"] {
			r.fields = append(r.fields, "deleted")
		}
		sort.Strings(r.fields)
		recs = append(recs, r)
	}
	sort.Slice(recs, func(i, j int) bool {
		if recs[i].key.entity != recs[j].key.entity {
			return recs[i].key.entity < recs[j].key.entity
		}
		return recs[i].key.id < recs[j].key.id
	})
	byKey := make(map[recKey]*settling, len(recs))
	nfields := 0
	for _, r := range recs {
		nfields += len(r.fields)
	}
	recRows, fieldRows := rowsOf(2, len(recs)), rowsOf(3, nfields)
	fieldKeys := make([]fieldKey, 0, nfields)
	for _, r := range recs {
		byKey[r.key] = r
		recRows.add(r.entity, r.id)
		for _, f := range r.fields {
			fieldRows.add(r.entity, r.id, f)
			fieldKeys = append(fieldKeys, fieldKey{r.key, f})
		}
	}
	unread := rowsOf(2, 0)
	for _, r := range recs {
		if k := m.rec(r.key); !k.loaded {
			k.loaded = true
			unread.add(r.entity, r.id)
		}
	}
	if err := m.load(ctx, tx, unread); err != nil {
		return err
	}
	stale, err := m.readRecords(ctx, tx, byKey, recRows)
	if err != nil {
		return err
	}

	versions, conflicts, written := rowsOf(5, nfields), rowsOf(7, 0), rowsOf(7, len(recs))
	index := map[recKey][]any{}
	for _, r := range recs {
		var tomb fieldChange
		for _, f := range r.fields {
			hs := decide(m.recs[r.key].changes(f))
			if len(hs) == 0 {
				continue
			}
			w := hs[0]
			if w.value == "null" {
				delete(r.data, f)
			} else {
				r.data[f] = json.RawMessage(w.value)
			}
			if f == "deleted" {
				tomb = w
			}
			r.versions[f] = w.v
			versions.add(r.entity, r.id, f, int64(w.v.HLC), w.v.Device)
			for _, l := range hs[1:] {
				conflicts.add(r.entity, r.id, f, int64(l.v.HLC), l.v.Device, "value", l.value)
			}
		}
		var newest Version // the greatest version among the fields other than the deletion
		var last hlc.Timestamp
		for f, v := range r.versions {
			last = max(last, v.HLC)
			if f != "deleted" && newest.Less(v) {
				newest = v
			}
		}
		if tomb.value == "true" && tomb.v.Less(newest) {
			delete(r.data, "deleted")
			conflicts.add(r.entity, r.id, "deleted", int64(tomb.v.HLC), tomb.v.Device, "deleted", "true")
		}
		row, err := m.rebuild(r, last)
		if err != nil {
			return fmt.Errorf("%s %s: %w", r.key.entity, r.key.id, err)
		}
		written.add(row.record...)
		if row.index != nil {
			index[r.key] = row.index
		}
		m.s.notices.note(r.key.entity, r.key.id)
	}

	// The settled fields' open conflicts are decided anew.
	settled := rowsOf(3, 0)
	for _, k := range fieldKeys {
		if stale[k] {
			settled.add(k.entity, k.id, k.field)
		}
	}
	if err := m.bulk(ctx, tx, `DELETE FROM conflicts WHERE (entity, id, field) IN (VALUES %s)`, settled, nil); err != nil {
		return err
	}
	if err := m.bulk(ctx, tx, `INSERT INTO field_versions(entity, id, field, hlc, device) VALUES %s
		ON CONFLICT(entity, id, field) DO UPDATE SET hlc = excluded.hlc, device = excluded.device`, versions, nil); err != nil {
		return err
	}
	if err := m.bulk(ctx, tx, `INSERT INTO conflicts(entity, id, field, hlc, device, kind, value) VALUES %s`, conflicts, nil); err != nil {
		return err
	}
	// The search entries follow their records by row ID; a tombstone and
	// the settings have none (see writeRow).
	type entry struct {
		rowid int64
		text  []any // title and body; nil: no entry
	}
	entries := make([]entry, 0, len(recs))
	err = m.bulk(ctx, tx, `INSERT INTO records(entity, id, data, label, deleted, created_at, updated_at) VALUES %s
		ON CONFLICT(entity, id) DO UPDATE SET data = excluded.data, label = excluded.label,
			deleted = excluded.deleted, created_at = excluded.created_at, updated_at = excluded.updated_at
		RETURNING rowid, entity, id`, written, func(r *sql.Rows) error {
		var e entry
		var k recKey
		if err := r.Scan(&e.rowid, &k.entity, &k.id); err != nil {
			return err
		}
		e.text = index[k]
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return err
	}
	// In the order of their row IDs: the full-text index writes out what
	// it collected whenever a row ID comes that is not above the last.
	// An entry is replaced in place (its old words taken out, the new put
	// in) by INSERT OR REPLACE.
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.rowid, b.rowid) })
	unindex, reindex := rowsOf(1, 0), rowsOf(3, len(index))
	for _, e := range entries {
		if e.text == nil {
			unindex.add(e.rowid)
		} else {
			reindex.add(e.rowid, e.text[0], e.text[1])
		}
	}
	if err := m.bulk(ctx, tx, `DELETE FROM search WHERE rowid IN (VALUES %s)`, unindex, nil); err != nil {
		return err
	}
	return m.bulk(ctx, tx, `INSERT OR REPLACE INTO search(rowid, title, body) VALUES %s`, reindex, nil)
}

// readRecords reads the stored fields and the field versions of the
// records, and returns the fields with open conflicts.
func (m *merge) readRecords(ctx context.Context, tx *sql.Tx, recs map[recKey]*settling, keys *rowList) (map[fieldKey]bool, error) {
	if m.empty {
		return map[fieldKey]bool{}, nil
	}
	err := m.bulk(ctx, tx, `SELECT entity, id, data FROM records WHERE (entity, id) IN (VALUES %s)`, keys, func(rows *sql.Rows) error {
		var k recKey
		var data string
		if err := rows.Scan(&k.entity, &k.id, &data); err != nil {
			return err
		}
		fields, err := splitFields([]byte(data))
		if err != nil {
			return fmt.Errorf("%s %s: stored record unreadable: %w", k.entity, k.id, err)
		}
		recs[k].data = fields
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = m.bulk(ctx, tx, `SELECT entity, id, field, hlc, device FROM field_versions WHERE (entity, id) IN (VALUES %s)`, keys, func(rows *sql.Rows) error {
		var k recKey
		var f string
		var v Version
		if err := rows.Scan(&k.entity, &k.id, &f, &v.HLC, &v.Device); err != nil {
			return err
		}
		recs[k].versions[f] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	open := map[fieldKey]bool{}
	err = m.bulk(ctx, tx, `SELECT DISTINCT entity, id, field FROM conflicts WHERE (entity, id) IN (VALUES %s)`, keys, func(rows *sql.Rows) error {
		var k fieldKey
		if err := rows.Scan(&k.entity, &k.id, &k.field); err != nil {
			return err
		}
		open[k] = true
		return nil
	})
	return open, err
}

// load reads every stored change of the records' fields, received ones
// and this device's own, into recs: each version once, the received copy
// first.
func (m *merge) load(ctx context.Context, tx *sql.Tx, keys *rowList) error {
	if m.empty {
		return nil
	}
	if m.folded == 0 {
		m.folded = 1
		var any bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sync_folded)`).Scan(&any); err != nil {
			return err
		}
		if any {
			m.folded = 2
		}
	}
	var folded map[foldKey]bool
	if m.folded == 2 {
		folded = map[foldKey]bool{}
		err := m.bulk(ctx, tx, `SELECT entity, id, field, hlc, device FROM sync_folded WHERE (entity, id) IN (VALUES %s)`, keys, func(rows *sql.Rows) error {
			var k fieldKey
			var v Version
			if err := rows.Scan(&k.entity, &k.id, &k.field, &v.HLC, &v.Device); err != nil {
				return err
			}
			folded[foldKey{k, v}] = true
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, table := range []string{"sync_changes", "outbox"} {
		err := m.bulk(ctx, tx, `SELECT entity, id, field, hlc, device, base_hlc, base_device, value FROM `+table+`
			WHERE (entity, id) IN (VALUES %s)`, keys, func(rows *sql.Rows) error {
			var k fieldKey
			var c fieldChange
			if err := rows.Scan(&k.entity, &k.id, &k.field, &c.v.HLC, &c.v.Device, &c.base.HLC, &c.base.Device, &c.value); err != nil {
				return err
			}
			if folded[foldKey{k, c.v}] {
				return nil
			}
			m.rec(k.recKey).add(k.field, c)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// rebuilt is a record rewritten by settle: its row in records, and the
// title and text of its search entry (nil when it has none: a tombstone,
// the settings).
type rebuilt struct {
	record, index []any
}

// rebuild makes a record's stored form from its settled fields. Its
// update time is the time of its newest change (last), the same on every
// device.
func (m *merge) rebuild(r *settling, last hlc.Timestamp) (rebuilt, error) {
	e, id, data := r.key.entity, r.key.id, r.data
	updated := last.Time()
	if e != settingsEntity {
		data["id"], _ = json.Marshal(id)
		data["updated_at"], _ = json.Marshal(updated)
	}
	raw, err := joinFields(data)
	if err != nil {
		return rebuilt{}, err
	}
	v, err := itemFor(e)
	if err != nil {
		return rebuilt{}, err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return rebuilt{}, fmt.Errorf("record unreadable after merge: %w", err)
	}
	canon, err := json.Marshal(v)
	if err != nil {
		return rebuilt{}, err
	}
	stamp := func(t time.Time) string { return t.UTC().Format(timeFormat) }
	it, ok := v.(handbook.Item)
	if !ok {
		return rebuilt{record: []any{r.entity, r.id, string(canon), "", false, stamp(updated), stamp(updated)}}, nil
	}
	created := it.Meta().CreatedAt
	if created.IsZero() {
		created = updated
	}
	deleted := it.Meta().Deleted
	out := rebuilt{record: []any{r.entity, r.id, string(canon), it.Label(), deleted, stamp(created), stamp(updated)}}
	if !deleted {
		text, err := searchTextOf(canon)
		if err != nil {
			return rebuilt{}, err
		}
		out.index = []any{indexForm(it.Label()), indexForm(text)}
	}
	return out, nil
}

// joinFields writes fields as one JSON object, in the order of their
// names. The values are JSON already (stored, or checked on arrival).
func joinFields(fields map[string]json.RawMessage) ([]byte, error) {
	keys := make([]string, 0, len(fields))
	size := 2
	for k, v := range fields {
		keys = append(keys, k)
		size += len(k) + len(v) + 4
	}
	sort.Strings(keys)
	out := make([]byte, 0, size)
	out = append(out, '{')
	for i, k := range keys {
		if i > 0 {
			out = append(out, ',')
		}
		name, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		out = append(append(append(out, name...), ':'), fields[k]...)
	}
	return append(out, '}'), nil
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
		// A change is named by its field and version: readings repeat
		// across fields where a change was stamped above a field's
		// version (see stamp).
		for _, q := range []string{
			`CREATE TEMP TABLE IF NOT EXISTS renew_changes (entity TEXT, id TEXT, field TEXT, hlc INTEGER)`,
			`DELETE FROM renew_changes`,
			`INSERT INTO renew_changes SELECT entity, id, field, hlc FROM outbox WHERE device = :old AND sent = 0`,
			`UPDATE field_versions SET device = :new WHERE device = :old AND EXISTS (SELECT 1 FROM renew_changes r
				WHERE r.entity = field_versions.entity AND r.id = field_versions.id AND r.field = field_versions.field AND r.hlc = field_versions.hlc)`,
			`UPDATE conflicts SET device = :new WHERE device = :old AND EXISTS (SELECT 1 FROM renew_changes r
				WHERE r.entity = conflicts.entity AND r.id = conflicts.id AND r.field = conflicts.field AND r.hlc = conflicts.hlc)`,
			`UPDATE outbox SET base_device = :new WHERE base_device = :old AND EXISTS (SELECT 1 FROM renew_changes r
				WHERE r.entity = outbox.entity AND r.id = outbox.id AND r.field = outbox.field AND r.hlc = outbox.base_hlc)`,
			`INSERT INTO edits(device, edit, author) SELECT :new, edit, author FROM edits
				WHERE device = :old AND edit IN (SELECT edit FROM outbox WHERE device = :old AND sent = 0)
				ON CONFLICT(device, edit) DO NOTHING`,
			`UPDATE outbox SET device = :new WHERE device = :old AND sent = 0`,
			`UPDATE meta SET value = :new WHERE key = 'device_id'`,
			`DELETE FROM renew_changes`,
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
