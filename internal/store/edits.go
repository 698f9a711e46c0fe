package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
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
		if a := s.Author(); a != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO edits(device, edit, author) VALUES (?, ?, ?)
				ON CONFLICT(device, edit) DO NOTHING`, s.device, int64(ts), a); err != nil {
				return 0, 0, fmt.Errorf("record the edit's author: %w", err)
			}
		}
	}
	return ts, s.edit, nil
}
