package handbook

import (
	"slices"
	"strings"
	"testing"
)

// svc is a service with an owner, so that only the findings under test appear.
func svc(id, name string, rto Minutes, deps ...string) Service {
	return Service{Record: Record{ID: id}, Review: Review{Owner: "IT"}, Name: name, RTO: rto, DependsOn: deps}
}

func names(services []Service) []string {
	out := make([]string, len(services))
	for i, s := range services {
		out[i] = s.Name
	}
	return out
}

func codes(findings []Finding) []string {
	out := make([]string, len(findings))
	for i, f := range findings {
		out[i] = string(f.Level) + ":" + f.Code + ":" + f.Name
	}
	return out
}

func TestRestoreOrder(t *testing.T) {
	deleted := svc("x", "Gelöscht", 10)
	deleted.Deleted = true
	tests := []struct {
		name     string
		services []Service
		want     []string
		findings []string
	}{
		{
			name:     "empty",
			services: nil,
			want:     []string{},
		},
		{
			name: "diamond: dependency first, then shorter RTO",
			services: []Service{
				svc("a", "Webshop", 240, "b", "c"),
				svc("b", "Zahlung", 240, "d"),
				svc("c", "Katalog", 240, "d"),
				svc("d", "Datenbank", 60),
			},
			want: []string{"Datenbank", "Katalog", "Zahlung", "Webshop"},
		},
		{
			name: "diamond: shorter RTO of a branch goes first",
			services: []Service{
				svc("a", "Webshop", 480, "b", "c"),
				svc("b", "Zahlung", 120, "d"),
				svc("c", "Katalog", 240, "d"),
				svc("d", "Datenbank", 60),
			},
			want: []string{"Datenbank", "Zahlung", "Katalog", "Webshop"},
		},
		{
			name:     "RTO tie broken by name",
			services: []Service{svc("1", "Zeiterfassung", 60), svc("2", "Active Directory", 60), svc("3", "Mail", 60)},
			want:     []string{"Active Directory", "Mail", "Zeiterfassung"},
		},
		{
			name:     "shortest RTO first",
			services: []Service{svc("1", "A", 480), svc("2", "B", 30), svc("3", "C", 120)},
			want:     []string{"B", "C", "A"},
		},
		{
			name:     "RTO not agreed comes after agreed ones",
			services: []Service{svc("1", "A", 0), svc("2", "B", 1440)},
			want:     []string{"B", "A"},
		},
		{
			name:     "dependency with a long RTO still comes first",
			services: []Service{svc("1", "Webshop", 60, "2"), svc("2", "Datenbank", 240), svc("3", "Intranet", 120)},
			want:     []string{"Intranet", "Datenbank", "Webshop"},
			findings: []string{"warning:rto_shorter_than_dependency:Webshop"},
		},
		{
			name:     "deleted services are skipped",
			services: []Service{svc("1", "A", 60, "x"), deleted},
			want:     []string{"A"},
			findings: []string{"error:unknown_dependency:A"},
		},
		{
			name:     "unknown dependency",
			services: []Service{svc("1", "A", 60, "nope")},
			want:     []string{"A"},
			findings: []string{"error:unknown_dependency:A"},
		},
		{
			name:     "self dependency is left to Validate",
			services: []Service{svc("1", "A", 60, "1")},
			want:     []string{"A"},
		},
		{
			name: "cycle appended after the others in name order, dependents after it",
			services: []Service{
				svc("c", "Gamma", 10, "a"),
				svc("a", "Alpha", 30, "b"),
				svc("b", "Beta", 20, "c"),
				svc("y", "Auswertung", 5, "a"),
				svc("x", "Zentrale", 600),
			},
			want:     []string{"Zentrale", "Alpha", "Beta", "Gamma", "Auswertung"},
			findings: []string{"error:cycle:Alpha", "warning:rto_shorter_than_dependency:Auswertung", "warning:rto_shorter_than_dependency:Gamma"},
		},
		{
			name: "cycle depending on another cycle follows it",
			services: []Service{
				svc("k1", "Kreis A", 60, "k2", "r1"),
				svc("k2", "Kreis B", 60, "k1"),
				svc("r1", "Ring A", 60, "r2"),
				svc("r2", "Ring B", 60, "r1"),
			},
			want:     []string{"Ring A", "Ring B", "Kreis A", "Kreis B"},
			findings: []string{"error:cycle:Kreis A", "error:cycle:Ring A"},
		},
		{
			name:     "missing owner",
			services: []Service{{Record: Record{ID: "1"}, Name: "Druck", RTO: 60}},
			want:     []string{"Druck"},
			findings: []string{"warning:missing_owner:Druck"},
		},
		{
			name: "missing fallback for critical and high, not for medium",
			services: []Service{
				{Record: Record{ID: "1"}, Review: Review{Owner: "x"}, Name: "Kasse", Criticality: SeverityCritical},
				{Record: Record{ID: "2"}, Review: Review{Owner: "x"}, Name: "Lager", Criticality: SeverityHigh},
				{Record: Record{ID: "3"}, Review: Review{Owner: "x"}, Name: "Wiki", Criticality: SeverityMedium},
				{Record: Record{ID: "4"}, Review: Review{Owner: "x"}, Name: "Telefon", Criticality: SeverityCritical, ManualFallback: "Mobiltelefone"},
			},
			want:     []string{"Kasse", "Lager", "Telefon", "Wiki"},
			findings: []string{"warning:missing_fallback:Kasse", "warning:missing_fallback:Lager"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			order, findings := RestoreOrderNeed(tt.services, nil)
			if got := names(order); !slices.Equal(got, tt.want) {
				t.Errorf("order = %q, want %q", got, tt.want)
			}
			if got := codes(findings); !slices.Equal(got, tt.findings) && (len(got) != 0 || len(tt.findings) != 0) {
				t.Errorf("findings = %q, want %q", got, tt.findings)
			}
		})
	}
}

