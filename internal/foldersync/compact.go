package foldersync

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"ernstfall/internal/seal"
	"ernstfall/internal/store"
)

// Compaction keeps the shared folder small after years of use. A member
// folds what it knows into a checkpoint (checkpoints/<gen>-<device>.checkpoint,
// signed and encrypted like a batch): per field the change in effect, the
// open conflicts, and of the older changes what a later merge still reads
// (see store.ExportCheckpoint and settled). Then it
// removes the batches every active member has applied, as each member's
// device file says. Batches that carry team records (admissions, removals,
// keys) are never removed: the team is decided from the records, verified
// in the batch their signer signed, exactly as before.
//
// A laptop that finds batches missing that a checkpoint covers (a laptop
// joining, or one that was away longer than the others waited for it)
// starts from the checkpoint; its own unsent edits go out as usual and
// merge like any other. A checkpoint counts only while its signer is a
// member of the team; the next member that compacts replaces the
// checkpoint of a removed one.
//
// The order of the steps makes a compaction safe to interrupt at any
// point: the checkpoint is complete before the first batch goes, and an
// older checkpoint goes only after the new one is there.

// Defaults of the compaction settings.
const (
	// DefaultCompactAfter is how many batches every active member has
	// applied before a member compacts.
	DefaultCompactAfter = 1000
	// DefaultInactiveAfter is how long a member may go without syncing
	// before it is shown as inactive and no longer holds compaction back.
	DefaultInactiveAfter = 90 * 24 * time.Hour
)

// frontier says, per laptop, up to which batch this one has applied every
// batch; batches declared lost count as applied. This laptop's own entry
// is its newest batch.
func frontier(applied map[string]map[int64]bool, lost map[string]map[int64]bool, me string) map[string]int64 {
	out := make(map[string]int64, len(applied))
	for dev, seqs := range applied {
		if dev == me {
			for s := range seqs {
				out[dev] = max(out[dev], s)
			}
			continue
		}
		lo := int64(-1)
		for s := range seqs {
			if lo < 0 || s < lo {
				lo = s
			}
		}
		s := lo
		for seqs[s+1] || lost[dev][s+1] {
			s++
		}
		out[dev] = s
	}
	return out
}

// horizon is, per laptop, the batch up to which every active member has
// applied all of its batches. An inactive member (see inactive) does not
// hold compaction back. ok is false when an active member has not said
// what it applied (it never synced since it was admitted, or runs an
// Ernstfall that does not say).
func (r *round) horizon(ctx context.Context, devices map[string]deviceFile, own map[string]int64) (map[string]int64, bool) {
	var h map[string]int64
	for _, m := range r.team.members() {
		fr := own
		if m != r.me {
			f, ok := devices[m]
			switch {
			case r.inactive(ctx, m):
				continue
			case !ok || f.Applied == nil:
				return nil, false
			}
			fr = make(map[string]int64, len(f.Applied)+1)
			for d, s := range f.Applied {
				fr[d] = s
			}
			fr[m] = max(fr[m], f.LastSeq)
		}
		if h == nil {
			h = make(map[string]int64, len(fr))
			for d, s := range fr {
				h[d] = s
			}
			continue
		}
		for d := range h {
			h[d] = min(h[d], fr[d])
		}
	}
	return h, h != nil
}

// A member is inactive when this laptop has seen its device file
// unchanged (or missing) for longer than InactiveAfter, by this laptop's
// own clock: a member whose clock runs wrong still writes a new device
// file at every sync, so it is judged by what the others observe, never
// by the times it states. A member this laptop has not watched yet counts
// as active.

// seenDevice is when this laptop first saw a member's device file as it
// is now (Mark: its stated sync time and last batch; "" for none).
type seenDevice struct {
	Mark  string    `json:"mark"`
	Since time.Time `json:"since"`
}

// metaSeen holds, per member, the seenDevice this laptop observed.
const metaSeen = "sync_devices_seen"

