package foldersync

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

const fakeDevice = "0190ffff-0000-7000-8000-00000000beef"

// craftBatch returns a well-formed batch of fakeDevice that creates one
// contact.
func craftBatch(t *testing.T, hbID string, seq int64, mutate func(b *batchFile)) []byte {
	t.Helper()
	b := batchFile{Format: batchFormat, Version: formatVersion, Handbook: hbID, Device: fakeDevice, Seq: seq, CreatedAt: t0,
		Changes: []wireChange{
			{Entity: "contact", ID: "fake-contact", Field: "name", Value: json.RawMessage(`"Aus der Ferne"`), HLC: 1 << 40},
			{Entity: "contact", ID: "fake-contact", Field: "email", Value: json.RawMessage(`"fern@example.com"`), HLC: 1<<40 + 1},
		}}
	if mutate != nil {
		mutate(&b)
	}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestBadInputIsSkippedAndTheRestGoesOn(t *testing.T) {
	big := strings.Repeat("x", 4096)
	tests := []struct {
		name   string
		place  func(t *testing.T, logDir, hbID string) string // returns the file's name below log/
		reason string
	}{
		{"truncated batch", func(t *testing.T, logDir, hbID string) string {
			data := craftBatch(t, hbID, 1, nil)
			return write(t, logDir, fakeDevice, "000000000001.json", data[:len(data)/2])
		}, "truncated"},
		{"empty batch", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, "000000000001.json", nil)
		}, "empty"},
		{"not JSON", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, "000000000001.json", []byte("PK\x03\x04 zip, not json"))
		}, "not readable JSON"},
		{"newer version", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, "000000000001.json", craftBatch(t, hbID, 1, func(b *batchFile) { b.Version = 2 }))
		}, "newer Ernstfall"},
		{"another handbook", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, "000000000001.json", craftBatch(t, "0190eeee-0000-7000-8000-000000000000", 1, nil))
		}, "another handbook"},
		{"claims another device", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, "000000000001.json", craftBatch(t, hbID, 1, func(b *batchFile) { b.Device = "someone-else" }))
		}, "says it comes from"},
		{"claims another number", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, "000000000001.json", craftBatch(t, hbID, 7, nil))
		}, "says it is batch 7"},
		{"oversized", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, "000000000001.json", craftBatch(t, hbID, 1, func(b *batchFile) {
				b.Changes[0].Value = json.RawMessage(`"` + big + `"`)
			}))
		}, "oversized"},
		{"syncthing conflict copy", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, "000000000001.sync-conflict-20261126-081500-ABCDEFG.json", craftBatch(t, hbID, 1, nil))
		}, "conflict copy"},
		{"numbered copy", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, "000000000001 (1).json", craftBatch(t, hbID, 1, nil))
		}, "conflict copy"},
		{"office lock file", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, "~$000000000001.json", []byte("lock"))
		}, "conflict copy"},
		{"temp file", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, ".000000000001.json.4711.tmp", craftBatch(t, hbID, 1, nil)[:10])
		}, "temporary"},
		{"symlinked batch", func(t *testing.T, logDir, hbID string) string {
			outside := filepath.Join(t.TempDir(), "outside.json")
			if err := os.WriteFile(outside, craftBatch(t, hbID, 1, nil), 0o644); err != nil {
				t.Fatal(err)
			}
			os.MkdirAll(filepath.Join(logDir, fakeDevice), 0o755)
			if err := os.Symlink(outside, filepath.Join(logDir, fakeDevice, "000000000001.json")); err != nil {
				t.Fatal(err)
			}
			return fakeDevice + "/000000000001.json"
		}, "symbolic link"},
		{"symlinked device folder escaping the share", func(t *testing.T, logDir, hbID string) string {
			outside := t.TempDir()
			if err := os.WriteFile(filepath.Join(outside, "000000000001.json"), craftBatch(t, hbID, 1, nil), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(logDir, fakeDevice)); err != nil {
				t.Fatal(err)
			}
			return fakeDevice
		}, "symbolic link"},
		{"device folder name that is no device", func(t *testing.T, logDir, hbID string) string {
			write(t, logDir, "x..%2f..%2fetc", "000000000001.json", craftBatch(t, hbID, 1, nil))
			return "x..%2f..%2fetc"
		}, "not a device"},
		{"change that fits no field", func(t *testing.T, logDir, hbID string) string {
			return write(t, logDir, fakeDevice, "000000000001.json", craftBatch(t, hbID, 1, func(b *batchFile) {
				b.Changes[0].Value = json.RawMessage(`{"not":"a name"}`)
			}))
		}, "does not fit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			a, b, folder := pair(t)
			c := handbook.Contact{Name: "Echt", Email: "echt@example.com"}
			putContact(t, a, &c)
			a.sync(t, folder)
			hbID, _ := b.st.HandbookID(ctx)
			logDir := filepath.Join(folder, "ernstfall", "log")
			name := tt.place(t, logDir, hbID)
			rep, err := runRound(ctx, b.st, Options{Folder: folder, Backups: -1, MaxBatchBytes: 2048})
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
			if got := getContact(t, b, c.ID); got.Name != "Echt" {
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

func TestSkippedBatchIsRetriedWhenItChanges(t *testing.T) {
	ctx := context.Background()
	_, b, folder := pair(t)
	hbID, _ := b.st.HandbookID(ctx)
	logDir := filepath.Join(folder, "ernstfall", "log")
	good := craftBatch(t, hbID, 1, nil)
	write(t, logDir, fakeDevice, "000000000001.json", good[:20])
	rep := b.sync(t, folder)
	if len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Reason, "retried next sync") {
		t.Fatalf("half-arrived batch not skipped with a retry note: %v", rep.Skipped)
	}
	write(t, logDir, fakeDevice, "000000000001.json", good)
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			folder := t.TempDir()
			os.MkdirAll(filepath.Join(folder, "ernstfall"), 0o755)
			os.WriteFile(filepath.Join(folder, "ernstfall", "FORMAT"), []byte(tt.content), 0o644)
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
