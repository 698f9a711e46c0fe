package ops

import (
	"context"
	"strconv"
	"strings"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// Attention is what document control asks of people now, as the
// dashboard's card and `ernstfall documents` list it: one decision for
// both front ends.
type Attention int

// Kinds of attention a document needs, most urgent first.
const (
	// AttentionNone: released and unchanged since.
	AttentionNone Attention = iota
	// AttentionConcurrent: two laptops released it at the same time.
	AttentionConcurrent
	// AttentionOldDraft: changes not released for longer than
	// handbook.DraftAgeDays (after a release).
	AttentionOldDraft
	// AttentionUnreleased: changed since its release, not released yet.
	AttentionUnreleased
	// AttentionNeverReleased: never released (the binder prints it marked
	// as a draft).
	AttentionNeverReleased
	// AttentionWithdrawal: deleted after its release; the binder prints
	// the release until an approver releases the withdrawal.
	AttentionWithdrawal
)

// AttentionOf says what a document needs at now.
func AttentionOf(st DocState, now time.Time) Attention {
	old := now.AddDate(0, 0, -handbook.DraftAgeDays)
	switch {
	case st.Withdrawn:
		return AttentionWithdrawal
	case len(st.Releases.Concurrent) > 0:
		return AttentionConcurrent
	case st.Releases.InForce == nil:
		return AttentionNeverReleased
	case !st.Draft:
		return AttentionNone
	case st.DraftSince.Before(old):
		return AttentionOldDraft
	}
	return AttentionUnreleased
}

// Old reports whether a document never released is older than
// handbook.DraftAgeDays: the dashboard counts those instead of listing
// them one by one.
func (st DocState) Old(now time.Time) bool {
	return st.DraftSince.Before(now.AddDate(0, 0, -handbook.DraftAgeDays))
}

// FindDocument resolves a document named on the command line: a kind
// ("playbook", "service", "template", "process", "matrix") and an ID or
// a title. The title may be written in any case and umlaut spelling, and
// shortened to its beginning or to any of its words as long as it names
// one document; otherwise the refusal lists the candidates.
func (o *Ops) FindDocument(ctx context.Context, kind, key string) (handbook.DocRef, error) {
	e := docKind(kind)
	if e == handbook.EntityMatrix {
		return handbook.Matrix, nil
	}
	if !handbook.IsDocumentKind(e) {
		return handbook.DocRef{}, fail(CodeUnknownKind, "Kind", kind)
	}
	key = strings.Join(strings.Fields(key), " ")
	if key == "" {
		return handbook.DocRef{}, fail(CodeUnknownDocument, "Name", `""`)
	}
	live, err := o.st.Summaries(ctx, e)
	if err != nil {
		return handbook.DocRef{}, err
	}
	// Deleted documents whose withdrawal waits for its release are named
	// by the title they were released under.
	releases, err := store.List[handbook.Release](ctx, o.st)
	if err != nil {
		return handbook.DocRef{}, err
	}
	var docs []handbook.DocRef
	for _, s := range live {
		docs = append(docs, handbook.DocRef{Kind: e, ID: s.ID})
	}
	hb := handbook.Handbook{Releases: releases}
	for _, d := range handbook.Withdrawing(&hb, docs) {
		if in := handbook.ReleasesOf(releases, d).InForce; d.Kind == e && in != nil {
			live = append(live, store.Summary{Entity: e, ID: d.ID, Label: in.Title})
		}
	}
	folded := handbook.Fold(key)
	tiers := []func(id, title string) bool{
		func(id, _ string) bool { return strings.EqualFold(id, key) },
		func(_, title string) bool { return title == folded },
		func(id, title string) bool {
			return strings.HasPrefix(title, folded) || len(key) >= 4 && strings.HasPrefix(strings.ToLower(id), strings.ToLower(key))
		},
		func(_, title string) bool {
			for _, w := range strings.FieldsFunc(title, func(r rune) bool { return r == ' ' || r == '-' || r == '/' || r == '(' }) {
				if strings.HasPrefix(w, folded) {
					return true
				}
			}
			return strings.Contains(title, folded)
		},
	}
	for _, match := range tiers {
		var found []int
		for i, s := range live {
			if match(s.ID, handbook.Fold(s.Label)) {
				found = append(found, i)
			}
		}
		switch {
		case len(found) == 1:
			return handbook.DocRef{Kind: e, ID: live[found[0]].ID}, nil
		case len(found) > 1:
			var names []string
			for i, n := range found {
				if i == 10 {
					names = append(names, "… ("+strconv.Itoa(len(found)-10)+")")
					break
				}
				names = append(names, quoteName(live[n].Label)+" ("+live[n].ID+")")
			}
			return handbook.DocRef{}, fail(CodeAmbiguousDocument, "N", strconv.Itoa(len(found)), "Name", quoteName(key),
				"Candidates", strings.Join(names, "; "))
		}
	}
	return handbook.DocRef{}, fail(CodeUnknownDocument, "Name", quoteName(key))
}

// quoteName puts a name in quotes, its control characters escaped.
func quoteName(s string) string { return strconv.Quote(s) }

// Refusals of finding a document.
const (
	CodeAmbiguousDocument Code = "{{.N}} documents match {{.Name}}: {{.Candidates}}. Give more of the title, or the ID."
	CodeUnknownKind       Code = "{{.Kind}} is not a kind of document: playbook, service, template, process or matrix."
)
