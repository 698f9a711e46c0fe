package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"ernstfall/internal/cputime"
	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
)

// remoteBatches makes the batches of devices laptops, each batches long
// with perBatch changes: new contacts of each laptop's own and edits of
// seven contacts every laptop shares, made concurrently (conflicts).
func remoteBatches(devices, batches, perBatch int) []Batch {
	fields := []string{"name", "email", "phone_mobile", "notes"}
	var out []Batch
	for d := range devices {
		dev := fmt.Sprintf("0190cccc-0000-7000-8000-%012d", d)
		ts := hlc.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), 0)
		n := 0
		for s := 1; s <= batches; s++ {
			b := Batch{Device: dev, Seq: int64(s)}
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
				b.Changes = append(b.Changes, Change{Entity: handbook.EntityContact, ID: id, Field: f,
					Value: json.RawMessage(v), HLC: ts, Device: dev})
				n++
			}
			out = append(out, b)
		}
	}
	return out
}

// BenchmarkApplyRemote100k applies 100,000 changes of 10 laptops (1,000
// batches) to a new database in one call, as a sync round does.
func BenchmarkApplyRemote100k(b *testing.B) {
	benchApply(b, nil, remoteBatches(10, 100, 100))
}

// benchApply applies batches in one call to a database that holds what
// before brings, and reports the CPU time that call takes.
func benchApply(b *testing.B, before, batches []Batch) {
	ctx := context.Background()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "hb.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ApplyRemote(ctx, before); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		m := cputime.Start()
		res, err := s.ApplyRemote(ctx, batches)
		cpu += m.Used()
		if err != nil || res.Changes != len(batches)*len(batches[0].Changes) {
			b.Fatalf("applied %d changes, %v", res.Changes, err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(len(batches)*len(batches[0].Changes)*b.N)/cpu.Seconds(), "changes/cpu-s")
}

// editBatches are later batches of the same laptops that change every
// field of first again, each change made on top of the one it replaces.
func editBatches(first []Batch) []Batch {
	out := make([]Batch, len(first))
	for i, b := range first {
		e := Batch{Device: b.Device, Seq: b.Seq + int64(len(first)), Changes: make([]Change, len(b.Changes))}
		for j, c := range b.Changes {
			v := fmt.Sprintf(`"%s neu %d"`, c.Field, j)
			if c.Field == "email" {
				v = fmt.Sprintf(`"neu%d.%d@example.com"`, i, j)
			}
			e.Changes[j] = Change{Entity: c.Entity, ID: c.ID, Field: c.Field, Value: json.RawMessage(v),
				HLC: c.HLC + 1<<40, Device: c.Device, BaseHLC: c.HLC, BaseDevice: c.Device}
		}
		out[i] = e
	}
	return out
}

// BenchmarkApplyRemoteUpdate100k applies 100,000 changes of 10 laptops
// to a database that holds the records they change (25,000 contacts), in
// one call, as a sync round does.
func BenchmarkApplyRemoteUpdate100k(b *testing.B) {
	first := remoteBatches(10, 100, 100)
	benchApply(b, first, editBatches(first))
}
