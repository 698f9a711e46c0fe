package foldersync

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
	"ernstfall/internal/store"
)

var (
	simRounds  = flag.Int("sync.rounds", 300, "operations per simulated run of the multi-laptop property test")
	simSeed    = flag.Uint64("sync.seed", 0, "first seed of the multi-laptop property test (0: the fixed CI seeds)")
	simCompact = flag.Bool("sync.compact", true, "laptops of the multi-laptop property test compact the folder now and then")
)

// model is the simulation's own bookkeeping: every change any laptop
// sent, and from it, independently of the store, the value and the open
// conflicts every field must end with.
type model struct {
	changes map[string]map[store.Version]store.Change // by entity/id/field
}

func fieldKey(e handbook.Entity, id, field string) string { return string(e) + "/" + id + "/" + field }

func (m *model) add(cs []store.Change) {
	for _, c := range cs {
		k := fieldKey(c.Entity, c.ID, c.Field)
		if m.changes[k] == nil {
			m.changes[k] = map[store.Version]store.Change{}
		}
		m.changes[k][store.Version{HLC: c.HLC, Device: c.Device}] = c
	}
}

// heads: changes nobody wrote over (directly, or by writing over the same
// value), and no greater change repeats.
func (m *model) heads(k string) []store.Change {
	all := make([]store.Change, 0, len(m.changes[k]))
	over := map[store.Version]bool{}
	overValue := map[string]store.Version{} // greatest change made on top of a value
	for _, c := range m.changes[k] {
		all = append(all, c)
		base := store.Version{HLC: c.BaseHLC, Device: c.BaseDevice}
		over[base] = true
		if b, ok := m.changes[k][base]; ok && !base.IsZero() {
			if v := (store.Version{HLC: c.HLC, Device: c.Device}); overValue[string(b.Value)].Less(v) {
				overValue[string(b.Value)] = v
			}
		}
	}
	sort.Slice(all, func(i, j int) bool {
		return store.Version{HLC: all[j].HLC, Device: all[j].Device}.Less(store.Version{HLC: all[i].HLC, Device: all[i].Device})
	})
	var out []store.Change
	seen := map[string]bool{}
	for _, c := range all {
		v := store.Version{HLC: c.HLC, Device: c.Device}
		if o, ok := overValue[string(c.Value)]; ok && v.Less(o) {
			seen[string(c.Value)] = true
			continue
		}
		if !over[v] && !seen[string(c.Value)] {
			out = append(out, c)
		}
		seen[string(c.Value)] = true
	}
	return out
}

// expectedConflicts lists, as "entity/id/field@hlc/device", the conflicts
// the model predicts for live records.
func (m *model) expectedConflicts() []string {
	records := map[string][]string{}
	for k := range m.changes {
		c := first(m.changes[k])
		rec := string(c.Entity) + "/" + c.ID
		records[rec] = append(records[rec], c.Field)
	}
	var out []string
	for rec, fields := range records {
		var tomb *store.Change
		var newest store.Version
		var found []string
		for _, f := range fields {
			hs := m.heads(rec + "/" + f)
			if len(hs) == 0 {
				continue
			}
			w := hs[0]
			if f == "deleted" {
				tomb = &w
			} else if v := (store.Version{HLC: w.HLC, Device: w.Device}); newest.Less(v) {
				newest = v
			}
			for _, l := range hs[1:] {
				found = append(found, fmt.Sprintf("%s/%s@%d/%s", rec, f, l.HLC, l.Device))
			}
		}
		if tomb != nil && string(tomb.Value) == "true" {
			if !(store.Version{HLC: tomb.HLC, Device: tomb.Device}).Less(newest) {
				continue // deleted: its conflicts are not shown
			}
			found = append(found, fmt.Sprintf("%s/deleted@%d/%s", rec, tomb.HLC, tomb.Device))
		}
		out = append(out, found...)
	}
	sort.Strings(out)
	return out
}

func first(m map[store.Version]store.Change) store.Change {
	for _, c := range m {
		return c
	}
	return store.Change{}
}

func conflictKeys(cs []store.Conflict) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s/%s/%s@%d/%s", c.Entity, c.ID, c.Field, c.Other.HLC, c.Other.Device))
	}
	sort.Strings(out)
	return out
}

