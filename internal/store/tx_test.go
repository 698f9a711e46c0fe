package store

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"ernstfall/internal/handbook"
)

func TestUpdateIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	old := handbook.LogEntry{IncidentID: "i0", At: t0, Text: "Server isoliert"}
	if err := Put(ctx, s, &old); err != nil {
		t.Fatal(err)
	}
	c := handbook.Contact{Name: "Eva Schulz", PhoneMobile: "+49 171 1"}
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	changed := old
	changed.Text = "Server nicht isoliert"
	errStop := errors.New("stop")
	tests := []struct {
		name  string
		write func(tx *Tx) error
		want  error
	}{
		{"second record invalid", func(tx *Tx) error {
			return Put(ctx, tx, &handbook.LogEntry{At: t0})
		}, nil},
		{"log entry changed", func(tx *Tx) error {
			e := changed
			return Put(ctx, tx, &e)
		}, ErrAppendOnly},
		{"the function gives up after an edit and a delete", func(tx *Tx) error {
			before, after := c, c
			after.Team = "IT"
			if err := Edit(ctx, tx, &before, &after); err != nil {
				return err
			}
			if err := tx.Delete(ctx, handbook.EntityContact, c.ID); err != nil {
				return err
			}
			return errStop
		}, errStop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc, _ := handbook.StartIncident(nil, "Stromausfall "+tt.name, t0, t0, "Eva")
			err := s.Update(ctx, func(tx *Tx) error {
				if err := Put(ctx, tx, &inc); err != nil {
					return err
				}
				return tt.write(tx)
			})
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("Update: %v, want an error (%v)", err, tt.want)
			}
			incs, err := List[handbook.Incident](ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			if len(incs) != 0 {
				t.Errorf("incident saved although the transaction failed: %+v", incs)
			}
			got, err := Get[handbook.Contact](ctx, s, c.ID)
			if err != nil || got.Team != "" {
				t.Errorf("contact %+v, %v; want it unchanged and not deleted", got, err)
			}
		})
	}
	inc, entry := handbook.StartIncident(nil, "Stromausfall", t0, t0, "Eva")
	err := s.Update(ctx, func(tx *Tx) error {
		if err := Put(ctx, tx, &inc); err != nil {
			return err
		}
		// Reading in the transaction sees what it wrote.
		if _, err := Get[handbook.Incident](ctx, tx, inc.ID); err != nil {
			return err
		}
		if _, err := Get[handbook.Incident](ctx, s, inc.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("read outside the transaction before commit: %v, want ErrNotFound", err)
		}
		before, after := inc, inc
		after.Summary = "Netzteil getauscht"
		if err := Edit(ctx, tx, &before, &after); err != nil {
			return err
		}
		return Put(ctx, tx, &entry)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Get[handbook.LogEntry](ctx, s, entry.ID); err != nil || got.IncidentID != inc.ID {
		t.Errorf("log entry %+v, %v; want it saved with incident %s", got, err, inc.ID)
	}
	if got, err := Get[handbook.Incident](ctx, s, inc.ID); err != nil || got.Summary != "Netzteil getauscht" {
		t.Errorf("incident %+v, %v; want the edit made in the transaction", got, err)
	}
}

// recorder collects notices as a subscriber does.
type recorder struct {
	mu  sync.Mutex
	got [][]Notice
}

func (r *recorder) add(n []Notice) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, n)
}

func (r *recorder) take() [][]Notice {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

func TestNoticesAfterCommit(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	var rec recorder
	cancel := s.Subscribe(rec.add)

	c := handbook.Contact{Name: "Eva Schulz", PhoneMobile: "+49 171 1"}
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	if got, want := rec.take(), [][]Notice{{{handbook.EntityContact, c.ID}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("after Put: %v, want %v", got, want)
	}

	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("saving an unchanged record announced %v", got)
	}

	inc, entry := handbook.StartIncident(nil, "Stromausfall", t0, t0, "Eva")
	err := s.Update(ctx, func(tx *Tx) error {
		if err := Put(ctx, tx, &inc); err != nil {
			return err
		}
		if err := Put(ctx, tx, &entry); err != nil {
			return err
		}
		if got := rec.take(); len(got) != 0 {
			t.Errorf("announced before the commit: %v", got)
		}
		return tx.Delete(ctx, handbook.EntityContact, c.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]Notice{{{handbook.EntityIncident, inc.ID}, {handbook.EntityLogEntry, entry.ID}, {handbook.EntityContact, c.ID}}}
	if got := rec.take(); !reflect.DeepEqual(got, want) {
		t.Errorf("after Update: %v, want %v (one notice per commit, each record once)", got, want)
	}

	err = s.Update(ctx, func(tx *Tx) error {
		if err := tx.Undelete(ctx, handbook.EntityContact, c.ID); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	if err == nil {
		t.Fatal("Update succeeded, want the function's error")
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("a rolled-back transaction announced %v", got)
	}

	if err := s.SaveSettings(ctx, handbook.Settings{Organisation: "Nordlicht"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordPrintout(ctx, Printout{At: t0, By: "Eva", Version: "1"}); err != nil {
		t.Fatal(err)
	}
	want = [][]Notice{{{EntitySettings, settingsID}}, {{EntityMeta, printoutKey}}}
	if got := rec.take(); !reflect.DeepEqual(got, want) {
		t.Errorf("settings and printout: %v, want %v", got, want)
	}

	cancel()
	if err := s.Delete(ctx, handbook.EntityContact, c.ID); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("announced after cancel: %v", got)
	}
}

func TestNoticesOfRemoteChanges(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	var rec recorder
	s.Subscribe(rec.add)
	batch := []Batch{{Device: "laptop-b", Seq: 1, Changes: []Change{
		change("laptop-b", 10, "name", `"Eva Schulz"`, "", 0),
		change("laptop-b", 11, "phone_mobile", `"+49 171 1"`, "", 0),
	}}}
	if _, err := s.ApplyRemote(ctx, batch); err != nil {
		t.Fatal(err)
	}
	want := [][]Notice{{{handbook.EntityContact, "c1"}}}
	if got := rec.take(); !reflect.DeepEqual(got, want) {
		t.Errorf("after applying another laptop's batch: %v, want %v", got, want)
	}
	if _, err := s.ApplyRemote(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("applying a batch twice announced %v", got)
	}
}
