package foldersync

import (
	"context"
	"encoding/json"
	"fmt"

	"ernstfall/internal/seal"
)

// Meta keys of this laptop's trust state. They live in the database's
// meta table, which never syncs; a copy of the database carries them, and
// is told apart by its batches (see copy detection).
const (
	metaIdentity = "sync_identity"
	metaTrust    = "sync_trust"
	metaFolder   = "sync_folder_last"
)

// LastFolder is the shared folder this laptop synchronised with last ("").
func LastFolder(ctx context.Context, st Store) (string, error) {
	return st.Meta(ctx, metaFolder)
}

// localState is what this laptop knows of its team between rounds.
type localState struct {
	// Team is the founder this laptop trusts for its folder (pinned at
	// first sight, like an SSH host key).
	Team     *teamInfo `json:"team,omitempty"`
	Handbook string    `json:"handbook,omitempty"`
	// Keys are the team keys this laptop holds; Request the private key
	// join requests are encrypted for.
	Keys    []seal.Key `json:"keys,omitempty"`
	Request []byte     `json:"request,omitempty"`
	// Records are every team record read from a verified batch.
	Records []record `json:"records,omitempty"`
	// Member: this laptop has been a member of Team.
	Member bool `json:"member,omitempty"`
	// Starts is, per laptop, the first batch of its stream (the lowest
	// one seen that follows no other): below it nothing is missing.
	Starts map[string]int64 `json:"starts,omitempty"`
}

// identity returns this laptop's keys, making them on first use.
func identity(ctx context.Context, st Store) (seal.Identity, error) {
	raw, err := st.Meta(ctx, metaIdentity)
	if err != nil {
		return seal.Identity{}, err
	}
	if raw != "" {
		return seal.ParseIdentity(raw)
	}
	id, err := seal.NewIdentity()
	if err != nil {
		return seal.Identity{}, fmt.Errorf("make this laptop's keys: %w", err)
	}
	if err := st.SetMeta(ctx, metaIdentity, id.Marshal()); err != nil {
		return seal.Identity{}, err
	}
	return id, nil
}

func loadState(ctx context.Context, st Store) (localState, error) {
	var s localState
	raw, err := st.Meta(ctx, metaTrust)
	if err != nil || raw == "" {
		return s, err
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return localState{}, fmt.Errorf("this laptop's team state is unreadable: %w", err)
	}
	return s, nil
}

func saveState(ctx context.Context, st Store, s localState) error {
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return st.SetMeta(ctx, metaTrust, string(data))
}

// addRecords adds records not known yet and reports whether any was new.
func (s *localState) addRecords(recs []record) bool {
	known := make(map[string]bool, len(s.Records))
	for _, r := range s.Records {
		known[r.id()] = true
	}
	added := false
	for _, r := range recs {
		if !known[r.id()] {
			known[r.id()] = true
			s.Records = append(s.Records, r)
			added = true
		}
	}
	return added
}

// addKey keeps a team key and reports whether it was new.
func (s *localState) addKey(k seal.Key) bool {
	for _, have := range s.Keys {
		if have.ID == k.ID {
			return false
		}
	}
	s.Keys = append(s.Keys, k)
	return true
}

func (s *localState) key(id string) (seal.Key, bool) {
	for _, k := range s.Keys {
		if k.ID == id {
			return k, true
		}
	}
	return seal.Key{}, false
}

// writeKey is the newest key a member vouched for: the one this laptop
// encrypts with.
func (s *localState) writeKey(t *team) (seal.Key, bool) {
	var best seal.Key
	found := false
	for _, k := range s.Keys {
		if t.usable(k) && (!found || k.Newer(best)) {
			best, found = k, true
		}
	}
	return best, found
}
