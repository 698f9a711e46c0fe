package ops

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ernstfall/internal/foldersync"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestSyncAndTeam runs the rounds and team changes two laptops make
// through a real shared folder: the first founds the team, the second asks
// to join, is admitted and receives the handbook.
func TestSyncAndTeam(t *testing.T) {
	ctx := context.Background()
	folder := t.TempDir()
	a := demoOps(t)
	b := New(openStore(t, filepath.Join(t.TempDir(), "b.db"), time.Now), Config{Now: func() time.Time { return t0 }})

	if _, err := a.Team(ctx, ""); codeOf(err) != CodeNoFolder {
		t.Fatalf("team before any round: %v, want %q", err, CodeNoFolder)
	}
	if last, err := a.LastSync(ctx); err != nil || !last.IsZero() {
		t.Fatalf("last sync before any round: %v, %v", last, err)
	}
	res, err := a.Sync(ctx, Sync{Folder: folder, DeviceName: "Laptop A", Snapshot: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent == 0 || res.SnapshotFile == "" {
		t.Errorf("first round: sent %d, snapshot %q; want the handbook sent and a snapshot", res.Sent, res.SnapshotFile)
	}
	if _, err := os.Stat(filepath.Join(folder, res.SnapshotFile)); err != nil {
		t.Errorf("snapshot: %v", err)
	}
	if last, err := a.LastSync(ctx); err != nil || !last.Equal(res.At.Truncate(time.Second)) {
		t.Errorf("last sync %v (%v), want %v", last, err, res.At)
	}

	res, err = b.Sync(ctx, Sync{Folder: folder, DeviceName: "Laptop B"}, nil)
	if err != nil || !res.Pending {
		t.Fatalf("second laptop's first round: pending %v, %v", res.Pending, err)
	}
	team, err := a.Team(ctx, "") // the folder of the last round
	if err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, d := range team.Devices {
		if d.Status == foldersync.StatusPending {
			pending++
		}
	}
	if pending != 1 {
		t.Fatalf("team %+v; want one laptop asking to join", team.Devices)
	}
	admitted, err := a.Admit(ctx, TeamChange{All: true})
	if err != nil || len(admitted) != 1 || admitted[0].Name != "Laptop B" {
		t.Fatalf("admit: %+v, %v", admitted, err)
	}
	if _, err := a.Sync(ctx, Sync{Folder: folder}, nil); err != nil {
		t.Fatal(err)
	}

	var seen []store.Notice
	b.Store().Subscribe(func(n []store.Notice) { seen = append(seen, n...) })
	res, err = b.Sync(ctx, Sync{Folder: folder}, nil)
	if err != nil || res.Pending || res.Received == 0 {
		t.Fatalf("admitted laptop's round: %+v, %v", res.Report, err)
	}
	if n := count[handbook.Playbook](t, b); n != 7 {
		t.Errorf("%d playbooks on the second laptop, want the demo's 7", n)
	}
	if !touchesEntity(seen, handbook.EntityPlaybook) {
		t.Errorf("no notice of the playbooks the round applied (%d notices)", len(seen))
	}
}

func touchesEntity(n []store.Notice, e handbook.Entity) bool {
	for _, x := range n {
		if x.Entity == e {
			return true
		}
	}
	return false
}

// The team's settings of the shared folder decide when a laptop is
// inactive, on every laptop; a member retires an inactive laptop, which
// then is removed from the team and can no longer sync.
func TestInactiveSettingAndRetiring(t *testing.T) {
	ctx := context.Background()
	folder := t.TempDir()
	clock := t0
	now := func() time.Time { return clock }
	a := New(openStore(t, demoDB(t), now), Config{Now: now})
	b := New(openStore(t, filepath.Join(t.TempDir(), "b.db"), now), Config{Now: now})
	sync := func(o *Ops) foldersync.Report {
		t.Helper()
		res, err := o.Sync(ctx, Sync{Folder: folder}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.Report
	}
	if _, err := a.Sync(ctx, Sync{Folder: folder, DeviceName: "Laptop A"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sync(ctx, Sync{Folder: folder, DeviceName: "Laptop B"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Admit(ctx, TeamChange{All: true}); err != nil {
		t.Fatal(err)
	}
	sync(a)
	sync(b)
	sync(a) // A sees B's device file
	inactive := func(o *Ops, name string) bool {
		t.Helper()
		team, err := o.Team(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range team.Devices {
			if d.Name == name {
				return d.Inactive
			}
		}
		t.Fatalf("no laptop %q in %+v", name, team.Devices)
		return false
	}
	// Laptop B is away for 20 days: within the default 90, so active.
	clock = clock.Add(20 * 24 * time.Hour)
	sync(a)
	if inactive(a, "Laptop B") {
		t.Fatal("Laptop B is inactive after 20 days with the default of 90")
	}
	// The team sets 14 days; laptop A says so at once.
	st, err := a.Store().Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.SyncInactiveDays, st.SyncCompactAfter = 14, 500
	if err := a.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	st.SyncInactiveDays = 3
	if err := a.SaveSettings(ctx, st); err == nil {
		t.Fatal("an inactive period of 3 days was saved")
	}
	sync(a)
	if !inactive(a, "Laptop B") {
		t.Fatal("Laptop B is not inactive after 20 days with a setting of 14")
	}
	// B comes back: it learns the setting, and is active again.
	sync(b)
	sync(a)
	if inactive(a, "Laptop B") {
		t.Fatal("Laptop B is still inactive after it synced")
	}
	got, err := b.Store().Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.SyncInactiveDays != 14 || got.SyncCompactAfter != 500 {
		t.Fatalf("laptop B's settings: %d days, %d files", got.SyncInactiveDays, got.SyncCompactAfter)
	}
	// Away again past the setting, A retires it.
	clock = clock.Add(15 * 24 * time.Hour)
	sync(a)
	if !inactive(a, "Laptop B") {
		t.Fatal("Laptop B is not inactive")
	}
	d, err := a.RemoveDevice(ctx, TeamChange{Who: "Laptop B"})
	if err != nil || d.Name != "Laptop B" {
		t.Fatalf("retire: %+v, %v", d, err)
	}
	sync(a)
	team, err := a.Team(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range team.Devices {
		if d.Name == "Laptop B" && d.Status != foldersync.StatusRemoved {
			t.Fatalf("Laptop B after retiring: %+v", d)
		}
	}
	if _, err := b.Sync(ctx, Sync{Folder: folder}, nil); !errors.Is(err, foldersync.ErrRemoved) {
		t.Fatalf("the retired laptop's round: %v, want it told it was removed", err)
	}
}
