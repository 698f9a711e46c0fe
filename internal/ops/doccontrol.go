package ops

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// Refusals of document control.
const (
	CodeUnknownDocument   Code = "There is no document {{.Name}}."
	CodeNotApprover       Code = "{{.Name}} holds no approver role and cannot release documents. Who may release: {{.Approvers}}."
	CodeNoApprovers       Code = "No one can release documents: no contact holds an approver role ({{.Roles}}). Name the holders in Rollen & Eskalation, or choose the approver roles in the settings."
	CodeNoApproverName    Code = "Say who releases the document."
	CodeAlreadyReleased   Code = "Version {{.Version}} is released and unchanged since: there is nothing new to release."
	CodeDocumentConflicts Code = "{{.N}} sync conflicts of this document are open. Resolve them first, so that what is released is what everyone sees."
	CodeNoReviewer        Code = "Say who reviewed the document."
	CodeUnknownResult     Code = "{{.Value}} is not a review result (unchanged, changed, replaced)."
	CodeNoRevision        Code = "The document has no revision {{.N}}; it has {{.Count}}."
	CodeNoReleaseNote     Code = "Say in a note what the release changes: the change log of the binder lists it."
	CodeLongReleaseNote   Code = "A release note may have at most {{.N}} characters: say briefly what changes; the history shows the details."
)

// DocTitle is a document's title for a message: the record's name, or the
// matrix's title in English (a catalog key).
func docTitle(hb *handbook.Handbook, d handbook.DocRef) string {
	if d.Kind == handbook.EntityMatrix {
		return handbook.MatrixTitle
	}
	return handbook.DocumentTitle(hb, d, "")
}

// ReleaseDoc asks to release a document.
type ReleaseDoc struct {
	Doc handbook.DocRef
	// As is the name of the person releasing it: a holder of an approver
	// role (the name they gave in the app, or --as).
	As string
	// Major makes it the next major version (2.1 → 3.0) instead of the
	// next minor one (2.1 → 2.2). The first release is 1.0.
	Major bool
	// Note says what changed; the binder's change log lists it.
	Note string
	// Passphrase opens the approver's key on this laptop, which signs the
	// release.
	Passphrase string
}

// Release releases a document as it stands: it records the version, the
// approver, the time, the note and the text released, signed with the
// approver's own key on this laptop, in one transaction.
// From then on the binder prints this text until the next release; an
// edit makes the document a draft again. A person who holds no approver
// role is refused, and so is a person without an admitted approver key on
// this laptop (or the wrong passphrase), a document with open sync
// conflicts, and one without changes since its release in force.
func (o *Ops) Release(ctx context.Context, req ReleaseDoc) (handbook.Release, error) {
	var out handbook.Release
	if err := req.Doc.Check(); err != nil {
		return out, fail(CodeUnknownDocument, "Name", req.Doc.String())
	}
	as := strings.Join(strings.Fields(req.As), " ")
	if as == "" {
		return out, fail(CodeNoApproverName)
	}
	if strings.TrimSpace(req.Note) == "" {
		return out, fail(CodeNoReleaseNote)
	}
	if len(req.Note) > MaxReleaseNote {
		return out, fail(CodeLongReleaseNote, "N", MaxReleaseNote)
	}
	ks, hbID, err := o.keysNow(ctx)
	if err != nil {
		return out, err
	}
	now := o.now().UTC()
	err = o.st.Update(ctx, func(tx *store.Tx) error {
		hb, err := controlView(ctx, tx)
		if err != nil {
			return err
		}
		content, err := tx.Document(ctx, req.Doc)
		if err != nil {
			return err
		}
		st := handbook.ReleasesOf(hb.Releases, req.Doc)
		// A document deleted after its release is withdrawn by a release
		// of its deletion.
		withdrawal := !content.Exists() && st.InForce != nil && !st.InForce.Withdrawal
		switch {
		case !content.Exists() && st.InForce != nil && st.InForce.Withdrawal:
			return fail(CodeAlreadyReleased, "Version", st.InForce.Version())
		case !content.Exists() && !withdrawal:
			return fail(CodeUnknownDocument, "Name", req.Doc.String())
		}
		if _, ok := handbook.FindApprover(&hb, as); !ok {
			return notApprover(&hb, as)
		}
		if n, err := tx.OpenConflicts(ctx, req.Doc); err != nil {
			return err
		} else if n > 0 {
			return fail(CodeDocumentConflicts, "N", n)
		}
		if st.InForce != nil && len(st.Concurrent) == 0 && st.InForce.Hash == content.Hash() {
			return fail(CodeAlreadyReleased, "Version", st.InForce.Version())
		}
		approver, priv, err := o.unlock(ctx, &hb, ks, as, req.Passphrase, now)
		if err != nil {
			return err
		}
		major, minor := st.Next(req.Major)
		title := docTitle(&hb, req.Doc)
		if withdrawal {
			title = st.InForce.Title
		}
		out = handbook.Release{Record: handbook.Record{ID: handbook.NewID()}, DocKind: req.Doc.Kind, DocID: req.Doc.ID,
			Title: title, Withdrawal: withdrawal, Major: major, Minor: minor, Supersedes: st.Tips(), Approver: approver.Contact.FullName(),
			ApproverContact: approver.Contact.ID, ApproverRole: approver.Role.Name, ReleasedAt: now,
			Note: strings.TrimSpace(req.Note), Device: o.st.Device(), Content: content, Hash: content.Hash(),
			Signer: handbook.PublicText(priv.Public().(ed25519.PublicKey))}
		handbook.Clean(&out)
		out.Signature = handbook.Sign(priv, out.Statement(hbID))
		if err := put(ctx, o, tx, &out); err != nil {
			return err
		}
		return tx.SetReleaseChecks(ctx, []store.ReleaseCheck{{ID: out.ID, Verdict: store.VerdictOK}})
	})
	if err != nil {
		return handbook.Release{}, fmt.Errorf("release %s: %w", req.Doc, err)
	}
	return out, nil
}

