package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/markdown"
	"ernstfall/internal/ops"
	"ernstfall/internal/person"
	"ernstfall/internal/store"
)

// who is the person the log names for entries made from this command
// line: the command's --by, else the global --as, else the name saved on
// this computer (Einstellungen in the app), else the operating-system
// user.
func (env *Env) who(g *globals, by string) person.Person {
	for _, name := range []string{by, g.as} {
		if p, err := (person.Person{Name: name}).Clean(); err == nil {
			return p
		}
	}
	if dir, err := env.configDir(); err == nil {
		if p, err := person.Load(dir); err == nil && p.Set() {
			return p
		}
	}
	return person.System()
}

// byFlag adds --by and --as to a command that writes to an incident's log:
// the name of who does it (--as works before the command as well).
func byFlag(fs *flag.FlagSet) *string {
	by := fs.String("by", "", "`NAME` written into the log (default: the name saved on this computer)")
	fs.StringVar(by, "as", "", "the same as --by")
	return by
}

// whenLayouts are the ways a time may be given on the command line, in
// local time.
var whenLayouts = []string{"2006-01-02T15:04", "2006-01-02 15:04", "02.01.2006 15:04"}

// parseWhen reads a time given with flag; "" is the zero time.
func (env *Env) parseWhen(flag, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	for _, l := range whenLayouts {
		if t, err := time.ParseInLocation(l, strings.TrimSpace(s), time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, env.usage("{{.Flag}} {{.Value}}: write it as 2006-01-02T15:04", vars{"Flag": flag, "Value": quote(s)})
}

// clockLine is one report with its deadline and state, for listings.
func (env *Env) clockLine(d handbook.Deadline, now time.Time) string {
	name := env.T(d.Rule.Name)
	due := d.Due.Local().Format("2006-01-02 15:04")
	switch {
	case !d.SentAt.IsZero():
		return env.T("{{.Report}}: sent {{.Time}} ({{.By}})", vars{"Report": name, "Time": d.SentAt.Local().Format("2006-01-02 15:04"), "By": d.SentBy})
	case !d.WaivedAt.IsZero():
		return env.T("{{.Report}}: not needed ({{.Reason}})", vars{"Report": name, "Reason": d.Reason})
	case d.Overdue(now):
		return env.T("{{.Report}}: OVERDUE since {{.Time}}", vars{"Report": name, "Time": due})
	case d.AwaitsClassification:
		return env.T("{{.Report}}: due {{.Time}} at the latest; 4 hours after the classification as major", vars{"Report": name, "Time": due})
	}
	return env.T("{{.Report}}: due {{.Time}}", vars{"Report": name, "Time": due})
}

func runIncidents(ctx context.Context, env *Env, g *globals, args []string) error {
	if len(args) > 0 {
		return env.unexpected(args[0])
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	all, err := store.List[handbook.Incident](ctx, st)
	if err != nil {
		return err
	}
	// Drills are exercises, not incidents: 'exercises' lists them.
	incs := handbook.RealIncidents(all)
	drills := len(handbook.RunningDrills(all))
	if len(incs) == 0 {
		fmt.Fprintln(env.Stdout, env.T("no incidents"))
		if drills > 0 {
			fmt.Fprintln(env.Stdout, env.T("({{.N}} exercise drills running: see 'ernstfall exercises')", vars{"N": drills}))
		}
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
	if err := tw.Flush(); err != nil {
		return err
	}
	if drills > 0 {
		fmt.Fprintln(env.Stdout, env.T("({{.N}} exercise drills running: see 'ernstfall exercises')", vars{"N": drills}))
	}
	return nil
}

func runIncident(ctx context.Context, env *Env, g *globals, args []string) error {
	subs := map[string]subcommand{
		"start": incidentStart, "log": incidentLog, "close": incidentClose, "message": incidentMessage,
		"reports": incidentReports, "regime": incidentRegime, "classify": incidentClassify, "facts": incidentFacts,
		"sent": incidentSent, "waive": incidentWaive,
	}
	return env.runSub(ctx, g, args, subs, "start, log, facts, regime, classify, reports, sent, waive, message, close")
}

func incidentStart(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident start", flag.ContinueOnError)
	playbook := fs.String("playbook", "", "start from this playbook (`ID or TITLE`)")
	title := fs.String("title", "", "incident `TITLE` (default: the playbook's)")
	severity := fs.String("severity", "", "`SEVERITY`: low, medium, high or critical (default: the playbook's, else high)")
	level := fs.Int("level", ops.LevelFromSeverity, "escalation `LEVEL` at the start; 0 for none (default: the one the severity suggests)")
	owner := fs.String("owner", "", "the `ROLE` that owns the incident (ID or name)")
	gdpr := fs.Bool("gdpr", false, "personal data involved: start the GDPR Art. 33 and 34 clocks")
	nis2 := fs.Bool("nis2", false, "significant under NIS2: start the §32 BSIG clocks")
	dora := fs.Bool("dora", false, "major ICT-related incident under DORA: start the DORA clocks")
	classified := fs.String("classified", "", "when it was classified as major under DORA (`TIME`; default now)")
	aware := fs.String("aware", "", "when the company became aware (`2006-01-02T15:04`, local time; default now)")
	impact := fs.String("impact", "", "what the incident does to customers, staff and operations (`TEXT`)")
	next := fs.String("next-update", "", "when the next update is promised (`TIME`)")
	by := byFlag(fs)
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	if *playbook == "" && *title == "" {
		return env.usage("give --playbook or --title")
	}
	who := env.who(g, *by)
	req := ops.StartIncident{Playbook: *playbook, Title: *title, Severity: handbook.Severity(*severity), Level: *level,
		OwnerRole: *owner, Impact: *impact, By: who.Name, Initials: who.Initials}
	var err error
	if req.AwareAt, err = env.parseWhen("--aware", *aware); err != nil {
		return err
	}
	if req.ClassifiedAt, err = env.parseWhen("--classified", *classified); err != nil {
		return err
	}
	if req.NextUpdate, err = env.parseWhen("--next-update", *next); err != nil {
		return err
	}
	for regime, on := range map[string]bool{handbook.RegimeGDPR: *gdpr, handbook.RegimeNIS2: *nis2, handbook.RegimeDORA: *dora} {
		if on {
			req.Regimes = append(req.Regimes, regime)
		}
	}
	if *classified != "" && !*dora {
		return env.usage("--classified belongs to --dora")
	}
	return env.withOps(ctx, g, func(o *ops.Ops, st *store.Store) error {
		inc, err := o.StartIncident(ctx, req)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, env.T("started incident {{.ID}}: {{.Title}}", vars{"ID": inc.ID, "Title": inc.Title}))
		log, err := incidentLogOf(ctx, st, inc.ID)
		if err != nil {
			return err
		}
		for _, d := range handbook.Deadlines(inc, log, time.Local) {
			fmt.Fprintf(env.Stdout, "  %s\n", env.clockLine(d, env.Now()))
		}
		return nil
	})
}

// incidentLogOf is the log of one incident.
func incidentLogOf(ctx context.Context, st *store.Store, id string) ([]handbook.LogEntry, error) {
	all, err := store.List[handbook.LogEntry](ctx, st)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(e handbook.LogEntry) bool { return e.IncidentID != id }), nil
}

func incidentLog(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident log", flag.ContinueOnError)
	kind := fs.String("kind", handbook.LogNote, "entry `KIND`: "+strings.Join([]string{handbook.LogNote, handbook.LogDecision, handbook.LogMessage, handbook.LogCall}, ", "))
	by := byFlag(fs)
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
	return env.withOps(ctx, g, func(o *ops.Ops, st *store.Store) error {
		inc, err := o.FindIncident(ctx, pos[0])
		if err != nil {
			return err
		}
		who := env.who(g, *by)
		e, err := o.Log(ctx, handbook.LogEntry{IncidentID: inc.ID, Author: who.Name, Initials: who.Initials, Kind: *kind, Text: strings.Join(pos[1:], " ")})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s %s: %s\n", e.At.Local().Format("15:04:05"), e.Kind, e.Text)
		return nil
	})
}

func incidentClose(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident close", flag.ContinueOnError)
	summary := fs.String("summary", "", "closing `SUMMARY`")
	lessons := fs.String("lessons", "", "lessons learned (`TEXT`), logged with the close")
	openOK := fs.Bool("reports-open-ok", false, "close although reports are still open (the decision is logged)")
	reason := fs.String("reason", "", "why the open reports may stay open (`TEXT`), logged with --reports-open-ok")
	by := byFlag(fs)
	id, err := env.idArg(fs, args, env.T("incident ID"))
	if err != nil {
		return err
	}
	return env.withOps(ctx, g, func(o *ops.Ops, st *store.Store) error {
		inc, err := o.FindIncident(ctx, id)
		if err != nil {
			return err
		}
		who := env.who(g, *by)
		inc, err = o.CloseIncident(ctx, ops.CloseIncident{IncidentID: inc.ID, Summary: *summary, Lessons: *lessons,
			LessonsLabel: env.T("Lessons learned:"), ReportsOpenOK: *openOK, ReportsOpenReason: *reason, By: who.Name, Initials: who.Initials})
		var open *ops.ReportsOpenError
		if errors.As(err, &open) {
			fmt.Fprintln(env.Stderr, env.T("The incident still owes these reports:"))
			for _, d := range open.Reports {
				fmt.Fprintf(env.Stderr, "  %s\n", env.clockLine(d, env.Now()))
			}
			return errors.New(env.T("not closed: send the reports ('incident sent'), declare them not needed ('incident waive'), or close with --reports-open-ok"))
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, env.T("closed incident {{.Title}}", vars{"Title": inc.Title}))
		return nil
	})
}

// onIncident opens the handbook, finds the incident by its ID (or a
// prefix), runs f and closes the handbook again.
func (env *Env) onIncident(ctx context.Context, g *globals, id string, f func(o *ops.Ops, st *store.Store, inc handbook.Incident) error) error {
	return env.withOps(ctx, g, func(o *ops.Ops, st *store.Store) error {
		inc, err := o.FindIncident(ctx, id)
		if err != nil {
			return err
		}
		return f(o, st, inc)
	})
}

// reportArgs are the incident ID and the report a command names.
func (env *Env) reportArgs(pos []string) (id, report string, err error) {
	if len(pos) != 2 {
		return "", "", env.usage("give the incident ID and the report ({{.Known}})", vars{"Known": strings.Join(handbook.ClockKeys, ", ")})
	}
	report, err = env.reportArg(pos[1])
	return pos[0], report, err
}

func incidentReports(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident reports", flag.ContinueOnError)
	id, err := env.idArg(fs, args, env.T("incident ID"))
	if err != nil {
		return err
	}
	return env.onIncident(ctx, g, id, func(_ *ops.Ops, st *store.Store, inc handbook.Incident) error {
		log, err := incidentLogOf(ctx, st, inc.ID)
		if err != nil {
			return err
		}
		ds := handbook.Deadlines(inc, log, time.Local)
		if len(ds) == 0 {
			fmt.Fprintln(env.Stdout, env.T("This incident owes no reports."))
			return nil
		}
		for _, d := range ds {
			fmt.Fprintf(env.Stdout, "%-18s %s\n", d.Clock, env.clockLine(d, env.Now()))
		}
		return nil
	})
}

// regimeArg reads a regime named on the command line.
func (env *Env) regimeArg(s string) (string, error) {
	r := strings.ToLower(strings.TrimSpace(s))
	if !slices.Contains(handbook.Regimes, r) {
		return "", env.usage("unknown regime {{.Name}} (known: {{.Known}})", vars{"Name": quote(s), "Known": strings.Join(handbook.Regimes, ", ")})
	}
	return r, nil
}

// reportArg reads a report named on the command line by its key.
func (env *Env) reportArg(s string) (string, error) {
	r := strings.ToLower(strings.TrimSpace(s))
	if _, ok := handbook.Rule(r); !ok {
		return "", env.usage("unknown report {{.Name}} (known: {{.Known}})", vars{"Name": quote(s), "Known": strings.Join(handbook.ClockKeys, ", ")})
	}
	return r, nil
}

func incidentRegime(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident regime", flag.ContinueOnError)
	aware := fs.String("aware", "", "when the company became aware of what makes the regime apply (`TIME`; default now)")
	classified := fs.String("classified", "", "DORA: when the incident was classified as major (`TIME`)")
	by := byFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return env.usage("give the incident ID and the regime ({{.Known}})", vars{"Known": strings.Join(handbook.Regimes, ", ")})
	}
	regime, err := env.regimeArg(pos[1])
	if err != nil {
		return err
	}
	req := ops.AddRegime{Regime: regime}
	if req.AwareAt, err = env.parseWhen("--aware", *aware); err != nil {
		return err
	}
	if req.ClassifiedAt, err = env.parseWhen("--classified", *classified); err != nil {
		return err
	}
	who := env.who(g, *by)
	req.By, req.Initials = who.Name, who.Initials
	return env.onIncident(ctx, g, pos[0], func(o *ops.Ops, st *store.Store, inc handbook.Incident) error {
		req.IncidentID = inc.ID
		if err := o.AddRegime(ctx, req); err != nil {
			return err
		}
		return printReports(ctx, env, st, inc)
	})
}

// printReports lists an incident's reports as they stand now.
func printReports(ctx context.Context, env *Env, st *store.Store, inc handbook.Incident) error {
	log, err := incidentLogOf(ctx, st, inc.ID)
	if err != nil {
		return err
	}
	for _, d := range handbook.Deadlines(inc, log, time.Local) {
		fmt.Fprintf(env.Stdout, "  %s\n", env.clockLine(d, env.Now()))
	}
	return nil
}

func incidentClassify(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident classify", flag.ContinueOnError)
	at := fs.String("at", "", "when it was classified as major (`TIME`; default now)")
	by := byFlag(fs)
	id, err := env.idArg(fs, args, env.T("incident ID"))
	if err != nil {
		return err
	}
	when, err := env.parseWhen("--at", *at)
	if err != nil {
		return err
	}
	who := env.who(g, *by)
	return env.onIncident(ctx, g, id, func(o *ops.Ops, st *store.Store, inc handbook.Incident) error {
		if err := o.Classify(ctx, inc.ID, handbook.RegimeDORA, when, who.Name, who.Initials); err != nil {
			return err
		}
		return printReports(ctx, env, st, inc)
	})
}

func incidentFacts(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident facts", flag.ContinueOnError)
	impact := fs.String("impact", "", "the impact as it is known now (`TEXT`)")
	next := fs.String("next-update", "", "when the next update is promised (`TIME`)")
	by := byFlag(fs)
	id, err := env.idArg(fs, args, env.T("incident ID"))
	if err != nil {
		return err
	}
	who := env.who(g, *by)
	req := ops.SetFacts{By: who.Name, Initials: who.Initials}
	if *impact != "" {
		req.Impact = impact
	}
	if *next != "" {
		t, err := env.parseWhen("--next-update", *next)
		if err != nil {
			return err
		}
		req.NextUpdate = &t
	}
	if req.Impact == nil && req.NextUpdate == nil {
		return env.usage("give --impact, --next-update or both")
	}
	return env.onIncident(ctx, g, id, func(o *ops.Ops, _ *store.Store, inc handbook.Incident) error {
		req.IncidentID = inc.ID
		if err := o.SetFacts(ctx, req); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, env.T("logged"))
		return nil
	})
}

