package foldersync

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"time"

	"ernstfall/internal/store"
)

// open opens the folder for an operation other than a round (admitting,
// removing, writing a snapshot): it reads FORMAT, the keys and the team
// records, so the operation sees the team as it is now.
func open(ctx context.Context, st Store, opt Options) (*round, error) {
	sh, err := openShare(opt.Folder, opt.beforeWrite)
	if err != nil {
		return nil, err
	}
	r := &round{st: st, opt: opt, sh: sh, me: st.Device()}
	if err := r.setup(ctx); err != nil {
		sh.Close()
		return nil, err
	}
	applied, err := st.Applied(ctx)
	if err == nil {
		err = r.learnKeys(ctx)
	}
	if err == nil {
		err = r.scan(ctx, r.listPending(applied))
	}
	if err != nil {
		sh.Close()
		return nil, err
	}
	return r, nil
}

// receive applies the batches of the other laptops read this round that
// the team allows (after a snapshot, for a laptop that has applied
// nothing yet), in one transaction after a backup when they fit in
// memory, else in parts. Files it cannot use are named in the report.
func (r *round) receive(ctx context.Context, applied map[string]map[int64]bool, pending map[string][]pendingFile) error {
	devs := make([]string, 0, len(pending))
	for dev := range pending {
		devs = append(devs, dev)
	}
	sort.Strings(devs)
	for _, dev := range devs {
		if _, ok := r.team.pub[dev]; ok {
			continue
		}
		for _, f := range pending[dev] {
			r.skip(f.rel, "from an unknown laptop (not a member of the team); ignored, and applied only if a member admits it")
			r.rep.Unknown++
		}
	}
	joining := len(others(applied, r.me)) == 0 && len(applied[r.me]) == 0
	snaps, names, err := r.checkpoints(ctx, applied, pending, joining)
	if err != nil {
		return err
	}
	if joining && len(snaps) == 0 {
		if s, name := r.latestSnapshot(); s != nil {
			snaps, names = []*store.Snapshot{s}, []string{name}
		}
	}
	for i, s := range snaps {
		if strings.HasSuffix(names[i], ".checkpoint") {
			s.Checkpoint = true
			s.FoldReceived = appliedWithin(applied, s.Applied, r.me)
		}
		r.rep.Snapshot = names[i]
		for d, seqs := range s.Applied {
			if applied[d] == nil {
				applied[d] = map[int64]bool{}
			}
			for _, seq := range seqs {
				applied[d][seq] = true
			}
		}
	}
	var todo []*inbatch
	for _, dev := range devs {
		list := r.read[dev]
		sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
		for _, b := range list {
			if applied[dev][b.seq] {
				continue
			}
			problem, err := r.problemOf(ctx, b)
			if err != nil {
				return err
			}
			if problem != "" {
				r.skip(b.rel, problem)
				continue
			}
			todo = append(todo, b)
		}
	}
	more, err := r.otherVersions(ctx, applied, todo)
	if err != nil {
		return err
	}
	todo = append(todo, more...)
	if len(snaps) == 0 && len(todo) == 0 {
		return nil
	}
	if r.opt.Backups > 0 {
		path, err := r.st.AutoBackup(ctx, "before-sync", r.opt.Backups)
		if err != nil {
			return fmt.Errorf("sync: %w; nothing was applied", err)
		}
		r.rep.Backup = path
	}
	for i, snap := range snaps {
		res, err := r.st.ImportSnapshot(ctx, *snap)
		if err != nil {
			return fmt.Errorf("sync: %w; nothing was applied", err)
		}
		r.rep.Received += res.Changes
		for _, ig := range res.Ignored {
			r.rep.Skipped = append(r.rep.Skipped, Skip{File: names[i], Reason: ignoredReason(ig)})
		}
	}
	if r.large && len(todo) > 1 {
		// Merging keeps several copies of every change's value for a
		// moment; asking the runtime to collect earlier keeps a round
		// over more than scanBudget of batch files within a few hundred
		// megabytes. The limit is the process's; the previous one is
		// restored. Smaller rounds stay fast without it.
		if old := debug.SetMemoryLimit(-1); old > roundMemoryLimit {
			debug.SetMemoryLimit(roundMemoryLimit)
			defer debug.SetMemoryLimit(old)
		}
	}
	for len(todo) > 0 {
		var part []store.Batch
		var size int64
		for len(todo) > 0 && (len(part) == 0 || size+todo[0].size <= scanBudget) {
			b := todo[0]
			todo = todo[1:]
			size += b.size
			if b.batch == nil {
				again := r.readSealedBatch(pendingFile{seq: b.seq, rel: b.rel, size: b.size}, b.dev, r.team.pub[b.dev], true)
				if again.problem != "" || again.hash != b.hash {
					r.skip(b.rel, "changed while it was read; retried next sync")
					continue
				}
				b = again
			}
			part = append(part, *b.batch)
		}
		part, keep, err := r.holdBack(ctx, part)
		if err != nil {
			return err
		}
		if err := r.apply(ctx, part); err != nil {
			return err
		}
		if err := r.noteVersions(ctx, part); err != nil {
			return err
		}
		if len(keep) > 0 {
			n, err := r.st.KeepRecords(ctx, keep)
			if err != nil {
				return fmt.Errorf("sync: %w", err)
			}
			r.rep.Kept += n
		}
	}
	return nil
}

// apply applies one part of the batches in one transaction.
func (r *round) apply(ctx context.Context, part []store.Batch) error {
	res, err := r.st.ApplyRemote(ctx, part)
	if err != nil {
		return fmt.Errorf("sync: %w; nothing of these batches was applied", err)
	}
	r.rep.Received += res.Changes
	r.rep.Batches += res.Batches
	for _, b := range part {
		if b.Author != "" && !slices.Contains(r.rep.Authors, b.Author) {
			r.rep.Authors = append(r.rep.Authors, b.Author)
		}
	}
	for dev, d := range res.Ahead {
		if r.rep.ClockAhead == nil {
			r.rep.ClockAhead = map[string]time.Duration{}
		}
		r.rep.ClockAhead[dev] = max(r.rep.ClockAhead[dev], d)
	}
	for _, ig := range res.Ignored {
		r.skip(batchPath(ig.Device, ig.Seq), ignoredReason(ig))
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

// roundMemoryLimit is the soft memory limit while a round applies
// batches (see runtime/debug.SetMemoryLimit).
const roundMemoryLimit = 128 << 20

func others(applied map[string]map[int64]bool, me string) []string {
	var out []string
	for d := range applied {
		if d != me {
			out = append(out, d)
		}
	}
	return out
}
