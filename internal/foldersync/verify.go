package foldersync

import (
	"context"
	"encoding/json"
	"fmt"
)

// A member with a valid key could write a checkpoint whose contents lie:
// values no batch carried, or the value in effect left out, so that a
// laptop starting from it loses an edit. Every member that has applied
// all the batches a checkpoint covers checks it against them once (a
// checkpoint is written every thousand batches or so), before it could
// need it. A lying one is named in the sync report with its signer, and
// listed in the member's device file: no laptop starts from it, no
// compaction counts it, and the next compaction replaces it. Nothing is
// lost: its batches are in every member's database, and the replacing
// checkpoint carries them.

// checkedCheckpoint is what this laptop found when it checked a
// checkpoint: the file's size and SHA-256, and the lie, if any.
type checkedCheckpoint struct {
	Size int64  `json:"size"`
	Hash string `json:"hash,omitempty"`
	Lie  string `json:"lie,omitempty"`
	// Waiting: not checked yet, because batches it covers were not
	// applied here when this laptop had applied this many (plus one); it
	// is read again only once that changes.
	Waiting int `json:"waiting,omitempty"`
}

// metaChecked holds, per checkpoint path, what this laptop found.
const metaChecked = "sync_checkpoints_checked"

// checked reads what this laptop found of the checkpoints it checked.
func (r *round) checked(ctx context.Context) (map[string]checkedCheckpoint, error) {
	out := map[string]checkedCheckpoint{}
	raw, err := r.st.Meta(ctx, metaChecked)
	if err != nil || raw == "" {
		return out, err
	}
	if json.Unmarshal([]byte(raw), &out) != nil {
		return map[string]checkedCheckpoint{}, nil
	}
	return out, nil
}

// verifyCheckpoints checks the checkpoints of other members not checked
// before (or changed since) against the batches this laptop applied.
func (r *round) verifyCheckpoints(ctx context.Context) error {
	if !r.team.member(r.me) {
		return nil
	}
	list := r.listCheckpoints()
	if len(list) == 0 {
		return nil
	}
	done, err := r.checked(ctx)
	if err != nil {
		return err
	}
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return err
	}
	count := 1 // 1 + the batches applied here: never 0
	for _, seqs := range applied {
		count += len(seqs)
	}
	changed, lied := false, false
	listed := map[string]bool{}
	for _, c := range list {
		listed[c.rel] = true
		if c.dev == r.me || !r.team.member(c.dev) {
			continue
		}
		if d, ok := done[c.rel]; ok && d.Size == c.size && (d.Waiting == 0 || d.Waiting == count) {
			continue
		}
		if d, ok := r.imported[c.rel]; ok {
			done[c.rel] = d
			changed = true
			continue
		}
		snap, hash, err := r.readSealed(c.rel, c.dev, c.gen, kindCheckpt)
		if err != nil {
			continue // named when a laptop needs it
		}
		problem, ok, err := r.st.VerifyCheckpoint(ctx, *snap)
		if err != nil {
			return fmt.Errorf("check %s: %w", c.rel, err)
		}
		if !ok {
			// Batches it covers are not applied here yet.
			done[c.rel] = checkedCheckpoint{Size: c.size, Waiting: count}
			changed = true
			continue
		}
		done[c.rel] = checkedCheckpoint{Size: c.size, Hash: hash, Lie: problem}
		changed = true
		if problem != "" {
			lied = true
			r.skip(c.rel, fmt.Sprintf("signed by %s, but %s; refused: no laptop starts from it, the batches it covers stay with every member, and the next compaction replaces it",
				r.signer(ctx, c.dev), problem))
		}
	}
	for rel := range done {
		if !listed[rel] {
			delete(done, rel)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	data, err := json.Marshal(done)
	if err != nil {
		return err
	}
	if err := r.st.SetMeta(ctx, metaChecked, string(data)); err != nil {
		return err
	}
	if lied {
		// The others learn of it now, not a round later.
		return r.announce(ctx)
	}
	return nil
}

// refutedHere lists the checkpoints this laptop found lying, for its
// device file.
func (r *round) refutedHere(ctx context.Context) (map[string]string, error) {
	done, err := r.checked(ctx)
	if err != nil {
		return nil, err
	}
	var out map[string]string
	for rel, d := range done {
		if d.Lie != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[rel] = d.Hash
		}
	}
	return out, nil
}

// refutedBy names the member (this laptop included) that found the
// checkpoint file with this hash lying; "" when none did.
func (r *round) refutedBy(ctx context.Context, rel, hash string) string {
	if done, err := r.checked(ctx); err == nil && done[rel].Lie != "" && done[rel].Hash == hash {
		return "this laptop (" + done[rel].Lie + ")"
	}
	for dev, f := range r.devices() {
		if dev != r.me && r.team.member(dev) && f.Refuted[rel] == hash {
			return r.signer(ctx, dev)
		}
	}
	return ""
}

// refutedName reports whether this laptop or a member found a file of
// this name lying (whatever its contents now).
func (r *round) refutedName(ctx context.Context, rel string) bool {
	if done, err := r.checked(ctx); err == nil && done[rel].Lie != "" {
		return true
	}
	for dev, f := range r.devices() {
		if dev != r.me && r.team.member(dev) && f.Refuted[rel] != "" {
			return true
		}
	}
	return false
}

// signer names a laptop for a message: its name and ID.
func (r *round) signer(ctx context.Context, dev string) string {
	if names, err := DeviceNames(ctx, r.st); err == nil && names[dev] != "" {
		return fmt.Sprintf("%q (%s)", names[dev], dev)
	}
	return "laptop " + dev
}
