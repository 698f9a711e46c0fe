package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"ernstfall/internal/handbook"
)

// The JSON backup: what "export --format json" writes and "import" reads
// back as a restore.
const (
	BackupFormat = "ernstfall-backup"
	// BackupVersion is bumped when the backup's shape changes incompatibly.
	// Version 2 added business processes, sites and suppliers: a reader
	// of version 1 would drop them without a word, so it refuses the file
	// and asks for an update instead.
	BackupVersion = 2
)

// ErrBackup: a file is not a backup that can be restored.
var ErrBackup = errors.New("not a usable Ernstfall backup")

// Backup is a JSON backup of a whole handbook.
type Backup struct {
	Format     string            `json:"format"`
	Version    int               `json:"version"`
	ExportedAt time.Time         `json:"exported_at"`
	Schema     int               `json:"schema"`
	HandbookID string            `json:"handbook_id"`
	Handbook   handbook.Handbook `json:"handbook"`
}

// MarshalBackup writes hb as a JSON backup.
func MarshalBackup(hb handbook.Handbook, handbookID string, schema int, at time.Time) ([]byte, error) {
	data, err := json.MarshalIndent(Backup{Format: BackupFormat, Version: BackupVersion, ExportedAt: at.UTC(),
		Schema: schema, HandbookID: handbookID, Handbook: hb}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode backup: %w", err)
	}
	return append(data, '\n'), nil
}

// BackupProblem says what is wrong with a file that is to be restored.
type BackupProblem int

// Problems ReadBackup finds.
const (
	// BackupDamaged: not readable JSON (truncated, damaged).
	BackupDamaged BackupProblem = iota + 1
	// BackupNotObject: JSON, but not an object.
	BackupNotObject
	// BackupOtherFormat: a JSON object of another program (Format).
	BackupOtherFormat
	// BackupNewer: written by a newer Ernstfall (Version).
	BackupNewer
	// BackupRecords: no handbook, no records, or records that cannot be
	// restored (Detail).
	BackupRecords
)

// BackupError is a file that cannot be restored; it unwraps to ErrBackup.
type BackupError struct {
	File    string
	Problem BackupProblem
	// Format and Version are the file's, Detail the parser's words or
	// the records concerned.
	Format  string
	Version int
	Detail  string
}

func (e *BackupError) Error() string {
	switch e.Problem {
	case BackupDamaged:
		return fmt.Sprintf("%s is not a readable Ernstfall backup (truncated or damaged: %s); nothing was imported — use another copy of the backup", e.File, e.Detail)
	case BackupNotObject:
		return fmt.Sprintf("%s is JSON but not an Ernstfall backup; write one with 'ernstfall export --format json'", e.File)
	case BackupOtherFormat:
		return fmt.Sprintf("%s is not an Ernstfall backup (format %q); write one with 'ernstfall export --format json'", e.File, e.Format)
	case BackupNewer:
		return fmt.Sprintf("%s was written by a newer Ernstfall (backup version %d, this one reads up to %d); update Ernstfall to import it", e.File, e.Version, BackupVersion)
	}
	return fmt.Sprintf("%s cannot be restored: %s; nothing was imported", e.File, e.Detail)
}

// Unwrap makes every BackupError an ErrBackup.
func (e *BackupError) Unwrap() error { return ErrBackup }

// ReadBackup reads a JSON backup and checks it is one that can be
// restored: the right format and version, a handbook with records, every
// record with an ID that is a UUID, and no ID twice. Anything else is
// refused whole with a *BackupError, naming the records concerned.
func ReadBackup(file string, data []byte) (Backup, error) {
	var b Backup
	var head struct {
		Format   string          `json:"format"`
		Version  int             `json:"version"`
		Handbook json.RawMessage `json:"handbook"`
	}
	fail := func(p BackupProblem, detail string) (Backup, error) {
		return b, &BackupError{File: file, Problem: p, Format: head.Format, Version: head.Version, Detail: detail}
	}
	if err := json.Unmarshal(data, &head); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field == "" {
			return fail(BackupNotObject, "")
		}
		return fail(BackupDamaged, err.Error())
	}
	if head.Format != BackupFormat {
		return fail(BackupOtherFormat, "")
	}
	if head.Version > BackupVersion {
		return fail(BackupNewer, "")
	}
	if raw := bytes.TrimSpace(head.Handbook); len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return fail(BackupRecords, "there is no handbook in it")
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return fail(BackupDamaged, err.Error())
	}
	if err := checkRecords(b.Handbook); err != nil {
		return fail(BackupRecords, err.Error())
	}
	return b, nil
}

// checkRecords refuses a handbook without records, records without an
// ID or with one that is not a UUID, and IDs used twice.
func checkRecords(hb handbook.Handbook) error {
	n := 0
	hb.EachItem(func(handbook.Item) { n++ })
	if n == 0 && hb.Settings.IsZero() {
		return errors.New("the handbook in it holds no records")
	}
	return checkIDs(hb)
}

