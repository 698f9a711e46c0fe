package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// exchangeFormats are the export formats besides the JSON backup.
var exchangeFormats = []string{"csv", "vcf", "md"}

// importOptions are the flags import adds for address books and folders.
type importOptions struct {
	dryRun      bool
	mirror      bool
	skipInvalid bool
	duplicates  string
}

func importFlags(fs *flag.FlagSet) *importOptions {
	o := &importOptions{}
	fs.BoolVar(&o.dryRun, "dry-run", false, "show what would be created, updated and skipped; write nothing")
	fs.BoolVar(&o.mirror, "mirror", false, "JSON backup: make the handbook the backup, deleting the records it lacks or marks deleted")
	fs.BoolVar(&o.skipInvalid, "skip-invalid", false, "import the readable rows even if others cannot be read (default: import nothing)")
	fs.StringVar(&o.duplicates, "duplicates", "skip", "what to do with contacts that look like existing ones (same email or phone): `skip`, update or create")
	return o
}

// exportExchange writes the contacts as CSV or vCard, or the whole
// handbook as a Markdown folder.
func exportExchange(ctx context.Context, env *Env, g *globals, format, out, vcardVersion, separator string) error {
	if format == "md" && out == "-" {
		return env.usage("a Markdown folder needs a folder name, not -")
	}
	if vcardVersion != string(exchange.VCard3) && vcardVersion != string(exchange.VCard4) {
		return env.usage("--vcard-version must be 3.0 or 4.0, not {{.Version}}", vars{"Version": quote(vcardVersion)})
	}
	if len([]rune(separator)) != 1 || !strings.ContainsRune(",;\t", []rune(separator)[0]) {
		return env.usage("separator must be , or ; or a tab")
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(env, out, st.Path()); err != nil {
		return err
	}
	if format == "md" {
		hb, err := st.Load(ctx)
		if err != nil {
			return err
		}
		if err := exchange.WriteFolder(ctx, out, hb); err != nil {
			return err
		}
		fmt.Fprintln(env.Stderr, env.T("wrote folder {{.Path}}", vars{"Path": out}))
		return nil
	}
	var buf bytes.Buffer
	n, err := env.ops(st).ExportContacts(ctx, &buf, ops.ExportContacts{Format: exchange.Format(format),
		CSV: exchange.CSVOptions{Comma: []rune(separator)[0], BOM: out != "-"}, VCard: exchange.VCardVersion(vcardVersion)})
	if err != nil {
		return err
	}
	return writeOut(env, out, buf.Bytes(), env.T("{{.N}} contacts", vars{"N": n}))
}

// writeOut writes data to a file (atomically) or, for "-", to stdout.
func writeOut(env *Env, out string, data []byte, what string) error {
	if out == "-" {
		_, err := env.rawOut.Write(data)
		return err
	}
	if err := writeFileAtomic(env, out, data); err != nil {
		return err
	}
	fmt.Fprintln(env.Stderr, env.T("wrote {{.Path}}: {{.What}}", vars{"Path": out, "What": what}))
	return nil
}

// importExchange imports address books (vCard, CSV) and folders, and does
// the dry run of a JSON backup. It reports handled=false for a JSON backup
// to import for real, which runImport does itself.
func importExchange(ctx context.Context, env *Env, g *globals, path string, opt *importOptions) (bool, error) {
	switch opt.duplicates {
	case "skip", "update", "create":
	default:
		return true, env.usage("--duplicates must be skip, update or create, not {{.Value}}", vars{"Value": quote(opt.duplicates)})
	}
	fi, err := os.Stat(path)
	if err != nil {
		return true, err
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		return true, errors.New(env.T("{{.File}} is not a regular file (a device or a pipe); nothing was imported", vars{"File": path}))
	}
	var head []byte
	if !fi.IsDir() {
		f, err := os.Open(path)
		if err != nil {
			return true, err
		}
		head = make([]byte, 512)
		n, _ := io.ReadFull(f, head)
		head = head[:n]
		f.Close()
	}
	format, err := exchange.Detect(path, fi.IsDir(), head)
	if err != nil {
		return true, err
	}
	switch format {
	case exchange.FormatJSON:
		return false, nil
	case exchange.FormatFolder:
		return true, importFolder(ctx, env, g, path, opt)
	}
	return true, importContacts(ctx, env, g, path, opt)
}

func importContacts(ctx context.Context, env *Env, g *globals, path string, opt *importOptions) error {
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	o := env.ops(st)
	p, err := o.ReadContacts(ctx, path, env.progress())
	if err != nil {
		return env.wrap(err, "{{.Err}}; nothing was imported", nil)
	}
	decisions := p.Decisions()
	for i, r := range p.Rows {
		if d := exchange.Decision(opt.duplicates); r.Action == exchange.ActionDuplicate && slices.Contains(r.Allowed, d) {
			decisions[i] = d
		}
	}
	printPreview(env, p, decisions)
	if opt.dryRun {
		fmt.Fprintln(env.Stdout, env.T("dry run: nothing was written"))
		return nil
	}
	n, err := o.ImportContacts(ctx, p, exchange.Choice{Decisions: decisions, SkipProblems: opt.skipInvalid}, env.progress())
	if oe, ok := ops.AsError(err); ok && oe.Code == ops.CodeUnreadableRows {
		return errors.New(env.T("{{.File}}: {{.N}} rows cannot be imported (see above); nothing was imported — fix them, or pass --skip-invalid to import the rest", vars{"File": path, "N": ops.Unreadable(p)}))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, env.T("imported {{.File}}: {{.N}} contacts changed", vars{"File": path, "N": n}))
	return nil
}

// printPreview lists what an import would do: a summary line, every row
// that is not unchanged, and the problems. The actions and decisions stay
// the words --duplicates takes.
func printPreview(env *Env, p exchange.Preview, decisions []exchange.Decision) {
	w := env.Stdout
	c := p.Counts()
	fmt.Fprintln(w, env.T("{{.File}} ({{.Layout}}): {{.Rows}} contacts: {{.New}} new, {{.Updated}} updated, {{.Unchanged}} unchanged, {{.Duplicates}} duplicates, {{.Invalid}} invalid; {{.Problems}} problems",
		vars{"File": p.File, "Layout": p.Layout, "Rows": len(p.Rows), "New": c[exchange.ActionCreate], "Updated": c[exchange.ActionUpdate],
			"Unchanged": c[exchange.ActionUnchanged], "Duplicates": c[exchange.ActionDuplicate], "Invalid": c[exchange.ActionInvalid], "Problems": len(p.Problems)}))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	header := false
	for i, r := range p.Rows {
		if r.Action == exchange.ActionUnchanged && len(r.Warnings) == 0 {
			continue
		}
		if !header {
			fmt.Fprintln(tw, env.T("line\taction\tdecision\tname\tdetails"))
			header = true
		}
		var details []string
		switch r.Action {
		case exchange.ActionUpdate:
			details = append(details, env.T("changes {{.Fields}}", vars{"Fields": strings.Join(r.Changes, ", ")}))
		case exchange.ActionDuplicate:
			if r.Match != nil {
				details = append(details, env.T("{{.Reason}} as {{.Name}}", vars{"Reason": reasonText(env, r.Reason), "Name": quote(r.Match.Name)}))
			} else {
				details = append(details, env.T("{{.Reason}} as line {{.Line}} of the file", vars{"Reason": reasonText(env, r.Reason), "Line": p.Rows[r.MatchRow].Line}))
			}
		case exchange.ActionInvalid:
			details = append(details, r.Invalid)
		}
		details = append(details, r.Warnings...)
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Line, r.Action, decisions[i], oneLine(r.Incoming.Name), strings.Join(details, "; "))
	}
	tw.Flush()
	for _, pr := range p.Problems {
		fmt.Fprintln(w, env.T("problem: {{.Problem}}", vars{"Problem": pr}))
	}
}

