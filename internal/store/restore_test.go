package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

// testClock is a wall clock a test moves by hand; every reading moves it
// on a millisecond, as real edits take time.
type testClock struct {
	mu  sync.Mutex
	now time.Time
	// frozen stops the moving on: every change falls in one millisecond.
	frozen bool
}

func (c *testClock) read() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen {
		c.now = c.now.Add(time.Millisecond)
	}
	return c.now
}

func (c *testClock) wait(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

func openAt(t *testing.T, path string, c *testClock) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, Options{Now: c.read})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// liveState renders the live handbook without update times, which are
// each laptop's own note of when it last changed a record.
func liveState(t *testing.T, s *Store) string {
	t.Helper()
	hb, err := s.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	hb = hb.Live()
	var doc any
	raw, err := json.Marshal(hb)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	dropKey(doc, "updated_at")
	out, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func dropKey(v any, key string) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, key)
		for _, e := range x {
			dropKey(e, key)
		}
	case []any:
		for _, e := range x {
			dropKey(e, key)
		}
	}
}

// edits changes the sample handbook the ways a bad hour does: a field
// overwritten, a field emptied, a record deleted, one made, settings
// changed, an incident started with a log entry.
func edits(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	c1, err := Get[handbook.Contact](ctx, s, "c1")
	if err != nil {
		t.Fatal(err)
	}
	after := c1
	after.PhoneMobile = "+49 170 0000000"
	after.Team = ""
	if err := Edit(ctx, s, &c1, &after); err != nil {
		t.Fatal(err)
	}
	pbs, err := List[handbook.Playbook](ctx, s)
	if err != nil || len(pbs) == 0 {
		t.Fatalf("playbooks: %v %d", err, len(pbs))
	}
	if err := s.Delete(ctx, handbook.EntityPlaybook, pbs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := Put(ctx, s, &handbook.Contact{Name: "Mallory", Email: "m@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSettings(ctx, handbook.Settings{Organisation: "Falsch GmbH", DefaultCountry: "AT"}); err != nil {
		t.Fatal(err)
	}
	inc := handbook.Incident{Title: "Stromausfall", Severity: handbook.SeverityHigh, StartedAt: s.now(), AwareAt: s.now()}
	if err := Put(ctx, s, &inc); err != nil {
		t.Fatal(err)
	}
	if err := Put(ctx, s, &handbook.LogEntry{IncidentID: inc.ID, At: s.now(), Text: "Vorfall begonnen"}); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreAsOf(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)}
	s := openAt(t, filepath.Join(t.TempDir(), "hb.db"), clock)
	if _, err := s.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	clock.wait(time.Hour)
	point := clock.wait(time.Minute)
	want := liveState(t, s)
	clock.wait(time.Minute)
	edits(t, s)
	changed := liveState(t, s)

	plan, err := s.PlanRestore(ctx, RestoreTarget{AsOf: point})
	if err != nil {
		t.Fatal(err)
	}
	if got := liveState(t, s); got != changed {
		t.Fatal("planning a restore changed the handbook")
	}
	ch, del, back := plan.Count()
	if ch != 2 || del != 1 || back != 1 || plan.KeptIncidents != 1 || plan.KeptLogEntries != 1 {
		t.Errorf("plan: %d changed, %d deleted, %d back, kept %d incidents %d entries; want 2 (contact, settings), 1 (Mallory), 1 (playbook), 1, 1\n%+v",
			ch, del, back, plan.KeptIncidents, plan.KeptLogEntries, plan)
	}
	for _, r := range plan.Records {
		if r.Entity == handbook.EntityContact && r.ID == "c1" {
			got := map[string]string{}
			for _, f := range r.Fields {
				got[f.Field] = string(f.From) + " → " + string(f.To)
			}
			want := map[string]string{"phone_mobile": `"+49 170 0000000" → "+49 30 23125 412"`, "team": `null → "IT-Betrieb"`}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("contact c1 fields: %v, want %v", got, want)
			}
		}
	}

	unsent, err := s.Unsent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	done, err := s.Restore(ctx, RestoreTarget{AsOf: point}, func(d, total int) { steps = append(steps, d*100+total) })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(done.Records, plan.Records) {
		t.Errorf("restore did other than its preview:\n%+v\n%+v", done.Records, plan.Records)
	}
	if len(steps) != len(plan.Records) || steps[len(steps)-1] != len(plan.Records)*101 {
		t.Errorf("progress %v for %d records", steps, len(plan.Records))
	}
	// The handbook is as it was; the incident and its entry are kept.
	if got := withoutIncidents(t, liveState(t, s)); got != withoutIncidents(t, want) {
		t.Errorf("after restore the handbook differs from the point:\n%s\nwant\n%s", got, withoutIncidents(t, want))
	}
	hb := sample()
	incs, err := List[handbook.Incident](ctx, s)
	if err != nil || len(incs) != len(hb.Incidents)+1 {
		t.Errorf("incidents after restore: %v %d, want %d", err, len(incs), len(hb.Incidents)+1)
	}
	entries, err := List[handbook.LogEntry](ctx, s)
	if err != nil || len(entries) != len(hb.LogEntries)+1 {
		t.Errorf("log entries after restore: %v %d, want %d", err, len(entries), len(hb.LogEntries)+1)
	}
	// Written as new edits that sync.
	after, err := s.Unsent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) <= len(unsent) {
		t.Errorf("the restore queued no changes for sync (%d before, %d after)", len(unsent), len(after))
	}
	// Nothing is left to restore.
	again, err := s.PlanRestore(ctx, RestoreTarget{AsOf: point})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Records) != 0 {
		t.Errorf("a second restore would still change %+v", again.Records)
	}
}

