package app

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/foldersync"
	"ernstfall/internal/ops"
)

// requestsText is the toolbar's word for laptops asking to join.
func requestsText(n int) string {
	if n == 1 {
		return lang.L("1 laptop asks to join")
	}
	return lang.L("{{.N}} laptops ask to join", map[string]any{"N": n})
}

// showTeam lists the laptops of the team and the join requests, with
// admit and refuse for requests and remove for members. The folder is
// read off the UI thread.
func (u *ui) showTeam() {
	cfg, err := u.ops.SyncSetup(u.ctx)
	if err != nil {
		u.loadFailed(err)
		return
	}
	if cfg.Folder == "" {
		u.askSyncSetup()
		return
	}
	box := container.NewVBox(widget.NewLabel(lang.L("Reading the shared folder …")))
	d := dialog.NewCustom(lang.L("Laptops of the team"), lang.L("Close"), container.NewVScroll(box), u.win)
	d.Resize(fyne.NewSize(760, 460))
	d.Show()
	u.loadTeam(cfg, box)
}

// loadTeam reads the team in the background and fills box.
func (u *ui) loadTeam(cfg ops.SyncSetup, box *fyne.Container) {
	u.offUI(func() {
		team, err := u.ops.Team(u.ctx, cfg.Folder)
		u.do(func() { u.fillTeam(cfg, box, team, err) })
	})
}

// offUI runs work on a goroutine of the sync worker, or in place where the
// window reads in place (tests): reading the team may write (the round's
// setup), and the store's notice would otherwise redraw from that
// goroutine beside the test.
func (u *ui) offUI(work func()) {
	if u.inline {
		work()
		return
	}
	u.syncer.wg.Add(1)
	go func() {
		defer u.syncer.wg.Done()
		work()
	}()
}

