package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
	"ernstfall/internal/textdiff"
)

// docArgs reads the KIND and ID|TITLE of a document command.
func docArgs(env *Env, pos []string) (string, string, error) {
	switch {
	case len(pos) == 0:
		return "", "", env.usage("KIND is missing (playbook, service, template or matrix)")
	case len(pos) == 1 && docKindIs(pos[0], handbook.EntityMatrix):
		return pos[0], handbook.MatrixID, nil
	case len(pos) == 1:
		return "", "", env.usage("ID or TITLE of the document is missing")
	case len(pos) > 2:
		return "", "", env.unexpected(pos[2])
	}
	return pos[0], pos[1], nil
}

func docKindIs(kind string, e handbook.Entity) bool {
	switch strings.ToLower(kind) {
	case "matrix", "escalation", "escalation_matrix", "roles":
		return e == handbook.EntityMatrix
	}
	return false
}

// docTitle names a document in the messages' language.
func docTitle(env *Env, hb *handbook.Handbook, d handbook.DocRef) string {
	if d.Kind == handbook.EntityMatrix {
		return env.T(handbook.MatrixTitle)
	}
	return handbook.DocumentTitle(hb, d, "")
}

// date writes a day in the messages' language.
func (env *Env) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(env.T("2006-01-02"))
}

func runRelease(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	as := fs.String("as", "", "`NAME` of the person releasing it, a holder of an approver role (default: your name)")
	major := fs.Bool("major", false, "release the next major version (2.1 → 3.0) instead of the next minor one (2.1 → 2.2)")
	note := fs.String("note", "", "what the release changes (`TEXT`): the binder's change log lists it")
	passFile := fs.String("passphrase-file", "", "read the passphrase of the approver's key from the first line of `FILE` (default: the environment variable "+passphraseEnv+")")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	kind, key, err := docArgs(env, pos)
	if err != nil {
		return err
	}
	if strings.TrimSpace(*note) == "" {
		return env.usage("--note is missing: say what the release changes")
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	o := env.ops(st)
	doc, err := o.FindDocument(ctx, kind, key)
	if err != nil {
		return err
	}
	name := *as
	if name == "" {
		name = env.who(g, "").Name
	}
	pass, err := passphrase(env, *passFile)
	if err != nil {
		return err
	}
	r, err := o.Release(ctx, ops.ReleaseDoc{Doc: doc, As: name, Major: *major, Note: *note, Passphrase: pass})
	if err != nil {
		return err
	}
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, env.T("{{.Title}}: version {{.Version}} released by {{.Approver}} ({{.Role}}) on {{.Date}}.",
		vars{"Title": docTitle(env, &hb, doc), "Version": r.Version(), "Approver": r.Approver, "Role": r.ApproverRole, "Date": env.date(r.ReleasedAt)}))
	live := hb.Live()
	outdated := 0
	for _, c := range handbook.CopyStatuses(&live, handbook.InForce(&live)) {
		if c.Outdated {
			outdated++
		}
	}
	if outdated > 0 {
		fmt.Fprintln(env.Stdout, env.T("{{.N}} printed copies are outdated now; 'ernstfall copies' lists them.", vars{"N": outdated}))
	}
	return nil
}

// reviewResult reads a review result in English or German.
func reviewResult(s string) (handbook.ReviewResult, bool) {
	switch handbook.Fold(strings.TrimSpace(s)) {
	case "unchanged", "unverandert", "unveraendert":
		return handbook.ReviewUnchanged, true
	case "changed", "geandert", "geaendert":
		return handbook.ReviewChanged, true
	case "replaced", "ersetzt":
		return handbook.ReviewReplaced, true
	}
	return "", false
}

