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
	"time"

	"ernstfall/internal/store"
)

// snapshotLimit is how many times a batch's size limit a snapshot may be.
const snapshotLimit = 16

// WriteSnapshot writes every change this laptop knows into one snapshot
// file, so that a laptop joining later reads one file instead of every
// batch. Batches stay in place and readable. Run a sync round first so the
// snapshot holds this laptop's own changes. It returns the file's path
// below the folder.
func WriteSnapshot(ctx context.Context, st Store, opt Options) (string, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	r := &round{st: st, opt: opt, root: filepath.Join(opt.Folder, "ernstfall"), me: st.Device()}
	if fi, err := os.Stat(opt.Folder); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("write snapshot to %s: %w", opt.Folder, ErrUnreachable)
	}
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
	name := fmt.Sprintf("%s-%012d.json", r.me, top)
	if err := r.createOnce(filepath.Join(r.root, "snapshots", name), data); err != nil {
		return "", fmt.Errorf("write snapshot to %s: %w: %w", opt.Folder, ErrNotWritten, err)
	}
	return filepath.ToSlash(filepath.Join("ernstfall", "snapshots", name)), nil
}

// latestSnapshot reads the most complete usable snapshot of the folder
// (the largest file), skipping unusable ones with a message.
func (r *round) latestSnapshot() (*store.Snapshot, string) {
	dir := filepath.Join(r.root, "snapshots")
	entries, err := os.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			r.skip("snapshots", "cannot list: "+err.Error())
		}
		return nil, ""
	}
	type cand struct {
		name string
		size int64
	}
	var cands []cand
	for _, e := range entries {
		rel := filepath.Join("snapshots", e.Name())
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
		rel := filepath.Join("snapshots", c.name)
		data, err := readLimited(filepath.Join(dir, c.name), snapshotLimit*r.opt.MaxBatchBytes)
		if err == nil {
			var snap store.Snapshot
			if snap, err = parseSnapshot(data, r.handbook); err == nil {
				return &snap, filepath.ToSlash(filepath.Join("ernstfall", rel))
			}
		}
		r.skip(rel, err.Error())
	}
	return nil, ""
}
