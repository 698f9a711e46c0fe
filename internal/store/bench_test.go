package store

import (
	"context"
	"path/filepath"
	"testing"

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
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "large.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Import(ctx, hb); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
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

func BenchmarkSearchLarge(b *testing.B) {
	ctx := context.Background()
	s := largeStore(b)
	for b.Loop() {
		if hits, err := s.Search(ctx, "systeme isol", 50); err != nil || len(hits) == 0 {
			b.Fatalf("%d hits, %v", len(hits), err)
		}
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
