package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// docKindName is a kind of document as the command line names it.
func docKindName(e handbook.Entity) string {
	switch e {
	case handbook.EntityMatrix:
		return "matrix"
	case handbook.EntityCommTemplate:
		return "template"
	}
	return string(e)
}

// attentionText says in a few words what a document needs.
func attentionText(env *Env, st ops.DocState, a ops.Attention) string {
	switch a {
	case ops.AttentionConcurrent:
		return env.T("released twice at the same time; release it again")
	case ops.AttentionOldDraft:
		return env.T("! draft since {{.Date}}, not released", vars{"Date": env.date(st.DraftSince)})
	case ops.AttentionUnreleased:
		return env.T("changed since {{.Date}}, not released", vars{"Date": env.date(st.DraftSince)})
	case ops.AttentionNeverReleased:
		return env.T("never released")
	}
	return env.T("released, unchanged")
}

type documentJSON struct {
	Kind       string `json:"kind"`
	ID         string `json:"id"`
	Title      string `json:"title"`
	State      string `json:"state"`
	InForce    string `json:"in_force,omitempty"`
	DraftSince string `json:"draft_since,omitempty"`
	NextReview string `json:"next_review,omitempty"`
}

// attentionKey names an attention in JSON.
var attentionKey = map[ops.Attention]string{
	ops.AttentionNone: "released", ops.AttentionConcurrent: "concurrent", ops.AttentionOldDraft: "old_draft",
	ops.AttentionUnreleased: "unreleased", ops.AttentionNeverReleased: "never_released",
}

func runDocuments(ctx context.Context, env *Env, g *globals, args []string) error {
	fs := flag.NewFlagSet("documents", flag.ContinueOnError)
	drafts := fs.Bool("drafts", false, "only the documents with changes not released (what the overview's document control card lists)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return env.unexpected(pos[0])
	}
	st, err := g.openRead(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	o := env.ops(st)
	hb, err := st.Load(ctx)
	if err != nil {
		return err
	}
	live := hb.Live()
	sts, err := o.DocStates(ctx, &live)
	if err != nil {
		return err
	}
	now := env.Now()
	out := []documentJSON{}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	if !*asJSON {
		fmt.Fprintln(tw, env.T("kind\tdocument\tversion\tstate\tnext review"))
	}
	counts := map[ops.Attention]int{}
	for _, s := range sts {
		a := ops.AttentionOf(s, now)
		counts[a]++
		if *drafts && a == ops.AttentionNone {
			continue
		}
		title := docTitle(env, &live, s.Doc)
		version := ""
		if s.Releases.InForce != nil {
			version = s.Releases.InForce.Version()
		}
		if *asJSON {
			j := documentJSON{Kind: docKindName(s.Doc.Kind), ID: s.Doc.ID, Title: title, State: attentionKey[a], InForce: version}
			if s.Draft {
				j.DraftSince = s.DraftSince.UTC().Format("2006-01-02T15:04:05Z")
			}
			if !s.NextReview.IsZero() {
				j.NextReview = s.NextReview.UTC().Format("2006-01-02")
			}
			out = append(out, j)
			continue
		}
		next := env.date(s.NextReview)
		if !s.NextReview.IsZero() && s.NextReview.Before(now) {
			next = "! " + next
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", docKindName(s.Doc.Kind), title, version, attentionText(env, s, a), next)
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw.Flush()
	held, err := o.HeldReleases(ctx)
	if err != nil {
		return err
	}
	names, err := o.DeviceNames(ctx)
	if err != nil {
		return err
	}
	printHeld(env, held, names)
	fmt.Fprintln(env.Stdout, env.T("{{.N}} documents: {{.Released}} released and unchanged, {{.Changed}} changed since their release ({{.Old}} of them for more than {{.Days}} days), {{.Never}} never released, {{.Twice}} released twice at the same time.",
		vars{"N": len(sts), "Released": counts[ops.AttentionNone], "Changed": counts[ops.AttentionUnreleased] + counts[ops.AttentionOldDraft],
			"Old": counts[ops.AttentionOldDraft], "Days": handbook.DraftAgeDays, "Never": counts[ops.AttentionNeverReleased], "Twice": counts[ops.AttentionConcurrent]}))
	return nil
}
