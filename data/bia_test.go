package data

import (
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
)

// TestDemoBIA checks the business impact analysis of the demo: the eight
// processes of Nordlicht Commerce fully assessed, two sites and an
// alternate site with an emergency kit, the suppliers a crisis team calls,
// and exactly the two gaps left in on purpose.
func TestDemoBIA(t *testing.T) {
	hb := load(t)
	a := hb.Analyse()
	t.Run("processes", func(t *testing.T) {
		var names []string
		for _, v := range a.Processes {
			names = append(names, v.Process.Name)
			if v.Rated != v.Cells || v.Cells != 30 {
				t.Errorf("%s: %d of %d cells rated", v.Process.Name, v.Rated, v.Cells)
			}
			if v.Process.AssessedAt.IsZero() || v.Process.AssessedBy == "" || v.Process.ImpactNote == "" {
				t.Errorf("%s: assessment not dated, signed and explained", v.Process.Name)
			}
			if v.Process.RPO <= 0 || v.Process.MinStaff <= 0 || v.Process.Description == "" {
				t.Errorf("%s: RPO %s, staff %d, description %q", v.Process.Name, v.Process.RPO, v.Process.MinStaff, v.Process.Description)
			}
			if v.Critical() && !strings.Contains(v.Process.ContinuityPlan, "- [ ] ") {
				t.Errorf("critical %s has no continuity plan checklist", v.Process.Name)
			}
		}
		for _, want := range []string{"Bestellannahme", "Zahlungsabwicklung", "Versand", "Kundenservice", "Buchhaltung", "Lohnabrechnung", "Einkauf", "Marketing"} {
			if !slices.Contains(names, want) {
				t.Errorf("no process %s (have %q)", want, names)
			}
		}
		crit := map[handbook.Severity]int{}
		for _, v := range a.Processes {
			crit[v.Criticality]++
		}
		if crit[handbook.SeverityHigh] < 2 || crit[handbook.SeverityMedium] < 1 || crit[handbook.SeverityLow] < 2 {
			t.Errorf("criticalities %v: the demo should show every class but critical", crit)
		}
	})
	t.Run("sites", func(t *testing.T) {
		alternates, kits := 0, 0
		for _, s := range hb.Sites {
			if s.Alternate != "" {
				alternates++
			}
			if strings.Count(s.Kit, "- [ ] ") >= 5 && !s.KitCheckedAt.IsZero() && s.KitLocation != "" {
				kits++
			}
			if s.Address == "" || s.Access == "" {
				t.Errorf("site %s: address %q, access %q", s.Name, s.Address, s.Access)
			}
		}
		if len(hb.Sites) != 3 || alternates != 2 || kits != 1 {
			t.Errorf("%d sites, %d with an alternate, %d kits; want 2 sites with 1 alternate holding a kit", len(hb.Sites), alternates, kits)
		}
	})
	t.Run("suppliers", func(t *testing.T) {
		if len(hb.Suppliers) < 6 {
			t.Errorf("%d suppliers, want at least 6", len(hb.Suppliers))
		}
		for _, s := range hb.Suppliers {
			if s.ContractNumber == "" || s.CustomerNumber == "" || len(s.Hotline) == 0 || s.SLAResponse <= 0 {
				t.Errorf("supplier %s lacks contract, customer number, hotline or response time", s.Name)
			}
		}
	})
	t.Run("exactly one RTO gap and one supplier SLA gap", func(t *testing.T) {
		var bia []string
		for _, f := range hb.Check(today) {
			switch f.Code {
			case handbook.CodeProcessRTOGap, handbook.CodeSupplierSLAGap, handbook.CodeSupplierSLAProcessGap,
				handbook.CodeProcessNoServiceRTO, handbook.CodeProcessSlowerDependency, handbook.CodeSupplierNoSLA,
				handbook.CodeNotAssessed, handbook.CodeAssessmentIncomplete, handbook.CodeAssessmentUndated, handbook.CodeAssessmentOutdated,
				handbook.CodeImpactDecreases, handbook.CodeNoContinuityPlan, handbook.CodePlanNoDuration, handbook.CodePlanTooShort,
				handbook.CodePlanCapacity, handbook.CodeNoAlternateSite, handbook.CodeAlternateTooSlow, handbook.CodeAlternateNoActivation,
				handbook.CodeKitNeverChecked, handbook.CodeKitOverdue, handbook.CodeRoleNoDeputy, handbook.CodeProcessCycle:
				bia = append(bia, f.Message)
			case handbook.CodeInvalid, handbook.CodeUnknownReference, handbook.CodeReviewOverdue:
				if f.Entity == handbook.EntityProcess || f.Entity == handbook.EntitySite || f.Entity == handbook.EntitySupplier {
					bia = append(bia, f.Message)
				}
			}
		}
		want := []string{
			"Buchhaltung/ERP RTO 1 d > Versand needs 4 h (via Lager/Versand): the service cannot be back in time for the process",
			"supplier PayFlux Payments GmbH restores within 8 h > Zahlungsabwicklung RTO 4 h",
		}
		slices.Sort(bia)
		if !slices.Equal(bia, want) {
			t.Errorf("BIA findings:\n%q\nwant\n%q", bia, want)
		}
	})
}
