package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// listFlag collects a flag given several times, in order.
func listFlag(fs *flag.FlagSet, name, usage string) *[]string {
	var out []string
	fs.Func(name, usage, func(s string) error {
		out = append(out, s)
		return nil
	})
	return &out
}

// regimeFlags adds --gdpr, --nis2 and --dora; regimes lists those given.
func regimeFlags(fs *flag.FlagSet) (regimes func() []string) {
	on := map[string]*bool{
		handbook.RegimeGDPR: fs.Bool("gdpr", false, "practise the GDPR Art. 33 and 34 clocks"),
		handbook.RegimeNIS2: fs.Bool("nis2", false, "practise the NIS2 / §32 BSIG clocks"),
		handbook.RegimeDORA: fs.Bool("dora", false, "practise the DORA clocks"),
	}
	return func() []string {
		var out []string
		for _, r := range handbook.Regimes {
			if *on[r] {
				out = append(out, r)
			}
		}
		return out
	}
}

// kindArg reads an exercise kind named on the command line.
func (env *Env) kindArg(s string) (handbook.ExerciseKind, error) {
	k := handbook.ExerciseKind(strings.ToLower(strings.TrimSpace(s)))
	if k == "" || slices.Contains(handbook.ExerciseKinds, k) {
		return k, nil
	}
	var known []string
	for _, k := range handbook.ExerciseKinds {
		known = append(known, string(k))
	}
	return "", env.usage("unknown kind of exercise {{.Name}} (known: {{.Known}})", vars{"Name": quote(s), "Known": strings.Join(known, ", ")})
}

// parseMoment reads a date, with or without the time of day.
func (env *Env) parseMoment(flagName, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := handbook.ParseMoment(s, env.Now(), time.Local)
	if err != nil {
		return time.Time{}, env.usage("{{.Flag}} {{.Value}}: write it as 2027-03-15 or 2027-03-15 09:00", vars{"Flag": flagName, "Value": quote(s)})
	}
	return t, nil
}

// parseMinutes reads a duration given with a flag.
func (env *Env) parseMinutes(flagName, s string) (handbook.Minutes, error) {
	m, err := handbook.ParseMinutes(s)
	if err != nil {
		return 0, env.usage("{{.Flag}} {{.Value}}: write minutes as 90, 90 min, 4 h or 1:30", vars{"Flag": flagName, "Value": quote(s)})
	}
	return m, nil
}

// kindName is an exercise kind in the language of the messages.
func (env *Env) kindName(k handbook.ExerciseKind) string {
	if n, ok := handbook.ExerciseKindNames[k]; ok {
		return env.T(n)
	}
	return string(k)
}

// statusName is an exercise's status in the language of the messages.
func (env *Env) statusName(s handbook.ExerciseStatus) string {
	return env.T(map[handbook.ExerciseStatus]string{
		handbook.ExercisePlanned: "planned", handbook.ExerciseRunning: "running", handbook.ExerciseEvaluated: "evaluated",
	}[s])
}

func runExercises(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("exercises", flag.ContinueOnError)
	year := fs.Int("year", 0, "show the `YEAR` month by month")
	coverage := fs.Bool("coverage", false, "show when each playbook, critical service and critical process was last exercised")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	hb, err := g.loadRead(ctx, env)
	if err != nil {
		return err
	}
	switch {
	case *coverage:
		return env.printCoverage(hb)
	case *year != 0:
		return env.printYear(hb, *year)
	}
	if len(hb.Exercises) == 0 {
		fmt.Fprintln(env.Stdout, env.T("no exercises"))
		return nil
	}
	exs := slices.Clone(hb.Exercises)
	slices.SortFunc(exs, func(a, b handbook.Exercise) int {
		return cmp.Or(b.Date.Compare(a.Date), strings.Compare(a.ID, b.ID))
	})
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("id\tdate\tkind\tstatus\ttitle"))
	for _, x := range exs {
		status := env.statusName(x.State())
		if x.Overdue(env.Now()) {
			status += " ⚠"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", x.ID, x.Date.Local().Format("2006-01-02"), env.kindName(x.Kind), status, x.Title)
	}
	return tw.Flush()
}

var monthKeys = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// printYear lists a year's exercises month by month.
func (env *Env) printYear(hb handbook.Handbook, year int) error {
	months := handbook.ExercisesOfYear(hb.Exercises, year, time.Local)
	for i, list := range months {
		fmt.Fprintf(env.Stdout, "%s %d\n", env.T(monthKeys[i]), year)
		if len(list) == 0 {
			fmt.Fprintf(env.Stdout, "  –\n")
		}
		for _, x := range list {
			fmt.Fprintf(env.Stdout, "  %s  %s  %s (%s, %s)\n", x.Date.Local().Format("2006-01-02"), x.ID[:8], x.Title, env.kindName(x.Kind), env.statusName(x.State()))
		}
	}
	return nil
}

