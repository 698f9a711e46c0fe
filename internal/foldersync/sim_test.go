package foldersync

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
	"ernstfall/internal/store"
)

var (
	simRounds = flag.Int("sync.rounds", 120, "operations per simulated run of the multi-laptop property test")
	simSeed   = flag.Uint64("sync.seed", 0, "first seed of the multi-laptop property test (0: the fixed CI seeds)")
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

func TestMultiLaptopProperty(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if *simSeed != 0 {
		seeds = []uint64{*simSeed, *simSeed + 1, *simSeed + 2}
	}
	for i, seed := range seeds {
		devices := 3 + i%3
		t.Run(fmt.Sprintf("seed %d, %d laptops", seed, devices), func(t *testing.T) {
			simulate(t, seed, devices, *simRounds)
		})
	}
}

var simValues = []string{"eins", "zwei", "drei", "vier"}

func simulate(t *testing.T, seed uint64, n, rounds int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, seed*7919))
	clk := newFakeClock()
	folder := t.TempDir()
	m := &model{changes: map[string]map[store.Version]store.Change{}}
	laptops := make([]*laptop, n)
	for i := range laptops {
		// One laptop runs hours ahead, one hours behind.
		skew := time.Duration(0)
		switch i {
		case 1:
			skew = 3 * time.Hour
		case 2:
			skew = -2 * time.Hour
		}
		laptops[i] = openLaptop(t, t.TempDir(), clk.reader(skew))
	}
	laptops[0].sync(t, folder)
	join(t, folder, laptops[0], laptops[1:]...)
	syncOne := func(l *laptop) {
		un, err := l.st.Unsent(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m.add(un)
		l.sync(t, folder)
	}
	shared := handbook.Contact{Record: handbook.Record{ID: "0190aaaa-0000-7000-8000-000000000001", CreatedAt: t0, UpdatedAt: t0},
		Name: "Leitstelle", PhoneOffice: "+49 30 112"}
	stats := map[string]int{}
	for range rounds {
		l := laptops[rng.IntN(n)]
		live, err := store.List[handbook.Contact](ctx, l.st)
		if err != nil {
			t.Fatal(err)
		}
		op := rng.IntN(100)
		switch {
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
		default:
			stats["sync"]++
			syncOne(l)
		}
	}
	// Everyone meets the folder until nothing new arrives.
	for range 2 {
		for _, i := range rng.Perm(n) {
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
	if stats["sync"] == 0 || stats["edit"] == 0 || stats["resolve"]+len(got) == 0 {
		t.Errorf("simulation too short to mean anything: %v", stats)
	}
}
