package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Retention of automatic backups, per reason: the newest KeepBackups
// (default 5), and besides them the newest of each of the last
// keepDaily days and of each of the last keepWeekly weeks that have one.
const (
	keepDaily  = 7
	keepWeekly = 4
)

// partialPrefix starts the name of a backup while it is written; it gets
// its real name only once it is checked.
const partialPrefix = ".partial-"

// abandonedAfter is how long a partial backup may sit unchanged before it
// counts as left by a writer that died (another process may be writing it
// right now).
const abandonedAfter = 2 * time.Minute

// Backup writes a consistent, checked copy of the database to path. An
// existing file at path is refused.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := s.writeBackup(ctx, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// AutoBackup writes a backup named after its reason into the backup folder
// and prunes that reason's backups: the newest keep stay, and the newest
// of each of the last 7 days and 4 weeks. Partial and damaged backups
// never count and are removed, as are files left by interrupted backups.
func (s *Store) AutoBackup(ctx context.Context, reason string, keep int) (string, error) {
	if keep <= 0 {
		keep = 5
	}
	s.cleanBackupDir()
	path, err := s.newBackupPath(reason)
	if err != nil {
		return "", fmt.Errorf("backup before %s: %w", reason, err)
	}
	info, err := s.writeBackup(ctx, path)
	if err != nil {
		return "", fmt.Errorf("backup before %s: %w", reason, err)
	}
	if err := s.pruneBackups(ctx, reason, keep, info.HandbookID); err != nil {
		return path, err
	}
	return path, nil
}

// newBackupPath names a new backup: reason and UTC time to the
// millisecond, one millisecond on when that name is taken.
func (s *Store) newBackupPath(reason string) (string, error) {
	at := s.now().UTC()
	for range 1000 {
		p := filepath.Join(s.backupDir, fmt.Sprintf("%s-%s.db", reason, at.Format("20060102-150405.000")))
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p, nil
		}
		at = at.Add(time.Millisecond)
	}
	return "", errors.New("no free backup name")
}

// writeBackup copies the database with VACUUM INTO to a temporary name
// beside path, checks the copy (SQLite's integrity check, and that it
// holds every record the database held), makes it durable and only then
// renames it to path. A copy cut off by a crash never carries a backup's
// name.
func (s *Store) writeBackup(ctx context.Context, path string) (BackupInfo, error) {
	if _, err := os.Lstat(path); err == nil {
		return BackupInfo{}, fmt.Errorf("%s exists already", path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return BackupInfo{}, err
	}
	tmp := filepath.Join(dir, partialPrefix+filepath.Base(path))
	removeWithJournals(tmp)
	before, err := s.recordCount(ctx)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("count records: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		removeWithJournals(tmp)
		return BackupInfo{}, err
	}
	after, err := s.recordCount(ctx)
	if err != nil {
		removeWithJournals(tmp)
		return BackupInfo{}, fmt.Errorf("count records: %w", err)
	}
	info, err := s.checkCopy(ctx, tmp, before, after)
	if err != nil {
		removeWithJournals(tmp)
		return info, err
	}
	if err := syncFile(tmp); err != nil {
		removeWithJournals(tmp)
		return info, err
	}
	if _, err := os.Lstat(path); err == nil {
		removeWithJournals(tmp)
		return info, fmt.Errorf("%s exists already", path)
	}
	if err := os.Rename(tmp, path); err != nil {
		removeWithJournals(tmp)
		return info, err
	}
	syncDir(dir)
	info.Path = path
	s.rememberChecked(path, info.HandbookID)
	return info, nil
}

// checkCopy runs the integrity check on a fresh copy and compares its
// record count with the database's before and after the copy (records are
// never removed, so a whole copy lies between the two).
func (s *Store) checkCopy(ctx context.Context, path string, before, after int) (BackupInfo, error) {
	info, err := inspect(ctx, path, true)
	if err != nil {
		return info, err
	}
	if info.Problem != "" {
		return info, fmt.Errorf("the copy failed its check: %s", info.Problem)
	}
	if n := info.Records + info.Deleted; n < before || n > after {
		return info, fmt.Errorf("the copy holds %d records, the handbook %d", n, before)
	}
	return info, nil
}

// pruneBackups applies the retention to one reason's backups of the
// handbook ours. Files that fail the quick check (partial, damaged) are
// removed first and never take the place of a whole backup. A file that cannot be removed (on Windows:
// open in another program, say a database viewer) stays for a later round:
// pruning is housekeeping and never stops the sync or migration whose
// backup was just written.
func (s *Store) pruneBackups(ctx context.Context, reason string, keep int, ours string) error {
	entries, err := os.ReadDir(s.backupDir)
	if err != nil {
		return fmt.Errorf("prune backups: %w", err)
	}
	type cand struct {
		path string
		at   time.Time
	}
	// Several databases in one folder (the handbook and the demo) share
	// the backup folder: a backup of another handbook is none of this
	// one's business and never pushes one of ours out.
	var good []cand
	for _, e := range entries {
		r, at, ok := parseBackupName(e.Name())
		if !ok || r != reason {
			continue
		}
		p := filepath.Join(s.backupDir, e.Name())
		id, ok := s.quickOK(ctx, p)
		if !ok {
			_ = removeWithJournals(p)
			continue
		}
		if ours != "" && id != "" && id != ours {
			continue
		}
		good = append(good, cand{p, at})
	}
	times := make([]time.Time, len(good))
	for i, c := range good {
		times[i] = c.at
	}
	kept := retainNow(times, s.now(), keep, keepDaily, keepWeekly, time.Local)
	for i, c := range good {
		if kept[i] {
			continue
		}
		if err := removeWithJournals(c.path); err == nil {
			s.forgetChecked(c.path)
		}
	}
	return nil
}

// futureSlack is how far ahead of the clock a backup's time may lie and
// still count as written now.
const futureSlack = time.Hour

// retainNow is retain for the backups of a computer whose clock may have
// jumped: backups named after a time that has not come yet (written while
// the clock ran ahead) never take the place of the others. Of them only
// the newest last stay, and the others are kept by retain as if they were
// alone.
func retainNow(times []time.Time, now time.Time, last, daily, weekly int, loc *time.Location) []bool {
	var past, future []int
	for i, t := range times {
		if t.After(now.Add(futureSlack)) {
			future = append(future, i)
		} else {
			past = append(past, i)
		}
	}
	kept := make([]bool, len(times))
	pick := func(idx []int, last, daily, weekly int) {
		sub := make([]time.Time, len(idx))
		for j, i := range idx {
			sub[j] = times[i]
		}
		for j, k := range retain(sub, last, daily, weekly, loc) {
			kept[idx[j]] = k
		}
	}
	pick(past, last, daily, weekly)
	pick(future, last, 0, 0)
	return kept
}

// retain says which of the backups written at the given times a
// grandfather-father-son rotation keeps: the newest last, and the newest of
// each of the newest daily calendar days and weekly ISO weeks that have a
// backup (so a laptop left off for a month keeps its old backups).
func retain(times []time.Time, last, daily, weekly int, loc *time.Location) []bool {
	order := make([]int, len(times))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return times[order[a]].After(times[order[b]]) })
	kept := make([]bool, len(times))
	days, weeks := map[string]bool{}, map[string]bool{}
	for n, i := range order {
		t := times[i].In(loc)
		if n < last {
			kept[i] = true
		}
		if d := t.Format("2006-01-02"); !days[d] && len(days) < daily {
			days[d] = true
			kept[i] = true
		}
		y, w := t.ISOWeek()
		if k := fmt.Sprintf("%d-%02d", y, w); !weeks[k] && len(weeks) < weekly {
			weeks[k] = true
			kept[i] = true
		}
	}
	return kept
}

