package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// putIncident stores a running incident from pb (nil for a blank one) with
// its start entry and the given log entries, and opens it.
func putIncident(t *testing.T, u *ui, pb *handbook.Playbook, entries ...handbook.LogEntry) handbook.Incident {
	t.Helper()
	title := ""
	if pb == nil {
		title = "Stromausfall"
	}
	inc, start := handbook.StartIncident(pb, title, testNow.Add(-time.Hour), testNow.Add(-time.Hour), testAuthor)
	if err := store.Put(u.ctx, u.st, &inc); err != nil {
		t.Fatal(err)
	}
	for _, e := range append([]handbook.LogEntry{start}, entries...) {
		e.IncidentID = inc.ID
		if err := store.Put(u.ctx, u.st, &e); err != nil {
			t.Fatal(err)
		}
	}
	u.openIncident(inc.ID)
	return inc
}

func TestIncidentDateInput(t *testing.T) {
	t.Run("start dialog prefills the German date", func(t *testing.T) {
		u := newIncidentUI(t)
		u.startIncidentDialog("")
		d := u.dialogTop()
		if got := entryWithPlaceholder(t, d, "TT.MM.JJJJ").Text; got != "26.11.2026" {
			t.Fatalf("date prefilled as %q, want 26.11.2026", got)
		}
		if got := entryWithPlaceholder(t, d, "14:30").Text; got != "09:00" {
			t.Fatalf("time prefilled as %q, want 09:00", got)
		}
	})

	aware := []struct {
		name, date string
		want       time.Time
	}{
		{"German", "25.11.2026", time.Date(2026, 11, 25, 7, 30, 0, 0, time.UTC)},
		{"German short", "5.3.2026", time.Date(2026, 3, 5, 7, 30, 0, 0, time.UTC)},
		{"ISO", "2026-11-25", time.Date(2026, 11, 25, 7, 30, 0, 0, time.UTC)},
		{"spaces around", " 25.11.2026 ", time.Date(2026, 11, 25, 7, 30, 0, 0, time.UTC)},
	}
	for _, tt := range aware {
		t.Run("aware since "+tt.name, func(t *testing.T) {
			u := newIncidentUI(t)
			startFromPlaybook(t, u, tt.date, "07:30", "")
			if got := onlyIncident(t, u).AwareAt; !got.Equal(tt.want) {
				t.Fatalf("aware since %v, want %v", got, tt.want)
			}
		})
	}

	due := []struct {
		name, typed string
		want        time.Time
		problem     string
	}{
		{"German", "15.12.2026", time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC), ""},
		{"German short", "1.2.2027", time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), ""},
		{"ISO", "2026-12-15", time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC), ""},
		{"slashes refused", "15/12/2026", time.Time{}, "Fälligkeitsdatum als TT.MM.JJJJ"},
	}
	for _, tt := range due {
		t.Run("action due "+tt.name, func(t *testing.T) {
			u := newIncidentUI(t)
			inc := putIncident(t, u, nil)
			test.Tap(findButton(t, u.body, "Vorfall abschließen …"))
			d := u.dialogTop()
			if !hasText(d, "Fällig (TT.MM.JJJJ)") {
				t.Fatalf("due column without the German hint: %q", texts(d))
			}
			entryWithPlaceholder(t, d, "z. B. Wiederherstellung aus dem Offline-Backup testen").SetText("Notstrom testen")
			entryWithPlaceholder(t, d, "TT.MM.JJJJ").SetText(tt.typed)
			test.Tap(findButton(t, d, "Vorfall abschließen"))
			actions, _ := store.List[handbook.Action](u.ctx, u.st)
			i := slices.IndexFunc(actions, func(a handbook.Action) bool { return a.SourceID == inc.ID })
			if tt.problem != "" {
				if i >= 0 || !hasText(u.dialogTop(), tt.problem) {
					t.Fatalf("refused date stored (%v) or problem %q not shown", i >= 0, tt.problem)
				}
				if !onlyIncident(t, u).ClosedAt.IsZero() {
					t.Fatal("incident closed despite the problem")
				}
				return
			}
			if i < 0 || !actions[i].Due.Equal(tt.want) {
				t.Fatalf("action = %+v, want due %v", actions, tt.want)
			}
		})
	}
}

// TestDuePlaceholderIsNoDate is issue 14, defect 6: the close dialog's
// due input showed an example date ("30.12.2026") as its placeholder; it
// looked entered, and the action was saved without a due date. The hint
// names the format and no input hint of the dialog reads as a date.
func TestDuePlaceholderIsNoDate(t *testing.T) {
	u := newIncidentUI(t)
	putIncident(t, u, nil)
	test.Tap(findButton(t, u.body, "Vorfall abschließen …"))
	d := u.dialogTop()
	n := 0
	walk(d, func(o fyne.CanvasObject) {
		e, ok := o.(*widget.Entry)
		if !ok || e.PlaceHolder == "" {
			return
		}
		n++
		if _, err := parseDate(e.PlaceHolder); err == nil {
			t.Errorf("input hint %q reads as a date", e.PlaceHolder)
		}
	})
	if n < 3 {
		t.Fatalf("only %d inputs with hints found", n)
	}
	entryWithPlaceholder(t, d, "TT.MM.JJJJ")
}

