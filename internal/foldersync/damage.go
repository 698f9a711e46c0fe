package foldersync

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"ernstfall/internal/seal"
	"ernstfall/internal/store"
)

// A round that would delete more than holdRecords records, or more than
// holdShare of the handbook (and at least holdFloor records), from one
// laptop is held until a person decides.
const (
	holdRecords = 20
	holdShare   = 0.10
	holdFloor   = 5
)

// DeletionChoice is what a person decided about a held mass deletion.
type DeletionChoice int

// The choices for held deletions.
const (
	// HoldDeletions leaves them held (the default): nothing of that
	// laptop's batches is applied yet.
	HoldDeletions DeletionChoice = iota
	// ApplyDeletions applies them.
	ApplyDeletions
	// KeepRecords applies the laptop's batches and brings the records
	// back, as edits of this laptop that sync to every other.
	KeepRecords
)

// AllDevices, as a key of Options.Deletions, decides for every laptop.
const AllDevices = "*"

// Held is a mass deletion held back: a laptop's batches would delete
// Records of the handbook's Live records.
type Held struct {
	Device  string
	Name    string
	Records int
	Live    int
}

// Gap is a laptop's batches missing from the folder: later ones arrived,
// or the laptop says it wrote them, but these did not. It is reported
// until they arrive or a member declares them lost.
type Gap struct {
	Device  string
	Name    string
	Missing []int64
}

// choice is the decision for a laptop's held deletions.
func (o Options) choice(dev string) DeletionChoice {
	if c, ok := o.Deletions[dev]; ok {
		return c
	}
	return o.Deletions[AllDevices]
}

// holdBack takes the batches of laptops whose deletions must wait out of
// part, and returns the records to bring back after applying the rest.
func (r *round) holdBack(ctx context.Context, part []store.Batch) ([]store.Batch, []store.RecordRef, error) {
	dels, live, err := r.st.Deletions(ctx, part)
	if err != nil {
		return nil, nil, err
	}
	var keep []store.RecordRef
	for dev, refs := range dels {
		n := len(refs)
		if n <= holdRecords && (float64(n) <= holdShare*float64(live) || n < holdFloor) {
			continue
		}
		switch r.opt.choice(dev) {
		case ApplyDeletions:
			continue
		case KeepRecords:
			keep = append(keep, refs...)
			continue
		}
		if r.held == nil {
			r.held = map[string]bool{}
		}
		if !r.held[dev] {
			r.held[dev] = true
			r.rep.Held = append(r.rep.Held, Held{Device: dev, Name: r.team.names[dev], Records: n, Live: live})
		}
	}
	out := part[:0]
	for _, b := range part {
		if !r.held[b.Device] {
			out = append(out, b)
		}
	}
	return out, keep, nil
}

// checkOwnFolder looks for batches in this laptop's own folder that it
// did not write. One signed with its own key that holds its next unsent
// changes was left by an interrupted round or a parallel one, and is
// taken as sent; any other one signed with its key means that this
// database was copied (or restored from a backup) and another copy wrote
// as this laptop. It returns whether that happened.
func (r *round) checkOwnFolder(ctx context.Context) (bool, error) {
	dir := path.Join("log", r.me)
	entries, err := r.sh.readDir(dir)
	if err != nil {
		return false, nil
	}
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return false, err
	}
	var seqs []int64
	for _, e := range entries {
		if seq, ok := seqOf(e.Name()); ok && !applied[r.me][seq] && e.Type().IsRegular() {
			seqs = append(seqs, seq)
		}
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	for _, seq := range seqs {
		rel := batchPath(r.me, seq)
		data, err := r.sh.readLimited(rel, r.opt.MaxBatchBytes)
		if err != nil {
			continue
		}
		h, err := seal.Verify(data, r.id.Public().Sign)
		if err != nil {
			r.skip(rel, "in this laptop's folder but not signed by it (forged); ignored")
			continue
		}
		if h.Kind != kindBatch || h.Device != r.me || h.Seq != seq {
			// An old file of this laptop put under a new name tells
			// nothing about a copy: a copy writes its batches under
			// their own numbers.
			r.skip(rel, fmt.Sprintf("signed by this laptop as its %s %d, not as this file (moved or replayed); ignored", h.Kind, h.Seq))
			continue
		}
		if err := r.adopt(ctx, rel, seq); err == nil {
			continue
		}
		return true, nil
	}
	copied, err := r.appliedByOthers(ctx)
	if err != nil || copied {
		return copied, err
	}
	if copied, err = r.ownCheckpoints(ctx); err != nil || copied {
		return copied, err
	}
	return r.ownVersions(ctx)
}

// ownCheckpoints reports whether a checkpoint signed by this laptop
// covers a batch of its own beyond the newest one it wrote: a copy of its
// database wrote the batch and compacted it away, so nothing else in the
// folder tells of it. Writing under that number again would give the
// team two different batches of one laptop.
func (r *round) ownCheckpoints(ctx context.Context) (bool, error) {
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return false, err
	}
	var top int64
	for s := range applied[r.me] {
		top = max(top, s)
	}
	// A claim beyond what this laptop's folder and device file show was
	// never written by anyone: that is a lie, which the checkpoint checks
	// report, not a copy.
	written := max(r.present[r.me], r.devices()[r.me].LastSeq)
	for _, c := range r.listCheckpoints() {
		if c.dev != r.me {
			continue
		}
		snap, _, err := r.readSealed(c.rel, c.dev, c.gen, kindCheckpt)
		if err != nil {
			if r.sealedWithUnknownKey(c.rel, c.gen) {
				// Signed by this laptop with a team key it never held:
				// a copy wrote it after the team's key changed.
				return true, nil
			}
			continue // unreadable here: says nothing this laptop can trust
		}
		for _, s := range snap.Applied[r.me] {
			if s > top && s <= written {
				return true, nil
			}
		}
	}
	return false, nil
}