// seen returns what this laptop observed of the members' device files.
func (r *round) seen(ctx context.Context) map[string]seenDevice {
	if r.seenDevices == nil {
		r.seenDevices = map[string]seenDevice{}
		if raw, err := r.st.Meta(ctx, metaSeen); err == nil && raw != "" {
			if json.Unmarshal([]byte(raw), &r.seenDevices) != nil {
				r.seenDevices = map[string]seenDevice{}
			}
		}
	}
	return r.seenDevices
}

// observe notes, for every member whose device file changed (or that
// this laptop meets for the first time), that it saw it now.
func (r *round) observe(ctx context.Context) error {
	seen := r.seen(ctx)
	devices := r.devices()
	now := r.opt.Now().UTC()
	changed := false
	members := map[string]bool{}
	for _, m := range r.team.members() {
		members[m] = true
		if m == r.me {
			continue
		}
		mark := ""
		if f, ok := devices[m]; ok {
			mark = f.LastSync.UTC().Format(time.RFC3339Nano) + "/" + strconv.FormatInt(f.LastSeq, 10)
		}
		if s, ok := seen[m]; ok && s.Mark == mark {
			continue
		}
		seen[m] = seenDevice{Mark: mark, Since: now}
		changed = true
	}
	for dev := range seen {
		if !members[dev] {
			delete(seen, dev)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	data, err := json.Marshal(seen)
	if err != nil {
		return err
	}
	return r.st.SetMeta(ctx, metaSeen, string(data))
}

// inactive reports whether this laptop has seen the member's device file
// unchanged for longer than InactiveAfter.
func (r *round) inactive(ctx context.Context, dev string) bool {
	s, ok := r.seen(ctx)[dev]
	return ok && r.opt.Now().Sub(s.Since) > r.opt.InactiveAfter
}

// checkpointFile is a checkpoint in the folder, by its name.
type checkpointFile struct {
	rel  string
	gen  int64
	dev  string
	size int64
}

// listCheckpoints lists the checkpoint files, newest generation first.
func (r *round) listCheckpoints() []checkpointFile {
	entries, err := r.sh.readDir(dirCheckpoints)
	if err != nil {
		return nil
	}
	var out []checkpointFile
	for _, e := range entries {
		m := checkpointName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		gen, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			continue
		}
		var size int64
		if fi, err := e.Info(); err == nil {
			size = fi.Size()
		}
		out = append(out, checkpointFile{rel: path.Join(dirCheckpoints, e.Name()), gen: gen, dev: m[2], size: size})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].gen != out[j].gen {
			return out[i].gen > out[j].gen
		}
		return out[i].rel < out[j].rel
	})
	return out
}

// readCheckpoint reads and verifies a checkpoint. Its claims are checked
// against the folder: it may cover batches that were removed, but none
// beyond what the laptop that wrote them says it wrote.
func (r *round) readCheckpoint(ctx context.Context, c checkpointFile) (*store.Snapshot, string, error) {
	snap, hash, err := r.readSealed(c.rel, c.dev, c.gen, kindCheckpt)
	if err != nil {
		return nil, "", err
	}
	if by := r.refutedBy(ctx, c.rel, hash); by != "" {
		return nil, "", fmt.Errorf("signed by %s, but %s found it holds what the batches it covers do not; refused", r.signer(ctx, c.dev), by)
	}
	devices := r.devices()
	for d, seqs := range snap.Applied {
		top := max(r.present[d], devices[d].LastSeq)
		if c, removed := r.team.cutoff[d]; removed {
			top = min(top, c)
		}
		for _, s := range seqs {
			if d != r.me && s > top {
				return nil, "", fmt.Errorf("claims batch %d of laptop %s, which that laptop never wrote; ignored", s, d)
			}
		}
	}
	return snap, hash, nil
}

// devices reads the device files once per round.
func (r *round) devices() map[string]deviceFile {
	if r.deviceFiles == nil {
		r.deviceFiles = r.readDevices()
	}
	return r.deviceFiles
}

