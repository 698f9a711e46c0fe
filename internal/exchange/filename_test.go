package exchange

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
)

// TestSlugWindows: every file name an export writes is one Windows accepts
// (this runs on Linux; the package check runs the exe under Wine).
func TestSlugWindows(t *testing.T) {
	tests := []struct{ title, want string }{
		{"CON", "con_"},
		{"con", "con_"},
		{"Aux", "aux_"},
		{"PRN", "prn_"},
		{"nul", "nul_"},
		{"NUL.", "nul_"},
		{"COM1", "com1_"},
		{"lpt9", "lpt9_"},
		{"LPT0", "lpt0_"},
		{"COM10", "com10"},
		{"Console", "console"},
		{"con 1", "con-1"},
		{"Server: down", "server-down"},
		{`a<b>c:d"e/f\g|h?i*j`, "a-b-c-d-e-f-g-h-i-j"},
		{"Ende mit Punkt.", "ende-mit-punkt"},
		{"Ende mit Leerzeichen   ", "ende-mit-leerzeichen"},
		{"...", "ohne-titel"},
		{"Störung Groß", "stoerung-gross"},
		{"\x00\x1f", "ohne-titel"},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			if got := slug(tt.title); got != tt.want {
				t.Errorf("slug(%q) = %q, want %q", tt.title, got, tt.want)
			}
		})
	}
	t.Run("long titles stay within Windows' path limit", func(t *testing.T) {
		got := slug(strings.Repeat("Wiederanlauf des Rechenzentrums nach Stromausfall ", 10))
		if len(got) > 60 || strings.HasSuffix(got, "-") {
			t.Errorf("slug of a long title = %q (%d characters)", got, len(got))
		}
	})
}

// TestFolderWindowsNames exports playbooks whose titles are Windows device
// names or full of forbidden characters, and reads them back: every file
// name is safe, none clashes, nothing is lost.
func TestFolderWindowsNames(t *testing.T) {
	at := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	titles := []string{"CON", "con", "Aux", "NUL", "COM1", "LPT1", "Server: down?", "Server down", "Ende.",
		strings.Repeat("Sehr langer Titel eines Playbooks für den Ernstfall ", 8)}
	var hb handbook.Handbook
	for i, title := range titles {
		hb.Playbooks = append(hb.Playbooks, handbook.Playbook{
			Record: handbook.Record{ID: fmt.Sprintf("01a0f6b1-3000-7000-8000-%012d", i+1), CreatedAt: at, UpdatedAt: at},
			Title:  title, IncidentType: handbook.TypeOther, Severity: handbook.SeverityLow,
			Body: "## Sofortmaßnahmen\r\n- [ ] " + title + "\r\n",
		})
	}
	dir := filepath.Join(t.TempDir(), "export")
	ctx := context.Background()
	if err := WriteFolder(ctx, dir, hb); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(dir, dirPlaybooks))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		base := strings.ToLower(strings.TrimSuffix(e.Name(), ".md"))
		if windowsSafe(base) != base || strings.ContainsAny(e.Name(), `<>:"/\|?*`) || len(e.Name()) > 64 {
			t.Errorf("%s is not a safe Windows file name", e.Name())
		}
	}
	if len(names) != len(titles) {
		t.Fatalf("%d files for %d playbooks: %v", len(names), len(titles), names)
	}
	for _, want := range []string{"con_.md", "con_-2.md", "aux_.md", "nul_.md", "com1_.md", "lpt1_.md", "server-down.md", "server-down-2.md", "ende.md"} {
		if !slices.Contains(names, want) {
			t.Errorf("no %s among %v", want, names)
		}
	}
	got, ours, err := ReadFolder(ctx, dir)
	if err != nil || !ours {
		t.Fatalf("read back: %v (ours %v)", err, ours)
	}
	compareLists(t, "playbook", got.Live().Playbooks, hb.Live().Playbooks)
}
