package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// author is who the log names for entries made from this command line.
func author(by string) string {
	if by != "" {
		return by
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	host, _ := os.Hostname()
	return host
}

func runIncidents(ctx context.Context, env *Env, g *globals, args []string) error {
	if len(args) > 0 {
		return env.unexpected(args[0])
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	incs, err := store.List[handbook.Incident](ctx, st)
	if err != nil {
		return err
	}
	if len(incs) == 0 {
		fmt.Fprintln(env.Stdout, env.T("no incidents"))
		return nil
	}
	slices.SortFunc(incs, func(a, b handbook.Incident) int { return b.StartedAt.Compare(a.StartedAt) })
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("id\tstarted\tstatus\tseverity\ttitle"))
	for _, i := range incs {
		status := env.T("open")
		if !i.Open() {
			status = env.T("closed {{.Time}}", vars{"Time": i.ClosedAt.Local().Format("2006-01-02 15:04")})
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", i.ID, i.StartedAt.Local().Format("2006-01-02 15:04"), status, i.Severity, i.Title)
	}
	return tw.Flush()
}

func runIncident(ctx context.Context, env *Env, g *globals, args []string) error {
	if len(args) == 0 {
		return env.usage("missing sub-command: start, log or close")
	}
	switch args[0] {
	case "start":
		return incidentStart(ctx, env, g, args[1:])
	case "log":
		return incidentLog(ctx, env, g, args[1:])
	case "close":
		return incidentClose(ctx, env, g, args[1:])
	}
	return env.usage("unknown sub-command {{.Name}} (known: start, log, close)", vars{"Name": quote(args[0])})
}

func incidentStart(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident start", flag.ContinueOnError)
	playbook := fs.String("playbook", "", "start from this playbook (`ID or TITLE`)")
	title := fs.String("title", "", "incident `TITLE` (default: the playbook's)")
	severity := fs.String("severity", "", "`SEVERITY`: low, medium, high or critical (default: the playbook's, else high)")
	level := fs.Int("level", ops.LevelFromSeverity, "escalation `LEVEL` at the start; 0 for none (default: the one the severity suggests)")
	owner := fs.String("owner", "", "the `ROLE` that owns the incident (ID or name)")
	gdpr := fs.Bool("gdpr", false, "personal data involved: start the GDPR Art. 33 clock")
	nis2 := fs.Bool("nis2", false, "significant under NIS2: start the §32 BSIG clocks")
	aware := fs.String("aware", "", "when the company became aware (`2006-01-02T15:04`, local time; default now)")
	by := fs.String("by", "", "`NAME` written into the log")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	if *playbook == "" && *title == "" {
		return env.usage("give --playbook or --title")
	}
	req := ops.StartIncident{Playbook: *playbook, Title: *title, Severity: handbook.Severity(*severity), Level: *level,
		OwnerRole: *owner, By: author(*by)}
	if *aware != "" {
		var err error
		if req.AwareAt, err = time.ParseInLocation("2006-01-02T15:04", *aware, time.Local); err != nil {
			return env.usage("--aware {{.Value}}: write it as 2006-01-02T15:04", vars{"Value": quote(*aware)})
		}
	}
	if *gdpr {
		req.Clocks = append(req.Clocks, handbook.ClocksGDPR...)
	}
	if *nis2 {
		req.Clocks = append(req.Clocks, handbook.ClocksNIS2...)
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	inc, err := env.ops(st).StartIncident(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, env.T("started incident {{.ID}}: {{.Title}}", vars{"ID": inc.ID, "Title": inc.Title}))
	for _, d := range handbook.Deadlines(inc, nil, time.Local) {
		fmt.Fprintf(env.Stdout, "  %s\n", env.T("{{.Clock}} due {{.Time}}", vars{"Clock": d.Clock, "Time": d.Due.Local().Format("2006-01-02 15:04")}))
	}
	return nil
}

func incidentLog(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident log", flag.ContinueOnError)
	kind := fs.String("kind", handbook.LogNote, "entry `KIND`: "+strings.Join([]string{handbook.LogNote, handbook.LogDecision, handbook.LogMessage, handbook.LogCall}, ", "))
	by := fs.String("by", "", "`NAME` written into the log")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return env.usage("give the incident ID and the text")
	}
	if !slices.Contains([]string{handbook.LogNote, handbook.LogDecision, handbook.LogMessage, handbook.LogCall}, *kind) {
		return env.usage("unknown kind {{.Kind}}", vars{"Kind": quote(*kind)})
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	o := env.ops(st)
	inc, err := o.FindIncident(ctx, pos[0])
	if err != nil {
		return err
	}
	e, err := o.Log(ctx, handbook.LogEntry{IncidentID: inc.ID, Author: author(*by), Kind: *kind, Text: strings.Join(pos[1:], " ")})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s %s: %s\n", e.At.Local().Format("15:04:05"), e.Kind, e.Text)
	return nil
}

func incidentClose(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident close", flag.ContinueOnError)
	summary := fs.String("summary", "", "closing `SUMMARY`")
	lessons := fs.String("lessons", "", "lessons learned (`TEXT`), logged with the close")
	by := fs.String("by", "", "`NAME` written into the log")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	id, err := oneArg(env, pos, env.T("incident ID"))
	if err != nil {
		return err
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	o := env.ops(st)
	inc, err := o.FindIncident(ctx, id)
	if err != nil {
		return err
	}
	inc, err = o.CloseIncident(ctx, ops.CloseIncident{IncidentID: inc.ID, Summary: *summary, Lessons: *lessons,
		LessonsLabel: env.T("Lessons learned:"), By: author(*by)})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, env.T("closed incident {{.Title}}", vars{"Title": inc.Title}))
	return nil
}

func runIncidentReport(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident-report", flag.ContinueOnError)
	out := fs.String("o", "", "output `FILE`.pdf")
	lang := fs.String("lang", "de", "language of the fixed texts: `de` or en")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	id, err := oneArg(env, pos, env.T("incident ID"))
	if err != nil {
		return err
	}
	if *out == "" {
		return env.usage("missing {{.What}}", vars{"What": "-o FILE.pdf"})
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(env, *out, st.Path()); err != nil {
		return err
	}
	o := env.ops(st)
	inc, err := o.FindIncident(ctx, id)
	if err != nil {
		return err
	}
	printed, err := env.printTime()
	if err != nil {
		return err
	}
	res, err := o.PrintIncidentReport(ctx, ops.IncidentReport{Path: *out, IncidentID: inc.ID, Options: binder.Options{Lang: *lang, PrintedAt: printed}}, env.progress())
	if err != nil {
		if errors.Is(err, binder.ErrBadOption) {
			return usagef("%v", err)
		}
		return err
	}
	fmt.Fprintln(env.Stdout, env.T("wrote {{.Path}}: {{.Pages}} pages", vars{"Path": *out, "Pages": res.Pages}))
	return nil
}