func runReview(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	result := fs.String("result", "unchanged", "what the review found: `unchanged`, changed or replaced")
	by := fs.String("by", "", "`NAME` of the reviewer (default: your name)")
	date := fs.String("date", "", "when it was reviewed (`TIME`; default: now)")
	note := fs.String("note", "", "a `NOTE` on the review")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	kind, key, err := docArgs(env, pos)
	if err != nil {
		return err
	}
	res, ok := reviewResult(*result)
	if !ok {
		return env.usage("--result must be unchanged, changed or replaced, not {{.Value}}", vars{"Value": quote(*result)})
	}
	at, err := env.moment("--date", *date)
	if err != nil {
		return err
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	o := env.ops(st)
	var doc handbook.DocRef
	if strings.EqualFold(kind, "risk") {
		e, id, err := findRecord(ctx, env, st, handbook.EntityRisk, key)
		if err != nil {
			return err
		}
		doc = handbook.DocRef{Kind: e, ID: id}
	} else if doc, err = o.FindDocument(ctx, kind, key); err != nil {
		return err
	}
	r, err := o.RecordReview(ctx, ops.RecordReview{Doc: doc, Reviewer: env.who(g, *by).Name, At: at, Result: res, Note: *note})
	if err != nil {
		return err
	}
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	next := time.Time{}
	if sts, err := o.DocStates(ctx, &hb); err == nil {
		for _, s := range sts {
			if s.Doc == doc {
				next = s.NextReview
			}
		}
	}
	title := r.Title
	if doc.Kind == handbook.EntityMatrix {
		title = env.T(title)
	}
	fmt.Fprintln(env.Stdout, env.T("{{.Title}}: review by {{.Reviewer}} on {{.Date}} recorded ({{.Result}}).",
		vars{"Title": title, "Reviewer": r.Reviewer, "Date": env.date(r.ReviewedAt), "Result": env.T(resultKey(r.Result))}))
	if !next.IsZero() {
		fmt.Fprintln(env.Stdout, env.T("Next review due on {{.Date}}.", vars{"Date": env.date(next)}))
	}
	return nil
}

// resultKey is the catalog key of a review result.
func resultKey(r handbook.ReviewResult) string {
	switch r {
	case handbook.ReviewChanged:
		return "changed"
	case handbook.ReviewReplaced:
		return "replaced"
	}
	return "unchanged"
}

// docHistory prints a document's revisions, its releases and its reviews.
func docHistory(ctx context.Context, env *Env, st *store.Store, o *ops.Ops, doc handbook.DocRef, asJSON bool) error {
	revs, err := st.Revisions(ctx, doc)
	if err != nil {
		return err
	}
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	names, err := o.DeviceNames(ctx)
	if err != nil {
		return err
	}
	state := docState(ctx, o, &hb, doc)
	marks := releaseMarks(revs, state.Releases.All)
	if asJSON {
		return printRevisionsJSON(env, doc, revs, marks, state, names)
	}
	title := docTitle(env, &hb, doc)
	fmt.Fprintf(env.Stdout, "%s — %s\n", title, statusLine(env, state))
	if len(revs) == 0 {
		fmt.Fprintln(env.Stdout, env.T("no revisions"))
	} else {
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, env.T("rev.\ttime\tby\tchanged\trelease"))
		for _, r := range revs {
			who := laptopName(env, r.Device, r.Local, names)
			if r.Author != "" {
				who = r.Author + " · " + who
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.N, r.At.Local().Format(env.T("2006-01-02 15:04")), who,
				changedText(env, r), marks[r.N])
		}
		tw.Flush()
	}
	if len(state.Releases.All) > 0 {
		fmt.Fprintf(env.Stdout, "\n%s\n", env.T("Releases:"))
		for _, r := range state.Releases.All {
			fmt.Fprintf(env.Stdout, "  %s  %s\n", releaseText(env, r), r.Note)
		}
	}
	if len(state.Reviews) > 0 {
		fmt.Fprintf(env.Stdout, "\n%s\n", env.T("Reviews:"))
		for _, r := range state.Reviews {
			fmt.Fprintf(env.Stdout, "  %s  %s  %s  %s\n", env.date(r.ReviewedAt), r.Reviewer, env.T(resultKey(r.Result)), r.Note)
		}
	}
	if !state.NextReview.IsZero() {
		fmt.Fprintf(env.Stdout, "%s\n", env.T("Next review due on {{.Date}}.", vars{"Date": env.date(state.NextReview)}))
	}
	return nil
}

// docState is the state of one document, or its zero value.
func docState(ctx context.Context, o *ops.Ops, hb *handbook.Handbook, doc handbook.DocRef) ops.DocState {
	sts, err := o.DocStates(ctx, hb)
	if err != nil {
		return ops.DocState{}
	}
	for _, s := range sts {
		if s.Doc == doc {
			return s
		}
	}
	return ops.DocState{}
}

// releaseText is "Version 2.1 · released by … on …".
func releaseText(env *Env, r handbook.Release) string {
	return env.T("Version {{.Version}} · released by {{.Approver}} on {{.Date}}",
		vars{"Version": r.Version(), "Approver": r.Approver, "Date": env.date(r.ReleasedAt)})
}

