package markdown

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

func TestSteps(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Step // Key is not compared here
	}{
		{
			name: "phases",
			src:  "- [ ] Vorab\n\n## Sofortmaßnahmen\n\n- [ ] Server isolieren\n\n### Detail\n\n- [ ] Logs sichern\n\n## Kommunikation\n\n- [ ] Kunden informieren\n\n# Anhang\n\n- [ ] Nachlese\n",
			want: []Step{
				{Phase: "", Text: "Vorab", Line: 1},
				{Phase: "Sofortmaßnahmen", Text: "Server isolieren", Line: 5},
				{Phase: "Sofortmaßnahmen", Text: "Logs sichern", Line: 9},
				{Phase: "Kommunikation", Text: "Kunden informieren", Line: 13},
				{Phase: "", Text: "Nachlese", Line: 17},
			},
		},
		{
			name: "heading markup is dropped from the phase",
			src:  "## **Wiederanlauf** `DB`\n- [ ] Backup prüfen\n",
			want: []Step{{Phase: "Wiederanlauf DB", Text: "Backup prüfen", Line: 2}},
		},
		{
			name: "nested task items",
			src:  "## A\n- [ ] Eltern\n  - [x] Kind\n    - [ ] Enkel\n- [ ] Geschwister\n",
			want: []Step{
				{Phase: "A", Text: "Eltern", Line: 2},
				{Phase: "A", Text: "Kind", Line: 3, Checked: true},
				{Phase: "A", Text: "Enkel", Line: 4},
				{Phase: "A", Text: "Geschwister", Line: 5},
			},
		},
		{
			name: "role with hyphen",
			src:  "- [ ] Server isolieren @IT-Lead\n",
			want: []Step{{Text: "Server isolieren", Role: "IT-Lead", Line: 1}},
		},
		{
			name: "role with umlaut and underscore",
			src:  "- [ ] @Geschäftsführung_2 entscheidet\n",
			want: []Step{{Text: "entscheidet", Role: "Geschäftsführung_2", Line: 1}},
		},
		{
			name: "email address is no role",
			src:  "- [ ] Mail an it@example.com senden\n",
			want: []Step{{Text: "Mail an it@example.com senden", Line: 1}},
		},
		{
			name: "minutes",
			src:  "- [ ] A (15 min)\n- [ ] B (30 Min.)\n- [ ] C (5 Minuten)\n",
			want: []Step{{Text: "A", Target: 15, Line: 1}, {Text: "B", Target: 30, Line: 2}, {Text: "C", Target: 5, Line: 3}},
		},
		{
			name: "hours",
			src:  "- [ ] A (2 h)\n- [ ] B (1 Std.)\n- [ ] C (3 Stunden)\n",
			want: []Step{{Text: "A", Target: 120, Line: 1}, {Text: "B", Target: 60, Line: 2}, {Text: "C", Target: 180, Line: 3}},
		},
		{
			name: "days",
			src:  "- [ ] A (1 d)\n- [ ] B (1 Tag)\n- [ ] C (2 Tage)\n",
			want: []Step{{Text: "A", Target: 1440, Line: 1}, {Text: "B", Target: 1440, Line: 2}, {Text: "C", Target: 2880, Line: 3}},
		},
		{
			name: "role and time target together",
			src:  "- [ ] Krisenstab einberufen – @Krisenstab-Leitung (30 min)\n",
			want: []Step{{Text: "Krisenstab einberufen", Role: "Krisenstab-Leitung", Target: 30, Line: 1}},
		},
		{
			name: "parentheses without a unit stay text",
			src:  "- [ ] Ticket anlegen (Jira)\n",
			want: []Step{{Text: "Ticket anlegen (Jira)", Line: 1}},
		},
		{
			name: "checked items",
			src:  "- [x] klein\n- [X] groß\n- [ ] offen\n",
			want: []Step{{Text: "klein", Checked: true, Line: 1}, {Text: "groß", Checked: true, Line: 2}, {Text: "offen", Line: 3}},
		},
		{
			name: "inline markup is dropped",
			src:  "- [ ] Server **sofort** `vom Netz` nehmen\n",
			want: []Step{{Text: "Server sofort vom Netz nehmen", Line: 1}},
		},
		{
			name: "task items in code blocks are not steps",
			src:  "```\n- [ ] kein Schritt\n```\n\n    - [ ] auch keiner\n\n- [ ] echter Schritt\n",
			want: []Step{{Text: "echter Schritt", Line: 7}},
		},
		{
			name: "plain list items are not steps",
			src:  "- kein Haken\n- [ ] Haken\n",
			want: []Step{{Text: "Haken", Line: 2}},
		},
		{
			name: "no steps",
			src:  "## Nur Text\n\nAbsatz.\n",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Steps(tt.src)
			for i := range got {
				if got[i].Key == "" {
					t.Errorf("step %d has no key", i)
				}
				got[i].Key = ""
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Steps() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestStepKeys(t *testing.T) {
	base := "## Sofortmaßnahmen\n- [ ] Server isolieren\n- [ ] Lage bewerten\n## Kommunikation\n- [ ] Kunden informieren\n"
	keys := func(src string) map[string]string {
		out := map[string]string{}
		for _, s := range Steps(src) {
			out[s.Phase+"/"+s.Text] = s.Key
		}
		return out
	}
	want := keys(base)
	tests := []struct {
		name string
		src  string
	}{
		{"step inserted before", "## Sofortmaßnahmen\n- [ ] Neu\n- [ ] Server isolieren\n- [ ] Lage bewerten\n## Kommunikation\n- [ ] Kunden informieren\n"},
		{"step inserted in other phase", "## Sofortmaßnahmen\n- [ ] Server isolieren\n- [ ] Lage bewerten\n## Kommunikation\n- [ ] Presse\n- [ ] Kunden informieren\n"},
		{"phase inserted before", "## Vorbereitung\n- [ ] Laptop holen\n" + base},
		{"role and time target added", "## Sofortmaßnahmen\n- [ ] Server isolieren @IT-Lead (15 min)\n- [x] Lage bewerten\n## Kommunikation\n- [ ] Kunden informieren\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys(tt.src)
			for step, key := range want {
				if got[step] != key {
					t.Errorf("key of %q = %q, want %q", step, got[step], key)
				}
			}
		})
	}

	t.Run("same text in other phase differs", func(t *testing.T) {
		s := Steps("## A\n- [ ] Prüfen\n## B\n- [ ] Prüfen\n")
		if len(s) != 2 || s[0].Key == s[1].Key {
			t.Errorf("keys not distinct: %+v", s)
		}
	})
	t.Run("repeated step in one phase is distinct", func(t *testing.T) {
		s := Steps("## A\n- [ ] Prüfen\n- [ ] Prüfen\n")
		if len(s) != 2 || s[0].Key == s[1].Key || s[1].Key != s[0].Key+"-2" {
			t.Errorf("keys = %q, %q; want second to be first + \"-2\"", s[0].Key, s[1].Key)
		}
	})
}

func TestRawHTMLIsText(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		absent string
		shown  string
	}{
		{"script block", "<script>alert(1)</script>\n", "<script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"inline tag", "Text <b onclick=\"x()\">fett</b>\n", "<b ", "&lt;b onclick=&quot;x()&quot;&gt;fett&lt;/b&gt;"},
		{"comment", "<!-- versteckt -->\n", "<!--", "&lt;!-- versteckt --&gt;"},
		{"iframe", "<iframe src=\"https://example.com\"></iframe>\n", "<iframe", "&lt;iframe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Parser().Convert([]byte(tt.src), &buf); err != nil {
				t.Fatalf("convert: %v", err)
			}
			out := buf.String()
			if strings.Contains(out, tt.absent) {
				t.Errorf("output contains %q: %s", tt.absent, out)
			}
			if !strings.Contains(out, tt.shown) {
				t.Errorf("output lacks %q: %s", tt.shown, out)
			}
		})
	}

	t.Run("tree has no HTML nodes", func(t *testing.T) {
		src := []byte("<div>\nBlock\n</div>\n\nText <em>x</em>\n")
		_ = ast.Walk(Parse(src), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if k := n.Kind(); k == ast.KindHTMLBlock || k == ast.KindRawHTML {
				t.Errorf("found %s node", k)
			}
			return ast.WalkContinue, nil
		})
	})
}

