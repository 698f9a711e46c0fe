package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// The mouse wheel over a text field scrolls the page around the field.
//
// Fyne hands the wheel to the innermost scroller under the pointer, and
// every entry has a scroller of its own, even a one-line one; a page of
// fields therefore stopped scrolling whenever the pointer passed over a
// field. A wrapper around the entry cannot take the wheel first (the
// driver looks for the deepest scroller), so a field made for a
// scrollPage draws, on top of itself, an invisible wheelPass that takes
// the wheel and nothing else: clicks, drags, hovering and the text
// cursor reach the field below.
//
// The wheelPass gives the wheel to the page, except when the field is a
// multi-line one with the keyboard focus and its own text can still move
// that way: a long text being edited scrolls itself, and the page takes
// over at its end.

// scrollPage is a vertically scrolled page of fields: the fields it makes
// hand it the mouse wheel.
type scrollPage struct {
	scroll *container.Scroll
}

// wrap puts content into the page's scroller.
func (p *scrollPage) wrap(content fyne.CanvasObject) *container.Scroll {
	p.scroll = container.NewVScroll(content)
	return p.scroll
}

// field is a one-line text field on the page.
func (p *scrollPage) field() *formEntry {
	e := newFormEntry(nil)
	e.page = p
	return e
}

// text is a multi-line text field on the page, rows high, that wraps at
// word boundaries.
func (p *scrollPage) text(rows int) *formEntry {
	e := p.field()
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(rows)
	return e
}

// wheelPass lies over a field of a scrollPage and hands on the wheel.
type wheelPass struct {
	widget.BaseWidget
	field *formEntry
	// own is the field's own scroller, nil when it has none.
	own *container.Scroll
}

// Scrolled gives the wheel to the field's own text or to the page.
func (w *wheelPass) Scrolled(ev *fyne.ScrollEvent) {
	if w.own != nil && w.field.MultiLine && w.field.focused && canMove(w.own, ev.Scrolled.DY) {
		w.own.Scrolled(ev)
		return
	}
	if p := w.field.page; p != nil && p.scroll != nil {
		p.scroll.Scrolled(ev)
	}
}

// canMove says whether s can still scroll by dy (a wheel turn: positive
// moves the content down, towards its start).
func canMove(s *container.Scroll, dy float32) bool {
	if s.Content == nil || s.Content.Size().Height <= s.Size().Height {
		return false
	}
	if dy > 0 {
		return s.Offset.Y > 0
	}
	return s.Offset.Y < s.Content.Size().Height-s.Size().Height
}

// CreateRenderer draws nothing.
func (w *wheelPass) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// CreateRenderer draws the entry and, for a field on a scrollPage, the
// wheelPass over it.
func (e *formEntry) CreateRenderer() fyne.WidgetRenderer {
	r := e.Entry.CreateRenderer()
	if e.page == nil {
		return r
	}
	w := &wheelPass{field: e}
	w.ExtendBaseWidget(w)
	for _, o := range r.Objects() {
		if s, ok := o.(*container.Scroll); ok {
			w.own = s
		}
	}
	return &passRenderer{WidgetRenderer: r, pass: w}
}

// passRenderer is an entry's renderer with a wheelPass as its top object.
type passRenderer struct {
	fyne.WidgetRenderer
	pass *wheelPass
	objs []fyne.CanvasObject
}

// Layout lays out the entry and spreads the wheelPass over all of it.
func (r *passRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.pass.Move(fyne.NewPos(0, 0))
	r.pass.Resize(size)
}

// Objects are the entry's objects and the wheelPass last, so that it is
// the first to be asked for the wheel.
func (r *passRenderer) Objects() []fyne.CanvasObject {
	in := r.WidgetRenderer.Objects()
	if len(r.objs) != len(in)+1 || !slices.Equal(r.objs[:len(in)], in) {
		r.objs = append(slices.Clone(in), r.pass)
	}
	return r.objs
}
