package handbook

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// cleanHandbook has no findings at now.
func cleanHandbook() Handbook {
	recent := Review{Owner: "Anna", LastReviewedAt: now.AddDate(0, 0, -10)}
	return Handbook{
		Contacts: []Contact{{Record: Record{ID: "c1"}, Name: "Anna Admin", PhoneMobile: "+49 170 1", LastVerifiedAt: now.AddDate(0, 0, -10)}},
		Roles: []Role{
			{Record: Record{ID: "r1"}, Name: "IT-Lead", Holders: []string{"c1"}},
			{Record: Record{ID: "r2"}, Name: "Incident Owner", Holders: []string{"c1"}},
		},
		Escalation: []EscalationLevel{{Record: Record{ID: "e1"}, Level: 1, Name: "Störung", DecidedBy: "r1", Notify: []string{"r2"}, Within: 30}},
		Playbooks: []Playbook{{Record: Record{ID: "p1"}, Review: recent, Title: "Ransomware", IncidentType: TypeRansomware,
			Body: "## Sofortmaßnahmen\n- [ ] Server isolieren @IT-Lead (15 min)\n- [ ] Entscheiden @incident-owner\n"}},
		CommTemplates: []CommTemplate{{Record: Record{ID: "t1"}, Review: recent, Title: "Kunden", Audience: AudienceCustomers}},
		Services: []Service{
			{Record: Record{ID: "s1"}, Review: recent, Name: "Datenbank", RTO: 60},
			{Record: Record{ID: "s2"}, Review: recent, Name: "Webshop", RTO: 120, DependsOn: []string{"s1"},
				Criticality: SeverityCritical, ManualFallback: "Bestellungen per Telefon", Resources: []string{"c1"}},
		},
		Risks: []RiskScenario{{Record: Record{ID: "k1"}, Review: recent, Title: "Verschlüsselung", Likelihood: 3, Impact: 4,
			AffectedServices: []string{"s2"}, PlaybookID: "p1"}},
		Incidents:  []Incident{{Record: Record{ID: "i1"}, Title: "Probealarm", StartedAt: now.Add(-time.Hour)}},
		LogEntries: []LogEntry{{Record: Record{ID: "l1"}, IncidentID: "i1", At: now, Text: "Alarm ausgelöst"}},
		Exercises: []Exercise{
			{Record: Record{ID: "x1"}, Title: "Planspiel", Kind: ExerciseTabletop, Status: ExerciseEvaluated, Date: now.AddDate(0, -2, 0), Playbooks: []string{"p1"}},
			{Record: Record{ID: "x2"}, Title: "Alarmierungstest", Kind: ExerciseAlarmTest, Status: ExerciseEvaluated, Date: now.AddDate(0, -1, 0)},
		},
		Actions: []Action{{Record: Record{ID: "a1"}, Title: "Backup testen", Status: ActionOpen, Due: now.AddDate(0, 0, 10),
			SourceKind: "exercise", SourceID: "x1"}},
		Reviews: []DocReview{{Record: Record{ID: "v1"}, DocKind: EntityMatrix, DocID: MatrixID, Reviewer: "Anna Admin",
			ReviewedAt: now.AddDate(0, 0, -10), Result: ReviewUnchanged}},
	}
}