func (u *ui) fillTeam(cfg ops.SyncSetup, box *fyne.Container, team foldersync.Team, err error) {
	box.RemoveAll()
	if err != nil {
		what, todo := syncProblem(err)
		l := widget.NewLabel(what + " " + todo)
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
		return
	}
	intro := lang.L("This laptop's fingerprint: {{.Fingerprint}}", map[string]any{"Fingerprint": team.Fingerprint})
	if !team.Member {
		intro = lang.L("This laptop waits to be admitted. Read its fingerprint to a member of the team by phone: {{.Fingerprint}}", map[string]any{"Fingerprint": team.Fingerprint})
	}
	l := widget.NewLabel(intro)
	l.Wrapping = fyne.TextWrapWord
	box.Add(l)
	for _, d := range team.Devices {
		name := d.Name
		if name == "" {
			name = d.ID
		}
		if d.Me {
			name = lang.L("{{.Name}} (this laptop)", map[string]any{"Name": name})
		}
		status := map[string]string{
			foldersync.StatusMember:  lang.L("Member"),
			foldersync.StatusPending: lang.L("Asks to join"),
			foldersync.StatusRemoved: lang.L("Removed"),
		}[d.Status]
		if d.Inactive {
			status = lang.L("Inactive")
		}
		if d.Status == foldersync.StatusMember && !d.LastSync.IsZero() {
			status += " · " + lang.L("last sync {{.Date}} {{.Time}}", map[string]any{"Date": day(d.LastSync), "Time": d.LastSync.Local().Format("15:04")})
		}
		actions := container.NewHBox()
		if team.Member && !d.Me {
			switch d.Status {
			case foldersync.StatusPending:
				actions.Add(newButton(lang.L("Admit"), func() { u.confirmTeamAction(cfg, box, "admit", d) }))
				actions.Add(newButton(lang.L("Refuse"), func() { u.confirmTeamAction(cfg, box, "refuse", d) }))
			case foldersync.StatusMember:
				actions.Add(newButton(lang.L("Remove"), func() { u.confirmTeamAction(cfg, box, "remove", d) }))
			}
		}
		// One row per laptop: name and status, the fingerprint below in
		// a fixed-width font, the actions at the right; long names and
		// dates wrap instead of running into the next column.
		who := widget.NewLabel(name + " — " + status)
		who.Wrapping = fyne.TextWrapWord
		fp := widget.NewLabelWithStyle(d.Fingerprint, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		rows := container.NewVBox(who, fp)
		if d.Inactive {
			hint := widget.NewLabel(lang.L("No longer holds back the compaction of the shared folder; when it comes back it starts from the checkpoint. If it will not come back, remove it: the team key is replaced."))
			hint.Wrapping = fyne.TextWrapWord
			hint.Importance = widget.WarningImportance
			rows.Add(hint)
		}
		box.Add(container.NewBorder(nil, nil, nil, actions, rows))
		box.Add(widget.NewSeparator())
	}
	if team.MoreRequests > 0 {
		more := widget.NewLabel(lang.L("{{.N}} more join requests are not listed (more than a team sends: possibly a flood). Admit a laptop by its fingerprint on the command line.", map[string]any{"N": team.MoreRequests}))
		more.Wrapping = fyne.TextWrapWord
		more.Importance = widget.WarningImportance
		box.Add(more)
	}
}

// confirmTeamAction asks before admitting, refusing or removing a laptop,
// then does it in the background and shows the team again.
func (u *ui) confirmTeamAction(cfg ops.SyncSetup, box *fyne.Container, action string, d foldersync.Device) {
	name := d.Name
	if name == "" {
		name = d.ID
	}
	vars := map[string]any{"Name": name, "Fingerprint": d.Fingerprint}
	question := map[string]string{
		"admit":  lang.L("Admit {{.Name}}? Compare the fingerprint by phone with the person at that laptop first: {{.Fingerprint}}", vars),
		"refuse": lang.L("Refuse the join request of {{.Name}} ({{.Fingerprint}})?", vars),
		"remove": lang.L("Remove {{.Name}} from the team? What it writes from now on is never applied, and the team key is replaced. To take part again it must be admitted anew.", vars),
	}[action]
	dialog.NewConfirm(lang.L("Laptops of the team"), question, func(ok bool) {
		if !ok {
			return
		}
		box.RemoveAll()
		box.Add(widget.NewLabel(lang.L("Writing to the shared folder …")))
		u.offUI(func() {
			err := u.teamAction(cfg, action, d)
			u.do(func() {
				if err != nil {
					what, todo := syncProblem(err)
					u.showError(what, todo, err)
				}
				u.loadTeam(cfg, box)
				u.syncNow(false)
			})
		})
	}, u.win).Show()
}

func (u *ui) teamAction(cfg ops.SyncSetup, action string, d foldersync.Device) error {
	req := ops.TeamChange{Folder: cfg.Folder, Who: d.Fingerprint}
	var err error
	switch action {
	case "admit":
		_, err = u.ops.Admit(u.ctx, req)
	case "refuse":
		_, err = u.ops.Refuse(u.ctx, req)
	case "remove":
		_, err = u.ops.RemoveDevice(u.ctx, req)
	default:
		err = fmt.Errorf("unknown team action %q", action)
	}
	return err
}

// showWaiting tells a laptop that asked to join what to do next, with a
// button to look again.
func (u *ui) showWaiting(rep foldersync.Report, cfg ops.SyncSetup, admitted func()) {
	msg := widget.NewLabel(lang.L("This laptop asked to join the team of the shared folder. Nothing is exchanged until a member admits it.\n\nCall a member of the team and read them this laptop's fingerprint; they admit it under Settings → Laptops of the team:\n\n{{.Fingerprint}}",
		map[string]any{"Fingerprint": rep.Fingerprint}))
	msg.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	again := newButton(lang.L("Look again"), func() {
		d.Hide()
		u.round(cfg, true, func(rep foldersync.Report, err error) {
			switch {
			case err != nil && !errors.Is(err, foldersync.ErrNotWritten):
				what, todo := syncProblem(err)
				u.showError(what, todo, err)
			case rep.Pending:
				u.showWaiting(rep, cfg, admitted)
			default:
				admitted()
			}
		})
	})
	d = dialog.NewCustom(lang.L("Waiting for admission"), lang.L("Close"), container.NewVBox(msg, container.NewHBox(again)), u.win)
	d.Resize(fyne.NewSize(560, 320))
	d.Show()
}

// askHeld asks, for each laptop whose mass deletion was held back and not
// asked about yet, whether to apply it or keep the records.
func (u *ui) askHeld(held []foldersync.Held) {
	if u.syncer.asked == nil {
		u.syncer.asked = map[string]int{}
	}
	for _, h := range held {
		if u.syncer.asked[h.Device] == h.Records {
			continue
		}
		u.syncer.asked[h.Device] = h.Records
		name := h.Name
		if name == "" {
			name = h.Device
		}
		msg := widget.NewLabel(lang.L("Laptop {{.Name}} would delete {{.N}} of {{.Live}} records. Nothing of that laptop was applied yet.\n\nIf that was meant (a clean-up), apply it. If not (a mistake, or someone at that laptop deleting the handbook), keep the records: they come back on every laptop, that one included.",
			map[string]any{"Name": name, "N": h.Records, "Live": h.Live}))
		msg.Wrapping = fyne.TextWrapWord
		var d *dialog.CustomDialog
		decide := func(c foldersync.DeletionChoice) {
			d.Hide()
			cfg, err := u.ops.SyncSetup(u.ctx)
			if err != nil {
				u.loadFailed(err)
				return
			}
			u.roundWith(cfg, true, map[string]foldersync.DeletionChoice{h.Device: c}, func(rep foldersync.Report, err error) { u.syncFinished(rep, err, true) })
		}
		apply := newButton(lang.L("Apply the deletions"), func() { decide(foldersync.ApplyDeletions) })
		keep := newButton(lang.L("Keep the records"), func() { decide(foldersync.KeepRecords) })
		keep.Importance = widget.HighImportance
		d = dialog.NewCustom(lang.L("Deletions held back"), lang.L("Decide later"), container.NewVBox(msg, container.NewHBox(keep, apply)), u.win)
		d.Resize(fyne.NewSize(560, 300))
		d.Show()
	}
}

// showCopied tells that this laptop's database turned out to be a copy.
func (u *ui) showCopied(rep foldersync.Report) {
	msg := widget.NewLabel(lang.L("This laptop's handbook is a copy of another laptop's database: both wrote as the same laptop. So that nothing is mixed up, this laptop now has a new identity, and a member must admit it again.\n\nYour edits wait on this laptop and are sent once it is admitted; the other laptop's edits arrive as usual.\n\nRead this fingerprint to a member of the team: {{.Fingerprint}}",
		map[string]any{"Fingerprint": rep.Fingerprint}))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.L("This handbook was copied"), lang.L("OK"), msg, u.win)
	d.Resize(fyne.NewSize(560, 320))
	d.Show()
}

