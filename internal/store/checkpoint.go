package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"ernstfall/internal/hlc"
)

// ExportCheckpoint returns what later merges still need of every change
// this device knows, its own sent ones included, and the batches they
// cover, so that a device that starts from it decides every field, now
// and after any change that arrives later, as a device that knows every
// change does.
//
// settled says, per device, up to which of its batches every laptop that
// may still write has applied all of them (nil: none is known to be).
// A change in those batches is settled: every change not known here yet
// was made by a laptop that had applied it, so it is stamped after it
// and made on top of a value in effect or in conflict among the settled
// changes (or a later one). Of the settled changes only those heads are
// kept; every change that is not settled is kept, with the change it was
// made on top of. That is what decide reads of a later change: the value
// a change was made on top of, and the greater changes of a value. Each
// change kept that is outdone keeps, in turn, a change that outdoes it,
// so the checkpoint alone decides as the whole history does.
//
// A change whose batch is not known (received before batches were
// recorded with the changes) is settled when it is no newer than a
// settled change of its device whose batch is known: a device stamps its
// changes in the order of its batches.
func (s *Store) ExportCheckpoint(ctx context.Context, settled map[string]int64) (Snapshot, error) {
	upTo := make(map[string]hlc.Timestamp, len(settled))
	for d, seq := range settled {
		if seq <= 0 {
			continue
		}
		var h sql.NullInt64
		var err error
		if d == s.device {
			err = s.r.QueryRowContext(ctx, `SELECT max(o.hlc) FROM outbox o WHERE o.device = ? AND o.sent = 1
				AND o.seq <= (SELECT coalesce(max(outbox_top), 0) FROM sync_applied WHERE device = ? AND seq <= ?)`, d, d, seq).Scan(&h)
		} else {
			err = s.r.QueryRowContext(ctx, `SELECT max(hlc) FROM sync_changes WHERE device = ? AND batch BETWEEN 1 AND ?`, d, seq).Scan(&h)
		}
		if err != nil {
			return Snapshot{}, fmt.Errorf("export checkpoint: %w", err)
		}
		upTo[d] = hlc.Timestamp(h.Int64)
	}
	return s.exportCheckpoint(ctx, func(c Change) bool {
		if c.Batch > 0 {
			return c.Batch <= settled[c.Device]
		}
		return c.HLC <= upTo[c.Device]
	})
}

