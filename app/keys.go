package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// pageRows is how far Page Up and Page Down move a list's cursor.
const pageRows = 10

// keyList is a list the keyboard drives: Tab reaches it, the arrow keys,
// Page Up/Down, Home and End move a cursor row with a strong frame, and
// Enter or Space opens the row under it (selects it, which runs
// OnSelected). Esc runs onEscape. A click puts the cursor on the row
// clicked.
type keyList struct {
	widget.List
	cursor   int
	focused  bool
	onEscape func()
	// reveal is a row to scroll into view once the list has its size;
	// -1 for none.
	reveal int
}

// newKeyList is widget.NewList with keyboard use; selected is its
// OnSelected.
func newKeyList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject),
	selected func(widget.ListItemID)) *keyList {
	l := &keyList{reveal: -1}
	l.Length = length
	l.OnSelected = func(id widget.ListItemID) {
		l.moveCursor(id)
		if selected != nil {
			selected(id)
		}
	}
	l.CreateItem = func() fyne.CanvasObject { return container.NewStack(newCursorMark(), create()) }
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		row := o.(*fyne.Container)
		showMark(row.Objects[0], l.focused && id == l.cursor)
		update(id, row.Objects[1])
	}
	l.ExtendBaseWidget(l)
	return l
}

// showRow puts the cursor on a row and scrolls it into view, now or once
// the list is laid out.
func (l *keyList) showRow(id widget.ListItemID) {
	l.moveCursor(id)
	l.reveal = id
	if l.Size().Height > 0 {
		l.ScrollTo(id)
		l.reveal = -1
	}
}

// Resize lays out the list and scrolls to the row waiting to be shown.
func (l *keyList) Resize(s fyne.Size) {
	l.List.Resize(s)
	if l.reveal >= 0 && s.Height > 0 {
		l.ScrollTo(l.reveal)
		l.reveal = -1
	}
}

// Select selects the row and puts the cursor on it.
func (l *keyList) Select(id widget.ListItemID) {
	l.moveCursor(id)
	l.List.Select(id)
}

// FocusGained shows the cursor, on the selected row when there is one.
func (l *keyList) FocusGained() {
	l.focused = true
	l.moveCursor(l.cursor)
	l.RefreshItem(l.cursor)
}

// FocusLost hides the cursor.
func (l *keyList) FocusLost() {
	l.focused = false
	l.RefreshItem(l.cursor)
}

// TypedKey moves the cursor and opens the row under it.
func (l *keyList) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		if l.cursor < l.rows() {
			l.List.Select(l.cursor)
		}
	case fyne.KeyEscape:
		if l.onEscape != nil {
			l.onEscape()
		}
	default:
		if to, ok := cursorStep(k.Name, l.cursor, l.rows()); ok {
			l.moveCursor(to)
			l.ScrollTo(l.cursor)
		}
	}
}

// TypedRune ignores typing; the filter above the list is for that.
func (l *keyList) TypedRune(rune) {}

func (l *keyList) rows() int {
	if l.Length == nil {
		return 0
	}
	return l.Length()
}

// moveCursor puts the cursor on row to, kept inside the list, and redraws
// the two rows it concerns.
func (l *keyList) moveCursor(to int) {
	to = min(max(to, 0), max(l.rows()-1, 0))
	old := l.cursor
	l.cursor = to
	if l.focused {
		l.RefreshItem(old)
		l.RefreshItem(to)
	}
}

// keyTable is a table of records, one per row, that the keyboard drives
// as keyList does: the cursor is a whole row; Left and Right scroll
// through the columns.
type keyTable struct {
	widget.Table
	cursor, col int
	focused     bool
	onEscape    func()
	// sortBy, when set, sorts the table by a column: the digit keys 1 to
	// 9 in the focused table sort by the first to ninth column.
	sortBy func(col int)
	// onEnter, when set, is what Enter and Space do with the cursor row
	// instead of selecting it.
	onEnter func(row int)
}