func incidentSent(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident sent", flag.ContinueOnError)
	at := fs.String("at", "", "when it was sent (`TIME`; default now)")
	by := byFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	id, report, err := env.reportArgs(pos)
	if err != nil {
		return err
	}
	when, err := env.parseWhen("--at", *at)
	if err != nil {
		return err
	}
	who := env.who(g, *by)
	rule, _ := handbook.Rule(report)
	return env.onIncident(ctx, g, id, func(o *ops.Ops, st *store.Store, inc handbook.Incident) error {
		if _, err := o.Log(ctx, handbook.LogEntry{IncidentID: inc.ID, Kind: handbook.LogReport, Clock: report, At: when,
			Author: who.Name, Initials: who.Initials, Text: env.T("Report sent: {{.Clock}}", vars{"Clock": env.T(rule.Name)})}); err != nil {
			return err
		}
		return printReports(ctx, env, st, inc)
	})
}

func incidentWaive(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident waive", flag.ContinueOnError)
	reason := fs.String("reason", "", "why the report is not needed (`TEXT`, required; logged)")
	by := byFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	id, report, err := env.reportArgs(pos)
	if err != nil {
		return err
	}
	who := env.who(g, *by)
	return env.onIncident(ctx, g, id, func(o *ops.Ops, st *store.Store, inc handbook.Incident) error {
		if err := o.WaiveReport(ctx, ops.WaiveReport{IncidentID: inc.ID, Clock: report, Reason: *reason,
			By: who.Name, Initials: who.Initials}); err != nil {
			return err
		}
		return printReports(ctx, env, st, inc)
	})
}

