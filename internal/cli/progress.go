package cli

import (
	"fmt"
	"io"
	"os"
	"sync"

	"ernstfall/internal/ops"
)

// progress prints how a long operation advances on standard error, one
// line per stage, when standard error is a terminal: scripts and cron jobs
// get only the result.
func (env *Env) progress() ops.Progress {
	if !isTerminal(env.rawErr) {
		return nil
	}
	return &linePrinter{env: env, w: env.Stderr}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// linePrinter writes a stage when it begins, and counts where the stage
// tells its total.
type linePrinter struct {
	env  *Env
	w    io.Writer
	mu   sync.Mutex
	last ops.Status
}

// Report prints s if it starts a stage or moves a counted one on by a
// tenth.
func (p *linePrinter) Report(s ops.Status) {
	p.mu.Lock()
	defer p.mu.Unlock()
	text := p.env.T(string(s.Stage))
	switch {
	case s.Stage != p.last.Stage:
		if s.Total > 0 {
			text += fmt.Sprintf(" (%d/%d)", s.Done, s.Total)
		}
		fmt.Fprintf(p.w, "%s …\n", text)
	case s.Total > 0 && (s.Done == s.Total || (s.Done-p.last.Done)*10 >= s.Total):
		fmt.Fprintf(p.w, "%s (%d/%d)\n", text, s.Done, s.Total)
	default:
		return
	}
	p.last = s
}