// statusLine says whether a document is released or a draft.
func statusLine(env *Env, s ops.DocState) string {
	in := s.Releases.InForce
	var out string
	switch {
	case in == nil:
		out = env.T("draft, never released")
	case s.Draft:
		out = env.T("draft; {{.Release}} applies and is what the binder prints", vars{"Release": releaseText(env, *in)})
	default:
		out = releaseText(env, *in)
	}
	if len(s.Releases.Concurrent) > 0 {
		out += "; " + env.T("released at the same time on another laptop as version {{.Version}} by {{.Approver}}: release it again to settle which applies",
			vars{"Version": s.Releases.Concurrent[0].Version(), "Approver": s.Releases.Concurrent[0].Approver})
	}
	return out
}

// releaseMarks names, per revision number, the releases of what it says.
func releaseMarks(revs []store.Revision, releases []handbook.Release) map[int]string {
	out := map[int]string{}
	for _, rel := range releases {
		n := 0
		for _, r := range revs {
			if r.Hash == rel.Hash && (n == 0 || !r.At.After(rel.ReleasedAt)) {
				n = r.N
			}
		}
		if n > 0 {
			if out[n] != "" {
				out[n] += ", "
			}
			out[n] += "v" + rel.Version()
		}
	}
	return out
}

// changedText lists the fields a revision changed.
func changedText(env *Env, r store.Revision) string {
	switch {
	case r.Created:
		return env.T("(created)")
	case r.Deleted:
		return env.T("(deleted)")
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range r.Changed {
		name := fieldName(env, f.Field)
		if f.Entity == handbook.EntityRole || f.Entity == handbook.EntityEscalation {
			name = f.Label + ": " + name
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	s := textdiff.Shorten(strings.Join(out, ", "), 60)
	if r.Lost {
		s += " *"
	}
	return s
}

// fieldName is a field's name for people.
func fieldName(env *Env, field string) string {
	if k, ok := i18n.FieldKey(field); ok {
		return env.T(k)
	}
	return field
}

type revisionJSON struct {
	N       int      `json:"n"`
	At      string   `json:"at"`
	Device  string   `json:"device"`
	Laptop  string   `json:"laptop,omitempty"`
	Author  string   `json:"author,omitempty"`
	Edit    int64    `json:"edit"`
	Created bool     `json:"created,omitempty"`
	Deleted bool     `json:"deleted,omitempty"`
	Fields  []string `json:"fields"`
	Release string   `json:"release,omitempty"`
	Hash    string   `json:"hash"`
}

func printRevisionsJSON(env *Env, doc handbook.DocRef, revs []store.Revision, marks map[int]string, st ops.DocState, names map[string]string) error {
	out := struct {
		Kind      string         `json:"kind"`
		ID        string         `json:"id"`
		Draft     bool           `json:"draft"`
		InForce   string         `json:"in_force,omitempty"`
		Revisions []revisionJSON `json:"revisions"`
	}{Kind: string(doc.Kind), ID: doc.ID, Draft: st.Draft, Revisions: []revisionJSON{}}
	if st.Releases.InForce != nil {
		out.InForce = st.Releases.InForce.Version()
	}
	for _, r := range revs {
		j := revisionJSON{N: r.N, At: r.At.Format("2006-01-02T15:04:05.000Z"), Device: r.Device, Laptop: names[r.Device],
			Author: r.Author, Edit: int64(r.Edit.HLC), Created: r.Created, Deleted: r.Deleted, Release: marks[r.N], Hash: r.Hash, Fields: []string{}}
		for _, f := range r.Changed {
			j.Fields = append(j.Fields, string(f.Entity)+"/"+f.ID+"/"+f.Field)
		}
		out.Revisions = append(out.Revisions, j)
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func runDiff(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	from := fs.String("from", "", "the older version: a revision `REV` (3), a release (v2.1), released or current; default: the revision before --to")
	to := fs.String("to", "current", "the newer version: a revision `REV`, a release (v2.1), released or current")
	full := fs.Bool("full", false, "show long texts whole, not only the lines around the changes")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	kind, key, err := docArgs(env, pos)
	if err != nil {
		return err
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	o := env.ops(st)
	doc, err := o.FindDocument(ctx, kind, key)
	if err != nil {
		return err
	}
	revs, err := st.Revisions(ctx, doc)
	if err != nil {
		return err
	}
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	state := docState(ctx, o, &hb, doc)
	b, bName, err := resolveVersion(ctx, env, st, doc, revs, state, *to)
	if err != nil {
		return err
	}
	var a handbook.DocContent
	var aName string
	if *from == "" {
		n := len(revs)
		if bn, err := strconv.Atoi(strings.TrimSpace(*to)); err == nil {
			n = bn
		}
		if a, aName, err = resolveVersion(ctx, env, st, doc, revs, state, strconv.Itoa(max(n-1, 0))); err != nil {
			return err
		}
	} else if a, aName, err = resolveVersion(ctx, env, st, doc, revs, state, *from); err != nil {
		return err
	}
	labels, err := st.Labels(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: %s → %s\n", docTitle(env, &hb, doc), aName, bName)
	diffs := handbook.CompareContent(a, b)
	if len(diffs) == 0 {
		fmt.Fprintln(env.Stdout, env.T("no differences"))
		return nil
	}
	printDiffs(env, env.Stdout, doc, diffs, labels, *full)
	return nil
}

// resolveVersion finds the content a version argument names.
func resolveVersion(ctx context.Context, env *Env, st *store.Store, doc handbook.DocRef, revs []store.Revision, state ops.DocState, arg string) (handbook.DocContent, string, error) {
	arg = strings.TrimSpace(arg)
	switch strings.ToLower(arg) {
	case "current", "now", "aktuell":
		c, err := st.Document(ctx, doc)
		return c, env.T("current"), err
	case "released", "freigegeben":
		if state.Releases.InForce == nil {
			return handbook.DocContent{}, "", errors.New(env.T("the document was never released"))
		}
		in := state.Releases.InForce
		return in.Content, "v" + in.Version(), nil
	}
	if major, minor, ok := handbook.ParseVersion(arg); ok && strings.Contains(arg, ".") {
		for _, r := range state.Releases.All {
			if r.Major == major && r.Minor == minor {
				return r.Content, "v" + r.Version(), nil
			}
		}
		return handbook.DocContent{}, "", errors.New(env.T("no release {{.Version}} of this document", vars{"Version": quote(arg)}))
	}
	n, err := strconv.Atoi(strings.TrimPrefix(strings.ToLower(arg), "r"))
	if err != nil || n < 0 || n > len(revs) {
		return handbook.DocContent{}, "", env.usage("{{.Value}} names no version: give a revision from 0 to {{.N}}, a release (v1.0), released or current",
			vars{"Value": quote(arg), "N": len(revs)})
	}
	c, err := st.DocumentAt(ctx, doc, n)
	return c, env.T("revision {{.N}}", vars{"N": n}), err
}

// contextLines is how many unchanged lines a diff shows around a change.
const contextLines = 2

// printDiffs writes what changed, record by record and field by field:
// texts word by word, [-deleted-] and {+inserted+}; other values old → new.
func printDiffs(env *Env, w io.Writer, doc handbook.DocRef, diffs []handbook.RecordDiff, labels map[string]string, full bool) {
	tr := env.translator()
	for _, d := range diffs {
		head := ""
		if doc.Kind == handbook.EntityMatrix {
			head = fmt.Sprintf("%s %s", env.T(kindKey(d.Entity)), quote(d.Label))
		}
		switch {
		case d.Added:
			head = strings.TrimSpace(head + " " + env.T("(added)"))
		case d.Removed:
			head = strings.TrimSpace(head + " " + env.T("(removed)"))
		}
		if head != "" {
			fmt.Fprintf(w, "\n== %s\n", head)
		}
		for _, f := range d.Fields {
			name := fieldName(env, f.Field)
			if f.Words == nil {
				fmt.Fprintf(w, "%s: %s → %s\n", name, i18n.ValueText(f.Old, labels, 0, tr), i18n.ValueText(f.New, labels, 0, tr))
				continue
			}
			marked := textdiff.Marked(f.Words)
			if !strings.Contains(marked, "\n") {
				fmt.Fprintf(w, "%s: %s\n", name, marked)
				continue
			}
			fmt.Fprintf(w, "%s:\n", name)
			for _, line := range hunkLines(f.Words, full) {
				fmt.Fprintf(w, "  %s\n", line)
			}
		}
	}
}

// kindKey is the catalog key of a kind of matrix record.
func kindKey(e handbook.Entity) string {
	if e == handbook.EntityEscalation {
		return "Escalation level"
	}
	return "Role"
}

// hunkLines writes a text's word diff line by line, keeping only the
// lines with a change and contextLines around them (all lines when full);
// "…" stands for lines left out.
func hunkLines(parts []textdiff.Part, full bool) []string {
	ctx := contextLines
	if full {
		ctx = -1
	}
	var out []string
	for _, l := range textdiff.Lines(parts, ctx) {
		if l.Gap {
			out = append(out, "…")
			continue
		}
		var b strings.Builder
		for _, p := range l.Parts {
			b.WriteString(mark(p.Op, p.Text))
		}
		out = append(out, b.String())
	}
	return out
}

func mark(op textdiff.Op, s string) string {
	switch op {
	case textdiff.Delete:
		return "[-" + s + "-]"
	case textdiff.Insert:
		return "{+" + s + "+}"
	}
	return s
}
