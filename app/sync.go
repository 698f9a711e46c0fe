package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/foldersync"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// syncEvery is the pause between two automatic sync rounds.
const syncEvery = 5 * time.Minute

// syncer is the state of synchronisation shown in the toolbar. Its fields
// are touched on the UI thread only; rounds run in goroutines and report
// back through fyne.Do.
type syncer struct {
	running bool
	// done says a round has finished since the start; last and lastErr are its outcome.
	done    bool
	last    foldersync.Report
	lastErr error
	// status and conflicts sit in the toolbar; nil before it is built.
	status    *button
	conflicts *button
	// requests opens the team when laptops ask to join.
	requests *button
	// stale is the form that was open while a round received changes.
	stale *form
	// wg counts running rounds, so that tests can wait for them.
	wg sync.WaitGroup
	// asked: the held mass deletions asked about, by laptop (their size),
	// so that a held round does not ask again every five minutes.
	asked map[string]int
}

// syncBar is the toolbar part: status, conflicts and "Sync now".
func (u *ui) syncBar() fyne.CanvasObject {
	s := &u.syncer
	s.status = newButton("", u.showSyncDetails)
	s.status.Importance = widget.LowImportance
	s.conflicts = newIconButton("", theme.WarningIcon(), func() { u.showScreen("conflicts") })
	s.conflicts.Importance = widget.WarningImportance
	s.requests = newIconButton("", theme.AccountIcon(), u.showTeam)
	s.requests.Importance = widget.HighImportance
	now := newIconButton(lang.L("Sync now"), theme.ViewRefreshIcon(), func() { u.syncNow(true) })
	u.updateSyncStatus()
	return container.NewHBox(s.status, s.requests, s.conflicts, now)
}

// autoSync runs a round now and every syncEvery while ctx lives, when a
// folder is set and automatic sync is on.
func (u *ui) autoSync(ctx context.Context) {
	if u.st.ReadOnly() {
		return // a read-only handbook takes in no changes
	}
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		t := time.NewTicker(syncEvery)
		defer t.Stop()
		for {
			u.later(func() { u.syncNow(false) })
			select {
			case <-ctx.Done():
				return
			case <-u.closing:
				return
			case <-t.C:
			}
		}
	}()
}

// syncNow starts a round in the background. A manual round explains
// problems in a dialog; an automatic one only in the toolbar, and only
// runs with automatic sync on and the main window shown.
func (u *ui) syncNow(manual bool) {
	cfg, err := u.ops.SyncSetup(u.ctx)
	if err != nil {
		if manual {
			u.loadFailed(err)
		}
		return
	}
	if !manual && (!cfg.Auto || u.body == nil) {
		return
	}
	if cfg.Folder == "" {
		if manual {
			u.askSyncSetup()
		}
		return
	}
	if u.syncer.running {
		return
	}
	u.round(cfg, manual, func(rep foldersync.Report, err error) { u.syncFinished(rep, err, manual) })
}

// round runs one sync round off the UI thread and hands the outcome to
// done on the UI thread. A round a person started shows its progress
// dialog when it takes long, and can be cancelled (done is then not
// called); an automatic one shows only in the toolbar.
func (u *ui) round(cfg ops.SyncSetup, manual bool, done func(foldersync.Report, error)) {
	u.roundWith(cfg, manual, nil, done)
}

// roundWith is round with decisions about held mass deletions.
func (u *ui) roundWith(cfg ops.SyncSetup, manual bool, decide map[string]foldersync.DeletionChoice, done func(foldersync.Report, error)) {
	u.syncer.running = true
	u.updateSyncStatus()
	var rep foldersync.Report
	author := u.author()
	work := func(ctx context.Context, p ops.Progress) error {
		res, err := u.ops.Sync(ctx, ops.Sync{Folder: cfg.Folder, DeviceName: cfg.Device, Author: author, Deletions: decide}, p)
		rep = res.Report
		return err
	}
	finish := func(err error) {
		u.syncer.running = false
		if cancelled(err) {
			u.updateSyncStatus()
			return
		}
		u.syncer.done, u.syncer.last, u.syncer.lastErr = true, rep, err
		done(rep, err)
		u.updateSyncStatus()
	}
	if manual {
		u.run(lang.L("Synchronising"), work, finish)
		return
	}
	u.syncer.wg.Add(1)
	go func() {
		defer u.syncer.wg.Done()
		err := work(u.ctx, nil)
		u.do(func() { finish(err) })
	}()
}

