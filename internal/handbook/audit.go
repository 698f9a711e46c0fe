package handbook

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// AuditWithdrawal is the Result of a release that withdraws a deleted
// document.
const AuditWithdrawal = "withdrawal"

// Kinds of audit events.
const (
	AuditRelease  = "release"
	AuditReview   = "review"
	AuditPrintout = "printout"
	AuditExchange = "exchange"
	// AuditKeyAdmit and AuditKeyRevoke: an approver's key was admitted or
	// revoked (Person holds it, Result is its fingerprint, Note who
	// signed).
	AuditKeyAdmit  = "key_admit"
	AuditKeyRevoke = "key_revoke"
)

// AuditEvent is one thing document control recorded: a release, a
// review, a printout or the exchange of a printed copy. Together they are
// the proof an auditor asks for (ISO 22301 7.5.3: approval, review,
// distribution and control of copies).
type AuditEvent struct {
	At   time.Time
	Kind string
	// Doc and Title name the document (releases and reviews); an empty
	// Title with Doc the matrix names the escalation matrix and roles.
	Doc   DocRef
	Title string
	// Version is the version released, or the handbook version printed.
	Version string
	// Person released, reviewed, printed or confirmed; Role is the
	// approver's role.
	Person, Role string
	// Result is a review's result, or a printout's kind.
	Result string
	// Copy, CopyOf, Holder and Place name the printed copy.
	Copy, CopyOf  int
	Holder, Place string
	// Printed is when the copy put in place by an exchange was printed.
	Printed time.Time
	Note    string
	Device  string
	ID      string
}

// AuditEvents lists what document control recorded between from and to
// (each inclusive; zero is open), oldest first. Titles are the documents'
// titles now, or as recorded when the document is gone.
func AuditEvents(hb *Handbook, from, to time.Time) []AuditEvent {
	in := func(t time.Time) bool {
		return (from.IsZero() || !t.Before(from)) && (to.IsZero() || !t.After(to))
	}
	titles := map[DocRef]string{}
	hb.EachItem(func(it Item) {
		if d, ok := DocOf(it.Entity(), it.Meta().ID); ok && d.Kind != EntityMatrix && !it.Meta().Deleted {
			titles[d] = it.Label()
		}
	})
	title := func(d DocRef, recorded string) string {
		if d.Kind == EntityMatrix {
			return ""
		}
		return cmp.Or(titles[d], recorded)
	}
	var out []AuditEvent
	for _, r := range hb.Releases {
		if r.Deleted || !in(r.ReleasedAt) {
			continue
		}
		e := AuditEvent{At: r.ReleasedAt, Kind: AuditRelease, Doc: r.Doc(), Title: title(r.Doc(), r.Title),
			Version: r.Version(), Person: r.Approver, Role: r.ApproverRole, Note: r.Note, Device: r.Device, ID: r.ID}
		if r.Withdrawal {
			e.Result = AuditWithdrawal
		}
		out = append(out, e)
	}
	for _, k := range hb.ApproverKeys {
		if k.Action == KeyRequest || !in(k.At) {
			continue
		}
		kind := AuditKeyAdmit
		if k.Action == KeyRevoke {
			kind = AuditKeyRevoke
		}
		out = append(out, AuditEvent{At: k.At, Kind: kind, Person: k.Name, Role: k.RoleName, Result: KeyFingerprint(k.Key),
			Note: k.SignerName, Device: k.Device, ID: k.ID})
	}
	for _, r := range hb.Reviews {
		if r.Deleted || !in(r.ReviewedAt) {
			continue
		}
		out = append(out, AuditEvent{At: r.ReviewedAt, Kind: AuditReview, Doc: r.Doc(), Title: title(r.Doc(), r.Title),
			Person: r.Reviewer, Result: string(r.Result), Note: r.Note, Device: r.Device, ID: r.ID})
	}
	prints := map[string]Printout{}
	for _, p := range hb.Printouts {
		if p.Deleted {
			continue
		}
		prints[p.ID] = p
		if !in(p.PrintedAt) {
			continue
		}
		out = append(out, AuditEvent{At: p.PrintedAt, Kind: AuditPrintout, Version: p.Version, Person: p.By, Result: p.Kind,
			Copy: p.CopyNumber, CopyOf: p.Copies, Holder: p.Holder, Place: p.Place, Device: p.Device, ID: p.ID})
	}
	copies := map[string]Copy{}
	for _, c := range hb.Copies {
		copies[c.ID] = c
	}
	for _, x := range hb.Exchanges {
		if x.Deleted || !in(x.ConfirmedAt) {
			continue
		}
		e := AuditEvent{At: x.ConfirmedAt, Kind: AuditExchange, Person: x.ConfirmedBy, Note: x.Note, Device: x.Device, ID: x.ID}
		if p, ok := prints[x.PrintoutID]; ok {
			e.Version, e.Printed, e.Copy, e.CopyOf, e.Holder, e.Place = p.Version, p.PrintedAt, p.CopyNumber, p.Copies, p.Holder, p.Place
		} else if c, ok := copies[x.CopyID]; ok {
			e.Copy, e.Place = c.Number, c.Place
		}
		out = append(out, e)
	}
	rank := map[string]int{AuditKeyAdmit: -2, AuditKeyRevoke: -1, AuditRelease: 0, AuditReview: 1, AuditPrintout: 2, AuditExchange: 3}
	slices.SortFunc(out, func(a, b AuditEvent) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(rank[a.Kind], rank[b.Kind]), cmp.Compare(a.Copy, b.Copy), strings.Compare(a.ID, b.ID))
	})
	return out
}