// printCoverage lists what was exercised when.
func (env *Env) printCoverage(hb handbook.Handbook) error {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("kind\ttitle\tcritical\tlast exercised\tnext planned"))
	for _, c := range handbook.Coverage(hb, env.Now()) {
		last, next := env.T("never"), "–"
		if !c.Last.IsZero() {
			last = c.Last.Local().Format("2006-01-02")
		}
		if c.Due {
			last = "⚠ " + last
		}
		if !c.Next.IsZero() {
			next = c.Next.Local().Format("2006-01-02")
		}
		critical := ""
		if c.Critical {
			critical = env.T("yes")
		}
		kind := map[handbook.Entity]string{handbook.EntityPlaybook: "Playbook", handbook.EntityService: "Service", handbook.EntityProcess: "Business process"}[c.Entity]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", env.T(cmp.Or(kind, string(c.Entity))), c.Title, critical, last, next)
	}
	return tw.Flush()
}

func runExercise(ctx context.Context, env *Env, g *globals, args []string) error {
	subs := map[string]subcommand{
		"plan": exercisePlan, "start": exerciseStart, "log": exerciseLog, "close": exerciseClose,
		"show": exerciseShow, "recovery": exerciseRecovery,
	}
	return env.runSub(ctx, g, args, subs, "plan, start, log, show, recovery, close")
}

// parseInject reads an inject given as "MINUTES|FROM|TEXT" or
// "MINUTES|TEXT" ("T+10|Presse|Ein Journalist ruft an").
func (env *Env) parseInject(s string) (handbook.Inject, error) {
	parts := strings.SplitN(s, "|", 3)
	bad := env.usage("--inject {{.Value}}: write it as MINUTES|FROM|TEXT, e.g. 10|Presse|Ein Journalist ruft an", vars{"Value": quote(s)})
	if len(parts) < 2 {
		return handbook.Inject{}, bad
	}
	at, err := handbook.ParseMinutes(strings.TrimPrefix(strings.TrimSpace(strings.ToUpper(parts[0])), "T+"))
	if err != nil {
		return handbook.Inject{}, bad
	}
	in := handbook.Inject{At: at, Text: strings.TrimSpace(parts[len(parts)-1])}
	if len(parts) == 3 {
		in.From = strings.TrimSpace(parts[1])
	}
	if in.Text == "" {
		return handbook.Inject{}, bad
	}
	return in, nil
}

func exercisePlan(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("exercise plan", flag.ContinueOnError)
	title := fs.String("title", "", "the exercise's `TITLE`")
	kind := fs.String("kind", string(handbook.ExerciseTabletop), "`KIND`: alarm_test, walkthrough, tabletop, functional_test, full_exercise")
	date := fs.String("date", "", "planned `DATE` (2027-03-15, with a time if you like)")
	scenario := fs.String("scenario", "", "the scenario (`TEXT`)")
	playbooks := listFlag(fs, "playbook", "a playbook in scope (`TITLE` or ID; repeat for more)")
	services := listFlag(fs, "service", "a service in scope (`NAME` or ID; repeat)")
	processes := listFlag(fs, "process", "a business process in scope (`NAME` or ID; repeat)")
	sites := listFlag(fs, "site", "a site in scope (`NAME` or ID; repeat)")
	objectives := listFlag(fs, "objective", "an objective (`TEXT`; repeat)")
	roles := listFlag(fs, "role", "a role taking part (`NAME`; repeat)")
	contacts := listFlag(fs, "contact", "a person taking part (`NAME`; repeat)")
	participants := fs.String("participants", "", "other participants, in words (`TEXT`)")
	facilitator := fs.String("facilitator", "", "who leads the exercise (contact `NAME`)")
	observers := listFlag(fs, "observer", "an observer (contact `NAME`; repeat)")
	injects := listFlag(fs, "inject", "a scenario message: `MINUTES|FROM|TEXT` after the start (repeat)")
	regimes := regimeFlags(fs)
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	req := ops.PlanExercise{Title: *title, Scenario: *scenario, Playbooks: *playbooks, Services: *services, Processes: *processes,
		Sites: *sites, Objectives: *objectives, Roles: *roles, Contacts: *contacts, Participants: *participants,
		Facilitator: *facilitator, Observers: *observers, Regimes: regimes()}
	var err error
	if req.Kind, err = env.kindArg(*kind); err != nil {
		return err
	}
	if strings.TrimSpace(*date) == "" {
		return env.usage("missing {{.What}}", vars{"What": "--date DATE"})
	}
	if req.Date, err = env.parseMoment("--date", *date); err != nil {
		return err
	}
	for _, s := range *injects {
		in, err := env.parseInject(s)
		if err != nil {
			return err
		}
		req.Injects = append(req.Injects, in)
	}
	return env.withOps(ctx, g, func(o *ops.Ops, st *store.Store) error {
		x, err := o.PlanExercise(ctx, req)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, env.T("planned exercise {{.ID}}: {{.Title}}, {{.Date}}", vars{"ID": x.ID, "Title": x.Title, "Date": x.Date.Local().Format("2006-01-02")}))
		return nil
	})
}

