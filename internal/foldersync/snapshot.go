package foldersync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"

	"ernstfall/internal/seal"
	"ernstfall/internal/store"
)

// snapshotLimit is how many times a batch's size limit a snapshot may be
// (64 MB by default). Larger files are refused unread.
const snapshotLimit = 4

// WriteSnapshot writes every change this laptop knows into one snapshot
// file, so that a laptop joining later reads one file instead of every
// batch. Batches stay in place and readable. Run a sync round first so the
// snapshot holds this laptop's own changes. It returns the file's path
// below the folder.
func (e *Engine) WriteSnapshot(ctx context.Context, st Store, opt Options) (string, error) {
	opt = opt.withDefaults()
	e.mu.Lock()
	defer e.mu.Unlock()
	r, err := open(ctx, st, opt)
	if err != nil {
		return "", err
	}
	defer r.sh.Close()
	key, ok := r.state.writeKey(r.team)
	if !r.team.member(r.me) || !ok {
		return "", fmt.Errorf("write snapshot to %s: %w", opt.Folder, ErrNotMember)
	}
	snap, err := st.ExportSnapshot(ctx)
	if err != nil {
		return "", err
	}
	var top int64
	for _, seq := range snap.Applied[r.me] {
		top = max(top, seq)
	}
	data, err := r.sealSnapshot(snap, kindSnapshot, snapshotFormat, top, key)
	if err != nil {
		return "", err
	}
	name := path.Join("snapshots", snapshotFileName(r.me, top))
	if err := r.sh.createOnce(name, data); err != nil {
		return "", fmt.Errorf("write snapshot to %s: %w: %w", opt.Folder, ErrNotWritten, err)
	}
	return path.Join("ernstfall", name), nil
}

// latestSnapshot reads the most complete usable snapshot of the folder
// (the largest file), skipping unusable ones with a message. A snapshot
// counts only when a member signed it, and only when it claims no batch
// that is not in the folder: it can save reading batches, never hide one.
func (r *round) latestSnapshot() (*store.Snapshot, string) {
	entries, err := r.sh.readDir("snapshots")
	if err != nil {
		r.skip("snapshots", "cannot list: "+err.Error())
		return nil, ""
	}
	type cand struct {
		name, dev string
		seq       int64
		size      int64
	}
	var cands []cand
	for _, e := range entries {
		rel := path.Join("snapshots", e.Name())
		m := snapshotName.FindStringSubmatch(e.Name())
		switch {
		case junk(e.Name()):
		case m == nil:
			r.skip(rel, "not a snapshot file name; ignored")
		case !e.Type().IsRegular():
			r.skip(rel, "not a regular file; ignored")
		default:
			seq, _ := seqIn(snapshotSeq, e.Name())
			if fi, err := e.Info(); err == nil {
				cands = append(cands, cand{e.Name(), m[1], seq, fi.Size()})
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].size != cands[j].size {
			return cands[i].size > cands[j].size
		}
		return cands[i].name > cands[j].name
	})
	for _, c := range cands {
		rel := path.Join("snapshots", c.name)
		snap, err := r.readSnapshot(rel, c.dev, c.seq)
		if err == nil {
			return snap, path.Join("ernstfall", rel)
		}
		r.skip(rel, err.Error())
	}
	return nil, ""
}

func (r *round) readSnapshot(rel, dev string, seq int64) (*store.Snapshot, error) {
	snap, err := r.readSealedSnapshot(rel, dev, seq, kindSnapshot)
	if err != nil {
		return nil, err
	}
	for d, seqs := range snap.Applied {
		for _, s := range seqs {
			if d != r.me && s > r.present[d] {
				return nil, fmt.Errorf("claims batch %d of laptop %s, which is not in the folder; ignored", s, d)
			}
		}
	}
	return snap, nil
}

// readSealedSnapshot reads a snapshot or checkpoint file signed by dev as
// number seq (a checkpoint's generation), and decrypts and decodes it.
func (r *round) readSealedSnapshot(rel, dev string, seq int64, kind string) (*store.Snapshot, error) {
	snap, _, err := r.readSealed(rel, dev, seq, kind)
	return snap, err
}

// readSealed is readSealedSnapshot that also returns the SHA-256 of the
// file's bytes (hex).
func (r *round) readSealed(rel, dev string, seq int64, kind string) (*store.Snapshot, string, error) {
	pub, ok := r.team.pub[dev]
	if !ok || !r.team.validAt(dev, seq) && kind == kindSnapshot || kind == kindCheckpt && !r.team.member(dev) {
		return nil, "", fmt.Errorf("not written by a member of the team; ignored")
	}
	data, err := r.sh.readLimited(rel, snapshotLimit*r.opt.MaxBatchBytes)
	if err != nil {
		return nil, "", err
	}
	h, err := seal.Verify(data, pub.Sign)
	if err != nil {
		return nil, "", fmt.Errorf("%w (forged, or still being written)", err)
	}
	if h.Kind != kind || h.Device != dev || h.Seq != seq || h.Handbook != r.handbook {
		return nil, "", fmt.Errorf("signed as another file (moved or replayed); ignored")
	}
	key, ok := r.state.key(h.Key)
	if !ok {
		return nil, "", fmt.Errorf("%s", problemNoKey)
	}
	plain, err := seal.Open(data, key)
	if err != nil {
		return nil, "", err
	}
	format := snapshotFormat
	if kind == kindCheckpt {
		format = checkpointFormat
		if plain, err = inflate(plain, checkpointPlainLimit); err != nil {
			return nil, "", err
		}
	}
	snap, err := parseSnapshot(plain, r.handbook, format)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(data)
	return &snap, hex.EncodeToString(sum[:]), nil
}
