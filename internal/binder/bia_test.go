package binder

import (
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/markdown"
)

// pageWith is the text of the first page that holds every want.
func (e extracted) pageWith(want ...string) string {
	for _, p := range e.pages {
		if !slices.ContainsFunc(want, func(w string) bool { return !strings.Contains(squeeze(p), squeeze(w)) }) {
			return p
		}
	}
	return ""
}

// TestBinderBIA prints the demo and finds in the PDF every process, site
// and supplier by name, each continuity plan's steps as boxes to tick,
// each emergency kit item, every supplier's numbers and hotline, and the
// two deliberate gaps.
func TestBinderBIA(t *testing.T) {
	hb := demo(t)
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			e, _ := render(t, hb, Options{Lang: lang, PrintedAt: printed})
			flat := squeeze(e.raw)
			has := func(what, s string) {
				t.Helper()
				if !strings.Contains(flat, squeeze(s)) {
					t.Errorf("%s: %q missing", what, s)
				}
			}
			titles := map[string]string{"de": "Business-Impact-Analyse", "en": "Business impact analysis"}
			for _, key := range []string{SectionContinuity, SectionSites, SectionSuppliers, SectionBIA} {
				if !slices.ContainsFunc(e.outline, func(o outlineEntry) bool {
					return o.Title == map[string]biaTexts{"de": biaDE, "en": biaEN}[lang].sectionTitle(key)
				}) {
					t.Errorf("outline lacks section %s", key)
				}
			}
			for _, p := range hb.Processes {
				has("process", p.Name)
				for _, s := range markdown.Steps(p.ContinuityPlan) {
					has("continuity plan of "+p.Name, s.Text)
				}
			}
			for _, s := range hb.Sites {
				has("site", s.Name)
				has("site address", strings.Split(s.Address, "\n")[1])
				for _, item := range markdown.Steps(s.Kit) {
					has("emergency kit item", item.Text)
				}
			}
			for _, s := range hb.Suppliers {
				has("supplier", s.Name)
				has("contract number", s.ContractNumber)
				has("customer number", s.CustomerNumber)
				for _, id := range s.Hotline {
					for _, c := range hb.Contacts {
						if c.ID == id {
							for _, ph := range c.Phones() {
								has("hotline of "+s.Name, ph)
							}
						}
					}
				}
			}
			bia := e.pageWith(titles[lang], "Versand", "Zahlungsabwicklung")
			if bia == "" {
				t.Fatal("no BIA overview page")
			}
			wantGap := map[string][]string{
				"de": {"1 Tag (Lücke)", "8 Std. (Lücke)", "Buchhaltung/ERP RTO 1 Tag > Versand braucht 4 Std."},
				"en": {"1 day (gap)", "8 h (gap)", "Buchhaltung/ERP RTO 1 day > Versand needs 4 h"},
			}[lang]
			for _, w := range wantGap {
				has("BIA gap", w)
			}
			// The continuity plan prints with boxes to tick and a column
			// for initials and time, like a playbook.
			plan := e.pageWith(map[string]string{"de": "Geschäftsfortführungspläne – Versand", "en": "Business continuity plans – Versand"}[lang])
			if plan == "" || !strings.Contains(plan, map[string]string{"de": "Kürzel", "en": "Initials"}[lang]) {
				t.Errorf("continuity plan of Versand: no page with tick boxes:\n%s", plan)
			}
		})
	}
	t.Run("only the BIA sections", func(t *testing.T) {
		e, res := render(t, hb, Options{Sections: []string{SectionSites, SectionSuppliers}, PrintedAt: printed})
		if res.Pages > 6 || !strings.Contains(e.all(), "Notfallkoffer") || strings.Contains(e.all(), "Geschäftsfortführungspläne") {
			t.Errorf("%d pages; sites and suppliers only expected", res.Pages)
		}
	})
	t.Run("a critical process without plan gets a page to write one", func(t *testing.T) {
		hb := demo(t)
		for i := range hb.Processes {
			if hb.Processes[i].Name == "Versand" {
				hb.Processes[i].ContinuityPlan = ""
			}
		}
		e, _ := render(t, hb, Options{Sections: []string{SectionContinuity}, PrintedAt: printed})
		if e.pageWith("Versand", "Kein Geschäftsfortführungsplan hinterlegt") == "" {
			t.Errorf("no blank plan page for Versand")
		}
	})
	t.Run("empty handbook", func(t *testing.T) {
		e, _ := render(t, handbook.Handbook{}, Options{Sections: []string{SectionContinuity, SectionSites, SectionSuppliers, SectionBIA}, PrintedAt: printed})
		if n := strings.Count(e.all(), "keine"); n < 4 {
			t.Errorf("empty sections say none %d times", n)
		}
	})
}

// sectionTitle is the title of a BIA section in these texts.
func (bt biaTexts) sectionTitle(key string) string {
	return map[string]string{SectionContinuity: bt.continuity, SectionSites: bt.sites, SectionSuppliers: bt.suppliers, SectionBIA: bt.bia}[key]
}
