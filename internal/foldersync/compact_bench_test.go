//go:build unix

package foldersync

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"ernstfall/internal/fixture"
)

// BenchmarkCompaction: a team of four edits the shared generator's large
// handbook (5,000 contacts, 500 playbooks, 300 services) for 100 rounds;
// the folder's size and a new laptop's join, before and after a member
// compacts. The new laptop joins in a process of its own, so its time and
// peak memory are the kernel's figures for that process alone.
func BenchmarkCompaction(b *testing.B) {
	ctx := context.Background()
	folder := b.TempDir()
	team := make([]*laptop, 4)
	for i := range team {
		team[i] = benchLaptop(b)
		team[i].compact = -1
	}
	hb := fixture.Generate(7, fixture.Large)
	if _, err := team[0].st.Import(ctx, hb); err != nil {
		b.Fatal(err)
	}
	team[0].sync(b, folder)
	join(b, folder, team[0], team[1:]...)
	rng := rand.New(rand.NewPCG(3, 3))
	for round := range 100 {
		for i, l := range team {
			for e := range 50 {
				c := getContact(b, l, hb.Contacts[rng.IntN(len(hb.Contacts))].ID)
				c.Notes = fmt.Sprintf("Runde %d, Laptop %d, Änderung %d", round, i, e)
				putContact(b, l, &c)
			}
			l.sync(b, folder)
		}
	}
	for _, l := range team {
		l.sync(b, folder)
	}
	measure := func(name string) {
		var size int64
		files := 0
		err := filepath.WalkDir(filepath.Join(folder, "ernstfall"), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			fi, err := d.Info()
			if err == nil {
				size += fi.Size()
				files++
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		db, dev := admitNewcomer(b, folder, team[0], time.Now)
		_, use := joinInChild(b, db, folder)
		if _, err := team[0].eng.Remove(ctx, team[0].st, team[0].opts(folder), dev); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(size)/(1<<20), "MB-"+name)
		b.ReportMetric(float64(files), "files-"+name)
		b.ReportMetric(use.wall.Seconds(), "join-s-"+name)
		b.ReportMetric(use.cpu.Seconds(), "join-cpu-s-"+name)
		b.ReportMetric(float64(use.peak)/(1<<20), "join-MB-"+name)
	}
	for b.Loop() {
		measure("before")
		team[0].compact = 1
		if rep := team[0].sync(b, folder); rep.Compacted == 0 {
			b.Fatalf("no compaction: %+v", rep)
		}
		team[0].compact = -1
		measure("after")
	}
	raw, err := json.Marshal(hb)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(raw))/(1<<20), "MB-handbook-json")
}
