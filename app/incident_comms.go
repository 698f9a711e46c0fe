package app

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/markdown"
	"ernstfall/internal/ops"
)

// escalateDialog raises or lowers the escalation level: the incident
// record takes the new level, the log records it, and the people to inform
// are shown.
func (r *runView) escalateDialog() {
	levels := slices.Clone(r.hb.Escalation)
	slices.SortFunc(levels, func(a, b handbook.EscalationLevel) int { return a.Level - b.Level })
	if len(levels) == 0 {
		dialog.ShowInformation(lang.L("Escalation"), lang.L("The handbook has no escalation matrix yet. Add levels under “Roles & escalation”."), r.u.win)
		return
	}
	labels := make([]string, len(levels))
	for i, l := range levels {
		labels[i] = levelName(l)
	}
	pick := widget.NewSelect(labels, nil)
	if i := slices.IndexFunc(levels, func(l handbook.EscalationLevel) bool { return l.Level > r.inc.Level }); i >= 0 {
		pick.SetSelectedIndex(i)
	} else {
		pick.SetSelectedIndex(len(levels) - 1)
	}
	trigger := widget.NewLabel("")
	trigger.Wrapping = fyne.TextWrapWord
	show := func() {
		if i := pick.SelectedIndex(); i >= 0 {
			trigger.SetText(levels[i].Trigger)
		}
	}
	pick.OnChanged = func(string) { show() }
	show()
	reason := widget.NewEntry()
	reason.SetPlaceHolder(lang.L("Why? (optional)"))
	var d dialog.Dialog
	ok := newIconButton(lang.L("Set level"), theme.ConfirmIcon(), func() {
		i := pick.SelectedIndex()
		if i < 0 {
			return
		}
		d.Hide()
		r.setLevel(levels[i], strings.TrimSpace(reason.Text))
	})
	ok.Importance = widget.HighImportance
	cancel := newIconButton(lang.L("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	now := lang.L("none")
	for _, l := range r.hb.Escalation {
		if l.Level == r.inc.Level {
			now = levelName(l)
		}
	}
	current := widget.NewLabel(now)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Now"), current),
		widget.NewFormItem(lang.L("New level"), pick),
		widget.NewFormItem(lang.L("Trigger"), trigger),
		widget.NewFormItem(lang.L("Reason"), reason),
	)
	d = dialog.NewCustomWithoutButtons(lang.L("Raise or lower the escalation level"), container.NewVBox(form, container.NewGridWithColumns(2, cancel, ok)), r.u.win)
	d.Resize(fyne.NewSize(620, 360))
	d.Show()
	enterSubmits(r.u.win.Canvas(), form, ok.OnTapped)
}

// setLevel logs the new level (the log entry is what sets it, see
// handbook.CurrentLevel) and shows whom to inform.
func (r *runView) setLevel(l handbook.EscalationLevel, reason string) {
	if _, err := r.u.ops.Escalate(r.u.ctx, ops.Escalate{IncidentID: r.id, Level: l.Level, Reason: reason, By: r.u.author(), Initials: r.u.initials()}); err != nil {
		r.u.opFailed(lang.L("The change could not be saved."), lang.L("Check that the disk is not full, then try again."), err)
		return
	}
	r.notifyDialog(l.Level)
}

// notifyList shows the roles to inform at a level, each with whom to call
// in order: the person on duty (on-call roster) first, then the holders; a
// click on a number copies it.
func notifyList(u *ui, hb handbook.Handbook, level int) fyne.CanvasObject {
	box := container.NewVBox()
	reach := handbook.Notify(hb, level, u.now())
	if len(reach) == 0 {
		box.Add(widget.NewLabel(lang.L("The escalation matrix names nobody to inform at this level.")))
	}
	for _, rc := range reach {
		box.Add(widget.NewLabelWithStyle(rc.Duty.Role.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		if len(rc.Contacts) == 0 {
			box.Add(widget.NewLabel("⚠ " + lang.L("nobody assigned")))
		}
		onCall := rc.Duty.Source == handbook.DutyRoster || rc.Duty.Source == handbook.DutyException
		for i, c := range rc.Contacts {
			n := i
			if onCall {
				n--
			}
			what := lang.L("Primary")
			switch {
			case onCall && i == 0:
				what = lang.L("On call until {{.Time}}", map[string]any{"Time": stamp(rc.Duty.Shift.To)})
			case n > 0:
				what = lang.L("Deputy {{.N}}", map[string]any{"N": n})
			}
			box.Add(widget.NewLabel(what + ": " + c.FullName()))
			box.Add(container.NewBorder(nil, nil, widget.NewLabel("   "), nil, numbersRow(u, c.Numbers())))
		}
	}
	return box
}

// notifyDialog shows who must be informed now.
func (r *runView) notifyDialog(level int) {
	title := lang.L("Inform now")
	for _, l := range r.hb.Escalation {
		if l.Level == level {
			title = lang.L("Inform now – {{.Level}}", map[string]any{"Level": levelName(l)})
			if l.Within > 0 {
				title += " " + lang.L("(within {{.Time}})", map[string]any{"Time": l.Within.String()})
			}
		}
	}
	d := dialog.NewCustom(title, lang.L("Close"), container.NewVScroll(notifyList(r.u, r.hb, level)), r.u.win)
	d.Resize(fyne.NewSize(720, 560))
	d.Show()
}

// templateDialog fills a communication template for the incident. Missing
// values stay visible as {{…}}; the text can be edited, copied and logged
// as sent.
func (r *runView) templateDialog() {
	tpls := slices.Clone(r.hb.CommTemplates)
	slices.SortFunc(tpls, func(a, b handbook.CommTemplate) int { return strings.Compare(a.Title, b.Title) })
	if len(tpls) == 0 {
		dialog.ShowInformation(lang.L("Message"), lang.L("The handbook has no communication templates yet."), r.u.win)
		return
	}
	labels := make([]string, len(tpls))
	for i, t := range tpls {
		labels[i] = t.Title
	}
	subject := widget.NewEntry()
	body := widget.NewMultiLineEntry()
	body.Wrapping = fyne.TextWrapWord
	body.SetMinRowsVisible(14)
	pick := widget.NewSelect(labels, func(string) {})
	pick.OnChanged = func(string) {
		i := pick.SelectedIndex()
		if i < 0 {
			return
		}
		m := handbook.Message{Handbook: r.hb, Incident: r.inc, At: r.u.now(), Loc: time.Local, Author: r.u.author(), Initials: r.u.initials(), Stamp: drillStamp()}
		s, b := m.Fill(tpls[i])
		subject.SetText(s)
		body.SetText(b)
	}
	pick.PlaceHolder = lang.L("Choose a template …")
	hint := widget.NewLabel(lang.L("Placeholders still in {{.Braces}} have no value yet: fill them in before sending.", map[string]any{"Braces": "{{…}}"}))
	hint.Wrapping = fyne.TextWrapWord
	hint.SizeName = theme.SizeNameCaptionText
	var d dialog.Dialog
	// E-mail programs and web forms take plain text: the Markdown markers
	// are removed; the Markdown itself only when asked for.
	copyBtn := newIconButton(lang.L("Copy to clipboard"), theme.ContentCopyIcon(), func() {
		s, b := r.stamped(subject.Text, body.Text)
		r.u.copy(strings.TrimSpace(s + "\n\n" + markdown.PlainText(b)))
	})
	copyMD := newIconButton(lang.L("Copy as Markdown"), theme.ContentCopyIcon(), func() {
		s, b := r.stamped(subject.Text, body.Text)
		r.u.copy(strings.TrimSpace(s + "\n\n" + b))
	})
	copyMD.Importance = widget.LowImportance
	sent := newIconButton(lang.L("Log as sent"), theme.MailSendIcon(), func() {
		i := pick.SelectedIndex()
		if i < 0 {
			return
		}
		text := tpls[i].Title
		s, _ := r.stamped(subject.Text, body.Text)
		if s := strings.TrimSpace(s); s != "" {
			text += ": " + s
		}
		if r.addEntry(handbook.LogEntry{Kind: handbook.LogMessage, Text: text}) {
			d.Hide()
		}
	})
	sent.Importance = widget.HighImportance
	closeBtn := newIconButton(lang.L("Close"), theme.CancelIcon(), func() { d.Hide() })
	top := container.NewVBox(pick, widget.NewForm(widget.NewFormItem(lang.L("Subject"), subject)))
	bottom := container.NewVBox(hint, container.NewGridWithColumns(4, closeBtn, copyMD, copyBtn, sent))
	d = dialog.NewCustomWithoutButtons(lang.L("Message from a template"), container.NewBorder(top, bottom, nil, nil, body), r.u.win)
	d.Resize(fyne.NewSize(760, 620))
	d.Show()
}
