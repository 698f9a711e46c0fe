package atomicfile

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// ErrNotDir: the target of ReplaceDir is a file, not a folder.
var ErrNotDir = errors.New("is a file, not a folder")

// Ours tells the entries of a folder that ReplaceDir's caller writes from
// the entries that belong to someone else (a .git folder, pictures beside
// the playbooks). rel is the entry's path below the folder with forward
// slashes; a folder that is ours is searched for entries that are not.
type Ours func(rel string, isDir bool) bool

// ReplaceDir replaces the folder dir as a whole with what fill writes into
// the new folder it is given. fill writes beside dir, the new folder is
// synced to disk and then swapped in by renaming, so that a crash or a
// kill at any moment leaves at dir either the old content or the new, each
// whole. Entries of the old folder that are not ours move into the new one
// before the swap; whatever a crash leaves beside dir is cleared up, and
// moved back, by the next ReplaceDir for the same folder.
//
// A dir that is a symbolic link is replaced where the link points. dir
// must not be the root of a drive: its parent has to take the new folder.
func ReplaceDir(dir string, ours Ours, fill func(tmp string) error) (err error) {
	target, err := resolveDir(dir)
	if err != nil {
		return err
	}
	parent, base := filepath.Dir(target), filepath.Base(target)
	if parent == target {
		return fmt.Errorf("%s is the root of a drive; name a folder inside it", dir)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("%w %s: %w", ErrCreate, parent, err)
	}
	recoverStale(parent, base, ours)
	mode := fs.FileMode(0o755)
	fi, statErr := os.Stat(target)
	if statErr == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := mkdirTemp(parent, base, ".new")
	if err != nil {
		return fmt.Errorf("%w %s (the new folder is written beside %s and then swapped in): %w", ErrCreate, parent, base, err)
	}
	if statErr == nil {
		_ = os.Chmod(tmp, mode)
	}
	defer lockDir(tmp)()
	swapped := false
	defer func() {
		if !swapped {
			_ = removeTree(tmp)
		}
	}()
	if err := fill(tmp); err != nil {
		return err
	}
	if err := syncTree(tmp); err != nil {
		return fmt.Errorf("write %s: %w", dir, err)
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		if err := os.Rename(tmp, target); err != nil {
			return fmt.Errorf("write %s: %w", dir, err)
		}
		swapped = true
		syncDir(parent)
		return nil
	}
	moved, err := moveForeign(target, tmp, ours, false)
	if err != nil {
		_, _ = moveBack(moved)
		return fmt.Errorf("write %s: keep the files of others: %w", dir, err)
	}
	old := tmp
	if err := exchange(tmp, target); err != nil {
		if old, err = swapByRename(parent, base, tmp, target); err != nil {
			_, _ = moveBack(moved)
			return fmt.Errorf("replace %s: %w; the old folder is unchanged", dir, err)
		}
	}
	swapped = true
	syncDir(parent)
	_ = removeTree(old)
	return nil
}

// resolveDir returns dir as an absolute path, following a symbolic link
// at dir itself, and refuses a file.
func resolveDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	fi, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return abs, nil
	case err != nil:
		return "", err
	case fi.Mode()&fs.ModeSymlink != 0:
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return "", fmt.Errorf("%s is a link to a folder that cannot be reached: %w", dir, err)
		}
		return resolveDir(real)
	case !fi.IsDir():
		return "", fmt.Errorf("%s %w; name a new or empty folder", dir, ErrNotDir)
	}
	return abs, nil
}

// swapByRename is the swap where the system cannot exchange two folders
// in one step: the old folder steps aside, the new one takes its name. A
// crash between the two renames leaves the old folder beside dir, and
// recoverStale puts it back.
func swapByRename(parent, base, tmp, target string) (string, error) {
	old, err := reserveName(parent, base, ".old")
	if err != nil {
		return "", err
	}
	if err := os.Rename(target, old); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, target); err != nil {
		if backErr := os.Rename(old, target); backErr != nil {
			return "", fmt.Errorf("%w; the old folder is at %s", err, old)
		}
		return "", err
	}
	return old, nil
}

// recoverStale clears up what a killed ReplaceDir for parent/base left:
// an old folder stepped aside with nothing in its place goes back, the
// entries of others in a new folder go back into the folder, and the
// temporaries are removed.
func recoverStale(parent, base string, ours Ours) {
	target := filepath.Join(parent, base)
	olds := staleTemps(parent, base, ".old")
	if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) && len(olds) > 0 {
		newest := 0
		for i, o := range olds {
			if a, b := modTime(o), modTime(olds[newest]); a.After(b) {
				newest = i
			}
		}
		if os.Rename(olds[newest], target) == nil {
			olds = slices.Delete(olds, newest, newest+1)
		}
	}
	for _, n := range staleTemps(parent, base, ".new") {
		if _, err := os.Stat(target); err == nil {
			if _, err := moveForeign(n, target, ours, true); err != nil {
				continue // leave it rather than lose a file of someone else
			}
		}
		_ = removeTree(n)
	}
	for _, o := range olds {
		_ = removeTree(o)
	}
}

type move struct{ from, to string }

// moveForeign moves the entries below from that are not ours to the same
// place below to. An entry that exists at to already is an error, or is
// left where it is when skipExisting is set.
func moveForeign(from, to string, ours Ours, skipExisting bool) ([]move, error) {
	var moved []move
	var walk func(rel string) error
	walk = func(rel string) error {
		entries, err := os.ReadDir(filepath.Join(from, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		for _, e := range entries {
			r := e.Name()
			if rel != "" {
				r = rel + "/" + e.Name()
			}
			isDir := e.IsDir()
			if ours(r, isDir) {
				if isDir {
					if err := walk(r); err != nil {
						return err
					}
				}
				continue
			}
			src, dst := filepath.Join(from, filepath.FromSlash(r)), filepath.Join(to, filepath.FromSlash(r))
			if _, err := os.Lstat(dst); err == nil {
				if skipExisting {
					continue
				}
				return fmt.Errorf("%s exists in the new folder too", r)
			}
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			if err := os.Rename(src, dst); err != nil {
				return err
			}
			moved = append(moved, move{src, dst})
		}
		return nil
	}
	err := walk("")
	return moved, err
}

// moveBack undoes moveForeign.
func moveBack(moved []move) (int, error) {
	var errs []error
	for i := len(moved) - 1; i >= 0; i-- {
		errs = append(errs, os.Rename(moved[i].to, moved[i].from))
	}
	return len(moved), errors.Join(errs...)
}

// reserveName returns a free temporary name for base in parent.
func reserveName(parent, base, suffix string) (string, error) {
	for range 100 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		p := filepath.Join(parent, "."+base+"."+strconv.FormatUint(binary.BigEndian.Uint64(b[:])%1e12, 10)+suffix)
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
	}
	return "", fmt.Errorf("no free temporary name beside %s", filepath.Join(parent, base))
}

// mkdirTemp makes a new temporary folder for base in parent.
func mkdirTemp(parent, base, suffix string) (string, error) {
	for range 100 {
		p, err := reserveName(parent, base, suffix)
		if err != nil {
			return "", err
		}
		err = os.Mkdir(p, 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return p, err
	}
	return "", fmt.Errorf("no free temporary name beside %s", filepath.Join(parent, base))
}

func modTime(path string) time.Time {
	fi, err := os.Lstat(path)
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}
