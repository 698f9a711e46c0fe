package foldersync

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// copyTree copies the folder src into dst (which may exist), file by
// file, keeping modification times: one side of a file-sync engine
// receiving the other's files.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			return err
		}
		return os.Chtimes(to, info.ModTime(), info.ModTime())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// engine is how a file-sync engine names the losing version when the
// same file was written on two sides.
type engine struct {
	name     string
	conflict func(base, ext string) string
}

var engines = []engine{
	{"Syncthing", func(base, ext string) string { return base + ".sync-conflict-20261130-101010-7QXKZ2M" + ext }},
	{"OneDrive", func(base, ext string) string { return base + "-DESKTOP-4F2K9" + ext }},
	{"Nextcloud", func(base, ext string) string { return base + " (conflicted copy 2026-11-30 101010)" + ext }},
	{"Dropbox", func(base, ext string) string { return base + " (Laptop's conflicted copy 2026-11-30)" + ext }},
}

// meet brings two sides of a shared folder together as a file-sync
// engine does: files only one side has are copied to the other; a file
// both sides wrote differently keeps the version of side `winner` under
// its name, and the other under the engine's conflict name, on both
// sides.
func meet(t *testing.T, e engine, winner, loser string) {
	t.Helper()
	err := filepath.WalkDir(loser, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(loser, p)
		mine, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		theirs, err := os.ReadFile(filepath.Join(winner, rel))
		switch {
		case os.IsNotExist(err):
			if err := os.MkdirAll(filepath.Dir(filepath.Join(winner, rel)), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(winner, rel), mine, 0o644)
		case err != nil:
			return err
		case string(theirs) != string(mine):
			ext := filepath.Ext(rel)
			base := strings.TrimSuffix(rel, ext)
			for i := 0; ; i++ {
				renamed := e.conflict(base, ext)
				if i > 0 {
					renamed = e.conflict(fmt.Sprintf("%s_%d", base, i), ext)
				}
				have, err := os.ReadFile(filepath.Join(winner, renamed))
				if os.IsNotExist(err) {
					return os.WriteFile(filepath.Join(winner, renamed), mine, 0o644)
				}
				if err != nil || string(have) == string(mine) {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	copyTree(t, winner, loser)
}

// TestEngineLeftoversPassUnremarked: what file-sync engines, operating
// systems and office programs leave in a folder is never ours, and is
// passed over without a word, wherever it lies; the round goes on.
func TestEngineLeftoversPassUnremarked(t *testing.T) {
	a, b, folder := pair(t)
	x := handbook.Contact{Name: "Xaver", Email: "x@example.com"}
	putContact(t, a, &x)
	a.sync(t, folder)
	root := filepath.Join(folder, "ernstfall")
	dev := a.st.Device()
	leftovers := []string{
		"log/" + dev + "/.syncthing.000000000009.batch.tmp",
		"log/" + dev + "/~syncthing~000000000009.batch.tmp",
		"log/" + dev + "/.~lock.000000000002.batch#",
		"log/" + dev + "/000000000009.batch.part",
		"log/" + dev + "/.000000000009.batch.~1a2b3c4d",
		"log/" + dev + "/~$000000000001.batch",
		"log/" + dev + "/desktop.ini",
		"log/" + dev + "/Thumbs.db",
		"log/" + dev + "/.DS_Store",
		"log/" + dev + "/._000000000001.batch",
		"log/desktop.ini",
		"log/.DS_Store",
		"log/Thumbs.db",
		"log/.stversions/x",
		".stfolder/marker",
		"desktop.ini",
		"Thumbs.db",
		".DS_Store",
		"devices/desktop.ini",
		"devices/.syncthing." + dev + ".device.tmp",
		"devices/" + dev + ".device.part",
		"snapshots/.DS_Store",
		"snapshots/Thumbs.db",
		"requests/desktop.ini",
		"keys/.DS_Store",
		"keys/" + dev + "/desktop.ini",
		"keys/" + dev + "/Thumbs.db",
	}
	for _, rel := range leftovers {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("not ours"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []*laptop{b, a, b} {
		rep := l.sync(t, folder)
		if len(rep.Skipped) > 0 || len(rep.Gaps) > 0 {
			t.Errorf("leftovers were remarked on: %v, gaps %v", rep.Skipped, rep.Gaps)
		}
	}
	if got := getContact(t, b, x.ID); got.Name != "Xaver" {
		t.Errorf("the batch beside the leftovers was not applied: %+v", got)
	}
	if comparable(t, a) != comparable(t, b) {
		t.Error("laptops differ")
	}
	// A laptop that joins a folder full of leftovers joins as usual.
	c := openLaptop(t, t.TempDir(), a.now)
	join(t, folder, a, c)
	c.sync(t, folder)
	if comparable(t, a) != comparable(t, c) {
		t.Error("the laptop that joined differs")
	}
}

// TestConflictCopyOfABatch: a database copied to a second computer writes
// the same batch number as the original, on the other side of a file-sync
// engine, which keeps one version under the batch's name and the other
// as its conflict copy. Neither version is lost: every laptop applies
// both, the report says what happened, and both copies notice that they
// are copies and take new identities. Each engine's naming, and both
// orders of arrival: the other laptop applies the winning version, or
// applies the losing one first and finds the batch replaced later.
func TestConflictCopyOfABatch(t *testing.T) {
	for _, e := range engines {
		for _, firstSeen := range []string{"winner", "loser"} {
			t.Run(e.name+"/"+firstSeen+" first", func(t *testing.T) {
				ctx := context.Background()
				a, b, side1 := pair(t)
				x := handbook.Contact{Name: "Xaver", Email: "x@example.com"}
				y := handbook.Contact{Name: "Yvonne", Email: "y@example.com"}
				putContact(t, a, &x)
				putContact(t, a, &y)
				a.sync(t, side1)
				b.sync(t, side1)

				copyPath := filepath.Join(t.TempDir(), "copy.db")
				if err := a.st.Backup(ctx, copyPath); err != nil {
					t.Fatal(err)
				}
				st, err := store.Open(ctx, copyPath, store.Options{Now: a.now})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				a2 := &laptop{st: st, now: a.now, eng: new(Engine)}
				old := a.st.Device()

				// The copy works on the other side of the engine.
				side2 := t.TempDir()
				copyTree(t, side1, side2)
				ca := getContact(t, a, x.ID)
				ca.Notes = "vom Original"
				putContact(t, a, &ca)
				cy := getContact(t, a2, y.ID)
				cy.Notes = "von der Kopie"
				putContact(t, a2, &cy)
				a.sync(t, side1)
				a2.sync(t, side2)

				if firstSeen == "loser" {
					// b applies the original's batch before the engine
					// brings the copy's, which wins the name.
					b.sync(t, side1)
					meet(t, e, side2, side1)
				} else {
					meet(t, e, side1, side2)
				}
				rep := b.sync(t, side1)
				said := false
				for _, s := range rep.Skipped {
					if strings.Contains(s.Reason, "two laptops wrote batch") && strings.Contains(s.Reason, old) && s.New {
						said = true
					} else {
						t.Errorf("unexpected skip: %s", s)
					}
				}
				if !said {
					t.Errorf("the round does not say that two laptops wrote one batch: %v", rep.Skipped)
				}
				for _, want := range []struct{ id, notes string }{{x.ID, "vom Original"}, {y.ID, "von der Kopie"}} {
					if got := getContact(t, b, want.id).Notes; got != want.notes {
						t.Errorf("b lost an edit: %q, want %q", got, want.notes)
					}
				}
				if rep := b.sync(t, side1); rep.Batches != 0 || len(rep.Skipped) != 1 || rep.Skipped[0].New {
					t.Errorf("the next round applies again or calls the copy new: %+v", rep)
				}

				// Both copies find the other version in their own folder.
				meet(t, e, side1, side2)
				for _, l := range []*laptop{a, a2} {
					side := side1
					if l == a2 {
						side = side2
					}
					rep := l.sync(t, side)
					if rep.Copied != old || !rep.Pending {
						t.Fatalf("a copy did not notice: %+v", rep)
					}
					meet(t, e, side1, side2)
					b.sync(t, side1)
					admit(t, b, side1, rep.Fingerprint)
					meet(t, e, side1, side2)
				}
				for range 2 {
					for _, l := range []*laptop{a, a2, b} {
						side := side1
						if l == a2 {
							side = side2
						}
						l.sync(t, side)
						meet(t, e, side1, side2)
					}
				}
				for _, l := range []*laptop{a, a2, b} {
					if got := getContact(t, l, x.ID).Notes; got != "vom Original" {
						t.Errorf("%s: the original's edit is %q", l.st.Device(), got)
					}
					if got := getContact(t, l, y.ID).Notes; got != "von der Kopie" {
						t.Errorf("%s: the copy's edit is %q", l.st.Device(), got)
					}
				}
				if comparable(t, a) != comparable(t, a2) || comparable(t, a) != comparable(t, b) {
					t.Error("laptops differ after the copies were told apart")
				}
			})
		}
	}
}

// carry brings every file of side from to side to that is not there yet
// or differs, as a file-sync engine does, except the files hold names
// (relative to the protocol folder): they stay away, or arrive cut to
// half their length when cut is set.
func carry(t *testing.T, from, to string, cut bool, hold ...string) {
	t.Helper()
	copyTree(t, from, to)
	for _, rel := range hold {
		dst := filepath.Join(to, "ernstfall", filepath.FromSlash(rel))
		if !cut {
			if err := os.Remove(dst); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			continue
		}
		data, err := os.ReadFile(filepath.Join(from, "ernstfall", filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data[:len(data)/2], 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newest names the file below dir (relative to the protocol folder of
// side) that changed last.
func newest(t *testing.T, side, dir string) string {
	t.Helper()
	root := filepath.Join(side, "ernstfall")
	var best string
	var at int64
	err := filepath.WalkDir(filepath.Join(root, filepath.FromSlash(dir)), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || junk(d.Name()) {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if n := info.ModTime().UnixNano(); n >= at {
			at = n
			best, _ = filepath.Rel(root, p)
		}
		return nil
	})
	if err != nil || best == "" {
		t.Fatalf("nothing in %s: %v", dir, err)
	}
	return filepath.ToSlash(best)
}

// TestFileArrivesCutShortThenWhole: a file-sync engine, a person copying
// by hand or an interrupted download may bring a file cut short before
// the whole of it. Whatever the file, the round that meets it half goes
// on (or stops with a clear error and writes nothing), and the round after
// the whole file arrived does what it should have.
func TestFileArrivesCutShortThenWhole(t *testing.T) {
	t.Run("batch", func(t *testing.T) {
		a, b, side1 := pair(t)
		side2 := t.TempDir()
		carry(t, side1, side2, false)
		x := handbook.Contact{Name: "Xaver", Email: "x@example.com"}
		putContact(t, a, &x)
		a.sync(t, side1)
		rel := newest(t, side1, "log/"+a.st.Device())
		carry(t, side1, side2, true, rel)
		rep := b.sync(t, side2)
		if len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Reason, "retried next sync") {
			t.Fatalf("half a batch: %v", rep.Skipped)
		}
		if n := contactCount(t, b); n != 0 {
			t.Fatalf("half a batch was applied: %d contacts", n)
		}
		carry(t, side1, side2, false)
		if rep := b.sync(t, side2); rep.Batches != 1 || len(rep.Skipped) != 0 {
			t.Fatalf("the whole batch: %+v", rep)
		}
		if comparable(t, a) != comparable(t, b) {
			t.Error("laptops differ")
		}
	})
	t.Run("key file of a laptop just admitted", func(t *testing.T) {
		a, _, side1 := pair(t)
		putContact(t, a, &handbook.Contact{Name: "Xaver", Email: "x@example.com"})
		a.sync(t, side1)
		side2 := t.TempDir()
		carry(t, side1, side2, false)
		c := openLaptop(t, t.TempDir(), a.now)
		if rep := c.sync(t, side2); !rep.Pending {
			t.Fatalf("not pending: %+v", rep)
		}
		carry(t, side2, side1, false)
		admit(t, a, side1, c.st.Device())
		rel := newest(t, side1, "keys/"+c.st.Device())
		carry(t, side1, side2, true, rel)
		if rep := c.sync(t, side2); !rep.Pending || contactCount(t, c) != 0 {
			t.Fatalf("with half a key file: %+v", rep)
		}
		carry(t, side1, side2, false)
		if rep := c.sync(t, side2); !rep.Joined {
			t.Fatalf("with the whole key file: %+v", rep)
		}
		c.sync(t, side2)
		if comparable(t, a) != comparable(t, c) {
			t.Error("the laptop that joined differs")
		}
	})
	t.Run("join request", func(t *testing.T) {
		a, _, side1 := pair(t)
		side2 := t.TempDir()
		carry(t, side1, side2, false)
		c := openLaptop(t, t.TempDir(), a.now)
		rep := c.sync(t, side2)
		carry(t, side2, side1, true, "requests/"+c.st.Device()+".request")
		if _, err := a.eng.Admit(context.Background(), a.st, a.opts(side1), rep.Fingerprint, false); err == nil {
			t.Fatal("admitted on half a request")
		}
		carry(t, side2, side1, false)
		admit(t, a, side1, rep.Fingerprint)
		carry(t, side1, side2, false)
		if rep := c.sync(t, side2); !rep.Joined {
			t.Fatalf("not joined: %+v", rep)
		}
	})
	t.Run("device file", func(t *testing.T) {
		a, b, side1 := pair(t)
		side2 := t.TempDir()
		a.sync(t, side1)
		carry(t, side1, side2, true, "devices/"+a.st.Device()+".device")
		if rep := b.sync(t, side2); len(rep.Skipped) != 0 || len(rep.Gaps) != 0 {
			t.Fatalf("half a device file: %+v", rep)
		}
		carry(t, side1, side2, false)
		if rep := b.sync(t, side2); len(rep.Skipped) != 0 || len(rep.Gaps) != 0 {
			t.Fatalf("the whole device file: %+v", rep)
		}
	})
	t.Run("FORMAT", func(t *testing.T) {
		ctx := context.Background()
		a, _, side1 := pair(t)
		side2 := t.TempDir()
		carry(t, side1, side2, true, "FORMAT")
		c := openLaptop(t, t.TempDir(), a.now)
		putContact(t, c, &handbook.Contact{Name: "Nur hier", Email: "n@example.com"})
		if _, err := runRound(ctx, c.st, c.opts(side2)); !errors.Is(err, ErrFormat) {
			t.Fatalf("half a FORMAT: %v", err)
		}
		if un, err := c.st.Unsent(ctx); err != nil || len(un) == 0 {
			t.Fatalf("changes were marked sent: %v", err)
		}
		carry(t, side1, side2, false)
		if _, err := runRound(ctx, c.st, c.opts(side2)); !errors.Is(err, ErrOtherHandbook) {
			t.Fatalf("the whole FORMAT of another handbook: %v", err)
		}
	})
}

// TestFilesArriveOutOfOrder: a file-sync engine brings files in its own
// order. A batch that arrives before its predecessor is applied, the
// missing one is named until it arrives, and then applied too; a new
// member's first batch that arrives before the batch admitting it waits,
// and is applied once the admission arrives.
func TestFilesArriveOutOfOrder(t *testing.T) {
	t.Run("batch before its predecessor", func(t *testing.T) {
		a, b, side1 := pair(t)
		side2 := t.TempDir()
		var names []string
		for i := range 3 {
			putContact(t, a, &handbook.Contact{Name: fmt.Sprintf("Kontakt %d", i), Email: "k@example.com"})
			a.sync(t, side1)
			names = append(names, newest(t, side1, "log/"+a.st.Device()))
		}
		carry(t, side1, side2, false, names[1])
		rep := b.sync(t, side2)
		if contactCount(t, b) != 2 || len(rep.Gaps) != 1 || len(rep.Gaps[0].Missing) != 1 {
			t.Fatalf("with the middle batch missing: %d contacts, gaps %+v", contactCount(t, b), rep.Gaps)
		}
		carry(t, side1, side2, false)
		rep = b.sync(t, side2)
		if contactCount(t, b) != 3 || len(rep.Gaps) != 0 || len(rep.Skipped) != 0 {
			t.Fatalf("after it arrived: %d contacts, %+v", contactCount(t, b), rep)
		}
		if comparable(t, a) != comparable(t, b) {
			t.Error("laptops differ")
		}
	})
	t.Run("admission after the member's first batch", func(t *testing.T) {
		a, b, side1 := pair(t)
		side2 := t.TempDir()
		carry(t, side1, side2, false)
		c := openLaptop(t, t.TempDir(), a.now)
		c.sync(t, side1)
		admit(t, a, side1, c.st.Device())
		admission := newest(t, side1, "log/"+a.st.Device())
		c.sync(t, side1)
		x := handbook.Contact{Name: "Von C", Email: "c@example.com"}
		putContact(t, c, &x)
		c.sync(t, side1)
		carry(t, side1, side2, false, admission)
		rep := b.sync(t, side2)
		if _, err := store.Get[handbook.Contact](context.Background(), b.st, x.ID); err == nil {
			t.Fatal("a batch of a laptop not known to be admitted was applied")
		}
		if rep.Unknown == 0 {
			t.Errorf("the waiting batch is not reported: %+v", rep)
		}
		carry(t, side1, side2, false)
		rep = b.sync(t, side2)
		if got := getContact(t, b, x.ID); got.Name != "Von C" || len(rep.Skipped) != 0 {
			t.Fatalf("after the admission arrived: %+v, %v", got, rep.Skipped)
		}
		if comparable(t, c) != comparable(t, b) {
			t.Error("laptops differ")
		}
	})
}
