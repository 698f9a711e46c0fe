package ops

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"ernstfall/internal/binder"
)

// pdfText is the text of a PDF file, by pdftotext.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

func TestPrintBinder(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	path := filepath.Join(t.TempDir(), "binder.pdf")
	var mu sync.Mutex
	var stages []Stage
	p := progressFunc(func(s Status) {
		mu.Lock()
		defer mu.Unlock()
		if len(stages) == 0 || stages[len(stages)-1] != s.Stage {
			stages = append(stages, s.Stage)
		}
	})
	res, err := o.PrintBinder(ctx, PrintBinder{Path: path, Options: binder.Options{Lang: "de", PrintedBy: "Eva Schulz"}}, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages < 10 {
		t.Errorf("%d pages", res.Pages)
	}
	text := pdfText(t, path)
	for _, want := range []string{"Ernstfall 9.8.7", "Eva Schulz", "26.11.2026"} {
		if !strings.Contains(text, want) {
			t.Errorf("binder lacks %q on its cover", want)
		}
	}
	if want := []Stage{StageLoad, StageRender, StageRecord}; !slices.Equal(stages, want) {
		t.Errorf("stages %v, want %v", stages, want)
	}
	last, err := o.st.LastPrintout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !last.At.Equal(t0) || last.By != "Eva Schulz" || last.Version != res.Version {
		t.Errorf("printout recorded %+v, want at %v by Eva Schulz, version %s", last, t0, res.Version)
	}
}

func TestPrintBinderCancelled(t *testing.T) {
	o := demoOps(t)
	path := filepath.Join(t.TempDir(), "binder.pdf")
	ctx, cancel := context.WithCancel(context.Background())
	p := progressFunc(func(s Status) {
		if s.Stage == StageRender {
			cancel()
		}
	})
	_, err := o.PrintBinder(ctx, PrintBinder{Path: path}, p)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled print: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled print left %s: %v", path, err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil || len(entries) != 0 {
		t.Errorf("the folder holds %v (%v); want nothing left behind", entries, err)
	}
	last, err := o.st.LastPrintout(context.Background())
	if err != nil || !last.At.IsZero() {
		t.Errorf("a cancelled print was recorded: %+v, %v", last, err)
	}
}

func TestPrintIncidentReport(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	inc, err := o.StartIncident(ctx, StartIncident{Playbook: "Datenverlust", Level: LevelFromSeverity, By: "Eva"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bericht.pdf")
	if _, err := o.PrintIncidentReport(ctx, IncidentReport{Path: path, IncidentID: inc.ID, Options: binder.Options{Lang: "de"}}, nil); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, path)
	for _, want := range []string{"Datenverlust", "Eva"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
