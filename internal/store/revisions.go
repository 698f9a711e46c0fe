package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
)

// ErrNoRevision: the document has no revision with that number.
var ErrNoRevision = errors.New("no such revision")

// Revision is one save that changed what a controlled document says:
// a form saved, a restore, an import, a conflict resolved, made on this
// laptop or received from another. Saves that changed nothing a reader
// sees (a review's date, or the same text another laptop saved too) are
// no revision.
//
// Revisions are numbered from 1 in the order of their clock readings, so
// every laptop that knows the same changes numbers them alike, whatever
// order they arrived in. A save that reaches this laptop late, but was
// made before others, takes its place by its time.
type Revision struct {
	N int
	// Edit names the save: the clock reading of its first change and its
	// laptop. Changes of an older Ernstfall carry no save; theirs is the
	// reading of the first of the changes made within a moment.
	Edit Version
	// At is when its last change was made, by its laptop's clock.
	At     time.Time
	Device string
	Local  bool
	// Author is the person who made it, when they gave their name.
	Author string
	// Created: the document came into being with it; Deleted: it went.
	Created, Deleted bool
	// Changed lists the records and fields whose content it changed.
	Changed []FieldRef
	// Lost: a value it wrote lost to a change made at the same time on
	// another laptop; the value waits as a conflict.
	Lost bool
	// Hash names the content after it (handbook.DocContent.Hash).
	Hash string
}

// FieldRef names one field of one record.
type FieldRef struct {
	Entity handbook.Entity
	ID     string
	Label  string
	Field  string
}

// docChange is one known change of a record of a document.
type docChange struct {
	k     recKey
	field string
	c     fieldChange
	edit  hlc.Timestamp
}

// revision is a save with its changes, before numbering.
type revision struct {
	key     Version
	last    Version
	legacy  bool
	changes []docChange
}

// Revisions lists a document's revisions, oldest first.
func (s *Store) Revisions(ctx context.Context, doc handbook.DocRef) ([]Revision, error) {
	var out []Revision
	err := s.readDoc(ctx, doc, func(tx *sql.Tx) error {
		revs, err := s.docRevisions(ctx, tx, doc)
		if err != nil {
			return err
		}
		r := newReplay()
		for _, rv := range revs {
			before := r.all()
			after, lost, err := r.apply(rv)
			if err != nil {
				return err
			}
			if after.Hash() == before.Hash() {
				continue
			}
			out = append(out, Revision{N: len(out) + 1, Edit: rv.key, At: rv.last.HLC.Time(), Device: rv.key.Device,
				Local: rv.key.Device == s.device, Created: !before.Exists() && after.Exists(),
				Deleted: before.Exists() && !after.Exists(), Changed: changedFields(before, after),
				Lost: lost, Hash: after.Hash()})
		}
		return s.nameAuthors(ctx, tx, out)
	})
	if err != nil {
		return nil, fmt.Errorf("read revisions of %s: %w", doc, err)
	}
	return out, nil
}

