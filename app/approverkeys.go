package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
)

// keyStateText says where an approver key stands.
func keyStateText(k handbook.KeyState) string {
	switch {
	case !k.Revoked.IsZero():
		return lang.L("revoked on {{.Date}} by {{.By}}", map[string]any{"Date": day(k.Revoked), "By": k.RevokedBy})
	case k.First:
		return lang.L("admitted on {{.Date}} (the handbook's first key)", map[string]any{"Date": day(k.Admitted)})
	case !k.Admitted.IsZero():
		return lang.L("admitted on {{.Date}} by {{.By}}", map[string]any{"Date": day(k.Admitted), "By": k.AdmittedBy})
	}
	return lang.L("waiting to be admitted")
}

// heldText names the releases held back on this laptop, one a line; ""
// when there are none.
func (u *ui) heldText() string {
	held, err := u.ops.HeldReleases(u.ctx)
	if err != nil || len(held) == 0 {
		return ""
	}
	names, _ := u.ops.DeviceNames(u.ctx)
	var lines []string
	for i, h := range held {
		if i == 5 {
			lines = append(lines, lang.L("… and {{.N}} more ('ernstfall documents' lists them)", map[string]any{"N": len(held) - 5}))
			break
		}
		laptop := names[h.Laptop]
		if laptop == "" {
			laptop = h.Laptop
		}
		reason := lang.L("not checked yet; the next sync checks it")
		if h.Reason != "" {
			reason = lang.L(h.Reason)
		}
		lines = append(lines, "⚠ "+lang.L("Release not applied: {{.Title}} version {{.Version}}, claimed by {{.Approver}}, from laptop {{.Laptop}}: {{.Reason}}",
			map[string]any{"Title": h.Release.Title, "Version": h.Release.Version(), "Approver": h.Release.Approver, "Laptop": laptop, "Reason": reason}))
	}
	return strings.Join(lines, "\n")
}

// approverKeysDialog lists the approvers' keys and lets the person at
// this laptop set up their own, and admit or revoke another's.
func (u *ui) approverKeysDialog() {
	v, err := u.ops.ApproverKeys(u.ctx)
	if err != nil {
		u.loadFailed(err)
		return
	}
	rows := container.NewVBox()
	if len(v.Keys) == 0 {
		l := widget.NewLabel(lang.L("No approver has a key yet. The first approver sets up theirs; it admits the others."))
		l.Wrapping = fyne.TextWrapWord
		rows.Add(l)
	}
	for _, k := range v.Keys {
		name := k.Name
		if k.RoleName != "" {
			name += " (" + k.RoleName + ")"
		}
		if v.Local[k.Key] {
			name += " · " + lang.L("this laptop")
		}
		l := widget.NewLabel(name + "\n" + lang.L("Fingerprint") + " " + k.Fingerprint() + " · " + keyStateText(k))
		l.Wrapping = fyne.TextWrapWord
		if k.Admitted.IsZero() || !k.Revoked.IsZero() {
			l.Importance = widget.WarningImportance
		}
		rows.Add(l)
	}
	if len(v.Firsts) > 1 {
		var fps []string
		for _, f := range v.Firsts {
			fps = append(fps, handbook.KeyFingerprint(f))
		}
		l := widget.NewLabel("⚠ " + lang.L("{{.N}} keys claim to be the handbook's first approver key: {{.Keys}}.", map[string]any{"N": len(v.Firsts), "Keys": strings.Join(fps, ", ")}))
		if v.First != "" {
			l.SetText(l.Text + " " + lang.L("This laptop trusts {{.Fingerprint}}.", map[string]any{"Fingerprint": handbook.KeyFingerprint(v.First)}))
		}
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.DangerImportance
		rows.Add(l)
	}
	if held := u.heldText(); held != "" {
		l := widget.NewLabel(held)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.DangerImportance
		rows.Add(l)
	}
	intro := widget.NewLabel(lang.L("A release is signed with the approver's own key, kept on their laptop behind their passphrase. The first key admits itself; every other is admitted by an approver after comparing its fingerprint with its holder."))
	intro.Wrapping = fyne.TextWrapWord
	var dlg dialog.Dialog
	again := func() { dlg.Hide(); u.approverKeysDialog() }
	buttons := container.NewHBox(
		newIconButton(lang.L("Set up my key …"), theme.ContentAddIcon(), func() { u.createKeyDialog(again) }),
		newIconButton(lang.L("Admit …"), theme.ConfirmIcon(), func() { u.changeKeyDialog(v, handbook.KeyAdmit, again) }),
		newIconButton(lang.L("Revoke …"), theme.DeleteIcon(), func() { u.changeKeyDialog(v, handbook.KeyRevoke, again) }),
	)
	if v.First == "" && len(v.Firsts) > 1 {
		buttons.Add(newIconButton(lang.L("Trust as first key …"), theme.ConfirmIcon(), func() { u.trustFirstDialog(v, again) }))
	}
	content := container.NewBorder(intro, buttons, nil, nil, container.NewVScroll(rows))
	dlg = dialog.NewCustom(lang.L("Approver keys"), lang.L("Close"), content, u.win)
	size := u.win.Canvas().Size()
	dlg.Resize(fyne.NewSize(min(size.Width*0.9, 760), min(size.Height*0.85, 560)))
	dlg.Show()
}

