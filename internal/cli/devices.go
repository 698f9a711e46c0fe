package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"ernstfall/internal/foldersync"
	"ernstfall/internal/ops"
)

// runDevices lists the team's laptops and join requests, or admits,
// refuses or removes one.
func runDevices(ctx context.Context, env *Env, g *globals, args []string) error {
	sub := "list"
	if len(args) > 0 && (args[0] == "admit" || args[0] == "refuse" || args[0] == "remove" || args[0] == "lost" || args[0] == "list") {
		sub, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("devices "+sub, flag.ContinueOnError)
	folder := fs.String("folder", "", "the shared `DIR`ectory (default: the one of the last sync)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	all := fs.Bool("all-pending", false, "admit every laptop that asks to join (setting up many at once)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	var who string
	switch {
	case sub == "list" && len(pos) > 0:
		return env.usage("unknown sub-command {{.Name}} (known: admit, refuse, remove, lost)", vars{"Name": quote(pos[0])})
	case sub == "admit" && *all && len(pos) == 0:
	case sub != "list" && len(pos) == 1 && !*all:
		who = pos[0]
	case sub != "list" && len(pos) > 1:
		return env.unexpected(pos[1])
	case sub != "list":
		return env.usage("name the laptop: its name or fingerprint (or --all-pending to admit every laptop waiting)")
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	o := env.ops(st)
	req := ops.TeamChange{Folder: *folder, Who: who, All: *all}
	var changed []foldersync.Device
	switch sub {
	case "list":
		team, err := o.Team(ctx, *folder)
		if oe, ok := ops.AsError(err); ok && oe.Code == ops.CodeNoFolder {
			return env.usage("missing {{.What}}", vars{"What": "--folder DIR"})
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(env, team)
		}
		return printTeam(env, team)
	case "admit":
		changed, err = o.Admit(ctx, req)
	case "refuse":
		var d foldersync.Device
		d, err = o.Refuse(ctx, req)
		changed = []foldersync.Device{d}
	case "remove":
		var d foldersync.Device
		d, err = o.RemoveDevice(ctx, req)
		changed = []foldersync.Device{d}
	case "lost":
		g, err := o.DeclareLost(ctx, req)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(env, g)
		}
		fmt.Fprintln(env.Stdout, env.T("declared batches {{.Seqs}} of {{.Name}} lost; they are reported no more (if one turns up, it is still applied)",
			vars{"Seqs": seqList(g.Missing), "Name": quote(cmp.Or(g.Name, g.Device))}))
		return nil
	}
	if oe, ok := ops.AsError(err); ok && oe.Code == ops.CodeNoFolder {
		return env.usage("missing {{.What}}", vars{"What": "--folder DIR"})
	}
	if errors.Is(err, foldersync.ErrNotMember) {
		return errors.New(env.T("this laptop is not a member of the team yet; only members admit, refuse or remove laptops"))
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(env, changed)
	}
	if len(changed) == 0 {
		fmt.Fprintln(env.Stdout, env.T("no laptop asks to join"))
		return nil
	}
	for _, d := range changed {
		key := map[string]string{
			"admit":  "admitted {{.Name}} (fingerprint {{.Fingerprint}}); it takes part from its next sync",
			"refuse": "refused the join request of {{.Name}} (fingerprint {{.Fingerprint}})",
			"remove": "removed {{.Name}} (fingerprint {{.Fingerprint}}); what it writes from now on is never applied, and the team key was replaced",
		}[sub]
		fmt.Fprintln(env.Stdout, env.T(key, vars{"Name": deviceLabel(env, d), "Fingerprint": d.Fingerprint}))
	}
	return nil
}

func printJSON(env *Env, v any) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func deviceLabel(env *Env, d foldersync.Device) string {
	if d.Name != "" {
		return quote(d.Name)
	}
	return env.T("device {{.ID}}", vars{"ID": d.ID})
}

func printTeam(env *Env, team foldersync.Team) error {
	w := env.Stdout
	if team.Member {
		fmt.Fprintln(w, env.T("this laptop is a member; its fingerprint: {{.Fingerprint}}", vars{"Fingerprint": team.Fingerprint}))
	} else {
		fmt.Fprintln(w, env.T("this laptop waits to be admitted; its fingerprint: {{.Fingerprint}} — read it to a member, who admits it with 'ernstfall devices admit {{.Fingerprint}}'",
			vars{"Fingerprint": team.Fingerprint}))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("laptop\tstatus\tfingerprint\tlast sync\tadmitted by"))
	for _, d := range team.Devices {
		status := map[string]string{
			foldersync.StatusMember:  env.T("member"),
			foldersync.StatusPending: env.T("asks to join"),
			foldersync.StatusRemoved: env.T("removed"),
		}[d.Status]
		if d.Inactive {
			status = env.T("inactive")
		}
		name := deviceLabel(env, d)
		if d.Me {
			name = env.T("{{.Name}} (this laptop)", vars{"Name": name})
		}
		last := ""
		if !d.LastSync.IsZero() {
			last = d.LastSync.Local().Format(env.T("2006-01-02 15:04:05"))
		}
		if d.Status == foldersync.StatusPending && !d.Since.IsZero() {
			last = env.T("asked {{.Time}}", vars{"Time": d.Since.Local().Format(env.T("2006-01-02 15:04:05"))})
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, status, d.Fingerprint, last, d.AdmittedBy)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if team.MoreRequests > 0 {
		fmt.Fprintln(w, env.T("{{.N}} more join requests are not listed (more than a team sends: possibly a flood); admit a laptop by its fingerprint", vars{"N": team.MoreRequests}))
	}
	return nil
}
