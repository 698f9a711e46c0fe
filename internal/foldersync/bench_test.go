package foldersync

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ernstfall/internal/cputime"
	"ernstfall/internal/handbook"
	"ernstfall/internal/seal"
)

// teamFolder makes the shared folder of a team of devices laptops. The
// first creates seven contacts that every laptop then edits concurrently
// (conflicts); each laptop adds contacts of its own, five field changes
// each, and edits the shared ones, syncing rounds times. It returns the
// folder, the first laptop (a member that admits newcomers) and the number
// of changes the folder holds.
func teamFolder(b *testing.B, devices, rounds, contacts, edits int) (string, *laptop, int) {
	b.Helper()
	ctx := context.Background()
	folder := b.TempDir()
	team := make([]*laptop, devices)
	for i := range team {
		team[i] = benchLaptop(b)
	}
	shared := make([]handbook.Contact, 7)
	for i := range shared {
		shared[i] = handbook.Contact{Name: fmt.Sprintf("Leitstelle %d", i), PhoneOffice: fmt.Sprintf("+49 30 112 %d", i)}
		putContact(b, team[0], &shared[i])
	}
	total := 0
	sync := func(l *laptop) {
		un, err := l.st.Unsent(ctx)
		if err != nil {
			b.Fatal(err)
		}
		total += len(un)
		l.sync(b, folder)
	}
	sync(team[0])
	for i := 1; i < len(team); i += 50 { // a member admits at most 50 at once
		join(b, folder, team[0], team[i:min(i+50, len(team))]...)
	}
	n := 0
	for r := range rounds {
		for d, l := range team {
			var hb handbook.Handbook
			for range contacts / rounds {
				n++
				hb.Contacts = append(hb.Contacts, handbook.Contact{Record: handbook.Record{ID: handbook.NewID(), CreatedAt: t0},
					Name: fmt.Sprintf("Kontakt %d", n), Email: fmt.Sprintf("k%d@example.com", n),
					PhoneMobile: fmt.Sprintf("+49 171 %07d", n), Notes: fmt.Sprintf("Laptop %d, Runde %d", d, r)})
			}
			if _, err := l.st.Import(ctx, hb); err != nil {
				b.Fatal(err)
			}
			for e := range edits / rounds {
				c := getContact(b, l, shared[e%len(shared)].ID)
				c.Notes = fmt.Sprintf("Laptop %d, Runde %d, Änderung %d", d, r, e)
				putContact(b, l, &c)
			}
			sync(l)
		}
	}
	return folder, team[0], total
}

func benchLaptop(b *testing.B) *laptop {
	b.Helper()
	return openLaptop(b, b.TempDir(), time.Now)
}

// newcomer is a new laptop admitted to the team of folder by member, not
// synced since.
func newcomer(b *testing.B, folder string, member *laptop) *laptop {
	b.Helper()
	l := benchLaptop(b)
	if rep := l.sync(b, folder); !rep.Pending {
		b.Fatalf("newcomer is not pending: %+v", rep)
	}
	member.sync(b, folder)
	if _, err := member.eng.Admit(context.Background(), member.st, member.opts(folder), "", true); err != nil {
		b.Fatalf("admit: %v", err)
	}
	return l
}

// BenchmarkNoopSync: a sync round of a laptop that has applied every batch
// of a team already: 10 laptops that synced 20 times each (200 batches),
// and 200 laptops that synced once each (200 device folders). A no-op
// round reads the folders, the device files and what this laptop applied,
// never a batch's contents, so the 200 laptops write small batches (four
// contacts and four edits each): setting them up applies every batch on
// every later laptop, and twenty changes each made that take minutes.
func BenchmarkNoopSync(b *testing.B) {
	for _, size := range []struct{ laptops, rounds, changes int }{{10, 20, 20}, {200, 1, 4}} {
		b.Run(fmt.Sprintf("laptops=%d", size.laptops), func(b *testing.B) {
			folder, member, _ := teamFolder(b, size.laptops, size.rounds, size.changes, size.changes)
			l := newcomer(b, folder, member)
			l.sync(b, folder)
			cpu := cputime.Start()
			for b.Loop() {
				rep := l.sync(b, folder)
				if rep.Batches != 0 {
					b.Fatalf("no-op round applied %d batches", rep.Batches)
				}
			}
			cpu.Report(b)
		})
	}
}

// BenchmarkApply100k: a new laptop joins a team of 10 laptops and applies
// their 100,000 changes (new contacts, and concurrent edits of contacts
// they share) in its first sync round.
func BenchmarkApply100k(b *testing.B) {
	folder, member, total := teamFolder(b, 10, 2, 1800, 1000)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		l := newcomer(b, folder, member)
		b.StartTimer()
		m := cputime.Start()
		rep := l.sync(b, folder)
		cpu += m.Used()
		if rep.Received != total {
			b.Fatalf("received %d changes, want %d", rep.Received, total)
		}
	}
	b.ReportMetric(float64(total), "changes")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(total*b.N)/cpu.Seconds(), "changes/cpu-s")
	b.ReportMetric(float64(cryptoTime(b, folder, member).Milliseconds()), "crypto-cpu-ms")
}

// cryptoTime is the CPU time that checking the signatures of every batch
// file in folder and decrypting it takes: what signing and encryption add
// to applying them.
func cryptoTime(b *testing.B, folder string, member *laptop) time.Duration {
	b.Helper()
	state, err := loadState(context.Background(), member.st)
	if err != nil || state.Team == nil {
		b.Fatalf("member has no team: %v", err)
	}
	tm := newTeam(*state.Team, state.Records)
	files, err := filepath.Glob(filepath.Join(folder, "ernstfall", "log", "*", "*.batch"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no batch files: %v", err)
	}
	data := make([][]byte, len(files))
	for i, f := range files {
		if data[i], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	m := cputime.Start()
	for i, d := range data {
		h, err := seal.Verify(d, tm.pub[filepath.Base(filepath.Dir(files[i]))].Sign)
		if err != nil {
			b.Fatalf("%s: %v", files[i], err)
		}
		k, ok := state.key(h.Key)
		if !ok {
			b.Fatalf("%s: no key %s", files[i], h.Key)
		}
		if _, err := seal.Open(d, k); err != nil {
			b.Fatalf("%s: %v", files[i], err)
		}
	}
	return m.Used()
}

// BenchmarkJoin: a new laptop joining a team of 10 laptops (40,000
// changes), from all batches or from a snapshot.
func BenchmarkJoin(b *testing.B) {
	ctx := context.Background()
	for _, bc := range []struct {
		name     string
		snapshot bool
	}{{"batches", false}, {"snapshot", true}} {
		b.Run(bc.name, func(b *testing.B) {
			folder, member, total := teamFolder(b, 10, 4, 700, 500)
			if bc.snapshot {
				if _, err := member.eng.WriteSnapshot(ctx, member.st, member.opts(folder)); err != nil {
					b.Fatal(err)
				}
			}
			cpu := time.Duration(0)
			for b.Loop() {
				b.StopTimer()
				l := newcomer(b, folder, member)
				b.StartTimer()
				m := cputime.Start()
				rep := l.sync(b, folder)
				cpu += m.Used()
				if (rep.Snapshot != "") != bc.snapshot || rep.Received < total {
					b.Fatalf("joined with snapshot %q, %d changes, want %d", rep.Snapshot, rep.Received, total)
				}
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}
