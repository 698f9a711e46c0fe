package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"ernstfall/internal/store"
	"ernstfall/internal/sync"
)

func runSync(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	folder := fs.String("folder", "", "the shared `DIR`ectory")
	name := fs.String("device-name", "", "this laptop's `NAME` as others see it (default: saved name or host name)")
	snapshot := fs.Bool("snapshot", false, "after the round, write a snapshot so that new laptops join fast")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *folder == "" {
		return usagef("missing --folder DIR")
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := sync.RunWith(ctx, st, sync.Options{Folder: *folder, DeviceName: *name, Now: env.Now})
	// A failed round reports only what it did receive; "no local changes"
	// would be wrong when they could not be written.
	if err == nil || rep.Batches > 0 || rep.Snapshot != "" {
		printReport(env.Stdout, rep, errors.Is(err, sync.ErrNotWritten))
	}
	if err != nil {
		return err
	}
	if *snapshot {
		file, err := sync.WriteSnapshot(ctx, st, sync.Options{Folder: *folder, Now: env.Now})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "wrote snapshot %s\n", file)
	}
	return nil
}

func printReport(w io.Writer, rep sync.Report, notSent bool) {
	switch {
	case rep.Sent > 0:
		fmt.Fprintf(w, "sent %d changes (%s)\n", rep.Sent, rep.SentBatch)
	case notSent:
		fmt.Fprintln(w, "sent nothing: the local changes could not be written and stay queued for the next sync (see below)")
	default:
		fmt.Fprintln(w, "sent nothing (no local changes)")
	}
	switch {
	case rep.Snapshot != "":
		fmt.Fprintf(w, "received %d changes from snapshot %s and %d batches\n", rep.Received, rep.Snapshot, rep.Batches)
	case rep.Batches > 0:
		fmt.Fprintf(w, "received %d changes in %d batches\n", rep.Received, rep.Batches)
	default:
		fmt.Fprintln(w, "received nothing new")
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "skipped %s\n", s)
	}
	fmt.Fprintf(w, "open conflicts: %d", rep.Conflicts)
	if rep.Conflicts > 0 {
		fmt.Fprint(w, " (list them with 'ernstfall conflicts')")
	}
	fmt.Fprintln(w)
}

func runConflicts(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("conflicts", flag.ContinueOnError)
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
	cs, err := st.Conflicts(ctx)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		fmt.Fprintln(env.Stdout, "no open conflicts")
		return nil
	}
	names, err := sync.DeviceNames(ctx, st)
	if err != nil {
		return err
	}
	for _, c := range cs {
		fmt.Fprintf(env.Stdout, "%s %q (%s) field %s:\n", c.Entity, c.Label, c.ID, c.Field)
		fmt.Fprintf(env.Stdout, "  in effect: %s  %s\n", showValue(c.Current.Value), showSide(c.Current, names))
		fmt.Fprintf(env.Stdout, "  other:     %s  %s\n", showValue(c.Other.Value), showSide(c.Other, names))
	}
	fmt.Fprintf(env.Stdout, "%d open conflicts\n", len(cs))
	return nil
}

func showValue(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return fmt.Sprintf("%q", s)
	}
	if string(v) == "null" {
		return "(empty)"
	}
	return string(v)
}

func showSide(s store.Side, names map[string]string) string {
	who := "device " + s.Device
	if n := names[s.Device]; n != "" {
		who = n
	}
	if s.Mine {
		who += " (this laptop)"
	}
	return fmt.Sprintf("(%s, %s)", who, s.At().Local().Format("2006-01-02 15:04:05 MST"))
}
