package handbook

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// grid rates every default category at the default time points (4 h, 1 d,
// 3 d, 1 w, 2 w, 1 month) with the same row of ratings, except those given
// in rows by category key.
func grid(all []Rating, rows map[string][]Rating) Impact {
	im := Impact{}
	for _, c := range DefaultImpactCategories {
		row := all
		if r, ok := rows[c.Key]; ok {
			row = r
		}
		for i, t := range DefaultTimePoints {
			if i < len(row) && row[i] > 0 {
				im[ImpactCell{c.Key, t}] = row[i]
			}
		}
	}
	return im
}

func TestAssess(t *testing.T) {
	def := Settings{}.BIA()
	low := []Rating{1, 1, 1, 2, 2, 2}
	tests := []struct {
		name     string
		cfg      BIAConfig
		impact   Impact
		agreed   Minutes
		mtpd     Minutes
		category string
		beyond   bool
		crit     Severity
		derived  Minutes
		rto      Minutes
		rated    int
	}{
		{"not rated", def, nil, 0, 0, "", false, "", 0, 0, 0},
		{"existential after 4 h", def, grid(low, map[string][]Rating{"financial": {4, 4, 4, 4, 4, 4}}), 0,
			4 * Hour, "financial", false, SeverityCritical, 2 * Hour, 2 * Hour, 30},
		{"existential after 1 d: RTO 12 h rounds down to 4 h", def, grid(low, map[string][]Rating{"customers": {2, 4, 4, 4, 4, 4}}), 0,
			Day, "customers", false, SeverityHigh, 4 * Hour, 4 * Hour, 30},
		{"existential after 3 d: RTO 1.5 d rounds down to 1 d", def, grid(low, map[string][]Rating{"legal": {1, 2, 4, 4, 4, 4}}), 0,
			3 * Day, "legal", false, SeverityMedium, Day, Day, 30},
		{"existential after 1 w", def, grid(low, map[string][]Rating{"reputation": {1, 2, 3, 4, 4, 4}}), 0,
			Week, "reputation", false, SeverityMedium, 3 * Day, 3 * Day, 30},
		{"existential after 2 w", def, grid(low, map[string][]Rating{"safety": {1, 1, 2, 3, 4, 4}}), 0,
			2 * Week, "safety", false, SeverityLow, Week, Week, 30},
		{"existential only after a month", def, grid(low, map[string][]Rating{"financial": {1, 1, 2, 3, 3, 4}}), 0,
			Month, "financial", false, SeverityLow, 2 * Week, 2 * Week, 30},
		{"never intolerable", def, grid(low, nil), 0, 0, "", true, SeverityLow, 0, 0, 30},
		{"first category in settings order wins a tie", def, grid(low, map[string][]Rating{"safety": {4, 4, 4, 4, 4, 4}, "legal": {4, 4, 4, 4, 4, 4}}), 0,
			4 * Hour, "legal", false, SeverityCritical, 2 * Hour, 2 * Hour, 30},
		{"partial grid still derives", def, Impact{{"financial", Day}: 4}, 0, Day, "financial", false, SeverityHigh, 4 * Hour, 4 * Hour, 1},
		{"agreed RTO tighter than derived", def, grid(low, map[string][]Rating{"customers": {2, 4, 4, 4, 4, 4}}), 2 * Hour,
			Day, "customers", false, SeverityHigh, 4 * Hour, 2 * Hour, 30},
		{"agreed RTO looser than derived does not count", def, grid(low, map[string][]Rating{"customers": {2, 4, 4, 4, 4, 4}}), 8 * Hour,
			Day, "customers", false, SeverityHigh, 4 * Hour, 4 * Hour, 30},
		{"agreed RTO without MTPD", def, grid(low, nil), 3 * Day, 0, "", true, SeverityLow, 0, 3 * Day, 30},
		{"threshold 3", Settings{ImpactThreshold: 3}.BIA(), grid(low, map[string][]Rating{"financial": {1, 3, 4, 4, 4, 4}}), 0,
			Day, "financial", false, SeverityHigh, 4 * Hour, 4 * Hour, 30},
		{"factor 1 keeps the MTPD", Settings{RTOFactor: 1}.BIA(), grid(low, map[string][]Rating{"financial": {1, 4, 4, 4, 4, 4}}), 0,
			Day, "financial", false, SeverityHigh, Day, Day, 30},
		{"ratings of cells not in the settings are ignored",
			Settings{TimePoints: []Minutes{Day, Week}, ImpactCategories: []ImpactCategory{{Key: "financial"}}}.BIA(),
			Impact{{"financial", 4 * Hour}: 4, {"customers", Day}: 4, {"financial", Day}: 2, {"financial", Week}: 4}, 0,
			Week, "financial", false, SeverityMedium, Day, Day, 2},
		{"time points out of order in the settings; RTO below the first stays", Settings{TimePoints: []Minutes{Week, Day}}.BIA(),
			Impact{{"financial", Day}: 4}, 0, Day, "financial", false, SeverityHigh, 12 * Hour, 12 * Hour, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.cfg.Assess(BusinessProcess{Name: "P", Impact: tt.impact, RTO: tt.agreed})
			if a.MTPD != tt.mtpd || a.Category != tt.category || a.Beyond != tt.beyond || a.Criticality != tt.crit ||
				a.DerivedRTO != tt.derived || a.RTO != tt.rto || a.Rated != tt.rated {
				t.Errorf("Assess = MTPD %s (%q, beyond %v) %q, derived RTO %s, RTO %s, rated %d; want MTPD %s (%q, beyond %v) %q, derived %s, RTO %s, rated %d",
					a.MTPD, a.Category, a.Beyond, a.Criticality, a.DerivedRTO, a.RTO, a.Rated,
					tt.mtpd, tt.category, tt.beyond, tt.crit, tt.derived, tt.rto, tt.rated)
			}
		})
	}
}

