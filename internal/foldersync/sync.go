// Package foldersync merges handbooks of several laptops through a shared folder
// (an SMB share, a Nextcloud, Syncthing or OneDrive folder, a USB stick).
// Each laptop writes its field-level changes as immutable batch files;
// every other laptop reads the batches it has not applied yet and merges
// them field by field. No file is ever modified after it is written, so a
// file-sync engine has nothing to merge.
//
// Layout below the shared folder:
//
//	ernstfall/FORMAT                      format, version, handbook ID
//	ernstfall/devices/<device>.json       name and last sync, for people
//	ernstfall/log/<device>/<seq>.json     one batch of changes
//	ernstfall/snapshots/<device>-<seq>.json  every change known, for fast joins
package foldersync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"ernstfall/internal/store"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrUnreachable: the shared folder is not there (network drive gone,
	// USB stick pulled).
	ErrUnreachable = errors.New("shared folder not reachable")
	// ErrOtherHandbook: the folder holds another handbook; it is never merged.
	ErrOtherHandbook = errors.New("the shared folder holds another handbook")
	// ErrFormat: the folder's FORMAT file is unreadable or from a newer Ernstfall.
	ErrFormat = errors.New("the shared folder's FORMAT file cannot be used")
	// ErrNotWritten: this laptop's changes could not be written to the
	// folder (read-only, full); they stay queued for the next sync.
	ErrNotWritten = errors.New("changes not written to the shared folder")
)

// DefaultMaxBatchBytes is the size above which a batch file is skipped.
const DefaultMaxBatchBytes = 64 << 20

// Store is what a sync needs of the local database.
type Store interface {
	Device() string
	HandbookID(ctx context.Context) (string, error)
	AdoptHandbookID(ctx context.Context, id string) error
	Meta(ctx context.Context, key string) (string, error)
	SetMeta(ctx context.Context, key, value string) error
	Unsent(ctx context.Context) ([]store.Change, error)
	MarkBatchSent(ctx context.Context, outboxSeq, batchSeq int64) error
	Applied(ctx context.Context) (map[string]map[int64]bool, error)
	ApplyRemote(ctx context.Context, batches []store.Batch) (store.ApplyResult, error)
	ExportSnapshot(ctx context.Context) (store.Snapshot, error)
	ImportSnapshot(ctx context.Context, snap store.Snapshot) (store.ApplyResult, error)
	AutoBackup(ctx context.Context, reason string, keep int) (string, error)
	ConflictCount(ctx context.Context) (int, error)
}

var _ Store = (*store.Store)(nil)

// Options tune a sync round; Folder is required.
type Options struct {
	// Folder is the shared folder; the protocol lives in its "ernstfall"
	// sub-folder.
	Folder string
	// DeviceName is this laptop's name for people; when empty, the name
	// saved before, else the host name.
	DeviceName string
	// Now replaces the wall clock (tests).
	Now func() time.Time
	// MaxBatchBytes: larger batch files are skipped; default DefaultMaxBatchBytes.
	MaxBatchBytes int64
	// Backups is how many backups before sync are kept; default 5,
	// negative: none are written.
	Backups int

	// beforeWrite, when set, is called before each file is written and
	// may fail it (tests: full disk, read-only folder).
	beforeWrite func(path string) error
}

// Skip is a file the round passed over, and why.
type Skip struct {
	// File is the path below the shared folder.
	File   string
	Reason string
}

func (s Skip) String() string { return s.File + ": " + s.Reason }

// Report says what a sync round did.
type Report struct {
	At time.Time
	// Sent is the number of changes written; SentBatch the file they went to.
	Sent      int
	SentBatch string
	// Received is the number of changes new to this laptop, from Batches
	// batches (and Snapshot, when the laptop joined from one).
	Received int
	Batches  int
	Snapshot string
	Skipped  []Skip
	// Conflicts is the number of open conflicts after the round.
	Conflicts int
	// Backup is the backup written before applying, if any.
	Backup string
	// ClockAhead names the devices whose clocks run ahead of this laptop's
	// by more than store.ClockTolerance, and by how much.
	ClockAhead map[string]time.Duration
}

// running serialises rounds within the process: the automatic round and a
// click on the sync button must not both pick the next batch number.
var running sync.Mutex

