// Package store keeps a handbook in one SQLite file: records, their
// field-level change history for sync, full-text search and backups. It is
// the only package that speaks SQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
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
	// ErrReadOnly: the handbook is open read-only, or its file or folder
	// cannot be written (a write-protected stick, a read-only share).
	ErrReadOnly = errors.New("the handbook is read-only")
	// ErrDiskFull: the disk (or the user's quota) has no room for a write.
	ErrDiskFull = errors.New("the disk is full")
	// ErrBusy: another program held the handbook's write lock for longer
	// than the wait allowed (Options.BusyTimeout).
	ErrBusy = errors.New("the handbook is busy: another program is writing to it")
	// ErrIDTaken: an imported record has the ID of another record of
	// another kind, or of another record of the same import.
	ErrIDTaken = errors.New("the id is already another record's")
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
	// time, with the handbook each holds, so pruning does not read them
	// again every round.
	checkedMu sync.Mutex
	checked   map[checkedKey]string
	// notices tells subscribers what each commit changed.
	notices notices
	// outside notices commits by other programs (CheckOutside).
	outside outside
	// search holds the search's statements, prepared on first use.
	search searchStatements
	// readOnly: opened with Options.ReadOnly; every write is ErrReadOnly.
	readOnly bool
	// snapshot is the private folder holding a copy that is read instead
	// of a file whose WAL cannot be read in place; removed at Close.
	snapshot string
	// savedHLC is the clock reading stored at open; Close stores the
	// clock only when it moved on.
	savedHLC int64
	// edit is the edit the running write transaction's changes belong to
	// (the clock reading of its first change); 0 until it writes one.
	// Only one write transaction runs at a time (one writer connection).
	edit hlc.Timestamp
	// historic, when set, stamps the running transaction's changes from
	// this reading on instead of the clock, as historicAuthor's (ImportAt).
	historic       hlc.Timestamp
	historicAuthor string
	// held, when set, collects the running transaction's search entries
	// (holdIndex).
	held *heldIndex
	// author names the person whose edits this store writes (SetAuthor).
	authorMu sync.Mutex
	author   string
	// readAlways makes merges read what is stored even in an empty
	// database (tests compare that with the shortcut, see merge.empty).
	readAlways bool
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
	// BusyTimeout is how long a write waits for another program's write
	// to end before it fails with ErrBusy; default 10 s.
	BusyTimeout time.Duration
	// ReadOnly opens an existing database for reading only: nothing on
	// the disk changes, no lock is taken that a writer waits for, and it
	// works on a read-only file or folder. Writes return ErrReadOnly.
	ReadOnly bool
}

func dsn(path string, readOnly bool) string {
	return dsnWait(path, readOnly, defaultBusyTimeout)
}

const defaultBusyTimeout = 10 * time.Second

func dsnWait(path string, readOnly bool, busy time.Duration) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
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
// unchanged with ErrNewerSchema; one whose file or folder cannot be
// written with ErrReadOnly (open it with Options.ReadOnly). Opening takes
// no write lock unless the file needs a migration or is new, so it never
// waits for another program's long write.
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
	if opt.ReadOnly {
		return openReadOnly(ctx, path, abs, opt)
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
		if err := checkWritable(abs); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
		if err := checkVersion(ctx, abs); err != nil {
			return nil, err
		}
	}
	if opt.BusyTimeout <= 0 {
		opt.BusyTimeout = defaultBusyTimeout
	}
	w, err := sql.Open("sqlite", dsnWait(abs, false, opt.BusyTimeout))
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	if _, err := w.ExecContext(ctx, "PRAGMA journal_mode=WAL"); err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, classify(err))
	}
	s := &Store{path: abs, backupDir: opt.BackupDir, w: w, now: opt.Now, checked: map[checkedKey]string{}}
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

// classify turns SQLite's words for a foreign file into ErrNotADatabase,
// and for a file it may not write into ErrReadOnly.
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
	for _, s := range []string{"database or disk is full", "SQLITE_FULL", "file too large", "no space left on device", "disk quota exceeded"} {
		if strings.Contains(msg, s) {
			return fmt.Errorf("%w: %v", ErrDiskFull, err)
		}
	}
	for _, s := range []string{"database is locked", "SQLITE_BUSY"} {
		if strings.Contains(msg, s) {
			return fmt.Errorf("%w: %v", ErrBusy, err)
		}
	}
	for _, s := range []string{"readonly database", "SQLITE_READONLY"} {
		if strings.Contains(msg, s) {
			return fmt.Errorf("%w: %v", ErrReadOnly, err)
		}
	}
	return err
}

