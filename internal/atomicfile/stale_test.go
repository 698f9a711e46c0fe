package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestWriteRemovesStaleTemporaries: a killed run leaves ".x.pdf.123.tmp";
// the next Write for x.pdf removes it, but not a temporary another run is
// still writing (it holds the lock), nor files that only look similar.
func TestWriteRemovesStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "binder.pdf")
	for name, content := range map[string]string{
		".binder.pdf.123456.tmp":  "half a PDF",
		".binder.pdf.987654.tmp":  "another half",
		".binder.pdf.abc.tmp":     "not ours: letters",
		".other.pdf.123456.tmp":   "for another file",
		"binder.pdf.123456.tmp":   "not hidden",
		".binder.pdf.123456.tmpx": "other suffix",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	busy, err := os.OpenFile(filepath.Join(dir, ".binder.pdf.555.tmp"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	if err := lock(busy); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "PDF"); return err }); err != nil {
		t.Fatal(err)
	}
	got := names(t, dir)
	for _, gone := range []string{".binder.pdf.123456.tmp", ".binder.pdf.987654.tmp"} {
		if slices.Contains(got, gone) {
			t.Errorf("stale %s was not removed", gone)
		}
	}
	keep := []string{".binder.pdf.abc.tmp", ".other.pdf.123456.tmp", "binder.pdf.123456.tmp", ".binder.pdf.123456.tmpx", "binder.pdf"}
	if runtime.GOOS != "windows" {
		keep = append(keep, ".binder.pdf.555.tmp")
	}
	for _, k := range keep {
		if !slices.Contains(got, k) {
			t.Errorf("%s was removed", k)
		}
	}
}

// TestReplaceDirRecovers puts what a killed ReplaceDir leaves behind
// beside a folder and checks that the next ReplaceDir clears it up.
func TestReplaceDirRecovers(t *testing.T) {
	ours := func(rel string, isDir bool) bool { return rel == "a.txt" || rel == "b.txt" }
	fill := func(content string) func(string) error {
		return func(tmp string) error {
			return os.WriteFile(filepath.Join(tmp, "a.txt"), []byte(content), 0o644)
		}
	}
	write := func(t *testing.T, path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(t *testing.T, path string) string {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	t.Run("killed after moving the files of others", func(t *testing.T) {
		root := t.TempDir()
		dir := filepath.Join(root, "export")
		write(t, filepath.Join(dir, "a.txt"), "alt")
		write(t, filepath.Join(root, ".export.111.new", "a.txt"), "halb")
		write(t, filepath.Join(root, ".export.111.new", ".git", "HEAD"), "ref")
		if err := ReplaceDir(dir, ours, fill("neu")); err != nil {
			t.Fatal(err)
		}
		if got := read(t, filepath.Join(dir, "a.txt")); got != "neu" {
			t.Errorf("a.txt = %q", got)
		}
		if got := read(t, filepath.Join(dir, ".git", "HEAD")); got != "ref" {
			t.Errorf(".git/HEAD = %q, want it moved back", got)
		}
		if got := names(t, root); !slices.Equal(got, []string{"export"}) {
			t.Errorf("left beside: %v", got)
		}
	})
	t.Run("killed between the two renames", func(t *testing.T) {
		root := t.TempDir()
		dir := filepath.Join(root, "export")
		write(t, filepath.Join(root, ".export.222.old", "a.txt"), "alt")
		write(t, filepath.Join(root, ".export.333.new", "a.txt"), "neu")
		write(t, filepath.Join(root, ".export.333.new", "notiz.txt"), "fremd")
		recoverStale(root, "export", ours)
		if got := read(t, filepath.Join(dir, "a.txt")); got != "alt" {
			t.Errorf("a.txt = %q, want the old export back", got)
		}
		if got := read(t, filepath.Join(dir, "notiz.txt")); got != "fremd" {
			t.Errorf("notiz.txt = %q, want it moved back", got)
		}
		if got := names(t, root); !slices.Equal(got, []string{"export"}) {
			t.Errorf("left beside: %v", got)
		}
	})
	t.Run("a folder another run is writing stays", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("no folder locks")
		}
		root := t.TempDir()
		dir := filepath.Join(root, "export")
		busy := filepath.Join(root, ".export.444.new")
		write(t, filepath.Join(busy, "a.txt"), "wird geschrieben")
		f, err := os.Open(busy)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := lock(f); err != nil {
			t.Fatal(err)
		}
		if err := ReplaceDir(dir, ours, fill("neu")); err != nil {
			t.Fatal(err)
		}
		if got := read(t, filepath.Join(busy, "a.txt")); got != "wird geschrieben" {
			t.Errorf("busy temporary changed: %q", got)
		}
	})
	t.Run("the root of a drive is refused", func(t *testing.T) {
		root := string(filepath.Separator)
		if runtime.GOOS == "windows" {
			root = filepath.VolumeName(os.TempDir()) + `\`
		}
		if err := ReplaceDir(root, ours, fill("x")); err == nil {
			t.Error("no error for the root")
		}
	})
}
