package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"ernstfall/internal/atomicfile"
	"ernstfall/internal/binder"
	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

func runCheck(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	staleDays := fs.Int("stale-days", handbook.DefaultStaleAfterDays, "contacts not verified for this many `days` are stale")
	if err := env.parseFlags(fs, args); err != nil {
		return err
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
	findings := hb.CheckWith(env.Now(), *staleDays)
	errs, warns := 0, 0
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	for _, f := range findings {
		if f.Level == handbook.LevelError {
			errs++
		} else {
			warns++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", env.T(string(f.Level)), f.Entity, findingMessage(env, f))
	}
	tw.Flush()
	fmt.Fprintln(env.Stdout, env.T("{{.Errors}} errors, {{.Warnings}} warnings", vars{"Errors": errs, "Warnings": warns}))
	if errs > 0 {
		return errFindings
	}
	return nil
}

// findingMessage is the finding in the language of the messages, worded
// as the window and the binder word it.
func findingMessage(env *Env, f handbook.Finding) string { return env.cat.Finding(f) }

func runSearch(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	limit := fs.Int("limit", 20, "show at most `N` matches")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return env.usage("missing {{.What}}", vars{"What": "QUERY"})
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	q := strings.Join(pos, " ")
	hits, err := st.Search(ctx, q, *limit)
	if err != nil {
		return err
	}
	if len(hits) == 0 {
		fmt.Fprintln(env.Stdout, env.T("no matches for {{.Query}}", vars{"Query": quote(q)}))
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	for _, h := range hits {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", h.Entity, h.Title, h.Snippet)
	}
	return tw.Flush()
}

func runRestoreOrder(ctx context.Context, env *Env, g *globals, args []string) error {
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
	// Weighted by business need: what critical processes need comes first,
	// within the order the dependencies allow.
	order, findings := hb.RestoreOrder()
	names := map[string]string{}
	for _, s := range hb.Services {
		names[s.ID] = s.Name
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("#\tService\tRTO\tRPO\tMTD\tdepends on"))
	for i, s := range order {
		var deps []string
		for _, d := range s.DependsOn {
			if n, ok := names[d]; ok {
				deps = append(deps, n)
			} else {
				deps = append(deps, env.T("{{.ID}} (unknown)", vars{"ID": d}))
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", i+1, s.Name, s.RTO, s.RPO, s.MTD, strings.Join(deps, ", "))
	}
	tw.Flush()
	for _, f := range findings {
		fmt.Fprintf(env.Stdout, "%s: %s\n", env.T(string(f.Level)), findingMessage(env, f))
	}
	return nil
}

func runExport(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "json", "`json` (backup), csv or vcf (contacts), md (Markdown folder)")
	out := fs.String("o", "", "output `FILE` (- for standard output)")
	vcardVersion := fs.String("vcard-version", "3.0", "vCard `version`: 3.0 or 4.0")
	separator := fs.String("separator", ",", "CSV field `separator`: , or ;")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "json" && !slices.Contains(exchangeFormats, *format) {
		return env.usage("unknown format {{.Format}} (known: json, csv, vcf, md)", vars{"Format": quote(*format)})
	}
	if *out == "" {
		return env.usage("missing {{.What}}", vars{"What": "-o FILE"})
	}
	if *format != "json" {
		return exportExchange(ctx, env, g, *format, *out, *vcardVersion, *separator)
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(env, *out, st.Path()); err != nil {
		return err
	}
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	id, err := st.HandbookID(ctx)
	if err != nil {
		return err
	}
	data, err := exchange.MarshalBackup(hb.Live(), id, store.SchemaVersion(), env.Now())
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err := env.rawOut.Write(data)
		return err
	}
	if err := writeFileAtomic(env, *out, data); err != nil {
		return err
	}
	fmt.Fprintln(env.Stderr, env.T("wrote {{.Path}}", vars{"Path": *out}))
	return nil
}

func runImport(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	opt := importFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	file, err := oneArg(env, pos, "FILE|DIR")
	if err != nil {
		return err
	}
	if handled, err := importExchange(ctx, env, g, file, opt); handled {
		return err
	}
	return restoreBackup(ctx, env, g, file, opt)
}

// restoreBackup restores a JSON backup (see ops.ImportBackup), or with
// --dry-run shows what that would do.
func restoreBackup(ctx context.Context, env *Env, g *globals, file string, opt *importOptions) error {
	b, err := readBackup(env, file)
	if err != nil {
		return err
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := env.ops(st).ImportBackup(ctx, ops.ImportBackup{File: file, Backup: b, Mirror: opt.mirror, DryRun: opt.dryRun}, env.progress())
	plan, n := res.Plan, res.Changed
	if err != nil {
		if _, ok := ops.AsError(err); ok {
			return err
		}
		return env.wrap(err, "{{.File}}: {{.Err}}; nothing was imported", vars{"File": file})
	}
	if opt.dryRun {
		printRestorePlan(env, file, plan, opt.mirror)
		fmt.Fprintln(env.Stdout, env.T("dry run: nothing was written"))
		return nil
	}
	fmt.Fprintln(env.Stdout, env.T("imported {{.File}}: {{.N}} records changed", vars{"File": file, "N": n}))
	if opt.mirror {
		fmt.Fprintln(env.Stdout, env.T("{{.N}} deleted (--mirror: records the backup lacks or marks deleted)", vars{"N": plan.Deletes()}))
	} else if k := plan.KeptDeleted(); k > 0 {
		fmt.Fprintln(env.Stdout, env.T("{{.N}} records the backup marks deleted were kept; --mirror deletes them", vars{"N": k}))
	}
	if k := plan.KeptLog(); k > 0 {
		fmt.Fprintln(env.Stdout, env.T("{{.N}} incident log entries the backup lacks were kept: log entries are never deleted", vars{"N": k}))
	}
	return nil
}

// printRestorePlan prints, per kind of record, what a restore would do.
func printRestorePlan(env *Env, file string, plan exchange.RestorePlan, mirror bool) {
	fmt.Fprintf(env.Stdout, "%s:\n", file)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("records\tnew\tchanged\tunchanged\tdeleted"))
	for _, c := range plan.Counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", c.Entity, c.New, c.Changed, c.Unchanged, c.Deleted)
	}
	tw.Flush()
	if mirror {
		fmt.Fprintln(env.Stdout, env.T("would delete {{.N}} records (--mirror: the handbook becomes the backup)", vars{"N": plan.Deletes()}))
	} else {
		fmt.Fprintln(env.Stdout, env.T("would delete 0 records; {{.N}} the backup marks deleted stay (--mirror deletes them, and the records the backup lacks)", vars{"N": plan.KeptDeleted()}))
	}
}

// maxBackupSize bounds what import reads into memory: far above any real
// handbook (the generated 5,000-contact one exports to about 20 MB), far
// below what would exhaust a laptop.
const maxBackupSize = 1 << 30

func readBackup(env *Env, file string) (exchange.Backup, error) {
	if fi, err := os.Stat(file); err == nil && fi.Size() > maxBackupSize {
		return exchange.Backup{}, errors.New(env.T("{{.File}} is {{.Size}} MB, larger than any Ernstfall backup (limit {{.Limit}} MB); nothing was imported — check that this is the right file",
			vars{"File": file, "Size": fi.Size() >> 20, "Limit": maxBackupSize >> 20}))
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return exchange.Backup{}, err
	}
	b, err := exchange.ReadBackup(file, data)
	var be *exchange.BackupError
	if !errors.As(err, &be) {
		return b, err
	}
	switch be.Problem {
	case exchange.BackupNotObject:
		return b, errors.New(env.T("{{.File}} is JSON but not an Ernstfall backup; write one with 'ernstfall export --format json'", vars{"File": file}))
	case exchange.BackupDamaged:
		return b, errors.New(env.T("{{.File}} is not a readable Ernstfall backup (truncated or damaged: {{.Err}}); nothing was imported — use another copy of the backup", vars{"File": file, "Err": be.Detail}))
	case exchange.BackupOtherFormat:
		return b, errors.New(env.T("{{.File}} is not an Ernstfall backup (format {{.Format}}); write one with 'ernstfall export --format json'", vars{"File": file, "Format": quote(be.Format)}))
	case exchange.BackupNewer:
		return b, errors.New(env.T("{{.File}} was written by a newer Ernstfall (backup version {{.Version}}, this one reads up to {{.Max}}); update Ernstfall to import it",
			vars{"File": file, "Version": be.Version, "Max": exchange.BackupVersion}))
	}
	return b, errors.New(env.T("{{.File}} cannot be restored: {{.Err}}; nothing was imported", vars{"File": file, "Err": be.Detail}))
}

func runBinder(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("binder", flag.ContinueOnError)
	out := fs.String("o", "", "output `FILE`.pdf")
	lang := fs.String("lang", "de", "language of the fixed texts: `de` or en")
	paper := fs.String("paper", "a4", "paper size: `a4` or letter")
	sections := fs.String("sections", "", "comma-separated `LIST` of sections: "+strings.Join(binder.Sections, ","))
	playbook := fs.String("playbook", "", "print only this playbook (`ID or TITLE`): a pocket card")
	team := fs.String("team", "", "list only the internal contacts of this `TEAM` (external ones stay)")
	by := fs.String("by", "", "`NAME` of who prints, shown on the cover")
	drafts := fs.Bool("drafts", false, "print the current drafts, marked ENTWURF on every page, instead of the released versions")
	copies := fs.String("copies", "", "print copies of the distribution list into the folder -o: `all`, outdated or numbers (1,3); with --printer, how many copies to print")
	printerName := fs.String("printer", "", "send the binder to this `PRINTER` (see the printers command); default: the system's default printer")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	toPrinter := false
	fs.Visit(func(f *flag.Flag) { toPrinter = toPrinter || f.Name == "printer" })
	if *out == "" && !toPrinter {
		return env.usage("missing {{.What}}", vars{"What": "-o FILE.pdf"})
	}
	if *copies != "" && (*drafts || *playbook != "" || *team != "" || *sections != "") {
		return env.usage("--copies prints whole binders of the released versions: leave out --drafts, --playbook, --team and --sections")
	}
	printed, err := env.printTime()
	if err != nil {
		return err
	}
	opt := binder.Options{Lang: *lang, Paper: *paper, Playbook: *playbook, Team: *team, PrintedAt: printed, PrintedBy: *by}
	if *sections != "" {
		for _, s := range strings.Split(*sections, ",") {
			opt.Sections = append(opt.Sections, strings.TrimSpace(s))
		}
	}
	var send ops.SendTo
	if toPrinter {
		if send, err = sendTo(env, *printerName, *copies); err != nil {
			return err
		}
	}
	st, err := g.openForPrint(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(env, *out, st.Path()); err != nil {
		return err
	}
	if toPrinter {
		return sendBinder(ctx, env, st, ops.PrintBinder{Path: *out, Options: opt, Drafts: *drafts}, send)
	}
	if *copies != "" {
		return printCopies(ctx, env, st, *copies, *out, opt)
	}
	res, err := env.ops(st).PrintBinder(ctx, ops.PrintBinder{Path: *out, Options: opt, Drafts: *drafts}, env.progress())
	if err != nil && !ops.NotRecorded(err) {
		if errors.Is(err, binder.ErrUnknownSection) || errors.Is(err, binder.ErrBadOption) {
			return usagef("%v", err)
		}
		return err
	}
	fmt.Fprintln(env.Stdout, env.T("wrote {{.Path}}: {{.Pages}} pages, handbook version {{.Version}}", vars{"Path": *out, "Pages": res.Pages, "Version": res.Version}))
	if err != nil {
		// The PDF is whole; only the note for the dashboard is missing.
		fmt.Fprintln(env.Stderr, env.errorText(err))
	}
	return nil
}

// refuseDatabase refuses an output path that is the open database or one of
// its side files (-wal, -shm, -journal): writing there would replace the
// handbook with the export.
func refuseDatabase(env *Env, out, db string) error {
	if out == "-" {
		return nil
	}
	outInfo, outErr := os.Stat(out)
	absOut, _ := filepath.Abs(out)
	for _, side := range []string{"", "-wal", "-shm", "-journal"} {
		same := filepath.Clean(absOut) == filepath.Clean(db+side)
		if fi, err := os.Stat(db + side); err == nil && outErr == nil && os.SameFile(outInfo, fi) {
			same = true
		}
		if same {
			return errors.New(env.T("{{.Path}} is the handbook database itself; writing there would destroy the handbook — choose another file name", vars{"Path": out}))
		}
	}
	return nil
}

// writeFileAtomic writes data whole or not at all (see atomicfile).
func writeFileAtomic(env *Env, path string, data []byte) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return env.wrap(err, "write {{.Path}}: {{.Err}}", vars{"Path": path})
	}
	return nil
}
