//go:build !linux

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// exchange is not available here; the caller renames twice.
func exchange(_, _ string) error { return errors.ErrUnsupported }

// syncTree makes every file and folder below dir durable, one by one.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		flag := os.O_RDONLY
		if runtime.GOOS == "windows" {
			if d.IsDir() {
				return nil
			}
			// FlushFileBuffers needs a handle with write access:
			// syncing a file opened for reading is "access denied".
			flag = os.O_RDWR
		}
		f, err := os.OpenFile(path, flag, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}
