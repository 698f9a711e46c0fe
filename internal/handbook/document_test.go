package handbook

import (
	"testing"
	"time"

	"ernstfall/internal/textdiff"
)

func docHandbook() Handbook {
	return Handbook{
		Roles: []Role{{Record: Record{ID: "r1"}, Name: "Krisenstab-Leitung", Holders: []string{"c1"}},
			{Record: Record{ID: "r2"}, Name: "IT-Lead"}},
		Escalation: []EscalationLevel{{Record: Record{ID: "e1"}, Level: 1, Name: "Störung"}},
		Playbooks: []Playbook{{Record: Record{ID: "p1"}, Title: "Ransomware", Body: "Netz trennen.",
			Review: Review{Owner: "c1", LastReviewedAt: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}},
			{Record: Record{ID: "p2", Deleted: true}, Title: "Alt"}},
	}
}

func TestContentLeavesControlFieldsOut(t *testing.T) {
	hb := docHandbook()
	c, err := ContentIn(&hb, DocRef{EntityPlaybook, "p1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Records) != 1 {
		t.Fatalf("records: %+v", c.Records)
	}
	f := c.Records[0].Fields
	for _, name := range []string{"last_reviewed_at", "id", "created_at", "updated_at"} {
		if _, ok := f[name]; ok {
			t.Errorf("content holds %s", name)
		}
	}
	if string(f["owner"]) != `"c1"` || string(f["body"]) != `"Netz trennen."` {
		t.Errorf("content: %v", f)
	}
	before := c.Hash()
	hb.Playbooks[0].LastReviewedAt = time.Now()
	if c2, _ := ContentIn(&hb, DocRef{EntityPlaybook, "p1"}); c2.Hash() != before {
		t.Error("a review changed the content's hash")
	}
	hb.Playbooks[0].Body += " Backups prüfen."
	if c2, _ := ContentIn(&hb, DocRef{EntityPlaybook, "p1"}); c2.Hash() == before {
		t.Error("a new sentence left the hash as it was")
	}
	m, err := ContentIn(&hb, Matrix)
	if err != nil || len(m.Records) != 3 || m.Records[0].Entity != EntityRole || m.Records[2].Entity != EntityEscalation {
		t.Errorf("matrix content: %+v, %v", m.Records, err)
	}
}

func TestWithContentPrintsAnotherVersion(t *testing.T) {
	hb := docHandbook()
	released, err := ContentIn(&hb, Matrix)
	if err != nil {
		t.Fatal(err)
	}
	// Since the release: a role renamed, one deleted, one added.
	hb.Roles[0].Name = "Krisenstab"
	hb.Roles[1].Deleted = true
	hb.Roles = append(hb.Roles, Role{Record: Record{ID: "r3"}, Name: "Kommunikation"})
	out, err := WithContent(hb, Matrix, released)
	if err != nil {
		t.Fatal(err)
	}
	live := out.Live()
	if len(live.Roles) != 2 || live.Roles[0].Name != "Krisenstab-Leitung" || live.Roles[1].Name != "IT-Lead" {
		t.Errorf("roles as released: %+v", live.Roles)
	}
	if hb.Roles[0].Name != "Krisenstab" {
		t.Error("WithContent changed the handbook it was given")
	}
	pb := DocRef{EntityPlaybook, "p1"}
	old, _ := ContentIn(&hb, pb)
	hb.Playbooks[0].Title, hb.Playbooks[0].Severity = "Ransomware-Angriff", SeverityHigh
	out, err = WithContent(hb, pb, old)
	if err != nil {
		t.Fatal(err)
	}
	if p := out.Playbooks[0]; p.Title != "Ransomware" || p.Severity != "" || p.LastReviewedAt.IsZero() || p.ID != "p1" {
		t.Errorf("playbook as released: %+v", p)
	}
}

func TestCompareContent(t *testing.T) {
	hb := docHandbook()
	a, _ := ContentIn(&hb, Matrix)
	hb.Roles[0].Name = "Krisenstab-Leitung (Geschäftsführung)"
	hb.Roles[0].Holders = []string{"c1", "c2"}
	hb.Roles[1].Deleted = true
	hb.Escalation = append(hb.Escalation, EscalationLevel{Record: Record{ID: "e2"}, Level: 2, Name: "Krise"})
	b, _ := ContentIn(&hb, Matrix)
	diffs := CompareContent(a, b)
	if len(diffs) != 3 {
		t.Fatalf("diffs: %+v", diffs)
	}
	role := diffs[1]
	if role.ID != "r1" || len(role.Fields) != 2 || role.Fields[0].Field != "name" || role.Fields[1].Field != "holders" {
		t.Fatalf("role diff: %+v", role)
	}
	if got := textdiff.Marked(role.Fields[0].Words); got != "Krisenstab-Leitung{+ (Geschäftsführung)+}" {
		t.Errorf("name words: %q", got)
	}
	if role.Fields[1].Words != nil {
		t.Error("a list of holders compared as text")
	}
	if !diffs[0].Removed || diffs[0].ID != "r2" || !diffs[2].Added || diffs[2].ID != "e2" {
		t.Errorf("removed and added: %+v / %+v", diffs[0], diffs[2])
	}
}
