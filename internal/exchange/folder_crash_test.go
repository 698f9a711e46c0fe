package exchange

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/atomicfile"
	"ernstfall/internal/fixture"
	"ernstfall/internal/handbook"
)

const (
	exportChildEnv = "ERNSTFALL_EXPORT_CRASH_CHILD"
	exportChildDir = "ERNSTFALL_EXPORT_CRASH_DIR"
)

// crashHandbooks are the two versions the child exports in turn: the
// large generated handbook (some 850 files), and the same with every
// playbook body changed, so that a mix of both is visible.
func crashHandbooks() [2]handbook.Handbook {
	a := fixture.Generate(7, fixture.Size{Contacts: 2000, Playbooks: 500, Services: 300})
	b := fixture.Generate(7, fixture.Size{Contacts: 2000, Playbooks: 500, Services: 300})
	for i := range b.Playbooks {
		b.Playbooks[i].Body += "\n\nZweite Fassung.\n"
	}
	b.Contacts = b.Contacts[:1500]
	return [2]handbook.Handbook{a, b}
}

// TestExportCrashChild is the child of TestFolderExportSurvivesKill: it
// exports the two versions in turn until it is killed.
func TestExportCrashChild(t *testing.T) {
	if os.Getenv(exportChildEnv) != "1" {
		t.Skip("runs only as the child of TestFolderExportSurvivesKill")
	}
	hbs := crashHandbooks()
	dir := os.Getenv(exportChildDir)
	os.WriteFile(dir+".ready", nil, 0o644)
	for i := 0; ; i++ {
		if err := WriteFolder(context.Background(), dir, hbs[i%2]); err != nil {
			t.Fatal(err)
		}
	}
}

// treeHashes maps every file below dir (path with forward slashes) to a
// hash of its content; foreign files are left out.
func treeHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() || !ownFile(rel, false) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFolderExportSurvivesKill kills a real process exporting a large
// handbook over an earlier export, at random moments, and checks that
// the folder holds one export whole each time: the old or the new, never
// a mix, never a part; that files of others in it survive; and that the
// next export clears up what the killed one left beside it.
func TestFolderExportSurvivesKill(t *testing.T) {
	if os.Getenv(exportChildEnv) == "1" {
		t.Skip("child process")
	}
	if testing.Short() {
		t.Skip("kills a child process; not with -short")
	}
	ctx := context.Background()
	hbs := crashHandbooks()
	root := t.TempDir()
	var want [2]map[string]string
	for i, hb := range hbs {
		d := filepath.Join(root, "version"+strconv.Itoa(i))
		if err := WriteFolder(ctx, d, hb); err != nil {
			t.Fatal(err)
		}
		want[i] = treeHashes(t, d)
	}
	if len(want[0]) < 800 {
		t.Fatalf("the export has only %d files; the test needs a large one", len(want[0]))
	}
	parent := filepath.Join(root, "share")
	dir := filepath.Join(parent, "handbuch")
	if err := WriteFolder(ctx, dir, hbs[1]); err != nil {
		t.Fatal(err)
	}
	foreign := map[string]string{".git/HEAD": "ref: refs/heads/main\n", "playbooks/bilder/lageplan.png": "PNG", "NOTIZEN.txt": "eigene Notizen"}
	for rel, content := range foreign {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(12, 34))
	var seen [2]int
	for round := range 8 {
		os.Remove(dir + ".ready")
		cmd := exec.Command(os.Args[0], "-test.run=^TestExportCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), exportChildEnv+"=1", exportChildDir+"="+dir)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for start := time.Now(); ; time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(dir + ".ready"); err == nil {
				break
			}
			if time.Since(start) > time.Minute {
				cmd.Process.Kill()
				t.Fatalf("child did not start:\n%s", out.String())
			}
		}
		time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if err == nil || cmd.ProcessState.ExitCode() == 0 || strings.Contains(out.String(), "FAIL:") {
			t.Fatalf("round %d: child ended on its own (%v):\n%s", round, err, out.String())
		}
		got := treeHashes(t, dir)
		switch {
		case maps.Equal(got, want[0]):
			seen[0]++
		case maps.Equal(got, want[1]):
			seen[1]++
		default:
			t.Fatalf("round %d: the folder holds %d export files, neither export whole (%d and %d files)", round, len(got), len(want[0]), len(want[1]))
		}
		for rel, content := range foreign {
			if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel))); err != nil || string(data) != content {
				// A kill between moving the files of others and the swap
				// leaves them beside the folder; the next export puts
				// them back (checked below).
				t.Logf("round %d: %s not in place after the kill (%v)", round, rel, err)
			}
		}
	}
	t.Logf("after the kills: old export %d times, new export %d times", seen[0], seen[1])
	if err := WriteFolder(ctx, dir, hbs[0]); err != nil {
		t.Fatalf("export after the kills: %v", err)
	}
	if got := treeHashes(t, dir); !maps.Equal(got, want[0]) {
		t.Errorf("export after the kills is not whole: %d files, want %d", len(got), len(want[0]))
	}
	for rel, content := range foreign {
		if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel))); err != nil || string(data) != content {
			t.Errorf("file of others %s lost: %q, %v", rel, data, err)
		}
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "handbuch" && e.Name() != "handbuch.ready" {
			t.Errorf("left behind beside the export: %s", e.Name())
		}
	}
}