func TestParseGFM(t *testing.T) {
	tests := []struct {
		name string
		src  string
		kind ast.NodeKind
	}{
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |\n", east.KindTable},
		{"task list", "- [ ] x\n", east.KindTaskCheckBox},
		{"strikethrough", "~~alt~~\n", east.KindStrikethrough},
		{"linkify", "siehe https://example.com\n", ast.KindAutoLink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found := false
			_ = ast.Walk(Parse([]byte(tt.src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				if n.Kind() == tt.kind {
					found = true
				}
				return ast.WalkContinue, nil
			})
			if !found {
				t.Errorf("no %s node in %q", tt.kind, tt.src)
			}
		})
	}
}

func TestPlaceholders(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"none", "Kein Platzhalter { hier }", nil},
		{"order of first use", "{{incident.title}} seit {{incident.started}}; erneut {{incident.title}}", []string{"incident.title", "incident.started"}},
		{"spaces inside braces", "Hallo {{ contact.name }}", []string{"contact.name"}},
		{"umlauts, digits, hyphen", "{{größe_1}} {{a-b}}", []string{"größe_1", "a-b"}},
		{"empty braces ignored", "{{}} {{ }}", nil},
		{"a role with spaces and a colon", "{{role:IT Rufbereitschaft.phone}} {{ role:Datenschutz.name }}", []string{"role:IT Rufbereitschaft.phone", "role:Datenschutz.name"}},
		{"no double spaces, no line breaks", "{{a  b}} {{a\nb}}", nil},
		{"an ellipsis is no placeholder", "{{…}}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for rest := tt.src; ; {
				_, end, name, ok := FindPlaceholder(rest)
				if !ok {
					break
				}
				if !slices.Contains(got, name) {
					got = append(got, name)
				}
				rest = rest[end:]
			}
			if !slices.Equal(got, tt.want) || !slices.Equal(Placeholders(tt.src), tt.want) {
				t.Errorf("placeholders found %q and %q, want %q", got, Placeholders(tt.src), tt.want)
			}
		})
	}
}

