package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckpointDecidesLaterChangesAsTheHistory: a laptop that starts from
// a checkpoint, or folds one, must decide every change that arrives later
// as a laptop that holds every change. decide reads, of a later change,
// the value of the change it was made on top of and the greater changes
// of its value; a checkpoint that kept only the values in effect and in
// conflict lost both. In a simulated year a laptop that joined from a
// checkpoint showed a conflict the members had closed: "4" had been
// written over by a change made on top of another "4", which the
// checkpoint left out, so the joiner kept a concurrent "4" that arrived
// later.
func TestCheckpointDecidesLaterChangesAsTheHistory(t *testing.T) {
	ctx := context.Background()
	record := Batch{Device: "z", Seq: 1, Changes: []Change{change("z", 1, "name", `"Anna"`, "", 0), change("z", 2, "email", `"a@example.com"`, "", 0)}}
	tests := []struct {
		name    string
		history []Batch
		// settled: what every laptop that may still write had applied
		// when the checkpoint was written.
		settled map[string]int64
		late    Batch
		// before: the batches the returning laptop had applied before
		// it folds the checkpoint.
		before    []Batch
		wantPhone string
		conflicts int
	}{
		{"a value written over on top of the same value (the simulated year)",
			[]Batch{
				{Device: "a", Seq: 1, Changes: []Change{change("a", 10, "phone_mobile", `"3"`, "", 0)}},
				{Device: "c", Seq: 1, Changes: []Change{change("c", 20, "phone_mobile", `"4"`, "a", 10)}},
				{Device: "d", Seq: 1, Changes: []Change{change("d", 40, "phone_mobile", `"3"`, "c", 20)}},
			},
			map[string]int64{"z": 1, "a": 1},
			Batch{Device: "b", Seq: 1, Changes: []Change{change("b", 30, "phone_mobile", `"4"`, "a", 10)}},
			nil, "3", 0},
		{"an edit made while away on top of a value since written over and written again",
			[]Batch{
				{Device: "a", Seq: 1, Changes: []Change{change("a", 10, "phone_mobile", `"X"`, "", 0)}},
				{Device: "b", Seq: 1, Changes: []Change{change("b", 20, "phone_mobile", `"Y"`, "a", 10)}},
				{Device: "c", Seq: 1, Changes: []Change{change("c", 30, "phone_mobile", `"X"`, "b", 20)}},
			},
			map[string]int64{"z": 1, "a": 1},
			Batch{Device: "l", Seq: 1, Changes: []Change{change("l", 50, "phone_mobile", `"W"`, "a", 10)}},
			[]Batch{record, {Device: "a", Seq: 1, Changes: []Change{change("a", 10, "phone_mobile", `"X"`, "", 0)}}},
			"W", 0},
		{"an old edit arriving late, of a value written again since",
			[]Batch{
				{Device: "a", Seq: 1, Changes: []Change{change("a", 10, "phone_mobile", `"1"`, "", 0)}},
				{Device: "b", Seq: 1, Changes: []Change{change("b", 30, "phone_mobile", `"2"`, "a", 10)}},
				{Device: "c", Seq: 1, Changes: []Change{change("c", 40, "phone_mobile", `"3"`, "b", 30)}},
			},
			map[string]int64{"z": 1, "a": 1},
			Batch{Device: "l", Seq: 1, Changes: []Change{change("l", 20, "phone_mobile", `"2"`, "a", 10)}},
			[]Batch{record, {Device: "a", Seq: 1, Changes: []Change{change("a", 10, "phone_mobile", `"1"`, "", 0)}}},
			"3", 0},
		{"a concurrent edit arriving late stays a conflict",
			[]Batch{
				{Device: "a", Seq: 1, Changes: []Change{change("a", 10, "phone_mobile", `"1"`, "", 0)}},
				{Device: "b", Seq: 1, Changes: []Change{change("b", 30, "phone_mobile", `"2"`, "a", 10)}},
			},
			map[string]int64{"z": 1, "a": 1},
			Batch{Device: "l", Seq: 1, Changes: []Change{change("l", 20, "phone_mobile", `"5"`, "a", 10)}},
			nil, "2", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			history := append([]Batch{record}, tt.history...)
			full := open(t, filepath.Join(t.TempDir(), "full.db"))
			if _, err := full.ApplyRemote(ctx, history); err != nil {
				t.Fatal(err)
			}
			check, err := full.ExportCheckpoint(ctx, tt.settled)
			if err != nil {
				t.Fatal(err)
			}
			check.Checkpoint = true
			joined := open(t, filepath.Join(t.TempDir(), "joined.db"))
			back := open(t, filepath.Join(t.TempDir(), "back.db"))
			if _, err := back.ApplyRemote(ctx, tt.before); err != nil {
				t.Fatal(err)
			}
			for _, s := range []*Store{joined, back} {
				if _, err := s.ImportSnapshot(ctx, check); err != nil {
					t.Fatal(err)
				}
			}
			for _, s := range []*Store{full, joined, back} {
				if _, err := s.ApplyRemote(ctx, []Batch{tt.late}); err != nil {
					t.Fatal(err)
				}
			}
			want := settledState(t, full)
			if got := getC1(t, full).PhoneMobile; got != tt.wantPhone {
				t.Fatalf("with every change: phone %q, want %q", got, tt.wantPhone)
			}
			if cs, err := full.Conflicts(ctx); err != nil || len(cs) != tt.conflicts {
				t.Fatalf("with every change: %d conflicts (%v), want %d", len(cs), err, tt.conflicts)
			}
			if got := settledState(t, joined); got != want {
				t.Errorf("joined from the checkpoint:\n%s\nwith every change:\n%s", got, want)
			}
			if got := settledState(t, back); got != want {
				t.Errorf("folded the checkpoint:\n%s\nwith every change:\n%s", got, want)
			}
		})
	}
}

