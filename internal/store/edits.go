package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
)

// maxAuthor is the longest name an edit carries, in characters.
const maxAuthor = 120

// SetAuthor names the person at this laptop: every edit written from now
// on carries the name, and so does its revision on every laptop. An empty
// name leaves edits unnamed (their laptop still names them).
func (s *Store) SetAuthor(name string) {
	s.authorMu.Lock()
	defer s.authorMu.Unlock()
	s.author = cleanAuthor(name)
}

// Author is the name SetAuthor gave.
func (s *Store) Author() string {
	s.authorMu.Lock()
	defer s.authorMu.Unlock()
	return s.author
}

// cleanAuthor trims a name to one line of printable text of at most
// maxAuthor characters; a name read from the shared folder goes through
// it too.
func cleanAuthor(name string) string {
	name = strings.Join(strings.Fields(handbook.CleanLine(name)), " ")
	if utf8.RuneCountInString(name) > maxAuthor {
		name = string([]rune(name)[:maxAuthor])
	}
	return name
}

// stamp returns the clock reading for a local change written in tx and
// the edit it belongs to: the reading of the transaction's first change.
// The first change also records who makes the edit.
func (s *Store) stamp(ctx context.Context, tx *sql.Tx) (ts, edit hlc.Timestamp, err error) {
	if s.historic != 0 {
		ts = s.historic
		s.historic++
	} else {
		ts = s.clock.Now()
	}
	if s.edit == 0 {
		s.edit = ts
		a := s.Author()
		if s.historic != 0 {
			a = s.historicAuthor
		}
		if a != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO edits(device, edit, author) VALUES (?, ?, ?)
				ON CONFLICT(device, edit) DO NOTHING`, s.device, int64(ts), a); err != nil {
				return 0, 0, fmt.Errorf("record the edit's author: %w", err)
			}
		}
	}
	return ts, s.edit, nil
}

// ErrHistoryOrder: a record's past can only be written before anything
// that happened since.
var ErrHistoryOrder = errors.New("the handbook holds changes made after that moment")

// ImportAt writes records as one edit made at a past moment by author,
// the way Import writes them (their IDs and times kept): the demo
// handbook's history. The handbook must hold no change made at or after
// that moment (ErrHistoryOrder), and the moment must have passed.
func (s *Store) ImportAt(ctx context.Context, hb handbook.Handbook, at time.Time, author string) (int, error) {
	stamp := hlc.New(at.UnixMilli(), 0)
	if at.After(s.now()) {
		return 0, fmt.Errorf("import as of %s: %w", at.Format(time.RFC3339), ErrFutureRestore)
	}
	changed := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var newest sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(hlc) FROM (SELECT hlc FROM outbox UNION ALL SELECT hlc FROM sync_changes)`).Scan(&newest); err != nil {
			return err
		}
		if newest.Valid && newest.Int64 >= int64(stamp) {
			return ErrHistoryOrder
		}
		s.historic, s.historicAuthor = stamp, cleanAuthor(author)
		defer func() { s.historic, s.historicAuthor = 0, "" }()
		var items []handbook.Item
		hb.EachItem(func(it handbook.Item) { items = append(items, it) })
		return s.holdIndex(ctx, tx, func() error {
			for _, it := range items {
				if err := validate(it); err != nil {
					return fmt.Errorf("%s %q: %w", it.Entity(), it.Label(), err)
				}
				ok, err := s.put(ctx, tx, it, true)
				if err != nil {
					return fmt.Errorf("%s %q: %w", it.Entity(), it.Label(), err)
				}
				if ok {
					changed++
				}
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("import as of %s: %w", at.Format(time.RFC3339), err)
	}
	return changed, nil
}
