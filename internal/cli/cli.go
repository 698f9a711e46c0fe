// Package cli runs Ernstfall's headless sub-commands (init, check, search,
// restore-order, export, import, binder, version), so that scripts, cron jobs
// and tests use the same code as the app.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"ernstfall/assets"
	"ernstfall/internal/i18n"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitFindings = 1 // check found errors; a command failed
	ExitUsage    = 2
)

// GUI starts the graphical app on the operations of an open store; main
// passes it in so this package stays free of the GUI toolkit. configDir is
// the user's settings folder, where the app keeps who works at this
// computer (package person); empty when it cannot be found.
type GUI func(ctx context.Context, o *ops.Ops, demo bool, configDir string) error

// Env is what a command sees of the world.
type Env struct {
	// Version is the program's version (from FyneApp.toml).
	Version        string
	Stdout, Stderr io.Writer
	Now            func() time.Time
	// ConfigDir holds the default databases; os.UserConfigDir()/ernstfall when empty.
	ConfigDir string
	GUI       GUI
	// Lang is the language of the messages, "de" or "en"; main sets it
	// with i18n.Language, the global --lang flag overrides it. Empty means
	// English.
	Lang string
	// Getenv reads the environment (os.Getenv); nil reads nothing.
	Getenv func(string) string

	cat *i18n.Catalog
	// rawOut is standard output as given, for data (an export to "-")
	// that must pass unchanged; Stdout and Stderr are wrapped by
	// termSafe. rawErr tells whether standard error is a terminal.
	rawOut, rawErr io.Writer
}

// ops are the operations on st, as this program (its version on every
// printout) at the environment's time.
func (env *Env) ops(st *store.Store) *ops.Ops {
	return ops.New(st, ops.Config{Now: env.Now, Program: "Ernstfall " + env.Version})
}

// vars are the template fields of a translated text.
type vars = map[string]any

// T is the text with the English key in the language of the messages.
func (env *Env) T(key string, data ...vars) string { return env.cat.T(key, data...) }

// english reports whether the messages are in English.
func (env *Env) english() bool { return env.cat.Lang() == "en" }

// usage is a usage error with a translated text.
func (env *Env) usage(key string, data ...vars) error { return usageError{env.T(key, data...)} }

// unexpected is the usage error for a surplus argument.
func (env *Env) unexpected(arg string) error {
	return env.usage("unexpected argument {{.Arg}}", vars{"Arg": quote(arg)})
}

// wrap puts a translated sentence around err: key's {{.Err}} field is
// err's text, and the result still unwraps to err.
func (env *Env) wrap(err error, key string, data vars) error {
	d := vars{"Err": err.Error()}
	for k, v := range data {
		d[k] = v
	}
	return wrapped{env.T(key, d), err}
}

type wrapped struct {
	msg string
	err error
}

func (e wrapped) Error() string { return e.msg }
func (e wrapped) Unwrap() error { return e.err }

func quote(s string) string { return fmt.Sprintf("%q", s) }

// errorText is err in the language of the messages: an operation's
// refusal in its own words, anything else as it is.
func (env *Env) errorText(err error) string {
	if oe, ok := ops.AsError(err); ok {
		return oe.Text(func(key string, data map[string]any) string { return env.T(key, data) })
	}
	return err.Error()
}

type command struct {
	name, args, help string
	run              func(ctx context.Context, env *Env, g *globals, args []string) error
}

type globals struct {
	db   string
	demo bool
	lang string
	// as names the person for log entries, ticks and sync batches.
	as string
}

