package ops

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"ernstfall/internal/i18n"
)

// Error is an operation refused for a reason a person can act on: input
// to correct, or a state of the handbook (the incident was closed
// meanwhile). It is its own kind of error, apart from the failures of
// disks and databases: front ends show its words, not a technical detail.
type Error struct {
	Code Code
	// Args fill the Code's {{.Fields}}: names, numbers, times.
	Args map[string]any
	// Err is the underlying cause, if any.
	Err error
}

// Code names why an operation was refused. Its value is the English
// sentence, with {{.Fields}} from Error.Args, and the key of the
// translation catalogs; each front end words it in its language (Text).
type Code string

// The reasons operations refuse a request.
const (
	CodeNoTitle           Code = "Give the incident a title, or choose a playbook."
	CodeAwareInFuture     Code = "The awareness time lies in the future. Enter when you actually learned of the incident."
	CodeTimeInFuture      Code = "This time lies in the future."
	CodeUnknownPlaybook   Code = "There is no playbook {{.Name}}."
	CodeAmbiguousPlaybook Code = "{{.N}} playbooks are called {{.Name}}; choose one by its ID."
	CodeUnknownSeverity   Code = "{{.Value}} is not a severity (low, medium, high, critical)."
	CodeUnknownLevel      Code = "The escalation matrix has no level {{.Level}}."
	CodeUnknownRole       Code = "There is no role {{.Name}}."
	CodeUnknownClock      Code = "{{.Name}} is not a reporting duty Ernstfall knows."
	CodeUnknownIncident   Code = "There is no incident {{.ID}}."
	CodeAmbiguousIncident Code = "{{.ID}} matches {{.N}} incidents; give more of the ID."
	CodeIncidentClosed    Code = "The incident {{.Title}} was closed at {{.Time}} already."
	CodeEmptyEntry        Code = "Write what happened before adding it to the log."
	CodeNoActionTitle     Code = "Every action needs a title."
	CodeNoFolder          Code = "No shared folder is known yet. Name it, or synchronise with it once."
	CodeUnreadableRows    Code = "{{.N}} rows or parts of {{.File}} cannot be imported, so nothing was imported."
	// Restores.
	CodeRestoreTarget       Code = "Choose either a time or a backup to restore."
	CodeNoBackup            Code = "There is no file {{.File}}."
	CodeBadBackup           Code = "{{.File}} is not a usable backup: it is cut off, damaged or not an Ernstfall database. Nothing was changed; choose another backup."
	CodeOtherHandbookBackup Code = "{{.File}} is a backup of another handbook. Nothing was changed."
	CodeNewerBackup         Code = "{{.File}} was written by a newer Ernstfall. Update Ernstfall to restore it. Nothing was changed."
	CodeJSONBackup          Code = "{{.File}} is an exported JSON file, not one of the automatic backups. Bring it back with the import (ernstfall import). Nothing was changed."
	CodeReportsOpen         Code = "Reports are still open: {{.Reports}}. Send them, declare them not needed, or decide to close anyway."
	CodeRegimeApplies       Code = "{{.Name}} applies to this incident already."
	CodeNotOwed             Code = "This incident owes no report {{.Name}}."
	CodeReportDone          Code = "The report {{.Name}} was sent or declared not needed already."
	CodeNoReason            Code = "Say why the report is not needed: the reason goes into the log."
	CodeNoChange            Code = "Nothing changed: enter a new impact or a new time for the next update."
	// Exercises and drills.
	CodeAmbiguousName       Code = "{{.N}} records are called {{.Name}}; choose one by its ID."
	CodeUnknownService      Code = "There is no service {{.Name}}."
	CodeUnknownContact      Code = "There is no contact {{.Name}}."
	CodeUnknownProcess      Code = "There is no business process {{.Name}}."
	CodeUnknownSite         Code = "There is no site {{.Name}}."
	CodeNoExerciseTitle     Code = "Give the exercise a title, or choose a playbook to drill."
	CodeNoExerciseDate      Code = "Give the date the exercise is planned for."
	CodeUnknownExerciseKind Code = "{{.Value}} is not a kind of exercise (alarm_test, walkthrough, tabletop, functional_test, full_exercise)."
	CodeUnknownExercise     Code = "There is no exercise {{.ID}}."
	CodeAmbiguousExercise   Code = "{{.ID}} matches {{.N}} exercises; give more of the ID."
	CodeNoDrill             Code = "The exercise {{.Title}} has not been started yet."
	CodeExerciseRunning     Code = "The exercise {{.Title}} is running already, as drill {{.ID}}."
	CodeExerciseEvaluated   Code = "The exercise {{.Title}} was evaluated at {{.Time}} already."
	CodeNotADrill           Code = "{{.Title}} is a real incident, not a drill."
	CodeCloseDrill          Code = "{{.Title}} is an exercise's drill: close it with the exercise's evaluation."
	CodeUnknownInject       Code = "The drill has no inject {{.Key}}."
	CodeNegativeMinutes     Code = "Minutes cannot be negative."
	CodeReachedWrongNumber  Code = "A call cannot both reach the person and find the number wrong."
	CodeNoOneToCall         Code = "Everyone in the role {{.Role}} has been called already; name the person called."
	CodeEmptyFinding        Code = "Every finding needs a text."
	CodeActionNoOwner       Code = "The action {{.Title}} needs an owner."
	CodeActionNoDue         Code = "The action {{.Title}} needs a due date."
	CodeUnknownObjective    Code = "There is no objective {{.N}}; the exercise has {{.Count}}."
)

// keys are catalog keys among an Error's Args: Text shows each in the
// reader's language, joined by commas.
type keys []string

// fail refuses a request: kv are the Args as name, value pairs.
func fail(code Code, kv ...any) *Error {
	e := &Error{Code: code, Args: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Args[kv[i].(string)] = kv[i+1]
	}
	return e
}

// Text words the error through tr, a translation catalog's lookup. Times
// among the Args are written in local time the way the catalog writes
// "2006-01-02 15:04".
func (e *Error) Text(tr i18n.Translator) string {
	args := maps.Clone(e.Args)
	for k, v := range args {
		switch v := v.(type) {
		case time.Time:
			args[k] = v.Local().Format(tr("2006-01-02 15:04", nil))
		case keys:
			words := make([]string, len(v))
			for i, key := range v {
				words[i] = tr(key, nil)
			}
			args[k] = strings.Join(words, ", ")
		}
	}
	return tr(string(e.Code), args)
}

// Error is the English text, followed by the cause.
func (e *Error) Error() string {
	var c *i18n.Catalog // nil: the English keys themselves
	msg := e.Text(func(key string, data map[string]any) string { return c.T(key, data) })
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", msg, e.Err)
	}
	return msg
}

// Unwrap is the cause.
func (e *Error) Unwrap() error { return e.Err }

// AsError finds the *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
