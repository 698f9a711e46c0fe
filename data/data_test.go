package data

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ernstfall/internal/handbook"
)

// today is the reference date the demo content is written against.
var today = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// dramaRanges are the number blocks the Bundesnetzagentur keeps free for
// film, print and documentation; the demo uses no other numbers.
var dramaRanges = []*regexp.Regexp{
	regexp.MustCompile(`^\+49 30 23125 \d{3}$`),
	regexp.MustCompile(`^\+49 69 90009 \d{3}$`),
	regexp.MustCompile(`^\+49 40 66969 \d{3}$`),
	regexp.MustCompile(`^\+49 221 4710 \d{3}$`),
	regexp.MustCompile(`^\+49 89 99998 \d{3}$`),
	regexp.MustCompile(`^\+49 171 39200 \d{2}$`),
	regexp.MustCompile(`^\+49 176 040690 \d{2}$`),
}

var (
	phoneLike   = regexp.MustCompile(`\+\d[\d ]*\d`)
	emailLike   = regexp.MustCompile(`[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+)`)
	taskItem    = regexp.MustCompile(`^\s*- \[[ xX]\] (.*)$`)
	mention     = regexp.MustCompile(`(?:^|[\s(])@([\p{L}\p{N}][\p{L}\p{N}-]*)`)
	timeTarget  = regexp.MustCompile(`\(\d+ ?(?:min|h|d|Monat|Monate)\)`)
	placeholder = regexp.MustCompile(`\{\{[a-z_.]+\}\}`)
)

var phases = []string{"Sofortmaßnahmen", "Kommunikation", "Dokumentation", "Meldepflichten", "Wiederanlauf", "Lessons Learned"}

func load(t *testing.T) handbook.Handbook {
	t.Helper()
	hb, err := Demo()
	if err != nil {
		t.Fatalf("Demo: %v", err)
	}
	return hb
}

func TestDemoCounts(t *testing.T) {
	hb := load(t)
	external := 0
	for _, c := range hb.Contacts {
		if c.External {
			external++
		}
	}
	tests := []struct {
		name     string
		got      int
		min, max int
	}{
		{"contacts", len(hb.Contacts), 25, 1000},
		{"external contacts", external, 10, 1000},
		{"roles", len(hb.Roles), 10, 1000},
		{"escalation levels", len(hb.Escalation), 4, 4},
		{"playbooks", len(hb.Playbooks), 7, 1000},
		{"templates", len(hb.CommTemplates), 6, 1000},
		{"services", len(hb.Services), 10, 1000},
		{"risks", len(hb.Risks), 5, 1000},
		{"exercises", len(hb.Exercises), 4, 4},
		{"actions", len(hb.Actions), 3, 6},
		{"incidents (the alarm test's drill)", len(hb.Incidents), 1, 1},
		{"log entries (its calls)", len(hb.LogEntries), 10, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got < tt.min || tt.got > tt.max {
				t.Errorf("%d %s, want %d to %d", tt.got, tt.name, tt.min, tt.max)
			}
		})
	}
}

func TestDemoSettings(t *testing.T) {
	s := load(t).Settings
	tests := []struct{ name, got, want string }{
		{"organisation", s.Organisation, "Nordlicht Commerce GmbH"},
		{"classification", s.Classification, "VERTRAULICH – nur für den Krisenstab"},
		{"country", s.DefaultCountry, "DE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	t.Run("location", func(t *testing.T) {
		if !strings.Contains(s.Location, "Tresor") {
			t.Errorf("location %q does not say where the copy is", s.Location)
		}
	})
}

