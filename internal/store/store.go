// Package store keeps a handbook in one SQLite file: records, their
// field-level change history for sync, full-text search and backups. It is
// the only package that speaks SQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrNotFound: no live record with that ID.
	ErrNotFound = errors.New("record not found")
	// ErrNewerSchema: the file was written by a newer Ernstfall.
	ErrNewerSchema = errors.New("database written by a newer version of Ernstfall")
	// ErrNotADatabase: the file is not an Ernstfall database.
	ErrNotADatabase = errors.New("not an Ernstfall database")
	// ErrAppendOnly: incident log entries are never changed, only corrected.
	ErrAppendOnly = errors.New("incident log entries cannot be changed; add a correction instead")
)

// Store is an open handbook database. One connection writes, a small pool
// reads, so SQLite never answers "busy" to the app itself.
type Store struct {
	path string
	// backupDir holds the automatic backups.
	backupDir string
	w         *sql.DB
	r         *sql.DB
	device    string
	clock     *hlc.Clock
	now       func() time.Time
	stmts     statements
	// checked remembers backup files that passed their check, by size and
	// time, so pruning does not read them again every round.
	checkedMu sync.Mutex
	checked   map[checkedKey]bool
	// notices tells subscribers what each commit changed.
	notices notices
	// search holds the search's statements, prepared on first use.
	search searchStatements
}

// Options tune Open; the zero value is right for the app.
type Options struct {
	// Now replaces the wall clock (tests).
	Now func() time.Time
	// BackupDir receives the automatic backups before migrations; default:
	// a "backups" folder beside the database.
	BackupDir string
	// KeepBackups is how many automatic backups are kept; default 5.
	KeepBackups int
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	if readOnly {
		q.Set("mode", "ro")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (and creates, when missing) the database at path, migrating it
// to the current schema. A database from a newer Ernstfall is refused
// unchanged with ErrNewerSchema.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.KeepBackups <= 0 {
		opt.KeepBackups = 5
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if opt.BackupDir == "" {
		opt.BackupDir = filepath.Join(filepath.Dir(abs), "backups")
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// Look before touching: a newer schema must leave the file unchanged,
	// and switching to WAL already writes to it.
	if fi, err := os.Stat(abs); err == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("open store %s: %w: it is a folder; name the database file inside it (for example %s)",
				path, ErrNotADatabase, filepath.Join(path, "handbook.db"))
		}
		if err := checkVersion(ctx, abs); err != nil {
			return nil, err
		}
	}
	w, err := sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	if _, err := w.ExecContext(ctx, "PRAGMA journal_mode=WAL"); err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, classify(err))
	}
	s := &Store{path: abs, backupDir: opt.BackupDir, w: w, now: opt.Now, checked: map[checkedKey]bool{}}
	if err := s.migrate(ctx, opt); err != nil {
		w.Close()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s.r = r
	if err := s.loadIdentity(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// classify turns SQLite's words for a foreign file into ErrNotADatabase.
func classify(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range []string{"file is not a database", "SQLITE_NOTADB", "(26)"} {
		if strings.Contains(msg, s) {
			return fmt.Errorf("%w: %v", ErrNotADatabase, err)
		}
	}
	return err
}

// Close closes the database.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		if s.clock != nil {
			_, err := s.w.Exec(`INSERT INTO meta(key, value) VALUES ('hlc_last', ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(int64(s.clock.Last()), 10))
			errs = append(errs, err)
		}
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Device is this database's device ID, the author of its changes.
func (s *Store) Device() string { return s.device }

// loadIdentity reads (or makes, on a new file) the device ID, the handbook
// ID and the last clock reading.
func (s *Store) loadIdentity(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer tx.Rollback()
	get := func(key string, make func() string) (string, error) {
		var v string
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			v = make()
			_, err = tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?)`, key, v)
		}
		return v, err
	}
	if s.device, err = get("device_id", handbook.NewID); err != nil {
		return fmt.Errorf("open store: device id: %w", err)
	}
	if _, err = get("handbook_id", handbook.NewID); err != nil {
		return fmt.Errorf("open store: handbook id: %w", err)
	}
	last, err := get("hlc_last", func() string { return "0" })
	if err != nil {
		return fmt.Errorf("open store: clock: %w", err)
	}
	n, _ := strconv.ParseInt(last, 10, 64)
	// The field versions may hold a newer reading than the one saved at
	// close (a crash). Readings taken over from other laptops count only
	// up to the bound past this laptop's wall clock, so one laptop with a
	// wrong clock cannot drag this one along for good. This laptop's own
	// changes always count: it never issues a reading twice.
	var seen, own sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(hlc) FROM field_versions`).Scan(&seen); err != nil {
		return fmt.Errorf("open store: clock: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT max(hlc) FROM outbox WHERE device = ?`, s.device).Scan(&own); err != nil {
		return fmt.Errorf("open store: clock: %w", err)
	}
	n = max(min(max(n, seen.Int64), int64(hlc.Bound(s.now()))), own.Int64)
	s.clock = hlc.NewClock(s.now, hlc.Timestamp(n))
	return tx.Commit()
}

// Meta returns a value from the database's meta table ("" when unset).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

// SetMeta stores a device-local value (never synced).
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	s.notices.publish([]Notice{{EntityMeta, key}})
	return nil
}

// HandbookID identifies the handbook this database holds; every laptop
// sharing a handbook has the same one.
func (s *Store) HandbookID(ctx context.Context) (string, error) {
	return s.Meta(ctx, "handbook_id")
}
