package foldersync

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/seal"
	"ernstfall/internal/store"
)

const fakeDevice = "0190ffff-0000-7000-8000-00000000beef"

// forgery describes a batch file written by the test: by default a well
// formed batch number seq of laptop l that creates one contact.
type forgery struct {
	seq    int64
	body   func(b *batchFile)
	header func(h *seal.Header)
	signer ed25519.PrivateKey
	key    *seal.Key
	// contents, when set, turns the batch's JSON into what is sealed.
	contents func(t *testing.T, plain []byte) []byte
}

// sealFor seals a forged batch as laptop l (its keys, its team key,
// unless the forgery says otherwise).
func sealFor(t *testing.T, l *laptop, f forgery) []byte {
	t.Helper()
	ctx := context.Background()
	hb, err := l.st.HandbookID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, err := identity(ctx, l.st)
	if err != nil {
		t.Fatal(err)
	}
	state, err := loadState(ctx, l.st)
	if err != nil || state.Team == nil {
		t.Fatalf("no team state: %v", err)
	}
	key, ok := state.writeKey(newTeam(*state.Team, state.Records))
	if !ok {
		t.Fatal("no team key")
	}
	if f.key != nil {
		key = *f.key
	}
	signer := id.Sign
	if f.signer != nil {
		signer = f.signer
	}
	if f.seq == 0 {
		f.seq = 1
	}
	b := batchFile{Format: batchFormat, Version: formatVersion, Handbook: hb, Device: l.st.Device(), Seq: f.seq, CreatedAt: t0,
		Changes: []wireChange{
			{Entity: "contact", ID: "fake-contact", Field: "name", Value: json.RawMessage(`"Aus der Ferne"`), HLC: 1 << 40},
			{Entity: "contact", ID: "fake-contact", Field: "email", Value: json.RawMessage(`"fern@example.com"`), HLC: 1<<40 + 1},
		}}
	if f.body != nil {
		f.body(&b)
	}
	plain, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.contents != nil {
		plain = f.contents(t, plain)
	}
	h := seal.Header{Kind: kindBatch, Handbook: hb, Device: l.st.Device(), Seq: f.seq}
	if f.header != nil {
		f.header(&h)
	}
	data, err := seal.Seal(h, plain, key, signer)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// packed compresses a forged batch's JSON as a laptop that writes batch
// version 3 does.
func packed(t *testing.T, plain []byte) []byte {
	t.Helper()
	out, err := packBatch(plain)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func strangerKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return sk
}

// TestBadInputIsSkippedAndTheRestGoesOn: damaged, forged, moved,
// replayed and foreign files in the folder are each named with the
// reason, never applied, and never stop the good batches.
func TestBadInputIsSkippedAndTheRestGoesOn(t *testing.T) {
	big := strings.Repeat("x", 8192)
	type env struct {
		a, c   *laptop
		logDir string
	}
	tests := []struct {
		name   string
		place  func(t *testing.T, e env) string // returns the file's name below log/
		reason string
	}{
		{"truncated batch", func(t *testing.T, e env) string {
			data := sealFor(t, e.c, forgery{})
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", data[:len(data)/2])
		}, "still being written"},
		{"empty batch", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", nil)
		}, "cut short"},
		{"not sealed", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", []byte(`{"format":"ernstfall-sync-batch","version":2}`))
		}, "not a sealed"},
		{"newer version", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", sealFor(t, e.c, forgery{body: func(b *batchFile) { b.Version = batchVersion + 1 }}))
		}, "newer Ernstfall"},
		{"compressed batch that unpacks past the limit", func(t *testing.T, e env) string {
			// 2 MB of one letter compress to about 2 KB: the file is
			// within the 4 KB limit, its contents are not.
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", sealFor(t, e.c, forgery{
				body: func(b *batchFile) {
					b.Version, b.Changes[0].Value = batchVersion, json.RawMessage(`"`+strings.Repeat("x", 2<<20)+`"`)
				},
				contents: packed,
			}))
		}, "unpack to more than 4096 bytes, the most a batch may hold"},
		{"damaged compressed contents", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", sealFor(t, e.c, forgery{
				contents: func(t *testing.T, plain []byte) []byte { return append([]byte(packedMagic), plain...) },
			}))
		}, "compressed contents are damaged"},
		{"contents in an encoding of a later version", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", sealFor(t, e.c, forgery{
				contents: func(t *testing.T, plain []byte) []byte { return append([]byte(packedFamily+"zstd\n"), plain...) },
			}))
		}, `written by a newer Ernstfall (contents encoded as "zstd"); update Ernstfall`},
		{"compressed batch claiming version 2", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", sealFor(t, e.c, forgery{contents: packed}))
		}, "compressed, but says it is batch version 2"},
		{"another handbook", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", sealFor(t, e.c, forgery{header: func(h *seal.Header) { h.Handbook = "0190eeee-0000-7000-8000-000000000000" }}))
		}, "another handbook"},
		{"moved into another laptop's folder", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.a.st.Device(), "000000000009.batch", sealFor(t, e.c, forgery{seq: 9}))
		}, "signature does not match"},
		{"signed as another laptop's", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", sealFor(t, e.c, forgery{header: func(h *seal.Header) { h.Device = e.a.st.Device() }}))
		}, "moved or replayed"},
		{"replayed under a later number", func(t *testing.T, e env) string {
			// Batch 1 is genuine and applied; the same bytes again under
			// number 2 would apply its changes a second time.
			genuine := sealFor(t, e.c, forgery{body: func(b *batchFile) {
				b.Changes = b.Changes[:1]
				b.Changes[0].ID = "genuine-contact"
			}})
			write(t, e.logDir, e.c.st.Device(), "000000000001.batch", genuine)
			return write(t, e.logDir, e.c.st.Device(), "000000000002.batch", genuine)
		}, "moved or replayed"},
		{"signed by a stranger", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", sealFor(t, e.c, forgery{signer: strangerKey(t)}))
		}, "signature does not match"},
		{"encrypted with a key the team never had", func(t *testing.T, e env) string {
			k, err := seal.NewKey(7)
			if err != nil {
				t.Fatal(err)
			}
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", sealFor(t, e.c, forgery{key: &k}))
		}, "does not hold"},
		{"unknown laptop", func(t *testing.T, e env) string {
			return write(t, e.logDir, fakeDevice, "000000000001.batch", sealFor(t, e.c, forgery{signer: strangerKey(t)}))
		}, "unknown laptop"},
		{"batch of an Ernstfall without signatures", func(t *testing.T, e env) string {
			write(t, e.logDir, fakeDevice, "000000000001.json", []byte(`{"format":"ernstfall-sync-batch","version":1}`))
			return fakeDevice
		}, "without signatures"},
		{"oversized", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", sealFor(t, e.c, forgery{body: func(b *batchFile) {
				b.Changes[0].Value = json.RawMessage(`"` + big + `"`)
			}}))
		}, "oversized"},
		{"symlinked batch", func(t *testing.T, e env) string {
			outside := filepath.Join(t.TempDir(), "outside.batch")
			if err := os.WriteFile(outside, sealFor(t, e.c, forgery{}), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(e.logDir, e.c.st.Device()), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(e.logDir, e.c.st.Device(), "000000000001.batch")); err != nil {
				t.Fatal(err)
			}
			return e.c.st.Device() + "/000000000001.batch"
		}, "symbolic link"},
		{"symlinked device folder escaping the share", func(t *testing.T, e env) string {
			outside := t.TempDir()
			if err := os.WriteFile(filepath.Join(outside, "000000000001.batch"), sealFor(t, e.c, forgery{}), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(filepath.Join(e.logDir, e.c.st.Device())); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(e.logDir, e.c.st.Device())); err != nil {
				t.Fatal(err)
			}
			return e.c.st.Device()
		}, "symbolic link"},
		{"device folder name that is no device", func(t *testing.T, e env) string {
			write(t, e.logDir, "x..%2f..%2fetc", "000000000001.batch", sealFor(t, e.c, forgery{}))
			return "x..%2f..%2fetc"
		}, "not a device"},
		{"change that fits no field", func(t *testing.T, e env) string {
			return write(t, e.logDir, e.c.st.Device(), "000000000001.batch", sealFor(t, e.c, forgery{body: func(b *batchFile) {
				b.Changes[0].Value = json.RawMessage(`{"not":"a name"}`)
			}}))
		}, "does not fit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			a, b, c, folder, _ := trio(t)
			good := handbook.Contact{Name: "Echt", Email: "echt@example.com"}
			putContact(t, a, &good)
			a.sync(t, folder)
			logDir := filepath.Join(folder, "ernstfall", "log")
			name := tt.place(t, env{a: a, c: c, logDir: logDir})
			rep, err := runRound(ctx, b.st, Options{Folder: folder, Backups: -1, MaxBatchBytes: 4096})
			if err != nil {
				t.Fatalf("sync stopped: %v", err)
			}
			var found bool
			for _, s := range rep.Skipped {
				if strings.HasSuffix(s.File, name) && strings.Contains(s.Reason, tt.reason) {
					found = true
				}
			}
			if !found {
				t.Errorf("no skip naming %s with %q: %v", name, tt.reason, rep.Skipped)
			}
			if got := getContact(t, b, good.ID); got.Name != "Echt" {
				t.Errorf("the good batch was not applied: %+v", got)
			}
			if _, err := store.Get[handbook.Contact](ctx, b.st, "fake-contact"); err == nil && tt.reason != "does not fit" {
				t.Error("a skipped batch was applied")
			}
			if err := b.st.IntegrityCheck(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

func write(t *testing.T, logDir, dev, name string, data []byte) string {
	t.Helper()
	dir := filepath.Join(logDir, dev)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dev + "/" + name
}

// TestSkippedBatchIsRetriedWhenItChanges: a file-sync tool may still be
// writing a batch when a round reads it; it is retried, and applied once
// it is complete and verifies.
func TestSkippedBatchIsRetriedWhenItChanges(t *testing.T) {
	_, b, c, folder, _ := trio(t)
	logDir := filepath.Join(folder, "ernstfall", "log")
	good := sealFor(t, c, forgery{})
	write(t, logDir, c.st.Device(), "000000000001.batch", good[:40])
	rep := b.sync(t, folder)
	if len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Reason, "retried next sync") || !rep.Skipped[0].New {
		t.Fatalf("half-arrived batch not skipped with a retry note: %v", rep.Skipped)
	}
	rep = b.sync(t, folder)
	if len(rep.Skipped) != 1 || rep.Skipped[0].New {
		t.Fatalf("the same half batch is reported as new again: %v", rep.Skipped)
	}
	write(t, logDir, c.st.Device(), "000000000001.batch", good)
	rep = b.sync(t, folder)
	if rep.Batches != 1 || len(rep.Skipped) != 0 {
		t.Fatalf("completed batch not applied: %+v", rep)
	}
	if got := getContact(t, b, "fake-contact"); got.Name != "Aus der Ferne" {
		t.Errorf("contact %+v", got)
	}
}

func TestFolderOfAnotherFormatIsRefused(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    error
	}{
		{"newer version", `{"format":"ernstfall-sync","version":9,"handbook":"x"}`, ErrFormat},
		{"not ours", `{"format":"something-else","version":1,"handbook":"x"}`, ErrFormat},
		{"garbage", "\x00\x01", ErrFormat},
		{"version 2 without a signature", `{"format":"ernstfall-sync","version":2,"handbook":"x","team":{"founder":"a"}}`, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			folder := t.TempDir()
			if err := os.MkdirAll(filepath.Join(folder, "ernstfall"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(folder, "ernstfall", "FORMAT"), []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			l := openLaptop(t, t.TempDir(), newFakeClock().reader(0))
			putContact(t, l, &handbook.Contact{Name: "Anna", Email: "a@example.com"})
			_, err := runRound(ctx, l.st, Options{Folder: folder, Backups: -1})
			if err == nil || err.Error() == "" || !errors.Is(err, tt.want) {
				t.Fatalf("sync: %v, want %v", err, tt.want)
			}
			if un, _ := l.st.Unsent(ctx); len(un) != 3 {
				t.Errorf("changes were marked sent: %d left", len(un))
			}
		})
	}
}
