package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// backupsPane is Einstellungen → Sicherungen: the automatic backups, each
// checked, and a way to restore one as new edits.
type backupsPane struct {
	u       *ui
	list    []store.BackupInfo
	sel     int
	loaded  bool
	table   *keyTable
	status  *widget.Label
	restore *button
	content fyne.CanvasObject
}

// backupColumns are the backup list's columns and widths.
var backupColumns = []struct {
	title string
	width float32
}{{"Date", 170}, {"Reason", 280}, {"Records", 90}, {"Contacts", 90}, {"Playbooks", 90}, {"File", 420}}

func newBackupsPane(u *ui) *backupsPane {
	b := &backupsPane{u: u, sel: -1}
	heads, widths := make([]string, len(backupColumns)), make([]float32, len(backupColumns))
	for i, c := range backupColumns {
		heads[i], widths[i] = lang.L(c.title), c.width
	}
	b.table = newTextTable(func() int { return len(b.list) }, heads, widths,
		func(row, col int) (string, widget.Importance) {
			info := b.list[row]
			if info.Problem != "" && col >= 2 {
				return backupCell(info, col), widget.DangerImportance
			}
			return backupCell(info, col), widget.MediumImportance
		},
		func(row int) {
			b.sel = row
			if b.list[row].Problem == "" {
				b.restore.Enable()
			} else {
				b.restore.Disable()
			}
		})
	b.table.onEscape = u.escape
	b.status = widget.NewLabel("")
	b.status.Wrapping = fyne.TextWrapWord
	b.restore = newIconButton(lang.L("Restore this backup …"), theme.HistoryIcon(), func() {
		if b.sel >= 0 && b.sel < len(b.list) {
			u.restore(ops.Restore{Backup: b.list[b.sel].Path})
		}
	})
	b.restore.Importance = widget.HighImportance
	b.restore.Disable()
	check := newIconButton(lang.L("Check again"), theme.ViewRefreshIcon(), b.load)
	intro := widget.NewLabel(lang.L("Before every synchronisation that brings changes, every update and every restore, Ernstfall writes a backup of this handbook. It is checked before it counts; kept are the newest five, and the newest of each of the last 7 days and 4 weeks. Restoring one writes its state as new changes, so the next synchronisation keeps it."))
	intro.Wrapping = fyne.TextWrapWord
	folder := widget.NewLabel(lang.L("Folder: {{.Folder}}", map[string]any{"Folder": u.st.BackupDir()}))
	folder.Truncation = fyne.TextTruncateEllipsis
	top := container.NewVBox(intro, folder)
	bottom := container.NewVBox(b.status, container.NewHBox(b.restore, check))
	b.content = container.NewBorder(container.NewPadded(top), container.NewPadded(bottom), nil, nil, b.table)
	return b
}

// load checks every backup off the UI thread (the integrity check reads
// each file whole) and lists them.
func (b *backupsPane) load() {
	b.loaded = true
	var list []store.BackupInfo
	b.status.SetText(lang.L("Checking the backups …"))
	b.u.run(lang.L("Checking the backups"), func(ctx context.Context, p ops.Progress) error {
		var err error
		list, err = b.u.st.Backups(ctx)
		return err
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
			b.status.SetText("")
		case err != nil:
			b.status.SetText("")
			b.u.loadFailed(err)
		default:
			b.show(list)
		}
	})
}

func (b *backupsPane) show(list []store.BackupInfo) {
	b.list = list
	b.sel = -1
	b.table.UnselectAll()
	b.restore.Disable()
	b.table.Refresh()
	bad := 0
	for _, info := range list {
		if info.Problem != "" {
			bad++
		}
	}
	switch {
	case len(list) == 0:
		b.status.SetText(lang.L("No backups yet."))
	case bad > 0:
		b.status.SetText(lang.L("{{.N}} backups, {{.Bad}} of them unusable.", map[string]any{"N": len(list), "Bad": bad}))
	default:
		b.status.SetText(lang.L("{{.N}} backups, all checked.", map[string]any{"N": len(list)}))
	}
}

// backupCell is the text of one column of the backup list.
func backupCell(info store.BackupInfo, col int) string {
	switch col {
	case 0:
		return info.At.Local().Format(lang.L("2006-01-02 15:04:05"))
	case 1:
		return backupReason(info.Reason)
	case 2:
		if info.Problem != "" {
			return lang.L("unusable: {{.Problem}}", map[string]any{"Problem": info.Problem})
		}
		return fmt.Sprint(info.Records)
	case 3:
		if info.Problem == "" {
			return fmt.Sprint(info.Counts[handbook.EntityContact])
		}
	case 4:
		if info.Problem == "" {
			return fmt.Sprint(info.Counts[handbook.EntityPlaybook])
		}
	case 5:
		return filepath.Base(info.Path)
	}
	return ""
}

// backupReason says in words why a backup was written.
func backupReason(reason string) string {
	switch {
	case reason == store.ReasonSync:
		return lang.L("before synchronisation")
	case reason == store.ReasonRestore:
		return lang.L("before restore")
	case strings.HasPrefix(reason, store.ReasonSchema+"-"):
		return lang.L("before update to schema {{.N}}", map[string]any{"N": strings.TrimPrefix(reason, store.ReasonSchema+"-")})
	}
	return reason
}
