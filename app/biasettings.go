package app

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
)

// biaSettings edits the settings of the business impact analysis: the
// impact categories, the time points, the threshold and the RTO factor.
// Saving writes these fields onto the settings as they are stored then,
// so the other settings cards never undo each other.
func biaSettings(u *ui, page *scrollPage) fyne.CanvasObject {
	st, err := u.st.Settings(u.ctx)
	if err != nil {
		u.loadFailed(err)
	}
	cfg := st.BIA()
	f := newForm(u)
	f.page = page
	saved := widget.NewLabel("")
	track := func() {
		f.changed()
		u.editor = f
		saved.SetText("")
	}

	cats := newListEditor(lang.L("Add category"), page, track)
	for _, c := range cfg.Categories {
		cats.add(c.Key, i18n.CategoryName(c, tr), "")
	}
	var categories []handbook.ImpactCategory
	f.add("impact_categories", lang.L("Impact categories"), cats, func() error {
		categories = nil
		for _, r := range cats.rows {
			name := strings.TrimSpace(r.entry.Text)
			key := r.key
			if key == "" {
				if name == "" {
					continue
				}
				key = handbook.CategoryKeyFor(name, categories)
			}
			if builtin(key) && name == i18n.CategoryName(handbook.ImpactCategory{Key: key}, tr) {
				name = ""
			}
			if !builtin(key) && name == "" {
				return errors.New(lang.L("Give every category a name."))
			}
			categories = append(categories, handbook.ImpactCategory{Key: key, Name: name})
		}
		if len(categories) == 0 {
			return errors.New(lang.L("Keep at least one category."))
		}
		return nil
	})

	points := newListEditor(lang.L("Add time point"), page, track)
	for _, t := range cfg.TimePoints {
		points.add("", span(t), "")
	}
	var timePoints []handbook.Minutes
	f.add("time_points", lang.L("Time points (after the start of the disruption)"), points, func() error {
		timePoints = nil
		for _, r := range points.rows {
			if strings.TrimSpace(r.entry.Text) == "" {
				continue
			}
			m, err := handbook.ParseDuration(r.entry.Text)
			if err != nil {
				return errors.New(lang.L("{{.Text}}: enter a duration with its unit, such as 4 h, 1 day, 2 weeks or 30 min.",
					map[string]any{"Text": "„" + strings.TrimSpace(r.entry.Text) + "“"}))
			}
			timePoints = append(timePoints, m)
		}
		if len(timePoints) == 0 {
			return errors.New(lang.L("Keep at least one time point."))
		}
		slices.Sort(timePoints)
		return nil
	})

	var levels []option
	for _, r := range handbook.Ratings {
		levels = append(levels, option{strconv.Itoa(int(r)), lang.L(i18n.RatingKeys[r])})
	}
	threshold := strconv.Itoa(int(cfg.Threshold))
	f.choice("impact_threshold", lang.L("Intolerable from the rating"), &threshold, levels).OnChanged = func(string) { track() }

	factor := f.entry(false)
	factor.SetText(i18n.Decimal(cfg.RTOFactor, tr))
	factor.OnChanged = func(string) { track() }
	var rtoFactor float64
	f.add("rto_factor", lang.L("Required RTO = MTPD × factor"), factor, func() error {
		v, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(factor.Text), ",", ".", 1), 64)
		if err != nil {
			return errors.New(lang.L("Enter a number such as 0,5."))
		}
		rtoFactor = v
		return nil
	})

	f.put = func() error {
		cur, err := u.st.Settings(u.ctx)
		if err != nil {
			return err
		}
		cur.ImpactCategories, cur.TimePoints, cur.ImpactThreshold, cur.RTOFactor = nil, nil, 0, 0
		if !slices.Equal(categories, handbook.DefaultImpactCategories) {
			cur.ImpactCategories = categories
		}
		if !slices.Equal(timePoints, handbook.DefaultTimePoints) {
			cur.TimePoints = timePoints
		}
		if n, _ := strconv.Atoi(threshold); n != handbook.DefaultImpactThreshold {
			cur.ImpactThreshold = n
		}
		if rtoFactor != handbook.DefaultRTOFactor {
			cur.RTOFactor = rtoFactor
			if rtoFactor == 0 {
				cur.RTOFactor = -1 // refused by the check, which names the value
			}
		}
		return u.ops.SaveSettings(u.ctx, cur)
	}
	f.saved = func() { saved.SetText("✓ " + lang.L("Saved.")) }
	f.cancel = func() { u.show(u.current) }
	intro := widget.NewLabel(lang.L("Each business process is rated in these categories at these time points. The first time point at which a category reaches the threshold is its MTPD (maximum tolerable period of disruption)."))
	intro.Wrapping = fyne.TextWrapWord
	saveBtn := newIconButton(lang.L("Save"), theme.DocumentSaveIcon(), func() { f.save() })
	return widget.NewCard(lang.L("Business impact analysis"), "", container.NewVBox(intro, f.general, f.box, container.NewHBox(saveBtn, saved)))
}

// builtin reports a built-in impact category, which each language names.
func builtin(key string) bool {
	_, ok := i18n.CategoryKeys[key]
	return ok
}

// listEditor edits a short list of texts: a row each, removable, and a
// button that adds an empty row.
type listEditor struct {
	widget.BaseWidget
	rows    []*listRow
	box     *fyne.Container
	addBtn  *button
	changed func()
	// page, when not nil, is the scroller around the list.
	page *scrollPage
}

type listRow struct {
	key   string
	entry *formEntry
	row   fyne.CanvasObject
}

func newListEditor(addLabel string, page *scrollPage, changed func()) *listEditor {
	l := &listEditor{box: container.NewVBox(), changed: changed, page: page}
	l.addBtn = newIconButton(addLabel, theme.ContentAddIcon(), func() {
		l.add("", "", "")
		changed()
	})
	l.box.Add(l.addBtn)
	l.ExtendBaseWidget(l)
	return l
}

// add appends a row: key identifies it (kept through renames), text is
// its value, hint the placeholder.
func (l *listEditor) add(key, text, hint string) {
	e := l.page.field()
	e.SetText(text)
	e.SetPlaceHolder(hint)
	e.OnChanged = func(string) { l.changed() }
	r := &listRow{key: key, entry: e}
	del := newIconButton("", theme.DeleteIcon(), nil)
	r.row = container.NewBorder(nil, nil, nil, del, e)
	del.OnTapped = func() {
		l.rows = slices.DeleteFunc(l.rows, func(x *listRow) bool { return x == r })
		l.box.Remove(r.row)
		l.changed()
	}
	l.rows = append(l.rows, r)
	l.box.Objects = slices.Insert(l.box.Objects, len(l.box.Objects)-1, r.row)
	l.box.Refresh()
}

// CreateRenderer shows the rows and the add button.
func (l *listEditor) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(l.box) }