// checkWritable returns ErrReadOnly when the database file or its folder
// cannot be written: SQLite needs both (the WAL and its index live beside
// the file).
func checkWritable(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		if readOnlyErr(err) {
			return fmt.Errorf("%w: %s cannot be written (%v)", ErrReadOnly, path, err)
		}
		return err
	}
	f.Close()
	probe, err := os.CreateTemp(filepath.Dir(path), ".ernstfall-probe-*")
	if err != nil {
		if readOnlyErr(err) {
			return fmt.Errorf("%w: the folder %s cannot be written (%v)", ErrReadOnly, filepath.Dir(path), err)
		}
		return err
	}
	probe.Close()
	return os.Remove(probe.Name())
}

func readOnlyErr(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.EPERM)
}

// openReadOnly opens an existing database for reading (Options.ReadOnly).
// SQLite reads a database in WAL mode through an index file beside it; in
// a folder it cannot write, and with no index there, the file is opened
// as immutable, which is right only when no WAL holds changes the file
// lacks. Such a WAL (a writer that crashed, or a copy taken while it ran)
// cannot be read there, and is refused with a message saying so.
func openReadOnly(ctx context.Context, path, abs string, opt Options) (*Store, error) {
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("open store %s: %w: it is a folder; name the database file inside it (for example %s)",
			path, ErrNotADatabase, filepath.Join(path, "handbook.db"))
	}
	// A file nobody can write here, with no WAL beside it, cannot change
	// while it is read: immutable reads it without the WAL index, and so
	// without leaving -wal and -shm files beside it.
	wal, werr := os.Stat(abs + "-wal")
	pending := werr == nil && wal.Size() > 0
	immutable := !pending && checkWritable(abs) != nil
	ro := roDSN(abs, immutable)
	var snapshot string
	if err := probe(ctx, ro); err != nil {
		if !pending {
			ro = roDSN(abs, true)
			if err := probe(ctx, ro); err != nil {
				return nil, fmt.Errorf("open store %s: %w", path, classify(err))
			}
		} else if snapshot, err = snapshotWAL(abs); err != nil {
			return nil, fmt.Errorf("open store %s: %w: its latest changes are still in %s, which cannot be read in a folder that cannot be written (%v); copy the handbook with its -wal file to a writable folder and open it there",
				path, ErrReadOnly, filepath.Base(abs)+"-wal", err)
		} else {
			ro = roDSN(filepath.Join(snapshot, filepath.Base(abs)), false)
		}
	}
	s := &Store{path: abs, backupDir: opt.BackupDir, now: opt.Now, checked: map[checkedKey]string{}, readOnly: true, snapshot: snapshot}
	if err := s.openReaders(ctx, path, ro); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// snapshotWAL copies a database and its WAL into a new private folder, so