// MaxReleaseNote is the longest release note, in bytes: the binder's
// change log prints every note.
const MaxReleaseNote = 2000

// controlView reads, inside a transaction, what document control decides
// on: settings, contacts, roles and levels, documents, releases, reviews.
func controlView(ctx context.Context, tx *store.Tx) (handbook.Handbook, error) {
	var hb handbook.Handbook
	var err error
	if hb.Settings, err = tx.Settings(ctx); err != nil {
		return hb, err
	}
	if hb.Contacts, err = store.List[handbook.Contact](ctx, tx); err != nil {
		return hb, err
	}
	if hb.Roles, err = store.List[handbook.Role](ctx, tx); err != nil {
		return hb, err
	}
	if hb.Escalation, err = store.List[handbook.EscalationLevel](ctx, tx); err != nil {
		return hb, err
	}
	if hb.Playbooks, err = store.List[handbook.Playbook](ctx, tx); err != nil {
		return hb, err
	}
	if hb.Services, err = store.List[handbook.Service](ctx, tx); err != nil {
		return hb, err
	}
	if hb.CommTemplates, err = store.List[handbook.CommTemplate](ctx, tx); err != nil {
		return hb, err
	}
	if hb.Releases, err = store.List[handbook.Release](ctx, tx); err != nil {
		return hb, err
	}
	return hb, nil
}

// ReleaseRefusal is the refusal a release in name's name meets when name
// holds no approver role: who may release instead.
func ReleaseRefusal(hb *handbook.Handbook, name string) *Error { return notApprover(hb, name) }

// notApprover refuses a name that names no holder of an approver role,
// saying who may release.
func notApprover(hb *handbook.Handbook, name string) *Error {
	var who []string
	for _, a := range handbook.Approvers(hb) {
		who = append(who, a.Contact.FullName()+" ("+a.Role.Name+")")
	}
	if len(who) == 0 {
		var roles []string
		for _, r := range handbook.ApproverRoles(hb) {
			roles = append(roles, r.Name)
		}
		if len(roles) == 0 {
			roles = handbook.DefaultApproverRoles
		}
		return fail(CodeNoApprovers, "Roles", strings.Join(roles, ", "))
	}
	return fail(CodeNotApprover, "Name", name, "Approvers", strings.Join(who, ", "))
}

// RecordReview records a review of a document.
type RecordReview struct {
	Doc handbook.DocRef
	// Reviewer is the person's name; At when it was reviewed (zero: now).
	Reviewer string
	At       time.Time
	Result   handbook.ReviewResult
	Note     string
	// SourceKind and SourceID name what prompted it (an exercise or an
	// incident), if anything.
	SourceKind, SourceID string
}

