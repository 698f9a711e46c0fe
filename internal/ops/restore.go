package ops

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// Restore is a restore to run: the handbook back as it was at AsOf, or as
// the backup file Backup holds it. Exactly one of the two is set. With ID
// set, only that record (of kind Entity) goes back.
type Restore struct {
	AsOf   time.Time
	Backup string
	Entity handbook.Entity
	ID     string
}

// Restored is what a restore did, and the backup of the state before it.
type Restored struct {
	store.RestorePlan
	// Saved is the backup written before the restore; empty when there
	// was nothing to change.
	Saved string
}

// PlanRestore says record by record what Restore would change; it
// changes nothing (a dry run, the preview before a person confirms).
func (o *Ops) PlanRestore(ctx context.Context, req Restore, p Progress) (store.RestorePlan, error) {
	target, err := o.restoreTarget(req)
	if err != nil {
		return store.RestorePlan{}, err
	}
	report(p, StageCompare, 0, 0)
	plan, err := o.st.PlanRestore(ctx, target)
	return plan, restoreError(req, err)
}

// Restore puts the handbook back as it was at a time, or as a backup holds
// it. When anything is to change, it writes a backup of the state before
// (reason store.ReasonRestore), then writes the difference in one
// transaction as new edits of this laptop: the next sync brings every
// laptop back, and a restore to the returned Before undoes it. Incidents
// and their log stay as they are, open conflicts stay open (see
// store.Restore). A crash before the transaction commits leaves the
// handbook as it was, with at most the backup written.
func (o *Ops) Restore(ctx context.Context, req Restore, p Progress) (Restored, error) {
	target, err := o.restoreTarget(req)
	if err != nil {
		return Restored{}, err
	}
	report(p, StageCompare, 0, 0)
	preview, err := o.st.PlanRestore(ctx, target)
	if err != nil || len(preview.Records) == 0 {
		return Restored{RestorePlan: preview}, restoreError(req, err)
	}
	report(p, StageBackup, 0, 0)
	saved, err := o.st.AutoBackup(ctx, store.ReasonRestore, 0)
	if err != nil {
		return Restored{}, err
	}
	report(p, StageSave, 0, len(preview.Records))
	plan, err := o.st.Restore(ctx, target, func(done, total int) { report(p, StageSave, done, total) })
	if err != nil {
		return Restored{}, restoreError(req, err)
	}
	return Restored{RestorePlan: plan, Saved: saved}, nil
}

func (o *Ops) restoreTarget(req Restore) (store.RestoreTarget, error) {
	switch {
	case req.AsOf.IsZero() == (req.Backup == ""):
		return store.RestoreTarget{}, fail(CodeRestoreTarget)
	case req.AsOf.After(o.now()):
		return store.RestoreTarget{}, fail(CodeTimeInFuture)
	}
	return store.RestoreTarget{AsOf: req.AsOf, Backup: req.Backup, Entity: req.Entity, ID: req.ID}, nil
}

// restoreError words what a person can act on: a file that is no backup,
// or one of another handbook.
func restoreError(req Restore, err error) error {
	var e *Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist) && req.Backup != "":
		e = fail(CodeNoBackup, "File", req.Backup)
	case errors.Is(err, store.ErrNewerSchema):
		e = fail(CodeNewerBackup, "File", req.Backup)
	case errors.Is(err, store.ErrBadBackup) && jsonFile(req.Backup):
		e = fail(CodeJSONBackup, "File", req.Backup)
	case errors.Is(err, store.ErrBadBackup):
		e = fail(CodeBadBackup, "File", req.Backup)
	case errors.Is(err, store.ErrOtherHandbookBackup):
		e = fail(CodeOtherHandbookBackup, "File", req.Backup)
	default:
		return err
	}
	e.Err = err
	return e
}

// jsonFile reports whether a file starts like JSON: an export, not one of
// the automatic backups.
func jsonFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, _ := f.Read(buf)
	trimmed := bytes.TrimLeft(buf[:n], " \t\r\n\xef\xbb\xbf")
	return len(trimmed) > 0 && trimmed[0] == '{'
}