// newKeyTable is widget.NewTableWithHeaders, without the row numbers,
// with keyboard use; selected is its OnSelected.
func newKeyTable(length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject),
	selected func(widget.TableCellID)) *keyTable {
	t := &keyTable{}
	t.Length = length
	t.OnSelected = func(id widget.TableCellID) {
		t.moveCursor(id.Row)
		if selected != nil {
			selected(id)
		}
	}
	t.CreateCell = func() fyne.CanvasObject { return container.NewStack(newCursorMark(), create()) }
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		cell := o.(*fyne.Container)
		showMark(cell.Objects[0], t.focused && id.Row == t.cursor)
		update(id, cell.Objects[1])
	}
	t.ShowHeaderRow = true
	t.ExtendBaseWidget(t)
	return t
}

// Select selects the cell and puts the cursor on its row.
func (t *keyTable) Select(id widget.TableCellID) {
	t.moveCursor(id.Row)
	t.Table.Select(id)
}

// FocusGained shows the cursor row.
func (t *keyTable) FocusGained() {
	t.focused = true
	t.moveCursor(t.cursor)
	t.Refresh()
}

// FocusLost hides the cursor row.
func (t *keyTable) FocusLost() {
	t.focused = false
	t.Refresh()
}

// TypedKey moves the cursor row and opens the record in it.
func (t *keyTable) TypedKey(k *fyne.KeyEvent) {
	rows, cols := t.size()
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		if t.cursor < rows && t.onEnter != nil {
			t.onEnter(t.cursor)
		} else if t.cursor < rows {
			t.Table.Select(widget.TableCellID{Row: t.cursor, Col: 0})
		}
	case fyne.KeyEscape:
		if t.onEscape != nil {
			t.onEscape()
		}
	case fyne.KeyLeft, fyne.KeyRight:
		step := map[fyne.KeyName]int{fyne.KeyLeft: -1, fyne.KeyRight: 1}[k.Name]
		t.col = min(max(t.col+step, 0), max(cols-1, 0))
		t.ScrollTo(widget.TableCellID{Row: t.cursor, Col: t.col})
	default:
		if to, ok := cursorStep(k.Name, t.cursor, rows); ok {
			t.moveCursor(to)
			t.ScrollTo(widget.TableCellID{Row: t.cursor, Col: t.col})
		}
	}
}

// TypedRune sorts by the column of a digit typed, where the table sorts;
// other typing is ignored.
func (t *keyTable) TypedRune(r rune) {
	_, cols := t.size()
	if col := int(r - '1'); t.sortBy != nil && r >= '1' && r <= '9' && col < cols {
		t.sortBy(col)
	}
}

func (t *keyTable) size() (int, int) {
	if t.Length == nil {
		return 0, 0
	}
	return t.Length()
}

func (t *keyTable) moveCursor(to int) {
	rows, _ := t.size()
	to = min(max(to, 0), max(rows-1, 0))
	if to == t.cursor {
		return
	}
	t.cursor = to
	if t.focused {
		t.Refresh()
	}
}

// cursorStep is where a navigation key moves a cursor at row from, in a
// list of n rows; false for keys that do not move it.
func cursorStep(k fyne.KeyName, from, n int) (int, bool) {
	if n == 0 {
		return 0, false
	}
	to := from
	switch k {
	case fyne.KeyDown:
		to++
	case fyne.KeyUp:
		to--
	case fyne.KeyPageDown:
		to += pageRows
	case fyne.KeyPageUp:
		to -= pageRows
	case fyne.KeyHome:
		to = 0
	case fyne.KeyEnd:
		to = n - 1
	default:
		return from, false
	}
	return min(max(to, 0), n-1), true
}

// newCursorMark is the frame of a keyboard cursor row: a light focus
// tint with a border in the primary colour, hidden until shown. The tint
// is lighter than a focused button's, so that coloured text in the row
// (links, warnings) stays readable on it; the border carries the mark.
func newCursorMark() fyne.CanvasObject {
	r := canvas.NewRectangle(markFill())
	r.StrokeColor = theme.Color(theme.ColorNamePrimary)
	r.StrokeWidth = 2
	r.CornerRadius = theme.SelectionRadiusSize()
	r.Hide()
	return r
}

// showMark shows or hides a cursor mark, in the theme's current colours.
func showMark(o fyne.CanvasObject, on bool) {
	r := o.(*canvas.Rectangle)
	if !on {
		r.Hide()
		return
	}
	r.FillColor = markFill()
	r.StrokeColor = theme.Color(theme.ColorNamePrimary)
	r.Show()
	r.Refresh()
}

