package foldersync

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// writeCheckpointAs writes snap as checkpoint gen of laptop l, signed with
// its key and sealed with the team key, as a member with a valid key
// could write any file.
func writeCheckpointAs(t *testing.T, folder string, l *laptop, snap store.Snapshot, gen int64) string {
	t.Helper()
	ctx := context.Background()
	r, err := open(ctx, l.st, l.opts(folder).withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	defer r.sh.Close()
	key, ok := r.state.writeKey(r.team)
	if !ok {
		t.Fatal("no team key")
	}
	data, err := r.sealSnapshot(snap, kindCheckpt, checkpointFormat, gen, key)
	if err != nil {
		t.Fatal(err)
	}
	name := checkpointFileName(gen, l.st.Device())
	dir := filepath.Join(folder, "ernstfall", dirCheckpoints)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o666); err != nil {
		t.Fatal(err)
	}
	return name
}

// A member's checkpoint whose contents lie is checked by the others
// against the batches it covers: refused with the file and the signer
// named, used by no laptop, replaced by the next compaction, and nothing
// is lost.
func TestLyingCheckpointIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		lie        func(snap *store.Snapshot, target string)
	}{
		{"value changed", "another value than the batch that carried it", func(snap *store.Snapshot, target string) {
			for i, c := range snap.Changes {
				if c.ID == target && c.Field == "notes" {
					snap.Changes[i].Value = json.RawMessage(`"gefälscht"`)
				}
			}
		}},
		{"value in effect left out", "leaves out a value in effect", func(snap *store.Snapshot, target string) {
			kept := snap.Changes[:0]
			for _, c := range snap.Changes {
				if c.ID != target || c.Field != "notes" {
					kept = append(kept, c)
				}
			}
			snap.Changes = kept
		}},
		{"change nobody made", "a change no batch it covers carried", func(snap *store.Snapshot, target string) {
			for _, c := range snap.Changes {
				if c.ID == target && c.Field == "notes" {
					c.HLC++
					c.BaseHLC, c.BaseDevice = c.HLC-1, c.Device
					c.Value = json.RawMessage(`"gefälscht"`)
					snap.Changes = append(snap.Changes, c)
					break
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newFakeClock()
			folder := t.TempDir()
			anna := openLaptop(t, t.TempDir(), clk.reader(0))
			ben := openLaptop(t, t.TempDir(), clk.reader(0))
			for n := range 3 {
				putContact(t, anna, &handbook.Contact{Record: handbook.Record{ID: contactID(n), CreatedAt: t0},
					Name: fmt.Sprintf("Kontakt %d", n), Email: "k@example.com"})
			}
			anna.sync(t, folder)
			join(t, folder, anna, ben)
			for round := range 6 {
				for i, l := range []*laptop{anna, ben} {
					c := getContact(t, l, contactID(round%3))
					c.Notes = fmt.Sprintf("Runde %d, Laptop %d", round, i)
					putContact(t, l, &c)
					l.sync(t, folder)
				}
			}
			anna.sync(t, folder)
			want := getContact(t, anna, contactID(0)).Notes
			// Ben writes a checkpoint that lies about contact 0, and
			// removes the batches it claims to cover, as a compaction would.
			snap, err := ben.st.ExportCheckpoint(ctx, everyBatch(t, ben))
			if err != nil {
				t.Fatal(err)
			}
			tc.lie(&snap, contactID(0))
			name := writeCheckpointAs(t, folder, ben, snap, 5)
			st, err := loadState(ctx, anna.st)
			if err != nil {
				t.Fatal(err)
			}
			team := map[string]bool{}
			for _, r := range st.Records {
				team[batchPath(r.Signer, r.Seq)] = true
			}
			removed := 0
			for dev, seqs := range snap.Applied {
				for _, seq := range seqs {
					if rel := batchPath(dev, seq); !team[rel] && os.Remove(filepath.Join(folder, "ernstfall", rel)) == nil {
						removed++
					}
				}
			}
			if removed == 0 {
				t.Fatal("no batch removed")
			}
			// Anna has applied everything it covers: she checks it, and
			// says so in the report and in her device file. She does not
			// compact yet.
			anna.compact = -1
			rep := anna.sync(t, folder)
			var reason string
			for _, s := range rep.Skipped {
				if path.Base(s.File) == name {
					reason = s.Reason
				}
			}
			if !strings.Contains(reason, tc.want) || !strings.Contains(reason, ben.st.Device()) || !strings.Contains(reason, "refused") {
				t.Fatalf("Anna's report on %s: %q (all: %+v)", name, reason, rep.Skipped)
			}
			t.Logf("Anna: %s: %s", name, reason)
			if again := anna.sync(t, folder); len(again.Skipped) > 0 {
				t.Fatalf("the lie is reported again every round: %+v", again.Skipped)
			}
			// A new laptop does not start from it: it reports the batches
			// missing rather than take the lie.
			dora := openLaptop(t, t.TempDir(), clk.reader(0))
			drep := joinReport(t, folder, anna, dora)
			reason = ""
			for _, s := range drep.Skipped {
				if path.Base(s.File) == name {
					reason = s.Reason
				}
			}
			if !strings.Contains(reason, "refused") || !strings.Contains(reason, anna.st.Device()) || drep.Snapshot != "" {
				t.Fatalf("the new laptop used the lying checkpoint or did not say why not: %q, %+v", reason, drep)
			}
			t.Logf("new laptop: %s: %s", name, reason)
			if len(drep.Gaps) == 0 {
				t.Fatalf("the new laptop misses nothing: %+v", drep)
			}
			// Anna's next compaction replaces it; nothing is lost.
			anna.compact = 0
			arep := anna.sync(t, folder)
			if arep.Checkpoint == "" {
				t.Fatalf("Anna did not replace the lying checkpoint: %+v", arep)
			}
			if _, err := os.Stat(filepath.Join(folder, "ernstfall", dirCheckpoints, name)); !os.IsNotExist(err) {
				t.Fatalf("the lying checkpoint is still there: %v", err)
			}
			drep = dora.sync(t, folder)
			if len(drep.Gaps) > 0 {
				t.Fatalf("the new laptop still misses batches: %+v", drep.Gaps)
			}
			if got := getContact(t, dora, contactID(0)).Notes; got != want {
				t.Fatalf("contact 0's notes on the new laptop: %q, want %q", got, want)
			}
			ben.sync(t, folder)
			if got, want := comparable(t, dora), comparable(t, anna); got != want {
				t.Fatalf("the new laptop differs:\n%s\n---\n%s", got, want)
			}
		})
	}
}
