package foldersync

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

// kindTemplate is a team of two whose folder holds one file of every kind
// the protocol writes: batches (with and without team records), device
// files, key files, a join request, a snapshot and a checkpoint. Each
// scenario starts from copies of its folder and databases.
type kindTemplate struct {
	folder string
	dbs    [2]string
	clk    *fakeClock
}

func newKindTemplate(t *testing.T) kindTemplate {
	t.Helper()
	ctx := context.Background()
	clk := newFakeClock()
	folder := t.TempDir()
	a := openLaptop(t, t.TempDir(), clk.reader(0))
	b := openLaptop(t, t.TempDir(), clk.reader(0))
	for n := range 3 {
		putContact(t, a, &handbook.Contact{Record: handbook.Record{ID: contactID(n), CreatedAt: t0}, Name: fmt.Sprintf("Kontakt %d", n), Email: "k@example.com"})
	}
	a.sync(t, folder)
	join(t, folder, a, b)
	for round := range 12 {
		for i, l := range []*laptop{a, b} {
			k := getContact(t, l, contactID(round%3))
			k.Notes = fmt.Sprintf("Runde %d, Laptop %d", round, i)
			putContact(t, l, &k)
			l.sync(t, folder)
		}
	}
	if _, err := a.eng.WriteSnapshot(ctx, a.st, a.opts(folder)); err != nil {
		t.Fatal(err)
	}
	a.compact, b.compact = 2, 2
	compacted := false
	for range 4 {
		b.sync(t, folder)
		rep := a.sync(t, folder)
		if rep.Checkpoint != "" {
			compacted = true
			break
		}
	}
	if !compacted {
		t.Fatal("no checkpoint written")
	}
	for range 2 {
		b.sync(t, folder)
		a.sync(t, folder)
	}
	// A laptop asking to join leaves its request in the folder.
	p := openLaptop(t, t.TempDir(), clk.reader(0))
	if rep := p.sync(t, folder); !rep.Pending {
		t.Fatalf("not pending: %+v", rep)
	}
	tpl := kindTemplate{folder: folder, clk: clk}
	for i, l := range []*laptop{a, b} {
		tpl.dbs[i] = filepath.Join(t.TempDir(), "hb.db")
		if err := l.st.Backup(ctx, tpl.dbs[i]); err != nil {
			t.Fatal(err)
		}
	}
	return tpl
}

// start gives a scenario its own copy of the team and the folder.
func (tpl kindTemplate) start(t *testing.T) (a, b *laptop, folder string) {
	t.Helper()
	folder = t.TempDir()
	copyTree(t, tpl.folder, folder)
	var ls [2]*laptop
	for i, db := range tpl.dbs {
		dir := t.TempDir()
		data, err := os.ReadFile(db)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "hb.db"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		ls[i] = openLaptop(t, dir, tpl.clk.reader(0))
		ls[i].compact = 2
	}
	return ls[0], ls[1], folder
}