// RecordReview records that a document was reviewed, and moves its next
// review on: one interval after the review (a review dated before the
// last one recorded leaves the date). It is no edit of the document: it
// makes no new revision and no draft. Risk scenarios are reviewed too.
func (o *Ops) RecordReview(ctx context.Context, req RecordReview) (handbook.DocReview, error) {
	var out handbook.DocReview
	req.Reviewer = strings.Join(strings.Fields(req.Reviewer), " ")
	switch {
	case req.Reviewer == "":
		return out, fail(CodeNoReviewer)
	case !slices.Contains(handbook.ReviewResults, req.Result):
		return out, fail(CodeUnknownResult, "Value", string(req.Result))
	case req.At.After(o.now().Add(time.Minute)):
		return out, fail(CodeTimeInFuture)
	case !reviewedOnly(req.Doc.Kind) && req.Doc.Check() != nil:
		return out, fail(CodeUnknownDocument, "Name", req.Doc.String())
	}
	if req.At.IsZero() {
		req.At = o.now()
	}
	err := o.st.Update(ctx, func(tx *store.Tx) error {
		hb, err := controlView(ctx, tx)
		if err != nil {
			return err
		}
		out = handbook.DocReview{DocKind: req.Doc.Kind, DocID: req.Doc.ID, Reviewer: req.Reviewer,
			ReviewedAt: req.At.UTC(), Result: req.Result, Note: strings.TrimSpace(req.Note),
			SourceKind: req.SourceKind, SourceID: req.SourceID, Device: o.st.Device()}
		for _, c := range hb.Contacts {
			if handbook.Fold(c.FullName()) == handbook.Fold(req.Reviewer) || handbook.Fold(c.Name) == handbook.Fold(req.Reviewer) {
				out.ReviewerContact = c.ID
				break
			}
		}
		switch req.Doc.Kind {
		case handbook.EntityMatrix:
			content, err := tx.Document(ctx, req.Doc)
			if err != nil {
				return err
			}
			if !content.Exists() {
				return fail(CodeUnknownDocument, "Name", req.Doc.String())
			}
			out.Title = handbook.MatrixTitle
		case handbook.EntityPlaybook:
			out.Title, err = reviewed[handbook.Playbook](ctx, o, tx, req.Doc.ID, req.At)
		case handbook.EntityCommTemplate:
			out.Title, err = reviewed[handbook.CommTemplate](ctx, o, tx, req.Doc.ID, req.At)
		case handbook.EntityService:
			out.Title, err = reviewed[handbook.Service](ctx, o, tx, req.Doc.ID, req.At)
		case handbook.EntityRisk:
			out.Title, err = reviewed[handbook.RiskScenario](ctx, o, tx, req.Doc.ID, req.At)
		case handbook.EntityProcess:
			out.Title, err = reviewed[handbook.BusinessProcess](ctx, o, tx, req.Doc.ID, req.At)
		case handbook.EntitySite:
			out.Title, err = reviewed[handbook.Site](ctx, o, tx, req.Doc.ID, req.At)
		case handbook.EntitySupplier:
			out.Title, err = reviewed[handbook.Supplier](ctx, o, tx, req.Doc.ID, req.At)
		}
		if errors.Is(err, store.ErrNotFound) {
			return fail(CodeUnknownDocument, "Name", req.Doc.String())
		}
		if err != nil {
			return err
		}
		return put(ctx, o, tx, &out)
	})
	if err != nil {
		return handbook.DocReview{}, fmt.Errorf("record the review of %s: %w", req.Doc, err)
	}
	return out, nil
}

// reviewed moves a document's last review to at, unless it is later
// already, and returns its title.
func reviewed[T any, P reviewable[T]](ctx context.Context, o *Ops, tx *store.Tx, id string, at time.Time) (string, error) {
	before, err := store.Get[T, P](ctx, tx, id)
	if err != nil {
		return "", err
	}
	after := before
	if rv := P(&after).ReviewCycle(); at.After(rv.LastReviewedAt) {
		rv.LastReviewedAt = at.UTC()
		if err := edit[T, P](ctx, o, tx, &before, &after); err != nil {
			return "", err
		}
	}
	return P(&after).Label(), nil
}

// DocState is where a document stands, with what a person needs to know
// about its draft.
type DocState struct {
	handbook.DocStatus
	// DraftSince is when the changes not released began: the first change
	// after the release in force, or the document's creation when it was
	// never released. Zero when released.
	DraftSince time.Time
}