// gapRow names a laptop's missing batches, with a button to declare them
// lost.
func (u *ui) gapRow(g foldersync.Gap) fyne.CanvasObject {
	name := g.Name
	if name == "" {
		name = g.Device
	}
	text := lang.L("{{.N}} batches of {{.Name}} are missing from the shared folder (deleted, or not delivered yet). Their changes are missing here until they arrive.",
		map[string]any{"N": len(g.Missing), "Name": name})
	if len(g.Missing) == 1 {
		text = lang.L("A batch of {{.Name}} is missing from the shared folder (deleted, or not delivered yet). Its changes are missing here until it arrives.", map[string]any{"Name": name})
	}
	l := widget.NewLabel("⚠ " + text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	lost := newButton(lang.L("Declare lost"), func() {
		dialog.NewConfirm(lang.L("Declare lost"), lang.L("Declare the missing batches of {{.Name}} lost? They are reported no more; if one turns up, it is still applied.", map[string]any{"Name": name}), func(ok bool) {
			if !ok {
				return
			}
			cfg, err := u.ops.SyncSetup(u.ctx)
			if err != nil {
				u.loadFailed(err)
				return
			}
			u.offUI(func() {
				_, err := u.ops.DeclareLost(u.ctx, ops.TeamChange{Folder: cfg.Folder, Who: g.Device})
				u.do(func() {
					if err != nil {
						what, todo := syncProblem(err)
						u.showError(what, todo, err)
						return
					}
					u.syncNow(false)
				})
			})
		}, u.win).Show()
	})
	return container.NewBorder(nil, nil, nil, lost, l)
}