// records lists every record of the handbook by entity.
func records(hb *handbook.Handbook) map[handbook.Entity][]handbook.Item {
	out := map[handbook.Entity][]handbook.Item{}
	add := func(it handbook.Item) { out[it.Entity()] = append(out[it.Entity()], it) }
	for i := range hb.Contacts {
		add(&hb.Contacts[i])
	}
	for i := range hb.Roles {
		add(&hb.Roles[i])
	}
	for i := range hb.Escalation {
		add(&hb.Escalation[i])
	}
	for i := range hb.Playbooks {
		add(&hb.Playbooks[i])
	}
	for i := range hb.CommTemplates {
		add(&hb.CommTemplates[i])
	}
	for i := range hb.Services {
		add(&hb.Services[i])
	}
	for i := range hb.Risks {
		add(&hb.Risks[i])
	}
	for i := range hb.Exercises {
		add(&hb.Exercises[i])
	}
	for i := range hb.Actions {
		add(&hb.Actions[i])
	}
	for i := range hb.Sites {
		add(&hb.Sites[i])
	}
	for i := range hb.Suppliers {
		add(&hb.Suppliers[i])
	}
	for i := range hb.Processes {
		add(&hb.Processes[i])
	}
	return out
}

func TestDemoRecords(t *testing.T) {
	hb := load(t)
	seen := map[string]string{}
	all := records(&hb)
	for _, entity := range handbook.Entities {
		items := all[entity]
		if len(items) == 0 {
			continue
		}
		t.Run(string(entity), func(t *testing.T) {
			for _, it := range items {
				r := it.Meta()
				id, err := uuid.Parse(r.ID)
				switch {
				case err != nil:
					t.Errorf("%q: ID %q: %v", it.Label(), r.ID, err)
				case id.Version() != 7 || id.Variant() != uuid.RFC4122:
					t.Errorf("%q: ID %q is not a UUID v7", it.Label(), r.ID)
				case id.String() != r.ID:
					t.Errorf("%q: ID %q is not in canonical form", it.Label(), r.ID)
				}
				if prev, dup := seen[r.ID]; dup {
					t.Errorf("%q: ID %s already used by %q", it.Label(), r.ID, prev)
				}
				seen[r.ID] = it.Label()
				if r.CreatedAt.IsZero() || r.UpdatedAt.Before(r.CreatedAt) || r.UpdatedAt.After(today) {
					t.Errorf("%q: timestamps created %v, updated %v", it.Label(), r.CreatedAt, r.UpdatedAt)
				}
				if r.Deleted {
					t.Errorf("%q is a tombstone", it.Label())
				}
				if strings.TrimSpace(it.Label()) == "" {
					t.Errorf("record %s has no label", r.ID)
				}
			}
		})
	}
}