// missing lists, per laptop, the batches this laptop has not applied and
// that are not in the folder, up to the newest one applied here or named
// by the laptop's device file (for a removed laptop, up to its removal),
// at most maxMissing of each.
func (r *round) missing(applied map[string]map[int64]bool, pending map[string][]pendingFile) map[string]map[int64]bool {
	here := map[string]map[int64]bool{}
	for dev, files := range pending {
		here[dev] = map[int64]bool{}
		for _, f := range files {
			here[dev][f.seq] = true
		}
	}
	out := map[string]map[int64]bool{}
	devices := r.devices()
	done := frontier(applied, r.team.lost, r.me)
	for dev := range r.team.admitted {
		if dev == r.me {
			continue
		}
		// What the laptop says it wrote, or applied here: a file name in
		// the folder (anyone may write one) decides nothing.
		top := devices[dev].LastSeq
		for s := range applied[dev] {
			top = max(top, s)
		}
		if c, removed := r.team.cutoff[dev]; removed {
			top = min(top, c)
		}
		for s := max(done[dev]+1, r.state.Starts[dev], 1); s <= top && len(out[dev]) < maxMissing; s++ {
			if !applied[dev][s] && !here[dev][s] && !r.team.lost[dev][s] {
				if out[dev] == nil {
					out[dev] = map[int64]bool{}
				}
				out[dev][s] = true
			}
		}
	}
	return out
}

// maxMissing is how many missing batches of one laptop a round looks for.
const maxMissing = 1000

// checkpoints picks the checkpoints this laptop starts from: for a laptop
// that has applied nothing of the others, the newest usable one; else
// those that cover batches missing here, newest first. It skips
// unusable ones with a message.
func (r *round) checkpoints(ctx context.Context, applied map[string]map[int64]bool, pending map[string][]pendingFile, joining bool) ([]*store.Snapshot, []string, error) {
	var missing map[string]map[int64]bool
	if !joining {
		missing = r.missing(applied, pending)
		if len(missing) == 0 {
			return nil, nil, nil
		}
	}
	// Checkpoints read before that held none of the batches missing are
	// not read again while they stay the same: a batch that is missing
	// for another reason must not cost a checkpoint's reading every round.
	useless := map[string]int64{}
	if raw, err := r.st.Meta(ctx, metaUseless); err != nil {
		return nil, nil, err
	} else if raw != "" && json.Unmarshal([]byte(raw), &useless) != nil {
		useless = map[string]int64{}
	}
	var snaps []*store.Snapshot
	var names []string
	list := r.listCheckpoints()
	listed := map[string]bool{}
	for _, c := range list {
		listed[c.rel] = true
	}
	for rel := range useless {
		if !listed[rel] {
			delete(useless, rel)
		}
	}
	for _, c := range list {
		if size, ok := useless[c.rel]; ok && size == c.size && !joining {
			continue
		}
		snap, hash, err := r.readCheckpoint(ctx, c)
		if err != nil {
			r.skip(c.rel, err.Error())
			continue
		}
		useful := joining && len(snaps) == 0
		for d, seqs := range snap.Applied {
			for _, s := range seqs {
				if missing[d][s] {
					useful = true
					delete(missing[d], s)
				}
			}
			if len(missing[d]) == 0 {
				delete(missing, d)
			}
		}
		if useful {
			snaps = append(snaps, snap)
			names = append(names, path.Join("ernstfall", c.rel))
			// A laptop that starts from a checkpoint has nothing to check
			// it against: it is not checked again afterwards.
			if r.imported == nil {
				r.imported = map[string]checkedCheckpoint{}
			}
			r.imported[c.rel] = checkedCheckpoint{Size: c.size, Hash: hash}
		} else {
			useless[c.rel] = c.size
		}
		if !joining && len(missing) == 0 {
			break
		}
	}
	if !joining {
		data, err := json.Marshal(useless)
		if err != nil {
			return nil, nil, err
		}
		if err := r.st.SetMeta(ctx, metaUseless, string(data)); err != nil {
			return nil, nil, err
		}
	}
	return snaps, names, nil
}

// metaUseless names the checkpoints (and their sizes) that held none of
// the batches this laptop misses.
const metaUseless = "sync_checkpoints_useless"