func exerciseStart(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("exercise start", flag.ContinueOnError)
	playbook := fs.String("playbook", "", "drill this playbook (`TITLE` or ID): without an exercise ID, an unplanned drill")
	kind := fs.String("kind", "", "`KIND` of an unplanned drill (default tabletop)")
	title := fs.String("title", "", "the drill's `TITLE`")
	severity := fs.String("severity", "", "`SEVERITY` of the scenario")
	level := fs.Int("level", ops.LevelFromSeverity, "escalation `LEVEL` at the start; 0 for none")
	owner := fs.String("owner", "", "the `ROLE` that owns the drill")
	regimes := regimeFlags(fs)
	by := byFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	req := ops.StartExercise{Playbook: *playbook, Title: *title, Severity: handbook.Severity(*severity), Level: *level, OwnerRole: *owner}
	switch len(pos) {
	case 0:
		if *playbook == "" {
			return env.usage("give the exercise's ID, or --playbook TITLE for an unplanned drill")
		}
	case 1:
		req.Exercise = pos[0]
	default:
		return env.unexpected(strings.Join(pos[1:], " "))
	}
	if req.Kind, err = env.kindArg(*kind); err != nil {
		return err
	}
	if r := regimes(); len(r) > 0 {
		req.Regimes = r
	}
	return env.withOps(ctx, g, func(o *ops.Ops, st *store.Store) error {
		who := env.who(g, *by)
		req.By, req.Initials = who.Name, who.Initials
		x, drill, err := o.StartExercise(ctx, req)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, drill.ID)
		fmt.Fprintln(env.Stdout, env.T("EXERCISE: started drill {{.ID}} of {{.Title}} ({{.Kind}})", vars{"ID": drill.ID, "Title": x.Title, "Kind": env.kindName(x.Kind)}))
		log, err := incidentLogOf(ctx, st, drill.ID)
		if err != nil {
			return err
		}
		for _, d := range handbook.Deadlines(drill, log, time.Local) {
			fmt.Fprintf(env.Stdout, "  %s %s\n", env.T("practice clock:"), env.clockLine(d, env.Now()))
		}
		if n := len(drill.Injects); n > 0 {
			fmt.Fprintln(env.Stdout, env.T("{{.N}} injects prepared; the first at T+{{.At}}", vars{"N": n, "At": slices.MinFunc(drill.Injects, func(a, b handbook.Inject) int { return cmp.Compare(a.At, b.At) }).At.String()}))
		}
		return nil
	})
}

// drillAndLog opens the store and finds an exercise's drill with its log;
// the caller closes the store.
func drillAndLog(ctx context.Context, env *Env, g *globals, ref string, write bool) (*store.Store, handbook.Exercise, handbook.Incident, []handbook.LogEntry, error) {
	open := g.openRead
	if write {
		open = g.openExisting
	}
	st, err := open(ctx, env)
	if err != nil {
		return nil, handbook.Exercise{}, handbook.Incident{}, nil, err
	}
	x, drill, err := env.ops(st).FindDrill(ctx, ref)
	if err == nil {
		var log []handbook.LogEntry
		if log, err = incidentLogOf(ctx, st, drill.ID); err == nil {
			return st, x, drill, log, nil
		}
	}
	st.Close()
	return nil, handbook.Exercise{}, handbook.Incident{}, nil, err
}

