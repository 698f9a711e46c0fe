package handbook

import (
	"cmp"
	"slices"
	"strings"
)

// CopyStatus is where one printed copy of the distribution list stands.
//
// A copy is printed (a Printout of kind PrintCopy) and then put in place:
// someone confirms the exchange (CopyExchange), which makes that print the
// one in place. A print not confirmed yet is pending. The copy in place
// is outdated when a release made since changed what the binder prints.
type CopyStatus struct {
	Copy Copy
	// InPlace is the print confirmed in place, with its confirmation;
	// nil when no exchange was confirmed yet.
	InPlace  *Printout
	Exchange *CopyExchange
	// Pending is the newest print made after the one in place and not
	// confirmed yet.
	Pending *Printout
	// Outdated: the copy in place holds other releases than those in
	// force; Changed names the documents ("kind/id").
	Outdated bool
	Changed  []string
	// PendingOutdated: the pending print is outdated already.
	PendingOutdated bool
}

// NeedsReplacing reports a copy whose holder has an outdated copy, or
// none yet.
func (s CopyStatus) NeedsReplacing() bool { return s.InPlace == nil || s.Outdated }

// CopyStatuses lists the live copies of the distribution list by number
// with their prints and exchanges; inForce are the releases in force (see
// InForce).
func CopyStatuses(hb *Handbook, inForce map[string]string) []CopyStatus {
	prints := map[string][]Printout{}
	byID := map[string]Printout{}
	for _, p := range hb.Printouts {
		if !p.Deleted && p.Kind == PrintCopy {
			prints[p.CopyID] = append(prints[p.CopyID], p)
			byID[p.ID] = p
		}
	}
	exchanges := map[string][]CopyExchange{}
	for _, x := range hb.Exchanges {
		if !x.Deleted {
			exchanges[x.CopyID] = append(exchanges[x.CopyID], x)
		}
	}
	var out []CopyStatus
	for _, c := range hb.Copies {
		if c.Deleted {
			continue
		}
		st := CopyStatus{Copy: c}
		ps := prints[c.ID]
		slices.SortFunc(ps, func(a, b Printout) int {
			return cmp.Or(a.PrintedAt.Compare(b.PrintedAt), strings.Compare(a.ID, b.ID))
		})
		xs := exchanges[c.ID]
		slices.SortFunc(xs, func(a, b CopyExchange) int {
			return cmp.Or(a.ConfirmedAt.Compare(b.ConfirmedAt), strings.Compare(a.ID, b.ID))
		})
		for i := len(xs) - 1; i >= 0; i-- {
			if p, ok := byID[xs[i].PrintoutID]; ok {
				x := xs[i]
				st.InPlace, st.Exchange = &p, &x
				break
			}
		}
		if n := len(ps); n > 0 {
			last := ps[n-1]
			if st.InPlace == nil || last.ID != st.InPlace.ID && last.PrintedAt.After(st.InPlace.PrintedAt) {
				st.Pending = &last
				st.PendingOutdated = !SameReleases(last.Releases, inForce)
			}
		}
		if st.InPlace != nil && !SameReleases(st.InPlace.Releases, inForce) {
			st.Outdated = true
			st.Changed = ChangedDocs(st.InPlace.Releases, inForce)
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b CopyStatus) int {
		return cmp.Or(cmp.Compare(a.Copy.Number, b.Copy.Number), strings.Compare(a.Copy.ID, b.Copy.ID))
	})
	return out
}

// NextCopyNumber is one above the highest number on the list.
func NextCopyNumber(copies []Copy) int {
	n := 0
	for _, c := range copies {
		if !c.Deleted {
			n = max(n, c.Number)
		}
	}
	return n + 1
}