// compact folds and removes, when enough batches every active member has
// applied can go, or when the checkpoint of a laptop that is no longer a
// member must be replaced.
func (r *round) compact(ctx context.Context) error {
	if r.opt.CompactAfter < 0 || !r.team.member(r.me) {
		return nil
	}
	if _, ok := r.state.writeKey(r.team); !ok {
		return nil
	}
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return err
	}
	if len(r.missing(applied, r.pending)) > 0 {
		// A laptop that misses batches would fold without them.
		return nil
	}
	// Without a horizon nothing goes, but a removed laptop's checkpoint
	// is still replaced.
	horizon, _ := r.horizon(ctx, r.devices(), frontier(applied, r.team.lost, r.me))
	team := map[string]map[int64]bool{}
	for _, rec := range r.state.Records {
		if team[rec.Signer] == nil {
			team[rec.Signer] = map[int64]bool{}
		}
		team[rec.Signer][rec.Seq] = true
	}
	var gone []string
	goes := func(dev string, seq int64) {
		if seq <= horizon[dev] && applied[dev][seq] && !team[dev][seq] {
			gone = append(gone, batchPath(dev, seq))
		}
	}
	for dev, seqs := range r.inFolder {
		for _, seq := range seqs {
			goes(dev, seq)
		}
	}
	if horizon[r.me] > 0 {
		own, err := r.sh.readDir(path.Join(dirLog, r.me))
		if err != nil {
			return nil
		}
		for _, f := range own {
			if seq, ok := seqOf(f.Name()); ok && f.Type().IsRegular() {
				goes(r.me, seq)
			}
		}
	}
	olds := r.listCheckpoints()
	replace := false
	void := map[string]bool{} // checkpoints no laptop uses: replaced and removed
	for _, c := range olds {
		if r.removed(c.dev) {
			replace, void[c.rel] = true, true
			continue
		}
		if !r.refutedName(ctx, c.rel) {
			continue // the common case: read no checkpoint
		}
		if _, hash, err := r.readSealed(c.rel, c.dev, c.gen, kindCheckpt); err == nil && r.refutedBy(ctx, c.rel, hash) != "" {
			replace, void[c.rel] = true, true
		}
	}
	wrote, err := r.wroteGeneration(ctx)
	if err != nil {
		return err
	}
	if !replace && (len(olds) == 0 || olds[0].gen < wrote) && r.folderLacks(applied) {
		// No checkpoint, or only one older than this laptop wrote, yet
		// batches it applied are gone: a checkpoint deleted by hand, or
		// the folder put back from an old backup. A laptop that joins
		// would miss them until the next compaction; this laptop holds
		// them, so it writes them into a new checkpoint now.
		replace = true
	}
	if len(gone) < max(r.opt.CompactAfter, 1) && !replace {
		return nil
	}
	settled, ok := r.settled(applied)
	if !ok && !replace {
		return nil // a member wrote batches not applied here yet: next round
	}
	// The next generation follows the checkpoints of members that verify;
	// a name alone (anyone may write files) decides nothing.
	var gen int64
	covered := map[string]bool{}
	for _, c := range olds {
		if !r.team.member(c.dev) || void[c.rel] {
			continue
		}
		snap, err := r.readSealedSnapshot(c.rel, c.dev, c.gen, kindCheckpt)
		if err != nil {
			continue
		}
		gen = max(gen, c.gen)
		covered[c.rel] = coveredBy(snap.Applied, applied, r.me)
	}
	gen = max(gen, wrote)
	if gen+1 > maxGeneration {
		return nil
	}
	r.removeOwnTemps()
	name, err := r.writeCheckpoint(ctx, gen+1, settled)
	if err != nil {
		return err
	}
	if err := r.st.SetMeta(ctx, metaWrote, strconv.FormatInt(gen+1, 10)); err != nil {
		return err
	}
	r.rep.Checkpoint = name
	for _, rel := range gone {
		if err := r.sh.remove(rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("compact %s: %w", r.opt.Folder, err)
		}
		r.rep.Compacted++
		if r.opt.afterRemove != nil {
			r.opt.afterRemove(rel)
		}
	}
	r.removeAnsweredRequests()
	// Older checkpoints go when this laptop has applied every batch they
	// cover (so the new one covers them too), and those of removed
	// laptops or found lying, which no laptop uses any more.
	for _, c := range olds {
		if !covered[c.rel] && !void[c.rel] {
			continue
		}
		if err := r.sh.remove(c.rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("compact %s: %w", r.opt.Folder, err)
		}
	}
	return nil
}

