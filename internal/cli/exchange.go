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
	"ernstfall/internal/store"
)

// exchangeFormats are the export formats besides the JSON backup.
var exchangeFormats = []string{"csv", "vcf", "md"}

// importOptions are the flags import adds for address books and folders.
type importOptions struct {
	dryRun      bool
	skipInvalid bool
	duplicates  string
}

func importFlags(fs *flag.FlagSet) *importOptions {
	o := &importOptions{}
	fs.BoolVar(&o.dryRun, "dry-run", false, "show what would be created, updated and skipped; write nothing")
	fs.BoolVar(&o.skipInvalid, "skip-invalid", false, "import the readable rows even if others cannot be read (default: import nothing)")
	fs.StringVar(&o.duplicates, "duplicates", "skip", "what to do with contacts that look like existing ones (same email or phone): `skip`, update or create")
	return o
}

// exportExchange writes the contacts as CSV or vCard, or the whole
// handbook as a Markdown folder.
func exportExchange(ctx context.Context, env *Env, g *globals, format, out, vcardVersion, separator string) error {
	if format == "md" && out == "-" {
		return usagef("a Markdown folder needs a folder name, not -")
	}
	if vcardVersion != string(exchange.VCard3) && vcardVersion != string(exchange.VCard4) {
		return usagef("--vcard-version must be 3.0 or 4.0, not %q", vcardVersion)
	}
	if len([]rune(separator)) != 1 || !strings.ContainsRune(",;\t", []rune(separator)[0]) {
		return usagef("separator must be , or ; or a tab")
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(out, st.Path()); err != nil {
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
		fmt.Fprintf(env.Stderr, "wrote folder %s\n", out)
		return nil
	}
	contacts, err := store.List[handbook.Contact](ctx, st)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch format {
	case "csv":
		err = exchange.WriteCSV(&buf, contacts, exchange.CSVOptions{Comma: []rune(separator)[0], BOM: out != "-"})
	case "vcf":
		err = exchange.WriteVCard(&buf, contacts, exchange.VCardVersion(vcardVersion))
	}
	if err != nil {
		return err
	}
	return writeOut(env, out, buf.Bytes(), fmt.Sprintf("%d contacts", len(contacts)))
}

// writeOut writes data to a file (atomically) or, for "-", to stdout.
func writeOut(env *Env, out string, data []byte, what string) error {
	if out == "-" {
		_, err := env.Stdout.Write(data)
		return err
	}
	if err := writeFileAtomic(out, data); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "wrote %s: %s\n", out, what)
	return nil
}

// importExchange imports address books (vCard, CSV) and folders, and does
// the dry run of a JSON backup. It reports handled=false for a JSON backup
// to import for real, which runImport does itself.
func importExchange(ctx context.Context, env *Env, g *globals, path string, opt *importOptions) (bool, error) {
	switch opt.duplicates {
	case "skip", "update", "create":
	default:
		return true, usagef("--duplicates must be skip, update or create, not %q", opt.duplicates)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return true, err
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
		if !opt.dryRun {
			return false, nil
		}
		hb, err := readBackup(path)
		if err != nil {
			return true, err
		}
		return true, dryRunHandbook(ctx, env, g, path, hb)
	case exchange.FormatFolder:
		return true, importFolder(ctx, env, g, path, opt)
	}
	return true, importContacts(ctx, env, g, path, format, opt)
}

