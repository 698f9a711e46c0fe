package ops

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// movingClock starts an hour after the real time the demo was written at
// and moves on a millisecond at every reading.
type movingClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movingClock) read() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

func restoreOps(t *testing.T) (*Ops, *movingClock) {
	t.Helper()
	clock := &movingClock{now: time.Now().Add(time.Hour)}
	st := openStore(t, demoDB(t), clock.read)
	return New(st, Config{Now: clock.read}), clock
}

func TestRestoreOperation(t *testing.T) {
	ctx := context.Background()
	o, clock := restoreOps(t)
	point := clock.read()
	cs, err := store.List[handbook.Contact](ctx, o.Store())
	if err != nil || len(cs) < 2 {
		t.Fatalf("contacts: %v %d", err, len(cs))
	}
	if err := o.Delete(ctx, handbook.EntityContact, cs[0].ID); err != nil {
		t.Fatal(err)
	}
	after := cs[1]
	after.PhoneMobile = "+49 170 0000000"
	if err := Save(ctx, o, &cs[1], &after); err != nil {
		t.Fatal(err)
	}

	var stages []Status
	p := progressFunc(func(s Status) { stages = append(stages, s) })
	plan, err := o.PlanRestore(ctx, Restore{AsOf: point}, p)
	if err != nil {
		t.Fatal(err)
	}
	if ch, del, back := plan.Count(); ch != 1 || del != 0 || back != 1 {
		t.Fatalf("plan: %d changed, %d deleted, %d back; want 1, 0, 1", ch, del, back)
	}
	if _, err := os.Stat(o.Store().BackupDir()); !os.IsNotExist(err) {
		t.Errorf("planning wrote into the backup folder: %v", err)
	}

	stages = nil
	done, err := o.Restore(ctx, Restore{AsOf: point}, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(done.Records) != 2 {
		t.Errorf("restored %d records, want 2", len(done.Records))
	}
	info, err := store.InspectBackup(ctx, done.Saved)
	if err != nil || info.Reason != store.ReasonRestore || info.Counts[handbook.EntityContact] != len(cs)-1 {
		t.Errorf("backup before the restore: %v %+v", err, info)
	}
	want := []Stage{StageCompare, StageBackup, StageSave}
	var got []Stage
	for _, s := range stages {
		if len(got) == 0 || got[len(got)-1] != s.Stage {
			got = append(got, s.Stage)
		}
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("stages %v, want %v", got, want)
	}
	if last := stages[len(stages)-1]; last.Done != 2 || last.Total != 2 {
		t.Errorf("last progress %+v, want 2 of 2", last)
	}
	back, err := store.Get[handbook.Contact](ctx, o.Store(), cs[0].ID)
	if err != nil || back.Name != cs[0].Name {
		t.Errorf("deleted contact not back: %v", err)
	}
	c1, err := store.Get[handbook.Contact](ctx, o.Store(), cs[1].ID)
	if err != nil || c1.PhoneMobile != cs[1].PhoneMobile {
		t.Errorf("phone after restore: %v %q, want %q", err, c1.PhoneMobile, cs[1].PhoneMobile)
	}

	// Nothing left to change: no second backup.
	again, err := o.Restore(ctx, Restore{AsOf: point}, nil)
	if err != nil || len(again.Records) != 0 || again.Saved != "" {
		t.Errorf("a restore with nothing to change: %v %+v", err, again)
	}
	// Undo.
	if _, err := o.Restore(ctx, Restore{AsOf: done.Before}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get[handbook.Contact](ctx, o.Store(), cs[0].ID); err == nil {
		t.Error("undoing the restore did not delete the contact again")
	}
}

func TestRestoreRefusals(t *testing.T) {
	ctx := context.Background()
	o, clock := restoreOps(t)
	dir := t.TempDir()
	partial := filepath.Join(dir, "partial.db")
	if err := os.WriteFile(partial, []byte("SQLite format 3\x00 and then nothing"), 0o600); err != nil {
		t.Fatal(err)
	}
	other, err := store.Open(ctx, filepath.Join(dir, "other.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	otherBackup := filepath.Join(dir, "other-backup.db")
	if err := other.Backup(ctx, otherBackup); err != nil {
		t.Fatal(err)
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(dir, "export.json")
	if err := os.WriteFile(export, []byte("\ufeff  {\"format\": \"ernstfall-backup\"}"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		req  Restore
		code Code
	}{
		{"neither", Restore{}, CodeRestoreTarget},
		{"both", Restore{AsOf: clock.read(), Backup: partial}, CodeRestoreTarget},
		{"future", Restore{AsOf: clock.read().Add(time.Hour)}, CodeTimeInFuture},
		{"missing file", Restore{Backup: filepath.Join(dir, "none.db")}, CodeNoBackup},
		{"partial backup", Restore{Backup: partial}, CodeBadBackup},
		{"another handbook", Restore{Backup: otherBackup}, CodeOtherHandbookBackup},
		{"a JSON export", Restore{Backup: export}, CodeJSONBackup},
	}
	before, err := o.Store().History(ctx, store.HistoryQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, run := range []func() error{
				func() error { _, err := o.PlanRestore(ctx, tt.req, nil); return err },
				func() error { _, err := o.Restore(ctx, tt.req, nil); return err },
			} {
				e, ok := AsError(run())
				if !ok || e.Code != tt.code {
					t.Errorf("got %v, want %q", e, tt.code)
				}
			}
		})
	}
	after, err := o.Store().History(ctx, store.HistoryQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if after[0].Version != before[0].Version {
		t.Error("a refused restore wrote changes")
	}
}