// metaWrote is the generation of the last checkpoint this laptop wrote.
const metaWrote = "sync_checkpoint_wrote"

func (r *round) wroteGeneration(ctx context.Context) (int64, error) {
	raw, err := r.st.Meta(ctx, metaWrote)
	if err != nil || raw == "" {
		return 0, err
	}
	gen, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || gen < 0 || gen > maxGeneration {
		return 0, nil
	}
	return gen, nil
}

// folderLacks reports whether a batch of a member that this laptop
// applied is no longer in the folder (and was not declared lost).
func (r *round) folderLacks(applied map[string]map[int64]bool) bool {
	here := map[string]map[int64]bool{}
	for dev, seqs := range r.inFolder {
		here[dev] = make(map[int64]bool, len(seqs))
		for _, s := range seqs {
			here[dev][s] = true
		}
	}
	own, err := r.sh.readDir(path.Join(dirLog, r.me))
	if err != nil {
		return false
	}
	here[r.me] = map[int64]bool{}
	for _, f := range own {
		if seq, ok := seqOf(f.Name()); ok && f.Type().IsRegular() {
			here[r.me][seq] = true
		}
	}
	for dev, seqs := range applied {
		if !r.team.admitted[dev] {
			continue
		}
		for seq := range seqs {
			if !here[dev][seq] && !r.team.lost[dev][seq] {
				return true
			}
		}
	}
	return false
}

// removeOwnTemps deletes what an interrupted compaction of this laptop
// left of a checkpoint it was writing.
func (r *round) removeOwnTemps() {
	entries, err := r.sh.readDir(dirCheckpoints)
	if err != nil {
		return
	}
	mark := "-" + r.me + ".checkpoint."
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, ".") && strings.Contains(n, mark) && strings.HasSuffix(n, ".tmp") && e.Type().IsRegular() {
			r.sh.root.Remove(path.Join(dirCheckpoints, n))
		}
	}
}

// A checkpoint's contents are compressed before they are encrypted (a
// file written once, with nothing of an attacker's mixed in): the JSON of
// a handbook's field versions shrinks to a fraction. Decompressed, it may
// hold at most checkpointPlainLimit bytes, so a small file cannot make a
// laptop allocate without bound.
const checkpointPlainLimit = 256 << 20

func deflate(plain []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.DefaultCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plain); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func inflate(data []byte, limit int64) ([]byte, error) {
	out, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(data)), limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: cannot decompress: %v", errBatch, err)
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("%w: holds more than %d MB; ignored", errBatch, limit>>20)
	}
	return out, nil
}

// maxGeneration is the highest checkpoint generation a name can hold.
const maxGeneration = 99_999_999

// removed reports whether dev was a member and was removed.
func (r *round) removed(dev string) bool {
	_, cut := r.team.cutoff[dev]
	return r.team.admitted[dev] && cut
}

// coveredBy reports whether every batch of cover is applied here.
func coveredBy(cover map[string][]int64, applied map[string]map[int64]bool, me string) bool {
	for d, seqs := range cover {
		if d == me {
			continue
		}
		for _, s := range seqs {
			if !applied[d][s] {
				return false
			}
		}
	}
	return true
}

// appliedWithin reports whether every batch of the other laptops applied
// here is one that cover covers.
func appliedWithin(applied map[string]map[int64]bool, cover map[string][]int64, me string) bool {
	for d, seqs := range applied {
		if d == me || len(seqs) == 0 {
			continue
		}
		in := make(map[int64]bool, len(cover[d]))
		for _, s := range cover[d] {
			in[s] = true
		}
		for s := range seqs {
			if !in[s] {
				return false
			}
		}
	}
	return true
}

