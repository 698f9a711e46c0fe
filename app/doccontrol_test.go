package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/person"
	"ernstfall/internal/store"
)

// ransomwareDoc is the demo's ransomwareDoc playbook: three revisions, version
// 1.1 in force, the third revision a draft.
var ransomwareDoc = handbook.DocRef{Kind: handbook.EntityPlaybook, ID: "01a0f6b1-26b6-7ccc-ac1f-78cefcf63f58"}

// newControlUI opens the demo handbook loaded with its history, as a
// person named who, in German.
func newControlUI(t *testing.T, who string) *ui {
	t.Helper()
	u := openDemoUI(t, true)
	if err := u.savePerson(person.Person{Name: who, Initials: "XX"}); err != nil {
		t.Fatal(err)
	}
	u.win.Resize(fyne.NewSize(1366, 768))
	return u
}

func (u *ui) docState(t *testing.T, d handbook.DocRef) ops.DocState {
	t.Helper()
	st, err := u.ops.DocStateOf(u.ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestDocumentControlScreen: the screen lists every document with its
// version and state, and the distribution list with the outdated copy
// and its holder.
func TestDocumentControlScreen(t *testing.T) {
	u := newControlUI(t, "Jonas Petersen")
	u.showScreen("control")
	u.tasks.Wait()
	c := u.win.Canvas().Content()
	for _, want := range []string{"Freigabe durch die Inhaber von: Krisenstab-Leitung (Dr. Katrin Albers", "Ransomware-Angriff",
		"1.1", "⚠ Entwurf seit 24.11.2026", "Eskalationsmatrix und Rollen"} {
		if !hasText(c, want) {
			t.Errorf("the documents tab lacks %q", want)
		}
	}
	pane := newControlPane(u)
	row := -1
	for i, d := range pane.docs {
		if d.Doc == ransomwareDoc {
			row = i
		}
	}
	if row < 0 {
		t.Fatal("the ransomwareDoc playbook is not listed")
	}
	if got := pane.docCell(row, 3); !strings.Contains(got, "⚠") || !strings.Contains(got, "Entwurf") {
		t.Errorf("state of the ransomwareDoc playbook: %q", got)
	}
	if got := pane.docCell(row, 5); got != "Dr. Katrin Albers" {
		t.Errorf("released by: %q", got)
	}
	// The distribution list: copy 4 is outdated, and says who holds it.
	var outdated []string
	for i, s := range pane.copies {
		if strings.HasPrefix(pane.copyCell(i, 5), "⚠") {
			outdated = append(outdated, pane.copyCell(i, 0)+" "+pane.copyCell(i, 1)+" "+pane.copyCell(i, 2))
		}
		if s.Copy.Number == 1 && pane.copyCell(i, 5) != "aktuell" {
			t.Errorf("copy 1: %q", pane.copyCell(i, 5))
		}
	}
	if len(outdated) != 1 || !strings.Contains(outdated[0], "4 Sabine Köhler Home-Office") {
		t.Errorf("outdated copies: %q", outdated)
	}
	if got := pane.copyCell(3, 5); got != "⚠ veraltet: Ransomware-Angriff" {
		t.Errorf("copy 4 does not say which document it holds outdated: %q", got)
	}
	// The dashboard lists the copy to replace and the unreleased change.
	u.showScreen("dashboard")
	u.tasks.Wait()
	c = u.win.Canvas().Content()
	for _, want := range []string{"Exemplar 4 veraltet – Sabine Köhler, Home-Office", "Ransomware-Angriff – geändert seit 24.11.2026, nicht freigegeben"} {
		if !hasText(c, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
}

// TestReleaseDialogRefusesNonApprover: a person without an approver role
// sees who may release, and cannot release.
func TestReleaseDialogRefusesNonApprover(t *testing.T) {
	u := newControlUI(t, "Jonas Petersen")
	u.releaseDialog(ransomwareDoc)
	d := u.dialogTop()
	if d == nil {
		t.Fatal("no release dialog")
	}
	for _, want := range []string{"Dr. Katrin Albers (Krisenstab-Leitung)", "Version 1.1 · freigegeben von Dr. Katrin Albers am 12.11.2026"} {
		if !hasText(d, want) {
			t.Errorf("the dialog lacks %q: %q", want, texts(d))
		}
	}
	release := findButton(t, d, "Freigeben")
	test.Type(entryIn(t, d), "Versuch")
	if !release.Disabled() {
		t.Error("a person without an approver role can press Freigeben")
	}
	test.Tap(release)
	u.tasks.Wait()
	if st := u.docState(t, ransomwareDoc); st.Releases.InForce.Version() != "1.1" || !st.Draft {
		t.Errorf("after the refused release: %s, draft %v", st.Releases.InForce.Version(), st.Draft)
	}
}

// TestReleaseDialogReleases: the Krisenstab-Leitung releases the draft as
// a major version; the document's bar and the outdated copies follow.
func TestReleaseDialogReleases(t *testing.T) {
	u := newControlUI(t, "Dr. Katrin Albers")
	// Without her key on this laptop she cannot release, and is told how
	// to set it up.
	u.releaseDialog(ransomwareDoc)
	d := u.dialogTop()
	test.Type(multiEntryIn(t, d), "Statusseite ergänzt")
	if !findButton(t, d, "Freigeben").Disabled() || !hasText(d, "Dr. Katrin Albers hat auf diesem Laptop keinen Freigabeschlüssel.") {
		t.Errorf("the dialog without a key: %q", texts(d))
	}
	test.Tap(findButton(t, d, "Abbrechen"))
	if _, err := u.ops.CreateApproverKey(u.ctx, ops.CreateApproverKey{As: "Dr. Katrin Albers", Passphrase: testPass}); err != nil {
		t.Fatal(err)
	}
	u.open(handbook.EntityPlaybook, ransomwareDoc.ID)
	u.tasks.Wait()
	if !hasText(u.win.Canvas().Content(), "Entwurf: geändert seit 24.11.2026; es gilt Version 1.1 · freigegeben von Dr. Katrin Albers am 12.11.2026, die der Notfallordner druckt") {
		t.Errorf("the playbook's bar does not say it is a draft: %q", texts(u.win.Canvas().Content()))
	}
	u.releaseDialog(ransomwareDoc)
	d = u.dialogTop()
	if !hasText(d, "Dr. Katrin Albers (Krisenstab-Leitung)") {
		t.Errorf("the dialog does not name the approver: %q", texts(d))
	}
	release := findButton(t, d, "Freigeben")
	if !release.Disabled() {
		t.Error("Freigeben is enabled without a note")
	}
	radio := radioIn(t, d)
	if len(radio.Options) != 2 || !strings.HasPrefix(radio.Options[0], "1.2 – Nebenversion") || !strings.HasPrefix(radio.Options[1], "2.0 – Hauptversion") {
		t.Errorf("versions offered: %q", radio.Options)
	}
	radio.SetSelected(radio.Options[1])
	test.Type(multiEntryIn(t, d), "Statusseite ergänzt")
	if !release.Disabled() {
		t.Fatal("Freigeben is enabled without the passphrase")
	}
	test.Type(passwordIn(t, d), testPass)
	if release.Disabled() {
		t.Fatal("Freigeben stays disabled with a note and the passphrase")
	}
	test.Tap(release)
	u.tasks.Wait()
	st := u.docState(t, ransomwareDoc)
	if st.Draft || st.Releases.InForce.Version() != "2.0" || st.Releases.InForce.Approver != "Dr. Katrin Albers" ||
		st.Releases.InForce.Note != "Statusseite ergänzt" {
		t.Fatalf("after the release: draft %v, %+v", st.Draft, st.Releases.InForce)
	}
	info := u.dialogTop()
	if info == nil || !hasText(info, "Version 2.0 · freigegeben von Dr. Katrin Albers am 26.11.2026") || !hasText(info, "4 gedruckte Exemplare sind jetzt veraltet") {
		t.Errorf("the release's message: %q", texts(info))
	}
	if !hasText(u.win.Canvas().Content(), "Version 2.0 · freigegeben von Dr. Katrin Albers am 26.11.2026") {
		t.Errorf("the playbook's bar still shows the draft: %q", texts(u.win.Canvas().Content()))
	}
	// An edit of the released playbook is a draft again; 2.0 stays in
	// force.
	before, err := store.Get[handbook.Playbook](u.ctx, u.st, ransomwareDoc.ID)
	if err != nil {
		t.Fatal(err)
	}
	after := before
	after.Summary += " Neu."
	if err := ops.Save(u.ctx, u.ops, &before, &after); err != nil {
		t.Fatal(err)
	}
	u.tasks.Wait()
	if !hasText(u.win.Canvas().Content(), "Entwurf: geändert seit 26.11.2026; es gilt Version 2.0") {
		t.Errorf("after an edit the playbook's bar does not say draft: %q", texts(u.win.Canvas().Content()))
	}
}

// TestDeleteReleasedPlaybookWarns: deleting a released playbook says that
// the binder keeps printing it until its withdrawal is released.
func TestDeleteReleasedPlaybookWarns(t *testing.T) {
	u := newControlUI(t, "Jonas Petersen")
	var id string
	for _, p := range u.hb(t).Playbooks {
		if strings.HasPrefix(p.Title, "DDoS") {
			id = p.ID
		}
	}
	u.open(handbook.EntityPlaybook, id)
	u.tasks.Wait()
	test.Tap(findButton(t, u.win.Canvas().Content(), "Löschen"))
	u.tasks.Wait()
	if want := "Version 1.0 war freigegeben: Der Notfallordner druckt es weiter, als gelöscht markiert, bis die Rücknahme freigegeben ist (Dokumentenlenkung)."; !hasText(u.win.Canvas().Content(), want) {
		t.Errorf("the delete does not warn %q: %q", want, texts(u.win.Canvas().Content()))
	}
	walk(u.win.Canvas().Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "Notfallordner druckt es weiter") && l.Size().Width < 300 {
			t.Errorf("the warning is squeezed into %v", l.Size())
		}
	})
}

func (u *ui) hb(t *testing.T) handbook.Handbook {
	t.Helper()
	hb, err := u.st.Load(u.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return hb.Live()
}

// TestDocHistoryDialog: the history lists the revisions with their
// authors and releases, marks words inserted and deleted between two
// versions, and restores a revision as a new draft.
func TestDocHistoryDialog(t *testing.T) {
	u := newControlUI(t, "Jonas Petersen")
	u.showDocHistory(ransomwareDoc)
	h := u.docHist
	if h == nil {
		t.Fatal("no history shown")
	}
	if len(h.revs) != 3 || h.marks[1] != "Version 1.0" || h.marks[2] != "Version 1.1" {
		t.Fatalf("revisions %d, marks %v", len(h.revs), h.marks)
	}
	// Opened on the change since the release in force: version 1.1 to now.
	if !strings.HasPrefix(h.from.Selected, "Version 1.1") || h.to.Selected != "Aktueller Text" {
		t.Errorf("compares %q with %q", h.from.Selected, h.to.Selected)
	}
	var ins, del []string
	for _, s := range segments(h.diff) {
		ts, ok := s.(*widget.TextSegment)
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(ts.Text, "{+"):
			ins = append(ins, ts.Text)
		case strings.HasPrefix(ts.Text, "[-"):
			del = append(del, ts.Text)
		}
	}
	if !contains(ins, "30 min") || !contains(del, "1 h") || !contains(ins, "Statusseite") {
		t.Errorf("inserted %q, deleted %q", ins, del)
	}
	if !hasText(h.trail, "Befunde des Planspiels") || !hasText(h.trail, "in Kraft") {
		t.Errorf("the trail: %q", texts(h.trail))
	}
	// Revision 2 is restored as a new edit: the draft says again what
	// version 1.1 said, and the history shows a fourth revision.
	h.list.Select(1)
	if h.picked != 2 {
		t.Fatalf("picked revision %d", h.picked)
	}
	test.Tap(h.restore)
	confirm := u.dialogTop()
	if !hasText(confirm, "Revision 2") {
		t.Fatalf("the restore asks %q", texts(confirm))
	}
	test.Tap(findButton(t, confirm, "Wiederherstellen"))
	u.tasks.Wait()
	if len(u.docHist.revs) != 4 {
		t.Errorf("after the restore: %d revisions", len(u.docHist.revs))
	}
	if st := u.docState(t, ransomwareDoc); st.Draft || st.Releases.InForce.Version() != "1.1" {
		t.Errorf("restoring what 1.1 said: draft %v, in force %s", st.Draft, st.Releases.InForce.Version())
	}
	if got := u.docHist.state.Text; !strings.HasPrefix(got, "Version 1.1 · freigegeben") {
		t.Errorf("the history's state line did not follow the restore: %q", got)
	}
}

// TestReviewDialog: a review is recorded with reviewer, result and note,
// and joins the trail; the next review follows from it.
func TestReviewDialog(t *testing.T) {
	u := newControlUI(t, "Jonas Petersen")
	u.reviewDialog(handbook.Matrix)
	d := u.dialogTop()
	radio := radioIn(t, d)
	radio.SetSelected(radio.Options[1])
	test.Type(multiEntryIn(t, d), "Vertretung IT-Lead ergänzt")
	test.Tap(findButton(t, d, "Speichern"))
	st := u.docState(t, handbook.Matrix)
	if len(st.Reviews) == 0 || st.Reviews[0].Reviewer != "Jonas Petersen" || st.Reviews[0].Result != handbook.ReviewChanged ||
		st.Reviews[0].Note != "Vertretung IT-Lead ergänzt" {
		t.Fatalf("reviews: %+v", st.Reviews)
	}
	if want := testNow.AddDate(0, 0, handbook.DefaultReviewIntervalDays); !st.NextReview.Equal(want) {
		t.Errorf("next review %v, want %v", st.NextReview, want)
	}
	u.showScreen("roles")
	u.tasks.Wait()
	if !hasText(u.win.Canvas().Content(), "Zuletzt überprüft am 26.11.2026 (Jonas Petersen, geändert)") {
		t.Errorf("the matrix's bar: %q", texts(u.win.Canvas().Content()))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

func radioIn(t *testing.T, o fyne.CanvasObject) *widget.RadioGroup {
	t.Helper()
	var found *widget.RadioGroup
	walk(o, func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok && found == nil {
			found = r
		}
	})
	if found == nil {
		t.Fatal("no choice in the dialog")
	}
	return found
}

// entryIn is the first entry of a dialog that is not read-only.
func entryIn(t *testing.T, o fyne.CanvasObject) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	walk(o, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && found == nil && !e.Disabled() {
			found = e
		}
	})
	if found == nil {
		t.Fatal("no entry in the dialog")
	}
	return found
}

// passwordIn finds the dialog's passphrase entry.
func passwordIn(t *testing.T, o fyne.CanvasObject) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	walk(o, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.Password && found == nil {
			found = e
		}
	})
	if found == nil {
		t.Fatal("no passphrase entry in the dialog")
	}
	return found
}

