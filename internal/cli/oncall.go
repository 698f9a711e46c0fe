package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"ernstfall/internal/handbook"
)

// runOnCall prints who is on duty for each role at a time: the on-call
// roster's person, else the role's holders in order.
func runOnCall(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("on-call", flag.ContinueOnError)
	at := fs.String("at", "", "the `TIME` to ask about (2006-01-02T15:04, local time; default now)")
	weeks := fs.Int("weeks", 0, "also print the roster of the roles with a rotation for `N` weeks")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	when, err := env.parseWhen("--at", *at)
	if err != nil {
		return err
	}
	if when.IsZero() {
		when = env.Now()
	}
	if *weeks < 0 || *weeks > 104 {
		return env.usage("--weeks must be between 0 and 104")
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	hb = hb.Live()
	roles := slices.Clone(hb.Roles)
	slices.SortFunc(roles, func(a, b handbook.Role) int { return strings.Compare(handbook.Fold(a.Name), handbook.Fold(b.Name)) })
	fmt.Fprintln(env.Stdout, env.T("On duty at {{.Time}}:", vars{"Time": when.Local().Format("2006-01-02 15:04")}))
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("role\ton duty\tphone\t"))
	for _, r := range roles {
		d := handbook.OnDutyAt(hb, r, when)
		if !d.OnDuty() {
			fmt.Fprintf(tw, "%s\t%s\t\t\n", r.Name, env.T("nobody assigned"))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, d.Contact.FullName(), strings.Join(d.Contact.Phones(), ", "), env.dutyNote(d))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *weeks == 0 {
		return nil
	}
	contacts := map[string]string{}
	for _, c := range hb.Contacts {
		contacts[c.ID] = c.FullName()
	}
	for _, row := range handbook.Rosters(hb, when, time.Duration(*weeks)*7*24*time.Hour) {
		fmt.Fprintf(env.Stdout, "\n%s\n", env.T("On-call roster {{.Role}}:", vars{"Role": row.Role.Name}))
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		for _, s := range row.Shifts {
			note := ""
			if s.Exception != nil {
				note = env.exceptionNote(*s.Exception, contacts)
			}
			if s.Missing != "" {
				note = env.T("the roster names a deleted contact; a holder of the role stands in")
				if s.ContactID == "" {
					note = env.T("the roster names a deleted contact, and the role has no holder")
				}
			}
			who := cmpName(contacts, s.ContactID)
			if s.ContactID == "" {
				who = env.T("nobody")
			}
			fmt.Fprintf(tw, "%s – %s\t%s\t%s\n", s.From.Local().Format("2006-01-02 15:04"), s.To.Local().Format("2006-01-02 15:04"),
				who, note)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func cmpName(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return "?"
}

// dutyNote says why the person is on duty and until when.
func (env *Env) dutyNote(d handbook.Duty) string {
	until := d.Shift.To.Local().Format("2006-01-02 15:04")
	switch d.Source {
	case handbook.DutyRoster:
		return env.T("on-call roster until {{.Time}}, then {{.Next}}", vars{"Time": until, "Next": d.Next.FullName()})
	case handbook.DutyException:
		return env.T("stands in (holiday or swap) until {{.Time}}", vars{"Time": until})
	case handbook.DutyHolder:
		if d.Deputy {
			return env.T("deputy: the primary has no phone number")
		}
		return env.T("holder")
	}
	return ""
}

// exceptionNote names a roster exception.
func (env *Env) exceptionNote(e handbook.RotationException, names map[string]string) string {
	if e.Kind == handbook.ExceptionHoliday {
		return env.T("{{.Name}} away", vars{"Name": cmpName(names, e.Person)})
	}
	if e.Person != "" {
		return env.T("swap: instead of {{.Name}}", vars{"Name": cmpName(names, e.Person)})
	}
	return env.T("swap")
}
