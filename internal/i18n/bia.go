package i18n

import (
	"strconv"
	"strings"

	"ernstfall/internal/handbook"
)

// CategoryKeys are the catalog keys of the built-in impact categories.
var CategoryKeys = map[string]string{
	handbook.CategoryFinancial:  "Financial",
	handbook.CategoryCustomers:  "Customers and contracts",
	handbook.CategoryLegal:      "Legal and regulatory",
	handbook.CategoryReputation: "Reputation",
	handbook.CategorySafety:     "Safety of people",
}

// RatingKeys are the catalog keys of the ratings, with their number.
var RatingKeys = map[handbook.Rating]string{
	handbook.RatingLow:         "1 – low",
	handbook.RatingMedium:      "2 – medium",
	handbook.RatingHigh:        "3 – high",
	handbook.RatingExistential: "4 – existential",
}

// CategoryName is the name of an impact category: its own, or the
// language's for a built-in one, or else its key.
func CategoryName(c handbook.ImpactCategory, tr Translator) string {
	if c.Name != "" {
		return c.Name
	}
	if k, ok := CategoryKeys[c.Key]; ok {
		return tr(k, nil)
	}
	return c.Key
}

// Span writes a duration of the BIA the way its language reads it:
// "4 h", "1 day", "3 days", "1 week", "1 month" ("4 Std.", "1 Tag", …);
// other durations as Minutes writes them.
func Span(m handbook.Minutes, tr Translator) string {
	n := func(unit handbook.Minutes) map[string]any { return map[string]any{"N": int(m / unit)} }
	switch {
	case m <= 0:
		return m.String()
	case m%handbook.Month == 0:
		if m == handbook.Month {
			return tr("1 month", nil)
		}
		return tr("{{.N}} months", n(handbook.Month))
	case m%handbook.Week == 0:
		if m == handbook.Week {
			return tr("1 week", nil)
		}
		return tr("{{.N}} weeks", n(handbook.Week))
	case m%handbook.Day == 0:
		if m == handbook.Day {
			return tr("1 day", nil)
		}
		return tr("{{.N}} days", n(handbook.Day))
	case m < handbook.Day && m%handbook.Hour == 0:
		return tr("{{.N}} h", n(handbook.Hour))
	}
	return m.String()
}

// spanArg writes a finding's duration argument (whole minutes) with Span.
func spanArg(s string, tr Translator) string {
	m, err := strconv.Atoi(s)
	if err != nil {
		return s
	}
	return Span(handbook.Minutes(m), tr)
}

// FieldErrorText is a validation problem in the language of tr: its
// translation key with its values, or the English message when it has no
// key.
func FieldErrorText(fe handbook.FieldError, tr Translator) string {
	if fe.Key == "" {
		return tr(fe.Message, nil)
	}
	data := make(map[string]any, len(fe.Data))
	for k, v := range fe.Data {
		data[k] = v
	}
	return tr(fe.Key, data)
}

// biaFindingKeys are the catalog keys of the BIA's findings.
var biaFindingKeys = map[string]string{
	handbook.CodeProcessRTOGap:           "{{.Service}} RTO {{.RTO}} > {{.Process}} needs {{.Need}}",
	handbook.CodeProcessNoServiceRTO:     "{{.Process}} needs {{.Service}}, which has no RTO agreed",
	handbook.CodeProcessSlowerDependency: "{{.Process}} needs {{.Need}} but depends on {{.Other}}, whose required RTO is {{.OtherRTO}}",
	handbook.CodeSupplierSLAGap:          "Supplier {{.Supplier}} restores within {{.SLA}} > {{.Service}} RTO {{.RTO}}",
	handbook.CodeSupplierSLAProcessGap:   "Supplier {{.Supplier}} restores within {{.SLA}} > {{.Process}} needs {{.Need}}",
	handbook.CodeSupplierNoSLA:           "Supplier {{.Supplier}} has no restoration time agreed; the critical process {{.Process}} depends on it",
	handbook.CodeSupplierNoHotline:       "Supplier {{.Supplier}} names no hotline contact with a phone number; the critical process {{.Process}} depends on it",
	handbook.CodeNotAssessed:             "Process {{.Process}} has no impact assessment",
	handbook.CodeAssessmentIncomplete:    "The impact assessment of {{.Process}} rates {{.Rated}} of {{.Cells}} cells",
	handbook.CodeAssessmentUndated:       "The impact assessment of {{.Process}} has no date",
	handbook.CodeAssessmentOutdated:      "The impact assessment of {{.Process}} dates from {{.Date}}, more than {{.Days}} days ago",
	handbook.CodeImpactDecreases:         "{{.Process}}: the impact on {{.Category}} falls from {{.From}} at {{.At}} to {{.To}} at {{.Later}}",
	handbook.CodeNoContinuityPlan:        "The critical process {{.Process}} (MTPD {{.MTPD}}) has no continuity plan",
	handbook.CodePlanNoDuration:          "The continuity plan of {{.Process}} does not say how long it can be kept up",
	handbook.CodePlanTooShort:            "The continuity plan of {{.Process}} lasts {{.Duration}}, but recovery is due only after {{.Bridge}}",
	handbook.CodePlanCapacity:            "The continuity plan of {{.Process}} reaches {{.Capacity}} %, but emergency operation needs {{.Needed}} %",
	handbook.CodeNoAlternateSite:         "Site {{.Site}} has no alternate site; the critical process {{.Process}} (RTO {{.RTO}}) works there",
	handbook.CodeAlternateTooSlow:        "Alternate site {{.Alternate}} of {{.Site}} takes {{.Activation}} to activate > {{.Process}} needs {{.RTO}}",
	handbook.CodeAlternateNoActivation:   "Site {{.Site}}: no activation time stated for the alternate site {{.Alternate}}, which {{.Process}} needs",
	handbook.CodeKitNeverChecked:         "The emergency kit at {{.Site}} has never been checked",
	handbook.CodeKitOverdue:              "The emergency kit at {{.Site}} was last checked on {{.Date}}, more than {{.Days}} days ago",
	handbook.CodeRoleNoDeputy:            "The critical process {{.Process}} depends on the role {{.Role}}, held only by {{.Holder}}, without a deputy",
	handbook.CodeProcessCycle:            "Processes depend on each other in a cycle: {{.Path}}",
}

