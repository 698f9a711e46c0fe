package textdiff

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// sides joins the parts back into the two texts.
func sides(ps []Part) (string, string) {
	var a, b strings.Builder
	for _, p := range ps {
		if p.Op != Insert {
			a.WriteString(p.Text)
		}
		if p.Op != Delete {
			b.WriteString(p.Text)
		}
	}
	return a.String(), b.String()
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"same", "Server isolieren", "Server isolieren", "Server isolieren"},
		{"both empty", "", "", ""},
		{"inserted word", "Server isolieren", "Server sofort isolieren", "Server {+sofort +}isolieren"},
		{"deleted word", "Server sofort isolieren", "Server isolieren", "Server [-sofort -]isolieren"},
		{"replaced word", "Backups prüfen (15 min)", "Backups prüfen (30 min)", "Backups prüfen ([-15-]{+30+} min)"},
		{"umlauts are letters", "Maßnahmen für Kunden", "Maßnahmen für Händler", "Maßnahmen für [-Kunden-]{+Händler+}"},
		{"a phrase replaced reads as one", "ruft den Provider an", "informiert die Geschäftsführung", "[-ruft den Provider an-]{+informiert die Geschäftsführung+}"},
		{"new line in a body",
			"## Sofortmaßnahmen\n- [ ] Netz trennen\n- [ ] Backups prüfen\n",
			"## Sofortmaßnahmen\n- [ ] Netz trennen\n- [ ] BSI informieren\n- [ ] Backups prüfen\n",
			"## Sofortmaßnahmen\n- [ ] Netz trennen\n{+- [ ] BSI informieren\n+}- [ ] Backups prüfen\n"},
		{"changed line in a body",
			"## Kommunikation\n- [ ] Kunden informieren @Kommunikation (60 min)\n## Dokumentation\n",
			"## Kommunikation\n- [ ] Kunden und Presse informieren @Kommunikation (30 min)\n## Dokumentation\n",
			"## Kommunikation\n- [ ] Kunden {+und Presse +}informieren @Kommunikation ([-60-]{+30+} min)\n## Dokumentation\n"},
		{"from empty", "", "neu", "{+neu+}"},
		{"to empty", "alt", "", "[-alt-]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := Words(tc.old, tc.new)
			if got := Marked(ps); got != tc.want {
				t.Errorf("Words:\n got %q\nwant %q", got, tc.want)
			}
			if a, b := sides(ps); a != tc.old || b != tc.new {
				t.Errorf("the parts give back %q and %q", a, b)
			}
			if changed := slices.ContainsFunc(ps, func(p Part) bool { return p.Op != Equal }); changed != (tc.old != tc.new) {
				t.Errorf("a part that is not equal: %v, texts differ: %v", changed, tc.old != tc.new)
			}
		})
	}
}

// TestWordsGivesBothTexts: whatever the texts, the parts give both back,
// and no two neighbouring parts are of the same kind.
func TestWordsGivesBothTexts(t *testing.T) {
	vocab := []string{"Server", "isolieren", " ", " ", "\n", "- [ ] ", "Backup", "(15 min)", "@IT-Lead", "ä", "ß", "## ", "."}
	rng := rand.New(rand.NewPCG(17, 2026))
	text := func() string {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteString(vocab[rng.IntN(len(vocab))])
		}
		return b.String()
	}
	for i := range 2000 {
		old := text()
		new := old
		if rng.IntN(3) > 0 {
			new = text()
		} else if len(old) > 4 {
			cut := rng.IntN(len(old) - 2)
			new = old[:cut] + vocab[rng.IntN(len(vocab))] + old[cut+1:]
		}
		ps := Words(old, new)
		if a, b := sides(ps); a != old || b != new {
			t.Fatalf("case %d: Words(%q, %q) gives back %q and %q", i, old, new, a, b)
		}
		for j := 1; j < len(ps); j++ {
			if ps[j].Op == ps[j-1].Op || ps[j].Text == "" {
				t.Fatalf("case %d: parts %d and %d: %+v", i, j-1, j, ps)
			}
		}
	}
}

// TestWordsBoundsItsWork: two long, wholly different texts are shown as
// deleted and inserted whole, without the work of a finer comparison.
func TestWordsBoundsItsWork(t *testing.T) {
	var a, b strings.Builder
	for i := range 20000 {
		a.WriteString("alpha" + strings.Repeat("x", i%7) + " ")
		b.WriteString("beta" + strings.Repeat("y", i%5) + "\n")
	}
	ps := Words(a.String(), b.String())
	if len(ps) != 2 || ps[0].Op != Delete || ps[1].Op != Insert {
		t.Errorf("%d parts, want the old text deleted and the new inserted", len(ps))
	}
	if x, y := sides(ps); x != a.String() || y != b.String() {
		t.Error("the parts do not give the texts back")
	}
}

func TestLines(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\n"
	new := "a\nb\nc\nD\ne\nf\ng\nh\nneu\n"
	ps := Words(old, new)
	render := func(ls []Line) string {
		var b strings.Builder
		for _, l := range ls {
			if l.Gap {
				b.WriteString("…|")
				continue
			}
			for _, p := range l.Parts {
				switch p.Op {
				case Delete:
					b.WriteString("-" + p.Text)
				case Insert:
					b.WriteString("+" + p.Text)
				default:
					b.WriteString(p.Text)
				}
			}
			b.WriteString("|")
		}
		return b.String()
	}
	if got := render(Lines(ps, 1)); got != "…|c|-d+D|e|…|h|+neu|" {
		t.Errorf("Lines with context 1: %q", got)
	}
	if got := render(Lines(ps, -1)); got != "a|b|c|-d+D|e|f|g|h|+neu|" {
		t.Errorf("all lines: %q", got)
	}
	joined := render(Lines(Words("x", "x\ny"), -1))
	if joined != "x+⏎|+y|" {
		t.Errorf("an inserted line break: %q", joined)
	}
}
