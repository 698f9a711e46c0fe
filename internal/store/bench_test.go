package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"ernstfall/internal/cputime"
	"ernstfall/internal/fixture"
	"ernstfall/internal/handbook"
)

// largeStore is a database holding the generated large handbook.
func largeStore(b *testing.B) *Store {
	b.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "large.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.Import(ctx, fixture.Generate(1, fixture.Large)); err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkImportLarge(b *testing.B) {
	ctx := context.Background()
	hb := fixture.Generate(1, fixture.Large)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "large.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		m := cputime.Start()
		if _, err := s.Import(ctx, hb); err != nil {
			b.Fatal(err)
		}
		cpu += m.Used()
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

func BenchmarkOpenLarge(b *testing.B) {
	ctx := context.Background()
	path := largeStore(b).Path()
	for b.Loop() {
		s, err := Open(ctx, path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// searchQueries are what people type into the search field: words of a
// playbook, names with and without umlauts, and phone numbers in pieces.
var searchQueries = []struct{ name, query string }{
	{"words", "systeme isol"},
	{"playbook", "ransomware"},
	{"name", "Müller"},
	{"name-folded", "mueller"},
	{"prefix", "kr"},
	{"phone-area", "030"},
	{"phone-intl", "+49 30"},
	{"phone-national", "030 23125"},
	{"phone-digits", "03023125"},
	{"phone-mobile", "0171 392"},
}

// BenchmarkSearchLarge searches the large handbook the way the search
// field does (limit 50), once per kind of query.
func BenchmarkSearchLarge(b *testing.B) {
	ctx := context.Background()
	s := largeStore(b)
	for _, q := range searchQueries {
		b.Run(q.name, func(b *testing.B) {
			cpu := cputime.Start()
			for b.Loop() {
				if hits, err := s.Search(ctx, q.query, 50); err != nil || len(hits) == 0 {
					b.Fatalf("%q: %d hits, %v", q.query, len(hits), err)
				}
			}
			cpu.Report(b)
		})
	}
}

// BenchmarkSearchCompoundLarge searches the large handbook for compounds
// it does not write, which the word search cannot find: the search falls
// back to word parts. "warm" reuses the vocabulary read for the previous
// search; "after-edit" reads it anew, as the first such search after a
// change does (the edit itself is not timed).
func BenchmarkSearchCompoundLarge(b *testing.B) {
	ctx := context.Background()
	s := largeStore(b)
	c := handbook.Contact{Name: "Bench Mark", PhoneMobile: "+49 30 23125 999"}
	for _, q := range []struct{ name, query string }{
		{"compound", "Standortsysteme"},
		{"no-parts", "Quatschwortsalat"},
	} {
		b.Run(q.name+"/warm", func(b *testing.B) {
			cpu := cputime.Start()
			for b.Loop() {
				if _, err := s.Search(ctx, q.query, 50); err != nil {
					b.Fatal(err)
				}
			}
			cpu.Report(b)
		})
		b.Run(q.name+"/after-edit", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				c.Notes += "x"
				if err := Put(ctx, s, &c); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := s.Search(ctx, q.query, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	if hits, err := s.Search(ctx, "Standortsysteme", 50); err != nil || len(hits) == 0 || hits[0].Parts == nil {
		b.Fatalf("compound search: %d hits, %v", len(hits), err)
	}
}

func BenchmarkSummariesContactsLarge(b *testing.B) {
	ctx := context.Background()
	s := largeStore(b)
	for b.Loop() {
		if list, err := s.Summaries(ctx, handbook.EntityContact); err != nil || len(list) != fixture.Large.Contacts {
			b.Fatalf("%d contacts, %v", len(list), err)
		}
	}
}

func BenchmarkLoadLarge(b *testing.B) {
	ctx := context.Background()
	s := largeStore(b)
	for b.Loop() {
		if hb, err := s.Load(ctx); err != nil || len(hb.Playbooks) != fixture.Large.Playbooks {
			b.Fatalf("%d playbooks, %v", len(hb.Playbooks), err)
		}
	}
}

func BenchmarkPutContact(b *testing.B) {
	ctx := context.Background()
	s := largeStore(b)
	c := handbook.Contact{Name: "Bench Mark", PhoneMobile: "+49 30 23125 999"}
	if err := Put(ctx, s, &c); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		c.Notes = string(rune('a' + i%26))
		if err := Put(ctx, s, &c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyCheckpointLarge: a member checks a checkpoint of the
// large handbook against what it has applied, once per checkpoint.
func BenchmarkVerifyCheckpointLarge(b *testing.B) {
	ctx := context.Background()
	s := largeStore(b)
	if err := s.MarkBatchSent(ctx, 1<<40, 1, "h"); err != nil {
		b.Fatal(err)
	}
	snap, err := s.ExportCheckpoint(ctx, everyBatch(b, s))
	if err != nil || len(snap.Changes) < 10_000 {
		b.Fatalf("checkpoint of %d changes: %v", len(snap.Changes), err)
	}
	for b.Loop() {
		problem, ok, err := s.VerifyCheckpoint(ctx, snap)
		if err != nil || !ok || problem != "" {
			b.Fatalf("verify: %q, %v, %v", problem, ok, err)
		}
	}
	b.ReportMetric(float64(len(snap.Changes)), "changes")
}
