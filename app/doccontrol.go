package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
	"ernstfall/internal/textdiff"
)

// docTitle names a document for people: the record's title, or the
// matrix's in the window's language.
func docTitle(st ops.DocState) string {
	if st.Doc.Kind == handbook.EntityMatrix || st.Title == "" {
		return lang.L(handbook.MatrixTitle)
	}
	return st.Title
}

// releaseText is "Version 1.1 · freigegeben von … am …".
func releaseText(r handbook.Release) string {
	return lang.L("Version {{.Version}} · released by {{.Approver}} on {{.Date}}",
		map[string]any{"Version": r.Version(), "Approver": r.Approver, "Date": day(r.ReleasedAt)})
}

// stateText says whether a document is released or a draft, in one line.
func stateText(st ops.DocState) (string, bool) {
	in := st.Releases.InForce
	var s string
	switch {
	case in == nil:
		s = lang.L("Draft, never released")
	case st.Withdrawn:
		s = lang.L("Deleted; {{.Release}} applies until an approver releases the withdrawal", map[string]any{"Release": releaseText(*in)})
	case st.Draft:
		s = lang.L("Draft: changed since {{.Date}}; {{.Release}} applies and is what the binder prints",
			map[string]any{"Date": day(st.DraftSince), "Release": releaseText(*in)})
	default:
		s = releaseText(*in)
	}
	if len(st.Releases.Concurrent) > 0 {
		c := st.Releases.Concurrent[0]
		s += " · " + lang.L("also released at the same time as {{.Version}} by {{.Approver}}: release it again to settle which applies",
			map[string]any{"Version": c.Version(), "Approver": c.Approver})
	}
	return s, st.Draft || len(st.Releases.Concurrent) > 0
}

// reviewText is the document's review cycle in one line.
func reviewText(st ops.DocState) string {
	if len(st.Reviews) == 0 && st.LastReviewedAt.IsZero() {
		return lang.L("Never reviewed")
	}
	s := lang.L("Last reviewed {{.Date}}", map[string]any{"Date": day(st.LastReviewedAt)})
	if len(st.Reviews) > 0 {
		r := st.Reviews[0]
		s += " (" + r.Reviewer + ", " + resultLabel(r.Result) + ")"
	}
	if !st.NextReview.IsZero() {
		s += " · " + lang.L("next review {{.Date}}", map[string]any{"Date": day(st.NextReview)})
	}
	return s
}

func resultLabel(r handbook.ReviewResult) string {
	switch r {
	case handbook.ReviewChanged:
		return lang.L("changed")
	case handbook.ReviewReplaced:
		return lang.L("replaced")
	}
	return lang.L("unchanged")
}

// nothingToRelease says why a document cannot be released now: it is
// released and unchanged since. "" when it can be.
func nothingToRelease(st ops.DocState) string {
	if !st.Released() || len(st.Releases.Concurrent) > 0 {
		return ""
	}
	return lang.L("Nothing to release: unchanged since version {{.Version}}.", map[string]any{"Version": st.Releases.InForce.Version()})
}

// releaseButton offers the release dialog, disabled with the reason
// beside it when there is nothing to release.
func (u *ui) releaseButton(st ops.DocState, doc handbook.DocRef) (*button, *widget.Label) {
	b := newIconButton(lang.L("Release …"), theme.ConfirmIcon(), func() { u.releaseDialog(doc) })
	why := widget.NewLabel(nothingToRelease(st))
	why.SizeName = theme.SizeNameCaptionText
	if why.Text != "" {
		b.Disable()
	} else {
		why.Hide()
	}
	return b, why
}

