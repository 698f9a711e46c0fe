package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"ernstfall/internal/handbook"
)

// Reasons for an automatic backup; the first part of its file name.
const (
	ReasonSync    = "before-sync"
	ReasonRestore = "before-restore"
	// ReasonSchema is followed by the schema number the migration goes to.
	ReasonSchema = "before-schema"
)

// ErrBadBackup: a file is not a whole, readable backup of an Ernstfall
// handbook (partial, damaged, or something else).
var ErrBadBackup = errors.New("not a usable backup")

// BackupInfo describes one backup file.
type BackupInfo struct {
	Path string
	// Reason is why it was written (ReasonSync, …); empty for a file not
	// named like an automatic backup.
	Reason string
	// At is when it was written (from its name; else the file's time).
	At   time.Time
	Size int64
	// Records counts the live records, Deleted the tombstones; Counts the
	// live records per kind.
	Records, Deleted int
	Counts           map[handbook.Entity]int
	HandbookID       string
	Schema           int
	// Problem says why the file cannot be used; empty when it can.
	Problem string
}

// backupName matches an automatic backup's file name:
// <reason>-<UTC time>.db, the time as 20060102-150405 with optional
// milliseconds.
var backupName = regexp.MustCompile(`^([a-z]+(?:-[a-z]+)*(?:-[0-9]+)?)-([0-9]{8}-[0-9]{6}(?:\.[0-9]{3})?)\.db$`)

// parseBackupName reads the reason and time out of an automatic backup's
// file name.
func parseBackupName(name string) (reason string, at time.Time, ok bool) {
	m := backupName.FindStringSubmatch(name)
	if m == nil {
		return "", time.Time{}, false
	}
	layout := "20060102-150405"
	if strings.Contains(m[2], ".") {
		layout += ".000"
	}
	t, err := time.ParseInLocation(layout, m[2], time.UTC)
	if err != nil {
		return "", time.Time{}, false
	}
	return m[1], t, true
}

// InspectBackup checks a backup file thoroughly (its size against its
// header, SQLite's integrity check, the schema) and counts its records.
// A file that fails is reported with ErrBadBackup and a reason a person
// understands.
func InspectBackup(ctx context.Context, path string) (BackupInfo, error) {
	info, err := inspect(ctx, path, true)
	if err != nil {
		return info, err
	}
	switch {
	case info.Schema > SchemaVersion():
		return info, fmt.Errorf("%s: %w: %w", path, ErrBadBackup, ErrNewerSchema)
	case info.Problem != "":
		return info, fmt.Errorf("%s: %w: %s", path, ErrBadBackup, info.Problem)
	}
	return info, nil
}

// inspect reads a backup without changing it. With full, SQLite's
// integrity check runs too; without, only the header, the size and the
// tables are checked (a partial file fails those).
func inspect(ctx context.Context, path string, full bool) (BackupInfo, error) {
	info := BackupInfo{Path: path, Counts: map[handbook.Entity]int{}}
	fi, err := os.Lstat(path)
	if err != nil {
		return info, fmt.Errorf("backup %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		info.Problem = "not a regular file"
		return info, nil
	}
	info.Size = fi.Size()
	info.At = fi.ModTime()
	if reason, at, ok := parseBackupName(filepath.Base(path)); ok {
		info.Reason, info.At = reason, at
	}
	if p := checkHeader(path, fi.Size()); p != "" {
		info.Problem = p
		return info, nil
	}
	db, err := sql.Open("sqlite", backupDSN(path))
	if err != nil {
		return info, fmt.Errorf("backup %s: %w", path, err)
	}
	defer db.Close()
	if full {
		var res string
		if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
			info.Problem = "damaged: " + err.Error()
			return info, nil
		}
		if res != "ok" {
			info.Problem = "damaged: " + res
			return info, nil
		}
	}
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&info.Schema); err != nil {
		info.Problem = "not an Ernstfall database: " + err.Error()
		return info, nil
	}
	if info.Schema > SchemaVersion() {
		info.Problem = fmt.Sprintf("written by a newer Ernstfall (schema %d, this version knows up to %d)", info.Schema, SchemaVersion())
		return info, nil
	}
	if err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'handbook_id'`).Scan(&info.HandbookID); err != nil {
		info.Problem = "no handbook in it: " + err.Error()
		return info, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT entity, deleted, count(*) FROM records GROUP BY entity, deleted`)
	if err != nil {
		info.Problem = "records unreadable: " + err.Error()
		return info, nil
	}
	defer rows.Close()
	for rows.Next() {
		var e handbook.Entity
		var deleted bool
		var n int
		if err := rows.Scan(&e, &deleted, &n); err != nil {
			info.Problem = "records unreadable: " + err.Error()
			return info, nil
		}
		switch {
		case e == settingsEntity:
		case deleted:
			info.Deleted += n
		default:
			info.Records += n
			info.Counts[e] += n
		}
	}
	if err := rows.Err(); err != nil {
		info.Problem = "records unreadable: " + err.Error()
	}
	return info, nil
}

// backupDSN opens a backup read-only and immutable: no lock, no journal,
// nothing written beside it.
func backupDSN(path string) string {
	return dsn(path, true) + "&immutable=1"
}

// checkHeader compares the SQLite header with the file: a backup cut off
// while it was written is shorter than its header says.
func checkHeader(path string, size int64) string {
	f, err := os.Open(path)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	defer f.Close()
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return "partial: too short to be a database"
	}
	if string(h[:16]) != "SQLite format 3\x00" {
		return "partial or not a database: no SQLite header"
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(h[28:32]))
	valid := binary.BigEndian.Uint32(h[92:96]) == binary.BigEndian.Uint32(h[24:28])
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return "damaged: impossible page size"
	}
	if valid && pages*pageSize != size {
		return fmt.Sprintf("partial: %d of %d bytes", size, pages*pageSize)
	}
	if size%pageSize != 0 {
		return "partial: ends inside a page"
	}
	return ""
}

// Backups lists the backups in the backup folder, newest first, each
// checked thoroughly; files that cannot be used, and backups of another
// handbook whose database lives in the same folder, are listed with their
// Problem.
func (s *Store) Backups(ctx context.Context) ([]BackupInfo, error) {
	entries, err := os.ReadDir(s.backupDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	ours, _ := s.HandbookID(ctx)
	var out []BackupInfo
	for _, e := range entries {
		if _, _, ok := parseBackupName(e.Name()); !ok {
			continue
		}
		info, err := inspect(ctx, filepath.Join(s.backupDir, e.Name()), true)
		if err != nil {
			return nil, fmt.Errorf("list backups: %w", err)
		}
		if info.Problem == "" && ours != "" && info.HandbookID != "" && info.HandbookID != ours {
			// Another database in the same folder (the demo beside the
			// handbook) writes its backups here too.
			info.Problem = "a backup of another handbook (" + info.HandbookID + ")"
		}
		out = append(out, info)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out, nil
}

// recordCount counts every record, tombstones included: the number only
// grows, as records are never removed.
func (s *Store) recordCount(ctx context.Context) (int, error) {
	var n int
	err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE entity <> ?`, settingsEntity).Scan(&n)
	return n, err
}

// BackupDir is the folder of the automatic backups.
func (s *Store) BackupDir() string { return s.backupDir }
