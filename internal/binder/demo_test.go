package binder

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"ernstfall/data"
	"ernstfall/internal/cputime"
	"ernstfall/internal/fixture"
	"ernstfall/internal/handbook"
	"ernstfall/internal/markdown"
)

func demo(t testing.TB) handbook.Handbook {
	t.Helper()
	hb, err := data.Demo()
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return hb
}

// TestBinderDemo prints the demo handbook and checks the binder against
// the records it comes from, and its outline against the golden file.
func TestBinderDemo(t *testing.T) {
	hb := demo(t)
	e, res := render(t, hb, Options{PrintedAt: printed, PrintedBy: "Dr. Katrin Albers"})
	all := e.all()
	flat := squeeze(e.raw)

	t.Run("golden outline", func(t *testing.T) {
		golden(t, "demo-outline.golden", outlineText(res, e))
	})
	t.Run("contacts", func(t *testing.T) {
		for _, c := range hb.Contacts {
			for _, want := range append([]string{c.Name}, c.Phones()...) {
				if !strings.Contains(flat, squeeze(want)) {
					t.Errorf("contact %s: %q missing", c.Name, want)
				}
			}
		}
	})
	t.Run("playbooks", func(t *testing.T) {
		for _, pb := range hb.Playbooks {
			if !strings.Contains(all, pb.Title) {
				t.Errorf("playbook %q missing", pb.Title)
			}
			for _, s := range markdown.Steps(pb.Body) {
				if !strings.Contains(flat, squeeze(s.Text)) {
					t.Errorf("playbook %q: step %q missing", pb.Title, s.Text)
				}
			}
			for _, w := range words(pb.Body) {
				if !strings.Contains(flat, w) {
					t.Errorf("playbook %q: word %q missing", pb.Title, w)
				}
			}
		}
	})
	t.Run("footer on every page", func(t *testing.T) {
		for i, p := range e.pages[1:] {
			if want := fmt.Sprintf("Seite %d von %d", i+2, res.Pages); !strings.Contains(p, want) {
				t.Errorf("page %d lacks %q", i+2, want)
			}
		}
	})
}

func benchmarkBinder(b *testing.B, hb handbook.Handbook) {
	var res Result
	cpu := cputime.Start()
	for b.Loop() {
		var err error
		if res, err = Render(context.Background(), io.Discard, hb, Options{PrintedAt: printed}); err != nil {
			b.Fatal(err)
		}
	}
	cpu.Report(b)
	b.ReportMetric(float64(res.Pages), "pages")
}

func BenchmarkBinderDemo(b *testing.B) { benchmarkBinder(b, demo(b)) }

func BenchmarkBinderLarge(b *testing.B) { benchmarkBinder(b, fixture.Generate(1, fixture.Large)) }

// TestAlarmCardRoster: the alarm card prints the on-call roster from the
// print date for eight weeks, with the numbers and the swap, after the
// numbers to call first: front and back of one sheet.
func TestAlarmCardRoster(t *testing.T) {
	hb := demo(t)
	e, res := render(t, hb, Options{PrintedAt: printed, Sections: []string{SectionAlarm}})
	if res.Pages > 2 {
		t.Fatalf("alarm card on %d pages, want one sheet", res.Pages)
	}
	if first := squeeze(e.pages[0]); !strings.Contains(first, squeeze("Externe Notfallkontakte")) || !strings.Contains(first, "Krisenstab-Leitung") {
		t.Errorf("the front lacks the numbers to call first: %s", e.pages[0])
	}
	page := squeeze(strings.Join(e.pages, "\n"))
	for _, want := range []string{"Bereitschaftsplan IT-Rufbereitschaft (nächste 8 Wochen ab 26.11.2026)", "IT-Rufbereitschaft", "Bereitschaft laut Plan unten",
		"Mo 23.11. 09:00 Felix Brandt · +49 171 39200 32", "Mo 30.11. 09:00 Tobias Wendt",
		"Mo 21.12. 09:00 Aylin Demir · +49 171 39200 22", "Tausch (statt Felix Brandt)", "Mo 18.01. 09:00 Felix Brandt"} {
		if !strings.Contains(page, squeeze(want)) {
			t.Errorf("alarm card lacks %q:\n%s", want, e.pages[0])
		}
	}
	if strings.Contains(page, squeeze("Mo 25.01. 09:00")) {
		t.Error("the roster runs past eight weeks")
	}
	en, _ := render(t, hb, Options{PrintedAt: printed, Sections: []string{SectionAlarm}, Lang: "en"})
	if all := squeeze(strings.Join(en.pages, "\n")); !strings.Contains(all, squeeze("On-call roster IT-Rufbereitschaft (next 8 weeks from 2026-11-26)")) ||
		!strings.Contains(all, squeeze("Mon 11-30 09:00 Tobias Wendt")) {
		t.Errorf("English alarm card: %s", en.pages)
	}
}

// TestAlarmCardRosterWithADeletedPerson: Tobias Wendt, on the roster for
// the week from 30 November, was deleted. The printed card names the
// role's holder who stands in, with the number, instead of "?".
func TestAlarmCardRosterWithADeletedPerson(t *testing.T) {
	hb := demo(t)
	found := false
	for i := range hb.Contacts {
		if hb.Contacts[i].Name == "Tobias Wendt" {
			hb.Contacts[i].Deleted, found = true, true
		}
	}
	if !found {
		t.Fatal("the demo has no Tobias Wendt")
	}
	e, _ := render(t, hb, Options{PrintedAt: printed, Sections: []string{SectionAlarm}})
	page := squeeze(strings.Join(e.pages, "\n"))
	for _, want := range []string{"Mo 30.11. 09:00 Jonas Petersen · +49 171 39200 21", "Rolleninhaber vertritt: der Plan nennt einen gelöschten Kontakt"} {
		if !strings.Contains(page, squeeze(want)) {
			t.Errorf("alarm card lacks %q:\n%s", want, strings.Join(e.pages, "\n"))
		}
	}
	if strings.Contains(page, squeeze("09:00 ?")) {
		t.Errorf("a week of the roster names nobody:\n%s", strings.Join(e.pages, "\n"))
	}
}
