package foldersync

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"ernstfall/internal/exchange"
	"ernstfall/internal/fixture"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// The simulation of years of use. `make test` runs a short one with a
// fixed seed; the size is
//
//	go test ./internal/foldersync -run YearsOfUse -years.laptops 200 -years.weeks 104 -years.edits 50 -years.large -timeout 0
var (
	yearsLaptops = flag.Int("years.laptops", 0, "laptops of the years-of-use simulation (0: the short run)")
	yearsWeeks   = flag.Int("years.weeks", 0, "simulated weeks")
	yearsEdits   = flag.Int("years.edits", 0, "edits per laptop and week")
	yearsSeed    = flag.Uint64("years.seed", 1, "seed of the years-of-use simulation")
	yearsLarge   = flag.Bool("years.large", false, "start from the shared generator's large handbook (5,000 contacts) instead of 60 contacts")
	yearsCompact = flag.Int("years.compact-after", 0, "CompactAfter of the laptops (0: DefaultCompactAfter, or 40 in the short run)")
)

// yearsConfig is one simulation.
type yearsConfig struct {
	laptops, weeks, edits int
	seed                  uint64
	large                 bool
	compactAfter          int // -1: no compaction
	// back1 is the week laptop 1 comes back from its first absence (0:
	// when a compaction has passed over it; see yearsOfUse).
	back1 int
}

// yearsResult is what a simulation measured.
type yearsResult struct {
	final                 string // the handbook and conflicts, naming no laptop
	folderBytes           int64
	files                 int
	parts                 string // what each folder below the protocol folder holds
	backupBytes           int
	noop, join            time.Duration
	joinPeak              uint64 // heap in use above the simulation's own, bytes
	compactions, returned int
	// fromCheckpoint counts laptops back from away that found batches
	// gone and started from a checkpoint; passedOver those that found
	// batches gone they had not applied (each must start from one).
	fromCheckpoint, passedOver int
	// back1 is the week laptop 1 came back from its first absence.
	back1 int
}

// missesRemoved reports whether the folder has lost a batch of another
// laptop that l has not applied: a compaction passed over l while it was
// away, and it can only come back from a checkpoint.
func missesRemoved(tb testing.TB, folder string, l *laptop) bool {
	tb.Helper()
	applied, err := l.st.Applied(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	logs, err := os.ReadDir(filepath.Join(folder, "ernstfall", dirLog))
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range logs {
		dev := d.Name()
		if dev == l.st.Device() || !d.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(folder, "ernstfall", dirLog, dev))
		if err != nil {
			tb.Fatal(err)
		}
		present := map[int64]bool{}
		var top int64
		for _, f := range files {
			if seq, ok := seqOf(f.Name()); ok {
				present[seq] = true
				top = max(top, seq)
			}
		}
		for seq := int64(1); seq <= top; seq++ {
			if !present[seq] && !applied[dev][seq] {
				return true
			}
		}
	}
	return false
}

