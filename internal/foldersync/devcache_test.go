package foldersync

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"ernstfall/internal/seal"
)

// TestDeviceFilesCheckedAgainOnlyWhenTheyChange: an engine checks the
// signature of a device file again only when its bytes changed since its
// last round; a changed file, and a forged one in its place, are read and
// checked as if never seen.
func TestDeviceFilesCheckedAgainOnlyWhenTheyChange(t *testing.T) {
	ctx := context.Background()
	a, b, c, folder, contact := trio(t)
	a.sync(t, folder)
	if n := len(a.eng.devices.last); n != 3 {
		t.Fatalf("the round kept %d device files, want 3", n)
	}
	// Mark what the engine kept: a read that takes a file from the cache
	// returns the mark.
	for k, f := range a.eng.devices.last {
		f.Name = "aus dem Speicher"
		a.eng.devices.last[k] = f
	}
	read := func() map[string]deviceFile {
		t.Helper()
		r, err := open(ctx, a.st, a.opts(folder).withDefaults())
		if err != nil {
			t.Fatal(err)
		}
		defer r.sh.Close()
		r.cache = &a.eng.devices
		return r.readDevices()
	}
	got := read()
	if got[c.st.Device()].Name != "aus dem Speicher" || got[b.st.Device()].Name != "aus dem Speicher" {
		t.Fatalf("unchanged device files were checked again: %+v", got)
	}
	// b syncs with a new batch: its device file changed and is read anew.
	contact.Notes = "neu"
	putContact(t, b, &contact)
	b.sync(t, folder)
	got = read()
	if f := got[b.st.Device()]; f.Name == "aus dem Speicher" || f.LastSeq != lastSeq(t, b) {
		t.Fatalf("b's new device file: %+v, want last batch %d", f, lastSeq(t, b))
	}
	if got[c.st.Device()].Name != "aus dem Speicher" {
		t.Errorf("c's unchanged file was checked again: %+v", got[c.st.Device()])
	}
	// A forgery in place of c's file is checked, and refused, although
	// the engine held c's file.
	name := filepath.Join(folder, "ernstfall", filepath.FromSlash(devicePath(c.st.Device())))
	genuine, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	state, err := loadState(ctx, c.st)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := state.writeKey(newTeam(*state.Team, state.Records))
	if !ok {
		t.Fatal("no key")
	}
	forged, err := seal.Seal(seal.Header{Kind: kindDevice, Handbook: mustHandbook(t, c), Device: c.st.Device()},
		[]byte(`{"device":"`+c.st.Device()+`","name":"Fälschung","last_seq":99}`), key, strangerKey(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, forged, 0o644); err != nil {
		t.Fatal(err)
	}
	if f, ok := read()[c.st.Device()]; ok {
		t.Fatalf("a forged device file was taken: %+v", f)
	}
	if err := os.WriteFile(name, genuine, 0o644); err != nil {
		t.Fatal(err)
	}
	if f := read()[c.st.Device()]; f.Name != "aus dem Speicher" {
		t.Errorf("c's genuine file back in place: %+v", f)
	}
}

func mustHandbook(t *testing.T, l *laptop) string {
	t.Helper()
	hb, err := l.st.HandbookID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return hb
}
