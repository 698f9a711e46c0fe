package app

import (
	"regexp"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// markdownLink matches a Markdown link, so a snippet shows its text only.
var markdownLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)

// searchLimit caps the hits one search shows.
const searchLimit = 60

// showSearch runs a search over the whole handbook and shows the hits
// grouped by kind of record. With openFirst (Enter) the best hit opens.
func (u *ui) showSearch(q string, openFirst bool) {
	hits, err := u.st.Search(u.ctx, q, searchLimit)
	if err != nil {
		u.showError(lang.L("The search failed."), lang.L("Try other words; if it happens again, restart Ernstfall."), err)
		return
	}
	if openFirst && len(hits) > 0 {
		u.search.SetText("")
		u.open(hits[0].Entity, hits[0].ID)
		return
	}
	u.editor = nil
	u.current = -1
	u.nav.UnselectAll()
	u.view = view{content: u.searchResults(q, hits)}
	u.body.Objects = []fyne.CanvasObject{u.view.content}
	u.body.Refresh()
}

func (u *ui) searchResults(q string, hits []store.Hit) fyne.CanvasObject {
	box := container.NewVBox(heading(lang.L("Search: {{.Query}}", map[string]any{"Query": q})))
	if len(hits) == 0 {
		box.Add(widget.NewLabel(lang.L("Nothing found. Try fewer or shorter words.")))
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
			snippet := widget.NewLabel(markdownLink.ReplaceAllString(h.Snippet, "$1"))
			snippet.Truncation = fyne.TextTruncateEllipsis
			snippet.SizeName = theme.SizeNameCaptionText
			box.Add(container.NewBorder(nil, nil, nil, nil, container.NewVBox(u.link(h.Title, h.Entity, h.ID), snippet)))
		}
	}
	return container.NewVScroll(container.NewPadded(box))
}
