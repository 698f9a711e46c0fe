package cli

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBinderSourceDateEpoch: with SOURCE_DATE_EPOCH set, two binders of the
// same handbook printed at different times have the same text (the package
// check compares the Windows build's binder with the Linux build's this
// way); without it, the print time shows.
func TestBinderSourceDateEpoch(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) missing: 'make deps' installs it")
	}
	db := demoDB(t)
	dir := t.TempDir()
	printBinder := func(name, epoch string, at time.Time) (result, string) {
		t.Helper()
		var out, errb bytes.Buffer
		env := &Env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return at }, ConfigDir: t.TempDir(),
			Getenv: func(k string) string {
				if k == "SOURCE_DATE_EPOCH" {
					return epoch
				}
				return ""
			}}
		pdf := filepath.Join(dir, name)
		code := Run(context.Background(), []string{"--db", db, "binder", "-o", pdf}, env)
		r := result{code, out.String(), errb.String()}
		if code != 0 {
			return r, ""
		}
		text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", name, err)
		}
		return r, string(text)
	}
	later := now.Add(26 * time.Hour)
	_, a := printBinder("a.pdf", "1790000000", now)
	_, b := printBinder("b.pdf", "1790000000", later)
	if a == "" || a != b {
		t.Error("binders with the same SOURCE_DATE_EPOCH differ in text")
	}
	if !strings.Contains(a, time.Unix(1790000000, 0).Format("02.01.2006")) {
		t.Error("the binder does not show the pinned date")
	}
	_, c := printBinder("c.pdf", "", now)
	_, d := printBinder("d.pdf", "", later)
	if c == d {
		t.Error("without SOURCE_DATE_EPOCH the print time does not show")
	}
	r, _ := printBinder("e.pdf", "gestern", now)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "SOURCE_DATE_EPOCH") {
		t.Errorf("a bad SOURCE_DATE_EPOCH: %+v", r)
	}
}