// RunWith runs one sync round: it writes this laptop's unsent changes as
// one new batch, then applies every batch of the other laptops not applied
// yet, in one transaction after a backup. Unusable files are skipped and
// named in the report; the rest goes on. The local database ends either
// unchanged or with every readable batch applied. When the changes could
// not be written, the error wraps ErrNotWritten and the report still holds
// what was received.
func RunWith(ctx context.Context, st Store, opt Options) (Report, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxBatchBytes <= 0 {
		opt.MaxBatchBytes = DefaultMaxBatchBytes
	}
	if opt.Backups == 0 {
		opt.Backups = 5
	}
	running.Lock()
	defer running.Unlock()
	r := &round{st: st, opt: opt, root: filepath.Join(opt.Folder, "ernstfall"), me: st.Device()}
	rep, err := r.run(ctx)
	rep.At = opt.Now()
	return rep, err
}

type round struct {
	st       Store
	opt      Options
	root     string
	me       string
	handbook string
	rep      Report
}

func (r *round) skip(rel, reason string) {
	r.rep.Skipped = append(r.rep.Skipped, Skip{File: filepath.ToSlash(filepath.Join("ernstfall", rel)), Reason: reason})
}

func (r *round) run(ctx context.Context) (Report, error) {
	fi, err := os.Stat(r.opt.Folder)
	if err != nil || !fi.IsDir() {
		return r.rep, fmt.Errorf("sync with %s: %w", r.opt.Folder, ErrUnreachable)
	}
	if err := r.format(ctx); err != nil {
		return r.rep, err
	}
	sendErr := r.send(ctx)
	if sendErr == nil {
		sendErr = r.announce(ctx)
	}
	if err := r.receive(ctx); err != nil {
		return r.rep, errors.Join(sendErr, err)
	}
	if err := r.learnNames(ctx); err != nil {
		return r.rep, errors.Join(sendErr, err)
	}
	n, err := r.st.ConflictCount(ctx)
	if err != nil {
		return r.rep, errors.Join(sendErr, err)
	}
	r.rep.Conflicts = n
	return r.rep, sendErr
}

// format checks the FORMAT file, or writes it for a new folder. A fresh
// laptop takes the folder's handbook ID; a laptop with records of another
// handbook is refused.
func (r *round) format(ctx context.Context) error {
	local, err := r.st.HandbookID(ctx)
	if err != nil {
		return err
	}
	path := filepath.Join(r.root, "FORMAT")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(r.opt.Folder); serr != nil {
			return fmt.Errorf("sync with %s: %w", r.opt.Folder, ErrUnreachable)
		}
		body, _ := json.Marshal(formatFile{Format: formatName, Version: formatVersion, Handbook: local})
		if err := r.createOnce(path, append(body, '\n')); err != nil {
			return fmt.Errorf("sync with %s: set up the shared folder: %w: %w", r.opt.Folder, ErrNotWritten, err)
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return fmt.Errorf("sync with %s: read FORMAT: %w: %w", r.opt.Folder, ErrUnreachable, err)
	}
	var f formatFile
	if err := json.Unmarshal(data, &f); err != nil || f.Format != formatName || f.Handbook == "" {
		return fmt.Errorf("sync with %s: %w: not an Ernstfall sync folder", r.opt.Folder, ErrFormat)
	}
	if f.Version > formatVersion {
		return fmt.Errorf("sync with %s: %w: written by a newer Ernstfall (version %d, this one knows %d); update Ernstfall", r.opt.Folder, ErrFormat, f.Version, formatVersion)
	}
	if f.Handbook != local {
		err := r.st.AdoptHandbookID(ctx, f.Handbook)
		if errors.Is(err, store.ErrNotEmpty) && noBatches(filepath.Join(r.root, "log")) {
			// An empty laptop set the folder up but nothing was ever shared
			// in it: the laptop that holds a handbook takes it over, rather
			// than be locked out by an empty one.
			body, _ := json.Marshal(formatFile{Format: formatName, Version: formatVersion, Handbook: local})
			if err := r.replace(path, append(body, '\n')); err != nil {
				return fmt.Errorf("sync with %s: set up the shared folder: %w: %w", r.opt.Folder, ErrNotWritten, err)
			}
			f.Handbook, err = local, nil
		}
		if err != nil {
			if errors.Is(err, store.ErrNotEmpty) {
				return fmt.Errorf("sync with %s: %w (%s, this laptop holds %s); nothing was merged — choose the folder of this handbook, or join it with a new, empty database",
					r.opt.Folder, ErrOtherHandbook, f.Handbook, local)
			}
			return err
		}
	}
	r.handbook = f.Handbook
	return nil
}

// noBatches reports whether no laptop has written a batch under log yet.
func noBatches(log string) bool {
	devices, err := os.ReadDir(log)
	if err != nil {
		return errors.Is(err, fs.ErrNotExist)
	}
	for _, d := range devices {
		entries, err := os.ReadDir(filepath.Join(log, d.Name()))
		if err != nil {
			return false
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".json") && !strings.HasPrefix(e.Name(), ".") {
				return false
			}
		}
	}
	return true
}

