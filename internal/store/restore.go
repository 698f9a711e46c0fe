package store

import (
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

// Sentinel errors of a restore, checked with errors.Is.
var (
	// ErrOtherHandbookBackup: the backup holds another handbook.
	ErrOtherHandbookBackup = errors.New("the backup holds another handbook")
	// ErrFutureRestore: the point in time has not come yet.
	ErrFutureRestore = errors.New("the point in time lies in the future")
)

// RestoreTarget is the state a restore goes back to: the handbook as it
// was at a moment (AsOf), or as a backup file holds it (Backup). With ID
// set, only that record (of kind Entity) goes back; the rest stays.
type RestoreTarget struct {
	AsOf   time.Time
	Backup string
	Entity handbook.Entity
	ID     string
}

// RestoreKind says what a restore does to one record.
type RestoreKind int

// What a restore does to a record.
const (
	// RestoreFields sets fields back.
	RestoreFields RestoreKind = iota + 1
	// RestoreDelete deletes a record made after the point (or deleted then).
	RestoreDelete
	// RestoreBringBack brings back a record deleted since, as it was.
	RestoreBringBack
)

// FieldReset is one field a restore sets back: From is the value now, To
// the value it gets (JSON; null for an empty field).
type FieldReset struct {
	Field    string
	From, To json.RawMessage
}

// RecordRestore is what a restore does to one record.
type RecordRestore struct {
	Entity handbook.Entity
	ID     string
	Label  string
	Kind   RestoreKind
	Fields []FieldReset
}

// RestorePlan is what a restore changes, record by record, in the order
// the handbook lists them.
type RestorePlan struct {
	Target  RestoreTarget
	Records []RecordRestore
	// KeptIncidents and KeptLogEntries count the incidents and incident
	// log entries made or changed after the point that the restore leaves
	// as they are: they are the record of what happened.
	KeptIncidents, KeptLogEntries int
	// KeptRecords counts the releases, reviews, printouts and copy
	// exchanges made since that the restore leaves: they record what
	// happened to the documents.
	KeptRecords int
	// Before, set by Restore, is the last moment before the restore's own
	// changes: restoring to it undoes the restore.
	Before time.Time
}

// Count returns how many records the plan changes, deletes and brings back.
func (p RestorePlan) Count() (changed, deleted, back int) {
	for _, r := range p.Records {
		switch r.Kind {
		case RestoreFields:
			changed++
		case RestoreDelete:
			deleted++
		case RestoreBringBack:
			back++
		}
	}
	return
}

// PlanRestore works out, without changing anything, what a restore to the
// target would change.
func (s *Store) PlanRestore(ctx context.Context, target RestoreTarget) (RestorePlan, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return RestorePlan{}, fmt.Errorf("plan restore: %w", err)
	}
	defer tx.Rollback()
	plan, err := s.planRestore(ctx, tx, target)
	if err != nil {
		return RestorePlan{}, fmt.Errorf("plan restore: %w", err)
	}
	return plan, nil
}

// Restore puts the handbook back to the target in one transaction: the
// difference is written as new edits of this laptop, so the next sync
// brings every laptop back, and a later restore to Before undoes it.
// progress, when set, hears how many of the records to change are done.
// It returns what it did. (The operation a person starts, ops.Restore,
// writes a backup first.)
//
// What a restore leaves alone: incidents and their log. An incident or log
// entry made after the point stays; an incident that existed then comes
// back if it was deleted since, but keeps its current state (closing it
// was not a mistake to undo). A log entry that existed then and was
// changed or deleted since (which only a damaged or forged batch can do;
// entries are append-only) is put back as it was. Open conflicts stay
// open: the value that lost is still what a person typed.
func (s *Store) Restore(ctx context.Context, target RestoreTarget, progress func(done, total int)) (RestorePlan, error) {
	var plan RestorePlan
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if plan, err = s.planRestore(ctx, tx, target); err != nil || len(plan.Records) == 0 {
			return err
		}
		// The restore's changes start in a millisecond of their own, so
		// that the moment before them names exactly the state they replace.
		last := s.clock.Last()
		s.clock.Observe(hlc.New(last.WallMillis(), 1<<16-1))
		plan.Before = last.Time()
		m := s.newMerge()
		defer m.close()
		for i, r := range plan.Records {
			if err := s.applyRestore(ctx, tx, m, r); err != nil {
				return fmt.Errorf("%s %q: %w", r.Entity, r.Label, err)
			}
			if progress != nil {
				progress(i+1, len(plan.Records))
			}
		}
		return nil
	})
	if err != nil {
		return RestorePlan{}, fmt.Errorf("restore: %w", err)
	}
	return plan, nil
}