// docBar shows a document's release and review state with its actions:
// history, release, review. It sits under the document's title.
func (u *ui) docBar(doc handbook.DocRef) fyne.CanvasObject {
	st, err := u.ops.DocStateOf(u.ctx, doc)
	if err != nil {
		return widget.NewLabel(lang.L("The release state could not be read."))
	}
	line, warn := stateText(st)
	state := widget.NewLabel(line)
	state.Wrapping = fyne.TextWrapWord
	if warn {
		state.Importance = widget.WarningImportance
	}
	review := widget.NewLabel(reviewText(st))
	review.Wrapping = fyne.TextWrapWord
	review.SizeName = theme.SizeNameCaptionText
	if !st.NextReview.IsZero() && st.NextReview.Before(u.now()) || st.LastReviewedAt.IsZero() {
		review.Importance = widget.WarningImportance
	}
	release, why := u.releaseButton(st, doc)
	// Why there is nothing to release wraps beside the buttons: in one row
	// with them it widened the window past 1024 px in German.
	why.Wrapping = fyne.TextWrapWord
	buttons := container.NewBorder(nil, nil, container.NewHBox(
		newIconButton(lang.L("History …"), theme.HistoryIcon(), func() { u.showDocHistory(doc) }),
		release,
		newIconButton(lang.L("Record review …"), theme.DocumentCreateIcon(), func() { u.reviewDialog(doc) }),
	), nil, why)
	return container.NewVBox(state, review, buttons)
}

// versionChoice is one version of a document to compare.
type versionChoice struct {
	label string
	load  func() (handbook.DocContent, error)
	// rev is the revision's number; 0 for a release or the current text.
	rev int
}

// docHistory is the window onto one document's history: its revisions,
// the differences between any two versions, and its releases and reviews.
type docHistory struct {
	u       *ui
	doc     handbook.DocRef
	dlg     dialog.Dialog
	st      ops.DocState
	revs    []store.Revision
	choices []versionChoice
	from    *widget.Select
	to      *widget.Select
	whole   *widget.Check
	diff    *fyne.Container
	list    *keyList
	tabs    *container.AppTabs
	marks   map[int]string
	names   map[string]string
	labels  map[string]string
	restore *button
	picked  int
	trail   *fyne.Container
	state   *widget.Label
}

