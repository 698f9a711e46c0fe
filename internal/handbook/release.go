package handbook

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"
)

// ReleaseState is a document's releases as this laptop knows them.
//
// Releases form a chain: each names the releases in force when it was
// made (Supersedes). Two laptops that release the same document before
// they sync both name the same predecessor, and both become "tips". The
// one in force is decided alike on every laptop: the highest version,
// then the later release, then the greater ID. The others are
// Concurrent: kept, listed, shown on the dashboard, until a new release
// supersedes them all.
type ReleaseState struct {
	// InForce is the release the binder prints; nil when never released.
	InForce *Release
	// Concurrent are releases made at the same time as InForce elsewhere
	// that are not in force.
	Concurrent []Release
	// All are the document's releases, oldest first.
	All []Release
}

// ReleasesOf gathers the live releases of one document.
func ReleasesOf(all []Release, d DocRef) ReleaseState {
	var st ReleaseState
	for _, r := range all {
		if !r.Deleted && r.DocKind == d.Kind && r.DocID == d.ID {
			st.All = append(st.All, r)
		}
	}
	slices.SortFunc(st.All, func(a, b Release) int {
		return cmp.Or(a.ReleasedAt.Compare(b.ReleasedAt), strings.Compare(a.ID, b.ID))
	})
	superseded := map[string]bool{}
	for _, r := range st.All {
		for _, s := range r.Supersedes {
			superseded[s] = true
		}
	}
	var tips []Release
	for _, r := range st.All {
		if !superseded[r.ID] {
			tips = append(tips, r)
		}
	}
	if len(tips) == 0 {
		return st
	}
	slices.SortFunc(tips, func(a, b Release) int {
		return -cmp.Or(cmp.Compare(a.Major, b.Major), cmp.Compare(a.Minor, b.Minor),
			a.ReleasedAt.Compare(b.ReleasedAt), strings.Compare(a.ID, b.ID))
	})
	in := tips[0]
	st.InForce = &in
	st.Concurrent = tips[1:]
	return st
}

// Next is the version a new release gets: 1.0 first, then the next minor
// version, or with major the next major version.
func (s ReleaseState) Next(major bool) (int, int) {
	switch {
	case s.InForce == nil:
		return 1, 0
	case major:
		return s.InForce.Major + 1, 0
	}
	return s.InForce.Major, s.InForce.Minor + 1
}