func (u *ui) syncFinished(rep foldersync.Report, err error, manual bool) {
	switch {
	case err != nil && manual:
		what, todo := syncProblem(err)
		u.showError(what, todo, err)
	case rep.Pending && manual:
		cfg, cerr := u.ops.SyncSetup(u.ctx)
		if cerr == nil {
			u.showWaiting(rep, cfg, func() {})
		}
	case rep.Copied != "":
		u.showCopied(rep)
	case len(rep.Held) > 0:
		u.askHeld(rep.Held)
	case manual && newSkips(rep) > 0:
		u.showSyncDetails()
	}
	if (rep.Received > 0 || rep.Snapshot != "") && u.editor != nil {
		// The screens follow the store's notices; an open form is left
		// alone, and its owner is told when saving.
		u.syncer.stale = u.editor
	}
}

// savedAfterSync tells, once a form is saved, that changes from other
// laptops arrived while it was open.
func (u *ui) savedAfterSync(f *form) {
	if u.syncer.stale != f {
		return
	}
	u.syncer.stale = nil
	msg := widget.NewLabel(lang.L("While you were editing, changes from other laptops arrived. Your input is saved, and their changes to other fields are kept. If someone changed the same field, your input applies and the other value waits under Conflicts."))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.L("Changes from other laptops"), lang.L("OK"), msg, u.win)
	d.Resize(fyne.NewSize(480, 200))
	d.Show()
}

// updateSyncStatus writes the toolbar status from the last round.
func (u *ui) updateSyncStatus() {
	s := &u.syncer
	if s.status == nil {
		return
	}
	cfg, err := u.ops.SyncSetup(u.ctx)
	text := ""
	switch {
	case err != nil:
	case s.running:
		text = lang.L("Synchronising …")
	case s.done && s.lastErr != nil:
		text = syncShort(s.lastErr)
	case s.done && s.last.Pending:
		text = lang.L("Waiting for admission")
	case s.done:
		text = lang.L("Synchronised {{.Time}}", map[string]any{"Time": s.last.At.Local().Format("15:04")})
		if n := len(s.last.Held); n > 0 {
			text += " · " + lang.L("deletions held")
		} else if n := len(s.last.Gaps); n > 0 {
			text += " · " + lang.L("batches missing")
		} else if n := s.last.Unknown; n > 0 {
			text += " · " + lang.L("{{.N}} files from an unknown laptop ignored", map[string]any{"N": n})
		} else if n := len(s.last.Skipped); n > 0 {
			text += " · " + lang.L("{{.N}} files skipped", map[string]any{"N": n})
		}
	case cfg.Folder != "":
		// No round in this window yet: a round of the command line (or
		// of an earlier start) on this database still counts.
		text = lang.L("Not synchronised yet")
		if last := u.lastSync(); !last.IsZero() {
			text = lang.L("Last synchronised {{.Date}} {{.Time}}", map[string]any{"Date": day(last), "Time": last.Local().Format("15:04")})
		}
	}
	s.status.SetText(text)
	s.status.Hidden = text == ""
	s.status.Refresh()
	if n := len(s.last.Requests) + s.last.MoreRequests; s.done && n > 0 {
		s.requests.SetText(requestsText(n))
		s.requests.Show()
	} else {
		s.requests.Hide()
	}
	n, err := u.st.ConflictCount(u.ctx)
	if err != nil || n == 0 {
		s.conflicts.Hide()
		return
	}
	s.conflicts.SetText(conflictCountText(n))
	s.conflicts.Show()
}

func conflictCountText(n int) string {
	if n == 1 {
		return lang.L("1 conflict")
	}
	return lang.L("{{.N}} conflicts", map[string]any{"N": n})
}

