package app

import (
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
)

// impactGrid shows and edits a process's impact assessment: a row per
// impact category, a column per time point, a rating 1–4 in each cell.
// MTPD, criticality and required RTO below it follow every change.
type impactGrid struct {
	widget.BaseWidget
	cfg      handbook.BIAConfig
	impact   handbook.Impact
	agreed   handbook.Minutes
	readOnly bool
	// changed runs after a person changed a cell.
	changed func()

	cells   map[handbook.ImpactCell]*ratingCell
	derived *widget.Label
	extra   *widget.Label
	box     *fyne.Container
}

func newImpactGrid(cfg handbook.BIAConfig, impact handbook.Impact, agreed handbook.Minutes, readOnly bool) *impactGrid {
	g := &impactGrid{cfg: cfg, impact: impact.Clone(), agreed: agreed, readOnly: readOnly,
		cells: map[handbook.ImpactCell]*ratingCell{}}
	if g.impact == nil {
		g.impact = handbook.Impact{}
	}
	g.derived = widget.NewLabel("")
	g.derived.Wrapping = fyne.TextWrapWord
	g.extra = widget.NewLabel("")
	g.extra.Wrapping = fyne.TextWrapWord
	g.extra.Importance = widget.LowImportance
	cols := len(cfg.TimePoints) + 1
	gl := &gridLayout{cols: cols}
	for _, c := range cfg.Categories {
		w := fyne.MeasureText(i18n.CategoryName(c, tr), theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding() + theme.Padding()
		gl.want = max(gl.want, w)
	}
	grid := container.New(gl)
	grid.Add(widget.NewLabelWithStyle(lang.L("Impact after"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
	for _, t := range cfg.TimePoints {
		grid.Add(widget.NewLabelWithStyle(span(t), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}))
	}
	for _, c := range cfg.Categories {
		name := widget.NewLabel(i18n.CategoryName(c, tr))
		name.Truncation = fyne.TextTruncateEllipsis
		grid.Add(name)
		for _, t := range cfg.TimePoints {
			cell := handbook.ImpactCell{Category: c.Key, At: t}
			rc := newRatingCell(g.impact[cell], readOnly, func(r handbook.Rating) { g.set(cell, r) })
			g.cells[cell] = rc
			grid.Add(rc)
		}
	}
	legend := widget.NewLabel(ratingLegend(cfg.Threshold))
	legend.Wrapping = fyne.TextWrapWord
	legend.Importance = widget.LowImportance
	g.box = container.NewVBox(grid, legend, g.derived, g.extra)
	g.ExtendBaseWidget(g)
	g.update()
	return g
}

// CreateRenderer shows the grid and the derived values.
func (g *impactGrid) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(g.box) }

// set changes one cell (0 clears it) and updates what follows from it.
func (g *impactGrid) set(c handbook.ImpactCell, r handbook.Rating) {
	if r == 0 {
		delete(g.impact, c)
	} else {
		g.impact[c] = r
	}
	g.update()
	if g.changed != nil {
		g.changed()
	}
}

// setAgreed follows the agreed RTO typed in the form.
func (g *impactGrid) setAgreed(m handbook.Minutes) {
	g.agreed = m
	g.update()
}

// value is the grid as rated now.
func (g *impactGrid) value() handbook.Impact {
	if len(g.impact) == 0 {
		return nil
	}
	return g.impact.Clone()
}

// update marks the cells at or above the threshold and words the derived
// values.
func (g *impactGrid) update() {
	a := g.cfg.Assess(handbook.BusinessProcess{Impact: g.impact, RTO: g.agreed})
	for c, rc := range g.cells {
		rc.setRating(g.impact[c], g.impact[c] >= g.cfg.Threshold, a.MTPD == c.At && a.Category == c.Category)
	}
	text := assessmentText(a, g.cfg)
	for _, d := range g.cfg.Drops(g.impact) {
		drop := findingText(handbook.Finding{Code: handbook.CodeImpactDecreases, Args: []string{"", d.Category.Key, d.Category.Name,
			strconv.Itoa(int(d.At)), strconv.Itoa(int(d.From)), strconv.Itoa(int(d.Later)), strconv.Itoa(int(d.To))}})
		text += "\n⚠ " + strings.TrimPrefix(drop, ": ")
	}
	g.derived.SetText(text)
	outside := 0
	for c := range g.impact {
		if _, ok := g.cells[c]; !ok {
			outside++
		}
	}
	if outside > 0 {
		g.extra.SetText(lang.L("{{.N}} ratings of categories or time points no longer in the settings are kept, but do not count.", map[string]any{"N": outside}))
		g.extra.Show()
	} else {
		g.extra.Hide()
	}
}

// ratingLegend explains the numbers and names the threshold.
func ratingLegend(threshold handbook.Rating) string {
	parts := make([]string, 0, len(handbook.Ratings))
	for _, r := range handbook.Ratings {
		parts = append(parts, lang.L(i18n.RatingKeys[r]))
	}
	return lang.L("{{.Ratings}} · intolerable from {{.Threshold}}", map[string]any{"Ratings": strings.Join(parts, " · "), "Threshold": int(threshold)})
}

// assessmentText words what follows from an assessment: MTPD (and the
// category that reaches the threshold), criticality, required RTO.
func assessmentText(a handbook.Assessment, cfg handbook.BIAConfig) string {
	if !a.Assessed() {
		return lang.L("Not assessed yet: rate each category at each time point (1 low … 4 existential).")
	}
	mtpd := ""
	if a.Beyond {
		mtpd = lang.L("more than {{.Time}}", map[string]any{"Time": span(cfg.TimePoints[len(cfg.TimePoints)-1])})
	} else {
		mtpd = lang.L("{{.Time}} ({{.Category}})", map[string]any{"Time": span(a.MTPD), "Category": categoryName(cfg, a.Category)})
	}
	rto := lang.L("none")
	if a.RTO > 0 {
		rto = span(a.RTO)
	}
	text := lang.L("MTPD: {{.MTPD}} · Criticality: {{.Criticality}} · Required RTO: {{.RTO}}",
		map[string]any{"MTPD": mtpd, "Criticality": severityLabel(a.Criticality), "RTO": rto})
	if a.Rated < a.Cells {
		text += " · " + lang.L("{{.Rated}} of {{.Cells}} cells rated", map[string]any{"Rated": a.Rated, "Cells": a.Cells})
	}
	return text
}

// categoryName is the name of the category with that key in cfg.
func categoryName(cfg handbook.BIAConfig, key string) string {
	for _, c := range cfg.Categories {
		if c.Key == key {
			return i18n.CategoryName(c, tr)
		}
	}
	return key
}

// ratingColors tint the cells by rating, readable in light and dark themes.
var ratingColors = map[handbook.Rating]color.NRGBA{
	handbook.RatingLow:         {R: 76, G: 175, B: 80, A: 90},
	handbook.RatingMedium:      {R: 255, G: 193, B: 7, A: 110},
	handbook.RatingHigh:        {R: 255, G: 112, B: 0, A: 130},
	handbook.RatingExistential: {R: 229, G: 57, B: 53, A: 170},
}

// ratingCell is one cell of the grid: its rating as number and word on a
// tinted background. A tap opens the choice of ratings; with the keyboard
// (Tab to it) 1–4 rate it and 0, - or Backspace clear it.
type ratingCell struct {
	widget.BaseWidget
	rating   handbook.Rating
	readOnly bool
	onSet    func(handbook.Rating)

	bg      *canvas.Rectangle
	text    *canvas.Text
	focused bool
	hovered bool
}

var (
	_ fyne.Tappable       = (*ratingCell)(nil)
	_ fyne.Focusable      = (*ratingCell)(nil)
	_ desktop.Hoverable   = (*ratingCell)(nil)
	_ fyne.WidgetRenderer = (*ratingRenderer)(nil)
)

func newRatingCell(r handbook.Rating, readOnly bool, onSet func(handbook.Rating)) *ratingCell {
	c := &ratingCell{rating: r, readOnly: readOnly, onSet: onSet}
	c.bg = canvas.NewRectangle(color.Transparent)
	c.bg.CornerRadius = theme.InputRadiusSize()
	c.bg.StrokeWidth = 1
	c.text = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	c.text.Alignment = fyne.TextAlignCenter
	c.text.TextSize = theme.TextSize() * 1.15
	c.ExtendBaseWidget(c)
	c.paint()
	return c
}

func (c *ratingCell) setRating(r handbook.Rating, atThreshold, first bool) {
	c.rating = r
	c.text.TextStyle = fyne.TextStyle{Bold: atThreshold}
	c.bg.StrokeWidth = 1
	if first {
		c.bg.StrokeWidth = 3
	}
	c.paint()
}

func (c *ratingCell) paint() {
	if c.rating == 0 {
		c.text.Text = "–"
		c.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	} else {
		c.text.Text = strconv.Itoa(int(c.rating))
		c.bg.FillColor = ratingColors[c.rating]
	}
	c.bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	if c.focused || c.hovered && !c.readOnly {
		c.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
	}
	c.text.Color = theme.Color(theme.ColorNameForeground)
	c.bg.Refresh()
	c.text.Refresh()
}

// Tapped offers the ratings.
func (c *ratingCell) Tapped(*fyne.PointEvent) {
	if c.readOnly {
		return
	}
	if w := fyne.CurrentApp().Driver().CanvasForObject(c); w != nil {
		w.Focus(c)
	}
	items := []*fyne.MenuItem{fyne.NewMenuItem("– "+lang.L("not rated"), func() { c.choose(0) })}
	for _, r := range handbook.Ratings {
		items = append(items, fyne.NewMenuItem(lang.L(i18n.RatingKeys[r]), func() { c.choose(r) }))
	}
	cnv := fyne.CurrentApp().Driver().CanvasForObject(c)
	if cnv == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(c).Add(fyne.NewPos(0, c.Size().Height))
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), cnv, pos)
}

