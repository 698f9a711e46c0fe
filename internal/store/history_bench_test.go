package store

import (
	"context"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

// BenchmarkHistoryLarge lists the newest 100 of the ~100k changes of the
// large handbook, as 'ernstfall history' and the Verlauf screen do.
func BenchmarkHistoryLarge(b *testing.B) {
	ctx := context.Background()
	s := largeStore(b)
	for b.Loop() {
		hs, err := s.History(ctx, HistoryQuery{Limit: 100})
		if err != nil || len(hs) != 100 {
			b.Fatalf("history: %v, %d changes", err, len(hs))
		}
	}
}

// BenchmarkPlanRestoreLarge plans a restore of the large handbook to a
// moment before 200 contacts were edited.
func BenchmarkPlanRestoreLarge(b *testing.B) {
	ctx := context.Background()
	s := largeStore(b)
	point := time.Now()
	time.Sleep(2 * time.Millisecond)
	cs, err := List[handbook.Contact](ctx, s)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 200 {
		after := cs[i]
		after.Notes = "geändert"
		if err := Edit(ctx, s, &cs[i], &after); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		plan, err := s.PlanRestore(ctx, RestoreTarget{AsOf: point})
		if err != nil || len(plan.Records) != 200 {
			b.Fatalf("plan: %v, %d records", err, len(plan.Records))
		}
	}
}

// BenchmarkPlanRestoreWholeLarge plans a restore of the large handbook to
// before it existed: every record is looked at.
func BenchmarkPlanRestoreWholeLarge(b *testing.B) {
	ctx := context.Background()
	s := largeStore(b)
	for b.Loop() {
		plan, err := s.PlanRestore(ctx, RestoreTarget{AsOf: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil || len(plan.Records) < 6000 {
			b.Fatalf("plan: %v, %d records", err, len(plan.Records))
		}
	}
}

// BenchmarkRestoreWholeLarge restores the large handbook to before it
// existed: every one of its ~6,200 records is deleted as a new edit.
func BenchmarkRestoreWholeLarge(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s := largeStore(b)
		b.StartTimer()
		plan, err := s.Restore(ctx, RestoreTarget{AsOf: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, nil)
		if err != nil || len(plan.Records) < 6000 {
			b.Fatalf("restore: %v, %d records", err, len(plan.Records))
		}
	}
}

// BenchmarkAutoBackupLarge writes the checked backup a sync writes before
// it applies changes, on the large handbook (about 27 MB).
func BenchmarkAutoBackupLarge(b *testing.B) {
	ctx := context.Background()
	s := largeStore(b)
	for b.Loop() {
		if _, err := s.AutoBackup(ctx, ReasonSync, 5); err != nil {
			b.Fatal(err)
		}
	}
}
