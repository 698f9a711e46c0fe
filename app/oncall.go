package app

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// rosterWeeks is how far ahead the on-call screen lists the roster.
const rosterWeeks = 8

// timeZones are the zones a roster offers; "" is this computer's.
var timeZones = []string{"Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/London", "UTC", ""}

// onCallScreen shows, at a glance, who is on duty in every role now and
// when the next hand-over is, and edits the roles' on-call rotations.
type onCallScreen struct {
	u     *ui
	right *fyne.Container
}

func onCallView(u *ui) view {
	s := &onCallScreen{u: u, right: container.NewStack()}
	s.showOverview()
	return view{content: s.right, changed: func(n []store.Notice) {
		if u.editor == nil && touches(n, handbook.EntityRole, handbook.EntityContact) {
			s.showOverview()
		}
	}}
}

func (s *onCallScreen) set(o fyne.CanvasObject) {
	s.right.Objects = []fyne.CanvasObject{o}
	s.right.Refresh()
}

// showOverview lists the roles with a rotation first, each with the
// person on duty now, the next hand-over and the weeks ahead, then every
// other role with who is on duty through its holders.
func (s *onCallScreen) showOverview() {
	u := s.u
	hb, err := u.st.Load(u.ctx)
	if err != nil {
		u.loadFailed(err)
		return
	}
	hb = hb.Live()
	now := u.now()
	names := map[string]string{}
	for _, c := range hb.Contacts {
		names[c.ID] = c.FullName()
	}
	roles := slices.Clone(hb.Roles)
	slices.SortFunc(roles, func(a, b handbook.Role) int { return strings.Compare(handbook.Fold(a.Name), handbook.Fold(b.Name)) })
	newBtn := newIconButton(lang.L("New on-call roster …"), theme.ContentAddIcon(), func() { s.pickRole(roles) })
	box := container.NewVBox(container.NewBorder(nil, nil, nil, newBtn, heading(lang.L("On call now"))))
	var plain []handbook.Role
	for _, r := range roles {
		if !r.OnCall.Active() {
			plain = append(plain, r)
			continue
		}
		box.Add(s.rosterCard(hb, r, now, names))
	}
	if len(plain) < len(roles) && len(plain) > 0 {
		box.Add(heading(lang.L("Roles without a roster")))
	}
	if len(plain) == len(roles) {
		hint := widget.NewLabel(lang.L("No role has an on-call roster yet. Without one, the first holder of a role who can be reached by phone is on duty."))
		hint.Wrapping = fyne.TextWrapWord
		box.Add(hint)
	}
	grid := container.NewGridWithColumns(2)
	for _, r := range plain {
		d := handbook.OnDutyAt(hb, r, now)
		who := "⚠ " + lang.L("nobody assigned")
		if d.OnDuty() {
			who = d.Contact.FullName()
			if p := d.Contact.Phones(); len(p) > 0 {
				who += " · " + p[0]
			}
		}
		grid.Add(widget.NewLabelWithStyle(r.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		grid.Add(widget.NewLabel(who))
	}
	box.Add(grid)
	s.set(container.NewVScroll(container.NewPadded(box)))
}

// rosterCard is one rotation: on duty now in large letters with the
// numbers to copy, the next hand-over, then the weeks ahead.
func (s *onCallScreen) rosterCard(hb handbook.Handbook, r handbook.Role, now time.Time, names map[string]string) fyne.CanvasObject {
	u := s.u
	d := handbook.OnDutyAt(hb, r, now)
	box := container.NewVBox()
	if d.Source == handbook.DutyRoster || d.Source == handbook.DutyException {
		who := widget.NewLabelWithStyle(d.Contact.FullName(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		who.SizeName = theme.SizeNameHeadingText
		phones := container.NewHBox()
		for _, p := range d.Contact.Phones() {
			phones.Add(newIconButton(p, theme.ContentCopyIcon(), func() { u.copy(p) }))
		}
		box.Add(container.NewBorder(nil, nil, widget.NewLabel(lang.L("On duty now:")), nil, who))
		box.Add(phones)
		next := lang.L("Next hand-over {{.Time}} to {{.Name}}", map[string]any{"Time": weekdayStamp(d.Shift.To), "Name": d.Next.FullName()})
		box.Add(widget.NewLabelWithStyle(next, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		if d.Source == handbook.DutyException {
			note := widget.NewLabel("⚠ " + exceptionText(*d.Shift.Exception, names))
			note.Importance = widget.WarningImportance
			note.Wrapping = fyne.TextWrapWord
			box.Add(note)
		}
	} else {
		warn := widget.NewLabel("⚠ " + lang.L("The roster names nobody now (it starts later, or the person was deleted); on duty: {{.Name}}",
			map[string]any{"Name": cmpName(d)}))
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		box.Add(warn)
	}
	rows := container.New(&rosterLayout{})
	for _, sh := range handbook.RoleSchedule(hb, r, now, rosterWeeks*7*24*time.Hour) {
		from := widget.NewLabel(weekdayStamp(sh.From) + " – " + weekdayStamp(sh.To))
		who := names[sh.ContactID]
		if sh.ContactID == "" {
			who = lang.L("nobody")
		}
		name := widget.NewLabelWithStyle(who, fyne.TextAlignLeading, fyne.TextStyle{Bold: !sh.From.After(now)})
		note := widget.NewLabel("")
		if sh.Exception != nil {
			note.SetText(exceptionText(*sh.Exception, names))
			note.Importance = widget.WarningImportance
		}
		if sh.Missing != "" {
			note.SetText(lang.L("Deleted from the handbook; a holder of the role stands in"))
			if sh.ContactID == "" {
				note.SetText(lang.L("Deleted from the handbook, and the role has no holder"))
			}
			note.Importance = widget.WarningImportance
		}
		note.Truncation = fyne.TextTruncateEllipsis
		rows.Add(from)
		rows.Add(name)
		rows.Add(note)
	}
	edit := newIconButton(lang.L("Edit roster"), theme.DocumentCreateIcon(), func() { u.guard(func() { s.edit(r) }) })
	rhythm := lang.L("weekly")
	if r.OnCall.PeriodDays != 7 {
		rhythm = lang.L("every {{.N}} days", map[string]any{"N": r.OnCall.PeriodDays})
	}
	sub := lang.L("{{.Rhythm}}, hand-over at {{.Time}} ({{.Zone}})", map[string]any{"Rhythm": rhythm, "Time": r.OnCall.Handover, "Zone": zoneLabel(r.OnCall.Zone)})
	head := container.NewBorder(nil, nil, nil, edit, container.NewVBox(heading(r.Name), widget.NewLabel(sub)))
	box.Add(widget.NewSeparator())
	box.Add(widget.NewLabelWithStyle(lang.L("The next {{.N}} weeks", map[string]any{"N": rosterWeeks}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	box.Add(rows)
	return widget.NewCard("", "", container.NewVBox(head, box))
}

func cmpName(d handbook.Duty) string {
	if !d.OnDuty() {
		return lang.L("nobody assigned")
	}
	return d.Contact.FullName()
}

// weekdayStamp is a time with its weekday: "Mo 30.11.2026 09:00".
func weekdayStamp(t time.Time) string {
	days := []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	return lang.L(days[t.Local().Weekday()]) + " " + stamp(t)
}

func zoneLabel(zone string) string {
	if zone == "" {
		return lang.L("this computer's time zone")
	}
	return zone
}

// exceptionText says what an exception does, in a few words.
func exceptionText(e handbook.RotationException, names map[string]string) string {
	var text string
	switch {
	case e.Kind == handbook.ExceptionHoliday && e.Cover != "":
		text = lang.L("{{.Person}} away, {{.Cover}} stands in", map[string]any{"Person": names[e.Person], "Cover": names[e.Cover]})
	case e.Kind == handbook.ExceptionHoliday:
		text = lang.L("{{.Person}} away", map[string]any{"Person": names[e.Person]})
	case e.Person != "":
		text = lang.L("swap: {{.Cover}} instead of {{.Person}}", map[string]any{"Person": names[e.Person], "Cover": names[e.Cover]})
	default:
		text = lang.L("swap: {{.Cover}} takes over", map[string]any{"Cover": names[e.Cover]})
	}
	if e.Note != "" {
		text += " – " + e.Note
	}
	return text
}

// rosterLayout lays out the roster's rows in three columns: dates, name,
// note; the note takes what is left.
type rosterLayout struct{}

func (rosterLayout) widths(objs []fyne.CanvasObject) (float32, float32) {
	var a, b float32
	for i := 0; i+2 < len(objs); i += 3 {
		a = max(a, objs[i].MinSize().Width)
		b = max(b, objs[i+1].MinSize().Width)
	}
	return a, b
}

func (l rosterLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	a, b := l.widths(objs)
	y := float32(0)
	for i := 0; i+2 < len(objs); i += 3 {
		h := objs[i].MinSize().Height
		objs[i].Move(fyne.NewPos(0, y))
		objs[i].Resize(fyne.NewSize(a, h))
		objs[i+1].Move(fyne.NewPos(a, y))
		objs[i+1].Resize(fyne.NewSize(b, h))
		objs[i+2].Move(fyne.NewPos(a+b, y))
		objs[i+2].Resize(fyne.NewSize(max(0, size.Width-a-b), h))
		y += h
	}
}

func (l rosterLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := l.widths(objs)
	h := float32(0)
	for i := 0; i+2 < len(objs); i += 3 {
		h += objs[i].MinSize().Height
	}
	return fyne.NewSize(a+b+80, h)
}

// pickRole asks which role gets a new roster.
func (s *onCallScreen) pickRole(roles []handbook.Role) {
	var choices []handbook.Role
	var labels []string
	for _, r := range roles {
		if !r.OnCall.Active() {
			choices = append(choices, r)
			labels = append(labels, r.Name)
		}
	}
	if len(choices) == 0 {
		return
	}
	pick := widget.NewSelect(labels, nil)
	pick.PlaceHolder = lang.L("Choose a role …")
	box := container.NewVBox(widget.NewLabel(lang.L("Which role gets an on-call roster?")), pick)
	back := newIconButton(lang.L("Cancel"), theme.CancelIcon(), s.showOverview)
	next := newIconButton(lang.L("Continue"), theme.NavigateNextIcon(), func() {
		if i := pick.SelectedIndex(); i >= 0 {
			s.edit(choices[i])
		}
	})
	next.Importance = widget.HighImportance
	s.set(container.NewCenter(container.NewGridWrap(fyne.NewSize(460, 160), container.NewVBox(box, container.NewGridWithColumns(2, back, next)))))
}

// exceptionRow is one holiday or swap being edited.
type exceptionRow struct {
	kind          *widget.Select
	from, to      *widget.Entry
	person, cover *widget.Select
	note          *widget.Entry
	obj           fyne.CanvasObject
}

// edit opens the roster of role r in a form; it saves the role through
// the generic record save, so that only the roster field is written.
func (s *onCallScreen) edit(r handbook.Role) {
	u := s.u
	before := clone(r)
	rot := handbook.Rotation{PeriodDays: 7, Handover: "09:00", Zone: "Europe/Berlin", Start: mondayOf(u.now()).Format(handbook.RotationDateLayout)}
	if r.OnCall != nil {
		rot = clone(*r.OnCall)
	}
	_, contactOpts := labels(u, handbook.EntityContact)
	f := newForm(u)
	f.refs("on_call", lang.L("People on call, in the order they take turns"), &rot.People, contactOpts)
	start := f.entry(false)
	start.SetPlaceHolder(datePlaceHolder())
	if t, err := time.Parse(handbook.RotationDateLayout, rot.Start); err == nil {
		start.SetText(t.Format(lang.L("2006-01-02")))
	}
	start.OnChanged = func(string) { f.changed() }
	f.add("start", lang.L("First hand-over (date)"), start, func() error {
		d, err := parseDate(start.Text)
		if err != nil {
			return errors.New(lang.L("Enter a date as DD.MM.YYYY."))
		}
		rot.Start = d.Format(handbook.RotationDateLayout)
		return nil
	})
	rhythm := widget.NewSelect([]string{lang.L("weekly"), lang.L("every N days")}, nil)
	days := f.entry(false)
	days.SetPlaceHolder("14")
	if rot.PeriodDays == 7 {
		rhythm.SetSelectedIndex(0)
		days.Disable()
	} else {
		rhythm.SetSelectedIndex(1)
		days.SetText(strconv.Itoa(rot.PeriodDays))
	}
	rhythm.OnChanged = func(string) {
		f.changed()
		if rhythm.SelectedIndex() == 0 {
			days.Disable()
		} else {
			days.Enable()
		}
	}
	days.OnChanged = func(string) { f.changed() }
	f.add("period_days", lang.L("Change of shift"), container.NewGridWithColumns(2, rhythm, days), func() error {
		if rhythm.SelectedIndex() == 0 {
			rot.PeriodDays = 7
			return nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(days.Text))
		if err != nil || n < 1 || n > 366 {
			return errors.New(lang.L("Enter the days of a shift, 1 to 366."))
		}
		rot.PeriodDays = n
		return nil
	})
	handover := f.entry(false)
	handover.SetPlaceHolder(lang.L("HH:MM"))
	handover.SetText(rot.Handover)
	handover.OnChanged = func(string) { f.changed() }
	f.add("handover", lang.L("Hand-over time"), handover, func() error {
		t, err := time.Parse(layoutClock, strings.TrimSpace(handover.Text))
		if err != nil {
			return errors.New(lang.L("Enter the time as HH:MM."))
		}
		rot.Handover = t.Format(layoutClock)
		return nil
	})
	zones := make([]string, len(timeZones))
	for i, z := range timeZones {
		zones[i] = zoneLabel(z)
	}
	zone := widget.NewSelect(zones, func(string) { f.changed() })
	zone.SetSelectedIndex(max(0, slices.Index(timeZones, rot.Zone)))
	f.add("zone", lang.L("Time zone of dates and hand-over"), zone, func() error {
		rot.Zone = timeZones[zone.SelectedIndex()]
		return nil
	})

	var rows []*exceptionRow
	list := container.NewVBox()
	kinds := []string{lang.L("Swap"), lang.L("Holiday")}
	personLabels := append([]string{"–"}, optionLabels(contactOpts)...)
	contactAt := func(sel *widget.Select) string {
		if i := sel.SelectedIndex(); i > 0 {
			return contactOpts[i-1].value
		}
		return ""
	}
	selectContact := func(sel *widget.Select, id string) {
		sel.SetSelectedIndex(slices.IndexFunc(contactOpts, func(o option) bool { return o.value == id }) + 1)
	}
	addRow := func(e handbook.RotationException) {
		row := &exceptionRow{kind: widget.NewSelect(kinds, nil), from: widget.NewEntry(), to: widget.NewEntry(),
			person: widget.NewSelect(personLabels, nil), cover: widget.NewSelect(personLabels, nil), note: widget.NewEntry()}
		row.kind.SetSelectedIndex(0)
		if e.Kind == handbook.ExceptionHoliday {
			row.kind.SetSelectedIndex(1)
		}
		for _, in := range []struct {
			entry *widget.Entry
			date  string
		}{{row.from, e.From}, {row.to, e.To}} {
			in.entry.SetPlaceHolder(datePlaceHolder())
			if t, err := time.Parse(handbook.RotationDateLayout, in.date); err == nil {
				in.entry.SetText(t.Format(lang.L("2006-01-02")))
			}
			in.entry.OnChanged = func(string) { f.changed() }
		}
		selectContact(row.person, e.Person)
		selectContact(row.cover, e.Cover)
		row.note.SetText(e.Note)
		row.note.SetPlaceHolder(lang.L("Note"))
		for _, sel := range []*widget.Select{row.kind, row.person, row.cover} {
			sel.OnChanged = func(string) { f.changed() }
		}
		row.note.OnChanged = func(string) { f.changed() }
		del := newIconButton("", theme.DeleteIcon(), nil)
		row.obj = container.NewVBox(
			container.NewGridWithColumns(3, row.kind, row.from, row.to),
			container.NewBorder(nil, nil, nil, del, container.NewGridWithColumns(3, row.person, row.cover, row.note)),
			widget.NewSeparator())
		del.OnTapped = func() {
			i := slices.Index(rows, row)
			rows = slices.Delete(rows, i, i+1)
			list.Remove(row.obj)
			f.changed()
		}
		rows = append(rows, row)
		list.Add(row.obj)
	}
	for _, e := range rot.Exceptions {
		addRow(e)
	}
	head := widget.NewLabel(lang.L("Kind · from the hand-over on · until the hand-over on; who is away or replaced · who takes over · note"))
	head.Wrapping = fyne.TextWrapWord
	more := newIconButton(lang.L("Add holiday or swap"), theme.ContentAddIcon(), func() {
		addRow(handbook.RotationException{})
		f.changed()
	})
	f.add("exceptions", lang.L("Holidays and swaps"), container.NewVBox(head, list, container.NewHBox(more)), func() error {
		rot.Exceptions = nil
		for i, row := range rows {
			from, err1 := parseDate(row.from.Text)
			to, err2 := parseDate(row.to.Text)
			if err1 != nil || err2 != nil {
				return errors.New(lang.L("Exception {{.N}}: enter both dates as DD.MM.YYYY.", map[string]any{"N": i + 1}))
			}
			e := handbook.RotationException{Kind: handbook.ExceptionSwap, From: from.Format(handbook.RotationDateLayout),
				To: to.Format(handbook.RotationDateLayout), Person: contactAt(row.person), Cover: contactAt(row.cover), Note: strings.TrimSpace(row.note.Text)}
			if row.kind.SelectedIndex() == 1 {
				e.Kind = handbook.ExceptionHoliday
			}
			switch {
			case !to.After(from):
				return errors.New(lang.L("Exception {{.N}}: the end must come after the start.", map[string]any{"N": i + 1}))
			case e.Kind == handbook.ExceptionSwap && e.Cover == "":
				return errors.New(lang.L("Exception {{.N}}: choose who takes over.", map[string]any{"N": i + 1}))
			case e.Kind == handbook.ExceptionHoliday && e.Person == "":
				return errors.New(lang.L("Exception {{.N}}: choose who is away.", map[string]any{"N": i + 1}))
			}
			rot.Exceptions = append(rot.Exceptions, e)
		}
		return nil
	})

	after := r
	f.put = func() error {
		if len(rot.People) == 0 {
			return handbook.ValidationError{{Field: "on_call", Message: lang.L("Add the people who take turns.")}}
		}
		saved := rot
		after.OnCall = &saved
		return ops.Save[handbook.Role](u.ctx, u.ops, &before, &after)
	}
	f.saved = s.showOverview
	f.cancel = s.showOverview
	if r.OnCall != nil {
		remove := newIconButton(lang.L("Remove the roster"), theme.DeleteIcon(), func() {
			after := r
			after.OnCall = nil
			if err := ops.Save[handbook.Role](u.ctx, u.ops, &before, &after); err != nil {
				u.saveFailed(err)
				return
			}
			u.editor = nil
			s.showOverview()
		})
		remove.Importance = widget.DangerImportance
		f.box.Add(container.NewHBox(remove))
	}
	u.editor = f
	s.set(f.object(lang.L("On-call roster: {{.Role}}", map[string]any{"Role": r.Name})))
}

// mondayOf is the Monday of t's week.
func mondayOf(t time.Time) time.Time {
	t = t.Local()
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
}