func TestRestoreOfRestoreUndoesIt(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)}
	s := openAt(t, filepath.Join(t.TempDir(), "hb.db"), clock)
	if _, err := s.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	point := clock.wait(time.Minute)
	clock.wait(time.Minute)
	// The edits and the restore fall in one millisecond.
	clock.frozen = true
	edits(t, s)
	changed := liveState(t, s)
	done, err := s.Restore(ctx, RestoreTarget{AsOf: point}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if liveState(t, s) == changed {
		t.Fatal("the restore changed nothing")
	}
	clock.frozen = false
	clock.wait(time.Minute)
	if _, err := s.Restore(ctx, RestoreTarget{AsOf: done.Before}, nil); err != nil {
		t.Fatal(err)
	}
	if got := liveState(t, s); got != changed {
		t.Errorf("restoring to before the restore did not undo it:\n%s\nwant\n%s", got, changed)
	}
}

func TestRestoreFromBackup(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	s := openAt(t, filepath.Join(dir, "hb.db"), clock)
	if _, err := s.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	path, err := s.AutoBackup(ctx, ReasonSync, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := liveState(t, s)
	clock.wait(time.Minute)
	edits(t, s)
	changed := liveState(t, s)

	t.Run("a partial backup is refused and changes nothing", func(t *testing.T) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "partial.db")
		if err := os.WriteFile(p, data[:len(data)/2], 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Restore(ctx, RestoreTarget{Backup: p}, nil); !errors.Is(err, ErrBadBackup) {
			t.Errorf("restore from a partial backup: %v, want ErrBadBackup", err)
		}
		if liveState(t, s) != changed {
			t.Error("a refused restore changed the handbook")
		}
	})
	t.Run("a backup of another handbook is refused", func(t *testing.T) {
		other := openAt(t, filepath.Join(t.TempDir(), "other.db"), clock)
		if _, err := other.Import(ctx, sample()); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "other-backup.db")
		if err := other.Backup(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Restore(ctx, RestoreTarget{Backup: p}, nil); !errors.Is(err, ErrOtherHandbookBackup) {
			t.Errorf("restore from another handbook: %v, want ErrOtherHandbookBackup", err)
		}
	})
	plan, err := s.Restore(ctx, RestoreTarget{Backup: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.KeptIncidents != 1 || plan.KeptLogEntries != 1 {
		t.Errorf("kept %d incidents, %d entries; want 1, 1", plan.KeptIncidents, plan.KeptLogEntries)
	}
	if got := withoutIncidents(t, liveState(t, s)); got != withoutIncidents(t, want) {
		t.Errorf("after restoring the backup:\n%s\nwant\n%s", got, withoutIncidents(t, want))
	}
}

// withoutIncidents drops the incidents and their log from a rendered
// handbook: a restore leaves them alone.
func withoutIncidents(t *testing.T, state string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(state), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "incidents")
	delete(m, "log_entries")
	out, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestStateNowIsTheHandbook checks the rule a restore relies on: the state
// decided from every change known equals the handbook as stored, on every
// laptop, after random concurrent edits, deletions and syncs.
func TestStateNowIsTheHandbook(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)}
	net := newLaptops(t)
	var ls []*Store
	for i := range 3 {
		ls = append(ls, openAt(t, filepath.Join(t.TempDir(), fmt.Sprintf("l%d.db", i)), clock))
	}
	if _, err := ls[0].Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	net.ship(ls[0], ls[1], ls[2])
	rng := rand.New(rand.NewPCG(3, 4))
	var points []time.Time
	var states [][]string
	for round := range 30 {
		s := ls[rng.IntN(len(ls))]
		cs, err := List[handbook.Contact](ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		switch op := rng.IntN(5); {
		case op == 0 || len(cs) == 0:
			if err := Put(ctx, s, &handbook.Contact{Name: fmt.Sprintf("Neu %d", round), Email: "n@example.com"}); err != nil {
				t.Fatal(err)
			}
		case op == 1:
			if err := s.Delete(ctx, handbook.EntityContact, cs[rng.IntN(len(cs))].ID); err != nil {
				t.Fatal(err)
			}
		default:
			c := cs[rng.IntN(len(cs))]
			after := c
			after.PhoneMobile = fmt.Sprintf("+49 170 %d", rng.IntN(1000))
			after.Notes = fmt.Sprintf("Runde %d", round)
			if err := Edit(ctx, s, &c, &after); err != nil {
				t.Fatal(err)
			}
		}
		if rng.IntN(3) == 0 {
			from := ls[rng.IntN(len(ls))]
			net.ship(from, ls...)
		}
		clock.wait(time.Second)
	}
	for _, s := range ls {
		net.ship(s, ls...)
	}
	points = append(points, clock.wait(time.Second))
	for _, s := range ls {
		states = append(states, []string{liveState(t, s)})
		plan, err := s.PlanRestore(ctx, RestoreTarget{AsOf: points[0]})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Records) != 0 {
			t.Errorf("laptop %s: the state decided now differs from the handbook: %+v", s.Device(), plan.Records)
		}
	}
	for i := 1; i < len(states); i++ {
		if states[i][0] != states[0][0] {
			t.Fatalf("laptops differ after the last exchange")
		}
	}
}