func TestDemoReferences(t *testing.T) {
	hb := load(t)
	ids := map[handbook.Entity]map[string]bool{}
	for entity, items := range records(&hb) {
		ids[entity] = map[string]bool{}
		for _, it := range items {
			ids[entity][it.Meta().ID] = true
		}
	}
	type ref struct {
		from string
		to   handbook.Entity
		id   string
	}
	var refs []ref
	for _, r := range hb.Roles {
		if len(r.Holders) == 0 {
			t.Errorf("role %q has no holders", r.Name)
		}
		for _, h := range r.Holders {
			refs = append(refs, ref{"role " + r.Name + " holder", handbook.EntityContact, h})
		}
		if r.OnCall == nil {
			continue
		}
		for _, h := range r.OnCall.People {
			refs = append(refs, ref{"role " + r.Name + " on call", handbook.EntityContact, h})
		}
		for _, e := range r.OnCall.Exceptions {
			for _, id := range nonEmpty(e.Person, e.Cover) {
				refs = append(refs, ref{"role " + r.Name + " exception", handbook.EntityContact, id})
			}
		}
	}
	for _, e := range hb.Escalation {
		refs = append(refs, ref{e.Name + " decided by", handbook.EntityRole, e.DecidedBy})
		for _, n := range e.Notify {
			refs = append(refs, ref{e.Name + " notify", handbook.EntityRole, n})
		}
	}
	for _, p := range hb.Playbooks {
		refs = append(refs, ref{"playbook " + p.Title + " owner", handbook.EntityContact, p.Owner})
	}
	for _, c := range hb.CommTemplates {
		refs = append(refs, ref{"template " + c.Title + " owner", handbook.EntityContact, c.Owner})
	}
	for _, s := range hb.Services {
		refs = append(refs, ref{"service " + s.Name + " owner", handbook.EntityContact, s.Owner})
		for _, d := range s.DependsOn {
			refs = append(refs, ref{"service " + s.Name + " depends on", handbook.EntityService, d})
		}
		for _, r := range s.Resources {
			refs = append(refs, ref{"service " + s.Name + " resource", handbook.EntityContact, r})
		}
	}
	for _, r := range hb.Risks {
		refs = append(refs, ref{"risk " + r.Title + " owner", handbook.EntityContact, r.Owner})
		refs = append(refs, ref{"risk " + r.Title + " playbook", handbook.EntityPlaybook, r.PlaybookID})
		for _, s := range r.AffectedServices {
			refs = append(refs, ref{"risk " + r.Title + " affects", handbook.EntityService, s})
		}
	}
	for _, e := range hb.Exercises {
		for _, id := range e.Playbooks {
			refs = append(refs, ref{"exercise " + e.Title + " playbook", handbook.EntityPlaybook, id})
		}
		for _, id := range e.Services {
			refs = append(refs, ref{"exercise " + e.Title + " service", handbook.EntityService, id})
		}
		for _, id := range e.Roles {
			refs = append(refs, ref{"exercise " + e.Title + " role", handbook.EntityRole, id})
		}
		for _, id := range append(append(slices.Clone(e.Contacts), e.Observers...), nonEmpty(e.Facilitator)...) {
			refs = append(refs, ref{"exercise " + e.Title + " person", handbook.EntityContact, id})
		}
	}
	for _, a := range hb.Actions {
		refs = append(refs, ref{"action " + a.Title + " owner", handbook.EntityContact, a.Owner})
		refs = append(refs, ref{"action " + a.Title + " source", handbook.Entity(a.SourceKind), a.SourceID})
	}
	for _, p := range hb.Processes {
		refs = append(refs, ref{"process " + p.Name + " owner", handbook.EntityContact, p.Owner})
		refs = append(refs, ref{"process " + p.Name + " assessed by", handbook.EntityContact, p.AssessedBy})
		if p.OwnerRole != "" {
			refs = append(refs, ref{"process " + p.Name + " owner role", handbook.EntityRole, p.OwnerRole})
		}
		for _, l := range []struct {
			to  handbook.Entity
			ids []string
		}{{handbook.EntityService, p.Services}, {handbook.EntitySite, p.Sites}, {handbook.EntitySupplier, p.Suppliers},
			{handbook.EntityRole, p.Roles}, {handbook.EntityProcess, p.DependsOn}} {
			for _, id := range l.ids {
				refs = append(refs, ref{"process " + p.Name + " needs", l.to, id})
			}
		}
	}
	for _, s := range hb.Sites {
		refs = append(refs, ref{"site " + s.Name + " owner", handbook.EntityContact, s.Owner})
		for _, c := range s.Contacts {
			refs = append(refs, ref{"site " + s.Name + " contact", handbook.EntityContact, c})
		}
		for _, id := range s.Services {
			refs = append(refs, ref{"site " + s.Name + " service", handbook.EntityService, id})
		}
		if s.Alternate != "" {
			refs = append(refs, ref{"site " + s.Name + " alternate", handbook.EntitySite, s.Alternate})
		}
	}
	for _, s := range hb.Suppliers {
		refs = append(refs, ref{"supplier " + s.Name + " owner", handbook.EntityContact, s.Owner})
		for _, c := range s.Hotline {
			refs = append(refs, ref{"supplier " + s.Name + " hotline", handbook.EntityContact, c})
		}
		for _, id := range s.Services {
			refs = append(refs, ref{"supplier " + s.Name + " service", handbook.EntityService, id})
		}
		if s.Alternative != "" {
			refs = append(refs, ref{"supplier " + s.Name + " alternative", handbook.EntitySupplier, s.Alternative})
		}
	}
	if len(refs) < 100 {
		t.Fatalf("only %d references collected", len(refs))
	}
	for _, r := range refs {
		if !ids[r.to][r.id] {
			t.Errorf("%s: %s %q does not exist", r.from, r.to, r.id)
		}
	}
}

