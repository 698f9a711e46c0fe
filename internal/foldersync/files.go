package foldersync

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"ernstfall/internal/atomicfile"
)

// share is the protocol folder "ernstfall" inside the shared folder. All
// access goes through an os.Root, so no path, symbolic link or ".." can
// reach outside it; the protocol's own folders and files must moreover be
// real folders and files, not links.
type share struct {
	folder string
	root   *os.Root
	// beforeWrite, when set, is called before each file is written and
	// may fail it (tests: full disk, read-only folder).
	beforeWrite func(path string) error
}

// protocolEntries are the folders and files of the protocol; each must be
// what it claims, never a symbolic link.
var protocolEntries = []struct {
	name string
	dir  bool
}{{"log", true}, {"devices", true}, {"snapshots", true}, {dirCheckpoints, true}, {"requests", true}, {"keys", true}, {"FORMAT", false}}

// openShare opens the protocol folder below folder, creating it when
// missing. A missing shared folder is ErrUnreachable; a protocol folder or
// file that is a symbolic link (or the wrong kind of entry) is ErrUnsafe.
func openShare(folder string, beforeWrite func(string) error) (*share, error) {
	fi, err := os.Stat(folder)
	if err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("sync with %s: %w", folder, ErrUnreachable)
	}
	outer, err := os.OpenRoot(folder)
	if err != nil {
		return nil, fmt.Errorf("sync with %s: %w: %w", folder, ErrUnreachable, err)
	}
	defer outer.Close()
	if err := checkEntry(outer, "ernstfall", true); errors.Is(err, fs.ErrNotExist) {
		if err := outer.Mkdir("ernstfall", 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("sync with %s: set up the shared folder: %w: %w", folder, ErrNotWritten, err)
		}
		err = checkEntry(outer, "ernstfall", true)
	} else if err != nil {
		return nil, fmt.Errorf("sync with %s: %w", folder, err)
	}
	root, err := outer.OpenRoot("ernstfall")
	if err != nil {
		return nil, fmt.Errorf("sync with %s: %w: %w", folder, ErrUnreachable, err)
	}
	s := &share{folder: folder, root: root, beforeWrite: beforeWrite}
	for _, e := range protocolEntries {
		if err := checkEntry(root, e.name, e.dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			root.Close()
			return nil, fmt.Errorf("sync with %s: %w", folder, err)
		}
	}
	return s, nil
}

func (s *share) Close() error { return s.root.Close() }

// checkEntry makes sure name is a real folder (dir) or a regular file,
// not a symbolic link. A missing entry gives fs.ErrNotExist.
func checkEntry(root *os.Root, name string, dir bool) error {
	fi, err := root.Lstat(name)
	switch {
	case err != nil:
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%w: ernstfall/%s is a symbolic link; Ernstfall never follows links in the shared folder. Replace it with a real %s",
			ErrUnsafe, strings.TrimPrefix(name, "ernstfall/"), map[bool]string{true: "folder", false: "file"}[dir])
	case dir && !fi.IsDir():
		return fmt.Errorf("%w: ernstfall/%s is not a folder", ErrUnsafe, name)
	case !dir && !fi.Mode().IsRegular():
		return fmt.Errorf("%w: ernstfall/%s is not a regular file", ErrUnsafe, name)
	}
	return nil
}

