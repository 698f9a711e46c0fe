package foldersync

import (
	"context"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// TestImpactGridMergesCellByCell: two laptops rate an impact grid while
// apart, through the three-way edit the forms use, and meet in a real
// shared folder. Each cell is its own field, so ratings of different
// cells both survive; only the same cell rated differently is a conflict.
func TestImpactGridMergesCellByCell(t *testing.T) {
	fin1d := handbook.ImpactCell{Category: handbook.CategoryFinancial, At: handbook.Day}
	cus4h := handbook.ImpactCell{Category: handbook.CategoryCustomers, At: 4 * handbook.Hour}
	leg1w := handbook.ImpactCell{Category: handbook.CategoryLegal, At: handbook.Week}
	tests := []struct {
		name       string
		editA      func(p *handbook.BusinessProcess)
		editB      func(p *handbook.BusinessProcess)
		want       handbook.Impact
		wantName   string
		conflictOn string
	}{
		{
			name:  "different cells both kept",
			editA: func(p *handbook.BusinessProcess) { p.Impact[fin1d] = 4 },
			editB: func(p *handbook.BusinessProcess) { p.Impact[cus4h] = 3 },
			want:  handbook.Impact{fin1d: 4, cus4h: 3, leg1w: 2},
		},
		{
			name:  "a cell cleared on one laptop, another rated on the other",
			editA: func(p *handbook.BusinessProcess) { delete(p.Impact, leg1w) },
			editB: func(p *handbook.BusinessProcess) { p.Impact[fin1d] = 2 },
			want:  handbook.Impact{fin1d: 2},
		},
		{
			name:     "a rating and a new name both kept",
			editA:    func(p *handbook.BusinessProcess) { p.Impact[cus4h] = 1 },
			editB:    func(p *handbook.BusinessProcess) { p.Name = "Auftragsannahme" },
			want:     handbook.Impact{cus4h: 1, leg1w: 2},
			wantName: "Auftragsannahme",
		},
		{
			name:       "the same cell rated differently: a conflict on that cell",
			editA:      func(p *handbook.BusinessProcess) { p.Impact[fin1d] = 3 },
			editB:      func(p *handbook.BusinessProcess) { p.Impact[fin1d] = 4 },
			want:       handbook.Impact{fin1d: 4, leg1w: 2},
			conflictOn: "impact.financial.1d",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			a, b, folder := pair(t)
			p := handbook.BusinessProcess{Name: "Bestellannahme", Impact: handbook.Impact{leg1w: 2}}
			if err := store.Put(ctx, a.st, &p); err != nil {
				t.Fatal(err)
			}
			a.sync(t, folder)
			b.sync(t, folder)
			edit := func(l *laptop, change func(*handbook.BusinessProcess)) {
				before, err := store.Get[handbook.BusinessProcess](ctx, l.st, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				after := before
				after.Impact = before.Impact.Clone()
				change(&after)
				if err := store.Edit(ctx, l.st, &before, &after); err != nil {
					t.Fatal(err)
				}
			}
			edit(a, tt.editA)
			edit(b, tt.editB)
			for range 2 {
				a.sync(t, folder)
				b.sync(t, folder)
			}
			if ca, cb := comparable(t, a), comparable(t, b); ca != cb {
				t.Fatalf("laptops differ:\nA %s\nB %s", ca, cb)
			}
			for _, l := range []*laptop{a, b} {
				got, err := store.Get[handbook.BusinessProcess](ctx, l.st, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Impact) != len(tt.want) {
					t.Errorf("grid %v, want %v", got.Impact, tt.want)
				}
				for c, r := range tt.want {
					if got.Impact[c] != r {
						t.Errorf("cell %s %s = %d, want %d", c.Category, c.At, got.Impact[c], r)
					}
				}
				if want := tt.wantName; want != "" && got.Name != want {
					t.Errorf("name %q, want %q", got.Name, want)
				}
				cs := conflicts(t, l)
				switch {
				case tt.conflictOn == "" && len(cs) != 0:
					t.Errorf("conflicts %+v, want none", cs)
				case tt.conflictOn != "" && (len(cs) != 1 || cs[0].Field != tt.conflictOn):
					t.Errorf("conflicts %+v, want one on %s", cs, tt.conflictOn)
				}
			}
		})
	}
}
