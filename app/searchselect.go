package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
)

// searchShown is how many matches the list of a searchSelect offers at
// most; typing narrows them.
const searchShown = 50

// searchSelect picks one of many options by typing part of its name: a
// field shows the choice; tapped, or typed into, it opens a search with
// the matches below. A plain select listed all 5,000 contacts of a large
// handbook in one menu.
type searchSelect struct {
	widget.BaseWidget
	opts []option
	// folded are the options' labels as the search compares them.
	folded []string
	// none is the label of no choice, offered first; chosen is the index
	// of the choice in opts, -1 for none.
	none      string
	chosen    int
	OnChanged func()

	label *widget.Label
	bg    *canvas.Rectangle
	// popup, search, list and matches exist while the search is open;
	// hi is the match that Enter takes.
	popup   *widget.PopUp
	more    *widget.Label
	search  *formEntry
	list    *widget.List
	matches []int
	hi      int
	focused bool
}

func newSearchSelect(opts []option, none string) *searchSelect {
	s := &searchSelect{opts: opts, none: none, chosen: -1}
	for _, o := range opts {
		s.folded = append(s.folded, handbook.Fold(o.label)+"\x00"+handbook.FoldPlain(o.label))
	}
	s.label = widget.NewLabel(none)
	s.label.Truncation = fyne.TextTruncateEllipsis
	s.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	s.bg.CornerRadius = theme.InputRadiusSize()
	s.ExtendBaseWidget(s)
	return s
}

// Value is the chosen option's value, "" for none.
func (s *searchSelect) Value() string {
	if s.chosen < 0 {
		return ""
	}
	return s.opts[s.chosen].value
}

// Index is the chosen option's index in the options, -1 for none.
func (s *searchSelect) Index() int { return s.chosen }

// Selected is the chosen option's label, "" for none.
func (s *searchSelect) Selected() string {
	if s.chosen < 0 {
		return ""
	}
	return s.opts[s.chosen].label
}

// setValue makes the option with value v the choice, none for "" or a
// value not offered, without calling OnChanged.
func (s *searchSelect) setValue(v string) {
	s.chosen = slices.IndexFunc(s.opts, func(o option) bool { return v != "" && o.value == v })
	s.label.SetText(s.none)
	s.label.Importance = widget.LowImportance
	if s.chosen >= 0 {
		s.label.SetText(s.opts[s.chosen].label)
		s.label.Importance = widget.MediumImportance
	}
	s.label.Refresh()
}

// choose makes option i (-1: none) the choice.
func (s *searchSelect) choose(i int) {
	s.setValue("")
	if i >= 0 {
		s.setValue(s.opts[i].value)
	}
	if s.OnChanged != nil {
		s.OnChanged()
	}
}

// filter lists the options whose label holds every word of q, in their
// order; none first while q is empty.
func (s *searchSelect) filter(q string) {
	words := strings.Fields(handbook.Fold(q))
	s.matches = s.matches[:0]
	if len(words) == 0 {
		s.matches = append(s.matches, -1)
	}
	for i, f := range s.folded {
		ok := true
		for _, w := range words {
			if !strings.Contains(f, w) {
				ok = false
				break
			}
		}
		if ok {
			s.matches = append(s.matches, i)
			if len(s.matches) == searchShown {
				break
			}
		}
	}
	s.hi = 0
	if s.list != nil {
		s.list.Refresh()
		s.list.ScrollToTop()
	}
	if s.more != nil {
		s.more.Hidden = len(s.matches) < searchShown
		s.more.Refresh()
	}
}

func (s *searchSelect) matchLabel(m int) string {
	if m < 0 {
		return s.none
	}
	return s.opts[m].label
}

