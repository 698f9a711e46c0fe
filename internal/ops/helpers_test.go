package ops

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"ernstfall/data"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// t0 is the tests' "now": 26 Nov 2026, 02:00 UTC.
var t0 = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

// demoOps opens a fresh store holding the demo handbook, with the clock at t0.
func demoOps(t testing.TB) *Ops {
	t.Helper()
	now := func() time.Time { return t0 }
	st := openStore(t, demoDB(t), now)
	return New(st, Config{Now: now, Program: "Ernstfall 9.8.7"})
}

// demoDB writes the demo handbook into a new database file and closes it.
func demoDB(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "handbook.db")
	// Written an hour before the tests' time.
	st, err := store.Open(ctx, path, store.Options{Now: func() time.Time { return t0.Add(-time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	hb, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, hb); err != nil {
		t.Fatal(err)
	}
	// The demo's releases were made before approvers had keys.
	if _, err := New(st, Config{}).CheckReleases(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// openStore opens path until the test ends.
func openStore(t testing.TB, path string, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path, store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return st
}

// logOfT is an incident's log in time order.
func logOfT(t testing.TB, o *Ops, inc handbook.Incident) []handbook.LogEntry {
	t.Helper()
	log, err := logOf(context.Background(), o.st, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	return handbook.Timeline(inc, log)
}

func count[T any, P recPtr[T]](t testing.TB, o *Ops) int {
	t.Helper()
	list, err := store.List[T, P](context.Background(), o.st)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// codeOf is the Code of an *Error in err's chain; "" for none.
func codeOf(err error) Code {
	if e, ok := AsError(err); ok {
		return e.Code
	}
	return ""
}

// progressFunc is a function that is a Progress.
type progressFunc func(Status)

func (f progressFunc) Report(s Status) { f(s) }

// testPass is the passphrase of every approver key the tests make.
const testPass = "Notfall-Passwort 2026"

// approverKey makes name's approver key on o and returns its fingerprint.
// When it is not the handbook's first key, by (an approver whose key is on
// o) admits it; with by empty it waits for admission.
func approverKey(t testing.TB, o *Ops, name, by string) string {
	t.Helper()
	ctx := context.Background()
	made, err := o.CreateApproverKey(ctx, CreateApproverKey{As: name, Passphrase: testPass})
	if err != nil {
		t.Fatalf("approver key of %s: %v", name, err)
	}
	if !made.First && by != "" {
		if _, err := o.AdmitApproverKey(ctx, ChangeApproverKey{Fingerprint: made.Fingerprint, As: by, Passphrase: testPass}); err != nil {
			t.Fatalf("%s admits the key of %s: %v", by, name, err)
		}
	}
	return made.Fingerprint
}