func TestCriticalityAndRequiredRTO(t *testing.T) {
	def := Settings{}.BIA()
	tests := []struct {
		mtpd Minutes
		crit Severity
		rto  Minutes
	}{
		{0, SeverityLow, 0},
		{1, SeverityCritical, 1},
		{90, SeverityCritical, 45},
		{4 * Hour, SeverityCritical, 2 * Hour},
		{4*Hour + 1, SeverityHigh, 2 * Hour},
		{Day, SeverityHigh, 4 * Hour},
		{Day + 1, SeverityMedium, 4 * Hour},
		{2 * Day, SeverityMedium, Day},
		{Week, SeverityMedium, 3 * Day},
		{Week + 1, SeverityLow, 3 * Day},
		{Month, SeverityLow, 2 * Week},
		{12 * Month, SeverityLow, Month},
	}
	for _, tt := range tests {
		t.Run(tt.mtpd.String(), func(t *testing.T) {
			if got := CriticalityFor(tt.mtpd); got != tt.crit {
				t.Errorf("CriticalityFor(%s) = %q, want %q", tt.mtpd, got, tt.crit)
			}
			if got := def.RequiredRTO(tt.mtpd); got != tt.rto {
				t.Errorf("RequiredRTO(%s) = %s, want %s", tt.mtpd, got, tt.rto)
			}
		})
	}
}

func TestTimePointKeys(t *testing.T) {
	for _, tt := range []struct {
		m   Minutes
		key string
	}{{4 * Hour, "4h"}, {Day, "1d"}, {Week, "7d"}, {Month, "30d"}, {90, "90m"}, {36 * Hour, "36h"}} {
		if got := TimePointKey(tt.m); got != tt.key {
			t.Errorf("TimePointKey(%d) = %q, want %q", tt.m, got, tt.key)
		}
		if got, ok := ParseTimePointKey(tt.key); !ok || got != tt.m {
			t.Errorf("ParseTimePointKey(%q) = %d, %v", tt.key, got, ok)
		}
	}
	for _, bad := range []string{"", "d", "24h", "60m", "0d", "-1d", "+1d", "01d", "1x", "1.5d", "99999999999d", "1 d"} {
		if m, ok := ParseTimePointKey(bad); ok {
			t.Errorf("ParseTimePointKey(%q) = %d, want refused", bad, m)
		}
	}
	for _, bad := range []string{"impact", "impact.", "impact.financial", "impact.Financial.1d", "impact.financial.24h", "impact..1d", "impact.a.b.1d"} {
		if c, ok := ParseImpactField(bad); ok {
			t.Errorf("ParseImpactField(%q) = %v, want refused", bad, c)
		}
	}
}

func TestProcessJSON(t *testing.T) {
	p := BusinessProcess{Record: Record{ID: "p1"}, Name: "Bestellannahme", RPO: 60,
		Impact: Impact{{"financial", 4 * Hour}: 2, {"financial", Day}: 4, {"customers", Week}: 3}}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"impact.financial.4h":2`, `"impact.financial.1d":4`, `"impact.customers.7d":3`, `"rpo_minutes":60`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON %s lacks %s", data, want)
		}
	}
	if strings.Contains(string(data), `"Impact"`) {
		t.Errorf("JSON %s holds the grid as one field", data)
	}
	var back BusinessProcess
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Name != p.Name || len(back.Impact) != 3 || back.Impact[ImpactCell{"financial", Day}] != 4 {
		t.Errorf("round trip = %+v", back)
	}
	empty, err := json.Marshal(BusinessProcess{})
	if err != nil || !json.Valid(empty) {
		t.Fatalf("empty process: %s, %v", empty, err)
	}
	if err := json.Unmarshal([]byte(`{"name":"X","impact.financial.1d":null,"impact.customers.1d":0}`), &back); err != nil || len(back.Impact) != 0 {
		t.Errorf("null and 0 cells: %+v, %v", back.Impact, err)
	}
	for _, bad := range []string{`{"impact.financial.24h":3}`, `{"impact.x":3}`, `{"impact.financial.1d":"hoch"}`, `{"impact.financial.1d":2.5}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
}