// applyRestore writes one record's part of a restore as local changes on
// top of the versions in effect, then recomputes the record the way every
// laptop receiving the changes will.
func (s *Store) applyRestore(ctx context.Context, tx *sql.Tx, m *merge, r RecordRestore) error {
	touched := map[string]bool{}
	write := func(field string, value json.RawMessage) error {
		base, err := s.versionOf(ctx, tx, r.Entity, r.ID, field)
		if err != nil {
			return err
		}
		touched[field] = true
		return s.writeLocal(ctx, tx, r.Entity, r.ID, field, value, base)
	}
	switch r.Kind {
	case RestoreDelete:
		// Only the deletion: an edit after it would bring the record back.
		if err := write("deleted", json.RawMessage("true")); err != nil {
			return err
		}
	default:
		for _, f := range r.Fields {
			if err := write(f.Field, f.To); err != nil {
				return err
			}
		}
	}
	return m.refresh(ctx, tx, r.Entity, r.ID, touched)
}

// recordState is a record's synced fields, canonical, with its tombstone.
type recordState struct {
	fields map[string]json.RawMessage
	label  string
}

func (r recordState) deleted() bool { return string(r.fields["deleted"]) == "true" }

// planRestore compares every record with its target state.
func (s *Store) planRestore(ctx context.Context, tx *sql.Tx, target RestoreTarget) (RestorePlan, error) {
	plan := RestorePlan{Target: target}
	var targets map[recKey]*recordState // nil entry: the record did not exist
	var err error
	switch {
	case target.Backup != "" && !target.AsOf.IsZero():
		return plan, errors.New("restore either to a time or from a backup, not both")
	case target.Backup != "":
		targets, err = s.backupState(ctx, tx, target.Backup)
	case target.AsOf.After(s.now()):
		return plan, fmt.Errorf("%w: %s", ErrFutureRestore, target.AsOf.Local().Format("2006-01-02 15:04"))
	case !target.AsOf.IsZero() && target.ID != "":
		k := recKey{target.Entity, target.ID}
		var st *recordState
		st, err = s.recordAt(ctx, tx, k, int64(cutoff(target.AsOf)))
		targets = map[recKey]*recordState{k: st}
	case !target.AsOf.IsZero():
		targets, err = s.stateAt(ctx, tx, target.AsOf)
	default:
		return plan, errors.New("no point to restore to")
	}
	if err != nil {
		return plan, err
	}
	if target.ID != "" {
		k := recKey{target.Entity, target.ID}
		st, ok := targets[k]
		targets = map[recKey]*recordState{}
		if ok {
			targets[k] = st
		}
	}
	keys := make([]recKey, 0, len(targets))
	for k := range targets {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].entity != keys[j].entity {
			return entityOrder(keys[i].entity) < entityOrder(keys[j].entity)
		}
		return keys[i].id < keys[j].id
	})
	for _, k := range keys {
		cur, err := s.currentState(ctx, tx, k)
		if err != nil {
			return plan, err
		}
		r, kept, err := restoreRecord(k, cur, targets[k])
		if err != nil {
			return plan, fmt.Errorf("%s %s: %w", k.entity, k.id, err)
		}
		switch {
		case kept && k.entity == handbook.EntityIncident:
			plan.KeptIncidents++
		case kept && k.entity != handbook.EntityLogEntry:
			plan.KeptRecords++
		case kept:
			plan.KeptLogEntries++
		case r.Kind != 0:
			plan.Records = append(plan.Records, r)
		}
	}
	sort.SliceStable(plan.Records, func(i, j int) bool {
		a, b := plan.Records[i], plan.Records[j]
		if a.Entity != b.Entity {
			return entityOrder(a.Entity) < entityOrder(b.Entity)
		}
		return a.Label < b.Label
	})
	return plan, nil
}

// entityOrder lists settings first, then the kinds in the handbook's order.
func entityOrder(e handbook.Entity) int {
	for i, x := range handbook.Entities {
		if x == e {
			return i + 1
		}
	}
	return 0
}