// TestCheckpointOfSettledHistoryHoldsHeads: when every laptop has applied
// every batch, a checkpoint holds only the values in effect and in
// conflict, however long the history.
func TestCheckpointOfSettledHistoryHoldsHeads(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	batches := []Batch{{Device: "z", Seq: 1, Changes: []Change{change("z", 1, "name", `"Anna"`, "", 0)}}}
	prev := int64(1)
	for i := int64(2); i <= 40; i++ {
		batches = append(batches, Batch{Device: "a", Seq: i, Changes: []Change{change("a", 10*i, "phone_mobile", `"`+string(rune('A'+i%5))+`"`, "a", 10*prev)}})
		prev = i
	}
	batches = append(batches, Batch{Device: "b", Seq: 1, Changes: []Change{change("b", 395, "phone_mobile", `"Q"`, "a", 380)}})
	if _, err := s.ApplyRemote(ctx, batches); err != nil {
		t.Fatal(err)
	}
	check, err := s.ExportCheckpoint(ctx, everyBatch(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if len(check.Changes) != 3 {
		t.Fatalf("checkpoint of a settled history holds %d changes, want the name and two phones in conflict: %+v", len(check.Changes), check.Changes)
	}
	all, err := s.ExportCheckpoint(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Changes) != 41 {
		t.Fatalf("with nothing settled the checkpoint holds %d changes, want all 41", len(all.Changes))
	}
}

// TestCheckpointCheckedByALaptopThatStartedFromOne: a laptop that started
// from a checkpoint holds, of the older changes, only what that one kept.
// Another checkpoint of the same batches that keeps more (changes some
// laptop may not have seen) is no lie, and must not be refused; one
// that changes a value still is.
func TestCheckpointCheckedByALaptopThatStartedFromOne(t *testing.T) {
	ctx := context.Background()
	full := open(t, filepath.Join(t.TempDir(), "full.db"))
	history := []Batch{
		{Device: "z", Seq: 1, Changes: []Change{change("z", 1, "name", `"Anna"`, "", 0)}},
		{Device: "a", Seq: 1, Changes: []Change{change("a", 10, "phone_mobile", `"X"`, "", 0)}},
		{Device: "b", Seq: 1, Changes: []Change{change("b", 20, "phone_mobile", `"Y"`, "a", 10)}},
		{Device: "c", Seq: 1, Changes: []Change{change("c", 30, "phone_mobile", `"X"`, "b", 20)}},
	}
	for i := range history {
		history[i].Hash = "hash of " + history[i].Device // as a batch file read from the folder has
		for j := range history[i].Changes {
			history[i].Changes[j].Batch = 1
		}
	}
	if _, err := full.ApplyRemote(ctx, history); err != nil {
		t.Fatal(err)
	}
	heads, err := full.ExportCheckpoint(ctx, everyBatch(t, full))
	if err != nil {
		t.Fatal(err)
	}
	heads.Checkpoint = true
	whole, err := full.ExportCheckpoint(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(heads.Changes) != 2 || len(whole.Changes) != 4 {
		t.Fatalf("checkpoints of %d and %d changes, want 2 and 4", len(heads.Changes), len(whole.Changes))
	}
	joined := open(t, filepath.Join(t.TempDir(), "joined.db"))
	if _, err := joined.ImportSnapshot(ctx, heads); err != nil {
		t.Fatal(err)
	}
	if problem, ok, err := joined.VerifyCheckpoint(ctx, whole); err != nil || !ok || problem != "" {
		t.Fatalf("the fuller checkpoint: %q, checked %v, %v; want no problem", problem, ok, err)
	}
	lie := whole
	lie.Changes = append([]Change(nil), whole.Changes...)
	for i, c := range lie.Changes {
		if c.Device == "c" {
			lie.Changes[i].Value = []byte(`"Z"`)
		}
	}
	if problem, ok, err := joined.VerifyCheckpoint(ctx, lie); err != nil || !ok || problem == "" {
		t.Fatalf("a changed value in effect: %q, checked %v, %v; want it refused", problem, ok, err)
	}
	// A change nobody made, in a batch the laptop replayed: a lie.
	invented := whole
	invented.Changes = append(append([]Change(nil), whole.Changes...), change("c", 31, "phone_mobile", `"Q"`, "c", 30))
	invented.Changes[len(invented.Changes)-1].Batch = 1
	if problem, ok, err := full.VerifyCheckpoint(ctx, invented); err != nil || !ok || !strings.Contains(problem, "no batch it covers carried") {
		t.Fatalf("a change nobody made: %q, checked %v, %v; want it refused", problem, ok, err)
	}
	// The laptop that started from a checkpoint cannot tell.
	if problem, ok, err := joined.VerifyCheckpoint(ctx, invented); err != nil || !ok {
		t.Fatalf("a change nobody made, to a laptop that started from a checkpoint: %q, checked %v, %v", problem, ok, err)
	}
}

// TestCheckpointSettlesChangesOfUnknownBatch: changes received before
// their batches were recorded count as settled when they are no newer
// than a settled change of their device, so a checkpoint of an older
// database does not carry its whole history.
func TestCheckpointSettlesChangesOfUnknownBatch(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	old := Snapshot{Applied: map[string][]int64{"a": {1, 2, 3, 4}}, Changes: []Change{
		change("a", 1, "name", `"Anna"`, "", 0),
		change("a", 10, "phone_mobile", `"1"`, "", 0),
		change("a", 20, "phone_mobile", `"2"`, "a", 10),
	}}
	if _, err := s.ImportSnapshot(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyRemote(ctx, []Batch{{Device: "a", Seq: 5, Changes: []Change{change("a", 30, "phone_mobile", `"3"`, "a", 20)}}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		settled map[string]int64
		want    int
	}{
		{map[string]int64{"a": 5}, 2},
		{map[string]int64{"a": 4}, 4},
	} {
		check, err := s.ExportCheckpoint(ctx, tc.settled)
		if err != nil {
			t.Fatal(err)
		}
		if len(check.Changes) != tc.want {
			t.Errorf("settled %v: the checkpoint holds %d changes, want %d", tc.settled, len(check.Changes), tc.want)
		}
	}
}
