package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
)

// phoneKind is the label of a kind of number: Mobil, Büro, Privat.
func phoneKind(k handbook.PhoneKind) string {
	switch k {
	case handbook.MobilePhone:
		return lang.L("Mobile")
	case handbook.OfficePhone:
		return lang.L("Office")
	case handbook.PrivatePhone:
		return lang.L("Private")
	}
	return lang.L("Phone")
}

// numbersRow shows phone numbers in one line, each with its kind and a
// button that copies it: "Mobil +49 171 … ⧉  Büro +49 30 … ⧉". With no
// number it says so, since a person without one must be reached
// otherwise.
func numbersRow(u *ui, numbers []handbook.Number) *fyne.Container {
	row := container.NewHBox()
	for _, n := range numbers {
		kind := widget.NewLabelWithStyle(phoneKind(n.Kind), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		kind.SizeName = theme.SizeNameCaptionText
		num := widget.NewLabelWithStyle(n.Number, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		num.Selectable = true
		var copyBtn *button
		copyBtn = newIconButton("", theme.ContentCopyIcon(), func() {
			u.copy(n.Number)
			u.markCopied(copyBtn)
		})
		copyBtn.Importance = widget.LowImportance
		row.Add(container.NewHBox(kind, num, copyBtn))
	}
	if len(numbers) == 0 {
		none := widget.NewLabel(lang.L("no phone number"))
		none.Importance = widget.WarningImportance
		row.Add(none)
	}
	return row
}

// markCopied shows on the button that its number is now on the
// clipboard (a tick in place of the copy icon), and turns the button of
// the number copied before back: a desktop notice may never appear, and
// a person about to dial must see which number they took.
func (u *ui) markCopied(b *button) {
	if u.copied != nil && u.copied != b {
		u.copied.SetIcon(theme.ContentCopyIcon())
	}
	u.copied = b
	b.SetIcon(theme.ConfirmIcon())
}