func exerciseLog(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("exercise log", flag.ContinueOnError)
	kinds := []string{handbook.LogNote, handbook.LogDecision, handbook.LogMessage, handbook.LogCall, handbook.LogInject}
	kind := fs.String("kind", handbook.LogNote, "entry `KIND`: "+strings.Join(kinds, ", "))
	inject := fs.String("inject", "", "the inject (`KEY`) the entry reacts to; with --kind inject: the prepared inject to bring in now")
	by := byFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || (len(pos) < 2 && !(*kind == handbook.LogInject && *inject != "")) {
		return env.usage("give the exercise (or drill) ID and the text")
	}
	if !slices.Contains(kinds, *kind) {
		return env.usage("unknown kind {{.Kind}}", vars{"Kind": quote(*kind)})
	}
	st, _, drill, _, err := drillAndLog(ctx, env, g, pos[0], true)
	if err != nil {
		return err
	}
	defer st.Close()
	who := env.who(g, *by)
	e, err := env.ops(st).Log(ctx, handbook.LogEntry{IncidentID: drill.ID, Author: who.Name, Initials: who.Initials, Kind: *kind,
		Inject: *inject, Text: strings.Join(pos[1:], " ")})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s %s %s: %s\n", env.T("EXERCISE"), e.At.Local().Format("15:04:05"), e.Kind, e.Text)
	return nil
}

func exerciseRecovery(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("exercise recovery", flag.ContinueOnError)
	service := fs.String("service", "", "the recovered service (`NAME` or ID)")
	took := fs.String("took", "", "how long the recovery took (`MINUTES`, or 4 h, 1:30)")
	loss := fs.String("data-loss", "0", "how much data was lost, as time before the failure (`MINUTES`)")
	note := fs.String("note", "", "what happened (`TEXT`)")
	by := byFlag(fs)
	id, err := env.idArg(fs, args, env.T("exercise ID"))
	if err != nil {
		return err
	}
	if *service == "" || *took == "" {
		return env.usage("give --service and --took")
	}
	req := ops.RecordRecovery{Service: *service, Note: *note}
	if req.Recovery, err = env.parseMinutes("--took", *took); err != nil {
		return err
	}
	if req.DataLoss, err = env.parseMinutes("--data-loss", *loss); err != nil {
		return err
	}
	st, _, drill, _, err := drillAndLog(ctx, env, g, id, true)
	if err != nil {
		return err
	}
	defer st.Close()
	who := env.who(g, *by)
	req.DrillID, req.By, req.Initials = drill.ID, who.Name, who.Initials
	e, err := env.ops(st).RecordRecovery(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, env.recoveryLine(e.Recovery, *service))
	return nil
}

// recoveryLine says what a recovery test achieved against RTO and RPO.
func (env *Env) recoveryLine(r *handbook.RecoveryResult, name string) string {
	rto, rpo := env.T("RTO missed"), env.T("RPO missed")
	if r.RTOMet() {
		rto = env.T("RTO met")
	}
	if r.RPOMet() {
		rpo = env.T("RPO met")
	}
	return env.T("{{.Service}}: recovered in {{.Took}} (RTO {{.RTO}}): {{.RTOVerdict}}; data lost {{.Loss}} (RPO {{.RPO}}): {{.RPOVerdict}}",
		vars{"Service": name, "Took": r.Recovery.String(), "RTO": r.RTO.String(), "RTOVerdict": rto, "Loss": r.DataLoss.String(), "RPO": r.RPO.String(), "RPOVerdict": rpo})
}

func exerciseShow(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("exercise show", flag.ContinueOnError)
	id, err := env.idArg(fs, args, env.T("exercise ID"))
	if err != nil {
		return err
	}
	st, x, drill, log, err := drillAndLog(ctx, env, g, id, false)
	if err != nil {
		return err
	}
	defer st.Close()
	now := env.Now()
	w := env.Stdout
	fmt.Fprintln(w, env.T("EXERCISE – {{.Title}} ({{.Kind}}, {{.Status}})", vars{"Title": x.Title, "Kind": env.kindName(x.Kind), "Status": env.statusName(x.State())}))
	fmt.Fprintln(w, env.T("drill {{.ID}}, started {{.Time}}", vars{"ID": drill.ID, "Time": drill.StartedAt.Local().Format("2006-01-02 15:04")}))
	injects := handbook.DrillInjects(drill, log, now)
	if len(injects) > 0 {
		fmt.Fprintln(w, env.T("Injects:"))
	}
	waiting := 0
	for _, in := range injects {
		if !in.Shown() {
			waiting++
			continue
		}
		line := fmt.Sprintf("  %s  %s", in.Appeared.Local().Format("15:04:05"), in.Text)
		if in.From != "" {
			line = fmt.Sprintf("  %s  %s: %s", in.Appeared.Local().Format("15:04:05"), in.From, in.Text)
		}
		fmt.Fprintf(w, "%s [%s]\n", line, in.Key)
		for _, r := range in.Responses {
			fmt.Fprintf(w, "      → %s %s\n", r.At.Local().Format("15:04:05"), r.Text)
		}
	}
	if waiting > 0 {
		fmt.Fprintln(w, env.T("  {{.N}} more to come", vars{"N": waiting}))
	}
	if targets := handbook.TimeTargets(drill, log, now); len(targets) > 0 {
		fmt.Fprintln(w, env.T("Time targets:"))
		for _, t := range targets {
			fmt.Fprintf(w, "  %s  %s (%s)\n", env.targetVerdict(t), t.Text, handbook.Minutes(t.Target).String())
		}
	}
	for _, d := range handbook.Deadlines(drill, log, time.Local) {
		fmt.Fprintf(w, "  %s %s\n", env.T("practice clock:"), env.clockLine(d, now))
	}
	return nil
}