// TestRestoreIncidentsAndConflicts: a log entry changed by a forged batch
// is put back, an incident deleted since comes back as it is now, and an
// open conflict stays open.
func TestRestoreIncidentsAndConflicts(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)}
	a := openAt(t, filepath.Join(t.TempDir(), "a.db"), clock)
	b := openAt(t, filepath.Join(t.TempDir(), "b.db"), clock)
	net := newLaptops(t)
	if _, err := a.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	net.ship(a, b)
	point := clock.wait(time.Minute)
	clock.wait(time.Minute)

	// The incident is closed, then deleted by mistake.
	inc, err := Get[handbook.Incident](ctx, a, "i1")
	if err != nil {
		t.Fatal(err)
	}
	closed := inc
	closed.ClosedAt = clock.wait(time.Minute)
	closed.Summary = "Übung beendet"
	if err := Edit(ctx, a, &inc, &closed); err != nil {
		t.Fatal(err)
	}
	if err := a.Delete(ctx, handbook.EntityIncident, "i1"); err != nil {
		t.Fatal(err)
	}
	// A forged batch rewrites and deletes a log entry.
	now := clock.wait(time.Second)
	forged := []Change{
		{Entity: handbook.EntityLogEntry, ID: "l1", Field: "text", Value: json.RawMessage(`"nichts passiert"`), HLC: cutoff(now), Device: "forger"},
		{Entity: handbook.EntityLogEntry, ID: "l1", Field: "deleted", Value: json.RawMessage(`true`), HLC: cutoff(now) + 1, Device: "forger"},
	}
	if _, err := a.ApplyRemote(ctx, []Batch{{Device: "forger", Seq: 1, Changes: forged}}); err != nil {
		t.Fatal(err)
	}
	// Both laptops change a phone while apart: a conflict.
	c1, err := Get[handbook.Contact](ctx, a, "c1")
	if err != nil {
		t.Fatal(err)
	}
	onA, onB := c1, c1
	onA.PhoneMobile = "+49 170 1"
	onB.PhoneMobile = "+49 170 2"
	if err := Edit(ctx, a, &c1, &onA); err != nil {
		t.Fatal(err)
	}
	if err := Edit(ctx, b, &c1, &onB); err != nil {
		t.Fatal(err)
	}
	net.ship(b, a)
	before, err := a.Conflicts(ctx)
	if err != nil || len(before) != 1 {
		t.Fatalf("conflicts before: %v %+v", err, before)
	}

	plan, err := a.Restore(ctx, RestoreTarget{AsOf: point}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Get[handbook.Incident](ctx, a, "i1")
	if err != nil {
		t.Fatalf("incident not back: %v", err)
	}
	if got.Summary != "Übung beendet" || got.ClosedAt.IsZero() {
		t.Errorf("incident back as %+v; want it as it is now (closed)", got)
	}
	le, err := Get[handbook.LogEntry](ctx, a, "l1")
	if err != nil || le.Text != "Server isoliert" {
		t.Errorf("log entry after restore: %v %+v, want it as it was", err, le)
	}
	c, err := Get[handbook.Contact](ctx, a, "c1")
	if err != nil || c.PhoneMobile != "+49 30 23125 412" {
		t.Errorf("contact after restore: %v %q", err, c.PhoneMobile)
	}
	after, err := a.Conflicts(ctx)
	if err != nil || len(after) != 1 || string(after[0].Current.Value) != `"+49 30 23125 412"` {
		t.Errorf("conflicts after restore: %v %+v; want the one open, against the restored value", err, after)
	}
	if len(plan.Records) != 3 {
		t.Errorf("plan: %+v", plan.Records)
	}
	// The other laptop ends the same after receiving the restore.
	net.ship(a, b)
	if liveState(t, a) != liveState(t, b) {
		t.Error("the other laptop differs after receiving the restore")
	}
	cb, err := b.Conflicts(ctx)
	if err != nil || len(cb) != 1 || string(cb[0].Current.Value) != `"+49 30 23125 412"` {
		t.Errorf("conflicts on the other laptop: %v %+v", err, cb)
	}
}

