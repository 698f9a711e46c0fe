// Package foldersync merges handbooks of several laptops through a shared folder
// (an SMB share, a Nextcloud, Syncthing or OneDrive folder, a USB stick).
// Each laptop writes its field-level changes as immutable batch files;
// every other laptop reads the batches it has not applied yet and merges
// them field by field. No file is ever modified after it is written, so a
// file-sync engine has nothing to merge.
//
// The shared folder is untrusted storage. Every laptop has its own signing
// key; the first laptop that sets a folder up founds the team, and others
// join when a member admits them. Everything a laptop writes is signed by
// it and encrypted with a key only the team holds (see package seal), so
// the folder shows file names, sizes and times, and nothing of the
// handbook. What no member signed, or a removed member signed after its
// removal, is never applied.
//
// Layout below the shared folder:
//
//	ernstfall/FORMAT                          format, handbook ID, founder (signed)
//	ernstfall/log/<device>/<seq>.batch        one batch: changes and team records
//	ernstfall/devices/<device>.device         name, last sync, last batch
//	ernstfall/snapshots/<device>-<seq>.snapshot  every change known, for fast joins
//	ernstfall/requests/<device>.request       a laptop asking to join
//	ernstfall/keys/<device>/<key>-<from>.key  a team key for one laptop
package foldersync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"ernstfall/internal/seal"
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
	// ErrFormatMissing: the folder's FORMAT file is missing or damaged,
	// and this laptop cannot put it back (it wraps ErrFormat).
	ErrFormatMissing = fmt.Errorf("%w: missing or damaged", ErrFormat)
	// ErrNotWritten: this laptop's changes could not be written to the
	// folder (read-only, full); they stay queued for the next sync.
	ErrNotWritten = errors.New("changes not written to the shared folder")
	// ErrUnsafe: a protocol folder or file in the shared folder is a
	// symbolic link or not what it must be; nothing is read or written
	// through it.
	ErrUnsafe = errors.New("the shared folder is set up unsafely")
	// ErrOtherTeam: the folder's FORMAT names another team than the one
	// this laptop belongs to (replaced, or set up anew).
	ErrOtherTeam = errors.New("the shared folder now belongs to another team")
	// ErrNotMember: the operation needs a member of the team.
	ErrNotMember = errors.New("this laptop is not a member of the folder's team yet")
	// ErrRemoved: a member removed this laptop from the team.
	ErrRemoved = errors.New("this laptop was removed from the team; a member must admit it again (it has a new identity then)")
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
	Deletions(ctx context.Context, batches []store.Batch) (map[string][]store.RecordRef, int, error)
	KeepRecords(ctx context.Context, refs []store.RecordRef) (int, error)
	RenewDevice(ctx context.Context) (string, string, error)
	MarkBatchSent(ctx context.Context, outboxSeq, batchSeq int64, hash string) error
	BatchHash(ctx context.Context, device string, seq int64) (string, error)
	Applied(ctx context.Context) (map[string]map[int64]bool, error)
	ResendAll(ctx context.Context) error
	ApplyRemote(ctx context.Context, batches []store.Batch) (store.ApplyResult, error)
	ExportSnapshot(ctx context.Context) (store.Snapshot, error)
	ExportCheckpoint(ctx context.Context, settled map[string]int64) (store.Snapshot, error)
	ImportSnapshot(ctx context.Context, snap store.Snapshot) (store.ApplyResult, error)
	VerifyCheckpoint(ctx context.Context, snap store.Snapshot) (problem string, ok bool, err error)
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
	// Author names the person syncing; each batch written carries it.
	Author string
	// Now replaces the wall clock (tests).
	Now func() time.Time
	// MaxBatchBytes: larger batch files are refused unread; default
	// DefaultMaxBatchBytes.
	MaxBatchBytes int64
	// Backups is how many backups before sync are kept; default 5,
	// negative: none are written.
	Backups int
	// Deletions decides about mass deletions held back, per laptop (its
	// device ID) or for all (AllDevices); held when not decided.
	Deletions map[string]DeletionChoice
	// CompactAfter is how many batches every active member has applied
	// before this laptop folds them into a checkpoint and removes them;
	// default DefaultCompactAfter, negative: never.
	CompactAfter int
	// InactiveAfter is how long a member may go without syncing before it
	// is inactive: shown so, and no longer holding compaction back;
	// default DefaultInactiveAfter.
	InactiveAfter time.Duration

	// beforeWrite, when set, is called before each file is written and
	// may fail it (tests: full disk, read-only folder).
	beforeWrite func(path string) error
	// afterRemove, when set, is called after compaction removed a file
	// (tests: a process killed while it removes).
	afterRemove func(rel string)
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
	// Checkpoint is the checkpoint this round wrote, Compacted the number
	// of batch files it removed because the checkpoint holds them.
	Checkpoint string
	Compacted  int
	Skipped    []Skip
	// Conflicts is the number of open conflicts after the round.
	Conflicts int
	// Backup is the backup written before applying, if any.
	Backup string
	// ClockAhead names the devices whose clocks run ahead of this laptop's
	// by more than store.ClockTolerance, and by how much.
	ClockAhead map[string]time.Duration
	// Authors are the people whose batches this round applied, as their
	// laptops named them, in the order first met.
	Authors []string

	// Fingerprint is this laptop's, to compare by phone when admitted.
	Fingerprint string
	// Pending: this laptop is not (yet) a member; it filed a join request
	// and neither sent nor received anything. Joined: it was admitted
	// and took part for the first time.
	Pending bool
	Joined  bool
	// Unknown is the number of files from laptops that are not members.
	Unknown int
	// Requests are the join requests waiting for a member (up to
	// maxRequests; MoreRequests counts the rest).
	Requests     []Request
	MoreRequests int
	// Held are the mass deletions held back until a person decides;
	// Kept counts the records brought back by that decision.
	Held []Held
	Kept int
	// Gaps are batches of other laptops missing from the folder.
	Gaps []Gap
	// Copied is this laptop's former device ID when it found its database
	// was copied to another laptop and took a new identity.
	Copied string
}