func commands() []command {
	return []command{
		{"init", "[--demo]", "create a new handbook database (empty, or with the demo handbook)", runInit},
		{"check", "", "list findings: restore order, stale contacts, overdue reviews; exit 1 on errors", runCheck},
		{"search", "QUERY", "full-text search over the whole handbook", runSearch},
		{"restore-order", "", "print the computed restore order with RTO/RPO", runRestoreOrder},
		{"bia", "[--format text|csv] [-o FILE] [--separator , or ;]", "print the business impact analysis: each process with MTPD, criticality, required and achieved RTO", runBIA},
		{"export", "--format json|csv|vcf|md -o PATH", "write a backup (json), the contacts (csv, vcf) or the handbook as a Markdown folder (md)", runExport},
		{"import", "FILE|DIR [--dry-run] [--skip-invalid] [--duplicates skip|update|create]", "import a backup, a vCard or CSV address book, or a Markdown folder; --dry-run shows the preview", runImport},
		{"verify-list", "-o FILE.csv [--team TEAM] [--stale-days N]", "write the contacts due for verification as CSV for a team lead", runVerifyList},
		{"call-tree", "", "print who calls whom at each escalation level, with deputies", runCallTree},
		{"binder", "-o FILE.pdf [--drafts] [--lang de|en] [--paper a4|letter] [--sections LIST] [--playbook ID|TITLE] [--team TEAM] | --printer NAME|default [--copies N] [-o FILE.pdf] | --copies all|outdated|N,… -o DIR", "print the emergency binder as PDF: the released versions, the drafts, or the copies of the distribution list; or send it to a printer", runBinder},
		{"printers", "", "list the printers this computer can print to, the default one marked", runPrinters},
		{"copies", "[add --holder NAME --place TEXT [--number N] | confirm N [--by NAME] [--note TEXT] | remove N] [--json]", "list the printed copies of the distribution list, outdated ones marked; add one, confirm its exchange, remove one", runCopies},
		{"audit", "-o FILE.csv|FILE.pdf [--from TIME] [--to TIME] [--lang de|en]", "write every release, review, printout and copy exchange of a period: the proof of document control (ISO 22301 7.5.3)", runAudit},
		{"approvers", "[--set ROLE,ROLE]", "list the roles whose holders release documents, with their holders; --set chooses them", runApprovers},
		{"incidents", "", "list incidents, newest first", runIncidents},
		{"incident", "start|log|facts|regime|classify|reports|sent|waive|message|close …", "run an incident: start it, log, change its impact, add a reporting duty, record reports, fill a message template, close it", runIncident},
		{"on-call", "[--at TIME]", "who is on duty for each role now (or at TIME), with numbers and the next hand-over", runOnCall},
		{"incident-report", "ID -o FILE.pdf [--lang de|en]", "print an incident's report: timeline, clocks, messages", runIncidentReport},
		{"exercises", "[--year YEAR] [--coverage]", "list the exercises, a year month by month, or what was exercised when", runExercises},
		{"exercise", "plan|start|log|show|recovery|close …", "plan an exercise, run it as a drill (marked as exercise everywhere), record recovery times, evaluate it", runExercise},
		{"exercise-report", "ID -o FILE.pdf [--lang de|en]", "print an exercise's report: objectives, scope, timeline with injects, time targets, alarm test, findings", runExerciseReport},
		{"alarm-test", "start|record|show|finish …", "test the call tree: start, record each call (one call a line), finish with the summary", runAlarmTest},
		{"sync", "--folder DIR [--device-name NAME] [--snapshot] [--accept-deletions|--keep-records]", "merge with the other laptops through a shared folder", runSync},
		{"conflicts", "", "list open sync conflicts", runConflicts},
		{"history", "[KIND ID|TITLE] [--entity KIND] [--id ID|NAME] [--since TIME] [--until TIME] [--device LAPTOP] [--limit N] [--full] [--json]", "list the changes of every laptop: time, laptop, record, field, old → new; with KIND and ID the revisions, releases and reviews of one document", runHistory},
		{"diff", "KIND ID|TITLE [--from REV] [--to REV] [--full]", "show what changed in a document between two revisions or releases, word by word", runDiff},
		{"documents", "[--drafts] [--json]", "list the controlled documents with their release state: drafts, changes not released, releases at the same time", runDocuments},
		{"release", "KIND ID|TITLE --as NAME [--major] --note TEXT [--passphrase-file FILE]", "release a document as the next version, signed with the approver's own key on this laptop", runRelease},
		{"approver-key", "[create | admit FINGERPRINT | revoke FINGERPRINT | trust FINGERPRINT] [--as NAME] [--passphrase-file FILE] [--json]", "list the approvers' keys; make yours on your laptop, admit or revoke another's after comparing its fingerprint", runApproverKey},
		{"review", "KIND ID|TITLE [--result unchanged|changed|replaced] [--by NAME] [--date TIME] [--note TEXT]", "record a review of a document; its next review falls due one interval later", runReview},
		{"restore", "--as-of TIME | --from-backup FILE [--id ID|NAME] [--dry-run]", "put the handbook back as it was at a time, or as a backup holds it, as new edits that sync", runRestore},
		{"devices", "[admit|refuse|remove|lost NAME|FINGERPRINT] [--all-pending] [--folder DIR] [--json]", "list the laptops of the sync team and join requests; admit, refuse or remove one; declare its missing batches lost", runDevices},
		{"backups", "[--json]", "list the automatic backups with date, reason and record counts", runBackups},
		{"salvage", "-o FILE.json", "save every record that can still be read from a damaged handbook as a JSON backup", runSalvage},
		{"version", "", "print the version", runVersion},
	}
}

