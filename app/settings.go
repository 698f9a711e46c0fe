package app

import (
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/store"
)

// languageOptions are the choices of the language setting; "" follows the system.
func languageOptions() []option {
	return []option{{"", lang.L("Follow the system")}, {"de", "Deutsch"}, {"en", "English"}}
}

func settingsView(u *ui) view {
	prefs := u.app.Preferences()
	opts := languageOptions()
	labels := make([]string, len(opts))
	sel := 0
	for i, o := range opts {
		labels[i] = o.label
		if o.value == prefs.String(prefLanguage) {
			sel = i
		}
	}
	notice := widget.NewLabel("")
	notice.Importance = widget.WarningImportance
	notice.Hide()
	language := widget.NewSelect(labels, nil)
	language.SetSelectedIndex(sel)
	language.OnChanged = func(string) {
		prefs.SetString(prefLanguage, opts[language.SelectedIndex()].value)
		notice.SetText(lang.L("Takes effect after a restart."))
		notice.Show()
	}

	hbSettings, err := u.st.Settings(u.ctx)
	if err != nil {
		u.loadFailed(err)
	}
	f := newForm(u)
	page := f.page
	f.text("organisation", lang.L("Organisation"), &hbSettings.Organisation)
	f.text("address", lang.L("Address (for messages)"), &hbSettings.Address)
	f.text("classification", lang.L("Classification"), &hbSettings.Classification)
	f.text("location", lang.L("Where the handbook is kept"), &hbSettings.Location)
	f.text("default_country", lang.L("Country code for local phone numbers"), &hbSettings.DefaultCountry)
	saved := widget.NewLabel("")
	// Only this card's fields are written, onto the settings as stored
	// now: the card of the business impact analysis saves its own.
	f.put = func() error {
		cur, err := u.st.Settings(u.ctx)
		if err != nil {
			return err
		}
		cur.Organisation, cur.Address, cur.Classification = hbSettings.Organisation, hbSettings.Address, hbSettings.Classification
		cur.Location, cur.DefaultCountry = hbSettings.Location, hbSettings.DefaultCountry
		return u.ops.SaveSettings(u.ctx, cur)
	}
	f.saved = func() { saved.SetText("✓ " + lang.L("Saved.")) }
	f.cancel = func() { u.show(u.current) }
	track := func() {
		u.editor = f
		saved.SetText("")
	}
	for _, fl := range f.fields {
		if e, ok := fl.input.(*formEntry); ok {
			prev := e.OnChanged
			e.OnChanged = func(s string) {
				prev(s)
				track()
			}
		}
	}

	saveBtn := newIconButton(lang.L("Save"), theme.DocumentSaveIcon(), func() { f.save() })
	box := container.NewVBox(
		widget.NewCard(lang.L("Language"), "", container.NewVBox(language, notice)),
		personSetting(u, page),
		widget.NewCard(lang.L("Handbook"), "", container.NewVBox(f.general, f.box, container.NewHBox(saveBtn, saved))),
		biaSettings(u, page),
		widget.NewCard(lang.L("Synchronisation"), "", u.syncSettings(page)),
		widget.NewCard(lang.L("Database"), "", widget.NewLabel(u.st.Path())),
	)
	hist := newHistoryPane(u)
	backups := newBackupsPane(u)
	u.history, u.backups = hist, backups
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("General"), theme.SettingsIcon(), page.wrap(container.NewPadded(box))),
		container.NewTabItemWithIcon(lang.L("History"), theme.HistoryIcon(), hist.content),
		container.NewTabItemWithIcon(lang.L("Backups"), theme.StorageIcon(), backups.content),
	)
	// The history and the backups are read when their tab is first shown.
	tabs.OnSelected = func(t *container.TabItem) {
		switch {
		case t.Content == hist.content && !hist.loaded:
			hist.load()
		case t.Content == backups.content && !backups.loaded:
			backups.load()
		}
	}
	return view{content: tabs, tabs: tabs, changed: func([]store.Notice) {
		if hist.loaded {
			hist.load()
		}
	}}
}