// targetVerdict says whether a time target was met.
func (env *Env) targetVerdict(t handbook.TargetResult) string {
	switch {
	case t.Met:
		return env.T("met")
	case t.Missed:
		return env.T("missed")
	}
	return env.T("open")
}

// findingFlags collects findings with their actions from flags given in
// order: --finding starts a finding, --concerns names what it is about,
// --action adds an action to it, --owner and --due complete the action.
type findingFlags struct {
	env      *Env
	findings []ops.FindingInput
	owners   map[*handbook.Action]string
	err      error
}

func addFindingFlags(env *Env, fs *flag.FlagSet) *findingFlags {
	f := &findingFlags{env: env, owners: map[*handbook.Action]string{}}
	fs.Func("finding", "a finding (`TEXT`; repeat; --concerns, --action, --owner and --due after it belong to it)", func(s string) error {
		f.findings = append(f.findings, ops.FindingInput{Text: s})
		return nil
	})
	last := func(what string) (*ops.FindingInput, error) {
		if len(f.findings) == 0 {
			return nil, fmt.Errorf("%s", env.T("{{.Flag}} belongs after a --finding", vars{"Flag": what}))
		}
		return &f.findings[len(f.findings)-1], nil
	}
	action := func(what string) (*handbook.Action, error) {
		fi, err := last(what)
		if err != nil {
			return nil, err
		}
		if len(fi.Actions) == 0 {
			return nil, fmt.Errorf("%s", env.T("{{.Flag}} belongs after an --action", vars{"Flag": what}))
		}
		return &fi.Actions[len(fi.Actions)-1], nil
	}
	fs.Func("concerns", "what the finding is about: `KIND:NAME` (playbook, service, process or contact)", func(s string) error {
		fi, err := last("--concerns")
		if err != nil {
			return err
		}
		kind, name, ok := strings.Cut(s, ":")
		if !ok {
			return fmt.Errorf("%s", env.T("--concerns {{.Value}}: write it as KIND:NAME, e.g. playbook:Ransomware-Angriff", vars{"Value": quote(s)}))
		}
		fi.Entity, fi.RecordID = handbook.Entity(strings.TrimSpace(kind)), strings.TrimSpace(name)
		return nil
	})
	fs.Func("action", "an action that follows from the finding (`TITLE`)", func(s string) error {
		fi, err := last("--action")
		if err != nil {
			return err
		}
		fi.Actions = append(fi.Actions, handbook.Action{Title: s})
		return nil
	})
	fs.Func("owner", "who owns the action (contact `NAME`)", func(s string) error {
		a, err := action("--owner")
		if err != nil {
			return err
		}
		a.Owner = s
		return nil
	})
	fs.Func("due", "when the action is due (`DATE`)", func(s string) error {
		a, err := action("--due")
		if err != nil {
			return err
		}
		t, err := handbook.ParseMoment(s, env.Now(), time.Local)
		if err != nil {
			return fmt.Errorf("%s", env.T("--due {{.Value}}: write it as 2027-03-15", vars{"Value": quote(s)}))
		}
		a.Due = t
		return nil
	})
	return f
}

// resolve turns the names the flags gave into IDs: the records findings
// concern and the actions' owners.
func (f *findingFlags) resolve(hb handbook.Handbook) ([]ops.FindingInput, error) {
	out := slices.Clone(f.findings)
	for i := range out {
		fi := &out[i]
		if fi.Entity == "process" {
			fi.Entity = handbook.EntityProcess
		}
		if fi.Entity != "" {
			id, err := f.findRecord(hb, fi.Entity, fi.RecordID)
			if err != nil {
				return nil, err
			}
			fi.RecordID = id
		}
		fi.Actions = slices.Clone(fi.Actions)
		for j := range fi.Actions {
			a := &fi.Actions[j]
			if a.Owner == "" {
				continue
			}
			id, err := f.findRecord(hb, handbook.EntityContact, a.Owner)
			if err != nil {
				return nil, err
			}
			a.Owner = id
		}
	}
	return out, nil
}