// usageError marks errors that should print the usage and exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// helpError is --help (or -h) given to a command: its usage and options
// go to standard output, and the command does nothing else.
type helpError struct{ fs *flag.FlagSet }

func (e helpError) Error() string { return "help requested" }

// printTime is the time a printout shows: now, or SOURCE_DATE_EPOCH
// (seconds since 1970, the reproducible-builds convention) when it is set,
// so that two runs over the same handbook print the same text, on Linux and
// Windows alike.
func (env *Env) printTime() (time.Time, error) {
	v := ""
	if env.Getenv != nil {
		v = env.Getenv("SOURCE_DATE_EPOCH")
	}
	if v == "" {
		return env.Now(), nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil || sec < 0 {
		return time.Time{}, usagef("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970", v)
	}
	return time.Unix(sec, 0), nil
}

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// errFindings makes check exit 1 without another message.
var errFindings = errors.New("findings")

// Run executes the command line and returns the exit code.
func Run(ctx context.Context, args []string, env *Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Version == "" {
		env.Version = "dev"
	}
	if _, wrapped := env.Stdout.(*safeWriter); !wrapped {
		env.rawOut, env.rawErr = env.Stdout, env.Stderr
		env.Stdout, env.Stderr = termSafe(env.Stdout), termSafe(env.Stderr)
	}
	g := &globals{}
	fs := flag.NewFlagSet("ernstfall", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&g.db, "db", "", "handbook database `PATH`")
	fs.BoolVar(&g.demo, "demo", false, "use the demo handbook (a separate database)")
	fs.StringVar(&g.lang, "lang", "", "language of the messages: `de` or en (default: from the system locale)")
	fs.StringVar(&g.as, "as", "", "your `NAME` in incident logs and sync (default: the name saved in the app's settings, else the system user)")
	err := fs.Parse(args)
	badLang := g.lang != "" && !slices.Contains(i18n.Languages, g.lang)
	env.cat = catalog(env.Lang, g.lang)
	if err == nil && badLang {
		err = errors.New(env.T("--lang must be de or en, not {{.Lang}}", vars{"Lang": quote(g.lang)}))
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(env, env.Stdout, fs)
			return ExitOK
		}
		fmt.Fprintf(env.Stderr, "ernstfall: %v\n\n", err)
		usage(env, env.Stderr, fs)
		return ExitUsage
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return startGUI(ctx, env, g)
	}
	if rest[0] == "help" {
		usage(env, env.Stdout, fs)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name != rest[0] {
			continue
		}
		err := c.run(ctx, env, g, rest[1:])
		var ue usageError
		var he helpError
		switch {
		case err == nil:
			return ExitOK
		case errors.As(err, &he):
			fmt.Fprintf(env.Stdout, "%s\n%s\n\n", strings.TrimSpace(env.T("usage: ernstfall [--db PATH] {{.Command}} {{.Args}}", vars{"Command": c.name, "Args": c.args})),
				env.T(c.help))
			he.fs.VisitAll(func(f *flag.Flag) { f.Usage = env.T(f.Usage) })
			he.fs.SetOutput(env.Stdout)
			he.fs.PrintDefaults()
			he.fs.SetOutput(io.Discard)
			return ExitOK
		case errors.Is(err, errFindings):
			return ExitFindings
		case errors.As(err, &ue):
			fmt.Fprintf(env.Stderr, "ernstfall %s: %v\n%s\n", c.name, err,
				strings.TrimSpace(env.T("usage: ernstfall [--db PATH] {{.Command}} {{.Args}}", vars{"Command": c.name, "Args": c.args})))
			return ExitUsage
		default:
			fmt.Fprintf(env.Stderr, "ernstfall %s: %s\n", c.name, env.errorText(err))
			if isDamaged(err) && c.name != "salvage" {
				fmt.Fprintln(env.Stderr, damagedHint(ctx, env, g))
			}
			return ExitFindings
		}
	}
	fmt.Fprintf(env.Stderr, "ernstfall: %s\n\n", env.T("unknown command {{.Name}}", vars{"Name": quote(rest[0])}))
	usage(env, env.Stderr, fs)
	return ExitUsage
}

