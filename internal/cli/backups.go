package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

func runBackups(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("backups", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.Backups(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return printBackupsJSON(env, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(env.Stdout, env.T("no backups in {{.Dir}} yet; one is written before every synchronisation that brings changes, every schema update and every restore", vars{"Dir": st.BackupDir()}))
		return nil
	}
	fmt.Fprintln(env.Stdout, env.T("backups in {{.Dir}}, newest first:", vars{"Dir": st.BackupDir()}))
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("date\treason\trecords\tcontacts\tplaybooks\tfile"))
	for _, b := range list {
		name := filepath.Base(b.Path)
		date := b.At.Local().Format(env.T("2006-01-02 15:04:05"))
		if b.Problem != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\t\t\t%s\n", date, backupReason(env, b.Reason), env.T("unusable: {{.Problem}}", vars{"Problem": b.Problem}), name)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", date, backupReason(env, b.Reason), b.Records,
			b.Counts[handbook.EntityContact], b.Counts[handbook.EntityPlaybook], name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, env.T("restore one with 'ernstfall restore --from-backup FILE' (as new edits, so that synchronisation keeps it)"))
	return nil
}

// backupReason says in words why a backup was written.
func backupReason(env *Env, reason string) string {
	switch {
	case reason == store.ReasonSync:
		return env.T("before synchronisation")
	case reason == store.ReasonRestore:
		return env.T("before restore")
	case strings.HasPrefix(reason, store.ReasonSchema+"-"):
		return env.T("before update to schema {{.N}}", vars{"N": strings.TrimPrefix(reason, store.ReasonSchema+"-")})
	}
	return reason
}

type backupJSON struct {
	File       string         `json:"file"`
	At         string         `json:"at"`
	Reason     string         `json:"reason"`
	Size       int64          `json:"size"`
	Records    int            `json:"records"`
	Deleted    int            `json:"deleted"`
	Counts     map[string]int `json:"counts"`
	HandbookID string         `json:"handbook_id,omitempty"`
	Schema     int            `json:"schema,omitempty"`
	Problem    string         `json:"problem,omitempty"`
}

func printBackupsJSON(env *Env, list []store.BackupInfo) error {
	out := make([]backupJSON, 0, len(list))
	for _, b := range list {
		counts := map[string]int{}
		for e, n := range b.Counts {
			counts[string(e)] = n
		}
		out = append(out, backupJSON{File: b.Path, At: b.At.UTC().Format("2006-01-02T15:04:05.000Z"), Reason: b.Reason,
			Size: b.Size, Records: b.Records, Deleted: b.Deleted, Counts: counts, HandbookID: b.HandbookID, Schema: b.Schema, Problem: b.Problem})
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
