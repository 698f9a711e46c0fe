package textdiff

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExcerpts(t *testing.T) {
	body := "## Sofortmaßnahmen\n\n- [ ] Betroffene Server vom Netz trennen @IT-Lead (15 min)\n- [ ] Krisenstab einberufen @Krisenstab-Leitung (30 min)\n\n## Kommunikation\n\n- [ ] Belegschaft informieren @Kommunikation\n"
	changed := strings.Replace(body, "Krisenstab einberufen", "Krisenstab sofort telefonisch einberufen", 1)
	tests := []struct {
		name             string
		old, new         string
		width            int
		wantOld, wantNew string
	}{
		{"short values stay whole", "+49 170 1", "+49 170 2", 40, "+49 170 1", "+49 170 2"},
		{"line breaks are marked", "a\nb", "a\nc", 40, "a⏎b", "a⏎c"},
		{"a change inside a long body shows its words", body, changed, 60,
			"…- [ ] Krisenstab einberufen…",
			"…- [ ] Krisenstab sofort telefonisch einberufen…"},
		{"a wider list shows more of the words around", body, changed, 120,
			"…Netz trennen @IT-Lead (15 min)⏎- [ ] Krisenstab einberufen @Krisenstab-Leitung (30 min)⏎⏎##…",
			"…Netz trennen @IT-Lead (15 min)⏎- [ ] Krisenstab sofort telefonisch einberufen @Krisenstab-Leitung (30 min)⏎⏎##…"},
		{"text added at the end", body, body + "- [ ] Presse vorbereiten\n", 50,
			"…@Kommunikation⏎", "…@Kommunikation⏎- [ ] Presse vorbereiten⏎"},
		{"a long text emptied", body, "", 40, "## Sofortmaßnahmen⏎⏎- [ ] Betroffene S…", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotOld, gotNew := Excerpts(tt.old, tt.new, tt.width)
			if gotOld != tt.wantOld || gotNew != tt.wantNew {
				t.Errorf("got\n%q\n%q\nwant\n%q\n%q", gotOld, gotNew, tt.wantOld, tt.wantNew)
			}
			for _, s := range []string{gotOld, gotNew} {
				if n := utf8.RuneCountInString(s); n > tt.width {
					t.Errorf("%q is %d characters, more than %d", s, n, tt.width)
				}
			}
		})
	}
}

func TestShorten(t *testing.T) {
	if got := Shorten("kurz", 40); got != "kurz" {
		t.Errorf("short text: %q", got)
	}
	got := Shorten("Betroffene Server vom Netz trennen und den Krisenstab einberufen", 30)
	if got != "Betroffene Server vom Netz…" {
		t.Errorf("long text: %q", got)
	}
}
