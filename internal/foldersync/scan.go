package foldersync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"ernstfall/internal/seal"
	"ernstfall/internal/store"
)

// scanBudget is how many bytes of batch files one round keeps decoded in
// memory. Beyond it, a first pass reads only the team records, and the
// changes are read again and applied in parts, so joining a folder of any
// size stays within a few hundred megabytes.
const scanBudget = 16 << 20

// inbatch is a batch file of another laptop, read and verified.
type inbatch struct {
	dev, rel   string
	seq        int64
	size       int64
	hash, prev string
	// batch holds the changes once decoded (nil while only the team
	// records were kept).
	batch   *store.Batch
	members []record
	// problem is why the file could not be used yet.
	problem string
}

// pendingFile is a batch file not applied yet, or one version of a batch
// that a file-sync engine kept twice.
type pendingFile struct {
	seq  int64
	rel  string
	size int64
}

// listPending lists, per device, the batch files not applied yet, in
// order, and passes over (with a message) what is no batch of ours;
// what engines and operating systems leave in folders is passed over
// without a word. A batch that a file-sync engine kept in two versions
// (a conflict copy: two laptops wrote the same name) is listed in
// r.copies, every version of it, even when one was applied already.
func (r *round) listPending(applied map[string]map[int64]bool) map[string][]pendingFile {
	r.present = map[string]int64{}
	r.copies = map[string][]pendingFile{}
	r.inFolder = map[string][]int64{}
	entries, err := r.sh.readDir(dirLog)
	if err != nil {
		r.skip(dirLog, "cannot list: "+err.Error())
		return nil
	}
	out := map[string][]pendingFile{}
	tm := r.team
	if tm == nil && r.state.Team != nil {
		// Built once: a team of 200 laptops has 200 folders here.
		tm = newTeam(*r.state.Team, r.state.Records)
	}
	for _, e := range entries {
		dev := e.Name()
		rel := path.Join(dirLog, dev)
		if id, shown := r.renamedDevice(tm, dev); id != "" {
			r.skip(rel, fmt.Sprintf("the folder of laptop %s under another name (renamed, or kept twice by a file-sync tool); nothing in it is read: rename it back to %s, or, if that folder exists, move the batch files it lacks into it",
				shown, id))
			continue
		}
		switch {
		case dev == r.me || junk(dev):
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
		old := 0
		mains := map[int64]pendingFile{}
		twice := map[int64]bool{}
		for _, f := range files {
			name := f.Name()
			if junk(name) {
				continue
			}
			frel := path.Join(rel, name)
			seq, ok := seqOf(name)
			vseq, variant := variantSeq(name)
			if (ok || variant) && f.Type().IsRegular() {
				r.present[dev] = max(r.present[dev], seq, vseq)
			}
			var size int64
			if fi, err := f.Info(); err == nil {
				size = fi.Size()
			}
			switch {
			case oldBatchName.MatchString(name):
				old++
			case !ok && !variant:
				r.skip(frel, "not a batch file name; ignored")
			case f.Type()&fs.ModeSymlink != 0:
				r.skip(frel, "a symbolic link; not followed")
			case !f.Type().IsRegular():
				r.skip(frel, "not a regular file; ignored")
			case variant:
				r.copies[dev] = append(r.copies[dev], pendingFile{seq: vseq, rel: frel, size: size})
				twice[vseq] = true
			default:
				mains[seq] = pendingFile{seq: seq, rel: frel, size: size}
				r.inFolder[dev] = append(r.inFolder[dev], seq)
				if !applied[dev][seq] {
					out[dev] = append(out[dev], mains[seq])
				}
			}
		}
		for seq := range twice {
			if m, ok := mains[seq]; ok {
				r.copies[dev] = append(r.copies[dev], m)
			}
		}
		if old > 0 {
			r.skip(rel, fmt.Sprintf("%d batches written by an Ernstfall without signatures are ignored; that laptop sends its changes again once it is updated and admitted", old))
		}
		sort.Slice(out[dev], func(i, j int) bool { return out[dev][i].seq < out[dev][j].seq })
		sort.Slice(r.copies[dev], func(i, j int) bool { return r.copies[dev][i].rel < r.copies[dev][j].rel })
	}
	return out
}

// renamedDevice is the laptop of the team whose device folder name is
// the start of name, followed by something else ("… (1)", "-DESKTOP-…",
// ".sync-conflict-…"), or that is its name in other case: that laptop's
// folder renamed, or a copy of it. It
// returns the laptop's ID and its name for messages.
func (r *round) renamedDevice(tm *team, name string) (string, string) {
	if tm == nil || junk(name) {
		return "", ""
	}
	if _, known := tm.pub[name]; known || name == r.me {
		return "", ""
	}
	for _, id := range append(tm.members(), r.me) {
		if len(name) > len(id) && strings.HasPrefix(name, id) && !isIDChar(name[len(id)]) || strings.EqualFold(name, id) {
			if n := tm.names[id]; n != "" {
				return id, fmt.Sprintf("%q (%s)", n, id)
			}
			return id, id
		}
	}
	return "", ""
}

func isIDChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
}