// findRecord finds a playbook, service, business process or contact by ID
// or name.
func (f *findingFlags) findRecord(hb handbook.Handbook, e handbook.Entity, ref string) (string, error) {
	type named struct{ id, name string }
	var list []named
	switch e {
	case handbook.EntityPlaybook:
		for _, p := range hb.Playbooks {
			list = append(list, named{p.ID, p.Title})
		}
	case handbook.EntityService:
		for _, s := range hb.Services {
			list = append(list, named{s.ID, s.Name})
		}
	case handbook.EntityProcess:
		for _, bp := range hb.Processes {
			list = append(list, named{bp.ID, bp.Name})
		}
	case handbook.EntityContact:
		for _, c := range hb.Contacts {
			list = append(list, named{c.ID, c.FullName()})
		}
	default:
		return "", f.env.usage("--concerns: {{.Kind}} is not a playbook, service, process or contact", vars{"Kind": quote(string(e))})
	}
	var found []string
	for _, n := range list {
		if n.id == ref {
			return ref, nil
		}
		if strings.EqualFold(n.name, strings.TrimSpace(ref)) {
			found = append(found, n.id)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return "", errors.New(f.env.T("there is no {{.Kind}} {{.Name}}, or there are several", vars{"Kind": f.env.T(string(e)), "Name": quote(ref)}))
}

// objectiveFlags adds --met and --not-met, which take objective numbers
// (from 1).
func objectiveFlags(env *Env, fs *flag.FlagSet) map[int]string {
	out := map[int]string{}
	add := func(outcome string) func(string) error {
		return func(s string) error {
			for _, part := range strings.Split(s, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(part))
				if err != nil || n < 1 {
					return fmt.Errorf("%s", env.T("{{.Value}} is not an objective number (1, 2, …)", vars{"Value": quote(part)}))
				}
				out[n-1] = outcome
			}
			return nil
		}
	}
	fs.Func("met", "objectives met (`NUMBERS` from 1, comma-separated)", add(handbook.ObjectiveMet))
	fs.Func("not-met", "objectives not met (`NUMBERS`)", add(handbook.ObjectiveNotMet))
	return out
}

func exerciseClose(ctx context.Context, env *Env, g *globals, args []string) error {
	_, err := closeExercise(ctx, env, g, "exercise close", args)
	return err
}

// closeExercise evaluates an exercise (and closes its drill): the flags of
// incident close, plus the evaluation's.
func closeExercise(ctx context.Context, env *Env, g *globals, name string, args []string) (handbook.Exercise, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	summary := fs.String("summary", "", "closing `SUMMARY`: the evaluation's result")
	lessons := fs.String("lessons", "", "lessons learned (`TEXT`), logged with the close")
	openOK := fs.Bool("reports-open-ok", false, "close although practice reports are still open (the decision is logged)")
	reason := fs.String("reason", "", "why the open reports may stay open (`TEXT`)")
	wentWell := fs.String("went-well", "", "what went well (`TEXT`)")
	outcomes := objectiveFlags(env, fs)
	findings := addFindingFlags(env, fs)
	by := byFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return handbook.Exercise{}, err
	}
	id, err := oneArg(env, pos, env.T("exercise ID"))
	if err != nil {
		return handbook.Exercise{}, err
	}
	st, err := g.openExisting(ctx, env)
	if err != nil {
		return handbook.Exercise{}, err
	}
	defer st.Close()
	hb, err := st.Load(ctx)
	if err != nil {
		return handbook.Exercise{}, err
	}
	fi, err := findings.resolve(hb.Live())
	if err != nil {
		return handbook.Exercise{}, err
	}
	who := env.who(g, *by)
	o := env.ops(st)
	x, err := o.CloseExercise(ctx, ops.CloseExercise{Exercise: id, Summary: *summary, Lessons: *lessons, LessonsLabel: env.T("Lessons learned:"),
		ReportsOpenOK: *openOK, ReportsOpenReason: *reason, WentWell: *wentWell, Outcomes: outcomes, Findings: fi, By: who.Name, Initials: who.Initials})
	var open *ops.ReportsOpenError
	if errors.As(err, &open) {
		fmt.Fprintln(env.Stderr, env.T("The drill still has these practice reports open:"))
		for _, d := range open.Reports {
			fmt.Fprintf(env.Stderr, "  %s\n", env.clockLine(d, env.Now()))
		}
		return handbook.Exercise{}, errors.New(env.T("not closed: record the practice reports, or close with --reports-open-ok"))
	}
	if err != nil {
		return handbook.Exercise{}, err
	}
	actions := 0
	for _, f := range x.Findings {
		actions += len(f.Actions)
	}
	fmt.Fprintln(env.Stdout, env.T("evaluated exercise {{.Title}}: {{.Findings}} findings, {{.Actions}} actions", vars{"Title": x.Title, "Findings": len(x.Findings), "Actions": actions}))
	return x, nil
}