func describe(findings []Finding) []string {
	out := make([]string, len(findings))
	for i, f := range findings {
		out[i] = string(f.Level) + ":" + f.Code + ":" + string(f.Entity) + ":" + f.Name
	}
	return out
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		change func(hb *Handbook)
		want   []string
	}{
		{"clean", func(*Handbook) {}, []string{}},
		{"invalid record", func(hb *Handbook) { hb.Risks[0].Impact = 9 },
			[]string{"error:invalid:risk:Verschlüsselung"}},
		{"deleted records are skipped", func(hb *Handbook) {
			hb.Contacts = append(hb.Contacts, Contact{Record: Record{ID: "c9", Deleted: true}})
			hb.Playbooks = append(hb.Playbooks, Playbook{Record: Record{ID: "p9", Deleted: true}, Body: "- [ ] x @Niemand"})
		}, []string{}},
		{"role holder unknown", func(hb *Handbook) { hb.Roles[0].Holders = append(hb.Roles[0].Holders, "c404") },
			[]string{"error:unknown_reference:role:IT-Lead"}},
		{"role holder deleted", func(hb *Handbook) {
			hb.Contacts = append(hb.Contacts, Contact{Record: Record{ID: "c2", Deleted: true}, Name: "Weg"})
			hb.Roles[1].Holders = []string{"c2"}
		}, []string{"error:unknown_reference:role:Incident Owner"}},
		{"escalation decided by unknown role", func(hb *Handbook) { hb.Escalation[0].DecidedBy = "r404" },
			[]string{"error:unknown_reference:escalation_level:Störung"}},
		{"escalation notifies unknown role", func(hb *Handbook) { hb.Escalation[0].Notify = []string{"r2", "r404"} },
			[]string{"error:unknown_reference:escalation_level:Störung"}},
		{"service resource unknown", func(hb *Handbook) { hb.Services[1].Resources = []string{"c404"} },
			[]string{"error:unknown_reference:service:Webshop"}},
		{"service dependency unknown", func(hb *Handbook) { hb.Services[0].DependsOn = []string{"s404"} },
			[]string{"error:unknown_dependency:service:Datenbank"}},
		{"risk affects unknown service", func(hb *Handbook) { hb.Risks[0].AffectedServices = []string{"s404"} },
			[]string{"error:unknown_reference:risk:Verschlüsselung"}},
		{"risk links unknown playbook", func(hb *Handbook) { hb.Risks[0].PlaybookID = "p404" },
			[]string{"error:unknown_reference:risk:Verschlüsselung"}},
		{"action source unknown", func(hb *Handbook) { hb.Actions[0].SourceID = "x404" },
			[]string{"error:unknown_reference:action:Backup testen"}},
		{"log entry of unknown incident", func(hb *Handbook) { hb.LogEntries[0].IncidentID = "i404" },
			[]string{"error:unknown_reference:log_entry:Alarm ausgelöst"}},
		{"step names unknown role, reported once", func(hb *Handbook) {
			hb.Playbooks[0].Body += "- [ ] Presse @Pressestelle\n- [ ] Nochmal @pressestelle\n"
		}, []string{"warning:unknown_role:playbook:Ransomware"}},
		{"restore order cycle", func(hb *Handbook) { hb.Services[0].DependsOn = []string{"s2"} },
			[]string{"error:cycle:service:Datenbank", "warning:rto_shorter_than_dependency:service:Datenbank"}},
		{"RTO shorter than dependency", func(hb *Handbook) { hb.Services[1].RTO = 30 },
			[]string{"warning:rto_shorter_than_dependency:service:Webshop"}},
		{"missing owner", func(hb *Handbook) { hb.Services[0].Owner = "" },
			[]string{"warning:missing_owner:service:Datenbank"}},
		{"missing fallback", func(hb *Handbook) { hb.Services[1].ManualFallback = " " },
			[]string{"warning:missing_fallback:service:Webshop"}},
		{"stale contact", func(hb *Handbook) { hb.Contacts[0].LastVerifiedAt = now.AddDate(0, 0, -181) },
			[]string{"warning:stale_contact:contact:Anna Admin"}},
		{"never verified", func(hb *Handbook) { hb.Contacts[0].LastVerifiedAt = time.Time{} },
			[]string{"warning:never_verified:contact:Anna Admin"}},
		{"review overdue", func(hb *Handbook) { hb.CommTemplates[0].LastReviewedAt = now.AddDate(-1, 0, 0) },
			[]string{"warning:review_overdue:comm_template:Kunden"}},
		{"never reviewed", func(hb *Handbook) { hb.Risks[0].LastReviewedAt = time.Time{} },
			[]string{"warning:review_overdue:risk:Verschlüsselung"}},
		{"action overdue", func(hb *Handbook) { hb.Actions[0].Due = now.AddDate(0, 0, -3) },
			[]string{"warning:action_overdue:action:Backup testen"}},
		{"done action not overdue", func(hb *Handbook) {
			hb.Actions[0].Due = now.AddDate(0, 0, -3)
			hb.Actions[0].Status = ActionDone
		}, []string{}},
		{"errors first, then entity order, then name", func(hb *Handbook) {
			hb.Contacts[0].LastVerifiedAt = time.Time{}
			hb.Services[1].RTO = 30
			hb.Services[0].Owner = ""
			hb.Actions[0].Title = ""
			hb.Roles[0].Holders = []string{"c404"}
		}, []string{
			"error:unknown_reference:role:IT-Lead",
			"error:invalid:action:",
			"warning:never_verified:contact:Anna Admin",
			"warning:missing_owner:service:Datenbank",
			"warning:rto_shorter_than_dependency:service:Webshop",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hb := cleanHandbook()
			tt.change(&hb)
			if got := describe(hb.Check(now)); !slices.Equal(got, tt.want) {
				t.Errorf("Check =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestCheckMessages(t *testing.T) {
	tests := []struct {
		name    string
		change  func(hb *Handbook)
		message string
		args    []string
	}{
		{"invalid", func(hb *Handbook) { hb.Risks[0].Impact = 9 },
			`risk scenario "Verschlüsselung": impact: must be between 1 and 5 (is 9)`, []string{"impact", "must be between 1 and 5 (is 9)"}},
		{"unknown reference", func(hb *Handbook) { hb.Escalation[0].DecidedBy = "r404" },
			`escalation level "Störung": decided_by refers to a record that does not exist or was deleted (ID r404)`, []string{"Störung", "decided_by", "r404"}},
		{"unknown role", func(hb *Handbook) { hb.Playbooks[0].Body = "\n- [ ] Presse informieren @Pressestelle (1 h)\n" },
			`playbook "Ransomware": step "Presse informieren" (line 2) names the role @Pressestelle, which does not exist`, []string{"Ransomware", "Pressestelle", "2"}},
		{"stale contact", func(hb *Handbook) { hb.Contacts[0].LastVerifiedAt = time.Date(2025, 12, 1, 8, 0, 0, 0, time.UTC) },
			`contact "Anna Admin" was last verified on 2025-12-01, more than 180 days ago`, []string{"Anna Admin", "2025-12-01", "180"}},
		{"review overdue", func(hb *Handbook) { hb.CommTemplates[0].LastReviewedAt = time.Date(2025, 12, 1, 8, 0, 0, 0, time.UTC) },
			`template "Kunden" was due for review on 2026-06-01`, []string{"Kunden", "2026-06-01"}},
		{"never reviewed", func(hb *Handbook) { hb.Playbooks[0].LastReviewedAt = time.Time{} },
			`playbook "Ransomware" has never been reviewed`, []string{"Ransomware", ""}},
		{"action overdue", func(hb *Handbook) { hb.Actions[0].Due = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) },
			`action "Backup testen" was due on 2026-06-01 and is not done`, []string{"Backup testen", "2026-06-01", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hb := cleanHandbook()
			tt.change(&hb)
			got := hb.Check(now)
			if len(got) != 1 {
				t.Fatalf("Check = %q, want one finding", describe(got))
			}
			if got[0].Message != tt.message || !slices.Equal(got[0].Args, tt.args) {
				t.Errorf("finding = %q %q\nwant      %q %q", got[0].Message, got[0].Args, tt.message, tt.args)
			}
			if got[0].ID == "" || !strings.Contains(got[0].Message, got[0].Name) {
				t.Errorf("finding %+v lacks the record's ID or name", got[0])
			}
		})
	}
}

func TestMentionsRole(t *testing.T) {
	tests := []struct {
		mention, name string
		want          bool
	}{
		{"IT-Lead", "IT-Lead", true},
		{"it-lead", "IT-Lead", true},
		{"Incident-Owner", "Incident Owner", true},
		{"Incident_Owner", "Incident Owner", true},
		{"IncidentOwner", "Incident Owner", true},
		{"Krisenstab-Leitung", "Krisenstab-Leitung", true},
		{"Datenschutz", "Datenschutzbeauftragte", false},
		{"IT", "IT-Lead", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.mention+"/"+tt.name, func(t *testing.T) {
			if got := MentionsRole(tt.mention, tt.name); got != tt.want {
				t.Errorf("MentionsRole(%q, %q) = %v, want %v", tt.mention, tt.name, got, tt.want)
			}
			// The matcher the check uses agrees, asked once and again.
			m := newRoleMatcher([]Role{{Name: "Presse"}, {Name: tt.name}})
			for range 2 {
				if got := m.known(tt.mention); got != tt.want {
					t.Errorf("roleMatcher.known(%q) with role %q = %v, want %v", tt.mention, tt.name, got, tt.want)
				}
			}
		})
	}
}

func TestPlaybookSteps(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"phases and roles", "## Sofortmaßnahmen\n- [ ] Isolieren @IT-Lead (15 min)\n## Kommunikation\n- [x] Informieren\n",
			[]string{"Sofortmaßnahmen|Isolieren|IT-Lead|15|false", "Kommunikation|Informieren||0|true"}},
		{"empty body", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range (Playbook{Body: tt.body}).Steps() {
				got = append(got, fmt.Sprintf("%s|%s|%s|%d|%t", s.Phase, s.Text, s.Role, s.Target, s.Checked))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Steps = %q, want %q", got, tt.want)
			}
		})
	}
}
