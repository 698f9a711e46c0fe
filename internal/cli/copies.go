package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// printCopies prints copies of the distribution list into the folder dir:
// which is all, outdated, or numbers.
func printCopies(ctx context.Context, env *Env, st *store.Store, which, dir string, opt binder.Options) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return env.usage("with --copies, -o names a folder for the copies' PDF files, not {{.Path}}", vars{"Path": quote(dir)})
	}
	o := env.ops(st)
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	live := hb.Live()
	statuses := handbook.CopyStatuses(&live, handbook.InForce(&live))
	var ids []string
	switch strings.ToLower(strings.TrimSpace(which)) {
	case "all", "alle":
	case "outdated", "veraltet":
		for _, s := range statuses {
			if s.NeedsReplacing() {
				ids = append(ids, s.Copy.ID)
			}
		}
		if len(ids) == 0 {
			fmt.Fprintln(env.Stdout, env.T("no copy is outdated: nothing to print"))
			return nil
		}
	default:
		for _, part := range strings.Split(which, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil {
				return env.usage("--copies takes all, outdated or copy numbers (1,3), not {{.Value}}", vars{"Value": quote(which)})
			}
			c, err := o.FindCopy(ctx, n)
			if err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
	}
	printed, err := o.PrintCopies(ctx, ops.PrintCopies{Dir: dir, CopyIDs: ids, Options: opt}, env.progress())
	if err != nil && !ops.NotRecorded(err) {
		return err
	}
	for _, p := range printed {
		fmt.Fprintln(env.Stdout, env.T("copy {{.N}}: wrote {{.Path}} ({{.Pages}} pages)", vars{"N": p.Copy.Number, "Path": p.Path, "Pages": p.Pages}))
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, env.errorText(err))
		return nil
	}
	fmt.Fprintln(env.Stdout, env.T("Hand each copy to its holder and confirm the exchange: ernstfall copies confirm N"))
	return nil
}

func runCopies(ctx context.Context, env *Env, g *globals, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return copiesAdd(ctx, env, g, args[1:])
		case "confirm":
			return copiesConfirm(ctx, env, g, args[1:])
		case "remove":
			return copiesRemove(ctx, env, g, args[1:])
		}
	}
	fs := flag.NewFlagSet("copies", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	live, err := g.loadRead(ctx, env)
	if err != nil {
		return err
	}
	statuses := handbook.CopyStatuses(&live, handbook.InForce(&live))
	holders := map[string]string{}
	for _, c := range live.Contacts {
		holders[c.ID] = c.FullName()
	}
	if *asJSON {
		return printCopiesJSON(env, statuses, holders)
	}
	if len(statuses) == 0 {
		fmt.Fprintln(env.Stdout, env.T("The distribution list has no copies yet; add one with: ernstfall copies add --holder NAME --place TEXT"))
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("no.\tholder\tplace\tprinted\tversion\tstate"))
	outdated := 0
	for _, s := range statuses {
		printed, version := "–", "–"
		if s.InPlace != nil {
			printed, version = env.date(s.InPlace.PrintedAt), s.InPlace.Version
		}
		mark := ""
		if s.NeedsReplacing() {
			mark = "! "
			outdated++
		}
		fmt.Fprintf(tw, "%s%d\t%s\t%s\t%s\t%s\t%s\n", mark, s.Copy.Number, holders[s.Copy.Holder], s.Copy.Place, printed, version, copyState(env, s))
	}
	tw.Flush()
	if outdated > 0 {
		fmt.Fprintln(env.Stdout, env.T("! {{.N}} copies to replace: print them with 'ernstfall binder --copies outdated -o DIR', hand them over, then 'ernstfall copies confirm N'", vars{"N": outdated}))
	}
	return nil
}

// copyState says where a copy stands.
func copyState(env *Env, s handbook.CopyStatus) string {
	var parts []string
	switch {
	case s.InPlace == nil && s.Pending == nil:
		parts = append(parts, env.T("never printed"))
	case s.Outdated:
		parts = append(parts, env.T("OUTDATED"))
	case s.InPlace != nil:
		parts = append(parts, env.T("current"))
	}
	if s.Exchange != nil {
		parts = append(parts, env.T("exchange confirmed by {{.Name}} on {{.Date}}", vars{"Name": s.Exchange.ConfirmedBy, "Date": env.date(s.Exchange.ConfirmedAt)}))
	}
	if s.Pending != nil {
		parts = append(parts, env.T("printed on {{.Date}}, exchange not confirmed", vars{"Date": env.date(s.Pending.PrintedAt)}))
	}
	return strings.Join(parts, "; ")
}