func runExerciseReport(ctx context.Context, env *Env, g *globals, args []string) error {
	return runRecordReport(ctx, env, g, args, "exercise-report", env.T("exercise ID"),
		func(o *ops.Ops, ref string, path string, opts binder.Options) (int, error) {
			x, err := o.FindExercise(ctx, ref)
			if err != nil {
				return 0, err
			}
			res, err := o.PrintExerciseReport(ctx, ops.ExerciseReport{Path: path, ExerciseID: x.ID, Options: opts}, env.progress())
			return res.Pages, err
		})
}

func runAlarmTest(ctx context.Context, env *Env, g *globals, args []string) error {
	subs := map[string]subcommand{
		"start": alarmStart, "record": alarmRecord, "finish": alarmFinish, "show": alarmShow,
	}
	return env.runSub(ctx, g, args, subs, "start, record, show, finish")
}

func alarmStart(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("alarm-test start", flag.ContinueOnError)
	title := fs.String("title", "", "the test's `TITLE` when no planned alarm test is named")
	by := byFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	return env.withOps(ctx, g, func(o *ops.Ops, st *store.Store) error {
		who := env.who(g, *by)
		var ref string
		switch len(pos) {
		case 0:
			x, err := o.PlanExercise(ctx, ops.PlanExercise{Title: cmp.Or(strings.TrimSpace(*title), env.T("Alarm test")), Kind: handbook.ExerciseAlarmTest, Date: env.Now()})
			if err != nil {
				return err
			}
			ref = x.ID
		case 1:
			ref = pos[0]
		default:
			return env.unexpected(strings.Join(pos[1:], " "))
		}
		x, drill, err := o.StartExercise(ctx, ops.StartExercise{Exercise: ref, Level: 0, By: who.Name, Initials: who.Initials})
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, drill.ID)
		fmt.Fprintln(env.Stdout, env.T("EXERCISE: alarm test {{.Title}} started at {{.Time}}; call in this order and record each call:", vars{"Title": x.Title, "Time": drill.StartedAt.Local().Format("15:04")}))
		return env.printAlarm(ctx, st, drill, true)
	})
}

// printAlarm prints an alarm test's plan with what was recorded so far,
// and the next call.
func (env *Env) printAlarm(ctx context.Context, st *store.Store, drill handbook.Incident, plan bool) error {
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	hb = hb.Live()
	steps := handbook.AlarmPlan(hb, drill.StartedAt)
	sum := handbook.AlarmTestSummary(steps, drill, hb.LogEntries)
	w := env.Stdout
	if plan {
		env.printAlarmTable(w, hb, sum)
	}
	if r, p, ok := sum.NextCall(); ok && drill.Open() {
		fmt.Fprintln(w, env.T("next: {{.Role}} – call {{.Name}} {{.Phones}}", vars{"Role": r.Role, "Name": p.Name, "Phones": strings.Join(p.Phones(), " / ")}))
	} else if drill.Open() {
		fmt.Fprintln(w, env.T("every role is done; finish the test with 'alarm-test finish {{.ID}}'", vars{"ID": drill.ID}))
	}
	return nil
}

// printAlarmTable prints each role in call order with its outcome.
func (env *Env) printAlarmTable(w io.Writer, hb handbook.Handbook, sum handbook.AlarmSummary) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("level\trole\tpeople in call order\treached\tafter\tdeadline"))
	names := map[string]string{}
	for _, c := range hb.Contacts {
		names[c.ID] = c.FullName()
	}
	for _, r := range sum.Roles {
		var people []string
		for _, p := range r.People {
			people = append(people, p.Name+" "+strings.Join(p.Phones(), "/"))
		}
		reached, after := env.reachedText(r, names), "–"
		if r.By == handbook.ReachedPrimary || r.By == handbook.ReachedDeputy {
			after = r.After.String()
			if !r.InTime {
				after = "⚠ " + after
			}
		}
		within := "–"
		if r.Within > 0 {
			within = r.Within.String()
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.Level, cmp.Or(r.Role, r.RoleID), strings.Join(people, "; "), reached, after, within)
	}
	tw.Flush()
}

// reachedText says how a role was reached.
func (env *Env) reachedText(r handbook.AlarmResult, names map[string]string) string {
	switch r.By {
	case handbook.ReachedPrimary:
		return env.T("primary: {{.Name}}", vars{"Name": names[r.Contact]})
	case handbook.ReachedDeputy:
		return env.T("deputy: {{.Name}}", vars{"Name": names[r.Contact]})
	case handbook.ReachedNone:
		return env.T("not reached")
	}
	return env.T("not called yet")
}