func TestBIAValidate(t *testing.T) {
	tests := []struct {
		name  string
		rec   interface{ Validate() error }
		field string
		msg   string
	}{
		{"process rating 5", BusinessProcess{Name: "P", Impact: Impact{{"financial", Day}: 5}},
			"impact", "the rating of financial at 1 d must be 1 to 4 (is 5)"},
		{"process negative rating", BusinessProcess{Name: "P", Impact: Impact{{"financial", Day}: -1}},
			"impact", "must be 1 to 4 (is -1)"},
		{"process negative RPO", BusinessProcess{Name: "P", RPO: -30}, "rpo_minutes", "a duration cannot be negative (is -30 min)"},
		{"process negative plan duration", BusinessProcess{Name: "P", PlanDuration: -Day}, "plan_duration_minutes", "(is -1 d)"},
		{"process capacity over 100", BusinessProcess{Name: "P", PlanCapacityPercent: 120}, "plan_capacity_percent", "between 0 and 100 % (is 120 %)"},
		{"process negative staff", BusinessProcess{Name: "P", MinStaff: -2}, "min_staff", "must not be negative (is -2)"},
		{"process depends on itself", BusinessProcess{Record: Record{ID: "p1"}, Name: "Versand", DependsOn: []string{"p1"}},
			"depends_on", "the process Versand cannot depend on itself"},
		{"process without name", BusinessProcess{}, "name", "must not be empty"},
		{"site its own alternate", Site{Record: Record{ID: "s1"}, Name: "Hamburg", Alternate: "s1"},
			"alternate", "the site Hamburg cannot be its own alternate site"},
		{"site negative activation", Site{Name: "H", AlternateActivation: -60}, "alternate_activation_minutes", "(is -1 h)"},
		{"supplier its own alternative", Supplier{Record: Record{ID: "u1"}, Name: "Hoster", Alternative: "u1"},
			"alternative", "the supplier Hoster cannot be its own alternative"},
		{"supplier negative SLA", Supplier{Name: "H", SLARestoration: -1}, "sla_restoration_minutes", "cannot be negative"},
		{"process RTO of a million days", BusinessProcess{Name: "P", RTO: 1_000_000 * Day}, "rto_minutes",
			"a duration cannot be longer than ten years (is 1000000 d); check the unit"},
		{"process plan kept up for eleven years", BusinessProcess{Name: "P", PlanDuration: 11 * 365 * Day}, "plan_duration_minutes", "longer than ten years"},
		{"site activation of twenty years", Site{Name: "H", AlternateActivation: 20 * 365 * Day}, "alternate_activation_minutes", "longer than ten years"},
		{"supplier SLA in minutes typed as days", Supplier{Name: "H", SLARestoration: 240 * 365 * Day}, "sla_restoration_minutes", "check the unit"},
		{"service RTO of a century", Service{Name: "S", Criticality: SeverityHigh, RTO: 100 * 365 * Day}, "rto_minutes", "longer than ten years"},
		{"supplier responds after restoring", Supplier{Name: "H", SLAResponse: Day, SLARestoration: 4 * Hour},
			"sla_response_minutes", "the response time of 1 d is longer than the restoration time of 4 h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v ValidationError
			if err := tt.rec.Validate(); !errors.As(err, &v) {
				t.Fatalf("Validate = %v, want a validation error", err)
			}
			i := slices.IndexFunc(v, func(fe FieldError) bool { return fe.Field == tt.field })
			if i < 0 || !strings.Contains(v[i].Message, tt.msg) {
				t.Fatalf("Validate = %v, want %s: …%s…", v, tt.field, tt.msg)
			}
			if tt.field != "name" && (v[i].Key == "" || len(v[i].Data) == 0) {
				t.Errorf("problem %+v has no translation key with its values", v[i])
			}
		})
	}
	p := BusinessProcess{Name: "Versand", RTO: 2 * Day, Impact: Impact{{"financial", Day}: 4}}
	var v ValidationError
	if err := p.ValidateWith(Settings{}.BIA()); !errors.As(err, &v) || v[0].Field != "rto_minutes" ||
		v[0].Message != "the RTO of 2 d is longer than the MTPD of 1 d that the impact assessment gives; recovery would come after the damage is intolerable" {
		t.Errorf("ValidateWith = %v", err)
	}
	p.RTO = 4 * Hour
	if err := p.ValidateWith(Settings{}.BIA()); err != nil {
		t.Errorf("ValidateWith(RTO within MTPD) = %v", err)
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name  string
		s     Settings
		field string
	}{
		{"bad key", Settings{ImpactCategories: []ImpactCategory{{Key: "Finanzen!"}}}, "impact_categories"},
		{"key twice", Settings{ImpactCategories: []ImpactCategory{{Key: "a"}, {Key: "a"}}}, "impact_categories"},
		{"time point 0", Settings{TimePoints: []Minutes{0, 60}}, "time_points"},
		{"time point twice", Settings{TimePoints: []Minutes{60, 60}}, "time_points"},
		{"threshold 5", Settings{ImpactThreshold: 5}, "impact_threshold"},
		{"factor above 1", Settings{RTOFactor: 1.5}, "rto_factor"},
		{"negative factor", Settings{RTOFactor: -0.5}, "rto_factor"},
		{"time point after eleven years", Settings{TimePoints: []Minutes{60, 11 * 365 * Day}}, "time_points"},
		{"inactive after 3 days", Settings{SyncInactiveDays: 3}, "sync_inactive_days"},
		{"inactive after negative days", Settings{SyncInactiveDays: -90}, "sync_inactive_days"},
		{"inactive after 11 years", Settings{SyncInactiveDays: 4000}, "sync_inactive_days"},
		{"compact after 10 files", Settings{SyncCompactAfter: 10}, "sync_compact_after"},
		{"compact after negative files", Settings{SyncCompactAfter: -1}, "sync_compact_after"},
		{"compact after ten million files", Settings{SyncCompactAfter: 10_000_000}, "sync_compact_after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v ValidationError
			if err := tt.s.Validate(); !errors.As(err, &v) || v[0].Field != tt.field {
				t.Errorf("Validate = %v, want a problem with %s", err, tt.field)
			}
		})
	}
	if err := (Settings{ImpactCategories: []ImpactCategory{{Key: "financial"}, {Key: "umwelt", Name: "Umwelt"}},
		TimePoints: []Minutes{60, Day}, ImpactThreshold: 3, RTOFactor: 1, SyncInactiveDays: 7, SyncCompactAfter: 1_000_000}).Validate(); err != nil {
		t.Errorf("valid settings: %v", err)
	}
	if in, n := (Settings{}).SyncSettings(); in != 90*24*time.Hour || n != 1000 {
		t.Errorf("default sync settings: %v, %d", in, n)
	}
	if in, n := (Settings{SyncInactiveDays: 30, SyncCompactAfter: 200}).SyncSettings(); in != 30*24*time.Hour || n != 200 {
		t.Errorf("sync settings: %v, %d", in, n)
	}
	taken := []ImpactCategory{{Key: "umwelt"}}
	for name, want := range map[string]string{"Umwelt": "umwelt-2", "Informationssicherheit & Datenschutz": "informationssicherheit-datensc", "!!!": "category", "Öffentliche Ordnung": "oeffentliche-ordnung"} {
		if got := CategoryKeyFor(name, taken); got != want || !ValidCategoryKey(got) {
			t.Errorf("CategoryKeyFor(%q) = %q, want %q", name, got, want)
		}
	}
}