// showDocHistory opens a document's history.
func (u *ui) showDocHistory(doc handbook.DocRef) {
	h := &docHistory{u: u, doc: doc, diff: container.NewVBox(), trail: container.NewVBox()}
	if err := h.load(); err != nil {
		u.loadFailed(err)
		return
	}
	h.list = newKeyList(
		func() int { return len(h.revs) },
		func() fyne.CanvasObject {
			top := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			top.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("")
			sub.Truncation = fyne.TextTruncateEllipsis
			sub.SizeName = theme.SizeNameCaptionText
			return container.NewVBox(top, sub)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := h.revs[len(h.revs)-1-i]
			box := o.(*fyne.Container)
			top := fmt.Sprintf("%d · %s", r.N, r.At.Local().Format(lang.L("2006-01-02 15:04")))
			if m := h.marks[r.N]; m != "" {
				top += " · " + m
			}
			box.Objects[0].(*widget.Label).SetText(top)
			box.Objects[1].(*widget.Label).SetText(strings.Join(nonEmpty(withAuthor(r.Author, h.laptop(r)), h.changed(r)), " · "))
		},
		func(i widget.ListItemID) {
			n := h.revs[len(h.revs)-1-i].N
			h.picked = n
			h.restore.SetText(lang.L("Restore revision {{.N}} …", map[string]any{"N": n}))
			h.restore.Enable()
			h.from.SetSelectedIndex(n - 1)
			h.to.SetSelectedIndex(n)
		})
	h.list.onEscape = func() { h.dlg.Hide() }
	labels := make([]string, len(h.choices))
	for i, c := range h.choices {
		labels[i] = c.label
	}
	h.from = widget.NewSelect(labels, func(string) { h.compare() })
	h.to = widget.NewSelect(labels, func(string) { h.compare() })
	h.whole = widget.NewCheck(lang.L("Show whole texts"), func(bool) { h.compare() })
	h.restore = newIconButton(lang.L("Restore this version …"), theme.HistoryIcon(), h.confirmRestore)
	h.restore.Disable()
	legend := widget.NewRichText(
		&widget.TextSegment{Text: lang.L("Marked: "), Style: widget.RichTextStyleInline},
		&widget.TextSegment{Text: "{+" + lang.L("inserted") + "+}", Style: insertStyle(true)},
		&widget.TextSegment{Text: "   ", Style: widget.RichTextStyleInline},
		&widget.TextSegment{Text: "[-" + lang.L("deleted") + "-]", Style: deleteStyle(false)},
	)
	compareBar := container.NewBorder(nil, nil, widget.NewLabel(lang.L("Compare")), h.whole,
		container.NewGridWithColumns(2, h.from, h.to))
	diffTab := container.NewBorder(container.NewVBox(compareBar, legend), nil, nil, nil, container.NewVScroll(h.diff))
	h.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Differences"), diffTab),
		container.NewTabItem(lang.L("Releases and reviews"), container.NewVScroll(h.trail)),
	)
	tabs := h.tabs
	split := container.NewHSplit(container.NewBorder(heading(lang.L("Revisions")), nil, nil, nil, h.list), tabs)
	split.Offset = 0.32
	h.state = widget.NewLabel("")
	h.state.Wrapping = fyne.TextWrapWord
	h.fillState()
	release, why := u.releaseButton(h.st, doc)
	actions := container.NewHBox(h.restore, release,
		newIconButton(lang.L("Record review …"), theme.DocumentCreateIcon(), func() { u.reviewDialog(doc) }), why)
	content := container.NewBorder(h.state, actions, nil, nil, split)
	h.dlg = dialog.NewCustom(lang.L("History: {{.Title}}", map[string]any{"Title": docTitle(h.st)}), lang.L("Close"), content, u.win)
	size := u.win.Canvas().Size()
	h.dlg.Resize(fyne.NewSize(max(size.Width*0.94, 640), max(size.Height*0.9, 480)))
	if n := len(h.revs); n > 0 {
		h.from.SetSelectedIndex(max(n-1, 0))
		h.to.SetSelectedIndex(len(h.choices) - 1)
		if h.st.Releases.InForce != nil && h.st.Draft {
			h.from.SetSelectedIndex(len(h.choices) - 2)
		}
	}
	h.dlg.Show()
	u.docHist = h
	h.dlg.SetOnClosed(func() { u.docHist = nil })
}

// load reads the document's revisions, state and the names they show.
func (h *docHistory) load() error {
	ctx := h.u.ctx
	var err error
	if h.st, err = h.u.ops.DocStateOf(ctx, h.doc); err != nil {
		return err
	}
	if h.revs, err = h.u.st.Revisions(ctx, h.doc); err != nil {
		return err
	}
	if h.names, err = h.u.ops.DeviceNames(ctx); err != nil {
		return err
	}
	if h.labels, err = h.u.st.Labels(ctx); err != nil {
		return err
	}
	h.marks = map[int]string{}
	for _, rel := range h.st.Releases.All {
		n := 0
		for _, r := range h.revs {
			if r.Hash == rel.Hash && (n == 0 || !r.At.After(rel.ReleasedAt)) {
				n = r.N
			}
		}
		if n > 0 {
			h.marks[n] = strings.Join(nonEmpty(h.marks[n], lang.L("Version {{.Version}}", map[string]any{"Version": rel.Version()})), ", ")
		}
	}
	h.choices = nil
	for n := 0; n <= len(h.revs); n++ {
		label := lang.L("Revision {{.N}}", map[string]any{"N": n})
		if n == 0 {
			label = lang.L("Revision 0 (before it existed)")
		} else if r := h.revs[n-1]; true {
			label += " · " + day(r.At)
			if m := h.marks[n]; m != "" {
				label += " · " + m
			}
		}
		n := n
		h.choices = append(h.choices, versionChoice{label: label, rev: n,
			load: func() (handbook.DocContent, error) { return h.u.st.DocumentAt(ctx, h.doc, n) }})
	}
	for _, rel := range h.st.Releases.All {
		rel := rel
		h.choices = append(h.choices, versionChoice{label: lang.L("Version {{.Version}} (released {{.Date}})",
			map[string]any{"Version": rel.Version(), "Date": day(rel.ReleasedAt)}),
			load: func() (handbook.DocContent, error) { return rel.Content, nil }})
	}
	h.choices = append(h.choices, versionChoice{label: lang.L("Current text"),
		load: func() (handbook.DocContent, error) { return h.u.st.Document(ctx, h.doc) }})
	h.fillTrail()
	return nil
}