// syncShort is the toolbar's word for a failed round.
func syncShort(err error) string {
	switch {
	case errors.Is(err, foldersync.ErrUnreachable):
		return lang.L("Folder not reachable")
	case errors.Is(err, foldersync.ErrOtherHandbook):
		return lang.L("Folder holds another handbook")
	case errors.Is(err, foldersync.ErrFormat), errors.Is(err, foldersync.ErrUnsafe), errors.Is(err, foldersync.ErrOtherTeam):
		return lang.L("Folder unusable")
	case errors.Is(err, foldersync.ErrRemoved):
		return lang.L("Removed from the team")
	case errors.Is(err, syscall.ENOSPC):
		return lang.L("Folder full")
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return lang.L("Folder read-only")
	case errors.Is(err, foldersync.ErrNotWritten):
		return lang.L("Changes not sent")
	}
	return lang.L("Synchronisation failed")
}

// syncProblem says in plain words what went wrong with a round and what to
// do, and names the file of the shared folder the round stopped at.
func syncProblem(err error) (what, todo string) {
	what, todo = syncProblemText(err)
	if f := problemFile(err); f != "" {
		what += " " + lang.L("File: {{.File}}", map[string]any{"File": f})
	}
	return what, todo
}

// problemFileRe finds a path below the protocol folder in an error's text.
var problemFileRe = regexp.MustCompile(`(?:^|[\s:(])(ernstfall/[^\s:;,()"]+)`)

// problemFile is the file or folder of the shared folder that err names.
func problemFile(err error) string {
	if err == nil {
		return ""
	}
	m := problemFileRe.FindStringSubmatch(err.Error())
	if m == nil {
		return ""
	}
	return strings.TrimRight(m[1], ".")
}

func syncProblemText(err error) (what, todo string) {
	queued := lang.L("Your changes stay on this laptop and are sent with the next synchronisation.")
	switch {
	case errors.Is(err, foldersync.ErrUnreachable):
		return lang.L("The shared folder cannot be reached."),
			lang.L("Check that the network drive is connected or the USB stick is plugged in.") + " " + queued
	case errors.Is(err, foldersync.ErrOtherHandbook):
		return lang.L("The shared folder holds a different handbook."),
			lang.L("Choose the folder of this handbook in Settings. Ernstfall never mixes two handbooks.")
	case errors.Is(err, foldersync.ErrFormatMissing):
		return lang.L("The shared folder's FORMAT file (ernstfall/FORMAT) is missing or damaged, and this laptop cannot put it back."),
			lang.L("Synchronise again in a moment: the file-sync tool may still be bringing it. If it stays so, let the laptop that set up the folder synchronise: it writes the file again.") + " " + queued
	case errors.Is(err, foldersync.ErrFormat):
		return lang.L("The shared folder was written by a newer Ernstfall, or its FORMAT file is damaged."),
			lang.L("Update Ernstfall on this laptop, or ask whoever set up the folder.")
	case errors.Is(err, foldersync.ErrOtherTeam):
		return lang.L("The shared folder was set up anew by another laptop, or its FORMAT file was replaced. Ernstfall read and wrote nothing."),
			lang.L("Ask your team whether the folder was set up anew. If it was, join it with a new, empty handbook; if not, someone tampered with the folder.")
	case errors.Is(err, foldersync.ErrRemoved):
		return lang.L("A member removed this laptop from the team. Nothing is exchanged with the shared folder any more."),
			lang.L("If that was a mistake: this laptop now asks to join anew, with a new fingerprint (see the details). Read it to a member of the team; your edits not sent yet wait on this laptop until it is admitted.")
	case errors.Is(err, foldersync.ErrNotMember):
		return lang.L("This laptop is not a member of the team yet."),
			lang.L("Ask a member of the team to admit it.")
	case errors.Is(err, foldersync.ErrUnsafe):
		return lang.L("A folder or file of the shared folder is a link to somewhere else, or not a plain folder or file; Ernstfall does not use it."),
			lang.L("Replace it with a real folder or file (named above), or ask whoever looks after the share.") + " " + queued
	case errors.Is(err, syscall.ENOSPC):
		return lang.L("The shared folder is full."), lang.L("Free some space on the drive.") + " " + queued
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return lang.L("Ernstfall may not write to the shared folder (read-only)."),
			lang.L("Ask for write access to the folder.") + " " + queued
	case errors.Is(err, foldersync.ErrNotWritten):
		return lang.L("Your changes could not be written to the shared folder."), queued
	}
	return lang.L("The synchronisation failed."), lang.L("Try again. If this happens again, restart Ernstfall.")
}

