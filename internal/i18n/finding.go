package i18n

import (
	"strings"
	"time"

	"ernstfall/internal/handbook"
)

// Translator renders a catalog key with template data: a Catalog's T, or
// the GUI toolkit's lookup.
type Translator func(key string, data map[string]any) string

// SeverityKeys are the catalog keys of the severities.
var SeverityKeys = map[handbook.Severity]string{
	handbook.SeverityLow: "low", handbook.SeverityMedium: "medium",
	handbook.SeverityHigh: "high", handbook.SeverityCritical: "critical",
}

// FindingKeys are the catalog keys of the finding codes that have a
// translation; the others show the finding's English Message.
var FindingKeys = map[string]string{
	handbook.CodeCycle:                    "Services depend on each other in a cycle: {{.Path}}",
	handbook.CodeRTOShorterThanDependency: "{{.Service}} (RTO {{.RTO}}) depends on {{.Dep}} with RTO {{.DepRTO}}",
	handbook.CodeUnknownDependency:        "{{.Service}} depends on a deleted service",
	handbook.CodeMissingOwner:             "{{.Service}} has no owner",
	handbook.CodeMissingFallback:          "{{.Service}} ({{.Level}}) has no manual fallback",
	handbook.CodeStaleContact:             "Contact {{.Name}} was last verified on {{.Date}}, more than {{.Days}} days ago",
	handbook.CodeNeverVerified:            "Contact {{.Name}} has never been verified",
	handbook.CodeReviewOverdue:            "{{.Title}}: review due since {{.Date}}",
	handbook.CodeActionOverdue:            "Action {{.Title}} was due on {{.Date}} and is not done",
	handbook.CodeUnknownReference:         "{{.Name}}: field {{.Field}} refers to a record that does not exist ({{.ID}})",
	handbook.CodeUnknownRole:              "Playbook {{.Title}}, line {{.Line}}: no role is named @{{.Role}}",
	handbook.CodeUnknownPlaceholder:       "Template {{.Title}}: no message can fill {{.List}}",
	handbook.CodeNoExercise:               "No exercise in the last {{.Months}} months (the last on {{.Date}})",
	handbook.CodeNoAlarmTest:              "No alarm test in the last {{.Months}} months (the last on {{.Date}})",
	handbook.CodeNeverExercised:           "{{.Title}} is critical and was never exercised",
	handbook.CodeExerciseOverdue:          "{{.Title}} was last exercised on {{.Date}}, more than {{.Months}} months ago",
	handbook.CodeExerciseNotEvaluated:     "Exercise {{.Title}} was planned for {{.Date}} and has not been evaluated",
	handbook.CodeContactCorrection:        "Contact {{.Name}}: {{.Correction}}",
}

// Keys of the exercise findings when no exercise was held at all.
const (
	neverExerciseKey  = "No exercise in the last {{.Months}} months, and none before"
	neverAlarmTestKey = "No alarm test in the last {{.Months}} months, and none before"
)

// neverReviewedKey is the review finding of a document never reviewed.
const neverReviewedKey = "{{.Title}}: never reviewed"

// FindingText is f in the language of tr; f.Message when its code has no
// key in FindingKeys.
func FindingText(f handbook.Finding, tr Translator) string {
	if f.Code == handbook.CodeInvalid && f.Problem != nil && f.Problem.Key != "" {
		return tr(invalidKey, map[string]any{"Name": f.Name, "Field": f.Problem.Field, "Problem": FieldErrorText(*f.Problem, tr)})
	}
	key, ok := FindingKeys[f.Code]
	if !ok {
		return f.Message
	}
	if data, ok := biaFindingData(f, &key, tr); ok {
		return withVia(f, tr(key, data), tr)
	}
	a := func(i int) string {
		if i < len(f.Args) {
			return f.Args[i]
		}
		return ""
	}
	var data map[string]any
	switch f.Code {
	case handbook.CodeCycle:
		data = map[string]any{"Path": strings.Join(f.Args, " → ")}
	case handbook.CodeRTOShorterThanDependency:
		data = map[string]any{"Service": a(0), "RTO": a(1), "Dep": a(2), "DepRTO": a(3)}
	case handbook.CodeUnknownDependency, handbook.CodeMissingOwner:
		data = map[string]any{"Service": a(0)}
	case handbook.CodeMissingFallback:
		level := ""
		if k, ok := SeverityKeys[handbook.Severity(a(1))]; ok {
			level = tr(k, nil)
		}
		data = map[string]any{"Service": a(0), "Level": level}
	case handbook.CodeStaleContact:
		data = map[string]any{"Name": a(0), "Date": localDate(a(1), tr), "Days": a(2)}
	case handbook.CodeNeverVerified:
		data = map[string]any{"Name": a(0)}
	case handbook.CodeReviewOverdue:
		if a(1) == "" {
			key = neverReviewedKey
		}
		title := a(0)
		if f.Entity == handbook.EntityMatrix {
			title = tr(handbook.MatrixTitle, nil)
		}
		data = map[string]any{"Title": title, "Date": localDate(a(1), tr)}
	case handbook.CodeActionOverdue:
		data = map[string]any{"Title": a(0), "Date": localDate(a(1), tr)}
	case handbook.CodeUnknownReference:
		data = map[string]any{"Name": a(0), "Field": a(1), "ID": a(2)}
	case handbook.CodeUnknownRole:
		data = map[string]any{"Title": a(0), "Role": a(1), "Line": a(2)}
	case handbook.CodeUnknownPlaceholder:
		data = map[string]any{"Title": a(0), "List": a(1)}
	case handbook.CodeNoExercise, handbook.CodeNoAlarmTest:
		if a(0) == "" {
			key = map[string]string{handbook.CodeNoExercise: neverExerciseKey, handbook.CodeNoAlarmTest: neverAlarmTestKey}[f.Code]
		}
		data = map[string]any{"Date": localDate(a(0), tr), "Months": a(1)}
	case handbook.CodeNeverExercised:
		data = map[string]any{"Title": a(0)}
	case handbook.CodeExerciseOverdue:
		data = map[string]any{"Title": a(0), "Date": localDate(a(1), tr), "Months": a(2)}
	case handbook.CodeExerciseNotEvaluated:
		data = map[string]any{"Title": a(0), "Date": localDate(a(1), tr)}
	case handbook.CodeContactCorrection:
		data = map[string]any{"Name": a(0), "Correction": a(1)}
	}
	return tr(key, data)
}

// localDate writes a date from a finding (2006-01-02) the way the catalog's
// language does; the catalog translates the layout itself.
func localDate(iso string, tr Translator) string {
	d, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return d.Format(tr("2006-01-02", nil))
}

// Finding is f in the catalog's language.
func (c *Catalog) Finding(f handbook.Finding) string {
	return FindingText(f, func(key string, data map[string]any) string { return c.T(key, data) })
}
