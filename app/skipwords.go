package app

import (
	"regexp"
	"slices"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// Reasons a sync round gives for a file it passed over, in the words the
// round writes them (English, for the command line and the sync log),
// with their values.
var (
	skipUnsigned = regexp.MustCompile(`^(\d+) batches written by an Ernstfall without signatures are ignored; that laptop sends its changes again once it is updated and admitted$`)
	skipReplayed = regexp.MustCompile(`^signed by this laptop as its (\S+) (\d+), not as this file \(moved or replayed\); ignored$`)
	skipChanges  = regexp.MustCompile(`^(\d+) changes ignored; the first: (.*)$`)
	skipRenamed  = regexp.MustCompile(`^the folder of laptop (.+) under another name \(renamed, or kept twice by a file-sync tool\); nothing in it is read: rename it back to (\S+), or, if that folder exists, move the batch files it lacks into it$`)
	skipFormat   = regexp.MustCompile(`^was (.+); put back as the team's founder signed it$`)
)

// Reasons without values, each its own translation key.
var fixedSkips = []string{
	"a symbolic link; not followed",
	"not a device folder; ignored",
	"not a device ID; ignored",
	"not a batch file name; ignored",
	"not a regular file; ignored",
	"not a snapshot file name; ignored",
	"changed while it was read; retried next sync",
	"from an unknown laptop (not a member of the team); ignored, and applied only if a member admits it",
	"in this laptop's folder but not signed by it (forged); ignored",
}

// What a round found of the folder's FORMAT file before it put it back.
var formatStates = []string{
	"missing (deleted, or not brought yet by the file-sync tool)",
	"damaged",
	"one of an older Ernstfall (put back from an old backup)",
}

// skipReason puts why a sync round passed over a file into the user's
// language. Reasons that quote a system error keep the error as the
// system wrote it; a reason not known here shows as the round wrote it.
func skipReason(r string) string {
	if slices.Contains(fixedSkips, r) {
		return lang.L(r)
	}
	if err, ok := strings.CutPrefix(r, "cannot list: "); ok {
		return lang.L("cannot list: {{.Err}}", map[string]any{"Err": err})
	}
	if what, ok := strings.CutPrefix(r, "change ignored: "); ok {
		return lang.L("change ignored: {{.Reason}}", map[string]any{"Reason": what})
	}
	if m := skipUnsigned.FindStringSubmatch(r); m != nil {
		return lang.L("{{.N}} batches written by an Ernstfall without signatures are ignored; that laptop sends its changes again once it is updated and admitted", map[string]any{"N": m[1]})
	}
	if m := skipReplayed.FindStringSubmatch(r); m != nil {
		return lang.L("signed by this laptop as its {{.Kind}} {{.Seq}}, not as this file (moved or replayed); ignored", map[string]any{"Kind": m[1], "Seq": m[2]})
	}
	if m := skipRenamed.FindStringSubmatch(r); m != nil {
		return lang.L("the folder of laptop {{.Name}} under another name (renamed, or kept twice by a file-sync tool); nothing in it is read: rename it back to {{.ID}}, or, if that folder exists, move the batch files it lacks into it", map[string]any{"Name": m[1], "ID": m[2]})
	}
	if m := skipFormat.FindStringSubmatch(r); m != nil {
		what := m[1]
		if slices.Contains(formatStates, what) {
			what = lang.L(what)
		}
		return lang.L("was {{.What}}; put back as the team's founder signed it", map[string]any{"What": what})
	}
	if m := skipChanges.FindStringSubmatch(r); m != nil {
		return lang.L("{{.N}} changes ignored; the first: {{.Reason}}", map[string]any{"N": m[1], "Reason": m[2]})
	}
	return r
}