// yearsOfUse runs a team through weeks of simulated time on a real
// folder: every week each laptop that is not away makes its edits (some
// of the same fields as others: conflicts, some resolved) and syncs once.
// Laptops go away for one to sixteen weeks now and then, longer than the
// members wait for them. At the end all sync until they agree, and a new
// laptop joins.
func yearsOfUse(tb testing.TB, cfg yearsConfig) yearsResult {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed*31))
	clk := newFakeClock()
	folder := tb.TempDir()
	began := time.Now()
	team := make([]*laptop, cfg.laptops)
	for i := range team {
		team[i] = openLaptop(tb, tb.TempDir(), clk.reader(0))
		team[i].compact = cfg.compactAfter
	}
	var contacts []string
	if cfg.large {
		hb := fixture.Generate(7, fixture.Large)
		if _, err := team[0].st.Import(ctx, hb); err != nil {
			tb.Fatal(err)
		}
		for _, c := range hb.Contacts {
			contacts = append(contacts, c.ID)
		}
	} else {
		for n := range 60 {
			c := handbook.Contact{Record: handbook.Record{ID: contactID(n), CreatedAt: t0}, Name: fmt.Sprintf("Kontakt %d", n),
				Email: fmt.Sprintf("k%d@example.com", n)}
			putContact(tb, team[0], &c)
			contacts = append(contacts, c.ID)
		}
	}
	// A tenth of the edits go to a few records everybody touches.
	hot := contacts[:min(8, len(contacts))]
	team[0].sync(tb, folder)
	for i := 1; i < len(team); i += 50 {
		join(tb, folder, team[0], team[i:min(i+50, len(team))]...)
	}
	res := yearsResult{}
	away := make([]int, len(team)) // weeks left away
	back := make([]bool, len(team))
	tb.Logf("team of %d set up in %v", len(team), time.Since(began).Round(time.Second))
	for week := range cfg.weeks {
		if testing.Verbose() && week > 0 && (week%4 == 0 || *yearsLaptops > 0) {
			// A long run says how far it got, so a run stopped early
			// still gives its figures and a rate to extrapolate from.
			files, size := folderSize(tb, folder)
			_, checkpoints := folderSize(tb, filepath.Join(folder, "ernstfall", dirCheckpoints))
			tb.Logf("week %d of %d after %v: folder %.1f MB in %d files (checkpoints %.0f KB), %d compactions, %d returns (%d from a checkpoint)",
				week, cfg.weeks, time.Since(began).Round(time.Second), float64(size)/(1<<20), files, float64(checkpoints)/(1<<10), res.compactions, res.returned, res.fromCheckpoint)
		}
		clk.advance(7 * 24 * time.Hour)
		for _, i := range rng.Perm(len(team)) {
			l := team[i]
			if away[i] > 0 {
				away[i]--
				// The laptop that is always away stays until a compaction
				// has passed over it, while the run leaves time to come
				// back: so every run that compacts often enough has a
				// laptop start from a checkpoint with edits of its own.
				// The run without compaction keeps the same schedule.
				if i == 1 && away[i] == 0 && res.back1 == 0 {
					switch {
					case cfg.back1 > 0 && week < cfg.back1:
						away[i] = 1
					case cfg.back1 == 0 && cfg.compactAfter >= 0 && week+4 < cfg.weeks && !missesRemoved(tb, folder, l):
						away[i] = 1
					default:
						res.back1 = week
					}
				}
				if away[i] == 0 {
					res.returned++
					back[i] = true
				}
				continue
			}
			switch {
			case i == 1 && week == 2:
				// One laptop is always away longer than the others wait.
				away[i] = 16
			case i != 0 && rng.IntN(60) == 0:
				away[i] = 1 + rng.IntN(16)
			}
			if away[i] > 0 {
				continue
			}
			for e := range cfg.edits {
				id := contacts[rng.IntN(len(contacts))]
				if rng.IntN(10) == 0 {
					id = hot[rng.IntN(len(hot))]
				}
				c := getContact(tb, l, id)
				if c.Deleted {
					continue
				}
				switch rng.IntN(3) {
				case 0:
					c.Notes = fmt.Sprintf("Woche %d, Laptop %d, Änderung %d", week, i, e)
				case 1:
					c.Function = fmt.Sprintf("Funktion %d", rng.IntN(5))
				default:
					c.PhoneMobile = fmt.Sprintf("+49 170 %07d", rng.IntN(10_000_000))
				}
				putContact(tb, l, &c)
			}
			if cs := conflicts(tb, l); len(cs) > 0 && rng.IntN(2) == 0 {
				if err := l.st.ResolveConflict(ctx, cs[0], store.KeepCurrent, nil); err != nil {
					tb.Fatal(err)
				}
			}
			needs := back[i] && missesRemoved(tb, folder, l)
			rep := l.sync(tb, folder)
			if rep.Compacted > 0 {
				res.compactions++
			}
			if needs {
				res.passedOver++
				if rep.Snapshot == "" {
					tb.Fatalf("week %d: laptop %d came back to a folder without batches it had not applied, and did not start from a checkpoint: %+v", week, i, rep)
				}
			}
			if back[i] && rep.Snapshot != "" {
				res.fromCheckpoint++
			}
			back[i] = false
		}
	}
	// Everyone comes back and syncs until nothing new arrives.
	for range 3 {
		for _, l := range team {
			l.sync(tb, folder)
		}
	}
	want := comparable(tb, team[0])
	for i, l := range team[1:] {
		if got := comparable(tb, l); got != want {
			tb.Fatalf("laptop %d differs from laptop 0 after the simulation:\n%s", i+1, firstLineDiff(got, want))
		}
	}
	res.final = neutral(tb, team[0])
	hb, err := team[0].st.Load(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	backup, err := exchange.MarshalBackup(hb, "", 0, t0)
	if err != nil {
		tb.Fatal(err)
	}
	res.backupBytes = len(backup)
	res.files, res.folderBytes = folderSize(tb, folder)
	res.parts = folderParts(tb, folder)
	start := time.Now()
	for range 3 {
		team[0].sync(tb, folder)
	}
	res.noop = time.Since(start) / 3
	n := openLaptop(tb, tb.TempDir(), clk.reader(0))
	if rep := n.sync(tb, folder); !rep.Pending {
		tb.Fatalf("new laptop not pending: %+v", rep)
	}
	team[0].sync(tb, folder)
	if _, err := team[0].eng.Admit(ctx, team[0].st, team[0].opts(folder), "", true); err != nil {
		tb.Fatal(err)
	}
	// The heap of the whole simulation (every laptop's database is open)
	// is the base; the join's figure is how far it rose above that.
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	var peak uint64
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	start = time.Now()
	rep := n.sync(tb, folder)
	res.join = time.Since(start)
	close(stop)
	wg.Wait()
	res.joinPeak = peak - min(peak, base.HeapInuse)
	if !rep.Joined || len(rep.Gaps) > 0 {
		tb.Fatalf("the new laptop did not join cleanly: %+v", rep)
	}
	if got := neutral(tb, n); got != res.final {
		tb.Fatalf("the new laptop differs from the team:\n%s", firstLineDiff(got, res.final))
	}
	return res
}

