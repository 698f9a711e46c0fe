package handbook

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Stale reports whether the contact was last verified more than days days
// before now; a contact never verified is stale. days <= 0 means
// DefaultStaleAfterDays.
func (c Contact) Stale(now time.Time, days int) bool {
	if days <= 0 {
		days = DefaultStaleAfterDays
	}
	return c.LastVerifiedAt.IsZero() || now.After(c.LastVerifiedAt.AddDate(0, 0, days))
}

// StaleContacts returns the live contacts that are stale at now (see
// Contact.Stale), the longest unverified first: never verified, then by
// verification date, then by name.
func StaleContacts(contacts []Contact, now time.Time, days int) []Contact {
	var out []Contact
	for _, c := range contacts {
		if !c.Deleted && c.Stale(now, days) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Contact) int {
		return cmp.Or(a.LastVerifiedAt.Compare(b.LastVerifiedAt), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return out
}

// ToVerify returns the live contacts due for verification at now: those
// flagged for a correction (an alarm test found a number wrong) first,
// then the stale ones (StaleContacts).
func ToVerify(contacts []Contact, now time.Time, days int) []Contact {
	var out []Contact
	for _, c := range contacts {
		if !c.Deleted && strings.TrimSpace(c.Correction) != "" {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Contact) int { return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID)) })
	for _, c := range StaleContacts(contacts, now, days) {
		if strings.TrimSpace(c.Correction) == "" {
			out = append(out, c)
		}
	}
	return out
}

// ReviewItem is a document whose review is overdue.
type ReviewItem struct {
	Entity Entity
	ID     string
	Title  string
	Owner  string
	// LastReviewedAt and DueAt are zero for a document never reviewed.
	LastReviewedAt time.Time
	DueAt          time.Time
}

// OverdueReviews returns the live playbooks, services, communication
// templates, risk scenarios, business processes, sites and suppliers whose review is overdue at now, the never
// reviewed first, then by due date, then by kind and title.
func OverdueReviews(hb Handbook, now time.Time) []ReviewItem {
	var out []ReviewItem
	add := func(r *Record, e Entity, title string, rv Review) {
		if r.Deleted || !rv.Overdue(now) {
			return
		}
		out = append(out, ReviewItem{Entity: e, ID: r.ID, Title: title, Owner: rv.Owner,
			LastReviewedAt: rv.LastReviewedAt, DueAt: rv.DueAt()})
	}
	for _, p := range hb.Playbooks {
		add(&p.Record, EntityPlaybook, p.Title, p.Review)
	}
	for _, s := range hb.Services {
		add(&s.Record, EntityService, s.Name, s.Review)
	}
	for _, t := range hb.CommTemplates {
		add(&t.Record, EntityCommTemplate, t.Title, t.Review)
	}
	for _, r := range hb.Risks {
		add(&r.Record, EntityRisk, r.Title, r.Review)
	}
	// The escalation matrix and roles: its last review is the newest
	// review recorded for it.
	if len(keep(hb.Roles)) > 0 || len(keep(hb.Escalation)) > 0 {
		var last time.Time
		for _, r := range hb.Reviews {
			if !r.Deleted && r.Doc() == Matrix && r.ReviewedAt.After(last) {
				last = r.ReviewedAt
			}
		}
		add(&Record{ID: MatrixID}, EntityMatrix, MatrixTitle, Review{LastReviewedAt: last})
	}
	for _, p := range hb.Processes {
		add(&p.Record, EntityProcess, p.Name, p.Review)
	}
	for _, s := range hb.Sites {
		add(&s.Record, EntitySite, s.Name, s.Review)
	}
	for _, s := range hb.Suppliers {
		add(&s.Record, EntitySupplier, s.Name, s.Review)
	}
	slices.SortFunc(out, func(a, b ReviewItem) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(entityRank(a.Entity), entityRank(b.Entity)),
			strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
	})
	return out
}

// Overdue reports whether an open action is past its due date at now. The
// due date counts as a whole day: the action is overdue from the next day on.
// An action without a due date is never overdue.
func (a Action) Overdue(now time.Time) bool {
	if !a.Open() || a.Due.IsZero() {
		return false
	}
	y, m, d := a.Due.Date()
	return !now.Before(time.Date(y, m, d+1, 0, 0, 0, 0, a.Due.Location()))
}

// OpenActions returns the live actions not done yet, by due date (those
// without one last), then by title.
func OpenActions(actions []Action, now time.Time) []Action {
	var out []Action
	for _, a := range actions {
		if !a.Deleted && a.Open() {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b Action) int {
		return cmp.Or(cmp.Compare(boolRank(a.Due.IsZero()), boolRank(b.Due.IsZero())), a.Due.Compare(b.Due),
			strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
	})
	return out
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// entityRank orders kinds of records as Entities lists them.
func entityRank(e Entity) int {
	if i := slices.Index(Entities, e); i >= 0 {
		return i
	}
	return len(Entities)
}