// Keys of finding variants.
const (
	planSlowKey   = "The continuity plan of {{.Process}} lasts {{.Duration}}, but {{.What}} takes {{.Bridge}} to recover"
	roleNobodyKey = "The critical process {{.Process}} depends on the role {{.Role}}, which nobody holds"
	viaKey        = "{{.Text}} (via {{.Via}})"
)

func init() {
	for k, v := range biaFindingKeys {
		FindingKeys[k] = v
	}
}

// biaFindingData fills the template of a BIA finding; ok is false for
// other codes. It may replace the key with a variant.
func biaFindingData(f handbook.Finding, key *string, tr Translator) (map[string]any, bool) {
	a := func(i int) string {
		if i < len(f.Args) {
			return f.Args[i]
		}
		return ""
	}
	span := func(i int) string { return spanArg(a(i), tr) }
	switch f.Code {
	case handbook.CodeProcessRTOGap:
		return map[string]any{"Service": a(0), "RTO": span(1), "Process": a(2), "Need": span(3), "Via": a(4)}, true
	case handbook.CodeProcessNoServiceRTO:
		return map[string]any{"Service": a(0), "Process": a(1), "Via": a(2)}, true
	case handbook.CodeProcessSlowerDependency:
		return map[string]any{"Process": a(0), "Need": span(1), "Other": a(2), "OtherRTO": span(3)}, true
	case handbook.CodeSupplierSLAGap:
		return map[string]any{"Supplier": a(0), "SLA": span(1), "Service": a(2), "RTO": span(3)}, true
	case handbook.CodeSupplierSLAProcessGap:
		return map[string]any{"Supplier": a(0), "SLA": span(1), "Process": a(2), "Need": span(3)}, true
	case handbook.CodeSupplierNoSLA, handbook.CodeSupplierNoHotline:
		return map[string]any{"Supplier": a(0), "Process": a(1)}, true
	case handbook.CodeNotAssessed, handbook.CodeAssessmentUndated, handbook.CodePlanNoDuration:
		return map[string]any{"Process": a(0)}, true
	case handbook.CodeAssessmentIncomplete:
		return map[string]any{"Process": a(0), "Rated": a(1), "Cells": a(2)}, true
	case handbook.CodeAssessmentOutdated:
		return map[string]any{"Process": a(0), "Date": localDate(a(1), tr), "Days": a(2)}, true
	case handbook.CodeImpactDecreases:
		cat := CategoryName(handbook.ImpactCategory{Key: a(1), Name: a(2)}, tr)
		return map[string]any{"Process": a(0), "Category": cat, "At": span(3), "From": a(4), "Later": span(5), "To": a(6)}, true
	case handbook.CodeNoContinuityPlan:
		return map[string]any{"Process": a(0), "MTPD": span(1)}, true
	case handbook.CodePlanTooShort:
		if a(3) != "" {
			*key = planSlowKey
		}
		return map[string]any{"Process": a(0), "Duration": span(1), "Bridge": span(2), "What": a(3)}, true
	case handbook.CodePlanCapacity:
		return map[string]any{"Process": a(0), "Capacity": a(1), "Needed": a(2)}, true
	case handbook.CodeNoAlternateSite:
		return map[string]any{"Site": a(0), "Process": a(1), "RTO": span(2)}, true
	case handbook.CodeAlternateTooSlow:
		return map[string]any{"Site": a(0), "Alternate": a(1), "Activation": span(2), "Process": a(3), "RTO": span(4)}, true
	case handbook.CodeAlternateNoActivation:
		return map[string]any{"Site": a(0), "Alternate": a(1), "Process": a(2)}, true
	case handbook.CodeKitNeverChecked:
		return map[string]any{"Site": a(0)}, true
	case handbook.CodeKitOverdue:
		return map[string]any{"Site": a(0), "Date": localDate(a(1), tr), "Days": a(2)}, true
	case handbook.CodeRoleNoDeputy:
		if a(2) == "" {
			*key = roleNobodyKey
		}
		return map[string]any{"Process": a(0), "Role": a(1), "Holder": a(2)}, true
	case handbook.CodeProcessCycle:
		return map[string]any{"Path": joinArrow(f.Args)}, true
	}
	return nil, false
}

// withVia adds "(via …)" to a translated finding whose path runs through
// other records.
func withVia(f handbook.Finding, text string, tr Translator) string {
	var v string
	switch f.Code {
	case handbook.CodeProcessRTOGap:
		if len(f.Args) > 4 {
			v = f.Args[4]
		}
	case handbook.CodeProcessNoServiceRTO:
		if len(f.Args) > 2 {
			v = f.Args[2]
		}
	}
	if v == "" {
		return text
	}
	return tr(viaKey, map[string]any{"Text": text, "Via": v})
}

func joinArrow(names []string) string { return strings.Join(names, " → ") }

// invalidKey words a validation problem found by the check.
const invalidKey = "{{.Name}}, field {{.Field}}: {{.Problem}}"

// Decimal writes a number with the decimal sign of tr's language ("0,5").
func Decimal(f float64, tr Translator) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", tr(decimalKey, nil), 1)
}

// decimalKey is the catalog key of the decimal sign.
const decimalKey = "decimal point"