func TestDemoPlaybooks(t *testing.T) {
	hb := load(t)
	roles := map[string]bool{}
	for _, r := range hb.Roles {
		roles[r.Name] = true
	}
	types := map[handbook.IncidentType]bool{}
	for _, p := range hb.Playbooks {
		types[p.IncidentType] = true
		t.Run(p.Title, func(t *testing.T) {
			if p.Severity.Rank() == 0 || p.Summary == "" || p.Owner == "" {
				t.Errorf("severity %q, summary %q, owner %q", p.Severity, p.Summary, p.Owner)
			}
			if p.ReviewIntervalDays != 182 || p.LastReviewedAt.IsZero() {
				t.Errorf("review interval %d, last reviewed %v", p.ReviewIntervalDays, p.LastReviewedAt)
			}
			var headings []string
			var withRole, withTime int
			for line := range strings.Lines(p.Body) {
				line = strings.TrimRight(line, "\n")
				if h, ok := strings.CutPrefix(line, "## "); ok {
					headings = append(headings, h)
				}
				m := taskItem.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				names := mention.FindAllStringSubmatch(m[1], -1)
				for _, n := range names {
					if !roles[n[1]] {
						t.Errorf("step %q names unknown role @%s", m[1], n[1])
					}
				}
				if len(names) > 0 {
					withRole++
				}
				if timeTarget.MatchString(m[1]) {
					withTime++
				}
			}
			if !slices.Equal(headings, phases) {
				t.Errorf("phases %q, want %q", headings, phases)
			}
			if withRole == 0 || withTime == 0 {
				t.Errorf("%d steps name a role, %d have a time target; want at least one each", withRole, withTime)
			}
		})
	}
	for _, want := range []handbook.IncidentType{handbook.TypeRansomware, handbook.TypeDDoS, handbook.TypeDataLoss,
		handbook.TypeSaaSOutage, handbook.TypeThirdPartyOutage, handbook.TypeCloudMisconfig, handbook.TypeHumanError} {
		if !types[want] {
			t.Errorf("no playbook for %s", want)
		}
	}
	all := ""
	for _, p := range hb.Playbooks {
		all += p.Body
	}
	for _, want := range []string{"|---|", "**", "](https://", "\n  - ", "```sh", "Art. 33", "Art. 34", "§ 32 BSIG"} {
		if !strings.Contains(all, want) {
			t.Errorf("no playbook contains %q", want)
		}
	}
}

func TestDemoPhones(t *testing.T) {
	hb := load(t)
	reserved := func(p string) bool {
		return slices.ContainsFunc(dramaRanges, func(re *regexp.Regexp) bool { return re.MatchString(p) })
	}
	t.Run("contact fields", func(t *testing.T) {
		owner := map[string]string{}
		for _, c := range hb.Contacts {
			if len(c.Phones()) == 0 {
				t.Errorf("%s has no phone", c.Name)
			}
			for _, p := range c.Phones() {
				if !reserved(p) {
					t.Errorf("%s: %q is not in a reserved drama range", c.Name, p)
				}
				if prev, dup := owner[p]; dup {
					t.Errorf("%s: %q already belongs to %s", c.Name, p, prev)
				}
				owner[p] = c.Name
			}
		}
	})
	t.Run("anywhere in the text", func(t *testing.T) {
		raw, err := json.Marshal(hb)
		if err != nil {
			t.Fatal(err)
		}
		found := phoneLike.FindAllString(string(raw), -1)
		if len(found) < 50 {
			t.Fatalf("found only %d phone numbers", len(found))
		}
		for _, p := range found {
			if !reserved(p) {
				t.Errorf("%q is not in a reserved drama range", p)
			}
		}
	})
}

