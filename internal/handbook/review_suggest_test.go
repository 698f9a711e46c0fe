package handbook

import (
	"slices"
	"testing"
	"time"
)

func TestReviewSuggested(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 12, 0, 0, 0, time.UTC) }
	pb := func(id, title string, reviewed time.Time) Playbook {
		return Playbook{Record: Record{ID: id}, Title: title, Review: Review{LastReviewedAt: reviewed}}
	}
	inc := func(pbID string, closed time.Time) Incident {
		return Incident{Record: Record{ID: NewID()}, Title: "Vorfall", PlaybookID: pbID, StartedAt: day(1), ClosedAt: closed}
	}
	tests := []struct {
		name      string
		playbooks []Playbook
		incidents []Incident
		want      []string
	}{
		{"no incidents", []Playbook{pb("a", "A", day(10))}, nil, nil},
		{"closed after review", []Playbook{pb("a", "A", day(10))}, []Incident{inc("a", day(12))}, []string{"a"}},
		{"closed before review", []Playbook{pb("a", "A", day(10))}, []Incident{inc("a", day(9))}, nil},
		{"still open", []Playbook{pb("a", "A", day(10))}, []Incident{inc("a", time.Time{})}, nil},
		{"never reviewed", []Playbook{pb("a", "A", time.Time{})}, []Incident{inc("a", day(2))}, []string{"a"}},
		{"latest close decides", []Playbook{pb("a", "A", day(10))}, []Incident{inc("a", day(5)), inc("a", day(15))}, []string{"a"}},
		{"deleted incident ignored", []Playbook{pb("a", "A", day(10))},
			[]Incident{func() Incident { i := inc("a", day(12)); i.Deleted = true; return i }()}, nil},
		{"deleted playbook ignored", []Playbook{func() Playbook { p := pb("a", "A", day(10)); p.Deleted = true; return p }()},
			[]Incident{inc("a", day(12))}, nil},
		{"blank incident ignored", []Playbook{pb("a", "A", day(10))}, []Incident{inc("", day(12))}, nil},
		{"sorted by title", []Playbook{pb("b", "Zeta", day(1)), pb("a", "Alpha", day(1)), pb("c", "Mitte", day(20))},
			[]Incident{inc("a", day(12)), inc("b", day(12)), inc("c", day(12))}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range ReviewSuggested(Handbook{Playbooks: tt.playbooks, Incidents: tt.incidents}) {
				got = append(got, p.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("ReviewSuggested = %v, want %v", got, tt.want)
			}
		})
	}
}
