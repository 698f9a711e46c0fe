package ops

import (
	"context"
	"os"
	"strings"
	"time"

	"ernstfall/internal/foldersync"
)

// Keys of this laptop's sync setup in the store's meta table, which never
// syncs: the folder and the name belong to this database on this laptop.
const (
	metaSyncFolder = "sync_folder"
	metaSyncAuto   = "sync_auto"
	metaSyncLast   = "sync_last"
	metaDeviceName = "device_name"
)

// SyncSetup is how this laptop synchronises.
type SyncSetup struct {
	// Folder is the shared folder; empty when none is set up.
	Folder string
	// Device is this laptop's name as the others see it.
	Device string
	// Auto runs a round at the start of the window and every few minutes;
	// on unless turned off.
	Auto bool
}

// SyncSetup reads this laptop's sync setup; the name defaults to the host
// name. A laptop that was never set up here but has synchronised (from
// the command line, sync --folder) uses the folder of its last round.
func (o *Ops) SyncSetup(ctx context.Context) (SyncSetup, error) {
	var s SyncSetup
	var err error
	if s.Folder, err = o.st.Meta(ctx, metaSyncFolder); err != nil {
		return s, err
	}
	if s.Folder == "" {
		if s.Folder, err = foldersync.LastFolder(ctx, o.st); err != nil {
			return s, err
		}
	}
	if s.Device, err = o.st.Meta(ctx, metaDeviceName); err != nil {
		return s, err
	}
	if s.Device == "" {
		s.Device, _ = os.Hostname()
	}
	auto, err := o.st.Meta(ctx, metaSyncAuto)
	s.Auto = auto != "off"
	return s, err
}

