package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// sideBySide lays its objects out in equal columns when the width allows
// each its minimum, and stacks them otherwise, so that a narrow window
// (1024 px) gets one column instead of content cut off at the right. Each
// column is top-aligned at its own height.
type sideBySide struct {
	// stacked tells how the last Layout placed the objects; MinSize
	// answers for that arrangement.
	stacked bool
}

func (l *sideBySide) fits(objects []fyne.CanvasObject, width float32) bool {
	n := float32(len(visible(objects)))
	if n == 0 {
		return true
	}
	col := (width - (n-1)*theme.Padding()) / n
	for _, o := range visible(objects) {
		if o.MinSize().Width > col {
			return false
		}
	}
	return true
}

func visible(objects []fyne.CanvasObject) []fyne.CanvasObject {
	out := objects[:0:0]
	for _, o := range objects {
		if o.Visible() {
			out = append(out, o)
		}
	}
	return out
}

func (l *sideBySide) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objs := visible(objects)
	l.stacked = !l.fits(objects, size.Width)
	pad := theme.Padding()
	if l.stacked {
		y := float32(0)
		for _, o := range objs {
			h := o.MinSize().Height
			o.Move(fyne.NewPos(0, y))
			o.Resize(fyne.NewSize(size.Width, h))
			y += h + pad
		}
		return
	}
	n := float32(len(objs))
	col := (size.Width - (n-1)*pad) / n
	for i, o := range objs {
		o.Move(fyne.NewPos(float32(i)*(col+pad), 0))
		o.Resize(fyne.NewSize(col, o.MinSize().Height))
	}
}

func (l *sideBySide) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var w, hMax, hSum float32
	objs := visible(objects)
	for i, o := range objs {
		m := o.MinSize()
		w = max(w, m.Width)
		hMax = max(hMax, m.Height)
		hSum += m.Height
		if i > 0 {
			hSum += theme.Padding()
		}
	}
	if l.stacked {
		return fyne.NewSize(w, hSum)
	}
	return fyne.NewSize(w, hMax)
}

// newSideBySide puts objects side by side where they fit, else stacked.
func newSideBySide(objects ...fyne.CanvasObject) *fyne.Container {
	return container.New(&sideBySide{}, objects...)
}

// wrapGrid places its objects in as many equal columns as fit at least
// cell wide each, and wraps the rest into further rows, so that a fourth
// deadline card goes to a second row instead of widening the window or
// hiding behind a scroll bar.
type wrapGrid struct {
	cell float32
	// width is the width of the last Layout; MinSize counts the rows
	// for it.
	width float32
}

// cellWidth is the least width of a column: the cell, or more if an
// object needs more.
func (g *wrapGrid) cellWidth(objs []fyne.CanvasObject) float32 {
	w := g.cell
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return w
}

func (g *wrapGrid) columns(objs []fyne.CanvasObject, width float32) int {
	pad := theme.Padding()
	cols := int((width + pad) / (g.cellWidth(objs) + pad))
	return max(1, min(cols, len(objs)))
}

func (g *wrapGrid) rows(objs []fyne.CanvasObject, cols int) []float32 {
	var heights []float32
	for i, o := range objs {
		if i%cols == 0 {
			heights = append(heights, 0)
		}
		heights[len(heights)-1] = max(heights[len(heights)-1], o.MinSize().Height)
	}
	return heights
}

func (g *wrapGrid) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objs := visible(objects)
	if len(objs) == 0 {
		return
	}
	g.width = size.Width
	pad := theme.Padding()
	cols := g.columns(objs, size.Width)
	w := (size.Width - float32(cols-1)*pad) / float32(cols)
	y := float32(0)
	for r, h := range g.rows(objs, cols) {
		for c := 0; c < cols && r*cols+c < len(objs); c++ {
			o := objs[r*cols+c]
			o.Move(fyne.NewPos(float32(c)*(w+pad), y))
			o.Resize(fyne.NewSize(w, h))
		}
		y += h + pad
	}
}

func (g *wrapGrid) MinSize(objects []fyne.CanvasObject) fyne.Size {
	objs := visible(objects)
	if len(objs) == 0 {
		return fyne.Size{}
	}
	cols := 1
	if g.width > 0 {
		cols = g.columns(objs, g.width)
	}
	var h float32
	for i, rh := range g.rows(objs, cols) {
		if i > 0 {
			h += theme.Padding()
		}
		h += rh
	}
	return fyne.NewSize(g.cellWidth(objs), h)
}

// fitTop lays out a vertical split so that its top part starts as tall
// as it needs to be: the head of an incident and all its report cards,
// without scrolling, as long as that leaves the part below at least
// fitTopRest of the height. Once placed, the divider is the person's to
// move; the top is placed again only when the width changes, because the
// cards then wrap into another number of rows.
type fitTop struct {
	split *container.Split
	// top is the content of the split's upper, scrolled part.
	top   fyne.CanvasObject
	width float32
}

// fitTopRest is the least share of the height left below the top.
const fitTopRest = 0.27

func (l *fitTop) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	if size.Width > 0 && size.Height > 0 && size.Width != l.width {
		l.width = size.Width
		// Lay the top out at its width first: its rows of cards, and so
		// its height, follow from the width.
		// Until the height settles: the cards' wrapped lines grow with
		// each pass that narrows them to their columns.
		w := size.Width - theme.ScrollBarSize()
		for range 4 {
			h := l.top.MinSize().Height
			l.top.Resize(fyne.NewSize(w, h))
			if l.top.MinSize().Height == h {
				break
			}
		}
		need := (l.top.MinSize().Height + theme.Padding()*2) / size.Height
		for _, o := range objects {
			o.Resize(size)
		}
		l.split.SetOffset(float64(min(max(need, 0.25), 1-fitTopRest)))
	}
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *fitTop) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objects {
		m = m.Max(o.MinSize())
	}
	return m
}