// testPass is the passphrase of the approver keys the tests make.
const testPass = "Krisenstab-Passwort 1"

func multiEntryIn(t *testing.T, o fyne.CanvasObject) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	walk(o, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.MultiLine && found == nil {
			found = e
		}
	})
	if found == nil {
		t.Fatal("no text box in the dialog")
	}
	return found
}

// TestReleaseDialogUnchanged: a released document unchanged since has
// nothing to release; the window says so instead of offering a version.
func TestReleaseDialogUnchanged(t *testing.T) {
	u := newControlUI(t, "Dr. Katrin Albers")
	u.releaseDialog(handbook.Matrix)
	d := u.dialogTop()
	if d == nil || !hasText(d, "Version 1.0 · freigegeben von Dr. Katrin Albers am 08.10.2026 gilt, und das Dokument ist seitdem unverändert.") {
		t.Fatalf("the dialog for an unchanged document: %q", texts(d))
	}
	if hasText(d, "Hauptversion") {
		t.Error("a version is offered for an unchanged document")
	}
}

// TestReleaseNotOfferedWhenUnchanged: a released, unchanged document
// offers no release; the reason stands beside the disabled button, in
// the document's bar and on the document control screen.
func TestReleaseNotOfferedWhenUnchanged(t *testing.T) {
	u := newControlUI(t, "Dr. Katrin Albers")
	const why = "Nichts freizugeben: seit Version 1.0 unverändert."
	bar := u.docBar(handbook.Matrix)
	if b := findButton(t, bar, "Freigeben …"); !b.Disabled() || !hasText(bar, why) {
		t.Errorf("bar of the unchanged matrix: disabled %v, texts %q", b.Disabled(), texts(bar))
	}
	bar = u.docBar(ransomwareDoc)
	if b := findButton(t, bar, "Freigeben …"); b.Disabled() || hasText(bar, why) {
		t.Errorf("bar of the changed ransomware playbook: disabled %v", b.Disabled())
	}
	pane := newControlPane(u)
	pane.view()
	for i, d := range pane.docs {
		pane.docSel = i
		pane.selectDoc()
		unchanged := d.Released() && len(d.Releases.Concurrent) == 0
		if pane.docBtns[1].Disabled() != unchanged || (pane.docWhy.Text != "") != unchanged {
			t.Errorf("%s: release disabled %v, reason %q", d.Doc, pane.docBtns[1].Disabled(), pane.docWhy.Text)
		}
	}
}