// learnKeys reads the key files addressed to this laptop and keeps the
// keys they hold. Which of them may be written with is decided later, by
// the team records.
func (r *round) learnKeys(ctx context.Context) error {
	dir := path.Join("keys", r.me)
	if err := checkEntry(r.sh.root, "keys", true); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("sync with %s: %w", r.opt.Folder, err)
	}
	entries, err := r.sh.readDir(dir)
	if err != nil {
		return nil
	}
	changed := false
	for _, e := range entries {
		m := keyName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		if _, ok := r.state.key(m[1]); ok {
			continue
		}
		rel := path.Join(dir, e.Name())
		k, req, err := r.readKeyFile(rel, m[1], m[2])
		if err != nil {
			r.skip(rel, err.Error())
			continue
		}
		if r.state.addKey(k) {
			changed = true
		}
		if len(r.state.Request) == 0 {
			r.state.Request = req
		}
	}
	if changed {
		return saveState(ctx, r.st, r.state)
	}
	return nil
}

// readKeyFile opens a key file for this laptop. Its signer is checked
// when known; either way a key is only written with once a member's
// record vouches for it.
func (r *round) readKeyFile(rel, id, from string) (seal.Key, []byte, error) {
	data, err := r.sh.readLimited(rel, maxSmallFile)
	if err != nil {
		return seal.Key{}, nil, err
	}
	var f keyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return seal.Key{}, nil, errors.New("unreadable (cut short, or still being written); retried next sync")
	}
	if f.Format != keyFormat || f.To != r.me || f.From != from || f.Key != id || f.Handbook != r.handbook {
		return seal.Key{}, nil, errors.New("not a key file for this laptop; ignored")
	}
	if r.team != nil {
		if pub, ok := r.team.pub[from]; ok && !seal.VerifyJSON(pub.Sign, "key", f.signedBody(), f.Sig) {
			return seal.Key{}, nil, errors.New("key file not signed by the laptop it names; ignored")
		}
	}
	plain, err := seal.OpenWith(r.id.Box, keyInfo(r.handbook, r.me, id), f.Wrapped)
	if err != nil {
		return seal.Key{}, nil, errors.New("key file cannot be opened with this laptop's key; ignored")
	}
	var w wrappedKey
	if err := json.Unmarshal(plain, &w); err != nil || w.Key.ID != id || len(w.Key.Secret) != 32 {
		return seal.Key{}, nil, errors.New("key file holds no usable key; ignored")
	}
	return w.Key, w.Request, nil
}

func keyInfo(handbook, to, id string) string {
	return "ernstfall team key v2 " + handbook + " " + to + " " + id
}

// scan reads the pending batches of every laptop whose keys are known,
// learns the team records they carry, and repeats while that makes more
// laptops known. It decides the team, and keeps the batches read (their
// changes too, within scanBudget).
func (r *round) scan(ctx context.Context, pending map[string][]pendingFile) error {
	var total int64
	for _, files := range pending {
		for _, f := range files {
			total += f.size
		}
	}
	keep := total <= scanBudget
	r.large = !keep
	r.read = map[string][]*inbatch{}
	r.versions = map[string][]*inbatch{}
	done := map[string]bool{}
	for {
		r.team = newTeam(*r.state.Team, r.state.Records)
		var fresh []record
		read := func(dev string, f pendingFile, keep bool, as string) *inbatch {
			if done[as+f.rel] {
				return nil
			}
			b := r.readSealedBatch(f, dev, r.team.pub[dev], keep)
			if b.problem == "" || !retryable(b.problem) {
				done[as+f.rel] = true
			}
			if b.problem == "" {
				fresh = append(fresh, b.members...)
				if b.prev == "" && (r.state.Starts[dev] == 0 || b.seq < r.state.Starts[dev]) {
					if r.state.Starts == nil {
						r.state.Starts = map[string]int64{}
					}
					r.state.Starts[dev] = b.seq
				}
			}
			return b
		}
		for dev, files := range pending {
			if _, ok := r.team.pub[dev]; !ok {
				continue
			}
			for _, f := range files {
				if b := read(dev, f, keep, ""); b != nil {
					r.replace(b)
				}
			}
		}
		for dev, files := range r.copies {
			if _, ok := r.team.pub[dev]; !ok {
				continue
			}
			for _, f := range files {
				if b := read(dev, f, true, "version "); b != nil {
					r.keepVersion(b)
				}
			}
		}
		if !r.state.addRecords(fresh) {
			break
		}
		if err := saveState(ctx, r.st, r.state); err != nil {
			return err
		}
	}
	r.team = newTeam(*r.state.Team, r.state.Records)
	r.chain = nil
	return nil
}

