package foldersync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/seal"
)

// openedBatch returns the contents of batch seq of laptop w as they were
// sealed (compressed or not), read with reader's keys.
func openedBatch(t *testing.T, folder string, w, reader *laptop, seq int64) []byte {
	t.Helper()
	plain, _, _ := openedFile(t, folder, batchPath(w.st.Device(), seq), w, reader)
	return plain
}

// openedFile verifies the sealed file rel (below the protocol folder) as
// written by w and returns its contents, read with reader's keys, with
// its header and key.
func openedFile(t *testing.T, folder, rel string, w, reader *laptop) ([]byte, seal.Header, seal.Key) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(folder, "ernstfall", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	state, err := loadState(context.Background(), reader.st)
	if err != nil {
		t.Fatal(err)
	}
	h, err := seal.Verify(data, mustIdentity(t, w).Public().Sign)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := state.key(h.Key)
	if !ok {
		t.Fatalf("no key %s", h.Key)
	}
	plain, err := seal.Open(data, key)
	if err != nil {
		t.Fatal(err)
	}
	return plain, h, key
}

func mustIdentity(t *testing.T, l *laptop) seal.Identity {
	t.Helper()
	id, err := identity(context.Background(), l.st)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// lastSeq is the newest batch laptop l sent.
func lastSeq(t *testing.T, l *laptop) int64 {
	t.Helper()
	applied, err := l.st.Applied(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var last int64
	for s := range applied[l.st.Device()] {
		last = max(last, s)
	}
	return last
}

// openedDevice returns the contents of laptop w's device file as they
// were sealed, read with reader's keys.
func openedDevice(t *testing.T, folder string, w, reader *laptop) []byte {
	t.Helper()
	plain, _, _ := openedFile(t, folder, devicePath(w.st.Device()), w, reader)
	return plain
}

// announceAsOlder rewrites laptop l's device file as an Ernstfall that
// reads batch version 2 only writes it: without "reads".
func announceAsOlder(t *testing.T, folder string, l *laptop) {
	t.Helper()
	name := filepath.Join(folder, "ernstfall", filepath.FromSlash(devicePath(l.st.Device())))
	plain, h, key := openedFile(t, folder, devicePath(l.st.Device()), l, l)
	var err error
	if plain, _, err = unpackBatch(plain, maxDevicePlain); err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(plain, &f); err != nil {
		t.Fatal(err)
	}
	if f["reads"] != float64(batchVersion) {
		t.Fatalf("device file says it reads %v, want %d", f["reads"], batchVersion)
	}
	delete(f, "reads")
	if plain, err = json.Marshal(f); err != nil {
		t.Fatal(err)
	}
	data, err := seal.Seal(h, plain, key, mustIdentity(t, l).Sign)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBatchesAreCompressedWhenEveryoneReadsThem: batches are written
// compressed (version 3) once every active member says it reads them, and
// as version 2 while a member runs an Ernstfall that does not; laptops
// read both, and the compressed ones are a fraction of the size.
func TestBatchesAreCompressedWhenEveryoneReadsThem(t *testing.T) {
	a, b, c, folder, _ := trio(t)
	var ids []string
	for i := range 200 {
		ct := handbook.Contact{Name: fmt.Sprintf("Kontakt %d", i), Email: fmt.Sprintf("k%d@example.com", i),
			PhoneMobile: fmt.Sprintf("+49 170 %07d", i*7919), Function: "Krisenstab"}
		putContact(t, a, &ct)
		ids = append(ids, ct.ID)
	}
	a.sync(t, folder)
	seq := lastSeq(t, a)
	plain := openedBatch(t, folder, a, b, seq)
	if !bytes.HasPrefix(plain, []byte(packedMagic)) {
		t.Fatalf("batch %d of a team that reads version 3 is not compressed: %.40q", seq, plain)
	}
	inner, _, err := unpackBatch(plain, DefaultMaxBatchBytes)
	if err != nil {
		t.Fatal(err)
	}
	if len(inner) < 4*len(plain) {
		t.Errorf("200 new contacts: %d bytes compressed to %d, less than a quarter saved", len(inner), len(plain))
	}
	t.Logf("200 new contacts: %d bytes of JSON sealed as %d", len(inner), len(plain))
	if d := openedDevice(t, folder, a, b); !bytes.HasPrefix(d, []byte(packedMagic)) {
		t.Errorf("device file of a team that reads version 3 is not compressed: %.40q", d)
	}

	// c now runs an older Ernstfall: a's next batch is one it reads.
	announceAsOlder(t, folder, c)
	older := getContact(t, a, ids[0])
	older.Notes = "für das ältere Ernstfall"
	putContact(t, a, &older)
	a.sync(t, folder)
	plain = openedBatch(t, folder, a, b, lastSeq(t, a))
	var f batchFile
	if err := json.Unmarshal(plain, &f); err != nil || f.Version != formatVersion {
		t.Fatalf("batch for a team with an older laptop: version %d, %v (%.40q)", f.Version, err, plain)
	}
	if d := openedDevice(t, folder, a, b); !json.Valid(d) {
		t.Errorf("device file for a team with an older laptop is not plain JSON: %.40q", d)
	}
	for _, l := range []*laptop{b, c} {
		l.sync(t, folder)
		if got := getContact(t, l, ids[0]); got.Notes != older.Notes {
			t.Errorf("%s: %+v", l.st.Device(), got)
		}
		if got := getContact(t, l, ids[199]); got.Name != "Kontakt 199" {
			t.Errorf("%s: %+v", l.st.Device(), got)
		}
	}
	// c's sync wrote its device file anew: compressed again.
	older.Notes = "wieder komprimiert"
	putContact(t, a, &older)
	a.sync(t, folder)
	if plain := openedBatch(t, folder, a, b, lastSeq(t, a)); !bytes.HasPrefix(plain, []byte(packedMagic)) {
		t.Errorf("not compressed once every laptop reads version 3: %.40q", plain)
	}
	b.sync(t, folder)
	if got := getContact(t, b, ids[0]); got.Notes != older.Notes {
		t.Errorf("b: %+v", got)
	}
	if comparable(t, a) != comparable(t, b) {
		t.Error("a and b differ")
	}
}

// TestLargeEditGoesInSeveralBatches: a batch holds at most what the other
// laptops read (MaxBatchBytes); more changes go into several batches.
func TestLargeEditGoesInSeveralBatches(t *testing.T) {
	ctx := context.Background()
	a, b, _, folder, _ := trio(t)
	long := string(bytes.Repeat([]byte("Wiederanlauf "), 200)) // 2.6 KB each
	for i := range 40 {
		ct := handbook.Contact{Name: fmt.Sprintf("Kontakt %d", i), Email: fmt.Sprintf("k%d@example.com", i), Notes: fmt.Sprintf("%d %s", i, long)}
		putContact(t, a, &ct)
	}
	opt := a.opts(folder)
	opt.MaxBatchBytes = 32 << 10
	before := lastSeq(t, a)
	rep, err := a.eng.Run(ctx, a.st, opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent < 40*2 {
		t.Fatalf("sent %d changes", rep.Sent)
	}
	if n := lastSeq(t, a) - before; n < 3 {
		t.Errorf("about 100 KB of changes went into %d batches of at most 32 KB", n)
	}
	for s := before + 1; s <= lastSeq(t, a); s++ {
		inner, _, err := unpackBatch(openedBatch(t, folder, a, b, s), DefaultMaxBatchBytes)
		if err != nil || len(inner) > 32<<10 {
			t.Errorf("batch %d: %d bytes, %v", s, len(inner), err)
		}
	}
	bopt := b.opts(folder)
	bopt.MaxBatchBytes = 32 << 10
	if rep, err := b.eng.Run(ctx, b.st, bopt); err != nil || len(rep.Skipped) > 0 {
		t.Fatalf("%v %v", err, rep.Skipped)
	}
	if comparable(t, a) != comparable(t, b) {
		t.Error("a and b differ")
	}
	// One change larger than a batch may hold stays queued, with the
	// reason.
	huge := handbook.Contact{Name: "Riesig", Email: "r@example.com", Notes: string(bytes.Repeat([]byte("x"), 40<<10))}
	putContact(t, a, &huge)
	_, err = a.eng.Run(ctx, a.st, opt)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("more than the 32768 bytes other laptops read")) {
		t.Fatalf("a change too large for a batch: %v", err)
	}
}

// TestDeviceFileThatUnpacksPastTheLimit: a member's device file whose
// compressed contents unpack to more than a device file may hold is
// ignored, as an unreadable one is; the laptop goes on syncing.
func TestDeviceFileThatUnpacksPastTheLimit(t *testing.T) {
	ctx := context.Background()
	a, b, _, folder, contact := trio(t)
	name := filepath.Join(folder, "ernstfall", filepath.FromSlash(devicePath(b.st.Device())))
	state, err := loadState(ctx, b.st)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := state.writeKey(newTeam(*state.Team, state.Records))
	if !ok {
		t.Fatal("no key")
	}
	body := []byte(`{"device":"` + b.st.Device() + `","name":"` + string(bytes.Repeat([]byte("x"), maxDevicePlain)) + `"}`)
	z, err := packBatch(body)
	if err != nil {
		t.Fatal(err)
	}
	data, err := seal.Seal(seal.Header{Kind: kindDevice, Handbook: mustHandbook(t, b), Device: b.st.Device()}, z, key, mustIdentity(t, b).Sign)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > maxSmallFile {
		t.Fatalf("the test's file is %d bytes, more than is read", len(data))
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := open(ctx, a.st, a.opts(folder).withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	got := r.readDevices()
	r.sh.Close()
	if f, ok := got[b.st.Device()]; ok {
		t.Fatalf("a device file past the limit was read: %d bytes of name", len(f.Name))
	}
	contact.Notes = "weiter"
	putContact(t, a, &contact)
	a.sync(t, folder)
	b.sync(t, folder)
	if got := getContact(t, b, contact.ID); got.Notes != "weiter" {
		t.Errorf("b: %+v", got)
	}
}
