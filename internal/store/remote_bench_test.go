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
	ctx := context.Background()
	batches := remoteBatches(10, 100, 100)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "hb.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		m := cputime.Start()
		res, err := s.ApplyRemote(ctx, batches)
		cpu += m.Used()
		if err != nil || res.Changes != 100_000 {
			b.Fatalf("applied %d changes, %v", res.Changes, err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(100_000*float64(b.N)/cpu.Seconds(), "changes/cpu-s")
}
