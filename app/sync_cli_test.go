package app

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/cli"
)

// TestLaptopSetUpOnTheCommandLine: a laptop that joined its shared
// folder with "ernstfall sync --folder" opens in the window as set up: the
// toolbar's round synchronises with that folder instead of asking for
// one, and the dashboard and the settings name it.
func TestLaptopSetUpOnTheCommandLine(t *testing.T) {
	u := newTestUI(t)
	folder := t.TempDir()
	var out, errOut bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &errOut, Now: u.now, ConfigDir: t.TempDir(), Lang: "en"}
	if code := cli.Run(context.Background(), []string{"--db", u.st.Path(), "sync", "--folder", folder, "--device-name", "Laptop A"}, env); code != 0 {
		t.Fatalf("sync --folder exited %d: %s%s", code, out.String(), errOut.String())
	}

	u.updateSyncStatus()
	if got := u.syncer.status.Text; !strings.HasPrefix(got, "Zuletzt synchronisiert ") {
		t.Errorf("after the command line's round the status says %q", got)
	}
	cfg, err := u.ops.SyncSetup(u.ctx)
	if err != nil || cfg.Folder != folder {
		t.Fatalf("sync setup = %+v, %v; want the folder %s", cfg, err, folder)
	}
	u.syncNow(true)
	u.waitSync()
	if d := u.dialogTop(); d != nil {
		t.Fatalf("the window asked instead of synchronising: %q", texts(d))
	}
	if got := u.syncer.status.Text; got != "Synchronisiert 09:00" {
		t.Errorf("status = %q, want the round done", got)
	}
	u.show(u.screenIndex(t, "dashboard"))
	u.tasks.Wait()
	if hasText(u.body, "Nicht eingerichtet. Dieses Handbuch liegt nur auf diesem Rechner.") {
		t.Error("the dashboard says no folder is set up")
	}
	if !hasText(u.body, "Ordner: "+folder) {
		t.Errorf("the dashboard does not name the folder: %q", strings.Join(texts(u.body), " | "))
	}
	if !slices.Contains(texts(u.syncSettings(nil)), folder) {
		t.Error("the settings do not show the folder")
	}
}