// send writes the unsent outbox as the next batch of this laptop.
func (r *round) send(ctx context.Context) error {
	changes, err := r.st.Unsent(ctx)
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		removeTemps(filepath.Join(r.root, "log", r.me))
		return nil
	}
	dir := filepath.Join(r.root, "log", r.me)
	removeTemps(dir)
	seq, err := r.nextSeq(ctx, dir)
	if err != nil {
		return err
	}
	b := batchFile{Format: batchFormat, Version: formatVersion, Handbook: r.handbook, Device: r.me, Seq: seq,
		CreatedAt: r.opt.Now().UTC(), Changes: make([]wireChange, len(changes))}
	for i, c := range changes {
		b.Changes[i] = toWire(c, false)
	}
	data, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode batch: %w", err)
	}
	name := filepath.Join(dir, batchFileName(seq))
	if err := r.writeNew(name, data); err != nil {
		return fmt.Errorf("sync with %s: %w (%d changes stay queued for the next sync): %w", r.opt.Folder, ErrNotWritten, len(changes), err)
	}
	if err := r.st.MarkBatchSent(ctx, changes[len(changes)-1].Seq, seq); err != nil {
		return err
	}
	r.rep.Sent = len(changes)
	r.rep.SentBatch = filepath.ToSlash(filepath.Join("ernstfall", "log", r.me, batchFileName(seq)))
	return nil
}

// nextSeq is one above every batch this laptop wrote: the ones it knows
// and any file left by an interrupted earlier round.
func (r *round) nextSeq(ctx context.Context, dir string) (int64, error) {
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return 0, err
	}
	var top int64
	for seq := range applied[r.me] {
		top = max(top, seq)
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("sync with %s: %w: %w", r.opt.Folder, ErrUnreachable, err)
	}
	for _, e := range entries {
		if seq, ok := seqOf(e.Name()); ok {
			top = max(top, seq)
		}
	}
	return top + 1, nil
}

// announce writes devices/<device>.json with this laptop's name.
func (r *round) announce(ctx context.Context) error {
	name := r.opt.DeviceName
	if name != "" {
		if err := r.st.SetMeta(ctx, "device_name", name); err != nil {
			return err
		}
	} else if name, _ = r.st.Meta(ctx, "device_name"); name == "" {
		name, _ = os.Hostname()
	}
	data, err := json.Marshal(deviceFile{Device: r.me, Name: name, LastSync: r.opt.Now().UTC()})
	if err != nil {
		return err
	}
	if err := r.replace(filepath.Join(r.root, "devices", r.me+".json"), data); err != nil {
		return fmt.Errorf("sync with %s: %w: %w", r.opt.Folder, ErrNotWritten, err)
	}
	return nil
}

// learnNames keeps the names of the devices announced in the folder, so
// that conflicts can name laptops while the folder is out of reach.
func (r *round) learnNames(ctx context.Context) error {
	names, err := DeviceNames(ctx, r.st)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(r.root, "devices"))
	if err != nil {
		return nil // no devices announced yet, or the folder is gone: keep what is known
	}
	for _, e := range entries {
		dev, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !deviceName.MatchString(dev) || !e.Type().IsRegular() {
			continue
		}
		data, err := readLimited(filepath.Join(r.root, "devices", e.Name()), 64<<10)
		if err != nil {
			continue
		}
		var f deviceFile
		if json.Unmarshal(data, &f) == nil && f.Device == dev && f.Name != "" {
			names[dev] = f.Name
		}
	}
	data, err := json.Marshal(names)
	if err != nil {
		return err
	}
	return r.st.SetMeta(ctx, "sync_device_names", string(data))
}

// DeviceNames returns the names of the laptops this one has met in the
// shared folder, by device ID; this laptop's own name included once set.
func DeviceNames(ctx context.Context, st Store) (map[string]string, error) {
	names := map[string]string{}
	raw, err := st.Meta(ctx, "sync_device_names")
	if err != nil {
		return nil, err
	}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &names); err != nil {
			return map[string]string{}, nil
		}
	}
	if own, err := st.Meta(ctx, "device_name"); err == nil && own != "" {
		names[st.Device()] = own
	}
	return names, nil
}

