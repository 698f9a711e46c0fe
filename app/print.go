package app

import (
	"context"
	"net/url"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// printBinder asks what to print, then where to save the PDF.
func (u *ui) printBinder() {
	u.guard(func() {
		pbs, err := u.st.Summaries(u.ctx, handbook.EntityPlaybook)
		if err != nil {
			u.loadFailed(err)
			return
		}
		scope := []string{lang.L("The whole handbook")}
		for _, p := range pbs {
			scope = append(scope, lang.L("Pocket card: {{.Title}}", map[string]any{"Title": p.Label}))
		}
		what := widget.NewSelect(scope, nil)
		what.SetSelectedIndex(0)
		language := widget.NewSelect([]string{"Deutsch", "English"}, nil)
		language.SetSelectedIndex(0)
		if chosenLanguage(u.app.Preferences()) == "en" {
			language.SetSelectedIndex(1)
		}
		paper := widget.NewSelect([]string{"A4", "Letter"}, nil)
		paper.SetSelectedIndex(0)
		by := widget.NewEntry()
		by.SetPlaceHolder(lang.L("Your name (printed on the cover)"))
		items := []*widget.FormItem{
			widget.NewFormItem(lang.L("Contents"), what),
			widget.NewFormItem(lang.L("Language"), language),
			widget.NewFormItem(lang.L("Paper"), paper),
			widget.NewFormItem(lang.L("Printed by"), by),
		}
		d := dialog.NewForm(lang.L("Print emergency binder"), lang.L("Choose file …"), lang.L("Cancel"), items, func(ok bool) {
			if !ok {
				return
			}
			opt := binder.Options{Lang: []string{"de", "en"}[language.SelectedIndex()],
				Paper: []string{"a4", "letter"}[paper.SelectedIndex()], PrintedBy: by.Text}
			if i := what.SelectedIndex(); i > 0 {
				opt.Playbook = pbs[i-1].ID
			}
			u.chooseBinderFile(opt)
		}, u.win)
		d.Resize(fyne.NewSize(520, 300))
		d.Show()
	})
}

func (u *ui) chooseBinderFile(opt binder.Options) {
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError(lang.L("The file could not be chosen."), lang.L("Choose another folder."), err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		u.writeBinder(path, opt)
	}, u.win)
	name := lang.L("emergency-binder") + ".pdf"
	if opt.Playbook != "" {
		name = lang.L("pocket-card") + ".pdf"
	}
	save.SetFileName(name)
	save.SetTitleText(lang.L("Save file"))
	save.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	save.Resize(fyne.NewSize(800, 560))
	save.Show()
}

// writeBinder prints the binder to path in the background, with a
// progress dialog that can cancel it, and offers to open the PDF. The
// printout is recorded, and the dashboard follows the store's notice.
func (u *ui) writeBinder(path string, opt binder.Options) *task {
	var res binder.Result
	return u.run(lang.L("Printing the binder"), func(ctx context.Context, p ops.Progress) error {
		var err error
		res, err = u.ops.PrintBinder(ctx, ops.PrintBinder{Path: path, Options: opt}, p)
		return err
	}, func(err error) {
		if err != nil && !ops.NotRecorded(err) {
			discardEmpty(path)
		}
		note := ""
		switch {
		case cancelled(err):
			return
		case ops.NotRecorded(err):
			oe, _ := ops.AsError(err)
			note = "\n\n" + oe.Text(translate)
		case err != nil:
			u.opFailed(lang.L("The binder could not be written."), lang.L("Choose another folder or file name, and close the file if another program has it open."), err)
			return
		}
		msg := lang.L("{{.Pages}} pages written to {{.File}} (version {{.Version}}). Open the PDF now?",
			map[string]any{"Pages": res.Pages, "File": filepath.Base(path), "Version": res.Version}) + note
		dialog.ShowConfirm(lang.L("Binder printed"), msg, func(open bool) {
			if open {
				_ = u.app.OpenURL(&url.URL{Scheme: "file", Path: path})
			}
		}, u.win)
	})
}

// discardEmpty removes the empty file the toolkit's save dialog creates
// when it hands over the chosen name, once nothing was written into it: a
// cancelled or failed print leaves no file behind.
func discardEmpty(path string) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		_ = os.Remove(path)
	}
}