func (c *ratingCell) choose(r handbook.Rating) {
	if r == c.rating {
		return
	}
	c.rating = r
	c.paint()
	if c.onSet != nil {
		c.onSet(r)
	}
}

// FocusGained marks the cell.
func (c *ratingCell) FocusGained() { c.focused = true; c.paint() }

// FocusLost unmarks the cell.
func (c *ratingCell) FocusLost() { c.focused = false; c.paint() }

// TypedRune rates the focused cell: 1–4, or 0 and - to clear it.
func (c *ratingCell) TypedRune(r rune) {
	if c.readOnly {
		return
	}
	switch {
	case r >= '1' && r <= '4':
		c.choose(handbook.Rating(r - '0'))
	case r == '0' || r == '-':
		c.choose(0)
	}
}

// TypedKey clears the cell on Backspace and Delete.
func (c *ratingCell) TypedKey(k *fyne.KeyEvent) {
	if !c.readOnly && (k.Name == fyne.KeyBackspace || k.Name == fyne.KeyDelete) {
		c.choose(0)
	}
}

// MouseIn marks the cell under the pointer.
func (c *ratingCell) MouseIn(*desktop.MouseEvent) { c.hovered = true; c.paint() }

// MouseMoved does nothing.
func (c *ratingCell) MouseMoved(*desktop.MouseEvent) {}

