package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// HeldRelease is a release that does not count on this laptop: it failed
// its check (Reason), or was not checked yet (Reason empty). The binder
// does not print it; the window and the command line name it with its
// document, laptop and claimed approver.
type HeldRelease struct {
	Release handbook.Release
	Reason  string
	// Laptop is the laptop (device ID) that wrote it, whatever laptop the
	// release names.
	Laptop string
}

// HeldReleases lists the releases held back on this laptop.
func (o *Ops) HeldReleases(ctx context.Context) ([]HeldRelease, error) {
	all, err := o.st.AllReleases(ctx)
	if err != nil {
		return nil, err
	}
	var out []HeldRelease
	for _, cr := range all {
		if cr.Check.Verdict == "" || cr.Check.Verdict == store.VerdictRefused {
			out = append(out, HeldRelease{Release: cr.Release, Reason: cr.Check.Reason, Laptop: cr.Writer})
		}
	}
	return out, nil
}

// CheckReleases checks every release of the handbook again and records
// the verdicts; it runs after every sync round, import and demo load. A
// release counts only when
//   - it is signed with the key of the approver it names, admitted and not
//     revoked at the time of the release (handbook.Keys);
//   - that approver held an approver role at that time (the escalation
//     matrix's history);
//   - the text it carries matches its hash, and that text was a version of
//     the document this laptop knows (one of its revisions);
//   - it is not dated before a release it replaces (by more than the
//     clocks of two laptops may differ, store.ClockTolerance).
//
// Releases kept from before approvers had keys ("legacy") stay as they
// were, unless their record was changed since. Unchecked releases found
// when legacy is true (the demo, an import into a handbook without
// approver keys) are kept as legacy too. It returns the releases refused
// that were not refused before.
func (o *Ops) CheckReleases(ctx context.Context, legacy bool) ([]HeldRelease, error) {
	all, err := o.st.AllReleases(ctx)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	ks, hbID, err := o.keysNow(ctx)
	if err != nil {
		return nil, err
	}
	legacy = legacy && ks.First == ""
	settings, err := o.st.Settings(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]handbook.Release{}
	for _, cr := range all {
		byID[cr.Release.ID] = cr.Release
	}
	c := &releaseChecker{o: o, settings: settings, revisions: map[handbook.DocRef]map[string]bool{}}
	var checks []store.ReleaseCheck
	var refused []HeldRelease
	for _, cr := range all {
		r := cr.Release
		next := store.ReleaseCheck{ID: r.ID, Verdict: store.VerdictOK}
		switch {
		case cr.Check.Verdict == store.VerdictLegacy && (cr.Check.DataHash == "" || cr.Check.DataHash == cr.DataHash):
			next = store.ReleaseCheck{ID: r.ID, Verdict: store.VerdictLegacy, DataHash: cr.DataHash}
		case cr.Check.Verdict == "" && legacy && !r.Signed():
			next = store.ReleaseCheck{ID: r.ID, Verdict: store.VerdictLegacy, DataHash: cr.DataHash}
		case !r.Signed() && !ks.Ambiguous() && (ks.First == "" || ks.Vouched[handbook.VouchFor(r)]):
			// Before approvers had keys a release was a name; the first
			// key confirmed those it found.
			if r.Content.Hash() != r.Hash {
				next = store.ReleaseCheck{ID: r.ID, Verdict: store.VerdictRefused, Reason: handbook.ReleaseBadContent}
			}
		default:
			reason, err := c.check(ctx, r, ks, hbID, byID)
			if err != nil {
				return nil, err
			}
			if reason != "" {
				next = store.ReleaseCheck{ID: r.ID, Verdict: store.VerdictRefused, Reason: reason}
			}
		}
		if next.Verdict == store.VerdictRefused && cr.Check.Verdict != store.VerdictRefused {
			refused = append(refused, HeldRelease{Release: r, Reason: next.Reason, Laptop: cr.Writer})
		}
		if next != cr.Check {
			checks = append(checks, next)
		}
	}
	if o.st.ReadOnly() {
		return refused, nil
	}
	if err := o.st.SetReleaseChecks(ctx, checks); err != nil {
		return nil, fmt.Errorf("check releases: %w", err)
	}
	return refused, nil
}

// releaseChecker checks releases against the history, reading each
// document's revisions and the matrix's history once.
type releaseChecker struct {
	o         *Ops
	settings  handbook.Settings
	revisions map[handbook.DocRef]map[string]bool
	matrix    []store.Revision
	roles     map[int]handbook.DocContent
	read      bool
}