// firstLineDiff shows where two renderings first differ.
func firstLineDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d: %s\n    vs: %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d lines vs %d", len(la), len(lb))
}

// folderSize counts the files below the shared folder (or its folder of
// checkpoints) and their bytes.
func folderSize(tb testing.TB, folder string) (files int, size int64) {
	tb.Helper()
	root := filepath.Join(folder, "ernstfall")
	if filepath.Base(folder) == dirCheckpoints {
		root = folder
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == root {
			return nil // no checkpoint yet
		}
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		files++
		size += fi.Size()
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files, size
}

// folderParts says what each folder below the shared folder's protocol
// folder holds (log, devices, keys, checkpoints, …), largest first.
func folderParts(tb testing.TB, folder string) string {
	tb.Helper()
	root := filepath.Join(folder, "ernstfall")
	entries, err := os.ReadDir(root)
	if err != nil {
		tb.Fatal(err)
	}
	type part struct {
		name  string
		files int
		size  int64
	}
	var parts []part
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		files, size := 0, int64(0)
		err := filepath.WalkDir(filepath.Join(root, e.Name()), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			files, size = files+1, size+fi.Size()
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
		parts = append(parts, part{e.Name(), files, size})
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].size > parts[j].size })
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %.2f MB in %d files", p.name, float64(p.size)/(1<<20), p.files)
	}
	return b.String()
}

func (r yearsResult) String() string {
	return fmt.Sprintf("folder %.1f MB in %d files (%.1f× the %.2f MB JSON backup; %s), no-op round %v, join %v, heap while joining %d MB, %d compactions, %d returns from away (%d from a checkpoint)",
		float64(r.folderBytes)/(1<<20), r.files, float64(r.folderBytes)/float64(r.backupBytes), float64(r.backupBytes)/(1<<20), r.parts,
		r.noop.Round(time.Millisecond), r.join.Round(time.Millisecond), r.joinPeak>>20, r.compactions, r.returned, r.fromCheckpoint)
}