// Request is a laptop asking to join the team.
type Request struct {
	Device      string
	Name        string
	Fingerprint string
	Since       time.Time
	keys        seal.Public
}

// Engine runs the sync rounds of one process. Its rounds never overlap:
// the automatic round and a click on the sync button must not both pick
// the next batch number. Two processes syncing one database at once (the
// app and a cron job) are told apart by the files themselves.
type Engine struct {
	mu sync.Mutex
	// devices are the device files the last round verified.
	devices deviceCache
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
	r := &round{st: st, opt: opt, sh: sh, me: st.Device(), cache: &e.devices}
	rep, err := r.run(ctx)
	e.devices.turn()
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
	if o.CompactAfter == 0 {
		o.CompactAfter = DefaultCompactAfter
	}
	if o.InactiveAfter <= 0 {
		o.InactiveAfter = DefaultInactiveAfter
	}
	return o
}

type round struct {
	st          Store
	opt         Options
	sh          *share
	me          string
	handbook    string
	rep         Report
	id          seal.Identity
	fingerprint string
	// formatRaw is the FORMAT file as last read and verified this round.
	formatRaw []byte
	state     localState
	team      *team
	// read holds the batches of other laptops read this round; present
	// the highest batch number of each laptop in the folder.
	read    map[string][]*inbatch
	present map[string]int64
	// copies are the files of batches a file-sync engine kept in more
	// than one version; versions those of them read and verified.
	copies   map[string][]pendingFile
	versions map[string][]*inbatch
	// founding is the first team key while the founder writes its first
	// batch.
	founding *seal.Key
	// held are the laptops whose deletions wait this round.
	held map[string]bool
	// large: the batch files pending this round are more than
	// scanBudget; they are applied in parts, under a memory limit.
	large bool
	// chain holds, per removed laptop, its batches that lead to the one
	// its removal names (see chained).
	chain map[string]map[int64]bool
	// inFolder lists each other laptop's batch files by number, as the
	// round began.
	inFolder map[string][]int64
	// pending are the batch files not applied when the round began.
	pending map[string][]pendingFile
	// deviceFiles are the device files, read once per round.
	deviceFiles map[string]deviceFile
	// pack: whether this round's batches are compressed (packBatches).
	pack *bool
	// cache holds the device files the engine's last round verified;
	// nil: none (a round of its own).
	cache *deviceCache
	// seenDevices is what this laptop observed of them (see observe).
	seenDevices map[string]seenDevice
	// imported are the checkpoints this round started from.
	imported map[string]checkedCheckpoint
}

// skip names a file (slash-separated, below the protocol folder) the
// round passes over.
func (r *round) skip(rel, reason string) {
	r.rep.Skipped = append(r.rep.Skipped, Skip{File: printable(path.Join("ernstfall", rel)), Reason: reason})
}

// printable makes a file name anyone could have chosen safe to show: no
// control characters (a terminal would act on them), no invalid UTF-8,
// and at most maxShownName characters.
func printable(name string) string {
	if !utf8.ValidString(name) || strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		q := strconv.QuoteToGraphic(name)
		name = q[1 : len(q)-1]
	}
	if r := []rune(name); len(r) > maxShownName {
		name = string(r[:maxShownName-20]) + "…" + string(r[len(r)-19:])
	}
	return name
}