// restoreRecord decides what a restore does to one record, now cur (nil:
// not here), with target the state to go back to (nil: it did not exist).
// kept reports an incident or log entry the restore leaves alone although
// it differs.
func restoreRecord(k recKey, cur, target *recordState) (r RecordRestore, kept bool, err error) {
	r = RecordRestore{Entity: k.entity, ID: k.id}
	if cur != nil {
		r.Label = cur.label
	} else if target != nil {
		r.Label = target.label
	}
	curLive := cur != nil && !cur.deleted()
	targetLive := target != nil && !target.deleted()
	switch k.entity {
	case handbook.EntityIncident:
		if !targetLive || curLive {
			return r, !sameState(cur, target), nil
		}
		r.Kind = RestoreBringBack
		r.Fields = []FieldReset{{Field: "deleted", From: json.RawMessage("true"), To: json.RawMessage("null")}}
		return r, false, nil
	case handbook.EntityLogEntry, handbook.EntityRelease, handbook.EntityReview, handbook.EntityPrintout, handbook.EntityExchange, handbook.EntityApproverKey:
		// Append-only: never deleted by a restore, only put back. Releases,
		// reviews, printouts and copy exchanges record what happened to
		// the documents, like an incident's log.
		if !targetLive {
			return r, !sameState(cur, target), nil
		}
	}
	switch {
	case !targetLive && curLive:
		r.Kind = RestoreDelete
		r.Fields = []FieldReset{{Field: "deleted", From: json.RawMessage("null"), To: json.RawMessage("true")}}
		return r, false, nil
	case !targetLive:
		return r, false, nil
	}
	var from map[string]json.RawMessage
	if cur != nil {
		from = cur.fields
	}
	for _, f := range diff(from, target.fields) {
		r.Fields = append(r.Fields, FieldReset{Field: f, From: nullable(from[f]), To: nullable(target.fields[f])})
	}
	switch {
	case len(r.Fields) == 0:
	case curLive:
		r.Kind = RestoreFields
	default:
		r.Kind = RestoreBringBack
	}
	return r, false, nil
}

func sameState(a, b *recordState) bool {
	if a == nil || b == nil {
		return a == b
	}
	return len(diff(a.fields, b.fields)) == 0
}

// currentState reads a record as it is now; nil when it is not here.
func (s *Store) currentState(ctx context.Context, tx *sql.Tx, k recKey) (*recordState, error) {
	var data, label string
	err := tx.QueryRowContext(ctx, `SELECT data, label FROM records WHERE entity = ? AND id = ?`, k.entity, k.id).Scan(&data, &label)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	fields, err := canonical(k.entity, json.RawMessage(data))
	if err != nil {
		return nil, fmt.Errorf("%s %s: stored record unreadable: %w", k.entity, k.id, err)
	}
	return &recordState{fields: fields, label: label}, nil
}

// canonical reads a record's fields through its type, so that values
// compare equal whatever way their JSON was written, and drops the fields
// that do not sync.
func canonical(e handbook.Entity, data json.RawMessage) (map[string]json.RawMessage, error) {
	v, err := itemFor(e)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	fields, err := splitFields(raw)
	if err != nil {
		return nil, err
	}
	for f := range unsyncedFields {
		delete(fields, f)
	}
	return fields, nil
}

// fromFields builds a record's canonical state from field values.
func fromFields(e handbook.Entity, fields map[string]json.RawMessage) (*recordState, error) {
	data, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	canon, err := canonical(e, data)
	if err != nil {
		return nil, err
	}
	st := &recordState{fields: canon}
	v, _ := itemFor(e)
	if err := json.Unmarshal(data, v); err == nil {
		if it, ok := v.(handbook.Item); ok {
			st.label = it.Label()
		}
	}
	return st, nil
}