// replace keeps the newest reading of a batch file.
func (r *round) replace(b *inbatch) {
	list := r.read[b.dev]
	for i, old := range list {
		if old.seq == b.seq {
			list[i] = b
			return
		}
	}
	r.read[b.dev] = append(list, b)
}

// Problems that another pass of the same round may solve: a key or a
// signer learnt from another batch.
const (
	problemNoKey = "encrypted with a team key this laptop does not hold yet; retried next sync"
)

func retryable(problem string) bool { return problem == problemNoKey }

// readSealedBatch reads, verifies and decrypts one batch file of dev.
func (r *round) readSealedBatch(f pendingFile, dev string, pub seal.Public, keep bool) *inbatch {
	b := &inbatch{dev: dev, rel: f.rel, seq: f.seq, size: f.size}
	data, err := r.sh.readLimited(f.rel, r.opt.MaxBatchBytes)
	if err != nil {
		b.problem = err.Error() + "; retried next sync"
		return b
	}
	b.size = int64(len(data))
	batch, members, h, err := openBatch(data, r.opt.MaxBatchBytes, r.handbook, dev, f.seq, pub, r.state.key)
	switch {
	case errors.Is(err, errNoKey):
		b.problem = problemNoKey
		return b
	case errors.Is(err, seal.ErrSignature), errors.Is(err, seal.ErrMalformed):
		b.problem = err.Error() + " (forged, or still being written); retried next sync"
		return b
	case err != nil:
		b.problem = err.Error() + "; ignored"
		return b
	}
	b.hash, b.prev = batch.Hash, h.Prev
	b.members = members
	if keep {
		b.batch = &batch
	}
	return b
}

// errNoKey: a file is encrypted with a team key this laptop lacks.
var errNoKey = errors.New("no such team key")

// openBatch verifies a sealed batch file as batch seq of dev (signed with
// pub), decrypts it with the key its header names and decodes it. It is
// everything a laptop does with a batch file before trusting it.
func openBatch(data []byte, limit int64, handbook, dev string, seq int64, pub seal.Public, key func(string) (seal.Key, bool)) (store.Batch, []record, seal.Header, error) {
	h, err := seal.Verify(data, pub.Sign)
	if err != nil {
		return store.Batch{}, nil, h, err
	}
	switch {
	case h.Kind != kindBatch:
		return store.Batch{}, nil, h, fmt.Errorf("not a batch (a %s file under a batch's name)", h.Kind)
	case h.Handbook != handbook:
		return store.Batch{}, nil, h, errors.New("belongs to another handbook")
	case h.Device != dev || h.Seq != seq:
		return store.Batch{}, nil, h, fmt.Errorf("signed as batch %d of laptop %s, not as this file (moved or replayed)", h.Seq, h.Device)
	}
	k, ok := key(h.Key)
	if !ok {
		return store.Batch{}, nil, h, errNoKey
	}
	plain, err := seal.Open(data, k)
	if err != nil {
		return store.Batch{}, nil, h, err
	}
	batch, members, err := parseBatch(plain, limit, handbook, dev, seq)
	if err != nil {
		return store.Batch{}, nil, h, err
	}
	batch.Hash = seal.Hash(data)
	return batch, members, h, nil
}

