package foldersync

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"

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
	sh, err := openShare(opt.Folder, opt.beforeWrite)
	if err != nil {
		return "", err
	}
	defer sh.Close()
	r := &round{st: st, opt: opt, sh: sh, me: st.Device()}
	if err := r.format(ctx); err != nil {
		return "", err
	}
	snap, err := st.ExportSnapshot(ctx)
	if err != nil {
		return "", err
	}
	var top int64
	for _, seq := range snap.Applied[r.me] {
		top = max(top, seq)
	}
	f := snapshotFile{Format: snapshotFormat, Version: formatVersion, Handbook: r.handbook, Device: r.me,
		CreatedAt: opt.Now().UTC(), Applied: snap.Applied, Changes: make([]wireChange, len(snap.Changes))}
	for i, c := range snap.Changes {
		f.Changes[i] = toWire(c, true)
	}
	data, err := json.Marshal(f)
	if err != nil {
		return "", fmt.Errorf("encode snapshot: %w", err)
	}
	if limit := snapshotLimit * opt.MaxBatchBytes; int64(len(data)) > limit {
		return "", fmt.Errorf("write snapshot to %s: %w: the snapshot would be %d MB, more than the %d MB other laptops read",
			opt.Folder, ErrNotWritten, len(data)>>20, limit>>20)
	}
	name := path.Join("snapshots", fmt.Sprintf("%s-%012d.json", r.me, top))
	if err := sh.createOnce(name, data); err != nil {
		return "", fmt.Errorf("write snapshot to %s: %w: %w", opt.Folder, ErrNotWritten, err)
	}
	return path.Join("ernstfall", name), nil
}

// latestSnapshot reads the most complete usable snapshot of the folder
// (the largest file), skipping unusable ones with a message.
func (r *round) latestSnapshot() (*store.Snapshot, string) {
	entries, err := r.sh.readDir("snapshots")
	if err != nil {
		r.skip("snapshots", "cannot list: "+err.Error())
		return nil, ""
	}
	type cand struct {
		name string
		size int64
	}
	var cands []cand
	for _, e := range entries {
		rel := path.Join("snapshots", e.Name())
		switch {
		case oddName(e.Name()) != "":
			r.skip(rel, oddName(e.Name()))
		case !snapshotName.MatchString(e.Name()):
			r.skip(rel, "not a snapshot file name; ignored")
		case !e.Type().IsRegular():
			r.skip(rel, "not a regular file; ignored")
		default:
			if fi, err := e.Info(); err == nil {
				cands = append(cands, cand{e.Name(), fi.Size()})
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
		data, err := r.sh.readLimited(rel, snapshotLimit*r.opt.MaxBatchBytes)
		if err == nil {
			var snap store.Snapshot
			if snap, err = parseSnapshot(data, r.handbook); err == nil {
				return &snap, path.Join("ernstfall", rel)
			}
		}
		r.skip(rel, err.Error())
	}
	return nil, ""
}