// receive reads every batch of the other laptops not applied yet (after a
// snapshot, for a laptop that has applied nothing) and applies them.
func (r *round) receive(ctx context.Context) error {
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return err
	}
	var snap *store.Snapshot
	if len(others(applied, r.me)) == 0 {
		if s, name := r.latestSnapshot(); s != nil {
			snap = s
			r.rep.Snapshot = name
			for d, seqs := range s.Applied {
				if applied[d] == nil {
					applied[d] = map[int64]bool{}
				}
				for _, seq := range seqs {
					applied[d][seq] = true
				}
			}
		}
	}
	batches := r.readBatches(applied)
	if snap == nil && len(batches) == 0 {
		return nil
	}
	if r.opt.Backups > 0 {
		path, err := r.st.AutoBackup(ctx, "before-sync", r.opt.Backups)
		if err != nil {
			return fmt.Errorf("sync: %w; nothing was applied", err)
		}
		r.rep.Backup = path
	}
	if snap != nil {
		res, err := r.st.ImportSnapshot(ctx, *snap)
		if err != nil {
			return fmt.Errorf("sync: %w; nothing was applied", err)
		}
		r.rep.Received += res.Changes
		for _, ig := range res.Ignored {
			r.rep.Skipped = append(r.rep.Skipped, Skip{File: r.rep.Snapshot, Reason: "change ignored: " + ig.Reason})
		}
	}
	res, err := r.st.ApplyRemote(ctx, batches)
	if err != nil {
		return fmt.Errorf("sync: %w; nothing of the batches was applied", err)
	}
	r.rep.Received += res.Changes
	r.rep.Batches += res.Batches
	r.rep.ClockAhead = res.Ahead
	for _, ig := range res.Ignored {
		r.skip(filepath.Join("log", ig.Device, batchFileName(ig.Seq)), "change ignored: "+ig.Reason)
	}
	return nil
}

func others(applied map[string]map[int64]bool, me string) []string {
	var out []string
	for d := range applied {
		if d != me {
			out = append(out, d)
		}
	}
	return out
}

// readBatches reads the batches not applied yet, device by device in
// order. Unusable files are skipped with a message; nothing stops the rest.
func (r *round) readBatches(applied map[string]map[int64]bool) []store.Batch {
	logDir := filepath.Join(r.root, "log")
	entries, err := os.ReadDir(logDir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			r.skip("log", "cannot list: "+err.Error())
		}
		return nil
	}
	var out []store.Batch
	for _, e := range entries {
		dev := e.Name()
		rel := filepath.Join("log", dev)
		switch {
		case dev == r.me:
			continue
		case oddName(dev) != "":
			r.skip(rel, oddName(dev))
			continue
		case e.Type()&fs.ModeSymlink != 0:
			r.skip(rel, "a symbolic link; not followed")
			continue
		case !e.IsDir():
			r.skip(rel, "not a device folder; ignored")
			continue
		case !deviceName.MatchString(dev):
			r.skip(rel, "not a device ID; ignored")
			continue
		}
		files, err := os.ReadDir(filepath.Join(logDir, dev))
		if err != nil {
			r.skip(rel, "cannot list: "+err.Error())
			continue
		}
		type pending struct {
			seq  int64
			name string
		}
		var todo []pending
		for _, f := range files {
			name := f.Name()
			frel := filepath.Join(rel, name)
			seq, ok := seqOf(name)
			switch {
			case oddName(name) != "":
				r.skip(frel, oddName(name))
			case !ok:
				r.skip(frel, "not a batch file name; ignored")
			case applied[dev][seq]:
			case f.Type()&fs.ModeSymlink != 0:
				r.skip(frel, "a symbolic link; not followed")
			case !f.Type().IsRegular():
				r.skip(frel, "not a regular file; ignored")
			default:
				todo = append(todo, pending{seq, name})
			}
		}
		sort.Slice(todo, func(i, j int) bool { return todo[i].seq < todo[j].seq })
		for _, p := range todo {
			frel := filepath.Join(rel, p.name)
			b, err := r.readBatch(filepath.Join(logDir, dev, p.name), dev, p.seq)
			if err != nil {
				r.skip(frel, err.Error()+"; retried next sync")
				continue
			}
			out = append(out, b)
		}
	}
	return out
}

func (r *round) readBatch(path, dev string, seq int64) (store.Batch, error) {
	data, err := readLimited(path, r.opt.MaxBatchBytes)
	if err != nil {
		return store.Batch{}, err
	}
	return parseBatch(data, r.handbook, dev, seq)
}

// readLimited reads a regular file no larger than limit, without
// following a symbolic link put in its place.
func readLimited(path string, limit int64) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("oversized (%d bytes, the limit is %d)", fi.Size(), limit)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("oversized (%d bytes, the limit is %d)", len(data), limit)
	}
	return data, nil
}