// that SQLite can read the changes the WAL holds where no index for it
// can be made beside the original (a read-only folder). The copy is
// removed at Close.
func snapshotWAL(abs string) (string, error) {
	dir, err := os.MkdirTemp("", "ernstfall-readonly-")
	if err != nil {
		return "", err
	}
	for _, suffix := range []string{"", "-wal"} {
		if err := copyPlain(abs+suffix, filepath.Join(dir, filepath.Base(abs)+suffix)); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}

func copyPlain(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// openReaders finishes a read-only open through the data source name ro.
func (s *Store) openReaders(ctx context.Context, path, ro string) error {
	v, err := schemaOf(ctx, s.path, ro)
	if err != nil {
		return err
	}
	switch known := SchemaVersion(); {
	case v == 0:
		return fmt.Errorf("open store %s: %w: it holds no handbook yet", path, ErrNotADatabase)
	case v < known:
		return fmt.Errorf("open store %s: %w: it was written by an older Ernstfall (schema %d, this one uses %d) and needs an update that cannot be made read-only; open it once where it can be written, or copy it to a writable folder",
			path, ErrReadOnly, v, known)
	}
	if s.r, err = sql.Open("sqlite", ro); err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(4)
	if s.w, err = sql.Open("sqlite", ro); err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	s.w.SetMaxOpenConns(1)
	return s.loadIdentity(ctx)
}

// roDSN reads a database without a lock a writer would wait for;
// immutable also without the WAL index.
func roDSN(path string, immutable bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Set("mode", "ro")
	if immutable {
		q.Set("immutable", "1")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// probe opens a database through dsn and reads its schema.
func probe(ctx context.Context, dsn string) error {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var n int
	return db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n)
}

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Close closes the database.
func (s *Store) Close() error {
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		// The clock is saved only when this store moved it on: closing
		// after reading never writes, and never waits for another writer.
		if s.clock != nil && !s.readOnly && int64(s.clock.Last()) > s.savedHLC {
			_, err := s.w.Exec(`INSERT INTO meta(key, value) VALUES ('hlc_last', ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(int64(s.clock.Last()), 10))
			errs = append(errs, err)
		}
		errs = append(errs, s.w.Close())
	}
	if s.snapshot != "" {
		errs = append(errs, os.RemoveAll(s.snapshot))
	}
	return errors.Join(errs...)
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Device is this database's device ID, the author of its changes.
func (s *Store) Device() string { return s.device }

// loadIdentity reads (or makes, on a new file) the device ID, the handbook
// ID and the last clock reading. It only reads unless something is
// missing, so that opening a handbook takes no write lock.
func (s *Store) loadIdentity(ctx context.Context) error {
	read := func(key string) (string, bool, error) {
		var v string
		err := s.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return "", false, nil
		}
		return v, err == nil, err
	}
	device, haveDevice, err := read("device_id")
	if err != nil {
		return fmt.Errorf("open store: device id: %w", err)
	}
	_, haveHandbook, err := read("handbook_id")
	if err != nil {
		return fmt.Errorf("open store: handbook id: %w", err)
	}
	last, _, err := read("hlc_last")
	if err != nil {
		return fmt.Errorf("open store: clock: %w", err)
	}
	if (!haveDevice || !haveHandbook) && !s.readOnly {
		if device, err = s.makeIdentity(ctx); err != nil {
			return err
		}
	}
	s.device = device
	n, _ := strconv.ParseInt(last, 10, 64)
	s.savedHLC = n
	// The field versions and the outbox may hold a newer reading than the
	// one saved at close (a crash). All of them count only up to the bound
	// past this laptop's wall clock, so that a laptop with a wrong clock
	// cannot drag this one along for good (nor a change of this laptop
	// stamped after such a reading, see stamp). A reading issued again
	// after a crash cannot clash: a change to a field is always stamped
	// above every version of that field.
	var seen, own sql.NullInt64
	if err := s.w.QueryRowContext(ctx, `SELECT max(hlc) FROM field_versions`).Scan(&seen); err != nil {
		return fmt.Errorf("open store: clock: %w", err)
	}
	if err := s.w.QueryRowContext(ctx, `SELECT max(hlc) FROM outbox WHERE device = ?`, s.device).Scan(&own); err != nil {
		return fmt.Errorf("open store: clock: %w", err)
	}
	n = min(max(n, seen.Int64, own.Int64), int64(hlc.Bound(s.now())))
	s.clock = hlc.NewClock(s.now, hlc.Timestamp(n))
	return nil
}

// makeIdentity gives a new database its device and handbook IDs, in one
// write transaction, and returns the device ID.
func (s *Store) makeIdentity(ctx context.Context) (string, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("open store: %w", err)
	}
	defer tx.Rollback()
	get := func(key string) (string, error) {
		var v string
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			v = handbook.NewID()
			_, err = tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?)`, key, v)
		}
		return v, err
	}
	device, err := get("device_id")
	if err != nil {
		return "", fmt.Errorf("open store: device id: %w", err)
	}
	if _, err := get("handbook_id"); err != nil {
		return "", fmt.Errorf("open store: handbook id: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("open store: %w", err)
	}
	return device, nil
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
	if s.readOnly {
		return fmt.Errorf("save setting %s: %w", key, ErrReadOnly)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("save setting %s: %w", key, classify(err))
	}
	s.notices.publish([]Notice{{EntityMeta, key}})
	return nil
}

// HandbookID identifies the handbook this database holds; every laptop
// sharing a handbook has the same one.
func (s *Store) HandbookID(ctx context.Context) (string, error) {
	return s.Meta(ctx, "handbook_id")
}
