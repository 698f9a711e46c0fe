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

const childMarks = "ERNSTFALL_COMPACT_CRASH_MARKS"

// TestCompactChild is the child process of TestCompactionKilled: one
// round that compacts, slowed down so that the parent can kill it while
// it writes the checkpoint or while it removes batches. It leaves a mark
// file at each step for the parent to wait on.
func TestCompactChild(t *testing.T) {
	if os.Getenv(childEnv) != "2" {
		t.Skip("runs only as the child of TestCompactionKilled")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, os.Getenv(childDB), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	marks := os.Getenv(childMarks)
	mark := func(name string) {
		if err := os.WriteFile(filepath.Join(marks, name), nil, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	opt := Options{Folder: os.Getenv(childShare), DeviceName: "child", Backups: -1, CompactAfter: 1,
		beforeWrite: func(p string) error {
			if strings.Contains(p, dirCheckpoints) {
				mark("checkpoint")
				time.Sleep(30 * time.Millisecond)
			}
			return nil
		},
		afterRemove: func(string) {
			mark("removing")
			time.Sleep(3 * time.Millisecond)
		},
	}
	if _, err := new(Engine).Run(ctx, st, opt); err != nil {
		t.Fatal(err)
	}
	mark("done")
	time.Sleep(time.Hour)
}

// A real process killed while it compacts (writing the checkpoint, or
// halfway through removing the batches it holds) leaves a folder from
// which every laptop, and a new one, still gets the whole handbook.
func TestCompactionKilled(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("child process")
	}
	ctx := context.Background()
	folder := t.TempDir()
	dbDir := t.TempDir()
	a := openLaptop(t, dbDir, time.Now)
	b := openLaptop(t, t.TempDir(), time.Now)
	for n := range 5 {
		putContact(t, a, &handbook.Contact{Record: handbook.Record{ID: contactID(n), CreatedAt: t0},
			Name: fmt.Sprintf("Kontakt %d", n), Email: "k@example.com"})
	}
	a.sync(t, folder)
	join(t, folder, a, b)
	a.sync(t, folder)
	db := filepath.Join(dbDir, "hb.db")
	rng := rand.New(rand.NewPCG(20, 20))
	phases := map[string]int{}
	for trial := range 6 {
		// Ben writes forty batches; Anna's next round applies them and
		// compacts, in a child process that is killed.
		for i := range 40 {
			k := getContact(t, b, contactID(i%5))
			k.Notes = fmt.Sprintf("Versuch %d, Änderung %d", trial, i)
			putContact(t, b, &k)
			b.sync(t, folder)
		}
		if err := a.st.Close(); err != nil {
			t.Fatal(err)
		}
		marks := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestCompactChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnv+"=2", childDB+"="+db, childShare+"="+folder, childMarks+"="+marks)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wait := "removing"
		if trial%3 == 0 {
			wait = "checkpoint"
		}
		deadline := time.Now().Add(2 * time.Minute)
		for {
			if _, err := os.Stat(filepath.Join(marks, wait)); err == nil {
				break
			}
			if _, err := os.Stat(filepath.Join(marks, "done")); err == nil || time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("trial %d: the child never reached %q:\n%s", trial, wait, out.String())
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("trial %d: child ended on its own:\n%s", trial, out.String())
		}
		phases[wait]++
		a = openLaptop(t, dbDir, time.Now)
		if err := a.st.IntegrityCheck(ctx); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		// A laptop joining now, before anyone else compacts, gets the
		// whole handbook; the others go on without missing anything.
		n := openLaptop(t, t.TempDir(), time.Now)
		if rep := joinReport(t, folder, b, n); len(rep.Gaps) > 0 {
			t.Fatalf("trial %d: the new laptop misses batches: %+v", trial, rep.Gaps)
		}
		if got, want := comparable(t, n), comparable(t, b); got != want {
			t.Fatalf("trial %d: the new laptop differs from Ben:\n%s\n---\n%s", trial, got, want)
		}
		// It is retired again, so that it does not hold the next
		// compaction back.
		if _, err := b.eng.Remove(ctx, b.st, b.opts(folder), n.st.Device()); err != nil {
			t.Fatal(err)
		}
		for _, l := range []*laptop{a, b} {
			if rep := l.sync(t, folder); len(rep.Gaps) > 0 {
				t.Fatalf("trial %d: gaps after the kill: %+v", trial, rep.Gaps)
			}
		}
	}
	a.compact = 1
	for range 2 {
		a.sync(t, folder)
		b.sync(t, folder)
	}
	if got, want := comparable(t, a), comparable(t, b); got != want {
		t.Fatalf("Anna and Ben differ after the kills")
	}
	n := openLaptop(t, t.TempDir(), time.Now)
	rep := joinReport(t, folder, a, n)
	if len(rep.Gaps) > 0 || !strings.Contains(rep.Snapshot, ".checkpoint") {
		t.Fatalf("the new laptop: %+v", rep)
	}
	if got, want := comparable(t, n), comparable(t, b); got != want {
		t.Fatalf("the new laptop differs from Ben:\n%s\n---\n%s", got, want)
	}
	batches, checkpoints := folderFiles(t, folder)
	entries, err := os.ReadDir(filepath.Join(folder, "ernstfall", dirCheckpoints))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left behind after a clean compaction: %s", e.Name())
		}
	}
	if batches > 60 {
		t.Errorf("%d batch files left after the last compaction", batches)
	}
	t.Logf("killed %v; %d batches and %d checkpoints left", phases, batches, checkpoints)
}
