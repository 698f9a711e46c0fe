package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

// TestApplyReportsClocksAhead: a laptop whose clock runs hours ahead is
// named with how far, so its owner can be told; small drift is not.
func TestApplyReportsClocksAhead(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		skew   time.Duration
		report bool
	}{
		{"five hours ahead", 5 * time.Hour, true},
		{"half an hour ahead", 30 * time.Minute, false},
		{"hours behind", -5 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			clock := func(d time.Duration) func() time.Time { return func() time.Time { return t0.Add(d) } }
			a, err := Open(ctx, filepath.Join(dir, "a.db"), Options{Now: clock(0)})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			b, err := Open(ctx, filepath.Join(dir, "b.db"), Options{Now: clock(tt.skew)})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			c := handbook.Contact{Name: "Uhr", Email: "uhr@example.com"}
			if err := Put(ctx, b, &c); err != nil {
				t.Fatal(err)
			}
			ch, _ := b.Unsent(ctx)
			res, err := a.ApplyRemote(ctx, []Batch{{Device: b.Device(), Seq: 1, Changes: ch}})
			if err != nil {
				t.Fatal(err)
			}
			ahead, ok := res.Ahead[b.Device()]
			if ok != tt.report {
				t.Fatalf("reported %v (%v), want reported %v", ok, ahead, tt.report)
			}
			if ok && (ahead < tt.skew-time.Minute || ahead > tt.skew+time.Minute) {
				t.Errorf("ahead by %v, want about %v", ahead, tt.skew)
			}
		})
	}
}
