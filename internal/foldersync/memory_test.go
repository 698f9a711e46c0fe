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
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
	"ernstfall/internal/store"
)

const (
	joinChildEnv    = "ERNSTFALL_SYNC_JOIN_CHILD"
	joinChildDB     = "ERNSTFALL_SYNC_JOIN_DB"
	joinChildFolder = "ERNSTFALL_SYNC_JOIN_FOLDER"
)

// TestJoinChild is the child process of joinInChild: one sync round of an
// admitted laptop, which prints what it received.
func TestJoinChild(t *testing.T) {
	if os.Getenv(joinChildEnv) != "1" {
		t.Skip("runs only as the child process of a join test or benchmark")
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
	fmt.Printf("received=%d joined=%v gaps=%d\n", rep.Received, rep.Joined, len(rep.Gaps))
	if kb := ownPeakKB(); kb > 0 {
		fmt.Printf("peak-kb=%d\n", kb)
	}
}

// ownPeakKB is this process's peak resident memory in KiB since it
// started its program (VmHWM), 0 where the system does not say. The
// kernel's figure for a child (its maxrss) is no use here: a child
// started from a large test process carries that process's peak over
// into its own.
func ownPeakKB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err == nil {
				return kb
			}
		}
	}
	return 0
}

// childUse is what a child process used: wall time, CPU time (user and
// system) and its peak resident memory, as the kernel counts them (the
// peak as the child read it, see ownPeakKB).
type childUse struct {
	wall, cpu time.Duration
	peak      int64
}

// admitNewcomer makes a new laptop's database, files its join request in
// folder and has member admit it, without the new laptop syncing since.
// It returns the database's path and the laptop's ID.
func admitNewcomer(tb testing.TB, folder string, member *laptop, now func() time.Time) (string, string) {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	n := openLaptop(tb, dir, now)
	if rep := n.sync(tb, folder); !rep.Pending {
		tb.Fatalf("new laptop is not pending: %+v", rep)
	}
	dev := n.st.Device()
	if err := n.st.Close(); err != nil {
		tb.Fatal(err)
	}
	member.sync(tb, folder)
	if _, err := member.eng.Admit(ctx, member.st, member.opts(folder), "", true); err != nil {
		tb.Fatalf("admit: %v", err)
	}
	return filepath.Join(dir, "hb.db"), dev
}

// joinInChild lets the admitted laptop of dbPath join folder in a process
// of its own (TestJoinChild). It returns how many changes it received and
// what the process used, and fails unless the laptop joined without gaps.
func joinInChild(tb testing.TB, dbPath, folder string) (int, childUse) {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestJoinChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), joinChildEnv+"=1", joinChildDB+"="+dbPath, joinChildFolder+"="+folder)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		tb.Fatalf("joining laptop: %v\n%s", err, out)
	}
	ps := cmd.ProcessState
	use := childUse{wall: wall, cpu: ps.UserTime() + ps.SystemTime(), peak: ps.SysUsage().(*syscall.Rusage).Maxrss << 10}
	received := -1
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "received="); ok && strings.HasSuffix(v, " joined=true gaps=0") {
			received, _ = strconv.Atoi(strings.Fields(v)[0])
		}
		if v, ok := strings.CutPrefix(line, "peak-kb="); ok {
			if kb, err := strconv.ParseInt(v, 10, 64); err == nil {
				use.peak = kb << 10
			}
		}
	}
	if received < 0 {
		tb.Fatalf("the new laptop did not join cleanly:\n%s", out)
	}
	return received, use
}

// TestJoiningALargeFolderStaysSmall: a laptop joins a folder whose
// batches (two of nearly the largest size, 40,000 changes) are more
// than one round keeps in memory; its peak memory, measured by the
// kernel for a process of its own, stays below 300 MB.
func TestJoiningALargeFolderStaysSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and applies 30 MB of batches")
	}
	clk := newFakeClock()
	folder := t.TempDir()
	a := openLaptop(t, t.TempDir(), clk.reader(0))
	putContact(t, a, &handbook.Contact{Name: "Start", Email: "s@example.com"})
	a.sync(t, folder)
	dbPath, _ := admitNewcomer(t, folder, a, clk.reader(0))
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
	received, use := joinInChild(t, dbPath, folder)
	if received < batches*perBatch {
		t.Fatalf("the joining laptop received %d changes, want at least %d", received, batches*perBatch)
	}
	peak := use.peak
	t.Logf("peak memory joining %d MB of batches: %d MB", biggest*batches>>20, peak>>20)
	if peak > 300<<20 {
		t.Errorf("joining used %d MB at its peak, more than 300 MB", peak>>20)
	}
}