// newTextTable is a keyboard table of text: rows records, one heading
// and width per column, and cell giving a cell's text and colour.
// selected runs with the row opened by a click, Enter or Space.
func newTextTable(rows func() int, heads []string, widths []float32,
	cell func(row, col int) (string, widget.Importance), selected func(row int)) *keyTable {
	t := newKeyTable(
		func() (int, int) { return rows(), len(heads) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row < 0 || id.Row >= rows() {
				l.SetText("")
				return
			}
			text, imp := cell(id.Row, id.Col)
			l.Importance = imp
			l.Text = text
			l.Refresh()
		},
		func(id widget.TableCellID) {
			if selected != nil && id.Row >= 0 && id.Row < rows() {
				selected(id.Row)
			}
		})
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(heads) {
			o.(*widget.Label).SetText(heads[id.Col])
		}
	}
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
	return t
}

// columnHead is a table's column heading that sorts by its column when
// clicked. Unlike a button it takes no keyboard focus, so Tab reaches
// the table once instead of stopping at every heading; the table sorts
// by a digit key (keyTable.sortBy).
type columnHead struct {
	widget.BaseWidget
	Text     string
	OnTapped func()
	label    *widget.Label
	hover    *canvas.Rectangle
}

func newColumnHead() *columnHead {
	h := &columnHead{label: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		hover: canvas.NewRectangle(theme.Color(theme.ColorNameHover))}
	h.label.Truncation = fyne.TextTruncateEllipsis
	h.hover.CornerRadius = theme.SelectionRadiusSize()
	h.hover.Hide()
	h.ExtendBaseWidget(h)
	return h
}

// SetText sets the heading.
func (h *columnHead) SetText(text string) {
	h.Text = text
	h.label.SetText(text)
}

// CreateRenderer draws the heading over its hover tint.
func (h *columnHead) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(h.hover, h.label))
}

// Tapped sorts.
func (h *columnHead) Tapped(*fyne.PointEvent) {
	if h.OnTapped != nil {
		h.OnTapped()
	}
}

// Cursor shows that the heading can be clicked.
func (h *columnHead) Cursor() desktop.Cursor { return desktop.PointerCursor }

// MouseIn tints the heading under the pointer.
func (h *columnHead) MouseIn(*desktop.MouseEvent) {
	h.hover.FillColor = theme.Color(theme.ColorNameHover)
	h.hover.Show()
	h.hover.Refresh()
}

// MouseMoved is part of the hover.
func (h *columnHead) MouseMoved(*desktop.MouseEvent) {}

// MouseOut takes the tint away.
func (h *columnHead) MouseOut() {
	h.hover.Hide()
	h.hover.Refresh()
}

// newLinkList is a keyboard list of one-line links, such as findings:
// Enter, Space or a click opens row i. The rows are labels in the link
// colour rather than hyperlinks, so that Tab stops at the list once, not
// at every link in it.
func newLinkList(n int, text func(i int) string, open func(i int)) *keyList {
	var l *keyList
	l = newKeyList(func() int { return n },
		func() fyne.CanvasObject { return newLinkLabel() },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(text(i)) },
		func(i widget.ListItemID) {
			// Nothing stays selected: the same row opens again.
			l.UnselectAll()
			open(i)
		})
	l.HideSeparators = true
	return l
}

// newLinkLabel is a label in the link colour, for the name in a row of
// a keyboard list that opens a record.
func newLinkLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.HighImportance
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// topThenList is a list with a bar above it (filter, New), in the order
// Tab visits them: the bar, then the list. container.NewBorder would put
// the list first, so Tab reached the list before what is drawn above it.
func topThenList(top, list fyne.CanvasObject) *fyne.Container {
	return container.New(layout.NewBorderLayout(top, nil, nil, nil), top, list)
}

// markFill is the focus colour at a third of its strength.
func markFill() color.Color {
	c := color.NRGBAModel.Convert(theme.Color(theme.ColorNameFocus)).(color.NRGBA)
	c.A /= 3
	return c
}