// quickOK checks a backup's header, size and tables, once per version of
// the file (the full integrity check ran when it was written), and returns
// the handbook it holds.
func (s *Store) quickOK(ctx context.Context, path string) (handbookID string, ok bool) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", false
	}
	key := checkedKey{path, fi.Size(), fi.ModTime()}
	s.checkedMu.Lock()
	id, ok := s.checked[key]
	s.checkedMu.Unlock()
	if ok {
		return id, true
	}
	info, err := inspect(ctx, path, false)
	if err != nil || info.Problem != "" {
		return "", false
	}
	s.checkedMu.Lock()
	s.checked[key] = info.HandbookID
	s.checkedMu.Unlock()
	return info.HandbookID, true
}

type checkedKey struct {
	path string
	size int64
	mod  time.Time
}

func (s *Store) rememberChecked(path, handbookID string) {
	fi, err := os.Lstat(path)
	if err != nil {
		return
	}
	s.checkedMu.Lock()
	s.checked[checkedKey{path, fi.Size(), fi.ModTime()}] = handbookID
	s.checkedMu.Unlock()
}

func (s *Store) forgetChecked(path string) {
	s.checkedMu.Lock()
	defer s.checkedMu.Unlock()
	for k := range s.checked {
		if k.path == path {
			delete(s.checked, k)
		}
	}
}

// cleanBackupDir removes what interrupted backups left: partial copies
// nobody has written to for a while, and SQLite journals whose database
// is gone.
func (s *Store) cleanBackupDir() {
	entries, err := os.ReadDir(s.backupDir)
	if err != nil {
		return
	}
	cutoff := time.Now().Add(-abandonedAfter)
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(s.backupDir, name)
		if !e.Type().IsRegular() {
			continue
		}
		if strings.HasPrefix(name, partialPrefix) {
			if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
				os.Remove(p)
			}
			continue
		}
		for _, suffix := range journalSuffixes {
			if db, ok := strings.CutSuffix(name, suffix); ok {
				if _, err := os.Lstat(filepath.Join(s.backupDir, db)); errors.Is(err, os.ErrNotExist) {
					os.Remove(p)
				}
			}
		}
	}
}

var journalSuffixes = []string{"-journal", "-wal", "-shm"}

// removeWithJournals removes a database file and any journal beside it.
func removeWithJournals(path string) error {
	err := os.Remove(path)
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	for _, suffix := range journalSuffixes {
		os.Remove(path + suffix)
	}
	return err
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename durable where the system allows it (not on
// Windows, where opening a folder fails; the rename is durable there).
func syncDir(dir string) {
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = f.Sync()
	f.Close()
}
