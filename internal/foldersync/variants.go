package foldersync

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"

	"ernstfall/internal/seal"
	"ernstfall/internal/store"
)

// A batch file is written once, by one laptop, under a name only that
// laptop uses. When a file-sync engine keeps two versions of one batch
// (Syncthing's ".sync-conflict-…", OneDrive's "-COMPUTERNAME", …), two
// laptops wrote the same name: a database copied to a second computer, or
// one database synced on two. Nothing of either may be lost: every
// version that its laptop signed is applied, and the report says so.

// metaVersions keeps, per laptop and batch number, the hashes of the
// versions applied besides the first (whose hash sync_applied keeps).
const metaVersions = "sync_versions"

type versionState map[string]map[int64][]string

func loadVersions(ctx context.Context, st Store) (versionState, error) {
	v := versionState{}
	raw, err := st.Meta(ctx, metaVersions)
	if err != nil || raw == "" {
		return v, err
	}
	if json.Unmarshal([]byte(raw), &v) != nil {
		return versionState{}, nil
	}
	return v, nil
}

func saveVersions(ctx context.Context, st Store, v versionState) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return st.SetMeta(ctx, metaVersions, string(data))
}

// keepVersion keeps one version of a batch kept twice.
func (r *round) keepVersion(b *inbatch) {
	for i, o := range r.versions[b.dev] {
		if o.rel == b.rel {
			r.versions[b.dev][i] = b
			return
		}
	}
	r.versions[b.dev] = append(r.versions[b.dev], b)
}

// knownHashes are the hashes of every version of dev's batch seq this
// laptop has applied or read this round: a batch that follows any of
// them follows its predecessor.
func (r *round) knownHashes(ctx context.Context, dev string, seq int64) ([]string, error) {
	var out []string
	for _, o := range r.read[dev] {
		if o.seq == seq && o.problem == "" {
			out = append(out, o.hash)
		}
	}
	for _, o := range r.versions[dev] {
		if o.seq == seq && o.problem == "" {
			out = append(out, o.hash)
		}
	}
	h, err := r.st.BatchHash(ctx, dev, seq)
	if err != nil {
		return nil, err
	}
	if h != "" {
		out = append(out, h)
	}
	vs, err := loadVersions(ctx, r.st)
	if err != nil {
		return nil, err
	}
	return append(out, vs[dev][seq]...), nil
}

// otherVersions picks, from the versions of batches kept twice, those not
// applied yet: every version whose hash this laptop has not applied, once.
// A version of a batch not applied at all that is the only usable one
// stands for the batch itself. Each version besides the batch's own file
// is named in the report, every round, as new the first time.
func (r *round) otherVersions(ctx context.Context, applied map[string]map[int64]bool, todo []*inbatch) ([]*inbatch, error) {
	if len(r.versions) == 0 {
		return nil, nil
	}
	vs, err := loadVersions(ctx, r.st)
	if err != nil {
		return nil, err
	}
	taking := map[string]bool{} // hashes applied this round
	for _, b := range todo {
		taking[b.hash] = true
	}
	devs := make([]string, 0, len(r.versions))
	for dev := range r.versions {
		devs = append(devs, dev)
	}
	sort.Strings(devs)
	var out []*inbatch
	for _, dev := range devs {
		list := slices.Clone(r.versions[dev])
		sort.Slice(list, func(i, j int) bool {
			if list[i].seq != list[j].seq {
				return list[i].seq < list[j].seq
			}
			return list[i].rel < list[j].rel
		})
		for _, b := range list {
			own := b.rel == batchPath(dev, b.seq)
			problem, err := r.problemOf(ctx, b)
			if err != nil {
				return nil, err
			}
			if problem != "" {
				if !own {
					r.skip(b.rel, problem)
				}
				continue
			}
			mainHash := ""
			for _, o := range list {
				if o.seq == b.seq && o.rel == batchPath(dev, b.seq) && o.problem == "" {
					mainHash = o.hash
				}
			}
			appliedHash, err := r.st.BatchHash(ctx, dev, b.seq)
			if err != nil {
				return nil, err
			}
			if !own && (mainHash != "" && b.hash != mainHash || appliedHash != "" && b.hash != appliedHash) {
				r.skip(b.rel, fmt.Sprintf("two laptops wrote batch %d of %s (a database copied to another computer, or one database synced on two); the changes of both are applied",
					b.seq, r.nameOf(dev)))
			}
			if taking[b.hash] || b.hash == appliedHash || slices.Contains(vs[dev][b.seq], b.hash) {
				continue
			}
			if b.batch == nil {
				continue
			}
			taking[b.hash] = true
			batch := *b.batch
			batch.Again = applied[dev][b.seq] || slices.ContainsFunc(todo, func(t *inbatch) bool { return t.dev == dev && t.seq == b.seq }) ||
				slices.ContainsFunc(out, func(t *inbatch) bool { return t.dev == dev && t.seq == b.seq })
			c := *b
			c.batch = &batch
			out = append(out, &c)
		}
	}
	return out, nil
}

// noteVersions remembers the versions applied besides each batch's first.
func (r *round) noteVersions(ctx context.Context, applied []store.Batch) error {
	vs, err := loadVersions(ctx, r.st)
	if err != nil {
		return err
	}
	changed := false
	for _, b := range applied {
		if !b.Again || slices.Contains(vs[b.Device][b.Seq], b.Hash) {
			continue
		}
		if vs[b.Device] == nil {
			vs[b.Device] = map[int64][]string{}
		}
		vs[b.Device][b.Seq] = append(vs[b.Device][b.Seq], b.Hash)
		changed = true
	}
	if !changed {
		return nil
	}
	return saveVersions(ctx, r.st, vs)
}

// ownVersions reports whether this laptop's own folder holds another
// version of a batch it wrote: another computer wrote as this laptop.
func (r *round) ownVersions(ctx context.Context) (bool, error) {
	dir := path.Join(dirLog, r.me)
	entries, err := r.sh.readDir(dir)
	if err != nil {
		return false, nil
	}
	twice := map[int64]bool{}
	for _, e := range entries {
		if seq, ok := variantSeq(e.Name()); ok && !junk(e.Name()) {
			twice[seq] = true
		}
	}
	for _, e := range entries {
		name := e.Name()
		seq, ok := seqOf(name)
		if !ok {
			seq, ok = variantSeq(name)
		}
		if !ok || junk(name) || !twice[seq] || !e.Type().IsRegular() {
			continue
		}
		mine, err := r.st.BatchHash(ctx, r.me, seq)
		if err != nil {
			return false, err
		}
		if mine == "" {
			continue // not written by this laptop: checkOwnFolder decides
		}
		data, err := r.sh.readLimited(path.Join(dir, name), r.opt.MaxBatchBytes)
		if err != nil {
			continue
		}
		h, err := seal.Verify(data, r.id.Public().Sign)
		if err != nil || h.Device != r.me || h.Seq != seq {
			continue // not signed by this laptop: nobody else's either
		}
		if seal.Hash(data) != mine {
			return true, nil
		}
	}
	return false, nil
}
