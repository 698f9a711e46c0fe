package foldersync

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

const (
	childEnv   = "ERNSTFALL_SYNC_CRASH_CHILD"
	childDB    = "ERNSTFALL_SYNC_CRASH_DB"
	childShare = "ERNSTFALL_SYNC_CRASH_FOLDER"
)

// TestCrashChild is the child process of TestCrashSafety: it edits and
// syncs in a loop until it is killed.
func TestCrashChild(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("runs only as the child of TestCrashSafety")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, os.Getenv(childDB), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	folder := os.Getenv(childShare)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for i := 0; ; i++ {
		if i == 0 || rng.IntN(3) == 0 {
			if _, err := runRound(ctx, st, Options{Folder: folder, DeviceName: "child"}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		list, err := store.List[handbook.Contact](ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 || rng.IntN(4) == 0 {
			c := handbook.Contact{Name: fmt.Sprintf("Kind %d", i), Email: "kind@example.com"}
			if err := store.Put(ctx, st, &c); err != nil {
				t.Fatal(err)
			}
			continue
		}
		c := list[rng.IntN(len(list))]
		c.PhoneMobile = fmt.Sprintf("+49 170 %d", rng.IntN(1000))
		c.Notes = fmt.Sprintf("Notiz %d", i)
		if err := store.Put(ctx, st, &c); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCrashSafety(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		t.Skip("child process")
	}
	ctx := context.Background()
	folder := t.TempDir()
	peer := openLaptop(t, t.TempDir(), time.Now)
	putContact(t, peer, &handbook.Contact{Name: "Peer", Email: "peer@example.com"})
	peer.sync(t, folder)
	db := filepath.Join(t.TempDir(), "hb.db")
	// The child's database asks to join, and the peer admits it.
	first, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := new(Engine).Run(ctx, first, Options{Folder: folder, Backups: -1}); err != nil || !rep.Pending {
		t.Fatalf("child's join request: %+v %v", rep, err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := peer.eng.Admit(ctx, peer.st, peer.opts(folder), "", true); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(42, 42))
	kills := []time.Duration{}
	for i := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnv+"=1", childDB+"="+db, childShare+"="+folder)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		d := time.Duration(150+rng.IntN(500)) * time.Millisecond
		kills = append(kills, d)
		time.Sleep(d)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("child %d ended on its own before the kill: %v\n%s", i, err, out.String())
		}
		// The peer keeps editing and syncing meanwhile.
		c := handbook.Contact{Name: fmt.Sprintf("Peer %d", i), Email: "peer@example.com"}
		putContact(t, peer, &c)
		peer.sync(t, folder)
		st, err := store.Open(ctx, db, store.Options{})
		if err != nil {
			t.Fatalf("open after kill %d: %v", i, err)
		}
		if err := st.IntegrityCheck(ctx); err != nil {
			t.Fatalf("after kill %d: %v", i, err)
		}
		st.Close()
	}
	child := openLaptop(t, filepath.Dir(db), time.Now)
	// Two rounds each: everything queued on either side arrives.
	for range 2 {
		child.sync(t, folder)
		peer.sync(t, folder)
	}
	if got, want := comparable(t, child), comparable(t, peer); got != want {
		t.Fatalf("child and peer differ after the crashes (kills after %v)", kills)
	}
	entries, _ := os.ReadDir(filepath.Join(folder, "ernstfall", "log", child.st.Device()))
	for _, e := range entries {
		if _, ok := seqOf(e.Name()); !ok {
			t.Errorf("left behind in the child's folder after a clean round: %s", e.Name())
		}
	}
	list, _ := store.List[handbook.Contact](ctx, child.st)
	if len(list) < 7 {
		t.Errorf("only %d contacts after the crashes, want the peer's 7 and the child's", len(list))
	}
	t.Logf("killed the child after %v; %d contacts converged", kills, len(list))
}