// ourFiles lists every file of the protocol in the folder, by kind.
func ourFiles(t *testing.T, folder string) map[string]string {
	t.Helper()
	root := filepath.Join(folder, "ernstfall")
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		kind := strings.TrimPrefix(filepath.Ext(rel), ".")
		if rel == fileFormat {
			kind = "format"
		}
		if _, seen := out[kind]; !seen || kind == "batch" && strings.HasSuffix(rel, "000000000001.batch") {
			out[kind] = rel
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEveryFileKindSurvivesTheEngines plants what file-sync engines and
// users leave, for every kind of file the protocol writes: conflict copies
// of each engine (the same bytes, and other bytes), a copy cut short, an
// empty file, the file replaced by a folder, a FIFO or a symbolic link
// (out of the folder, to /dev/zero), and the leftovers of operating
// systems beside it. Every round goes on, both laptops keep syncing and
// agree, whatever is passed over is named with its file, and once the
// file is back, a laptop that joins equals the team.
func TestEveryFileKindSurvivesTheEngines(t *testing.T) {
	tpl := newKindTemplate(t)
	kinds := ourFiles(t, tpl.folder)
	for _, k := range []string{"batch", "device", "key", "request", "snapshot", "checkpoint", "format"} {
		if kinds[k] == "" {
			t.Fatalf("the template folder holds no %s file: %v", k, kinds)
		}
	}
	outside := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(outside, []byte("outside"), 0o600); err != nil {
		t.Fatal(err)
	}
	type mutation struct {
		name string
		// apply changes the file p (its original bytes are data).
		apply func(t *testing.T, p string, data []byte)
		// replaces: the file itself is gone while the mutation lasts.
		replaces bool
	}
	write := func(t *testing.T, p string, data []byte) {
		t.Helper()
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conflictName := func(e engine, p string) string {
		ext := filepath.Ext(p)
		return e.conflict(strings.TrimSuffix(p, ext), ext)
	}
	muts := []mutation{
		{name: "leftovers beside it", apply: func(t *testing.T, p string, data []byte) {
			dir := filepath.Dir(p)
			for _, n := range []string{"desktop.ini", "Thumbs.db", ".DS_Store", "._" + filepath.Base(p),
				".syncthing." + filepath.Base(p) + ".tmp", ".~lock." + filepath.Base(p) + "#", filepath.Base(p) + ".part"} {
				write(t, filepath.Join(dir, n), data[:len(data)/2])
			}
		}},
		{name: "deleted", replaces: true, apply: func(t *testing.T, p string, data []byte) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "empty", replaces: true, apply: func(t *testing.T, p string, data []byte) { write(t, p, nil) }},
		{name: "cut short", replaces: true, apply: func(t *testing.T, p string, data []byte) { write(t, p, data[:len(data)/2]) }},
		{name: "a folder", replaces: true, apply: func(t *testing.T, p string, data []byte) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(p, "inner"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a FIFO", replaces: true, apply: func(t *testing.T, p string, data []byte) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			if err := mkfifo(p, 0o644); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}},
		{name: "a link out of the folder", replaces: true, apply: func(t *testing.T, p string, data []byte) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, p); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a link to /dev/zero", replaces: true, apply: func(t *testing.T, p string, data []byte) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Fatal(err)
			}
		}},
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	muts = append(muts,
		mutation{name: "a link to a FIFO", replaces: true, apply: func(t *testing.T, p string, data []byte) {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(fifo, p); err != nil {
				t.Fatal(err)
			}
		}},
		mutation{name: "huge", replaces: true, apply: func(t *testing.T, p string, data []byte) {
			if err := os.Truncate(p, 20<<30); err != nil {
				t.Fatal(err)
			}
		}},
		// A case-insensitive view of the folder (Windows, macOS) shows
		// another program's copy under the name in other case.
		mutation{name: "name in other case", apply: func(t *testing.T, p string, data []byte) {
			write(t, filepath.Join(filepath.Dir(p), strings.ToUpper(filepath.Base(p))), data)
		}},
	)
	for _, e := range engines {
		muts = append(muts,
			mutation{name: e.name + " copy, same bytes", apply: func(t *testing.T, p string, data []byte) { write(t, conflictName(e, p), data) }},
			mutation{name: e.name + " copy, cut short", apply: func(t *testing.T, p string, data []byte) {
				write(t, conflictName(e, p), data[:len(data)/2])
			}},
		)
	}
	var names []string
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, kind := range names {
		rel := kinds[kind]
		for _, m := range muts {
			t.Run(kind+"/"+m.name, func(t *testing.T) {
				t.Parallel()
				a, b, folder := tpl.start(t)
				p := filepath.Join(folder, "ernstfall", filepath.FromSlash(rel))
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				m.apply(t, p, data)
				for i, l := range []*laptop{a, b, a, b} {
					k := getContact(t, l, contactID(i%3))
					k.PhoneOffice = fmt.Sprintf("+49 30 %d", i)
					putContact(t, l, &k)
					rep, err := l.eng.Run(context.Background(), l.st, l.opts(folder))
					if err != nil {
						if (kind == "format" || kind == "device" && strings.Contains(rel, l.st.Device())) && strings.HasPrefix(m.name, "a ") {
							// The folder's own marker, or this laptop's own
							// device file, damaged: the round stops and
							// says what to do.
							if !strings.Contains(err.Error(), "ernstfall/") {
								t.Errorf("the refusal names no file: %v", err)
							}
							continue
						}
						t.Fatalf("round %d stopped: %v", i, err)
					}
					for _, s := range rep.Skipped {
						if s.File == "" || s.Reason == "" {
							t.Errorf("a skip names no file or reason: %+v", s)
						}
					}
				}
				// The file comes back as it was, and the mutation's
				// leftovers stay.
				if m.replaces {
					if err := os.RemoveAll(p); err != nil {
						t.Fatal(err)
					}
					write(t, p, data)
				}
				for range 2 {
					a.sync(t, folder)
					b.sync(t, folder)
				}
				if got, want := comparable(t, b), comparable(t, a); got != want {
					t.Fatalf("laptops differ:\n%s\n---\n%s", got, want)
				}
				for i := range 4 {
					if got := getContact(t, a, contactID(i%3)); got.PhoneOffice == "" {
						t.Fatalf("edit %d lost", i)
					}
				}
				c := openLaptop(t, t.TempDir(), tpl.clk.reader(0))
				rep := joinReport(t, folder, a, c)
				if len(rep.Gaps) > 0 {
					t.Errorf("the new laptop misses batches: %+v", rep.Gaps)
				}
				a.sync(t, folder)
				c.sync(t, folder)
				if got, want := comparable(t, c), comparable(t, a); got != want {
					t.Fatalf("the new laptop differs:\n%s\n---\n%s", got, want)
				}
			})
		}
	}
}

// TestFormatGoneDoesNotSplitTheTeam: a FORMAT file deleted by a user,
// emptied, or not brought yet by the file-sync tool never makes a member
// set up a team of its own (it used to: the member founded anew, removed
// its own batches and wrote with a key nobody else held, and the team was
// split). A member puts the team's FORMAT back; a laptop that cannot says
// which file is missing and what to do, and a new laptop does not found a
// team in a folder that holds one.
func TestFormatGoneDoesNotSplitTheTeam(t *testing.T) {
	ctx := context.Background()
	a, b, folder := pair(t)
	format := filepath.Join(folder, "ernstfall", "FORMAT")
	want, err := os.ReadFile(format)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(l *laptop, notes string) {
		t.Helper()
		k := handbook.Contact{Record: handbook.Record{ID: contactID(1), CreatedAt: t0}, Name: "Kontakt", Email: "k@example.com", Notes: notes}
		putContact(t, l, &k)
	}
	agree := func(notes string) {
		t.Helper()
		for range 2 {
			a.sync(t, folder)
			b.sync(t, folder)
		}
		if got, w := comparable(t, b), comparable(t, a); got != w {
			t.Fatalf("laptops differ:\n%s\n---\n%s", got, w)
		}
		if got := getContact(t, b, contactID(1)); got.Notes != notes {
			t.Fatalf("notes %q, want %q", got.Notes, notes)
		}
		if got, err := os.ReadFile(format); err != nil || string(got) != string(want) {
			t.Fatalf("FORMAT is not the team's: %v\n%s", err, got)
		}
	}
	edit(a, "eins")
	agree("eins")

	// Deleted, then emptied: whichever member syncs first puts it back.
	for _, damage := range []func(){
		func() { os.Remove(format) },
		func() { os.WriteFile(format, nil, 0o644) },
		func() { os.WriteFile(format, want[:len(want)/3], 0o644) },
	} {
		damage()
		edit(b, "zwei "+fmt.Sprint(time.Now().UnixNano()))
		rep := b.sync(t, folder)
		named := false
		for _, s := range rep.Skipped {
			named = named || s.File == "ernstfall/FORMAT" && strings.Contains(s.Reason, "put back")
		}
		if !named {
			t.Errorf("the report does not say FORMAT was put back: %v", rep.Skipped)
		}
		notes := getContact(t, b, contactID(1)).Notes
		edit(a, notes+" und drei")
		agree(notes + " und drei")
	}

	// A member without a copy (its database older than this check) says
	// what is missing and what to do, and writes nothing; the founder
	// signs it anew.
	for _, l := range []*laptop{a, b} {
		if err := l.st.SetMeta(ctx, metaFormat, ""); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(format)
	_, err = b.eng.Run(ctx, b.st, b.opts(folder))
	if !errors.Is(err, ErrFormatMissing) || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "ernstfall/FORMAT is missing") ||
		!strings.Contains(err.Error(), "set the folder up synchronise") {
		t.Fatalf("a member without a copy: %v", err)
	}
	if _, err := os.Stat(format); !os.IsNotExist(err) {
		t.Fatalf("a member without a copy wrote a FORMAT: %v", err)
	}
	edit(a, "vier")
	agree("vier")

	// A new laptop with a handbook of its own meets the folder before its
	// FORMAT: it founds nothing.
	os.Remove(format)
	c := openLaptop(t, t.TempDir(), a.now)
	putContact(t, c, &handbook.Contact{Name: "Eigener", Email: "e@example.com"})
	_, err = c.eng.Run(ctx, c.st, c.opts(folder))
	if !errors.Is(err, ErrFormatMissing) || !strings.Contains(err.Error(), "holds the files of a team") {
		t.Fatalf("a new laptop: %v", err)
	}
	if _, err := os.Stat(format); !os.IsNotExist(err) {
		t.Fatalf("the new laptop founded a team: %v", err)
	}
	if _, err := os.Stat(filepath.Join(folder, "ernstfall", "log", c.st.Device())); !os.IsNotExist(err) {
		t.Fatalf("the new laptop wrote batches: %v", err)
	}
	edit(b, "fünf")
	agree("fünf")
}

// A laptop's folder below log/ is renamed (by hand, in other case, or by a
// file-sync engine that kept two versions of it: "… (1)", "…-DESKTOP-4F2K9"). The
// report names it as that laptop's folder, says to rename it back, and
// once it is back, a laptop that joins misses nothing.
func TestRenamedDeviceFolder(t *testing.T) {
	a, b, folder := pair(t)
	for n := range 3 {
		putContact(t, a, &handbook.Contact{Record: handbook.Record{ID: contactID(n), CreatedAt: t0}, Name: fmt.Sprintf("Kontakt %d", n), Email: "k@example.com"})
		a.sync(t, folder)
	}
	b.sync(t, folder)
	log := filepath.Join(folder, "ernstfall", "log")
	dev := a.st.Device()
	for _, renamed := range []string{dev + " (1)", dev + "-DESKTOP-4F2K9", dev + ".sync-conflict-20261130-101010-7QXKZ2M", strings.ToUpper(dev)} {
		if err := os.Rename(filepath.Join(log, dev), filepath.Join(log, renamed)); err != nil {
			t.Fatal(err)
		}
		c := openLaptop(t, t.TempDir(), a.now)
		if rep := c.sync(t, folder); !rep.Pending {
			t.Fatalf("not pending: %+v", rep)
		}
		rep := b.sync(t, folder)
		named := false
		for _, s := range rep.Skipped {
			named = named || s.File == "ernstfall/log/"+renamed && strings.Contains(s.Reason, "rename it back to "+dev)
		}
		if !named {
			t.Errorf("%s: the renamed folder is not named as the laptop's: %v", renamed, rep.Skipped)
		}
		if err := os.Rename(filepath.Join(log, renamed), filepath.Join(log, dev)); err != nil {
			t.Fatal(err)
		}
		join(t, folder, b, c)
		if got := c.sync(t, folder); len(got.Gaps) > 0 || comparable(t, c) != comparable(t, b) {
			t.Fatalf("%s: the new laptop misses batches: %v", renamed, got.Gaps)
		}
	}
}

// A FIFO swapped in for a file between the check of its kind and its
// opening must not hold the round: the file is opened without waiting
// and checked again on the open file.
func TestFIFOSwappedInWhileReading(t *testing.T) {
	dir := t.TempDir()
	sh, err := openShare(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	p := filepath.Join(dir, "ernstfall", "devices", "x.device")
	if err := sh.ensureDir(dirDevices); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := sh.root.Lstat("devices/x.device")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := mkfifo(p, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := sh.readOpened("devices/x.device", fi, 1<<10)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "retried next sync") {
			t.Fatalf("a FIFO read as the file: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("reading waits for a writer of the FIFO")
	}
}