// A restore of one record sets back that record only.
func TestRestoreOneRecord(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{now: time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)}
	s := openAt(t, filepath.Join(t.TempDir(), "hb.db"), clock)
	if _, err := s.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	point := clock.wait(time.Minute)
	clock.wait(time.Minute)
	edits(t, s)
	before := liveState(t, s)
	plan, err := s.Restore(ctx, RestoreTarget{AsOf: point, Entity: handbook.EntityContact, ID: "c1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Records) != 1 || plan.Records[0].ID != "c1" || plan.KeptIncidents+plan.KeptLogEntries != 0 {
		t.Fatalf("plan: %+v", plan)
	}
	c, err := Get[handbook.Contact](ctx, s, "c1")
	if err != nil || c.PhoneMobile != "+49 30 23125 412" || c.Team != "IT-Betrieb" {
		t.Errorf("contact after restore: %v %+v", err, c)
	}
	// Everything else is as it was before the restore.
	after := liveState(t, s)
	var b, a map[string]any
	if err := json.Unmarshal([]byte(before), &b); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(after), &a); err != nil {
		t.Fatal(err)
	}
	for k := range b {
		if k == "contacts" {
			continue
		}
		if !reflect.DeepEqual(a[k], b[k]) {
			t.Errorf("%s changed by a restore of one contact", k)
		}
	}
	cs, err := List[handbook.Contact](ctx, s)
	if err != nil || len(cs) != 3 {
		t.Errorf("contacts: %v %d, want Mallory still there", err, len(cs))
	}
}