type copyJSON struct {
	Number     int    `json:"number"`
	ID         string `json:"id"`
	Holder     string `json:"holder,omitempty"`
	Place      string `json:"place"`
	Printed    string `json:"printed,omitempty"`
	Version    string `json:"version,omitempty"`
	Outdated   bool   `json:"outdated"`
	Pending    string `json:"pending_print,omitempty"`
	ExchangeBy string `json:"exchange_confirmed_by,omitempty"`
	ExchangeAt string `json:"exchange_confirmed_at,omitempty"`
}

func printCopiesJSON(env *Env, statuses []handbook.CopyStatus, holders map[string]string) error {
	out := []copyJSON{}
	for _, s := range statuses {
		j := copyJSON{Number: s.Copy.Number, ID: s.Copy.ID, Holder: holders[s.Copy.Holder], Place: s.Copy.Place, Outdated: s.NeedsReplacing()}
		if s.InPlace != nil {
			j.Printed, j.Version = s.InPlace.PrintedAt.Format("2006-01-02T15:04:05Z07:00"), s.InPlace.Version
		}
		if s.Pending != nil {
			j.Pending = s.Pending.PrintedAt.Format("2006-01-02T15:04:05Z07:00")
		}
		if s.Exchange != nil {
			j.ExchangeBy, j.ExchangeAt = s.Exchange.ConfirmedBy, s.Exchange.ConfirmedAt.Format("2006-01-02T15:04:05Z07:00")
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func copiesAdd(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("copies add", flag.ContinueOnError)
	holder := fs.String("holder", "", "the contact who holds the copy (`NAME` or ID)")
	place := fs.String("place", "", "where the copy is kept (`TEXT`)")
	number := fs.Int("number", 0, "the copy's `N`umber (default: the next free one)")
	note := fs.String("note", "", "a `NOTE`")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	return env.withOps(ctx, g, func(o *ops.Ops, st *store.Store) error {
		in := ops.CopyInput{Number: *number, Place: *place, Note: *note}
		if *holder != "" {
			_, id, err := findRecord(ctx, env, st, handbook.EntityContact, *holder)
			if err != nil {
				return err
			}
			in.Holder = id
		}
		c, err := o.AddCopy(ctx, in)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, env.T("copy {{.N}} added: {{.Place}}", vars{"N": c.Number, "Place": c.Place}))
		return nil
	})
}

// copyNumber reads the N of "copies confirm N".
func copyNumber(env *Env, pos []string) (int, error) {
	if len(pos) == 0 {
		return 0, env.usage("the copy's number is missing")
	}
	if len(pos) > 1 {
		return 0, env.unexpected(pos[1])
	}
	n, err := strconv.Atoi(pos[0])
	if err != nil {
		return 0, env.usage("{{.Value}} is not a copy's number", vars{"Value": quote(pos[0])})
	}
	return n, nil
}

func copiesConfirm(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("copies confirm", flag.ContinueOnError)
	by := fs.String("by", "", "`NAME` of who confirms the exchange (default: your name)")
	date := fs.String("date", "", "when the copy was exchanged (`TIME`; default: now)")
	note := fs.String("note", "", "a `NOTE` (the old copy destroyed, …)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	n, err := copyNumber(env, pos)
	if err != nil {
		return err
	}
	at, err := env.moment("--date", *date)
	if err != nil {
		return err
	}
	return env.withOps(ctx, g, func(o *ops.Ops, st *store.Store) error {
		c, err := o.FindCopy(ctx, n)
		if err != nil {
			return err
		}
		x, err := o.ConfirmExchange(ctx, ops.ConfirmExchange{CopyID: c.ID, By: env.who(g, *by).Name, At: at, Note: *note})
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, env.T("copy {{.N}}: exchange confirmed by {{.Name}} on {{.Date}}", vars{"N": c.Number, "Name": x.ConfirmedBy, "Date": env.date(x.ConfirmedAt)}))
		return nil
	})
}

func copiesRemove(ctx context.Context, env *Env, g *globals, args []string) error {
	n, err := copyNumber(env, args)
	if err != nil {
		return err
	}
	return env.withOps(ctx, g, func(o *ops.Ops, st *store.Store) error {
		c, err := o.FindCopy(ctx, n)
		if err != nil {
			return err
		}
		if err := o.RemoveCopy(ctx, c.ID); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, env.T("copy {{.N}} removed from the distribution list; its printouts stay in the audit", vars{"N": n}))
		return nil
	})
}

func runAudit(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	out := fs.String("o", "", "output `FILE`.csv or FILE.pdf")
	from := fs.String("from", "", "from `TIME` (2026-01-01, 30.11.2026, 90d)")
	to := fs.String("to", "", "up to `TIME` (a date alone: to the end of that day)")
	lang := fs.String("lang", "", "language of the file: `de` or en (default: the messages')")
	by := fs.String("by", "", "`NAME` of who prints, shown in the PDF")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return env.usage("missing {{.What}}", vars{"What": "-o FILE.csv|FILE.pdf"})
	}
	ext := strings.ToLower(filepath.Ext(*out))
	if ext != ".csv" && ext != ".pdf" {
		return env.usage("-o must name a .csv or .pdf file, not {{.Path}}", vars{"Path": quote(*out)})
	}
	start, err := env.moment("--from", *from)
	if err != nil {
		return err
	}
	end, err := env.moment("--to", *to)
	if err != nil {
		return err
	}
	if !end.IsZero() && end.Equal(dayStart(end)) {
		end = end.AddDate(0, 0, 1).Add(-1)
	}
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		return env.usage("--to lies before --from")
	}
	l := *lang
	if l == "" {
		l = "de"
		if env.english() {
			l = "en"
		}
	}
	printed, err := env.printTime()
	if err != nil {
		return err
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(env, *out, st.Path()); err != nil {
		return err
	}
	res, err := env.ops(st).ExportAudit(ctx, ops.ExportAudit{Path: *out, From: start, To: end,
		Options: binder.Options{Lang: l, PrintedAt: printed, PrintedBy: *by}})
	if err != nil {
		if errors.Is(err, binder.ErrBadOption) {
			return usagef("%v", err)
		}
		return err
	}
	fmt.Fprintln(env.Stdout, env.T("wrote {{.Path}}: {{.N}} entries", vars{"Path": *out, "N": res.Events}))
	return nil
}

