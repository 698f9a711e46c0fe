package app

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// Columns of the contact table.
const (
	colName = iota
	colMobile
	colOffice
	colTeam
	colRole
	colDeputies
	colVerified
)

// contactColumns of the contact table, in the order of the col constants.
// The phone numbers come right after the name, so that at a window width of
// 1240 px they are in view without scrolling; the phone columns copy on
// click.
var contactColumns = []struct {
	title string
	width float32
	phone bool
}{
	colName:     {"Name", 170, false},
	colMobile:   {"Mobile", 140, true},
	colOffice:   {"Office", 140, true},
	colTeam:     {"Team", 140, false},
	colRole:     {"Role", 170, false},
	colDeputies: {"Deputies", 170, false},
	colVerified: {"Verified", 120, false},
}

// contactRoles describes, per contact, the roles held and the deputies of
// the roles held as primary.
type contactRoles struct {
	roles    map[string][]string
	deputies map[string][]string
}

// readContactRoles reads the roles and says who holds which and whom they
// have as deputies.
func readContactRoles(ctx context.Context, st *store.Store, contacts []handbook.Contact) (contactRoles, error) {
	out := contactRoles{roles: map[string][]string{}, deputies: map[string][]string{}}
	roles, err := store.List[handbook.Role](ctx, st)
	if err != nil {
		return out, err
	}
	names := map[string]string{}
	for _, c := range contacts {
		names[c.ID] = c.Name
	}
	for _, r := range roles {
		for i, id := range r.Holders {
			if i == 0 {
				out.roles[id] = append(out.roles[id], r.Name)
				for _, d := range r.Holders[1:] {
					out.deputies[id] = append(out.deputies[id], names[d])
				}
				continue
			}
			out.roles[id] = append(out.roles[id], lang.L("{{.Role}} (deputy {{.N}})", map[string]any{"Role": r.Name, "N": i}))
		}
	}
	return out, nil
}