// biaHandbook is cleanHandbook with a business impact analysis that has
// no findings at now: Bestellannahme (MTPD 1 d, RTO 4 h) needs Webshop
// (RTO 2 h) and Datenbank (1 h), the hoster (SLA 1 h), the site Hamburg
// with the alternate Ausweichbüro (activation 2 h) and the role Vertrieb
// with a deputy; Marketing is not critical.
func biaHandbook() Handbook {
	hb := cleanHandbook()
	recent := Review{Owner: "c1", LastReviewedAt: now.AddDate(0, 0, -10)}
	hb.Contacts = append(hb.Contacts, Contact{Record: Record{ID: "c3"}, Name: "Bernd Berg", PhoneMobile: "+49 170 3", LastVerifiedAt: now.AddDate(0, 0, -10)})
	hb.Roles = append(hb.Roles, Role{Record: Record{ID: "r3"}, Name: "Vertrieb", Holders: []string{"c1", "c3"}})
	hb.Suppliers = []Supplier{{Record: Record{ID: "u1"}, Review: recent, Name: "Hoster", SLAResponse: 15, SLARestoration: 60,
		Services: []string{"s1"}, Hotline: []string{"c1"}}}
	hb.Sites = []Site{
		{Record: Record{ID: "l1"}, Review: recent, Name: "Hamburg", Alternate: "l2", AlternateActivation: 2 * Hour},
		{Record: Record{ID: "l2"}, Review: recent, Name: "Ausweichbüro", Kit: "- [ ] Laptops\n- [ ] Bargeld", KitCheckedAt: now.AddDate(0, 0, -30)},
	}
	low := []Rating{1, 1, 1, 2, 2, 2}
	hb.Processes = []BusinessProcess{
		{Record: Record{ID: "p1"}, Review: recent, Name: "Bestellannahme", OwnerRole: "r3",
			Impact: grid(low, map[string][]Rating{"customers": {2, 4, 4, 4, 4, 4}}), AssessedAt: now.AddDate(0, -1, 0), AssessedBy: "c1",
			Services: []string{"s2"}, Suppliers: []string{"u1"}, Sites: []string{"l1"}, Roles: []string{"r3"},
			ContinuityPlan: "- [ ] Telefonbestellungen annehmen", PlanDuration: Day, PlanCapacityPercent: 60, MinCapacityPercent: 50},
		{Record: Record{ID: "p2"}, Review: recent, Name: "Marketing", Impact: grid(low, nil), AssessedAt: now.AddDate(0, -1, 0),
			DependsOn: []string{"p1"}, Sites: []string{"l1"}},
	}
	// The critical process was exercised, so the exercise check is quiet.
	hb.Exercises[0].Processes = []string{"p1"}
	return hb
}