// maxShownName is how long a file name in a message may be.
const maxShownName = 120

func (r *round) run(ctx context.Context) (Report, error) {
	if err := r.setup(ctx); err != nil {
		return r.rep, err
	}
	r.rep.Fingerprint = r.fingerprint
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return r.rep, err
	}
	pending := r.listPending(applied)
	r.pending = pending
	if err := r.learnKeys(ctx); err != nil {
		return r.rep, err
	}
	if err := r.scan(ctx, pending); err != nil {
		return r.rep, err
	}
	if r.team.member(r.me) {
		copied, err := r.checkOwnFolder(ctx)
		if err != nil {
			return r.rep, err
		}
		if copied {
			if err := r.renew(ctx); err != nil {
				return r.rep, err
			}
		}
	}
	if !r.team.member(r.me) {
		return r.rep, r.waitForAdmission(ctx)
	}
	if !r.state.Member {
		if err := r.joined(ctx); err != nil {
			return r.rep, err
		}
	}
	sendErr := r.send(ctx)
	if sendErr == nil {
		sendErr = r.announce(ctx)
	}
	if sendErr == nil {
		sendErr = r.shareKeys(ctx)
	}
	if err := r.receive(ctx, applied, pending); err != nil {
		return r.rep, errors.Join(sendErr, err)
	}
	if r.rep.Kept > 0 && sendErr == nil {
		// The records kept go out at once.
		sendErr = r.send(ctx)
	}
	if err := r.observe(ctx); err != nil {
		return r.rep, errors.Join(sendErr, err)
	}
	if err := r.verifyCheckpoints(ctx); err != nil {
		return r.rep, errors.Join(sendErr, err)
	}
	if sendErr == nil {
		if err := r.compact(ctx); err != nil {
			return r.rep, err
		}
	}
	if err := r.finish(ctx); err != nil {
		return r.rep, errors.Join(sendErr, err)
	}
	return r.rep, sendErr
}

// waitForAdmission files this laptop's join request and says so.
func (r *round) waitForAdmission(ctx context.Context) error {
	if _, removed := r.team.cutoff[r.me]; removed && r.team.admitted[r.me] {
		// Nothing this laptop signs counts any more. So that it can take
		// part again, and its edits not sent yet are not lost, it asks to
		// join anew under a new identity, which a member must admit by
		// its new fingerprint.
		if err := r.renew(ctx); err != nil {
			return err
		}
		r.rep.Copied = ""
		r.rep.Pending = true
		if err := r.request(ctx); err != nil {
			return err
		}
		if err := r.markNew(ctx); err != nil {
			return err
		}
		return fmt.Errorf("sync with %s: %w; it now asks to join anew with the fingerprint %s, and its edits not sent yet wait until a member admits it", r.opt.Folder, ErrRemoved, r.fingerprint)
	}
	r.rep.Pending = true
	if err := r.request(ctx); err != nil {
		return err
	}
	return r.markNew(ctx)
}

// finish learns names, tells new problems from known ones, and counts
// conflicts.
func (r *round) finish(ctx context.Context) error {
	devices := r.devices()
	if err := r.learnNames(ctx, devices); err != nil {
		return err
	}
	gaps, err := r.gaps(ctx, devices)
	if err != nil {
		return err
	}
	r.rep.Gaps = gaps
	names, err := DeviceNames(ctx, r.st)
	if err != nil {
		return err
	}
	for i := range r.rep.Gaps {
		r.rep.Gaps[i].Name = names[r.rep.Gaps[i].Device]
	}
	for i := range r.rep.Held {
		r.rep.Held[i].Name = names[r.rep.Held[i].Device]
	}
	r.rep.Requests, r.rep.MoreRequests = r.readRequests()
	if err := r.markNew(ctx); err != nil {
		return err
	}
	n, err := r.st.ConflictCount(ctx)
	if err != nil {
		return err
	}
	r.rep.Conflicts = n
	return nil
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

// learnNames keeps the names of the team's laptops, so that conflicts
// and messages can name laptops while the folder is out of reach.
func (r *round) learnNames(ctx context.Context, devices map[string]deviceFile) error {
	names, err := DeviceNames(ctx, r.st)
	if err != nil {
		return err
	}
	for dev, n := range r.team.names {
		names[dev] = n
	}
	for dev, f := range devices {
		if f.Name != "" {
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