func TestStartLevelFromSeverity(t *testing.T) {
	tests := []struct {
		name     string
		playbook string
		drop     int // escalation level removed from the matrix first, 0 for none
		want     string
		wantLvl  int
	}{
		{"critical", "Ransomware-Angriff", 0, "Stufe 3 – Krise", 3},
		{"high", "Datenverlust", 0, "Stufe 2 – Schwerer Vorfall", 2},
		{"critical without level 3", "Ransomware-Angriff", 3, "–", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newIncidentUI(t)
			if tt.drop != 0 {
				levels, _ := store.List[handbook.EscalationLevel](u.ctx, u.st)
				i := slices.IndexFunc(levels, func(l handbook.EscalationLevel) bool { return l.Level == tt.drop })
				if err := u.st.Delete(u.ctx, handbook.EntityEscalation, levels[i].ID); err != nil {
					t.Fatal(err)
				}
			}
			pbs, _ := store.List[handbook.Playbook](u.ctx, u.st)
			pb := pbs[slices.IndexFunc(pbs, func(p handbook.Playbook) bool { return p.Title == tt.playbook })]
			u.startIncidentDialog(pb.ID)
			d := u.dialogTop()
			level := find(t, d, "level select", func(s *widget.Select) bool {
				return slices.Contains(s.Options, "–") && s.Options[1] == "Stufe 1 – Störung"
			})
			if level.Selected != tt.want {
				t.Fatalf("level %q preselected for %s, want %q", level.Selected, pb.Severity, tt.want)
			}
			test.Tap(findButton(t, d, "Vorfall starten"))
			if got := onlyIncident(t, u).Level; got != tt.wantLvl {
				t.Fatalf("incident level = %d, want %d", got, tt.wantLvl)
			}
		})
	}

	t.Run("medium and low suggest level 1", func(t *testing.T) {
		for _, sev := range []handbook.Severity{handbook.SeverityMedium, handbook.SeverityLow} {
			f := &startForm{levels: []handbook.EscalationLevel{{Level: 1}, {Level: 2}, {Level: 3}}}
			if got := f.levelIndex(handbook.SuggestedLevel(sev)); got != 1 {
				t.Errorf("%s suggests option %d, want 1", sev, got)
			}
		}
	})

	t.Run("a level chosen by hand stays when the playbook changes", func(t *testing.T) {
		u := newIncidentUI(t)
		u.startIncidentDialog("")
		d := u.dialogTop()
		level := find(t, d, "level select", func(s *widget.Select) bool { return slices.Contains(s.Options, "Stufe 1 – Störung") })
		playbook := find(t, d, "playbook select", func(s *widget.Select) bool { return slices.Contains(s.Options, "Datenverlust") })
		playbook.SetSelected("Datenverlust")
		if level.Selected != "Stufe 2 – Schwerer Vorfall" {
			t.Fatalf("level %q for a high playbook", level.Selected)
		}
		playbook.SetSelected("Ransomware-Angriff")
		if level.Selected != "Stufe 3 – Krise" {
			t.Fatalf("suggested level not updated for a critical playbook: %q", level.Selected)
		}
		level.SetSelected("Stufe 1 – Störung")
		playbook.SetSelected("Datenverlust")
		if level.Selected != "Stufe 1 – Störung" {
			t.Fatalf("level chosen by hand replaced by %q", level.Selected)
		}
	})
}

func TestCloseWarnsOfOpenSteps(t *testing.T) {
	tests := []struct {
		name   string
		blank  bool
		ticked int // steps ticked before closing; -1 for all
		want   string
	}{
		{"two of many ticked", false, 2, "⚠ Noch %d von %d Schritten offen – trotzdem abschließen?"},
		{"all ticked", false, -1, ""},
		{"no checklist", true, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newIncidentUI(t)
			var pb *handbook.Playbook
			var entries []handbook.LogEntry
			total := 0
			if !tt.blank {
				p := ransomware(t, u)
				pb = &p
				draft, _ := handbook.StartIncident(pb, "", testNow, testNow, testAuthor)
				steps := handbook.Checklist(draft, nil)
				total = len(steps)
				n := tt.ticked
				if n < 0 {
					n = total
				}
				for _, s := range steps[:n] {
					entries = append(entries, handbook.LogEntry{At: testNow, Author: testAuthor, Kind: handbook.LogStep, StepKey: s.Key, Text: s.Text})
				}
			}
			putIncident(t, u, pb, entries...)
			test.Tap(findButton(t, u.body, "Vorfall abschließen …"))
			d := u.dialogTop()
			warned := hasText(d, "Schritten offen")
			if tt.want == "" {
				if warned {
					t.Fatalf("warning shown without open steps: %q", texts(d))
				}
			} else if want := fmt.Sprintf(tt.want, total-tt.ticked, total); !slices.Contains(texts(d), want) {
				t.Fatalf("no warning %q among %q", want, texts(d))
			}
			test.Tap(findButton(t, d, "Vorfall abschließen"))
			if onlyIncident(t, u).ClosedAt.IsZero() {
				t.Fatal("incident not closed")
			}
		})
	}
}