func TestRestoreOrderMessages(t *testing.T) {
	tests := []struct {
		name     string
		services []Service
		code     string
		message  string
		args     []string
	}{
		{
			name:     "three-service cycle named",
			services: []Service{svc("1", "Webshop", 60, "2"), svc("2", "Datenbank", 60, "3"), svc("3", "Storage", 60, "1")},
			code:     CodeCycle,
			message:  "services depend on each other in a cycle, so none of them can be restored first: Datenbank → Storage → Webshop → Datenbank",
			args:     []string{"Datenbank", "Storage", "Webshop", "Datenbank"},
		},
		{
			name:     "RTO shorter than dependency",
			services: []Service{svc("1", "Webshop", 60, "2"), svc("2", "Datenbank", 240)},
			code:     CodeRTOShorterThanDependency,
			message:  `service "Webshop" (RTO 1 h) depends on "Datenbank" whose RTO is 4 h`,
			args:     []string{"Webshop", "1 h", "Datenbank", "4 h"},
		},
		{
			name:     "unknown dependency",
			services: []Service{svc("1", "Webshop", 60, "gone")},
			code:     CodeUnknownDependency,
			message:  `service "Webshop" depends on a service that does not exist or was deleted (ID gone)`,
			args:     []string{"Webshop", "gone"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, findings := RestoreOrderNeed(tt.services, nil)
			i := slices.IndexFunc(findings, func(f Finding) bool { return f.Code == tt.code })
			if i < 0 {
				t.Fatalf("no %s finding in %q", tt.code, codes(findings))
			}
			if f := findings[i]; f.Message != tt.message || !slices.Equal(f.Args, tt.args) || f.Entity != EntityService {
				t.Errorf("finding = %+v\nwant message %q, args %q", f, tt.message, tt.args)
			}
		})
	}
}

func TestRestoreOrderDeterministic(t *testing.T) {
	base := []Service{
		svc("a", "Webshop", 240, "b", "c"),
		svc("b", "Zahlung", 120, "d"),
		svc("c", "Katalog", 120, "d"),
		svc("d", "Datenbank", 60),
		svc("e", "Mail", 60),
		svc("f", "Ring1", 30, "g"),
		svc("g", "Ring2", 30, "f"),
	}
	wantOrder, wantFindings := RestoreOrderNeed(base, nil)
	want := strings.Join(names(wantOrder), ",")
	perms := []struct {
		name string
		perm []int
	}{
		{"reversed", []int{6, 5, 4, 3, 2, 1, 0}},
		{"shuffled", []int{3, 0, 6, 1, 5, 2, 4}},
		{"rotated", []int{1, 2, 3, 4, 5, 6, 0}},
	}
	for _, p := range perms {
		t.Run(p.name, func(t *testing.T) {
			in := make([]Service, len(p.perm))
			for i, j := range p.perm {
				in[i] = base[j]
			}
			order, findings := RestoreOrderNeed(in, nil)
			if got := strings.Join(names(order), ","); got != want {
				t.Errorf("order = %s, want %s", got, want)
			}
			if !slices.EqualFunc(findings, wantFindings, func(a, b Finding) bool { return a.Message == b.Message }) {
				t.Errorf("findings = %q, want %q", codes(findings), codes(wantFindings))
			}
		})
	}
	if want != "Datenbank,Mail,Katalog,Zahlung,Webshop,Ring1,Ring2" {
		t.Errorf("order = %s", want)
	}
}