// DocumentAt returns what the document said after revision n (as
// Revisions numbers them); n = 0 is before its first.
func (s *Store) DocumentAt(ctx context.Context, doc handbook.DocRef, n int) (handbook.DocContent, error) {
	var out handbook.DocContent
	err := s.readDoc(ctx, doc, func(tx *sql.Tx) error {
		var err error
		out, err = s.contentAt(ctx, tx, doc, n)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("read revision %d of %s: %w", n, doc, err)
	}
	return out, nil
}

// Document returns what the document says now.
func (s *Store) Document(ctx context.Context, doc handbook.DocRef) (handbook.DocContent, error) {
	var out handbook.DocContent
	err := s.readDoc(ctx, doc, func(tx *sql.Tx) error {
		var err error
		out, err = currentContent(ctx, tx, doc)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("read %s: %w", doc, err)
	}
	return out, nil
}

func (s *Store) readDoc(ctx context.Context, doc handbook.DocRef, f func(tx *sql.Tx) error) error {
	if err := doc.Check(); err != nil {
		return err
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return f(tx)
}

// contentAt replays the document's saves up to its revision n.
func (s *Store) contentAt(ctx context.Context, tx *sql.Tx, doc handbook.DocRef, n int) (handbook.DocContent, error) {
	revs, err := s.docRevisions(ctx, tx, doc)
	if err != nil {
		return handbook.DocContent{}, err
	}
	r := newReplay()
	cur := r.all()
	seen := 0
	for _, rv := range revs {
		if seen == n {
			break
		}
		after, _, err := r.apply(rv)
		if err != nil {
			return handbook.DocContent{}, err
		}
		if after.Hash() != cur.Hash() {
			seen++
		}
		cur = after
	}
	if seen < n {
		return handbook.DocContent{}, fmt.Errorf("%w: %d (the document has %d)", ErrNoRevision, n, seen)
	}
	return cur, nil
}

// currentContent reads the document's records as they are.
func currentContent(ctx context.Context, tx *sql.Tx, doc handbook.DocRef) (handbook.DocContent, error) {
	var c handbook.DocContent
	for _, e := range doc.Entities() {
		q := `SELECT id, data, label FROM records WHERE entity = ? AND deleted = 0`
		args := []any{e}
		if doc.Kind != handbook.EntityMatrix {
			q += ` AND id = ?`
			args = append(args, doc.ID)
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return c, err
		}
		for rows.Next() {
			var id, data, label string
			if err := rows.Scan(&id, &data, &label); err != nil {
				rows.Close()
				return c, err
			}
			fields, err := canonical(e, json.RawMessage(data))
			if err != nil {
				rows.Close()
				return c, fmt.Errorf("%s %s: stored record unreadable: %w", e, id, err)
			}
			c.Records = append(c.Records, handbook.DocRecord{Entity: e, ID: id, Label: label, Fields: contentFields(fields)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return c, err
		}
	}
	c.Sort()
	return c, nil
}

// contentFields drops control fields and the deletion mark.
func contentFields(fields map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(fields))
	for f, v := range fields {
		if !handbook.ControlField(f) && f != "deleted" {
			out[f] = v
		}
	}
	return out
}

// docRevisions reads every change known of the document's records and
// gathers them into saves, in the order their last changes were made.
func (s *Store) docRevisions(ctx context.Context, tx *sql.Tx, doc handbook.DocRef) ([]*revision, error) {
	q := `SELECT entity, id, field, value, hlc, device, base_hlc, base_device, edit FROM (` + allChanges + `) WHERE `
	var args []any
	if doc.Kind == handbook.EntityMatrix {
		q += `entity IN (?, ?)`
		args = []any{handbook.EntityRole, handbook.EntityEscalation}
	} else {
		q += `entity = ? AND id = ?`
		args = []any{doc.Kind, doc.ID}
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []docChange
	type seenKey struct {
		k     recKey
		field string
		v     Version
	}
	seen := map[seenKey]bool{}
	for rows.Next() {
		var d docChange
		if err := rows.Scan(&d.k.entity, &d.k.id, &d.field, &d.c.value, &d.c.v.HLC, &d.c.v.Device, &d.c.base.HLC, &d.c.base.Device, &d.edit); err != nil {
			return nil, err
		}
		sk := seenKey{d.k, d.field, d.c.v}
		if seen[sk] {
			continue
		}
		seen[sk] = true
		all = append(all, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return groupRevisions(all), nil
}

// groupRevisions gathers changes into saves: by the save each names, and
// for changes that name none (an older Ernstfall wrote them), the changes
// one laptop made within a moment of each other. The result is ordered by
// each save's last change, so it depends only on the set of changes.
func groupRevisions(all []docChange) []*revision {
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.c.v != b.c.v {
			return a.c.v.Less(b.c.v)
		}
		if a.k != b.k {
			return a.k.entity < b.k.entity || a.k.entity == b.k.entity && a.k.id < b.k.id
		}
		return a.field < b.field
	})
	exact := map[Version]*revision{}
	open := map[string]*revision{} // per laptop, its latest save without a name
	var revs []*revision
	for _, d := range all {
		var rv *revision
		if d.edit != 0 {
			key := Version{HLC: d.edit, Device: d.c.v.Device}
			if rv = exact[key]; rv == nil {
				rv = &revision{key: key}
				exact[key] = rv
				revs = append(revs, rv)
			}
		} else {
			rv = open[d.c.v.Device]
			if rv == nil || time.Duration(d.c.v.HLC.WallMillis()-rv.last.HLC.WallMillis())*time.Millisecond >= sameSave {
				rv = &revision{key: d.c.v, legacy: true}
				open[d.c.v.Device] = rv
				revs = append(revs, rv)
			}
		}
		rv.changes = append(rv.changes, d)
		if rv.last.Less(d.c.v) {
			rv.last = d.c.v
		}
	}
	sort.SliceStable(revs, func(i, j int) bool {
		if revs[i].last != revs[j].last {
			return revs[i].last.Less(revs[j].last)
		}
		return revs[i].key.Less(revs[j].key)
	})
	return revs
}

// replay decides a document's records save by save, by the rule a sync
// uses (decide), so the content after a save is what a laptop knowing
// just these saves shows.
type replay struct {
	known   map[recKey]map[string][]fieldChange
	winners map[recKey]map[string]fieldChange
	records map[recKey]*handbook.DocRecord // live records
}

func newReplay() *replay {
	return &replay{known: map[recKey]map[string][]fieldChange{}, winners: map[recKey]map[string]fieldChange{},
		records: map[recKey]*handbook.DocRecord{}}
}

// apply adds one save's changes and returns the content after it, and
// whether a value it wrote lost to a concurrent change.
func (r *replay) apply(rv *revision) (handbook.DocContent, bool, error) {
	touched := map[recKey]map[string]bool{}
	for _, d := range rv.changes {
		if r.known[d.k] == nil {
			r.known[d.k] = map[string][]fieldChange{}
			r.winners[d.k] = map[string]fieldChange{}
		}
		r.known[d.k][d.field] = append(r.known[d.k][d.field], d.c)
		if touched[d.k] == nil {
			touched[d.k] = map[string]bool{}
		}
		touched[d.k][d.field] = true
	}
	lost := false
	for k, fields := range touched {
		for f := range fields {
			w := decide(slices.Clone(r.known[k][f]))[0]
			r.winners[k][f] = w
		}
		for _, d := range rv.changes {
			if d.k == k && r.winners[k][d.field].value != d.c.value {
				lost = true
			}
		}
		if err := r.rebuild(k); err != nil {
			return handbook.DocContent{}, false, err
		}
	}
	return r.all(), lost, nil
}

// rebuild recomputes one record from its fields' winners.
func (r *replay) rebuild(k recKey) error {
	fields := map[string]json.RawMessage{}
	var tomb fieldChange
	var newest Version
	for f, w := range r.winners[k] {
		if w.value != "null" {
			fields[f] = json.RawMessage(w.value)
		}
		if f == "deleted" {
			tomb = w
		} else if newest.Less(w.v) {
			newest = w.v
		}
	}
	if tomb.value == "true" && tomb.v.Less(newest) {
		delete(fields, "deleted")
	}
	st, err := fromFields(k.entity, fields)
	if err != nil {
		return fmt.Errorf("%s %s: %w", k.entity, k.id, err)
	}
	if st.deleted() {
		delete(r.records, k)
		return nil
	}
	r.records[k] = &handbook.DocRecord{Entity: k.entity, ID: k.id, Label: st.label, Fields: contentFields(st.fields)}
	return nil
}

func (r *replay) all() handbook.DocContent {
	var c handbook.DocContent
	for _, rec := range r.records {
		c.Records = append(c.Records, *rec)
	}
	c.Sort()
	return c
}

// changedFields lists the records and fields that differ between two
// contents, in the order of the records.
func changedFields(before, after handbook.DocContent) []FieldRef {
	var out []FieldRef
	seen := map[recKey]bool{}
	add := func(rec handbook.DocRecord, other handbook.DocContent) {
		k := recKey{rec.Entity, rec.ID}
		if seen[k] {
			return
		}
		seen[k] = true
		o, ok := other.Record(rec.Entity, rec.ID)
		var fields []string
		for f := range rec.Fields {
			if !ok || !jsonEqual(rec.Fields[f], o.Fields[f]) {
				fields = append(fields, f)
			}
		}
		for f := range o.Fields {
			if _, in := rec.Fields[f]; !in {
				fields = append(fields, f)
			}
		}
		sort.Strings(fields)
		for _, f := range fields {
			out = append(out, FieldRef{Entity: rec.Entity, ID: rec.ID, Label: rec.Label, Field: f})
		}
	}
	for _, rec := range after.Records {
		add(rec, before)
	}
	for _, rec := range before.Records {
		add(rec, after)
	}
	return out
}

func jsonEqual(a, b json.RawMessage) bool {
	return string(nullable(a)) == string(nullable(b))
}

// nameAuthors fills in the authors of the revisions' saves.
func (s *Store) nameAuthors(ctx context.Context, tx *sql.Tx, revs []Revision) error {
	for i := range revs {
		var a string
		err := tx.QueryRowContext(ctx, `SELECT author FROM edits WHERE device = ? AND edit = ?`, revs[i].Edit.Device, int64(revs[i].Edit.HLC)).Scan(&a)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		revs[i].Author = a
	}
	return nil
}

// RestoreRevision makes the document say again what it said after
// revision n, as new edits of this laptop in one transaction: fields are
// set back, records of the document made since are deleted, records
// deleted since come back. Control fields (the last review) stay. It
// returns what it changed; nothing when the document says that already.
func (s *Store) RestoreRevision(ctx context.Context, doc handbook.DocRef, n int) (RestorePlan, error) {
	if err := doc.Check(); err != nil {
		return RestorePlan{}, err
	}
	var plan RestorePlan
	err := s.tx(ctx, func(tx *sql.Tx) error {
		target, err := s.contentAt(ctx, tx, doc, n)
		if err != nil {
			return err
		}
		if plan, err = s.planContent(ctx, tx, doc, target); err != nil || len(plan.Records) == 0 {
			return err
		}
		m := s.newMerge()
		defer m.close()
		for _, r := range plan.Records {
			if err := s.applyRestore(ctx, tx, m, r); err != nil {
				return fmt.Errorf("%s %q: %w", r.Entity, r.Label, err)
			}
		}
		return nil
	})
	if err != nil {
		return RestorePlan{}, fmt.Errorf("restore revision %d of %s: %w", n, doc, err)
	}
	return plan, nil
}

// planContent works out what makes the document say target: per record,
// the content fields to set, or its deletion, or its return.
func (s *Store) planContent(ctx context.Context, tx *sql.Tx, doc handbook.DocRef, target handbook.DocContent) (RestorePlan, error) {
	var plan RestorePlan
	keys := map[recKey]bool{}
	for _, r := range target.Records {
		keys[recKey{r.Entity, r.ID}] = true
	}
	for _, e := range doc.Entities() {
		q := `SELECT id FROM records WHERE entity = ?`
		args := []any{e}
		if doc.Kind != handbook.EntityMatrix {
			q += ` AND id = ?`
			args = append(args, doc.ID)
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return plan, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return plan, err
			}
			keys[recKey{e, id}] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return plan, err
		}
	}
	sorted := make([]recKey, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].entity != sorted[j].entity {
			return entityOrder(sorted[i].entity) < entityOrder(sorted[j].entity)
		}
		return sorted[i].id < sorted[j].id
	})
	for _, k := range sorted {
		cur, err := s.currentState(ctx, tx, k)
		if err != nil {
			return plan, err
		}
		want, ok := target.Record(k.entity, k.id)
		r := RecordRestore{Entity: k.entity, ID: k.id}
		if cur != nil {
			r.Label = cur.label
		} else {
			r.Label = want.Label
		}
		curLive := cur != nil && !cur.deleted()
		switch {
		case !ok && curLive:
			r.Kind = RestoreDelete
			r.Fields = []FieldReset{{Field: "deleted", From: json.RawMessage("null"), To: json.RawMessage("true")}}
		case !ok:
			continue
		default:
			var from map[string]json.RawMessage
			if cur != nil {
				from = cur.fields
			}
			for f := range unionFields(from, want.Fields) {
				if handbook.ControlField(f) || f == "deleted" {
					continue
				}
				if !jsonEqual(from[f], want.Fields[f]) {
					r.Fields = append(r.Fields, FieldReset{Field: f, From: nullable(from[f]), To: nullable(want.Fields[f])})
				}
			}
			sort.Slice(r.Fields, func(i, j int) bool { return r.Fields[i].Field < r.Fields[j].Field })
			switch {
			case !curLive:
				r.Kind = RestoreBringBack
				if cur != nil {
					r.Fields = append(r.Fields, FieldReset{Field: "deleted", From: json.RawMessage("true"), To: json.RawMessage("null")})
				}
			case len(r.Fields) > 0:
				r.Kind = RestoreFields
			default:
				continue
			}
			if cur != nil && cur.label != "" {
				r.Label = cur.label
			}
			if want.Label != "" {
				r.Label = want.Label
			}
		}
		plan.Records = append(plan.Records, r)
	}
	return plan, nil
}

func unionFields(a, b map[string]json.RawMessage) map[string]bool {
	out := make(map[string]bool, len(a)+len(b))
	for f := range a {
		out[f] = true
	}
	for f := range b {
		out[f] = true
	}
	return out
}

// Document returns what the document says as the transaction sees it.
func (t *Tx) Document(ctx context.Context, doc handbook.DocRef) (handbook.DocContent, error) {
	if err := doc.Check(); err != nil {
		return handbook.DocContent{}, err
	}
	c, err := currentContent(ctx, t.tx, doc)
	if err != nil {
		return c, fmt.Errorf("read %s: %w", doc, err)
	}
	return c, nil
}

// OpenConflicts counts the open conflicts of the document's live records
// as the transaction sees them.
func (t *Tx) OpenConflicts(ctx context.Context, doc handbook.DocRef) (int, error) {
	q := `SELECT count(*) FROM conflicts c JOIN records r ON r.entity = c.entity AND r.id = c.id AND r.deleted = 0 WHERE `
	var args []any
	if doc.Kind == handbook.EntityMatrix {
		q += `c.entity IN (?, ?)`
		args = []any{handbook.EntityRole, handbook.EntityEscalation}
	} else {
		q += `c.entity = ? AND c.id = ?`
		args = []any{doc.Kind, doc.ID}
	}
	var n int
	if err := t.tx.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count conflicts of %s: %w", doc, err)
	}
	return n, nil
}

// FirstChangeAfter is when the first change of what the document says was
// made after a moment (by its laptop's clock); ok is false when none was.
func (s *Store) FirstChangeAfter(ctx context.Context, doc handbook.DocRef, after time.Time) (time.Time, bool, error) {
	if err := doc.Check(); err != nil {
		return time.Time{}, false, err
	}
	q := `SELECT min(hlc) FROM (` + allChanges + `) WHERE hlc > ? AND field NOT IN (` +
		strings.TrimSuffix(strings.Repeat("?, ", len(handbook.ControlFields)), ", ") + `) AND `
	args := []any{int64(cutoff(after))}
	for _, f := range handbook.ControlFields {
		args = append(args, f)
	}
	if doc.Kind == handbook.EntityMatrix {
		q += `entity IN (?, ?)`
		args = append(args, handbook.EntityRole, handbook.EntityEscalation)
	} else {
		q += `entity = ? AND id = ?`
		args = append(args, doc.Kind, doc.ID)
	}
	var first sql.NullInt64
	if err := s.r.QueryRowContext(ctx, q, args...).Scan(&first); err != nil {
		return time.Time{}, false, fmt.Errorf("read changes of %s: %w", doc, err)
	}
	if !first.Valid {
		return time.Time{}, false, nil
	}
	return hlc.Timestamp(first.Int64).Time(), true, nil
}