// catalog loads the messages in the language of --lang, else of the
// environment, else English.
func catalog(envLang, flagLang string) *i18n.Catalog {
	for _, l := range []string{flagLang, envLang, "en"} {
		if !slices.Contains(i18n.Languages, l) {
			continue
		}
		if c, err := i18n.Load(assets.Translations, l); err == nil {
			return c
		}
	}
	return nil // T then gives the English keys
}

func usage(env *Env, w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s\n\n", env.T("Ernstfall — offline emergency handbook for incident response and business continuity."))
	fmt.Fprintf(w, "%s\n\n%s\n\n%s\n", env.T("usage: ernstfall [--db PATH] [--demo] [--lang de|en] [COMMAND]"),
		env.T("Without a command the app window opens."), env.T("Commands:"))
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n  %-14s   %s\n", c.name, c.args, "", env.T(c.help))
	}
	fmt.Fprintf(w, "\n%s\n", env.T("Options:"))
	fs.VisitAll(func(f *flag.Flag) { f.Usage = env.T(f.Usage) })
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

func (env *Env) configDir() (string, error) {
	if env.ConfigDir != "" {
		return env.ConfigDir, nil
	}
	exe, _ := os.Executable()
	dir, _, err := dataDir(exe, os.UserConfigDir)
	return dir, err
}

// dbPath is the database the command works on: --db, or the default (or
// demo) database in the user's settings folder.
func (g *globals) dbPath(env *Env) (string, error) {
	if g.db != "" {
		return g.db, nil
	}
	dir, err := env.configDir()
	if err != nil {
		return "", err
	}
	if g.demo {
		return filepath.Join(dir, "demo.db"), nil
	}
	return filepath.Join(dir, "handbook.db"), nil
}

// openExisting opens a database that must exist already; --demo seeds the
// demo database on first use.
func (g *globals) openExisting(ctx context.Context, env *Env) (*store.Store, error) {
	path, err := g.dbPath(env)
	if err != nil {
		return nil, err
	}
	var st *store.Store
	switch _, statErr := os.Stat(path); {
	case g.demo:
		st, err = openDemo(ctx, env, path)
	case errors.Is(statErr, os.ErrNotExist):
		return nil, errors.New(env.T("no handbook at {{.Path}}; create one with 'ernstfall --db {{.Path}} init' (or 'init --demo')", vars{"Path": path}))
	default:
		st, err = store.Open(ctx, path, store.Options{Now: env.Now})
	}
	if err != nil {
		return nil, err
	}
	env.ops(st).SetAuthor(env.who(g, "").Name)
	return st, nil
}

// openRead opens the database for a command that only reads: read-only,
// so that it works on a read-only medium and while another program
// writes. A demo database that does not exist yet is made first.
func (g *globals) openRead(ctx context.Context, env *Env) (*store.Store, error) {
	path, err := g.dbPath(env)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return g.openExisting(ctx, env)
	}
	return store.Open(ctx, path, store.Options{Now: env.Now, ReadOnly: true})
}

