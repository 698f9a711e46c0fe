package ops

import (
	"context"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// CodeOtherHandbook refuses a backup of another handbook.
const CodeOtherHandbook Code = "{{.File}} is a backup of another handbook ({{.Other}}); this database holds handbook {{.This}}. Nothing was imported. To restore it as its own handbook, import it into a new database: ernstfall --db NEW.db import {{.File}}"

// ImportBackup is the request to restore a JSON backup read with
// exchange.ReadBackup.
type ImportBackup struct {
	File   string
	Backup exchange.Backup
	// Mirror makes the handbook the backup: live records the backup marks
	// deleted or lacks are deleted (log entries excepted).
	Mirror bool
	// DryRun computes what the restore would do and writes nothing.
	DryRun bool
}

// BackupImported is what a restore did, or would do.
type BackupImported struct {
	Plan exchange.RestorePlan
	// Changed counts the records written.
	Changed int
}

// ImportBackup restores a JSON backup in one transaction. A backup
// restores records and deletes nothing on its own (see
// exchange.PlanRestore). A backup of another handbook is refused
// (CodeOtherHandbook) unless the database holds no records yet: then it
// takes that handbook's ID, so a laptop restored from a backup syncs with
// its team again. Taking the ID and writing the records are two steps; a
// crash between them leaves an empty database of the backup's handbook,
// and importing again completes the restore.
func (o *Ops) ImportBackup(ctx context.Context, req ImportBackup, p Progress) (BackupImported, error) {
	report(p, StageCompare, 0, 0)
	existing, err := o.st.Load(ctx)
	if err != nil {
		return BackupImported{}, err
	}
	res := BackupImported{Plan: exchange.PlanRestore(existing, req.Backup.Handbook, req.Mirror, o.now())}
	id, err := o.st.HandbookID(ctx)
	if err != nil {
		return res, err
	}
	empty := true
	existing.EachItem(func(handbook.Item) { empty = false })
	adopt := req.Backup.HandbookID != "" && req.Backup.HandbookID != id
	if adopt && !empty {
		return res, fail(CodeOtherHandbook, "File", req.File, "Other", req.Backup.HandbookID, "This", id)
	}
	if req.DryRun {
		return res, store.CheckImport(res.Plan.Write)
	}
	report(p, StageSave, 0, 0)
	if adopt {
		if err := o.st.AdoptHandbookID(ctx, req.Backup.HandbookID); err != nil {
			return res, err
		}
	}
	if res.Changed, err = o.st.Import(ctx, res.Plan.Write); err != nil {
		return res, err
	}
	_, err = o.CheckReleases(ctx, true)
	return res, err
}
