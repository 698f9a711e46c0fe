package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// printoutKey is the meta entry of the last printed binder: device-local,
// since what matters is the copy on this team's shelf.
const printoutKey = "binder_printed"

// Printout records a printed binder: when, by whom, which handbook version.
type Printout struct {
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Version string    `json:"version"`
}

// RecordPrintout remembers the binder just printed.
func (s *Store) RecordPrintout(ctx context.Context, p Printout) error {
	p.At = p.At.UTC().Truncate(time.Second)
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("record printout: %w", err)
	}
	return s.SetMeta(ctx, printoutKey, string(data))
}

// LastPrintout is the last binder printed from this database; the zero
// Printout when none was.
func (s *Store) LastPrintout(ctx context.Context) (Printout, error) {
	var p Printout
	raw, err := s.Meta(ctx, printoutKey)
	if err != nil || raw == "" {
		return p, err
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return Printout{}, fmt.Errorf("read last printout: %w", err)
	}
	return p, nil
}