// problemOf says why a laptop's batch is not applied, or "" when it may
// be. It checks the team and the chain of the laptop's batches.
func (r *round) problemOf(ctx context.Context, b *inbatch) (string, error) {
	if b.problem != "" {
		return b.problem, nil
	}
	if !r.team.validAt(b.dev, b.seq) {
		if _, removed := r.team.cutoff[b.dev]; removed {
			return fmt.Sprintf("written after %s was removed from the team; never applied", r.nameOf(b.dev)), nil
		}
		return "from a laptop that is not a member of the team; applied once a member admits it", nil
	}
	if _, ok := r.team.pinned[b.dev]; ok {
		if !r.chained(b.dev)[b.seq] {
			return "does not lead to the batch the member who removed this laptop had (rewritten after its removal, or cannot be checked); never applied", nil
		}
		return "", nil
	}
	if b.prev == "" || b.seq <= 1 {
		return "", nil
	}
	prev, err := r.knownHashes(ctx, b.dev, b.seq-1)
	if err != nil {
		return "", err
	}
	if len(prev) > 0 && !slices.Contains(prev, b.prev) {
		return fmt.Sprintf("does not follow batch %d of this laptop (forged, or written by a copy of its database); never applied", b.seq-1), nil
	}
	return "", nil
}

// chained returns the batches of a removed laptop, read this round, that
// lead by their chain of hashes to the batch the member who removed it
// had applied last: only those may be applied. The laptop still holds
// its signing key, and could otherwise swap an earlier batch of its own
// before a laptop that joins later reads it.
func (r *round) chained(dev string) map[int64]bool {
	if ok, done := r.chain[dev]; done {
		return ok
	}
	bySeq := map[int64]*inbatch{}
	for _, b := range r.read[dev] {
		if b.problem == "" {
			bySeq[b.seq] = b
		}
	}
	ok := map[int64]bool{}
	want := r.team.pinned[dev]
	for s := r.team.cutoff[dev]; s >= 1 && want != ""; s-- {
		b := bySeq[s]
		if b == nil || b.hash != want {
			break
		}
		ok[s] = true
		want = b.prev
	}
	if r.chain == nil {
		r.chain = map[string]map[int64]bool{}
	}
	r.chain[dev] = ok
	return ok
}

// nameOf is a laptop's name for messages.
func (r *round) nameOf(dev string) string {
	if n := r.team.names[dev]; n != "" {
		return fmt.Sprintf("%q (%s)", n, dev)
	}
	return dev
}

// readRequests lists the join requests in the folder, newest first, at
// most maxRequests of them decoded; the rest are only counted, so a flood
// of requests cannot slow a round down.
func (r *round) readRequests() ([]Request, int) {
	entries, err := r.sh.readDir("requests")
	if err != nil {
		return nil, 0
	}
	type cand struct {
		dev  string
		info fs.FileInfo
	}
	var cands []cand
	for _, e := range entries {
		dev, ok := strings.CutSuffix(e.Name(), ".request")
		if !ok || !deviceName.MatchString(dev) || !e.Type().IsRegular() || dev == r.me {
			continue
		}
		if r.team.admitted[dev] {
			continue
		}
		if info, err := e.Info(); err == nil {
			cands = append(cands, cand{dev, info})
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].info.ModTime().After(cands[j].info.ModTime()) })
	var out []Request
	for i, c := range cands {
		if i >= maxRequests {
			return out, len(cands) - maxRequests
		}
		req, err := r.readRequest(c.dev)
		if err != nil {
			continue
		}
		if r.team.refused[c.dev] {
			continue
		}
		out = append(out, req)
	}
	return out, 0
}

// maxRequests is how many join requests a round reads.
const maxRequests = 50

// readRequest reads and checks one laptop's join request.
func (r *round) readRequest(dev string) (Request, error) {
	rel := requestPath(dev)
	data, err := r.sh.readLimited(rel, maxSmallFile)
	if err != nil {
		return Request{}, err
	}
	var f requestFile
	if err := json.Unmarshal(data, &f); err != nil || f.Format != requestFormat || f.Device != dev || f.Handbook != r.handbook ||
		!f.Keys.Valid() || !seal.VerifyJSON(f.Keys.Sign, "request", f.signedBody(), f.Sig) {
		return Request{}, errors.New("not a valid join request")
	}
	req := Request{Device: dev, Fingerprint: seal.Fingerprint(dev, f.Keys), Since: f.Created, keys: f.Keys}
	if len(r.state.Request) > 0 {
		if priv, err := ecdhPrivate(r.state.Request); err == nil {
			if name, err := seal.OpenWith(priv, "ernstfall request name v2 "+r.handbook+" "+dev, f.Name); err == nil {
				req.Name = cleanName(string(name))
			}
		}
	}
	return req, nil
}
