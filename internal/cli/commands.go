package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

func runCheck(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	staleDays := fs.Int("stale-days", handbook.DefaultStaleAfterDays, "contacts not verified for this many `days` are stale")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
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
	findings := hb.Check(env.Now())
	if *staleDays != handbook.DefaultStaleAfterDays {
		findings = restale(findings, hb, env.Now(), *staleDays)
	}
	errs, warns := 0, 0
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	for _, f := range findings {
		if f.Level == handbook.LevelError {
			errs++
		} else {
			warns++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Level, f.Entity, f.Message)
	}
	tw.Flush()
	fmt.Fprintf(env.Stdout, "%d errors, %d warnings\n", errs, warns)
	if errs > 0 {
		return errFindings
	}
	return nil
}

// restale replaces the stale-contact findings with those for another limit.
func restale(findings []handbook.Finding, hb handbook.Handbook, now time.Time, days int) []handbook.Finding {
	var out []handbook.Finding
	for _, f := range findings {
		if f.Code != handbook.CodeStaleContact && f.Code != handbook.CodeNeverVerified {
			out = append(out, f)
		}
	}
	for _, c := range handbook.StaleContacts(hb.Live().Contacts, now, days) {
		msg := fmt.Sprintf("contact %q has not been verified for more than %d days", c.Name, days)
		if c.LastVerifiedAt.IsZero() {
			msg = fmt.Sprintf("contact %q has never been verified", c.Name)
		}
		out = append(out, handbook.Finding{Level: handbook.LevelWarning, Code: handbook.CodeStaleContact,
			Entity: handbook.EntityContact, ID: c.ID, Name: c.Name, Message: msg})
	}
	return out
}

