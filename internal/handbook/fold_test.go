package handbook

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Müller", "mueller"},
		{"STRASSE", "strasse"},
		{"Straße", "strasse"},
		{"ÄÖÜ", "aeoeue"},
		{"GROẞ", "gross"},
		{"+49 30", "+49 30"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFoldMatchesDefinition holds Fold to what it is defined as, lower
// case then umlauts and ß written out, on random text with every kind of
// letter that matters and broken UTF-8.
func TestFoldMatchesDefinition(t *testing.T) {
	def := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "ẞ", "ss")
	parts := []string{"a", "Z", "ä", "Ä", "ö", "Ö", "ü", "Ü", "ß", "ẞ", "İ", "Σ", "ǅ", "\u212a", "é", "É",
		" ", "1", "\xff", "\xc3", "\u0308", "ı", "\ufffd", "€", "😀"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50_000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if got, want := Fold(s), def.Replace(strings.ToLower(s)); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
}