// reasonText translates the start of a duplicate's reason ("same email
// a@b.de"); the rest is the matching value.
func reasonText(env *Env, reason string) string {
	if env.english() {
		return reason
	}
	for _, t := range []struct{ prefix, key string }{
		{"same ID", "same ID"}, {"same email", "same email"}, {"same phone", "same phone number"},
	} {
		if rest, ok := strings.CutPrefix(reason, t.prefix); ok {
			return env.T(t.key) + rest
		}
	}
	return reason
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

func importFolder(ctx context.Context, env *Env, g *globals, dir string, opt *importOptions) error {
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	o := env.ops(st)
	hb, err := o.ReadFolder(ctx, dir, env.progress())
	if err != nil {
		return env.wrap(err, "{{.Err}}; nothing was imported", nil)
	}
	if opt.dryRun {
		if err := store.CheckImport(hb); err != nil {
			return env.wrap(err, "{{.File}}: {{.Err}}; nothing was imported", vars{"File": dir})
		}
		return dryRunStore(ctx, env, st, dir, hb)
	}
	n, err := o.ImportHandbook(ctx, hb, env.progress())
	if err != nil {
		return env.wrap(err, "{{.File}}: {{.Err}}; nothing was imported", vars{"File": dir})
	}
	fmt.Fprintln(env.Stdout, env.T("imported {{.File}}: {{.N}} records changed", vars{"File": dir, "N": n}))
	return nil
}

// dryRunStore prints, per kind of record, what importing hb would do.
func dryRunStore(ctx context.Context, env *Env, st *store.Store, path string, hb handbook.Handbook) error {
	existing, err := st.Load(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s:\n", path)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("records\tnew\tchanged\tunchanged"))
	for _, d := range exchange.Diff(existing, hb) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", d.Entity, d.New, d.Changed, d.Unchanged)
	}
	tw.Flush()
	fmt.Fprintln(env.Stdout, env.T("dry run: nothing was written"))
	return nil
}

// runVerifyList writes the stale contacts as a CSV in Ernstfall's layout:
// a team lead checks each one, corrects it, enters the date in
// last_verified_at and sends the file back for "ernstfall import".
func runVerifyList(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("verify-list", flag.ContinueOnError)
	out := fs.String("o", "", "output `FILE`.csv (- for standard output)")
	days := fs.Int("stale-days", handbook.DefaultStaleAfterDays, "contacts not verified for this many `days` are stale")
	team := fs.String("team", "", "list only the contacts of this `TEAM`")
	separator := fs.String("separator", ",", "field separator: , or ;")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return env.usage("missing {{.What}}", vars{"What": "-o FILE.csv"})
	}
	if *separator != "," && *separator != ";" {
		return env.usage("separator must be , or ;")
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(env, *out, st.Path()); err != nil {
		return err
	}
	var buf bytes.Buffer
	n, err := env.ops(st).ExportContacts(ctx, &buf, ops.ExportContacts{Format: exchange.FormatCSV,
		CSV: exchange.CSVOptions{Comma: rune((*separator)[0]), BOM: *out != "-"}, StaleDays: *days, Team: *team})
	if err != nil {
		return err
	}
	return writeOut(env, *out, buf.Bytes(), env.T("{{.N}} contacts to verify", vars{"N": n}))
}

// runCallTree prints who calls whom at each escalation level.
func runCallTree(ctx context.Context, env *Env, g *globals, args []string) error {
	if len(args) > 0 {
		return env.unexpected(args[0])
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	tree := handbook.CallTree(hb, env.Now())
	if len(tree) == 0 {
		return errors.New(env.T("the handbook has no escalation levels; add them before printing a call tree"))
	}
	for i, l := range tree {
		if i > 0 {
			fmt.Fprintln(env.Stdout)
		}
		fmt.Fprintln(env.Stdout, env.T("{{.Level}} (within {{.Within}})", vars{"Level": handbook.LevelTitle(env.T("Level"), l.Level, l.Name), "Within": l.Within.String()}))
		indent := "  "
		if l.Caller.RoleID != "" {
			fmt.Fprintf(env.Stdout, "  %s\n", describeRole(env, l.Caller))
			indent = "    → "
		}
		for _, c := range l.Calls {
			fmt.Fprintf(env.Stdout, "%s%s\n", indent, describeRole(env, c))
		}
	}
	return nil
}

// describeRole renders "Role: Primary (phone); if unreachable: Deputy (phone), …".
func describeRole(env *Env, r handbook.CallRole) string {
	name := r.Role
	if name == "" {
		name = env.T("unknown role {{.ID}}", vars{"ID": r.RoleID})
	}
	person := func(p handbook.CallPerson) string {
		name := p.Name
		if p.OnDuty {
			name = env.T("{{.Name}} [on call]", vars{"Name": p.Name})
		}
		if len(p.Numbers) == 0 {
			return env.T("{{.Name}} (no phone)", vars{"Name": name})
		}
		return name + " (" + p.Numbers[0].Number + ")"
	}
	var b strings.Builder
	b.WriteString(name + ": ")
	switch len(r.People) {
	case 0:
		b.WriteString(env.T("NOBODY ASSIGNED"))
	default:
		b.WriteString(person(r.People[0]))
		if len(r.People) > 1 {
			var deps []string
			for _, p := range r.People[1:] {
				deps = append(deps, person(p))
			}
			b.WriteString(env.T("; if unreachable: {{.Deputies}}", vars{"Deputies": strings.Join(deps, env.T(", then "))}))
		}
	}
	if len(r.Missing) > 0 && r.Role != "" {
		b.WriteString(" " + env.T("[unknown holders: {{.IDs}}]", vars{"IDs": strings.Join(r.Missing, ", ")}))
	}
	return b.String()
}
