package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// walk calls f for every object in the tree below o, widgets through their renderers.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	f(o)
	if e, ok := o.(*formEntry); ok {
		f(&e.Entry) // found like any other entry
	}
	if b, ok := o.(*button); ok {
		f(&b.Button) // found like any other button
	}
	switch o := o.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			walk(c, f)
		}
	case *container.Scroll:
		walk(o.Content, f)
	case fyne.Widget:
		if _, rich := o.(*widget.RichText); rich {
			return
		}
		for _, c := range test.WidgetRenderer(o).Objects() {
			walk(c, f)
		}
	}
}

// segments lists the rich text segments below o.
func segments(o fyne.CanvasObject) []widget.RichTextSegment {
	var out []widget.RichTextSegment
	walk(o, func(o fyne.CanvasObject) {
		if rt, ok := o.(*widget.RichText); ok {
			out = append(out, rt.Segments...)
		}
	})
	return out
}

func textOf(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Textual())
	}
	return b.String()
}

func TestRenderMarkdown(t *testing.T) {
	test.NewTempApp(t)
	// find returns the first text segment containing s.
	find := func(segs []widget.RichTextSegment, s string) *widget.TextSegment {
		for _, seg := range segs {
			if ts, ok := seg.(*widget.TextSegment); ok && strings.Contains(ts.Text, s) {
				return ts
			}
		}
		return nil
	}
	checks := func(o fyne.CanvasObject) (boxes []*widget.Check) {
		walk(o, func(o fyne.CanvasObject) {
			if c, ok := o.(*widget.Check); ok {
				boxes = append(boxes, c)
			}
		})
		return boxes
	}
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, o fyne.CanvasObject)
	}{
		{"heading", "## Sofortmaßnahmen", func(t *testing.T, o fyne.CanvasObject) {
			s := find(segments(o), "Sofortmaßnahmen")
			if s == nil || !s.Style.TextStyle.Bold || s.Style.SizeName == "" {
				t.Fatalf("heading segment = %+v, want bold with a heading size", s)
			}
		}},
		{"paragraph with soft break", "erste Zeile\nzweite Zeile", func(t *testing.T, o fyne.CanvasObject) {
			if got := textOf(segments(o)); got != "erste Zeile zweite Zeile" {
				t.Fatalf("text = %q", got)
			}
		}},
		{"emphasis and strong", "*kursiv* und **fett**", func(t *testing.T, o fyne.CanvasObject) {
			segs := segments(o)
			if s := find(segs, "kursiv"); s == nil || !s.Style.TextStyle.Italic {
				t.Errorf("emphasis = %+v, want italic", s)
			}
			if s := find(segs, "fett"); s == nil || !s.Style.TextStyle.Bold {
				t.Errorf("strong = %+v, want bold", s)
			}
		}},
		{"bullet list nested", "- eins\n  - innen\n- zwei", func(t *testing.T, o fyne.CanvasObject) {
			text := textOf(segments(o))
			for _, w := range []string{"eins", "innen", "zwei"} {
				if !strings.Contains(text, w) {
					t.Errorf("list text %q lacks %q", text, w)
				}
			}
			var bullets int
			walk(o, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok && l.Text == "•" {
					bullets++
				}
			})
			if bullets != 3 {
				t.Errorf("bullets = %d, want 3", bullets)
			}
		}},
		{"ordered list", "3. drei\n4. vier", func(t *testing.T, o fyne.CanvasObject) {
			var nums []string
			walk(o, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok && strings.HasSuffix(l.Text, ".") {
					nums = append(nums, l.Text)
				}
			})
			if strings.Join(nums, " ") != "3. 4." {
				t.Errorf("numbers = %v, want [3. 4.]", nums)
			}
		}},
		{"task items as a list, not as check boxes that cannot be ticked", "- [ ] Server isolieren @IT-Lead\n- [x] Krisenstab alarmieren", func(t *testing.T, o fyne.CanvasObject) {
			if boxes := checks(o); len(boxes) != 0 {
				t.Fatalf("check boxes = %d, want none", len(boxes))
			}
			var marks []string
			walk(o, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok {
					marks = append(marks, l.Text)
				}
			})
			if !slices.Equal(marks, []string{"•", "✓"}) {
				t.Errorf("marks = %q, want • for the step to do and ✓ for the one done", marks)
			}
			if !strings.Contains(textOf(segments(o)), "Server isolieren @IT-Lead") {
				t.Errorf("task text missing: %q", textOf(segments(o)))
			}
		}},
		{"table", "| Stufe | Wer |\n|---|---|\n| 1 | IT-Lead |\n| 2 | Krisenstab |", func(t *testing.T, o fyne.CanvasObject) {
			var grid *fyne.Container
			walk(o, func(o fyne.CanvasObject) {
				if c, ok := o.(*fyne.Container); ok && len(c.Objects) == 6 {
					grid = c
				}
			})
			if grid == nil {
				t.Fatal("no 2×3 grid of cells")
			}
			head := segments(grid.Objects[0])
			if textOf(head) != "Stufe" || !head[0].(*widget.TextSegment).Style.TextStyle.Bold {
				t.Errorf("header cell = %q, want bold Stufe", textOf(head))
			}
			if got := textOf(segments(grid.Objects[5])); got != "Krisenstab" {
				t.Errorf("last cell = %q", got)
			}
		}},
		{"link", "Siehe [BSI](https://www.bsi.bund.de) und <https://example.org>", func(t *testing.T, o fyne.CanvasObject) {
			var links []string
			for _, s := range segments(o) {
				if h, ok := s.(*widget.HyperlinkSegment); ok {
					links = append(links, h.Text+"="+h.URL.String())
				}
			}
			if strings.Join(links, " ") != "BSI=https://www.bsi.bund.de https://example.org=https://example.org" {
				t.Errorf("links = %v", links)
			}
		}},
		{"link with unsafe scheme stays text", "[klick](javascript:alert(1))", func(t *testing.T, o fyne.CanvasObject) {
			for _, s := range segments(o) {
				if _, ok := s.(*widget.HyperlinkSegment); ok {
					t.Fatal("javascript link became a hyperlink")
				}
			}
			if !strings.Contains(textOf(segments(o)), "klick") {
				t.Error("link text dropped")
			}
		}},
		{"code span", "Befehl `systemctl stop nginx` ausführen", func(t *testing.T, o fyne.CanvasObject) {
			s := find(segments(o), "systemctl")
			if s == nil || !s.Style.TextStyle.Monospace {
				t.Fatalf("code span = %+v, want monospace", s)
			}
		}},
		{"code block", "```\nzeile 1\nzeile 2\n```", func(t *testing.T, o fyne.CanvasObject) {
			s := find(segments(o), "zeile 1")
			if s == nil || s.Text != "zeile 1\nzeile 2" || !s.Style.TextStyle.Monospace || s.Style.Inline {
				t.Fatalf("code block = %+v", s)
			}
		}},
		{"thematic break", "oben\n\n---\n\nunten", func(t *testing.T, o fyne.CanvasObject) {
			var seps int
			walk(o, func(o fyne.CanvasObject) {
				if _, ok := o.(*widget.Separator); ok {
					seps++
				}
			})
			if seps != 1 {
				t.Fatalf("separators = %d, want 1", seps)
			}
		}},
		{"blockquote", "> Zitat", func(t *testing.T, o fyne.CanvasObject) {
			if textOf(segments(o)) != "Zitat" {
				t.Fatalf("text = %q", textOf(segments(o)))
			}
		}},
		{"raw HTML shown as text", "<script>alert('x')</script>\n\nText mit <b>fett</b>", func(t *testing.T, o fyne.CanvasObject) {
			text := textOf(segments(o))
			for _, w := range []string{"<script>alert('x')</script>", "<b>fett</b>"} {
				if !strings.Contains(text, w) {
					t.Errorf("text %q lacks the markup %q as written", text, w)
				}
			}
		}},
		{"strikethrough kept as text", "~~alt~~ neu", func(t *testing.T, o fyne.CanvasObject) {
			if got := textOf(segments(o)); got != "alt neu" {
				t.Fatalf("text = %q", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, renderMarkdown(tt.src))
		})
	}
}
