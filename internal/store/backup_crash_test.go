package store

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ernstfall/internal/fixture"
)

const (
	backupChildEnv = "ERNSTFALL_BACKUP_CRASH_CHILD"
	backupChildDB  = "ERNSTFALL_BACKUP_CRASH_DB"
)

// TestBackupCrashChild is the child process of TestBackupKilledMidWrite:
// it writes the automatic backup a sync writes, over and over, until it is
// killed.
func TestBackupCrashChild(t *testing.T) {
	if os.Getenv(backupChildEnv) != "1" {
		t.Skip("runs only as the child of TestBackupKilledMidWrite")
	}
	ctx := context.Background()
	st, err := Open(ctx, os.Getenv(backupChildDB), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := st.AutoBackup(ctx, ReasonSync, 5); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBackupKilledMidWrite kills a real process while it writes backups.
// No backup it leaves under a backup's name may be partial, a partial one
// never counts toward the five kept, and the next backup cleans up what
// the killed one left.
func TestBackupKilledMidWrite(t *testing.T) {
	if os.Getenv(backupChildEnv) == "1" {
		t.Skip("child process")
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "hb.db")
	st, err := Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hb := fixture.Generate(7, fixture.Size{Contacts: 1500, Playbooks: 120, Services: 60})
	if _, err := st.Import(ctx, hb); err != nil {
		t.Fatal(err)
	}
	want, err := st.recordCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(filepath.Dir(db), "backups")
	rng := rand.New(rand.NewPCG(11, 7))
	for i := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBackupCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), backupChildEnv+"=1", backupChildDB+"="+db)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the child is writing, then kill it at a random moment.
		deadline := time.Now().Add(30 * time.Second)
		for !anyFile(dir) && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("child %d ended on its own before the kill: %v\n%s", i, err, out.String())
		}
		// Every file under a backup's name is a whole backup of the handbook.
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if _, _, ok := parseBackupName(e.Name()); !ok {
				continue
			}
			info, err := InspectBackup(ctx, filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatalf("after kill %d: %s is not a usable backup: %v", i, e.Name(), err)
			}
			if info.Records+info.Deleted != want {
				t.Fatalf("after kill %d: %s holds %d records, want %d", i, e.Name(), info.Records+info.Deleted, want)
			}
		}
	}
	// Leftovers of the killed writers are cleaned up by the next backup
	// once they are clearly abandoned.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	leftovers, whole := 0, 0
	for _, e := range entries {
		if _, _, ok := parseBackupName(e.Name()); ok {
			whole++
		} else {
			leftovers++
			if err := os.Chtimes(filepath.Join(dir, e.Name()), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if leftovers == 0 {
		t.Fatal("no kill caught a backup being written; the test proves nothing")
	}
	st, err = Open(ctx, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.AutoBackup(ctx, ReasonSync, 5); err != nil {
		t.Fatal(err)
	}
	entries, err = os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, _, ok := parseBackupName(e.Name()); !ok {
			t.Errorf("left behind after a clean backup: %s", e.Name())
		}
	}
	list, err := st.Backups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := min(whole+1, 5); len(list) != want {
		t.Errorf("%d backups kept, want the newest %d (all written today)", len(list), want)
	}
	for _, b := range list {
		if b.Problem != "" || b.Records+b.Deleted != want {
			t.Errorf("kept %s: %d records, problem %q", filepath.Base(b.Path), b.Records+b.Deleted, b.Problem)
		}
	}
	t.Logf("%d files left by killed writers were cleaned up", leftovers)
}

func anyFile(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}
