package foldersync

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"time"

	"ernstfall/internal/seal"
)

// Kinds of team records. They travel inside the signed, encrypted batches
// of the member who made them, so they sync like everything else and
// every laptop decides membership from the same set of records.
const (
	// recAdmit: a member admits a laptop with these keys.
	recAdmit = "admit"
	// recRefuse: a member turns a join request down; it is not shown again.
	recRefuse = "refuse"
	// recRemove: a member removes a laptop. Its batches up to Last (the
	// newest the remover had applied, whose file hashes to Hash) stay
	// valid; anything it signs later is void.
	recRemove = "remove"
	// recLost: a member declares batch Last of a laptop lost; it is no
	// longer reported as missing.
	recLost = "lost"
	// recKey: a member introduces a team key (at founding, and at every
	// removal). Keys handed over in key files are used only when a record
	// of a member vouches for them.
	recKey = "key"
)

// record is one statement about the team, signed as part of its batch.
type record struct {
	// Signer and Seq are the batch the record came in; they are set when
	// the batch is read, never taken from the record itself.
	Signer string       `json:"signer,omitempty"`
	Seq    int64        `json:"seq,omitempty"`
	Kind   string       `json:"kind"`
	Device string       `json:"device,omitempty"`
	Keys   *seal.Public `json:"keys,omitempty"`
	Name   string       `json:"name,omitempty"`
	Last   int64        `json:"last,omitempty"`
	Hash   string       `json:"hash,omitempty"`
	Key    string       `json:"key,omitempty"`
	Epoch  int          `json:"epoch,omitempty"`
	Check  string       `json:"check,omitempty"`
	At     time.Time    `json:"at"`
}

func (r record) check() error {
	switch r.Kind {
	case recAdmit:
		if r.Keys == nil || !r.Keys.Valid() {
			return errors.New("admission without valid keys")
		}
	case recRefuse, recRemove, recLost:
	case recKey:
		if r.Key == "" || r.Check == "" || r.Epoch < 0 {
			return errors.New("key record incomplete")
		}
		return nil
	default:
		return fmt.Errorf("unknown kind %q", r.Kind)
	}
	if !deviceName.MatchString(r.Device) {
		return fmt.Errorf("invalid device %q", r.Device)
	}
	if r.Last < 0 {
		return errors.New("negative batch number")
	}
	return nil
}

// id names a record uniquely: the batch it came in and its place there
// are not known to the record itself, so its content is part of the name.
func (r record) id() string {
	return fmt.Sprintf("%s/%d/%s/%s/%d/%s/%s", r.Signer, r.Seq, r.Kind, r.Device, r.Last, r.Key, r.Hash)
}

// team is who may write to the shared folder, decided from FORMAT's
// founder and every team record known. Every laptop that knows the same
// records decides the same.
type team struct {
	founder teamInfo
	// pub holds the keys of every laptop ever admitted (or disputed).
	pub map[string]seal.Public
	// admitted: laptops admitted by a member entitled to at the time;
	// cutoff: removed laptops and their last valid batch.
	admitted map[string]bool
	cutoff   map[string]int64
	pinned   map[string]string // removed laptop → hash of its last valid batch
	refused  map[string]bool
	lost     map[string]map[int64]bool
	// keys: key ID → the record of a member that introduced it.
	keys  map[string]record
	names map[string]string
	// since: when a laptop was admitted, by whom.
	admittedBy map[string]record
}