func contactsView(u *ui) view {
	var cr contactRoles
	sortCol := colName
	s := &section[handbook.Contact, *handbook.Contact]{
		u:         u,
		noun:      "contact",
		listShare: 0.58,
		blank:     func() handbook.Contact { return handbook.Contact{} },
		sub: func(c handbook.Contact) string {
			return strings.Join(nonEmpty(c.Team, c.Function, c.Organisation, strings.Join(c.Phones(), " ")), " ")
		},
		detail: func(c handbook.Contact) fyne.CanvasObject { return contactDetail(u, c, cr) },
		edit:   contactForm,
	}
	cell := func(c handbook.Contact, col int) string {
		switch col {
		case colName:
			return c.FullName()
		case colTeam:
			return strings.Join(nonEmpty(c.Team, c.Organisation), " · ")
		case colRole:
			return strings.Join(cr.roles[c.ID], ", ")
		case colDeputies:
			return strings.Join(cr.deputies[c.ID], ", ")
		case colMobile:
			return c.PhoneMobile
		case colOffice:
			return c.PhoneOffice
		case colVerified:
			if strings.TrimSpace(c.Correction) != "" {
				return "⚠ " + lang.L("to correct")
			}
			if c.Stale(u.now(), handbook.DefaultStaleAfterDays) {
				return "⚠ " + lang.L("stale")
			}
			return day(c.LastVerifiedAt)
		}
		return ""
	}
	// Thousands of contacts take a moment to read: off the UI thread.
	s.load = func(ctx context.Context) ([]handbook.Contact, func(), error) {
		cs, err := store.List[handbook.Contact](ctx, u.st)
		if err != nil {
			return nil, nil, err
		}
		roles, err := readContactRoles(ctx, u.st, cs)
		if err != nil {
			return nil, nil, err
		}
		return cs, func() { cr = roles }, nil
	}
	// The sort keys are folded once per contact, not once per comparison.
	s.order = func(cs []handbook.Contact) {
		type keyed struct {
			c         handbook.Contact
			key, name string
		}
		ks := make([]keyed, len(cs))
		for i, c := range cs {
			ks[i] = keyed{c: c, name: fold(c.Name)}
			ks[i].key = ks[i].name // "Dr. Özdemir" under Ö
			if sortCol != colName {
				ks[i].key = fold(cell(c, sortCol))
			}
		}
		slices.SortStableFunc(ks, func(a, b keyed) int {
			if a.key == "" || b.key == "" {
				return cmp.Compare(boolRank(a.key == ""), boolRank(b.key == ""))
			}
			return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.name, b.name))
		})
		for i := range ks {
			cs[i] = ks[i].c
		}
	}
	s.makeList = func() (fyne.CanvasObject, func(), func(int)) {
		var t *keyTable
		t = newKeyTable(
			func() (int, int) { return len(s.shown), len(contactColumns) },
			func() fyne.CanvasObject {
				l := widget.NewLabel("")
				l.Truncation = fyne.TextTruncateEllipsis
				return l
			},
			func(id widget.TableCellID, o fyne.CanvasObject) {
				l := o.(*widget.Label)
				c := s.items[s.shown[id.Row]]
				l.SetText(cell(c, id.Col))
				l.Importance = widget.MediumImportance
				if id.Col == colVerified && (c.Stale(u.now(), handbook.DefaultStaleAfterDays) || strings.TrimSpace(c.Correction) != "") {
					l.Importance = widget.WarningImportance
				}
				l.Refresh()
			}, func(id widget.TableCellID) {
				if s.busy || id.Row < 0 || id.Row >= len(s.shown) {
					return
				}
				c := s.items[s.shown[id.Row]]
				if contactColumns[id.Col].phone {
					if p := cell(c, id.Col); p != "" {
						u.copy(p)
					}
				}
				s.rowSelected(id.Row)
			})
		t.sortBy = func(col int) {
			sortCol = col
			s.order(s.items)
			s.applyFilter()
			t.Refresh()
		}
		t.CreateHeader = func() fyne.CanvasObject { return newColumnHead() }
		t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
			h := o.(*columnHead)
			if id.Col < 0 {
				return
			}
			text := lang.L(contactColumns[id.Col].title)
			if id.Col == sortCol {
				text += " ▾"
			}
			h.SetText(text)
			col := id.Col
			h.OnTapped = func() { t.sortBy(col) }
		}
		for i, c := range contactColumns {
			t.SetColumnWidth(i, c.width)
		}
		t.onEscape = u.escape
		return t, t.Refresh, func(row int) {
			if row < 0 {
				t.UnselectAll()
				return
			}
			t.Select(widget.TableCellID{Row: row, Col: colName})
		}
	}
	return contactTools(u, s.view())
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// copy puts text on the clipboard and says so.
func (u *ui) copy(text string) {
	u.app.Clipboard().SetContent(text)
	u.app.SendNotification(fyne.NewNotification(lang.L("Copied"), text))
}

