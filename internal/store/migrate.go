package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order. Their file names
// start with the version number: 0001_init.sql.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number", e.Name())
		}
		body, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", m.name, i+1)
		}
	}
	return out, nil
}

// SchemaVersion is the newest schema this build knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// checkVersion reads an existing file without changing it and refuses a
// schema newer than this build knows, or a file that is not ours.
func checkVersion(ctx context.Context, path string) error {
	_, err := schemaOf(ctx, path, dsn(path, true))
	return err
}

// schemaOf reads the schema version of the database at path through the
// read-only data source name ro, refusing a schema newer than this build
// knows and a file that is not ours. An empty file is schema 0.
func schemaOf(ctx context.Context, path, ro string) (int, error) {
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		return 0, nil
	}
	db, err := sql.Open("sqlite", ro)
	if err != nil {
		return 0, fmt.Errorf("open store %s: %w", path, err)
	}
	defer db.Close()
	var tables int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).Scan(&tables)
	if err != nil {
		return 0, fmt.Errorf("open store %s: %w", path, classify(err))
	}
	if tables == 0 {
		var any int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&any); err != nil {
			return 0, fmt.Errorf("open store %s: %w", path, classify(err))
		}
		if any > 0 {
			return 0, fmt.Errorf("open store %s: %w (it holds tables of another program)", path, ErrNotADatabase)
		}
		return 0, nil
	}
	var v int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("open store %s: %w", path, classify(err))
	}
	if known := SchemaVersion(); v > known {
		return v, fmt.Errorf("open store %s: %w (schema %d, this version knows up to %d); install the newer Ernstfall to open it — the file was not changed",
			path, ErrNewerSchema, v, known)
	}
	return v, nil
}

// migrate brings the schema up to date, one transaction per migration,
// after a backup of any database that already holds data.
func (s *Store) migrate(ctx context.Context, opt Options) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Read first: a database that is up to date is not written to, so
	// opening it never waits for another program's write.
	var current, tables int
	if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`).Scan(&tables); err != nil {
		return fmt.Errorf("migrate %s: %w", s.path, classify(err))
	}
	if tables > 0 {
		if err := s.w.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&current); err != nil {
			return fmt.Errorf("migrate %s: %w", s.path, classify(err))
		}
	}
	if current >= len(ms) {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate %s: %w", s.path, classify(err))
	}
	if current > 0 {
		if _, err := s.AutoBackup(ctx, fmt.Sprintf("%s-%d", ReasonSchema, current+1), opt.KeepBackups); err != nil {
			return fmt.Errorf("migrate %s: backup first: %w", s.path, err)
		}
	}
	for _, m := range ms[current:] {
		if err := s.apply(ctx, m); err != nil {
			return fmt.Errorf("migrate %s to schema %d (%s): %w", s.path, m.version, m.name, err)
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, m migration) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version(version, applied_at) VALUES (?, ?)`,
		m.version, s.now().UTC().Format(timeFormat)); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	bad := rows.Next()
	rows.Close()
	if bad {
		return errors.New("foreign key check failed after migration")
	}
	return tx.Commit()
}