func (h *docHistory) laptop(r store.Revision) string {
	name := h.names[r.Device]
	switch {
	case r.Local && name == "":
		return lang.L("this laptop")
	case name == "":
		return "…" + r.Device[max(0, len(r.Device)-8):]
	}
	return name
}

// changed lists what a revision changed, by field names.
func (h *docHistory) changed(r store.Revision) string {
	switch {
	case r.Created:
		return lang.L("(created)")
	case r.Deleted:
		return lang.L("(deleted)")
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range r.Changed {
		name := fieldLabel(f.Field)
		if h.doc.Kind == handbook.EntityMatrix {
			name = f.Label + ": " + name
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return strings.Join(out, ", ")
}

func (h *docHistory) fillState() {
	line, warn := stateText(h.st)
	h.state.Importance = widget.MediumImportance
	if warn {
		h.state.Importance = widget.WarningImportance
	}
	h.state.SetText(line + "\n" + reviewText(h.st))
}

// fillTrail lists the releases and reviews, newest first.
func (h *docHistory) fillTrail() {
	h.trail.RemoveAll()
	h.trail.Add(heading(lang.L("Releases")))
	if len(h.st.Releases.All) == 0 {
		h.trail.Add(widget.NewLabel(lang.L("Not released yet.")))
	}
	inForce := ""
	if h.st.Releases.InForce != nil {
		inForce = h.st.Releases.InForce.ID
	}
	for i := len(h.st.Releases.All) - 1; i >= 0; i-- {
		r := h.st.Releases.All[i]
		text := releaseText(r) + " (" + r.ApproverRole + ")"
		switch {
		case r.ID == inForce:
			text += " · " + lang.L("in force")
		case isConcurrent(h.st.Releases, r.ID):
			text += " · " + lang.L("released at the same time, not in force")
		}
		l := widget.NewLabel(text + "\n" + r.Note)
		l.Wrapping = fyne.TextWrapWord
		h.trail.Add(l)
	}
	h.trail.Add(heading(lang.L("Reviews")))
	if len(h.st.Reviews) == 0 {
		h.trail.Add(widget.NewLabel(lang.L("Never reviewed")))
	}
	for _, r := range h.st.Reviews {
		l := widget.NewLabel(fmt.Sprintf("%s · %s · %s\n%s", day(r.ReviewedAt), r.Reviewer, resultLabel(r.Result), r.Note))
		l.Wrapping = fyne.TextWrapWord
		h.trail.Add(l)
	}
}

func isConcurrent(st handbook.ReleaseState, id string) bool {
	for _, r := range st.Concurrent {
		if r.ID == id {
			return true
		}
	}
	return false
}

// compare shows what differs between the two chosen versions.
func (h *docHistory) compare() {
	if h.from == nil || h.to == nil || h.from.SelectedIndex() < 0 || h.to.SelectedIndex() < 0 {
		return
	}
	a, err := h.choices[h.from.SelectedIndex()].load()
	if err != nil {
		h.u.loadFailed(err)
		return
	}
	b, err := h.choices[h.to.SelectedIndex()].load()
	if err != nil {
		h.u.loadFailed(err)
		return
	}
	h.diff.RemoveAll()
	diffs := handbook.CompareContent(a, b)
	if len(diffs) == 0 {
		h.diff.Add(widget.NewLabel(lang.L("No differences.")))
		return
	}
	ctx := 2
	if h.whole.Checked {
		ctx = -1
	}
	for _, d := range diffs {
		if h.doc.Kind == handbook.EntityMatrix || d.Added || d.Removed {
			head := recordText(d.Entity, d.Label)
			switch {
			case d.Added:
				head += " " + lang.L("(added)")
			case d.Removed:
				head += " " + lang.L("(removed)")
			}
			h.diff.Add(heading(head))
		}
		for _, f := range d.Fields {
			h.diff.Add(widget.NewLabelWithStyle(fieldLabel(f.Field), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			h.diff.Add(diffText(f, ctx, h.labels))
		}
	}
}

// insertStyle and deleteStyle mark inserted and deleted words: colour,
// and the brackets the command line's diff writes ({+…+} and [-…-]), so
// they are told apart without colour too.
func insertStyle(inline bool) widget.RichTextStyle {
	return widget.RichTextStyle{Inline: inline, ColorName: theme.ColorNameSuccess, TextStyle: fyne.TextStyle{Bold: true}}
}

func deleteStyle(inline bool) widget.RichTextStyle {
	return widget.RichTextStyle{Inline: inline, ColorName: theme.ColorNameError, TextStyle: fyne.TextStyle{Italic: true}}
}

// diffText shows one field's change: a text word by word, other values
// as old and new.
func diffText(f handbook.FieldDiff, context int, labels map[string]string) fyne.CanvasObject {
	var segs []widget.RichTextSegment
	add := func(op textdiff.Op, text string, last bool) {
		inline := !last
		switch op {
		case textdiff.Insert:
			segs = append(segs, &widget.TextSegment{Text: "{+" + text + "+}", Style: insertStyle(inline)})
		case textdiff.Delete:
			segs = append(segs, &widget.TextSegment{Text: "[-" + text + "-]", Style: deleteStyle(inline)})
		default:
			st := widget.RichTextStyleInline
			st.Inline = inline
			segs = append(segs, &widget.TextSegment{Text: text, Style: st})
		}
	}
	if f.Words == nil {
		add(textdiff.Delete, i18n.ValueText(f.Old, labels, 0, translate), false)
		add(textdiff.Equal, " → ", false)
		add(textdiff.Insert, i18n.ValueText(f.New, labels, 0, translate), true)
	} else {
		for _, l := range textdiff.Lines(f.Words, context) {
			if l.Gap {
				segs = append(segs, &widget.TextSegment{Text: "…", Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder}})
				continue
			}
			if len(l.Parts) == 0 {
				add(textdiff.Equal, " ", true)
				continue
			}
			for i, p := range l.Parts {
				add(p.Op, p.Text, i == len(l.Parts)-1)
			}
		}
	}
	rt := widget.NewRichText(segs...)
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

// confirmRestore shows what restoring the chosen revision changes, then
// restores it as a new edit.
func (h *docHistory) confirmRestore() {
	n := h.picked
	if n == 0 || h.u.refuseReadOnly() {
		return
	}
	target, err := h.u.st.DocumentAt(h.u.ctx, h.doc, n)
	if err != nil {
		h.u.loadFailed(err)
		return
	}
	cur, err := h.u.st.Document(h.u.ctx, h.doc)
	if err != nil {
		h.u.loadFailed(err)
		return
	}
	box := container.NewVBox()
	for _, d := range handbook.CompareContent(cur, target) {
		for _, f := range d.Fields {
			box.Add(widget.NewLabelWithStyle(strings.Join(nonEmpty(d.Label, fieldLabel(f.Field)), ": "), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			box.Add(diffText(f, 1, h.labels))
		}
	}
	if len(box.Objects) == 0 {
		dialog.ShowInformation(lang.L("Restore"), lang.L("The document says this already."), h.u.win)
		return
	}
	intro := widget.NewLabel(lang.L("The document is set back to what revision {{.N}} said, as a new revision of this laptop. It is a draft until it is released. These changes follow:", map[string]any{"N": n}))
	intro.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(box)
	scroll.SetMinSize(fyne.NewSize(600, 320))
	d := dialog.NewCustomConfirm(lang.L("Restore revision {{.N}}?", map[string]any{"N": n}), lang.L("Restore"), lang.L("Cancel"),
		container.NewBorder(intro, nil, nil, nil, scroll), func(ok bool) {
			if !ok {
				return
			}
			h.u.run(lang.L("Restoring"), func(ctx context.Context, _ ops.Progress) error {
				_, err := h.u.ops.RestoreRevision(ctx, h.doc, n)
				return err
			}, func(err error) {
				if err != nil {
					h.u.opFailed(lang.L("The restore failed."), lang.L("Nothing was changed. Try again; if it fails again, restart Ernstfall."), err)
					return
				}
				h.refresh()
			})
		}, h.u.win)
	d.Show()
}

// refresh reads the history again after a change made from it.
func (h *docHistory) refresh() {
	from := h.from.SelectedIndex()
	if err := h.load(); err != nil {
		h.u.loadFailed(err)
		return
	}
	labels := make([]string, len(h.choices))
	for i, c := range h.choices {
		labels[i] = c.label
	}
	h.from.Options, h.to.Options = labels, labels
	h.list.Refresh()
	h.fillState()
	if from >= 0 && from < len(labels) {
		h.from.SetSelectedIndex(from)
	}
	h.to.SetSelectedIndex(len(labels) - 1)
}

// releaseDialog asks for the version and the note and releases the
// document in the name of the person at this computer.
func (u *ui) releaseDialog(doc handbook.DocRef) {
	if u.refuseReadOnly() {
		return
	}
	st, err := u.ops.DocStateOf(u.ctx, doc)
	if err != nil {
		u.loadFailed(err)
		return
	}
	if st.Released() && len(st.Releases.Concurrent) == 0 {
		dialog.ShowInformation(lang.L("Nothing to release"), lang.L("{{.Release}} is in force, and the document is unchanged since.",
			map[string]any{"Release": releaseText(*st.Releases.InForce)}), u.win)
		return
	}
	hb, err := u.st.Load(u.ctx)
	if err != nil {
		u.loadFailed(err)
		return
	}
	live := hb.Live()
	who := u.author()
	approver, isApprover := handbook.FindApprover(&live, who)
	minorMajor, minorMinor := st.Releases.Next(false)
	majorMajor, majorMinor := st.Releases.Next(true)
	first := st.Releases.InForce == nil
	kinds := []string{
		lang.L("{{.Version}} – minor version (small corrections, new numbers)", map[string]any{"Version": handbook.VersionText(minorMajor, minorMinor)}),
		lang.L("{{.Version}} – major version (new procedure, new responsibilities)", map[string]any{"Version": handbook.VersionText(majorMajor, majorMinor)}),
	}
	version := widget.NewRadioGroup(kinds, nil)
	version.SetSelected(kinds[0])
	if first {
		version = widget.NewRadioGroup([]string{lang.L("1.0 – first release")}, nil)
		version.SetSelected(version.Options[0])
	}
	current := lang.L("Not released yet.")
	if st.Releases.InForce != nil {
		current = releaseText(*st.Releases.InForce)
	}
	changes := widget.NewLabel(lang.L("No changes since."))
	switch {
	case st.Withdrawn:
		changes.SetText(lang.L("Deleted: this release withdraws it; the binder stops printing it and the printed copies holding it become outdated."))
		changes.Importance = widget.WarningImportance
	case st.Draft && st.Releases.InForce != nil:
		changes.SetText(lang.L("Changed since {{.Date}}: the history shows what.", map[string]any{"Date": day(st.DraftSince)}))
		changes.Importance = widget.WarningImportance
	}
	changes.Wrapping = fyne.TextWrapWord
	by := widget.NewLabel(who)
	if isApprover {
		by.SetText(lang.L("{{.Name}} ({{.Role}})", map[string]any{"Name": approver.Contact.FullName(), "Role": approver.Role.Name}))
	}
	problem := widget.NewLabel("")
	problem.Wrapping = fyne.TextWrapWord
	problem.Importance = widget.DangerImportance
	// A release is signed with the approver's own key on this laptop.
	var keyErr error
	if isApprover {
		keyErr = u.ops.HasApproverKey(u.ctx, who)
	}
	pass := widget.NewPasswordEntry()
	pass.SetPlaceHolder(lang.L("Passphrase of your approver key"))
	note := widget.NewMultiLineEntry()
	note.SetPlaceHolder(lang.L("What changes, and why (printed in the binder's change log)"))
	note.SetMinRowsVisible(3)
	note.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Document"), widget.NewLabel(docTitle(st))),
		widget.NewFormItem(lang.L("In force"), widget.NewLabel(current)),
		widget.NewFormItem(lang.L("Changes"), changes),
		widget.NewFormItem(lang.L("New version"), version),
		widget.NewFormItem(lang.L("Released by"), by),
		widget.NewFormItem(lang.L("Note"), note),
		widget.NewFormItem(lang.L("Passphrase"), pass),
	}
	switch oe, _ := ops.AsError(keyErr); {
	case !isApprover:
		err := ops.ReleaseRefusal(&live, who)
		problem.SetText(err.Text(translate) + "\n" + lang.L("Your name is set in the settings."))
		items = append(items, widget.NewFormItem("", problem))
	case keyErr != nil && oe != nil:
		problem.SetText(oe.Text(translate))
		items = append(items, widget.NewFormItem("", problem))
	case keyErr != nil:
		problem.SetText(keyErr.Error())
		items = append(items, widget.NewFormItem("", problem))
	}
	canSign := isApprover && keyErr == nil
	// The validator is set before the form is made: the form checks it
	// at once, so Release is disabled until a note is given, and always
	// for a person without an approver role.
	// Both entries check both: a form enables Release on the state of
	// the entry last changed.
	check := func(noteText, passText string) error {
		switch {
		case !isApprover:
			return fmt.Errorf("%s", lang.L("Only a holder of an approver role releases documents."))
		case !canSign:
			return fmt.Errorf("%s", lang.L("A release needs your approver key on this laptop."))
		case strings.TrimSpace(noteText) == "":
			return fmt.Errorf("%s", lang.L("Say what the release changes."))
		case passText == "":
			return fmt.Errorf("%s", lang.L("Enter the passphrase of the approver key."))
		}
		return nil
	}
	note.Validator = func(s string) error { return check(s, pass.Text) }
	pass.Validator = func(s string) error { return check(note.Text, s) }
	note.OnChanged = func(string) { _ = pass.Validate() }
	pass.OnChanged = func(string) { _ = note.Validate() }
	d := dialog.NewForm(lang.L("Release: {{.Title}}", map[string]any{"Title": docTitle(st)}), lang.L("Release"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		req := ops.ReleaseDoc{Doc: doc, As: who, Major: !first && version.Selected == kinds[1], Note: note.Text, Passphrase: pass.Text}
		var rel handbook.Release
		u.run(lang.L("Releasing"), func(ctx context.Context, _ ops.Progress) error {
			var err error
			rel, err = u.ops.Release(ctx, req)
			return err
		}, func(err error) {
			if err != nil {
				u.opFailed(lang.L("The document was not released."), lang.L("Nothing was changed."), err)
				return
			}
			u.released(rel)
		})
	}, u.win)
	if !canSign {
		version.Disable()
		pass.Disable()
	}
	d.Resize(fyne.NewSize(680, 600))
	d.Show()
}

// released says what a release did: the version, and the printed copies
// it made outdated.
func (u *ui) released(r handbook.Release) {
	msg := lang.L("{{.Title}}: {{.Release}}. The binder prints this version from now on.",
		map[string]any{"Title": r.Title, "Release": releaseText(r)})
	if r.DocKind == handbook.EntityMatrix {
		msg = lang.L("{{.Title}}: {{.Release}}. The binder prints this version from now on.",
			map[string]any{"Title": lang.L(handbook.MatrixTitle), "Release": releaseText(r)})
	}
	if hb, err := u.st.Load(u.ctx); err == nil {
		live := hb.Live()
		n := 0
		for _, s := range handbook.CopyStatuses(&live, handbook.InForce(&live)) {
			if s.Outdated {
				n++
			}
		}
		if n > 0 {
			msg += "\n\n" + lang.L("{{.N}} printed copies are outdated now. Print them anew under Document control → Distribution list, and confirm each exchange.", map[string]any{"N": n})
		}
	}
	dialog.ShowInformation(lang.L("Released"), msg, u.win)
	if u.docHist != nil {
		u.docHist.refresh()
	}
}

// reviewDialog records a review of a document.
func (u *ui) reviewDialog(doc handbook.DocRef) {
	if u.refuseReadOnly() {
		return
	}
	st, err := u.ops.DocStateOf(u.ctx, doc)
	if err != nil {
		u.loadFailed(err)
		return
	}
	reviewer := widget.NewEntry()
	reviewer.SetText(u.author())
	date := widget.NewEntry()
	date.SetPlaceHolder(datePlaceHolder())
	date.SetText(u.now().Format(lang.L("2006-01-02")))
	results := []string{resultLabel(handbook.ReviewUnchanged), resultLabel(handbook.ReviewChanged), resultLabel(handbook.ReviewReplaced)}
	result := widget.NewRadioGroup(results, nil)
	result.Horizontal = true
	result.SetSelected(results[0])
	note := widget.NewMultiLineEntry()
	note.SetPlaceHolder(lang.L("What was checked, what was found"))
	note.SetMinRowsVisible(3)
	note.Wrapping = fyne.TextWrapWord
	date.Validator = func(s string) error {
		if _, err := parseDate(s); err != nil {
			return fmt.Errorf("%s", lang.L("Enter a date as DD.MM.YYYY."))
		}
		return nil
	}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Document"), widget.NewLabel(docTitle(st))),
		widget.NewFormItem(lang.L("Last review"), widget.NewLabel(reviewText(st))),
		widget.NewFormItem(lang.L("Reviewed by"), reviewer),
		widget.NewFormItem(lang.L("Date"), date),
		widget.NewFormItem(lang.L("Result"), result),
		widget.NewFormItem(lang.L("Note"), note),
	}
	d := dialog.NewForm(lang.L("Record review: {{.Title}}", map[string]any{"Title": docTitle(st)}), lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		at, _ := parseDate(date.Text)
		if y, m, dd := at.Date(); y == u.now().Year() && m == u.now().Month() && dd == u.now().Day() {
			at = u.now()
		}
		req := ops.RecordReview{Doc: doc, Reviewer: reviewer.Text, At: at, Note: note.Text,
			Result: handbook.ReviewResults[max(0, slices.Index(results, result.Selected))]}
		if _, err := u.ops.RecordReview(u.ctx, req); err != nil {
			u.opFailed(lang.L("The review was not recorded."), lang.L("Nothing was changed."), err)
			return
		}
		if u.docHist != nil {
			u.docHist.refresh()
		}
	}, u.win)
	d.Resize(fyne.NewSize(620, 440))
	d.Show()
}

// withdrawal says what deleting a released document does to the binder
// and the printed copies; "" for a record that is no released document.
func (u *ui) withdrawal(e handbook.Entity, id string) string {
	doc, ok := handbook.DocOf(e, id)
	if !ok || doc.Kind == handbook.EntityMatrix {
		return ""
	}
	st, err := u.ops.DocStateOf(u.ctx, doc)
	if err != nil || st.Releases.InForce == nil || st.Releases.InForce.Withdrawal {
		return ""
	}
	return lang.L("Version {{.Version}} was released: the binder keeps printing it, marked as deleted, until an approver releases its withdrawal (Document control).",
		map[string]any{"Version": st.Releases.InForce.Version()})
}
