package app

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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
	if u.who.Set() {
		// The name given for this computer, as the log uses it.
		by.SetText(u.who.Name)
	}
	versions := []string{lang.L("Released versions"), lang.L("Current drafts, marked ENTWURF on every page")}
	which := widget.NewRadioGroup(versions, nil)
	which.SetSelected(versions[0])
	printers := widget.NewSelect(nil, nil)
	printers.PlaceHolder = lang.L("Looking for printers …")
	printers.Disable()
	copies := widget.NewEntry()
	copies.SetText("1")
	copies.Validator = func(s string) error {
		if _, ok := copiesOf(s); !ok {
			return errors.New(lang.L("1 to {{.Max}}", map[string]any{"Max": ops.MaxCopies}))
		}
		return nil
	}
	pages := widget.NewLabel(lang.L("Counting pages …"))
	pages.Wrapping = fyne.TextWrapWord
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
	send := newIconButton(lang.L("Send to printer"), theme.DocumentPrintIcon(), func() {
		n, _ := copiesOf(copies.Text)
		d.Hide()
		u.sendBinder(request(), ops.SendTo{Printer: printers.Selected, Copies: n})
	})
	send.Importance = widget.HighImportance
	send.Disable()
	// Sending waits for a printer and for the page count, so the person
	// sees how much will come out before it does.
	var havePrinter, counted bool
	var counts binder.Result
	enable := func() {
		n, ok := copiesOf(copies.Text)
		if counted && counts.Pages > 0 {
			pages.SetText(pagesText(counts.Pages, n))
		}
		if havePrinter && counted && ok {
			send.Enable()
		} else {
			send.Disable()
		}
	}
	copies.OnChanged = func(string) { enable() }
	// count renders the binder into nothing in the background, each
	// time what is printed changes; a newer count makes an older one's
	// result void.
	gen := 0
	stopCount := func() {}
	count := func() {
		stopCount()
		gen++
		mine := gen
		ctx, cancel := context.WithCancel(u.ctx)
		stopCount = cancel
		counted = false
		pages.SetText(lang.L("Counting pages …"))
		enable()
		req := request()
		u.tasks.Add(1)
		go func() {
			defer u.tasks.Done()
			res, err := u.ops.CountBinder(ctx, req, nil)
			u.do(func() {
				if mine != gen || cancelled(err) {
					return
				}
				counted, counts = true, res
				if err != nil {
					pages.SetText(lang.L("The pages could not be counted: {{.Error}}", map[string]any{"Error": err.Error()}))
				}
				enable()
			})
		}()
	}
	for _, s := range []*widget.Select{what, language, paper} {
		s.OnChanged = func(string) { count() }
	}
	which.OnChanged = func(string) { count() }
	save := newIconButton(lang.L("Save as PDF …"), theme.DocumentSaveIcon(), func() {
		d.Hide()
		u.chooseBinderFile(request())
	})
	open := newIconButton(lang.L("Open PDF"), theme.FileApplicationIcon(), func() {
		d.Hide()
		u.openBinder(request())
	})
	cancel := newButton(lang.L("Cancel"), func() { d.Hide() })
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Contents"), what),
		widget.NewFormItem(lang.L("Documents"), which),
		widget.NewFormItem(lang.L("Language"), language),
		widget.NewFormItem(lang.L("Paper"), paper),
		widget.NewFormItem(lang.L("Printed by"), by),
		widget.NewFormItem(lang.L("Printer"), printers),
		widget.NewFormItem(lang.L("Copies"), copies),
		widget.NewFormItem(lang.L("Pages"), pages),
	)
	body := container.NewVBox(form, noPrinter,
		container.NewGridWithColumns(4, cancel, open, save, send))
	d = dialog.NewCustomWithoutButtons(lang.L("Print emergency binder"), body, u.win)
	d.SetOnClosed(func() { stopCount() })
	d.Resize(fyne.NewSize(min(760, u.win.Canvas().Size().Width-40), 520))
	count()
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
			form.Refresh() // the label greyed with the disabled choice
			havePrinter = true
			enable()
		})
	}()
	return d
}

// copiesOf reads the copies field: a whole number from 1 to MaxCopies.
func copiesOf(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && n >= 1 && n <= ops.MaxCopies
}

// pagesText says how much a printout is: pages, copies, and the sheets
// it takes printed on both sides, as the binder is sent.
func pagesText(pages, copies int) string {
	sheets := (pages + 1) / 2 * max(copies, 1)
	if copies <= 1 {
		return lang.L("{{.Pages}} pages (double-sided: {{.Sheets}} sheets)", map[string]any{"Pages": pages, "Sheets": sheets})
	}
	return lang.L("{{.Copies}} × {{.Pages}} pages = {{.Total}} pages (double-sided: {{.Sheets}} sheets)",
		map[string]any{"Copies": copies, "Pages": pages, "Total": copies * pages, "Sheets": sheets})
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
func (u *ui) sendBinder(req ops.PrintBinder, to ops.SendTo) *task {
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
		res, job, err = u.ops.SendBinder(ctx, req, to, p)
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
		if job.Opened {
			dialog.ShowInformation(lang.L("Binder opened in the PDF viewer"), lang.L("No program on this computer prints PDF files directly, so the binder ({{.Pages}} pages) is open in the PDF viewer: print it from there.",
				map[string]any{"Pages": res.Pages})+note, u.win)
			return
		}
		where := job.Printer
		if where == "" {
			where = lang.L("the default printer")
		}
		v := map[string]any{"Pages": res.Pages, "Printer": where, "Version": res.Version, "Copies": to.Copies}
		msg := lang.L("{{.Pages}} pages sent to {{.Printer}} (version {{.Version}}).", v)
		if to.Copies > 1 {
			msg = lang.L("{{.Copies}} copies of {{.Pages}} pages sent to {{.Printer}} (version {{.Version}}).", v)
		}
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
