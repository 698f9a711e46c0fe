package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

func runRestore(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	asOf := fs.String("as-of", "", "put the handbook back as it was at `TIME` (2026-11-30 08:00, 30.11.2026 08:00, gestern 17:00)")
	backup := fs.String("from-backup", "", "put the handbook back as the backup `FILE` holds it")
	dryRun := fs.Bool("dry-run", false, "only show what would change")
	id := fs.String("id", "", "set back only this record (`ID or NAME`)")
	entity := fs.String("entity", "", "the `KIND` of the record --id names, when the name is not unique")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	if (*asOf == "") == (*backup == "") {
		return env.usage("give either --as-of TIME or --from-backup FILE")
	}
	var req ops.Restore
	if *asOf != "" {
		at, err := env.moment("--as-of", *asOf)
		if err != nil {
			return err
		}
		req.AsOf = at
	} else {
		abs, err := filepath.Abs(*backup)
		if err != nil {
			return err
		}
		req.Backup = abs
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	labels, err := st.Labels(ctx)
	if err != nil {
		return err
	}
	if *entity != "" && !knownKind(handbook.Entity(*entity)) {
		return env.usage("unknown kind {{.Kind}} (known: {{.Known}})", vars{"Kind": quote(*entity), "Known": strings.Join(kindNames(), ", ")})
	}
	if *id != "" {
		if req.Entity, req.ID, err = findRecord(ctx, env, st, handbook.Entity(*entity), *id); err != nil {
			return err
		}
	}
	if *dryRun {
		plan, err := env.ops(st).PlanRestore(ctx, req, env.progress())
		if err != nil {
			return err
		}
		printRestore(env, env.Stdout, ops.Restored{RestorePlan: plan}, labels, true)
		return nil
	}
	done, err := env.ops(st).Restore(ctx, req, env.progress())
	if err != nil {
		return err
	}
	printRestore(env, env.Stdout, done, labels, false)
	return nil
}

// printRestore lists, record by record, what a restore changes (or
// changed), and how to undo it.
func printRestore(env *Env, w io.Writer, plan ops.Restored, labels map[string]string, dryRun bool) {
	tr := env.translator()
	if plan.Target.Backup != "" {
		fmt.Fprintln(w, env.T("The handbook as the backup {{.File}} holds it:", vars{"File": plan.Target.Backup}))
	} else {
		fmt.Fprintln(w, env.T("The handbook as it was at {{.Time}}:", vars{"Time": plan.Target.AsOf.Local().Format(env.T("2006-01-02 15:04:05"))}))
	}
	if plan.Target.ID != "" {
		fmt.Fprintln(w, "  "+env.T("only {{.Record}}; every other record stays as it is", vars{"Record": recordName(env, plan.Target.Entity, labels[plan.Target.ID])}))
	}
	if len(plan.Records) == 0 {
		fmt.Fprintln(w, "  "+env.T("nothing to change: the handbook is as it was then"))
	}
	for _, r := range plan.Records {
		name := recordName(env, r.Entity, r.Label)
		switch r.Kind {
		case store.RestoreDelete:
			fmt.Fprintf(w, "  %s: %s\n", name, env.T("deleted"))
			continue
		case store.RestoreBringBack:
			fmt.Fprintf(w, "  %s: %s\n", name, env.T("brought back"))
		default:
			fmt.Fprintf(w, "  %s:\n", name)
		}
		for _, f := range r.Fields {
			if f.Field == "deleted" {
				continue
			}
			old, new := i18n.ChangeValues(f.From, f.To, labels, valueWidth, tr)
			fmt.Fprintf(w, "      %s: %s → %s\n", f.Field, old, new)
		}
	}
	changed, deleted, back := plan.Count()
	fmt.Fprintln(w, env.T("{{.Changed}} records set back, {{.Deleted}} deleted, {{.Back}} brought back.",
		vars{"Changed": changed, "Deleted": deleted, "Back": back}))
	if plan.KeptIncidents+plan.KeptLogEntries > 0 {
		fmt.Fprintln(w, env.T("Left as they are: {{.Incidents}} incidents and {{.Entries}} incident log entries made or changed since — they record what happened.",
			vars{"Incidents": plan.KeptIncidents, "Entries": plan.KeptLogEntries}))
	}
	switch {
	case dryRun:
		fmt.Fprintln(w, env.T("Dry run: nothing was changed."))
	case len(plan.Records) > 0:
		fmt.Fprintln(w, env.T("Done. The changes go to the other laptops with the next synchronisation."))
		fmt.Fprintln(w, env.T("Backup of the state before: {{.File}}", vars{"File": plan.Saved}))
		undo := plan.Before.Local().Format("2006-01-02 15:04:05.000")
		fmt.Fprintln(w, env.T("Undo with: ernstfall restore --as-of {{.Time}}", vars{"Time": quoteArg(undo)}))
	}
}

// quoteArg quotes a command-line argument that holds a space.
func quoteArg(s string) string {
	if strings.ContainsAny(s, " \t") {
		return `"` + s + `"`
	}
	return s
}