// appliedByOthers reports whether a member says it applied a batch of
// this laptop beyond the newest one this laptop wrote: a copy of its
// database wrote it, and a compaction may have removed the file since.
func (r *round) appliedByOthers(ctx context.Context) (bool, error) {
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return false, err
	}
	var top int64
	for s := range applied[r.me] {
		top = max(top, s)
	}
	for dev, f := range r.devices() {
		if dev != r.me && r.team.member(dev) && f.Applied[r.me] > top {
			return true, nil
		}
	}
	return false, nil
}

// renew gives this laptop a new identity after it found it is a copy: a
// new device ID and new keys, which members must admit. Its changes not
// sent yet go out under the new ID once admitted; the other copy's
// batches, under the old ID, are applied like any other laptop's.
func (r *round) renew(ctx context.Context) error {
	old, fresh, err := r.st.RenewDevice(ctx)
	if err != nil {
		return err
	}
	id, err := seal.NewIdentity()
	if err != nil {
		return err
	}
	if err := r.st.SetMeta(ctx, metaIdentity, id.Marshal()); err != nil {
		return err
	}
	r.me, r.id = fresh, id
	r.fingerprint = seal.Fingerprint(fresh, id.Public())
	r.state.Member = false
	r.rep.Copied = old
	r.rep.Fingerprint = r.fingerprint
	r.team = newTeam(*r.state.Team, r.state.Records)
	return saveState(ctx, r.st, r.state)
}

// sealedWithUnknownKey reports whether the checkpoint at rel is signed
// by this laptop as its generation gen but encrypted with a team key this
// laptop does not hold.
func (r *round) sealedWithUnknownKey(rel string, gen int64) bool {
	data, err := r.sh.readLimited(rel, snapshotLimit*r.opt.MaxBatchBytes)
	if err != nil {
		return false
	}
	h, err := seal.Verify(data, r.id.Public().Sign)
	if err != nil || h.Kind != kindCheckpt || h.Device != r.me || h.Seq != gen || h.Handbook != r.handbook {
		return false
	}
	_, ok := r.state.key(h.Key)
	return !ok
}

// gaps finds the batches of the team's laptops that are missing: below
// the newest one applied (or the one the laptop's device file names), not
// applied, not in the folder, and not declared lost.
func (r *round) gaps(ctx context.Context, devices map[string]deviceFile) ([]Gap, error) {
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return nil, err
	}
	inFolder := map[string]map[int64]bool{}
	for dev, list := range r.read {
		for _, b := range list {
			if inFolder[dev] == nil {
				inFolder[dev] = map[int64]bool{}
			}
			inFolder[dev][b.seq] = true
		}
	}
	var out []Gap
	for dev := range r.team.admitted {
		if dev == r.me {
			continue
		}
		var top int64
		for s := range applied[dev] {
			top = max(top, s)
		}
		if f, ok := devices[dev]; ok {
			top = max(top, f.LastSeq)
		}
		if c, removed := r.team.cutoff[dev]; removed {
			top = min(top, c)
		}
		start := r.state.Starts[dev]
		if start == 0 {
			start = 1
		}
		var missing []int64
		for s := start; s <= top && len(missing) < 1000; s++ {
			if !applied[dev][s] && !inFolder[dev][s] && !r.team.lost[dev][s] {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			out = append(out, Gap{Device: dev, Name: r.team.names[dev], Missing: missing})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Device < out[j].Device })
	return out, nil
}

// DeclareLost declares the missing batches of a laptop (by name,
// fingerprint or ID) lost, so that they are reported no more. A batch
// declared lost that turns up after all is still applied.
func (e *Engine) DeclareLost(ctx context.Context, st Store, opt Options, who string) (Gap, error) {
	opt = opt.withDefaults()
	e.mu.Lock()
	defer e.mu.Unlock()
	r, err := open(ctx, st, opt)
	if err != nil {
		return Gap{}, err
	}
	defer r.sh.Close()
	if !r.team.member(r.me) {
		return Gap{}, ErrNotMember
	}
	gaps, err := r.gaps(ctx, r.readDevices())
	if err != nil {
		return Gap{}, err
	}
	fp := seal.NormalFingerprint(who)
	for _, g := range gaps {
		match := g.Device == who || (g.Name != "" && strings.EqualFold(g.Name, strings.TrimSpace(who))) ||
			(len(fp) >= 8 && strings.HasPrefix(seal.NormalFingerprint(seal.Fingerprint(g.Device, r.team.pub[g.Device])), fp))
		if !match {
			continue
		}
		now := r.opt.Now().UTC()
		var recs []record
		for _, s := range g.Missing {
			recs = append(recs, record{Kind: recLost, Device: g.Device, Last: s, At: now})
		}
		if _, err := r.writeRecords(ctx, recs); err != nil {
			return Gap{}, err
		}
		return g, nil
	}
	return Gap{}, fmt.Errorf("%w: no batches of %q are missing", ErrNoSuchDevice, who)
}