// open shows the search below the field, with text typed so far.
func (s *searchSelect) open(text string) {
	c := fyne.CurrentApp().Driver().CanvasForObject(s)
	if c == nil {
		return
	}
	s.search = newFormEntry(s.close)
	s.search.onMove = s.moveHighlight
	s.search.SetPlaceHolder(lang.L("Type to search …"))
	s.list = widget.NewList(func() int { return len(s.matches) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(newCursorMark(), l)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			// The match Enter takes is framed as a keyboard cursor is.
			row := o.(*fyne.Container)
			showMark(row.Objects[0], id == s.hi)
			l := row.Objects[1].(*widget.Label)
			l.SetText(s.matchLabel(s.matches[id]))
			l.TextStyle = fyne.TextStyle{Bold: id == s.hi}
			l.Refresh()
		})
	s.list.OnSelected = func(id widget.ListItemID) { s.take(id) }
	s.more = widget.NewLabel(lang.L("The first {{.N}} matches; type more to narrow them.", map[string]any{"N": searchShown}))
	s.more.SizeName = theme.SizeNameCaptionText
	s.more.Wrapping = fyne.TextWrapWord
	s.search.OnChanged = s.filter
	s.search.OnSubmitted = func(string) { s.take(s.hi) }
	s.filter(text)
	s.search.SetText(text)
	s.search.CursorColumn = len([]rune(text))
	s.popup = widget.NewPopUp(container.NewBorder(s.search, s.more, nil, nil, s.list), c)
	width := max(s.Size().Width, 360)
	s.popup.Resize(fyne.NewSize(width, 340))
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s)
	pos.Y += s.Size().Height
	// Kept on the canvas: a field at the bottom opens its search upwards.
	if pos.Y+340 > c.Size().Height {
		pos.Y = max(0, pos.Y-s.Size().Height-340)
	}
	if pos.X+width > c.Size().Width {
		pos.X = max(0, c.Size().Width-width)
	}
	s.popup.ShowAtPosition(pos)
	c.Focus(s.search)
}

// moveHighlight moves the match Enter takes by step, with the arrows.
func (s *searchSelect) moveHighlight(step int) {
	s.hi = max(0, min(s.hi+step, len(s.matches)-1))
	s.list.Refresh()
	s.list.ScrollTo(s.hi)
}

// take chooses match id and closes the search.
func (s *searchSelect) take(id int) {
	if id < 0 || id >= len(s.matches) {
		return
	}
	m := s.matches[id]
	s.close()
	s.choose(m)
}

// close hides the search and gives the keys back to the field.
func (s *searchSelect) close() {
	if s.popup == nil {
		return
	}
	s.popup.Hide()
	s.popup, s.search, s.list, s.more = nil, nil, nil, nil
	if c := fyne.CurrentApp().Driver().CanvasForObject(s); c != nil {
		c.Focus(s)
	}
}

// Tapped opens the search.
func (s *searchSelect) Tapped(*fyne.PointEvent) { s.open("") }

// FocusGained marks the field as the one that takes the keys.
func (s *searchSelect) FocusGained() { s.focused = true; s.Refresh() }

// FocusLost unmarks it.
func (s *searchSelect) FocusLost() { s.focused = false; s.Refresh() }

// TypedRune opens the search with the letter typed.
func (s *searchSelect) TypedRune(r rune) { s.open(string(r)) }

// TypedKey opens the search on Enter, Space or the down arrow.
func (s *searchSelect) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace, fyne.KeyDown:
		s.open("")
	}
}

func (s *searchSelect) CreateRenderer() fyne.WidgetRenderer {
	icon := widget.NewIcon(theme.SearchIcon())
	return &searchSelectRenderer{s: s, objects: []fyne.CanvasObject{s.bg, container.NewBorder(nil, nil, nil, icon, s.label)}}
}

type searchSelectRenderer struct {
	s       *searchSelect
	objects []fyne.CanvasObject
}

func (r *searchSelectRenderer) Layout(size fyne.Size) {
	r.objects[0].Resize(size)
	r.objects[1].Resize(size)
}

// MinSize is one line of a few words: a long choice is cut, not widening
// the form.
func (r *searchSelectRenderer) MinSize() fyne.Size {
	h := r.objects[1].MinSize().Height
	return fyne.NewSize(160, h)
}

func (r *searchSelectRenderer) Refresh() {
	r.s.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.s.bg.StrokeWidth = 0
	if r.s.focused {
		r.s.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		r.s.bg.StrokeWidth = 2
	}
	r.s.bg.Refresh()
	r.s.label.Refresh()
}

func (r *searchSelectRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *searchSelectRenderer) Destroy() {}