// yearsFromFlags is the short fixed-seed run, or the size the flags ask.
func yearsFromFlags() yearsConfig {
	cfg := yearsConfig{laptops: 6, weeks: 26, edits: 3, seed: *yearsSeed, large: *yearsLarge, compactAfter: 30}
	if *yearsLaptops > 0 {
		cfg.laptops, cfg.compactAfter = *yearsLaptops, 0
	}
	if *yearsWeeks > 0 {
		cfg.weeks = *yearsWeeks
	}
	if *yearsEdits > 0 {
		cfg.edits = *yearsEdits
	}
	if *yearsCompact != 0 {
		cfg.compactAfter = *yearsCompact
	}
	return cfg
}

// TestYearsOfUse runs the simulation with and without compaction: the
// handbook ends the same, and the compacted folder is smaller.
func TestYearsOfUse(t *testing.T) {
	cfg := yearsFromFlags()
	cfg0 := cfg
	t.Logf("%d laptops, %d weeks, %d edits a week each", cfg.laptops, cfg.weeks, cfg.edits)
	// Each run is a subtest, so its laptops' databases are removed before
	// the next one starts.
	var with, without yearsResult
	t.Run("compaction", func(t *testing.T) {
		with = yearsOfUse(t, cfg)
		t.Logf("with compaction:    %v", with)
	})
	cfg.compactAfter, cfg.back1 = -1, with.back1
	t.Run("no-compaction", func(t *testing.T) {
		without = yearsOfUse(t, cfg)
		t.Logf("without compaction: %v", without)
	})
	if t.Failed() || with.final == "" || without.final == "" {
		return // a run failed, or only one was asked for (-run)
	}
	if with.final != without.final {
		t.Fatalf("the handbook differs with and without compaction:\n%s\n---\n%s", with.final, without.final)
	}
	// Laptop 1 stays away until a compaction passes over it (see
	// yearsOfUse), unless the run ends first: a run that compacts must
	// have compacted, and one long enough that a compaction passed over a
	// laptop away must have brought it back from a checkpoint. The short
	// run of make test is chosen to do both.
	t.Logf("compacted %d times; %d of %d laptops back from away found batches gone, %d started from a checkpoint",
		with.compactions, with.passedOver, with.returned, with.fromCheckpoint)
	if with.compactions == 0 {
		t.Fatalf("the simulation never compacted: lower -years.compact-after (the laptops wrote too few batches for %d)", cfg0.compactAfter)
	}
	if with.fromCheckpoint < with.passedOver || (*yearsLaptops == 0 && with.passedOver == 0) {
		t.Fatalf("%d laptops back from away found batches gone, %d started from a checkpoint", with.passedOver, with.fromCheckpoint)
	}
	if with.files*2 > without.files {
		t.Fatalf("compaction left %d files of %d", with.files, without.files)
	}
}

// BenchmarkYearsOfUse reports the simulation's figures with and without
// compaction (the short run unless the flags ask for more).
func BenchmarkYearsOfUse(b *testing.B) {
	back1 := 0 // the run without compaction keeps the schedule of the one with
	for _, compact := range []bool{true, false} {
		b.Run(fmt.Sprintf("compaction=%v", compact), func(b *testing.B) {
			cfg := yearsFromFlags()
			if !compact {
				cfg.compactAfter, cfg.back1 = -1, back1
			}
			var res yearsResult
			for b.Loop() {
				res = yearsOfUse(b, cfg)
				if compact {
					back1 = res.back1
				}
			}
			b.ReportMetric(float64(res.folderBytes)/(1<<20), "folder-MB")
			b.ReportMetric(float64(res.files), "files")
			b.ReportMetric(float64(res.folderBytes)/float64(res.backupBytes), "x-backup")
			b.ReportMetric(float64(res.noop.Milliseconds()), "noop-ms")
			b.ReportMetric(res.join.Seconds(), "join-s")
			b.ReportMetric(float64(res.joinPeak>>20), "join-heap-MB")
		})
	}
}
