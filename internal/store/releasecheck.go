package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"ernstfall/internal/handbook"
)

// Verdicts of the check of a release (see ReleaseCheck).
const (
	// VerdictLegacy: released before approvers had keys, and kept.
	VerdictLegacy = "legacy"
	// VerdictOK: the release passed its check.
	VerdictOK = "ok"
	// VerdictRefused: the release failed its check; Reason says why.
	VerdictRefused = "refused"
)

// ReleaseCheck is this laptop's verdict on one release record. Until a
// release has a verdict other than refused, Load, List and Get leave it
// out: it is held back, like a change that is not applied, and
// HeldReleases lists it.
type ReleaseCheck struct {
	ID      string
	Verdict string
	Reason  string
	// DataHash names the record's stored form when it was checked; a
	// release changed since needs checking again.
	DataHash string
}

// releaseHeld is true for a release record without a verdict that lets
// it count.
const releaseHeld = `(records.entity = 'release' AND NOT EXISTS (SELECT 1 FROM release_checks c WHERE c.id = records.id AND c.verdict <> 'refused'))`

// DataHash names a release record's stored form, as ReleaseCheck keeps it.
func DataHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

// CheckedRelease is a release record with its stored form's hash and its
// verdict ("" when it has none yet).
type CheckedRelease struct {
	Release  handbook.Release
	DataHash string
	Check    ReleaseCheck
	// Writer is the laptop whose change last wrote the record (whatever
	// laptop the record names).
	Writer string
}

// AllReleases lists every live release record, held back or not, with its
// verdict.
func (s *Store) AllReleases(ctx context.Context) ([]CheckedRelease, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.data, coalesce(c.verdict, ''), coalesce(c.reason, ''), coalesce(c.data_hash, ''),
		coalesce((SELECT s.device FROM sync_changes s WHERE s.entity = 'release' AND s.id = r.id ORDER BY s.hlc DESC LIMIT 1), '')
		FROM records r LEFT JOIN release_checks c ON c.id = r.id
		WHERE r.entity = 'release' AND r.deleted = 0 ORDER BY r.id`)
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	defer rows.Close()
	var out []CheckedRelease
	for rows.Next() {
		var data string
		var cr CheckedRelease
		if err := rows.Scan(&data, &cr.Check.Verdict, &cr.Check.Reason, &cr.Check.DataHash, &cr.Writer); err != nil {
			return nil, fmt.Errorf("list releases: %w", err)
		}
		if err := json.Unmarshal([]byte(data), &cr.Release); err != nil {
			return nil, fmt.Errorf("list releases: stored record unreadable: %w", err)
		}
		cr.Check.ID, cr.DataHash = cr.Release.ID, DataHash([]byte(data))
		if cr.Writer == "" {
			cr.Writer = s.device
		}
		out = append(out, cr)
	}
	return out, rows.Err()
}

// SetReleaseChecks records verdicts, replacing earlier ones of the same
// releases, in one transaction.
func (s *Store) SetReleaseChecks(ctx context.Context, checks []ReleaseCheck) error {
	if len(checks) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error { return setReleaseChecks(ctx, tx, s, checks) })
}

// SetReleaseChecks records verdicts within the transaction.
func (t *Tx) SetReleaseChecks(ctx context.Context, checks []ReleaseCheck) error {
	return setReleaseChecks(ctx, t.tx, t.s, checks)
}

func setReleaseChecks(ctx context.Context, tx *sql.Tx, s *Store, checks []ReleaseCheck) error {
	at := s.now().UTC().Format(timeFormat)
	for _, c := range checks {
		if _, err := tx.ExecContext(ctx, `INSERT INTO release_checks(id, verdict, reason, data_hash, checked_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET verdict = excluded.verdict, reason = excluded.reason, data_hash = excluded.data_hash,
			checked_at = excluded.checked_at`, c.ID, c.Verdict, c.Reason, c.DataHash, at); err != nil {
			return fmt.Errorf("record the check of release %s: %w", c.ID, err)
		}
		s.notices.note(handbook.EntityRelease, c.ID)
	}
	return nil
}

// LoadEntity reads every record of one kind, tombstones included, into a
// handbook.
func (s *Store) LoadEntity(ctx context.Context, e handbook.Entity) (handbook.Handbook, error) {
	var hb handbook.Handbook
	rows, err := s.r.QueryContext(ctx, `SELECT data FROM records WHERE entity = ? ORDER BY id`, e)
	if err != nil {
		return hb, fmt.Errorf("load %s: %w", e, err)
	}
	defer rows.Close()
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return hb, fmt.Errorf("load %s: %w", e, err)
		}
		if err := appendRecord(&hb, e, []byte(data)); err != nil {
			return hb, fmt.Errorf("load %s: %w", e, err)
		}
	}
	return hb, rows.Err()
}

// SavedForms reads, for every record of one kind, each form a single save
// wrote it in: the fields that save wrote (on this laptop or another),
// read as a record. A record written whole in one save and overwritten
// field by field later (its fields decided one by one, the last writer
// winning) keeps here the form its writer gave it, whatever the record
// says now. The forms depend only on the changes known, not on the order
// they arrived in. A form that does not read as a record is left out.
func (s *Store) SavedForms(ctx context.Context, e handbook.Entity) (handbook.Handbook, error) {
	var hb handbook.Handbook
	rows, err := s.r.QueryContext(ctx, `SELECT id, field, value, device, CASE WHEN edit <> 0 THEN edit ELSE hlc END
		FROM (`+allChanges+`) WHERE entity = ? ORDER BY id, device, 5, hlc`, e)
	if err != nil {
		return hb, fmt.Errorf("read the saves of %s: %w", e, err)
	}
	defer rows.Close()
	type saveKey struct {
		id, device string
		edit       int64
	}
	var cur saveKey
	var fields map[string]json.RawMessage
	flush := func() {
		if fields == nil {
			return
		}
		id, _ := json.Marshal(cur.id) // a string always encodes
		fields["id"] = id
		if data, err := json.Marshal(fields); err == nil {
			_ = appendRecord(&hb, e, data) // not a record: nothing to read
		}
		fields = nil
	}
	for rows.Next() {
		var k saveKey
		var field, value string
		if err := rows.Scan(&k.id, &field, &value, &k.device, &k.edit); err != nil {
			return hb, fmt.Errorf("read the saves of %s: %w", e, err)
		}
		if k != cur {
			flush()
			cur = k
		}
		if fields == nil {
			fields = map[string]json.RawMessage{}
		}
		fields[field] = json.RawMessage(value)
	}
	if err := rows.Err(); err != nil {
		return hb, fmt.Errorf("read the saves of %s: %w", e, err)
	}
	flush()
	return hb, nil
}