func TestDemoEmails(t *testing.T) {
	hb := load(t)
	allowed := map[string]bool{"example.com": true, "example.org": true, "example.net": true}
	t.Run("contact fields", func(t *testing.T) {
		for _, c := range hb.Contacts {
			m := emailLike.FindStringSubmatch(c.Email)
			if m == nil || m[0] != c.Email || !allowed[m[1]] {
				t.Errorf("%s: email %q is not on example.com/org/net", c.Name, c.Email)
			}
		}
	})
	t.Run("anywhere in the text", func(t *testing.T) {
		raw, err := json.Marshal(hb)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range emailLike.FindAllStringSubmatch(string(raw), -1) {
			if !allowed[m[1]] {
				t.Errorf("%q is not on example.com/org/net", m[0])
			}
		}
	})
}

func TestDemoContactVerification(t *testing.T) {
	hb := load(t)
	cutoff := today
	var recent, stale, never int
	for _, c := range hb.Contacts {
		switch {
		case c.LastVerifiedAt.IsZero():
			never++
		case cutoff.Sub(c.LastVerifiedAt) > handbook.DefaultStaleAfterDays*24*time.Hour:
			stale++
		case c.LastVerifiedAt.After(cutoff.AddDate(0, -4, 0)) && c.LastVerifiedAt.Before(cutoff):
			recent++
		}
	}
	tests := []struct {
		name      string
		got, want int
	}{
		{"never verified", never, 1},
		{"stale", stale, 3},
		{"verified in the last four months", recent, len(hb.Contacts) - 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%d contacts, want %d", tt.got, tt.want)
			}
		})
	}
}

func TestDemoServices(t *testing.T) {
	hb := load(t)
	byID := map[string]handbook.Service{}
	for _, s := range hb.Services {
		byID[s.ID] = s
	}
	for _, s := range hb.Services {
		t.Run(s.Name, func(t *testing.T) {
			if s.RTO <= 0 || s.RTO > s.MTD {
				t.Errorf("RTO %s, MTD %s", s.RTO, s.MTD)
			}
			if !strings.Contains(s.RecoverySteps, "- [ ] ") {
				t.Errorf("recovery steps are not a task list: %q", s.RecoverySteps)
			}
			if s.Criticality == handbook.SeverityCritical && s.ManualFallback == "" && len(s.DependsOn) == 0 {
				t.Errorf("critical service without dependencies has no manual fallback")
			}
			if len(s.Resources) == 0 || s.ResourcesNote == "" {
				t.Errorf("resources %v, note %q", s.Resources, s.ResourcesNote)
			}
		})
	}
	t.Run("no cycles", func(t *testing.T) {
		state := map[string]int{} // 1 visiting, 2 done
		var visit func(id string) bool
		visit = func(id string) bool {
			switch state[id] {
			case 1:
				return false
			case 2:
				return true
			}
			state[id] = 1
			for _, d := range byID[id].DependsOn {
				if !visit(d) {
					return false
				}
			}
			state[id] = 2
			return true
		}
		for _, s := range hb.Services {
			if !visit(s.ID) {
				t.Fatalf("cycle through %s", s.Name)
			}
		}
	})
	t.Run("exactly one RTO inconsistency", func(t *testing.T) {
		var found []string
		for _, s := range hb.Services {
			for _, d := range s.DependsOn {
				if dep := byID[d]; s.RTO < dep.RTO {
					found = append(found, s.Name+" → "+dep.Name)
				}
			}
		}
		want := []string{"Lager/Versand → Buchhaltung/ERP"}
		if !slices.Equal(found, want) {
			t.Errorf("inconsistencies %q, want %q", found, want)
		}
	})
}

// nonEmpty drops empty strings.
func nonEmpty(s ...string) []string {
	return slices.DeleteFunc(s, func(v string) bool { return v == "" })
}

