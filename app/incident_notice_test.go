package app

import (
	"context"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/ops"
	"ernstfall/internal/store"
)

// TestRunningIncidentFollowsNotices: the running incident on screen
// follows the store's notices. A log entry re-reads only the incident and
// its log, not the whole handbook: a role renamed by another program in
// the meantime (whose commit this window is not told of) stays as read
// until the window hears of a change to the people; then it shows.
func TestRunningIncidentFollowsNotices(t *testing.T) {
	u := newIncidentUI(t)
	startFromPlaybook(t, u, "25.11.2026", "12:00", "")
	inc := onlyIncident(t, u)
	if inc.OwnerRole == "" {
		t.Fatal("the incident has no owner role")
	}
	owner, err := store.Get[handbook.Role](u.ctx, u.st, inc.OwnerRole)
	if err != nil {
		t.Fatal(err)
	}
	if !hasText(u.body, "Verantwortlich: "+owner.Name) {
		t.Fatalf("the owner %q is not shown: %q", owner.Name, texts(u.body))
	}

	// Another program renames the owner role in the same file. The
	// window does not look for other programs' commits meanwhile: it
	// would find this one when the test runs slowly.
	u.stopOutside()
	ctx := context.Background()
	other, err := store.Open(ctx, u.st.Path(), store.Options{Now: u.now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	renamed := owner
	renamed.Name = "Krisenstab (umbenannt)"
	if err := ops.Save(ctx, ops.New(other, ops.Config{Now: u.now}), &owner, &renamed); err != nil {
		t.Fatal(err)
	}

	t.Run("a log entry reads the incident and its log", func(t *testing.T) {
		note := entryWithPlaceholder(t, u.body, "Was ist passiert, was wurde entschieden, wer wurde angerufen …")
		note.SetText("Backup-Server getrennt")
		findButton(t, u.body, "Eintragen").OnTapped()
		if !hasText(u.body, "Backup-Server getrennt") {
			t.Fatalf("the new entry is not shown: %q", texts(u.body))
		}
		if !hasText(u.body, "Verantwortlich: "+owner.Name) || hasText(u.body, renamed.Name) {
			t.Fatalf("the log entry re-read the whole handbook: %q", texts(u.body))
		}
	})

	t.Run("an escalation by another program shows", func(t *testing.T) {
		facts := strings.Join(texts(u.body), " ")
		if !strings.Contains(facts, "Eskalation: Stufe 3") {
			t.Fatalf("the incident does not start at level 3: %q", facts)
		}
		_, err := ops.New(other, ops.Config{Now: u.now}).Escalate(ctx, ops.Escalate{IncidentID: inc.ID, Level: 2, Reason: "Lage unter Kontrolle"})
		if err != nil {
			t.Fatal(err)
		}
		u.noticed([]store.Notice{{Entity: handbook.EntityLogEntry}})
		if facts := strings.Join(texts(u.body), " "); !strings.Contains(facts, "Eskalation: Stufe 2") || strings.Contains(facts, "Eskalation: Stufe 3") {
			t.Fatalf("the escalation is not shown: %q", facts)
		}
	})

	t.Run("a change to the people reads them again", func(t *testing.T) {
		u.noticed([]store.Notice{{Entity: handbook.EntityRole, ID: owner.ID}})
		if !hasText(u.body, "Verantwortlich: "+renamed.Name) {
			t.Fatalf("the renamed owner is not shown: %q", texts(u.body))
		}
		if !hasText(u.body, "Backup-Server getrennt") {
			t.Fatalf("the log is gone after reading the people: %q", texts(u.body))
		}
	})
}