func runApprovers(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("approvers", flag.ContinueOnError)
	set := fs.String("set", "", "comma-separated `ROLES` whose holders release documents (names or IDs); \"default\" for Krisenstab-Leitung and Geschäftsführung")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	var st *store.Store
	var err error
	if *set != "" {
		st, err = g.openExisting(ctx, env)
	} else {
		st, err = g.openRead(ctx, env)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	if *set != "" {
		settings, err := st.Settings(ctx)
		if err != nil {
			return err
		}
		settings.ApproverRoles = nil
		if strings.TrimSpace(*set) != "default" {
			for _, name := range strings.Split(*set, ",") {
				_, id, err := findRecord(ctx, env, st, handbook.EntityRole, strings.TrimSpace(name))
				if err != nil {
					return err
				}
				settings.ApproverRoles = append(settings.ApproverRoles, id)
			}
		}
		if err := env.ops(st).SaveSettings(ctx, settings); err != nil {
			return err
		}
	}
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	live := hb.Live()
	roles := handbook.ApproverRoles(&live)
	if len(roles) == 0 {
		fmt.Fprintln(env.Stdout, env.T("No role releases documents: the handbook has no role {{.Roles}}. Choose roles with --set.",
			vars{"Roles": strings.Join(handbook.DefaultApproverRoles, ", ")}))
		return nil
	}
	fmt.Fprintln(env.Stdout, env.T("Documents are released by the holders of these roles:"))
	contacts := map[string]string{}
	for _, c := range live.Contacts {
		contacts[c.ID] = c.FullName()
	}
	for _, r := range roles {
		var names []string
		for _, h := range r.Holders {
			if n := contacts[h]; n != "" {
				names = append(names, n)
			}
		}
		who := strings.Join(names, ", ")
		if who == "" {
			who = env.T("(nobody holds it)")
		}
		fmt.Fprintf(env.Stdout, "  %s: %s\n", r.Name, who)
	}
	return nil
}

// dayStart is midnight of t's day, in t's zone.
func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
