package app

import (
	"context"
	"net/url"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/binder"
	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/printer"
	"ernstfall/internal/store"
)

// printBinder asks what to print, then offers the three ways out: send
// it to a printer, save it as a PDF, or open the PDF in the system's
// viewer (which can print it too).
func (u *ui) printBinder() {
	u.guard(func() {
		pbs, err := u.st.Summaries(u.ctx, handbook.EntityPlaybook)
		if err != nil {
			u.loadFailed(err)
			return
		}
		u.printDialog(pbs).Show()
	})
}

// printDialog is the print dialog; the printer list fills in once the
// system has answered.
func (u *ui) printDialog(pbs []store.Summary) dialog.Dialog {
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
	versions := []string{lang.L("Released versions"), lang.L("Current drafts, marked ENTWURF on every page")}
	which := widget.NewRadioGroup(versions, nil)
	which.SetSelected(versions[0])
	printers := widget.NewSelect(nil, nil)
	printers.PlaceHolder = lang.L("Looking for printers …")
	printers.Disable()
	noPrinter := widget.NewLabel("")
	noPrinter.Wrapping = fyne.TextWrapWord
	noPrinter.Importance = widget.WarningImportance
	noPrinter.Hide()
	request := func() ops.PrintBinder {
		opt := binder.Options{Lang: []string{"de", "en"}[language.SelectedIndex()],
			Paper: []string{"a4", "letter"}[paper.SelectedIndex()], PrintedBy: by.Text}
		if i := what.SelectedIndex(); i > 0 {
			opt.Playbook = pbs[i-1].ID
		}
		return ops.PrintBinder{Options: opt, Drafts: which.Selected == versions[1]}
	}
	var d dialog.Dialog
	send := widget.NewButtonWithIcon(lang.L("Send to printer"), theme.DocumentPrintIcon(), func() {
		d.Hide()
		u.sendBinder(request(), printers.Selected)
	})
	send.Importance = widget.HighImportance
	send.Disable()
	save := widget.NewButtonWithIcon(lang.L("Save as PDF …"), theme.DocumentSaveIcon(), func() {
		d.Hide()
		u.chooseBinderFile(request())
	})
	open := widget.NewButtonWithIcon(lang.L("Open PDF"), theme.FileApplicationIcon(), func() {
		d.Hide()
		u.openBinder(request())
	})
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Contents"), what),
		widget.NewFormItem(lang.L("Documents"), which),
		widget.NewFormItem(lang.L("Language"), language),
		widget.NewFormItem(lang.L("Paper"), paper),
		widget.NewFormItem(lang.L("Printed by"), by),
		widget.NewFormItem(lang.L("Printer"), printers),
	)
	body := container.NewVBox(form, noPrinter,
		container.NewGridWithColumns(4, cancel, open, save, send))
	d = dialog.NewCustomWithoutButtons(lang.L("Print emergency binder"), body, u.win)
	d.Resize(fyne.NewSize(min(760, u.win.Canvas().Size().Width-40), 440))
	u.tasks.Add(1)
	go func() {
		defer u.tasks.Done()
		ps, err := ops.Printers(u.ctx)
		u.do(func() {
			if err != nil {
				printers.PlaceHolder = lang.L("No printer")
				printers.Refresh()
				if oe, ok := ops.AsError(err); ok {
					noPrinter.SetText(oe.Text(translate))
				} else {
					noPrinter.SetText(lang.L("The printers could not be listed: {{.Error}}", map[string]any{"Error": err.Error()}))
				}
				noPrinter.Show()
				return
			}
			var names []string
			def := 0
			for i, p := range ps {
				names = append(names, p.Name)
				if p.Default {
					def = i
				}
			}
			printers.SetOptions(names)
			printers.SetSelectedIndex(def)
			printers.Enable()
			send.Enable()
		})
	}()
	return d
}

// binderTempFile is where a binder to print or to open is written: a new
// file of its own in the system's temporary folder, so two printouts never
// share one.
func binderTempFile(opt binder.Options) (string, error) {
	name := "ernstfall-binder-*.pdf"
	if opt.Playbook != "" {
		name = "ernstfall-pocket-card-*.pdf"
	}
	f, err := os.CreateTemp("", name)
	if err != nil {
		return "", err
	}
	return f.Name(), f.Close()
}