// stateAt works out, for every record changed after the moment, the state
// it had then: each field decided from the changes stamped up to that
// moment, by the same rule a sync uses, so every laptop that knows the
// same changes reaches the same state. Records not changed since are as
// they were and left out. A nil state: the record did not exist yet.
func (s *Store) stateAt(ctx context.Context, tx *sql.Tx, at time.Time) (map[recKey]*recordState, error) {
	cut := int64(cutoff(at))
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT entity, id FROM (`+allChanges+`) WHERE hlc > ?`, cut)
	if err != nil {
		return nil, err
	}
	out := map[recKey]*recordState{}
	for rows.Next() {
		var k recKey
		if err := rows.Scan(&k.entity, &k.id); err != nil {
			rows.Close()
			return nil, err
		}
		out[k] = nil
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k := range out {
		st, err := s.recordAt(ctx, tx, k, cut)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", k.entity, k.id, err)
		}
		out[k] = st
	}
	return out, nil
}

// recordAt decides a record's state from its changes stamped up to cut;
// nil when it has none.
func (s *Store) recordAt(ctx context.Context, tx *sql.Tx, k recKey, cut int64) (*recordState, error) {
	rows, err := tx.QueryContext(ctx, `SELECT field, hlc, device, base_hlc, base_device, value FROM (`+allChanges+`)
		WHERE entity = ? AND id = ? AND hlc <= ?`, k.entity, k.id, cut)
	if err != nil {
		return nil, err
	}
	byField := map[string][]fieldChange{}
	seen := map[string]map[Version]bool{}
	for rows.Next() {
		var f string
		var c fieldChange
		if err := rows.Scan(&f, &c.v.HLC, &c.v.Device, &c.base.HLC, &c.base.Device, &c.value); err != nil {
			rows.Close()
			return nil, err
		}
		if seen[f] == nil {
			seen[f] = map[Version]bool{}
		}
		if seen[f][c.v] {
			continue
		}
		seen[f][c.v] = true
		byField[f] = append(byField[f], c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(byField) == 0 {
		return nil, nil
	}
	fields := map[string]json.RawMessage{}
	var tomb fieldChange
	var newest Version
	for f, all := range byField {
		w := decide(all)[0]
		if w.value != "null" {
			fields[f] = json.RawMessage(w.value)
		}
		if f == "deleted" {
			tomb = w
		} else if newest.Less(w.v) {
			newest = w.v
		}
	}
	// As in a sync: a deletion outdone by a newer edit made without seeing
	// it leaves the record in place.
	if tomb.value == "true" && tomb.v.Less(newest) {
		delete(fields, "deleted")
	}
	return fromFields(k.entity, fields)
}

// RecordAt returns a record's fields as they were at a moment, decided
// from the changes known here; exists is false when it had no change yet.
// Deleted records have "deleted": true.
func (s *Store) RecordAt(ctx context.Context, e handbook.Entity, id string, at time.Time) (fields map[string]json.RawMessage, exists bool, err error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, false, fmt.Errorf("read %s %s as of %s: %w", e, id, at, err)
	}
	defer tx.Rollback()
	st, err := s.recordAt(ctx, tx, recKey{e, id}, int64(cutoff(at)))
	if err != nil {
		return nil, false, fmt.Errorf("read %s %s as of %s: %w", e, id, at, err)
	}
	if st == nil {
		return nil, false, nil
	}
	return st.fields, true, nil
}

// backupState reads every record of a backup of this handbook, and names
// every record here that the backup lacks (nil: made after the backup).
func (s *Store) backupState(ctx context.Context, tx *sql.Tx, path string) (map[recKey]*recordState, error) {
	info, err := InspectBackup(ctx, path)
	if err != nil {
		return nil, err
	}
	var own string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'handbook_id'`).Scan(&own); err != nil {
		return nil, err
	}
	if info.HandbookID != own {
		return nil, fmt.Errorf("%s: %w (%s, this database holds %s); import its records with 'ernstfall import' instead",
			path, ErrOtherHandbookBackup, info.HandbookID, own)
	}
	db, err := sql.Open("sqlite", backupDSN(path))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT entity, id, data, label FROM records`)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrBadBackup, err)
	}
	out := map[recKey]*recordState{}
	for rows.Next() {
		var k recKey
		var data, label string
		if err := rows.Scan(&k.entity, &k.id, &data, &label); err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: %w: %v", path, ErrBadBackup, err)
		}
		fields, err := canonical(k.entity, json.RawMessage(data))
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: %w: %s %s unreadable: %v", path, ErrBadBackup, k.entity, k.id, err)
		}
		out[k] = &recordState{fields: fields, label: label}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrBadBackup, err)
	}
	here, err := tx.QueryContext(ctx, `SELECT entity, id FROM records`)
	if err != nil {
		return nil, err
	}
	defer here.Close()
	for here.Next() {
		var k recKey
		if err := here.Scan(&k.entity, &k.id); err != nil {
			return nil, err
		}
		if _, ok := out[k]; !ok {
			out[k] = nil
		}
	}
	return out, here.Err()
}
