package ops

import (
	"context"
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