// newTeam decides membership. The founder is a member. An admission
// counts when its signer was a member when signing it. A removal counts
// unless its signer had been removed, before signing it, by a removal
// that counts; removals that cut each other (two members removing each
// other while apart, directly or round a circle) all count, so a removed
// laptop that still holds its key can take down at most those who
// removed it, and never anyone else.
func newTeam(founder teamInfo, recs []record) *team {
	t := &team{founder: founder, pub: map[string]seal.Public{founder.Founder: founder.Keys}}
	// Keys of admitted laptops; an ID admitted with two different keys is
	// disputed and admitted with neither.
	disputed := map[string]bool{}
	for _, r := range recs {
		if r.Kind != recAdmit || r.Keys == nil {
			continue
		}
		if p, ok := t.pub[r.Device]; ok && !samePublic(p, *r.Keys) {
			disputed[r.Device] = true
			continue
		}
		t.pub[r.Device] = *r.Keys
	}
	for d := range disputed {
		if d != founder.Founder {
			delete(t.pub, d)
		}
	}
	admitted := map[string]bool{founder.Founder: true}
	var cutoff map[string]int64
	for range 8 {
		cutoff = effectiveCutoffs(recs, admitted)
		next := map[string]bool{founder.Founder: true}
		for changed := true; changed; {
			changed = false
			for _, r := range recs {
				if r.Kind == recAdmit && !next[r.Device] && !disputed[r.Device] && next[r.Signer] && within(cutoff, r.Signer, r.Seq) {
					next[r.Device] = true
					changed = true
				}
			}
		}
		if sameSet(next, admitted) {
			break
		}
		admitted = next
	}
	t.admitted, t.cutoff = admitted, cutoff
	t.pinned = map[string]string{}
	t.refused, t.lost = map[string]bool{}, map[string]map[int64]bool{}
	t.keys, t.names, t.admittedBy = map[string]record{}, map[string]string{}, map[string]record{}
	for _, r := range recs {
		if !t.validAt(r.Signer, r.Seq) {
			continue
		}
		switch r.Kind {
		case recAdmit:
			if prev, ok := t.admittedBy[r.Device]; admitted[r.Device] && (!ok || r.At.Before(prev.At)) {
				t.admittedBy[r.Device] = r
			}
			if r.Name != "" {
				t.names[r.Device] = r.Name
			}
		case recRefuse:
			t.refused[r.Device] = true
		case recLost:
			if t.lost[r.Device] == nil {
				t.lost[r.Device] = map[int64]bool{}
			}
			t.lost[r.Device][r.Last] = true
		case recKey:
			if _, ok := t.keys[r.Key]; !ok {
				t.keys[r.Key] = r
			}
		case recRemove:
			if c, ok := cutoff[r.Device]; ok && c == r.Last && r.Hash != "" {
				t.pinned[r.Device] = r.Hash
			}
		}
	}
	return t
}

// effectiveCutoffs decides which removals by admitted laptops count, and
// returns for each removed laptop the last batch still valid.
func effectiveCutoffs(recs []record, admitted map[string]bool) map[string]int64 {
	var rm []record
	for _, r := range recs {
		if r.Kind == recRemove && admitted[r.Signer] {
			rm = append(rm, r)
		}
	}
	sort.Slice(rm, func(i, j int) bool { return rm[i].id() < rm[j].id() })
	// cuts[y] lists the removals x that removal y voids: y removes x's
	// signer before x was signed.
	cuts := make([][]int, len(rm))
	for y := range rm {
		for x := range rm {
			if x != y && rm[y].Device == rm[x].Signer && rm[y].Last < rm[x].Seq {
				cuts[y] = append(cuts[y], x)
			}
		}
	}
	reach := make([]map[int]bool, len(rm))
	for i := range rm {
		reach[i] = map[int]bool{}
		stack := []int{i}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, m := range cuts[n] {
				if !reach[i][m] {
					reach[i][m] = true
					stack = append(stack, m)
				}
			}
		}
	}
	// A removal counts unless a removal that counts voids it and is not
	// itself voided, round a circle, by it. Only removals strictly before
	// it in that order are asked, so the recursion ends.
	effective := make([]int, len(rm)) // 0 unknown, 1 counts, 2 void
	var counts func(x int) bool
	counts = func(x int) bool {
		if effective[x] == 0 {
			effective[x] = 1
			for y := range rm {
				if reach[y][x] && !reach[x][y] && slicesContains(cuts[y], x) && counts(y) {
					effective[x] = 2
					break
				}
			}
		}
		return effective[x] == 1
	}
	cutoff := map[string]int64{}
	for x := range rm {
		if !counts(x) {
			continue
		}
		if c, ok := cutoff[rm[x].Device]; !ok || rm[x].Last < c {
			cutoff[rm[x].Device] = rm[x].Last
		}
	}
	return cutoff
}

func slicesContains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func within(cutoff map[string]int64, dev string, seq int64) bool {
	c, ok := cutoff[dev]
	return !ok || seq <= c
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func samePublic(a, b seal.Public) bool {
	return bytes.Equal(a.Sign, b.Sign) && bytes.Equal(a.Box, b.Box)
}

// validAt reports whether dev's batch seq counts: dev was admitted, and
// seq is not beyond its removal.
func (t *team) validAt(dev string, seq int64) bool {
	return t.admitted[dev] && within(t.cutoff, dev, seq)
}

// member reports whether dev belongs to the team now.
func (t *team) member(dev string) bool {
	_, removed := t.cutoff[dev]
	return t.admitted[dev] && !removed
}

// members lists the laptops of the team now, sorted.
func (t *team) members() []string {
	var out []string
	for d := range t.admitted {
		if t.member(d) {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out
}

// usable reports whether a key handed over in a key file may be used: a
// record of a member vouches for it.
func (t *team) usable(k seal.Key) bool {
	r, ok := t.keys[k.ID]
	return ok && r.Check == k.Check() && r.Epoch == k.Epoch
}
