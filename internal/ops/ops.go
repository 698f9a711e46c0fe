// Package ops holds every operation a person starts, from the window or
// from the command line: start, escalate, log and close an incident, print
// the binder, import contacts, save a record, and so on. app/ and
// internal/cli only collect the input, call an operation and show its
// result in their own words; neither writes to the store itself.
//
// # Adding an operation
//
//  1. Write it as a method of *Ops (or, for a generic record type, a
//     function taking *Ops) in the file of its subject: ctx first, then one
//     request struct named after the operation (StartIncident), then a
//     Progress when it can take longer than 200 ms. Return a typed result.
//  2. Check the request before writing. Refuse what a person can correct
//     with fail(Code…, "Field", value …): the Code is the English sentence
//     and the key of the translation catalogs (add it to
//     assets/translations/de.json and en.json; a test checks). Lower layers'
//     errors are returned wrapped with %w, never turned into sentences here.
//  3. Write everything the operation changes in one o.st.Update
//     transaction: all or nothing. An operation that cannot be one
//     transaction (a sync round) says in its comment how it resumes after a
//     crash between its steps.
//  4. Report long work through Progress: report(p, Stage…, done, total).
//     Stages are English texts and catalog keys, like Codes.
//  5. Test it here with a real store in t.TempDir(), then call it from both
//     front ends. The store announces every commit (store.Subscribe), so
//     screens refresh themselves; an operation never refreshes a screen.
package ops

import (
	"context"
	"time"

	"ernstfall/internal/foldersync"
	"ernstfall/internal/store"
)

// Ops runs operations on one open handbook.
type Ops struct {
	st      *store.Store
	now     func() time.Time
	program string
	// sync runs this process's sync rounds, one at a time.
	sync foldersync.Engine
	// written, when set, runs after each record an operation writes inside
	// its transaction: the crash tests stop the process there.
	written func()
}

// Config tunes New; the zero value is right except for Program.
type Config struct {
	// Now replaces the wall clock (tests); nil means time.Now.
	Now func() time.Time
	// Program names the program and its version ("Ernstfall 0.1.0"):
	// every printout carries it on its cover.
	Program string
}

// New returns the operations on st.
func New(st *store.Store, cfg Config) *Ops {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Ops{st: st, now: cfg.Now, program: cfg.Program}
}

// SetAuthor names the person working: every edit made from now on
// carries the name into the handbook's history, on every laptop.
func (o *Ops) SetAuthor(name string) { o.st.SetAuthor(name) }

// Store is the handbook the operations work on, for reading.
func (o *Ops) Store() *store.Store { return o.st }

// put writes a record inside an operation's transaction.
func put[T any, P recPtr[T]](ctx context.Context, o *Ops, tx *store.Tx, rec *T) error {
	if err := store.Put[T, P](ctx, tx, rec); err != nil {
		return err
	}
	if o.written != nil {
		o.written()
	}
	return nil
}

// edit writes a person's edit of a record inside an operation's transaction.
func edit[T any, P recPtr[T]](ctx context.Context, o *Ops, tx *store.Tx, before, after *T) error {
	if err := store.Edit[T, P](ctx, tx, before, after); err != nil {
		return err
	}
	if o.written != nil {
		o.written()
	}
	return nil
}
