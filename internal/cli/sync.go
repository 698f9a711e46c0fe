package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"
	"time"

	"ernstfall/internal/foldersync"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

func runSync(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	folder := fs.String("folder", "", "the shared `DIR`ectory")
	name := fs.String("device-name", "", "this laptop's `NAME` as others see it (default: saved name or host name)")
	snapshot := fs.Bool("snapshot", false, "after the round, write a snapshot so that new laptops join fast")
	accept := fs.Bool("accept-deletions", false, "apply the mass deletions held back (more than 20 records, or 10 % of the handbook, from one laptop)")
	keep := fs.Bool("keep-records", false, "keep the records a held mass deletion would delete, on every laptop")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	if *folder == "" {
		return env.usage("missing {{.What}}", vars{"What": "--folder DIR"})
	}
	if *accept && *keep {
		return env.usage("give --accept-deletions or --keep-records, not both")
	}
	var decide map[string]foldersync.DeletionChoice
	switch {
	case *accept:
		decide = map[string]foldersync.DeletionChoice{foldersync.AllDevices: foldersync.ApplyDeletions}
	case *keep:
		decide = map[string]foldersync.DeletionChoice{foldersync.AllDevices: foldersync.KeepRecords}
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	o := env.ops(st)
	res, err := o.Sync(ctx, ops.Sync{Folder: *folder, DeviceName: *name, Author: env.who(g, "").Name, Snapshot: *snapshot, Deletions: decide}, env.progress())
	// A failed round reports only what it did receive; "no local changes"
	// would be wrong when they could not be written.
	if err == nil || res.Batches > 0 || res.Snapshot != "" {
		names, _ := o.DeviceNames(ctx)
		printReport(env, res.Report, names, errors.Is(err, foldersync.ErrNotWritten))
	}
	if err != nil {
		return err
	}
	if res.SnapshotFile != "" {
		fmt.Fprintln(env.Stdout, env.T("wrote snapshot {{.Path}}", vars{"Path": res.SnapshotFile}))
	}
	names, err := o.DeviceNames(ctx)
	if err != nil {
		return err
	}
	printHeld(env, res.Refused, names)
	return nil
}

// printHeld names releases held back: document, version, claimed
// approver, the laptop that wrote it, and why.
func printHeld(env *Env, held []ops.HeldRelease, names map[string]string) {
	for _, h := range held {
		r := h.Release
		laptop := names[h.Laptop]
		if laptop == "" {
			laptop = h.Laptop
		}
		reason := env.T("not checked yet; the next sync checks it")
		if h.Reason != "" {
			reason = env.T(h.Reason)
		}
		fmt.Fprintln(env.Stdout, env.T("! release not applied: {{.Title}} version {{.Version}}, claimed by {{.Approver}}, from laptop {{.Laptop}}: {{.Reason}}",
			vars{"Title": quote(r.Title), "Version": r.Version(), "Approver": quote(r.Approver), "Laptop": quote(laptop), "Reason": reason}))
	}
}

func printReport(env *Env, rep foldersync.Report, names map[string]string, notSent bool) {
	w := env.Stdout
	if rep.Copied != "" {
		fmt.Fprintln(w, env.T("this laptop's database is a copy of another laptop's: both wrote as device {{.Old}}. This laptop now has a new identity (fingerprint {{.New}}) and must be admitted again; its own edits wait and are sent then, and the other copy's arrive like any laptop's",
			vars{"Old": rep.Copied, "New": rep.Fingerprint}))
	}
	if rep.Pending {
		fmt.Fprintln(w, env.T("this laptop asked to join the team of the shared folder; nothing is exchanged until a member admits it"))
		fmt.Fprintln(w, env.T("its fingerprint: {{.Fingerprint}} — read it to a member by phone; they admit it with 'ernstfall devices admit {{.Fingerprint}}' or in the app", vars{"Fingerprint": rep.Fingerprint}))
		return
	}
	if rep.Joined {
		fmt.Fprintln(w, env.T("this laptop was admitted to the team and takes part from now on"))
	}
	switch {
	case rep.Sent > 0 && rep.Parallel > 0:
		fmt.Fprintln(w, env.T("sent {{.N}} changes ({{.Batch}}); {{.P}} of them were written by a sync of this database running at the same time",
			vars{"N": rep.Sent, "Batch": rep.SentBatch, "P": rep.Parallel}))
	case rep.Sent > 0:
		fmt.Fprintln(w, env.T("sent {{.N}} changes ({{.Batch}})", vars{"N": rep.Sent, "Batch": rep.SentBatch}))
	case notSent:
		fmt.Fprintln(w, env.T("sent nothing: the local changes could not be written and stay queued for the next sync (see below)"))
	default:
		fmt.Fprintln(w, env.T("sent nothing (no local changes)"))
	}
	switch {
	case rep.Snapshot != "":
		fmt.Fprintln(w, env.T("received {{.N}} changes from snapshot {{.Snapshot}} and {{.Batches}} batches",
			vars{"N": rep.Received, "Snapshot": rep.Snapshot, "Batches": rep.Batches}))
	case rep.Batches > 0:
		fmt.Fprintln(w, env.T("received {{.N}} changes in {{.Batches}} batches", vars{"N": rep.Received, "Batches": rep.Batches}))
	default:
		fmt.Fprintln(w, env.T("received nothing new"))
	}
	if len(rep.Authors) > 0 {
		fmt.Fprintln(w, env.T("changes by {{.Names}}", vars{"Names": strings.Join(rep.Authors, ", ")}))
	}
	known := 0
	for _, s := range rep.Skipped {
		if !s.New {
			known++
			continue
		}
		fmt.Fprintln(w, env.T("skipped {{.What}}", vars{"What": s}))
	}
	if known > 0 {
		fmt.Fprintln(w, env.T("{{.N}} files still skipped as in the last sync", vars{"N": known}))
	}
	if rep.Unknown > 0 {
		fmt.Fprintln(w, env.T("{{.N}} files from an unknown laptop ignored", vars{"N": rep.Unknown}))
	}
	for _, q := range rep.Requests {
		name := q.Name
		if name == "" {
			name = q.Device
		}
		fmt.Fprintln(w, env.T("{{.Name}} asks to join (fingerprint {{.Fingerprint}}); compare the fingerprint by phone, then 'ernstfall devices admit {{.Fingerprint}}'",
			vars{"Name": quote(name), "Fingerprint": q.Fingerprint}))
	}
	if rep.MoreRequests > 0 {
		fmt.Fprintln(w, env.T("{{.N}} more join requests are not listed (more than a team sends: possibly a flood); admit a laptop by its fingerprint", vars{"N": rep.MoreRequests}))
	}
	devices := make([]string, 0, len(rep.ClockAhead))
	for d := range rep.ClockAhead {
		devices = append(devices, d)
	}
	sort.Strings(devices)
	for _, d := range devices {
		fmt.Fprintln(w, env.T("warning: the clock of {{.Device}} runs {{.Ahead}} ahead; its entries carry wrong times until its clock is set right",
			vars{"Device": cmp.Or(names[d], d), "Ahead": handbook.Minutes(rep.ClockAhead[d] / time.Minute).String()}))
	}
	for _, h := range rep.Held {
		fmt.Fprintln(w, env.T("held: {{.Name}} would delete {{.N}} of {{.Live}} records; nothing of that laptop was applied. Apply it with 'ernstfall sync --accept-deletions', or keep the records everywhere with 'ernstfall sync --keep-records'",
			vars{"Name": cmp.Or(h.Name, names[h.Device], h.Device), "N": h.Records, "Live": h.Live}))
	}
	if rep.Kept > 0 {
		fmt.Fprintln(w, env.T("kept {{.N}} records a mass deletion would have deleted; every laptop gets them back with its next sync", vars{"N": rep.Kept}))
	}
	for _, g := range rep.Gaps {
		fmt.Fprintln(w, env.T("missing: batches {{.Seqs}} of {{.Name}} are not in the shared folder (deleted, or not delivered yet); their changes are missing here until they arrive. If they are gone for good, declare them lost with 'ernstfall devices lost {{.Name}}'",
			vars{"Seqs": seqList(g.Missing), "Name": cmp.Or(g.Name, names[g.Device], g.Device)}))
	}
	if rep.Conflicts > 0 {
		fmt.Fprintln(w, env.T("open conflicts: {{.N}} (list them with 'ernstfall conflicts')", vars{"N": rep.Conflicts}))
	} else {
		fmt.Fprintln(w, env.T("open conflicts: {{.N}}", vars{"N": rep.Conflicts}))
	}
}

func runConflicts(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("conflicts", flag.ContinueOnError)
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	cs, err := st.Conflicts(ctx)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		fmt.Fprintln(env.Stdout, env.T("no open conflicts"))
		return nil
	}
	names, err := env.ops(st).DeviceNames(ctx)
	if err != nil {
		return err
	}
	for _, c := range cs {
		fmt.Fprintln(env.Stdout, env.T("{{.Entity}} {{.Label}} ({{.ID}}) field {{.Field}}:", vars{"Entity": c.Entity, "Label": quote(c.Label), "ID": c.ID, "Field": c.Field}))
		current, other := env.T("in effect:"), env.T("other:")
		width := max(len([]rune(current)), len([]rune(other)))
		fmt.Fprintf(env.Stdout, "  %-*s %s  %s\n", width, current, showValue(env, c.Current.Value), showSide(env, c.Current, names))
		fmt.Fprintf(env.Stdout, "  %-*s %s  %s\n", width, other, showValue(env, c.Other.Value), showSide(env, c.Other, names))
	}
	fmt.Fprintln(env.Stdout, env.T("{{.N}} open conflicts", vars{"N": len(cs)}))
	return nil
}

func showValue(env *Env, v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return fmt.Sprintf("%q", s)
	}
	if string(v) == "null" {
		return env.T("(empty)")
	}
	return string(v)
}

func showSide(env *Env, s store.Side, names map[string]string) string {
	who := env.T("device {{.ID}}", vars{"ID": s.Device})
	if n := names[s.Device]; n != "" {
		who = n
	}
	if s.Mine {
		who = env.T("{{.Name}} (this laptop)", vars{"Name": who})
	}
	return fmt.Sprintf("(%s, %s)", who, s.At().Local().Format("2006-01-02 15:04:05 MST"))
}

// seqList writes batch numbers short: "4, 7, 9" or "4–120" for a run.
func seqList(seqs []int64) string {
	if n := len(seqs); n > 3 && seqs[n-1]-seqs[0] == int64(n-1) {
		return fmt.Sprintf("%d–%d", seqs[0], seqs[n-1])
	}
	parts := make([]string, 0, len(seqs))
	for i, s := range seqs {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("… (%d)", len(seqs)))
			break
		}
		parts = append(parts, fmt.Sprint(s))
	}
	return strings.Join(parts, ", ")
}
