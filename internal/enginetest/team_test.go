package enginetest

import (
	"context"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/foldersync"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// laptop is one laptop of the crisis team: its own database, the
// operations the window and the command line call, and the copy of the
// shared folder its side's Syncthing serves.
type laptop struct {
	name   string
	folder string
	st     *store.Store
	ops    *ops.Ops
}

func newLaptop(t *testing.T, name, folder string) *laptop {
	t.Helper()
	return newLaptopAt(t, name, folder, nil)
}

// newLaptopAt is newLaptop with a clock of the test's (nil: the wall
// clock), for stories that span weeks.
func newLaptopAt(t *testing.T, name, folder string, now func() time.Time) *laptop {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "handbook.db"), store.Options{Now: now})
	if err != nil {
		t.Fatalf("%s: open store: %v", name, err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("%s: close store: %v", name, err)
		}
	})
	o := ops.New(st, ops.Config{Program: "Ernstfall test", Now: now})
	o.SetAuthor(name)
	return &laptop{name: name, folder: folder, st: st, ops: o}
}

// sync runs one round, as the sync button does, and fails the test on an
// error or on any file the round had to pass over: with a file-sync engine
// that writes whole files, there must be none.
func (l *laptop) sync(t *testing.T) foldersync.Report {
	t.Helper()
	res := l.syncInFlight(t)
	if len(res.Gaps) > 0 {
		t.Errorf("%s: sync reports missing batches: %+v", l.name, res.Gaps)
	}
	return res
}

// syncInFlight runs one round while the engine may still be carrying
// files. A laptop's device file can then arrive before the batch it
// names, so a missing batch is allowed here (the laptop says so and
// applies it on a later round); errors and passed-over files are not.
func (l *laptop) syncInFlight(t *testing.T) foldersync.Report {
	t.Helper()
	res, err := l.ops.Sync(context.Background(), ops.Sync{Folder: l.folder, DeviceName: l.name, Author: l.name}, nil)
	if err != nil {
		t.Fatalf("%s: sync: %v", l.name, err)
	}
	for _, s := range res.Skipped {
		t.Errorf("%s: sync passed over %s", l.name, s)
	}
	return res.Report
}

// state renders what must agree on every laptop: the whole handbook
// without update times, and the open conflicts.
func (l *laptop) state(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	hb, err := l.st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(hb)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	dropKey(doc, "updated_at")
	cs, err := l.st.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		cs[i].Current.Mine, cs[i].Other.Mine = false, false
	}
	out, err := json.MarshalIndent(struct {
		Handbook  any
		Conflicts []store.Conflict
	}{doc, cs}, "", " ")
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

// converge syncs every laptop, lets Syncthing carry the files across,
// and again, until all laptops hold the same handbook; it fails when
// three passes are not enough.
func converge(t *testing.T, p *pair, laptops ...*laptop) {
	t.Helper()
	// A round on one side may run while the engine still carries what
	// the other side wrote in this pass, so only the rounds after the
	// laptops agree must find nothing missing.
	defer func() {
		if t.Failed() {
			return
		}
		p.settle(t)
		for _, l := range laptops {
			l.sync(t)
		}
		// What those rounds wrote (device files, and the temporaries
		// they were written through) reaches the other side too.
		p.settle(t)
	}()
	for pass := 0; pass < 3; pass++ {
		for _, l := range laptops {
			l.syncInFlight(t)
		}
		p.settle(t)
		same := true
		first := laptops[0].state(t)
		for _, l := range laptops[1:] {
			if l.state(t) != first {
				same = false
			}
		}
		if same && pass > 0 {
			return
		}
	}
	for _, l := range laptops[1:] {
		if got, want := l.state(t), laptops[0].state(t); got != want {
			t.Fatalf("%s and %s differ after three passes:\n%s", l.name, laptops[0].name, firstDifference(got, want))
		}
	}
}

func firstDifference(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "line " + la[i] + "\n  vs " + lb[i]
		}
	}
	return "lengths differ"
}

