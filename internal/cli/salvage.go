package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// runSalvage saves what can still be read from a damaged handbook as a
// JSON backup (see store.Salvage).
func runSalvage(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("salvage", flag.ContinueOnError)
	out := fs.String("o", "", "output `FILE`.json")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || *out == "-" {
		return env.usage("missing {{.What}}", vars{"What": "-o FILE.json"})
	}
	path, err := g.dbPath(env)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if err := refuseDatabase(env, *out, abs); err != nil {
		return err
	}
	s, err := store.Salvage(ctx, path)
	if err != nil {
		return err
	}
	data, err := exchange.MarshalBackup(s.Handbook, s.HandbookID, store.SchemaVersion(), env.Now())
	if err != nil {
		return err
	}
	if err := writeFileAtomic(env, *out, data); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, env.T("saved what could be read from {{.Path}} to {{.File}}:", vars{"Path": path, "File": *out}))
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	total := 0
	for _, e := range handbook.Entities {
		if n := s.Counts[e]; n > 0 {
			fmt.Fprintf(tw, "  %s\t%d\n", e, n)
			total += n
		}
	}
	tw.Flush()
	fmt.Fprintln(env.Stdout, env.T("{{.N}} records ({{.Tree}} read through the table, {{.Pages}} found on loose pages); {{.Bad}} damaged rows could not be read",
		vars{"N": total, "Tree": s.FromTree, "Pages": s.FromPages, "Bad": s.Unreadable}))
	fmt.Fprintln(env.Stdout, env.T("import it into a new handbook with 'ernstfall --db NEW.db import {{.File}}'", vars{"File": *out}))
	return nil
}

// damagedHint says what to do about a damaged handbook file: name the
// newest good backup and the salvage command.
func damagedHint(ctx context.Context, env *Env, g *globals) string {
	path, err := g.dbPath(env)
	if err != nil {
		return ""
	}
	dir := filepath.Join(filepath.Dir(path), "backups")
	hint := env.T("The handbook file {{.Path}} is damaged. Save what can still be read: ernstfall --db {{.Path}} salvage -o rescue.json", vars{"Path": path})
	if b, ok := store.NewestGoodBackup(ctx, dir); ok {
		return hint + "\n" + env.T("The newest good backup is {{.Backup}} ({{.Time}}, {{.N}} records): move the damaged file aside, copy the backup to {{.Path}}, then import rescue.json to bring back what changed since.",
			vars{"Backup": b.Path, "Time": b.At.Local().Format(env.T("2006-01-02 15:04:05")), "N": b.Records, "Path": path})
	}
	return hint + "\n" + env.T("There is no good backup in {{.Dir}}.", vars{"Dir": dir})
}

// isDamaged reports whether err says the handbook file is damaged.
func isDamaged(err error) bool { return store.IsCorrupt(err) && !errors.Is(err, store.ErrNotADatabase) }