// settled says, per laptop, up to which batch every member has applied
// all of its batches, as the members' device files say (this laptop's
// own included, as it wrote it this round). Every change a member makes
// after its device file was written is stamped after those batches (see
// store.ExportCheckpoint); the changes it wrote before are in the batches
// the file names, so ok is false when this laptop has not applied all of
// them, or a member has not said what it applied. Inactive members count:
// they may come back with edits made on top of what they knew.
func (r *round) settled(applied map[string]map[int64]bool) (map[string]int64, bool) {
	devices := r.devices()
	here := frontier(applied, r.team.lost, r.me)
	var out map[string]int64
	for _, m := range r.team.members() {
		f, ok := devices[m]
		if !ok || f.Applied == nil || (m != r.me && here[m] < f.LastSeq) {
			return nil, false
		}
		fr := maps.Clone(f.Applied)
		fr[m] = max(fr[m], f.LastSeq)
		if out == nil {
			out = fr
			continue
		}
		for d := range out {
			out[d] = min(out[d], fr[d])
		}
	}
	return out, out != nil
}

// writeCheckpoint writes this laptop's checkpoint as generation gen and
// returns its path below the shared folder; settled is what every member
// has applied (see settled; nil: not known, and the checkpoint keeps
// every change).
func (r *round) writeCheckpoint(ctx context.Context, gen int64, settled map[string]int64) (string, error) {
	key, ok := r.state.writeKey(r.team)
	if !ok {
		return "", fmt.Errorf("write checkpoint to %s: %w", r.opt.Folder, ErrNotMember)
	}
	snap, err := r.st.ExportCheckpoint(ctx, settled)
	if err != nil {
		return "", err
	}
	data, err := r.sealSnapshot(snap, kindCheckpt, checkpointFormat, gen, key)
	if err != nil {
		return "", err
	}
	name := path.Join(dirCheckpoints, checkpointFileName(gen, r.me))
	if err := r.sh.writeNew(name, data); err != nil {
		return "", fmt.Errorf("write checkpoint to %s: %w: %w", r.opt.Folder, ErrNotWritten, err)
	}
	return path.Join("ernstfall", name), nil
}

// sealSnapshot encodes, encrypts and signs a snapshot or checkpoint as
// number seq of this laptop, within the size other laptops read.
func (r *round) sealSnapshot(snap store.Snapshot, kind, format string, seq int64, key seal.Key) ([]byte, error) {
	f := snapshotFile{Format: format, Version: formatVersion, Handbook: r.handbook, Device: r.me,
		CreatedAt: r.opt.Now().UTC(), Applied: snap.Applied, Changes: make([]wireChange, len(snap.Changes))}
	for i, c := range snap.Changes {
		f.Changes[i] = toWire(c, true)
	}
	f.Edits = wireEdits(snap.Changes, true)
	plain, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", kind, err)
	}
	if kind == kindCheckpt {
		if int64(len(plain)) > checkpointPlainLimit {
			return nil, fmt.Errorf("write %s to %s: %w: it would hold %d MB, more than the %d MB other laptops read",
				kind, r.opt.Folder, ErrNotWritten, len(plain)>>20, checkpointPlainLimit>>20)
		}
		if plain, err = deflate(plain); err != nil {
			return nil, err
		}
	}
	data, err := seal.Seal(seal.Header{Kind: kind, Handbook: r.handbook, Device: r.me, Seq: seq}, plain, key, r.id.Sign)
	if err != nil {
		return nil, err
	}
	if limit := snapshotLimit * r.opt.MaxBatchBytes; int64(len(data)) > limit {
		return nil, fmt.Errorf("write %s to %s: %w: it would be %d MB, more than the %d MB other laptops read",
			kind, r.opt.Folder, ErrNotWritten, len(data)>>20, limit>>20)
	}
	return data, nil
}
