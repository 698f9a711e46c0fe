package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
	"ernstfall/internal/store"
	"ernstfall/internal/textdiff"
)

// valueWidth is how many characters of a value a list of changes shows.
const valueWidth = 40

func runHistory(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	entity := fs.String("entity", "", "only records of this `KIND` (contact, playbook, …)")
	id := fs.String("id", "", "only this record (`ID or NAME`)")
	field := fs.String("field", "", "only this `FIELD`")
	device := fs.String("device", "", "only changes of this laptop (`NAME or ID`)")
	since := fs.String("since", "", "only changes since `TIME` (2026-11-30 08:00, 30.11.2026, 24h)")
	until := fs.String("until", "", "only changes up to `TIME`")
	limit := fs.Int("limit", 100, "at most `N` changes; 0 lists all")
	full := fs.Bool("full", false, "show long values whole")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		// history KIND ID: the revisions of one document.
		kind, key, err := docArgs(env, pos)
		if err != nil {
			return err
		}
		st, err := g.openRead(ctx, env)
		if err != nil {
			return err
		}
		defer st.Close()
		o := env.ops(st)
		doc, err := o.FindDocument(ctx, kind, key)
		if err != nil {
			return err
		}
		return docHistory(ctx, env, st, o, doc, *asJSON)
	}
	q := store.HistoryQuery{Entity: handbook.Entity(*entity), Field: *field}
	if *entity != "" && !knownKind(q.Entity) {
		return env.usage("unknown kind {{.Kind}} (known: {{.Known}})", vars{"Kind": quote(*entity), "Known": strings.Join(kindNames(), ", ")})
	}
	if q.Since, err = env.moment("--since", *since); err != nil {
		return err
	}
	if q.Until, err = env.moment("--until", *until); err != nil {
		return err
	}
	if *limit < 0 {
		return env.usage("--limit must be 0 or more")
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	names, err := env.ops(st).DeviceNames(ctx)
	if err != nil {
		return err
	}
	if *id != "" {
		if q.Entity, q.ID, err = findRecord(ctx, env, st, q.Entity, *id); err != nil {
			return err
		}
	}
	if *device != "" {
		if q.Device = deviceByName(names, *device); q.Device == "" {
			return errors.New(env.T("no laptop {{.Name}} is known here", vars{"Name": quote(*device)}))
		}
	}
	if *limit > 0 {
		q.Limit = *limit + 1 // one more tells whether there are more
	}
	changes, err := st.History(ctx, q)
	if err != nil {
		return err
	}
	more := *limit > 0 && len(changes) > *limit
	if more {
		changes = changes[:*limit]
	}
	labels, err := st.Labels(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return printHistoryJSON(env, changes, names)
	}
	if len(changes) == 0 {
		fmt.Fprintln(env.Stdout, env.T("no changes"))
		return nil
	}
	concurrent := printHistory(env, env.Stdout, changes, names, labels, *full)
	if concurrent {
		fmt.Fprintln(env.Stdout, env.T("* made at the same time as another change of the field on another laptop; the value that lost waits under 'ernstfall conflicts' until someone decides"))
	}
	if more {
		fmt.Fprintln(env.Stdout, env.T("… older changes not shown; use --since, --limit N or --limit 0"))
	}
	return nil
}

// printHistory lists changes grouped by edit: time, laptop and record once
// per edit, then a line per field. It reports whether a change was
// concurrent (marked with *).
func printHistory(env *Env, w io.Writer, changes []store.FieldChange, names, labels map[string]string, full bool) bool {
	tr := env.translator()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("time\tlaptop\trecord\tfield\tchange"))
	concurrent := false
	var whole []string
	for _, e := range store.GroupEdits(changes) {
		when := e.At.Local().Format(env.T("2006-01-02 15:04:05"))
		who := laptopName(env, e.Device, e.Local, names)
		if e.Author != "" {
			who = e.Author + " · " + who
		}
		what := recordName(env, e.Entity, e.Label)
		lead := when + "\t" + who + "\t" + what + "\t"
		if e.Created && !full {
			fmt.Fprintf(tw, "%s%s\t\n", lead, env.T("(created)"))
			continue
		}
		for _, c := range e.Changes {
			field, change := changeText(env, c, labels, tr)
			if c.Concurrent {
				change += " *"
				concurrent = true
			}
			fmt.Fprintf(tw, "%s%s\t%s\n", lead, field, change)
			lead = "\t\t\t"
			if full && long(c) {
				whole = append(whole, fullChange(env, c, labels, tr))
			}
		}
	}
	tw.Flush()
	for _, s := range whole {
		fmt.Fprint(w, s)
	}
	return concurrent
}

// changeText is the field column and the old → new column of a change.
func changeText(env *Env, c store.FieldChange, labels map[string]string, tr i18n.Translator) (string, string) {
	if c.Field == "deleted" {
		if string(c.New) == "true" {
			return env.T("(deleted)"), ""
		}
		return env.T("(brought back)"), ""
	}
	old, new := i18n.ChangeValues(c.Old, c.New, labels, valueWidth, tr)
	if c.OldUnknown {
		old = "?"
	}
	return c.Field, old + " → " + new
}

// long reports whether a value of the change was cut or spans lines.
func long(c store.FieldChange) bool {
	for _, v := range []json.RawMessage{c.Old, c.New} {
		var s string
		if json.Unmarshal(v, &s) == nil && (len([]rune(s)) > valueWidth || strings.Contains(s, "\n")) {
			return true
		}
	}
	return false
}