func TestRoleMentionShowsOnDuty(t *testing.T) {
	t.Run("annotate", func(t *testing.T) {
		who := func(m string) string {
			if m == "IT-Lead" {
				return "Jonas Petersen"
			}
			return ""
		}
		tests := []struct{ in, want string }{
			{"Server isolieren @IT-Lead (15 min)", "Server isolieren @IT-Lead (Jonas Petersen) (15 min)"},
			{"@IT-Lead zuerst", "@IT-Lead (Jonas Petersen) zuerst"},
			{"Unbekannt @Hausmeister", "Unbekannt @Hausmeister"},
			{"Mail an it@IT-Lead.de", "Mail an it@IT-Lead.de"},
		}
		for _, tt := range tests {
			if got := annotate(tt.in, who); got != tt.want {
				t.Errorf("annotate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		}
	})

	t.Run("playbook detail", func(t *testing.T) {
		u := newIncidentUI(t)
		pb := ransomware(t, u)
		u.open(handbook.EntityPlaybook, pb.ID)
		if !hasText(u.body, "@IT-Lead (Jonas Petersen)") {
			t.Fatalf("no on-duty name after the mention: %q", texts(u.body))
		}
		if stored, _ := store.Get[handbook.Playbook](u.ctx, u.st, pb.ID); stored.Body != pb.Body || strings.Contains(stored.Body, "Jonas Petersen") {
			t.Fatal("the stored Markdown changed")
		}
	})

	t.Run("incident checklist", func(t *testing.T) {
		u := newIncidentUI(t)
		pb := ransomware(t, u)
		inc := putIncident(t, u, &pb)
		if !slices.Contains(texts(u.body), "@IT-Lead (Jonas Petersen)") {
			t.Fatalf("checklist role without the person on duty: %q", texts(u.body))
		}
		if stored := onlyIncident(t, u); stored.PlaybookSnapshot != inc.PlaybookSnapshot || strings.Contains(stored.PlaybookSnapshot, "Jonas Petersen") {
			t.Fatal("the incident's snapshot changed")
		}
	})

	t.Run("role without holders", func(t *testing.T) {
		u := newIncidentUI(t)
		roles, _ := store.List[handbook.Role](u.ctx, u.st)
		i := slices.IndexFunc(roles, func(r handbook.Role) bool { return r.Name == "IT-Lead" })
		before, after := roles[i], roles[i]
		after.Holders = nil
		if err := store.Edit(u.ctx, u.st, &before, &after); err != nil {
			t.Fatal(err)
		}
		u.open(handbook.EntityPlaybook, ransomware(t, u).ID)
		if !hasText(u.body, "@IT-Lead (⚠ niemand zugeordnet)") {
			t.Fatalf("a role nobody holds is not marked: %q", texts(u.body))
		}
	})
}

// An awareness time typed for the hour the clocks go back (02:30 on
// 25 October 2026 in Berlin, which happens twice) is its first occurrence,
// so the deadlines counted from it are never an hour late.
func TestTypedTimeInRepeatedHourIsTheFirst(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data")
	}
	saved := time.Local
	time.Local = berlin
	defer func() { time.Local = saved }()
	got, err := parseDateClock("25.10.2026", "02:30")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("25.10.2026 02:30 read as %s, want its first occurrence %s", got.UTC().Format(time.RFC3339), want.Format(time.RFC3339))
	}
}

// TestWindowFollowsTheCommandLine: an incident started on the command
// line (another program on the same handbook file) shows in the open
// window's badge within a few seconds, without anyone clicking.
func TestWindowFollowsTheCommandLine(t *testing.T) {
	u := newTestUI(t)
	if u.badge == nil || u.badge.Visible() {
		t.Fatal("want the demo without a running incident and the badge hidden")
	}
	cli, err := store.Open(u.ctx, u.st.Path(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if _, err := ops.New(cli, ops.Config{}).StartIncident(u.ctx, ops.StartIncident{Title: "Von der Kommandozeile", By: "Rita Red"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(4 * outsideEvery)
	for time.Now().Before(deadline) {
		if u.badge.Visible() && u.badge.Text == "1 laufender Vorfall" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("badge %q (visible %v) after another program started an incident, want \"1 laufender Vorfall\"", u.badge.Text, u.badge.Visible())
}