// openForPrint opens the database for printing, which reads and then
// records the printout: writable when it can be, waiting only briefly for
// another program's write; read-only otherwise (the printout is then not
// recorded).
func (g *globals) openForPrint(ctx context.Context, env *Env) (*store.Store, error) {
	path, err := g.dbPath(env)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return g.openExisting(ctx, env)
	}
	st, err := store.Open(ctx, path, store.Options{Now: env.Now, BusyTimeout: 2 * time.Second})
	if errors.Is(err, store.ErrReadOnly) {
		return store.Open(ctx, path, store.Options{Now: env.Now, ReadOnly: true})
	}
	if err != nil {
		return nil, err
	}
	env.ops(st).SetAuthor(env.who(g, "").Name)
	return st, nil
}

// openDemo opens the demo database, loading the demo handbook when new.
func openDemo(ctx context.Context, env *Env, path string) (*store.Store, error) {
	_, statErr := os.Stat(path)
	st, err := store.Open(ctx, path, store.Options{Now: env.Now})
	if err != nil {
		return nil, err
	}
	if errors.Is(statErr, os.ErrNotExist) {
		if err := seedDemo(ctx, env, st); err != nil {
			st.Close()
			os.Remove(path)
			return nil, err
		}
	}
	return st, nil
}

func seedDemo(ctx context.Context, env *Env, st *store.Store) error {
	if err := env.ops(st).LoadDemo(ctx); err != nil {
		return env.wrap(err, "load demo handbook: {{.Err}}", nil)
	}
	return nil
}

func startGUI(ctx context.Context, env *Env, g *globals) int {
	if env.GUI == nil {
		fmt.Fprintln(env.Stderr, "ernstfall: "+env.T("this build has no window; use a command (see 'ernstfall help')"))
		return ExitUsage
	}
	path, err := g.dbPath(env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "ernstfall: %v\n", err)
		return ExitFindings
	}
	var st *store.Store
	if g.demo {
		st, err = openDemo(ctx, env, path)
	} else {
		st, err = store.Open(ctx, path, store.Options{Now: env.Now})
		if errors.Is(err, store.ErrReadOnly) {
			// A write-protected stick or a read-only share: the window
			// opens read-only and says so.
			st, err = store.Open(ctx, path, store.Options{Now: env.Now, ReadOnly: true})
		}
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "ernstfall: %v\n", err)
		if isDamaged(err) {
			fmt.Fprintln(env.Stderr, damagedHint(ctx, env, g))
		}
		return ExitFindings
	}
	defer st.Close()
	dir, _ := env.configDir()
	if err := env.GUI(ctx, env.ops(st), g.demo, dir); err != nil {
		fmt.Fprintf(env.Stderr, "ernstfall: %v\n", err)
		return ExitFindings
	}
	return ExitOK
}

// parse parses a sub-command's flags, allowing flags after positional
// arguments ("search Ransomware --limit 5").
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, helpError{fs}
			}
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseFlags parses a command that takes flags but no arguments.
func (env *Env) parseFlags(fs *flag.FlagSet, args []string) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return env.unexpected(pos[0])
	}
	return nil
}

func runVersion(_ context.Context, env *Env, _ *globals, args []string) error {
	if len(args) > 0 {
		return env.unexpected(args[0])
	}
	fmt.Fprintf(env.Stdout, "ernstfall %s\n", env.T("{{.Version}} (database schema {{.Schema}})", vars{"Version": env.Version, "Schema": store.SchemaVersion()}))
	return nil
}

func runInit(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "load the demo handbook")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	path, err := g.dbPath(env)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return errors.New(env.T("{{.Path}} exists already; init never overwrites a handbook — choose another --db path or remove the file yourself", vars{"Path": path}))
	}
	st, err := store.Open(ctx, path, store.Options{Now: env.Now})
	if err != nil {
		return err
	}
	defer st.Close()
	if *demo || g.demo {
		if err := seedDemo(ctx, env, st); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, env.T("created {{.Path}} with the demo handbook", vars{"Path": path}))
		return nil
	}
	fmt.Fprintln(env.Stdout, env.T("created empty handbook {{.Path}}", vars{"Path": path}))
	return nil
}

// oneArg is the one positional argument; what names it in the error when
// it is missing.
func oneArg(env *Env, args []string, what string) (string, error) {
	switch len(args) {
	case 0:
		return "", env.usage("missing {{.What}}", vars{"What": what})
	case 1:
		return args[0], nil
	}
	return "", env.unexpected(strings.Join(args[1:], " "))
}
