package handbook

import (
	"fmt"
	"slices"
	"strings"
)

// Controlled documents: what a crisis team releases, reviews and hands
// out in print. Each playbook, communication template, recovery plan
// (service) and business process with its continuity plan is a document
// of its own; the escalation matrix and the roles
// together are one document, EntityMatrix with the ID MatrixID.
const (
	// EntityMatrix names the document made of every role and escalation
	// level. It is no record of its own.
	EntityMatrix Entity = "escalation_matrix"
	// MatrixID is the escalation matrix document's ID.
	MatrixID = "matrix"
	// MatrixTitle is the matrix document's title in English, the key of
	// its title in the translation catalogs.
	MatrixTitle = "Escalation matrix and roles"
)

// DocRef names a controlled document.
type DocRef struct {
	Kind Entity `json:"kind"`
	ID   string `json:"id"`
}

// Matrix is the escalation matrix and roles document.
var Matrix = DocRef{Kind: EntityMatrix, ID: MatrixID}

// String is the reference as "kind/id".
func (d DocRef) String() string { return string(d.Kind) + "/" + d.ID }

// IsZero reports the empty reference.
func (d DocRef) IsZero() bool { return d.Kind == "" && d.ID == "" }

// DocumentKinds lists the kinds of controlled documents, in the order the
// binder prints them.
var DocumentKinds = []Entity{EntityMatrix, EntityPlaybook, EntityService, EntityProcess, EntityCommTemplate}

// IsDocumentKind reports whether e is a kind of controlled document.
func IsDocumentKind(e Entity) bool { return slices.Contains(DocumentKinds, e) }

// Entities are the kinds of record the document is made of.
func (d DocRef) Entities() []Entity {
	if d.Kind == EntityMatrix {
		return []Entity{EntityRole, EntityEscalation}
	}
	return []Entity{d.Kind}
}

// Holds reports whether the record is part of the document.
func (d DocRef) Holds(e Entity, id string) bool {
	if d.Kind == EntityMatrix {
		return e == EntityRole || e == EntityEscalation
	}
	return e == d.Kind && id == d.ID
}

// DocOf names the document a record belongs to; ok is false for records
// that are not part of a controlled document (contacts, incidents …).
func DocOf(e Entity, id string) (DocRef, bool) {
	switch e {
	case EntityRole, EntityEscalation:
		return Matrix, true
	case EntityPlaybook, EntityService, EntityProcess, EntityCommTemplate:
		return DocRef{Kind: e, ID: id}, true
	}
	return DocRef{}, false
}

// Check refuses a reference that names no kind of document.
func (d DocRef) Check() error {
	switch {
	case d.Kind == EntityMatrix && d.ID != MatrixID:
		return fmt.Errorf("the escalation matrix is one document with the ID %q", MatrixID)
	case !IsDocumentKind(d.Kind):
		return fmt.Errorf("%q is not a kind of controlled document", d.Kind)
	case d.ID == "":
		return fmt.Errorf("no %s named", d.Kind)
	}
	return nil
}

// ControlField reports the fields (by JSON name) that keep a document
// under control rather than say what it says: changing them makes no new
// revision and no draft. A review moves the last review date; the review
// interval belongs to the review cycle.
func ControlField(field string) bool { return slices.Contains(ControlFields, field) }

// ControlFields lists the fields ControlField reports.
var ControlFields = []string{"id", "created_at", "updated_at", "last_reviewed_at", "review_interval_days"}

// DocumentTitle is a document's title as lists show it: the record's
// label, or for the matrix the fixed name in the language's words (given).
func DocumentTitle(hb *Handbook, d DocRef, matrixTitle string) string {
	if d.Kind == EntityMatrix {
		return matrixTitle
	}
	var title string
	hb.EachItem(func(it Item) {
		if it.Entity() == d.Kind && it.Meta().ID == d.ID {
			title = it.Label()
		}
	})
	return title
}

// Documents lists the live controlled documents of the handbook: the
// matrix first (when it has a role or a level), then playbooks, recovery
// plans and templates, each in the order of its list.
func Documents(hb *Handbook) []DocRef {
	var out []DocRef
	if len(keep(hb.Roles)) > 0 || len(keep(hb.Escalation)) > 0 {
		out = append(out, Matrix)
	}
	for _, p := range hb.Playbooks {
		if !p.Deleted {
			out = append(out, DocRef{EntityPlaybook, p.ID})
		}
	}
	for _, s := range hb.Services {
		if !s.Deleted {
			out = append(out, DocRef{EntityService, s.ID})
		}
	}
	for _, p := range hb.Processes {
		if !p.Deleted {
			out = append(out, DocRef{EntityProcess, p.ID})
		}
	}
	for _, t := range hb.CommTemplates {
		if !t.Deleted {
			out = append(out, DocRef{EntityCommTemplate, t.ID})
		}
	}
	return append(out, Withdrawing(hb, out)...)
}

// Withdrawing lists the documents deleted after they were released whose
// withdrawal is not released yet: the binder keeps printing their release
// until an approver releases the withdrawal. live are the live documents.
func Withdrawing(hb *Handbook, live []DocRef) []DocRef {
	isLive := map[DocRef]bool{}
	for _, d := range live {
		isLive[d] = true
	}
	var out []DocRef
	seen := map[DocRef]bool{}
	byDoc := releasesByDoc(hb.Releases)
	for _, r := range hb.Releases {
		d := r.Doc()
		if r.Deleted || isLive[d] || seen[d] || d.Kind == EntityMatrix {
			continue
		}
		seen[d] = true
		if in := ReleasesOf(byDoc[d], d).InForce; in != nil && !in.Withdrawal {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b DocRef) int { return strings.Compare(a.String(), b.String()) })
	return out
}