// fullChange writes both values of a change whole, indented, below the list.
func fullChange(env *Env, c store.FieldChange, labels map[string]string, tr i18n.Translator) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s %s, %s (%s):\n", recordName(env, c.Entity, c.Label), c.Field,
		c.At().Local().Format(env.T("2006-01-02 15:04:05")), env.T("whole values"))
	for _, side := range []struct {
		name string
		v    json.RawMessage
	}{{env.T("before:"), c.Old}, {env.T("after:"), c.New}} {
		fmt.Fprintf(&b, "  %s\n", side.name)
		for _, line := range strings.Split(i18n.ValueText(side.v, labels, 0, tr), "\n") {
			fmt.Fprintf(&b, "    %s\n", line)
		}
	}
	return b.String()
}

// laptopName names the laptop that made a change.
func laptopName(env *Env, device string, local bool, names map[string]string) string {
	name := names[device]
	switch {
	case local && name == "":
		return env.T("this laptop")
	case name == "":
		return env.T("device {{.ID}}", vars{"ID": shortID(device)})
	case local:
		return env.T("{{.Name}} (this laptop)", vars{"Name": name})
	}
	return name
}

// shortID is the random end of a device ID: enough to tell laptops apart
// (its beginning is the time it was made).
func shortID(id string) string {
	if len(id) > 8 {
		return "…" + id[len(id)-8:]
	}
	return id
}

// recordName is a record's kind and name, as the history lists it.
func recordName(env *Env, e handbook.Entity, label string) string {
	if e == store.SettingsEntity {
		return env.T("handbook settings")
	}
	return fmt.Sprintf("%s %s", e, quote(textdiff.Shorten(label, valueWidth)))
}

// deviceByName finds a laptop by name (ignoring case) or ID.
func deviceByName(names map[string]string, key string) string {
	for id, n := range names {
		if id == key || strings.EqualFold(n, key) {
			return id
		}
	}
	return ""
}

func knownKind(e handbook.Entity) bool {
	return e == store.SettingsEntity || slices.Contains(handbook.Entities, e)
}

func kindNames() []string {
	var out []string
	for _, e := range handbook.Entities {
		out = append(out, string(e))
	}
	return append(out, string(store.SettingsEntity))
}

// moment reads a time flag; empty means unset.
func (env *Env) moment(flagName, value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	t, err := handbook.ParseMoment(value, env.Now(), time.Local)
	if err != nil {
		return time.Time{}, env.usage("{{.Flag}} {{.Value}}: write it as 2026-11-30 08:00, 30.11.2026 08:00, heute 08:00 or 24h",
			vars{"Flag": flagName, "Value": quote(value)})
	}
	return t, nil
}

// translator is the catalog as an i18n.Translator.
func (env *Env) translator() i18n.Translator {
	return func(key string, data map[string]any) string { return env.T(key, data) }
}

type changeJSON struct {
	At         string          `json:"at"`
	HLC        int64           `json:"hlc"`
	Device     string          `json:"device"`
	Laptop     string          `json:"laptop,omitempty"`
	Local      bool            `json:"local"`
	Entity     string          `json:"entity"`
	ID         string          `json:"id"`
	Label      string          `json:"label"`
	Field      string          `json:"field"`
	Old        json.RawMessage `json:"old"`
	New        json.RawMessage `json:"new"`
	OldUnknown bool            `json:"old_unknown,omitempty"`
	Concurrent bool            `json:"concurrent,omitempty"`
	Created    bool            `json:"created,omitempty"`
	Author     string          `json:"author,omitempty"`
	Edit       int64           `json:"edit,omitempty"`
}

func printHistoryJSON(env *Env, changes []store.FieldChange, names map[string]string) error {
	out := make([]changeJSON, 0, len(changes))
	for _, c := range changes {
		out = append(out, changeJSON{At: c.At().Format("2006-01-02T15:04:05.000Z"), HLC: int64(c.HLC), Device: c.Device,
			Laptop: names[c.Device], Local: c.Local, Entity: string(c.Entity), ID: c.ID, Label: c.Label, Field: c.Field,
			Old: c.Old, New: c.New, OldUnknown: c.OldUnknown, Concurrent: c.Concurrent, Created: c.Created,
			Author: c.Author, Edit: int64(c.Edit)})
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// findRecord finds one record by ID or name, of kind e when set.
func findRecord(ctx context.Context, env *Env, st *store.Store, e handbook.Entity, key string) (handbook.Entity, string, error) {
	found, err := st.FindRecords(ctx, e, key)
	if err != nil {
		return "", "", err
	}
	switch len(found) {
	case 0:
		return "", "", errors.New(env.T("no record {{.Name}}; 'ernstfall search' finds names and IDs", vars{"Name": quote(key)}))
	case 1:
		return found[0].Entity, found[0].ID, nil
	}
	var list []string
	for _, f := range found {
		list = append(list, fmt.Sprintf("%s %s", f.Entity, f.ID))
	}
	return "", "", errors.New(env.T("{{.N}} records are called {{.Name}}; choose one by its ID: {{.List}}",
		vars{"N": len(found), "Name": quote(key), "List": strings.Join(list, ", ")}))
}