func TestCheckBIA(t *testing.T) {
	tests := []struct {
		name   string
		change func(hb *Handbook)
		want   []string
	}{
		{"clean", func(*Handbook) {}, []string{}},
		{"service RTO longer than required, directly", func(hb *Handbook) { hb.Services[1].RTO = 8 * Hour },
			[]string{"warning:process_rto_gap:business_process:Bestellannahme"}},
		{"service RTO longer than required, through another service", func(hb *Handbook) {
			hb.Services[0].RTO = 8 * Hour
			hb.Services[1].RTO = 8 * Hour
		}, []string{"warning:process_rto_gap:business_process:Bestellannahme", "warning:process_rto_gap:business_process:Bestellannahme"}},
		{"service RTO gap through a process depended on", func(hb *Handbook) {
			hb.Processes[0].Services = nil
			hb.Processes[0].DependsOn = []string{"p3"}
			hb.Processes = append(hb.Processes, BusinessProcess{Record: Record{ID: "p3"}, Review: hb.Processes[1].Review, Name: "Lager",
				Impact: grid([]Rating{1, 1, 1, 1, 1, 1}, nil), AssessedAt: now, Services: []string{"s2"}})
			hb.Services[1].RTO = 8 * Hour
		}, []string{"warning:process_rto_gap:business_process:Bestellannahme"}},
		{"process depends on a process with a longer RTO", func(hb *Handbook) {
			hb.Processes[1].DependsOn = nil
			hb.Processes[0].DependsOn = []string{"p2"}
			hb.Processes[1].RTO = 3 * Day
		}, []string{"warning:process_slower_dependency:business_process:Bestellannahme"}},
		{"service without RTO that a critical process needs", func(hb *Handbook) { hb.Services[0].RTO = 0 },
			[]string{"warning:process_service_without_rto:business_process:Bestellannahme"}},
		{"supplier restores after the service's RTO", func(hb *Handbook) { hb.Suppliers[0].SLARestoration = 4 * Hour },
			[]string{"warning:supplier_sla_gap:supplier:Hoster"}},
		{"a supplier too slow for a service and the process is named once", func(hb *Handbook) { hb.Suppliers[0].SLARestoration = 8 * Hour },
			[]string{"warning:supplier_sla_gap:supplier:Hoster"}},
		{"supplier restores after the process's RTO", func(hb *Handbook) {
			hb.Suppliers[0].Services = nil
			hb.Suppliers[0].SLARestoration = 8 * Hour
		}, []string{"warning:supplier_sla_process_gap:business_process:Bestellannahme"}},
		{"supplier without restoration SLA", func(hb *Handbook) { hb.Suppliers[0].SLARestoration = 0 },
			[]string{"warning:supplier_without_sla:business_process:Bestellannahme"}},
		{"supplier without hotline", func(hb *Handbook) { hb.Suppliers[0].Hotline = nil },
			[]string{"warning:supplier_without_hotline:supplier:Hoster"}},
		{"supplier reached only through a service, without hotline", func(hb *Handbook) {
			hb.Processes[0].Suppliers = nil
			hb.Suppliers[0].Hotline = nil
		}, []string{"warning:supplier_without_hotline:supplier:Hoster"}},
		{"supplier whose hotline contact was deleted", func(hb *Handbook) { hb.Suppliers[0].Hotline = []string{"c404"} },
			[]string{"error:unknown_reference:supplier:Hoster", "warning:supplier_without_hotline:supplier:Hoster"}},
		{"supplier whose hotline has no phone number", func(hb *Handbook) {
			hb.Contacts = append(hb.Contacts, Contact{Record: Record{ID: "c9"}, Name: "Support-Postfach", Email: "support@example.com", LastVerifiedAt: now})
			hb.Suppliers[0].Hotline = []string{"c9"}
		}, []string{"warning:supplier_without_hotline:supplier:Hoster"}},
		{"supplier of an uncritical process needs no hotline", func(hb *Handbook) {
			hb.Suppliers = append(hb.Suppliers, Supplier{Record: Record{ID: "u2"}, Review: hb.Suppliers[0].Review, Name: "Druckerei"})
			hb.Processes[1].Suppliers = []string{"u2"}
		}, []string{}},
		{"no assessment", func(hb *Handbook) { hb.Processes[1].Impact = nil },
			[]string{"warning:process_not_assessed:business_process:Marketing"}},
		{"incomplete assessment", func(hb *Handbook) { delete(hb.Processes[1].Impact, ImpactCell{"safety", Month}) },
			[]string{"warning:assessment_incomplete:business_process:Marketing"}},
		{"undated assessment", func(hb *Handbook) { hb.Processes[1].AssessedAt = time.Time{} },
			[]string{"warning:assessment_undated:business_process:Marketing"}},
		{"assessment older than the review interval", func(hb *Handbook) { hb.Processes[1].AssessedAt = now.AddDate(-1, 0, 0) },
			[]string{"warning:assessment_outdated:business_process:Marketing"}},
		{"impact falls over time", func(hb *Handbook) { hb.Processes[1].Impact[ImpactCell{"legal", Month}] = 1 },
			[]string{"warning:impact_decreases:business_process:Marketing"}},
		{"critical process without plan", func(hb *Handbook) { hb.Processes[0].ContinuityPlan = " \n" },
			[]string{"warning:no_continuity_plan:business_process:Bestellannahme"}},
		{"uncritical process needs no plan", func(hb *Handbook) { hb.Processes[1].ContinuityPlan = "" }, []string{}},
		{"plan without duration", func(hb *Handbook) { hb.Processes[0].PlanDuration = 0 },
			[]string{"warning:plan_without_duration:business_process:Bestellannahme"}},
		{"plan shorter than the RTO", func(hb *Handbook) { hb.Processes[0].PlanDuration = 2 * Hour },
			[]string{"warning:plan_too_short:business_process:Bestellannahme"}},
		{"plan shorter than the dependencies' recovery", func(hb *Handbook) {
			hb.Services[1].RTO = 8 * Hour
			hb.Processes[0].PlanDuration = 6 * Hour
		}, []string{"warning:plan_too_short:business_process:Bestellannahme", "warning:process_rto_gap:business_process:Bestellannahme"}},
		{"plan capacity below the emergency level", func(hb *Handbook) { hb.Processes[0].PlanCapacityPercent = 40 },
			[]string{"warning:plan_capacity_too_low:business_process:Bestellannahme"}},
		{"site of a critical process without alternate", func(hb *Handbook) { hb.Sites[0].Alternate = "" },
			[]string{"warning:no_alternate_site:site:Hamburg"}},
		{"alternate site too slow", func(hb *Handbook) { hb.Sites[0].AlternateActivation = Day },
			[]string{"warning:alternate_site_too_slow:site:Hamburg"}},
		{"alternate site without activation time", func(hb *Handbook) { hb.Sites[0].AlternateActivation = 0 },
			[]string{"warning:alternate_site_without_activation:site:Hamburg"}},
		{"alternate site deleted", func(hb *Handbook) { hb.Sites[1].Deleted = true },
			[]string{"error:unknown_reference:site:Hamburg", "warning:no_alternate_site:site:Hamburg"}},
		{"kit never checked", func(hb *Handbook) { hb.Sites[1].KitCheckedAt = time.Time{} },
			[]string{"warning:kit_never_checked:site:Ausweichbüro"}},
		{"kit overdue", func(hb *Handbook) { hb.Sites[1].KitCheckedAt = now.AddDate(0, 0, -92) },
			[]string{"warning:kit_overdue:site:Ausweichbüro"}},
		{"kit with its own interval", func(hb *Handbook) {
			hb.Sites[1].KitCheckedAt = now.AddDate(0, 0, -92)
			hb.Sites[1].KitCheckDays = 182
		}, []string{}},
		{"role without deputy", func(hb *Handbook) { hb.Roles[2].Holders = []string{"c3"} },
			[]string{"warning:role_without_deputy:business_process:Bestellannahme"}},
		{"owner role nobody holds", func(hb *Handbook) {
			hb.Processes[0].OwnerRole = "r4"
			hb.Roles = append(hb.Roles, Role{Record: Record{ID: "r4"}, Name: "Leitung Vertrieb"})
		}, []string{"warning:role_without_deputy:business_process:Bestellannahme"}},
		{"role of an uncritical process", func(hb *Handbook) { hb.Processes[1].Roles = []string{"r1"} }, []string{}},
		{"process cycle", func(hb *Handbook) { hb.Processes[0].DependsOn = []string{"p2"} },
			[]string{"error:process_cycle:business_process:Bestellannahme"}},
		{"process refers to deleted records", func(hb *Handbook) {
			hb.Processes[1].Suppliers = []string{"u404"}
			hb.Processes[1].Services = []string{"s404"}
		}, []string{"error:unknown_reference:business_process:Marketing", "error:unknown_reference:business_process:Marketing"}},
		{"agreed RTO longer than the MTPD", func(hb *Handbook) { hb.Processes[0].RTO = 2 * Day },
			[]string{"error:invalid:business_process:Bestellannahme"}},
		{"invalid settings", func(hb *Handbook) { hb.Settings.RTOFactor = 2 },
			[]string{"error:invalid:settings:Settings"}},
		{"process review overdue", func(hb *Handbook) { hb.Processes[1].LastReviewedAt = time.Time{} },
			[]string{"warning:review_overdue:business_process:Marketing"}},
		{"supplier review overdue", func(hb *Handbook) { hb.Suppliers[0].LastReviewedAt = now.AddDate(-1, 0, 0) },
			[]string{"warning:review_overdue:supplier:Hoster"}},
		{"deleted process is skipped", func(hb *Handbook) {
			hb.Processes[1].DependsOn = nil
			hb.Processes[0].Deleted = true
		}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hb := biaHandbook()
			tt.change(&hb)
			got := describe(hb.Check(now))
			want := slices.Clone(tt.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Check =\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func TestCheckBIAMessages(t *testing.T) {
	tests := []struct {
		name    string
		change  func(hb *Handbook)
		code    string
		message string
		args    []string
	}{
		{"RTO gap names both records and values", func(hb *Handbook) {
			hb.Services[0].Name = "Shop-Backend"
			hb.Services[0].RTO = 8 * Hour
			hb.Services[1].RTO = 2 * Hour
		}, CodeProcessRTOGap, "Shop-Backend RTO 8 h > Bestellannahme needs 4 h (via Webshop): the service cannot be back in time for the process",
			[]string{"Shop-Backend", "480", "Bestellannahme", "240", "Webshop"}},
		{"SLA gap", func(hb *Handbook) { hb.Suppliers[0].SLARestoration = 4 * Hour }, CodeSupplierSLAGap,
			"supplier Hoster restores within 4 h > Datenbank RTO 1 h", []string{"Hoster", "240", "Datenbank", "60"}},
		{"alternate too slow", func(hb *Handbook) { hb.Sites[0].AlternateActivation = Day }, CodeAlternateTooSlow,
			"alternate site Ausweichbüro of Hamburg takes 1 d to activate > Bestellannahme needs 4 h",
			[]string{"Hamburg", "Ausweichbüro", "1440", "Bestellannahme", "240"}},
		{"role without deputy", func(hb *Handbook) { hb.Roles[2].Holders = []string{"c3"} }, CodeRoleNoDeputy,
			"the critical process Bestellannahme depends on the role Vertrieb, held only by Bernd Berg, without a deputy",
			[]string{"Bestellannahme", "Vertrieb", "Bernd Berg"}},
		{"plan too short for a slow service", func(hb *Handbook) {
			hb.Services[1].RTO = 8 * Hour
			hb.Processes[0].PlanDuration = 6 * Hour
		}, CodePlanTooShort, "the continuity plan of Bestellannahme lasts 6 h, but Webshop takes 8 h to recover",
			[]string{"Bestellannahme", "360", "480", "Webshop"}},
		{"process cycle", func(hb *Handbook) { hb.Processes[0].DependsOn = []string{"p2"} }, CodeProcessCycle,
			"processes depend on each other in a cycle, so none of them can resume first: Bestellannahme → Marketing → Bestellannahme",
			[]string{"Bestellannahme", "Marketing", "Bestellannahme"}},
		{"impact falls", func(hb *Handbook) { hb.Processes[1].Impact[ImpactCell{"legal", Month}] = 1 }, CodeImpactDecreases,
			"Marketing: the legal impact falls from 2 at 14 d to 1 at 30 d; damage does not shrink while the disruption lasts",
			[]string{"Marketing", "legal", "", "20160", "2", "43200", "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hb := biaHandbook()
			tt.change(&hb)
			i := slices.IndexFunc(hb.Check(now), func(f Finding) bool { return f.Code == tt.code })
			if i < 0 {
				t.Fatalf("no %s finding", tt.code)
			}
			f := hb.Check(now)[i]
			if f.Message != tt.message || !slices.Equal(f.Args, tt.args) {
				t.Errorf("finding = %q %q\nwant %q %q", f.Message, f.Args, tt.message, tt.args)
			}
		})
	}
}

func TestAnalyseChains(t *testing.T) {
	hb := biaHandbook()
	hb.Services[0].RTO = 6 * Hour
	a := hb.Analyse()
	if len(a.Processes) != 2 || a.Processes[0].Process.Name != "Bestellannahme" || a.Processes[1].Process.Name != "Marketing" {
		t.Fatalf("processes not by criticality: %v", a.Processes)
	}
	v := a.Processes[0]
	if v.Worst.Name != "Datenbank" || v.Achieved() != 6*Hour || v.Worst.Via() != "Webshop" {
		t.Errorf("worst chain = %s %s via %q", v.Worst.Name, v.Worst.Time, v.Worst.Via())
	}
	var names []string
	for _, r := range v.Reached {
		names = append(names, r.Name)
	}
	if !slices.Equal(names, []string{"Hoster", "Webshop", "Datenbank"}) {
		t.Errorf("reached = %q", names)
	}
	m := a.Processes[1]
	if m.Worst.Name != "Datenbank" || m.Worst.Via() != "Bestellannahme → Webshop" {
		t.Errorf("Marketing's worst chain = %s via %q", m.Worst.Name, m.Worst.Via())
	}
	if !slices.Equal(v.NeededBy, []string{"p2"}) {
		t.Errorf("Bestellannahme needed by %q", v.NeededBy)
	}
	// Equal recovery times: the service at the end of the chain, not the
	// supplier beside it.
	tie := biaHandbook()
	tie.Services[0].RTO, tie.Services[1].RTO, tie.Suppliers[0].SLARestoration = 2*Hour, 2*Hour, 2*Hour
	if w := tie.Analyse().Processes[0].Worst; w.Name != "Datenbank" || w.Via() != "Webshop" {
		t.Errorf("of equal links, the worst is %s via %q; want Datenbank via Webshop", w.Name, w.Via())
	}
	need := a.Need()
	if need["s1"] != SeverityHigh.Rank() || need["s2"] != SeverityHigh.Rank() {
		t.Errorf("need = %v", need)
	}
}

func TestRestoreOrderWeighsBusinessNeed(t *testing.T) {
	// Both ready at once; Mail has the shorter RTO, but only Lager serves
	// a critical process. Datenbank, which Lager needs, still comes first.
	services := []Service{
		{Record: Record{ID: "mail"}, Name: "Mail", RTO: Hour},
		{Record: Record{ID: "lager"}, Name: "Lager", RTO: 4 * Hour, DependsOn: []string{"db"}},
		{Record: Record{ID: "db"}, Name: "Datenbank", RTO: 8 * Hour},
		{Record: Record{ID: "wiki"}, Name: "Wiki", RTO: 2 * Hour},
	}
	order := func(ss []Service) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return out
	}
	plain, _ := RestoreOrderNeed(services, nil)
	if got := order(plain); !slices.Equal(got, []string{"Mail", "Wiki", "Datenbank", "Lager"}) {
		t.Errorf("without processes = %q", got)
	}
	hb := Handbook{Services: services, Processes: []BusinessProcess{
		{Record: Record{ID: "p1"}, Name: "Versand", Impact: Impact{{"financial", Day}: 4}, Services: []string{"lager"}},
		{Record: Record{ID: "p2"}, Name: "Marketing", Impact: Impact{{"financial", Month}: 4}, Services: []string{"wiki"}},
	}}
	weighted, _ := hb.RestoreOrder()
	if got := order(weighted); !slices.Equal(got, []string{"Datenbank", "Lager", "Wiki", "Mail"}) {
		t.Errorf("weighted by business need = %q", got)
	}
	// A service no process needs counts with its own criticality: the
	// crisis team's own tools are not pushed to the end.
	hb.Services[0].Criticality = SeverityCritical
	weighted, _ = hb.RestoreOrder()
	if got := order(weighted); !slices.Equal(got, []string{"Mail", "Datenbank", "Lager", "Wiki"}) {
		t.Errorf("a critical service no process needs = %q", got)
	}
}

// TestEveryEntityRoundTrips: every kind of record has an empty value, is
// added to a handbook, walked by EachItem and kept by Live, so that no
// kind is lost by a backup, a restore or an export.
func TestEveryEntityRoundTrips(t *testing.T) {
	var hb Handbook
	for i, e := range Entities {
		it, err := NewItem(e)
		if err != nil {
			t.Fatal(err)
		}
		if it.Entity() != e {
			t.Errorf("NewItem(%s) is a %s", e, it.Entity())
		}
		it.Meta().ID = fmt.Sprintf("id-%02d", i)
		hb.Add(it)
	}
	var seen []Entity
	live := hb.Live()
	live.EachItem(func(it Item) { seen = append(seen, it.Entity()) })
	if !slices.Equal(seen, Entities) {
		t.Errorf("EachItem(Live(Add(…))) = %q, want %q", seen, Entities)
	}
	data, err := json.Marshal(hb)
	if err != nil {
		t.Fatal(err)
	}
	var back Handbook
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	n := 0
	back.EachItem(func(Item) { n++ })
	if n != len(Entities) {
		t.Errorf("%d records after a JSON round trip, want %d", n, len(Entities))
	}
	if _, err := NewItem("nothing"); err == nil {
		t.Error("NewItem of an unknown kind succeeded")
	}
}

func TestParseDuration(t *testing.T) {
	good := map[string]Minutes{
		"": 0, "0": 0, "30 min": 30, "4 h": 4 * Hour, "4 Std.": 4 * Hour, "4h": 4 * Hour, "1 Tag": Day, "3 Tage": 3 * Day,
		"3 days": 3 * Day, "1 Woche": Week, "2 weeks": 2 * Week, "1 Monat": Month, "1 month": Month, "1,5 h": 90,
		"1.5 d": 36 * Hour, "1 d 12 h": 36 * Hour, "1 Tag, 12 Std.": 36 * Hour, "-2 h": -2 * Hour, "  8 H ": 8 * Hour,
		"7 d": Week, "2 Wochen": 2 * Week,
	}
	for in, want := range good {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"4", "vier Stunden", "4 x", "h", "1..5 h", "99999999 d", "1 Jahr", "--1 h"} {
		if got, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) = %d, want an error", bad, got)
		}
	}
	for _, m := range []Minutes{30, 4 * Hour, Day, 36 * Hour, Week, Month, 90} {
		if got, err := ParseDuration(m.String()); err != nil || got != m {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d", m.String(), got, err, m)
		}
	}
}

func TestSettingsIsZero(t *testing.T) {
	if !(Settings{}).IsZero() {
		t.Error("empty settings are not zero")
	}
	for name, s := range map[string]Settings{
		"address": {Address: "Speicherstraße 12"}, "time points": {TimePoints: []Minutes{60}},
		"factor": {RTOFactor: 0.25}, "categories": {ImpactCategories: []ImpactCategory{{Key: "a"}}},
	} {
		if s.IsZero() {
			t.Errorf("settings with %s are zero", name)
		}
	}
}

// TestBIAConfigLeavesInvalidSettingsOut: settings that Validate refuses
// (from a restored backup or a merge) never drive the analysis.
func TestBIAConfigLeavesInvalidSettingsOut(t *testing.T) {
	c := Settings{ImpactThreshold: 7, RTOFactor: 5, TimePoints: []Minutes{-60, 4 * Hour, 4 * Hour, 11 * 365 * Day, Hour},
		ImpactCategories: []ImpactCategory{{Key: "Finanzen!"}, {Key: "umwelt"}, {Key: "umwelt", Name: "doppelt"}}}.BIA()
	if c.Threshold != Rating(DefaultImpactThreshold) || c.RTOFactor != DefaultRTOFactor {
		t.Errorf("threshold %d, factor %v; want the defaults", c.Threshold, c.RTOFactor)
	}
	if !slices.Equal(c.TimePoints, []Minutes{Hour, 4 * Hour}) {
		t.Errorf("time points %v, want 1 h and 4 h", c.TimePoints)
	}
	if !slices.Equal(c.Categories, []ImpactCategory{{Key: "umwelt"}}) {
		t.Errorf("categories %v, want umwelt once", c.Categories)
	}
	all := Settings{TimePoints: []Minutes{-1}, ImpactCategories: []ImpactCategory{{Key: "?"}}}.BIA()
	if !slices.Equal(all.TimePoints, DefaultTimePoints) || len(all.Categories) != len(DefaultImpactCategories) {
		t.Errorf("nothing valid left: %v, %v; want the defaults", all.TimePoints, all.Categories)
	}
}

// TestReferencesTo: deleting a service, a supplier or a contact names every
// record that still refers to it, with the field.
func TestReferencesTo(t *testing.T) {
	tests := []struct {
		id   string
		want []string
	}{
		{"s2", []string{"business_process:Bestellannahme:services", "risk:Verschlüsselung:affected_services"}},
		{"s1", []string{"service:Webshop:depends_on", "supplier:Hoster:services"}},
		{"u1", []string{"business_process:Bestellannahme:suppliers"}},
		{"l2", []string{"site:Hamburg:alternate"}},
		{"p1", []string{"business_process:Marketing:depends_on", "risk:Verschlüsselung:playbook_id"}}, // a playbook p1 as well
		{"nobody", nil},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			hb := biaHandbook()
			hb.EachItem(func(it Item) {
				if it.Meta().ID == tt.id {
					it.Meta().Deleted = true
				}
			})
			var got []string
			for _, f := range hb.ReferencesTo(tt.id) {
				got = append(got, string(f.Entity)+":"+f.Name+":"+f.Args[1])
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("ReferencesTo(%s) = %q, want %q", tt.id, got, tt.want)
			}
		})
	}
}
