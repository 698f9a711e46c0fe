package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database to path (VACUUM INTO).
// An existing file at path is refused.
func (s *Store) Backup(ctx context.Context, path string) error {
	if err := s.backupInto(ctx, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// AutoBackup writes a backup named after its reason into the backup folder
// beside the database and keeps the newest keep of that reason.
func (s *Store) AutoBackup(ctx context.Context, reason string, keep int) (string, error) {
	dir := filepath.Join(filepath.Dir(s.path), "backups")
	name := fmt.Sprintf("%s-%s.db", reason, s.now().UTC().Format("20060102-150405.000"))
	path := filepath.Join(dir, name)
	if err := s.backupInto(ctx, path); err != nil {
		return "", fmt.Errorf("backup before %s: %w", reason, err)
	}
	if err := prune(dir, reason+"-", keep); err != nil {
		return path, err
	}
	return path, nil
}

func (s *Store) backupInto(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists already", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if _, err := s.w.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}
