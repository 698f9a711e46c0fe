package ops

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// AddRegime is a reporting regime that turns out to apply to a running
// incident, for example personal data found involved on day 2.
type AddRegime struct {
	IncidentID string
	Regime     string
	// AwareAt is when the company became aware of what makes the regime
	// apply; its reports run from here. Zero means now.
	AwareAt time.Time
	// ClassifiedAt is when the incident was classified as major (DORA);
	// zero: not yet (the initial notification is then due at the latest
	// 24 hours after AwareAt).
	ClassifiedAt time.Time
	By, Initials string
}

// AddRegime adds a regime to a running incident: a log entry, with a
// classification entry when ClassifiedAt is given. A regime that applies
// already is refused: its clocks run.
func (o *Ops) AddRegime(ctx context.Context, req AddRegime) error {
	now := o.now()
	if !slices.Contains(handbook.Regimes, req.Regime) {
		return fail(CodeUnknownClock, "Name", req.Regime)
	}
	aware := req.AwareAt
	if aware.IsZero() {
		aware = now
	}
	for _, t := range []time.Time{aware, req.ClassifiedAt} {
		if t.After(now) {
			return fail(CodeTimeInFuture, "Time", t)
		}
	}
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		inc, log, err := o.openWithLog(ctx, tx, req.IncidentID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(handbook.RegimesOf(inc, log), func(r handbook.RegimeRun) bool { return r.Regime == req.Regime }) {
			return fail(CodeRegimeApplies, "Name", keys{handbook.RegimeNames[req.Regime]})
		}
		e := handbook.LogEntry{IncidentID: inc.ID, At: now, Author: req.By, Initials: req.Initials,
			Kind: handbook.LogRegime, Regime: req.Regime, Moment: aware}
		if err := put(ctx, o, tx, &e); err != nil {
			return err
		}
		if req.ClassifiedAt.IsZero() {
			return nil
		}
		c := handbook.LogEntry{IncidentID: inc.ID, At: now, Author: req.By, Initials: req.Initials,
			Kind: handbook.LogClassified, Regime: req.Regime, Moment: req.ClassifiedAt}
		return put(ctx, o, tx, &c)
	})
	if err != nil {
		return fmt.Errorf("add reporting duty %s: %w", req.Regime, err)
	}
	return nil
}

// Classify records that a running incident was classified as major under
// a regime (DORA) at At (zero: now). The initial notification is then due
// 4 hours later, at the latest 24 hours after awareness.
func (o *Ops) Classify(ctx context.Context, incidentID, regime string, at time.Time, by, initials string) error {
	now := o.now()
	if at.IsZero() {
		at = now
	}
	if at.After(now) {
		return fail(CodeTimeInFuture, "Time", at)
	}
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		inc, log, err := o.openWithLog(ctx, tx, incidentID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(handbook.RegimesOf(inc, log), func(r handbook.RegimeRun) bool { return r.Regime == regime }) {
			return fail(CodeNotOwed, "Name", keys{handbook.RegimeNames[regime]})
		}
		e := handbook.LogEntry{IncidentID: inc.ID, At: now, Author: by, Initials: initials,
			Kind: handbook.LogClassified, Regime: regime, Moment: at}
		return put(ctx, o, tx, &e)
	})
	if err != nil {
		return fmt.Errorf("classify incident: %w", err)
	}
	return nil
}

// SetFacts changes what an incident's messages say about it: its impact,
// the time of the next update, or both (nil leaves one as it is). Each
// change is a log entry, so two laptops changing them at once both keep
// their entry, and the later one holds (handbook.CurrentFacts).
type SetFacts struct {
	IncidentID   string
	Impact       *string
	NextUpdate   *time.Time
	By, Initials string
}

// SetFacts logs the new impact and next update of a running incident. A
// value equal to the one in effect writes nothing; when nothing changes
// at all, the request is refused with CodeNoChange.
func (o *Ops) SetFacts(ctx context.Context, req SetFacts) error {
	now := o.now()
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		inc, log, err := o.openWithLog(ctx, tx, req.IncidentID)
		if err != nil {
			return err
		}
		impact, next := handbook.CurrentFacts(inc, log)
		var entries []handbook.LogEntry
		if req.Impact != nil {
			if v := strings.TrimSpace(*req.Impact); v != "" && v != impact {
				entries = append(entries, handbook.LogEntry{Kind: handbook.LogImpact, Text: v})
			}
		}
		if req.NextUpdate != nil && !req.NextUpdate.IsZero() && !req.NextUpdate.Equal(next) {
			entries = append(entries, handbook.LogEntry{Kind: handbook.LogNextUpdate, Moment: *req.NextUpdate})
		}
		if len(entries) == 0 {
			return fail(CodeNoChange)
		}
		for i := range entries {
			e := &entries[i]
			e.IncidentID, e.At, e.Author, e.Initials = inc.ID, now, req.By, req.Initials
			if err := put(ctx, o, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("change the incident's facts: %w", err)
	}
	return nil
}

// WaiveReport declares a report an incident owes not needed (the breach
// is unlikely to result in a risk, the incident turned out not to be
// significant …), with the reason. Closed incidents take it too: their
// reporting duties outlast them.
type WaiveReport struct {
	IncidentID   string
	Clock        string
	Reason       string
	By, Initials string
}

// WaiveReport logs the report as not needed.
func (o *Ops) WaiveReport(ctx context.Context, req WaiveReport) error {
	reason := strings.TrimSpace(req.Reason)
	if reason == "" {
		return fail(CodeNoReason)
	}
	now := o.now()
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		inc, err := incidentIn(ctx, tx, req.IncidentID)
		if err != nil {
			return err
		}
		d, err := o.owed(ctx, inc, req.Clock)
		if err != nil {
			return err
		}
		if d.Done() {
			return fail(CodeReportDone, "Name", keys{d.Rule.Name})
		}
		e := handbook.LogEntry{IncidentID: inc.ID, At: now, Author: req.By, Initials: req.Initials,
			Kind: handbook.LogWaived, Clock: req.Clock, Text: reason}
		return put(ctx, o, tx, &e)
	})
	if err != nil {
		return fmt.Errorf("declare report not needed: %w", err)
	}
	return nil
}

// owed is the incident's deadline of that report; refused when the
// incident owes no such report.
func (o *Ops) owed(ctx context.Context, inc handbook.Incident, clock string) (handbook.Deadline, error) {
	log, err := logOf(ctx, o.st, inc.ID)
	if err != nil {
		return handbook.Deadline{}, err
	}
	for _, d := range handbook.Deadlines(inc, log, time.Local) {
		if d.Clock == clock {
			return d, nil
		}
	}
	name := clock
	if r, ok := handbook.Rule(clock); ok {
		name = r.Name
	}
	return handbook.Deadline{}, fail(CodeNotOwed, "Name", keys{name})
}