// createKeyDialog asks for a passphrase twice and makes the approver key
// of the person at this laptop.
func (u *ui) createKeyDialog(done func()) {
	if u.refuseReadOnly() {
		return
	}
	who := u.author()
	pass, again := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	pass.Validator = func(s string) error {
		if len([]rune(s)) < ops.MinPassphrase {
			return fmt.Errorf("%s", lang.L("at least {{.N}} characters", map[string]any{"N": ops.MinPassphrase}))
		}
		return nil
	}
	again.Validator = func(s string) error {
		if s != pass.Text {
			return fmt.Errorf("%s", lang.L("the two passphrases differ"))
		}
		return nil
	}
	hint := widget.NewLabel(lang.L("Only you know this passphrase: nobody can reset it. Without it, set up a new key and have it admitted."))
	hint.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Approver"), widget.NewLabel(who)),
		widget.NewFormItem(lang.L("Passphrase"), pass),
		widget.NewFormItem(lang.L("Repeat"), again),
		widget.NewFormItem("", hint),
	}
	d := dialog.NewForm(lang.L("Set up my approver key"), lang.L("Set up"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		var made ops.ApproverKeyMade
		u.run(lang.L("Making the key"), func(ctx context.Context, _ ops.Progress) error {
			var err error
			made, err = u.ops.CreateApproverKey(ctx, ops.CreateApproverKey{As: who, Passphrase: pass.Text})
			return err
		}, func(err error) {
			if err != nil {
				u.opFailed(lang.L("No key was made."), lang.L("Nothing was changed."), err)
				return
			}
			msg := lang.L("Ask an approver with an admitted key to compare this fingerprint with you and admit it: {{.Fingerprint}}", map[string]any{"Fingerprint": made.Fingerprint})
			if made.First {
				msg = lang.L("It is the handbook's first approver key and admitted at once; it confirms the releases made so far. Fingerprint: {{.Fingerprint}}", map[string]any{"Fingerprint": made.Fingerprint})
			}
			dialog.ShowInformation(lang.L("Approver key made"), msg, u.win)
			done()
		})
	}, u.win)
	d.Resize(fyne.NewSize(560, 340))
	d.Show()
}

// changeKeyDialog admits or revokes a key, signed with the key of the
// person at this laptop.
func (u *ui) changeKeyDialog(v ops.ApproverKeyView, action handbook.KeyAction, done func()) {
	if u.refuseReadOnly() {
		return
	}
	var options []string
	byOption := map[string]handbook.KeyState{}
	for _, k := range v.Keys {
		// A revoked key is neither admitted again nor revoked twice.
		waiting := k.Admitted.IsZero()
		if !k.Revoked.IsZero() || (action == handbook.KeyAdmit) != waiting {
			continue
		}
		o := k.Name + " · " + k.Fingerprint()
		options = append(options, o)
		byOption[o] = k
	}
	if len(options) == 0 {
		text := lang.L("No key waits to be admitted.")
		if action == handbook.KeyRevoke {
			text = lang.L("No key is admitted.")
		}
		dialog.ShowInformation(lang.L("Approver keys"), text, u.win)
		return
	}
	sel := widget.NewSelect(options, nil)
	sel.SetSelectedIndex(0)
	pass := widget.NewPasswordEntry()
	pass.Validator = func(s string) error {
		if s == "" {
			return fmt.Errorf("%s", lang.L("Enter the passphrase of the approver key."))
		}
		return nil
	}
	who := u.author()
	title, confirm := lang.L("Admit an approver key"), lang.L("Admit")
	hint := lang.L("Compare the fingerprint with its holder, in person or by phone, before you admit it.")
	if action == handbook.KeyRevoke {
		title, confirm = lang.L("Revoke an approver key"), lang.L("Revoke")
		hint = lang.L("The key releases nothing from now on; what it released stays.")
	}
	h := widget.NewLabel(hint)
	h.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Key"), sel),
		widget.NewFormItem("", h),
		widget.NewFormItem(lang.L("Signed by"), widget.NewLabel(who)),
		widget.NewFormItem(lang.L("Passphrase"), pass),
	}
	d := dialog.NewForm(title, confirm, lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		req := ops.ChangeApproverKey{Fingerprint: byOption[sel.Selected].Fingerprint(), As: who, Passphrase: pass.Text}
		u.run(title, func(ctx context.Context, _ ops.Progress) error {
			var err error
			if action == handbook.KeyAdmit {
				_, err = u.ops.AdmitApproverKey(ctx, req)
			} else {
				_, err = u.ops.RevokeApproverKey(ctx, req)
			}
			return err
		}, func(err error) {
			if err != nil {
				u.opFailed(lang.L("The key was not changed."), lang.L("Nothing was changed."), err)
				return
			}
			done()
		})
	}, u.win)
	d.Resize(fyne.NewSize(600, 360))
	d.Show()
}

// trustFirstDialog chooses which of several first keys this laptop
// trusts.
func (u *ui) trustFirstDialog(v ops.ApproverKeyView, done func()) {
	var options []string
	for _, f := range v.Firsts {
		name := ""
		for _, k := range v.Keys {
			if k.Key == f {
				name = k.Name
			}
		}
		options = append(options, handbook.KeyFingerprint(f)+" · "+name)
	}
	sel := widget.NewRadioGroup(options, nil)
	h := widget.NewLabel(lang.L("Ask the holder of the first key for its fingerprint, in person or by phone, and choose the one that matches."))
	h.Wrapping = fyne.TextWrapWord
	dialog.ShowForm(lang.L("Trust as first key"), lang.L("Trust"), lang.L("Cancel"), []*widget.FormItem{
		widget.NewFormItem("", h), widget.NewFormItem(lang.L("Key"), sel)}, func(ok bool) {
		if !ok || sel.Selected == "" {
			return
		}
		fp, _, _ := strings.Cut(sel.Selected, " · ")
		if _, err := u.ops.TrustFirstKey(u.ctx, fp); err != nil {
			u.opFailed(lang.L("The key was not changed."), lang.L("Nothing was changed."), err)
			return
		}
		done()
	}, u.win)
}