// exportCheckpoint is ExportCheckpoint with settled changes named by a
// function; with every change settled it holds only the heads.
func (s *Store) exportCheckpoint(ctx context.Context, settled func(Change) bool) (Snapshot, error) {
	snap, err := s.appliedSnapshot(ctx)
	if err != nil {
		return snap, err
	}
	batchOf, err := s.ownBatches(ctx)
	if err != nil {
		return snap, fmt.Errorf("export checkpoint: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT c.entity, c.id, c.field, c.value, c.hlc, c.device, c.base_hlc, c.base_device, c.edit, coalesce(e.author, ''), c.batch, c.oseq
		FROM (SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit, batch, 0 AS oseq FROM sync_changes
			UNION ALL SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit, 0, seq FROM outbox WHERE sent = 1) c
		LEFT JOIN edits e ON e.device = c.device AND e.edit = c.edit AND c.edit <> 0
		WHERE NOT EXISTS (SELECT 1 FROM sync_folded f
			WHERE f.entity = c.entity AND f.id = c.id AND f.field = c.field AND f.hlc = c.hlc AND f.device = c.device)
		ORDER BY 1, 2, 3`)
	if err != nil {
		return snap, fmt.Errorf("export checkpoint: %w", err)
	}
	defer rows.Close()
	var group []Change
	var all []fieldChange
	var old []bool
	flush := func() {
		if len(group) == 0 {
			return
		}
		all, old = all[:0], old[:0]
		for _, c := range group {
			all = append(all, fieldChange{v: Version{c.HLC, c.Device}, base: Version{c.BaseHLC, c.BaseDevice}, value: string(c.Value)})
			old = append(old, settled(c))
		}
		for i, keep := range needed(all, old) {
			if keep {
				snap.Changes = append(snap.Changes, group[i])
			}
		}
		group = group[:0]
	}
	for rows.Next() {
		var c Change
		var value string
		var oseq int64
		if err := rows.Scan(&c.Entity, &c.ID, &c.Field, &value, &c.HLC, &c.Device, &c.BaseHLC, &c.BaseDevice, &c.Edit, &c.Author, &c.Batch, &oseq); err != nil {
			return snap, fmt.Errorf("export checkpoint: %w", err)
		}
		if oseq != 0 {
			c.Batch = batchOf(oseq)
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

// needed says which of the known changes of one field a checkpoint keeps
// (see ExportCheckpoint): the heads of all of them and of the settled
// ones, every change that is not settled and the change it was made on
// top of, and for each change kept that is outdone, a change that
// outdoes it (and the change that one was made on top of, when that is
// why), so that decide over what is kept gives the same heads.
func needed(all []fieldChange, settled []bool) []bool {
	keep := make([]bool, len(all))
	if len(all) < 2 {
		for i := range keep {
			keep[i] = true
		}
		return keep
	}
	at := make(map[Version]int, len(all))
	for i, c := range all {
		at[c.v] = i
	}
	head := make([]bool, len(all))
	for _, h := range decide(slices.Clone(all)) {
		head[at[h.v]], keep[at[h.v]] = true, true
	}
	var old []fieldChange
	for i, c := range all {
		if settled[i] {
			old = append(old, c)
			continue
		}
		keep[i] = true
		if b, ok := at[c.base]; ok && c.base != c.v {
			keep[b] = true
		}
	}
	for _, h := range decide(old) {
		keep[at[h.v]] = true
	}
	// Every change kept that is not a head keeps one that outdoes it.
	var todo []int
	for i := range all {
		if keep[i] && !head[i] {
			todo = append(todo, i)
		}
	}
	for len(todo) > 0 {
		i := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		w := all[i]
		by, base, found := -1, -1, false
		for j, u := range all {
			if j == i {
				continue
			}
			b, known := at[u.base]
			onTop := u.base == w.v
			later := w.v.Less(u.v) && (u.value == w.value || (known && u.base != u.v && !u.base.IsZero() && all[b].value == w.value))
			if !onTop && !later {
				continue
			}
			nb := -1
			if !onTop && u.value != w.value {
				nb = b // outdoes it through the value it was made on top of
			}
			if keep[j] && (nb < 0 || keep[nb]) {
				found = true
				break
			}
			if by < 0 {
				by, base = j, nb
			}
		}
		if found || by < 0 {
			continue
		}
		for _, k := range []int{by, base} {
			if k >= 0 && !keep[k] {
				keep[k] = true
				if !head[k] {
					todo = append(todo, k)
				}
			}
		}
	}
	return keep
}

// ownBatches returns what tells, for a change of this device's outbox by
// its outbox number, the batch of this device that carried it (0: not
// known, for batches written before the outbox number was kept).
func (s *Store) ownBatches(ctx context.Context) (func(outboxSeq int64) int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, outbox_top FROM sync_applied WHERE device = ? AND outbox_top > 0 ORDER BY outbox_top, seq`, s.device)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var seqs, tops []int64
	for rows.Next() {
		var seq, top int64
		if err := rows.Scan(&seq, &top); err != nil {
			return nil, err
		}
		if n := len(tops); n > 0 && tops[n-1] == top {
			continue // a batch sent again: the first one carried it
		}
		seqs, tops = append(seqs, seq), append(tops, top)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return func(outboxSeq int64) int64 {
		i := sort.Search(len(tops), func(i int) bool { return tops[i] >= outboxSeq })
		if i == len(tops) {
			return 0
		}
		return seqs[i]
	}, nil
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
	if m.empty {
		return nil // the only changes known are the checkpoint's: heads, all of them
	}
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
	// The batch that brought each change received from another device,
	// for the fields the checkpoint holds: it covers exactly the changes
	// of the batches it names.
	recs := rowsOf(2, 0)
	seen := map[recKey]bool{}
	for k := range heads {
		if !seen[k.recKey] {
			seen[k.recKey] = true
			recs.add(k.entity, k.id)
		}
	}
	carried := map[foldKey]int64{}
	err := m.bulk(ctx, tx, `SELECT entity, id, field, hlc, device, batch FROM sync_changes WHERE batch <> 0 AND (entity, id) IN (VALUES %s)`, recs, func(rows *sql.Rows) error {
		var k foldKey
		var b int64
		if err := rows.Scan(&k.entity, &k.id, &k.field, &k.v.HLC, &k.v.Device, &b); err != nil {
			return err
		}
		carried[k] = b
		return nil
	})
	if err != nil {
		return err
	}
	covers := make(map[string]map[int64]bool, len(snap.Applied))
	for d, seqs := range snap.Applied {
		covers[d] = make(map[int64]bool, len(seqs))
		for _, s := range seqs {
			covers[d][s] = true
		}
	}
	// covered: a change of this device in a batch the checkpoint covers;
	// a received one that came in such a batch; one whose batch is not
	// known, when this device applied no batch the checkpoint does not
	// cover.
	covered := func(k foldKey) bool {
		if k.v.Device == m.s.device {
			return own[k]
		}
		if b, ok := carried[k]; ok {
			return covers[k.v.Device][b]
		}
		return snap.FoldReceived
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
				if hs[c.v] || !covered(foldKey{k, c.v}) {
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

// VerifyCheckpoint checks another device's checkpoint against what this
// device knows, before it is trusted: every change it holds must be one
// this device knows, with the same value and base, and every change in
// effect or in conflict here that came in a batch it covers must be in
// it. ok is false when this device has not applied every batch the
// checkpoint covers (it cannot tell yet); problem names the first lie.
func (s *Store) VerifyCheckpoint(ctx context.Context, snap Snapshot) (problem string, ok bool, err error) {
	applied, err := s.Applied(ctx)
	if err != nil {
		return "", false, err
	}
	covers := make(map[string]map[int64]bool, len(snap.Applied))
	for d, seqs := range snap.Applied {
		covers[d] = make(map[int64]bool, len(seqs))
		for _, seq := range seqs {
			if !applied[d][seq] {
				return "", false, nil
			}
			covers[d][seq] = true
		}
	}
	theirs := make(map[foldKey]Change, len(snap.Changes))
	for _, c := range snap.Changes {
		theirs[foldKey{fieldKey{recKey{c.Entity, c.ID}, c.Field}, Version{c.HLC, c.Device}}] = c
	}
	name := func(c Change) string {
		return fmt.Sprintf("%s %s field %q (changed by laptop %s at %s)", c.Entity, c.ID, c.Field, c.Device, c.HLC.Time().UTC().Format(timeFormat))
	}
	// Most of what it holds are the values in effect or in conflict here
	// too; only the others are looked up one by one.
	mine, err := s.exportCheckpoint(ctx, func(Change) bool { return true })
	if err != nil {
		return "", false, err
	}
	heads := make(map[foldKey]Change, len(mine.Changes))
	for _, h := range mine.Changes {
		heads[foldKey{fieldKey{recKey{h.Entity, h.ID}, h.Field}, Version{h.HLC, h.Device}}] = h
	}
	var rest []Change
	for _, c := range snap.Changes {
		h, ok := heads[foldKey{fieldKey{recKey{c.Entity, c.ID}, c.Field}, Version{c.HLC, c.Device}}]
		switch {
		case !ok:
			rest = append(rest, c)
		case !compactEqual(string(h.Value), c.Value) || h.BaseHLC != c.BaseHLC || h.BaseDevice != c.BaseDevice:
			return "it holds another value than the batch that carried it: " + name(c), true, nil
		}
	}
	// What it holds: changes known here, unchanged.
	if problem, err = s.heldKnown(ctx, rest, name); err != nil || problem != "" {
		return problem, err == nil, err
	}
	// What it leaves out: the values in effect or in conflict here that
	// came in batches it covers.
	for _, h := range mine.Changes {
		if h.Batch == 0 || !covers[h.Device][h.Batch] {
			continue
		}
		if _, in := theirs[foldKey{fieldKey{recKey{h.Entity, h.ID}, h.Field}, Version{h.HLC, h.Device}}]; !in {
			return "it leaves out a value in effect or in conflict: " + name(h), true, nil
		}
	}
	return "", true, nil
}

// heldKnown checks that every change is known here (received, or sent
// by this device) with the same value and base; it names the first that
// is not. A change not known here is a lie only where this device would
// know it: its own, or one of a batch it replayed. A device that started
// from a checkpoint holds, of the older changes, only what that one kept,
// and a change another checkpoint keeps besides (what later merges read)
// may be one it never had.
func (s *Store) heldKnown(ctx context.Context, changes []Change, name func(Change) string) (string, error) {
	st, err := s.r.PrepareContext(ctx, `SELECT value, base_hlc, base_device FROM sync_changes WHERE entity = ? AND id = ? AND field = ? AND hlc = ? AND device = ?
		UNION ALL SELECT value, base_hlc, base_device FROM outbox WHERE entity = ? AND id = ? AND field = ? AND hlc = ? AND device = ? AND sent = 1`)
	if err != nil {
		return "", fmt.Errorf("verify checkpoint: %w", err)
	}
	defer st.Close()
	replayed, err := s.r.PrepareContext(ctx, `SELECT EXISTS (SELECT 1 FROM sync_applied WHERE device = ? AND seq = ? AND hash <> '')`)
	if err != nil {
		return "", fmt.Errorf("verify checkpoint: %w", err)
	}
	defer replayed.Close()
	var partial sql.NullBool // whether some batch came in a checkpoint here, asked once
	for _, c := range changes {
		var value string
		var base Version
		err := st.QueryRowContext(ctx, c.Entity, c.ID, c.Field, c.HLC, c.Device, c.Entity, c.ID, c.Field, c.HLC, c.Device).Scan(&value, &base.HLC, &base.Device)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			var known bool
			err = nil
			switch {
			case c.Device == s.device:
				known = true
			case c.Batch > 0:
				err = replayed.QueryRowContext(ctx, c.Device, c.Batch).Scan(&known)
			default:
				if !partial.Valid {
					err = s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sync_applied WHERE hash = '')`).Scan(&partial.Bool)
					partial.Valid = err == nil
				}
				known = !partial.Bool
			}
			if err != nil {
				return "", fmt.Errorf("verify checkpoint: %w", err)
			}
			if known {
				return "it holds a change no batch it covers carried: " + name(c), nil
			}
		case err != nil:
			return "", fmt.Errorf("verify checkpoint: %w", err)
		case !compactEqual(value, c.Value) || base != (Version{c.BaseHLC, c.BaseDevice}):
			return "it holds another value than the batch that carried it: " + name(c), nil
		}
	}
	return "", nil
}

// compactEqual reports whether two JSON texts are the same value written
// alike but for spacing.
func compactEqual(a string, b json.RawMessage) bool {
	if a == string(b) {
		return true
	}
	var ca, cb bytes.Buffer
	return json.Compact(&ca, []byte(a)) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
}
