package app

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
)

// TestWheelOverTextField: the mouse wheel over a field of a form scrolls
// the form, as it does anywhere else on the page. A multi-line field with
// the focus scrolls its own long text, and hands the wheel back to the
// page at the end of it; a short text, or a one-line field, leaves the
// wheel to the page even while focused.
func TestWheelOverTextField(t *testing.T) {
	u := newTestUI(t)
	u.win.Resize(fyne.NewSize(1024, 640))
	u.show(u.screenIndex(t, "contacts"))
	u.create()
	f := u.editor
	if f == nil {
		t.Fatal("Ctrl+N opened no form")
	}
	e := f.input(t, "channels")
	c := u.win.Canvas()
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject
	// Scroll the page so that the field is in view with page left below it.
	inPage := abs(e).Y - abs(f.scroll).Y + f.scroll.Offset.Y
	f.scroll.ScrollToOffset(fyne.NewPos(0, inPage-80))
	over := func() fyne.Position { return abs(e).AddXY(20, 20) }
	wheel := func(dy float32) (page float32) {
		before := f.scroll.Offset.Y
		test.Scroll(c, over(), 0, dy)
		return f.scroll.Offset.Y - before
	}
	if f.scroll.Offset.Y <= 0 {
		t.Fatalf("the form does not scroll at 1024×640 (offset %v)", f.scroll.Offset.Y)
	}
	if over().Y > c.Size().Height {
		t.Fatalf("the field lies outside the window at %v", over())
	}
	if moved := wheel(-40); moved <= 0 {
		t.Fatalf("the wheel over the field left the page where it was (moved %v)", moved)
	}
	c.Focus(e)
	if moved := wheel(40); moved >= 0 {
		t.Fatalf("the wheel over the focused field with a short text did not scroll the page back (moved %v)", moved)
	}
	e.SetText(strings.Repeat("Funkgerät Kanal 4, Satellitentelefon im Tresor\n", 30))
	own := ownScroll(t, e)
	for range 3 {
		if moved := wheel(-40); moved != 0 {
			t.Fatalf("the wheel over the focused field with a long text scrolled the page by %v", moved)
		}
	}
	if own.Offset.Y <= 0 {
		t.Fatal("the wheel over the focused field with a long text did not scroll the text")
	}
	own.ScrollToOffset(fyne.NewPos(0, own.Content.Size().Height)) // the end of the text
	if moved := wheel(-40); moved <= 0 {
		t.Fatalf("at the end of its text the field kept the wheel from the page (moved %v)", moved)
	}
	c.Unfocus()
	at := own.Offset.Y
	if moved := wheel(40); moved >= 0 || own.Offset.Y != at {
		t.Fatalf("after the focus left, the wheel moved the text (%v → %v) and the page by %v", at, own.Offset.Y, moved)
	}

	t.Run("one-line field", func(t *testing.T) {
		name := f.input(t, "name")
		f.scroll.ScrollToOffset(fyne.NewPos(0, 40))
		c.Focus(name)
		before := f.scroll.Offset.Y
		test.Scroll(c, abs(name).AddXY(10, 10), 0, 30)
		if f.scroll.Offset.Y >= before {
			t.Fatalf("the wheel over a focused one-line field left the page at %v", before)
		}
	})
}

// ownScroll is the scroller inside a multi-line entry.
func ownScroll(t *testing.T, e fyne.Widget) *container.Scroll {
	t.Helper()
	for _, o := range test.WidgetRenderer(e).Objects() {
		if s, ok := o.(*container.Scroll); ok {
			return s
		}
	}
	t.Fatal("the entry has no scroller of its own")
	return nil
}

// TestWheelOverDialogField: in the dialog that closes an incident, the
// wheel over a text field scrolls the dialog.
func TestWheelOverDialogField(t *testing.T) {
	u := newIncidentUI(t)
	u.win.Resize(fyne.NewSize(1024, 640))
	startFromPlaybook(t, u, "25.11.2026", "12:00", "")
	test.Tap(findButton(t, u.body, "Vorfall abschließen …"))
	d := u.dialogTop()
	for range 6 {
		test.Tap(findButton(t, d, "Weitere Maßnahme"))
	}
	page := find(t, d, "dialog scroller", func(s *container.Scroll) bool { return s.Direction == container.ScrollVerticalOnly })
	if page.Content.MinSize().Height <= page.Size().Height {
		t.Fatalf("the dialog does not scroll (%v in %v)", page.Content.MinSize(), page.Size())
	}
	c := u.win.Canvas()
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject
	for _, ph := range []string{"Warum? (optional, kommt ins Protokoll)", "Was ist passiert, was wurde getan, wie ist der Stand jetzt?"} {
		e := find(t, d, ph, func(o fyne.CanvasObject) bool { e := entryOf(o); return e != nil && e.PlaceHolder == ph })
		page.ScrollToOffset(fyne.NewPos(0, 0))
		at := abs(e).AddXY(10, 10)
		if at.Y > abs(page).Y+page.Size().Height {
			t.Fatalf("field %q out of view at %v", ph, at)
		}
		test.Scroll(c, at, 0, -30)
		if page.Offset.Y <= 0 {
			t.Errorf("the wheel over %q left the dialog where it was", ph)
		}
	}
}

