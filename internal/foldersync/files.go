package foldersync

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// writeTemp writes data to a temp file in path's folder and syncs it to
// disk. The temp name starts with a dot, so readers pass it over.
func (r *round) writeTemp(path string, data []byte) (string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if r.opt.beforeWrite != nil {
		if err := r.opt.beforeWrite(path); err != nil {
			return "", err
		}
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// writeNew makes a new file at path that is complete the moment it
// appears: temp file, sync, then a link (or rename) that never replaces an
// existing file.
func (r *round) writeNew(path string, data []byte) error {
	tmp, err := r.writeTemp(path, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// Some shares and USB file systems have no hard links.
		if _, serr := os.Lstat(path); errors.Is(serr, fs.ErrNotExist) {
			err = os.Rename(tmp, path)
		}
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists already", filepath.Base(path))
	}
	if err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// createOnce writes path unless it exists already (another laptop was
// faster); either way the file is there afterwards.
func (r *round) createOnce(path string, data []byte) error {
	err := r.writeNew(path, data)
	if err != nil {
		if _, serr := os.Stat(path); serr == nil {
			return nil
		}
	}
	return err
}

// replace writes path whole, replacing the previous version atomically.
func (r *round) replace(path string, data []byte) error {
	tmp, err := r.writeTemp(path, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a rename durable where the file system allows it; shares
// that refuse are still correct, only less durable on power loss.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// removeTemps deletes the temp files an interrupted round of this laptop
// left in its own folder, so other laptops stop reporting them.
func removeTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && strings.HasSuffix(e.Name(), ".tmp") && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