// TestDemoOnCall: the demo has a weekly IT on-call rotation of four people
// with one swap (two exceptions, one each way), and the dates of the demo
// (late November 2026) fall inside it.
func TestDemoOnCall(t *testing.T) {
	hb := load(t)
	var rotations []handbook.Role
	for _, r := range hb.Roles {
		if r.OnCall != nil {
			rotations = append(rotations, r)
		}
	}
	if len(rotations) != 1 {
		t.Fatalf("%d roles with a rotation, want 1", len(rotations))
	}
	r := rotations[0]
	rot := r.OnCall
	if r.Name != "IT-Rufbereitschaft" || len(rot.People) != 4 || rot.PeriodDays != 7 || len(rot.Exceptions) != 2 {
		t.Errorf("rotation %+v", rot)
	}
	for _, e := range rot.Exceptions {
		if e.Kind != handbook.ExceptionSwap {
			t.Errorf("exception %+v is no swap", e)
		}
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, c := range hb.Contacts {
		names[c.ID] = c.Name
	}
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 26, 2, 0, 0, 0, loc), "Felix Brandt"},
		{time.Date(2026, 11, 30, 9, 0, 0, 0, loc), "Tobias Wendt"},
		{time.Date(2026, 12, 24, 20, 0, 0, 0, loc), "Aylin Demir"},
		{time.Date(2027, 1, 5, 3, 0, 0, 0, loc), "Felix Brandt"},
	} {
		if got := handbook.OnDutyAt(hb, r, tt.at); names[got.Contact.ID] != tt.want {
			t.Errorf("on duty %s: %s, want %s", tt.at, names[got.Contact.ID], tt.want)
		}
	}
}

func TestDemoTemplates(t *testing.T) {
	hb := load(t)
	audiences := map[handbook.Audience]bool{}
	for _, c := range hb.CommTemplates {
		audiences[c.Audience] = true
		t.Run(c.Title, func(t *testing.T) {
			if !slices.Contains(handbook.Audiences, c.Audience) {
				t.Errorf("unknown audience %q", c.Audience)
			}
			if !placeholder.MatchString(c.Body) {
				t.Errorf("body has no placeholder")
			}
			if unknown := handbook.UnknownPlaceholders(hb, c.Subject, c.Body); len(unknown) > 0 {
				t.Errorf("placeholders no message can fill: %q", unknown)
			}
		})
	}
	for _, a := range handbook.Audiences {
		if !audiences[a] {
			t.Errorf("no template for audience %s", a)
		}
	}
}

func TestDemoActions(t *testing.T) {
	hb := load(t)
	var done, overdue, openLater int
	for _, a := range hb.Actions {
		switch {
		case !a.Open():
			done++
		case a.Due.Before(today):
			overdue++
		default:
			openLater++
		}
	}
	tests := []struct {
		name string
		got  int
		min  int
	}{
		{"done", done, 1},
		{"open and overdue", overdue, 2},
		{"open and not yet due", openLater, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got < tt.min {
				t.Errorf("%d actions, want at least %d", tt.got, tt.min)
			}
		})
	}
}

func TestDemoDeterministic(t *testing.T) {
	first, second := load(t), load(t)
	if !reflect.DeepEqual(first, second) {
		t.Fatal("two calls of Demo differ")
	}
	if first.Version() != second.Version() {
		t.Errorf("versions %s and %s differ", first.Version(), second.Version())
	}
	first.Contacts[0].Name = "changed"
	if load(t).Contacts[0].Name == "changed" {
		t.Error("Demo shares state between calls")
	}
}