// sendBinder writes the binder into a temporary PDF and sends it to the
// printer. On success it names the job; when the print path fails, it
// says why and offers to open the PDF instead.
func (u *ui) sendBinder(req ops.PrintBinder, printerName string) *task {
	path, err := binderTempFile(req.Options)
	if err != nil {
		u.showError(lang.L("The binder could not be written."), lang.L("The temporary folder cannot be written. Save the binder as a PDF instead."), err)
		return nil
	}
	req.Path = path
	var res binder.Result
	var job printer.Job
	return u.run(lang.L("Printing the binder"), func(ctx context.Context, p ops.Progress) error {
		var err error
		res, job, err = u.ops.SendBinder(ctx, req, ops.SendTo{Printer: printerName}, p)
		return err
	}, func(err error) {
		note := ""
		switch {
		case cancelled(err):
			discardEmpty(path)
			return
		case ops.NotRecorded(err):
			oe, _ := ops.AsError(err)
			note = "\n\n" + oe.Text(translate)
		case err != nil:
			if fi, serr := os.Stat(path); serr != nil || fi.Size() == 0 {
				discardEmpty(path)
				u.opFailed(lang.L("The binder could not be written."), lang.L("Save the binder as a PDF instead."), err)
				return
			}
			msg := err.Error()
			if oe, ok := ops.AsError(err); ok {
				msg = oe.Text(translate)
			}
			dialog.ShowConfirm(lang.L("Not printed"), msg+"\n\n"+lang.L("Open the PDF now, to print it from the viewer?"), func(open bool) {
				if open {
					u.openFile(path)
				}
			}, u.win)
			return
		}
		where := job.Printer
		if where == "" {
			where = lang.L("the default printer")
		}
		msg := lang.L("{{.Pages}} pages sent to {{.Printer}} (version {{.Version}}).",
			map[string]any{"Pages": res.Pages, "Printer": where, "Version": res.Version})
		if job.ID != "" {
			msg += " " + lang.L("Print job: {{.Job}}", map[string]any{"Job": job.ID})
		}
		dialog.ShowInformation(lang.L("Binder sent to the printer"), msg+note, u.win)
	})
}

// openBinder writes the binder into a temporary PDF and opens it in the
// system's PDF viewer. The printout is recorded: whoever opens it to
// print it has the current version.
func (u *ui) openBinder(req ops.PrintBinder) *task {
	path, err := binderTempFile(req.Options)
	if err != nil {
		u.showError(lang.L("The binder could not be written."), lang.L("The temporary folder cannot be written. Save the binder as a PDF instead."), err)
		return nil
	}
	return u.run(lang.L("Printing the binder"), func(ctx context.Context, p ops.Progress) error {
		req.Path = path
		_, err := u.ops.PrintBinder(ctx, req, p)
		return err
	}, func(err error) {
		switch {
		case cancelled(err):
			discardEmpty(path)
			return
		case err != nil && !ops.NotRecorded(err):
			discardEmpty(path)
			u.opFailed(lang.L("The binder could not be written."), lang.L("Save the binder as a PDF instead."), err)
			return
		}
		u.openFile(path)
	})
}

// openFile opens a file in the program the system has for it.
func (u *ui) openFile(path string) {
	if err := u.app.OpenURL(&url.URL{Scheme: "file", Path: path}); err != nil {
		u.showError(lang.L("The PDF could not be opened."), lang.L("Open it yourself: {{.File}}", map[string]any{"File": path}), err)
	}
}

func (u *ui) chooseBinderFile(req ops.PrintBinder) {
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
		req.Path = path
		u.print(req)
	}, u.win)
	name := lang.L("emergency-binder") + ".pdf"
	if req.Drafts {
		name = lang.L("emergency-binder-drafts") + ".pdf"
	}
	if req.Options.Playbook != "" {
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
	return u.print(ops.PrintBinder{Path: path, Options: opt})
}

// print prints a binder into req.Path as writeBinder does: the released
// versions, or the drafts.
func (u *ui) print(req ops.PrintBinder) *task {
	var res binder.Result
	path := req.Path
	return u.run(lang.L("Printing the binder"), func(ctx context.Context, p ops.Progress) error {
		var err error
		res, err = u.ops.PrintBinder(ctx, req, p)
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
				u.openFile(path)
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
