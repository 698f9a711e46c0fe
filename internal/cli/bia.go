package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
)

// biaColumns are the columns of "bia --format csv": stable English names
// for scripts, durations in whole minutes (a number every spreadsheet
// reads, whatever its decimal sign) beside the same duration in words.
var biaColumns = []string{"process", "criticality", "mtpd_minutes", "mtpd", "required_rto_minutes", "required_rto",
	"rpo_minutes", "rpo", "achieved_rto_minutes", "achieved_rto", "gap", "weakest_link", "via",
	"owner", "assessed_at", "assessed_by", "cells_rated", "cells", "id"}

// runBIA prints the business impact analysis: each process, most critical
// first, with its MTPD, criticality, required RTO and RPO, and the RTO its
// dependencies achieve (the worst chain); then the BIA's findings.
func runBIA(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("bia", flag.ContinueOnError)
	format := fs.String("format", "text", "`text` or csv")
	out := fs.String("o", "-", "output `FILE` (- for standard output)")
	separator := fs.String("separator", ",", "CSV field separator: , or ;")
	if err := env.parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "csv" {
		return env.usage("unknown format {{.Format}} (known: text, csv)", vars{"Format": quote(*format)})
	}
	if *separator != "," && *separator != ";" {
		return env.usage("separator must be , or ;")
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := refuseDatabase(env, *out, st.Path()); err != nil {
		return err
	}
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	live := hb.Live()
	a := live.Analyse()
	names := map[string]string{}
	for _, c := range live.Contacts {
		names[c.ID] = c.Name
	}
	tr := func(k string, d map[string]any) string { return env.T(k, d) }
	span := func(m handbook.Minutes) string {
		if m <= 0 {
			return ""
		}
		return i18n.Span(m, tr)
	}
	mins := func(m handbook.Minutes) string {
		if m <= 0 {
			return ""
		}
		return strconv.Itoa(int(m))
	}
	var rows [][]string
	for _, v := range a.Processes {
		p := v.Process
		gap := ""
		if v.RTO > 0 && v.Achieved() > v.RTO {
			gap = "yes"
		}
		crit := ""
		if k, ok := i18n.SeverityKeys[v.Criticality]; ok {
			crit = env.T(k)
		}
		mtpd := span(v.MTPD)
		if v.Beyond {
			mtpd = env.T("more than {{.Time}}", vars{"Time": i18n.Span(a.Config.TimePoints[len(a.Config.TimePoints)-1], tr)})
		}
		if !v.Assessed() {
			mtpd = env.T("not assessed")
		}
		assessed := ""
		if !p.AssessedAt.IsZero() {
			assessed = p.AssessedAt.Format("2006-01-02")
		}
		rows = append(rows, []string{p.Name, crit, mins(v.MTPD), mtpd, mins(v.RTO), span(v.RTO), mins(p.RPO), span(p.RPO),
			mins(v.Achieved()), span(v.Achieved()), gap, v.Worst.Name, v.Worst.Via(),
			names[p.Owner], assessed, names[p.AssessedBy], strconv.Itoa(v.Rated), strconv.Itoa(v.Cells), p.ID})
	}
	var buf bytes.Buffer
	if *format == "csv" {
		if err := exchange.WriteTable(&buf, biaColumns, rows, exchange.CSVOptions{Comma: rune((*separator)[0]), BOM: *out != "-"}); err != nil {
			return err
		}
		return writeOut(env, *out, buf.Bytes(), env.T("{{.N}} business processes", vars{"N": len(rows)}))
	}
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, env.T("Process\tCriticality\tMTPD\tRequired RTO\tRPO\tAchieved RTO\tWeakest link"))
	for _, r := range rows {
		achieved := r[9]
		if r[10] == "yes" {
			achieved += " ⚠"
		}
		weakest := r[11]
		if r[12] != "" {
			weakest = env.T("{{.Name}} via {{.Via}}", vars{"Name": r[11], "Via": r[12]})
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r[0], r[1], r[3], r[5], r[7], achieved, weakest)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rows) == 0 {
		fmt.Fprintln(&buf, env.T("The handbook has no business processes yet."))
	}
	findings := a.Findings(env.Now())
	if len(findings) > 0 {
		fmt.Fprintln(&buf)
	}
	for _, f := range findings {
		fmt.Fprintf(&buf, "%s: %s\n", env.T(string(f.Level)), findingMessage(env, f))
	}
	fmt.Fprintln(&buf, env.T("Criticality from the MTPD: up to 4 h critical, up to 1 day high, up to 1 week medium, above low. Required RTO: MTPD × {{.Factor}}, rounded down to a time point.",
		vars{"Factor": i18n.Decimal(a.Config.RTOFactor, tr)}))
	return writeOut(env, *out, buf.Bytes(), env.T("{{.N}} business processes", vars{"N": len(rows)}))
}
