package binder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"ernstfall/internal/atomicfile"
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
	if fi, statErr := os.Stat(path); statErr == nil {
		if fi.IsDir() {
			return Result{}, fmt.Errorf("%w: %s is a folder; name a file such as %s",
				ErrNotWritable, path, filepath.Join(path, example))
		}
		if !fi.Mode().IsRegular() {
			return Result{}, fmt.Errorf("%w: %s is not a regular file (a device or a pipe); name a file such as %s",
				ErrNotWritable, path, filepath.Join(filepath.Dir(path), example))
		}
		f, openErr := os.OpenFile(path, os.O_WRONLY, 0)
		if openErr != nil {
			return Result{}, fmt.Errorf("%w: %s cannot be overwritten (%v); close it in other programs, check its permissions or choose another name",
				ErrNotWritable, path, openErr)
		}
		if err := f.Close(); err != nil {
			return Result{}, fmt.Errorf("check %s: %w", path, err)
		}
	} else if !errors.Is(statErr, fs.ErrNotExist) {
		return Result{}, fmt.Errorf("%w: %s: %v", ErrNotWritable, path, statErr)
	}
	var renderErr error
	err = atomicfile.Write(path, func(w io.Writer) error {
		res, renderErr = render(w)
		return renderErr
	})
	switch {
	case err == nil:
	case renderErr != nil:
		return Result{}, renderErr
	case errors.Is(err, atomicfile.ErrCreate):
		return Result{}, fmt.Errorf("%w: cannot create a file in folder %s (%v); check that it exists and is writable, or choose another folder",
			ErrNotWritable, dir, err)
	default:
		return Result{}, fmt.Errorf("%w: %v", ErrNotWritable, err)
	}
	return res, nil
}
