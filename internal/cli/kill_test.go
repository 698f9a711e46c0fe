package cli

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/fixture"
	"ernstfall/internal/store"
)

const (
	binderChildEnv = "ERNSTFALL_BINDER_KILL_CHILD"
	binderChildDB  = "ERNSTFALL_BINDER_KILL_DB"
	binderChildOut = "ERNSTFALL_BINDER_KILL_OUT"
)

// TestBinderKillChild is the child of TestKilledBinderLeavesNoTemporaries:
// it prints the binder in a loop until it is killed.
func TestBinderKillChild(t *testing.T) {
	if os.Getenv(binderChildEnv) != "1" {
		t.Skip("runs only as the child of TestKilledBinderLeavesNoTemporaries")
	}
	for {
		env := &Env{Stdout: io.Discard, Stderr: io.Discard}
		if code := Run(context.Background(), []string{"--db", os.Getenv(binderChildDB), "binder", "-o", os.Getenv(binderChildOut)}, env); code != 0 {
			t.Fatalf("binder exit %d", code)
		}
	}
}

// largeDB is a database holding a generated handbook of the given size.
func largeDB(t *testing.T, size fixture.Size) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "gross.db")
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), fixture.Generate(3, size)); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestKilledBinderLeavesNoTemporaries kills a real process printing a
// large binder while it writes; its hidden temporary file stays behind,
// and the next binder run removes it.
func TestKilledBinderLeavesNoTemporaries(t *testing.T) {
	if os.Getenv(binderChildEnv) == "1" {
		t.Skip("child process")
	}
	if testing.Short() {
		t.Skip("kills a child process; not with -short")
	}
	db := largeDB(t, fixture.Size{Contacts: 300, Playbooks: 150, Services: 40})
	dir := t.TempDir()
	out := filepath.Join(dir, "bind.pdf")
	temps := func() []string {
		m, err := filepath.Glob(filepath.Join(dir, ".bind.pdf.*.tmp"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	left := 0
	for round := 0; round < 10 && left == 0; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBinderKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), binderChildEnv+"=1", binderChildDB+"="+db, binderChildOut+"="+out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill while a temporary is being written.
		for start := time.Now(); len(temps()) == 0 && time.Since(start) < 30*time.Second; {
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		left = len(temps())
	}
	if left == 0 {
		t.Fatal("no kill caught the binder while it wrote; the test proves nothing")
	}
	r := run(t, "--db", db, "binder", "-o", out)
	if r.code != 0 {
		t.Fatalf("binder after the kill: %+v", r)
	}
	if got := temps(); len(got) != 0 {
		t.Errorf("temporary files of the killed binder are still there: %s", strings.Join(got, ", "))
	}
}
