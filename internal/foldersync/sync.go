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
	"path"
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
	// ErrUnsafe: a protocol folder or file in the shared folder is a
	// symbolic link or not what it must be; nothing is read or written
	// through it.
	ErrUnsafe = errors.New("the shared folder is set up unsafely")
)

// DefaultMaxBatchBytes is the size above which a batch file is refused
// without reading it. A snapshot may be snapshotLimit times as large.
const DefaultMaxBatchBytes = 16 << 20

// maxBatchChanges is how many changes one batch holds at most: a large
// import goes out as several batches, each far below the size limit.
const maxBatchChanges = 20_000

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
	// MaxBatchBytes: larger batch files are refused unread; default
	// DefaultMaxBatchBytes.
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
	// New: the file was not passed over in the previous round. A file
	// that stays unusable is named every round, but only once as new.
	New bool
}

func (s Skip) String() string { return s.File + ": " + s.Reason }

// Report says what a sync round did.
type Report struct {
	At time.Time
	// Sent is the number of changes written; SentBatch the (last) file
	// they went to. Parallel is the part of them that another sync of this
	// database, running at the same time, wrote.
	Sent      int
	SentBatch string
	Parallel  int
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

// Engine runs the sync rounds of one process. Its rounds never overlap:
// the automatic round and a click on the sync button must not both pick
// the next batch number. Two processes syncing one database at once (the
// app and a cron job) are told apart by the files themselves.
type Engine struct {
	mu sync.Mutex
}

// Run runs one sync round: it writes this laptop's unsent changes as new
// batches, then applies every batch of the other laptops not applied
// yet, in one transaction after a backup. Unusable files are skipped and
// named in the report; the rest goes on. The local database ends either
// unchanged or with every readable batch applied. When the changes could
// not be written, the error wraps ErrNotWritten and the report still holds
// what was received.
func (e *Engine) Run(ctx context.Context, st Store, opt Options) (Report, error) {
	opt = opt.withDefaults()
	e.mu.Lock()
	defer e.mu.Unlock()
	sh, err := openShare(opt.Folder, opt.beforeWrite)
	if err != nil {
		return Report{At: opt.Now()}, err
	}
	defer sh.Close()
	r := &round{st: st, opt: opt, sh: sh, me: st.Device()}
	rep, err := r.run(ctx)
	rep.At = opt.Now()
	return rep, err
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxBatchBytes <= 0 {
		o.MaxBatchBytes = DefaultMaxBatchBytes
	}
	if o.Backups == 0 {
		o.Backups = 5
	}
	return o
}

type round struct {
	st       Store
	opt      Options
	sh       *share
	me       string
	handbook string
	rep      Report
}

// skip names a file (slash-separated, below the protocol folder) the
// round passes over.
func (r *round) skip(rel, reason string) {
	r.rep.Skipped = append(r.rep.Skipped, Skip{File: path.Join("ernstfall", rel), Reason: reason})
}

func (r *round) run(ctx context.Context) (Report, error) {
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
	if err := r.markNew(ctx); err != nil {
		return r.rep, errors.Join(sendErr, err)
	}
	n, err := r.st.ConflictCount(ctx)
	if err != nil {
		return r.rep, errors.Join(sendErr, err)
	}
	r.rep.Conflicts = n
	return r.rep, sendErr
}

// markNew tells which skipped files were not skipped in the previous
// round, and remembers this round's for the next.
func (r *round) markNew(ctx context.Context) error {
	var before map[string]bool
	if raw, err := r.st.Meta(ctx, "sync_skipped"); err != nil {
		return err
	} else if raw != "" && json.Unmarshal([]byte(raw), &before) != nil {
		before = nil
	}
	now := map[string]bool{}
	for i := range r.rep.Skipped {
		f := r.rep.Skipped[i].File
		r.rep.Skipped[i].New = !before[f]
		now[f] = true
	}
	if len(now) == 0 && len(before) == 0 {
		return nil
	}
	data, err := json.Marshal(now)
	if err != nil {
		return err
	}
	return r.st.SetMeta(ctx, "sync_skipped", string(data))
}

// format checks the FORMAT file, or writes it for a new folder. A fresh
// laptop takes the folder's handbook ID; a laptop with records of another
// handbook is refused.
func (r *round) format(ctx context.Context) error {
	local, err := r.st.HandbookID(ctx)
	if err != nil {
		return err
	}
	data, err := r.sh.readLimited("FORMAT", 64<<10)
	if errors.Is(err, fs.ErrNotExist) {
		body, _ := json.Marshal(formatFile{Format: formatName, Version: formatVersion, Handbook: local})
		if err := r.sh.createOnce("FORMAT", append(body, '\n')); err != nil {
			return fmt.Errorf("sync with %s: set up the shared folder: %w: %w", r.opt.Folder, ErrNotWritten, err)
		}
		data, err = r.sh.readLimited("FORMAT", 64<<10)
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sync with %s: read FORMAT: %w: %w", r.opt.Folder, ErrUnreachable, err)
		}
		return fmt.Errorf("sync with %s: %w: FORMAT %v", r.opt.Folder, ErrFormat, err)
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
		if errors.Is(err, store.ErrNotEmpty) && r.noBatches() {
			// An empty laptop set the folder up but nothing was ever shared
			// in it: the laptop that holds a handbook takes it over, rather
			// than be locked out by an empty one.
			body, _ := json.Marshal(formatFile{Format: formatName, Version: formatVersion, Handbook: local})
			if err := r.sh.replace("FORMAT", append(body, '\n')); err != nil {
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
func (r *round) noBatches() bool {
	devices, err := r.sh.readDir("log")
	if err != nil {
		return false
	}
	for _, d := range devices {
		entries, err := r.sh.readDir(path.Join("log", d.Name()))
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

// send writes the unsent outbox as the next batches of this laptop, at
// most maxBatchChanges changes each.
func (r *round) send(ctx context.Context) error {
	dir := path.Join("log", r.me)
	if err := checkEntry(r.sh.root, dir, true); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sync with %s: %w", r.opt.Folder, err)
	}
	r.sh.removeTemps(dir)
	for attempt := 0; ; attempt++ {
		changes, err := r.st.Unsent(ctx)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil
		}
		if attempt > 2*len(changes)/maxBatchChanges+8 {
			return fmt.Errorf("sync with %s: %w (%d changes stay queued for the next sync): the batch numbers keep being taken",
				r.opt.Folder, ErrNotWritten, len(changes))
		}
		changes = changes[:min(len(changes), maxBatchChanges)]
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
		name := path.Join(dir, batchFileName(seq))
		err = r.sh.writeNew(name, data)
		if errors.Is(err, errExists) {
			// Another sync of this database, in another process, took the
			// number first; if it wrote these very changes, they are sent.
			if err := r.adopt(ctx, name, seq); err != nil {
				return fmt.Errorf("sync with %s: %w (%d changes stay queued for the next sync): %w", r.opt.Folder, ErrNotWritten, len(changes), err)
			}
			left, err := r.st.Unsent(ctx)
			if err != nil {
				return err
			}
			n := len(changes)
			if len(left) > 0 {
				n = sort.Search(len(changes), func(i int) bool { return changes[i].Seq >= left[0].Seq })
			}
			r.rep.Sent += n
			r.rep.Parallel += n
			r.rep.SentBatch = path.Join("ernstfall", name)
			continue
		}
		if err != nil {
			return fmt.Errorf("sync with %s: %w (%d changes stay queued for the next sync): %w", r.opt.Folder, ErrNotWritten, len(changes), err)
		}
		if err := r.st.MarkBatchSent(ctx, changes[len(changes)-1].Seq, seq); err != nil {
			return err
		}
		r.rep.Sent += len(changes)
		r.rep.SentBatch = path.Join("ernstfall", name)
	}
}

// adopt takes a batch file of this device that this round did not write
// (a parallel round of another process wrote it) as sent, when its changes
// are the next unsent ones of the outbox.
func (r *round) adopt(ctx context.Context, name string, seq int64) error {
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return err
	}
	if applied[r.me][seq] {
		return nil // the other round has marked it sent already
	}
	data, err := r.sh.readLimited(name, r.opt.MaxBatchBytes)
	if err != nil {
		return fmt.Errorf("%s exists already and %w", name, err)
	}
	b, err := parseBatch(data, r.handbook, r.me, seq)
	if err != nil {
		return fmt.Errorf("%s exists already and %w", name, err)
	}
	unsent, err := r.st.Unsent(ctx)
	if err != nil {
		return err
	}
	if len(b.Changes) == 0 || len(b.Changes) > len(unsent) {
		return fmt.Errorf("%s exists already and holds changes this laptop did not make", name)
	}
	for i, c := range b.Changes {
		u := unsent[i]
		if u.HLC != c.HLC || u.Entity != c.Entity || u.ID != c.ID || u.Field != c.Field {
			return fmt.Errorf("%s exists already and holds changes this laptop did not make", name)
		}
	}
	return r.st.MarkBatchSent(ctx, unsent[len(b.Changes)-1].Seq, seq)
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
	entries, err := r.sh.readDir(dir)
	if err != nil {
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
	if err := r.sh.replace(path.Join("devices", r.me+".json"), data); err != nil {
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
	entries, err := r.sh.readDir("devices")
	if err != nil {
		return nil // the folder is gone: keep what is known
	}
	for _, e := range entries {
		dev, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !deviceName.MatchString(dev) || !e.Type().IsRegular() {
			continue
		}
		data, err := r.sh.readLimited(path.Join("devices", e.Name()), 64<<10)
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
			r.rep.Skipped = append(r.rep.Skipped, Skip{File: r.rep.Snapshot, Reason: ignoredReason(ig)})
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
		r.skip(path.Join("log", ig.Device, batchFileName(ig.Seq)), ignoredReason(ig))
	}
	return nil
}

// ignoredReason says how many changes of a file were refused, and why the
// first was.
func ignoredReason(ig store.Ignored) string {
	if ig.Count == 1 {
		return "change ignored: " + ig.Reason
	}
	return fmt.Sprintf("%d changes ignored; the first: %s", ig.Count, ig.Reason)
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
	entries, err := r.sh.readDir("log")
	if err != nil {
		r.skip("log", "cannot list: "+err.Error())
		return nil
	}
	var out []store.Batch
	for _, e := range entries {
		dev := e.Name()
		rel := path.Join("log", dev)
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
		files, err := r.sh.readDir(rel)
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
			frel := path.Join(rel, name)
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
			frel := path.Join(rel, p.name)
			b, err := r.readBatch(frel, dev, p.seq)
			if err != nil {
				r.skip(frel, err.Error()+"; retried next sync")
				continue
			}
			out = append(out, b)
		}
	}
	return out
}

func (r *round) readBatch(rel, dev string, seq int64) (store.Batch, error) {
	data, err := r.sh.readLimited(rel, r.opt.MaxBatchBytes)
	if err != nil {
		return store.Batch{}, err
	}
	return parseBatch(data, r.handbook, dev, seq)
}
