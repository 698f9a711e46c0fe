package store

import (
	"context"
	"database/sql"
	"fmt"

	"ernstfall/internal/handbook"
)

// Tx is one write transaction. Every Put, Edit, Delete and Undelete made
// through it commits together with the others, or none does: an incident
// with its first log entries, an incident closed with its actions.
// Use it only inside the function given to Update.
type Tx struct {
	s  *Store
	tx *sql.Tx
}

// Writer is where a write goes: a *Store (the write is its own
// transaction) or a *Tx (the write joins it).
type Writer interface {
	write(ctx context.Context, f func(*sql.Tx) error) error
	store() *Store
}

// Reader is what a Get reads from: a *Store (what is committed) or a *Tx
// (what the transaction has written so far, too).
type Reader interface {
	queryRow(ctx context.Context, query string, args ...any) *sql.Row
	query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

var (
	_ Writer = (*Store)(nil)
	_ Writer = (*Tx)(nil)
	_ Reader = (*Store)(nil)
	_ Reader = (*Tx)(nil)
)

// Update runs f in one write transaction: when f returns nil, everything it
// wrote through tx is committed at once; when f returns an error (or ctx
// ends), nothing is. The store announces the changed records to its
// subscribers after the commit.
func (s *Store) Update(ctx context.Context, f func(tx *Tx) error) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		return f(&Tx{s: s, tx: tx})
	})
}

func (s *Store) write(ctx context.Context, f func(*sql.Tx) error) error { return s.tx(ctx, f) }

func (s *Store) store() *Store { return s }
func (t *Tx) store() *Store    { return t.s }

func (t *Tx) write(ctx context.Context, f func(*sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return f(t.tx)
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.r.QueryRowContext(ctx, query, args...)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, query, args...)
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.r.QueryContext(ctx, query, args...)
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, query, args...)
}

// Settings reads the handbook-wide settings as the transaction sees them.
func (t *Tx) Settings(ctx context.Context) (handbook.Settings, error) {
	return readSettings(ctx, t)
}

// Delete turns a record into a tombstone within the transaction.
func (t *Tx) Delete(ctx context.Context, e handbook.Entity, id string) error {
	return t.s.setDeleted(ctx, t, e, id, true)
}

// Undelete brings a deleted record back within the transaction.
func (t *Tx) Undelete(ctx context.Context, e handbook.Entity, id string) error {
	return t.s.setDeleted(ctx, t, e, id, false)
}

// SaveSettings stores the handbook-wide settings within the transaction.
func (t *Tx) SaveSettings(ctx context.Context, st handbook.Settings) error {
	_, err := t.s.putSettings(ctx, t.tx, st)
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}