// showSyncDetails shows what the last round did, with the skipped files.
func (u *ui) showSyncDetails() {
	s := &u.syncer
	box := container.NewVBox()
	if !s.done {
		box.Add(widget.NewLabel(lang.L("No synchronisation has run since Ernstfall started.")))
	} else {
		r := s.last
		box.Add(props(
			[2]string{lang.L("Time"), stamp(r.At)},
			[2]string{lang.L("Fingerprint of this laptop"), r.Fingerprint},
			[2]string{lang.L("Sent"), lang.L("{{.N}} changes", map[string]any{"N": r.Sent})},
			[2]string{lang.L("Received"), lang.L("{{.N}} changes", map[string]any{"N": r.Received})},
			[2]string{lang.L("Changes by"), strings.Join(r.Authors, ", ")},
			[2]string{lang.L("Open conflicts"), fmt.Sprint(r.Conflicts)},
		))
		if s.lastErr != nil {
			what, todo := syncProblem(s.lastErr)
			l := widget.NewLabel(what + " " + todo)
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.DangerImportance
			box.Add(l)
		}
		if len(r.ClockAhead) > 0 {
			names, _ := u.ops.DeviceNames(u.ctx)
			devices := make([]string, 0, len(r.ClockAhead))
			for d := range r.ClockAhead {
				devices = append(devices, d)
			}
			sort.Strings(devices)
			for _, d := range devices {
				name := names[d]
				if name == "" {
					name = d
				}
				l := widget.NewLabel("⚠ " + lang.L("warning: the clock of {{.Device}} runs {{.Ahead}} ahead; its entries carry wrong times until its clock is set right",
					map[string]any{"Device": name, "Ahead": handbook.Minutes(r.ClockAhead[d] / time.Minute).String()}))
				l.Wrapping = fyne.TextWrapWord
				l.Importance = widget.WarningImportance
				box.Add(l)
			}
		}
		for _, g := range r.Gaps {
			box.Add(u.gapRow(g))
		}
		if len(r.Skipped) > 0 {
			box.Add(heading(lang.L("Skipped files")))
			// A folder anyone can write may hold thousands of stray
			// files: the window lists the first ones, not a label each.
			for _, sk := range r.Skipped[:min(len(r.Skipped), maxSkipsShown)] {
				l := widget.NewLabel(sk.File + ": " + skipReason(sk.Reason))
				l.Wrapping = fyne.TextWrapWord
				box.Add(l)
			}
			if more := len(r.Skipped) - maxSkipsShown; more > 0 {
				box.Add(widget.NewLabel(lang.L("… and {{.N}} more files; 'ernstfall sync' lists them all", map[string]any{"N": more})))
			}
		}
	}
	d := dialog.NewCustom(lang.L("Synchronisation"), lang.L("OK"), container.NewVScroll(box), u.win)
	d.Resize(fyne.NewSize(600, 380))
	d.Show()
}

// askSyncSetup offers to set up a shared folder.
func (u *ui) askSyncSetup() {
	dialog.NewConfirm(lang.L("Synchronisation"),
		lang.L("No shared folder is set up. Set one up in Settings?"),
		func(ok bool) {
			if ok {
				u.showScreen("settings")
			}
		}, u.win).Show()
}