func contactDetail(u *ui, c handbook.Contact, cr contactRoles) fyne.CanvasObject {
	box := container.NewVBox()
	verified := day(c.LastVerifiedAt)
	if verified == "" {
		verified = lang.L("never")
	}
	if c.Stale(u.now(), handbook.DefaultStaleAfterDays) {
		warn := widget.NewLabel("⚠ " + lang.L("This contact has not been verified for a long time. Call or write to check the details, then press “Verified today”."))
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		box.Add(warn)
	}
	if corr := strings.TrimSpace(c.Correction); corr != "" {
		warn := widget.NewLabel("⚠ " + lang.L("To correct: {{.What}}", map[string]any{"What": corr}))
		warn.Importance = widget.DangerImportance
		warn.Wrapping = fyne.TextWrapWord
		box.Add(warn)
	}
	kind := ""
	if c.External {
		kind = strings.Join(nonEmpty(lang.L("external"), contactKindLabel(c.Kind)), " · ")
	}
	// One grid for every row, so the phone rows line up with the rest.
	grid := container.New(layout.NewFormLayout())
	addProps(grid,
		[2]string{lang.L("Organisation"), c.Organisation},
		[2]string{lang.L("Team"), c.Team},
		[2]string{lang.L("Function"), c.Function},
		[2]string{lang.L("Kind"), kind},
	)
	phones := []struct{ label, number string }{
		{lang.L("Mobile"), c.PhoneMobile}, {lang.L("Office"), c.PhoneOffice}, {lang.L("Private"), c.PhonePrivate},
	}
	for _, p := range phones {
		if p.number == "" {
			continue
		}
		num := widget.NewLabelWithStyle(p.number, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		num.Selectable = true
		copyBtn := newIconButton(lang.L("Copy"), theme.ContentCopyIcon(), func() { u.copy(p.number) })
		grid.Add(widget.NewLabelWithStyle(p.label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		grid.Add(container.NewHBox(num, copyBtn))
	}
	addProps(grid,
		[2]string{lang.L("Email"), c.Email},
		[2]string{lang.L("Other channels"), c.Channels},
		[2]string{lang.L("Location"), c.Location},
		[2]string{lang.L("Roles"), strings.Join(cr.roles[c.ID], ", ")},
		[2]string{lang.L("Deputies"), strings.Join(cr.deputies[c.ID], ", ")},
		[2]string{lang.L("Last verified"), verified},
		[2]string{lang.L("Notes"), c.Notes},
	)
	box.Add(grid)
	return box
}

func contactForm(f *form, c *handbook.Contact) {
	f.text("honorific", lang.L("Title (Dr., Prof.)"), &c.Honorific)
	f.text("name", lang.L("Name"), &c.Name)
	f.text("organisation", lang.L("Organisation"), &c.Organisation)
	f.text("team", lang.L("Team"), &c.Team)
	f.text("function", lang.L("Function"), &c.Function)
	f.phone("phone_mobile", lang.L("Mobile"), &c.PhoneMobile)
	f.phone("phone_office", lang.L("Office"), &c.PhoneOffice)
	f.phone("phone_private", lang.L("Private"), &c.PhonePrivate)
	f.text("email", lang.L("Email"), &c.Email)
	f.multiline("channels", lang.L("Other channels (one per line)"), &c.Channels)
	f.text("location", lang.L("Location"), &c.Location)
	f.check("external", lang.L("External (provider, authority, insurer)"), &c.External)
	kind := f.text("kind", lang.L("Kind"), &c.Kind)
	kind.SetText(contactKindLabel(c.Kind))
	kind.SetPlaceHolder(lang.L("e.g. authority, provider, insurer, police"))
	fl := f.fields[len(f.fields)-1]
	fl.apply = func() error { c.Kind = contactKind(kind.Text); return nil }
	f.multiline("notes", lang.L("Notes"), &c.Notes)
	if c.Correction != "" {
		f.multiline("correction", lang.L("To correct (empty it once corrected)"), &c.Correction)
	}
}

// contactKinds are the kinds of external contact the handbook knows (the
// binder groups by them and its alarm card lists some); the store keeps
// the code, the window shows the word.
var contactKinds = []string{"agency", "authority", "forensics", "hoster", "insurer", "law_firm", "organisation", "police", "provider"}

// contactKindLabel is the word for a kind of external contact; a kind
// typed by hand shows as typed.
func contactKindLabel(kind string) string {
	if !slices.Contains(contactKinds, kind) {
		return kind
	}
	key := "kind." + kind // the catalogues hold each kind.* key
	return lang.X(key, map[string]string{"agency": "agency", "authority": "authority", "forensics": "forensics",
		"hoster": "hosting provider", "insurer": "insurer", "law_firm": "law firm", "organisation": "organisation",
		"police": "police", "provider": "provider"}[kind])
}

// contactKind is the code of a kind typed in the form: a known kind's word
// in the language on display, or its code, gives the code; anything else
// stays as typed.
func contactKind(typed string) string {
	t := strings.TrimSpace(typed)
	for _, k := range contactKinds {
		if strings.EqualFold(t, contactKindLabel(k)) || strings.EqualFold(t, k) {
			return k
		}
	}
	return t
}