// MouseOut unmarks it.
func (c *ratingCell) MouseOut() { c.hovered = false; c.paint() }

// CreateRenderer draws the tinted box and the text.
func (c *ratingCell) CreateRenderer() fyne.WidgetRenderer { return &ratingRenderer{c} }

type ratingRenderer struct{ c *ratingCell }

func (r *ratingRenderer) Layout(size fyne.Size) {
	r.c.bg.Resize(size)
	ts := r.c.text.MinSize()
	r.c.text.Move(fyne.NewPos(0, (size.Height-ts.Height)/2))
	r.c.text.Resize(fyne.NewSize(size.Width, ts.Height))
}

func (r *ratingRenderer) MinSize() fyne.Size {
	ts := fyne.MeasureText("4", theme.TextSize(), fyne.TextStyle{Bold: true})
	pad := theme.InnerPadding()
	return fyne.NewSize(ts.Width+3*pad, ts.Height+pad)
}

func (r *ratingRenderer) Refresh() { r.c.paint() }

func (r *ratingRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.c.bg, r.c.text} }

func (r *ratingRenderer) Destroy() {}

// gridLayout lays out a table of cols columns: the first as wide as its
// widest content needs (at most two fifths of the width), the others
// sharing the rest evenly; each row as high as its highest cell.
type gridLayout struct {
	cols int
	// want is the width the first column's texts need untruncated.
	want float32
}

func (g *gridLayout) sizes(objects []fyne.CanvasObject) (first float32, rows []float32) {
	first = g.want
	for i, o := range objects {
		m := o.MinSize()
		if i%g.cols == 0 {
			first = max(first, m.Width)
			rows = append(rows, 0)
		}
		rows[len(rows)-1] = max(rows[len(rows)-1], m.Height)
	}
	return first, rows
}

func (g *gridLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	first, rows := g.sizes(objects)
	pad := theme.Padding()
	first = min(first, size.Width*2/5)
	rest := (size.Width - first - pad*float32(g.cols-1)) / float32(g.cols-1)
	y := float32(0)
	for i, o := range objects {
		r, c := i/g.cols, i%g.cols
		if c == 0 && r > 0 {
			y += rows[r-1] + pad
		}
		x, w := float32(0), first
		if c > 0 {
			x, w = first+pad+float32(c-1)*(rest+pad), rest
		}
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, rows[r]))
	}
}

func (g *gridLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	first, rows := g.sizes(objects)
	var cell float32
	for i, o := range objects {
		if i%g.cols != 0 {
			cell = max(cell, o.MinSize().Width)
		}
	}
	h := float32(0)
	for _, r := range rows {
		h += r
	}
	pad := theme.Padding()
	return fyne.NewSize(min(first, 160)+float32(g.cols-1)*(cell+pad), h+pad*float32(max(len(rows)-1, 0)))
}