// checkIDs refuses records without an ID or with one that is not a UUID,
// and IDs used twice, naming the records.
func checkIDs(hb handbook.Handbook) error {
	type seen struct {
		what string
		n    int
	}
	ids := map[string]seen{}
	var problems []string
	n := 0
	hb.EachItem(func(it handbook.Item) {
		n++
		what := fmt.Sprintf("%s %q", it.Entity(), it.Label())
		id := it.Meta().ID
		switch {
		case id == "":
			problems = append(problems, what+" has no id")
		case !isUUID(id):
			problems = append(problems, fmt.Sprintf("%s has the id %q, which is not a UUID", what, id))
		default:
			if first, ok := ids[id]; ok {
				problems = append(problems, fmt.Sprintf("%s and %s have the same id %s", first.what, what, id))
			} else {
				ids[id] = seen{what, n}
			}
		}
	})
	switch len(problems) {
	case 0:
		return nil
	case 1:
		return errors.New(problems[0])
	}
	more := ""
	if len(problems) > 5 {
		more = fmt.Sprintf(" and %d more", len(problems)-5)
		problems = problems[:5]
	}
	return fmt.Errorf("%s%s", strings.Join(problems, "; "), more)
}

// isUUID accepts only the canonical form, 8-4-4-4-12 hex digits.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// RestoreCount is, for one kind of record, what a restore does.
type RestoreCount struct {
	Entity                  handbook.Entity
	New, Changed, Unchanged int
	// Deleted counts live records a mirror restore deletes.
	Deleted int
	// KeptDeleted counts live records the backup marks deleted that stay,
	// because the restore is not a mirror.
	KeptDeleted int
	// KeptLog counts log entries a mirror keeps: they are never deleted.
	KeptLog int
}

// RestorePlan is what restoring a backup writes, computed without writing.
type RestorePlan struct {
	// Write holds the records to import: the backup's live records and,
	// for a mirror, the deletions.
	Write  handbook.Handbook
	Counts []RestoreCount
}

// Deletes is how many live records the restore deletes.
func (p RestorePlan) Deletes() int { return p.sum(func(c RestoreCount) int { return c.Deleted }) }

// KeptDeleted is how many records the backup marks deleted stay live.
func (p RestorePlan) KeptDeleted() int {
	return p.sum(func(c RestoreCount) int { return c.KeptDeleted })
}

// KeptLog is how many log entries a mirror keeps although the backup
// lacks them.
func (p RestorePlan) KeptLog() int { return p.sum(func(c RestoreCount) int { return c.KeptLog }) }

func (p RestorePlan) sum(f func(RestoreCount) int) int {
	n := 0
	for _, c := range p.Counts {
		n += f(c)
	}
	return n
}

// PlanRestore computes what restoring backup over existing does. A backup
// restores records, it never deletes one on its own: records marked
// deleted in it leave live records alone. With mirror the handbook
// becomes the backup: live records it marks deleted or lacks are deleted
// (stamped now, so the deletion syncs), except incident log entries,
// which are never deleted.
func PlanRestore(existing, backup handbook.Handbook, mirror bool, now time.Time) RestorePlan {
	live := map[string]handbook.Item{}
	existing.EachItem(func(it handbook.Item) {
		if !it.Meta().Deleted {
			live[key(it)] = it
		}
	})
	counts := map[handbook.Entity]*RestoreCount{}
	count := func(e handbook.Entity) *RestoreCount {
		if counts[e] == nil {
			counts[e] = &RestoreCount{Entity: e}
		}
		return counts[e]
	}
	var plan RestorePlan
	plan.Write.Settings = backup.Settings
	inBackup := map[string]bool{}
	var write []handbook.Item
	backup.EachItem(func(it handbook.Item) {
		k := key(it)
		inBackup[k] = true
		old, isLive := live[k]
		switch {
		case !it.Meta().Deleted:
			write = append(write, it)
		case isLive && mirror && it.Entity() == handbook.EntityLogEntry:
			count(it.Entity()).KeptLog++
		case isLive && mirror:
			write = append(write, tombstone(old, now))
			count(it.Entity()).Deleted++
		case isLive:
			count(it.Entity()).KeptDeleted++
		}
	})
	if mirror {
		existing.EachItem(func(it handbook.Item) {
			k := key(it)
			if it.Meta().Deleted || inBackup[k] {
				return
			}
			if it.Entity() == handbook.EntityLogEntry {
				count(it.Entity()).KeptLog++
				return
			}
			write = append(write, tombstone(it, now))
			count(it.Entity()).Deleted++
		})
	}
	var restored handbook.Handbook
	for _, it := range write {
		plan.Write.Add(it)
		if !it.Meta().Deleted {
			restored.Add(it)
		}
	}
	for _, d := range Diff(existing, restored) {
		c := count(d.Entity)
		c.New, c.Changed, c.Unchanged = d.New, d.Changed, d.Unchanged
	}
	for _, e := range handbook.Entities {
		if c := counts[e]; c != nil {
			plan.Counts = append(plan.Counts, *c)
		}
	}
	return plan
}

func key(it handbook.Item) string { return string(it.Entity()) + "/" + it.Meta().ID }

// tombstone is a deleted copy of it, stamped now.
func tombstone(it handbook.Item, now time.Time) handbook.Item {
	var out handbook.Handbook
	out.Add(it)
	var del handbook.Item
	out.EachItem(func(x handbook.Item) { del = x })
	del.Meta().Deleted = true
	del.Meta().UpdatedAt = now.UTC()
	return del
}