// TestTeamThroughSyncthing runs a crisis team of three laptops through two
// Syncthing instances on loopback: two laptops on side A, one on side B.
// They set up the team and admit each other, edit the same contact while
// apart, tick steps of one running incident on all three, and resolve the
// conflict; Syncthing carries the files in its own order and time. Every
// laptop ends with the same handbook, no edit is lost, and the two edits
// of one field are one conflict, shown on every laptop.
func TestTeamThroughSyncthing(t *testing.T) {
	bin := syncthingBinary(t)
	ctx := context.Background()
	sideA, sideB := t.TempDir(), t.TempDir()
	p := startPair(t, bin, sideA, sideB)

	lead := newLaptop(t, "Laptop Krisenstab", sideA)
	it := newLaptop(t, "Laptop IT-Lead", sideA)
	comms := newLaptop(t, "Laptop Kommunikation", sideB)
	if err := lead.ops.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}

	// The team: the laptop holding the handbook founds it, the two
	// others ask to join from either side and are admitted.
	lead.sync(t)
	p.settle(t)
	for _, l := range []*laptop{it, comms} {
		if rep := l.sync(t); !rep.Pending {
			t.Fatalf("%s does not wait for admission: %+v", l.name, rep)
		}
	}
	p.settle(t)
	team, err := lead.ops.Team(ctx, lead.folder)
	if err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, d := range team.Devices {
		if d.Status == foldersync.StatusPending {
			pending++
		}
	}
	if pending != 2 {
		t.Fatalf("the founder sees %d join requests, want 2: %+v", pending, team.Devices)
	}
	admitted, err := lead.ops.Admit(ctx, ops.TeamChange{Folder: lead.folder, All: true})
	if err != nil || len(admitted) != 2 {
		t.Fatalf("admit both: %v, %+v", err, admitted)
	}
	p.settle(t)
	for _, l := range []*laptop{it, comms} {
		if rep := l.sync(t); !rep.Joined {
			t.Fatalf("%s did not join: %+v", l.name, rep)
		}
	}
	converge(t, p, lead, it, comms)
	contacts, err := store.List[handbook.Contact](ctx, comms.st)
	if err != nil || len(contacts) == 0 {
		t.Fatalf("the laptop on side B holds no contacts after joining: %v", err)
	}

	// Apart: the same field of one contact on both sides, another field
	// of it, and an incident started.
	target := contacts[0]
	edit := func(l *laptop, change func(c *handbook.Contact)) {
		t.Helper()
		before, err := store.Get[handbook.Contact](ctx, l.st, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		after := before
		change(&after)
		if err := store.Edit(ctx, l.st, &before, &after); err != nil {
			t.Fatalf("%s: edit: %v", l.name, err)
		}
	}
	edit(lead, func(c *handbook.Contact) { c.PhoneMobile = "+49 171 1111111" })
	edit(comms, func(c *handbook.Contact) { c.PhoneMobile = "+49 171 3333333" })
	edit(it, func(c *handbook.Contact) { c.Email = "neu@example.com" })
	inc, err := lead.ops.StartIncident(ctx, ops.StartIncident{Playbook: "Ransomware-Angriff", By: lead.name})
	if err != nil {
		t.Fatal(err)
	}
	converge(t, p, lead, it, comms)

	// One running incident: steps ticked on all three laptops, the first
	// step on two of them at once, and a note.
	steps := handbook.Checklist(inc, nil)
	if len(steps) < 3 {
		t.Fatalf("the incident has %d steps", len(steps))
	}
	tick := func(l *laptop, s handbook.ChecklistItem) {
		t.Helper()
		if _, err := l.ops.Log(ctx, handbook.LogEntry{IncidentID: inc.ID, Kind: handbook.LogStep, StepKey: s.Key, Text: s.Text, Author: l.name}); err != nil {
			t.Fatalf("%s: tick %q: %v", l.name, s.Text, err)
		}
	}
	tick(it, steps[0])
	tick(comms, steps[0])
	tick(comms, steps[1])
	tick(lead, steps[2])
	if _, err := lead.ops.Log(ctx, handbook.LogEntry{IncidentID: inc.ID, Kind: handbook.LogNote, Text: "Backups geprüft", Author: lead.name}); err != nil {
		t.Fatal(err)
	}
	// Rounds while Syncthing is still carrying files: each laptop applies
	// whatever has arrived by then.
	comms.syncInFlight(t)
	it.syncInFlight(t)
	lead.syncInFlight(t)
	comms.syncInFlight(t)
	converge(t, p, lead, it, comms)

	for _, l := range []*laptop{lead, it, comms} {
		got, err := store.Get[handbook.Contact](ctx, l.st, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "neu@example.com" {
			t.Errorf("%s lost the e-mail edited on side A: %q", l.name, got.Email)
		}
		cs, err := l.st.Conflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].ID != target.ID || cs[0].Field != "phone_mobile" {
			t.Fatalf("%s: want one conflict on the contact's mobile number, got %+v", l.name, cs)
		}
		both := map[string]bool{string(cs[0].Current.Value): true, string(cs[0].Other.Value): true}
		if !both[`"+49 171 1111111"`] || !both[`"+49 171 3333333"`] {
			t.Errorf("%s: the conflict does not hold both numbers: %s / %s", l.name, cs[0].Current.Value, cs[0].Other.Value)
		}
		log, err := store.List[handbook.LogEntry](ctx, l.st)
		if err != nil {
			t.Fatal(err)
		}
		var mine []handbook.LogEntry
		ticks, notes := 0, 0
		for _, e := range log {
			if e.IncidentID != inc.ID {
				continue
			}
			mine = append(mine, e)
			switch e.Kind {
			case handbook.LogStep:
				ticks++
			case handbook.LogNote:
				notes++
			}
		}
		if ticks != 4 || notes != 1 {
			t.Errorf("%s: the incident log holds %d ticks and %d notes, want 4 and 1", l.name, ticks, notes)
		}
		for i, item := range handbook.Checklist(inc, mine)[:3] {
			if !item.Done {
				t.Errorf("%s: step %d (%q) is not ticked", l.name, i+1, item.Text)
			}
		}
	}

	// The conflict is resolved on the laptop that made neither edit.
	cs, err := it.st.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := it.ops.ResolveConflict(ctx, cs[0], store.UseMerged, json.RawMessage(`"+49 171 1111111 / +49 171 3333333"`)); err != nil {
		t.Fatal(err)
	}
	converge(t, p, lead, it, comms)
	for _, l := range []*laptop{lead, it, comms} {
		got, err := store.Get[handbook.Contact](ctx, l.st, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := l.st.Conflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.PhoneMobile != "+49 171 1111111 / +49 171 3333333" || len(cs) != 0 {
			t.Errorf("%s after the resolution: mobile %q, %d conflicts", l.name, got.PhoneMobile, len(cs))
		}
	}

	// No two laptops ever wrote the same file: Syncthing made no
	// conflict copy, and no temp file was left behind.
	for _, side := range []string{sideA, sideB} {
		err := filepath.WalkDir(filepath.Join(side, "ernstfall"), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if strings.Contains(name, ".sync-conflict-") || strings.HasSuffix(name, ".tmp") {
				t.Errorf("left in the folder: %s", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
