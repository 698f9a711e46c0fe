package handbook

import (
	"slices"
	"testing"
	"time"
)

func TestCallTree(t *testing.T) {
	hb := Handbook{
		Contacts: []Contact{
			{Record: Record{ID: "c1"}, Name: "Anna Beispiel", PhoneMobile: "+49 171 39200 21", PhoneOffice: "+49 30 23125 201"},
			{Record: Record{ID: "c2"}, Name: "Bernd Muster", PhoneOffice: "+49 30 23125 202"},
			{Record: Record{ID: "c3"}, Name: "Carla Test", Email: "c.test@example.com"},
			{Record: Record{ID: "c4", Deleted: true}, Name: "Alt Person", PhoneOffice: "+49 30 23125 299"},
		},
		Roles: []Role{
			{Record: Record{ID: "r-lead"}, Name: "Krisenstab-Leitung", Holders: []string{"c1", "c2"}},
			{Record: Record{ID: "r-it"}, Name: "IT-Lead", Holders: []string{"c3", "c4", "c9"}},
		},
		Escalation: []EscalationLevel{
			{Record: Record{ID: "e2"}, Level: 2, Name: "Krise", DecidedBy: "r-lead", Notify: []string{"r-lead", "r-it", "r-gone"}, Within: 60},
			{Record: Record{ID: "e1"}, Level: 1, Name: "Störung", DecidedBy: "r-it", Notify: []string{"r-lead"}, Within: 30},
		},
	}
	tree := CallTree(hb, time.Time{})
	tests := []struct {
		name  string
		check func() bool
	}{
		{"levels in order", func() bool { return len(tree) == 2 && tree[0].Level == 1 && tree[1].Level == 2 }},
		{"caller is the deciding role with deputies", func() bool {
			c := tree[1].Caller
			return c.Role == "Krisenstab-Leitung" && len(c.People) == 2 && c.People[0].Name == "Anna Beispiel" && c.People[1].Name == "Bernd Muster"
		}},
		{"primary phones mobile first", func() bool {
			return slices.Equal(tree[1].Caller.People[0].Numbers, []Number{{MobilePhone, "+49 171 39200 21"}, {OfficePhone, "+49 30 23125 201"}})
		}},
		{"caller's own role is not called", func() bool {
			return len(tree[1].Calls) == 2 && tree[1].Calls[0].Role == "IT-Lead"
		}},
		{"deleted and unknown holders are missing", func() bool {
			it := tree[1].Calls[0]
			return len(it.People) == 1 && slices.Equal(it.Missing, []string{"c4", "c9"})
		}},
		{"unknown role is reported", func() bool {
			return tree[1].Calls[1].Role == "" && slices.Equal(tree[1].Calls[1].Missing, []string{"r-gone"})
		}},
		{"deadline kept", func() bool { return tree[0].Within == 30 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.check() {
				t.Errorf("call tree: %+v", tree)
			}
		})
	}
}

// TestCallTreeOnDuty: at a time, a role's on-call person comes first, then
// its holders without them; without a time, the holders only.
func TestCallTreeOnDuty(t *testing.T) {
	hb := rosterHandbook(weekly())
	hb.Escalation = []EscalationLevel{{Record: Record{ID: "e1"}, Level: 1, Name: "Störung", Notify: []string{"r"}}}
	at := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC) // Anna's week
	tree := CallTree(hb, at)
	people := tree[0].Calls[0].People
	if len(people) != 2 || people[0].ContactID != "c10" || !people[0].OnDuty || people[1].ContactID != "c14" || !tree[0].Calls[0].Roster {
		t.Errorf("call order at %v: %+v", at, people)
	}
	at = time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC) // Bert's week
	if p := CallTree(hb, at)[0].Calls[0].People; len(p) != 3 || p[0].ContactID != "c11" {
		t.Errorf("call order at %v: %+v", at, p)
	}
	if p := CallTree(hb, time.Time{})[0].Calls[0].People; len(p) != 2 || p[0].ContactID != "c14" || p[0].OnDuty {
		t.Errorf("without a time: %+v, want the holders", p)
	}
}
