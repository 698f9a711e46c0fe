package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"ernstfall/internal/fixture"
	"ernstfall/internal/handbook"
)

// salvageSource writes a generated handbook (with long playbooks, whose
// rows spill onto overflow pages) into a closed database and returns the
// file and every live record's stored JSON by entity/id.
func salvageSource(t *testing.T) (string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hb.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hb := fixture.Generate(5, fixture.Size{Contacts: 400, Playbooks: 60, Services: 40})
	if _, err := s.Import(ctx, hb); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	rows, err := s.r.QueryContext(ctx, `SELECT entity, id, data FROM records WHERE deleted = 0`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e, id, data string
		if err := rows.Scan(&e, &id, &data); err != nil {
			t.Fatal(err)
		}
		want[e+"/"+id] = data
	}
	rows.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("a WAL is left; the test needs a checkpointed file")
	}
	return path, want
}

// recovered maps the records of a salvage by entity/id to their JSON.
func recovered(t *testing.T, s Salvaged) map[string]string {
	t.Helper()
	out := map[string]string{}
	s.Handbook.EachItem(func(it handbook.Item) {
		data, err := json.Marshal(it)
		if err != nil {
			t.Fatal(err)
		}
		out[string(it.Entity())+"/"+it.Meta().ID] = string(data)
	})
	return out
}

// sameJSON compares two JSON texts as values.
func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// checkSalvage: every record whose stored JSON is still whole in the
// readable bytes must come back, and nothing that comes back may differ
// from what was stored.
func checkSalvage(t *testing.T, damaged []byte, s Salvaged, want map[string]string, readable func(i int) bool) {
	t.Helper()
	got := recovered(t, s)
	must := 0
	for k, data := range want {
		if k == string(settingsEntity)+"/"+settingsID {
			continue
		}
		i := bytes.Index(damaged, []byte(data))
		whole := i >= 0 && readable(i) && readable(i+len(data)-1)
		g, ok := got[k]
		switch {
		case ok && !sameJSON(g, data):
			t.Errorf("%s came back changed", k)
		case whole && !ok:
			t.Errorf("%s is whole in the file but was not recovered", k)
		}
		if whole {
			must++
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s came back, but was never stored", k)
		}
	}
	if len(got) < must {
		t.Errorf("recovered %d records, %d were whole in the file", len(got), must)
	}
}

// TestSalvageTruncated cuts the file at many points between 50 % and
// 99 % (mid-page too) and salvages what is left.
func TestSalvageTruncated(t *testing.T) {
	src, want := salvageSource(t)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, pct := range []int{50, 58, 63, 71, 77, 84, 90, 95, 99} {
		cut := len(data)*pct/100 + rng.IntN(4096)
		cut = min(cut, len(data)-1)
		t.Run(fmt.Sprintf("%d%%", pct), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kaputt.db")
			if err := os.WriteFile(path, data[:cut], 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Salvage(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			checkSalvage(t, data[:cut], s, want, func(i int) bool { return i < cut })
			if s.HandbookID == "" {
				t.Error("handbook ID not recovered")
			}
			t.Logf("cut at %d of %d bytes: %d records (%d through the table, %d from pages), %d unreadable",
				cut, len(data), len(recovered(t, s)), s.FromTree, s.FromPages, s.Unreadable)
			if after, err := os.ReadFile(path); err != nil || !bytes.Equal(after, data[:cut]) {
				t.Error("salvage changed the damaged file")
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("salvage left files beside the damaged one: %v", entries)
			}
		})
	}
}

// TestSalvageGarbagePages overwrites pages in the middle of the file
// with garbage, the b-tree's inner pages among them.
func TestSalvageGarbagePages(t *testing.T) {
	src, want := salvageSource(t)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	pages := len(data) / page
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct {
		name  string
		first int
		n     int
	}{
		{"page 2 (the schema's neighbours)", 1, 1},
		{"three pages at a third", pages / 3, 3},
		{"ten pages in the middle", pages / 2, 10},
		{"every twentieth page", -1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			damaged := bytes.Clone(data)
			bad := map[int]bool{}
			spoil := func(p int) {
				bad[p] = true
				for i := p * page; i < (p+1)*page && i < len(damaged); i++ {
					damaged[i] = byte(rng.IntN(256))
				}
			}
			if tc.first < 0 {
				for p := 3; p < pages; p += 20 {
					spoil(p)
				}
			} else {
				for p := tc.first; p < tc.first+tc.n; p++ {
					spoil(p)
				}
			}
			path := filepath.Join(t.TempDir(), "kaputt.db")
			if err := os.WriteFile(path, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Salvage(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			checkSalvage(t, damaged, s, want, func(i int) bool { return !bad[i/page] })
			t.Logf("%d records (%d through the table, %d from pages), %d unreadable", len(recovered(t, s)), s.FromTree, s.FromPages, s.Unreadable)
		})
	}
}

// TestSalvageReadsTheWAL: changes still in the WAL beside a damaged file
// are recovered too.
func TestSalvageReadsTheWAL(t *testing.T) {
	ctx := context.Background()
	src, want := salvageSource(t)
	s, err := Open(ctx, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := handbook.Contact{Name: "Nur im WAL", Email: "wal@example.org", Notes: "neu"}
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "hb.db")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	wal, err := os.ReadFile(src + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.WriteFile(path, data[:len(data)*2/3], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+"-wal", wal, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Salvage(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range got.Handbook.Contacts {
		found = found || x.Name == "Nur im WAL"
	}
	if !found {
		t.Error("the contact only the WAL holds was not recovered")
	}
	if len(recovered(t, got)) < len(want)/2 {
		t.Errorf("only %d of %d records recovered", len(recovered(t, got)), len(want))
	}
}

// TestIsCorrupt: the words of a damaged file are recognised.
func TestIsCorrupt(t *testing.T) {
	src, _ := salvageSource(t)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kaputt.db")
	if err := os.WriteFile(path, data[:len(data)*6/10], 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path, Options{ReadOnly: true})
	if err == nil {
		_, err = s.Load(context.Background())
		s.Close()
	}
	if !IsCorrupt(err) {
		t.Errorf("err = %v; want it recognised as a damaged file", err)
	}
}
