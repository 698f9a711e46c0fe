//go:build unix

package foldersync

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
	"ernstfall/internal/store"
)

const (
	joinChildEnv    = "ERNSTFALL_SYNC_JOIN_CHILD"
	joinChildDB     = "ERNSTFALL_SYNC_JOIN_DB"
	joinChildFolder = "ERNSTFALL_SYNC_JOIN_FOLDER"
)

// TestJoinChild is the child process of TestJoiningALargeFolderStaysSmall:
// one sync round of an admitted laptop, which prints what it received.
func TestJoinChild(t *testing.T) {
	if os.Getenv(joinChildEnv) != "1" {
		t.Skip("runs only as the child of TestJoiningALargeFolderStaysSmall")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, os.Getenv(joinChildDB), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := runRound(ctx, st, Options{Folder: os.Getenv(joinChildFolder), Backups: -1})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("received=%d joined=%v\n", rep.Received, rep.Joined)
}

// TestJoiningALargeFolderStaysSmall: a laptop joins a folder whose
// batches (two of nearly the largest size, 40,000 changes) are more
// than one round keeps in memory; its peak memory, measured by the
// kernel for a process of its own, stays below 300 MB.
func TestJoiningALargeFolderStaysSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and applies 30 MB of batches")
	}
	ctx := context.Background()
	clk := newFakeClock()
	folder := t.TempDir()
	a := openLaptop(t, t.TempDir(), clk.reader(0))
	putContact(t, a, &handbook.Contact{Name: "Start", Email: "s@example.com"})
	a.sync(t, folder)
	dbPath := filepath.Join(t.TempDir(), "neu.db")
	n, err := store.Open(ctx, dbPath, store.Options{Now: clk.reader(0)})
	if err != nil {
		t.Fatal(err)
	}
	newcomer := &laptop{st: n, now: clk.reader(0), eng: new(Engine)}
	if rep := newcomer.sync(t, folder); !rep.Pending {
		t.Fatalf("newcomer not pending: %+v", rep)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	a.sync(t, folder)
	if _, err := a.eng.Admit(ctx, a.st, a.opts(folder), "", true); err != nil {
		t.Fatal(err)
	}
	const batches, perBatch = 2, 20_000
	rng := rand.New(rand.NewPCG(3, 4))
	text := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcdefghijklmnopqrstuvwxyz     "[rng.IntN(31)]
		}
		return string(b)
	}
	ts := hlc.New(t0.UnixMilli(), 0)
	var biggest int64
	for k := range batches {
		changes := make([]store.Change, 0, perBatch)
		for i := range perBatch {
			ts++
			id := fmt.Sprintf("gross-%d-%d", k, i/2)
			field, value := "name", text(40)
			if i%2 == 1 {
				field, value = "notes", text(1200)
			}
			raw, err := json.Marshal(value)
			if err != nil {
				t.Fatal(err)
			}
			changes = append(changes, store.Change{Entity: handbook.EntityContact, ID: id, Field: field, Value: raw, HLC: ts, Device: a.st.Device()})
		}
		name := forgeBatch(t, folder, a, changes)
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		biggest = max(biggest, fi.Size())
	}
	if biggest > DefaultMaxBatchBytes || biggest*batches <= scanBudget {
		t.Fatalf("batches of %d bytes do not test the budget", biggest)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestJoinChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), joinChildEnv+"=1", joinChildDB+"="+dbPath, joinChildFolder+"="+folder)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("joining laptop: %v\n%s", err, out)
	}
	var received int
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "received="); ok {
			received, _ = strconv.Atoi(strings.Fields(v)[0])
		}
	}
	if received < batches*perBatch {
		t.Fatalf("the joining laptop received %d changes, want at least %d\n%s", received, batches*perBatch, out)
	}
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
	t.Logf("peak memory joining %d MB of batches: %d MB", biggest*batches>>20, peak>>20)
	if peak > 300<<20 {
		t.Errorf("joining used %d MB at its peak, more than 300 MB", peak>>20)
	}
}