func alarmRecord(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("alarm-test record", flag.ContinueOnError)
	role := fs.String("role", "", "the role called for (`NAME`)")
	contact := fs.String("contact", "", "the person called (`NAME`; default: the role's next person not called yet)")
	reached := fs.Bool("reached", false, "the call reached the person")
	notReached := fs.Bool("not-reached", false, "the call did not reach the person")
	after := fs.String("after", "", "`MINUTES` after the start of the test")
	number := fs.String("number", "", "the `NUMBER` called (default: the person's first number)")
	wrong := fs.Bool("wrong-number", false, "the number is wrong: nobody or someone else answered")
	note := fs.String("note", "", "a note (`TEXT`)")
	by := byFlag(fs)
	id, err := env.idArg(fs, args, env.T("alarm test ID"))
	if err != nil {
		return err
	}
	if *role == "" {
		return env.usage("missing {{.What}}", vars{"What": "--role NAME"})
	}
	if *reached == *notReached {
		return env.usage("give either --reached or --not-reached")
	}
	st, _, drill, _, err := drillAndLog(ctx, env, g, id, true)
	if err != nil {
		return err
	}
	defer st.Close()
	req := ops.RecordCall{DrillID: drill.ID, Role: *role, Contact: *contact, Reached: *reached, Number: *number, WrongNumber: *wrong, Note: *note,
		Tr: func(key string, data map[string]any) string { return env.T(key, data) }}
	if *after == "" {
		req.After = handbook.Minutes(env.Now().Sub(drill.StartedAt) / time.Minute)
	} else if req.After, err = env.parseMinutes("--after", *after); err != nil {
		return err
	}
	who := env.who(g, *by)
	req.By, req.Initials = who.Name, who.Initials
	rec, err := env.ops(st).RecordCall(ctx, req)
	if err != nil {
		return err
	}
	c := rec.Entry.Call
	verdict := env.T("not reached")
	if c.Reached {
		verdict = env.T("reached")
	}
	fmt.Fprintln(env.Stdout, env.T("{{.Name}} ({{.Number}}): {{.Verdict}} after {{.After}}", vars{"Name": rec.Contact.FullName(), "Number": c.Number, "Verdict": verdict, "After": c.After.String()}))
	switch {
	case rec.Verified:
		fmt.Fprintln(env.Stdout, "  "+env.T("contact verified"))
	case rec.Flagged:
		fmt.Fprintln(env.Stdout, "  "+env.T("on the verify list: {{.Correction}}", vars{"Correction": rec.Contact.Correction}))
	}
	return env.printAlarm(ctx, st, drill, false)
}

func alarmShow(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("alarm-test show", flag.ContinueOnError)
	id, err := env.idArg(fs, args, env.T("alarm test ID"))
	if err != nil {
		return err
	}
	st, _, drill, _, err := drillAndLog(ctx, env, g, id, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := env.printAlarm(ctx, st, drill, true); err != nil {
		return err
	}
	return env.printAlarmSummary(ctx, st, drill)
}

// printAlarmSummary prints the shares of roles reached and the wrong
// numbers.
func (env *Env) printAlarmSummary(ctx context.Context, st *store.Store, drill handbook.Incident) error {
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	hb = hb.Live()
	sum := handbook.AlarmTestSummary(handbook.AlarmPlan(hb, drill.StartedAt), drill, hb.LogEntries)
	fmt.Fprintln(env.Stdout, env.T("{{.N}} roles: {{.Primary}} % reached by the primary, {{.Deputy}} % by a deputy, {{.None}} % not at all",
		vars{"N": len(sum.Roles), "Primary": sum.Share(sum.Primary), "Deputy": sum.Share(sum.Deputy), "None": sum.Share(sum.None + sum.Untried)}))
	names := map[string]string{}
	for _, c := range hb.Contacts {
		names[c.ID] = c.FullName()
	}
	for _, e := range sum.WrongNumbers {
		fmt.Fprintln(env.Stdout, "  "+env.T("wrong number: {{.Name}} {{.Number}}", vars{"Name": names[e.Call.Contact], "Number": e.Call.Number}))
	}
	return nil
}

func alarmFinish(ctx context.Context, env *Env, g *globals, args []string) error {
	x, err := closeExercise(ctx, env, g, "alarm-test finish", args)
	if err != nil {
		return err
	}
	st, _, drill, _, err := drillAndLog(ctx, env, g, x.ID, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := env.printAlarm(ctx, st, drill, true); err != nil {
		return err
	}
	return env.printAlarmSummary(ctx, st, drill)
}
