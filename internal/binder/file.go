package binder

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"ernstfall/internal/handbook"
)

// WriteFile renders the binder into the file at path. It writes a temporary
// file in the same folder, syncs it and renames it over path, so a failed
// run never leaves half a PDF. A path that cannot be written (a folder, a
// read-only file, a file another program holds open for writing) is
// refused with ErrNotWritable before anything is rendered.
func WriteFile(ctx context.Context, path string, hb handbook.Handbook, opt Options) (Result, error) {
	return writeAtomic(path, "notfallhandbuch.pdf", func(w io.Writer) (Result, error) {
		return Render(ctx, w, hb, opt)
	})
}

// writeAtomic writes what render produces into path the way WriteFile
// describes; example is the file name a folder given as path is told to add.
func writeAtomic(path, example string, render func(io.Writer) (Result, error)) (res Result, err error) {
	dir := filepath.Dir(path)
	mode := fs.FileMode(0o644)
	if fi, statErr := os.Stat(path); statErr == nil {
		if fi.IsDir() {
			return Result{}, fmt.Errorf("%w: %s is a folder; name a file such as %s",
				ErrNotWritable, path, filepath.Join(path, example))
		}
		f, openErr := os.OpenFile(path, os.O_WRONLY, 0)
		if openErr != nil {
			return Result{}, fmt.Errorf("%w: %s cannot be overwritten (%v); close it in other programs, check its permissions or choose another name",
				ErrNotWritable, path, openErr)
		}
		if err := f.Close(); err != nil {
			return Result{}, fmt.Errorf("check %s: %w", path, err)
		}
		mode = fi.Mode().Perm()
	} else if !errors.Is(statErr, fs.ErrNotExist) {
		return Result{}, fmt.Errorf("%w: %s: %v", ErrNotWritable, path, statErr)
	}
	tmp, err := os.CreateTemp(dir, ".binder-*.pdf.tmp")
	if err != nil {
		return Result{}, fmt.Errorf("%w: cannot create a file in folder %s (%v); check that it exists and is writable, or choose another folder",
			ErrNotWritable, dir, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	buf := bufio.NewWriterSize(tmp, 1<<16)
	if res, err = render(buf); err != nil {
		return Result{}, err
	}
	if err = buf.Flush(); err != nil {
		return Result{}, fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err = tmp.Chmod(mode); err != nil {
		return Result{}, fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err = tmp.Sync(); err != nil {
		return Result{}, fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return Result{}, fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return Result{}, fmt.Errorf("%w: replace %s: %v", ErrNotWritable, path, err)
	}
	return res, nil
}