// TestMultiLaptopProperty: 3 to 7 laptops edit, delete, resolve
// conflicts (or set a field to a conflicting value), go away past the
// horizon and come back from a checkpoint, and sync in random order; one
// laptop's clock runs ten years ahead; laptops join and are removed; one
// database is copied to a new laptop. Every laptop of the team ends with
// the same handbook, and every field with the value and the conflicts the
// simulation predicts from every change that any laptop sent: no edit is
// lost.
func TestMultiLaptopProperty(t *testing.T) {
	seeds := []uint64{1, 5, 6}
	if *simSeed != 0 {
		seeds = []uint64{*simSeed, *simSeed + 1, *simSeed + 2}
	}
	total := map[string]int{}
	for i, seed := range seeds {
		devices := 3 + i%3
		t.Run(fmt.Sprintf("seed %d, %d laptops", seed, devices), func(t *testing.T) {
			for k, v := range simulate(t, seed, devices, *simRounds) {
				total[k] += v
			}
		})
	}
	if *simSeed != 0 || t.Failed() {
		return // other seeds need not reach every step
	}
	// The fixed seeds of make test reach every kind of step.
	for _, k := range []string{"sync", "edit", "join", "remove", "copy noticed", "compact", "back from a checkpoint", "set to a conflict's value"} {
		if total[k] == 0 && (*simCompact || (k != "compact" && k != "back from a checkpoint")) {
			t.Errorf("no run did %q: %v", k, total)
		}
	}
	if total["resolve"]+total["open conflicts"] == 0 {
		t.Errorf("no run had a conflict: %v", total)
	}
}

var simValues = []string{"eins", "zwei", "drei", "vier"}