// SaveSyncSetup stores this laptop's sync setup.
func (o *Ops) SaveSyncSetup(ctx context.Context, s SyncSetup) error {
	auto := "on"
	if !s.Auto {
		auto = "off"
	}
	for _, kv := range [][2]string{{metaSyncFolder, strings.TrimSpace(s.Folder)}, {metaDeviceName, strings.TrimSpace(s.Device)}, {metaSyncAuto, auto}} {
		if err := o.st.SetMeta(ctx, kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// LastSync is when this laptop last finished a round; zero when never.
func (o *Ops) LastSync(ctx context.Context) (time.Time, error) {
	raw, err := o.st.Meta(ctx, metaSyncLast)
	if err != nil || raw == "" {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		return time.Time{}, nil // an unreadable note of this laptop only: as never
	}
	return t, nil
}

// Sync is a sync round with a shared folder.
type Sync struct {
	Folder string
	// DeviceName is this laptop's name for the others; empty keeps the
	// saved one.
	DeviceName string
	// Author names the person syncing, in the batch.
	Author string
	// Snapshot writes a snapshot after the round, so that laptops joining
	// later start from it.
	Snapshot bool
	// Deletions decides about mass deletions held back, per laptop or for
	// all (foldersync.AllDevices); held when not decided.
	Deletions map[string]foldersync.DeletionChoice
}

// Synced is what a round did.
type Synced struct {
	foldersync.Report
	// SnapshotFile is the snapshot written, if one was asked for, below
	// the shared folder.
	SnapshotFile string
	// Refused are the releases that arrived and failed their check (or
	// failed it now): they are held back, everything else is applied.
	Refused []HeldRelease
}

// Sync runs one round with the shared folder: this laptop's unsent changes
// go into a new file there, and the other laptops' new files are applied
// in one transaction. A round is not one transaction but a resumable
// sequence: its files are written whole or not at all, and a crash between
// writing the batch and marking it sent, or before the apply commits, is
// taken up by the next round, which skips what it finds done. Rounds of
// this process never overlap. After a round without error the time is
// noted (LastSync).
func (o *Ops) Sync(ctx context.Context, req Sync, p Progress) (Synced, error) {
	report(p, StageSync, 0, 0)
	opt := foldersync.Options{Folder: req.Folder, DeviceName: req.DeviceName, Author: req.Author, Now: o.now, Deletions: req.Deletions}
	if err := o.folderSettings(ctx, &opt); err != nil {
		return Synced{}, err
	}
	rep, err := o.sync.Run(ctx, o.st, opt)
	res := Synced{Report: rep}
	if err != nil {
		return res, err
	}
	// Releases arriving are checked before they count; a round that
	// crashed before this left them held back, and this round checks them.
	if res.Refused, err = o.CheckReleases(ctx, false); err != nil {
		return res, err
	}
	if err := o.st.SetMeta(ctx, metaSyncLast, rep.At.UTC().Format(time.RFC3339)); err != nil {
		return res, err
	}
	if req.Snapshot {
		report(p, StageSnapshot, 0, 0)
		if res.SnapshotFile, err = o.sync.WriteSnapshot(ctx, o.st, opt); err != nil {
			return res, err
		}
	}
	return res, nil
}

// DeviceNames names the laptops this one has heard of, by device ID.
func (o *Ops) DeviceNames(ctx context.Context) (map[string]string, error) {
	return foldersync.DeviceNames(ctx, o.st)
}

// TeamChange is a change of the team of laptops that share a folder.
type TeamChange struct {
	// Folder is the shared folder; empty means the one of the last round.
	Folder string
	// Who is the laptop's name or fingerprint.
	Who string
	// All admits every laptop that asks to join (Admit only).
	All bool
}

// folder is the shared folder a team change or a team listing is about;
// "" when none is known.
func (o *Ops) folder(ctx context.Context, folder string) (string, error) {
	if folder != "" {
		return folder, nil
	}
	return foldersync.LastFolder(ctx, o.st)
}

// Team lists the laptops of the folder's team and those asking to join.
func (o *Ops) Team(ctx context.Context, folder string) (foldersync.Team, error) {
	folder, err := o.folder(ctx, folder)
	if err != nil || folder == "" {
		return foldersync.Team{}, errNoFolder(err)
	}
	opt := foldersync.Options{Folder: folder, Now: o.now}
	if err := o.folderSettings(ctx, &opt); err != nil {
		return foldersync.Team{}, err
	}
	return o.sync.Devices(ctx, o.st, opt)
}

// folderSettings puts the team's settings of the shared folder (Settings:
// inactive after, compact after) into opt.
func (o *Ops) folderSettings(ctx context.Context, opt *foldersync.Options) error {
	st, err := o.st.Settings(ctx)
	if err != nil {
		return err
	}
	opt.InactiveAfter, opt.CompactAfter = st.SyncSettings()
	return nil
}

// Admit lets a laptop that asked to join take part from its next round.
func (o *Ops) Admit(ctx context.Context, req TeamChange) ([]foldersync.Device, error) {
	folder, err := o.folder(ctx, req.Folder)
	if err != nil || folder == "" {
		return nil, errNoFolder(err)
	}
	return o.sync.Admit(ctx, o.st, foldersync.Options{Folder: folder, Now: o.now}, req.Who, req.All)
}

// Refuse turns a laptop's join request down.
func (o *Ops) Refuse(ctx context.Context, req TeamChange) (foldersync.Device, error) {
	folder, err := o.folder(ctx, req.Folder)
	if err != nil || folder == "" {
		return foldersync.Device{}, errNoFolder(err)
	}
	return o.sync.Refuse(ctx, o.st, foldersync.Options{Folder: folder, Now: o.now}, req.Who)
}

// RemoveDevice removes a laptop from the team: what it writes from now on
// is never applied, and the team key is replaced.
func (o *Ops) RemoveDevice(ctx context.Context, req TeamChange) (foldersync.Device, error) {
	folder, err := o.folder(ctx, req.Folder)
	if err != nil || folder == "" {
		return foldersync.Device{}, errNoFolder(err)
	}
	opt := foldersync.Options{Folder: folder, Now: o.now}
	if err := o.folderSettings(ctx, &opt); err != nil {
		return foldersync.Device{}, err
	}
	return o.sync.Remove(ctx, o.st, opt, req.Who)
}

// DeclareLost declares a laptop's batches missing from the folder lost,
// so that they are reported no more.
func (o *Ops) DeclareLost(ctx context.Context, req TeamChange) (foldersync.Gap, error) {
	folder, err := o.folder(ctx, req.Folder)
	if err != nil || folder == "" {
		return foldersync.Gap{}, errNoFolder(err)
	}
	return o.sync.DeclareLost(ctx, o.st, foldersync.Options{Folder: folder, Now: o.now}, req.Who)
}

// errNoFolder is the error of a team operation without a folder: err when
// reading the setting failed, else CodeNoFolder.
func errNoFolder(err error) error {
	if err != nil {
		return err
	}
	return fail(CodeNoFolder)
}
