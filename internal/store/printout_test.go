package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestPrintout(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	if p, err := s.LastPrintout(ctx); err != nil || !p.At.IsZero() {
		t.Fatalf("new database has a printout: %+v, %v", p, err)
	}
	at := time.Date(2026, 11, 26, 3, 4, 5, 600, time.FixedZone("CET", 3600))
	if err := s.RecordPrintout(ctx, Printout{At: at, By: `Jörg "JW" Weiß`, Version: "81c524837a"}); err != nil {
		t.Fatal(err)
	}
	p, err := s.LastPrintout(ctx)
	if err != nil || !p.At.Equal(at.Truncate(time.Second)) || p.By != `Jörg "JW" Weiß` || p.Version != "81c524837a" {
		t.Errorf("last printout %+v, %v", p, err)
	}
}