// unpassed lists the text fields below o that lie in a scroller but do
// not hand it the mouse wheel: Fyne gives the wheel to the field's own
// scroller, and the page stops while the pointer is over the field.
// passed counts those that do.
func unpassed(o fyne.CanvasObject) (out []string, passed int) {
	var visit func(o fyne.CanvasObject, page *container.Scroll)
	visit = func(o fyne.CanvasObject, page *container.Scroll) {
		if e := entryOf(o); e != nil {
			if fe, ok := o.(*formEntry); page != nil && (!ok || fe.page == nil || fe.page.scroll != page) {
				out = append(out, fmt.Sprintf("%T %q%q", o, e.PlaceHolder, e.Text))
			} else if page != nil {
				passed++
			}
			return
		}
		switch o := o.(type) {
		case *container.Scroll:
			if o.Direction == container.ScrollBoth || o.Direction == container.ScrollVerticalOnly {
				page = o
			}
			if o.Content != nil {
				visit(o.Content, page)
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				visit(c, page)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				visit(c, page)
			}
		}
	}
	visit(o, nil)
	return out, passed
}

// entryOf is the text entry o is or extends, nil for anything else.
func entryOf(o fyne.CanvasObject) *widget.Entry {
	if e, ok := o.(*widget.Entry); ok {
		return e
	}
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	f := v.Elem().FieldByName("Entry")
	if !f.IsValid() || f.Type() != reflect.TypeOf(widget.Entry{}) {
		return nil
	}
	return f.Addr().Interface().(*widget.Entry)
}

// TestWheelPassesEverywhere walks every screen, the form for a new record
// on each, a playbook, a running incident, a drill and an exercise, and
// every dialog their "…" buttons open, and finds no text field inside a
// scroller that keeps the wheel from it.
func TestWheelPassesEverywhere(t *testing.T) {
	u := newIncidentUI(t)
	u.win.Resize(fyne.NewSize(1024, 640))
	type place struct {
		name string
		to   func()
	}
	var places []place
	for i, s := range u.screens {
		show := func() { u.show(i); u.tasks.Wait() }
		places = append(places, place{s.id, show})
		show()
		if u.view.create != nil {
			places = append(places, place{s.id + " new", func() { show(); u.create(); u.tasks.Wait() }})
		}
	}
	pb := ransomware(t, u)
	places = append(places, place{"playbook", func() { u.open(handbook.EntityPlaybook, pb.ID); u.tasks.Wait() }},
		place{"start incident", func() { u.showScreen("incidents"); u.startIncidentDialog(pb.ID) }})
	startFromPlaybook(t, u, "25.11.2026", "12:00", "")
	inc := onlyIncident(t, u)
	places = append(places, place{"incident", func() { u.openIncident(inc.ID); u.tasks.Wait() }})
	x := planDatenleck(t, u)
	places = append(places, place{"exercise", func() { u.showScreen("exercises"); u.tasks.Wait(); u.open(handbook.EntityExercise, x.ID) }})
	drill := startFromScreen(t, u, x, "Übungslauf beginnen")
	places = append(places, place{"drill", func() { u.openIncident(drill.ID); u.tasks.Wait() }})

	ov := u.win.Canvas().Overlays()
	clear := func() {
		for ov.Top() != nil {
			ov.Remove(ov.Top())
		}
	}
	dialogs, passed := 0, 0
	check := func(where string, o fyne.CanvasObject) {
		bad, n := unpassed(o)
		passed += n
		if len(bad) > 0 {
			t.Errorf("%s: fields keep the wheel from their page: %q", where, bad)
		}
	}
	for _, p := range places {
		clear()
		p.to()
		check(p.name, u.body)
		for _, o := range ov.List() {
			dialogs++
			check(p.name, o)
		}
		var labels []string
		walk(u.body, func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Visible() && !b.Disabled() && strings.HasSuffix(b.Text, " …") && !slices.Contains(labels, b.Text) {
				labels = append(labels, b.Text)
			}
		})
		for _, l := range labels {
			clear()
			p.to()
			test.Tap(findButton(t, u.body, l))
			u.tasks.Wait()
			for _, o := range ov.List() {
				dialogs++
				check(p.name+" → "+l, o)
			}
		}
	}
	clear()
	if dialogs < 30 || passed < 100 {
		t.Errorf("only %d dialogs opened, %d fields in scrollers found", dialogs, passed)
	}
	t.Logf("%d places, %d dialogs, %d fields in scrollers", len(places), dialogs, passed)
}
