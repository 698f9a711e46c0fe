package app

import (
	"context"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// searchLimit caps the hits one search shows.
const searchLimit = 60

// searchPause is how long typing rests before the search runs: a word
// typed fast is searched once, not once per letter.
const searchPause = 120 * time.Millisecond

// searchTyped searches for what the search field holds as it is typed.
// The search runs off the UI thread once typing pauses, so no keystroke
// waits for it; a newer keystroke cancels the search still running, and
// a result arriving for an older text is dropped, so the list on display
// always belongs to the text typed last. Nothing is shown while a form is
// open, nor once another screen was chosen meanwhile.
func (u *ui) searchTyped(q string) {
	u.searchGen++
	if u.searchStop != nil {
		u.searchStop()
		u.searchStop = nil
	}
	if u.editor != nil || len([]rune(q)) < 2 {
		return
	}
	if u.inline {
		// Tests: their goroutine is the UI thread.
		u.showSearch(q, false)
		return
	}
	gen := u.searchGen
	ctx, stop := context.WithCancel(u.ctx)
	u.searchStop = stop
	u.tasks.Add(1)
	go func() {
		defer u.tasks.Done()
		pause := time.NewTimer(searchPause)
		defer pause.Stop()
		select {
		case <-ctx.Done():
			return
		case <-pause.C:
		}
		hits, err := u.st.Search(ctx, q, searchLimit)
		if ctx.Err() != nil {
			return
		}
		u.later(func() {
			if gen != u.searchGen || u.editor != nil {
				return // typed on, or a form opened meanwhile
			}
			u.searchStop = nil
			stop()
			if err != nil {
				u.searchFailed(err)
				return
			}
			u.showHits(q, hits)
		})
	}()
}

// searchFailed says that a search could not run.
func (u *ui) searchFailed(err error) {
	u.showError(lang.L("The search failed."), lang.L("Try other words; if it happens again, restart Ernstfall."), err)
}

// searchState is the result list on display: its hits in the order shown
// and the one selected with Up and Down, which Enter opens.
type searchState struct {
	query  string
	hits   []store.Hit
	marks  []*canvas.Rectangle
	rows   []fyne.CanvasObject
	scroll *container.Scroll
	sel    int
}

// showSearch runs a search over the whole handbook and shows the hits
// grouped by kind of record. With openSelected (Enter) the selected hit
// opens: the best one, unless Up and Down chose another.
func (u *ui) showSearch(q string, openSelected bool) {
	if openSelected && u.found != nil && u.found.query == q && len(u.found.hits) > 0 {
		h := u.found.hits[u.found.sel]
		u.search.SetText("")
		u.found = nil
		u.open(h.Entity, h.ID)
		return
	}
	hits, err := u.st.Search(u.ctx, q, searchLimit)
	if err != nil {
		u.searchFailed(err)
		return
	}
	if openSelected && len(hits) > 0 {
		u.search.SetText("")
		u.found = nil
		u.open(hits[0].Entity, hits[0].ID)
		return
	}
	u.showHits(q, hits)
}

// showHits shows the hits of a search in place of the screen.
func (u *ui) showHits(q string, hits []store.Hit) {
	u.editor = nil
	u.current = -1
	u.nav.UnselectAll()
	u.view = view{content: u.searchResults(q, hits)}
	u.body.Objects = []fyne.CanvasObject{u.view.content}
	u.body.Refresh()
}

// moveSearch moves the selection through the results (Up, Down).
func (u *ui) moveSearch(step int) {
	f := u.found
	if f == nil || len(f.hits) == 0 || u.current != -1 {
		return
	}
	f.sel = (f.sel + step + len(f.hits)) % len(f.hits)
	f.markSelected()
	row := f.rows[f.sel]
	top, bottom := row.Position().Y, row.Position().Y+row.Size().Height
	switch {
	case top < f.scroll.Offset.Y:
		f.scroll.ScrollToOffset(fyne.NewPos(0, top))
	case bottom > f.scroll.Offset.Y+f.scroll.Size().Height:
		f.scroll.ScrollToOffset(fyne.NewPos(0, bottom-f.scroll.Size().Height))
	}
}

func (f *searchState) markSelected() {
	for i, r := range f.marks {
		r.FillColor = color.Transparent
		if i == f.sel {
			r.FillColor = theme.Color(theme.ColorNameSelection)
		}
		r.Refresh()
	}
}

func (u *ui) searchResults(q string, hits []store.Hit) fyne.CanvasObject {
	box := container.NewVBox(heading(lang.L("Search: {{.Query}}", map[string]any{"Query": q})))
	f := &searchState{query: q}
	u.found = f
	if len(hits) == 0 {
		box.Add(widget.NewLabel(lang.L("Nothing found. Try fewer or shorter words.")))
	} else {
		hint := widget.NewLabel(lang.L("↑ ↓ choose a result, Enter opens it, Esc clears the search."))
		hint.SizeName = theme.SizeNameCaptionText
		hint.Importance = widget.LowImportance
		box.Add(hint)
	}
	if len(hits) > 0 && hits[0].Parts != nil {
		text := lang.L("No record holds the word as typed; these hold its parts: {{.Parts}}", map[string]any{"Parts": joinParts(q, hits[0].Parts)})
		if hits[0].AnyPart {
			text = lang.L("No record holds the word as typed, nor all of its parts; these hold some of them: {{.Parts}}", map[string]any{"Parts": joinParts(q, hits[0].Parts)})
		}
		note := widget.NewLabel(text)
		note.Wrapping = fyne.TextWrapWord
		box.Add(note)
	}
	// Hits come best first; a group stands where its best hit ranks, so a
	// playbook named in the query comes before a level that mentions it.
	groups := map[handbook.Entity][]store.Hit{}
	var order []handbook.Entity
	for _, h := range hits {
		if len(groups[h.Entity]) == 0 {
			order = append(order, h.Entity)
		}
		groups[h.Entity] = append(groups[h.Entity], h)
	}
	for _, e := range order {
		box.Add(widget.NewLabelWithStyle(entityName(e), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, h := range groups[e] {
			item := container.NewVBox(u.link(h.Title, h.Entity, h.ID))
			if h.Snippet != "" {
				snippet := widget.NewRichText(markedSegments(h.Snippet, h.SnippetMarks)...)
				snippet.Wrapping = fyne.TextWrapWord
				item.Add(snippet)
			}
			if h.Entity == handbook.EntityContact {
				item.Add(numbersRow(u, h.Numbers))
			}
			mark := canvas.NewRectangle(color.Transparent)
			mark.CornerRadius = theme.InputRadiusSize()
			row := container.NewStack(mark, container.NewPadded(item))
			f.hits = append(f.hits, h)
			f.marks = append(f.marks, mark)
			f.rows = append(f.rows, row)
			box.Add(row)
		}
	}
	f.markSelected()
	f.scroll = container.NewVScroll(container.NewPadded(box))
	return f.scroll
}

// joinParts lists word parts for a reader, spelt as they were typed in
// q: "Datenschutz + behörde" for "Datenschutzbehörde" (the index keeps
// them folded: "datenschutz", "behoerde").
func joinParts(q string, parts []string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = asTyped(q, p)
	}
	return strings.Join(out, " + ")
}

// asTyped is the piece of q that folds to part, or part when none does.
func asTyped(q, part string) string {
	rs := []rune(q)
	for i := range rs {
		for j := i + 1; j <= len(rs); j++ {
			switch f := handbook.Fold(string(rs[i:j])); {
			case f == part:
				return string(rs[i:j])
			case !strings.HasPrefix(part, f):
				j = len(rs) // no longer piece from i can fold to part
			}
		}
	}
	return part
}

// markedSegments is text with the marked spans in bold and the primary
// colour, so the eye finds the searched word in the line.
func markedSegments(text string, marks []store.Span) []widget.RichTextSegment {
	plain := widget.RichTextStyle{Inline: true, ColorName: theme.ColorNameForeground, SizeName: theme.SizeNameText}
	strong := widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePrimary, SizeName: theme.SizeNameText,
		TextStyle: fyne.TextStyle{Bold: true}}
	var segs []widget.RichTextSegment
	at := 0
	for _, m := range marks {
		if m.Start < at || m.End > len(text) || m.Start >= m.End {
			continue
		}
		if m.Start > at {
			segs = append(segs, &widget.TextSegment{Text: text[at:m.Start], Style: plain})
		}
		segs = append(segs, &widget.TextSegment{Text: text[m.Start:m.End], Style: strong})
		at = m.End
	}
	if at < len(text) {
		segs = append(segs, &widget.TextSegment{Text: text[at:], Style: plain})
	}
	return segs
}