func incidentMessage(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("incident message", flag.ContinueOnError)
	title := fs.String("template", "", "the communication template (`TITLE` or ID)")
	md := fs.Bool("markdown", false, "print Markdown instead of plain text")
	id, err := env.idArg(fs, args, env.T("incident ID"))
	if err != nil {
		return err
	}
	if strings.TrimSpace(*title) == "" {
		return env.usage("missing {{.What}}", vars{"What": "--template TITLE"})
	}
	who := env.who(g, "")
	return env.onIncident(ctx, g, id, func(_ *ops.Ops, st *store.Store, inc handbook.Incident) error {
		hb, err := st.Load(ctx)
		if err != nil {
			return err
		}
		hb = hb.Live()
		tpl, err := findTemplate(env, hb.CommTemplates, *title)
		if err != nil {
			return err
		}
		m := handbook.Message{Handbook: hb, Incident: inc, At: env.Now(), Loc: time.Local, Author: who.Name, Initials: who.Initials}
		subject, body := m.Fill(tpl)
		if !*md {
			body = markdown.PlainText(body)
		}
		if subject != "" {
			fmt.Fprintf(env.Stdout, "%s\n\n", subject)
		}
		fmt.Fprintln(env.Stdout, strings.TrimRight(body, "\n"))
		return nil
	})
}