// Tips are the IDs of the releases a new release supersedes.
func (s ReleaseState) Tips() []string {
	if s.InForce == nil {
		return nil
	}
	out := []string{s.InForce.ID}
	for _, r := range s.Concurrent {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

// DocStatus is where one document stands in document control.
type DocStatus struct {
	Doc DocRef
	// Title is the record's title; empty for the matrix, which front ends
	// name in their language.
	Title     string
	CreatedAt time.Time
	// Hash names what the document says now.
	Hash     string
	Releases ReleaseState
	// Draft: what it says now is not what was released (or it was never
	// released).
	Draft bool
	// Withdrawn: the document was deleted after its release; the binder
	// prints the release until an approver releases the withdrawal.
	Withdrawn bool
	// Reviews are its reviews, newest first.
	Reviews []DocReview
	// LastReviewedAt and NextReview: the review cycle. Documents with
	// review fields keep them in the record; the matrix takes its last
	// review from the reviews and the default interval.
	LastReviewedAt, NextReview time.Time
}

// Released reports whether the document is released and unchanged since.
func (s DocStatus) Released() bool { return s.Releases.InForce != nil && !s.Draft }

// Contents returns what every controlled document says now, by document,
// in one pass over the handbook.
func Contents(hb *Handbook) (map[DocRef]*DocContent, error) {
	out := map[DocRef]*DocContent{}
	var err error
	hb.EachItem(func(it Item) {
		if err != nil || it.Meta().Deleted {
			return
		}
		d, ok := DocOf(it.Entity(), it.Meta().ID)
		if !ok {
			return
		}
		var r DocRecord
		if r, err = ContentOf(it); err != nil {
			return
		}
		c := out[d]
		if c == nil {
			c = &DocContent{}
			out[d] = c
		}
		c.Records = append(c.Records, r)
	})
	for _, c := range out {
		c.Sort()
	}
	return out, err
}

// Statuses lists the state of every live controlled document, in the
// order of Documents.
func Statuses(hb *Handbook) ([]DocStatus, error) {
	contents, err := Contents(hb)
	if err != nil {
		return nil, err
	}
	byDoc := map[DocRef][]DocReview{}
	for _, r := range hb.Reviews {
		if !r.Deleted {
			byDoc[r.Doc()] = append(byDoc[r.Doc()], r)
		}
	}
	items := map[DocRef]Item{}
	hb.EachItem(func(it Item) {
		if d, ok := DocOf(it.Entity(), it.Meta().ID); ok && d.Kind != EntityMatrix && !it.Meta().Deleted {
			items[d] = it
		}
	})
	releases := releasesByDoc(hb.Releases)
	var out []DocStatus
	for _, d := range Documents(hb) {
		st := StatusOf(d, contents[d], items[d], releases[d], byDoc[d])
		if d.Kind == EntityMatrix {
			st.CreatedAt = matrixCreated(hb)
		}
		out = append(out, st)
	}
	return out, nil
}

// StatusOf works out one document's state from what it says now (nil
// when it does not exist), its record (nil for the matrix), its releases
// and its reviews.
func StatusOf(d DocRef, content *DocContent, item Item, releases []Release, reviews []DocReview) DocStatus {
	st := DocStatus{Doc: d, Releases: ReleasesOf(releases, d)}
	for _, r := range reviews {
		if !r.Deleted && r.Doc() == d {
			st.Reviews = append(st.Reviews, r)
		}
	}
	if content != nil {
		st.Hash = content.Hash()
	}
	st.Draft = st.Releases.InForce == nil || st.Releases.InForce.Hash != st.Hash
	if in := st.Releases.InForce; content == nil && in != nil && !in.Withdrawal {
		st.Withdrawn, st.Title, st.CreatedAt = true, in.Title, in.ReleasedAt
	}
	slices.SortFunc(st.Reviews, func(a, b DocReview) int {
		return -cmp.Or(a.ReviewedAt.Compare(b.ReviewedAt), strings.Compare(a.ID, b.ID))
	})
	var rv Review
	if len(st.Reviews) > 0 {
		rv.LastReviewedAt = st.Reviews[0].ReviewedAt
	}
	if item != nil {
		st.Title, st.CreatedAt = item.Label(), item.Meta().CreatedAt
		if c, ok := item.(interface{ ReviewCycle() *Review }); ok {
			rv = *c.ReviewCycle()
		}
	}
	st.LastReviewedAt, st.NextReview = rv.LastReviewedAt, rv.DueAt()
	return st
}

func matrixCreated(hb *Handbook) time.Time {
	var first time.Time
	for _, r := range hb.Roles {
		if !r.Deleted && (first.IsZero() || r.CreatedAt.Before(first)) {
			first = r.CreatedAt
		}
	}
	for _, l := range hb.Escalation {
		if !l.Deleted && (first.IsZero() || l.CreatedAt.Before(first)) {
			first = l.CreatedAt
		}
	}
	return first
}

// InForce maps each live document ("kind/id") to the ID of its release
// in force; documents never released are left out.
func InForce(hb *Handbook) map[string]string {
	out := map[string]string{}
	byDoc := releasesByDoc(hb.Releases)
	for _, d := range Documents(hb) {
		if st := ReleasesOf(byDoc[d], d); st.InForce != nil {
			out[d.String()] = st.InForce.ID
		}
	}
	return out
}

func releasesByDoc(all []Release) map[DocRef][]Release {
	out := map[DocRef][]Release{}
	for _, r := range all {
		if !r.Deleted {
			out[r.Doc()] = append(out[r.Doc()], r)
		}
	}
	return out
}

// Released returns the handbook as the binder prints it: every released
// document as its release in force says it. Documents never released stay
// as they are (the binder marks them as drafts).
func Released(hb Handbook) (Handbook, error) {
	out := hb
	releases := releasesByDoc(hb.Releases)
	for _, d := range Documents(&hb) {
		st := ReleasesOf(releases[d], d)
		if st.InForce == nil {
			continue
		}
		var err error
		if out, err = WithContent(out, d, st.InForce.Content); err != nil {
			return hb, err
		}
	}
	return out, nil
}

// ApproverRoles are the live roles whose holders release documents: the
// roles the settings name, or else those named like DefaultApproverRoles.
func ApproverRoles(hb *Handbook) []Role {
	var out []Role
	for _, r := range hb.Roles {
		if r.Deleted {
			continue
		}
		if len(hb.Settings.ApproverRoles) > 0 {
			if slices.Contains(hb.Settings.ApproverRoles, r.ID) {
				out = append(out, r)
			}
			continue
		}
		for _, name := range DefaultApproverRoles {
			if Fold(r.Name) == Fold(name) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// Approver is a person who may release documents: a contact holding an
// approver role.
type Approver struct {
	Contact Contact
	Role    Role
}

// Approvers lists the holders (primary and deputies) of the approver
// roles, role by role.
func Approvers(hb *Handbook) []Approver {
	contacts := map[string]Contact{}
	for _, c := range hb.Contacts {
		if !c.Deleted {
			contacts[c.ID] = c
		}
	}
	var out []Approver
	for _, r := range ApproverRoles(hb) {
		for _, id := range r.Holders {
			if c, ok := contacts[id]; ok {
				out = append(out, Approver{Contact: c, Role: r})
			}
		}
	}
	return out
}

// FindApprover finds the approver a person's name names: compared with
// each holder's full name and name, ignoring case, umlaut spelling and
// spaces. ok is false when the name names no holder of an approver role.
func FindApprover(hb *Handbook, name string) (Approver, bool) {
	key := Fold(strings.Join(strings.Fields(name), " "))
	if key == "" {
		return Approver{}, false
	}
	for _, a := range Approvers(hb) {
		if Fold(a.Contact.FullName()) == key || Fold(a.Contact.Name) == key {
			return a, true
		}
	}
	return Approver{}, false
}

// SameReleases reports whether a printout holds the releases in force.
func SameReleases(printed, now map[string]string) bool {
	return maps.Equal(printed, now)
}

// ChangedDocs lists the documents ("kind/id") whose release differs
// between two maps of releases, sorted.
func ChangedDocs(printed, now map[string]string) []string {
	var out []string
	for d, id := range now {
		if printed[d] != id {
			out = append(out, d)
		}
	}
	for d := range printed {
		if _, ok := now[d]; !ok {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}