func runSearch(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	limit := fs.Int("limit", 20, "show at most `N` matches")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("missing QUERY")
	}
	st, err := g.openExisting(ctx, env)
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
		fmt.Fprintf(env.Stdout, "no matches for %q\n", q)
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
		return usagef("unexpected argument %q", args[0])
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	services, err := store.List[handbook.Service](ctx, st)
	if err != nil {
		return err
	}
	order, findings := handbook.RestoreOrder(services)
	names := map[string]string{}
	for _, s := range services {
		names[s.ID] = s.Name
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tService\tRTO\tRPO\tMTD\tdepends on")
	for i, s := range order {
		var deps []string
		for _, d := range s.DependsOn {
			if n, ok := names[d]; ok {
				deps = append(deps, n)
			} else {
				deps = append(deps, d+" (unknown)")
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", i+1, s.Name, s.RTO, s.RPO, s.MTD, strings.Join(deps, ", "))
	}
	tw.Flush()
	for _, f := range findings {
		fmt.Fprintf(env.Stdout, "%s: %s\n", f.Level, f.Message)
	}
	return nil
}

// backupFormat names the JSON backup; backupVersion is bumped when its
// shape changes incompatibly.
const (
	backupFormat  = "ernstfall-backup"
	backupVersion = 1
)

// backupFile is the JSON backup written by export and read by import.
type backupFile struct {
	Format     string            `json:"format"`
	Version    int               `json:"version"`
	ExportedAt time.Time         `json:"exported_at"`
	Schema     int               `json:"schema"`
	HandbookID string            `json:"handbook_id"`
	Handbook   handbook.Handbook `json:"handbook"`
}

func runExport(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "json", "`json` (backup), csv or vcf (contacts), md (Markdown folder)")
	out := fs.String("o", "", "output `FILE` (- for standard output)")
	vcardVersion := fs.String("vcard-version", "3.0", "vCard `version`: 3.0 or 4.0")
	separator := fs.String("separator", ",", "CSV field `separator`: , or ;")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *format != "json" && !slices.Contains(exchangeFormats, *format) {
		return usagef("unknown format %q (known: json, csv, vcf, md)", *format)
	}
	if *out == "" {
		return usagef("missing -o FILE")
	}
	if *format != "json" {
		return exportExchange(ctx, env, g, *format, *out, *vcardVersion, *separator)
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(*out, st.Path()); err != nil {
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
	data, err := json.MarshalIndent(backupFile{Format: backupFormat, Version: backupVersion,
		ExportedAt: env.Now().UTC(), Schema: store.SchemaVersion(), HandbookID: id, Handbook: hb.Live()}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode backup: %w", err)
	}
	data = append(data, '\n')
	if *out == "-" {
		_, err := env.Stdout.Write(data)
		return err
	}
	if err := writeFileAtomic(*out, data); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "wrote %s\n", *out)
	return nil
}

func runImport(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	opt := importFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	file, err := oneArg(pos, "FILE|DIR")
	if err != nil {
		return err
	}
	if handled, err := importExchange(ctx, env, g, file, opt); handled {
		return err
	}
	hb, err := readBackup(file)
	if err != nil {
		return err
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Import(ctx, hb)
	if err != nil {
		return fmt.Errorf("%s: %w; nothing was imported", file, err)
	}
	fmt.Fprintf(env.Stdout, "imported %s: %d records changed\n", file, n)
	return nil
}

// maxBackupSize bounds what import reads into memory: far above any real
// handbook (the generated 5,000-contact one exports to about 20 MB), far
// below what would exhaust a laptop.
const maxBackupSize = 1 << 30

func readBackup(file string) (handbook.Handbook, error) {
	if fi, err := os.Stat(file); err == nil && fi.Size() > maxBackupSize {
		return handbook.Handbook{}, fmt.Errorf("%s is %d MB, larger than any Ernstfall backup (limit %d MB); nothing was imported — check that this is the right file",
			file, fi.Size()>>20, maxBackupSize>>20)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return handbook.Handbook{}, err
	}
	var b backupFile
	if err := json.Unmarshal(data, &b); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field == "" {
			return handbook.Handbook{}, fmt.Errorf("%s is JSON but not an Ernstfall backup; write one with 'ernstfall export --format json'", file)
		}
		return handbook.Handbook{}, fmt.Errorf("%s is not a readable Ernstfall backup (truncated or damaged: %w); nothing was imported — use another copy of the backup", file, err)
	}
	if b.Format != backupFormat {
		return handbook.Handbook{}, fmt.Errorf("%s is not an Ernstfall backup (format %q); write one with 'ernstfall export --format json'", file, b.Format)
	}
	if b.Version > backupVersion {
		return handbook.Handbook{}, fmt.Errorf("%s was written by a newer Ernstfall (backup version %d, this one reads up to %d); update Ernstfall to import it", file, b.Version, backupVersion)
	}
	return b.Handbook, nil
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
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *out == "" {
		return usagef("missing -o FILE.pdf")
	}
	opt := binder.Options{Lang: *lang, Paper: *paper, Playbook: *playbook, Team: *team, PrintedAt: env.Now(), PrintedBy: *by,
		Program: "Ernstfall " + env.Version}
	if *sections != "" {
		for _, s := range strings.Split(*sections, ",") {
			opt.Sections = append(opt.Sections, strings.TrimSpace(s))
		}
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(*out, st.Path()); err != nil {
		return err
	}
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	res, err := binder.WriteFile(ctx, *out, hb, opt)
	if err != nil {
		if errors.Is(err, binder.ErrUnknownSection) || errors.Is(err, binder.ErrBadOption) {
			return usagef("%v", err)
		}
		return err
	}
	if err := st.SetMeta(ctx, "binder_printed", fmt.Sprintf(`{"at":%q,"by":%q,"version":%q}`,
		env.Now().UTC().Format(time.RFC3339), *by, res.Version)); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d pages, handbook version %s\n", *out, res.Pages, res.Version)
	return nil
}

// refuseDatabase refuses an output path that is the open database or one of
// its side files (-wal, -shm, -journal): writing there would replace the
// handbook with the export.
func refuseDatabase(out, db string) error {
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
			return fmt.Errorf("%s is the handbook database itself; writing there would destroy the handbook — choose another file name", out)
		}
	}
	return nil
}

// writeFileAtomic writes data to a temp file beside path, syncs it and
// renames it over path, so a failed write never leaves half a file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