// DocStates lists every live controlled document with its release and
// review state.
func (o *Ops) DocStates(ctx context.Context, hb *handbook.Handbook) ([]DocState, error) {
	sts, err := handbook.Statuses(hb)
	if err != nil {
		return nil, err
	}
	out := make([]DocState, len(sts))
	for i, st := range sts {
		out[i] = DocState{DocStatus: st}
		if !st.Draft {
			continue
		}
		out[i].DraftSince = st.CreatedAt
		if in := st.Releases.InForce; in != nil {
			first, ok, err := o.st.FirstChangeAfter(ctx, st.Doc, in.ReleasedAt)
			if err != nil {
				return nil, err
			}
			out[i].DraftSince = in.ReleasedAt
			if ok {
				out[i].DraftSince = first
			}
		}
	}
	return out, nil
}

// RestoreRevision makes a document say again what it said after one of
// its revisions, as a new edit (a new revision, a draft); it returns what
// changed.
func (o *Ops) RestoreRevision(ctx context.Context, doc handbook.DocRef, n int) (store.RestorePlan, error) {
	plan, err := o.st.RestoreRevision(ctx, doc, n)
	if errors.Is(err, store.ErrNoRevision) {
		revs, rerr := o.st.Revisions(ctx, doc)
		if rerr != nil {
			return plan, rerr
		}
		return plan, fail(CodeNoRevision, "N", n, "Count", len(revs))
	}
	return plan, err
}

// docKind reads the kinds of document as people write them.
func docKind(s string) handbook.Entity {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "playbook", "playbooks":
		return handbook.EntityPlaybook
	case "service", "services", "plan", "recovery":
		return handbook.EntityService
	case "template", "templates", "comm_template":
		return handbook.EntityCommTemplate
	case "process", "processes", "business_process", "bia", "continuity":
		return handbook.EntityProcess
	case "matrix", "escalation", "escalation_matrix", "roles":
		return handbook.EntityMatrix
	}
	return handbook.Entity(s)
}

// reviewedOnly reports the kinds of record that are reviewed but not
// released as controlled documents.
func reviewedOnly(e handbook.Entity) bool {
	switch e {
	case handbook.EntityRisk, handbook.EntitySite, handbook.EntitySupplier:
		return true
	}
	return false
}

// DocStateOf is one document's state, read without loading the whole
// handbook: for a document's own screen.
func (o *Ops) DocStateOf(ctx context.Context, doc handbook.DocRef) (DocState, error) {
	if err := doc.Check(); err != nil {
		return DocState{}, fail(CodeUnknownDocument, "Name", doc.String())
	}
	content, err := o.st.Document(ctx, doc)
	if err != nil {
		return DocState{}, err
	}
	releases, err := store.List[handbook.Release](ctx, o.st)
	if err != nil {
		return DocState{}, err
	}
	reviews, err := store.List[handbook.DocReview](ctx, o.st)
	if err != nil {
		return DocState{}, err
	}
	var item handbook.Item
	switch doc.Kind {
	case handbook.EntityPlaybook:
		item, err = getItem[handbook.Playbook](ctx, o, doc.ID)
	case handbook.EntityService:
		item, err = getItem[handbook.Service](ctx, o, doc.ID)
	case handbook.EntityCommTemplate:
		item, err = getItem[handbook.CommTemplate](ctx, o, doc.ID)
	case handbook.EntityProcess:
		item, err = getItem[handbook.BusinessProcess](ctx, o, doc.ID)
	}
	if err != nil {
		return DocState{}, err
	}
	var c *handbook.DocContent
	if content.Exists() {
		c = &content
	}
	st := DocState{DocStatus: handbook.StatusOf(doc, c, item, releases, reviews)}
	if doc.Kind == handbook.EntityMatrix {
		st.Title = ""
	}
	if st.Draft {
		st.DraftSince = st.CreatedAt
		if in := st.Releases.InForce; in != nil {
			first, ok, err := o.st.FirstChangeAfter(ctx, doc, in.ReleasedAt)
			if err != nil {
				return DocState{}, err
			}
			st.DraftSince = in.ReleasedAt
			if ok {
				st.DraftSince = first
			}
		}
	}
	return st, nil
}

func getItem[T any, P recPtr[T]](ctx context.Context, o *Ops, id string) (handbook.Item, error) {
	rec, err := store.Get[T, P](ctx, o.st, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return P(&rec), nil
}
