package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"ernstfall/internal/handbook"
)

// EntityMeta is the entity of the notices about this laptop's own settings
// (the meta table: the sync folder, the last printout); the ID is the key.
const EntityMeta handbook.Entity = "meta"

// EntitySettings is the entity of the notices about the handbook-wide
// settings.
const EntitySettings = settingsEntity

// Notice names one record a commit changed: created, edited, deleted or
// undeleted, here or by changes applied from another laptop.
type Notice struct {
	Entity handbook.Entity
	ID     string
}

// Subscribe has f called after every commit that changed records, with
// the records it changed (each once, in the order first written). f runs
// on the goroutine that committed, after the commit; it must return
// quickly (hand the work to another goroutine or the UI thread) and must
// not write to the store itself. The returned function ends the
// subscription.
func (s *Store) Subscribe(f func([]Notice)) (cancel func()) {
	return s.notices.subscribe(f)
}

// notices collects what the open write transaction changes and hands it
// to the subscribers after the commit. The store has one writer connection,
// so at most one write transaction is open at a time and one pending list
// suffices; it is taken before the commit releases the connection.
type notices struct {
	mu      sync.Mutex
	pending []Notice
	seen    map[Notice]bool
	next    int
	subs    map[int]func([]Notice)
	// gen counts the commits that changed records: what is derived from
	// the records (the search vocabulary) is read again when it moved.
	gen atomic.Uint64
}

func (n *notices) subscribe(f func([]Notice)) func() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.subs == nil {
		n.subs = map[int]func([]Notice){}
	}
	id := n.next
	n.next++
	n.subs[id] = f
	return func() {
		n.mu.Lock()
		defer n.mu.Unlock()
		delete(n.subs, id)
	}
}

// note records a change of the open transaction.
func (n *notices) note(e handbook.Entity, id string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	k := Notice{e, id}
	if n.seen == nil {
		n.seen = map[Notice]bool{}
	}
	if n.seen[k] {
		return
	}
	n.seen[k] = true
	n.pending = append(n.pending, k)
}

// take empties the pending list and returns it.
func (n *notices) take() []Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.pending
	n.pending, n.seen = nil, nil
	return out
}

// publish tells every subscriber about a committed change.
func (n *notices) publish(list []Notice) {
	if len(list) == 0 {
		return
	}
	n.gen.Add(1)
	n.mu.Lock()
	subs := make([]func([]Notice), 0, len(n.subs))
	for i := 0; i < n.next; i++ {
		if f, ok := n.subs[i]; ok {
			subs = append(subs, f)
		}
	}
	n.mu.Unlock()
	for _, f := range subs {
		f(list)
	}
}

// outside remembers the database's data_version as the writer connection
// last saw it: SQLite changes it when another connection, of this program
// or another, commits.
type outside struct {
	mu      sync.Mutex
	version int64
	seen    bool
}

// CheckOutside tells the subscribers, with a notice for every kind of
// record, when another program (the command line: an import, a restore,
// an incident started there; a second window) changed the database since
// the last check, so that an open window shows it. It returns whether
// there was such a change. The first call only takes note of the state.
func (s *Store) CheckOutside(ctx context.Context) (bool, error) {
	db := s.w
	if db == nil {
		db = s.r
	}
	var v int64
	if err := db.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return false, fmt.Errorf("check for changes by other programs: %w", classify(err))
	}
	s.outside.mu.Lock()
	changed := s.outside.seen && v != s.outside.version
	s.outside.version, s.outside.seen = v, true
	s.outside.mu.Unlock()
	if !changed {
		return false, nil
	}
	list := []Notice{{Entity: EntitySettings}, {Entity: EntityMeta}}
	for _, e := range handbook.Entities {
		list = append(list, Notice{Entity: e})
	}
	s.notices.publish(list)
	return true, nil
}