// withField is c with one field (by its JSON name) set to value.
func withField(t *testing.T, c handbook.Contact, field string, value json.RawMessage) handbook.Contact {
	t.Helper()
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	fields[field] = value
	if data, err = json.Marshal(fields); err != nil {
		t.Fatal(err)
	}
	var out handbook.Contact
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func simulate(t *testing.T, seed uint64, n, rounds int) map[string]int {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, seed*7919))
	clk := newFakeClock()
	folder := t.TempDir()
	m := &model{changes: map[string]map[store.Version]store.Change{}}
	laptops := make([]*laptop, n)
	for i := range laptops {
		// One laptop's clock runs ten years ahead, one hours behind, one
		// hours ahead.
		skew := time.Duration(0)
		switch i {
		case 1:
			skew = 10 * 365 * 24 * time.Hour
		case 2:
			skew = -2 * time.Hour
		case 3:
			skew = 3 * time.Hour
		}
		laptops[i] = openLaptop(t, t.TempDir(), clk.reader(skew))
	}
	accept := map[string]DeletionChoice{AllDevices: ApplyDeletions}
	for _, l := range laptops {
		l.decide = accept
	}
	laptops[0].sync(t, folder)
	join(t, folder, laptops[0], laptops[1:]...)
	// sent records what a laptop has sent: the simulation knows every
	// change that left any laptop, whatever identity it had then.
	sent := func(l *laptop) {
		snap, err := l.st.ExportSnapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var own []store.Change
		for _, c := range snap.Changes {
			if c.Device == l.st.Device() {
				own = append(own, c)
			}
		}
		m.add(own)
	}
	// away: laptops that do not meet the folder (their people still edit
	// on them) until they come back.
	away := map[*laptop]bool{}
	// member is any laptop of the team but skip (and its copies) that is
	// not away, or else one that comes back for it.
	member := func(skip *laptop) *laptop {
		for _, back := range []bool{false, true} {
			for _, o := range laptops {
				if o.st.Device() != skip.st.Device() && (back || !away[o]) {
					delete(away, o)
					return o
				}
			}
		}
		t.Fatal("no member left")
		return nil
	}
	stats := map[string]int{}
	// Every laptop is honest: a checkpoint found lying is a false alarm.
	honest := func(rep Report) {
		t.Helper()
		for _, s := range rep.Skipped {
			if strings.Contains(s.Reason, "refused") {
				t.Fatalf("an honest file refused: %s", s)
			}
		}
	}
	// afterRound handles a round's news of a copy, whatever round found
	// it (a sync, a compaction, a laptop back from away).
	afterRound := func(l *laptop, rep Report) {
		if rep.Copied != "" {
			stats["copy noticed"]++
		}
		if rep.Pending {
			// A copy that took a new identity, or a new laptop: a member
			// admits it, and it takes part.
			a := member(l)
			a.sync(t, folder)
			admit(t, a, folder, rep.Fingerprint)
			l.sync(t, folder)
			sent(l)
		}
	}
	syncOne := func(l *laptop) {
		rep := l.sync(t, folder)
		honest(rep)
		sent(l)
		afterRound(l, rep)
	}
	shared := handbook.Contact{Record: handbook.Record{ID: "0190aaaa-0000-7000-8000-000000000001", CreatedAt: t0, UpdatedAt: t0},
		Name: "Leitstelle", PhoneOffice: "+49 30 112"}
	extra := 0
	for range rounds {
		l := laptops[rng.IntN(len(laptops))]
		live, err := store.List[handbook.Contact](ctx, l.st)
		if err != nil {
			t.Fatal(err)
		}
		op := rng.IntN(115)
		if away[l] && (op >= 72 || op == 101) {
			// A laptop away only comes back (now and then) or edits.
			if op%4 != 0 {
				continue
			}
			stats["back"]++
			delete(away, l)
			rep := l.sync(t, folder)
			honest(rep)
			sent(l)
			if rep.Snapshot != "" {
				stats["back from a checkpoint"]++
			}
			afterRound(l, rep)
			continue
		}
		switch {
		case op >= 103 && op < 106:
			// A laptop goes away, longer than the others may wait.
			if len(away)+2 < len(laptops) {
				stats["away"]++
				away[l] = true
			}
		case op >= 106 && op < 110:
			// Weeks pass: a laptop away past the horizon no longer holds
			// compaction back.
			stats["weeks"]++
			clk.advance(40 * 24 * time.Hour)
		case op >= 110:
			// Someone sets a field to the value of one of its open
			// conflicts, as a laptop that kept the conflict open did.
			var cs []store.Conflict
			for _, c := range conflicts(t, l) {
				if c.Kind == store.ConflictValue && c.Entity == handbook.EntityContact {
					cs = append(cs, c)
				}
			}
			if len(cs) == 0 {
				continue
			}
			stats["set to a conflict's value"]++
			cf := cs[rng.IntN(len(cs))]
			before, err := store.Get[handbook.Contact](ctx, l.st, cf.ID)
			if err != nil {
				t.Fatal(err)
			}
			after := withField(t, before, cf.Field, cf.Other.Value)
			if err := store.Edit(ctx, l.st, &before, &after); err != nil {
				t.Fatal(err)
			}
			if rng.IntN(2) == 0 {
				// And then to another value, before anything else arrives.
				v := simValues[rng.IntN(4)]
				value := map[string]string{"phone_mobile": "+49 " + v, "email": v + "@example.com"}[cf.Field]
				if value == "" {
					value = v
				}
				next := withField(t, after, cf.Field, json.RawMessage(`"`+value+`"`))
				if err := store.Edit(ctx, l.st, &after, &next); err != nil {
					t.Fatal(err)
				}
			}
		case op == 100 && extra < 2:
			// A new laptop joins.
			stats["join"]++
			extra++
			nl := openLaptop(t, t.TempDir(), clk.reader(0))
			nl.decide = accept
			laptops = append(laptops, nl)
			syncOne(nl)
		case op == 101 && len(laptops) > 2:
			// A member removes another, right after a sync, so that it
			// keeps everything the removed laptop had sent.
			stats["remove"]++
			victim := laptops[rng.IntN(len(laptops))]
			remover := member(victim)
			syncOne(remover)
			if _, err := remover.eng.Remove(ctx, remover.st, remover.opts(folder), victim.st.Device()); err != nil {
				t.Fatal(err)
			}
			// A copy of its database that still writes as it goes too.
			gone := victim.st.Device()
			laptops = slices.DeleteFunc(laptops, func(o *laptop) bool { return o.st.Device() == gone })
			for o := range away {
				if o.st.Device() == gone {
					delete(away, o)
				}
			}
		case op == 102 && stats["copy"] == 0:
			// Someone sets up a laptop by copying another one's database.
			stats["copy"]++
			path := filepath.Join(t.TempDir(), "copy.db")
			if err := l.st.Backup(ctx, path); err != nil {
				t.Fatal(err)
			}
			st, err := store.Open(ctx, path, store.Options{Now: l.now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			laptops = append(laptops, &laptop{st: st, now: l.now, eng: new(Engine), decide: accept})
		case op >= 100:
			continue
		case op < 15 || len(live) == 0:
			stats["create"]++
			putContact(t, l, &handbook.Contact{Name: simValues[rng.IntN(4)], Email: simValues[rng.IntN(4)] + "@example.com"})
		case op < 20:
			stats["import"]++
			if _, err := l.st.Import(ctx, handbook.Handbook{Contacts: []handbook.Contact{shared}}); err != nil {
				t.Fatal(err)
			}
		case op < 55:
			stats["edit"]++
			c := live[rng.IntN(len(live))]
			for range 1 + rng.IntN(2) {
				v := simValues[rng.IntN(4)]
				switch rng.IntN(4) {
				case 0:
					c.Name = v
				case 1:
					c.PhoneMobile = "+49 " + v
				case 2:
					c.Email = v + "@example.com"
				case 3:
					c.Notes = v
				}
			}
			putContact(t, l, &c)
		case op < 58:
			stats["settings"]++
			st, err := l.st.Settings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			st.Organisation = "Nordlicht " + simValues[rng.IntN(4)]
			if err := l.st.SaveSettings(ctx, st); err != nil {
				t.Fatal(err)
			}
		case op < 62:
			stats["delete"]++
			c := live[rng.IntN(len(live))]
			if err := l.st.Delete(ctx, handbook.EntityContact, c.ID); err != nil {
				t.Fatal(err)
			}
		case op < 72:
			cs := conflicts(t, l)
			if len(cs) == 0 {
				continue
			}
			stats["resolve"]++
			cf := cs[rng.IntN(len(cs))]
			choice := store.Choice(rng.IntN(3))
			merged := json.RawMessage(`"` + simValues[rng.IntN(4)] + `"`)
			if cf.Field == "deleted" {
				merged = json.RawMessage(`true`)
			}
			if cf.Field == "email" || cf.Field == "name" {
				merged = json.RawMessage(`"gemischt@example.com"`)
			}
			if err := l.st.ResolveConflict(ctx, cf, choice, merged); err != nil {
				t.Fatal(err)
			}
		case op < 75 && *simCompact:
			// A laptop compacts: it folds what every member applied into
			// a checkpoint and removes those batches.
			l.compact = 1
			rep := l.sync(t, folder)
			honest(rep)
			l.compact = 0
			sent(l)
			if rep.Compacted > 0 {
				stats["compact"]++
			}
			afterRound(l, rep)
		default:
			stats["sync"]++
			syncOne(l)
		}
	}
	// Everyone comes back and meets the folder until nothing new
	// arrives.
	for l := range away {
		delete(away, l)
		syncOne(l)
	}
	for range 3 {
		for _, i := range rng.Perm(len(laptops)) {
			syncOne(laptops[i])
		}
	}
	want := comparable(t, laptops[0])
	for i, l := range laptops[1:] {
		if got := comparable(t, l); got != want {
			t.Fatalf("laptop %d differs from laptop 0:\n%s\n---\n%s", i+1, got, want)
		}
	}
	got := conflictKeys(conflicts(t, laptops[0]))
	exp := m.expectedConflicts()
	if fmt.Sprint(got) != fmt.Sprint(exp) {
		t.Fatalf("conflicts %d, the simulation counts %d:\n got %v\nwant %v", len(got), len(exp), got, exp)
	}
	hb, err := laptops[0].st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for k, cs := range m.changes {
		hs := m.heads(k)
		c := first(cs)
		if c.Entity != handbook.EntityContact || c.Field == "deleted" {
			continue
		}
		for _, rec := range hb.Contacts {
			if rec.ID != c.ID {
				continue
			}
			data, _ := json.Marshal(rec)
			var fields map[string]json.RawMessage
			json.Unmarshal(data, &fields)
			v := fields[c.Field]
			if v == nil {
				v = json.RawMessage("null")
			}
			if string(v) != string(hs[0].Value) {
				t.Errorf("%s = %s, the simulation expects the greatest change %s (%s)", k, v, hs[0].Value, hlc.Timestamp(hs[0].HLC))
			}
		}
	}
	t.Logf("seed %d: %v, %d changes, %d open conflicts", seed, stats, len(m.changes), len(got))
	stats["open conflicts"] = len(got)
	return stats
}
