package ops

import (
	"context"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

func TestFindDocumentByPartOfItsTitle(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	ransomware, err := o.FindDocument(ctx, "playbook", "Ransomware-Angriff")
	if err != nil {
		t.Fatal(err)
	}
	// A second playbook starting like another, to make "Ausfall" ambiguous.
	for _, tc := range []struct {
		name, kind, key string
		want            handbook.DocRef
		code            Code
		lists           []string
	}{
		{"exact", "playbook", "Ransomware-Angriff", ransomware, "", nil},
		{"case and umlauts", "playbook", "ransomware-angriff", ransomware, "", nil},
		{"prefix", "playbook", "ransom", ransomware, "", nil},
		{"the ID", "playbooks", ransomware.ID, ransomware, "", nil},
		{"a word of the title", "template", "Statusseite", handbook.DocRef{}, "", nil},
		{"umlaut spelt out", "playbook", "oeffentlich", handbook.DocRef{}, "", nil},
		{"ambiguous", "playbook", "Ausfall", handbook.DocRef{}, CodeAmbiguousDocument,
			[]string{`"Ausfall der SaaS-Händlerplattform" (`, `"Ausfall des Zahlungsdienstleisters" (`}},
		{"no such", "playbook", "Meteoriteneinschlag", handbook.DocRef{}, CodeUnknownDocument, []string{`"Meteoriteneinschlag"`}},
		{"control characters are quoted", "playbook", "x\x1b[2J", handbook.DocRef{}, CodeUnknownDocument, []string{`\x1b[2J`}},
		{"no such kind", "poem", "Ransomware", handbook.DocRef{}, CodeUnknownKind, nil},
		{"matrix", "matrix", "", handbook.Matrix, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := o.FindDocument(ctx, tc.kind, tc.key)
			if codeOf(err) != tc.code {
				t.Fatalf("FindDocument(%q, %q) = %v, %v; want code %q", tc.kind, tc.key, got, err, tc.code)
			}
			for _, want := range tc.lists {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("refusal lacks %q: %v", want, err)
				}
			}
			if tc.code == "" && !tc.want.IsZero() && got != tc.want {
				t.Errorf("FindDocument(%q, %q) = %v, want %v", tc.kind, tc.key, got, tc.want)
			}
			if tc.code == "" && got.ID == "" {
				t.Errorf("FindDocument(%q, %q) found nothing", tc.kind, tc.key)
			}
		})
	}
}

func TestAttentionOf(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	rel := &handbook.Release{Major: 1}
	for _, tc := range []struct {
		name string
		st   DocState
		want Attention
	}{
		{"released", DocState{DocStatus: handbook.DocStatus{Releases: handbook.ReleaseState{InForce: rel}}}, AttentionNone},
		{"changed", DocState{DocStatus: handbook.DocStatus{Draft: true, Releases: handbook.ReleaseState{InForce: rel}}, DraftSince: now.AddDate(0, 0, -3)}, AttentionUnreleased},
		{"changed long ago", DocState{DocStatus: handbook.DocStatus{Draft: true, Releases: handbook.ReleaseState{InForce: rel}}, DraftSince: now.AddDate(0, 0, -31)}, AttentionOldDraft},
		{"never", DocState{DocStatus: handbook.DocStatus{Draft: true}, DraftSince: now.AddDate(0, 0, -31)}, AttentionNeverReleased},
		{"twice", DocState{DocStatus: handbook.DocStatus{Releases: handbook.ReleaseState{InForce: rel, Concurrent: []handbook.Release{*rel}}}}, AttentionConcurrent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AttentionOf(tc.st, now); got != tc.want {
				t.Errorf("AttentionOf = %v, want %v", got, tc.want)
			}
		})
	}
}
