package foldersync

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
)

const benchHandbook = "0190bbbb-0000-7000-8000-00000000b0b0"

// genFolder fills a shared folder with batches of devices laptops, each
// batch holding perBatch changes: new contacts of the device's own and
// edits of a few contacts every device shares (which conflict).
func genFolder(b *testing.B, folder string, devices, batches, perBatch int) {
	b.Helper()
	root := filepath.Join(folder, "ernstfall")
	if err := os.MkdirAll(root, 0o755); err != nil {
		b.Fatal(err)
	}
	format, _ := json.Marshal(formatFile{Format: formatName, Version: formatVersion, Handbook: benchHandbook})
	if err := os.WriteFile(filepath.Join(root, "FORMAT"), format, 0o644); err != nil {
		b.Fatal(err)
	}
	fields := []string{"name", "email", "phone_mobile", "notes"}
	for d := range devices {
		dev := fmt.Sprintf("0190cccc-0000-7000-8000-%012d", d)
		dir := filepath.Join(root, "log", dev)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		ts := hlc.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), 0)
		n := 0
		for s := 1; s <= batches; s++ {
			bf := batchFile{Format: batchFormat, Version: formatVersion, Handbook: benchHandbook, Device: dev, Seq: int64(s), CreatedAt: t0}
			for range perBatch {
				ts += 1 << 16
				id := fmt.Sprintf("c-%d-%d", d, n/len(fields))
				if n%10 == 9 {
					id = fmt.Sprintf("shared-%d", n%7)
				}
				f := fields[n%len(fields)]
				v := fmt.Sprintf(`"%s %d/%d"`, f, d, n)
				if f == "email" {
					v = fmt.Sprintf(`"k%d.%d@example.com"`, d, n)
				}
				bf.Changes = append(bf.Changes, wireChange{Entity: "contact", ID: id, Field: f, Value: json.RawMessage(v), HLC: int64(ts)})
				n++
			}
			data, _ := json.Marshal(bf)
			if err := os.WriteFile(filepath.Join(dir, batchFileName(int64(s))), data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func benchLaptop(b *testing.B) *laptop {
	b.Helper()
	return openLaptop(b, b.TempDir(), time.Now)
}

// BenchmarkNoopSync: 20 devices, 1,000 batches, all applied already.
func BenchmarkNoopSync(b *testing.B) {
	folder := b.TempDir()
	genFolder(b, folder, 20, 50, 10)
	l := benchLaptop(b)
	if rep := l.sync(b, folder); rep.Batches != 1000 {
		b.Fatalf("applied %d batches, want 1000", rep.Batches)
	}
	b.ResetTimer()
	for b.Loop() {
		rep := l.sync(b, folder)
		if rep.Batches != 0 {
			b.Fatalf("no-op round applied %d batches", rep.Batches)
		}
	}
}

// BenchmarkApply100k: 100,000 changes from 10 devices into a new database.
func BenchmarkApply100k(b *testing.B) {
	folder := b.TempDir()
	genFolder(b, folder, 10, 100, 100)
	for b.Loop() {
		b.StopTimer()
		l := benchLaptop(b)
		b.StartTimer()
		rep := l.sync(b, folder)
		if rep.Received != 100_000 {
			b.Fatalf("received %d changes, want 100000", rep.Received)
		}
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "changes/s")
}

// BenchmarkJoin: a new laptop joining a folder of 10 devices × 200 batches,
// from all batches or from a snapshot.
func BenchmarkJoin(b *testing.B) {
	ctx := context.Background()
	plain := b.TempDir()
	genFolder(b, plain, 10, 200, 20)
	withSnap := b.TempDir()
	genFolder(b, withSnap, 10, 200, 20)
	writer := benchLaptop(b)
	writer.sync(b, withSnap)
	if _, err := new(Engine).WriteSnapshot(ctx, writer.st, Options{Folder: withSnap}); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name, folder string
		snapshot     bool
	}{{"batches", plain, false}, {"snapshot", withSnap, true}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				l := benchLaptop(b)
				b.StartTimer()
				rep := l.sync(b, bc.folder)
				if (rep.Snapshot != "") != bc.snapshot || rep.Received != 40_000 {
					b.Fatalf("joined with snapshot %q, %d changes", rep.Snapshot, rep.Received)
				}
			}
		})
	}
	list, _ := writer.st.Summaries(ctx, handbook.EntityContact)
	if len(list) == 0 {
		b.Fatal("no contacts")
	}
}
