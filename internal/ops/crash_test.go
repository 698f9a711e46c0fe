package ops

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

const (
	crashChildEnv = "ERNSTFALL_OPS_CRASH_CHILD"
	crashDBEnv    = "ERNSTFALL_OPS_CRASH_DB"
	crashStopEnv  = "ERNSTFALL_OPS_CRASH_STOP"
)

// TestCrashChild is the child process of TestStartIncidentSurvivesKill: it
// starts an incident and, after the record numbered by crashStopEnv is
// written inside the transaction, says so and waits to be killed. With
// stop 0 it finishes the operation, says "done" and waits.
func TestCrashChild(t *testing.T) {
	if os.Getenv(crashChildEnv) != "1" {
		t.Skip("runs only as the child of TestStartIncidentSurvivesKill")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, os.Getenv(crashDBEnv), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stop, err := strconv.Atoi(os.Getenv(crashStopEnv))
	if err != nil {
		t.Fatal(err)
	}
	o := New(st, Config{})
	n := 0
	o.written = func() {
		n++
		fmt.Printf("written %d\n", n)
		if n == stop {
			select {} // killed here, in the middle of the transaction
		}
	}
	if _, err := o.StartIncident(ctx, StartIncident{Playbook: "Ransomware-Angriff", Level: 2, Regimes: []string{handbook.RegimeGDPR}, By: "Kind"}); err != nil {
		t.Fatal(err)
	}
	fmt.Println("done")
	select {}
}

// TestStartIncidentSurvivesKill kills a real process while it starts an
// incident: after the incident record, after its start entry, and after
// the commit. Either the whole incident exists, with both entries and its
// changes queued for sync, or nothing of it does.
func TestStartIncidentSurvivesKill(t *testing.T) {
	if os.Getenv(crashChildEnv) == "1" {
		t.Skip("child process")
	}
	ctx := context.Background()
	tests := []struct {
		name  string
		stop  int // 0: after the commit
		whole bool
	}{
		{"after the incident record", 1, false},
		{"after the start entry", 2, false},
		{"after the commit", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := demoDB(t)
			before, err := store.Open(ctx, db, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			outboxBefore, err := before.Unsent(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// The demo holds an alarm test's drill with its calls.
			incsBefore, err := store.List[handbook.Incident](ctx, before)
			if err != nil {
				t.Fatal(err)
			}
			entriesBefore, err := store.List[handbook.LogEntry](ctx, before)
			if err != nil {
				t.Fatal(err)
			}
			if err := before.Close(); err != nil {
				t.Fatal(err)
			}
			wait := "done"
			if tt.stop > 0 {
				wait = fmt.Sprintf("written %d", tt.stop)
			}
			killAt(t, db, tt.stop, wait)

			st := openStore(t, db, time.Now)
			if err := st.IntegrityCheck(ctx); err != nil {
				t.Fatal(err)
			}
			incs, err := store.List[handbook.Incident](ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			entries, err := store.List[handbook.LogEntry](ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			outbox, err := st.Unsent(ctx)
			if err != nil {
				t.Fatal(err)
			}
			newIncs := len(incs) - len(incsBefore)
			newEntries := len(entries) - len(entriesBefore)
			if !tt.whole {
				if newIncs != 0 || newEntries != 0 || len(outbox) != len(outboxBefore) {
					t.Fatalf("killed mid-way: %d new incidents, %d new log entries, %d queued changes (%d before); want none of it",
						newIncs, newEntries, len(outbox), len(outboxBefore))
				}
				return
			}
			if newIncs != 1 || newEntries != 2 {
				t.Fatalf("killed after the commit: %d new incidents, %d new log entries; want the incident with start and escalation", newIncs, newEntries)
			}
			started := handbook.RunningIncidents(incs)[0]
			log := handbook.Timeline(started, entries)
			if log[0].Kind != handbook.LogStart || handbook.CurrentLevel(started, log) != 2 {
				t.Errorf("log %+v", log)
			}
			if len(outbox) <= len(outboxBefore) {
				t.Errorf("no changes queued for sync after the start")
			}
		})
	}
}

// killAt runs the child on db and kills it once it printed the line want.
func killAt(t *testing.T, db string, stop int, want string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", crashDBEnv+"="+db, crashStopEnv+"="+strconv.Itoa(stop))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var seen []string
	timeout := time.After(30 * time.Second)
wait:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatalf("child ended before %q: %q\n%s", want, seen, stderr.String())
			}
			seen = append(seen, l)
			if l == want {
				break wait
			}
		case <-timeout:
			cmd.Process.Kill()
			t.Fatalf("child did not reach %q within 30 s: %q", want, seen)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	go func() {
		for range lines {
		}
	}()
	cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("child was not killed: %v", cmd.ProcessState)
	}
}
