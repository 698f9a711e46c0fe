package handbook

import (
	"slices"
	"testing"
	"time"
)

var now = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func TestContactStale(t *testing.T) {
	tests := []struct {
		name     string
		verified time.Time
		days     int
		want     bool
	}{
		{"never verified", time.Time{}, 0, true},
		{"verified today", now, 0, false},
		{"exactly 180 days is not stale", now.AddDate(0, 0, -180), 0, false},
		{"181 days is stale", now.AddDate(0, 0, -181), 0, true},
		{"own limit, exactly 30 days", now.AddDate(0, 0, -30), 30, false},
		{"own limit, 31 days", now.AddDate(0, 0, -31), 30, true},
		{"negative limit means default", now.AddDate(0, 0, -100), -5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Contact{Name: "X", LastVerifiedAt: tt.verified}
			if got := c.Stale(now, tt.days); got != tt.want {
				t.Errorf("Stale = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStaleContacts(t *testing.T) {
	mk := func(id, name string, daysAgo int) Contact {
		c := Contact{Record: Record{ID: id}, Name: name}
		if daysAgo >= 0 {
			c.LastVerifiedAt = now.AddDate(0, 0, -daysAgo)
		}
		return c
	}
	gone := mk("g", "Gelöscht", -1)
	gone.Deleted = true
	contacts := []Contact{
		mk("1", "Frisch", 10),
		mk("2", "Grenze", 180),
		mk("3", "Knapp drüber", 181),
		mk("4", "Uralt", 900),
		mk("5", "Nie geprüft B", -1),
		mk("6", "Nie geprüft A", -1),
		gone,
	}
	tests := []struct {
		name string
		days int
		want []string
	}{
		{"default limit", 0, []string{"Nie geprüft A", "Nie geprüft B", "Uralt", "Knapp drüber"}},
		{"short limit", 5, []string{"Nie geprüft A", "Nie geprüft B", "Uralt", "Knapp drüber", "Grenze", "Frisch"}},
		{"long limit", 1000, []string{"Nie geprüft A", "Nie geprüft B"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range StaleContacts(contacts, now, tt.days) {
				got = append(got, c.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("StaleContacts = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOverdueReviews(t *testing.T) {
	reviewed := func(daysAgo, interval int) Review {
		return Review{Owner: "Anna", LastReviewedAt: now.AddDate(0, 0, -daysAgo), ReviewIntervalDays: interval}
	}
	hb := Handbook{
		Playbooks: []Playbook{
			{Record: Record{ID: "p1"}, Title: "Ransomware", Review: reviewed(200, 0)},
			{Record: Record{ID: "p2"}, Title: "DDoS", Review: reviewed(10, 0)},
			{Record: Record{ID: "p3"}, Title: "Nie geprüft"},
			{Record: Record{ID: "p4", Deleted: true}, Title: "Gelöscht"},
		},
		Services:      []Service{{Record: Record{ID: "s1"}, Name: "Webshop", Review: reviewed(40, 30)}},
		CommTemplates: []CommTemplate{{Record: Record{ID: "t1"}, Title: "Presse", Review: reviewed(182, 0)}},
		Risks:         []RiskScenario{{Record: Record{ID: "r1"}, Title: "Brand", Review: reviewed(400, 365)}},
	}
	got := OverdueReviews(hb, now)
	tests := []struct {
		name string
		want []string
	}{
		{"never reviewed first, then by due date; due exactly now is not overdue", []string{"Nie geprüft", "Brand", "Ransomware", "Webshop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var titles []string
			for _, r := range got {
				titles = append(titles, r.Title)
			}
			if !slices.Equal(titles, tt.want) {
				t.Errorf("OverdueReviews = %q, want %q", titles, tt.want)
			}
		})
	}
	t.Run("fields", func(t *testing.T) {
		if len(got) != 4 {
			t.Fatalf("got %d items", len(got))
		}
		never, ws := got[0], got[3]
		if never.Entity != EntityPlaybook || !never.DueAt.IsZero() || !never.LastReviewedAt.IsZero() {
			t.Errorf("never reviewed item = %+v", never)
		}
		if ws.Entity != EntityService || ws.ID != "s1" || ws.Owner != "Anna" || !ws.DueAt.Equal(now.AddDate(0, 0, -10)) {
			t.Errorf("service item = %+v", ws)
		}
	})
}

func TestActionOverdue(t *testing.T) {
	day := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		a    Action
		want bool
	}{
		{"no due date", Action{Title: "x"}, false},
		{"due today", Action{Title: "x", Due: day}, false},
		{"due yesterday", Action{Title: "x", Due: day.AddDate(0, 0, -1)}, true},
		{"due yesterday but done", Action{Title: "x", Due: day.AddDate(0, 0, -1), Status: ActionDone}, false},
		{"due tomorrow", Action{Title: "x", Due: day.AddDate(0, 0, 1)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Overdue(now); got != tt.want {
				t.Errorf("Overdue = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOpenActions(t *testing.T) {
	due := func(d int) time.Time { return now.AddDate(0, 0, d) }
	actions := []Action{
		{Record: Record{ID: "1"}, Title: "Ohne Termin", Status: ActionOpen},
		{Record: Record{ID: "2"}, Title: "Später", Due: due(30), Status: ActionInProgress},
		{Record: Record{ID: "3"}, Title: "Erledigt", Due: due(-5), Status: ActionDone},
		{Record: Record{ID: "4"}, Title: "Überfällig", Due: due(-5)},
		{Record: Record{ID: "5", Deleted: true}, Title: "Gelöscht", Due: due(-9)},
		{Record: Record{ID: "6"}, Title: "Auch ohne Termin"},
	}
	tests := []struct {
		name string
		in   []Action
		want []string
	}{
		{"mixed", actions, []string{"Überfällig", "Später", "Auch ohne Termin", "Ohne Termin"}},
		{"all done", []Action{{Title: "a", Status: ActionDone}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, a := range OpenActions(tt.in, now) {
				got = append(got, a.Title)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("OpenActions = %q, want %q", got, tt.want)
			}
		})
	}
}