// syncSettings is the sync part of Einstellungen.
func (u *ui) syncSettings(page *scrollPage) fyne.CanvasObject {
	cfg, err := u.ops.SyncSetup(u.ctx)
	if err != nil {
		u.loadFailed(err)
	}
	folder := page.field()
	folder.SetPlaceHolder(lang.L("e.g. /mnt/share/emergency or Z:\\Notfall"))
	folder.SetText(cfg.Folder)
	device := page.field()
	device.SetText(cfg.Device)
	auto := widget.NewCheck(lang.L("Synchronise automatically"), nil)
	auto.SetChecked(cfg.Auto)
	saved := widget.NewLabel("")
	pick := newIconButton(lang.L("Choose …"), theme.FolderOpenIcon(), func() {
		u.pickFolder(func(p string) { folder.SetText(p) })
	})
	apply := newIconButton(lang.L("Save and synchronise"), theme.DocumentSaveIcon(), func() {
		c := ops.SyncSetup{Folder: strings.TrimSpace(folder.Text), Device: strings.TrimSpace(device.Text), Auto: auto.Checked}
		if err := u.ops.SaveSyncSetup(u.ctx, c); err != nil {
			u.saveFailed(err)
			return
		}
		saved.SetText("✓ " + lang.L("Saved."))
		u.updateSyncStatus()
		if c.Folder != "" {
			u.syncNow(true)
		}
	})
	intro := widget.NewLabel(lang.L("Several laptops keep the same handbook through a shared folder: a network drive, a Nextcloud or OneDrive folder, a USB stick. Each laptop writes its changes there and reads the others'."))
	intro.Wrapping = fyne.TextWrapWord
	return container.NewVBox(intro,
		widget.NewLabelWithStyle(lang.L("Shared folder"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, pick, folder),
		widget.NewLabelWithStyle(lang.L("Name of this laptop, as the others see it"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		device, auto, container.NewHBox(apply, saved),
		container.NewHBox(newIconButton(lang.L("Laptops of the team …"), theme.AccountIcon(), u.showTeam)),
		widget.NewSeparator(), folderSettings(u, page))
}

// folderSettings edits the team's settings of the shared folder: after
// how many days without a sync a laptop is inactive, and after how many
// batch files a member compacts. They are handbook settings, so every
// laptop of the team receives them with the next sync.
func folderSettings(u *ui, page *scrollPage) fyne.CanvasObject {
	st, err := u.st.Settings(u.ctx)
	if err != nil {
		u.loadFailed(err)
	}
	days, files := st.SyncInactiveDays, st.SyncCompactAfter
	if days == 0 {
		days = handbook.DefaultSyncInactiveDays
	}
	if files == 0 {
		files = handbook.DefaultSyncCompactAfter
	}
	f := newForm(u)
	f.page = page
	saved := widget.NewLabel("")
	f.number("sync_inactive_days", lang.L("A laptop is inactive after this many days without a sync"), &days)
	f.number("sync_compact_after", lang.L("Compact once every active laptop has applied this many batch files"), &files)
	for _, fl := range f.fields {
		if e, ok := fl.input.(*formEntry); ok {
			prev := e.OnChanged
			e.OnChanged = func(s string) {
				prev(s)
				u.editor = f
				saved.SetText("")
			}
		}
	}
	// Only these two fields are written, onto the settings as stored now.
	f.put = func() error {
		cur, err := u.st.Settings(u.ctx)
		if err != nil {
			return err
		}
		cur.SyncInactiveDays, cur.SyncCompactAfter = days, files
		return u.ops.SaveSettings(u.ctx, cur)
	}
	f.saved = func() { saved.SetText("✓ " + lang.L("Saved.")) }
	f.cancel = func() { u.show(u.current) }
	intro := widget.NewLabel(lang.L("So that the shared folder stays small, a laptop folds the changes every active laptop has applied into one checkpoint and removes them. A laptop that has not synced for the days given is shown as inactive and no longer holds this back; when it comes back it starts from the checkpoint, and nothing it wrote is lost. Members can remove it under Laptops of the team. These settings apply to the whole team."))
	intro.Wrapping = fyne.TextWrapWord
	saveBtn := newIconButton(lang.L("Save these settings"), theme.DocumentSaveIcon(), func() { f.save() })
	return container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Keeping the shared folder small"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		intro, f.general, f.box, container.NewHBox(saveBtn, saved))
}

// maxSkipsShown is how many skipped files the sync details list.
const maxSkipsShown = 50

// newSkips counts the files a round passed over that the round before
// did not: only those are news.
func newSkips(rep foldersync.Report) int {
	n := 0
	for _, s := range rep.Skipped {
		if s.New {
			n++
		}
	}
	return n
}

// pickFolder opens the folder dialog and hands over the chosen path.
func (u *ui) pickFolder(chosen func(string)) {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		chosen(l.Path())
	}, u.win)
	d.SetTitleText(lang.L("Choose folder"))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// lastSync is when this laptop last synchronised; zero when never.
func (u *ui) lastSync() time.Time {
	t, err := u.ops.LastSync(u.ctx)
	if err != nil {
		return time.Time{}
	}
	return t
}

// syncCard is the dashboard's card on synchronisation.
func syncCard(u *ui) fyne.CanvasObject {
	cfg, err := u.ops.SyncSetup(u.ctx)
	if err != nil || cfg.Folder == "" {
		setup := newButton(lang.L("Set up"), func() { u.showScreen("settings") })
		return titled(lang.L("Synchronisation"), container.NewVBox(
			widget.NewLabel(lang.L("Not configured. This handbook lives on this computer only.")), container.NewHBox(setup)))
	}
	box := container.NewVBox()
	folder := widget.NewLabel(lang.L("Folder: {{.Folder}}", map[string]any{"Folder": cfg.Folder}))
	folder.Truncation = fyne.TextTruncateEllipsis
	box.Add(folder)
	if last := u.lastSync(); last.IsZero() {
		box.Add(widget.NewLabel(lang.L("Not synchronised yet")))
	} else {
		box.Add(widget.NewLabel(lang.L("Last synchronised {{.Date}} {{.Time}}", map[string]any{"Date": day(last), "Time": last.Local().Format("15:04")})))
	}
	n, err := u.st.ConflictCount(u.ctx)
	switch {
	case err != nil:
	case n == 0:
		box.Add(widget.NewLabel("✓ " + lang.L("No open conflicts.")))
	default:
		l := widget.NewHyperlink("⚠ "+conflictCountText(n), nil)
		l.OnTapped = func() { u.showScreen("conflicts") }
		box.Add(l)
	}
	box.Add(container.NewHBox(newIconButton(lang.L("Sync now"), theme.ViewRefreshIcon(), func() { u.syncNow(true) })))
	return titled(lang.L("Synchronisation"), box)
}

// selection is the record on display, if the screen tells.
func (u *ui) selection() (handbook.Entity, string) {
	if u.view.selected == nil {
		return "", ""
	}
	return u.view.selected()
}

// joinButton offers, on the welcome screen, to take the handbook from a
// shared folder that other laptops already use.
func (u *ui) joinButton() *button {
	return newIconButton(lang.L("Join a shared folder"), theme.FolderOpenIcon(), u.askJoin)
}

func (u *ui) askJoin() {
	cfg, err := u.ops.SyncSetup(u.ctx)
	if err != nil {
		u.loadFailed(err)
		return
	}
	folder := widget.NewEntry()
	folder.SetPlaceHolder(lang.L("e.g. /mnt/share/emergency or Z:\\Notfall"))
	folder.SetText(cfg.Folder)
	device := widget.NewEntry()
	device.SetText(cfg.Device)
	pick := newIconButton(lang.L("Choose …"), theme.FolderOpenIcon(), func() {
		u.pickFolder(func(p string) { folder.SetText(p) })
	})
	intro := widget.NewLabel(lang.L("Ernstfall reads the handbook the other laptops keep in the shared folder, and from then on synchronises with them."))
	intro.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(intro,
		widget.NewLabelWithStyle(lang.L("Shared folder"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, pick, folder),
		widget.NewLabelWithStyle(lang.L("Name of this laptop, as the others see it"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		device)
	d := dialog.NewCustomConfirm(lang.L("Join a shared folder"), lang.L("Join"), lang.L("Cancel"), content, func(ok bool) {
		if ok {
			u.join(ops.SyncSetup{Folder: strings.TrimSpace(folder.Text), Device: strings.TrimSpace(device.Text), Auto: true})
		}
	}, u.win)
	d.Resize(fyne.NewSize(600, 320))
	d.Show()
}

// join saves the setup and runs the first round on the empty database,
// which takes over the folder's handbook.
func (u *ui) join(cfg ops.SyncSetup) {
	if cfg.Folder == "" {
		u.showError(lang.L("No shared folder was chosen."), lang.L("Choose the folder the other laptops synchronise with."), errors.New("empty folder"))
		return
	}
	if err := u.ops.SaveSyncSetup(u.ctx, cfg); err != nil {
		u.saveFailed(err)
		return
	}
	u.round(cfg, true, func(rep foldersync.Report, err error) {
		if err != nil && !errors.Is(err, foldersync.ErrNotWritten) {
			what, todo := syncProblem(err)
			u.showError(what, todo, err)
			return
		}
		if rep.Pending {
			u.showWaiting(rep, cfg, u.welcomed)
			return
		}
		u.welcomed()
	})
}