// findTemplate finds a template by ID, else by title in any case.
func findTemplate(env *Env, tpls []handbook.CommTemplate, ref string) (handbook.CommTemplate, error) {
	ref = strings.TrimSpace(ref)
	var found []handbook.CommTemplate
	for _, t := range tpls {
		if t.ID == ref {
			return t, nil
		}
		if strings.EqualFold(strings.TrimSpace(t.Title), ref) {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		titles := make([]string, len(tpls))
		for i, t := range tpls {
			titles[i] = quote(t.Title)
		}
		return handbook.CommTemplate{}, errors.New(env.T("there is no template {{.Name}}; the handbook has: {{.Titles}}", vars{"Name": quote(ref), "Titles": strings.Join(titles, ", ")}))
	}
	return handbook.CommTemplate{}, errors.New(env.T("{{.N}} templates are called {{.Name}}; give its ID", vars{"N": len(found), "Name": quote(ref)}))
}

func runIncidentReport(ctx context.Context, env *Env, g *globals, args []string) error {
	return runRecordReport(ctx, env, g, args, "incident-report", env.T("incident ID"),
		func(o *ops.Ops, ref string, path string, opts binder.Options) (int, error) {
			inc, err := o.FindIncident(ctx, ref)
			if err != nil {
				return 0, err
			}
			res, err := o.PrintIncidentReport(ctx, ops.IncidentReport{Path: path, IncidentID: inc.ID, Options: opts}, env.progress())
			return res.Pages, err
		})
}

// runRecordReport is the shape of the commands that print one record's
// report (an incident's, an exercise's): ID and -o FILE.pdf checked, the
// handbook opened read-only, never written over, and the pages counted.
// print finds the record by ref and writes the PDF.
func runRecordReport(ctx context.Context, env *Env, g *globals, args []string, name, idWhat string,
	print func(o *ops.Ops, ref, path string, opts binder.Options) (pages int, err error)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	out := fs.String("o", "", "output `FILE`.pdf")
	lang := fs.String("lang", "de", "language of the fixed texts: `de` or en")
	id, err := env.idArg(fs, args, idWhat)
	if err != nil {
		return err
	}
	if *out == "" {
		return env.usage("missing {{.What}}", vars{"What": "-o FILE.pdf"})
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(env, *out, st.Path()); err != nil {
		return err
	}
	printed, err := env.printTime()
	if err != nil {
		return err
	}
	pages, err := print(env.ops(st), id, *out, binder.Options{Lang: *lang, PrintedAt: printed})
	if err != nil {
		if errors.Is(err, binder.ErrBadOption) {
			return usagef("%v", err)
		}
		return err
	}
	fmt.Fprintln(env.Stdout, env.T("wrote {{.Path}}: {{.Pages}} pages", vars{"Path": *out, "Pages": pages}))
	return nil
}
