package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// alarmRolesWidth is the least width the roles get beside the next call.
const alarmRolesWidth = 360

// alarmLayout puts the roles and the next call side by side where both
// fit, else the next call above the roles: on a 1024-pixel screen the
// form beside the roles cut both.
type alarmLayout struct {
	// natural is the height the next call needs unscrolled, form what
	// sets its least width.
	natural func() float32
	form    fyne.CanvasObject
	// width is the width of the last Layout; MinSize answers for it.
	width float32
}

// alarmRolesHeight is the least height the roles get below the call.
const alarmRolesHeight = 240

func (l *alarmLayout) callWidth(size fyne.Size) float32 {
	return max(l.form.MinSize().Width, size.Width*0.45)
}

// sideBySide tells whether both fit beside each other in size.
func (l *alarmLayout) sideBySide(size fyne.Size) bool {
	return size.Width-l.callWidth(size)-theme.Padding() >= alarmRolesWidth
}

func (l *alarmLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	roles, call := objs[0], objs[1]
	pad := theme.Padding()
	if l.sideBySide(size) {
		w := l.callWidth(size)
		roles.Move(fyne.NewPos(0, 0))
		roles.Resize(fyne.NewSize(size.Width-w-pad, size.Height))
		call.Move(fyne.NewPos(size.Width-w, 0))
		call.Resize(fyne.NewSize(w, size.Height))
		return
	}
	h := min(l.natural(), max(size.Height-alarmRolesHeight-pad, size.Height*0.6))
	call.Move(fyne.NewPos(0, 0))
	call.Resize(fyne.NewSize(size.Width, h))
	roles.Move(fyne.NewPos(0, h+pad))
	roles.Resize(fyne.NewSize(size.Width, max(size.Height-h-pad, 0)))
}

// MinSize asks, below each other, for the whole call and a useful part
// of the roles; the view scrolls when the screen is lower.
func (l *alarmLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	roles, call := objs[0].MinSize(), objs[1].MinSize()
	w := max(roles.Width, call.Width)
	if l.width > 0 && l.sideBySide(fyne.NewSize(l.width, 0)) {
		return fyne.NewSize(w, max(roles.Height, call.Height, alarmRolesHeight))
	}
	return fyne.NewSize(w, l.natural()+theme.Padding()+alarmRolesHeight)
}

// besideOrBelow puts its second object at the right of the first where
// both fit in a row, else below it.
type besideOrBelow struct {
	// width is the width of the last Layout; MinSize answers for it.
	width float32
}

func (l *besideOrBelow) fits(objs []fyne.CanvasObject, width float32) bool {
	return width >= objs[0].MinSize().Width+theme.Padding()+objs[1].MinSize().Width
}

func (l *besideOrBelow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	a, b := objs[0].MinSize(), objs[1].MinSize()
	if l.fits(objs, size.Width) {
		h := max(a.Height, b.Height)
		objs[0].Move(fyne.NewPos(0, (h-a.Height)/2))
		objs[0].Resize(a)
		objs[1].Move(fyne.NewPos(size.Width-b.Width, (h-b.Height)/2))
		objs[1].Resize(b)
		return
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, a.Height))
	objs[1].Move(fyne.NewPos(0, a.Height+theme.Padding()))
	objs[1].Resize(fyne.NewSize(size.Width, b.Height))
}

func (l *besideOrBelow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	if l.width > 0 && l.fits(objs, l.width) {
		// Only the height follows the row: asking for the row's width
		// would keep the view from getting narrower again.
		return fyne.NewSize(max(a.Width, b.Width), max(a.Height, b.Height))
	}
	return fyne.NewSize(max(a.Width, b.Width), a.Height+theme.Padding()+b.Height)
}

// columnsOrRows puts its objects in columns of equal width, top-aligned,
// where each column gets at least min, else below each other.
type columnsOrRows struct {
	min float32
	// width is the width of the last Layout; MinSize answers for it.
	width float32
}

func (l *columnsOrRows) columns(objs []fyne.CanvasObject, width float32) bool {
	pad := theme.Padding()
	n := float32(len(objs))
	w := (width - pad*(n-1)) / n
	if w < l.min {
		return false
	}
	for _, o := range objs {
		if o.MinSize().Width > w {
			return false
		}
	}
	return true
}

func (l *columnsOrRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	pad := theme.Padding()
	if l.columns(objs, size.Width) {
		n := float32(len(objs))
		w := (size.Width - pad*(n-1)) / n
		for i, o := range objs {
			o.Move(fyne.NewPos(float32(i)*(w+pad), 0))
			o.Resize(fyne.NewSize(w, max(o.MinSize().Height, size.Height)))
		}
		return
	}
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
}

func (l *columnsOrRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, tallest, sum float32
	for _, o := range objs {
		m := o.MinSize()
		w = max(w, m.Width)
		tallest = max(tallest, m.Height)
		sum += m.Height
	}
	if l.width > 0 && l.columns(objs, l.width) {
		return fyne.NewSize(w, tallest)
	}
	return fyne.NewSize(w, sum+theme.Padding()*float32(max(len(objs)-1, 0)))
}