// TestFolderExportTargets: a file, a link and a dangling link as the
// export folder.
func TestFolderExportTargets(t *testing.T) {
	ctx := context.Background()
	hb := richHandbook(t).Live()
	t.Run("a file is refused and kept", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "handbuch")
		if err := os.WriteFile(path, []byte("meine Datei"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := WriteFolder(ctx, path, hb)
		if !errors.Is(err, atomicfile.ErrNotDir) || !strings.Contains(err.Error(), path) {
			t.Errorf("err = %v, want ErrNotDir naming %s", err, path)
		}
		if data, _ := os.ReadFile(path); string(data) != "meine Datei" {
			t.Errorf("the file was changed: %q", data)
		}
	})
	t.Run("a link to a folder exports into that folder and stays a link", func(t *testing.T) {
		root := t.TempDir()
		real := filepath.Join(root, "echt")
		link := filepath.Join(root, "verweis")
		if err := os.Mkdir(real, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(real, link); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := WriteFolder(ctx, link, hb); err != nil {
				t.Fatal(err)
			}
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("the link was replaced: %v %v", fi, err)
		}
		if _, err := os.Stat(filepath.Join(real, folderIndex)); err != nil {
			t.Errorf("export not in the linked folder: %v", err)
		}
	})
	t.Run("a dangling link is refused", func(t *testing.T) {
		root := t.TempDir()
		link := filepath.Join(root, "verweis")
		if err := os.Symlink(filepath.Join(root, "fehlt"), link); err != nil {
			t.Fatal(err)
		}
		if err := WriteFolder(ctx, link, hb); err == nil || !strings.Contains(err.Error(), link) {
			t.Errorf("err = %v, want a refusal naming the link", err)
		}
		if _, err := os.Stat(filepath.Join(root, "fehlt")); err == nil {
			t.Error("the export followed the dangling link")
		}
	})
	t.Run("a failed export leaves the old one and nothing beside it", func(t *testing.T) {
		root := t.TempDir()
		dir := filepath.Join(root, "h")
		if err := WriteFolder(ctx, dir, hb); err != nil {
			t.Fatal(err)
		}
		before := treeHashes(t, dir)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		changed := hb
		changed.Playbooks = append([]handbook.Playbook{}, hb.Playbooks...)
		changed.Playbooks[0].Body = "neu"
		if err := WriteFolder(cctx, dir, changed); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if after := treeHashes(t, dir); !maps.Equal(before, after) {
			t.Error("a cancelled export changed the folder")
		}
		if entries, _ := os.ReadDir(root); len(entries) != 1 {
			t.Errorf("left behind: %v", entries)
		}
	})
}