// check returns why r does not count, or "".
func (c *releaseChecker) check(ctx context.Context, r handbook.Release, ks handbook.Keys, hbID string, byID map[string]handbook.Release) (string, error) {
	if ks.Ambiguous() {
		return handbook.ReleaseTwoFirstKeys, nil
	}
	if err := ks.CheckReleaseSignature(r, hbID); err != nil {
		return err.Error(), nil
	}
	for _, s := range r.Supersedes {
		if old, ok := byID[s]; ok && old.ReleasedAt.After(r.ReleasedAt.Add(store.ClockTolerance)) {
			return handbook.ReleaseLaterThan, nil
		}
	}
	held, err := c.heldRole(ctx, r.ApproverContact, r.ReleasedAt)
	if err != nil {
		return "", err
	}
	if !held {
		return handbook.ReleaseNoRole, nil
	}
	if r.Withdrawal {
		if r.Content.Exists() {
			return handbook.ReleaseBadContent, nil
		}
	} else if r.Content.Hash() != r.Hash {
		return handbook.ReleaseBadContent, nil
	}
	known, err := c.versions(ctx, r.Doc())
	if err != nil {
		return "", err
	}
	if !known[r.Hash] {
		return handbook.ReleaseNoRevision, nil
	}
	return "", nil
}

// versions are the hashes of what the document said after each of its
// revisions, and now.
func (c *releaseChecker) versions(ctx context.Context, d handbook.DocRef) (map[string]bool, error) {
	if v, ok := c.revisions[d]; ok {
		return v, nil
	}
	v := map[string]bool{}
	revs, err := c.o.st.Revisions(ctx, d)
	if err != nil {
		return nil, err
	}
	for _, r := range revs {
		v[r.Hash] = true
	}
	cur, err := c.o.st.Document(ctx, d)
	if err != nil {
		return nil, err
	}
	v[cur.Hash()] = true
	c.revisions[d] = v
	return v, nil
}

// heldRole reports whether the contact held an approver role at t, as
// the escalation matrix said after its last revision made by then, or
// after one made within store.ClockTolerance after t: laptops' clocks
// differ, and a person made approver on one laptop releases on another
// a moment later. The approver roles are those the settings name now.
func (c *releaseChecker) heldRole(ctx context.Context, contact string, t time.Time) (bool, error) {
	if !c.read {
		var err error
		if c.matrix, err = c.o.st.Revisions(ctx, handbook.Matrix); err != nil {
			return false, err
		}
		c.roles, c.read = map[int]handbook.DocContent{}, true
	}
	from := sort.Search(len(c.matrix), func(i int) bool { return c.matrix[i].At.After(t) })
	to := sort.Search(len(c.matrix), func(i int) bool { return c.matrix[i].At.After(t.Add(store.ClockTolerance)) })
	for n := from; n <= to; n++ {
		if ok, err := c.heldAfter(ctx, contact, n); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// heldAfter reports whether the contact held an approver role after the
// matrix's revision n.
func (c *releaseChecker) heldAfter(ctx context.Context, contact string, n int) (bool, error) {
	content, ok := c.roles[n]
	if !ok {
		var err error
		if content, err = c.o.st.DocumentAt(ctx, handbook.Matrix, n); err != nil && !errors.Is(err, store.ErrNoRevision) {
			return false, err
		}
		c.roles[n] = content
	}
	for _, rec := range content.Records {
		if rec.Entity != handbook.EntityRole {
			continue
		}
		var role handbook.Role
		for f, v := range rec.Fields {
			var err error
			switch f {
			case "name":
				err = json.Unmarshal(v, &role.Name)
			case "holders":
				err = json.Unmarshal(v, &role.Holders)
			}
			if err != nil {
				return false, fmt.Errorf("role %s in the matrix's history: %w", rec.ID, err)
			}
		}
		role.ID = rec.ID
		if isApproverRole(c.settings, role) && slices.Contains(role.Holders, contact) {
			return true, nil
		}
	}
	return false, nil
}

// isApproverRole reports whether the settings make the role's holders
// approvers.
func isApproverRole(s handbook.Settings, r handbook.Role) bool {
	hb := handbook.Handbook{Settings: s, Roles: []handbook.Role{r}}
	return len(handbook.ApproverRoles(&hb)) == 1
}