func importContacts(ctx context.Context, env *Env, g *globals, path string, format exchange.Format, opt *importOptions) error {
	data, err := exchange.ReadLimited(ctx, path)
	if err != nil {
		return err
	}
	var parsed exchange.Parsed
	if format == exchange.FormatVCard {
		parsed, err = exchange.ReadVCard(path, data)
	} else {
		parsed, err = exchange.ReadCSV(path, data)
	}
	if err != nil {
		return fmt.Errorf("%w; nothing was imported", err)
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	existing, err := store.List[handbook.Contact](ctx, st)
	if err != nil {
		return err
	}
	settings, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	p := exchange.NewPreview(existing, parsed, settings.DefaultCountry)
	decisions := p.Decisions()
	for i, r := range p.Rows {
		if d := exchange.Decision(opt.duplicates); r.Action == exchange.ActionDuplicate && slices.Contains(r.Allowed, d) {
			decisions[i] = d
		}
	}
	printPreview(env.Stdout, p, decisions)
	if opt.dryRun {
		fmt.Fprintln(env.Stdout, "dry run: nothing was written")
		return nil
	}
	if bad := p.Counts()[exchange.ActionInvalid] + len(p.Problems); bad > 0 && !opt.skipInvalid {
		return fmt.Errorf("%s: %d rows cannot be imported (see above); nothing was imported — fix them, or pass --skip-invalid to import the rest", path, bad)
	}
	n, err := p.Apply(ctx, st, exchange.Choice{Decisions: decisions, SkipProblems: opt.skipInvalid}, env.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "imported %s: %d contacts changed\n", path, n)
	return nil
}

// printPreview lists what an import would do: a summary line, every row
// that is not unchanged, and the problems.
func printPreview(w io.Writer, p exchange.Preview, decisions []exchange.Decision) {
	c := p.Counts()
	fmt.Fprintf(w, "%s (%s): %d contacts: %d new, %d updated, %d unchanged, %d duplicates, %d invalid; %d problems\n",
		p.File, p.Layout, len(p.Rows), c[exchange.ActionCreate], c[exchange.ActionUpdate], c[exchange.ActionUnchanged],
		c[exchange.ActionDuplicate], c[exchange.ActionInvalid], len(p.Problems))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	header := false
	for i, r := range p.Rows {
		if r.Action == exchange.ActionUnchanged && len(r.Warnings) == 0 {
			continue
		}
		if !header {
			fmt.Fprintln(tw, "line\taction\tdecision\tname\tdetails")
			header = true
		}
		var details []string
		switch r.Action {
		case exchange.ActionUpdate:
			details = append(details, "changes "+strings.Join(r.Changes, ", "))
		case exchange.ActionDuplicate:
			if r.Match != nil {
				details = append(details, fmt.Sprintf("%s as %q", r.Reason, r.Match.Name))
			} else {
				details = append(details, fmt.Sprintf("%s as line %d of the file", r.Reason, p.Rows[r.MatchRow].Line))
			}
		case exchange.ActionInvalid:
			details = append(details, r.Invalid)
		}
		details = append(details, r.Warnings...)
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Line, r.Action, decisions[i], oneLine(r.Incoming.Name), strings.Join(details, "; "))
	}
	tw.Flush()
	for _, pr := range p.Problems {
		fmt.Fprintf(w, "problem: %v\n", pr)
	}
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

func importFolder(ctx context.Context, env *Env, g *globals, dir string, opt *importOptions) error {
	hb, ours, err := exchange.ReadFolder(ctx, dir)
	if err != nil {
		return fmt.Errorf("%w; nothing was imported", err)
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if !ours {
		existing, err := store.List[handbook.Playbook](ctx, st)
		if err != nil {
			return err
		}
		hb.Playbooks = exchange.MatchPlaybooks(hb.Playbooks, existing, env.Now())
	}
	if opt.dryRun {
		return dryRunStore(ctx, env, st, dir, hb)
	}
	n, err := st.Import(ctx, hb)
	if err != nil {
		return fmt.Errorf("%s: %w; nothing was imported", dir, err)
	}
	fmt.Fprintf(env.Stdout, "imported %s: %d records changed\n", dir, n)
	return nil
}

func dryRunHandbook(ctx context.Context, env *Env, g *globals, path string, hb handbook.Handbook) error {
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	return dryRunStore(ctx, env, st, path, hb)
}

// dryRunStore prints, per kind of record, what importing hb would do.
func dryRunStore(ctx context.Context, env *Env, st *store.Store, path string, hb handbook.Handbook) error {
	existing, err := st.Load(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s:\n", path)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "records\tnew\tchanged\tunchanged")
	for _, d := range exchange.Diff(existing, hb) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", d.Entity, d.New, d.Changed, d.Unchanged)
	}
	tw.Flush()
	fmt.Fprintln(env.Stdout, "dry run: nothing was written")
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
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *out == "" {
		return usagef("missing -o FILE.csv")
	}
	if *separator != "," && *separator != ";" {
		return usagef("separator must be , or ;")
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(*out, st.Path()); err != nil {
		return err
	}
	contacts, err := store.List[handbook.Contact](ctx, st)
	if err != nil {
		return err
	}
	var list []handbook.Contact
	for _, c := range handbook.StaleContacts(contacts, env.Now(), *days) {
		if *team == "" || strings.EqualFold(strings.TrimSpace(c.Team), strings.TrimSpace(*team)) {
			list = append(list, c)
		}
	}
	var buf bytes.Buffer
	if err := exchange.WriteCSV(&buf, list, exchange.CSVOptions{Comma: rune((*separator)[0]), BOM: *out != "-"}); err != nil {
		return err
	}
	return writeOut(env, *out, buf.Bytes(), fmt.Sprintf("%d contacts to verify", len(list)))
}

// runCallTree prints who calls whom at each escalation level.
func runCallTree(ctx context.Context, env *Env, g *globals, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	tree := handbook.CallTree(hb)
	if len(tree) == 0 {
		return errors.New("the handbook has no escalation levels; add them before printing a call tree")
	}
	for i, l := range tree {
		if i > 0 {
			fmt.Fprintln(env.Stdout)
		}
		fmt.Fprintf(env.Stdout, "Level %d: %s (within %s)\n", l.Level, l.Name, l.Within)
		indent := "  "
		if l.Caller.RoleID != "" {
			fmt.Fprintf(env.Stdout, "  %s\n", describeRole(l.Caller))
			indent = "    → "
		}
		for _, c := range l.Calls {
			fmt.Fprintf(env.Stdout, "%s%s\n", indent, describeRole(c))
		}
	}
	return nil
}

// describeRole renders "Role: Primary (phone); if unreachable: Deputy (phone), …".
func describeRole(r handbook.CallRole) string {
	name := r.Role
	if name == "" {
		name = "unknown role " + r.RoleID
	}
	person := func(p handbook.CallPerson) string {
		if len(p.Phones) == 0 {
			return p.Name + " (no phone)"
		}
		return p.Name + " (" + p.Phones[0] + ")"
	}
	var b strings.Builder
	b.WriteString(name + ": ")
	switch len(r.People) {
	case 0:
		b.WriteString("NOBODY ASSIGNED")
	default:
		b.WriteString(person(r.People[0]))
		if len(r.People) > 1 {
			var deps []string
			for _, p := range r.People[1:] {
				deps = append(deps, person(p))
			}
			b.WriteString("; if unreachable: " + strings.Join(deps, ", then "))
		}
	}
	if len(r.Missing) > 0 && r.Role != "" {
		fmt.Fprintf(&b, " [unknown holders: %s]", strings.Join(r.Missing, ", "))
	}
	return b.String()
}