func TestDemoBackupRoundTrip(t *testing.T) {
	hb := load(t)
	raw, err := json.MarshalIndent(hb, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "demo.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	back, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got handbook.Handbook
	if err := json.Unmarshal(back, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, hb) {
		t.Error("demo handbook changes in a JSON round trip")
	}
}

func TestDemoFilesUsed(t *testing.T) {
	hb := load(t)
	texts := map[string]bool{}
	for _, p := range hb.Playbooks {
		texts[p.Body] = true
	}
	for _, c := range hb.CommTemplates {
		texts[c.Body] = true
	}
	for _, s := range hb.Services {
		texts[s.RecoverySteps] = true
	}
	for _, p := range hb.Processes {
		texts[p.ContinuityPlan] = true
	}
	steps, err := History()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		for _, p := range st.Records.Playbooks {
			texts[p.Body] = true
		}
	}
	err = fs.WalkDir(demoFS, root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		t.Run(path, func(t *testing.T) {
			text, err := markdown(strings.TrimPrefix(path, root+"/"))
			if err != nil {
				t.Fatal(err)
			}
			if !texts[text] {
				t.Errorf("%s is not used by any record", path)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDemoDocumentControl: the ransomware playbook has a short history,
// released by the Krisenstab-Leitung, with unreleased changes since; the
// other documents are released; one of the four printed copies is
// outdated.
func TestDemoDocumentControl(t *testing.T) {
	hb := load(t)
	live := hb.Live()
	steps, err := History()
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 2 || len(steps) > 3 {
		t.Fatalf("%d history steps, want 2 or 3", len(steps))
	}
	for i, s := range steps {
		if !s.At.Before(today) || i > 0 && !s.At.After(steps[i-1].At) || s.Author == "" {
			t.Errorf("step %d at %v by %q: steps must be in order, before %v, and name their author", i+1, s.At, s.Author, today)
		}
	}
	sts, err := handbook.Statuses(&live)
	if err != nil {
		t.Fatal(err)
	}
	drafts := 0
	for _, st := range sts {
		if st.Releases.InForce == nil {
			t.Errorf("%s %q was never released", st.Doc.Kind, st.Title)
			continue
		}
		if len(st.Releases.Concurrent) > 0 {
			t.Errorf("%s %q has releases at the same time", st.Doc.Kind, st.Title)
		}
		a, ok := handbook.FindApprover(&live, st.Releases.InForce.Approver)
		if !ok || a.Contact.ID != st.Releases.InForce.ApproverContact || a.Role.Name != "Krisenstab-Leitung" {
			t.Errorf("%q released by %q, who holds no approver role", st.Title, st.Releases.InForce.Approver)
		}
		if !st.Draft {
			continue
		}
		drafts++
		if st.Title != "Ransomware-Angriff" || len(st.Releases.All) != 2 || st.Releases.InForce.Version() != "1.1" {
			t.Errorf("draft %q: %d releases, %s in force", st.Title, len(st.Releases.All), st.Releases.InForce.Version())
		}
		if st.NextReview.Before(today) {
			t.Errorf("%q is overdue for review", st.Title)
		}
	}
	if drafts != 1 {
		t.Errorf("%d drafts, want the ransomware playbook only", drafts)
	}
	copies := handbook.CopyStatuses(&live, handbook.InForce(&live))
	if len(copies) != 4 {
		t.Fatalf("%d copies, want 4", len(copies))
	}
	for i, c := range copies {
		want := i < 3
		if c.Copy.Number != i+1 || current(c) != want || c.Outdated == want || c.Pending != nil {
			t.Errorf("copy %d: current %v, outdated %v, pending %v", c.Copy.Number, current(c), c.Outdated, c.Pending != nil)
		}
	}
	if got := copies[3].Changed; len(got) != 1 || !strings.Contains(got[0], "01a0f6b1-26b6-7ccc-ac1f-78cefcf63f58") {
		t.Errorf("copy 4 is outdated by %v, want the ransomware playbook", got)
	}
}

// current reports a copy in place that holds the releases in force, with
// no print waiting: what the window and the command line show as nothing
// to do (not NeedsReplacing, nothing pending).
func current(s handbook.CopyStatus) bool { return !s.NeedsReplacing() && s.Pending == nil }