// ensureDir makes the folder rel (slash-separated, below the protocol
// folder) and every parent, refusing links on the way.
func (s *share) ensureDir(rel string) error {
	parts := strings.Split(rel, "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		err := checkEntry(s.root, p, true)
		if errors.Is(err, fs.ErrNotExist) {
			if err := s.root.Mkdir(p, 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			err = checkEntry(s.root, p, true)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// readDir lists a folder of the protocol; a missing one is empty.
func (s *share) readDir(rel string) ([]fs.DirEntry, error) {
	f, err := s.root.Open(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

// readLimited reads a regular file no larger than limit, checking the size
// before reading anything, without following a symbolic link put in its
// place.
func (s *share) readLimited(rel string, limit int64) ([]byte, error) {
	fi, err := s.root.Lstat(rel)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, errors.New("a symbolic link; not followed")
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("oversized (%d bytes, the limit is %d); not read", fi.Size(), limit)
	}
	return s.readOpened(rel, fi, limit)
}

// readOpened reads rel, which was checked as fi, at most limit bytes.
func (s *share) readOpened(rel string, fi fs.FileInfo, limit int64) ([]byte, error) {
	// Opened without blocking, and checked again on the open file: a FIFO
	// put in the file's place after the check would otherwise hold the
	// round forever.
	f, err := s.root.OpenFile(rel, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	defer f.Close()
	if now, err := f.Stat(); err != nil || !now.Mode().IsRegular() || !os.SameFile(fi, now) {
		return nil, errors.New("replaced while it was read; retried next sync")
	}
	// The file may grow between the check and the read: never read more
	// than the limit.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("oversized (more than %d bytes); not read", limit)
	}
	return data, nil
}

// writeTemp writes data to a new temp file in rel's folder and syncs it to
// disk. The temp name starts with a dot, so readers pass it over. The file
// is created with the user's umask, not private to the user: the other
// members of a shared Linux folder must be able to read it.
func (s *share) writeTemp(rel string, data []byte) (string, error) {
	dir := path.Dir(rel)
	if err := s.ensureDir(dir); err != nil {
		return "", err
	}
	if s.beforeWrite != nil {
		if err := s.beforeWrite(filepath.Join(s.folder, "ernstfall", filepath.FromSlash(rel))); err != nil {
			return "", err
		}
	}
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", err
	}
	tmp := tempName(rel, hex.EncodeToString(rnd[:]))
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.root.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// errExists: a file that must be new is there already.
var errExists = errors.New("exists already")

// writeNew makes a new file at rel that is complete the moment it
// appears: temp file, sync, then a link (or rename) that never replaces an
// existing file. An existing file gives errExists.
func (s *share) writeNew(rel string, data []byte) error {
	tmp, err := s.writeTemp(rel, data)
	if err != nil {
		return err
	}
	defer s.root.Remove(tmp)
	err = s.root.Link(tmp, rel)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// Some shares and USB file systems have no hard links.
		if _, serr := s.root.Lstat(rel); errors.Is(serr, fs.ErrNotExist) {
			err = s.root.Rename(tmp, rel)
		}
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s %w", path.Base(rel), errExists)
	}
	if err != nil {
		return err
	}
	s.syncDir(path.Dir(rel))
	return nil
}

// createOnce writes rel unless it exists already (another laptop was
// faster); either way the file is there afterwards.
func (s *share) createOnce(rel string, data []byte) error {
	err := s.writeNew(rel, data)
	if errors.Is(err, errExists) {
		return nil
	}
	return err
}

// replace writes rel whole, replacing the previous version atomically.
// On Windows another laptop reading the file over the share holds it open
// for a moment; the rename waits for that.
func (s *share) replace(rel string, data []byte) error {
	if err := checkEntry(s.root, rel, false); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp, err := s.writeTemp(rel, data)
	if err != nil {
		return err
	}
	rename := func() error { return s.root.Rename(tmp, rel) }
	if err := atomicfile.RetryWhileHeld(rename, func() (fs.FileInfo, error) { return s.root.Stat(rel) }); err != nil {
		s.root.Remove(tmp)
		return err
	}
	s.syncDir(path.Dir(rel))
	return nil
}

// remove deletes the file rel (never what a link points to), and makes
// that durable where the file system allows it.
func (s *share) remove(rel string) error {
	if err := s.root.Remove(rel); err != nil {
		return err
	}
	s.syncDir(path.Dir(rel))
	return nil
}

// syncDir makes a rename durable where the file system allows it; shares
// that refuse are still correct, only less durable on power loss.
func (s *share) syncDir(rel string) {
	if d, err := s.root.Open(rel); err == nil {
		d.Sync()
		d.Close()
	}
}

// removeTemps deletes the temp files an interrupted round of this laptop
// left in its own folder, so other laptops stop reporting them.
func (s *share) removeTemps(rel string) {
	if checkEntry(s.root, rel, true) != nil {
		return
	}
	entries, err := s.readDir(rel)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && strings.HasSuffix(e.Name(), ".tmp") && e.Type().IsRegular() {
			s.root.Remove(path.Join(rel, e.Name()))
		}
	}
}