func TestFill(t *testing.T) {
	values := map[string]string{"incident.title": "Ransomware", "contact.name": "Jörg Müller", "empty": "", "quoted": "{{contact.name}}"}
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"known", "Betreff: {{incident.title}}", "Betreff: Ransomware"},
		{"repeated", "{{incident.title}}/{{incident.title}}", "Ransomware/Ransomware"},
		{"spaces inside braces", "Hallo {{ contact.name }}!", "Hallo Jörg Müller!"},
		{"unknown stays", "Seit {{incident.started}}", "Seit {{incident.started}}"},
		{"empty value", "[{{empty}}]", "[]"},
		{"value with braces is not refilled", "{{quoted}}", "{{contact.name}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FillFunc(tt.src, func(name string) (string, bool) {
				v, ok := values[name]
				return v, ok
			})
			if got != tt.want {
				t.Errorf("Fill() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFindPlaceholderAndTimeTarget(t *testing.T) {
	s := "Bitte {{ contact.name }} anrufen (15 min)"
	start, end, name, ok := FindPlaceholder(s)
	if !ok || name != "contact.name" || s[start:end] != "{{ contact.name }}" {
		t.Errorf("FindPlaceholder = %d, %d, %q, %v", start, end, name, ok)
	}
	if _, _, _, ok := FindPlaceholder("keine Platzhalter"); ok {
		t.Error("found a placeholder in plain text")
	}
	start, end, ok = FindTimeTarget(s)
	if !ok || s[start:end] != "(15 min)" {
		t.Errorf("FindTimeTarget = %q, %v", s[start:end], ok)
	}
	if _, _, ok := FindTimeTarget("Server (Produktion) isolieren"); ok {
		t.Error("a parenthesis without a duration is no time target")
	}
}

// TestStepKeysStable pins keys as earlier versions computed them: an
// incident's ticks refer to steps by key, so a key must never change.
func TestStepKeysStable(t *testing.T) {
	src := "## Sofort\u00a0maßnahmen \t\n- [ ] Server  isolieren\u00a0 @IT-Lead (15 min)\n" +
		"- [ ] Lage\tbewerten\vjetzt:\n  weiter\n- [ ] Kunden informieren –\n"
	want := []struct{ text, key string }{
		{"Server isolieren", "075de84747b9"},
		{"Lage bewerten\vjetzt: weiter", "e0a106097f42"},
		{"Kunden informieren", "87f98a2c8d73"},
	}
	got := Steps(src)
	if len(got) != len(want) {
		t.Fatalf("%d steps, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Text != w.text || got[i].Key != w.key {
			t.Errorf("step %d = %q key %s, want %q key %s", i, got[i].Text, got[i].Key, w.text, w.key)
		}
	}
}

// TestCollapseSpaces checks collapseSpaces against the regular expression
// it replaces, on white space of every kind.
func TestCollapseSpaces(t *testing.T) {
	re := regexp.MustCompile(`\s+`)
	parts := []string{"a", "ß", " ", "  ", "\t", "\n", "\r\n", "\f", "\v", "\u00a0", "\u2003", "-", ""}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if got, want := collapseSpaces(s), re.ReplaceAllString(s, " "); got != want {
			t.Fatalf("collapseSpaces(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestScannersMatchExpressions holds the hand-written step scanners to the
// regular expressions they stand for, on random texts made of the pieces
// that matter to them.
func TestScannersMatchExpressions(t *testing.T) {
	role := regexp.MustCompile(`(?:^|\s)@([\p{L}\p{N}_-]+)`)
	target := regexp.MustCompile(`(?i)\(\s*(\d+)\s*(minuten|minutes|minute|min\.?|m|stunden|stunde|std\.?|hours|hour|h|tagen|tage|tag|days|day|d)\s*\)`)
	parts := []string{"@", "(", ")", " ", "\t", "\n", "\v", "\u00a0", "1", "15", "٣", "a", "Ü", "ß", "-", "_", ".", ",",
		"min", "MIN", "Min.", "m", "h", "Std", "std.", "tag", "Tage", "days", "d", "ſtd", "x", "IT-Lead", "é"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100_000 {
		var b strings.Builder
		for range rng.IntN(10) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		start, end, ok := findRole(s)
		if m := role.FindStringSubmatchIndex(s); (m != nil) != ok || ok && (m[2] != start || m[3] != end) {
			t.Fatalf("findRole(%q) = %d, %d, %v; expression gives %v", s, start, end, ok, m)
		}
		tt, ok := findTimeTarget(s)
		got := []int{tt.start, tt.end, tt.numStart, tt.numEnd, tt.unitStart, tt.unitEnd}
		if m := target.FindStringSubmatchIndex(s); (m != nil) != ok || ok && !slices.Equal(m, got) {
			t.Fatalf("findTimeTarget(%q) = %v, %v; expression gives %v", s, got, ok, m)
		}
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"emphasis markers go", "**Verantwortlicher:** Nordlicht, _sofort_ ~~nicht~~ `code`", "Verantwortlicher: Nordlicht, sofort nicht code\n"},
		{"line breaks in a paragraph stay", "**A:** 1\n**B:** 2", "A: 1\nB: 2\n"},
		{"headings and paragraphs", "# Lage\n\nText eins.\n\n## Weiter\nText zwei.", "Lage\n\nText eins.\n\nWeiter\n\nText zwei.\n"},
		{"lists", "- eins\n- **zwei**\n\n1. a\n2. b", "- eins\n- zwei\n\n1. a\n2. b\n"},
		{"ordered list from 3", "3. drei\n4. vier", "3. drei\n4. vier\n"},
		{"task items", "- [ ] offen\n- [x] erledigt", "- [ ] offen\n- [x] erledigt\n"},
		{"links keep their address", "[Statusseite](https://status.example.com) und <https://example.org>", "Statusseite (https://status.example.com) und https://example.org\n"},
		{"mail link without repetition", "[a@example.com](mailto:a@example.com)", "a@example.com\n"},
		{"two-column table without header as lines", "| | |\n|---|---|\n| Beginn | 10:00 |\n| **Owner** | Anna |", "Beginn: 10:00\nOwner: Anna\n"},
		{"table with header", "| A | B | C |\n|---|---|---|\n| 1 | 2 | 3 |", "A | B | C\n---------\n1 | 2 | 3\n"},
		{"quote", "> zitiert\n> weiter", "> zitiert\n> weiter\n"},
		{"code block as written", "```\n**nicht fett**\n```", "**nicht fett**\n"},
		{"escaped marker", "\\*kein Stern\\*", "*kein Stern*\n"},
		{"raw html stays text", "<b>fett</b>", "<b>fett</b>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.src); got != tt.want {
				t.Errorf("PlainText(%q)\n got %q\nwant %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestPlainLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"- [ ] Server isolieren @IT-Lead (15 min)", "Server isolieren @IT-Lead (15 min)"},
		{"  - [x] **Backups** prüfen", "Backups prüfen"},
		{"1. Anrufen: `112`", "Anrufen: 112"},
		{"## Sofortmaßnahmen", "Sofortmaßnahmen"},
		{"> Hinweis: *nicht* herunterfahren", "Hinweis: nicht herunterfahren"},
		{"Siehe [BSI – Ransomware](https://www.bsi.bund.de/dok/ransomware)", "Siehe BSI – Ransomware"},
		{"| Pflicht | Empfänger | Frist |", "Pflicht · Empfänger · Frist"},
		{"|---|:--:|---|", ""},
		{"__wichtig__ und 2 * 3 = 6", "wichtig und 2 * 3 = 6"},
		{"a_b@example.com", "a_b@example.com"},
	}
	for _, tt := range tests {
		if got := PlainLine(tt.in); got != tt.want {
			t.Errorf("PlainLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
